//! `kafka-console-producer.sh` and `kafka-console-consumer.sh`: each runs a real client in the
//! simulation for as long as the command lasts, then closes it.

use std::rc::Rc;

use super::line_reader::LineReader;
use super::options::{self, flag, value, Parsed, Spec};
use super::pattern::Pattern;
use super::topics::no_positional;
use super::{Shell, ShellError};
use crate::sim::config::{ConsumerConfig, OffsetReset, ProducerConfig};
use crate::sim::{Client, Fault, KafkaError, ProducerRecord, Record, TopicPartition};

fn require_bootstrap(p: &Parsed) -> Result<(), ShellError> {
    // ConsoleProducer / ConsoleConsumer: CommandLineUtils.checkRequiredArgs.
    if p.get("bootstrap-server").is_none_or(|s| s.trim().is_empty()) {
        return Err(ShellError::new("Missing required argument \"[bootstrap-server]\""));
    }
    Ok(())
}

/// `key=value` pairs of `--property`, `--producer-property`, `--consumer-property`.
fn pairs<'a>(p: &'a Parsed, name: &str) -> Result<Vec<(&'a str, &'a str)>, ShellError> {
    p.all(name)
        .into_iter()
        .map(|kv| kv.split_once('=').ok_or_else(|| ShellError::new(format!("Invalid {name} '{kv}': expected key=value, e.g. --{name} acks=all"))))
        .collect()
}

/// The Java exception a producer callback receives for each error.
fn exception(e: KafkaError, tp: &TopicPartition, delivery_timeout_ms: u64) -> String {
    let (class, msg) = match e {
        KafkaError::NotEnoughReplicas => {
            ("NotEnoughReplicasException", "Messages are rejected since there are fewer in-sync replicas than required.".to_string())
        }
        KafkaError::NotEnoughReplicasAfterAppend => {
            ("NotEnoughReplicasAfterAppendException", "Messages are written to the log, but to fewer in-sync replicas than required.".to_string())
        }
        KafkaError::RecordTooLarge => {
            ("RecordTooLargeException", "The request included a message larger than the max message size the server will accept.".to_string())
        }
        KafkaError::DeliveryTimeout | KafkaError::RequestTimedOut => {
            ("TimeoutException", format!("Expiring 1 record(s) for {tp}:{delivery_timeout_ms} ms has passed since batch creation"))
        }
        KafkaError::UnknownTopicOrPartition if tp.partition < 0 => ("TimeoutException", format!("Topic {} not present in metadata after 60000 ms.", tp.topic)),
        KafkaError::UnknownTopicOrPartition => ("UnknownTopicOrPartitionException", "This server does not host this topic-partition.".to_string()),
        KafkaError::OutOfOrderSequenceNumber => ("OutOfOrderSequenceException", "The broker received an out of order sequence number.".to_string()),
        other => ("KafkaException", other.to_string()),
    };
    format!("org.apache.kafka.common.errors.{class}: {msg}")
}

/// KafkaProducer's idempotence rules (ProducerConfig.postProcessAndValidateIdempotenceConfigs,
/// Kafka 3.2+; texts from 4.0): idempotence is on by default, and when `enable.idempotence`
/// was not set explicitly (`explicit`) a conflicting `retries=0` or `acks` other than all
/// quietly turns it off (Kafka logs "Idempotence will be disabled because ..." at INFO); set
/// explicitly to true, the same conflict is a ConfigException. More than 5 requests in flight
/// with idempotence on is an error either way in 4.0 (3.x turned idempotence off instead).
pub(super) fn settle_idempotence(config: &mut ProducerConfig, explicit: bool) -> Result<(), ShellError> {
    if !config.enable_idempotence {
        return Ok(());
    }
    let mut disable = false;
    if config.retries == 0 {
        if explicit {
            return Err(ShellError::new("Must set retries to non-zero when using the idempotent producer."));
        }
        disable = true;
    }
    if config.acks != -1 {
        if explicit {
            return Err(ShellError::new("Must set acks to all in order to use the idempotent producer. Otherwise we cannot guarantee idempotence."));
        }
        disable = true;
    }
    let in_flight = config.max_in_flight_requests_per_connection;
    if in_flight > 5 {
        return Err(ShellError::new(format!(
            "To use the idempotent producer, max.in.flight.requests.per.connection must be set to at most 5. Current value is {in_flight}."
        )));
    }
    if disable {
        config.enable_idempotence = false;
    }
    Ok(())
}

pub(super) const PRODUCER_SPECS: &[Spec] = &[
    value("bootstrap-server"),
    value("topic"),
    value("property"),
    value("producer-property"),
    value("request-required-acks"),
    value("timeout"),
    value("batch-size"),
    flag("sync"),
    flag("help"),
];

/// A console producer in progress: in a script it lasts for its block of lines, in the page
/// until `exit` or Ctrl-D.
#[derive(Clone, Debug, PartialEq)]
pub struct ProducerSession {
    id: crate::sim::ClientId,
    topic: String,
    reader: LineReader,
    delivery_timeout_ms: u64,
    line_number: usize,
    failures_shown: usize,
}

/// Starts a console producer: checks the options as Kafka does and starts its client.
pub fn begin_console_producer(shell: &mut Shell, args: &[String]) -> Result<ProducerSession, ShellError> {
    let p = options::parse(args, PRODUCER_SPECS)?;
    no_positional(&p, "kafka-console-producer.sh")?;
    require_bootstrap(&p)?;
    let topic = p.get("topic").ok_or_else(|| ShellError::new("Missing required argument \"[topic]\""))?.to_string();
    // ConsoleProducer configures its reader before it creates the producer (whose configs are
    // validated then).
    let reader = LineReader::configure(&pairs(&p, "property")?)?;
    // ConsoleProducer's own defaults: linger.ms from --timeout (1000), acks from
    // --request-required-acks (-1); --producer-property wins over both.
    let mut config = ProducerConfig { linger_ms: 1_000, ..ProducerConfig::default() };
    // The options become the producer's configs, validated as KafkaProducer validates them
    // (a negative linger.ms or batch.size is a ConfigException, not a silent 0).
    if let Some(t) = p.int("timeout")? {
        config.set("linger.ms", &t.to_string())?;
    }
    if let Some(b) = p.int("batch-size")? {
        config.set("batch.size", &b.to_string())?;
    }
    if p.has("sync") {
        config.linger_ms = 0;
    }
    if let Some(a) = p.get("request-required-acks") {
        config.set("acks", a)?;
    }
    let producer_properties = pairs(&p, "producer-property")?;
    for (k, v) in &producer_properties {
        config.set(k, v)?;
    }
    settle_idempotence(&mut config, producer_properties.iter().any(|(k, _)| *k == "enable.idempotence"))?;
    config.validate()?;
    let name = shell.next_console_name("console-producer");
    let delivery_timeout_ms = config.delivery_timeout_ms;
    let id = shell.sim.add_producer(&name, config)?;
    shell.sim.record_client_history(id, true);
    Ok(ProducerSession { id, topic, reader, delivery_timeout_ms, line_number: 0, failures_shown: 0 })
}

/// Sends lines as records (LineMessageReader: headers, key, value) and waits until each is
/// acknowledged or has failed, printing Kafka's error lines for failures. A line the reader
/// cannot parse (a missing separator...) is Kafka's fatal error: the records before it are
/// still flushed (ConsoleProducer exits through its shutdown hook, `producer.close()`), then
/// the session ends with the exception.
pub fn send_console_lines(shell: &mut Shell, session: &mut ProducerSession, lines: &[String]) -> Result<String, ShellError> {
    let mut fatal = None;
    for line in lines {
        session.line_number += 1;
        let read = match session.reader.read(line, session.line_number) {
            Ok(r) => r,
            Err(e) => {
                fatal = Some(e);
                break;
            }
        };
        let mut headers: Vec<(Rc<str>, Rc<str>)> = Vec::with_capacity(read.headers.len());
        for (k, v) in read.headers {
            match v {
                Some(v) => headers.push((Rc::from(k), Rc::from(v))),
                // Kafka sends a header with a null value; the engine's records keep header
                // values as strings, so this is refused rather than sent as something else.
                None => {
                    fatal = Some(ShellError::new(format!(
                        "Header '{k}' on line number {} would have a null value: Kafka sends that, but the simulator's records cannot hold a null header value yet; give the header a value",
                        session.line_number
                    )));
                    break;
                }
            }
        }
        if fatal.is_some() {
            break;
        }
        let mut record = ProducerRecord::new(&session.topic, read.key.as_deref(), read.value.as_deref());
        record.headers = Rc::from(headers);
        shell.sim.produce(session.id, record)?;
    }
    let out = flush_console_producer(shell, session);
    match fatal {
        None => Ok(out),
        Some(e) => Err(ShellError::new(format!("{out}{}", e.message))),
    }
}

/// Waits until every record sent is acknowledged or failed; Kafka's error lines for failures.
fn flush_console_producer(shell: &mut Shell, session: &mut ProducerSession) -> String {
    // Flush: wait until every record is acknowledged or failed.
    let deadline = shell.sim.now() + session.delivery_timeout_ms + 70_000;
    while let Some(Client::Producer(prod)) = shell.sim.client(session.id) {
        if prod.pending_records() == 0 || shell.sim.now() >= deadline {
            break;
        }
        shell.sim.run_for(10);
    }
    let Some(Client::Producer(prod)) = shell.sim.client(session.id) else { return String::new() };
    let mut out = String::new();
    for f in &prod.failures[session.failures_shown.min(prod.failures.len())..] {
        // ErrorLoggingCallback: "null" for a null key or value, else its length in bytes.
        let value = f.value.as_deref().map_or("null".to_string(), |v| format!("{} bytes", v.len()));
        out.push_str(&format!(
            "ERROR Error when sending message to topic {} with key: {}, value: {value} with error: (org.apache.kafka.clients.producer.internals.ErrorLoggingCallback)\n{}\n",
            session.topic,
            f.key.as_deref().map_or("null".to_string(), |k| format!("{} bytes", k.len())),
            exception(f.error, &f.tp, session.delivery_timeout_ms)
        ));
    }
    session.failures_shown = prod.failures.len();
    out
}

/// Closes the producer (end of input).
pub fn end_console_producer(shell: &mut Shell, session: ProducerSession) {
    let _ = shell.sim.apply(Fault::CrashClient(session.id));
}

pub fn console_producer(shell: &mut Shell, args: &[String], stdin: &[String]) -> Result<String, ShellError> {
    let mut session = begin_console_producer(shell, args)?;
    let result = send_console_lines(shell, &mut session, stdin);
    end_console_producer(shell, session);
    result
}

pub(super) const CONSUMER_SPECS: &[Spec] = &[
    value("bootstrap-server"),
    value("topic"),
    value("include"),
    value("whitelist"),
    value("partition"),
    value("offset"),
    flag("from-beginning"),
    value("max-messages"),
    value("timeout-ms"),
    value("group"),
    value("isolation-level"),
    value("property"),
    value("consumer-property"),
    flag("skip-message-on-error"),
    flag("help"),
];

/// How long the console consumer waits for more records when neither --max-messages nor
/// --timeout-ms says when to stop (a terminal would wait for Ctrl-C).
pub const IDLE_STOP_MS: u64 = 1_000;

#[derive(Default)]
struct Format {
    timestamp: bool,
    key: bool,
    value: bool,
    partition: bool,
    offset: bool,
    headers: bool,
    delivery: bool,
    epoch: bool,
    key_separator: String,
    line_separator: String,
    headers_separator: String,
    null_literal: String,
}

impl Format {
    /// DefaultMessageFormatter's fields in its order; each is followed by key.separator if a
    /// later field is printed, the value by line.separator (cli_formats.md section 3).
    fn write(&self, out: &mut String, tp: &TopicPartition, r: &Record) {
        let mut fields: Vec<String> = Vec::new();
        if self.timestamp {
            fields.push(format!("CreateTime:{}", r.timestamp_ms));
        }
        if self.partition {
            fields.push(format!("Partition:{}", tp.partition));
        }
        if self.offset {
            fields.push(format!("Offset:{}", r.offset));
        }
        if self.delivery {
            fields.push("Delivery:NOT_PRESENT".to_string());
        }
        if self.epoch {
            fields.push(format!("Epoch:{}", r.leader_epoch));
        }
        if self.headers {
            if r.headers.is_empty() {
                fields.push("NO_HEADERS".to_string());
            } else {
                fields.push(r.headers.iter().map(|(k, v)| format!("{k}:{v}")).collect::<Vec<_>>().join(&self.headers_separator));
            }
        }
        if self.key {
            fields.push(r.key.as_deref().unwrap_or(&self.null_literal).to_string());
        }
        if self.value {
            fields.push(r.value.as_deref().unwrap_or(&self.null_literal).to_string());
        }
        let n = fields.len();
        for (i, f) in fields.into_iter().enumerate() {
            out.push_str(&f);
            out.push_str(if i + 1 < n { &self.key_separator } else { &self.line_separator });
        }
    }
}

fn unescape(s: &str) -> String {
    s.replace("\\t", "\t").replace("\\n", "\n")
}

/// How long the console consumer waits for a topic it asked for to be created.
const AUTO_CREATE_WAIT_MS: u64 = 30_000;

/// The partitions the console consumer reads, once `to_create` (a missing topic) exists: the
/// consumer `id` is given its partition 0 for as long as it takes, so its own Metadata
/// requests (repeated while the partition has no leader) are what trigger the creation.
fn auto_create_then_partitions(
    shell: &mut Shell,
    id: crate::sim::ClientId,
    to_create: Option<&str>,
    topics: &[String],
    partition: Option<i64>,
) -> Result<Vec<TopicPartition>, ShellError> {
    if let Some(t) = to_create {
        shell.sim.assign(id, vec![TopicPartition::new(t, 0)])?;
        let deadline = shell.sim.now() + AUTO_CREATE_WAIT_MS;
        while !shell.sim.controller().topics.contains_key(t) {
            if shell.sim.now() >= deadline {
                return Err(ShellError::new(format!(
                    "Topic '{t}' does not exist and was not created within {AUTO_CREATE_WAIT_MS} ms of asking (auto.create.topics.enable creates it with num.partitions and default.replication.factor: are enough brokers up?)"
                )));
            }
            shell.sim.run_for(10);
        }
        shell.sim.assign(id, Vec::new())?;
    }
    let mut partitions = Vec::new();
    for t in topics {
        partitions.extend(shell.partitions_of(t, partition)?);
    }
    Ok(partitions)
}

pub fn console_consumer(shell: &mut Shell, args: &[String]) -> Result<String, ShellError> {
    let p = options::parse(args, CONSUMER_SPECS)?;
    no_positional(&p, "kafka-console-consumer.sh")?;
    require_bootstrap(&p)?;
    // ConsoleConsumerOptions.checkRequiredArgs: exactly one of --topic and --include (3.x took
    // --whitelist, deprecated, where --include was not given). Kafka 4.0's text ends with a
    // space, left out here.
    let include = p.get("include").or_else(|| p.get("whitelist"));
    let topic = p.get("topic").map(str::to_string);
    if topic.is_some() == include.is_some() {
        let deprecated = if p.has("whitelist") { " --whitelist is DEPRECATED use --include instead; ignored if --include specified." } else { "" };
        return Err(ShellError::new(format!("Exactly one of --include/--topic is required.{deprecated}")));
    }
    if p.has("partition") && topic.is_none() {
        return Err(ShellError::new("The topic is required when partition is specified."));
    }
    if p.has("group") && p.has("partition") {
        return Err(ShellError::new("Options group and partition cannot be specified together."));
    }
    if p.has("offset") && !p.has("partition") {
        return Err(ShellError::new("The partition is required when offset is specified."));
    }
    if p.has("offset") && p.has("from-beginning") {
        return Err(ShellError::new("Options from-beginning and offset cannot be specified together."));
    }
    let start: Option<i64> = match p.get("offset") {
        None | Some("latest") => None,
        Some("earliest") => Some(-2),
        Some(v) => match v.parse::<i64>() {
            Ok(n) if n >= 0 => Some(n),
            _ => {
                return Err(ShellError::new(format!(
                    "The provided offset value '{v}' is incorrect. Valid values are 'earliest', 'latest', or a non-negative long."
                )))
            }
        },
    };
    // ConsoleConsumer.process loops `while (messageCount < maxMessages || maxMessages == -1)`:
    // -1 (its default) is no limit, any other negative reads nothing. A negative --timeout-ms
    // is no timeout (`timeoutMs >= 0 ? timeoutMs : Long.MAX_VALUE`, ConsoleConsumer.run).
    let max_messages = p.int("max-messages")?.filter(|m| *m != -1);
    let timeout_ms = p.int("timeout-ms")?.filter(|t| *t >= 0);
    match p.get("isolation-level") {
        None | Some("read_uncommitted") | Some("read_committed") => {}
        Some(other) => {
            return Err(ShellError::new(format!(
                "Invalid value {other} for configuration isolation.level: String must be one of: read_committed, read_uncommitted"
            )))
        }
    }
    let mut fmt = Format {
        value: true,
        key_separator: "\t".into(),
        line_separator: "\n".into(),
        headers_separator: ",".into(),
        null_literal: "null".into(),
        ..Format::default()
    };
    for (k, v) in pairs(&p, "property")? {
        let on = v.trim().eq_ignore_ascii_case("true");
        match k {
            "print.timestamp" => fmt.timestamp = on,
            "print.key" => fmt.key = on,
            "print.value" => fmt.value = on,
            "print.partition" => fmt.partition = on,
            "print.offset" => fmt.offset = on,
            "print.headers" => fmt.headers = on,
            "print.delivery" => fmt.delivery = on,
            "print.epoch" => fmt.epoch = on,
            "key.separator" => fmt.key_separator = unescape(v),
            "line.separator" => fmt.line_separator = unescape(v),
            "headers.separator" => fmt.headers_separator = unescape(v),
            "null.literal" => fmt.null_literal = v.to_string(),
            _ => {
                return Err(ShellError::new(format!(
                    "Unknown --property '{k}'; the formatter reads print.timestamp, print.key, print.value, print.partition, print.offset, print.headers, print.delivery, print.epoch, key.separator, line.separator, headers.separator, null.literal"
                )))
            }
        }
    }
    let mut config = ConsumerConfig {
        auto_offset_reset: if p.has("from-beginning") || start == Some(-2) { OffsetReset::Earliest } else { OffsetReset::Latest },
        ..ConsumerConfig::default()
    };
    // allow.auto.create.topics (ConsumerConfig, default true) is the console consumer's own
    // business here: it decides whether a missing --topic gets created.
    let mut allow_auto_create = true;
    for (k, v) in pairs(&p, "consumer-property")? {
        match k {
            "allow.auto.create.topics" => match v.trim().to_ascii_lowercase().as_str() {
                "true" => allow_auto_create = true,
                "false" => allow_auto_create = false,
                _ => {
                    return Err(ShellError::new(format!(
                        "Invalid value {v} for configuration allow.auto.create.topics: Expected value to be either true or false"
                    )))
                }
            },
            _ => config.set(k, v)?,
        }
    }
    let partition = p.int("partition")?;
    // --include subscribes by pattern: every topic whose whole name matches the Java regex,
    // internal topics left out (exclude.internal.topics=true), as the topics are now.
    let topics: Vec<String> = match (&topic, include) {
        (Some(t), _) => vec![t.clone()],
        (None, Some(regex)) => {
            let pattern = Pattern::new(regex).map_err(|e| ShellError::new(format!("java.util.regex.PatternSyntaxException: {e}")))?;
            shell.sim.controller().topics.keys().filter(|t| !t.starts_with("__") && pattern.matches(t)).map(|t| t.to_string()).collect()
        }
        (None, None) => unreachable!("checked above"),
    };
    // A --topic that does not exist is created as the producer's is: the consumer's Metadata
    // request (allowAutoTopicCreation from allow.auto.create.topics) makes the broker, with
    // auto.create.topics.enable=true (Kafka's default), ask the controller to create it with
    // num.partitions and default.replication.factor (KafkaApis.handleTopicMetadataRequest ->
    // AutoTopicCreationManager). Patterns never create topics.
    let to_create = topic.clone().filter(|t| allow_auto_create && !shell.sim.controller().topics.contains_key(t.as_str()));
    if to_create.is_none() {
        if let Some(t) = topic.as_deref().filter(|t| !shell.sim.controller().topics.contains_key(*t)) {
            return Err(ShellError::new(format!(
                "Topic '{t}' does not exist, and allow.auto.create.topics=false keeps the consumer from creating it (Kafka's consumer would wait, warning UNKNOWN_TOPIC_OR_PARTITION); create it with kafka-topics.sh --create --topic {t}"
            )));
        }
        for t in &topics {
            shell.partitions_of(t, partition)?;
        }
    }
    let name = shell.next_console_name("console-consumer");
    let id = shell.sim.add_consumer(&name, config)?;
    shell.sim.record_client_history(id, true);
    let partitions = match auto_create_then_partitions(shell, id, to_create.as_deref(), &topics, partition) {
        Ok(ps) => ps,
        Err(e) => {
            let _ = shell.sim.close_consumer(id);
            return Err(e);
        }
    };
    match p.get("group") {
        // With --group the console consumer joins the group and reads from its committed
        // offsets (auto.offset.reset only where there is none).
        Some(group) => shell.sim.subscribe(id, group, topics.clone())?,
        None => shell.sim.assign(id, partitions.clone())?,
    }
    if let Some(offset) = start.filter(|o| *o >= 0) {
        shell.sim.seek(id, &partitions[0], offset)?;
    }
    // A group member first has to join (initial rebalance delay included).
    let idle_limit = timeout_ms.map(|t| t as u64).unwrap_or(if p.has("group") { IDLE_STOP_MS + 4_000 } else { IDLE_STOP_MS });
    let mut seen = 0usize;
    let mut last_progress = shell.sim.now();
    let mut timed_out = false;
    loop {
        shell.sim.run_for(10);
        let Some(Client::Consumer(c)) = shell.sim.client(id) else { break };
        if c.consumed.len() > seen {
            seen = c.consumed.len();
            last_progress = shell.sim.now();
        }
        if max_messages.is_some_and(|m| seen as i64 >= m) {
            break;
        }
        if shell.sim.now() - last_progress >= idle_limit {
            timed_out = timeout_ms.is_some();
            break;
        }
    }
    let Some(Client::Consumer(c)) = shell.sim.client(id) else { unreachable!("just added") };
    let limit = max_messages.map_or(usize::MAX, |m| m.max(0) as usize);
    let mut out = String::new();
    let mut n = 0;
    for (tp, r) in c.consumed.iter().take(limit) {
        fmt.write(&mut out, tp, r);
        n += 1;
    }
    if timed_out {
        out.push_str("ERROR Error processing message, terminating consumer process:  (org.apache.kafka.tools.consumer.ConsoleConsumer)\norg.apache.kafka.common.errors.TimeoutException\n");
    }
    out.push_str(&format!("Processed a total of {n} messages\n"));
    // Closing commits (auto-commit) and leaves the group.
    let _ = shell.sim.close_consumer(id);
    shell.sim.run_for(50);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use crate::shell::Shell;

    /// `--property parse.headers=true` was accepted and ignored: the header text went into the
    /// value. The headers now reach the log, the consumer's print.headers and the page's view.
    #[test]
    fn parse_headers_is_no_longer_ignored() {
        let mut sh = Shell::new(4);
        sh.execute("kafka-topics.sh --bootstrap-server localhost:9092 --create --topic h --partitions 1", &[]).unwrap();
        sh.execute("kafka-console-producer.sh --bootstrap-server localhost:9092 --topic h --property parse.headers=true", &["a:1,b:2\tv".to_string()]).unwrap();
        let out = sh
            .execute(
                "kafka-console-consumer.sh --bootstrap-server localhost:9092 --topic h --from-beginning --max-messages 1 --property print.headers=true",
                &[],
            )
            .unwrap();
        assert_eq!(out, "a:1,b:2\tv\nProcessed a total of 1 messages\n");
        let view = sh.sim.view(4);
        let leader = view.brokers.iter().flat_map(|b| b.replicas.iter()).find(|r| &*r.tp.topic == "h" && r.is_leader).expect("a leader");
        let headers: Vec<(String, String)> = leader.tail[0].headers.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        assert_eq!(headers, vec![("a".to_string(), "1".to_string()), ("b".to_string(), "2".to_string())]);
    }

    /// kafka-console-consumer.sh refused a missing topic ("create it first") while the console
    /// producer created it; Kafka's consumer creates it too (allow.auto.create.topics and
    /// auto.create.topics.enable are both true by default).
    #[test]
    fn console_consumer_creates_a_missing_topic_as_the_producer_does() {
        let mut sh = Shell::new(4);
        let out = sh.execute("kafka-console-consumer.sh --bootstrap-server localhost:9092 --topic fresh", &[]).unwrap();
        assert_eq!(out, "Processed a total of 0 messages\n");
        assert_eq!(sh.sim.controller().topics.get("fresh").map(|t| t.partitions.len()), Some(1));
        // Through the broker: the consumer's Metadata request, then CreateTopics.
        assert!(sh.sim.trace().iter().any(|e| e.to_string().contains("topic fresh created")));
        sh.execute("kafka-console-consumer.sh --bootstrap-server localhost:9092 --topic grouped --group g", &[]).unwrap();
        assert!(sh.sim.controller().topics.contains_key("grouped"));
        let e = sh
            .execute("kafka-console-consumer.sh --bootstrap-server localhost:9092 --topic kept-out --consumer-property allow.auto.create.topics=false", &[])
            .unwrap_err();
        assert!(e.message.starts_with("Topic 'kept-out' does not exist, and allow.auto.create.topics=false"), "{}", e.message);
        assert!(!sh.sim.controller().topics.contains_key("kept-out"));
    }

    /// kafka-console-consumer.sh refused --include (an unknown option) and asked for
    /// "include/topic"; it subscribes by pattern as ConsoleConsumer does.
    #[test]
    fn console_consumer_include_subscribes_by_pattern() {
        let mut sh = Shell::new(4);
        for t in ["a-1", "a-2", "b"] {
            sh.execute(&format!("kafka-topics.sh --bootstrap-server localhost:9092 --create --topic {t} --partitions 1"), &[]).unwrap();
            sh.execute(&format!("kafka-console-producer.sh --bootstrap-server localhost:9092 --topic {t}"), &[format!("in {t}")]).unwrap();
        }
        let out = sh.execute("kafka-console-consumer.sh --bootstrap-server localhost:9092 --include 'a-[0-9]' --from-beginning", &[]).unwrap();
        let mut lines: Vec<&str> = out.lines().collect();
        lines.sort();
        assert_eq!(lines, vec!["Processed a total of 2 messages", "in a-1", "in a-2"]);
        let e = sh.execute("kafka-console-consumer.sh --bootstrap-server localhost:9092 --include b --topic b", &[]).unwrap_err();
        assert_eq!(e.message, "Exactly one of --include/--topic is required.");
    }
}
