//! The produce purgatory's entries (Kafka: `DelayedProduce`): an acks=all produce, or a group
//! coordinator's write to `__consumer_offsets`, waits until the high watermark passes its
//! records, the leader loses the partition, or its timeout ends.
use crate::vecmap::VecMap;
use std::rc::Rc;

use super::error::KafkaError;
use super::partition::Partition;
use super::types::{NodeId, TopicPartition};

#[derive(Clone, PartialEq, Eq, Debug)]
pub(crate) enum DelayedResult {
    Done(Result<i64, KafkaError>),
    /// Waiting for the high watermark to reach `required_offset`.
    Waiting {
        base_offset: i64,
        required_offset: i64,
        leader_epoch: i32,
    },
}

/// Who waits on a delayed append, and how to answer them.
#[derive(Clone, PartialEq, Eq, Debug)]
pub(crate) enum Reply {
    /// A producer: answered with a ProduceResponse.
    Produce,
    /// The group coordinator's own write, handed back to it (Kafka passes DelayedProduce a
    /// response callback).
    Coordinator(CoordinatorWrite),
}

/// The group coordinator's writes that wait for replication.
#[derive(Clone, PartialEq, Eq, Debug)]
pub(crate) enum CoordinatorWrite {
    /// A group's offset commit, applied to the coordinator's cache once replicated.
    OffsetCommit { group: Rc<str>, offsets: Vec<(TopicPartition, i64)> },
    /// The leader's assignment, stored before the group becomes Stable.
    GroupStored { group: Rc<str>, generation: i32 },
}

#[derive(Clone, PartialEq, Eq, Debug)]
pub(crate) struct DelayedProduce {
    pub(crate) purgatory_id: u64,
    pub(crate) from: NodeId,
    pub(crate) req_id: u64,
    pub(crate) results: Vec<(TopicPartition, DelayedResult)>,
    pub(crate) reply: Reply,
}

/// What the requester of a delayed append hears, per partition.
pub(crate) type AppendResults = Vec<(TopicPartition, Result<i64, KafkaError>)>;

impl DelayedProduce {
    /// DelayedProduce.tryComplete via Partition.checkEnoughReplicasReachOffset (PS:1111-1146):
    /// true when every partition has its answer.
    pub(crate) fn try_complete(&mut self, partitions: &VecMap<TopicPartition, Partition>) -> bool {
        let mut all = true;
        for (tp, r) in self.results.iter_mut() {
            if let DelayedResult::Waiting { base_offset, required_offset, leader_epoch } = *r {
                match partitions.get(tp) {
                    Some(rep) if rep.is_leader() && rep.leader_epoch == leader_epoch => {
                        if rep.high_watermark >= required_offset {
                            *r = if rep.maximal_isr().len() >= rep.effective_min_isr() {
                                DelayedResult::Done(Ok(base_offset))
                            } else {
                                DelayedResult::Done(Err(KafkaError::NotEnoughReplicasAfterAppend))
                            };
                        } else {
                            all = false;
                        }
                    }
                    _ => *r = DelayedResult::Done(Err(KafkaError::NotLeaderOrFollower)),
                }
            }
        }
        all
    }

    /// Fails what still waits on `tp` with `error`; true if that was touched.
    pub(crate) fn fail_partition(&mut self, tp: &TopicPartition, error: KafkaError) -> bool {
        let mut touched = false;
        for (t, r) in self.results.iter_mut() {
            if t == tp && matches!(r, DelayedResult::Waiting { .. }) {
                *r = DelayedResult::Done(Err(error));
                touched = true;
            }
        }
        touched
    }

    pub(crate) fn is_done(&self) -> bool {
        self.results.iter().all(|(_, r)| matches!(r, DelayedResult::Done(_)))
    }

    /// The answers as the requester hears them: what still waits has timed out.
    pub(crate) fn take_results(&mut self) -> AppendResults {
        std::mem::take(&mut self.results)
            .into_iter()
            .map(|(tp, r)| match r {
                DelayedResult::Done(r) => (tp, r),
                DelayedResult::Waiting { .. } => (tp, Err(KafkaError::RequestTimedOut)),
            })
            .collect()
    }
}
