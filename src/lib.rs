//! Kafka Flight Simulator: a deterministic Kafka cluster that runs in the browser.
//!
//! Layers point one way: `ui -> app -> session -> presets -> shell -> sim` (tests/layering.rs
//! checks every `crate::` path). `sim` knows nothing of the others nor of the web; only `ui`
//! is web code (wasm32).
pub mod app;
pub mod bench;
pub mod lesson;
pub mod presets;
pub mod scenarios;
pub mod session;
pub mod shell;
pub mod sim;
pub mod sort;
pub mod vecmap;

#[cfg(target_arch = "wasm32")]
pub mod ui;
