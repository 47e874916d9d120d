//! The sandbox's one state: a simulation, its current view, and the narration of what the
//! last action did. All changes go through `Action`; timers and effects live outside.
use std::rc::Rc;

use yew::prelude::*;

use crate::scenarios::failover_preset;
use crate::sim::trace::TraceEvent;
use crate::sim::view::SimView;
use crate::sim::{BrokerId, Fault, Millis, Sim};

/// How many records of each replica's log the page shows.
pub const LOG_TAIL: usize = 8;
const NARRATION_LINES: usize = 12;

#[derive(Clone, Debug, PartialEq)]
pub enum Action {
    /// Apply the next event.
    Step,
    /// Advance virtual time.
    RunFor(Millis),
    Kill(BrokerId),
    Stop(BrokerId),
    Start(BrokerId),
    Reset,
}

#[derive(Clone)]
pub struct SandboxState {
    pub sim: Sim,
    pub view: SimView,
    /// Plain-words lines of what happened, newest last.
    pub narration: Vec<String>,
    pub error: Option<String>,
    pub seed: u64,
}

impl PartialEq for SandboxState {
    fn eq(&self, other: &Self) -> bool {
        self.sim.trace_hash() == other.sim.trace_hash() && self.view == other.view && self.narration == other.narration && self.error == other.error
    }
}

/// Record-by-record events are shown by the logs on the stage; the narration tells the
/// story of the cluster (elections, ISR changes, faults, errors).
fn is_noise(e: &TraceEvent) -> bool {
    matches!(
        e,
        TraceEvent::HighWatermark { .. }
            | TraceEvent::Appended { .. }
            | TraceEvent::ProduceAcked { .. }
            | TraceEvent::Consumed { .. }
            | TraceEvent::MessageDropped { .. }
    )
}

impl SandboxState {
    pub fn new(seed: u64) -> Self {
        let sim = failover_preset(seed);
        let view = sim.view(LOG_TAIL);
        SandboxState { sim, view, narration: vec!["Three brokers are up; `orders` is replicated three times.".into()], error: None, seed }
    }

    fn narrate_since(&mut self, from: usize) {
        let lines: Vec<String> = self.sim.trace()[from..].iter().filter(|t| !is_noise(&t.event)).map(|t| t.to_string()).collect();
        self.narration.extend(lines);
        let n = self.narration.len();
        if n > NARRATION_LINES {
            self.narration.drain(..n - NARRATION_LINES);
        }
    }
}

impl Reducible for SandboxState {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut next = (*self).clone();
        let from = next.sim.trace().len();
        next.error = None;
        let result = match action {
            Action::Step => {
                next.sim.step();
                Ok(())
            }
            Action::RunFor(ms) => {
                next.sim.run_for(ms);
                Ok(())
            }
            Action::Kill(b) => next.sim.apply(Fault::KillBroker(b)),
            Action::Stop(b) => next.sim.apply(Fault::StopBroker(b)),
            Action::Start(b) => next.sim.apply(Fault::StartBroker(b)),
            Action::Reset => return Rc::new(SandboxState::new(self.seed)),
        };
        if let Err(e) = result {
            next.error = Some(e.to_string());
        }
        next.narrate_since(from);
        next.view = next.sim.view(LOG_TAIL);
        Rc::new(next)
    }
}
