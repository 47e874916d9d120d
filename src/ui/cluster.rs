//! The cluster as cards: one per broker, listing its replicas with role, offsets and ISR
//! membership. Role and state are spelled out and marked by shape, never by colour alone.
use yew::prelude::*;

use crate::sim::view::{BrokerView, ReplicaView};

#[derive(Properties, PartialEq)]
pub struct BrokerCardProps {
    pub broker: BrokerView,
    pub on_kill: Callback<i32>,
    pub on_stop: Callback<i32>,
    pub on_start: Callback<i32>,
}

#[function_component(BrokerCard)]
pub fn broker_card(props: &BrokerCardProps) -> Html {
    let b = &props.broker;
    let id = b.id;
    let status = if !b.up {
        "down"
    } else if b.fenced {
        "fenced"
    } else {
        "running"
    };
    let (icon, label) = match status {
        "down" => ("✕", "Down"),
        "fenced" => ("⚠", "Fenced"),
        _ => ("●", "Running"),
    };
    // The internal offsets topic has dozens of partitions: counted, not listed.
    let internal = b.replicas.iter().filter(|r| r.tp.topic.starts_with("__")).count();
    let leads = b.replicas.iter().filter(|r| r.tp.topic.starts_with("__") && r.is_leader).count();
    let kill = props.on_kill.reform(move |_: MouseEvent| id);
    let stop = props.on_stop.reform(move |_: MouseEvent| id);
    let start = props.on_start.reform(move |_: MouseEvent| id);
    html! {
        <article class={classes!("broker", status)} aria-labelledby={format!("broker-{id}-title")} data-testid={format!("broker-{id}")}>
            <header>
                <h3 id={format!("broker-{id}-title")}>{ format!("Broker {id}") }</h3>
                <span class="status"><span aria-hidden="true">{ icon }</span>{ format!(" {label}") }</span>
            </header>
            <table class="replicas">
                <caption class="visually-hidden">{ format!("Replicas on broker {id}") }</caption>
                <thead><tr><th scope="col">{ "Partition" }</th><th scope="col">{ "Role" }</th><th scope="col">{ "LEO" }</th><th scope="col">{ "HW" }</th><th scope="col">{ "ISR" }</th></tr></thead>
                <tbody>
                    { for b.replicas.iter().filter(|r| !r.tp.topic.starts_with("__")).map(|r| html! { <ReplicaRow key={r.tp.to_string()} replica={r.clone()} /> }) }
                </tbody>
            </table>
            if internal > 0 {
                <p class="internal">{ format!("+ {internal} replicas of __consumer_offsets ({leads} led here)") }</p>
            }
            <div class="actions">
                if b.up {
                    <button onclick={kill} aria-label={format!("Kill broker {id} (hard)")}>{ "Kill" }</button>
                    <button onclick={stop} aria-label={format!("Stop broker {id} cleanly")}>{ "Stop" }</button>
                } else {
                    <button onclick={start} aria-label={format!("Start broker {id}")}>{ "Start" }</button>
                }
            </div>
        </article>
    }
}

#[derive(Properties, PartialEq)]
pub struct ReplicaRowProps {
    pub replica: ReplicaView,
}

#[function_component(ReplicaRow)]
pub fn replica_row(props: &ReplicaRowProps) -> Html {
    let r = &props.replica;
    let role = if !r.online {
        html! { <><span aria-hidden="true">{ "✕ " }</span>{ "Offline" }</> }
    } else if r.is_leader { html! { <><span aria-hidden="true">{ "★ " }</span>{ "Leader" }</> } } else { html! { <><span aria-hidden="true">{ "○ " }</span>{ "Follower" }</> } };
    html! {
        <tr class={classes!(r.is_leader.then_some("leader"))}>
            <th scope="row">{ r.tp.to_string() }</th>
            <td>{ role }</td>
            <td>{ r.log_end_offset }</td>
            <td>{ r.high_watermark }</td>
            <td>{ if r.in_isr { "✓ in" } else { "✗ out" } }</td>
        </tr>
    }
}
