//! The transport: play/pause, speed, step, step back, a timeline to seek, restart; and the
//! keyboard shortcuts. The play loop itself is the stage's animation loop (`flight`).
use gloo_events::{EventListener, EventListenerOptions};
use wasm_bindgen::JsCast;
use yew::prelude::*;

use super::markup;
use crate::app::shortcuts::{action_for, KeyPress};
use crate::app::state::{Action, SandboxState, SPEEDS};

/// The keyboard shortcuts' dialog, as `?` shows it (the handler below is the source of truth).
const SHORTCUTS: &str = r##"<section class="shortcuts" role="dialog" aria-label="Keyboard shortcuts" data-testid="shortcuts-help"><h2>Keyboard shortcuts</h2><dl><dt><kbd>Space</kbd> / <kbd>k</kbd></dt><dd>play or pause</dd><dt><kbd>→</kbd> / <kbd>l</kbd></dt><dd>step: apply the next event</dd><dt><kbd>←</kbd> / <kbd>j</kbd></dt><dd>step back one event</dd><dt><kbd>Home</kbd> / <kbd>End</kbd></dt><dd>start or end of the timeline</dd><dt><kbd>Tab</kbd></dt><dd>move between controls; on the stage, Enter shows details</dd><dt><kbd>Esc</kbd></dt><dd>close the details</dd><dt><kbd>?</kbd></dt><dd>show or hide this list</dd><dt><kbd>↑</kbd> <kbd>↓</kbd></dt><dd>in the console: command history</dd><dt><kbd>Tab</kbd> in the console</dt><dd>complete a command or option (when there is a word to complete)</dd></dl></section>"##;

/// `25` percent reads "0.25x", `100` reads "1x" (integers only: see `layout::num`).
fn speed_label(percent: u32) -> String {
    format!("{}x", crate::app::layout::num(f64::from(percent) / 100.0))
}

/// Keyboard shortcuts (`app::shortcuts` decides which key does what, and when). The page
/// installs the listener once (an effect) and drops it when it leaves.
pub fn shortcuts(dispatcher: Callback<Action>) -> Option<EventListener> {
    let document = web_sys::window().and_then(|w| w.document());
    document.map(|d| {
        // Not passive: Space must not also scroll the page.
        EventListener::new_with_options(&d, "keydown", EventListenerOptions::enable_prevent_default(), move |e| {
            let Some(e) = e.dyn_ref::<web_sys::KeyboardEvent>() else { return };
            let target = e.target().and_then(|t| t.dyn_into::<web_sys::Element>().ok());
            let tag = target.as_ref().map(|el| el.tag_name()).unwrap_or_default();
            let on_control = target.as_ref().is_some_and(|el| el.get_attribute("role").as_deref() == Some("button"));
            let key = e.key();
            let press = KeyPress { key: &key, tag: &tag, on_control, modifier: e.ctrl_key() || e.meta_key() || e.alt_key() };
            if let Some(action) = action_for(press) {
                e.prevent_default();
                dispatcher.emit(action);
            }
        })
    })
}

/// The toolbar, the timeline and the shortcut list. A plain function: it shows the session's
/// position, which changes on every step.
pub fn transport(state: &SandboxState, dispatcher: &Callback<Action>, more: UseStateHandle<bool>) -> Html {
    let head = state.player.head();
    let on = |a: Action| {
        let d = dispatcher.clone();
        Callback::from(move |_: MouseEvent| d.emit(a.clone()))
    };
    let on_speed = {
        let d = dispatcher.clone();
        Callback::from(move |e: Event| {
            if let Some(sel) = e.target().and_then(|t| t.dyn_into::<web_sys::HtmlSelectElement>().ok()) {
                if let Ok(p) = sel.value().parse::<u32>() {
                    d.emit(Action::SetSpeed(p));
                }
            }
        })
    };
    let on_seek = {
        let d = dispatcher.clone();
        Callback::from(move |e: InputEvent| {
            if let Some(input) = e.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()) {
                if let Ok(k) = input.value().parse::<u64>() {
                    d.emit(Action::Pause);
                    d.emit(Action::Seek(k));
                }
            }
        })
    };
    let at = state.player.elapsed();
    let toggle_more = {
        let more = more.clone();
        Callback::from(move |_: MouseEvent| more.set(!*more))
    };
    let more = *more;
    html! {
        <>
            <div class={classes!("toolbar", more.then_some("more-open"))} role="toolbar" aria-label="Simulation controls">
                // The label says what a press does; no pressed state to contradict it.
                <button onclick={on(Action::TogglePlay)} data-playing={state.playing.to_string()} data-testid="play" title="Space">
                    { if state.playing { "❚❚ Pause" } else { "▶ Play" } }
                </button>
                <label class="speed">{ "Speed " }
                    <select onchange={on_speed} aria-label="Playback speed" data-testid="speed">
                        { for SPEEDS.iter().map(|p| html! {
                            <option value={p.to_string()} selected={*p == state.speed_percent}>{ speed_label(*p) }</option>
                        }) }
                    </select>
                </label>
                <button onclick={on(Action::StepBack)} disabled={at == 0} data-testid="step-back" title="Left arrow">{ "◀ Back" }</button>
                <button onclick={on(Action::Step)} data-testid="step" title="Right arrow">{ "Step ▶" }</button>
                <button onclick={on(Action::RunFor(1_000))} data-testid="run-1s">{ "Run 1 s" }</button>
                // On a phone these wait behind "More", so the stage is on the first screen.
                <button class="more" onclick={toggle_more} aria-expanded={more.to_string()} data-testid="more">{ "More…" }</button>
                <button class="secondary" onclick={on(Action::Restart(None))} data-testid="restart">{ "Restart" }</button>
                // A toggle: its name stays, its pressed state (and the box) says whether they show.
                <button class="secondary" onclick={on(Action::ToggleBackground)} aria-pressed={state.show_background.to_string()} data-testid="toggle-background">
                    { if state.show_background { "☑ Group & metadata messages" } else { "☐ Group & metadata messages" } }
                </button>
                <button class="secondary" onclick={on(Action::ToggleHelp)} aria-expanded={state.show_help.to_string()} data-testid="shortcuts">{ "? Shortcuts" }</button>
                // The animation loop writes the display clock here every frame; screen readers
                // hear the time when the clock stops (below), not sixty times a second.
                <span class="clock" data-testid="clock" aria-hidden="true" data-now={state.view.now_ms.to_string()}></span>
                <span class="visually-hidden" role="status">
                    { if state.playing { String::new() } else { format!("Virtual time {}", crate::app::clock::human(state.view.now_ms)) } }
                </span>
            </div>
            if let Some(why) = crate::app::pace::waiting(&state.view).filter(|_| state.playing) {
                // Said once per wait, not per frame: the reason only changes with the cluster.
                <p class="hurry" role="status" data-testid="hurry">{ "⏩ Fast-forward: " }{ why }</p>
            }
            <div class="timeline">
                <label for="timeline">{ format!("Step {at} of {head}") }</label>
                <input id="timeline" type="range" min="0" max={head.to_string()} value={at.to_string()} step="1" oninput={on_seek}
                    aria-valuetext={format!("step {at} of {head}, t = {}", crate::app::clock::human(state.view.now_ms))} data-testid="timeline" />
            </div>
            if state.show_help {
                { markup(SHORTCUTS) }
            }
        </>
    }
}
