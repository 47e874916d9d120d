//! The sandbox's one state: a shell (and so a simulation), its current view, the narration of
//! what the last action did, and the console's lines. All changes go through `Action`;
//! timers and effects live outside.
use std::rc::Rc;

use yew::prelude::*;

use crate::scenarios::failover_preset;
use crate::shell::{ProducerSession, Shell};
use crate::sim::trace::TraceEvent;
use crate::sim::view::SimView;
use crate::sim::{BrokerId, Fault, Millis};

/// How many records of each replica's log the page shows.
pub const LOG_TAIL: usize = 8;
const NARRATION_LINES: usize = 12;
const CONSOLE_LINES: usize = 400;

#[derive(Clone, Debug, PartialEq)]
pub enum Action {
    /// Apply the next event.
    Step,
    /// Advance virtual time.
    RunFor(Millis),
    Kill(BrokerId),
    Stop(BrokerId),
    Start(BrokerId),
    /// A line typed in the console (a command, or a record at the producer's prompt).
    RunCommand(String),
    /// Ctrl-D at the console: ends the producer's prompt.
    EndOfInput,
    Reset,
    /// Undo the last change of the simulation (restores its snapshot).
    StepBack,
    TogglePlay,
    /// Playback speed in percent of real time (25 to 800).
    SetSpeed(u32),
    /// While playing: real milliseconds have passed.
    Tick(u32),
    ToggleHelp,
}

/// Snapshots kept for step back (the simulation is Clone; records are shared, not copied).
const HISTORY: usize = 300;
pub const SPEEDS: &[u32] = &[25, 50, 100, 200, 400, 800];

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LineKind {
    Input,
    Output,
    Error,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConsoleLine {
    /// Stable key for the keyed list.
    pub id: u64,
    pub kind: LineKind,
    pub text: String,
}

#[derive(Clone)]
pub struct SandboxState {
    pub shell: Shell,
    pub view: SimView,
    /// Plain-words lines of what happened, newest last.
    pub narration: Vec<String>,
    pub error: Option<String>,
    pub console: Vec<ConsoleLine>,
    next_line: u64,
    /// Set while the console producer's `>` prompt is open.
    pub producer: Option<ProducerSession>,
    pub seed: u64,
    /// Earlier simulations, newest last, for step back.
    history: Vec<Shell>,
    pub playing: bool,
    pub speed_percent: u32,
    pub show_help: bool,
}

impl PartialEq for SandboxState {
    fn eq(&self, other: &Self) -> bool {
        self.shell.sim.trace_hash() == other.shell.sim.trace_hash()
            && self.view == other.view
            && self.narration == other.narration
            && self.error == other.error
            && self.console == other.console
            && self.producer == other.producer
            && self.playing == other.playing
            && self.speed_percent == other.speed_percent
            && self.show_help == other.show_help
            && self.history.len() == other.history.len()
    }
}

/// Record-by-record events are shown by the logs on the stage; the narration tells the
/// story of the cluster (elections, ISR changes, faults, errors).
/// Internal topics (`__consumer_offsets`) and routine commits are left to the stage too.
fn is_noise(e: &TraceEvent) -> bool {
    matches!(
        e,
        TraceEvent::HighWatermark { .. }
            | TraceEvent::Appended { .. }
            | TraceEvent::ProduceAcked { .. }
            | TraceEvent::Consumed { .. }
            | TraceEvent::MessageDropped { .. }
            | TraceEvent::OffsetsCommitted { .. }
    ) || e.partition().is_some_and(|tp| tp.topic.starts_with("__"))
}

impl SandboxState {
    pub fn new(seed: u64) -> Self {
        let shell = Shell::from_sim(failover_preset(seed));
        let view = shell.sim.view(LOG_TAIL);
        SandboxState {
            shell,
            view,
            narration: vec!["Three brokers are up; `orders` is replicated three times.".into()],
            error: None,
            console: Vec::new(),
            next_line: 0,
            producer: None,
            seed,
            history: Vec::new(),
            playing: false,
            speed_percent: 100,
            show_help: false,
        }
    }

    pub fn can_step_back(&self) -> bool {
        !self.history.is_empty()
    }

    fn snapshot(&mut self) {
        self.history.push(self.shell.clone());
        if self.history.len() > HISTORY {
            self.history.remove(0);
        }
    }

    /// The console's prompt: `$` for commands, `>` while the console producer reads records.
    pub fn prompt(&self) -> &'static str {
        if self.producer.is_some() {
            ">"
        } else {
            "$"
        }
    }

    fn narrate_since(&mut self, from: usize) {
        let lines: Vec<String> = self.shell.sim.trace()[from..].iter().filter(|t| !is_noise(&t.event)).map(|t| t.to_string()).collect();
        self.narration.extend(lines);
        let n = self.narration.len();
        if n > NARRATION_LINES {
            self.narration.drain(..n - NARRATION_LINES);
        }
    }

    fn print(&mut self, kind: LineKind, text: &str) {
        for line in text.lines() {
            self.next_line += 1;
            self.console.push(ConsoleLine { id: self.next_line, kind, text: line.to_string() });
        }
        let n = self.console.len();
        if n > CONSOLE_LINES {
            self.console.drain(..n - CONSOLE_LINES);
        }
    }

    fn run_command(&mut self, line: &str) {
        let prompt = self.prompt();
        self.print(LineKind::Input, &format!("{prompt} {line}"));
        if let Some(mut session) = self.producer.take() {
            if line.trim() == "exit" {
                self.shell.end_interactive(session);
                return;
            }
            match self.shell.interactive_line(&mut session, line) {
                Ok(out) => {
                    self.print(LineKind::Output, &out);
                    self.producer = Some(session);
                }
                Err(e) => {
                    self.print(LineKind::Error, &e.message);
                    self.shell.end_interactive(session);
                }
            }
            return;
        }
        if line.trim().is_empty() {
            return;
        }
        match self.shell.begin_interactive(line) {
            Some(Ok(session)) => {
                self.producer = Some(session);
                self.print(LineKind::Output, "(type one record per line; `exit` or Ctrl-D to finish)");
            }
            Some(Err(e)) => self.print(LineKind::Error, &e.message),
            None => match self.shell.execute(line, &[]) {
                Ok(out) => self.print(LineKind::Output, &out),
                Err(e) => self.print(LineKind::Error, &e.message),
            },
        }
    }
}

impl Reducible for SandboxState {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut next = (*self).clone();
        let from = next.shell.sim.trace().len();
        next.error = None;
        // Everything that changes the simulation keeps a snapshot first, for step back.
        if matches!(
            action,
            Action::Step | Action::RunFor(_) | Action::Kill(_) | Action::Stop(_) | Action::Start(_) | Action::RunCommand(_) | Action::EndOfInput | Action::Tick(_)
        ) {
            next.snapshot();
        }
        let result = match action {
            Action::StepBack => {
                match next.history.pop() {
                    Some(previous) => {
                        next.shell = previous;
                        next.producer = None;
                        next.narration.push(format!("Stepped back to t = {} ms.", next.shell.sim.now()));
                    }
                    None => next.narration.push("Nothing to step back to.".into()),
                }
                next.view = next.shell.sim.view(LOG_TAIL);
                return Rc::new(next);
            }
            Action::TogglePlay => {
                next.playing = !next.playing;
                return Rc::new(next);
            }
            Action::SetSpeed(p) => {
                next.speed_percent = p.clamp(25, 800);
                return Rc::new(next);
            }
            Action::ToggleHelp => {
                next.show_help = !next.show_help;
                return Rc::new(next);
            }
            Action::Tick(real_ms) => {
                let virtual_ms = (real_ms as u64 * next.speed_percent as u64) / 100;
                next.shell.sim.run_for(virtual_ms.max(1));
                Ok(())
            }
            Action::Step => {
                next.shell.sim.step();
                Ok(())
            }
            Action::RunFor(ms) => {
                next.shell.sim.run_for(ms);
                Ok(())
            }
            Action::Kill(b) => next.shell.sim.apply(Fault::KillBroker(b)),
            Action::Stop(b) => next.shell.sim.apply(Fault::StopBroker(b)),
            Action::Start(b) => next.shell.sim.apply(Fault::StartBroker(b)),
            Action::RunCommand(line) => {
                next.run_command(&line);
                Ok(())
            }
            Action::EndOfInput => {
                if let Some(session) = next.producer.take() {
                    next.print(LineKind::Input, "> ^D");
                    next.shell.end_interactive(session);
                }
                Ok(())
            }
            Action::Reset => return Rc::new(SandboxState::new(self.seed)),
        };
        if let Err(e) = result {
            next.error = Some(e.to_string());
        }
        let from = from.min(next.shell.sim.trace().len());
        next.narrate_since(from);
        next.view = next.shell.sim.view(LOG_TAIL);
        Rc::new(next)
    }
}
