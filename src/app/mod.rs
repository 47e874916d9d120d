//! The app layer: what the pages decide, in native code, so it is tested with `cargo test`.
//! The sandbox's state and its reducer (`state`), the routes (`route`), the stage's layout
//! (`layout`), the keyboard shortcuts (`shortcuts`), the narration (`narration`) and the
//! glossary (`glossary`), the learner's progress and its text format (`progress`), and markup
//! built as escaped strings (`html`). `src/ui` renders this state and turns DOM events into
//! `state::Action`s; timers, the animation loop and the address bar stay there, outside the
//! reducer.
//!
//! Layers point one way: `ui -> app -> session -> presets -> shell -> sim` (tests/layering.rs).
pub mod clock;
pub mod details;
pub mod flights;
pub mod glossary;
pub mod html;
pub mod lag;
pub mod layout;
pub mod lesson;
pub mod monitor;
pub mod narration;
pub mod pace;
pub mod progress;
pub mod route;
pub mod shortcuts;
pub mod state;
pub mod strips;
