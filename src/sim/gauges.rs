//! The simulation's side of the metrics (`metrics.rs`): the gauges read at each sample, and
//! the sizes of what was appended and fetched.
use std::rc::Rc;

use super::engine::Sim;
use super::message::FetchData;
use super::metrics::Gauges;
use super::types::{BrokerId, TopicPartition};
use super::Client;

impl Sim {
    /// The operator's metrics up to the last sample taken.
    pub fn metrics(&self) -> &super::metrics::Metrics {
        &self.metrics
    }

    /// The high watermark of a partition on its leader (None: no leader, or it is down).
    pub(crate) fn leader_high_watermark(&self, tp: &TopicPartition) -> Option<i64> {
        let leader = self.controller.partition(tp)?.leader?;
        let b = self.brokers.get(&leader).filter(|b| b.is_up())?;
        b.replicas().get(tp).map(|r| r.high_watermark)
    }

    /// Bytes of the batches just appended to a broker's log of `tp` from offset `first` on
    /// (BytesInPerSec counts a produce request's record batches as sent).
    pub(crate) fn appended_bytes(&self, broker: BrokerId, tp: &TopicPartition, first: i64) -> u64 {
        let Some(r) = self.brokers.get(&broker).and_then(|b| b.replicas().get(tp)) else { return 0 };
        r.log.batches().rev().take_while(|b| b.base_offset >= first).map(|b| b.size_bytes() as u64).sum()
    }

    /// Takes every sample due before `t`: a sample at T holds the state after every event
    /// at or before T, so it is taken when the first later event comes. How a run is cut
    /// into steps, frames or ticks never changes a sample.
    pub(crate) fn sample_metrics_before(&mut self, t: super::Millis) {
        while self.metrics.next_sample_ms() < t {
            let g = self.gauges();
            self.metrics.sample(g);
        }
    }

    /// Takes every sample due up to now, so that the newest is this moment's.
    pub fn sample_metrics_now(&mut self) {
        self.sample_metrics_before(self.now + 1);
    }

    /// The metrics as they are at this moment: with every sample due up to now taken, on a
    /// copy of the metrics when one is due, so that looking (the panel, `metrics`, a lesson's
    /// query) never changes the run.
    pub fn metrics_now(&self) -> std::borrow::Cow<'_, super::metrics::Metrics> {
        if self.metrics.next_sample_ms() > self.now {
            return std::borrow::Cow::Borrowed(&self.metrics);
        }
        let mut m = self.metrics.clone();
        while m.next_sample_ms() <= self.now {
            m.sample(self.gauges());
        }
        std::borrow::Cow::Owned(m)
    }

    fn gauges(&self) -> Gauges {
        let mut g = Gauges::default();
        let defaults = self.controller.cluster_defaults();
        for info in self.controller.topics.values() {
            let min_isr = info.settings_with(&defaults).min_insync_replicas.max(1) as usize;
            for p in &info.partitions {
                match p.leader {
                    None => g.offline += 1,
                    Some(_) => {
                        g.under_replicated += usize::from(p.isr.len() < p.replicas.len());
                        g.under_min_isr += usize::from(p.isr.len() < min_isr);
                    }
                }
            }
        }
        g.log_size = self.brokers.values().map(|b| (b.id, b.is_up().then(|| b.replicas().values().map(|r| r.log.size_bytes() as u64).sum()))).collect();
        // Each group once, from the running broker that coordinates it (as `group_views`).
        let mut seen: Vec<Rc<str>> = Vec::new();
        for b in self.brokers.values().filter(|b| b.is_up()) {
            for grp in b.groups().values() {
                if seen.contains(&grp.id) {
                    continue;
                }
                seen.push(grp.id.clone());
                for (tp, committed) in grp.committed.iter() {
                    if let Some(hw) = self.leader_high_watermark(tp) {
                        g.lag.push((grp.id.clone(), tp.clone(), (hw - committed).max(0)));
                    }
                }
            }
        }
        for c in &self.clients {
            let Client::Consumer(c) = c else { continue };
            if !c.running {
                continue;
            }
            let max = c.assignment.iter().filter_map(|tp| Some(self.leader_high_watermark(tp)? - c.positions.get(tp)?.position?)).max();
            if let Some(m) = max {
                g.records_lag_max.push((c.name.clone(), m.max(0)));
            }
        }
        g
    }
}

/// The bytes of a fetch response's record batches.
pub(crate) fn fetched_bytes(data: &FetchData) -> u64 {
    data.batches.iter().map(|b| b.size_bytes() as u64).sum()
}
