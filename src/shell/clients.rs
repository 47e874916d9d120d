//! `kafka-console-producer.sh` and `kafka-console-consumer.sh`: each runs a real client in the
//! simulation for as long as the command lasts, then closes it.

use std::rc::Rc;

use super::line_reader::LineReader;
use super::options::{self, flag, value, Parsed, Spec};
use super::topics::no_positional;
use super::{Shell, ShellError};
use crate::sim::config::ProducerConfig;
use crate::sim::{Client, Fault, KafkaError, ProducerRecord, TopicPartition};

pub(super) fn require_bootstrap(p: &Parsed) -> Result<(), ShellError> {
    // ConsoleProducer / ConsoleConsumer: CommandLineUtils.checkRequiredArgs. The producer's
    // deprecated --broker-list stands in for it (`begin_console_producer`).
    if p.get("bootstrap-server").or_else(|| p.get("broker-list")).is_none_or(|s| s.trim().is_empty()) {
        return Err(ShellError::new("Missing required argument \"[bootstrap-server]\""));
    }
    Ok(())
}

/// `key=value` pairs of `--property`, `--producer-property`, `--consumer-property`.
pub(super) fn pairs<'a>(p: &'a Parsed, name: &str) -> Result<Vec<(&'a str, &'a str)>, ShellError> {
    p.all(name)
        .into_iter()
        .map(|kv| kv.split_once('=').ok_or_else(|| ShellError::new(format!("Invalid {name} '{kv}': expected key=value, e.g. --{name} acks=all"))))
        .collect()
}

/// The Java exception a producer callback receives for each error; `records` is the count the
/// batch's expiry names.
pub(super) fn exception(e: KafkaError, tp: &TopicPartition, delivery_timeout_ms: u64, records: usize) -> String {
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
            ("TimeoutException", format!("Expiring {records} record(s) for {tp}:{delivery_timeout_ms} ms has passed since batch creation"))
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
    value("broker-list"),
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
    /// Printed when the prompt opens (the deprecated --broker-list).
    pub notes: String,
}

/// Kafka 3.x's console producer still takes `--broker-list` (removed in 4.0) and says it is
/// deprecated only in its help (ConsoleProducer's option text, quoted here): the simulator
/// prints that text when the option is used, so a learner copying an old tutorial learns the
/// current name.
fn broker_list_note(p: &Parsed) -> String {
    if !p.has("broker-list") {
        return String::new();
    }
    "Warning: --broker-list is DEPRECATED, use --bootstrap-server instead; ignored if --bootstrap-server is specified. (Kafka 3.x's help; Kafka 4.0 removed the option)\n".to_string()
}

/// Starts a console producer: checks the options as Kafka does and starts its client.
pub fn begin_console_producer(shell: &mut Shell, args: &[String]) -> Result<ProducerSession, ShellError> {
    let p = options::parse(args, PRODUCER_SPECS)?;
    no_positional(&p, "kafka-console-producer.sh")?;
    require_bootstrap(&p)?;
    let notes = broker_list_note(&p);
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
    Ok(ProducerSession { id, topic, reader, delivery_timeout_ms, line_number: 0, failures_shown: 0, notes })
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
            exception(f.error, &f.tp, session.delivery_timeout_ms, 1)
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
    let notes = std::mem::take(&mut session.notes);
    let result = send_console_lines(shell, &mut session, stdin);
    end_console_producer(shell, session);
    result.map(|out| format!("{notes}{out}")).map_err(|e| ShellError::new(format!("{notes}{}", e.message)))
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
