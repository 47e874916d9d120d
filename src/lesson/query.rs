//! The query language of quizzes and goals: small questions asked of the simulation at one
//! moment (`leader orders-0`, `lag billing orders-2`), and claims over them
//! (`isr orders-0 = 1,2,3`). Answers are never written into a lesson: the engine computes them.
use std::fmt;

use crate::shell::did_you_mean;
use crate::sim::config::TOPIC_CONFIGS;
use crate::sim::metrics::KEPT_SAMPLES;
use crate::sim::{partition_for_key, Client, Sim, TopicPartition};

/// What a query answers. Lists (ISR, replicas, members) compare as sets: `1,2,3` equals
/// `3,1,2`, as a learner would write either.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum Value {
    /// No value: no leader, no committed offset, nobody owns the partition.
    None,
    Int(i64),
    Text(String),
    List(Vec<String>),
}

impl Value {
    /// A value as written in a claim or typed by a learner: `none` (or `-`), a whole number,
    /// a comma-separated list, or text.
    pub fn parse(s: &str) -> Value {
        let s = s.trim();
        if s.eq_ignore_ascii_case("none") || s == "-" || s.is_empty() {
            return Value::None;
        }
        if s.contains(',') {
            return Value::List(s.split(',').map(str::trim).filter(|x| !x.is_empty()).map(String::from).collect());
        }
        match s.parse::<i64>() {
            Ok(n) => Value::Int(n),
            Err(_) => Value::Text(s.to_string()),
        }
    }

    /// The form two values are compared in: lists sorted, case ignored, a one-item list equal
    /// to its item.
    pub fn canonical(&self) -> String {
        match self {
            Value::None => "none".into(),
            Value::Int(n) => n.to_string(),
            Value::Text(t) => t.trim().to_ascii_lowercase(),
            Value::List(items) => {
                let mut v: Vec<String> = items.iter().map(|i| i.trim().to_ascii_lowercase()).collect();
                crate::sort::sort(&mut v);
                v.join(",")
            }
        }
    }

    /// Whether two values say the same thing.
    pub fn same(&self, other: &Value) -> bool {
        self.canonical() == other.canonical()
    }

    /// Whether a learner's typed answer says this value.
    pub fn matches_input(&self, input: &str) -> bool {
        self.same(&Value::parse(input))
    }

    fn int(&self) -> Option<i64> {
        match self {
            Value::Int(n) => Some(*n),
            _ => None,
        }
    }
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::None => f.write_str("none"),
            Value::Int(n) => write!(f, "{n}"),
            Value::Text(t) => f.write_str(t),
            Value::List(items) if items.is_empty() => f.write_str("none"),
            Value::List(items) => f.write_str(&items.join(",")),
        }
    }
}

/// Every query: its name and its arguments (for parsing and did-you-mean). What each one
/// answers is docs/LESSONS.md's table, which a test keeps listing every query: the page's
/// bundle carries no text it never shows.
pub const QUERIES: &[(&str, &str)] = &[
    ("partition-for-key", "<topic> <key>"),
    ("hash-partition", "<key> <count>"),
    ("partitions", "<topic>"),
    ("partitions-with-records", "<topic>"),
    ("leader", "<topic>-<p>"),
    ("isr", "<topic>-<p>"),
    ("replicas", "<topic>-<p>"),
    ("high-watermark", "<topic>-<p>"),
    ("log-end-offset", "<topic>-<p>"),
    ("log-start-offset", "<topic>-<p>"),
    ("committed", "<group> <topic>-<p>"),
    ("lag", "<group> <topic>-<p>"),
    ("owner", "<group> <topic>-<p>"),
    ("group-state", "<group>"),
    ("members", "<group>"),
    ("idle", "<group>"),
    ("consumed", "<client>"),
    ("processed", "<client>"),
    ("replication-factor", "<topic>"),
    ("config", "<topic> <name>"),
    ("acks", "<client>"),
    ("records-without-key", "<topic>"),
    ("acked", "<topic>"),
    ("lost", "<topic>"),
    ("metric", "<id>"),
    ("peak", "<id> <seconds>"),
    ("leader-count", "<broker>"),
    ("time", ""),
];

/// One question asked of the simulation.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum Query {
    PartitionForKey {
        topic: String,
        key: String,
    },
    HashPartition {
        key: String,
        count: i32,
    },
    Partitions {
        topic: String,
    },
    PartitionsWithRecords {
        topic: String,
    },
    Leader(TopicPartition),
    Isr(TopicPartition),
    Replicas(TopicPartition),
    HighWatermark(TopicPartition),
    LogEndOffset(TopicPartition),
    LogStartOffset(TopicPartition),
    Committed {
        group: String,
        tp: TopicPartition,
    },
    Lag {
        group: String,
        tp: TopicPartition,
    },
    Owner {
        group: String,
        tp: TopicPartition,
    },
    GroupState {
        group: String,
    },
    Members {
        group: String,
    },
    Idle {
        group: String,
    },
    Consumed {
        client: String,
    },
    Processed {
        client: String,
    },
    ReplicationFactor {
        topic: String,
    },
    Config {
        topic: String,
        name: String,
    },
    Acks {
        client: String,
    },
    RecordsWithoutKey {
        topic: String,
    },
    Acked {
        topic: String,
    },
    Lost {
        topic: String,
    },
    /// An operator's metric by its id (`urp`, `lag:billing`), as the console's `metrics`
    /// shows it now.
    Metric {
        id: String,
    },
    Peak {
        id: String,
        seconds: u64,
    },
    LeaderCount {
        broker: i32,
    },
    Time,
    /// `left <query>` / `right <query>`: asked of one side of a compare step.
    Side {
        right: bool,
        inner: Box<Query>,
    },
}

/// Where a query is asked: the lesson's simulation, and after a compare step its two sides
/// (the same moment, run on under two settings).
#[derive(Clone, Copy)]
pub struct At<'a> {
    pub sim: &'a Sim,
    pub sides: Option<(&'a Sim, &'a Sim)>,
}

impl<'a> From<&'a Sim> for At<'a> {
    fn from(sim: &'a Sim) -> At<'a> {
        At { sim, sides: None }
    }
}

/// `orders-0`: the topic, then a dash and the partition number (topic names may hold dashes).
pub fn parse_partition(word: &str) -> Result<TopicPartition, String> {
    let bad = || format!("`{word}` is not a partition; write the topic, a dash and the partition number, like orders-0");
    let (topic, p) = word.rsplit_once('-').ok_or_else(bad)?;
    let p: i32 = p.parse().map_err(|_| bad())?;
    if topic.is_empty() || p < 0 {
        return Err(bad());
    }
    Ok(TopicPartition::new(topic, p))
}

pub fn is_query_name(word: &str) -> bool {
    word == "left" || word == "right" || QUERIES.iter().any(|(n, _)| *n == word)
}

impl Query {
    /// Parses `leader orders-0`. Errors say what is wrong and what was meant.
    pub fn parse(text: &str) -> Result<Query, String> {
        let words: Vec<&str> = text.split_whitespace().collect();
        let Some((&name, args)) = words.split_first() else { return Err("a query is missing".into()) };
        if name == "left" || name == "right" {
            if args.first().is_some_and(|w| *w == "left" || *w == "right") {
                return Err(format!("`{name} {}` names two sides; a query is asked of one", args[0]));
            }
            return Ok(Query::Side { right: name == "right", inner: Box::new(Query::parse(&args.join(" "))?) });
        }
        let Some((_, usage)) = QUERIES.iter().find(|(n, _)| *n == name) else {
            let hint = match did_you_mean(name, QUERIES.iter().map(|(n, _)| *n)) {
                Some(m) => format!("did you mean `{m}`?"),
                None => "docs/LESSONS.md lists the queries".into(),
            };
            return Err(format!("unknown query `{name}`; {hint}"));
        };
        let want = usage.split_whitespace().count();
        if args.len() != want {
            if usage.is_empty() {
                return Err(format!("`{name}` takes nothing after it"));
            }
            return Err(format!("`{name}` takes {usage}, as in `{name} {}`", example(usage)));
        }
        let s = |i: usize| args[i].to_string();
        Ok(match name {
            "partition-for-key" => Query::PartitionForKey { topic: s(0), key: s(1) },
            "hash-partition" => match args[1].parse::<i32>() {
                Ok(count) if count > 0 => Query::HashPartition { key: s(0), count },
                _ => return Err(format!("`hash-partition` counts partitions with a whole number above 0, not `{}`", args[1])),
            },
            "partitions" => Query::Partitions { topic: s(0) },
            "partitions-with-records" => Query::PartitionsWithRecords { topic: s(0) },
            "leader" => Query::Leader(parse_partition(args[0])?),
            "isr" => Query::Isr(parse_partition(args[0])?),
            "replicas" => Query::Replicas(parse_partition(args[0])?),
            "high-watermark" => Query::HighWatermark(parse_partition(args[0])?),
            "log-end-offset" => Query::LogEndOffset(parse_partition(args[0])?),
            "log-start-offset" => Query::LogStartOffset(parse_partition(args[0])?),
            "committed" => Query::Committed { group: s(0), tp: parse_partition(args[1])? },
            "lag" => Query::Lag { group: s(0), tp: parse_partition(args[1])? },
            "owner" => Query::Owner { group: s(0), tp: parse_partition(args[1])? },
            "group-state" => Query::GroupState { group: s(0) },
            "consumed" => Query::Consumed { client: s(0) },
            "processed" => Query::Processed { client: s(0) },
            "replication-factor" => Query::ReplicationFactor { topic: s(0) },
            "config" => {
                if !TOPIC_CONFIGS.iter().any(|(n, _)| *n == args[1]) {
                    let hint = did_you_mean(args[1], TOPIC_CONFIGS.iter().map(|(n, _)| *n)).map_or(String::new(), |m| format!("; did you mean `{m}`?"));
                    return Err(format!("`{}` is not a topic config the simulator knows{hint}", args[1]));
                }
                Query::Config { topic: s(0), name: s(1) }
            }
            "acks" => Query::Acks { client: s(0) },
            "records-without-key" => Query::RecordsWithoutKey { topic: s(0) },
            "acked" => Query::Acked { topic: s(0) },
            "lost" => Query::Lost { topic: s(0) },
            "idle" => Query::Idle { group: s(0) },
            "leader-count" => match args[0].parse::<i32>() {
                Ok(broker) if broker > 0 => Query::LeaderCount { broker },
                _ => return Err(format!("`leader-count` takes a broker's number, like `leader-count 1`, not `{}`", args[0])),
            },
            "time" => Query::Time,
            "peak" => {
                super::metric::check_id(args[0])?;
                match args[1].parse::<u64>() {
                    Ok(seconds) if (1..=KEPT_SAMPLES as u64).contains(&seconds) => Query::Peak { id: s(0), seconds },
                    _ => return Err(format!("`peak` looks back a whole number of seconds from 1 to {KEPT_SAMPLES}, not `{}`", args[1])),
                }
            }
            "metric" => {
                super::metric::check_id(args[0])?;
                Query::Metric { id: s(0) }
            }
            _ => Query::Members { group: s(0) },
        })
    }

    /// Asks the simulation. An error names what does not exist (a topic, a partition, a group).
    pub fn eval<'a>(&self, at: impl Into<At<'a>>) -> Result<Value, String> {
        self.eval_at(at.into())
    }

    // One body for every caller: a generic `eval` was compiled once per argument type (about
    // 4.5 KB of wasm each).
    fn eval_at(&self, at: At<'_>) -> Result<Value, String> {
        let sim = at.sim;
        match self {
            Query::Side { right, inner } => match at.sides {
                Some((l, r)) => inner.eval_at(At::from(if *right { r } else { l })),
                None => Err(format!(
                    "`{}` asks a side of a comparison: it belongs on a compare step (one with `left:` and `right:`) or a quiz right after one",
                    if *right { "right" } else { "left" }
                )),
            },
            Query::PartitionForKey { topic, key } => Ok(Value::Int(partition_for_key(key.as_bytes(), partition_count(sim, topic)?) as i64)),
            Query::HashPartition { key, count } => Ok(Value::Int(partition_for_key(key.as_bytes(), *count) as i64)),
            Query::Partitions { topic } => Ok(Value::Int(partition_count(sim, topic)? as i64)),
            Query::PartitionsWithRecords { topic } => {
                let n = partition_count(sim, topic)?;
                let with = (0..n).filter(|p| leader_log_end(sim, &TopicPartition::new(topic, *p)).is_some_and(|leo| leo > 0)).count();
                Ok(Value::Int(with as i64))
            }
            Query::Leader(tp) => Ok(state(sim, tp)?.leader.map_or(Value::None, |b| Value::Int(b as i64))),
            Query::Isr(tp) => Ok(ids(&state(sim, tp)?.isr)),
            Query::Replicas(tp) => Ok(ids(&state(sim, tp)?.replicas)),
            Query::HighWatermark(tp) => {
                state(sim, tp)?;
                Ok(sim.latest_offset(tp).map_or(Value::None, Value::Int))
            }
            Query::LogEndOffset(tp) => {
                state(sim, tp)?;
                Ok(leader_log_end(sim, tp).map_or(Value::None, Value::Int))
            }
            Query::LogStartOffset(tp) => {
                state(sim, tp)?;
                Ok(sim.earliest_offset(tp).map_or(Value::None, Value::Int))
            }
            Query::Committed { group, tp } => {
                state(sim, tp)?;
                Ok(group_of(sim, group)?.committed.get(tp).map_or(Value::None, |o| Value::Int(*o)))
            }
            Query::Lag { group, tp } => {
                state(sim, tp)?;
                let committed = group_of(sim, group)?.committed.get(tp).copied();
                Ok(match (committed, sim.latest_offset(tp)) {
                    (Some(c), Some(hw)) => Value::Int(hw - c),
                    _ => Value::None,
                })
            }
            Query::Owner { group, tp } => {
                state(sim, tp)?;
                let g = group_of(sim, group)?;
                Ok(g.members.iter().find(|m| m.assignment.contains(tp)).map_or(Value::None, |m| Value::Text(m.client_id.to_string())))
            }
            Query::GroupState { group } => Ok(Value::Text(group_of(sim, group)?.state.to_string())),
            Query::Members { group } => Ok(Value::List(group_of(sim, group)?.members.iter().map(|m| m.client_id.to_string()).collect())),
            Query::Consumed { client } => Ok(Value::Int(consumer_of(sim, client)?.consumed_count as i64)),
            Query::Processed { client } => Ok(Value::Int(consumer_of(sim, client)?.processed_count(sim.now()) as i64)),
            Query::ReplicationFactor { topic } => Ok(Value::Int(topic_of(sim, topic)?.partitions.iter().map(|p| p.replicas.len()).min().unwrap_or(0) as i64)),
            Query::Config { topic, name } => {
                let t = topic_of(sim, topic)?;
                // As `kafka-configs.sh --describe --all` reads it: the topic's own value, else
                // the cluster-wide dynamic default, else Kafka's default.
                let cluster = sim.controller().cluster_default_of(name).map(|(_, v)| v);
                let default = TOPIC_CONFIGS.iter().find(|(n, _)| n == name).map_or("", |(_, d)| *d);
                Ok(Value::parse(t.config.overrides.get(name.as_str()).cloned().or(cluster).as_deref().unwrap_or(default)))
            }
            Query::Acks { client } => match sim.client_id(client).and_then(|id| sim.client(id)) {
                Some(Client::Producer(p)) if p.config.acks < 0 => Ok(Value::Text("all".into())),
                Some(Client::Producer(p)) => Ok(Value::Int(p.config.acks as i64)),
                Some(_) => Err(format!("`{client}` is a consumer, not a producer")),
                None => Err(format!("there is no producer `{client}` at this point")),
            },
            Query::RecordsWithoutKey { topic } => {
                let n = partition_count(sim, topic)?;
                let keyless =
                    (0..n).filter_map(|p| leader_replica(sim, &TopicPartition::new(topic, p))).map(|r| r.log.records().filter(|rec| rec.key.is_none()).count());
                Ok(Value::Int(keyless.sum::<usize>() as i64))
            }
            Query::Acked { topic } => Ok(Value::Int(acked(sim, topic)?.0)),
            Query::Lost { topic } => Ok(Value::Int(acked(sim, topic)?.1)),
            Query::Metric { id } => super::metric::eval(sim, id),
            Query::Peak { id, seconds } => super::metric::peak(sim, id, *seconds),
            Query::Idle { group } => Ok(Value::Int(group_of(sim, group)?.members.iter().filter(|m| m.assignment.is_empty()).count() as i64)),
            Query::LeaderCount { broker } => {
                if sim.broker(*broker).is_none() {
                    return Err(format!("there is no broker {broker}"));
                }
                let leads = sim.controller().topics.values().flat_map(|t| t.partitions.iter()).filter(|p| p.leader == Some(*broker)).count();
                Ok(Value::Int(leads as i64))
            }
            Query::Time => Ok(Value::Int((sim.now() / 1_000) as i64)),
        }
    }
}

/// How many records of `topic` producers kept an acknowledgement of (the console producer's,
/// and those of `producer start` with a `--count`; running producers and stopped ones alike),
/// and how many of those a consumer can no longer read: the partition's live leader does not
/// hold the record below its high watermark with the same key, value and timestamp (after a
/// truncation another record may sit at its offset). Without a live leader nothing is
/// readable. A record retention deleted (below the log start offset) expired: it was not
/// lost.
fn acked(sim: &Sim, topic: &str) -> Result<(i64, i64), String> {
    topic_of(sim, topic)?;
    let (mut acked, mut lost) = (0, 0);
    for c in sim.clients() {
        let Client::Producer(p) = c else { continue };
        for a in p.acked.iter().filter(|a| &*a.tp.topic == topic) {
            acked += 1;
            let readable = leader_replica(sim, &a.tp).is_some_and(|r| {
                a.offset < r.log.log_start_offset()
                    || a.offset < r.high_watermark
                        && r.log.get(a.offset).is_some_and(|rec| rec.key == a.key && rec.value == a.value && rec.timestamp_ms == a.timestamp_ms)
            });
            lost += i64::from(!readable);
        }
    }
    Ok((acked, lost))
}

fn topic_of<'a>(sim: &'a Sim, topic: &str) -> Result<&'a crate::sim::controller::TopicInfo, String> {
    sim.controller().topics.get(topic).ok_or_else(|| format!("there is no topic `{topic}` at this point"))
}

/// The partition's replica on its leader, if the leader is alive.
fn leader_replica<'a>(sim: &'a Sim, tp: &TopicPartition) -> Option<&'a crate::sim::partition::Partition> {
    let leader = sim.controller().partition(tp)?.leader?;
    sim.broker(leader).filter(|b| b.is_up())?.replicas().get(tp)
}

fn example(usage: &str) -> String {
    usage
        .replace("<topic>-<p>", "orders-0")
        .replace("<topic>", "orders")
        .replace("<key>", "user-1")
        .replace("<count>", "4")
        .replace("<group>", "billing")
        .replace("<client>", "billing-1")
        .replace("<name>", "min.insync.replicas")
        .replace("<id>", "urp")
        .replace("<broker>", "1")
        .replace("<seconds>", "30")
}

fn partition_count(sim: &Sim, topic: &str) -> Result<i32, String> {
    Ok(topic_of(sim, topic)?.partitions.len() as i32)
}

fn state<'a>(sim: &'a Sim, tp: &TopicPartition) -> Result<&'a crate::sim::message::PartitionState, String> {
    let n = partition_count(sim, &tp.topic)?;
    sim.controller().partition(tp).ok_or_else(|| format!("there is no partition {tp}: {} has partitions 0 to {}", tp.topic, n - 1))
}

fn leader_log_end(sim: &Sim, tp: &TopicPartition) -> Option<i64> {
    leader_replica(sim, tp).map(|r| r.log.log_end_offset())
}

fn ids(brokers: &[i32]) -> Value {
    Value::List(brokers.iter().map(|b| b.to_string()).collect())
}

fn consumer_of<'a>(sim: &'a Sim, name: &str) -> Result<&'a crate::sim::consumer::Consumer, String> {
    match sim.client_id(name).and_then(|id| sim.client(id)) {
        Some(crate::sim::Client::Consumer(c)) => Ok(c),
        Some(_) => Err(format!("`{name}` is a producer, not a consumer")),
        None => Err(format!("there is no consumer `{name}` at this point")),
    }
}

fn group_of(sim: &Sim, group: &str) -> Result<crate::sim::group_admin::GroupDescription, String> {
    sim.describe_group(group).ok_or_else(|| format!("there is no consumer group `{group}` at this point (or its coordinator is down)"))
}

/// How a claim compares.
#[derive(Copy, Clone, PartialEq, Eq, Debug)]
pub enum Op {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

const OPS: &[(&str, Op)] = &[("=", Op::Eq), ("!=", Op::Ne), ("<", Op::Lt), ("<=", Op::Le), (">", Op::Gt), (">=", Op::Ge)];

impl fmt::Display for Op {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(OPS.iter().find(|(_, o)| o == self).map_or("=", |(s, _)| s))
    }
}

/// The right side of a claim: a value as written, or another query.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum Operand {
    Literal(Value),
    Query(Query),
}

/// `<query> <op> <value>`, e.g. `leader orders-0 = 2` or `log-end-offset a-0 = log-end-offset b-0`.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Claim {
    pub text: String,
    pub query: Query,
    pub op: Op,
    pub right: Operand,
}

/// What a claim found: whether it holds, and the value the simulation gave its query.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Found {
    pub holds: bool,
    pub actual: Value,
}

impl Claim {
    pub fn parse(text: &str) -> Result<Claim, String> {
        let words: Vec<&str> = text.split_whitespace().collect();
        let Some(at) = words.iter().position(|w| OPS.iter().any(|(s, _)| s == w)) else {
            return Err(format!("`{}` claims nothing: write a query, an operator (= != < <= > >=) and a value, like `leader orders-0 = 2`", text.trim()));
        };
        let op = OPS.iter().find(|(s, _)| *s == words[at]).map(|(_, o)| *o).unwrap_or(Op::Eq);
        let query = Query::parse(&words[..at].join(" "))?;
        let rest = &words[at + 1..];
        if rest.is_empty() {
            return Err(format!("`{}` has nothing after `{op}`", text.trim()));
        }
        let right = if is_query_name(rest[0]) { Operand::Query(Query::parse(&rest.join(" "))?) } else { Operand::Literal(Value::parse(&rest.join(" "))) };
        if let (Op::Lt | Op::Le | Op::Gt | Op::Ge, Operand::Literal(v)) = (op, &right) {
            if v.int().is_none() {
                return Err(format!("`{op}` compares numbers, and `{v}` is not one"));
            }
        }
        Ok(Claim { text: words.join(" "), query, op, right })
    }

    pub fn eval<'a>(&self, at: impl Into<At<'a>>) -> Result<Found, String> {
        self.eval_at(at.into())
    }

    fn eval_at(&self, at: At<'_>) -> Result<Found, String> {
        let actual = self.query.eval_at(at)?;
        let right = match &self.right {
            Operand::Literal(v) => v.clone(),
            Operand::Query(q) => q.eval_at(at)?,
        };
        let holds = match self.op {
            Op::Eq => actual.same(&right),
            Op::Ne => !actual.same(&right),
            op => match (actual.int(), right.int()) {
                (Some(a), Some(b)) => match op {
                    Op::Lt => a < b,
                    Op::Le => a <= b,
                    Op::Gt => a > b,
                    _ => a >= b,
                },
                _ => false,
            },
        };
        Ok(Found { holds, actual })
    }
}

impl Claim {
    /// Why the claim does not hold, in words, given what its query answered.
    pub fn plainly(&self, actual: &Value) -> String {
        match (&self.query, actual) {
            (Query::Lost { topic }, Value::Int(1)) => format!("1 acknowledged record of {topic} was lost"),
            (Query::Lost { topic }, Value::Int(n)) if *n > 1 => format!("{n} acknowledged records of {topic} were lost"),
            _ => format!("{} is {actual}", self.query_text()),
        }
    }

    /// The claim's query, as written.
    pub fn query_text(&self) -> String {
        self.text.split_whitespace().take_while(|w| !OPS.iter().any(|(s, _)| s == w)).collect::<Vec<_>>().join(" ")
    }
}

impl fmt::Display for Claim {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

/// Claims joined by `and`: every one must hold.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Condition {
    pub claims: Vec<Claim>,
}

impl Condition {
    pub fn parse(text: &str) -> Result<Condition, String> {
        let words: Vec<&str> = text.split_whitespace().collect();
        let claims = words.split(|w| *w == "and").map(|part| Claim::parse(&part.join(" "))).collect::<Result<Vec<_>, _>>()?;
        Ok(Condition { claims })
    }

    /// Whether every claim holds; an error when a query cannot be answered.
    pub fn holds<'a>(&self, at: impl Into<At<'a>>) -> Result<bool, String> {
        let at = at.into();
        for c in &self.claims {
            if !c.eval_at(at)?.holds {
                return Ok(false);
            }
        }
        Ok(true)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_compare_as_learners_write_them() {
        assert!(Value::parse("1,2,3").same(&Value::parse("3, 2 ,1")));
        assert!(Value::parse("stable").same(&Value::Text("Stable".into())));
        assert!(Value::List(vec!["2".into()]).same(&Value::Int(2)));
        assert!(Value::parse("-").same(&Value::None));
        assert!(!Value::parse("1,2").same(&Value::parse("1,2,3")));
        assert_eq!(Value::List(vec!["1".into(), "2".into()]).to_string(), "1,2");
    }

    #[test]
    fn queries_parse_and_explain_mistakes() {
        assert_eq!(Query::parse("leader orders-0"), Ok(Query::Leader(TopicPartition::new("orders", 0))));
        assert_eq!(Query::parse("log-end-offset user-clicks-12"), Ok(Query::LogEndOffset(TopicPartition::new("user-clicks", 12))));
        assert!(Query::parse("leeder orders-0").unwrap_err().contains("did you mean `leader`"));
        assert!(Query::parse("leader orders").unwrap_err().contains("is not a partition"));
        assert!(Query::parse("lag orders-0").unwrap_err().contains("`lag` takes <group> <topic>-<p>"));
        assert!(Claim::parse("leader orders-0").unwrap_err().contains("claims nothing"));
        assert!(Claim::parse("leader orders-0 > two").unwrap_err().contains("compares numbers"));
        let c = Condition::parse("leader orders-0 = 2 and isr orders-0 = 1,2,3").unwrap();
        assert_eq!(c.claims.len(), 2);
    }

    #[test]
    fn queries_ask_the_simulation() {
        let mut shell = crate::shell::Shell::new(1);
        shell.execute("kafka-topics.sh --bootstrap-server localhost:9092 --create --topic orders --partitions 3 --replication-factor 3", &[]).unwrap();
        shell.execute("tick 1s", &[]).unwrap();
        let sim = &shell.sim;
        assert_eq!(Query::parse("partitions orders").unwrap().eval(sim), Ok(Value::Int(3)));
        // murmur2 vectors: user_123, user_456 and user_789 all go to partition 2 of 3.
        for key in ["user_123", "user_456", "user_789"] {
            assert_eq!(Query::parse(&format!("partition-for-key orders {key}")).unwrap().eval(sim), Ok(Value::Int(2)));
        }
        assert_eq!(Query::parse("log-end-offset orders-1").unwrap().eval(sim), Ok(Value::Int(0)));
        assert!(Query::parse("isr orders-1").unwrap().eval(sim).unwrap().same(&Value::parse("1,2,3")));
        assert!(Query::parse("leader orders-7").unwrap().eval(sim).unwrap_err().contains("orders has partitions 0 to 2"));
        assert!(Query::parse("leader payments-0").unwrap().eval(sim).unwrap_err().contains("no topic `payments`"));
        assert!(Query::parse("members billing").unwrap().eval(sim).unwrap_err().contains("no consumer group `billing`"));
        let leader = Query::parse("leader orders-0").unwrap().eval(sim).unwrap();
        assert!(Claim::parse(&format!("leader orders-0 = {leader}")).unwrap().eval(sim).unwrap().holds);
        assert_eq!(Query::parse("hash-partition user-4 4").unwrap().eval(sim), Ok(Value::Int(3)));
        assert!(Claim::parse("high-watermark orders-0 = log-end-offset orders-0").unwrap().eval(sim).unwrap().holds);
        assert!(!Claim::parse("partitions-with-records orders >= 1").unwrap().eval(sim).unwrap().holds);
    }

    #[test]
    fn consumed_and_processed_count_what_the_application_got_and_finished() {
        let mut shell = crate::shell::Shell::new(1);
        for cmd in [
            "kafka-topics.sh --bootstrap-server localhost:9092 --create --topic t --partitions 1 --replication-factor 1",
            "producer start p --topic t --count 30 --rate 100/s",
            "tick 2s",
            "consumer start c --topic t --group g --from-beginning --commit before-processing --processing 2s --consumer-property max.poll.records=10",
            "tick 6s",
        ] {
            shell.execute(cmd, &[]).unwrap();
        }
        let ask = |shell: &crate::shell::Shell, q: &str| Query::parse(q).unwrap().eval(&shell.sim);
        // Two polls of ten records; the second batch is still being processed.
        assert_eq!(ask(&shell, "consumed c"), Ok(Value::Int(20)));
        assert_eq!(ask(&shell, "processed c"), Ok(Value::Int(10)));
        shell.execute("kill client c", &[]).unwrap();
        shell.execute("tick 5s", &[]).unwrap();
        // Its processing was cut short: the batch stays unprocessed after the crash.
        assert_eq!(ask(&shell, "processed c"), Ok(Value::Int(10)));
        assert!(ask(&shell, "processed p").unwrap_err().contains("is a producer"));
        assert!(ask(&shell, "consumed nobody").unwrap_err().contains("no consumer `nobody`"));
    }

    #[test]
    fn idle_members_leader_counts_and_the_clock() {
        let mut shell = crate::shell::Shell::new(1);
        for cmd in [
            "kafka-topics.sh --bootstrap-server localhost:9092 --create --topic t --partitions 2 --replication-factor 3",
            "consumer start a --topic t --group g",
            "consumer start b --topic t --group g",
            "consumer start c --topic t --group g",
            "tick 15s",
        ] {
            shell.execute(cmd, &[]).unwrap();
        }
        let ask = |shell: &crate::shell::Shell, q: &str| Query::parse(q).unwrap().eval(&shell.sim);
        assert_eq!(ask(&shell, "group-state g"), Ok(Value::Text("Stable".into())));
        // Two partitions, three members: one owns nothing.
        assert_eq!(ask(&shell, "idle g"), Ok(Value::Int(1)));
        assert_eq!(ask(&shell, "time"), Ok(Value::Int(15)));
        // Every partition (with __consumer_offsets') has one leader among the three brokers.
        let all: i64 = shell.sim.controller().topics.values().map(|t| t.partitions.len() as i64).sum();
        let leads: i64 = (1..=3)
            .map(|b| match ask(&shell, &format!("leader-count {b}")) {
                Ok(Value::Int(n)) => n,
                other => panic!("{other:?}"),
            })
            .sum();
        assert_eq!(leads, all);
        shell.execute("kill broker 1", &[]).unwrap();
        shell.execute("tick 15s", &[]).unwrap();
        assert_eq!(ask(&shell, "leader-count 1"), Ok(Value::Int(0)));
        assert!(ask(&shell, "leader-count 7").unwrap_err().contains("no broker 7"));
        assert!(Query::parse("leader-count one").unwrap_err().contains("a broker's number"));
        assert!(Query::parse("time now").unwrap_err().contains("takes nothing"));
    }
}
