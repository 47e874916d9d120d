//! The fetch purgatory's entries (Kafka: `DelayedFetch`): a fetch with nothing to return waits
//! up to its max wait (fetch.max.wait.ms, replica.fetch.wait.max.ms) for records to arrive.
use super::error::KafkaError;
use super::message::{FetchData, FetchPartition};
use super::types::{BrokerId, NodeId, TopicPartition};

#[derive(Clone, PartialEq, Eq, Debug)]
pub(crate) struct DelayedFetch {
    pub(crate) park_id: u64,
    pub(crate) from: NodeId,
    pub(crate) req_id: u64,
    /// The follower, for a replica fetch.
    pub(crate) replica: Option<BrokerId>,
    pub(crate) partitions: Vec<FetchPartition>,
}

/// Whether a fetch is answered at once rather than parked: some partition has records, a
/// divergence or an error to report, or (a follower) must restart from the log start.
pub(crate) fn answer_now(partitions: &[FetchPartition], replica_fetch: bool, read: impl Fn(&FetchPartition) -> Result<FetchData, KafkaError>) -> bool {
    partitions.iter().any(|p| match read(p) {
        Ok(d) => !d.batches.is_empty() || d.diverging_epoch.is_some() || (replica_fetch && p.fetch_offset < d.log_start_offset),
        Err(_) => true,
    })
}

impl DelayedFetch {
    /// DelayedFetch.tryComplete after a change to `tp`: records, a divergence or an error there
    /// completes the fetch.
    pub(crate) fn completes_on(&self, tp: &TopicPartition, read: impl Fn(&FetchPartition, bool) -> Result<FetchData, KafkaError>) -> bool {
        self.partitions.iter().any(|fp| &fp.tp == tp && read(fp, self.replica.is_some()).map_or(true, |d| !d.batches.is_empty() || d.diverging_epoch.is_some()))
    }
}
