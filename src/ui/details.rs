//! What the learner clicked on, in full, with the faults that apply to it. Every button sends
//! the console command it stands for, so the console shows (and teaches) it.
use std::rc::Rc;

use yew::prelude::*;

use super::state::{Action, Selection};
use crate::sim::view::SimView;
use crate::sim::NodeId;

#[derive(Properties, PartialEq)]
pub struct DetailsProps {
    pub view: Rc<SimView>,
    pub selected: Option<Selection>,
    pub dispatch: Callback<Action>,
}

fn command_button(dispatch: &Callback<Action>, label: &str, command: String, testid: &str) -> Html {
    let d = dispatch.clone();
    let c = command.clone();
    html! {
        <button onclick={Callback::from(move |_: MouseEvent| d.emit(Action::Line(c.clone())))} title={command} data-testid={testid.to_string()}>{ label }</button>
    }
}

#[function_component(Details)]
pub fn details(props: &DetailsProps) -> Html {
    let v = &props.view;
    let d = &props.dispatch;
    let close = {
        let d = d.clone();
        Callback::from(move |_: MouseEvent| d.emit(Action::Select(None)))
    };
    let body = match &props.selected {
        None => return html! {
            <section class="details empty" aria-label="Details" data-testid="details">
                <p>{ "Click (or focus and press Enter on) a broker, a partition's row, a client or a group to see everything about it here." }</p>
            </section>
        },
        Some(Selection::Broker(id)) => match v.brokers.iter().find(|b| b.id == *id) {
            None => html! { <p>{ format!("Broker {id} is gone (the cluster was reset).") }</p> },
            Some(b) => html! {
                <>
                    <h2>{ format!("Broker {id}") }</h2>
                    <p>{ format!("State: {}{}{}.", b.state, if b.fenced && b.up { ", fenced by the controller" } else { "" }, if b.paused { ", paused (handles nothing)" } else { "" }) }</p>
                    <table class="replicas">
                        <caption>{ "Replicas on this broker" }</caption>
                        <thead><tr><th scope="col">{ "Partition" }</th><th scope="col">{ "Role" }</th><th scope="col">{ "Epoch" }</th><th scope="col">{ "Log start" }</th><th scope="col">{ "HW" }</th><th scope="col">{ "LEO" }</th><th scope="col">{ "ISR" }</th></tr></thead>
                        <tbody>
                            { for b.replicas.iter().filter(|r| !r.tp.topic.starts_with("__")).map(|r| html! {
                                <tr key={r.tp.to_string()}>
                                    <th scope="row">{ r.tp.to_string() }</th>
                                    <td>{ if !r.online { "✕ offline" } else if r.is_leader { "★ leader" } else { "○ follower" } }</td>
                                    <td>{ r.leader_epoch }</td><td>{ r.log_start_offset }</td><td>{ r.high_watermark }</td><td>{ r.log_end_offset }</td>
                                    <td>{ if r.in_isr { "✓ in" } else { "⊘ out" } }</td>
                                </tr>
                            }) }
                        </tbody>
                    </table>
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
            },
        },
        Some(Selection::Partition(tp)) => {
            let meta = v.topics.iter().find(|t| *t.name == *tp.topic).and_then(|t| t.partitions.get(tp.partition as usize));
            let leader_log = v.brokers.iter().flat_map(|b| b.replicas.iter().map(move |r| (b, r))).find(|(_, r)| r.tp == *tp && r.is_leader).map(|(_, r)| r.clone());
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
                    <table class="replicas">
                        <caption>{ "Each replica's log" }</caption>
                        <thead><tr><th scope="col">{ "Broker" }</th><th scope="col">{ "Role" }</th><th scope="col">{ "Log start" }</th><th scope="col">{ "HW" }</th><th scope="col">{ "LEO" }</th></tr></thead>
                        <tbody>
                            { for v.brokers.iter().filter_map(|b| b.replicas.iter().find(|r| r.tp == *tp).map(|r| html! {
                                <tr key={b.id}>
                                    <th scope="row">{ b.id }</th>
                                    <td>{ if !r.online { "✕ offline" } else if r.is_leader { "★ leader" } else { "○ follower" } }{ if r.in_isr { "" } else { ", ⊘ out of ISR" } }</td>
                                    <td>{ r.log_start_offset }</td><td>{ r.high_watermark }</td><td>{ r.log_end_offset }</td>
                                </tr>
                            })) }
                        </tbody>
                    </table>
                    if let Some(log) = leader_log {
                        <table class="records">
                            <caption>{ format!("The newest records on the leader ({} in the log)", log.log_end_offset - log.log_start_offset) }</caption>
                            <thead><tr><th scope="col">{ "Offset" }</th><th scope="col">{ "Epoch" }</th><th scope="col">{ "Key" }</th><th scope="col">{ "Value" }</th><th scope="col">{ "Committed" }</th></tr></thead>
                            <tbody>
                                { for log.tail.iter().rev().map(|r| html! {
                                    <tr key={r.offset}>
                                        <td>{ r.offset }</td><td>{ r.leader_epoch }</td>
                                        <td>{ r.key.as_deref().unwrap_or("null") }</td><td>{ r.value.as_deref().unwrap_or("null") }</td>
                                        <td>{ if r.offset < log.high_watermark { "✓ yes" } else { "not yet" } }</td>
                                    </tr>
                                }) }
                            </tbody>
                        </table>
                    }
                </>
            }
        }
        Some(Selection::Client(id)) => match v.clients.iter().find(|c| c.id == *id) {
            None => html! { <p>{ "That client is gone (the cluster was reset)." }</p> },
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
                            <table class="replicas">
                                <caption>{ "Assigned partitions and positions" }</caption>
                                <thead><tr><th scope="col">{ "Partition" }</th><th scope="col">{ "Position (next offset to read)" }</th></tr></thead>
                                <tbody>
                                    { for c.positions.iter().map(|(tp, pos)| html! {
                                        <tr key={tp.to_string()}><th scope="row">{ tp.to_string() }</th><td>{ pos.map_or("unknown yet".to_string(), |p| p.to_string()) }</td></tr>
                                    }) }
                                </tbody>
                            </table>
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
            None => html! { <><h2>{ format!("Group {g}") }</h2><p>{ "No running coordinator holds this group right now (its coordinator may be down and another loading it)." }</p></> },
            Some(gv) => html! {
                <>
                    <h2>{ format!("Group {g}") }</h2>
                    <p>{ format!(
                        "State {}, generation {}, assignor {} ({} rebalancing). Coordinator: broker {}.",
                        gv.state,
                        gv.generation,
                        gv.protocol.unwrap_or("none yet"),
                        if gv.protocol == Some("cooperative-sticky") { "cooperative: only moved partitions are revoked" } else { "eager: everyone gives everything back" },
                        gv.coordinator
                    ) }</p>
                    <table class="replicas">
                        <caption>{ "Members and their assignment" }</caption>
                        <thead><tr><th scope="col">{ "Member" }</th><th scope="col">{ "Client" }</th><th scope="col">{ "Partitions" }</th></tr></thead>
                        <tbody>
                            { for gv.members.iter().map(|m| html! {
                                <tr key={m.member_id.clone()}>
                                    <td class="member-id">{ &m.member_id }</td><td>{ &*m.client }</td>
                                    <td>{ if m.assignment.is_empty() { "none".to_string() } else { m.assignment.iter().map(|t| t.to_string()).collect::<Vec<_>>().join(", ") } }</td>
                                </tr>
                            }) }
                        </tbody>
                    </table>
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
