//! One command language for the console, lessons, shared links, tests and the native runner:
//! Kafka's CLI tools with Kafka's flags and output, plus simulator verbs. Bad input is a
//! one-line error, never a panic and never a silent no-op.
pub mod alerts;
mod clients;
mod complete;
pub use clients::ProducerSession;
pub use complete::{complete, Completion};
mod configs;
mod console_consumer;
pub use console_consumer::ConsumerSession;
mod consumer_perf;
mod groups;
mod java_format;
mod line_reader;
pub mod metrics_verb;
mod offsets;
mod options;
pub mod paste;
mod pattern;
mod producer_perf;
pub mod real_cluster;
mod tokenize;
mod topics;
pub mod transcript;
mod verbs;

use std::fmt;

use crate::sim::config::ClusterConfig;
use crate::sim::Sim;

pub use options::did_you_mean;
pub use tokenize::{continues, tokenize};
pub use verbs::{help, parse_duration};

/// A command that failed: one line saying what is wrong (Kafka's text where Kafka has one).
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct ShellError {
    pub message: String,
}

impl ShellError {
    pub fn new(message: impl Into<String>) -> Self {
        ShellError { message: message.into() }
    }
}

impl fmt::Display for ShellError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl From<crate::sim::AdminError> for ShellError {
    fn from(e: crate::sim::AdminError) -> Self {
        ShellError::new(e.to_string())
    }
}

/// One command of a script: its words, the lines it reads as standard input (the console
/// producer's records), and where it starts.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Command {
    pub line: usize,
    pub text: String,
    pub argv: Vec<String>,
    pub stdin: Vec<String>,
}

/// A script line that could not even be split into words.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct ParseError {
    pub line: usize,
    pub text: String,
    pub error: ShellError,
}

/// The tools whose following lines are their standard input.
fn reads_stdin(argv: &[String]) -> bool {
    argv.first().is_some_and(|a| tool_name(a) == "kafka-console-producer")
}

/// `bin/kafka-topics.sh`, `./kafka-topics.sh` and `kafka-topics` all name the same tool.
pub fn tool_name(word: &str) -> &str {
    let base = word.rsplit('/').next().unwrap_or(word);
    base.strip_suffix(".sh").unwrap_or(base)
}

/// Splits a script into commands. Blank lines and `#` comments are skipped; a line ending in
/// a backslash goes on on the next line (`continues`, as in a POSIX shell; at the end of the
/// script the command simply ends there, as bash and dash do); the lines after a console
/// producer are its records, up to a line holding a single `.` or the end. A command's `text`
/// keeps its lines as written.
pub fn parse_script(text: &str) -> Vec<Result<Command, ParseError>> {
    let mut out = Vec::new();
    let lines: Vec<&str> = text.lines().collect();
    let mut i = 0;
    while i < lines.len() {
        let first = lines[i];
        let line = i + 1;
        i += 1;
        if first.trim().is_empty() || first.trim_start().starts_with('#') {
            continue;
        }
        let mut raw = first.to_string();
        while tokenize::continues(&raw) && i < lines.len() {
            raw.push('\n');
            raw.push_str(lines[i]);
            i += 1;
        }
        // A continuation with no line after it: the newline the file ended with (or EOF).
        let words = if tokenize::continues(&raw) { tokenize(&format!("{raw}\n")) } else { tokenize(&raw) };
        match words {
            Err(error) => out.push(Err(ParseError { line, text: raw, error })),
            Ok(argv) if argv.is_empty() => {}
            Ok(argv) => {
                let mut stdin = Vec::new();
                if reads_stdin(&argv) {
                    while i < lines.len() {
                        let l = lines[i];
                        i += 1;
                        if l.trim() == "." {
                            break;
                        }
                        stdin.push(l.to_string());
                    }
                }
                out.push(Ok(Command { line, text: raw, argv, stdin }));
            }
        }
    }
    out
}

/// A console tool started in the console (`Shell::begin_interactive`).
pub enum Interactive {
    /// The producer's `>` prompt is open.
    Producer(ProducerSession),
    /// What the consumer printed while it caught up, and the consumer if it still runs.
    Consumer { output: String, running: Option<ConsumerSession> },
}

/// The interpreter: owns the simulation it drives.
#[derive(Clone)]
pub struct Shell {
    pub sim: Sim,
    next_console: u32,
    /// The operator's alerts (`alert`), judged on the metrics' samples.
    pub alerts: Vec<alerts::AlertRule>,
}

/// How many brokers a new shell starts with, and how long they get to register.
pub const DEFAULT_BROKERS: i32 = 3;
const BOOT_MS: u64 = 100;

impl Shell {
    pub fn new(seed: u64) -> Shell {
        Shell::with_cluster(seed, DEFAULT_BROKERS, ClusterConfig::default())
    }

    pub fn with_cluster(seed: u64, brokers: i32, cluster: ClusterConfig) -> Shell {
        let mut sim = Sim::new(seed, brokers, cluster);
        sim.run_for(BOOT_MS);
        Shell { sim, next_console: 0, alerts: alerts::defaults() }
    }

    fn next_console_name(&mut self, prefix: &str) -> String {
        loop {
            self.next_console += 1;
            let name = format!("{prefix}-{}", self.next_console);
            if self.sim.client_id(&name).is_none() {
                return name;
            }
        }
    }

    /// Wraps an existing simulation (a preset) in a shell.
    pub fn from_sim(sim: Sim) -> Shell {
        Shell { sim, next_console: 0, alerts: alerts::defaults() }
    }

    /// In the console, the console tools keep running after the command: the producer opens a
    /// `>` prompt, the consumer goes on printing records as they arrive (until Ctrl-C or its
    /// own end). This starts one, or returns None when `line` is another command.
    pub fn begin_interactive(&mut self, line: &str) -> Option<Result<Interactive, ShellError>> {
        let argv = match tokenize(line) {
            Ok(a) => a,
            Err(e) => return Some(Err(e)),
        };
        if reads_stdin(&argv) {
            return Some(clients::begin_console_producer(self, &argv[1..]).map(Interactive::Producer));
        }
        if argv.first().is_some_and(|a| tool_name(a) == "kafka-console-consumer") {
            return Some(console_consumer::begin_console_consumer(self, &argv[1..]).map(|session| {
                let (output, running) = session.catch_up(self, false);
                Interactive::Consumer { output, running }
            }));
        }
        None
    }

    /// One line typed at the producer's `>` prompt.
    pub fn interactive_line(&mut self, session: &mut ProducerSession, line: &str) -> Result<String, ShellError> {
        clients::send_console_lines(self, session, &[line.to_string()])
    }

    /// `exit` or Ctrl-D at the producer's prompt.
    pub fn end_interactive(&mut self, session: ProducerSession) {
        clients::end_console_producer(self, session);
    }

    /// The partitions a client command reads: all of the topic's, or the one asked for. The
    /// topic must exist (the console consumer has a missing `--topic` created first, as
    /// Kafka's consumer does; the simulator's own verbs do not create topics).
    pub(crate) fn partitions_of(&self, topic: &str, partition: Option<i64>) -> Result<Vec<crate::sim::TopicPartition>, ShellError> {
        use crate::sim::TopicPartition;
        let Some(t) = self.sim.controller().topics.get(topic) else {
            return Err(ShellError::new(format!("Topic '{topic}' does not exist; create it first with kafka-topics.sh --create --topic {topic}")));
        };
        let n = t.partitions.len() as i32;
        match partition {
            Some(x) if x < 0 || x >= n as i64 => {
                Err(ShellError::new(format!("Partition {x} of topic '{topic}' does not exist: it has partitions 0 to {}", n - 1)))
            }
            Some(x) => Ok(vec![TopicPartition::new(topic, x as i32)]),
            None => Ok((0..n).map(|i| TopicPartition::new(topic, i)).collect()),
        }
    }

    /// Runs one command line (a console producer's records come from `stdin`).
    pub fn execute(&mut self, line: &str, stdin: &[String]) -> Result<String, ShellError> {
        let argv = tokenize(line)?;
        self.run(&argv, stdin)
    }

    pub fn run(&mut self, argv: &[String], stdin: &[String]) -> Result<String, ShellError> {
        let Some(first) = argv.first() else { return Ok(String::new()) };
        let args = &argv[1..];
        match tool_name(first) {
            "kafka-topics" => topics::run(self, args),
            "kafka-console-producer" => clients::console_producer(self, args, stdin),
            "kafka-console-consumer" => console_consumer::console_consumer(self, args),
            "kafka-configs" => configs::run(self, args),
            "kafka-get-offsets" => offsets::get_offsets(self, args),
            "kafka-leader-election" => offsets::leader_election(self, args),
            "kafka-consumer-groups" => groups::run(self, args),
            "kafka-producer-perf-test" => producer_perf::run(self, args),
            "kafka-consumer-perf-test" => consumer_perf::run(self, args),
            _ => verbs::run(self, argv),
        }
    }
}

/// Every command the shell knows, for `help` and did-you-mean.
pub const TOOLS: &[&str] = &[
    "kafka-topics.sh",
    "kafka-console-producer.sh",
    "kafka-console-consumer.sh",
    "kafka-configs.sh",
    "kafka-get-offsets.sh",
    "kafka-leader-election.sh",
    "kafka-consumer-groups.sh",
    "kafka-producer-perf-test.sh",
    "kafka-consumer-perf-test.sh",
];

#[cfg(test)]
mod tests {
    use super::*;

    /// `flightsim run`, the transcripts and the presets used to refuse a line ending in a
    /// backslash ("a line cannot end with a lone backslash").
    #[test]
    fn a_script_line_ending_in_a_backslash_continues_on_the_next() {
        let script = "kafka-console-producer.sh --bootstrap-server localhost:9092 \\\n  --topic t\nrecord \\\n.\n\nkafka-topics.sh --list \\\n";
        let cmds: Vec<Command> = parse_script(script).into_iter().map(Result::unwrap).collect();
        assert_eq!(cmds.len(), 2);
        assert_eq!(cmds[0].line, 1);
        assert_eq!(cmds[0].argv, vec!["kafka-console-producer.sh", "--bootstrap-server", "localhost:9092", "--topic", "t"]);
        assert_eq!(cmds[0].text, "kafka-console-producer.sh --bootstrap-server localhost:9092 \\\n  --topic t");
        // The producer's records are not shell words: a trailing backslash stays.
        assert_eq!(cmds[0].stdin, vec!["record \\"]);
        // At the end of the script a continuation just ends the command (bash, dash).
        assert_eq!(cmds[1].line, 6);
        assert_eq!(cmds[1].argv, vec!["kafka-topics.sh", "--list"]);
        assert_eq!(transcript::echo(&cmds[0].text), "$ kafka-console-producer.sh --bootstrap-server localhost:9092 \\\n>   --topic t\n");
    }
}
