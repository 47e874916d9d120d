//! A panic anywhere replaces the page with a recoverable error screen: what broke, the seed
//! and the commands to report (read back from the shared-session address, which the sandbox
//! keeps current), and links to reopen that moment or start clean. Built with DOM calls and
//! text nodes only: no markup from the address is ever parsed.
//!
//! Two ways in. Builds that keep panic messages (`trunk serve`, the browser tests) show the
//! message from the panic hook. The shipped build compiles a panic to a WebAssembly trap
//! (`panic=immediate-abort`, scripts/build-release.sh): no hook runs, and the trap reaches the
//! page as an uncaught `WebAssembly.RuntimeError`, which the listeners below catch. The
//! message is not in that build; the address replays the run natively with it
//! (`flightsim replay`), which is what determinism buys.
use wasm_bindgen::{JsCast, JsValue};

use crate::session::link::Link;
use crate::session::{Op, Start};

pub fn install() {
    // Through yew: its renderer installs its own hook (console only) unless given a custom one.
    #[cfg(not(panic = "immediate-abort"))]
    yew::set_custom_panic_hook(Box::new(|info| {
        console_error_panic_hook::hook(info);
        show(&info.to_string());
    }));
    let Some(window) = web_sys::window() else { return };
    // A trap in an event handler or a timer is an `error` event; in a promise job (Yew's
    // scheduler, the app's start) an `unhandledrejection`.
    for (kind, field) in [("error", "error"), ("unhandledrejection", "reason")] {
        gloo_events::EventListener::new(&window, kind, move |event| {
            let error = js_sys::Reflect::get(event, &JsValue::from_str(field)).unwrap_or(JsValue::UNDEFINED);
            if error.is_instance_of::<js_sys::WebAssembly::RuntimeError>() {
                let text = error.dyn_ref::<js_sys::Error>().map(|e| String::from(e.to_string())).unwrap_or_default();
                show(&format!("{text}: the simulator stopped on an internal error. This build leaves panic messages out to stay small; replaying the address below natively prints it (cargo run --bin flightsim -- replay 'ADDRESS')."));
            }
        })
        .forget();
    }
}

fn show(message: &str) {
    let Some(window) = web_sys::window() else { return };
    let Some(doc) = window.document() else { return };
    let Some(body) = doc.body() else { return };
    // Once: a build with messages shows the hook's, then traps (panic=abort) into the listener.
    if doc.query_selector("[data-testid=crash-screen]").ok().flatten().is_some() {
        return;
    }
    let hash = window.location().hash().unwrap_or_default();
    let el = |tag: &str, text: &str| {
        let e = doc.create_element(tag).ok()?;
        if !text.is_empty() {
            e.set_text_content(Some(text));
        }
        Some(e)
    };
    body.set_text_content(None);
    let Some(main) = el("main", "") else { return };
    let _ = main.set_attribute("class", "page crash");
    let _ = main.set_attribute("role", "alert");
    let _ = main.set_attribute("data-testid", "crash-screen");
    let mut parts = vec![
        el("h1", "Something broke inside the simulator"),
        el("p", "This is a bug in Kafka Flight Simulator, not something you did. The details below let us replay exactly what happened."),
        el("pre", message),
    ];
    let query = crate::session::link::query_of(&hash);
    match Link::from_query(query) {
        Ok(Some(link)) => {
            let step = link.at.map_or("end".to_string(), |a| a.to_string());
            match &link.start {
                Start::Preset(p) => parts.push(el("p", &format!("Preset: {}. Seed: {}. Step: {step}.", p.id, link.seed))),
                Start::Script(s) => {
                    parts.push(el("p", &format!("Script: {} ({} brokers). Seed: {}. Step: {step}.", s.name, s.brokers, link.seed)));
                    parts.push(el("h2", "Script"));
                    parts.push(el("pre", &s.text));
                }
            }
            let commands: Vec<String> = link
                .ops
                .iter()
                .map(|op| match op {
                    Op::Line(l) => l.clone(),
                    Op::EndOfInput => "^D".to_string(),
                    Op::Interrupt => "^C".to_string(),
                    Op::StepTo(n) => format!("(step to event {n})"),
                    Op::RunUntil(t) => format!("(play to t = {t} ms)"),
                    Op::Clock(t) => format!("(clock at {t} ms)"),
                })
                .collect();
            parts.push(el("h2", "Commands"));
            parts.push(el("pre", &if commands.is_empty() { "(none)".to_string() } else { commands.join("\n") }));
        }
        _ => parts.push(el("p", "No session was open (or its address could not be read): seed 42, no commands.")),
    }
    parts.push(el("p", &format!("Address to report: {}", window.location().href().unwrap_or_default())));
    // A different query string reloads the page: the crashed module cannot be reused.
    if let Some(a) = el("a", "Reopen this moment") {
        let _ = a.set_attribute("href", &format!("?reload={}{hash}", js_sys::Date::now() as u64));
        let _ = a.set_attribute("class", "button primary");
        parts.push(Some(a));
    }
    if let Some(a) = el("a", "Start a clean sandbox") {
        let _ = a.set_attribute("href", &format!("?reload={}#/sandbox", js_sys::Date::now() as u64));
        let _ = a.set_attribute("class", "button");
        parts.push(Some(a));
    }
    for p in parts.into_iter().flatten() {
        let _ = main.append_child(&p);
    }
    let _ = body.append_child(&main);
}
