//! Topic, broker and client configuration: names, defaults and validation as Kafka has them.
//!
//! Topic defaults come from LogConfig / TopicConfig (apache/kafka storage/.../LogConfig.java
//! lines 172-179) and the validation messages from `ConfigDef` (clients/.../common/config/
//! ConfigDef.java: "Invalid value X for configuration Y: ...").
use crate::vecmap::VecMap;

use super::error::AdminError;

/// One topic's effective configuration. `overrides` keeps what the learner set, in Kafka's
/// own spelling, because `kafka-topics.sh --describe` prints only non-default entries.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct TopicConfig {
    pub min_insync_replicas: i32,
    pub unclean_leader_election_enable: bool,
    pub retention_ms: i64,
    pub retention_bytes: i64,
    pub cleanup_policy_compact: bool,
    pub cleanup_policy_delete: bool,
    pub segment_bytes: i64,
    pub segment_ms: i64,
    pub max_message_bytes: i64,
    pub delete_retention_ms: i64,
    pub min_cleanable_dirty_ratio_permille: i64,
    pub min_compaction_lag_ms: i64,
    pub max_compaction_lag_ms: i64,
    pub overrides: VecMap<String, String>,
}

impl Default for TopicConfig {
    fn default() -> Self {
        TopicConfig {
            min_insync_replicas: 1,
            unclean_leader_election_enable: false,
            retention_ms: 604_800_000,
            retention_bytes: -1,
            cleanup_policy_compact: false,
            cleanup_policy_delete: true,
            segment_bytes: 1_073_741_824,
            segment_ms: 604_800_000,
            max_message_bytes: 1_048_588,
            delete_retention_ms: 86_400_000,
            min_cleanable_dirty_ratio_permille: 500,
            min_compaction_lag_ms: 0,
            max_compaction_lag_ms: i64::MAX,
            overrides: VecMap::new(),
        }
    }
}

/// The topic-level configs the simulator knows, with their defaults as Kafka prints them.
pub const TOPIC_CONFIGS: &[(&str, &str)] = &[
    ("cleanup.policy", "delete"),
    ("delete.retention.ms", "86400000"),
    ("max.compaction.lag.ms", "9223372036854775807"),
    ("max.message.bytes", "1048588"),
    ("min.cleanable.dirty.ratio", "0.5"),
    ("min.compaction.lag.ms", "0"),
    ("min.insync.replicas", "1"),
    ("retention.bytes", "-1"),
    ("retention.ms", "604800000"),
    ("segment.bytes", "1073741824"),
    ("segment.ms", "604800000"),
    ("unclean.leader.election.enable", "false"),
];

fn invalid(value: &str, name: &str, why: &str) -> AdminError {
    AdminError::InvalidConfig(format!("Invalid value {value} for configuration {name}: {why}"))
}

fn parse_long(name: &str, value: &str, min: i64) -> Result<i64, AdminError> {
    let v: i64 = value.trim().parse().map_err(|_| invalid(value, name, "Not a number of type LONG"))?;
    if v < min {
        return Err(invalid(value, name, &format!("Value must be at least {min}")));
    }
    Ok(v)
}

fn parse_int(name: &str, value: &str, min: i64) -> Result<i64, AdminError> {
    let v: i32 = value.trim().parse().map_err(|_| invalid(value, name, "Not a number of type INT"))?;
    if (v as i64) < min {
        return Err(invalid(value, name, &format!("Value must be at least {min}")));
    }
    Ok(v as i64)
}

fn parse_bool(name: &str, value: &str) -> Result<bool, AdminError> {
    match value.trim().to_ascii_lowercase().as_str() {
        "true" => Ok(true),
        "false" => Ok(false),
        _ => Err(invalid(value, name, "Expected value to be either true or false")),
    }
}

enum Ratio {
    Permille(i64),
    BelowZero,
    AboveOne,
    /// `NaN`: Kafka's range check lets it through (every comparison with NaN is false); the
    /// simulator keeps thousandths and refuses it.
    NaN,
    NotANumber,
}

/// A DOUBLE between 0 and 1 (`0.5`, `.05`, `1`, `5e-1`, `0.5d`, as Java's
/// `Double.parseDouble` reads them) in thousandths, rounded half up. Decimal arithmetic on the
/// digits instead of `str::parse::<f64>`, whose tables alone are 10 KB of the browser bundle.
/// The infinities are out of range.
fn parse_ratio_permille(value: &str) -> Ratio {
    let v = value.trim();
    let v = v.strip_suffix(['d', 'D', 'f', 'F']).unwrap_or(v);
    let (negative, v) = match v.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, v.strip_prefix('+').unwrap_or(v)),
    };
    if v.eq_ignore_ascii_case("nan") {
        return Ratio::NaN;
    }
    if v.eq_ignore_ascii_case("inf") || v.eq_ignore_ascii_case("infinity") {
        return if negative { Ratio::BelowZero } else { Ratio::AboveOne };
    }
    let (mantissa, exponent) = match v.find(['e', 'E']) {
        Some(i) => match v[i + 1..].parse::<i32>() {
            Ok(e) => (&v[..i], e),
            Err(_) => return Ratio::NotANumber,
        },
        None => (v, 0),
    };
    let (whole, fraction) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if whole.is_empty() && fraction.is_empty() || !all_digits(whole) || !all_digits(fraction) {
        return Ratio::NotANumber;
    }
    // The value is `digits` x 10^`point`, with `digits` free of leading zeros.
    let joined = format!("{whole}{fraction}");
    let digits = joined.trim_start_matches('0').as_bytes();
    if digits.is_empty() {
        return Ratio::Permille(0);
    }
    if negative {
        return Ratio::BelowZero;
    }
    let point = i64::from(exponent) - fraction.len() as i64;
    // Digits before the decimal point; more than one, or one above 1, is more than 1.
    let int_len = digits.len() as i64 + point;
    if int_len > 1 || int_len == 1 && (digits[0] != b'1' || digits[1..].iter().any(|&b| b != b'0')) {
        return Ratio::AboveOne;
    }
    if int_len == 1 {
        return Ratio::Permille(1000);
    }
    // Thousandths: the first three decimals, plus one if the fourth is 5 or more. Decimal k+1
    // is `digits[int_len + k]` (zero where that falls outside the digits).
    let decimal = |k: i64| usize::try_from(int_len + k).ok().and_then(|i| digits.get(i)).map_or(0, |d| i64::from(d - b'0'));
    let permille = decimal(0) * 100 + decimal(1) * 10 + decimal(2) + i64::from(decimal(3) >= 5);
    Ratio::Permille(permille)
}

impl TopicConfig {
    /// Applies one `name=value` entry, validating it as Kafka does. Unknown names are refused
    /// with Kafka's message (LogConfig.validateNames).
    pub fn set(&mut self, name: &str, value: &str) -> Result<(), AdminError> {
        match name {
            "min.insync.replicas" => self.min_insync_replicas = parse_int(name, value, 1)? as i32,
            "unclean.leader.election.enable" => self.unclean_leader_election_enable = parse_bool(name, value)?,
            "retention.ms" => self.retention_ms = parse_long(name, value, -1)?,
            "retention.bytes" => self.retention_bytes = parse_long(name, value, i64::MIN)?,
            "segment.bytes" => self.segment_bytes = parse_int(name, value, 14)?,
            "segment.ms" => self.segment_ms = parse_long(name, value, 1)?,
            "max.message.bytes" => self.max_message_bytes = parse_int(name, value, 0)?,
            "delete.retention.ms" => self.delete_retention_ms = parse_long(name, value, 0)?,
            "min.compaction.lag.ms" => self.min_compaction_lag_ms = parse_long(name, value, 0)?,
            "max.compaction.lag.ms" => self.max_compaction_lag_ms = parse_long(name, value, 1)?,
            "min.cleanable.dirty.ratio" => {
                self.min_cleanable_dirty_ratio_permille = match parse_ratio_permille(value) {
                    Ratio::Permille(p) => p,
                    // LogConfig: `between(0, 1)`; ConfigDef.Range's messages.
                    Ratio::BelowZero => return Err(invalid(value, name, "Value must be at least 0")),
                    Ratio::AboveOne => return Err(invalid(value, name, "Value must be no more than 1")),
                    Ratio::NaN => {
                        return Err(AdminError::InvalidConfig(format!(
                            "{name}=NaN: the simulator needs a number from 0 to 1 (Kafka would accept NaN and never clean)"
                        )))
                    }
                    Ratio::NotANumber => return Err(invalid(value, name, "Not a number of type DOUBLE")),
                };
            }
            "cleanup.policy" => {
                let mut compact = false;
                let mut delete = false;
                for part in value.split(',').map(str::trim) {
                    match part {
                        "compact" => compact = true,
                        "delete" => delete = true,
                        _ => return Err(invalid(value, name, "String must be one of: compact, delete")),
                    }
                }
                self.cleanup_policy_compact = compact;
                self.cleanup_policy_delete = delete;
            }
            _ => return Err(AdminError::InvalidConfig(format!("Unknown topic config name: {name}"))),
        }
        self.overrides.insert(name.to_string(), value.trim().to_string());
        Ok(())
    }

    /// Returns a config back to its default (`kafka-configs.sh --delete-config`).
    pub fn unset(&mut self, name: &str) -> Result<(), AdminError> {
        let default = TOPIC_CONFIGS
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, d)| *d)
            .ok_or_else(|| AdminError::InvalidConfig(format!("Unknown topic config name: {name}")))?;
        self.set(name, default)?;
        self.overrides.remove(name);
        Ok(())
    }

    /// `min(min.insync.replicas, replicationFactor)`, as Partition.scala:380-391 uses it.
    pub fn effective_min_isr(&self, replication_factor: usize) -> usize {
        (self.min_insync_replicas.max(1) as usize).min(replication_factor.max(1))
    }
}

/// Dynamic broker configs that set the defaults of topic configs, with the topic config each
/// one stands for (LogConfig's server default names). `kafka-configs.sh --entity-type brokers`
/// may change these per broker or for the whole cluster (--entity-default).
pub const BROKER_TOPIC_DEFAULTS: &[(&str, &str)] = &[
    ("log.cleanup.policy", "cleanup.policy"),
    ("log.retention.bytes", "retention.bytes"),
    ("log.retention.ms", "retention.ms"),
    ("log.roll.ms", "segment.ms"),
    ("log.segment.bytes", "segment.bytes"),
    ("message.max.bytes", "max.message.bytes"),
    ("min.insync.replicas", "min.insync.replicas"),
    ("unclean.leader.election.enable", "unclean.leader.election.enable"),
];

/// The topic config a dynamic broker config is the default of.
pub fn topic_name_for_broker_config(name: &str) -> Option<&'static str> {
    BROKER_TOPIC_DEFAULTS.iter().find(|(b, _)| *b == name).map(|(_, t)| *t)
}

/// Validates a dynamic broker config value with the rules of the topic config it defaults.
pub fn validate_broker_config(name: &str, value: &str) -> Result<(), AdminError> {
    let Some(topic_name) = topic_name_for_broker_config(name) else {
        return Err(AdminError::InvalidConfig(format!(
            "Cannot update these configs dynamically in the simulator: {name}. Dynamic broker configs here: {}",
            BROKER_TOPIC_DEFAULTS.iter().map(|(b, _)| *b).collect::<Vec<_>>().join(", ")
        )));
    };
    TopicConfig::default().set(topic_name, value).map_err(|e| AdminError::InvalidConfig(e.to_string().replace(topic_name, name)))
}

impl TopicConfig {
    /// This topic's config over the given broker defaults (topic overrides win).
    pub fn with_defaults(&self, broker_defaults: &VecMap<String, String>) -> TopicConfig {
        let mut c = TopicConfig::default();
        for (b, v) in broker_defaults {
            if let Some(t) = topic_name_for_broker_config(b) {
                let _ = c.set(t, v);
            }
        }
        for (k, v) in &self.overrides {
            let _ = c.set(k, v);
        }
        c.overrides = self.overrides.clone();
        c
    }
}

/// Broker settings that shape replication and liveness. Defaults are Kafka's
/// (ReplicationConfigs.java, KRaftConfigs.java); lessons shorten them to keep scenes brief.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct ClusterConfig {
    pub replica_lag_time_max_ms: u64,
    pub replica_fetch_wait_max_ms: u64,
    pub replica_fetch_backoff_ms: u64,
    pub replica_fetch_max_bytes: usize,
    /// replica.socket.timeout.ms (30000): the replica fetcher's request timeout
    /// (ReplicaFetcherBlockingSend passes it to its NetworkClient as requestTimeoutMs).
    pub replica_socket_timeout_ms: u64,
    pub broker_heartbeat_interval_ms: u64,
    pub broker_session_timeout_ms: u64,
    /// Network latency of one message, and the seeded jitter added on top.
    pub network_latency_ms: u64,
    pub network_jitter_ms: u64,
    /// Kafka's default for a new topic when `--replication-factor` is not given.
    pub default_replication_factor: i32,
    pub num_partitions: i32,
    /// offsets.topic.num.partitions (50): how many partitions `__consumer_offsets` gets.
    pub offsets_topic_num_partitions: i32,
}

impl Default for ClusterConfig {
    fn default() -> Self {
        ClusterConfig {
            replica_lag_time_max_ms: 30_000,
            replica_fetch_wait_max_ms: 500,
            replica_fetch_backoff_ms: 1_000,
            replica_fetch_max_bytes: 1_048_576,
            replica_socket_timeout_ms: 30_000,
            broker_heartbeat_interval_ms: 2_000,
            broker_session_timeout_ms: 9_000,
            network_latency_ms: 5,
            network_jitter_ms: 2,
            default_replication_factor: 1,
            num_partitions: 1,
            offsets_topic_num_partitions: super::coordinator::OFFSETS_TOPIC_NUM_PARTITIONS,
        }
    }
}

/// Producer settings (ProducerConfig.java). Defaults are Kafka 4.0's: acks=all, idempotence on,
/// linger.ms=5, batch.size=16384, five requests in flight.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct ProducerConfig {
    /// 0, 1 or -1 (all).
    pub acks: i16,
    pub linger_ms: u64,
    pub batch_size: usize,
    pub retries: u32,
    pub retry_backoff_ms: u64,
    pub delivery_timeout_ms: u64,
    pub request_timeout_ms: u64,
    pub max_in_flight_requests_per_connection: usize,
    pub enable_idempotence: bool,
    pub max_request_size: usize,
    pub buffer_memory: usize,
}

impl Default for ProducerConfig {
    fn default() -> Self {
        ProducerConfig {
            acks: -1,
            linger_ms: 5,
            batch_size: 16_384,
            retries: i32::MAX as u32,
            retry_backoff_ms: 100,
            delivery_timeout_ms: 120_000,
            request_timeout_ms: 30_000,
            max_in_flight_requests_per_connection: 5,
            enable_idempotence: true,
            max_request_size: 1_048_576,
            buffer_memory: 33_554_432,
        }
    }
}

impl ProducerConfig {
    /// Sets one `--producer-property name=value`, with Kafka's validation messages.
    pub fn set(&mut self, name: &str, value: &str) -> Result<(), AdminError> {
        let v = value.trim();
        let num = |min: i64| -> Result<i64, AdminError> {
            let n: i64 = v.parse().map_err(|_| invalid(value, name, "Not a number of type INT"))?;
            if n < min {
                return Err(invalid(value, name, &format!("Value must be at least {min}")));
            }
            Ok(n)
        };
        match name {
            "acks" => {
                self.acks = match v {
                    "all" | "-1" => -1,
                    "0" => 0,
                    "1" => 1,
                    _ => return Err(invalid(value, name, "String must be one of: all, -1, 0, 1")),
                }
            }
            "linger.ms" => self.linger_ms = num(0)? as u64,
            "batch.size" => self.batch_size = num(0)? as usize,
            "retries" => self.retries = num(0)? as u32,
            "retry.backoff.ms" => self.retry_backoff_ms = num(0)? as u64,
            "delivery.timeout.ms" => self.delivery_timeout_ms = num(0)? as u64,
            "request.timeout.ms" => self.request_timeout_ms = num(0)? as u64,
            "max.in.flight.requests.per.connection" => self.max_in_flight_requests_per_connection = num(1)? as usize,
            "enable.idempotence" => self.enable_idempotence = parse_bool(name, v)?,
            "max.request.size" => self.max_request_size = num(0)? as usize,
            "buffer.memory" => self.buffer_memory = num(0)? as usize,
            _ => {
                return Err(AdminError::InvalidConfig(format!(
                    "Unknown producer config '{name}'. Known: acks, linger.ms, batch.size, retries, retry.backoff.ms, delivery.timeout.ms, request.timeout.ms, max.in.flight.requests.per.connection, enable.idempotence, max.request.size, buffer.memory"
                )))
            }
        }
        Ok(())
    }

    /// Kafka refuses idempotence with acks other than all, or with more than 5 in flight
    /// (ProducerConfig.postProcessAndValidateIdempotenceConfigs).
    pub fn validate(&self) -> Result<(), AdminError> {
        if self.enable_idempotence {
            if self.acks != -1 {
                return Err(AdminError::InvalidConfig(
                    "Must set acks to all in order to use the idempotent producer. Otherwise we cannot guarantee idempotence.".into(),
                ));
            }
            if self.max_in_flight_requests_per_connection > 5 {
                return Err(AdminError::InvalidConfig(
                    "Must set max.in.flight.requests.per.connection to at most 5 when using the idempotent producer.".into(),
                ));
            }
        }
        if self.delivery_timeout_ms < self.linger_ms + self.request_timeout_ms {
            return Err(AdminError::InvalidConfig("delivery.timeout.ms should be equal to or larger than linger.ms + request.timeout.ms".into()));
        }
        Ok(())
    }
}

/// `auto.offset.reset` (ConsumerConfig.java:172-179; default latest).
#[derive(Copy, Clone, PartialEq, Eq, Debug)]
pub enum OffsetReset {
    Earliest,
    Latest,
    None,
}

/// When a group member commits what it read.
#[derive(Copy, Clone, PartialEq, Eq, Debug)]
pub enum CommitMode {
    /// enable.auto.commit=true: in poll(), every auto.commit.interval.ms, and before a revoke.
    Auto,
    /// commitSync after each batch is processed (at-least-once): the application waits for
    /// the commit before it polls again.
    Sync,
    /// commitAsync after each batch is processed: the application polls on at once.
    Async,
    /// commit as soon as records are returned, before processing (at-most-once).
    BeforeProcessing,
    /// never commits.
    Never,
}

/// Consumer settings (ConsumerConfig.java).
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct ConsumerConfig {
    pub auto_offset_reset: OffsetReset,
    pub max_poll_records: usize,
    pub fetch_max_wait_ms: u64,
    pub max_partition_fetch_bytes: usize,
    pub request_timeout_ms: u64,
    pub retry_backoff_ms: u64,
    /// Virtual time the application spends on each non-empty poll's records.
    pub processing_ms: u64,
    pub group_instance_id: Option<String>,
    pub session_timeout_ms: u64,
    pub heartbeat_interval_ms: u64,
    pub max_poll_interval_ms: u64,
    pub auto_commit_interval_ms: u64,
    pub commit_mode: CommitMode,
    /// partition.assignment.strategy, preferred first (default [range, cooperative-sticky]).
    pub assignors: Vec<super::assignor::Assignor>,
    /// metadata.max.age.ms (CommonClientConfigs: default 300000): metadata is refreshed at least
    /// this often, so new partitions and leaders are seen even without an error.
    pub metadata_max_age_ms: u64,
}

impl Default for ConsumerConfig {
    fn default() -> Self {
        ConsumerConfig {
            auto_offset_reset: OffsetReset::Latest,
            max_poll_records: 500,
            fetch_max_wait_ms: 500,
            max_partition_fetch_bytes: 1_048_576,
            request_timeout_ms: 30_000,
            retry_backoff_ms: 100,
            processing_ms: 0,
            group_instance_id: None,
            session_timeout_ms: 45_000,
            heartbeat_interval_ms: 3_000,
            max_poll_interval_ms: 300_000,
            auto_commit_interval_ms: 5_000,
            commit_mode: CommitMode::Auto,
            assignors: vec![super::assignor::Assignor::Range, super::assignor::Assignor::CooperativeSticky],
            metadata_max_age_ms: 300_000,
        }
    }
}

impl ConsumerConfig {
    pub fn set(&mut self, name: &str, value: &str) -> Result<(), AdminError> {
        let v = value.trim();
        let num = |min: i64| -> Result<i64, AdminError> {
            let n: i64 = v.parse().map_err(|_| invalid(value, name, "Not a number of type INT"))?;
            if n < min {
                return Err(invalid(value, name, &format!("Value must be at least {min}")));
            }
            Ok(n)
        };
        match name {
            "auto.offset.reset" => {
                self.auto_offset_reset = match v {
                    "earliest" => OffsetReset::Earliest,
                    "latest" => OffsetReset::Latest,
                    "none" => OffsetReset::None,
                    _ => return Err(invalid(value, name, "String must be one of: latest, earliest, none")),
                }
            }
            "max.poll.records" => self.max_poll_records = num(1)? as usize,
            "fetch.max.wait.ms" => self.fetch_max_wait_ms = num(0)? as u64,
            "max.partition.fetch.bytes" => self.max_partition_fetch_bytes = num(0)? as usize,
            "request.timeout.ms" => self.request_timeout_ms = num(0)? as u64,
            "retry.backoff.ms" => self.retry_backoff_ms = num(0)? as u64,
            "processing.ms" => self.processing_ms = num(0)? as u64,
            "group.instance.id" => self.group_instance_id = (!v.is_empty()).then(|| v.to_string()),
            "session.timeout.ms" => self.session_timeout_ms = num(1)? as u64,
            "heartbeat.interval.ms" => self.heartbeat_interval_ms = num(1)? as u64,
            "max.poll.interval.ms" => self.max_poll_interval_ms = num(1)? as u64,
            "auto.commit.interval.ms" => self.auto_commit_interval_ms = num(0)? as u64,
            "metadata.max.age.ms" => self.metadata_max_age_ms = num(0)? as u64,
            "enable.auto.commit" => {
                self.commit_mode = if parse_bool(name, v)? { CommitMode::Auto } else if self.commit_mode == CommitMode::Auto { CommitMode::Never } else { self.commit_mode }
            }
            "partition.assignment.strategy" => {
                let list: Option<Vec<_>> = v.split(',').map(|x| super::assignor::Assignor::parse(x.trim())).collect();
                self.assignors = list.filter(|l| !l.is_empty()).ok_or_else(|| {
                    invalid(value, name, "Class names or range, roundrobin, sticky, cooperative-sticky")
                })?;
            }
            _ => {
                return Err(AdminError::InvalidConfig(format!(
                    "Unknown consumer config '{name}'. Known: auto.offset.reset, max.poll.records, fetch.max.wait.ms, max.partition.fetch.bytes, request.timeout.ms, retry.backoff.ms, processing.ms, group.instance.id, session.timeout.ms, heartbeat.interval.ms, max.poll.interval.ms, enable.auto.commit, auto.commit.interval.ms, partition.assignment.strategy, metadata.max.age.ms"
                )))
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The decimal reader against Rust's own `f64` parsing (what it replaced), over hand-picked
    /// and generated inputs: the same thousandths, the same range and not-a-number verdicts.
    #[test]
    fn dirty_ratio_reads_as_f64_parsing_did() {
        fn reference(value: &str) -> Result<i64, &'static str> {
            let v = value.trim();
            let v = v.strip_suffix(['d', 'D', 'f', 'F']).unwrap_or(v);
            let v: f64 = v.parse().map_err(|_| "nan")?;
            if v < 0.0 {
                return Err("below");
            }
            if v > 1.0 {
                return Err("above");
            }
            if v.is_nan() {
                return Err("NaN");
            }
            Ok((v * 1000.0).round() as i64)
        }
        let mut inputs: Vec<String> = [
            "0.5",
            ".5",
            "5.",
            "1",
            "1.0",
            "1.000",
            "0",
            "0.0",
            "-0",
            "-0.0",
            "+0.25",
            "1.0001",
            "2",
            "10",
            "-0.1",
            "5e-1",
            "5E-1",
            "0.05e1",
            "1e0",
            "1e1",
            "0.0005",
            "0.00049",
            "0.0015",
            "0.9999",
            "0.9995",
            " 0.3 ",
            "0.5d",
            "0.5F",
            "NaN",
            "inf",
            "-Infinity",
            "abc",
            "",
            ".",
            "1..0",
            "1e",
            "e1",
            "0x1p-1",
            "00.5",
            "0.123456789",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        for whole in ["0", "1", ""] {
            for frac in 0..2000 {
                inputs.push(format!("{whole}.{frac:04}"));
            }
        }
        for input in &inputs {
            let ours = match parse_ratio_permille(input) {
                Ratio::Permille(p) => Ok(p),
                Ratio::BelowZero => Err("below"),
                Ratio::AboveOne => Err("above"),
                Ratio::NaN => Err("NaN"),
                Ratio::NotANumber => Err("nan"),
            };
            let want = reference(input);
            // f64 rounds 0.xxx5 either way depending on its binary neighbour; decimal is half up.
            let half = input.trim().trim_end_matches('0').ends_with('5') && input.trim().len() > 5;
            if half {
                if let (Ok(a), Ok(b)) = (ours, want) {
                    assert!((a - b).abs() <= 1, "{input:?}: {a} vs {b}");
                    continue;
                }
            }
            assert_eq!(ours, want, "{input:?}");
        }
    }

    #[test]
    fn validation_messages_are_kafkas() {
        let mut c = TopicConfig::default();
        // ConfigDef.Range for `between(0, 1)`, and ConfigDef's DOUBLE parse error.
        for (value, why) in [("-0.1", "Value must be at least 0"), ("1.5", "Value must be no more than 1"), ("half", "Not a number of type DOUBLE")] {
            assert_eq!(
                c.set("min.cleanable.dirty.ratio", value).unwrap_err().to_string(),
                format!("Invalid value {value} for configuration min.cleanable.dirty.ratio: {why}")
            );
        }
        let mut ratio = TopicConfig::default();
        ratio.set("min.cleanable.dirty.ratio", "0.25").unwrap();
        assert_eq!(ratio.min_cleanable_dirty_ratio_permille, 250);
        assert_eq!(
            c.set("min.insync.replicas", "0").unwrap_err().to_string(),
            "Invalid value 0 for configuration min.insync.replicas: Value must be at least 1"
        );
        assert_eq!(
            c.set("min.insync.replicas", "two").unwrap_err().to_string(),
            "Invalid value two for configuration min.insync.replicas: Not a number of type INT"
        );
        assert_eq!(c.set("foo", "1").unwrap_err().to_string(), "Unknown topic config name: foo");
        c.set("min.insync.replicas", "2").unwrap();
        assert_eq!(c.min_insync_replicas, 2);
        assert_eq!(c.overrides.get("min.insync.replicas").map(String::as_str), Some("2"));
        c.unset("min.insync.replicas").unwrap();
        assert_eq!(c.min_insync_replicas, 1);
        assert!(c.overrides.is_empty());
    }

    #[test]
    fn effective_min_isr_is_capped_by_rf() {
        let mut c = TopicConfig::default();
        c.set("min.insync.replicas", "3").unwrap();
        assert_eq!(c.effective_min_isr(2), 2);
    }
}
