//! The details panel's content, built natively as escaped strings: what the learner clicked
//! on, in full, and the faults that apply to it. A fault button carries the console command it
//! stands for in `data-command`; the page sends it as a console line (so the console shows and
//! teaches it) from one delegated click handler. The text and the buttons are two strings: the
//! text changes on every step of a playing stage, the buttons only when what they offer does,
//! so a button keeps the keyboard's focus while the cluster runs.
use super::html::{escape, table};
use super::state::Selection;
use crate::sim::assignor::Assignor;
use crate::sim::view::{ReplicaView, SimView};
use crate::sim::NodeId;

/// Rows of the broker's replica table: thousands of partitions would make every step re-render
/// a page-long table; the caption says how many there are and where to see them all.
pub const MAX_TABLE_ROWS: usize = 100;

/// Shown when nothing is selected.
pub const EMPTY: &str = "<p>Click (or focus and press Enter on) a broker, a partition's row, a client or a group to see everything about it here.</p>";

fn role(online: bool, is_leader: bool) -> &'static str {
    if !online {
        "✕ offline"
    } else if is_leader {
        "★ leader"
    } else {
        "○ follower"
    }
}

fn heading(text: &str, out: &mut String) {
    out.push_str("<h2>");
    escape(text, out);
    out.push_str("</h2>");
}

fn para(text: &str, out: &mut String) {
    out.push_str("<p>");
    escape(text, out);
    out.push_str("</p>");
}

/// The newest records on a partition's leader. A Headers column (`k:v` pairs, as
/// kafka-console-consumer.sh's print.headers shows them) appears when one of them has headers.
fn records_table(log: &ReplicaView) -> String {
    let with_headers = log.tail.iter().any(|r| !r.headers.is_empty());
    let columns: &[&str] =
        if with_headers { &["Offset", "Epoch", "Headers", "Key", "Value", "Committed"] } else { &["Offset", "Epoch", "Key", "Value", "Committed"] };
    let rows: Vec<Vec<String>> = log
        .tail
        .iter()
        .rev()
        .map(|r| {
            let mut cells = vec![r.offset.to_string(), r.leader_epoch.to_string()];
            if with_headers {
                cells.push(if r.headers.is_empty() {
                    "none".to_string()
                } else {
                    r.headers.iter().map(|(k, v)| format!("{k}:{v}")).collect::<Vec<_>>().join(", ")
                });
            }
            cells.push(r.key.as_deref().unwrap_or("null").to_string());
            cells.push(r.value.as_deref().unwrap_or("null").to_string());
            cells.push(if r.offset < log.high_watermark { "✓ yes" } else { "not yet" }.into());
            cells
        })
        .collect();
    table("records", &format!("The newest records on the leader ({} in the log)", log.log_end_offset - log.log_start_offset), columns, &rows)
}

fn join<T: ToString>(items: impl Iterator<Item = T>) -> String {
    items.map(|x| x.to_string()).collect::<Vec<_>>().join(", ")
}

/// What the panel says about the selection, as HTML (every piece of text escaped).
pub fn details_text(v: &SimView, selected: &Selection) -> String {
    let mut out = String::new();
    match selected {
        Selection::Broker(id) => match v.brokers.iter().find(|b| b.id == *id) {
            None => para(&format!("Broker {id} is gone (the cluster was reset)."), &mut out),
            Some(b) => {
                heading(&format!("Broker {id}"), &mut out);
                para(
                    &format!(
                        "State: {}{}{}.",
                        b.state,
                        if b.fenced && b.up { ", fenced by the controller" } else { "" },
                        if b.paused { ", paused (handles nothing)" } else { "" }
                    ),
                    &mut out,
                );
                let user: Vec<_> = b.replicas.iter().filter(|r| !r.tp.topic.starts_with("__")).collect();
                let caption = if user.len() > MAX_TABLE_ROWS {
                    format!("Replicas on this broker: the first {MAX_TABLE_ROWS} of {} (kafka-topics.sh --describe lists them all)", user.len())
                } else {
                    "Replicas on this broker".to_string()
                };
                let rows: Vec<Vec<String>> = user
                    .iter()
                    .take(MAX_TABLE_ROWS)
                    .map(|r| {
                        vec![
                            r.tp.to_string(),
                            role(r.online, r.is_leader).into(),
                            r.leader_epoch.to_string(),
                            r.log_start_offset.to_string(),
                            r.high_watermark.to_string(),
                            r.log_end_offset.to_string(),
                            if r.in_isr { "✓ in" } else { "⊘ out" }.into(),
                        ]
                    })
                    .collect();
                out.push_str(&table("replicas", &caption, &["Partition", "Role", "Epoch", "Log start", "HW", "LEO", "ISR"], &rows));
            }
        },
        Selection::Partition(tp) => {
            heading(&format!("Partition {tp}"), &mut out);
            if let Some(m) = v.topics.iter().find(|t| *t.name == *tp.topic).and_then(|t| t.partitions.get(tp.partition as usize)) {
                para(
                    &format!(
                        "Leader: {}. Epoch {}. Replicas [{}], in sync [{}].{}",
                        m.leader.map_or("none".to_string(), |l| format!("broker {l}")),
                        m.leader_epoch,
                        join(m.replicas.iter()),
                        join(m.isr.iter()),
                        if m.recovering { " Recovering after an unclean election." } else { "" }
                    ),
                    &mut out,
                );
            }
            let rows: Vec<Vec<String>> = v
                .brokers
                .iter()
                .filter_map(|b| {
                    b.replicas.iter().find(|r| r.tp == *tp).map(|r| {
                        vec![
                            b.id.to_string(),
                            format!("{}{}", role(r.online, r.is_leader), if r.in_isr { "" } else { ", ⊘ out of ISR" }),
                            r.log_start_offset.to_string(),
                            r.high_watermark.to_string(),
                            r.log_end_offset.to_string(),
                        ]
                    })
                })
                .collect();
            out.push_str(&table("replicas", "Each replica's log", &["Broker", "Role", "Log start", "HW", "LEO"], &rows));
            if let Some(log) = v.brokers.iter().flat_map(|b| b.replicas.iter()).find(|r| r.tp == *tp && r.is_leader) {
                out.push_str(&records_table(log));
            }
        }
        Selection::Client(id) => match v.clients.iter().find(|c| c.id == *id) {
            None => para("That client is gone (the cluster was reset).", &mut out),
            Some(c) => {
                heading(&format!("{} {}", if c.is_producer { "Producer" } else { "Consumer" }, c.name), &mut out);
                if c.is_producer {
                    para(&format!("{} records acknowledged, {} waiting, {} failed.", c.acked, c.pending, c.failed), &mut out);
                } else {
                    let group = match &c.group {
                        Some((g, gen)) => format!("Member of group {g}, generation {gen}."),
                        None => "Not in a group: reads the partitions it was given.".to_string(),
                    };
                    para(&format!("{} records read. {group}", c.consumed), &mut out);
                    let rows: Vec<Vec<String>> =
                        c.positions.iter().map(|(tp, pos)| vec![tp.to_string(), pos.map_or("unknown yet".to_string(), |p| p.to_string())]).collect();
                    out.push_str(&table("replicas", "Assigned partitions and positions", &["Partition", "Position (next offset to read)"], &rows));
                }
            }
        },
        Selection::Group(g) => {
            heading(&format!("Group {g}"), &mut out);
            match v.groups.iter().find(|x| *x.id == **g) {
                None => para("No running coordinator holds this group right now (its coordinator may be down and another loading it).", &mut out),
                Some(gv) => {
                    para(
                        &format!(
                            "State {}, generation {}, assignor {} ({} rebalancing). Coordinator: broker {}.",
                            gv.state,
                            gv.generation,
                            gv.protocol.map_or("none yet", Assignor::name),
                            if gv.protocol == Some(Assignor::CooperativeSticky) {
                                "cooperative: only moved partitions are revoked"
                            } else {
                                "eager: everyone gives everything back"
                            },
                            gv.coordinator
                        ),
                        &mut out,
                    );
                    let rows: Vec<Vec<String>> = gv
                        .members
                        .iter()
                        .map(|m| {
                            vec![
                                m.member_id.clone(),
                                m.client.to_string(),
                                if m.assignment.is_empty() { "none".to_string() } else { join(m.assignment.iter()) },
                            ]
                        })
                        .collect();
                    out.push_str(&table("replicas members", "Members and their assignment", &["Member", "Client", "Partitions"], &rows));
                }
            }
        }
    }
    out
}

/// The faults that apply to the selection, as buttons carrying their console commands (empty
/// when none apply).
pub fn fault_buttons(v: &SimView, selected: &Selection) -> String {
    let mut buttons: Vec<(&str, String, &str)> = Vec::new();
    let owner = match selected {
        Selection::Broker(id) => {
            let Some(b) = v.brokers.iter().find(|b| b.id == *id) else { return String::new() };
            if b.up {
                buttons.push(("Kill (hard)", format!("kill broker {id}"), "fault-kill"));
                buttons.push(("Stop (clean)", format!("stop broker {id}"), "fault-stop"));
                buttons.push(("Isolate from the network", format!("isolate broker {id}"), "fault-isolate"));
                if b.paused {
                    buttons.push(("Resume", format!("resume broker {id}"), "fault-resume"));
                } else {
                    buttons.push(("Pause (GC)", format!("pause broker {id}"), "fault-pause"));
                }
            } else {
                buttons.push(("Restart", format!("start broker {id}"), "fault-start"));
            }
            if v.network_partitioned {
                buttons.push(("Heal the network", "heal".to_string(), "fault-heal"));
            }
            format!("broker {id}")
        }
        Selection::Client(id) => {
            let Some(c) = v.clients.iter().find(|c| c.id == *id) else { return String::new() };
            if c.running {
                buttons.push(("Crash", format!("kill client {}", c.name), "fault-crash"));
                if !c.is_producer {
                    buttons.push(("Slow down (2 s per poll)", format!("slow client {} 2s", c.name), "fault-slow"));
                    buttons.push(("Full speed", format!("slow client {} 0ms", c.name), "fault-fast"));
                }
                if v.paused.contains(&NodeId::Client(c.id)) {
                    buttons.push(("Resume", format!("resume client {}", c.name), "fault-resume"));
                } else {
                    buttons.push(("Freeze (pause)", format!("pause client {}", c.name), "fault-pause"));
                }
            }
            c.name.to_string()
        }
        Selection::Partition(_) | Selection::Group(_) => return String::new(),
    };
    let mut out = String::from("<div class=\"actions\" role=\"group\" aria-label=\"Faults for ");
    escape(&owner, &mut out);
    out.push_str("\">");
    for (label, command, testid) in buttons {
        out.push_str("<button type=\"button\" data-command=\"");
        escape(&command, &mut out);
        out.push_str("\" title=\"");
        escape(&command, &mut out);
        out.push_str("\" data-testid=\"");
        out.push_str(testid);
        out.push_str("\">");
        out.push_str(label);
        out.push_str("</button>");
    }
    out.push_str("</div>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::presets;
    use crate::session::Player;
    use crate::sim::TopicPartition;

    fn failover() -> Player {
        Player::new(presets::find("failover").expect("preset"), 42).expect("builds")
    }

    #[test]
    fn a_broker_shows_its_replicas_and_the_faults_that_apply() {
        let mut p = failover();
        let v = p.shell().sim.view(8);
        let text = details_text(&v, &Selection::Broker(1));
        assert!(text.starts_with("<h2>Broker 1</h2><p>State: ") && text.contains("<caption>Replicas on this broker</caption>"), "{text}");
        let buttons = fault_buttons(&v, &Selection::Broker(1));
        assert!(
            buttons.contains("data-command=\"kill broker 1\"") && buttons.contains("data-testid=\"fault-pause\"") && !buttons.contains("fault-start"),
            "{buttons}"
        );
        p.line("kill broker 1");
        let v = p.shell().sim.view(8);
        let buttons = fault_buttons(&v, &Selection::Broker(1));
        assert!(buttons.contains("data-command=\"start broker 1\"") && !buttons.contains("fault-kill"), "{buttons}");
        assert!(details_text(&v, &Selection::Broker(9)).contains("Broker 9 is gone"));
        assert_eq!(fault_buttons(&v, &Selection::Broker(9)), "");
    }

    #[test]
    fn a_partition_shows_each_replica_and_the_newest_records_escaped() {
        let mut p = failover();
        p.line("kafka-console-producer.sh --bootstrap-server localhost:9092 --topic orders --property parse.key=true --property key.separator=:");
        p.line("k<1>:v&\"2\"");
        p.end_of_input();
        let t = p.shell().sim.now();
        p.advance_to(t + 2_000);
        let v = p.shell().sim.view(8);
        let tp = (0..3)
            .map(|i| TopicPartition::new("orders", i))
            .find(|tp| details_text(&v, &Selection::Partition(tp.clone())).contains("k&lt;1&gt;"))
            .expect("the record");
        let text = details_text(&v, &Selection::Partition(tp));
        assert!(text.contains("<caption>Each replica&#39;s log</caption>") && text.contains("v&amp;&quot;2&quot;") && !text.contains("k<1>"), "{text}");
        assert_eq!(fault_buttons(&v, &Selection::Group("g".into())), "");
    }

    #[test]
    fn a_client_names_its_faults_with_its_name_escaped() {
        let p = failover();
        let v = p.shell().sim.view(8);
        let c = v.clients.iter().find(|c| !c.is_producer).expect("a consumer");
        let buttons = fault_buttons(&v, &Selection::Client(c.id));
        assert!(buttons.contains(&format!("data-command=\"slow client {} 2s\"", c.name)) && buttons.contains("fault-crash"), "{buttons}");
        assert!(details_text(&v, &Selection::Client(c.id)).contains("records read."));
    }
}
