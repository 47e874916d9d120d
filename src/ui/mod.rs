//! The Yew front end. Reads the engine only through `Sim::view()`; all state changes go
//! through one reducer per page (`Reducible` + an `Action` enum).
mod app;
mod console;
mod crash;
mod details;
mod flight;
mod glossary_page;
mod home;
mod lesson_page;
mod sandbox;
mod stage;
pub mod state;
mod transport;

pub use app::{App, Route};

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
