//! `kafka-get-offsets.sh` (GetOffsetShell) and `kafka-leader-election.sh`
//! (LeaderElectionCommand).
use super::options::{self, flag, value, Spec};
use super::pattern::Pattern;
use super::topics::{no_positional, require_bootstrap};
use super::{Shell, ShellError};
use crate::sim::{AdminError, TopicPartition};

pub(super) const OFFSET_SPECS: &[Spec] =
    &[value("bootstrap-server"), value("topic"), value("partitions"), value("time"), value("topic-partitions"), flag("exclude-internal-topics"), flag("help")];

pub fn get_offsets(shell: &mut Shell, args: &[String]) -> Result<String, ShellError> {
    let p = options::parse(args, OFFSET_SPECS)?;
    no_positional(&p, "kafka-get-offsets.sh")?;
    if p.get("bootstrap-server").is_none() {
        return Err(ShellError::new("Missing required argument \"[bootstrap-server]\""));
    }
    // --time: -1 or latest (default), -2 or earliest.
    let earliest = match p.get("time").unwrap_or("-1") {
        "-1" | "latest" => false,
        "-2" | "earliest" => true,
        other => {
            return Err(ShellError::new(format!(
                "Malformed time argument {other}. Please use -1 or latest / -2 or earliest / -3 or max-timestamp, or a specified long format timestamp (the simulator answers -1 and -2)"
            )))
        }
    };
    let pattern = Pattern::new(p.get("topic").unwrap_or(".*")).map_err(ShellError::new)?;
    let wanted: Option<Vec<i32>> = match p.get("partitions") {
        None => None,
        Some(list) => Some(
            list.split(',')
                .map(|s| {
                    s.trim()
                        .parse::<i32>()
                        .map_err(|_| ShellError::new(format!("Invalid partition '{s}': --partitions takes a comma-separated list such as 0,1")))
                })
                .collect::<Result<_, _>>()?,
        ),
    };
    let view = shell.sim.view(0);
    let mut out = String::new();
    for t in view.topics.iter().filter(|t| pattern.matches(&t.name)) {
        if p.has("exclude-internal-topics") && t.name.starts_with("__") {
            continue;
        }
        for part in &t.partitions {
            if wanted.as_ref().is_some_and(|w| !w.contains(&part.partition)) {
                continue;
            }
            // ListOffsets goes to the leader; read_uncommitted's latest offset is the HW.
            let leader = part.leader.and_then(|l| view.brokers.iter().find(|b| b.id == l && b.up));
            let tp = TopicPartition { topic: t.name.clone(), partition: part.partition };
            let Some(replica) = leader.and_then(|b| b.replicas.iter().find(|r| r.tp == tp)) else { continue };
            let offset = if earliest { replica.log_start_offset } else { replica.high_watermark };
            out.push_str(&format!("{}:{}:{}\n", t.name, part.partition, offset));
        }
    }
    if out.is_empty() {
        return Err(ShellError::new("Could not match any topic-partitions with the specified filters"));
    }
    Ok(out)
}

pub(super) const ELECTION_SPECS: &[Spec] = &[
    value("bootstrap-server"),
    value("election-type"),
    value("topic"),
    value("partition"),
    flag("all-topic-partitions"),
    value("path-to-json-file"),
    flag("help"),
];

pub fn leader_election(shell: &mut Shell, args: &[String]) -> Result<String, ShellError> {
    let p = options::parse(args, ELECTION_SPECS)?;
    no_positional(&p, "kafka-leader-election.sh")?;
    require_bootstrap(&p)?;
    let Some(kind) = p.get("election-type") else {
        return Err(ShellError::new("Missing required argument \"[election-type]\""));
    };
    let unclean = match kind.to_ascii_uppercase().as_str() {
        "PREFERRED" => false,
        "UNCLEAN" => true,
        _ => return Err(ShellError::new(format!("Invalid value {kind} for --election-type: use PREFERRED or UNCLEAN"))),
    };
    let label = if unclean { "UNCLEAN" } else { "PREFERRED" };
    let chosen = usize::from(p.has("topic")) + usize::from(p.has("all-topic-partitions")) + usize::from(p.has("path-to-json-file"));
    if chosen != 1 {
        return Err(ShellError::new("One and only one of the following options is required: all-topic-partitions, topic, path-to-json-file"));
    }
    if p.has("path-to-json-file") {
        return Err(ShellError::new(
            "--path-to-json-file reads a file, which the simulator has none of; use --topic and --partition, or --all-topic-partitions",
        ));
    }
    let partitions: Vec<TopicPartition> = if p.has("all-topic-partitions") {
        shell.sim.view(0).topics.iter().flat_map(|t| t.partitions.iter().map(|x| TopicPartition { topic: t.name.clone(), partition: x.partition })).collect()
    } else {
        let topic = p.get("topic").expect("checked");
        let Some(part) = p.int("partition")? else {
            return Err(ShellError::new("Missing required argument \"[partition]\""));
        };
        vec![TopicPartition::new(topic, part as i32)]
    };
    let mut ok = Vec::new();
    let mut noop = Vec::new();
    let mut failed = Vec::new();
    for tp in partitions {
        match shell.sim.elect_leader(&tp, unclean) {
            Ok(_) => ok.push(tp.to_string()),
            Err(AdminError::ElectionNotNeeded(_)) => noop.push(tp.to_string()),
            Err(AdminError::Invalid(m)) if m.starts_with("Election not needed") => noop.push(tp.to_string()),
            Err(AdminError::NoSuchPartition { .. }) => {
                failed.push(format!("{tp}: org.apache.kafka.common.errors.UnknownTopicOrPartitionException: This server does not host this topic-partition."))
            }
            Err(e) => failed.push(format!(
                "{tp}: org.apache.kafka.common.errors.{}: {e}",
                if unclean { "EligibleLeadersNotAvailableException" } else { "PreferredLeaderNotAvailableException" }
            )),
        }
    }
    shell.sim.run_for(0);
    let mut out = String::new();
    if !ok.is_empty() {
        out.push_str(&format!("Successfully completed leader election ({label}) for partitions {}\n", ok.join(", ")));
    }
    if !noop.is_empty() {
        out.push_str(&format!("Valid replica already elected for partitions {}\n", noop.join(", ")));
    }
    if !failed.is_empty() {
        for f in &failed {
            out.push_str(&format!("Error completing leader election ({label}) for partition: {f}\n"));
        }
        out.push_str(&format!("kafka.common.AdminCommandFailedException: {} replica(s) could not be elected\n", failed.len()));
        return Err(ShellError::new(out.trim_end().to_string()));
    }
    Ok(out)
}
