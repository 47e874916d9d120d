//! Kafka Flight Simulator: a deterministic Kafka cluster that runs in the browser.
//!
//! Layers point one way: `ui -> lessons -> shell -> sim`. `sim` knows nothing of the others
//! nor of the web.
pub mod bench;
pub mod glossary;
pub mod lesson;
pub mod narration;
pub mod presets;
pub mod scenarios;
pub mod session;
pub mod shell;
pub mod sim;
pub mod sort;
pub mod stage;
pub mod vecmap;

#[cfg(target_arch = "wasm32")]
pub mod ui;
