//! What the learner clicked on, in full, with the faults that apply to it. Every button sends
//! the console command it stands for, so the console shows (and teaches) it.
use yew::prelude::*;

use crate::app::state::{Action, Selection};
use crate::sim::assignor::Assignor;
use crate::sim::view::SimView;
use crate::sim::NodeId;

fn command_button(dispatch: &Callback<Action>, label: &str, command: String, testid: &str) -> Html {
    let d = dispatch.clone();
    let c = command.clone();
    html! {
        <button onclick={Callback::from(move |_: MouseEvent| d.emit(Action::Line(c.clone())))} title={command} data-testid={testid.to_string()}>{ label }</button>
    }
}

/// One table of the panel: caption, column headings, then rows of text whose first cell heads
/// its row, as one string (`app::html::table`): a table takes no events.
fn table(class: &'static str, caption: String, columns: &[&'static str], rows: Vec<Vec<String>>) -> Html {
    Html::from_html_unchecked(AttrValue::from(crate::app::html::table(class, &caption, columns, &rows)))
}

/// Rows of the broker's replica table: thousands of partitions would make every step re-render
/// a page-long table; the caption says how many there are and where to see them all.
const MAX_TABLE_ROWS: usize = 100;

fn replicas_caption(n: usize) -> String {
    if n > MAX_TABLE_ROWS {
        format!("Replicas on this broker: the first {MAX_TABLE_ROWS} of {n} (kafka-topics.sh --describe lists them all)")
    } else {
        "Replicas on this broker".to_string()
    }
}

fn role(online: bool, is_leader: bool) -> &'static str {
    if !online {
        "✕ offline"
    } else if is_leader {
        "★ leader"
    } else {
        "○ follower"
    }
}

/// The newest records on a partition's leader. A Headers column (`k:v` pairs, as
/// kafka-console-consumer.sh's print.headers shows them) appears when one of them has headers.
fn records_table(log: &crate::sim::view::ReplicaView) -> Html {
    let with_headers = log.tail.iter().any(|r| !r.headers.is_empty());
    let columns: &[&'static str] =
        if with_headers { &["Offset", "Epoch", "Headers", "Key", "Value", "Committed"] } else { &["Offset", "Epoch", "Key", "Value", "Committed"] };
    let rows = log
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
    table("records", format!("The newest records on the leader ({} in the log)", log.log_end_offset - log.log_start_offset), columns, rows)
}

/// The panel. A plain function, not a component: it shows the view, which changes on every
/// step, so comparing props first would rarely skip a render.
pub fn details(v: &SimView, selected: Option<&Selection>, d: &Callback<Action>) -> Html {
    let close = {
        let d = d.clone();
        Callback::from(move |_: MouseEvent| d.emit(Action::Select(None)))
    };
    let body = match selected {
        None => {
            return super::markup(
                r#"<section class="details empty" aria-label="Details" data-testid="details"><p>Click (or focus and press Enter on) a broker, a partition's row, a client or a group to see everything about it here.</p></section>"#,
            )
        }
        Some(Selection::Broker(id)) => match v.brokers.iter().find(|b| b.id == *id) {
            None => html! { <p>{ format!("Broker {id} is gone (the cluster was reset).") }</p> },
            Some(b) => {
                let user: Vec<_> = b.replicas.iter().filter(|r| !r.tp.topic.starts_with("__")).collect();
                html! {
                <>
                    <h2>{ format!("Broker {id}") }</h2>
                    <p>{ format!("State: {}{}{}.", b.state, if b.fenced && b.up { ", fenced by the controller" } else { "" }, if b.paused { ", paused (handles nothing)" } else { "" }) }</p>
                    { table("replicas", replicas_caption(user.len()), &["Partition", "Role", "Epoch", "Log start", "HW", "LEO", "ISR"],
                        user.iter().take(MAX_TABLE_ROWS).map(|r| vec![
                            r.tp.to_string(), role(r.online, r.is_leader).into(), r.leader_epoch.to_string(), r.log_start_offset.to_string(),
                            r.high_watermark.to_string(), r.log_end_offset.to_string(), if r.in_isr { "✓ in" } else { "⊘ out" }.into(),
                        ]).collect()) }
                    <div class="actions" role="group" aria-label={format!("Faults for broker {id}")}>
                        if b.up {
                            { command_button(d, "Kill (hard)", format!("kill broker {id}"), "fault-kill") }
                            { command_button(d, "Stop (clean)", format!("stop broker {id}"), "fault-stop") }
                            { command_button(d, "Isolate from the network", format!("isolate broker {id}"), "fault-isolate") }
                            if b.paused {
                                { command_button(d, "Resume", format!("resume broker {id}"), "fault-resume") }
                            } else {
                                { command_button(d, "Pause (GC)", format!("pause broker {id}"), "fault-pause") }
                            }
                        } else {
                            { command_button(d, "Restart", format!("start broker {id}"), "fault-start") }
                        }
                        if v.network_partitioned {
                            { command_button(d, "Heal the network", "heal".to_string(), "fault-heal") }
                        }
                    </div>
                </>
                }
            }
        },
        Some(Selection::Partition(tp)) => {
            let meta = v.topics.iter().find(|t| *t.name == *tp.topic).and_then(|t| t.partitions.get(tp.partition as usize));
            let leader_log =
                v.brokers.iter().flat_map(|b| b.replicas.iter().map(move |r| (b, r))).find(|(_, r)| r.tp == *tp && r.is_leader).map(|(_, r)| r.clone());
            html! {
                <>
                    <h2>{ format!("Partition {tp}") }</h2>
                    if let Some(m) = meta {
                        <p>{ format!(
                            "Leader: {}. Epoch {}. Replicas [{}], in sync [{}].{}",
                            m.leader.map_or("none".to_string(), |l| format!("broker {l}")),
                            m.leader_epoch,
                            m.replicas.iter().map(|r| r.to_string()).collect::<Vec<_>>().join(", "),
                            m.isr.iter().map(|r| r.to_string()).collect::<Vec<_>>().join(", "),
                            if m.recovering { " Recovering after an unclean election." } else { "" }
                        ) }</p>
                    }
                    { table("replicas", "Each replica's log".into(), &["Broker", "Role", "Log start", "HW", "LEO"],
                        v.brokers.iter().filter_map(|b| b.replicas.iter().find(|r| r.tp == *tp).map(|r| vec![
                            b.id.to_string(), format!("{}{}", role(r.online, r.is_leader), if r.in_isr { "" } else { ", ⊘ out of ISR" }),
                            r.log_start_offset.to_string(), r.high_watermark.to_string(), r.log_end_offset.to_string(),
                        ])).collect()) }
                    if let Some(log) = leader_log {
                        { records_table(&log) }
                    }
                </>
            }
        }
        Some(Selection::Client(id)) => match v.clients.iter().find(|c| c.id == *id) {
            None => super::markup("<p>That client is gone (the cluster was reset).</p>"),
            Some(c) => {
                let paused = v.paused.contains(&NodeId::Client(c.id));
                html! {
                    <>
                        <h2>{ format!("{} {}", if c.is_producer { "Producer" } else { "Consumer" }, c.name) }</h2>
                        if c.is_producer {
                            <p>{ format!("{} records acknowledged, {} waiting, {} failed.", c.acked, c.pending, c.failed) }</p>
                        } else {
                            <p>{ format!("{} records read. ", c.consumed) }
                               { match &c.group { Some((g, gen)) => format!("Member of group {g}, generation {gen}."), None => "Not in a group: reads the partitions it was given.".to_string() } }</p>
                            { table("replicas", "Assigned partitions and positions".into(), &["Partition", "Position (next offset to read)"],
                                c.positions.iter().map(|(tp, pos)| vec![tp.to_string(), pos.map_or("unknown yet".to_string(), |p| p.to_string())]).collect()) }
                        }
                        <div class="actions" role="group" aria-label={format!("Faults for {}", c.name)}>
                            if c.running {
                                { command_button(d, "Crash", format!("kill client {}", c.name), "fault-crash") }
                                if !c.is_producer {
                                    { command_button(d, "Slow down (2 s per poll)", format!("slow client {} 2s", c.name), "fault-slow") }
                                    { command_button(d, "Full speed", format!("slow client {} 0ms", c.name), "fault-fast") }
                                }
                                if paused {
                                    { command_button(d, "Resume", format!("resume client {}", c.name), "fault-resume") }
                                } else {
                                    { command_button(d, "Freeze (pause)", format!("pause client {}", c.name), "fault-pause") }
                                }
                            }
                        </div>
                    </>
                }
            }
        },
        Some(Selection::Group(g)) => match v.groups.iter().find(|x| *x.id == **g) {
            None => {
                html! { <><h2>{ format!("Group {g}") }</h2><p>{ "No running coordinator holds this group right now (its coordinator may be down and another loading it)." }</p></> }
            }
            Some(gv) => html! {
                <>
                    <h2>{ format!("Group {g}") }</h2>
                    <p>{ format!(
                        "State {}, generation {}, assignor {} ({} rebalancing). Coordinator: broker {}.",
                        gv.state,
                        gv.generation,
                        gv.protocol.map_or("none yet", Assignor::name),
                        if gv.protocol == Some(Assignor::CooperativeSticky) { "cooperative: only moved partitions are revoked" } else { "eager: everyone gives everything back" },
                        gv.coordinator
                    ) }</p>
                    { table("replicas members", "Members and their assignment".into(), &["Member", "Client", "Partitions"],
                        gv.members.iter().map(|m| vec![
                            m.member_id.clone(), m.client.to_string(),
                            if m.assignment.is_empty() { "none".to_string() } else { m.assignment.iter().map(|t| t.to_string()).collect::<Vec<_>>().join(", ") },
                        ]).collect()) }
                </>
            },
        },
    };
    html! {
        <section class="details" aria-label="Details" data-testid="details">
            <button class="close" onclick={close} aria-label="Close details">{ "✕" }</button>
            { body }
        </section>
    }
}
