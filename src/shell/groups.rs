//! `kafka-consumer-groups.sh` (apache/kafka tools/.../consumer/group/ConsumerGroupCommand.java;
//! formats in ../shared/kafka-reference/cli_formats.md section 2).
use crate::vecmap::VecMap;

use super::options::{self, flag, value, Parsed, Spec};
use super::topics::{no_positional, require_bootstrap};
use super::{Shell, ShellError};
use crate::sim::group::GroupState;
use crate::sim::group_admin::{broker_address, GroupDescription};
use crate::sim::TopicPartition;

pub(super) const SPECS: &[Spec] = &[
    value("bootstrap-server"),
    flag("list"),
    flag("describe"),
    flag("delete"),
    flag("reset-offsets"),
    flag("delete-offsets"),
    value("group"),
    flag("all-groups"),
    flag("members"),
    flag("verbose"),
    flag("state"),
    flag("offsets"),
    value("topic"),
    flag("all-topics"),
    flag("to-earliest"),
    flag("to-latest"),
    flag("to-current"),
    value("to-offset"),
    value("shift-by"),
    value("to-datetime"),
    value("by-duration"),
    value("from-file"),
    flag("dry-run"),
    flag("execute"),
    value("timeout"),
    flag("help"),
];

const MISSING: &str = "-";

fn pad(s: &str, w: usize) -> String {
    format!("{s:<w$}")
}

pub fn run(shell: &mut Shell, args: &[String]) -> Result<String, ShellError> {
    let p = options::parse(args, SPECS)?;
    no_positional(&p, "kafka-consumer-groups.sh")?;
    if p.has("help") || args.is_empty() {
        return Ok(
            "This tool helps to list all consumer groups, describe a consumer group, delete consumer group info, or reset consumer group offsets.\n".into()
        );
    }
    let actions = ["list", "describe", "delete", "reset-offsets", "delete-offsets"].iter().filter(|a| p.has(a)).count();
    if actions != 1 {
        return Err(ShellError::new("Command must include exactly one action: --list, --describe, --delete, --reset-offsets, --delete-offsets"));
    }
    require_bootstrap(&p)?;
    if p.has("list") {
        let ids = shell.sim.group_ids();
        if !p.has("state") {
            return Ok(ids.iter().map(|g| format!("{g}\n")).collect());
        }
        // --list --state: `%-{max(15, longest)+10}s %-20s` (ConsumerGroupCommand 230-261).
        let w = 15usize.max(ids.iter().map(|g| g.len()).max().unwrap_or(0)) + 10;
        let mut out = format!("{} {}\n", pad("GROUP", w), pad("STATE", 20));
        for g in ids {
            let state = shell.sim.describe_group(&g).map_or("Unknown".to_string(), |d| d.state.to_string());
            out.push_str(&format!("{} {}\n", pad(&g, w), pad(&state, 20)));
        }
        return Ok(out);
    }
    // ConsumerGroupCommandOptions.checkArgs: each action names itself and the group scopes it
    // takes (a HashSet, printed here in one fixed order).
    if p.has("delete-offsets") && (!p.has("group") || !p.has("topic")) {
        return Err(ShellError::new("Option [delete-offsets] takes the following options: [topic], [group]"));
    }
    if !p.has("group") && !p.has("all-groups") {
        let action = ["describe", "delete", "reset-offsets"].into_iter().find(|a| p.has(a)).unwrap_or("describe");
        return Err(ShellError::new(format!("Option [{action}] takes one of these options: [all-groups], [group]")));
    }
    if p.has("reset-offsets") {
        if p.has("dry-run") && p.has("execute") {
            return Err(ShellError::new("Option [reset-offsets] only accepts one of [execute] and [dry-run]"));
        }
        // checkInvalidArgs for each scenario against the others, in checkArgs' order.
        for used in ["to-offset", "to-datetime", "by-duration", "to-earliest", "to-latest", "to-current", "shift-by", "from-file"] {
            if let Some(other) = SCENARIOS.iter().find(|o| **o != used && p.has(used) && p.has(o)) {
                return Err(ShellError::new(format!("Option \"[{used}]\" can't be used with option \"[{other}]\"")));
            }
        }
    }
    let groups: Vec<String> = if p.has("all-groups") {
        shell.sim.group_ids().iter().map(|g| g.to_string()).collect()
    } else {
        p.all("group").into_iter().map(String::from).collect()
    };
    if p.has("describe") {
        let mut out = String::new();
        for g in &groups {
            out.push_str(&describe(shell, &p, g));
        }
        return Ok(out);
    }
    if p.has("delete") {
        return delete(shell, &groups);
    }
    if p.has("delete-offsets") {
        let topic = p.get("topic").unwrap_or_default();
        let gone = shell.sim.delete_group_offsets(&groups[0], topic)?;
        let mut out = format!("Request succeed for deleting offsets with topic {topic} group {}\n", groups[0]);
        out.push_str(&format!("\n{} {} {}\n", pad("TOPIC", 30), pad("PARTITION", 10), "STATUS"));
        for tp in gone {
            out.push_str(&format!("{} {} {}\n", pad(&tp.topic, 30), pad(&tp.partition.to_string(), 10), "Successful"));
        }
        return Ok(out);
    }
    reset_offsets(shell, &p, &groups)
}

/// `shouldPrintMemberState`: the notices that come before a table (stdout for errors,
/// stderr for the others; both go to the terminal).
fn notice(d: &Option<GroupDescription>, group: &str) -> (Option<String>, bool) {
    match d {
        None => (Some(format!("\nError: The consumer group '{group}' does not exist.\n")), false),
        Some(d) => match d.state {
            GroupState::Dead => (Some(format!("\nError: Consumer group '{group}' does not exist.\n")), false),
            GroupState::Empty => (Some(format!("\nConsumer group '{group}' has no active members.\n")), true),
            GroupState::PreparingRebalance | GroupState::CompletingRebalance => (Some(format!("\nWarning: Consumer group '{group}' is rebalancing.\n")), true),
            GroupState::Stable => (None, true),
        },
    }
}

fn describe(shell: &Shell, p: &Parsed, group: &str) -> String {
    let d = shell.sim.describe_group(group);
    let (pre, go_on) = notice(&d, group);
    let mut out = pre.unwrap_or_default();
    let Some(d) = d.filter(|_| go_on) else { return out };
    if p.has("state") {
        let coordinator = format!("{}  ({})", broker_address(d.coordinator), d.coordinator);
        let w = 25usize.max(coordinator.len());
        out.push_str(&format!("\n{} {} {} {} {}", pad("GROUP", w), pad("COORDINATOR (ID)", 25), pad("ASSIGNMENT-STRATEGY", 20), pad("STATE", 15), "#MEMBERS"));
        out.push_str(&format!(
            "\n{} {} {} {} {}\n",
            pad(&d.group, w),
            pad(&coordinator, 25),
            pad(d.protocol.map_or("", |a| a.name()), 20),
            pad(&d.state.to_string(), 15),
            d.members.len()
        ));
        return out;
    }
    if p.has("members") {
        let with_static = d.members.iter().any(|m| m.group_instance_id.is_some());
        let g = 15usize.max(d.group.len());
        let c = 15usize.max(d.members.iter().map(|m| m.member_id.len()).max().unwrap_or(0));
        let i = 17usize.max(d.members.iter().map(|m| m.group_instance_id.as_deref().unwrap_or(MISSING).len()).max().unwrap_or(0));
        let h = 15usize.max(d.members.iter().map(|m| m.host.len()).max().unwrap_or(0));
        let cl = 15usize.max(d.members.iter().map(|m| m.client_id.len()).max().unwrap_or(0));
        let row = |a: &str, b: &str, inst: &str, host: &str, client: &str, n: &str| {
            if with_static {
                format!("{} {} {} {} {} {} ", pad(a, g), pad(b, c), pad(inst, i), pad(host, h), pad(client, cl), pad(n, 15))
            } else {
                format!("{} {} {} {} {} ", pad(a, g), pad(b, c), pad(host, h), pad(client, cl), pad(n, 15))
            }
        };
        out.push_str(&format!("\n{}", row("GROUP", "CONSUMER-ID", "GROUP-INSTANCE-ID", "HOST", "CLIENT-ID", "#PARTITIONS")));
        if p.has("verbose") {
            out.push_str("ASSIGNMENT");
        }
        for m in &d.members {
            out.push('\n');
            out.push_str(&row(
                &d.group,
                &m.member_id,
                m.group_instance_id.as_deref().unwrap_or(MISSING),
                &m.host,
                &m.client_id,
                &m.assignment.len().to_string(),
            ));
            if p.has("verbose") {
                out.push_str(&assignment_string(&m.assignment));
            }
        }
        out.push('\n');
        return out;
    }
    // --offsets (the default view).
    struct Row {
        topic: String,
        partition: i32,
        current: String,
        leo: String,
        lag: String,
        consumer: String,
        host: String,
        client: String,
    }
    let mut rows = Vec::new();
    let mut members: Vec<_> = d.members.iter().filter(|m| !m.assignment.is_empty()).collect();
    crate::sort::sort_by(&mut members, |a, b| b.assignment.len().cmp(&a.assignment.len()));
    let value = |tp: &TopicPartition| {
        let committed = d.committed.get(tp).copied();
        let leo = shell.sim.latest_offset(tp);
        let lag = match (committed, leo) {
            (Some(c), Some(l)) if c >= 0 => (l - c).to_string(),
            _ => MISSING.to_string(),
        };
        (committed.map_or(MISSING.to_string(), |c| c.to_string()), leo.map_or(MISSING.to_string(), |l| l.to_string()), lag)
    };
    let mut owned = crate::vecmap::VecSet::new();
    for m in members {
        let mut parts = m.assignment.clone();
        crate::sort::sort(&mut parts);
        for tp in parts {
            let (current, leo, lag) = value(&tp);
            owned.insert(tp.clone());
            rows.push(Row {
                topic: tp.topic.to_string(),
                partition: tp.partition,
                current,
                leo,
                lag,
                consumer: m.member_id.clone(),
                host: m.host.clone(),
                client: m.client_id.to_string(),
            });
        }
    }
    for tp in d.committed.keys().filter(|tp| !owned.contains(*tp)) {
        let (current, leo, lag) = value(tp);
        rows.push(Row {
            topic: tp.topic.to_string(),
            partition: tp.partition,
            current,
            leo,
            lag,
            consumer: MISSING.into(),
            host: MISSING.into(),
            client: MISSING.into(),
        });
    }
    if rows.is_empty() && d.state == GroupState::Empty {
        return out;
    }
    let gw = 15usize.max(d.group.len());
    let tw = 15usize.max(rows.iter().map(|r| r.topic.len()).max().unwrap_or(1));
    let cw = 15usize.max(rows.iter().map(|r| r.consumer.len()).max().unwrap_or(1));
    let hw = 15usize.max(rows.iter().map(|r| r.host.len()).max().unwrap_or(1));
    let line = |a: &str, t: &str, p: &str, c: &str, l: &str, lag: &str, cons: &str, h: &str, cl: &str| {
        format!("\n{} {} {} {} {} {} {} {} {}", pad(a, gw), pad(t, tw), pad(p, 10), pad(c, 15), pad(l, 15), pad(lag, 15), pad(cons, cw), pad(h, hw), cl)
    };
    out.push_str(&line("GROUP", "TOPIC", "PARTITION", "CURRENT-OFFSET", "LOG-END-OFFSET", "LAG", "CONSUMER-ID", "HOST", "CLIENT-ID"));
    for r in &rows {
        out.push_str(&line(&d.group, &r.topic, &r.partition.to_string(), &r.current, &r.leo, &r.lag, &r.consumer, &r.host, &r.client));
    }
    out.push('\n');
    out
}

/// `topic(p1,p2), topic2(p)`: partitions sorted as strings, groups sorted as strings.
fn assignment_string(a: &[TopicPartition]) -> String {
    if a.is_empty() {
        return MISSING.to_string();
    }
    let mut by_topic: VecMap<String, Vec<String>> = VecMap::new();
    for tp in a {
        by_topic.entry(tp.topic.to_string()).or_default().push(tp.partition.to_string());
    }
    let mut parts: Vec<String> = by_topic
        .into_iter()
        .map(|(t, mut ps)| {
            crate::sort::sort(&mut ps);
            format!("{t}({})", ps.join(","))
        })
        .collect();
    crate::sort::sort(&mut parts);
    parts.join(", ")
}

fn delete(shell: &mut Shell, groups: &[String]) -> Result<String, ShellError> {
    let mut ok = Vec::new();
    let mut failed = Vec::new();
    for g in groups {
        match shell.sim.delete_group(g) {
            Ok(()) => ok.push(format!("'{g}'")),
            Err(e) => failed.push(format!("* Group '{g}' could not be deleted due to: {e}")),
        }
    }
    let mut out = String::new();
    if !ok.is_empty() {
        out.push_str(&format!("Deletion of requested consumer groups ({}) was successful.\n", ok.join(", ")));
    }
    if !failed.is_empty() {
        out.push_str(&format!("Deletion of some consumer groups failed:\n{}\n", failed.join("\n")));
        return Err(ShellError::new(out.trim_end().to_string()));
    }
    Ok(out)
}

/// `allResetOffsetScenarioOpts`, in the order ConsumerGroupCommandOptions lists them (it is a
/// HashSet, so Kafka's own order varies).
const SCENARIOS: [&str; 8] = ["to-offset", "shift-by", "to-datetime", "by-duration", "to-earliest", "to-latest", "to-current", "from-file"];

fn reset_offsets(shell: &mut Shell, p: &Parsed, groups: &[String]) -> Result<String, ShellError> {
    if usize::from(p.has("dry-run")) + usize::from(p.has("execute")) == 0 {
        // Kafka 3.x/4.x: with neither, it is a dry run and says so.
        return reset_offsets_inner(shell, p, groups, false).map(|s| format!("WARN: No action will be performed as the --execute option is missing. In a future major release, the default behavior of this command will be to prompt the user before executing the reset rather than doing a dry run. You should add the --dry-run option explicitly if you are scripting this command and want to keep the current default behavior without prompting.\n{s}"));
    }
    reset_offsets_inner(shell, p, groups, p.has("execute"))
}

fn reset_offsets_inner(shell: &mut Shell, p: &Parsed, groups: &[String], execute: bool) -> Result<String, ShellError> {
    let mut out = String::new();
    for g in groups {
        let d = shell.sim.describe_group(g);
        if let Some(d) = &d {
            if d.state != GroupState::Empty && d.state != GroupState::Dead {
                return Err(ShellError::new(format!(
                    "\nError: Assignments can only be reset if the group '{g}' is inactive, but the current state is {}.",
                    d.state
                )));
            }
        }
        let committed = d.map(|d| d.committed).unwrap_or_default();
        let mut partitions: Vec<TopicPartition> = Vec::new();
        // getPartitionsToReset: --all-topics (the group's committed partitions) wins over
        // --topic; with neither it is a usage error.
        if p.has("all-topics") {
            partitions.extend(committed.keys().cloned());
        } else if !p.has("topic") {
            return Err(ShellError::new("One of the reset scopes should be defined: --all-topics, --topic."));
        }
        for t in p.all("topic").into_iter().filter(|_| !p.has("all-topics")) {
            let (name, list) = match t.split_once(':') {
                Some((n, l)) => (n, Some(l)),
                None => (t, None),
            };
            let Some(info) = shell.sim.controller().topics.get(name) else {
                return Err(ShellError::new(format!("Error: Executing consumer group command failed due to org.apache.kafka.common.errors.UnknownTopicOrPartitionException: This server does not host this topic-partition. ({name})")));
            };
            match list {
                None => partitions.extend((0..info.partitions.len() as i32).map(|i| TopicPartition::new(name, i))),
                Some(l) => {
                    for x in l.split(',') {
                        let n: i32 = x.trim().parse().map_err(|_| ShellError::new(format!("Invalid partition '{x}' in --topic {t}: write topic:0,1")))?;
                        // A partition the topic does not have: the broker answers the offset
                        // lookup (and a commit) with UNKNOWN_TOPIC_OR_PARTITION; no offset is
                        // stored for it.
                        if n < 0 || n as usize >= info.partitions.len() {
                            return Err(ShellError::new(format!("Error: Executing consumer group command failed due to org.apache.kafka.common.errors.UnknownTopicOrPartitionException: This server does not host this topic-partition. ({name}-{n})")));
                        }
                        partitions.push(TopicPartition::new(name, n));
                    }
                }
            }
        }
        // prepareOffsetsToReset ends with this when no scenario was given.
        if !SCENARIOS.iter().any(|s| p.has(s)) {
            return Err(ShellError::new(format!(
                "Option '[reset-offsets]' requires one of the following scenarios: [{}]",
                SCENARIOS.iter().map(|s| format!("[{s}]")).collect::<Vec<_>>().join(", ")
            )));
        }
        if p.has("from-file") {
            return Err(ShellError::new("--from-file reads a CSV plan from a file, and the simulator has no files: give each partition with --topic topic:partition and --to-offset instead"));
        }
        crate::sort::sort(&mut partitions);
        partitions.dedup();
        let mut new = Vec::new();
        for tp in &partitions {
            let earliest = shell.sim.earliest_offset(tp).unwrap_or(0);
            let latest = shell.sim.latest_offset(tp).unwrap_or(0);
            let current = committed.get(tp).copied().unwrap_or(latest);
            let target = if p.has("to-earliest") {
                earliest
            } else if p.has("to-latest") {
                latest
            } else if let Some(o) = p.int("to-offset")? {
                o
            } else if let Some(s) = p.int("shift-by")? {
                current + s
            } else if p.has("to-current") {
                // The committed offset, or the log end where there is none.
                current
            } else if let Some(spec) = p.get("by-duration") {
                // Now (virtual time) minus the duration, then as --to-datetime.
                let ms = parse_duration_ms(spec)
                    .ok_or_else(|| ShellError::new("Error: Executing consumer group command failed due to Text cannot be parsed to a Duration"))?;
                shell.sim.offset_for_timestamp(tp, crate::sim::types::wall_clock_ms(shell.sim.now()) - ms).unwrap_or(latest)
            } else {
                // The first offset whose timestamp is at or after the datetime (ListOffsets by
                // timestamp); the log end when there is none.
                let spec = p.get("to-datetime").unwrap_or("");
                let ts = parse_datetime(spec).ok_or_else(|| {
                    ShellError::new(format!("Error parsing timestamp. It does not conform to the format yyyy-MM-dd'T'HH:mm:SS.sss: {spec} (the simulator's clock starts at 2026-01-05T09:00:00.000)"))
                })?;
                shell.sim.offset_for_timestamp(tp, ts).unwrap_or(latest)
            };
            // Out-of-range targets are clamped to the log, with the warning Kafka logs
            // (ConsumerGroupCommand.checkOffsetsRange), before the table as on a terminal.
            let clamped = target.clamp(earliest, latest);
            if target > latest {
                out.push_str(&format!("WARN New offset ({target}) is higher than latest offset for topic partition {tp}. Value will be set to {latest} (org.apache.kafka.tools.consumer.group.ConsumerGroupCommand)\n"));
            } else if target < earliest {
                out.push_str(&format!("WARN New offset ({target}) is lower than earliest offset for topic partition {tp}. Value will be set to {earliest} (org.apache.kafka.tools.consumer.group.ConsumerGroupCommand)\n"));
            }
            new.push((tp.clone(), clamped));
        }
        if execute {
            shell.sim.reset_group_offsets(g, new.clone())?;
        }
        out.push_str(&format!("\n{} {} {} {}", pad("GROUP", 30), pad("TOPIC", 30), pad("PARTITION", 10), pad("NEW-OFFSET", 15)));
        for (tp, o) in &new {
            out.push_str(&format!("\n{} {} {} {}", pad(g, 30), pad(&tp.topic, 30), pad(&tp.partition.to_string(), 10), pad(&o.to_string(), 15)));
        }
        out.push('\n');
    }
    Ok(out)
}

/// java.time.Duration.parse: `[-+]PnDTnHnMn.nS` (ISO-8601, any case; every number may have a
/// sign; at least one part, and a `T` must have one after it), in milliseconds. The
/// nanoseconds past the millisecond are dropped.
fn parse_duration_ms(s: &str) -> Option<i64> {
    let s = s.trim().to_ascii_uppercase();
    let (sign, rest) = match s.strip_prefix('-') {
        Some(r) => (-1, r),
        None => (1, s.strip_prefix('+').unwrap_or(&s)),
    };
    let rest = rest.strip_prefix('P')?;
    let (date, time) = match rest.split_once('T') {
        Some((d, t)) => (d, Some(t)),
        None => (rest, None),
    };
    let number = |t: &str| -> Option<i64> {
        let digits = t.strip_prefix(['-', '+']).unwrap_or(t);
        (!digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())).then(|| t.parse::<i64>().ok()).flatten()
    };
    let mut ms: i64 = 0;
    let mut parts = 0;
    if !date.is_empty() {
        ms = ms.checked_add(number(date.strip_suffix('D')?)?.checked_mul(86_400_000)?)?;
        parts += 1;
    }
    if let Some(mut t) = time {
        if t.is_empty() {
            return None;
        }
        for (unit, scale) in [('H', 3_600_000i64), ('M', 60_000)] {
            if let Some(i) = t.find(unit) {
                ms = ms.checked_add(number(&t[..i])?.checked_mul(scale)?)?;
                t = &t[i + 1..];
                parts += 1;
            }
        }
        if !t.is_empty() {
            let secs = t.strip_suffix('S')?;
            let (whole, frac) = match secs.split_once(['.', ',']) {
                Some((w, f)) if f.len() <= 9 && f.bytes().all(|b| b.is_ascii_digit()) => (w, f),
                Some(_) => return None,
                None => (secs, ""),
            };
            let w = number(whole)?;
            let f: i64 = format!("{frac:0<3}")[..3].parse().ok()?;
            ms = ms.checked_add(w.checked_mul(1_000)?.checked_add(if whole.starts_with('-') { -f } else { f })?)?;
            parts += 1;
        }
    }
    (parts > 0).then_some(sign * ms)
}

/// `yyyy-MM-dd'T'HH:mm:SS.sss` (optionally without the milliseconds, or with a trailing Z) as
/// milliseconds since the epoch. The simulation's virtual clock starts at the epoch.
fn parse_datetime(s: &str) -> Option<i64> {
    let s = s.trim().trim_end_matches('Z');
    let (date, time) = s.split_once('T')?;
    let mut d = date.split('-').map(|x| x.parse::<i64>().ok());
    let (y, m, day) = (d.next()??, d.next()??, d.next()??);
    let (hms, ms) = match time.split_once('.') {
        Some((a, b)) => (a, b.parse::<i64>().ok()?),
        None => (time, 0),
    };
    let mut t = hms.split(':').map(|x| x.parse::<i64>().ok());
    let (h, mi, sec) = (t.next()??, t.next()??, t.next().unwrap_or(Some(0))?);
    if !(1..=12).contains(&m) || !(1..=31).contains(&day) || h > 23 || mi > 59 || sec > 59 || !(0..1000).contains(&ms) {
        return None;
    }
    // Days from the civil date (Howard Hinnant's algorithm).
    let y2 = if m <= 2 { y - 1 } else { y };
    let era = y2.div_euclid(400);
    let yoe = y2 - era * 400;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    Some(((days * 24 + h) * 60 + mi) * 60_000 + sec * 1_000 + ms)
}

#[cfg(test)]
mod tests {
    use super::{parse_datetime, parse_duration_ms};
    use crate::shell::Shell;

    /// The reset-offsets errors listed scenarios (--by-duration, --from-file, --to-current) the
    /// parser then refused as unknown options. Every option an error names must be one the
    /// tool accepts.
    #[test]
    fn reset_offsets_errors_list_only_options_the_parser_accepts() {
        let mut sh = Shell::new(2);
        sh.execute("kafka-topics.sh --bootstrap-server localhost:9092 --create --topic t", &[]).unwrap();
        let base = "kafka-consumer-groups.sh --bootstrap-server localhost:9092 --reset-offsets --dry-run";
        let mut named = Vec::new();
        for cmd in [format!("{base} --group g --topic t"), format!("{base} --group g --to-earliest"), format!("{base} --topic t --to-earliest")] {
            let e = sh.execute(&cmd, &[]).unwrap_err().message;
            // `[name]` (joptsimple's OptionSpec) and `--name` both name an option.
            for piece in e.split(['[', ']', ',', ' ', '.']) {
                if let Some(n) = piece.strip_prefix("--").or_else(|| (!piece.is_empty() && e.contains(&format!("[{piece}]"))).then_some(piece)) {
                    named.push(n.to_string());
                }
            }
        }
        named.retain(|n| n != "reset-offsets");
        assert!(named.len() >= 12, "{named:?}");
        for name in named {
            let value = if ["to-offset", "shift-by"].contains(&name.as_str()) {
                " 0"
            } else if ["to-datetime", "by-duration", "from-file", "topic", "group"].contains(&name.as_str()) {
                " x"
            } else {
                ""
            };
            let e = sh.execute(&format!("kafka-consumer-groups.sh --bootstrap-server localhost:9092 --describe --{name}{value}"), &[]);
            assert!(!e.as_ref().is_err_and(|e| e.message.starts_with("unknown option")), "--{name}: {e:?}");
        }
    }

    #[test]
    fn durations_as_java_parses_them() {
        assert_eq!(parse_duration_ms("PT10M"), Some(600_000));
        assert_eq!(parse_duration_ms("P1DT2H"), Some(93_600_000));
        assert_eq!(parse_duration_ms("pt1.5s"), Some(1_500));
        assert_eq!(parse_duration_ms("-PT5S"), Some(-5_000));
        assert_eq!(parse_duration_ms("PT-1H30M"), Some(-1_800_000));
        assert_eq!(parse_duration_ms("P2D"), Some(172_800_000));
        for bad in ["", "P", "PT", "10M", "PT10", "P1H", "PTM", "PT1.S5"] {
            assert_eq!(parse_duration_ms(bad), None, "{bad}");
        }
    }

    #[test]
    fn datetimes() {
        assert_eq!(parse_datetime("1970-01-01T00:00:05.000"), Some(5_000));
        assert_eq!(parse_datetime("1970-01-02T00:00:00"), Some(86_400_000));
        assert_eq!(parse_datetime("2024-02-29T12:00:00.000Z"), Some(1_709_208_000_000));
        assert_eq!(parse_datetime("yesterday"), None);
        assert_eq!(parse_datetime("1970-13-01T00:00:00"), None);
    }
}
