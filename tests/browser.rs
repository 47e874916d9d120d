//! Browser tests (wasm-pack test --headless --chrome): the app mounts, the stage draws the
//! cluster and follows the transport, and the engine and a whole sandbox session give the same
//! trace hashes as natively (the native tests check the same golden files).
#![cfg(target_arch = "wasm32")]

use kafka_flightsim::scenarios::{reference_run, reference_session};
use kafka_flightsim::ui::App;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlElement};

wasm_bindgen_test_configure!(run_in_browser);

const GOLDEN: &str = include_str!("data/reference_trace_hash.txt");
const SESSION_GOLDEN: &str = include_str!("data/session_trace_hash.txt");

#[wasm_bindgen_test]
fn trace_hash_equals_the_native_one() {
    assert_eq!(format!("{:016x}", reference_run(42).trace_hash()), GOLDEN.trim());
}

#[wasm_bindgen_test]
fn session_trace_hash_equals_the_native_one() {
    assert_eq!(format!("{:016x}", reference_session(42).shell().sim.trace_hash()), SESSION_GOLDEN.trim());
}

fn mount(hash: &str) -> Element {
    web_sys::window().unwrap().location().set_hash(hash).unwrap();
    let document = web_sys::window().unwrap().document().unwrap();
    let root = document.create_element("div").unwrap();
    document.body().unwrap().append_child(&root).unwrap();
    yew::Renderer::<App>::with_root(root.clone()).render();
    root
}

/// Waits until Yew has rendered everything pending and run its lifecycle callbacks: the
/// scheduler says when, so no test guesses how long a render takes.
async fn settle() {
    yew::scheduler::flush().await;
}

fn text(root: &Element, sel: &str) -> String {
    root.query_selector(sel).unwrap().unwrap_or_else(|| panic!("no element matches {sel}")).text_content().unwrap_or_default()
}

fn click(root: &Element, sel: &str) {
    let el = root.query_selector(sel).unwrap().unwrap_or_else(|| panic!("no element matches {sel}"));
    match el.clone().dyn_into::<HtmlElement>() {
        Ok(b) => b.click(),
        // SVG shapes have no click(): send the event a mouse would.
        Err(_) => {
            let send = js_sys::Function::new_with_args("el", "el.dispatchEvent(new MouseEvent('click', { bubbles: true }))");
            send.call1(&wasm_bindgen::JsValue::NULL, &el).unwrap();
        }
    }
}

fn now(root: &Element) -> String {
    root.query_selector("[data-testid='clock']").unwrap().unwrap().get_attribute("data-now").unwrap_or_default()
}

#[wasm_bindgen_test]
async fn home_page_mounts() {
    let root = mount("#/");
    settle().await;
    let t = root.text_content().unwrap_or_default();
    assert!(t.contains("Kafka Flight Simulator"), "{t}");
    assert!(t.contains("The course"), "{t}");
    root.remove();
}

#[wasm_bindgen_test]
async fn stage_renders_a_three_broker_cluster() {
    let root = mount("#/sandbox?preset=failover");
    settle().await;
    let stage = root.query_selector("svg[data-testid='stage']").unwrap().expect("the stage");
    assert_eq!(stage.query_selector_all("g.broker").unwrap().length(), 3);
    for b in 1..=3 {
        assert!(text(&root, &format!("[data-testid='broker-{b}-status']")).contains("running"), "broker {b} is running");
    }
    // orders has 3 partitions at RF 3: nine replicas, one leader (★) per partition.
    let count = |sel: &str| stage.query_selector_all(sel).unwrap().length();
    assert_eq!(count("g.replica[data-testid^='replica-orders-']"), 9);
    assert_eq!(count("g.replica.leader[data-testid^='replica-orders-']"), 3);
    // Each row says its log's offsets (the painter draws the strip: `app::strips` is tested natively).
    let rows = stage.query_selector_all("g.replica[data-testid='replica-orders-0']").unwrap();
    for i in 0..rows.length() {
        let label = rows.item(i).and_then(|r| r.dyn_into::<Element>().ok()).and_then(|r| r.get_attribute("aria-label")).unwrap_or_default();
        assert!(label.contains("log start 0") && label.contains("high watermark"), "{label}");
    }
    assert_eq!(rows.length(), 3);
    assert!(stage.query_selector("[data-testid='client-checkout']").unwrap().is_some(), "the producer is drawn");
    assert!(text(&root, "[data-testid='group-dashboard-state']").contains("Stable"));
    root.remove();
}

#[wasm_bindgen_test]
async fn step_and_step_back_change_and_restore_the_view() {
    let root = mount("#/sandbox?preset=failover");
    settle().await;
    // Where the learner stands on the timeline: "Step N of M" (M, the steps taken, stays).
    let view = |root: &Element| (now(root), text(root, "[data-testid='stage']"), text(root, ".timeline label").split(" of").next().unwrap_or("").to_string());
    let before = view(&root);
    for _ in 0..30 {
        click(&root, "[data-testid='step']");
    }
    settle().await;
    let after = view(&root);
    assert_ne!(before, after, "thirty events change the view");
    for _ in 0..30 {
        click(&root, "[data-testid='step-back']");
    }
    settle().await;
    assert_eq!(view(&root), before, "stepping back as far restores it");
    root.remove();
}

#[wasm_bindgen_test]
async fn kill_from_the_details_panel_elects_a_new_leader() {
    let root = mount("#/sandbox?preset=failover");
    settle().await;
    click(&root, "[data-testid='broker-1'] .hit");
    settle().await;
    click(&root, "[data-testid='fault-kill']");
    settle().await;
    for _ in 0..10 {
        click(&root, "[data-testid='run-1s']");
        settle().await;
    }
    let narration = text(&root, "[data-testid='narration']");
    assert!(narration.contains("controller fenced broker 1"), "{narration}");
    assert!(text(&root, "[data-testid='broker-1-status']").contains("down"));
    // Every partition still has a leader, and none of them is on broker 1.
    assert!(root.query_selector("[data-testid='broker-1'] g.replica.leader").unwrap().is_none(), "broker 1 leads nothing");
    for b in 2..=3 {
        assert!(
            root.query_selector(&format!("[data-testid='broker-{b}'] g.replica.leader[data-testid^='replica-orders-']")).unwrap().is_some(),
            "broker {b} took over leadership"
        );
    }
    root.remove();
}

#[wasm_bindgen_test]
async fn a_tampered_link_opens_a_clean_sandbox_with_a_notice() {
    let root = mount("#/sandbox?preset=failover&seed=1&tape=AAAA&sum=deadbeef");
    settle().await;
    let notice = text(&root, "[data-testid='notice']");
    assert!(!notice.is_empty());
    assert_eq!(root.query_selector_all("svg g.broker").unwrap().length(), 3);
    root.remove();
}
