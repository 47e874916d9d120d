//! Kafka's protocol errors (the ones the simulator can produce) and the admin errors a
//! learner's command can hit. User mistakes are typed errors; engine bugs panic.
use thiserror::Error;

/// Protocol-level error codes, named as Kafka's `Errors` enum names them
/// (clients/src/main/java/org/apache/kafka/common/protocol/Errors.java).
#[derive(Copy, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Debug, Error)]
pub enum KafkaError {
    #[error("NOT_LEADER_OR_FOLLOWER: This server is not the leader for that topic-partition.")]
    NotLeaderOrFollower,
    #[error("UNKNOWN_TOPIC_OR_PARTITION: This server does not host this topic-partition.")]
    UnknownTopicOrPartition,
    #[error("NOT_ENOUGH_REPLICAS: Messages are rejected since there are fewer in-sync replicas than required.")]
    NotEnoughReplicas,
    #[error("NOT_ENOUGH_REPLICAS_AFTER_APPEND: Messages are written to the log, but to fewer in-sync replicas than required.")]
    NotEnoughReplicasAfterAppend,
    #[error("RECORD_TOO_LARGE: The request included a message larger than the max message size the server will accept.")]
    RecordTooLarge,
    #[error("REQUEST_TIMED_OUT: The request timed out.")]
    RequestTimedOut,
    #[error("NETWORK_EXCEPTION: The server disconnected before a response was received.")]
    NetworkException,
    #[error("OFFSET_OUT_OF_RANGE: The requested offset is not within the range of offsets maintained by the server.")]
    OffsetOutOfRange,
    #[error("FENCED_LEADER_EPOCH: The leader epoch in the request is older than the epoch on the broker.")]
    FencedLeaderEpoch,
    #[error("UNKNOWN_LEADER_EPOCH: The leader epoch in the request is newer than the epoch on the broker.")]
    UnknownLeaderEpoch,
    #[error("OUT_OF_ORDER_SEQUENCE_NUMBER: The broker received an out of order sequence number.")]
    OutOfOrderSequenceNumber,
    #[error("LEADER_NOT_AVAILABLE: There is no leader for this topic-partition as we are in the middle of a leadership election.")]
    LeaderNotAvailable,
    #[error("INVALID_UPDATE_VERSION: The given update version was invalid.")]
    InvalidUpdateVersion,
    #[error("INELIGIBLE_REPLICA: The new ISR contains at least one ineligible replica.")]
    IneligibleReplica,
    #[error("COORDINATOR_NOT_AVAILABLE: The coordinator is not available.")]
    CoordinatorNotAvailable,
    #[error("NOT_COORDINATOR: This is not the correct coordinator.")]
    NotCoordinator,
    #[error("REBALANCE_IN_PROGRESS: The group is rebalancing, so a rejoin is needed.")]
    RebalanceInProgress,
    #[error("UNKNOWN_MEMBER_ID: The coordinator is not aware of this member.")]
    UnknownMemberId,
    #[error("ILLEGAL_GENERATION: Specified group generation id is not valid.")]
    IllegalGeneration,
    #[error("MEMBER_ID_REQUIRED: The group member needs to have a valid member id before actually entering a consumer group.")]
    MemberIdRequired,
    #[error("FENCED_INSTANCE_ID: The broker rejected this static consumer since another consumer with the same group.instance.id has registered with a different member.id.")]
    FencedInstanceId,
    #[error("INCONSISTENT_GROUP_PROTOCOL: The group member's supported protocols are incompatible with those of existing members.")]
    InconsistentGroupProtocol,
    #[error("STALE_BROKER_EPOCH: Broker epoch has changed.")]
    StaleBrokerEpoch,
    /// Client-side: `delivery.timeout.ms` passed before the batch was acknowledged.
    #[error("TimeoutException: Expiring record(s): delivery.timeout.ms has passed since batch creation")]
    DeliveryTimeout,
    /// Client-side: max.poll.interval.ms passed between two poll() calls.
    #[error("consumer poll timeout has expired: the time between subsequent calls to poll() was longer than max.poll.interval.ms")]
    PollTimeout,
    /// Client-side: `auto.offset.reset=none` and no position (NoOffsetForPartitionException).
    #[error("NoOffsetForPartitionException: Undefined offset with no reset policy for partition")]
    NoOffsetForPartition,
}

impl KafkaError {
    /// Whether Kafka's clients retry this error (the `RetriableException` subclasses).
    pub fn is_retriable(self) -> bool {
        matches!(
            self,
            KafkaError::NotLeaderOrFollower
                | KafkaError::UnknownTopicOrPartition
                | KafkaError::NotEnoughReplicas
                | KafkaError::NotEnoughReplicasAfterAppend
                | KafkaError::RequestTimedOut
                | KafkaError::NetworkException
                | KafkaError::FencedLeaderEpoch
                | KafkaError::UnknownLeaderEpoch
                | KafkaError::LeaderNotAvailable
                | KafkaError::CoordinatorNotAvailable
                | KafkaError::NotCoordinator
        )
    }

    /// The short code name, as the trace and logs print it.
    pub fn code_name(self) -> &'static str {
        match self {
            KafkaError::NotLeaderOrFollower => "NOT_LEADER_OR_FOLLOWER",
            KafkaError::UnknownTopicOrPartition => "UNKNOWN_TOPIC_OR_PARTITION",
            KafkaError::NotEnoughReplicas => "NOT_ENOUGH_REPLICAS",
            KafkaError::NotEnoughReplicasAfterAppend => "NOT_ENOUGH_REPLICAS_AFTER_APPEND",
            KafkaError::RecordTooLarge => "RECORD_TOO_LARGE",
            KafkaError::RequestTimedOut => "REQUEST_TIMED_OUT",
            KafkaError::NetworkException => "NETWORK_EXCEPTION",
            KafkaError::OffsetOutOfRange => "OFFSET_OUT_OF_RANGE",
            KafkaError::FencedLeaderEpoch => "FENCED_LEADER_EPOCH",
            KafkaError::UnknownLeaderEpoch => "UNKNOWN_LEADER_EPOCH",
            KafkaError::OutOfOrderSequenceNumber => "OUT_OF_ORDER_SEQUENCE_NUMBER",
            KafkaError::LeaderNotAvailable => "LEADER_NOT_AVAILABLE",
            KafkaError::InvalidUpdateVersion => "INVALID_UPDATE_VERSION",
            KafkaError::StaleBrokerEpoch => "STALE_BROKER_EPOCH",
            KafkaError::IneligibleReplica => "INELIGIBLE_REPLICA",
            KafkaError::CoordinatorNotAvailable => "COORDINATOR_NOT_AVAILABLE",
            KafkaError::NotCoordinator => "NOT_COORDINATOR",
            KafkaError::RebalanceInProgress => "REBALANCE_IN_PROGRESS",
            KafkaError::UnknownMemberId => "UNKNOWN_MEMBER_ID",
            KafkaError::IllegalGeneration => "ILLEGAL_GENERATION",
            KafkaError::MemberIdRequired => "MEMBER_ID_REQUIRED",
            KafkaError::FencedInstanceId => "FENCED_INSTANCE_ID",
            KafkaError::InconsistentGroupProtocol => "INCONSISTENT_GROUP_PROTOCOL",
            KafkaError::DeliveryTimeout => "DELIVERY_TIMEOUT",
            KafkaError::NoOffsetForPartition => "NO_OFFSET_FOR_PARTITION",
            KafkaError::PollTimeout => "POLL_TIMEOUT",
        }
    }
}

/// Errors of admin operations and simulator commands. The texts of the topic errors are
/// Kafka's own (../shared/kafka-reference/cli_formats.md, section 1); the shell prefixes
/// them as `kafka-topics.sh` does.
#[derive(Clone, PartialEq, Eq, Debug, Error)]
pub enum AdminError {
    #[error("Topic '{0}' already exists.")]
    TopicExists(String),
    /// The 3.7+ Java tool formats an `Optional<String>` (TopicCommand.java:214-220).
    #[error("Topic 'Optional[{0}]' does not exist as expected")]
    TopicMissing(String),
    #[error("Unable to replicate the partition {rf} time(s): The target replication factor of {rf} cannot be reached because only {brokers} broker(s) are registered.")]
    ReplicationFactorTooLarge { rf: i32, brokers: usize },
    #[error("Unable to replicate the partition {0} time(s): All brokers are currently fenced or in controlled shutdown.")]
    AllBrokersFenced(i32),
    #[error("The replication factor must be between 1 and 32767 inclusive")]
    InvalidReplicationFactor,
    #[error("The partitions must be greater than 0")]
    InvalidPartitions,
    /// More than 10,000 partitions in one CreateTopics request: ReplicationControlManager's
    /// `validateTotalNumberOfPartitions` (MAX_PARTITIONS_PER_BATCH = 10000) throws
    /// PolicyViolationException, because larger batches ran the controller out of memory.
    #[error("Excessively large number of partitions per request.")]
    ExcessivePartitionsPerRequest,
    /// A create whose metadata records (the topic, one per partition, one per config) pass
    /// QuorumController.MAX_RECORDS_PER_USER_OP (10,000): its BoundedList throws, and
    /// EventHandlerExceptionInfo turns that into this PolicyViolationException.
    #[error("Unable to perform excessively large batch operation.")]
    ExcessiveBatch,
    /// The same overflow in CreatePartitions, where ReplicationControlManager.createPartitions
    /// catches any Exception into ApiError.fromThrowable: UNKNOWN_SERVER_ERROR, whose message
    /// the client fills with the error code's default text.
    #[error("The server experienced an unexpected error when processing the request.")]
    UnknownServerError,
    #[error("The topic {topic} currently has {old} partition(s); {new} would not be an increase.")]
    PartitionDecrease { topic: String, old: i32, new: i32 },
    #[error("Topic already has {0} partition(s).")]
    PartitionsUnchanged(i32),
    /// Kafka's `Topic.validate` messages (clients/.../common/internals/Topic.java).
    #[error("{0}")]
    InvalidTopicName(String),
    /// `kafka-configs.sh` / CreateTopics config validation (InvalidConfigurationException).
    #[error("{0}")]
    InvalidConfig(String),
    #[error("Broker {0} does not exist. Brokers are numbered from 1; `describe cluster` lists them.")]
    NoSuchBroker(i32),
    #[error("Broker {0} is already running.")]
    BrokerAlreadyRunning(i32),
    #[error("Broker {0} is not running.")]
    BrokerNotRunning(i32),
    #[error("No client named '{0}'. `describe clients` lists them.")]
    NoSuchClient(String),
    #[error("A client named '{0}' already exists; choose another name.")]
    ClientExists(String),
    #[error("Partition {partition} of topic '{topic}' does not exist.")]
    NoSuchPartition { topic: String, partition: i32 },
    #[error("Election not needed: the preferred replica {0} already leads.")]
    ElectionNotNeeded(i32),
    #[error("Preferred replica {0} is not available for election (down, fenced or out of the ISR).")]
    PreferredLeaderNotAvailable(i32),
    #[error("{0}")]
    Invalid(String),
}
