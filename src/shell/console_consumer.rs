//! `kafka-console-consumer.sh`: a real consumer in the simulation that prints each record it
//! receives with Kafka's DefaultMessageFormatter. Kafka's tool runs until Ctrl-C, until
//! `--max-messages` records or until `--timeout-ms` passes without one (ConsoleConsumer.java:
//! `process` and `ConsumerWrapper.receive`); so does a `ConsumerSession` here: the console
//! (`session::Player`) keeps it running as simulated time passes and stops it on Ctrl-C.
//! A script has no keyboard: there, a consumer with neither limit stops once it has caught up
//! (`IDLE_STOP_MS` without a new record), as if Ctrl-C had been pressed then.
use super::clients::{pairs, require_bootstrap};
use super::options::{self, flag, value, Spec};
use super::pattern::Pattern;
use super::topics::no_positional;
use super::{Shell, ShellError};
use crate::sim::config::{ConsumerConfig, OffsetReset};
use crate::sim::{Client, ClientId, Millis, Record, TopicPartition};

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
    value("formatter"),
    flag("help"),
];

/// How long the console consumer reads before the command returns to the prompt when neither
/// --max-messages nor --timeout-ms ends it: in a script it then stops (a script has no
/// Ctrl-C), in the console it goes on running.
pub const IDLE_STOP_MS: u64 = 1_000;
/// How long a script's consumer reads while records keep arriving before it stops anyway.
pub const CATCH_UP_MS: u64 = 10_000;

#[derive(Clone, Debug, Default)]
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
pub(super) fn auto_create_then_partitions(
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

pub fn begin_console_consumer(shell: &mut Shell, args: &[String]) -> Result<ConsumerSession, ShellError> {
    let p = options::parse(args, CONSUMER_SPECS)?;
    no_positional(&p, "kafka-console-consumer.sh")?;
    require_bootstrap(&p)?;
    let notes = formatter_notes(p.get("formatter"))?;
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
    Ok(ConsumerSession {
        id,
        name,
        fmt,
        max_messages,
        timeout_ms: timeout_ms.map(|t| t as u64),
        // A group member first has to join (initial rebalance delay included).
        idle_ms: if p.has("group") { IDLE_STOP_MS + 4_000 } else { IDLE_STOP_MS },
        printed: 0,
        last_progress: shell.sim.now(),
        notes,
    })
}

/// Kafka 3.8+ still takes the old Scala class name, with a warning (the deprecated
/// `kafka.tools.DefaultMessageFormatter` prints it from its constructor); the Java class is
/// the default. Other formatters (Logging, NoOp, the internal topics' ones) are not simulated.
fn formatter_notes(formatter: Option<&str>) -> Result<String, ShellError> {
    match formatter {
        None | Some("org.apache.kafka.tools.consumer.DefaultMessageFormatter") => Ok(String::new()),
        Some("kafka.tools.DefaultMessageFormatter") => Ok("WARNING: kafka.tools.DefaultMessageFormatter is deprecated and will be removed in the next major release. Please use org.apache.kafka.tools.consumer.DefaultMessageFormatter instead\n".to_string()),
        Some(other) => Err(ShellError::new(format!(
            "--formatter {other}: the simulator prints records with Kafka's DefaultMessageFormatter only (org.apache.kafka.tools.consumer.DefaultMessageFormatter, the default); leave --formatter out"
        ))),
    }
}

/// A console consumer that is running: its client, how it prints, when it stops and what it
/// has printed so far. Kept in the session's frame, so a replay prints the same lines.
#[derive(Clone, Debug)]
pub struct ConsumerSession {
    id: ClientId,
    name: String,
    fmt: Format,
    max_messages: Option<i64>,
    timeout_ms: Option<u64>,
    /// How long the command reads before returning to the prompt without a limit.
    idle_ms: u64,
    /// Records printed so far (the first ones of the client's history).
    printed: usize,
    last_progress: Millis,
    /// Warnings printed before the first record (a deprecated formatter name).
    notes: String,
}

/// What a poll printed, and whether the tool has ended.
pub struct Polled {
    pub output: String,
    pub ended: bool,
}

impl ConsumerSession {
    /// The client's name (`console-consumer-1`), shown as the tool that has the keyboard.
    pub fn name(&self) -> &str {
        &self.name
    }

    fn limit(&self) -> usize {
        self.max_messages.map_or(usize::MAX, |m| m.max(0) as usize)
    }

    /// True when a poll would print or end something: new records, a limit reached, the
    /// timeout passed, or the client gone. The session polls only then, so an idle
    /// consumer costs no copy of the simulation.
    pub fn due(&self, shell: &Shell) -> bool {
        let Some(Client::Consumer(c)) = shell.sim.client(self.id).filter(|c| c.running()) else { return true };
        !self.notes.is_empty()
            || c.consumed.len().min(self.limit()) > self.printed
            || self.printed >= self.limit()
            || self.timeout_ms.is_some_and(|t| shell.sim.now() - self.last_progress >= t)
    }

    /// Prints the records received since the last poll and ends the tool when Kafka's would:
    /// `--max-messages` reached (`Processed a total of N messages`), or `--timeout-ms` passed
    /// without a record (ConsumerWrapper.receive throws TimeoutException; `process` logs it
    /// and returns; cli_formats.md section 3 for the closing line). Applies no event: the
    /// session calls it between events.
    pub fn poll(&mut self, shell: &mut Shell) -> Polled {
        let mut output = std::mem::take(&mut self.notes);
        let limit = self.limit();
        let Some(Client::Consumer(c)) = shell.sim.client(self.id).filter(|c| c.running()) else {
            // Killed from the simulator (`kill client`): the process dies without a word.
            output.push_str(&format!("({} was killed: the tool ended without its closing line)\n", self.name));
            return Polled { output, ended: true };
        };
        let end = c.consumed.len().min(limit);
        if end > self.printed {
            for (tp, r) in &c.consumed[self.printed..end] {
                self.fmt.write(&mut output, tp, r);
            }
            self.printed = end;
            self.last_progress = shell.sim.now();
        }
        let timed_out = self.printed < limit && self.timeout_ms.is_some_and(|t| shell.sim.now() - self.last_progress >= t);
        if self.printed >= limit || timed_out {
            if timed_out {
                output.push_str("ERROR Error processing message, terminating consumer process:  (org.apache.kafka.tools.consumer.ConsoleConsumer)\norg.apache.kafka.common.errors.TimeoutException\n");
            }
            output.push_str(&self.close(shell));
            return Polled { output, ended: true };
        }
        Polled { output, ended: false }
    }

    /// Ctrl-C: Kafka's shutdown hook wakes the consumer up, `process` returns, and `run`
    /// closes it and reports the count (ConsoleConsumer.addShutdownHook, run's finally).
    pub fn interrupt(mut self, shell: &mut Shell) -> String {
        let mut out = self.poll_records_only(shell);
        out.push_str(&self.close(shell));
        out
    }

    fn poll_records_only(&mut self, shell: &mut Shell) -> String {
        let mut out = std::mem::take(&mut self.notes);
        if let Some(Client::Consumer(c)) = shell.sim.client(self.id) {
            let end = c.consumed.len().min(self.limit());
            for (tp, r) in c.consumed.get(self.printed..end).unwrap_or_default() {
                self.fmt.write(&mut out, tp, r);
            }
            self.printed = end.max(self.printed);
        }
        out
    }

    /// Closing commits (auto-commit) and leaves the group; the count goes to stderr in Kafka.
    fn close(&mut self, shell: &mut Shell) -> String {
        let _ = shell.sim.close_consumer(self.id);
        format!("Processed a total of {} messages\n", self.printed)
    }

    /// Reads until it has caught up: the first records, up to `idle_ms` without a new one (or
    /// the tool's own end). Returns what it printed and the session if it still runs. In a
    /// script (`until_timeout`) a `--timeout-ms` is waited out whole, as Kafka's would be.
    pub fn catch_up(mut self, shell: &mut Shell, until_timeout: bool) -> (String, Option<ConsumerSession>) {
        let idle = match self.timeout_ms {
            Some(t) if until_timeout => t,
            _ => self.idle_ms,
        };
        // A producer writing faster than `idle` would never let the log go quiet: the catch-up
        // is bounded too. In the console the tool then goes on running (the session prints
        // what arrives later); in a script it stops there, as if Ctrl-C had been pressed.
        let cap = if until_timeout { idle.max(self.idle_ms) + CATCH_UP_MS } else { self.idle_ms };
        let start = shell.sim.now();
        let mut out = String::new();
        loop {
            shell.sim.run_for(10);
            let polled = self.poll(shell);
            out.push_str(&polled.output);
            if polled.ended {
                shell.sim.run_for(50);
                return (out, None);
            }
            let now = shell.sim.now();
            if now - self.last_progress >= idle || now - start >= cap {
                return (out, Some(self));
            }
        }
    }
}

/// The command in a script: reads until caught up, then stops as Ctrl-C would (a script has
/// no keyboard; see the module's comment).
pub fn console_consumer(shell: &mut Shell, args: &[String]) -> Result<String, ShellError> {
    let session = begin_console_consumer(shell, args)?;
    let (mut out, running) = session.catch_up(shell, true);
    if let Some(s) = running {
        out.push_str(&s.interrupt(shell));
        shell.sim.run_for(50);
    }
    Ok(out)
}
