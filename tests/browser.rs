//! Browser tests (wasm-pack test --headless --chrome): the app mounts and responds, and the
//! engine gives the same trace hash as natively.
#![cfg(target_arch = "wasm32")]

use std::time::Duration;

use gloo_timers::future::sleep;
use kafka_flightsim::scenarios::reference_run;
use kafka_flightsim::ui::App;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::HtmlElement;

wasm_bindgen_test_configure!(run_in_browser);

const GOLDEN: &str = include_str!("data/reference_trace_hash.txt");

#[wasm_bindgen_test]
fn trace_hash_equals_the_native_one() {
    assert_eq!(format!("{:016x}", reference_run(42).trace_hash()), GOLDEN.trim());
}

fn mount() -> web_sys::Element {
    let document = web_sys::window().unwrap().document().unwrap();
    let root = document.create_element("div").unwrap();
    document.body().unwrap().append_child(&root).unwrap();
    yew::Renderer::<App>::with_root(root.clone()).render();
    root
}

async fn settle() {
    sleep(Duration::from_millis(50)).await;
}

#[wasm_bindgen_test]
async fn home_page_mounts() {
    web_sys::window().unwrap().location().set_hash("#/").unwrap();
    let root = mount();
    settle().await;
    let text = root.text_content().unwrap_or_default();
    assert!(text.contains("Kafka Flight Simulator"), "{text}");
    assert!(text.contains("The course"), "{text}");
    root.remove();
}

#[wasm_bindgen_test]
async fn sandbox_shows_three_brokers_and_kill_elects_a_new_leader() {
    web_sys::window().unwrap().location().set_hash("#/sandbox").unwrap();
    let root = mount();
    settle().await;
    let brokers = root.query_selector_all("article.broker").unwrap();
    assert_eq!(brokers.length(), 3);
    let kill: HtmlElement = root.query_selector("button[aria-label='Kill broker 1 (hard)']").unwrap().expect("kill button").dyn_into().unwrap();
    kill.click();
    settle().await;
    let run: HtmlElement = root.query_selector("[data-testid='run-1s']").unwrap().unwrap().dyn_into().unwrap();
    for _ in 0..10 {
        run.click();
        settle().await;
    }
    let narration = root.query_selector("[data-testid='narration']").unwrap().unwrap().text_content().unwrap_or_default();
    assert!(narration.contains("controller fenced broker 1"), "{narration}");
    assert!(root.query_selector("article.broker.down").unwrap().is_some());
    root.remove();
}

#[wasm_bindgen_test]
async fn step_and_step_back_change_and_restore_the_view() {
    web_sys::window().unwrap().location().set_hash("#/sandbox").unwrap();
    let root = mount();
    settle().await;
    let text = |sel: &str| root.query_selector(sel).unwrap().unwrap().text_content().unwrap_or_default();
    let click = |sel: &str| {
        let b: HtmlElement = root.query_selector(sel).unwrap().unwrap().dyn_into().unwrap();
        b.click();
    };
    let before = (text("[data-testid='clock']"), text("section.brokers"));
    click("[data-testid='run-1s']");
    settle().await;
    let after = (text("[data-testid='clock']"), text("section.brokers"));
    assert_ne!(before, after, "a second of virtual time changes the view");
    click("[data-testid='step-back']");
    settle().await;
    assert_eq!((text("[data-testid='clock']"), text("section.brokers")), before, "step back restores it");
    root.remove();
}
