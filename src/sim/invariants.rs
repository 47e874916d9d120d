//! Named invariants, checked after every step in tests and sweeps. A violation is an engine
//! bug: the checker reports which invariant broke and where.
use std::collections::BTreeMap;

use super::engine::{Client, Sim};
use super::types::TopicPartition;

/// Remembers what must only move forward (leader epochs, high watermarks) between checks.
#[derive(Clone, Debug, Default)]
pub struct InvariantChecker {
    leader_epochs: BTreeMap<TopicPartition, i32>,
    max_high_watermark: BTreeMap<TopicPartition, i64>,
}

impl InvariantChecker {
    pub fn new() -> Self {
        Self::default()
    }

    /// Checks every invariant; the error names the invariant and the place.
    pub fn check(&mut self, sim: &Sim) -> Result<(), String> {
        for b in sim.brokers.values() {
            for (tp, r) in &b.replicas {
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
        for c in &sim.clients {
            if let Client::Consumer(c) = c {
                for (tp, pos) in &c.positions {
                    if let Some(p) = pos.position {
                        let hw = self.max_high_watermark.get(tp).copied().unwrap_or(0);
                        // A consumer's position is one past the last record it read; it never
                        // passes the highest high watermark any replica had.
                        if p > hw && c.consumed.iter().any(|(t, r)| t == tp && r.offset >= hw) {
                            return Err(format!("consumer_below_hw: {} read {tp} up to {p} but the hw was {hw}", c.name));
                        }
                    }
                }
            }
        }
        Ok(())
    }
}
