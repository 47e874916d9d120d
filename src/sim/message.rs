//! The requests and responses nodes exchange, at the granularity of Kafka's own protocol.
use std::rc::Rc;

use super::assignor::{Assignor, Member, UserData};
use super::error::KafkaError;
use super::record_batch::{DefaultRecord, RecordBatch, NO_PRODUCER_EPOCH, NO_PRODUCER_ID, NO_SEQUENCE};
use super::types::{BrokerId, Millis, NodeId, TopicPartition};

/// The controller's record of one partition (PartitionRegistration).
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct PartitionState {
    pub replicas: Vec<BrokerId>,
    pub isr: Vec<BrokerId>,
    pub leader: Option<BrokerId>,
    pub leader_epoch: i32,
    pub partition_epoch: i32,
    /// Set after an unclean election (LeaderRecoveryState.RECOVERING).
    pub recovering: bool,
}

/// One partition's batch in a Produce request, as the producer built it: offsets are the
/// leader's to assign.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct ProduceBatch {
    pub tp: TopicPartition,
    /// Its records are shared with the producer's batch (kept for retries), not copied.
    pub batch: RecordBatch,
}

impl ProduceBatch {
    /// A batch of a writer without a producer id (the group coordinator's records).
    pub(crate) fn plain(tp: TopicPartition, records: Vec<DefaultRecord>) -> Self {
        ProduceBatch { tp, batch: RecordBatch::new(Rc::new(records), NO_PRODUCER_ID, NO_PRODUCER_EPOCH, NO_SEQUENCE, false) }
    }
}

#[derive(Clone, PartialEq, Eq, Debug)]
pub struct FetchPartition {
    pub tp: TopicPartition,
    pub fetch_offset: i64,
    /// Epoch of the last record the fetcher holds (KIP-595 style divergence check).
    pub last_fetched_epoch: Option<i32>,
    pub current_leader_epoch: i32,
    pub max_bytes: usize,
}

#[derive(Clone, PartialEq, Eq, Debug)]
pub struct FetchData {
    /// Whole batches: the first may start below the fetch offset.
    pub batches: Vec<Rc<RecordBatch>>,
    pub high_watermark: i64,
    pub log_start_offset: i64,
    pub log_end_offset: i64,
    /// The leader's log diverges from the fetcher's at this (epoch, end offset).
    pub diverging_epoch: Option<(i32, i64)>,
}

#[derive(Copy, Clone, PartialEq, Eq, Debug)]
pub enum OffsetSpec {
    Earliest,
    Latest,
}

/// What a Metadata response says of one partition: its leader (if any) and leader epoch.
pub type PartitionLeader = (Option<BrokerId>, i32);

/// Every message on the simulated network.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum Payload {
    // Broker <-> controller (KRaft).
    BrokerHeartbeat {
        incarnation: u32,
        metadata_version: u64,
        want_shutdown: bool,
    },
    BrokerHeartbeatResponse {
        fenced: bool,
        shutdown_ok: bool,
        metadata: Option<MetadataDelta>,
    },
    MetadataUpdate(MetadataDelta),
    AlterPartition {
        tp: TopicPartition,
        leader_epoch: i32,
        partition_epoch: i32,
        new_isr: Vec<BrokerId>,
    },
    AlterPartitionResponse {
        tp: TopicPartition,
        result: Result<PartitionState, KafkaError>,
    },
    // Clients <-> brokers.
    MetadataRequest {
        req_id: u64,
        topics: Vec<Rc<str>>,
    },
    /// A broker asks the controller to create a topic a client asked for (auto.create.topics.enable).
    AutoCreateTopic {
        topic: Rc<str>,
    },
    MetadataResponse {
        req_id: u64,
        version: u64,
        topics: Vec<(Rc<str>, Vec<PartitionLeader>)>,
    },
    Produce {
        req_id: u64,
        acks: i16,
        timeout_ms: u64,
        batches: Vec<ProduceBatch>,
    },
    ProduceResponse {
        req_id: u64,
        results: Vec<(TopicPartition, Result<i64, KafkaError>)>,
    },
    /// `replica` is set for follower fetches.
    Fetch {
        req_id: u64,
        replica: Option<BrokerId>,
        max_wait_ms: u64,
        partitions: Vec<FetchPartition>,
    },
    FetchResponse {
        req_id: u64,
        partitions: Vec<(TopicPartition, Result<FetchData, KafkaError>)>,
    },
    ListOffsets {
        req_id: u64,
        partitions: Vec<(TopicPartition, OffsetSpec)>,
    },
    ListOffsetsResponse {
        req_id: u64,
        partitions: Vec<(TopicPartition, Result<i64, KafkaError>)>,
    },
    // Consumer groups (classic protocol).
    FindCoordinator {
        req_id: u64,
        group: Rc<str>,
    },
    FindCoordinatorResponse {
        req_id: u64,
        result: Result<BrokerId, KafkaError>,
    },
    JoinGroup {
        req_id: u64,
        join: JoinRequest,
    },
    /// On MEMBER_ID_REQUIRED the error carries the member id to join with (KIP-394).
    JoinGroupResponse {
        req_id: u64,
        result: Result<JoinResult, (KafkaError, Option<String>)>,
    },
    SyncGroup {
        req_id: u64,
        group: Rc<str>,
        generation: i32,
        member_id: String,
        assignments: Vec<(String, Vec<TopicPartition>)>,
    },
    SyncGroupResponse {
        req_id: u64,
        result: Result<Vec<TopicPartition>, KafkaError>,
    },
    Heartbeat {
        req_id: u64,
        group: Rc<str>,
        generation: i32,
        member_id: String,
    },
    HeartbeatResponse {
        req_id: u64,
        error: Option<KafkaError>,
    },
    LeaveGroup {
        req_id: u64,
        group: Rc<str>,
        member_id: String,
    },
    LeaveGroupResponse {
        req_id: u64,
    },
    OffsetCommit {
        req_id: u64,
        group: Rc<str>,
        generation: i32,
        member_id: String,
        offsets: Vec<(TopicPartition, i64)>,
    },
    OffsetCommitResponse {
        req_id: u64,
        result: Result<(), KafkaError>,
    },
    OffsetFetch {
        req_id: u64,
        group: Rc<str>,
        partitions: Vec<TopicPartition>,
    },
    OffsetFetchResponse {
        req_id: u64,
        result: Result<Vec<(TopicPartition, i64)>, KafkaError>,
    },
    /// The network tells a sender that its connection to a dead process was refused. It
    /// arrives from the node that could not be reached.
    Disconnected {
        req_id: Option<u64>,
    },
}

impl Payload {
    /// Short name for the stage and the trace.
    pub fn kind(&self) -> &'static str {
        match self {
            Payload::BrokerHeartbeat { .. } => "BrokerHeartbeat",
            Payload::BrokerHeartbeatResponse { .. } => "BrokerHeartbeatResponse",
            Payload::MetadataUpdate(_) => "MetadataUpdate",
            Payload::AlterPartition { .. } => "AlterPartition",
            Payload::AlterPartitionResponse { .. } => "AlterPartitionResponse",
            Payload::MetadataRequest { .. } => "Metadata",
            Payload::AutoCreateTopic { .. } => "CreateTopics",
            Payload::MetadataResponse { .. } => "MetadataResponse",
            Payload::Produce { .. } => "Produce",
            Payload::ProduceResponse { .. } => "ProduceResponse",
            Payload::Fetch { replica: Some(_), .. } => "Fetch(replica)",
            Payload::Fetch { .. } => "Fetch",
            Payload::FetchResponse { .. } => "FetchResponse",
            Payload::ListOffsets { .. } => "ListOffsets",
            Payload::ListOffsetsResponse { .. } => "ListOffsetsResponse",
            Payload::Disconnected { .. } => "Disconnected",
            Payload::FindCoordinator { .. } => "FindCoordinator",
            Payload::FindCoordinatorResponse { .. } => "FindCoordinatorResponse",
            Payload::JoinGroup { .. } => "JoinGroup",
            Payload::JoinGroupResponse { .. } => "JoinGroupResponse",
            Payload::SyncGroup { .. } => "SyncGroup",
            Payload::SyncGroupResponse { .. } => "SyncGroupResponse",
            Payload::Heartbeat { .. } => "Heartbeat",
            Payload::HeartbeatResponse { .. } => "HeartbeatResponse",
            Payload::LeaveGroup { .. } => "LeaveGroup",
            Payload::LeaveGroupResponse { .. } => "LeaveGroupResponse",
            Payload::OffsetCommit { .. } => "OffsetCommit",
            Payload::OffsetCommitResponse { .. } => "OffsetCommitResponse",
            Payload::OffsetFetch { .. } => "OffsetFetch",
            Payload::OffsetFetchResponse { .. } => "OffsetFetchResponse",
        }
    }

    /// Background chatter the stage may hide (heartbeats and metadata).
    pub fn is_control(&self) -> bool {
        matches!(
            self,
            Payload::BrokerHeartbeat { .. }
                | Payload::BrokerHeartbeatResponse { .. }
                | Payload::MetadataUpdate(_)
                | Payload::MetadataRequest { .. }
                | Payload::MetadataResponse { .. }
                | Payload::Heartbeat { .. }
                | Payload::HeartbeatResponse { .. }
        )
    }
}

#[derive(Clone, PartialEq, Eq, Debug)]
pub struct JoinRequest {
    pub group: Rc<str>,
    /// Empty on the first join of a dynamic member.
    pub member_id: String,
    pub client_id: Rc<str>,
    pub group_instance_id: Option<String>,
    /// Assignors the member supports, preferred first (partition.assignment.strategy).
    pub protocols: Vec<Assignor>,
    pub topics: Vec<String>,
    pub owned: Vec<TopicPartition>,
    pub generation: i32,
    /// The `sticky` protocol's subscription userData: the last assignment and its generation.
    pub user_data: Option<UserData>,
    pub session_timeout_ms: u64,
    pub rebalance_timeout_ms: u64,
}

#[derive(Clone, PartialEq, Eq, Debug)]
pub struct JoinResult {
    pub generation: i32,
    pub protocol: Assignor,
    pub leader: String,
    pub member_id: String,
    /// Every member's subscription, for the leader only.
    pub members: Vec<Member>,
}

/// A metadata change (or a full image) pushed from the controller to brokers. In KRaft brokers
/// replicate the metadata log; the simulator sends the changed records directly.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct MetadataDelta {
    pub version: u64,
    pub full: bool,
    pub partitions: Vec<(TopicPartition, PartitionState, TopicSettings)>,
    pub deleted_topics: Vec<Rc<str>>,
    pub live_brokers: Vec<BrokerId>,
    /// Per-broker dynamic configs (`kafka-configs.sh --entity-type brokers --entity-name N`).
    pub broker_configs: crate::vecmap::VecMap<BrokerId, crate::vecmap::VecMap<String, String>>,
}

/// The per-topic settings a broker needs to enforce on a partition.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct TopicSettings {
    /// Topic configs set on the topic itself; a broker's own dynamic defaults apply to the rest.
    pub overridden: Vec<String>,
    pub min_insync_replicas: i32,
    pub segment_bytes: i64,
    pub segment_ms: i64,
    pub max_message_bytes: i64,
    pub retention_ms: i64,
    pub retention_bytes: i64,
    /// cleanup.policy includes `delete`: only then do retention.ms and retention.bytes delete
    /// segments (UnifiedLog.deleteOldSegments returns 0 for a compact-only log).
    pub cleanup_policy_delete: bool,
}

/// A message in flight. The stage draws it at `(now - sent) / (arrive - sent)` of its path.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Message {
    pub id: u64,
    pub from: NodeId,
    pub to: NodeId,
    pub sent_ms: Millis,
    pub arrive_ms: Millis,
    pub payload: Payload,
}

impl Payload {
    /// The request id of a request a client or follower waits on, if this is one.
    pub fn request_id(&self) -> Option<u64> {
        match self {
            Payload::MetadataRequest { req_id, .. }
            | Payload::Produce { req_id, .. }
            | Payload::Fetch { req_id, .. }
            | Payload::ListOffsets { req_id, .. }
            | Payload::FindCoordinator { req_id, .. }
            | Payload::JoinGroup { req_id, .. }
            | Payload::SyncGroup { req_id, .. }
            | Payload::Heartbeat { req_id, .. }
            | Payload::LeaveGroup { req_id, .. }
            | Payload::OffsetCommit { req_id, .. }
            | Payload::OffsetFetch { req_id, .. } => Some(*req_id),
            _ => None,
        }
    }
}
