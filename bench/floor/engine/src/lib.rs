//! Everything of the app that is not UI, reachable from one export: presets, the shell (any
//! command line, so no tool can be dropped by the linker), the session player with seek and
//! step back, shared links, the view the stage reads, and the glossary's parser and narration links.
use kafka_flightsim::app::glossary;
use kafka_flightsim::{presets, session};
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
pub fn run(preset: &str, seed: u64, lines: &str, query: &str) -> String {
    let Some(p) = presets::find(preset) else { return String::new() };
    let mut player = match session::Player::new(p, seed) {
        Ok(p) => p,
        Err(e) => return e,
    };
    for line in lines.lines() {
        player.line(line);
        player.step();
    }
    player.seek(player.elapsed() / 2);
    player.step_back();
    let mut out = String::new();
    for printed in player.take_printed() {
        out.push_str(&printed.text);
    }
    out.push_str(&player.shell().sim.view(8).brokers.len().to_string());
    if let Ok(Some(link)) = session::link::Link::from_query(query) {
        if let Ok(other) = session::Player::open(&link, 1_000) {
            out.push_str(&other.link().to_query());
        }
    }
    // The glossary's text is data the page fetches: its parser and the narration's links.
    if let Ok(g) = glossary::parse(lines) {
        out.push_str(&glossary::page_html(Some(Ok(&g))));
    }
    out.push_str(&glossary::line_html(query, None));
    out
}
