//! Named invariants, checked after every step in tests and sweeps. A violation is an engine
//! bug: the checker reports which invariant broke and where.
use crate::vecmap::VecMap;

use super::engine::{Client, Sim};
use super::types::TopicPartition;

/// Remembers what must only move forward (leader epochs, high watermarks) between checks.
#[derive(Clone, Debug, Default)]
pub struct InvariantChecker {
    leader_epochs: VecMap<TopicPartition, i32>,
    max_high_watermark: VecMap<TopicPartition, i64>,
    /// Per consumer, how many of its recorded reads were already checked.
    consumed_checked: VecMap<u32, usize>,
    group_generations: VecMap<std::rc::Rc<str>, i32>,
}

/// Group members that believe they own a partition in a generation: (group, generation) ->
/// partition -> member names.
type Owners = VecMap<(std::rc::Rc<str>, i32), VecMap<TopicPartition, Vec<std::rc::Rc<str>>>>;

fn owners(sim: &Sim) -> Owners {
    let mut out: Owners = VecMap::new();
    for c in &sim.clients {
        if let Client::Consumer(c) = c {
            let Some(g) = c.group.as_ref() else { continue };
            if !c.running || g.generation < 0 {
                continue;
            }
            for tp in &c.assignment {
                out.entry((g.group.clone(), g.generation)).or_default().entry(tp.clone()).or_default().push(c.name.clone());
            }
        }
    }
    out
}

impl InvariantChecker {
    pub fn new() -> Self {
        Self::default()
    }

    /// Checks every invariant; the error names the invariant and the place.
    pub fn check(&mut self, sim: &Sim) -> Result<(), String> {
        for b in sim.brokers.values() {
            for (tp, r) in b.replicas() {
                let (start, leo, hw) = (r.log.log_start_offset(), r.log.log_end_offset(), r.high_watermark);
                // `log_start <= hw <= leo`, on leaders and followers alike.
                if !(start <= hw && hw <= leo) {
                    return Err(format!("hw_within_log: broker {} {tp}: log_start {start}, hw {hw}, leo {leo}", b.id));
                }
                // Offsets are contiguous: the log holds exactly leo - log_start records.
                if (leo - start) as usize != r.log.len() {
                    return Err(format!("offsets_contiguous: broker {} {tp}: {} records between {start} and {leo}", b.id, r.log.len()));
                }
                let m = self.max_high_watermark.entry(tp.clone()).or_insert(hw);
                *m = (*m).max(hw);
            }
        }
        for (topic, t) in &sim.controller.topics {
            for (p, st) in t.partitions.iter().enumerate() {
                let tp = TopicPartition { topic: topic.clone(), partition: p as i32 };
                if let Some(b) = st.isr.iter().find(|b| !st.replicas.contains(b)) {
                    return Err(format!("isr_subset_of_replicas: {tp}: isr member {b} is not a replica {:?}", st.replicas));
                }
                if st.isr.is_empty() {
                    return Err(format!("isr_not_empty: {tp}"));
                }
                if let Some(l) = st.leader {
                    if !st.isr.contains(&l) {
                        return Err(format!("leader_in_isr: {tp}: leader {l} not in isr {:?}", st.isr));
                    }
                }
                let e = self.leader_epochs.entry(tp.clone()).or_insert(st.leader_epoch);
                if st.leader_epoch < *e {
                    return Err(format!("leader_epoch_monotonic: {tp}: epoch went from {} to {}", *e, st.leader_epoch));
                }
                *e = st.leader_epoch;
            }
        }
        // One owner per partition per group within a generation (cooperative included).
        for ((group, generation), parts) in owners(sim) {
            if let Some((tp, names)) = parts.iter().find(|(_, n)| n.len() > 1) {
                return Err(format!("one_owner_per_partition: group {group} generation {generation}: {tp} owned by {names:?}"));
            }
        }
        // A group's generation never goes back below one that became Stable (and so was
        // stored), whichever broker coordinates it. (A generation that never reached Stable
        // can die with its coordinator, as in Kafka.) Only the coordinator the controller
        // currently names counts: a paused or cut-off former coordinator keeps its stale copy
        // in memory until it hears that it lost the offsets partition, as a Kafka broker does.
        let offsets_partitions = sim.controller.topics.get(crate::sim::coordinator::OFFSETS_TOPIC).map_or(0, |t| t.partitions.len() as i32);
        for b in sim.brokers.values().filter(|b| b.is_up()) {
            for g in b.groups().values() {
                let tp = TopicPartition::new(crate::sim::coordinator::OFFSETS_TOPIC, crate::sim::coordinator::coordinator_partition(&g.id, offsets_partitions));
                if sim.controller.partition(&tp).and_then(|st| st.leader) != Some(b.id) {
                    continue;
                }
                let floor = self.group_generations.entry(g.id.clone()).or_insert(0);
                if g.generation < *floor {
                    return Err(format!(
                        "generation_monotonic: group {} is at generation {} on coordinator {} but generation {} was stable",
                        g.id, g.generation, b.id, *floor
                    ));
                }
                if g.state == crate::sim::group::GroupState::Stable {
                    *floor = (*floor).max(g.generation);
                }
            }
        }
        // Committed offsets never pass the highest high watermark the partition ever had:
        // a consumer commits what it read, and reads only below the HW. (After an unclean
        // election a committed offset can stand above today's log end, as in Kafka: the
        // records it counted are gone, and the consumer's next fetch is out of range.)
        for b in sim.brokers.values() {
            for g in b.groups().values() {
                for (tp, &o) in &g.committed {
                    let hw = self.max_high_watermark.get(tp).copied().unwrap_or(0);
                    if o > hw {
                        return Err(format!("committed_below_hw: group {} committed {tp}={o} above every high watermark it ever had ({hw})", g.id));
                    }
                }
            }
        }
        // Every record a consumer read was below the highest HW any replica had by then
        // (consumers are only given committed records). Needs the consumer's history on.
        for c in &sim.clients {
            if let Client::Consumer(c) = c {
                let done = self.consumed_checked.entry(c.id).or_insert(0);
                for (tp, r) in &c.consumed[(*done).min(c.consumed.len())..] {
                    let hw = self.max_high_watermark.get(tp).copied().unwrap_or(0);
                    if r.offset >= hw {
                        return Err(format!("consumer_below_hw: {} read {tp}@{} but no replica's hw was above {hw}", c.name, r.offset));
                    }
                }
                *done = c.consumed.len();
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::config::ClusterConfig;

    fn cluster() -> Sim {
        let mut sim = Sim::new(1, 3, ClusterConfig::default());
        sim.run_for(50);
        sim.create_topic("t", 1, 3, &[]).unwrap();
        sim.run_for(100);
        sim
    }

    #[test]
    fn a_healthy_cluster_passes() {
        let sim = cluster();
        assert_eq!(InvariantChecker::new().check(&sim), Ok(()));
    }

    #[test]
    fn each_invariant_reports_its_name() {
        let tp = TopicPartition::new("t", 0);
        let mut sim = cluster();
        sim.brokers.get_mut(&1).unwrap().replica_manager.partitions.get_mut(&tp).unwrap().high_watermark = 5;
        assert!(InvariantChecker::new().check(&sim).unwrap_err().starts_with("hw_within_log"));

        let mut sim = cluster();
        sim.controller.topics.get_mut("t").unwrap().partitions[0].isr.push(9);
        assert!(InvariantChecker::new().check(&sim).unwrap_err().starts_with("isr_subset_of_replicas"));

        let mut sim = cluster();
        let mut checker = InvariantChecker::new();
        sim.controller.topics.get_mut("t").unwrap().partitions[0].leader_epoch = 3;
        checker.check(&sim).unwrap();
        sim.controller.topics.get_mut("t").unwrap().partitions[0].leader_epoch = 2;
        assert!(checker.check(&sim).unwrap_err().starts_with("leader_epoch_monotonic"));

        let mut sim = cluster();
        let st = &mut sim.controller.topics.get_mut("t").unwrap().partitions[0];
        st.leader = st.replicas.iter().copied().find(|b| !st.isr.contains(b)).or(Some(9));
        assert!(InvariantChecker::new().check(&sim).unwrap_err().starts_with("leader_in_isr"));
    }
}
