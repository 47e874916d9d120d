//! Helpers shared by the native integration tests.
#![allow(dead_code)]
use kafka_flightsim::sim::config::ClusterConfig;
use kafka_flightsim::sim::group::GroupState;
use kafka_flightsim::sim::invariants::InvariantChecker;
use kafka_flightsim::sim::trace::TraceEvent;
use kafka_flightsim::sim::{BrokerId, ClientId, Millis, Sim, TopicPartition};

/// Kafka's defaults scaled down so a failover takes seconds of virtual time, not minutes.
pub fn fast_cluster() -> ClusterConfig {
    ClusterConfig {
        replica_lag_time_max_ms: 2_000,
        broker_heartbeat_interval_ms: 300,
        broker_session_timeout_ms: 1_500,
        replica_fetch_backoff_ms: 200,
        replica_socket_timeout_ms: 3_000,
        offsets_topic_num_partitions: 10,
        ..ClusterConfig::default()
    }
}

pub fn fast_sim(seed: u64, brokers: i32) -> Sim {
    let mut sim = Sim::new(seed, brokers, fast_cluster());
    sim.run_for(100);
    sim
}

/// Steps to virtual time `until`, checking every named invariant after every step; a broken
/// invariant goes to `fail` (which panics with whatever reproduces the run).
pub fn step_until_checked(sim: &mut Sim, checker: &mut InvariantChecker, until: Millis, fail: &dyn Fn(&Sim, &str)) {
    while sim.next_event_time().is_some_and(|t| t <= until) {
        sim.step();
        if let Err(e) = checker.check(sim) {
            fail(sim, &e);
        }
    }
    sim.run_until(until);
}

/// Runs `ms` of virtual time, checking every named invariant after every step.
pub fn run_checked(sim: &mut Sim, checker: &mut InvariantChecker, ms: Millis) {
    let until = sim.now() + ms;
    step_until_checked(sim, checker, until, &|sim, e| panic!("invariant broken at t={} (seed {}): {e}", sim.now(), sim.seed));
}

pub fn leader(sim: &Sim, topic: &str, p: i32) -> Option<BrokerId> {
    sim.controller().partition(&TopicPartition::new(topic, p)).and_then(|s| s.leader)
}

pub fn isr(sim: &Sim, topic: &str, p: i32) -> Vec<BrokerId> {
    sim.controller().partition(&TopicPartition::new(topic, p)).map(|s| s.isr.clone()).unwrap_or_default()
}

pub fn replicas(sim: &Sim, topic: &str, p: i32) -> Vec<BrokerId> {
    sim.controller().partition(&TopicPartition::new(topic, p)).map(|s| s.replicas.clone()).unwrap_or_default()
}

pub fn events(sim: &Sim) -> impl Iterator<Item = &TraceEvent> {
    sim.trace().iter().map(|t| &t.event)
}

/// Values of a replica's log, in offset order.
pub fn log_values(sim: &Sim, broker: BrokerId, topic: &str, p: i32) -> Vec<String> {
    let b = sim.broker(broker).expect("broker");
    b.replicas()
        .get(&TopicPartition::new(topic, p))
        .map(|r| r.log.records().map(|rec| rec.value.as_deref().unwrap_or("null").to_string()).collect())
        .unwrap_or_default()
}

pub fn hw(sim: &Sim, broker: BrokerId, topic: &str, p: i32) -> i64 {
    sim.broker(broker).and_then(|b| b.replicas().get(&TopicPartition::new(topic, p))).map_or(-1, |r| r.high_watermark)
}

pub fn leo(sim: &Sim, broker: BrokerId, topic: &str, p: i32) -> i64 {
    sim.broker(broker).and_then(|b| b.replicas().get(&TopicPartition::new(topic, p))).map_or(-1, |r| r.log.log_end_offset())
}

pub fn cfg(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
}

/// Liveness of a repaired cluster, each property named: every broker running and unfenced;
/// every partition led, every replica back in its ISR, on the current leader epoch, and holding
/// the leader's whole log. `Err` names the first property that fails.
pub fn cluster_liveness(sim: &Sim) -> Result<(), String> {
    for (id, reg) in &sim.controller().brokers {
        if reg.fenced || !sim.broker(*id).is_some_and(|b| b.is_up()) {
            return Err(format!("every_broker_unfenced: broker {id} is fenced or down"));
        }
    }
    for (topic, info) in &sim.controller().topics {
        for (p, st) in info.partitions.iter().enumerate() {
            let tp = TopicPartition::new(topic, p as i32);
            let Some(leader) = st.leader else { return Err(format!("every_partition_led: {tp} has no leader")) };
            let mut isr = st.isr.clone();
            isr.sort();
            let mut all = st.replicas.clone();
            all.sort();
            if isr != all {
                return Err(format!("every_replica_in_isr: {tp} isr {:?} replicas {:?}", st.isr, st.replicas));
            }
            let leader_leo = leo(sim, leader, topic, p as i32);
            for b in &st.replicas {
                let Some(r) = sim.broker(*b).and_then(|x| x.replicas().get(&tp)) else {
                    return Err(format!("replicas_caught_up: broker {b} has no replica of {tp}"));
                };
                if r.leader_epoch != st.leader_epoch {
                    return Err(format!("metadata_caught_up: broker {b} is at epoch {} of {tp}, the controller at {}", r.leader_epoch, st.leader_epoch));
                }
                if r.log.log_end_offset() != leader_leo {
                    return Err(format!("replicas_caught_up: broker {b} LEO {} of {tp}, leader {leader_leo}", r.log.log_end_offset()));
                }
            }
        }
    }
    Ok(())
}

/// Liveness of a consumer group once faults are repaired and producers stopped: the group is
/// Stable with exactly the running `members`, every partition of `topic` has one owner, and
/// the group's committed offset reached each partition's high watermark (lag 0).
pub fn group_liveness(sim: &Sim, group: &str, topic: &str, members: &[ClientId]) -> Result<(), String> {
    let Some(d) = sim.describe_group(group) else { return Err(format!("group_stable: no coordinator answers for group {group}")) };
    if d.state != GroupState::Stable {
        return Err(format!("group_stable: group {group} is {}", d.state));
    }
    let running = members.iter().filter(|c| sim.client(**c).is_some_and(|c| c.running())).count();
    if d.members.len() != running {
        return Err(format!("group_stable: {} member(s) in group {group}, {running} consumer(s) running", d.members.len()));
    }
    let partitions = sim.controller().topics.get(topic).map_or(0, |t| t.partitions.len() as i32);
    for p in 0..partitions {
        let tp = TopicPartition::new(topic, p);
        let owners = d.members.iter().filter(|m| m.assignment.contains(&tp)).count();
        if owners != 1 {
            return Err(format!("every_partition_owned: {tp} has {owners} owner(s) in group {group}"));
        }
        let hw = sim.latest_offset(&tp).unwrap_or(-1);
        let committed = d.committed.get(&tp).copied().unwrap_or(0);
        if committed != hw {
            return Err(format!("lag_reaches_zero: {tp} committed {committed}, high watermark {hw}"));
        }
    }
    Ok(())
}
