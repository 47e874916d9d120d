//! The Yew front end: components that render the app layer's state (`crate::app`) and turn
//! DOM events into its actions. Reads the engine only through `Sim::view()`; all state
//! changes go through the native reducer (`app::state`), which `sandbox.rs` moves its state
//! through (`reducer::use_moving_reducer`). Timers, the animation loop and the address bar live here, outside reducers.
mod console;
mod crash;
mod details;
mod fetch;
mod flight;
mod glossary_page;
mod home;
mod lesson_page;
mod lesson_stage;
mod reducer;
mod router;
mod sandbox;
mod stage;
mod storage;
mod transport;

pub use crate::app::route::Route;
pub use router::App;

use yew::{AttrValue, Html};

/// Fixed markup (never learner text) as one string. `html!` spends code on every element it
/// builds, and this is the bundle's largest part (docs/BENCHMARKS.md, "Bundle size"); a
/// string is a few bytes of code, and Yew never diffs it past comparing the string.
pub(crate) fn markup(html: &'static str) -> Html {
    Html::from_html_unchecked(AttrValue::Static(html))
}

/// Mounts the app on `<body>`. A panic shows a recoverable notice instead of a dead page.
pub fn start() {
    crash::install();
    yew::Renderer::<App>::new().render();
}
