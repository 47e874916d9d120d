//! Simulator verbs: what a real shell cannot do (start and kill brokers, break the network,
//! run clients at a rate, move virtual time) and `describe` views of the state.
use std::rc::Rc;

use super::options::{self, did_you_mean, flag, value, Spec};
use super::{Shell, ShellError, TOOLS};
use crate::sim::config::{ClusterConfig, CommitMode, ConsumerConfig, OffsetReset, ProducerConfig};
use crate::sim::producer::{RateSpec, Values};
use crate::sim::{Client, Fault, Millis, NodeId, TopicPartition};

/// Every verb with its usage, for `help` and did-you-mean.
pub const VERBS: &[(&str, &str)] = &[
    ("help", "help                                  this list"),
    ("start", "start broker <id>                     start (or restart) a broker"),
    ("stop", "stop broker <id>                      clean shutdown: leadership moves first"),
    ("kill", "kill broker <id> | kill client <name>  hard kill, nothing said to anyone"),
    ("pause", "pause broker <id> | client <name>     a long GC pause: handles nothing until resumed"),
    ("resume", "resume broker <id> | client <name>    end a pause"),
    ("partition", "partition <nodes> | <nodes>           cut the network between two sides (nodes: broker-1, controller, client names)"),
    ("slow", "slow client <name> <duration>        the consumer takes this long per poll (0ms: fast again)"),
    ("isolate", "isolate broker <id> | client <name>   cut one node off from all others"),
    ("heal", "heal                                  repair every network fault"),
    ("latency", "latency <ms> [jitter <ms>]            network latency per message"),
    ("drop", "drop next <n> [from <node>] [to <node>]  lose the next messages"),
    ("tick", "tick <duration>                       advance virtual time (500ms, 2s, 1m)"),
    ("step", "step [<n>]                            apply the next event(s)"),
    ("run", "run until idle                        advance until clients are done (60 s at most)"),
    ("producer", "producer start <name> --topic <t> [--rate 10/s] [--keys user_1..user_10] [--count N] [--value-bytes N | --value order] [--producer-property k=v]...\n                                          --value order: JSON orders {order_id, customer_id (the key, with --keys), amount, category, ts: event time}\n                                        producer stop <name>"),
    ("consumer", "consumer start <name> --topic <t>[,<t2>...] [--group g [--assignor range|roundrobin|sticky|cooperative-sticky]\n                                          [--commit auto|sync|async|before-processing|never] [--instance-id id]]\n                                          [--partition p] [--from-beginning] [--processing 100ms] [--consumer-property k=v]...\n                                        consumer stop <name> (closes: commits and leaves the group)"),
    ("describe", "describe cluster | topic <t> | partition <t-p> | clients"),
    ("metrics", "metrics [<id>]                        the operator's metrics now with Kafka's names, or one as CSV"),
    ("alert", "alert [<metric> > <n> [for 10s] | <metric> < <n> | remove <k>]  list, add or remove alerts"),
    ("trace", "trace [<n> [<word>]]                  the last n events (20), or the last n that mention word"),
    ("time", "time                                  the virtual clock"),
    ("reset", "reset [--brokers n] [--seed s]        a new cluster (3 brokers, seed 1)"),
    ("clear", "clear                                 empty the console (a script has no screen: nothing happens)"),
];

fn usage(verb: &str) -> &'static str {
    VERBS.iter().find(|(v, _)| *v == verb).map_or("", |(_, u)| u)
}

fn bad(verb: &str) -> ShellError {
    ShellError::new(format!("usage: {}", usage(verb).split('\n').next().unwrap_or("").split("  ").next().unwrap_or("").trim()))
}

/// `500ms`, `2s`, `1m`, or a bare number of milliseconds.
pub fn parse_duration(s: &str) -> Result<Millis, ShellError> {
    let err = || ShellError::new(format!("'{s}' is not a duration; write it like 500ms, 2s or 1m"));
    let (num, mult) = if let Some(n) = s.strip_suffix("ms") {
        (n, 1)
    } else if let Some(n) = s.strip_suffix('s') {
        (n, 1_000)
    } else if let Some(n) = s.strip_suffix('m') {
        (n, 60_000)
    } else {
        (s, 1)
    };
    let n: u64 = num.parse().map_err(|_| err())?;
    n.checked_mul(mult).filter(|v| *v <= 24 * 3_600_000).ok_or_else(|| ShellError::new(format!("'{s}' is too long: at most a simulated day at a time")))
}

fn broker_id(shell: &Shell, word: Option<&String>, verb: &str) -> Result<i32, ShellError> {
    let w = word.ok_or_else(|| bad(verb))?;
    let id: i32 = w
        .trim_start_matches("broker-")
        .parse()
        .map_err(|_| ShellError::new(format!("'{w}' is not a broker id; brokers are numbered 1 to {}", shell.sim.brokers().count())))?;
    if shell.sim.broker(id).is_none() {
        return Err(crate::sim::AdminError::NoSuchBroker(id).into());
    }
    Ok(id)
}

/// A node by name: `broker-2`, `controller`, or a client's name.
fn node(shell: &Shell, word: &str) -> Result<NodeId, ShellError> {
    if word == "controller" {
        return Ok(NodeId::Controller);
    }
    if let Some(n) = word.strip_prefix("broker-") {
        if let Ok(id) = n.parse::<i32>() {
            if shell.sim.broker(id).is_some() {
                return Ok(NodeId::Broker(id));
            }
        }
    }
    if let Some(c) = shell.sim.client_id(word) {
        return Ok(NodeId::Client(c));
    }
    let mut names: Vec<String> = vec!["controller".into()];
    names.extend(shell.sim.brokers().map(|b| format!("broker-{}", b.id)));
    names.extend(shell.sim.clients().iter().map(|c| c.name().to_string()));
    let hint = did_you_mean(word, names.iter().map(String::as_str))
        .map(|s| format!("; did you mean {s}?"))
        .unwrap_or_else(|| format!("; nodes are {}", names.join(", ")));
    Err(ShellError::new(format!("no node called '{word}'{hint}")))
}

/// `broker <id>`, `client <name>` or a node name.
fn target(shell: &Shell, args: &[String], verb: &str) -> Result<NodeId, ShellError> {
    match args.first().map(String::as_str) {
        Some("broker") => Ok(NodeId::Broker(broker_id(shell, args.get(1), verb)?)),
        Some("client") => node(shell, args.get(1).ok_or_else(|| bad(verb))?),
        Some(w) => node(shell, w),
        None => Err(bad(verb)),
    }
}

pub fn run(shell: &mut Shell, argv: &[String]) -> Result<String, ShellError> {
    let verb = argv[0].as_str();
    let args = &argv[1..];
    match verb {
        "help" => Ok(help()),
        // The console empties its lines (session::Player); a script has no screen to clear.
        "clear" => Ok(String::new()),
        // Ctrl-C, written as a line: the console stops the running tool (session::Player). A
        // script's console consumer has already stopped once caught up (console_consumer.rs),
        // so here it only marks where Ctrl-C was pressed.
        "^C" => Ok(String::new()),
        "start" | "stop" => {
            if args.first().map(String::as_str) != Some("broker") {
                return Err(bad(verb));
            }
            let id = broker_id(shell, args.get(1), verb)?;
            shell.sim.apply(if verb == "start" { Fault::StartBroker(id) } else { Fault::StopBroker(id) })?;
            Ok(String::new())
        }
        "kill" => match target(shell, args, verb)? {
            NodeId::Broker(b) => Ok(shell.sim.apply(Fault::KillBroker(b)).map(|_| String::new())?),
            NodeId::Client(c) => {
                if !shell.sim.client(c).is_some_and(|x| x.running()) {
                    return Err(ShellError::new(format!("'{}' is not running", args.last().cloned().unwrap_or_default())));
                }
                Ok(shell.sim.apply(Fault::CrashClient(c)).map(|_| String::new())?)
            }
            NodeId::Controller => Err(ShellError::new(
                "the controller cannot be killed: the simulator draws the KRaft quorum as one controller that never fails (see the glossary)",
            )),
        },
        "pause" | "resume" => {
            let n = target(shell, args, verb)?;
            shell.sim.apply(if verb == "pause" { Fault::Pause(n) } else { Fault::Resume(n) })?;
            Ok(String::new())
        }
        "slow" => {
            let n = target(shell, args, verb)?;
            let only = || ShellError::new("only a consumer can be slow: slow client <name> <duration>, e.g. slow client dashboard 2s");
            let NodeId::Client(c) = n else { return Err(only()) };
            if !matches!(shell.sim.client(c), Some(Client::Consumer(_))) {
                return Err(only());
            }
            let ms = parse_duration(args.get(if args.first().is_some_and(|a| a == "client") { 2 } else { 1 }).ok_or_else(|| bad(verb))?)?;
            shell.sim.apply(Fault::SlowConsumer { client: c, processing_ms: ms })?;
            Ok(String::new())
        }
        "isolate" => {
            let n = target(shell, args, verb)?;
            shell.sim.apply(Fault::Isolate(n))?;
            Ok(String::new())
        }
        "partition" => {
            let Some(bar) = args.iter().position(|a| a == "|") else { return Err(bad(verb)) };
            let side = |words: &[String]| -> Result<Vec<NodeId>, ShellError> {
                words.iter().flat_map(|w| w.split(',')).filter(|w| !w.is_empty()).map(|w| node(shell, w)).collect()
            };
            let (a, b) = (side(&args[..bar])?, side(&args[bar + 1..])?);
            shell.sim.apply(Fault::Partition { side_a: a, side_b: b })?;
            Ok(String::new())
        }
        "heal" => {
            shell.sim.apply(Fault::Heal)?;
            Ok(String::new())
        }
        "latency" => {
            let latency = parse_duration(args.first().ok_or_else(|| bad(verb))?)?;
            let jitter = match (args.get(1).map(String::as_str), args.get(2)) {
                (None, _) => shell.sim.cluster_config().network_jitter_ms,
                (Some("jitter"), Some(j)) => parse_duration(j)?,
                _ => return Err(bad(verb)),
            };
            shell.sim.apply(Fault::SetLatency { latency_ms: latency, jitter_ms: jitter })?;
            Ok(String::new())
        }
        "drop" => {
            if args.first().map(String::as_str) != Some("next") {
                return Err(bad(verb));
            }
            let count: u32 = args.get(1).and_then(|n| n.parse().ok()).ok_or_else(|| bad(verb))?;
            let (mut from, mut to) = (None, None);
            let mut i = 2;
            while i < args.len() {
                let w = args.get(i + 1).ok_or_else(|| bad(verb))?;
                match args[i].as_str() {
                    "from" => from = Some(node(shell, w)?),
                    "to" => to = Some(node(shell, w)?),
                    _ => return Err(bad(verb)),
                }
                i += 2;
            }
            shell.sim.apply(Fault::DropNext { from, to, count })?;
            Ok(String::new())
        }
        "tick" => {
            let d = parse_duration(args.first().ok_or_else(|| bad(verb))?)?;
            shell.sim.run_for(d);
            Ok(String::new())
        }
        "step" => {
            let n: u64 = match args.first() {
                None => 1,
                Some(w) => w.parse().map_err(|_| bad(verb))?,
            };
            let mut out = String::new();
            for _ in 0..n.min(100_000) {
                let Some(what) = shell.sim.describe_next_event() else {
                    out.push_str("nothing left to happen\n");
                    break;
                };
                out.push_str(&what);
                out.push('\n');
                for e in shell.sim.step().unwrap_or_default() {
                    out.push_str(&format!("    {}\n", e.event));
                }
            }
            Ok(out)
        }
        "run" => {
            if args.iter().map(String::as_str).collect::<Vec<_>>() != ["until", "idle"] {
                return Err(bad(verb));
            }
            run_until_idle(shell)
        }
        "time" => Ok(format!("t = {} ms\n", shell.sim.now())),
        "trace" => {
            let n: usize = match args.first() {
                None => 20,
                Some(w) => w.parse().map_err(|_| bad(verb))?,
            };
            // An optional word keeps only the lines that mention it (a group, a client, a topic).
            let word = args.get(1).map(String::as_str);
            let mut lines: Vec<String> = shell.sim.trace().iter().rev().map(|e| e.to_string()).filter(|l| word.is_none_or(|w| l.contains(w))).take(n).collect();
            lines.reverse();
            Ok(lines.iter().map(|l| format!("{l}\n")).collect())
        }
        "reset" => {
            let p = options::parse(args, RESET_SPECS)?;
            let brokers = p.int("brokers")?.unwrap_or(super::DEFAULT_BROKERS as i64);
            if !(1..=9).contains(&brokers) {
                return Err(ShellError::new("--brokers takes 1 to 9"));
            }
            // Seeds are the simulation's u64: a negative or larger one is refused, not clamped.
            let seed = match p.get("seed") {
                None => 1,
                Some(v) => v.trim().parse::<u64>().map_err(|_| ShellError::new(format!("--seed takes a whole number from 0 to {}, not '{v}'", u64::MAX)))?,
            };
            *shell = Shell::with_cluster(seed, brokers as i32, ClusterConfig::default());
            Ok(format!("A new cluster: {brokers} broker(s), seed {seed}.\n"))
        }
        "producer" => producer(shell, args),
        "consumer" => consumer(shell, args),
        "describe" => describe(shell, args),
        "metrics" => super::metrics_verb::run(shell, args),
        "alert" => super::alerts::run(shell, args),
        other => {
            let mut names: Vec<&str> = VERBS.iter().map(|(v, _)| *v).collect();
            names.extend(TOOLS.iter().copied());
            let hint =
                did_you_mean(other, names.iter().copied()).map(|s| format!("; did you mean {s}?")).unwrap_or_else(|| "; `help` lists the commands".to_string());
            Err(ShellError::new(format!("unknown command '{other}'{hint}")))
        }
    }
}

/// Idle: every producer has nothing pending and every consumer has read up to the high
/// watermark of its partitions.
fn is_idle(shell: &Shell) -> bool {
    let view = shell.sim.view(0);
    let hw = |tp: &TopicPartition| {
        view.brokers.iter().filter(|b| b.up).flat_map(|b| b.replicas.iter()).filter(|r| r.is_leader && r.tp == *tp).map(|r| r.high_watermark).max()
    };
    shell.sim.clients().iter().all(|c| match c {
        Client::Producer(p) => !p.running || p.is_idle(),
        Client::Consumer(c) => !c.running || c.assignment.iter().all(|tp| c.positions.get(tp).and_then(|p| p.position) >= hw(tp)),
    })
}

fn run_until_idle(shell: &mut Shell) -> Result<String, ShellError> {
    let start = shell.sim.now();
    let limit = start + 60_000;
    while shell.sim.now() < limit {
        shell.sim.run_for(50);
        if is_idle(shell) {
            return Ok(format!("idle after {} ms\n", shell.sim.now() - start));
        }
    }
    Err(ShellError::new("still busy after 60000 ms of virtual time: `describe clients` shows who is waiting"))
}

pub(super) const RESET_SPECS: &[Spec] = &[value("brokers"), value("seed")];
/// The largest `producer start --count` whose acknowledgements are kept (about 8 MB of them).
const MAX_RECORDED_ACKS: u64 = 100_000;
pub(super) const PRODUCER_SPECS: &[Spec] =
    &[value("topic"), value("rate"), value("keys"), value("count"), value("value-bytes"), value("value"), value("producer-property")];
pub(super) const CONSUMER_SPECS: &[Spec] = &[
    value("topic"),
    value("partition"),
    flag("from-beginning"),
    value("consumer-property"),
    value("group"),
    value("assignor"),
    value("commit"),
    value("processing"),
    value("instance-id"),
];

/// `user_1..user_10` expands to ten keys; `a,b,c` lists them.
fn parse_keys(spec: &str) -> Result<Vec<Rc<str>>, ShellError> {
    if let Some((a, b)) = spec.split_once("..") {
        let split = |s: &str| {
            let digits = s.len() - s.trim_end_matches(|c: char| c.is_ascii_digit()).len();
            let (prefix, n) = s.split_at(s.len() - digits);
            (prefix.to_string(), n.parse::<u32>().ok())
        };
        let ((pa, na), (pb, nb)) = (split(a), split(b));
        match (na, nb) {
            (Some(x), Some(y)) if pa == pb && x <= y && y - x < 10_000 => return Ok((x..=y).map(|i| Rc::from(format!("{pa}{i}"))).collect()),
            _ => return Err(ShellError::new(format!("'{spec}' is not a key range; write it like user_1..user_10"))),
        }
    }
    Ok(spec.split(',').filter(|k| !k.is_empty()).map(Rc::from).collect())
}

fn producer(shell: &mut Shell, args: &[String]) -> Result<String, ShellError> {
    let (action, name) = match (args.first().map(String::as_str), args.get(1)) {
        (Some(a @ ("start" | "stop")), Some(n)) => (a, n.clone()),
        _ => return Err(bad("producer")),
    };
    if action == "stop" {
        return stop_client(shell, &name, true);
    }
    let p = options::parse(&args[2..], PRODUCER_SPECS)?;
    let topic = p.get("topic").ok_or_else(|| ShellError::new("producer start needs --topic <name>"))?.to_string();
    shell.partitions_of(&topic, None)?;
    let per_second = match p.get("rate") {
        None => 10,
        Some(r) => r
            .trim_end_matches("/s")
            .parse::<u32>()
            .ok()
            .filter(|n| *n > 0 && *n <= 1_000_000)
            .ok_or_else(|| ShellError::new(format!("'{r}' is not a rate; write it like 10/s")))?,
    };
    let keys = match p.get("keys") {
        None => Vec::new(),
        Some(k) => parse_keys(k)?,
    };
    // Out-of-range numbers are refused, not clamped: a learner must see what ran.
    let remaining = match p.int("count")? {
        Some(n) if n < 0 => return Err(ShellError::new(format!("--count takes how many records to send (0 or more), not {n}"))),
        n => n.map(|n| n as u64),
    };
    // Up to 1 MB, under the broker's message.max.bytes (1048588), so a record always fits.
    let value_bytes = match p.int("value-bytes")?.unwrap_or(0) {
        n @ 0..=1_000_000 => n as usize,
        n => return Err(ShellError::new(format!("--value-bytes takes 0 to 1000000, not {n}"))),
    };
    let values = match p.get("value") {
        None => Values::Numbered,
        Some("order") if p.has("value-bytes") => {
            return Err(ShellError::new("--value-bytes pads <name>-<n> values, and an order event is its own size: leave one out"))
        }
        Some("order") => Values::Orders,
        Some(v) => return Err(ShellError::new(format!("unknown --value '{v}'; write --value order for JSON order events, or leave it out for <name>-<n>"))),
    };
    let mut config = ProducerConfig::default();
    let mut explicit_idempotence = false;
    for kv in p.all("producer-property") {
        let (k, v) = kv.split_once('=').ok_or_else(|| ShellError::new(format!("Invalid producer-property '{kv}': expected key=value")))?;
        config.set(k, v)?;
        explicit_idempotence |= k == "enable.idempotence";
    }
    // As the console producer: acks=1 alone turns idempotence off, as KafkaProducer does.
    super::clients::settle_idempotence(&mut config, explicit_idempotence)?;
    let id = shell.sim.add_producer(&name, config)?;
    // A producer with a --count keeps its acknowledgements, as the console producer does, so
    // that lessons can ask which acknowledged records survive a failure (`acked`, `lost`). An
    // endless one does not: its list would grow without bound, and be copied with every copy
    // of the simulation the page keeps.
    if remaining.is_some_and(|n| n <= MAX_RECORDED_ACKS) {
        shell.sim.record_client_history(id, true);
    }
    shell.sim.start_rate(id, RateSpec { topic: Rc::from(topic.as_str()), per_second, keys, value_bytes, remaining, values })?;
    Ok(String::new())
}

fn consumer(shell: &mut Shell, args: &[String]) -> Result<String, ShellError> {
    let (action, name) = match (args.first().map(String::as_str), args.get(1)) {
        (Some(a @ ("start" | "stop")), Some(n)) => (a, n.clone()),
        _ => return Err(bad("consumer")),
    };
    if action == "stop" {
        return stop_client(shell, &name, false);
    }
    let p = options::parse(&args[2..], CONSUMER_SPECS)?;
    // Several topics: `--topic a,b` or `--topic a --topic b` (KafkaConsumer.subscribe takes a
    // collection; without a group the consumer is assigned every partition of each).
    let mut topics: Vec<String> = Vec::new();
    for t in p.all("topic").into_iter().flat_map(|t| t.split(',')).map(str::trim).filter(|t| !t.is_empty()) {
        if !topics.iter().any(|x| x == t) {
            topics.push(t.to_string());
        }
    }
    if topics.is_empty() {
        return Err(ShellError::new("consumer start needs --topic <name> (several: --topic a,b or --topic a --topic b)"));
    }
    let partition = p.int("partition")?;
    if partition.is_some() && topics.len() > 1 {
        return Err(ShellError::new(format!("--partition picks a partition of one topic, and {} topics were given", topics.len())));
    }
    let mut partitions = Vec::new();
    for t in &topics {
        partitions.extend(shell.partitions_of(t, partition)?);
    }
    let mut config =
        ConsumerConfig { auto_offset_reset: if p.has("from-beginning") { OffsetReset::Earliest } else { OffsetReset::Latest }, ..ConsumerConfig::default() };
    for kv in p.all("consumer-property") {
        let (k, v) = kv.split_once('=').ok_or_else(|| ShellError::new(format!("Invalid consumer-property '{kv}': expected key=value")))?;
        config.set(k, v)?;
    }
    if let Some(a) = p.get("assignor") {
        let a = crate::sim::assignor::Assignor::parse(a)
            .ok_or_else(|| ShellError::new(format!("unknown assignor '{a}'; choose range, roundrobin, sticky or cooperative-sticky")))?;
        config.assignors = vec![a];
    }
    if let Some(c) = p.get("commit") {
        config.commit_mode = match c {
            "auto" => CommitMode::Auto,
            "sync" | "after-processing" => CommitMode::Sync,
            "async" => CommitMode::Async,
            "before-processing" => CommitMode::BeforeProcessing,
            "never" => CommitMode::Never,
            other => return Err(ShellError::new(format!("unknown commit mode '{other}'; choose auto, sync, async, before-processing or never"))),
        };
    }
    if let Some(d) = p.get("processing") {
        config.processing_ms = parse_duration(d)?;
    }
    if let Some(i) = p.get("instance-id") {
        config.group_instance_id = Some(i.to_string());
    }
    let group = p.get("group").map(str::to_string);
    if group.is_none() && (p.has("assignor") || p.has("commit") || p.has("instance-id")) {
        return Err(ShellError::new("--assignor, --commit and --instance-id need --group"));
    }
    if group.is_some() && p.has("partition") {
        return Err(ShellError::new("Options group and partition cannot be specified together."));
    }
    let id = shell.sim.add_consumer(&name, config)?;
    match group {
        Some(g) => shell.sim.subscribe(id, &g, topics)?,
        None => shell.sim.assign(id, partitions)?,
    }
    Ok(String::new())
}

fn stop_client(shell: &mut Shell, name: &str, producer: bool) -> Result<String, ShellError> {
    let id = shell.sim.client_id(name).ok_or_else(|| crate::sim::AdminError::NoSuchClient(name.to_string()))?;
    let c = shell.sim.client(id).expect("found");
    if matches!(c, Client::Producer(_)) != producer {
        return Err(ShellError::new(format!("'{name}' is a {}", if producer { "consumer" } else { "producer" })));
    }
    if !c.running() {
        return Err(ShellError::new(format!("'{name}' is not running")));
    }
    if producer {
        shell.sim.apply(Fault::CrashClient(id))?;
    } else {
        shell.sim.close_consumer(id)?;
    }
    Ok(String::new())
}

fn describe(shell: &mut Shell, args: &[String]) -> Result<String, ShellError> {
    let view = shell.sim.view(0);
    match args.first().map(String::as_str) {
        Some("cluster") => {
            let mut out = format!("{:<8} {:<14} {:<8} {:<8}\n", "BROKER", "STATE", "FENCED", "LEADS");
            for b in &view.brokers {
                let leads = view.topics.iter().flat_map(|t| t.partitions.iter()).filter(|p| p.leader == Some(b.id)).count();
                let state = if b.paused { "paused".to_string() } else { b.state.to_string() };
                out.push_str(&format!("{:<8} {:<14} {:<8} {:<8}\n", b.id, state, if b.fenced { "yes" } else { "no" }, leads));
            }
            out.push_str(&format!(
                "controller: one node (KRaft quorum simplified); network {}\n",
                if view.network_partitioned { "PARTITIONED" } else { "healthy" }
            ));
            Ok(out)
        }
        Some("topic") => {
            let name = args.get(1).ok_or_else(|| bad("describe"))?;
            let t = view.topics.iter().find(|t| &*t.name == name.as_str()).ok_or_else(|| ShellError::new(format!("Topic '{name}' does not exist")))?;
            let mut out = String::new();
            for p in &t.partitions {
                out.push_str(&describe_partition(&view, &TopicPartition { topic: t.name.clone(), partition: p.partition }));
            }
            Ok(out)
        }
        Some("partition") => {
            let w = args.get(1).ok_or_else(|| bad("describe"))?;
            let (topic, p) = w
                .rsplit_once('-')
                .and_then(|(t, p)| p.parse::<i32>().ok().map(|p| (t, p)))
                .ok_or_else(|| ShellError::new(format!("'{w}' is not a partition; write it as topic-partition, like orders-0")))?;
            if !view.topics.iter().any(|t| &*t.name == topic && p >= 0 && (p as usize) < t.partitions.len()) {
                return Err(crate::sim::AdminError::NoSuchPartition { topic: topic.to_string(), partition: p }.into());
            }
            Ok(describe_partition(&view, &TopicPartition::new(topic, p)))
        }
        Some("clients") => {
            let mut out = format!("{:<20} {:<9} {:<8} {}\n", "CLIENT", "KIND", "STATE", "PROGRESS");
            for c in &view.clients {
                let progress = if c.is_producer {
                    format!("{} acknowledged, {} pending, {} failed", c.acked, c.pending, c.failed)
                } else {
                    let pos = c.positions.iter().map(|(tp, p)| format!("{tp}@{}", p.map_or("-".to_string(), |x| x.to_string()))).collect::<Vec<_>>().join(" ");
                    format!("{} read; positions {pos}", c.consumed)
                };
                out.push_str(&format!(
                    "{:<20} {:<9} {:<8} {}\n",
                    c.name,
                    if c.is_producer { "producer" } else { "consumer" },
                    if c.running { "running" } else { "stopped" },
                    progress
                ));
            }
            Ok(out)
        }
        _ => Err(bad("describe")),
    }
}

fn describe_partition(view: &crate::sim::view::SimView, tp: &TopicPartition) -> String {
    let meta = view.topics.iter().find(|t| t.name == tp.topic).and_then(|t| t.partitions.get(tp.partition as usize));
    let mut out = String::new();
    if let Some(m) = meta {
        out.push_str(&format!(
            "{tp}: leader {} epoch {}, isr [{}]{}\n",
            m.leader.map_or("none".to_string(), |l| l.to_string()),
            m.leader_epoch,
            m.isr.iter().map(|b| b.to_string()).collect::<Vec<_>>().join(","),
            if m.recovering { " (recovering after an unclean election)" } else { "" }
        ));
    }
    out.push_str(&format!("  {:<8} {:<10} {:>10} {:>10} {:>10} {:>6}\n", "BROKER", "ROLE", "LOG-START", "HW", "LEO", "EPOCH"));
    for b in &view.brokers {
        if let Some(r) = b.replicas.iter().find(|r| r.tp == *tp) {
            let role = if !b.up {
                "offline"
            } else if r.is_leader {
                "leader"
            } else {
                "follower"
            };
            out.push_str(&format!(
                "  {:<8} {:<10} {:>10} {:>10} {:>10} {:>6}\n",
                b.id, role, r.log_start_offset, r.high_watermark, r.log_end_offset, r.leader_epoch
            ));
        }
    }
    out
}

pub fn help() -> String {
    let mut out = String::from("Kafka's tools (as in Kafka's bin/, with --bootstrap-server localhost:9092):\n");
    for t in TOOLS {
        out.push_str(&format!("  {t}\n"));
    }
    out.push_str("\nSimulator verbs:\n");
    for (_, u) in VERBS {
        out.push_str(&format!("  {u}\n"));
    }
    out.push_str(concat!(
        "\nKeys, as in a terminal:\n",
        "  Ctrl-C (or a line ^C)                 stop the tool that has the keyboard: the producer's > prompt, else the newest\n",
        "                                        console consumer (it runs until then, printing records as they arrive, and\n",
        "                                        commands still run beside it); in a script a consumer stops once caught up\n",
        "  Ctrl-D                                end the producer's input (every line before it is a record, exit too)\n",
        "  a pasted $ or > prompt                left out, with a note\n",
    ));
    out
}

#[cfg(test)]
mod tests {
    use crate::shell::Shell;
    use crate::sim::Client;

    fn shell_with_topic() -> Shell {
        let mut sh = Shell::new(3);
        sh.execute("kafka-topics.sh --bootstrap-server localhost:9092 --create --topic t", &[]).unwrap();
        sh
    }

    /// `producer start ... --producer-property acks=1` was refused with the idempotence error,
    /// although KafkaProducer (3.2+) then just turns idempotence off, as the console producer did.
    #[test]
    fn producer_start_with_acks_1_turns_idempotence_off_instead_of_failing() {
        let mut sh = shell_with_topic();
        sh.execute("producer start p --topic t --producer-property acks=1", &[]).unwrap();
        let id = sh.sim.client_id("p").unwrap();
        let Some(Client::Producer(p)) = sh.sim.client(id) else { panic!("a producer") };
        assert_eq!((p.config.acks, p.config.enable_idempotence), (1, false));
        let e = sh.execute("producer start q --topic t --producer-property acks=1 --producer-property enable.idempotence=true", &[]).unwrap_err();
        assert_eq!(e.message, "Must set acks to all in order to use the idempotent producer. Otherwise we cannot guarantee idempotence.");
        // enable.idempotence=false stated explicitly is no conflict.
        sh.execute("producer start r --topic t --producer-property enable.idempotence=false --producer-property acks=0", &[]).unwrap();
        sh.execute("producer start s --topic t --producer-property retries=0", &[]).unwrap();
    }

    /// `--value order`: JSON order events whose customer is the key, the same for the same seed.
    #[test]
    fn producer_start_with_value_order_sends_order_events() {
        let run = |line: &str| {
            let mut sh = shell_with_topic();
            sh.execute(line, &[]).unwrap();
            sh.execute("run until idle", &[]).unwrap();
            let Some(Client::Producer(p)) = sh.sim.client(sh.sim.client_id("p").unwrap()) else { panic!("a producer") };
            p.acked.iter().map(|a| (a.key.as_deref().map(str::to_string), a.value.as_deref().unwrap().to_string())).collect::<Vec<_>>()
        };
        let keyed = run("producer start p --topic t --count 5 --keys customer_1..customer_3 --value order");
        assert_eq!(keyed.len(), 5);
        assert_eq!(keyed, run("producer start p --topic t --count 5 --keys customer_1..customer_3 --value order"), "same seed, same orders");
        let mut ids = Vec::new();
        for (key, value) in &keyed {
            let json: serde_json::Value = serde_json::from_str(value).unwrap_or_else(|e| panic!("{value}: {e}"));
            for field in ["order_id", "customer_id", "amount", "category", "ts"] {
                assert!(json.get(field).is_some(), "{field} in {value}");
            }
            assert_eq!(json["customer_id"].as_str(), key.as_deref(), "the key is the customer");
            ids.push(json["order_id"].as_str().unwrap().to_string());
        }
        ids.sort();
        assert_eq!(ids, ["p-1", "p-2", "p-3", "p-4", "p-5"]);
        // Without keys: null keys, customers drawn from c-1..c-50.
        for (key, value) in run("producer start p --topic t --count 3 --value=order") {
            assert!(key.is_none() && value.contains("\"customer_id\": \"c-"), "{value}");
        }
        // Without --value the values are as they always were.
        assert_eq!(run("producer start p --topic t --count 2")[0].1, "p-1");
        let mut sh = shell_with_topic();
        let e = sh.execute("producer start p --topic t --value orders", &[]).unwrap_err();
        assert_eq!(e.message, "unknown --value 'orders'; write --value order for JSON order events, or leave it out for <name>-<n>");
        let e = sh.execute("producer start p --topic t --value order --value-bytes 100", &[]).unwrap_err();
        assert_eq!(e.message, "--value-bytes pads <name>-<n> values, and an order event is its own size: leave one out");
        assert!(sh.execute("producer start p --topic t --value", &[]).is_err());
        assert!(sh.sim.client_id("p").is_none(), "a refused producer is not started");
    }

    /// `consumer start` took one topic; KafkaConsumer.subscribe takes several.
    #[test]
    fn consumer_start_takes_several_topics() {
        let mut sh = shell_with_topic();
        sh.execute("kafka-topics.sh --bootstrap-server localhost:9092 --create --topic u --partitions 2", &[]).unwrap();
        sh.execute("consumer start all --topic t,u --from-beginning", &[]).unwrap();
        sh.execute("consumer start grouped --topic t --topic u --group g", &[]).unwrap();
        sh.sim.run_for(5_000);
        let assignment = |name: &str| {
            let Some(Client::Consumer(c)) = sh.sim.client(sh.sim.client_id(name).unwrap()) else { panic!("a consumer") };
            let mut a: Vec<String> = c.assignment.iter().map(|tp| tp.to_string()).collect();
            a.sort();
            a
        };
        assert_eq!(assignment("all"), vec!["t-0", "u-0", "u-1"]);
        assert_eq!(assignment("grouped"), vec!["t-0", "u-0", "u-1"]);
        assert!(sh.execute("consumer start x --topic t,u --partition 0", &[]).is_err());
        assert!(sh.execute("consumer start x --topic t,ghost", &[]).unwrap_err().message.contains("'ghost' does not exist"));
    }
}
