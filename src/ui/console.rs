//! The console: a terminal panel over the shell. Enter runs the line (a line ending in a
//! backslash continues on the next, at a `>` prompt: the session decides); up and down walk the
//! history; Tab completes the word being typed (Shift+Tab, or Tab with nothing to complete, moves
//! focus on as usual, so the prompt never traps the keyboard); Ctrl-D ends the console
//! producer's `>` prompt (or a continued command); Ctrl-C stops the running tool (with text
//! selected in the prompt it copies, as the browser does); a pasted block is entered line by
//! line as a terminal would (`shell::paste`). The output follows its newest line unless the
//! learner scrolled up (`app::state::follows_newest` decides; this only measures and scrolls).
use std::rc::Rc;

use wasm_bindgen::JsCast;
use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::app::state::ConsoleLine;
use crate::session::{LineKind, Prompt};
use crate::shell::Completion;

#[derive(Properties)]
pub struct ConsoleProps {
    pub lines: Rc<Vec<ConsoleLine>>,
    pub prompt: Prompt,
    pub on_submit: Callback<String>,
    pub on_eof: Callback<()>,
    pub on_interrupt: Callback<()>,
    /// Which running tool has the keyboard (`SandboxState::keyboard_note`), for the prompt.
    pub note: Option<String>,
    /// Completes a command line against the cluster as it is now.
    pub on_complete: Callback<String, Option<Completion>>,
}

/// The lines by identity (the page's state shares them until one arrives) and the prompt; not
/// the callbacks: the page makes new ones on every render, all sending to the same reducer (and
/// `on_complete` reads the page's newest state), so comparing them would re-render the console
/// on every frame of a playing stage.
impl PartialEq for ConsoleProps {
    fn eq(&self, o: &Self) -> bool {
        Rc::ptr_eq(&self.lines, &o.lines) && self.prompt == o.prompt && self.note == o.note
    }
}

#[function_component(Console)]
pub fn console(props: &ConsoleProps) -> Html {
    let input = use_node_ref();
    let history = use_mut_ref(Vec::<String>::new);
    let cursor = use_mut_ref(|| 0usize);
    let hint = use_state(String::new);
    let output = use_node_ref();
    let follow = use_mut_ref(|| true);
    {
        // After each render: to the newest line, unless the learner had scrolled up.
        // Only when lines arrive: reading the output's height forces a layout in mid-frame.
        let (output, follow, prompt) = (output.clone(), follow.clone(), input.clone());
        use_effect_with((props.lines.len(), props.lines.last().map(|l| l.id)), move |_| {
            if let Some(el) = output.cast::<web_sys::Element>().filter(|_| *follow.borrow()) {
                el.set_scroll_top(el.scroll_height());
            }
            // As in a terminal the prompt follows the output: when the lines push it below the
            // window while the learner types, the page moves just enough to show it.
            let window = web_sys::window();
            let height = window.as_ref().and_then(|w| w.inner_height().ok()).and_then(|h| h.as_f64()).unwrap_or(f64::MAX);
            let focused = window.and_then(|w| w.document()).and_then(|d| d.active_element());
            if let Some(el) = prompt.cast::<web_sys::Element>().filter(|el| focused.as_ref() == Some(el)) {
                if el.get_bounding_client_rect().bottom() > height {
                    el.scroll_into_view_with_bool(false);
                }
            }
        });
    }
    let onscroll = {
        let (output, follow) = (output.clone(), follow.clone());
        Callback::from(move |_: Event| {
            if let Some(el) = output.cast::<web_sys::Element>() {
                *follow.borrow_mut() = crate::app::state::follows_newest(el.scroll_top(), el.client_height(), el.scroll_height());
            }
        })
    };
    let interactive = props.prompt == Prompt::Record;
    let onpaste = {
        let input = input.clone();
        let history = history.clone();
        let cursor = cursor.clone();
        let on_submit = props.on_submit.clone();
        Callback::from(move |e: Event| {
            let Some(el) = input.cast::<HtmlInputElement>() else { return };
            let Some(text) = e.dyn_ref::<web_sys::ClipboardEvent>().and_then(|c| c.clipboard_data()).and_then(|d| d.get_data("text").ok()) else { return };
            let start = el.selection_start().ok().flatten().unwrap_or(0) as usize;
            let end = el.selection_end().ok().flatten().unwrap_or(start as u32) as usize;
            let Some(p) = crate::shell::paste::paste(&el.value(), start, end, &text) else { return };
            e.prevent_default();
            for line in p.lines {
                if !line.trim().is_empty() {
                    history.borrow_mut().push(line.clone());
                }
                on_submit.emit(line);
            }
            *cursor.borrow_mut() = history.borrow().len();
            el.set_value(&p.rest);
        })
    };
    let onkeydown = {
        let input = input.clone();
        let on_submit = props.on_submit.clone();
        let on_eof = props.on_eof.clone();
        let on_interrupt = props.on_interrupt.clone();
        let on_complete = props.on_complete.clone();
        let hint = hint.clone();
        Callback::from(move |e: KeyboardEvent| {
            let Some(el) = input.cast::<HtmlInputElement>() else { return };
            if e.key() != "Tab" && !hint.is_empty() {
                hint.set(String::new());
            }
            match e.key().as_str() {
                "Tab" if !e.shift_key() && !interactive => {
                    if let Some(c) = on_complete.emit(el.value()) {
                        e.prevent_default();
                        el.set_value(&c.line);
                        hint.set(c.hint());
                    }
                }
                "Enter" => {
                    e.prevent_default();
                    let line = el.value();
                    if !line.trim().is_empty() {
                        history.borrow_mut().push(line.clone());
                    }
                    *cursor.borrow_mut() = history.borrow().len();
                    el.set_value("");
                    on_submit.emit(line);
                }
                "ArrowUp" | "ArrowDown" => {
                    e.prevent_default();
                    let h = history.borrow();
                    let mut c = cursor.borrow_mut();
                    if e.key() == "ArrowUp" {
                        *c = c.saturating_sub(1);
                    } else {
                        *c = (*c + 1).min(h.len());
                    }
                    el.set_value(h.get(*c).map(String::as_str).unwrap_or(""));
                }
                "d" if e.ctrl_key() => {
                    e.prevent_default();
                    on_eof.emit(());
                }
                "c" if e.ctrl_key() && el.selection_start().ok().flatten() == el.selection_end().ok().flatten() => {
                    // As a terminal: the line typed so far is dropped.
                    e.prevent_default();
                    el.set_value("");
                    on_interrupt.emit(());
                }
                _ => {}
            }
        })
    };
    let focus = {
        let input = input.clone();
        Callback::from(move |e: MouseEvent| {
            // Clicking the output focuses the prompt, unless the learner is selecting text.
            let selecting = e.target().and_then(|t| t.dyn_into::<web_sys::Element>().ok()).is_some_and(|t| t.tag_name() == "INPUT");
            if !selecting {
                if let Some(el) = input.cast::<HtmlInputElement>() {
                    let _ = el.focus();
                }
            }
        })
    };
    html! {
        <section class="console" aria-labelledby="console-heading" onclick={focus}>
            { super::markup(r#"<h2 id="console-heading">Console</h2>"#) }
            <div ref={output} {onscroll} class="console-output" role="log" aria-live="polite" data-testid="console-output">
                { for props.lines.iter().map(|l| html! {
                    match l.kind {
                        LineKind::Input => html! { <pre key={l.id} class="in">{ &l.text }</pre> },
                        LineKind::Output => html! { <pre key={l.id} class="out">{ &l.text }</pre> },
                        LineKind::Error => html! { <pre key={l.id} class="err">{ &l.text }</pre> },
                    }
                }) }
            </div>
            <div class="console-input">
                <span class="prompt" aria-hidden="true">{ props.prompt.symbol() }</span>
                <input ref={input} {onkeydown} {onpaste} type="text" spellcheck="false" autocomplete="off" autocapitalize="off"
                    aria-label={match props.prompt {
                        Prompt::Record => "Record to produce (Ctrl-D ends the input, Ctrl-C stops the producer)",
                        Prompt::Continuation => "The command goes on (end the line without a backslash to run it)",
                        Prompt::Command => "Command",
                    }}
                    placeholder={match (props.prompt, &props.note) {
                        (Prompt::Record, _) => "a record (Ctrl-D ends the input)".to_string(),
                        (Prompt::Continuation, _) => "the rest of the command".to_string(),
                        (Prompt::Command, Some(note)) => note.clone(),
                        (Prompt::Command, None) => "kafka-topics.sh --bootstrap-server localhost:9092 --list".to_string(),
                    }}
                    aria-describedby="console-hint" data-testid="console-input" />
            </div>
            <p id="console-hint" class="console-hint" aria-live="polite" data-testid="console-hint">{ (*hint).clone() }</p>
        </section>
    }
}
