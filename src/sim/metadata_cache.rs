//! What a broker knows of the cluster from the controller's metadata (Kafka: `MetadataCache`,
//! fed by the metadata log): every partition's state and settings, the live brokers, and this
//! broker's own dynamic configs.
use crate::vecmap::VecMap;
use std::rc::Rc;

use super::coordinator::OFFSETS_TOPIC;
use super::error::KafkaError;
use super::message::{PartitionLeader, PartitionState, TopicSettings};
use super::types::{BrokerId, TopicPartition};

#[derive(Clone, Debug, Default)]
pub struct MetadataCache {
    /// The metadata image: partition states and settings of every topic.
    pub partitions: VecMap<TopicPartition, (PartitionState, TopicSettings)>,
    pub live_brokers: Vec<BrokerId>,
    /// This broker's own dynamic configs (defaults for what topics do not override).
    pub dynamic_configs: VecMap<String, String>,
}

impl MetadataCache {
    /// The error for a partition this broker holds no replica of: NOT_LEADER_OR_FOLLOWER when
    /// the partition exists, UNKNOWN_TOPIC_OR_PARTITION when it does not.
    pub fn missing_replica_error(&self, tp: &TopicPartition) -> KafkaError {
        if self.partitions.contains_key(tp) {
            KafkaError::NotLeaderOrFollower
        } else {
            KafkaError::UnknownTopicOrPartition
        }
    }

    pub fn leader(&self, tp: &TopicPartition) -> Option<BrokerId> {
        self.partitions.get(tp).and_then(|(st, _)| st.leader)
    }

    /// Every partition of `topic` with its leader and leader epoch, in partition order (empty
    /// for a topic the image does not have).
    pub fn partition_leaders(&self, topic: &Rc<str>) -> Vec<PartitionLeader> {
        self.partitions
            .range(TopicPartition { topic: topic.clone(), partition: 0 }..)
            .take_while(|(tp, _)| tp.topic == *topic)
            .map(|(_, (st, _))| (st.leader, st.leader_epoch))
            .collect()
    }

    /// How many partitions `__consumer_offsets` has (0 before it is created).
    pub fn offsets_partition_count(&self) -> i32 {
        self.partitions.keys().filter(|tp| &*tp.topic == OFFSETS_TOPIC).count() as i32
    }

    /// The topic's settings with this broker's dynamic defaults for what the topic does not set.
    pub fn local_settings(&self, mut s: TopicSettings) -> TopicSettings {
        for (name, value) in &self.dynamic_configs {
            let Some(topic_name) = super::config::topic_name_for_broker_config(name) else { continue };
            if s.overridden.iter().any(|o| o == topic_name) {
                continue;
            }
            if topic_name == "cleanup.policy" {
                s.cleanup_policy_delete = value.split(',').any(|p| p.trim() == "delete");
                continue;
            }
            let Ok(n) = value.parse::<i64>() else { continue };
            match topic_name {
                "min.insync.replicas" => s.min_insync_replicas = n as i32,
                "segment.bytes" => s.segment_bytes = n,
                "segment.ms" => s.segment_ms = n,
                "max.message.bytes" => s.max_message_bytes = n,
                "retention.ms" => s.retention_ms = n,
                "retention.bytes" => s.retention_bytes = n,
                // The other broker defaults (unclean.leader.election.enable) are the
                // controller's to apply, not a partition's.
                _ => {}
            }
        }
        s
    }
}
