//! The transport: play/pause, speed, step, step back, run, restart; the play loop and the
//! keyboard shortcuts live here, outside the reducer.
use gloo_events::{EventListener, EventListenerOptions};
use gloo_timers::callback::Interval;
use wasm_bindgen::JsCast;
use yew::prelude::*;

use super::state::{Action, SandboxState, SPEEDS};

/// Real milliseconds between two play ticks.
const TICK_MS: u32 = 100;

#[derive(Properties, PartialEq)]
pub struct TransportProps {
    pub state: UseReducerHandle<SandboxState>,
}

#[function_component(Transport)]
pub fn transport(props: &TransportProps) -> Html {
    let state = props.state.clone();
    let dispatcher = state.dispatcher();
    // The play loop: one tick every 100 ms while playing.
    {
        let dispatcher = dispatcher.clone();
        use_effect_with(state.playing, move |playing| {
            let interval = playing.then(|| Interval::new(TICK_MS, move || dispatcher.dispatch(Action::Tick(TICK_MS))));
            move || drop(interval)
        });
    }
    // Keyboard shortcuts, except while typing in a field (the console has its own keys).
    {
        let dispatcher = dispatcher.clone();
        use_effect_with((), move |_| {
            let document = web_sys::window().and_then(|w| w.document());
            let listener = document.map(|d| {
                // Not passive: Space must not also scroll the page.
                EventListener::new_with_options(&d, "keydown", EventListenerOptions::enable_prevent_default(), move |e| {
                    let Some(e) = e.dyn_ref::<web_sys::KeyboardEvent>() else { return };
                    let typing = e
                        .target()
                        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
                        .is_some_and(|el| matches!(el.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT"));
                    if typing || e.ctrl_key() || e.meta_key() || e.alt_key() {
                        return;
                    }
                    let action = match e.key().as_str() {
                        " " => Action::TogglePlay,
                        "ArrowRight" => Action::Step,
                        "ArrowLeft" => Action::StepBack,
                        "?" => Action::ToggleHelp,
                        "Escape" => Action::ToggleHelp,
                        _ => return,
                    };
                    e.prevent_default();
                    dispatcher.dispatch(action);
                })
            });
            move || drop(listener)
        });
    }
    let on = |a: Action| {
        let d = dispatcher.clone();
        Callback::from(move |_: MouseEvent| d.dispatch(a.clone()))
    };
    let on_speed = {
        let d = dispatcher.clone();
        Callback::from(move |e: Event| {
            if let Some(sel) = e.target().and_then(|t| t.dyn_into::<web_sys::HtmlSelectElement>().ok()) {
                if let Ok(p) = sel.value().parse::<u32>() {
                    d.dispatch(Action::SetSpeed(p));
                }
            }
        })
    };
    html! {
        <>
            <div class="toolbar" role="toolbar" aria-label="Simulation controls">
                <button onclick={on(Action::TogglePlay)} aria-pressed={state.playing.to_string()} data-testid="play" title="Space">
                    { if state.playing { "❚❚ Pause" } else { "▶ Play" } }
                </button>
                <label class="speed">{ "Speed " }
                    <select onchange={on_speed} aria-label="Playback speed" data-testid="speed">
                        { for SPEEDS.iter().map(|p| html! {
                            <option value={p.to_string()} selected={*p == state.speed_percent}>{ format!("{}x", *p as f64 / 100.0) }</option>
                        }) }
                    </select>
                </label>
                <button onclick={on(Action::StepBack)} disabled={!state.can_step_back()} data-testid="step-back" title="Left arrow">{ "◀ Back" }</button>
                <button onclick={on(Action::Step)} data-testid="step" title="Right arrow">{ "Step ▶" }</button>
                <button onclick={on(Action::RunFor(1_000))} data-testid="run-1s">{ "Run 1 s" }</button>
                <button onclick={on(Action::RunFor(10_000))}>{ "Run 10 s" }</button>
                <button onclick={on(Action::Reset)}>{ "Restart" }</button>
                <button onclick={on(Action::ToggleHelp)} aria-expanded={state.show_help.to_string()} data-testid="shortcuts">{ "? Shortcuts" }</button>
                <span class="clock" data-testid="clock" aria-label="Virtual time">{ format!("t = {} ms", state.view.now_ms) }</span>
            </div>
            if state.show_help {
                <section class="shortcuts" role="dialog" aria-label="Keyboard shortcuts" data-testid="shortcuts-help">
                    <h2>{ "Keyboard shortcuts" }</h2>
                    <dl>
                        <dt><kbd>{ "Space" }</kbd></dt><dd>{ "play or pause" }</dd>
                        <dt><kbd>{ "→" }</kbd></dt><dd>{ "step: apply the next event" }</dd>
                        <dt><kbd>{ "←" }</kbd></dt><dd>{ "step back: undo the last change" }</dd>
                        <dt><kbd>{ "?" }</kbd>{ " / " }<kbd>{ "Esc" }</kbd></dt><dd>{ "show or hide this list" }</dd>
                        <dt><kbd>{ "↑" }</kbd>{ " " }<kbd>{ "↓" }</kbd></dt><dd>{ "in the console: command history" }</dd>
                    </dl>
                </section>
            }
        </>
    }
}
