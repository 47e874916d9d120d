//! The stage: producers, brokers with their replicas' logs, groups and consumers, in SVG.
//! Yew draws what changes when the simulation steps; the messages in flight are moved per
//! animation frame by `flight`, outside the virtual DOM. Role and state are words and shapes,
//! never colour alone.
use std::rc::Rc;

use wasm_bindgen::JsCast;
use yew::prelude::*;

use super::flight::Flights;
use super::markup;
use crate::app::lag::{self, Mark, MarkKind};
use crate::app::layout::{num, BrokerBox, Layout, Rect, CELL_W, CELL_X, ROW_H};
use crate::app::state::{Action, SandboxState, Selection};
use crate::sim::assignor::Assignor;
use crate::sim::view::{BrokerView, ClientView, GroupView, ReplicaView};
use crate::sim::NodeId;
use crate::sim::TopicPartition;

/// The message shapes, drawn once and reused by the legend (and matched by the painter's).
const DEFS: &str = r##"<defs> <circle id="shape-produce" r="6" /> <rect id="shape-replication" x="-5.5" y="-5.5" width="11" height="11" /> <path id="shape-consume" d="M0 -7 L6.5 5 L-6.5 5 Z" /> <path id="shape-group" d="M0 -7 L7 0 L0 7 L-7 0 Z" /> <circle id="shape-control" r="3.5" /> <path id="shape-mark" d="M0 0 L4.5 5 L-4.5 5 Z" /> </defs>"##;

/// Every shape and line of the stage, with words: colour is never the only signal.
const LEGEND: &str = r##"<figcaption class="legend"><span><svg viewBox="-8 -8 16 16" aria-hidden="true"><use href="#shape-produce" class="m-produce" /></svg>produce</span><span><svg viewBox="-8 -8 16 16" aria-hidden="true"><use href="#shape-replication" class="m-replication" /></svg>replica fetch</span><span><svg viewBox="-8 -8 16 16" aria-hidden="true"><use href="#shape-consume" class="m-consume" /></svg>consumer fetch</span><span><svg viewBox="-8 -8 16 16" aria-hidden="true"><use href="#shape-group" class="m-group" /></svg>group</span><span><svg viewBox="-8 -8 16 16" aria-hidden="true"><use href="#shape-control" class="m-control" /></svg>metadata</span><span><span class="cell-key committed" aria-hidden="true"></span>committed (below the high watermark)</span><span><span class="cell-key uncommitted" aria-hidden="true"></span>not yet committed</span><span><span class="line-key lso-key" aria-hidden="true"></span>log start</span><span><span class="line-key hw-key" aria-hidden="true"></span>high watermark</span><span><span class="line-key leo-key" aria-hidden="true"></span>log end offset</span><span><svg viewBox="-6 -1 12 7" aria-hidden="true"><use href="#shape-mark" class="mark committed-mark" /></svg>a group's committed offset</span><span><svg viewBox="-6 -1 12 7" aria-hidden="true"><use href="#shape-mark" class="mark position-mark" /></svg>a consumer's position</span><span>offsets of 1000 and up: their last three digits</span><span>★ leader · ○ follower · ⊘ out of ISR · ✕ offline</span></figcaption>"##;

/// Enter or Space on a focused stage element selects it, as a click does.
fn activate(dispatch: &Callback<Action>, sel: Selection) -> (Callback<MouseEvent>, Callback<KeyboardEvent>) {
    let d = dispatch.clone();
    let s = sel.clone();
    let click = Callback::from(move |_: MouseEvent| d.emit(Action::Select(Some(s.clone()))));
    let d = dispatch.clone();
    let key = Callback::from(move |e: KeyboardEvent| {
        if e.key() == "Enter" || e.key() == " " {
            e.prevent_default();
            e.stop_propagation();
            d.emit(Action::Select(Some(sel.clone())));
        }
    });
    (click, key)
}

fn translate(r: &Rect) -> String {
    format!("translate({} {})", num(r.x), num(r.y))
}

/// The stage for the session's current view, drawn with `l` (the page keeps the layout until
/// the view or the width class changes). A plain function: the view changes on every step.
/// `defs`: whether this stage carries the message shapes' definitions and their legend (a page
/// with two stages has them once: the ids must be unique, and `use` finds them anywhere on the
/// page).
pub fn stage(state: &SandboxState, l: &Layout, dispatch: &Callback<Action>, defs: bool) -> Html {
    let v = &state.view;
    let anchors: Rc<Vec<(NodeId, (f64, f64))>> = Rc::new(
        std::iter::once(NodeId::Controller)
            .chain(v.brokers.iter().map(|b| NodeId::Broker(b.id)))
            .chain(v.clients.iter().map(|c| NodeId::Client(c.id)))
            .filter_map(|n| l.anchor(n).map(|p| (n, p)))
            .collect(),
    );
    let selected = &state.selected;
    let walk = Callback::from(|e: KeyboardEvent| {
        let Some(m) = crate::app::shortcuts::stage_move(&e.key()) else { return };
        // Yew delegates events to its root, so the stage is found from the focused element.
        let target = e.target().and_then(|t| t.dyn_into::<web_sys::Element>().ok());
        let Some(svg) = target.and_then(|t| t.closest("svg[data-testid=stage]").ok().flatten()) else { return };
        let Ok(items) = svg.query_selector_all("[role=button]") else { return };
        let items: Vec<web_sys::SvgElement> = (0..items.length()).filter_map(|i| items.item(i)?.dyn_into().ok()).collect();
        let active = web_sys::window().and_then(|w| w.document()).and_then(|d| d.active_element());
        let current = active.and_then(|a| items.iter().position(|i| **i == a));
        if let Some(k) = crate::app::shortcuts::stage_target(m, current, items.len()) {
            e.prevent_default();
            e.stop_propagation();
            let _ = items[k].focus();
        }
    });
    let view_box = format!("0 0 {} {}", num(l.width), num(l.height));
    html! {
        <figure class="stage-wrap">
          <div class="stage-canvas" style={format!("max-width: {}px", num(l.width.max(320.0)))}>
            <svg class="stage" viewBox={view_box.clone()} role="group" tabindex="0" onkeydown={walk}
                 aria-label="The cluster: producers, brokers and consumer groups. Arrow keys up and down move between them; Enter shows details."
                 data-testid="stage">
                { if defs { markup(DEFS) } else { Html::default() } }
                { reads(state, l) }
                <g class="controller" transform={translate(&l.controller)}>
                    <rect width={num(l.controller.w)} height={num(l.controller.h)} rx="15" />
                    <text x={num(l.controller.w / 2.0)} y="20" text-anchor="middle">{ "Controller (KRaft)" }</text>
                </g>
                { for v.brokers.iter().filter_map(|b| l.broker(b.id).map(|bx| {
                    let sel = matches!(selected, Some(Selection::Broker(x)) if *x == b.id);
                    let selected_partition = match selected { Some(Selection::Partition(tp)) => Some(tp), _ => None };
                    broker_shape(state, b, bx, l.cells, sel, selected_partition, dispatch)
                })) }
                { for l.producers.iter().filter_map(|(id, r)| v.clients.iter().find(|c| c.id == *id).map(|c| {
                    let sel = matches!(selected, Some(Selection::Client(x)) if *x == c.id);
                    client_shape(format!("p{}", c.id), c, r, v.paused.contains(&NodeId::Client(c.id)), None, sel, dispatch)
                })) }
                { for l.groups.iter().map(|g| {
                    let gv = v.groups.iter().find(|x| *x.id == *g.id);
                    let sel = matches!(selected, Some(Selection::Group(x)) if *x == g.id);
                    group_shape(&g.id, gv, lag::group_lag(v, &g.id), &g.rect, sel, dispatch)
                }) }
                { for l.consumers.iter().filter_map(|(id, r)| v.clients.iter().find(|c| c.id == *id).map(|c| {
                    let sel = matches!(selected, Some(Selection::Client(x)) if *x == c.id);
                    client_shape(format!("c{}", c.id), c, r, v.paused.contains(&NodeId::Client(c.id)), lag::consumer_lag(v, &c.name), sel, dispatch)
                })) }
            </svg>
            // Messages fly on a canvas over the stage (its own compositing layer): moving them
            // every frame redraws only the dots, not the whole cluster underneath.
            <Flights view={state.view.clone()} anchors={anchors} strips={Rc::new(crate::app::strips::strips(v, l))} stage_width={l.width} stage_height={l.height} playing={state.playing} speed_percent={state.speed_percent} headlines={state.headlines}
                show_background={state.show_background} dispatch={dispatch.clone()} />
          </div>
            { if defs { markup(LEGEND) } else { Html::default() } }
        </figure>
    }
}

/// A broker's box and its replica rows. A plain function, not a component: a broker's view
/// (every replica's log) changes on nearly every step of a busy cluster, so comparing props
/// first would rarely skip a render; its rows are components and skip when unchanged.
fn broker_shape(
    state: &SandboxState,
    b: &BrokerView,
    bx: &BrokerBox,
    cells: usize,
    selected: bool,
    selected_partition: Option<&TopicPartition>,
    dispatch: &Callback<Action>,
) -> Html {
    let r = &bx.rect;
    let (status, icon, word) = if !b.up {
        ("down", "✕", "down")
    } else if b.paused {
        ("paused", "⏸", "paused")
    } else if b.fenced {
        ("fenced", "⚠", "fenced")
    } else {
        ("running", "●", "running")
    };
    let user: Vec<&ReplicaView> = b.replicas.iter().filter(|x| !x.tp.topic.starts_with("__")).collect();
    let leads = user.iter().filter(|x| x.is_leader).count();
    let internal = b.replicas.iter().filter(|x| x.tp.topic.starts_with("__")).count();
    let internal_leads = b.replicas.iter().filter(|x| x.tp.topic.starts_with("__") && x.is_leader).count();
    let (click, key) = activate(dispatch, Selection::Broker(b.id));
    let label = format!("Broker {}, {word}, leader of {leads} of its {} partitions", b.id, user.len());
    html! {
        <g key={b.id} class={classes!("broker", status, selected.then_some("selected"))} transform={translate(r)} data-testid={format!("broker-{}", b.id)}>
            <g class="hit" tabindex="-1" role="button" aria-label={label.clone()} aria-pressed={selected.to_string()} onclick={click} onkeydown={key}>
                <title>{ label }</title>
                <rect class="box" width={num(r.w)} height={num(r.h)} rx="8" />
                <text class="b-title" x="10" y="19">{ format!("Broker {}", b.id) }</text>
                <text class="b-status" x={num(r.w - 10.0)} y="19" text-anchor="end" data-testid={format!("broker-{}-status", b.id)}>{ format!("{icon} {word}") }</text>
                <text class="b-sub" x="10" y="37">{ format!("leads {leads} · {} replicas", user.len()) }</text>
            </g>
            { for user.iter().zip(bx.rows.iter()).map(|(rep, (_, y))| {
                let sel = selected_partition == Some(&rep.tp);
                // Where consumers stand is marked once, on the row of the partition's leader.
                let marks = if rep.is_leader { lag::marks(&state.view, &rep.tp) } else { Vec::new() };
                html! { <ReplicaShape key={rep.tp.to_string()} replica={(*rep).clone()} y={*y - r.y} {cells} {marks} selected={sel} dispatch={dispatch.clone()} /> }
            }) }
            if let Some((y, n)) = bx.more_row {
                <text class="internal more" x="10" y={num(y - r.y + 18.0)} data-testid={format!("broker-{}-more", b.id)}>{ format!("+{n} more partitions (kafka-topics.sh --describe)") }</text>
            }
            if let Some(y) = bx.internal_row {
                <text class="internal" x="10" y={num(y - r.y + 18.0)}>{ format!("__consumer_offsets: {internal} replicas, {internal_leads} led here") }</text>
            }
        </g>
    }
}

#[derive(Properties, PartialEq)]
struct ReplicaShapeProps {
    replica: ReplicaView,
    y: f64,
    /// Records drawn (the newest of the view's tail).
    cells: usize,
    marks: Vec<Mark>,
    selected: bool,
    dispatch: Callback<Action>,
}

#[function_component(ReplicaShape)]
fn replica_shape(props: &ReplicaShapeProps) -> Html {
    let rep = &props.replica;
    let (role_class, glyph, role_word) = if !rep.online {
        ("offline", "✕", "offline")
    } else if rep.is_leader {
        ("leader", "★", "leader")
    } else {
        ("follower", "○", "follower")
    };
    let isr = if rep.in_isr { "" } else { " ⊘" };
    let end_x = CELL_X + props.cells as f64 * CELL_W;
    let (click, key) = activate(&props.dispatch, Selection::Partition(rep.tp.clone()));
    let marks_said: String = props
        .marks
        .iter()
        .map(|m| match (&m.kind, m.lag) {
            (MarkKind::Committed, Some(lag)) => format!("; group {} committed {} (lag {lag})", m.who, m.offset),
            (MarkKind::Committed, None) => format!("; group {} committed {}", m.who, m.offset),
            (MarkKind::Position, _) => format!("; {} reads from {}", m.who, m.offset),
        })
        .collect();
    let label = format!(
        "{} on this broker: {role_word}{}, epoch {}, log start {}, high watermark {}, log end offset {}{marks_said}",
        rep.tp,
        if rep.in_isr { ", in sync" } else { ", out of the ISR" },
        rep.leader_epoch,
        rep.log_start_offset,
        rep.high_watermark,
        rep.log_end_offset
    );
    html! {
        <g class={classes!("replica", role_class, (!rep.in_isr).then_some("out-of-isr"), props.selected.then_some("selected"))} transform={format!("translate(0 {})", num(props.y))}
           tabindex="-1" role="button" aria-label={label.clone()} onclick={click} onkeydown={key} data-testid={format!("replica-{}", rep.tp)}>
            <title>{ label }</title>
            <rect class="row-hit" x="4" y="1" width={num(end_x + 40.0)} height={num(ROW_H - 2.0)} rx="3" />
            <text class="tp" x="10" y="16">{ short_tp(&rep.tp) }</text>
            <text class="role" x="88" y="16">{ format!("{glyph}{isr}") }</text>
            <text class="epoch" x="118" y="16">{ format!("e{}", rep.leader_epoch) }</text>
            // The log strip (cells, offsets, high watermark, log end and log start, marks, the count
            // of older records) is
            // painted on the canvas over the stage (`app::strips`): this row is its name, role
            // and label, for the eye, the keyboard and screen readers.
        </g>
    }
}

/// A producer or consumer box. A plain function, not a component: a client's counts change
/// on nearly every step, so comparing props first would rarely skip a render.
fn client_shape(key: String, c: &ClientView, r: &Rect, paused: bool, lag: Option<i64>, selected: bool, dispatch: &Callback<Action>) -> Html {
    // A consumer still drawn after it stopped died without leaving: its group keeps it as a
    // member, owning its partitions, until session.timeout.ms passes.
    let state = if !c.running {
        "stopped"
    } else if paused {
        "paused"
    } else {
        "running"
    };
    let line2 = if c.is_producer {
        format!("{} acked · {} pending{}", c.acked, c.pending, if c.failed > 0 { format!(" · {} failed", c.failed) } else { String::new() })
    } else {
        format!("{} records read", c.consumed)
    };
    // Consumers: what they own, the partitions of one topic written compactly (orders 0,1,2).
    let owns = (!c.is_producer).then(|| {
        if !c.running {
            return "crashed: a member until its session expires".to_string();
        }
        if c.positions.is_empty() {
            return "owns nothing".to_string();
        }
        let mut parts: Vec<String> = Vec::new();
        for (tp, _) in &c.positions {
            match parts.last_mut() {
                Some(last) if last.starts_with(&format!("{} ", short_topic(&tp.topic))) => last.push_str(&format!(",{}", tp.partition)),
                _ => parts.push(format!("{} {}", short_topic(&tp.topic), tp.partition)),
            }
        }
        let text = format!("owns {}", parts.join("; "));
        let text = if text.chars().count() > 18 { format!("{}…", text.chars().take(17).collect::<String>()) } else { text };
        match lag {
            Some(n) => format!("{text} · lag {n}"),
            None => text,
        }
    });
    let kind = if c.is_producer { "Producer" } else { "Consumer" };
    let (click, onkey) = activate(dispatch, Selection::Client(c.id));
    let label = format!("{kind} {}, {state}: {line2}{}", c.name, owns.as_ref().map(|o| format!(", {o}")).unwrap_or_default());
    html! {
        <g {key} class={classes!("client", if c.is_producer { "producer" } else { "consumer" }, state, selected.then_some("selected"))} transform={translate(r)}
           tabindex="-1" role="button" aria-label={label} onclick={click} onkeydown={onkey} data-testid={format!("client-{}", c.name)}>
            <title>{ c.name.to_string() }</title>
            <rect class="box" width={num(r.w)} height={num(r.h)} rx={if c.is_producer { "6" } else { "14" }} />
            <text class="c-title" x="8" y="19">{ format!("{}{}", short(&c.name, 18), match state { "stopped" => " ✕", "paused" => " ⏸", _ => "" }) }</text>
            <text class="c-sub" x="8" y="37">{ line2 }</text>
            if let Some(o) = owns {
                <text class="c-sub owns" x="8" y="54">{ o }</text>
            }
        </g>
    }
}

/// A name cut to `n` characters with an ellipsis; the full name is in the element's label
/// (read on focus and shown on hover), so long names never run into their neighbours.
fn short(t: &str, n: usize) -> String {
    if t.chars().count() <= n {
        t.to_string()
    } else {
        format!("{}…", t.chars().take(n - 1).collect::<String>())
    }
}

/// Topic names shortened for the small client boxes.
fn short_topic(t: &str) -> String {
    short(t, 8)
}

/// A replica row's partition name, cut to fit before the row's role mark.
fn short_tp(tp: &TopicPartition) -> String {
    format!("{}-{}", short(&tp.topic, 8), tp.partition)
}

/// Lines from each consumer drawn to the leader row of each partition it reads, behind the
/// boxes, as two paths (one element each, however many lines); the selected consumer's (or
/// group's) lines stand out.
fn reads(state: &SandboxState, l: &Layout) -> Html {
    let v = &state.view;
    let (mut plain, mut picked) = (String::new(), String::new());
    for (id, r) in &l.consumers {
        let Some(c) = v.clients.iter().find(|c| c.id == *id && c.running) else { continue };
        let chosen = match &state.selected {
            Some(Selection::Client(x)) => *x == c.id,
            Some(Selection::Group(g)) => c.group.as_ref().is_some_and(|(x, _)| **x == **g),
            _ => false,
        };
        for (tp, _) in &c.positions {
            let row = v.brokers.iter().find(|b| b.replicas.iter().any(|x| x.is_leader && x.tp == *tp)).and_then(|b| l.broker(b.id));
            let Some((bx, y)) = row.and_then(|bx| bx.rows.iter().find(|(t, _)| t == tp).map(|(_, y)| (bx, *y))) else { continue };
            let d = if chosen { &mut picked } else { &mut plain };
            d.push_str(&format!("M{} {}L{} {}", num(r.x + r.w / 2.0), num(r.y), num(bx.rect.x + CELL_X - 6.0), num(y + ROW_H / 2.0)));
        }
    }
    html! { <g class="reads" aria-hidden="true"><path class="read" d={plain} /><path class="read picked" d={picked} /></g> }
}

/// A consumer group's box (a plain function, as `client_shape` is).
fn group_shape(id: &str, group: Option<&GroupView>, lag: Option<i64>, r: &Rect, selected: bool, dispatch: &Callback<Action>) -> Html {
    let (state, generation, assignor) = match group {
        Some(g) => (g.state.to_string(), g.generation, g.protocol),
        None => ("no coordinator".to_string(), 0, None),
    };
    let protocol = assignor.map_or("-", Assignor::name);
    let style = if assignor == Some(Assignor::CooperativeSticky) { "cooperative" } else { "eager" };
    // Shown, not only spoken: an eager member "always revoke[s] all its owned partitions
    // before participating in a rebalance"; a cooperative one keeps them, and a partition that
    // moves is revoked first and reassigned in the next rebalance (KIP-429,
    // ConsumerPartitionAssignor.java:243-259).
    let style_line = match assignor {
        None => "no assignor yet".to_string(),
        Some(Assignor::CooperativeSticky) => "cooperative".to_string(),
        Some(p) => format!("eager · {}", p.name()),
    };
    let (click, key) = activate(dispatch, Selection::Group(id.to_string()));
    let lag_text = lag.map_or("lag -".to_string(), |n| format!("lag {n}"));
    let label = format!("Group {id}: {state}, generation {generation}, {protocol} ({style} rebalancing), {lag_text}");
    html! {
        <g key={id} class={classes!("group", format!("state-{}", state.replace(' ', "-")), selected.then_some("selected"))} transform={translate(r)} data-testid={format!("group-{id}")}>
            <g tabindex="-1" role="button" aria-label={label} onclick={click} onkeydown={key}>
                <title>{ format!("group {id}") }</title>
                <rect class="box" width={num(r.w)} height={num(r.h)} rx="10" />
                <text class="g-title" x="8" y="19">{ format!("group {}", short(id, 20)) }</text>
                <text class="g-state" x="8" y="36" data-testid={format!("group-{id}-state")}>{ format!("{} · gen {generation}", badge(&state)) }</text>
                <text class="g-state" x="8" y="53"><tspan data-testid={format!("group-{id}-style")}>{ style_line }</tspan>{ " · " }<tspan data-testid={format!("group-{id}-lag")}>{ lag_text }</tspan></text>
            </g>
        </g>
    }
}

/// Group states as words with a shape, so the badge reads without colour.
fn badge(state: &str) -> String {
    let mark = match state {
        "Stable" => "●",
        "PreparingRebalance" => "◐",
        "CompletingRebalance" => "◑",
        "Empty" => "○",
        _ => "✕",
    };
    format!("{mark} {state}")
}
