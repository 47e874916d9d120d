//! `kafka-configs.sh` for topics and brokers (apache/kafka tools/.../ConfigCommand.java).
use super::options::{self, flag, value, Parsed, Spec};
use super::topics::{no_positional, require_bootstrap};
use super::{Shell, ShellError};
use crate::sim::config::TOPIC_CONFIGS;

pub(super) const SPECS: &[Spec] = &[
    value("bootstrap-server"),
    value("entity-type"),
    value("entity-name"),
    value("topic"),
    value("broker"),
    flag("entity-default"),
    flag("describe"),
    flag("alter"),
    value("add-config"),
    value("delete-config"),
    flag("all"),
    flag("help"),
];

/// The broker-level default each topic config falls back to (its DEFAULT_CONFIG synonym).
fn broker_default(name: &str) -> (&'static str, String) {
    let d = TOPIC_CONFIGS.iter().find(|(n, _)| *n == name).map_or("", |(_, d)| *d).to_string();
    match name {
        "retention.ms" => ("log.retention.hours", "168".into()),
        "segment.ms" => ("log.roll.hours", "168".into()),
        "retention.bytes" => ("log.retention.bytes", d),
        "segment.bytes" => ("log.segment.bytes", d),
        "cleanup.policy" => ("log.cleanup.policy", d),
        "max.message.bytes" => ("message.max.bytes", d),
        "delete.retention.ms" => ("log.cleaner.delete.retention.ms", d),
        "min.cleanable.dirty.ratio" => ("log.cleaner.min.cleanable.ratio", d),
        "min.compaction.lag.ms" => ("log.cleaner.min.compaction.lag.ms", d),
        "max.compaction.lag.ms" => ("log.cleaner.max.compaction.lag.ms", d),
        "min.insync.replicas" => ("min.insync.replicas", d),
        "unclean.leader.election.enable" => ("unclean.leader.election.enable", d),
        _ => ("", d),
    }
}

pub fn run(shell: &mut Shell, args: &[String]) -> Result<String, ShellError> {
    let p = options::parse(args, SPECS)?;
    no_positional(&p, "kafka-configs.sh")?;
    if p.has("help") || args.is_empty() {
        return Ok("This tool helps to manipulate and describe entity config for a topic or broker.\n  --bootstrap-server <host:port> (--entity-type topics|brokers --entity-name <name> | --topic <name> | --broker <id>)\n  --describe [--all] | --alter (--add-config k1=v1,k2=v2 | --delete-config k1,k2)\n".into());
    }
    if usize::from(p.has("describe")) + usize::from(p.has("alter")) != 1 {
        return Err(ShellError::new("Command must include exactly one action: --describe, --alter"));
    }
    require_bootstrap(&p)?;
    let (entity_type, name) = entity(&p)?;
    match entity_type {
        "topics" => topic(shell, &p, args, name),
        _ => broker(shell, &p, name),
    }
}

fn entity(p: &Parsed) -> Result<(&'static str, Option<String>), ShellError> {
    if let Some(t) = p.get("topic") {
        return Ok(("topics", Some(t.to_string())));
    }
    if let Some(b) = p.get("broker") {
        return Ok(("brokers", Some(b.to_string())));
    }
    let kind = match p.get("entity-type") {
        Some("topics") => "topics",
        Some("brokers") => "brokers",
        Some(other) => {
            return Err(ShellError::new(format!(
                "Invalid entity type {other}, the entity type must be one of topics, clients, users, brokers, ips, client-metrics, groups (the simulator handles topics and brokers)"
            )))
        }
        None => return Err(ShellError::new("an entity is required: --entity-type topics --entity-name <topic>, or --topic <topic>, or --broker <id>")),
    };
    Ok((kind, p.get("entity-name").map(str::to_string)))
}

/// The `--add-config k=v,k2=v2` pairs and `--delete-config k1,k2` names of an --alter.
type Alterations = (Vec<(String, String)>, Vec<String>);

fn alterations(p: &Parsed) -> Result<Alterations, ShellError> {
    let adds: Vec<(String, String)> = p
        .all("add-config")
        .into_iter()
        .flat_map(split_list)
        .map(|kv| {
            kv.split_once('=')
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .ok_or_else(|| ShellError::new(format!("Invalid config '{kv}': --add-config takes key=value pairs separated by commas")))
        })
        .collect::<Result<_, _>>()?;
    let deletes: Vec<String> = p.all("delete-config").into_iter().flat_map(split_list).collect();
    if adds.is_empty() && deletes.is_empty() {
        return Err(ShellError::new("At least one of --add-config or --delete-config must be specified with --alter"));
    }
    Ok((adds, deletes))
}

fn split_list(v: &str) -> Vec<String> {
    v.split(',').map(|s| s.trim().to_string()).filter(|s| !s.is_empty()).collect()
}

fn topic(shell: &mut Shell, p: &Parsed, args: &[String], name: Option<String>) -> Result<String, ShellError> {
    let Some(name) = name else {
        if p.has("alter") {
            return Err(ShellError::new("an entity name must be specified with --alter of topics"));
        }
        let mut out = String::new();
        let names: Vec<String> = shell.sim.controller().topics.keys().map(|t| t.to_string()).collect();
        for n in names {
            out.push_str(&describe_topic(shell, &n, p.has("all")));
        }
        return Ok(out);
    };
    if !shell.sim.controller().topics.contains_key(name.as_str()) {
        return Err(ShellError::new(format!(
            "Error while executing config command with args '{}'\norg.apache.kafka.common.errors.UnknownTopicOrPartitionException: The topic '{name}' does not exist.",
            args.join(" ")
        )));
    }
    if p.has("describe") {
        return Ok(describe_topic(shell, &name, p.has("all")));
    }
    let (adds, deletes) = alterations(p)?;
    for (k, v) in &adds {
        shell.sim.alter_topic_config(&name, k, Some(v))?;
    }
    for k in &deletes {
        shell.sim.alter_topic_config(&name, k, None)?;
    }
    Ok(format!("Completed updating config for topic {name}.\n"))
}

/// ConfigCommand.describeResourceConfig: `  name=value sensitive=false synonyms={...}`.
fn describe_topic(shell: &Shell, name: &str, all: bool) -> String {
    let info = &shell.sim.controller().topics[name];
    let mut out = format!("{} configs for topic {name} are:\n", if all { "All" } else { "Dynamic" });
    for (k, default) in TOPIC_CONFIGS {
        let dynamic = info.config.overrides.get(*k);
        if dynamic.is_none() && !all {
            continue;
        }
        let (broker_name, broker_value) = broker_default(k);
        let cluster_default = shell.sim.controller().cluster_default_of(k);
        let mut synonyms = Vec::new();
        if let Some(v) = dynamic {
            synonyms.push(format!("DYNAMIC_TOPIC_CONFIG:{k}={v}"));
        }
        if let Some((b, v)) = &cluster_default {
            synonyms.push(format!("DYNAMIC_DEFAULT_BROKER_CONFIG:{b}={v}"));
        }
        synonyms.push(format!("DEFAULT_CONFIG:{broker_name}={broker_value}"));
        let value = dynamic.map(String::as_str).or(cluster_default.as_ref().map(|(_, v)| v.as_str())).unwrap_or(default);
        out.push_str(&format!("  {k}={value} sensitive=false synonyms={{{}}}\n", synonyms.join(", ")));
    }
    out
}

fn broker(shell: &mut Shell, p: &Parsed, name: Option<String>) -> Result<String, ShellError> {
    let default = p.has("entity-default");
    let target: Option<i32> = match (&name, default) {
        (Some(_), true) => return Err(ShellError::new("--entity-name and --entity-default cannot be used together")),
        (Some(n), false) => {
            let id: i32 = n.parse().map_err(|_| ShellError::new(format!("The entity name for brokers must be a valid integer broker id, but it is: {n}")))?;
            if shell.sim.broker(id).is_none() {
                return Err(crate::sim::AdminError::NoSuchBroker(id).into());
            }
            Some(id)
        }
        (None, _) => None,
    };
    if p.has("alter") {
        if target.is_none() && !default {
            return Err(ShellError::new("an entity name must be specified with --alter of brokers, or --entity-default for all brokers"));
        }
        let (adds, deletes) = alterations(p)?;
        for (k, v) in &adds {
            shell.sim.alter_broker_config(target, k, Some(v))?;
        }
        for k in &deletes {
            shell.sim.alter_broker_config(target, k, None)?;
        }
        return Ok(match target {
            Some(id) => format!("Completed updating config for broker {id}.\n"),
            None => "Completed updating default config for brokers in the cluster.\n".to_string(),
        });
    }
    let configs = shell.sim.controller().broker_configs.clone();
    let cluster = configs.get(&None).cloned().unwrap_or_default();
    if default {
        let mut out = "Default configs for brokers in the cluster are:\n".to_string();
        for (k, v) in &cluster {
            out.push_str(&format!("  {k}={v} sensitive=false synonyms={{DYNAMIC_DEFAULT_BROKER_CONFIG:{k}={v}}}\n"));
        }
        return Ok(out);
    }
    let ids: Vec<i32> = match target {
        Some(id) => vec![id],
        None => shell.sim.brokers().map(|b| b.id).collect(),
    };
    let c = shell.sim.cluster_config().clone();
    let mut out = String::new();
    for id in ids {
        let own = configs.get(&Some(id)).cloned().unwrap_or_default();
        out.push_str(&format!("{} configs for broker {id} are:\n", if p.has("all") { "All" } else { "Dynamic" }));
        // Each dynamic config with its synonyms, most specific first (ConfigEntry.synonyms).
        for (broker_name, topic_name) in crate::sim::config::BROKER_TOPIC_DEFAULTS {
            let static_default = crate::sim::config::TOPIC_CONFIGS.iter().find(|(n, _)| n == topic_name).map_or("", |(_, d)| *d);
            let mut synonyms = Vec::new();
            if let Some(v) = own.get(*broker_name) {
                synonyms.push(format!("DYNAMIC_BROKER_CONFIG:{broker_name}={v}"));
            }
            if let Some(v) = cluster.get(*broker_name) {
                synonyms.push(format!("DYNAMIC_DEFAULT_BROKER_CONFIG:{broker_name}={v}"));
            }
            if synonyms.is_empty() && !p.has("all") {
                continue;
            }
            synonyms.push(format!("DEFAULT_CONFIG:{broker_name}={static_default}"));
            let value = own.get(*broker_name).or(cluster.get(*broker_name)).map(String::as_str).unwrap_or(static_default);
            out.push_str(&format!("  {broker_name}={value} sensitive=false synonyms={{{}}}\n", synonyms.join(", ")));
        }
        if p.has("all") {
            for (k, v) in [
                ("broker.heartbeat.interval.ms", c.broker_heartbeat_interval_ms.to_string()),
                ("broker.session.timeout.ms", c.broker_session_timeout_ms.to_string()),
                ("default.replication.factor", c.default_replication_factor.to_string()),
                ("num.partitions", c.num_partitions.to_string()),
                ("offsets.topic.num.partitions", c.offsets_topic_num_partitions.to_string()),
                ("replica.fetch.backoff.ms", c.replica_fetch_backoff_ms.to_string()),
                ("replica.fetch.max.bytes", c.replica_fetch_max_bytes.to_string()),
                ("replica.fetch.wait.max.ms", c.replica_fetch_wait_max_ms.to_string()),
                ("replica.lag.time.max.ms", c.replica_lag_time_max_ms.to_string()),
            ] {
                out.push_str(&format!("  {k}={v} sensitive=false synonyms={{STATIC_BROKER_CONFIG:{k}={v}}}\n"));
            }
        }
    }
    Ok(out)
}
