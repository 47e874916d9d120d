//! The sandbox page: presets, the transport, the stage, details, narration and the console.
//! The address bar follows the session (a shared link reopens this moment).

use gloo_events::EventListener;
use wasm_bindgen::JsCast;
use yew::prelude::*;

use super::console::Console;
use super::details::details;
use super::glossary_page::loaded;
use super::markup;
use super::reducer::use_moving_reducer;
use super::stage::stage;
use super::transport::{shortcuts, transport};
use crate::app::glossary::{line_html, Glossary};
use crate::app::layout::NARROW_PX;
use crate::app::state::{Action, SandboxState};
use crate::presets::PRESETS;

#[derive(Properties, PartialEq)]
pub struct SandboxProps {
    /// The address's query: a preset, a shared session, or nothing.
    pub query: String,
}

/// Whether the window is phone-width (the stage's narrow layout).
pub(super) fn is_narrow() -> bool {
    web_sys::window().and_then(|w| w.inner_width().ok()).and_then(|v| v.as_f64()).is_some_and(|w| w < NARROW_PX)
}

fn sandbox_address(query: &str) -> String {
    let w = web_sys::window();
    let base = w.as_ref().and_then(|w| w.location().href().ok()).map(|h| h.split('#').next().unwrap_or("").to_string()).unwrap_or_default();
    format!("{base}#/sandbox?{query}")
}

/// A narration line: its code spans as code and each Kafka term linked to the glossary once
/// (`app::glossary::segments` decides), titled with the entry when the glossary is loaded.
fn narration_line(text: &str, glossary: Option<&Glossary>) -> Html {
    Html::from_html_unchecked(AttrValue::from(line_html(text, glossary)))
}

#[function_component(SandboxPage)]
pub fn sandbox_page(props: &SandboxProps) -> Html {
    // The native reducer (`app::state`), moved through rather than copied (`ui::reducer`): the
    // page keeps the handle, and this render's snapshot only until it returns.
    let handle = {
        let q = props.query.clone();
        use_moving_reducer(move || SandboxState::from_query(&q), SandboxState::reduce, |a| !matches!(a, Action::Advance(_)))
    };
    let state = handle.get();
    let narrow = use_state(is_narrow);
    {
        let narrow = narrow.clone();
        use_effect_with((), move |_| {
            let l = web_sys::window().map(|w| EventListener::new(&w, "resize", move |_| narrow.set(is_narrow())));
            move || drop(l)
        });
    }
    // Keep the address on this moment: 150 ms after the last change when paused (a burst of
    // seeks or steps writes once: each write is a same-document navigation, and Chrome
    // reloads the page's icon on every one), at most once a second while playing (browsers
    // throttle history updates). Also what the error screen reports.
    let last_write = use_mut_ref(|| 0.0f64);
    let pending_write = use_mut_ref(|| None::<gloo_timers::callback::Timeout>);
    {
        // Leaving the page drops a pending write, or it would put this page's address back.
        let pending = pending_write.clone();
        use_effect_with((), move |_| move || drop(pending.borrow_mut().take()));
    }
    {
        let handle = handle.clone();
        let last_write = last_write.clone();
        use_effect_with((state.revision, state.playing), move |_| {
            let state = handle.get();
            let write = |query: String| {
                if let Some(h) = web_sys::window().and_then(|w| w.history().ok()) {
                    let _ = h.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&format!("#/sandbox?{query}")));
                }
            };
            let now = js_sys::Date::now();
            if !state.playing {
                let query = state.link_query();
                *pending_write.borrow_mut() = Some(gloo_timers::callback::Timeout::new(150, move || write(query)));
            } else if now - *last_write.borrow() > 1_000.0 {
                *last_write.borrow_mut() = now;
                pending_write.borrow_mut().take();
                write(state.link_query());
            }
        });
    }
    {
        let dispatcher = handle.dispatcher();
        use_effect_with((), move |_| {
            let listener = shortcuts(dispatcher);
            move || drop(listener)
        });
    }
    {
        // On a phone the details panel is below the console: a tap on the stage brings it
        // (and its fault buttons) to where the learner is looking.
        let narrow = *narrow;
        use_effect_with(state.selected.clone(), move |sel| {
            if sel.is_some() && narrow {
                let panel = web_sys::window().and_then(|w| w.document()).and_then(|d| d.query_selector("[data-testid=details]").ok().flatten());
                if let Some(p) = panel {
                    p.scroll_into_view();
                }
            }
        });
    }
    let dispatch = handle.dispatcher();
    // One closure type for every button here that sends a fixed action (each `reform` with its
    // own closure is code of its own in the bundle: -378 B of gzip).
    let on = |a: Action| {
        let d = dispatch.clone();
        Callback::from(move |_: MouseEvent| d.emit(a.clone()))
    };
    let on_submit = dispatch.reform(Action::Line);
    let on_eof = dispatch.reform(|_| Action::EndOfInput);
    let on_interrupt = dispatch.reform(|_| Action::Interrupt);
    // The console keeps the callback it was first given (it does not re-render for new ones):
    // completion reads the newest state through the handle.
    let newest = handle.clone();
    let on_complete = Callback::from(move |line: String| newest.get().player.complete(&line));
    // Laid out again only when the view or the width class changes.
    // Keyed on the revision, which changes with every new view: comparing two views field by
    // field on each render cost time and code (the derived `SimView::eq`).
    let layout = {
        let view = state.view.clone();
        use_memo((state.revision, *narrow), move |(_, narrow)| crate::app::layout::Layout::new(&view, *narrow))
    };
    // Choosing a preset loads it (a select's change is a deliberate choice, made with the
    // keyboard only on Enter or when the list closes).
    let on_preset = {
        let d = dispatch.clone();
        Callback::from(move |e: Event| {
            if let Some(sel) = e.target().and_then(|t| t.dyn_into::<web_sys::HtmlSelectElement>().ok()) {
                if let Some(p) = PRESETS.iter().find(|p| p.id == sel.value()) {
                    d.emit(Action::Restart(Some(p.id)));
                }
            }
        })
    };
    // The skip link and, on a phone, the jumps to the stage, the console and the details: one
    // handler for all, reading where to go from the button's `data-jump` (and focusing the
    // console's prompt when that is where it goes).
    let jump = Callback::from(|e: MouseEvent| {
        let Some(button) = e.target().and_then(|t| t.dyn_into::<web_sys::Element>().ok()) else { return };
        let Some(selector) = button.get_attribute("data-jump") else { return };
        let Some(el) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.query_selector(&selector).ok().flatten()) else { return };
        el.scroll_into_view();
        if let Ok(input) = el.dyn_into::<web_sys::HtmlInputElement>() {
            let _ = input.focus();
        }
    });
    let show_link = use_state(|| false);
    let show_real = use_state(|| false);
    let on_real = {
        let show_real = show_real.clone();
        Callback::from(move |_: MouseEvent| show_real.set(!*show_real))
    };
    let more = use_state(|| false);
    let on_share = {
        let show_link = show_link.clone();
        Callback::from(move |_: MouseEvent| show_link.set(!*show_link))
    };
    let select_all = Callback::from(|e: FocusEvent| {
        if let Some(i) = e.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()) {
            i.select();
        }
    });
    // Built when the box opens and at each paused moment, not on every frame of a playing
    // stage: the learner selects and copies it, and the text would change under them.
    let real_cluster = {
        let key = (*show_real, state.playing, if state.playing { 0 } else { state.revision });
        let state = state.clone();
        use_memo(key, move |(open, _, _)| {
            if *open {
                Html::from_html_unchecked(AttrValue::from(crate::app::html::real_cluster_panel(&state.player.script())))
            } else {
                Html::default()
            }
        })
    };
    // The monitoring panel: built only while open, and again only when a new sample is
    // there (once a second of virtual time) or another chart is opened.
    let show_monitor = use_state(|| false);
    let open_chart = use_state(|| None::<String>);
    let on_monitor = {
        let show_monitor = show_monitor.clone();
        Callback::from(move |_: MouseEvent| show_monitor.set(!*show_monitor))
    };
    let monitor = {
        let shell = state.player.shell();
        let m = shell.sim.metrics_now();
        let rules: Vec<String> = shell.alerts.iter().map(|r| r.text()).collect();
        let key = (*show_monitor, m.latest_ms(), m.keys().len(), (*open_chart).clone(), rules);
        let state = state.clone();
        use_memo(key, move |(open, _, _, chart, _)| {
            if *open {
                let shell = state.player.shell();
                Html::from_html_unchecked(AttrValue::from(crate::app::monitor::panel_html(&shell.sim.metrics_now(), &shell.alerts, chart.as_deref())))
            } else {
                Html::default()
            }
        })
    };
    // One handler for every chart's buttons, by their `data-act` and `data-chart`.
    let on_chart = {
        let open_chart = open_chart.clone();
        let newest = handle.clone();
        let seek = dispatch.clone();
        Callback::from(move |e: MouseEvent| {
            let Some(b) = e.target().and_then(|t| t.dyn_into::<web_sys::Element>().ok()).and_then(|t| t.closest("button[data-act]").ok().flatten()) else {
                return;
            };
            let Some(act) = b.get_attribute("data-act") else { return };
            if act == "seek" {
                if let Some(t) = b.get_attribute("data-time").and_then(|t| t.parse().ok()) {
                    seek.emit(Action::SeekTime(t));
                }
                return;
            }
            let Some(id) = b.get_attribute("data-chart") else { return };
            if act == "csv" {
                if let Some((file, text)) = crate::app::monitor::csv(&newest.get().player.shell().sim.metrics_now(), &id) {
                    super::storage::export(&text, &file);
                }
            } else {
                open_chart.set(if open_chart.as_deref() == Some(id.as_str()) { None } else { Some(id) });
            }
        })
    };
    let current = state.player.start.preset_id();
    // Segmenting the lines into glossary links is work: done when a line arrives (or the
    // glossary does), not on every frame of a playing stage.
    // Keyed on the lines themselves: a restart numbers them from 1 again.
    let narration = use_memo((state.narration.clone(), loaded().is_some()), |(lines, _)| {
        let glossary = loaded();
        lines.iter().map(|(k, line)| html! { <li key={*k}>{ narration_line(line, glossary.as_deref()) }</li> }).collect::<Html>()
    });
    html! {
        <main id="main" class={classes!("page", "sandbox", more.then_some("more-open"))}>
            <div onclick={jump.clone()}>{ markup(r#"<button class="skip-link" data-jump="[data-testid=console-input]" data-testid="skip-to-console">Skip to the console</button>"#) }</div>
            <div class="sandbox-head">
                { markup("<h1>Sandbox</h1>") }
                <div class="presets">
                    { markup(r#"<label for="preset">Preset </label>"#) }
                    // The benchmark's cluster is reachable by its address, not offered to learners.
                    <select id="preset" onchange={on_preset} data-testid="preset">
                        { for PRESETS.iter().filter(|p| p.teaching() || Some(p.id) == current).map(|p| html! { <option value={p.id} selected={Some(p.id) == current}>{ p.title }</option> }) }
                    </select>
                    <button class="secondary" onclick={on(Action::WatchSetup)} data-testid="watch-setup">{ "Watch its setup" }</button>
                    <button class="secondary" onclick={on_share} aria-expanded={show_link.to_string()} data-testid="share">{ "Share this moment" }</button>
                    <button class="secondary" onclick={on_real} aria-expanded={show_real.to_string()} data-testid="real-cluster-button">{ "Try it on a real cluster" }</button>
                    <button class="secondary" onclick={on_monitor} aria-expanded={show_monitor.to_string()} aria-controls="monitor" data-testid="monitor-button">{ "Monitoring" }</button>
                </div>
            </div>
            if *show_link {
                <p class="share">
                    { markup(r#"<label for="share-link">Link to this exact step (copy it): </label>"#) }
                    <input id="share-link" readonly=true value={sandbox_address(&state.link_query())} onfocus={select_all} data-testid="share-link" />
                </p>
            }
            if *show_real {
                { (*real_cluster).clone() }
            }
            if let Some(n) = &state.notice {
                <p class="notice" role="status" data-testid="notice">
                    { n }
                    if state.undo.is_some() {
                        <button onclick={on(Action::Undo)} data-testid="undo">{ "Undo" }</button>
                    }
                    <button onclick={on(Action::DismissNotice)} aria-label="Dismiss the notice">{ "✕" }</button>
                </p>
            }
            { transport(&state, &dispatch, more.clone()) }
            <nav class="jumps" aria-label="Parts of the sandbox" onclick={jump}>
                { markup(r#"<button data-jump="[data-testid=stage]">Stage</button><button data-jump=".console">Console</button><button data-jump="[data-testid=details]">Details</button>"#) }
            </nav>
            if let Some(err) = &state.error {
                { Html::from_html_unchecked(AttrValue::from(crate::app::html::error(err))) }
            }
            <div class="sandbox-grid">
                { stage(&state, &layout, &dispatch, true) }
                // The console sits right under the stage, so both are in view while typing.
                <div class="side">
                    <Console lines={state.console.clone()} prompt={state.prompt()} note={state.keyboard_note()} {on_submit} {on_eof} {on_interrupt} {on_complete} />
                    <div class="side-col">
                        { details(&state.view, state.selected.as_ref(), &dispatch) }
                        <section class="narration" aria-labelledby="narration-heading">
                            { markup(r#"<h2 id="narration-heading">What just happened</h2>"#) }
                            <button class="narrate-all" onclick={on(Action::ToggleNarrateAll)} aria-pressed={state.narrate_all.to_string()}
                                data-testid="narrate-all">{ if state.narrate_all { "☑ Every event" } else { "☐ Every event" } }</button>
                            <ol aria-live="polite" data-testid="narration">
                                { (*narration).clone() }
                            </ol>
                        </section>
                    </div>
                </div>
            </div>
            if *show_monitor {
                <section id="monitor" class="monitor" aria-labelledby="monitor-heading" onclick={on_chart} data-testid="monitor">
                    { markup(r#"<h2 id="monitor-heading">Monitoring</h2>"#) }
                    { (*monitor).clone() }
                </section>
            }
        </main>
    }
}
