//! `kafka-topics.sh` (apache/kafka tools/.../TopicCommand.java; formats in
//! ../shared/kafka-reference/cli_formats.md section 1).
use super::options::{self, flag, value, Parsed, Spec};
use super::pattern::Pattern;
use super::{Shell, ShellError};
use crate::sim::view::TopicView;

pub(super) const SPECS: &[Spec] = &[
    value("bootstrap-server"),
    value("command-config"),
    flag("list"),
    flag("describe"),
    flag("create"),
    flag("alter"),
    flag("delete"),
    value("topic"),
    value("partitions"),
    value("replication-factor"),
    value("config"),
    flag("if-exists"),
    flag("if-not-exists"),
    flag("under-replicated-partitions"),
    flag("under-min-isr-partitions"),
    flag("at-min-isr-partitions"),
    flag("unavailable-partitions"),
    flag("topics-with-overrides"),
    flag("exclude-internal"),
    flag("help"),
];

/// Every exception is printed to stdout with this prefix (TopicCommand.java:132-135).
fn command_error(e: impl std::fmt::Display) -> ShellError {
    ShellError::new(format!("Error while executing topic command : {e}"))
}

pub(super) fn require_bootstrap(p: &Parsed) -> Result<(), ShellError> {
    match p.get("bootstrap-server") {
        None => Err(ShellError::new("--bootstrap-server must be specified")),
        Some(s) if s.trim().is_empty() => Err(ShellError::new("--bootstrap-server must be specified")),
        Some(_) => Ok(()),
    }
}

pub(super) fn no_positional(p: &Parsed, tool: &str) -> Result<(), ShellError> {
    match p.positional.first() {
        Some(word) => Err(ShellError::new(format!("{tool}: unexpected argument '{word}'; every value follows an option such as --topic"))),
        None => Ok(()),
    }
}

pub fn run(shell: &mut Shell, args: &[String]) -> Result<String, ShellError> {
    let p = options::parse(args, SPECS)?;
    no_positional(&p, "kafka-topics.sh")?;
    if p.has("help") || args.is_empty() {
        return Ok(HELP.to_string());
    }
    let actions = ["list", "describe", "create", "alter", "delete"].iter().filter(|a| p.has(a)).count();
    if actions != 1 {
        return Err(ShellError::new("Command must include exactly one action: --list, --describe, --create, --alter or --delete"));
    }
    require_bootstrap(&p)?;
    if !p.has("list") && !p.has("describe") && p.get("topic").is_none() {
        return Err(ShellError::new("Missing required argument \"[topic]\""));
    }
    if p.has("list") {
        return list(shell, &p);
    }
    if p.has("describe") {
        return describe(shell, &p);
    }
    let topic = p.get("topic").expect("checked").to_string();
    if p.has("create") {
        create(shell, &p, &topic)
    } else if p.has("alter") {
        alter(shell, &p, &topic)
    } else {
        delete(shell, &p, &topic)
    }
}

fn matching_topics(shell: &Shell, p: &Parsed) -> Result<Vec<TopicView>, ShellError> {
    let view = shell.sim.view(0);
    let mut topics = view.topics;
    if let Some(t) = p.get("topic") {
        let pattern = Pattern::new(t).map_err(command_error)?;
        topics.retain(|x| pattern.matches(&x.name));
    }
    if p.has("exclude-internal") {
        topics.retain(|x| !x.name.starts_with("__"));
    }
    Ok(topics)
}

fn list(shell: &Shell, p: &Parsed) -> Result<String, ShellError> {
    let topics = matching_topics(shell, p)?;
    Ok(topics.iter().map(|t| format!("{}\n", t.name)).collect())
}

fn ids(v: &[i32]) -> String {
    v.iter().map(|b| b.to_string()).collect::<Vec<_>>().join(",")
}

fn describe(shell: &mut Shell, p: &Parsed) -> Result<String, ShellError> {
    let topics = matching_topics(shell, p)?;
    if let Some(t) = p.get("topic") {
        if topics.is_empty() && !p.has("if-exists") {
            return Err(command_error(format!("Topic 'Optional[{t}]' does not exist as expected")));
        }
    }
    let view = shell.sim.view(0);
    let live = |b: i32| view.brokers.iter().any(|x| x.id == b && x.up && !x.fenced);
    let filtered =
        p.has("under-replicated-partitions") || p.has("under-min-isr-partitions") || p.has("at-min-isr-partitions") || p.has("unavailable-partitions");
    let mut out = String::new();
    for t in &topics {
        if p.has("topics-with-overrides") && t.configs.is_empty() {
            continue;
        }
        let min_isr: usize = t.configs.iter().find(|(k, _)| k == "min.insync.replicas").and_then(|(_, v)| v.parse().ok()).unwrap_or(1);
        let rf = t.partitions.first().map_or(0, |x| x.replicas.len());
        if !filtered {
            let configs = t.configs.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join(",");
            out.push_str(&format!(
                "Topic: {}\tTopicId: {}\tPartitionCount: {}\tReplicationFactor: {}\tConfigs: {}\n",
                t.name,
                t.topic_id,
                t.partitions.len(),
                rf,
                configs
            ));
        }
        if p.has("topics-with-overrides") {
            continue;
        }
        for part in &t.partitions {
            let leader_live = part.leader.is_some_and(live);
            let keep = !filtered
                || (p.has("under-replicated-partitions") && part.isr.len() < part.replicas.len())
                || (p.has("under-min-isr-partitions") && part.isr.len() < min_isr.min(part.replicas.len()))
                || (p.has("at-min-isr-partitions") && part.isr.len() == min_isr.min(part.replicas.len()))
                || (p.has("unavailable-partitions") && !leader_live);
            if !keep {
                continue;
            }
            let leader = part.leader.map_or("none".to_string(), |l| l.to_string());
            // Elr/LastKnownElr (KIP-966, 3.8+): the simulator does not model ELR, so the
            // fields are null and print N/A.
            out.push_str(&format!(
                "\tTopic: {}\tPartition: {}\tLeader: {}\tReplicas: {}\tIsr: {}\tElr: N/A\tLastKnownElr: N/A\n",
                t.name,
                part.partition,
                leader,
                ids(&part.replicas),
                ids(&part.isr)
            ));
        }
    }
    Ok(out)
}

fn parse_configs(p: &Parsed) -> Result<Vec<(String, String)>, ShellError> {
    p.all("config")
        .into_iter()
        .map(|c| {
            c.split_once('=')
                .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
                .ok_or_else(|| command_error(format!("Invalid topic config: all configs to be added must be in the format \"key=val\" ({c}).")))
        })
        .collect()
}

fn create(shell: &mut Shell, p: &Parsed, topic: &str) -> Result<String, ShellError> {
    let partitions = p.int32("partitions")?.unwrap_or(shell.sim.cluster_config().num_partitions);
    let rf = p.int32("replication-factor")?.unwrap_or(shell.sim.cluster_config().default_replication_factor);
    // Client-side checks (TopicCommand.java:469-474).
    if !(1..=32767).contains(&rf) {
        return Err(command_error("The replication factor must be between 1 and 32767 inclusive"));
    }
    if partitions < 1 {
        return Err(command_error("The partitions must be greater than 0"));
    }
    let configs = parse_configs(p)?;
    let mut out = String::new();
    if topic.contains('.') || topic.contains('_') {
        out.push_str("WARNING: Due to limitations in metric names, topics with a period ('.') or underscore ('_') could collide. To avoid issues it is best to use either, but not both.\n");
    }
    match shell.sim.create_topic(topic, partitions, rf, &configs) {
        Ok(()) => {
            out.push_str(&format!("Created topic {topic}.\n"));
            Ok(out)
        }
        Err(crate::sim::AdminError::TopicExists(_)) if p.has("if-not-exists") => Ok(out),
        Err(e) => Err(command_error(e)),
    }
}

fn alter(shell: &mut Shell, p: &Parsed, topic: &str) -> Result<String, ShellError> {
    if shell.sim.controller().topics.get(topic).is_none() {
        if p.has("if-exists") {
            return Ok(String::new());
        }
        return Err(command_error(format!("Topic 'Optional[{topic}]' does not exist as expected")));
    }
    if !p.all("config").is_empty() {
        return Err(command_error("Option \"[config]\" can't be used with option \"[alter]\": use kafka-configs.sh --alter --entity-type topics --add-config"));
    }
    let Some(n) = p.int32("partitions")? else {
        return Err(command_error("--partitions is required to alter a topic"));
    };
    shell.sim.add_partitions(topic, n).map_err(command_error)?;
    Ok(String::new())
}

fn delete(shell: &mut Shell, p: &Parsed, topic: &str) -> Result<String, ShellError> {
    let pattern = Pattern::new(topic).map_err(command_error)?;
    let names: Vec<String> = shell.sim.controller().topics.keys().filter(|t| pattern.matches(t)).map(|t| t.to_string()).collect();
    if names.is_empty() {
        if p.has("if-exists") {
            return Ok(String::new());
        }
        return Err(command_error(format!("Topic 'Optional[{topic}]' does not exist as expected")));
    }
    for n in names {
        shell.sim.delete_topic(&n).map_err(command_error)?;
    }
    Ok(String::new())
}

const HELP: &str = "\
This tool helps to create, delete, describe, or change a topic.
Options:
  --bootstrap-server <host:port>       REQUIRED: the Kafka server to connect to.
  --create | --list | --describe | --alter | --delete   exactly one action
  --topic <name or regex>              the topic (a regex for --list, --describe, --delete)
  --partitions <n>                     partitions to create, or the new total with --alter
  --replication-factor <n>             copies of each partition (--create)
  --config <name=value>                a topic config override (--create; repeatable)
  --if-exists / --if-not-exists        do not fail on a missing / existing topic
  --under-replicated-partitions        --describe: partitions whose ISR is smaller than the replicas
  --under-min-isr-partitions           --describe: partitions whose ISR is below min.insync.replicas
  --at-min-isr-partitions              --describe: partitions whose ISR equals min.insync.replicas
  --unavailable-partitions             --describe: partitions whose leader is not available
  --topics-with-overrides              --describe: only topics that override a config
  --exclude-internal                   leave out internal topics
";
