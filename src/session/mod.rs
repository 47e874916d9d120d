//! A sandbox session is a tape: a start (a preset or another script, `start.rs`), a seed and
//! the list of what the learner did (console lines, steps, playing up to a virtual time). The
//! simulation is a pure function of the tape, so seeking is "restore the nearest checkpoint,
//! replay forward", stepping back is seeking one event back, and a shared link is the tape
//! itself.
//!
//! Positions are counted in events applied since the session began (`elapsed`), so they stay
//! monotonic across a `reset` inside the tape.
pub mod link;
mod start;

use std::rc::Rc;

pub use start::{Script, Start};

use crate::shell::{Completion, ConsumerSession, Interactive, ProducerSession, Shell};
use crate::sim::Millis;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Op {
    /// A console line: a command, or a record at the console producer's `>` prompt.
    Line(String),
    /// Ctrl-D at the producer's prompt (or at a continued command's).
    EndOfInput,
    /// Ctrl-C (or a `^C` line): stops the tool that has the keyboard (see `Player::interrupt`).
    Interrupt,
    /// Apply events until `elapsed` reaches this count (the Step button).
    StepTo(u64),
    /// Apply every event up to this virtual time, then set the clock there (playing).
    RunUntil(Millis),
    /// Set the clock without applying events: where a cut-short run stood.
    Clock(Millis),
}

/// What the console's prompt waits for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Prompt {
    /// `$`: a command.
    Command,
    /// `>`: a record for the console producer.
    Record,
    /// `>`: the rest of a command whose last line ended in a backslash (bash's PS2).
    Continuation,
}

impl Prompt {
    pub fn symbol(self) -> &'static str {
        match self {
            Prompt::Command => "$",
            Prompt::Record | Prompt::Continuation => ">",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LineKind {
    Input,
    Output,
    Error,
}

/// A line for the console.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Printed {
    pub kind: LineKind,
    pub text: String,
}

/// The state at one point of the tape.
#[derive(Clone)]
struct Frame {
    shell: Shell,
    producer: Option<ProducerSession>,
    /// Console consumers still running, oldest first: each prints its records as they arrive.
    consumers: Vec<ConsumerSession>,
    /// The lines of a command typed so far, while its last line ends in a backslash.
    pending: Option<String>,
    /// The next op to apply (or to go on with, for a run op applied in part).
    op: usize,
    elapsed: u64,
}

/// At most this many checkpoints; past it every other one goes and the spacing doubles.
const MAX_CHECKPOINTS: usize = 128;
const FIRST_INTERVAL: u64 = 256;

/// A session: its tape, where it stands, and checkpoints for seeking.
#[derive(Clone)]
pub struct Player {
    /// The starting cluster: the timeline's step 0 is after its script.
    pub start: Start,
    pub seed: u64,
    ops: Vec<Op>,
    /// Shared with the checkpoint it came from (and with the page's previous state) until
    /// changed: `fm()` copies it on the first change, so a seek or an action costs at most one
    /// copy of the simulation.
    frame: Rc<Frame>,
    checkpoints: Vec<Rc<Frame>>,
    interval: u64,
    /// `elapsed` at the end of the tape.
    head: u64,
    /// Console lines produced since the UI last took them.
    printed: Vec<Printed>,
    printing: bool,
    /// `clear` was typed since the UI last took the lines: it empties its console first.
    cleared: bool,
}

#[derive(Clone, Copy)]
struct Limit {
    elapsed: u64,
    time: Millis,
}

impl Limit {
    const NONE: Limit = Limit { elapsed: u64::MAX, time: Millis::MAX };
}

/// Events counted across a `reset`, which replaces the simulation (and its counter).
fn events_between(before: u64, after: u64) -> u64 {
    if after >= before {
        after - before
    } else {
        after
    }
}

impl Player {
    /// A session from a start: a preset (`&Preset` converts) or any other script. A script
    /// that applies more than a link's budget of events is refused, as a link's tape is.
    pub fn new(start: impl Into<Start>, seed: u64) -> Result<Player, String> {
        Player::with_budget(start.into(), seed, link::LINK_BUDGET)
    }

    fn with_budget(start: Start, seed: u64, budget: u64) -> Result<Player, String> {
        let shell = start.build(seed, budget)?;
        let frame = Rc::new(Frame { shell, producer: None, consumers: Vec::new(), pending: None, op: 0, elapsed: 0 });
        Ok(Player {
            start,
            seed,
            ops: Vec::new(),
            checkpoints: vec![frame.clone()],
            frame,
            interval: FIRST_INTERVAL,
            head: 0,
            printed: Vec::new(),
            printing: true,
            cleared: false,
        })
    }

    pub fn shell(&self) -> &Shell {
        &self.frame.shell
    }

    pub fn ops(&self) -> &[Op] {
        &self.ops
    }

    /// Events applied since the session began: the position on the timeline.
    pub fn elapsed(&self) -> u64 {
        self.frame.elapsed
    }

    /// The timeline's end.
    pub fn head(&self) -> u64 {
        self.head
    }

    pub fn at_head(&self) -> bool {
        self.frame.op >= self.ops.len()
    }

    pub fn producer_open(&self) -> bool {
        self.frame.producer.is_some()
    }

    /// What the console waits for: a command, a record, or the rest of a continued command.
    pub fn prompt(&self) -> Prompt {
        if self.frame.producer.is_some() {
            Prompt::Record
        } else if self.frame.pending.is_some() {
            Prompt::Continuation
        } else {
            Prompt::Command
        }
    }

    /// The tool Ctrl-C would stop: the producer's prompt, else the newest console consumer
    /// still running. While a consumer runs, commands still run beside it (as if it had been
    /// started with `&`): in one console the learner could otherwise not follow a tutorial's
    /// "producer in one terminal, consumer in another". None when Ctrl-C has nothing to stop.
    pub fn foreground(&self) -> Option<&str> {
        if self.frame.producer.is_some() {
            Some("kafka-console-producer.sh")
        } else {
            self.frame.consumers.last().map(ConsumerSession::name)
        }
    }

    /// Tab completion for the line being typed; on a continuation line, against the whole
    /// command typed so far (the completed line is the current line only).
    pub fn complete(&self, typed: &str) -> Option<Completion> {
        match &self.frame.pending {
            None => crate::shell::complete(self.shell(), typed),
            Some(before) => {
                let head = format!("{before}\n");
                let c = crate::shell::complete(self.shell(), &format!("{head}{typed}"))?;
                Some(Completion { line: c.line.strip_prefix(&head)?.to_string(), candidates: c.candidates })
            }
        }
    }

    /// Console lines written since the last call.
    pub fn take_printed(&mut self) -> Vec<Printed> {
        std::mem::take(&mut self.printed)
    }

    /// True once after `clear`: the console empties its lines before adding the new ones.
    pub fn take_cleared(&mut self) -> bool {
        std::mem::take(&mut self.cleared)
    }

    /// The frame, to change: copied first if a checkpoint or an earlier state still shares it.
    fn fm(&mut self) -> &mut Frame {
        Rc::make_mut(&mut self.frame)
    }

    fn print(&mut self, kind: LineKind, text: &str) {
        if self.printing {
            self.printed.extend(text.lines().map(|l| Printed { kind, text: l.to_string() }));
        }
    }

    fn checkpoint(&mut self) {
        let last = self.checkpoints.last().map_or(0, |c| c.elapsed);
        if self.frame.elapsed < last + self.interval {
            return;
        }
        self.checkpoints.push(self.frame.clone());
        if self.checkpoints.len() > MAX_CHECKPOINTS {
            // Keep the first (the preset) and every other one after it.
            let mut i = 0;
            self.checkpoints.retain(|_| {
                i += 1;
                i == 1 || i % 2 == 0
            });
            self.interval *= 2;
        }
    }

    fn step_event(&mut self) -> bool {
        if self.fm().shell.sim.step().is_none() {
            return false;
        }
        self.fm().elapsed += 1;
        self.poll_consumers();
        self.checkpoint();
        true
    }

    /// Running console consumers print what they received and end when theirs is done. Called
    /// after every event and console op, so a replay prints the same lines at the same step.
    fn poll_consumers(&mut self) {
        if !self.frame.consumers.iter().any(|c| c.due(&self.frame.shell)) {
            return;
        }
        let mut consumers = std::mem::take(&mut self.fm().consumers);
        let mut out = String::new();
        consumers.retain_mut(|c| {
            let polled = c.poll(&mut self.fm().shell);
            out.push_str(&polled.output);
            !polled.ended
        });
        self.fm().consumers = consumers;
        self.print(LineKind::Output, &out);
    }

    /// Applies a console line (or end of input) to the frame.
    fn apply_line(&mut self, op: &Op) {
        let before = self.frame.shell.sim.events_processed();
        match op {
            Op::EndOfInput => {
                if let Some(session) = self.fm().producer.take() {
                    self.print(LineKind::Input, "> ^D");
                    self.fm().shell.end_interactive(session);
                } else if let Some(text) = self.fm().pending.take() {
                    // End of input at the continuation prompt ends the command there, as in
                    // bash (a script's last line ending in a backslash does the same).
                    self.print(LineKind::Input, "> ^D");
                    self.run_command(&format!("{text}\n"));
                }
            }
            Op::Interrupt => self.apply_interrupt(),
            Op::Line(line) => self.apply_text(line),
            _ => unreachable!("apply_line takes console ops only"),
        }
        self.poll_consumers();
        let after = self.frame.shell.sim.events_processed();
        self.fm().elapsed += events_between(before, after);
        // Past this op before the checkpoint, or restoring it would apply the line twice.
        self.fm().op += 1;
        self.checkpoint();
    }

    /// Ctrl-C stops what has the keyboard: the producer's prompt (Kafka's shutdown hook closes
    /// the producer; no line printed), a half-typed continued command (bash drops it), else the
    /// newest running console consumer, with Kafka's closing line.
    fn apply_interrupt(&mut self) {
        if let Some(session) = self.fm().producer.take() {
            self.print(LineKind::Input, "> ^C");
            self.fm().shell.end_interactive(session);
        } else if self.fm().pending.take().is_some() {
            self.print(LineKind::Input, "> ^C");
        } else if let Some(consumer) = self.fm().consumers.pop() {
            self.print(LineKind::Input, "^C");
            let out = consumer.interrupt(&mut self.fm().shell);
            self.print(LineKind::Output, &out);
            // As a script's consumer: the leave and the last commit go out.
            self.fm().shell.sim.run_for(50);
        }
    }

    fn clear_screen(&mut self) {
        if self.printing {
            self.printed.clear();
            self.cleared = true;
        }
    }

    fn apply_text(&mut self, line: &str) {
        self.print(LineKind::Input, &format!("{} {line}", self.prompt().symbol()));
        if let Some(mut session) = self.fm().producer.take() {
            // Every line is a record, `exit` too: Kafka's console producer reads lines until
            // end of input (Ctrl-D) or Ctrl-C; it has no command of its own.
            match self.fm().shell.interactive_line(&mut session, line) {
                Ok(out) => {
                    self.print(LineKind::Output, &out);
                    self.fm().producer = Some(session);
                }
                Err(e) => {
                    self.print(LineKind::Error, &e.message);
                    self.fm().shell.end_interactive(session);
                }
            }
            return;
        }
        // A command whose line ends in a backslash goes on on the next line (the console shows
        // the `>` prompt meanwhile); the lines are joined as a POSIX shell joins them.
        let line = match crate::shell::paste::strip_prompt(line, self.frame.pending.is_some()) {
            Some((rest, prompt)) => {
                self.print(LineKind::Output, &format!("(left out the `{prompt}` in front: it is the prompt of the page it was copied from)"));
                rest
            }
            None => line,
        };
        if self.frame.pending.is_none() && line.trim() == "clear" {
            self.clear_screen();
            return;
        }
        let text = match self.fm().pending.take() {
            Some(before) => format!("{before}\n{line}"),
            None => line.to_string(),
        };
        if crate::shell::continues(&text) {
            self.fm().pending = Some(text);
            return;
        }
        self.run_command(&text);
    }

    /// Runs a whole command (perhaps continued over several lines).
    fn run_command(&mut self, line: &str) {
        if line.trim().is_empty() {
            return;
        }
        match self.fm().shell.begin_interactive(line) {
            Some(Ok(Interactive::Producer(mut session))) => {
                self.print(LineKind::Output, &std::mem::take(&mut session.notes));
                self.fm().producer = Some(session);
                self.print(LineKind::Output, "(type one record per line; Ctrl-D ends the input, Ctrl-C stops the producer)");
            }
            Some(Ok(Interactive::Consumer { output, running })) => {
                self.print(LineKind::Output, &output);
                if let Some(c) = running {
                    self.print(
                        LineKind::Output,
                        &format!("({} keeps running, printing records as they arrive: Ctrl-C stops it; commands still run meanwhile)", c.name()),
                    );
                    self.fm().consumers.push(c);
                }
            }
            Some(Err(e)) => self.print(LineKind::Error, &e.message),
            None => match self.fm().shell.execute(line, &[]) {
                Ok(out) => self.print(LineKind::Output, &out),
                Err(e) => self.print(LineKind::Error, &e.message),
            },
        }
    }

    /// Goes along the tape from the frame until `limit` or the tape's end. Console lines met
    /// exactly at an event limit are applied only if they apply no event themselves, so a
    /// position is "after event n and whatever the learner did before event n + 1".
    fn forward(&mut self, limit: Limit) {
        while self.frame.op < self.ops.len() {
            let op = self.ops[self.frame.op].clone();
            match op {
                Op::StepTo(target) => {
                    while self.frame.elapsed < target.min(limit.elapsed) && self.frame.shell.sim.next_event_time().is_some_and(|t| t <= limit.time) {
                        self.step_event();
                    }
                    if self.frame.elapsed < target && !self.frame.shell.sim.is_empty() {
                        return;
                    }
                }
                Op::RunUntil(t) | Op::Clock(t) => {
                    let apply_events = matches!(op, Op::RunUntil(_));
                    let until = t.min(limit.time);
                    while apply_events && self.frame.elapsed < limit.elapsed && self.frame.shell.sim.next_event_time().is_some_and(|e| e <= until) {
                        self.step_event();
                    }
                    if self.frame.elapsed >= limit.elapsed && apply_events && self.frame.shell.sim.next_event_time().is_some_and(|e| e <= until) {
                        return;
                    }
                    self.fm().shell.sim.set_clock(until);
                    if until < t {
                        return;
                    }
                }
                Op::Line(_) | Op::EndOfInput | Op::Interrupt => {
                    if self.frame.elapsed >= limit.elapsed {
                        // Try it: a line that applies events belongs after the limit.
                        let saved = (self.frame.clone(), self.printed.len());
                        self.apply_line(&op);
                        // Only a line that applied events of its own goes back: a long command
                        // before it may have carried the position past the limit already, and
                        // the lines that follow it at no cost belong to the same moment.
                        if self.frame.elapsed > saved.0.elapsed {
                            self.frame = saved.0;
                            self.printed.truncate(saved.1);
                            return;
                        }
                    } else {
                        self.apply_line(&op);
                    }
                    continue;
                }
            }
            self.fm().op += 1;
        }
        self.head = self.head.max(self.frame.elapsed);
    }

    /// Drops the tape after the current position: the learner changed the past.
    fn truncate(&mut self) {
        if self.at_head() {
            return;
        }
        let k = self.frame.op;
        let partial = matches!(self.ops[k], Op::StepTo(_) | Op::RunUntil(_) | Op::Clock(_));
        self.ops.truncate(k);
        if partial {
            self.ops.push(Op::StepTo(self.frame.elapsed));
            self.ops.push(Op::Clock(self.frame.shell.sim.now()));
        }
        self.fm().op = self.ops.len();
        let (elapsed, op) = (self.frame.elapsed, k);
        self.checkpoints.retain(|c| c.elapsed <= elapsed && c.op <= op);
        self.head = elapsed;
    }

    fn push_op(&mut self, op: Op) {
        self.truncate();
        // Consecutive steps, and consecutive runs, are one op.
        match (self.ops.last_mut(), &op) {
            (Some(Op::StepTo(a)), Op::StepTo(b)) => *a = *b,
            (Some(Op::RunUntil(a)), Op::RunUntil(b)) => *a = *b,
            _ => self.ops.push(op),
        }
        self.fm().op = self.ops.len() - 1;
        self.forward(Limit::NONE);
    }

    /// A line typed in the console. A `^C` line is Ctrl-C, so a script or a lesson can write it.
    pub fn line(&mut self, text: &str) {
        if text.trim() == "^C" {
            self.interrupt();
            return;
        }
        self.push_op(Op::Line(text.to_string()));
    }

    /// Ctrl-C: on the tape when there is something to stop (`foreground`, or a continued
    /// command); false when there is nothing.
    pub fn interrupt(&mut self) -> bool {
        if self.foreground().is_none() && self.frame.pending.is_none() {
            return false;
        }
        self.push_op(Op::Interrupt);
        true
    }

    pub fn end_of_input(&mut self) {
        if self.frame.producer.is_some() || self.frame.pending.is_some() {
            self.push_op(Op::EndOfInput);
        }
    }

    /// The next event: along the tape when replaying, a new step at its end. False when
    /// nothing is left to happen.
    pub fn step(&mut self) -> bool {
        let before = self.frame.elapsed;
        if !self.at_head() {
            self.forward(Limit { elapsed: before + 1, time: Millis::MAX });
            return self.frame.elapsed > before;
        }
        if self.frame.shell.sim.is_empty() {
            return false;
        }
        self.push_op(Op::StepTo(before + 1));
        self.frame.elapsed > before
    }

    /// Playing: everything up to virtual time `t`, along the tape and then past its end.
    pub fn advance_to(&mut self, t: Millis) {
        if !self.at_head() {
            self.forward(Limit { elapsed: u64::MAX, time: t });
            if !self.at_head() {
                return;
            }
        }
        // Events due at the current instant (a command's zero-delay effects) count as up to `t`.
        let sim = &self.frame.shell.sim;
        if t > sim.now() || sim.next_event_time().is_some_and(|e| e <= t) {
            self.push_op(Op::RunUntil(t.max(sim.now())));
        }
    }

    /// This session up to the moment shown, as a script `flightsim run` reads (and
    /// `shell::real_cluster` turns into commands for a real cluster): the start's script, then
    /// every line typed, with the time the learner let pass between them as `tick` lines. A
    /// command that itself takes time (a console producer waiting for a leader) waits as long
    /// on a real cluster, so a `tick` after it may ask for more time than passed: a script
    /// that waits longer is still right.
    pub fn script(&self) -> String {
        let mut out = self.start.script().trim_end().to_string();
        out.push('\n');
        let start = self.checkpoints[0].shell.sim.now();
        let mut at = start;
        // What the typed lines are: a console producer's records until its input ends, and the
        // rest of a command continued with a backslash.
        let (mut producer, mut continued, mut command) = (false, false, String::new());
        for op in &self.ops[..self.frame.op.min(self.ops.len())] {
            match op {
                Op::Line(l) => {
                    out.push_str(l);
                    out.push('\n');
                    if producer {
                        continue;
                    }
                    if !continued {
                        command = l.split_whitespace().next().unwrap_or("").to_string();
                        if command == "reset" {
                            // A new cluster: its clock starts again.
                            at = start;
                        }
                    }
                    continued = l.trim_end().ends_with('\\');
                    producer = !continued && crate::shell::tool_name(&command) == "kafka-console-producer";
                }
                // Ctrl-D or Ctrl-C ends a producer's records with the `.` a script uses; a
                // continued command just ends.
                Op::EndOfInput | Op::Interrupt if producer => {
                    out.push_str(".\n");
                    producer = false;
                }
                Op::EndOfInput | Op::Interrupt if continued => continued = false,
                Op::EndOfInput => {}
                Op::Interrupt => out.push_str("# (Ctrl-C)\n"),
                // A few events by the Step button: no time a script needs to wait.
                Op::StepTo(_) => {}
                Op::RunUntil(t) | Op::Clock(t) => {
                    if *t > at {
                        out.push_str(&format!("tick {}ms\n", t - at));
                        at = *t;
                    }
                }
            }
        }
        // A run stopped part way (a seek into it) counts up to where it stands.
        let now = self.frame.shell.sim.now();
        if matches!(self.ops.get(self.frame.op), Some(Op::RunUntil(_) | Op::Clock(_))) && now > at {
            out.push_str(&format!("tick {}ms\n", now - at));
        }
        out
    }

    /// `tick <duration>` typed by a lesson: the same run as the console's `tick`, but on the
    /// tape as time played (`RunUntil`), so a stage replaying the tape plays it frame by frame
    /// instead of jumping to its end in one line. Echoed as the console echoes it. False (and
    /// nothing done) when `text` is not a plain `tick` at the command prompt.
    pub fn tick_line(&mut self, text: &str) -> bool {
        let words: Vec<&str> = text.split_whitespace().collect();
        let d = match words.as_slice() {
            ["tick", d] if self.prompt() == Prompt::Command => crate::shell::parse_duration(d),
            _ => return false,
        };
        let Ok(d) = d else { return false };
        self.print(LineKind::Input, &format!("$ {}", text.trim()));
        let t = self.frame.shell.sim.now() + d;
        self.advance_to(t);
        true
    }

    /// Along the tape up to virtual time `t`, and never past its end: a lesson's stage plays
    /// to the lesson's moment and stops there.
    pub fn replay_to(&mut self, t: Millis) {
        if !self.at_head() {
            self.forward(Limit { elapsed: u64::MAX, time: t });
        }
    }

    /// Moves to position `target` (clamped to the timeline) without printing.
    pub fn seek(&mut self, target: u64) {
        let target = target.min(self.head);
        let cp = self.checkpoints.iter().rev().find(|c| c.elapsed <= target).cloned().unwrap_or_else(|| self.checkpoints[0].clone());
        self.frame = cp;
        self.printing = false;
        self.forward(Limit { elapsed: target, time: Millis::MAX });
        self.printing = true;
    }

    /// Moves to virtual time `t`: after every event and command at or before it (the moment a
    /// metrics sample at `t` describes: an alert links there), never past the tape's end.
    pub fn seek_time(&mut self, t: Millis) {
        let cp = self.checkpoints.iter().rev().find(|c| c.shell.sim.now() <= t).cloned().unwrap_or_else(|| self.checkpoints[0].clone());
        self.frame = cp;
        self.printing = false;
        self.forward(Limit { elapsed: u64::MAX, time: t });
        self.printing = true;
    }

    /// One event back (and whatever was typed after it).
    pub fn step_back(&mut self) -> bool {
        let at = self.frame.elapsed;
        if at == 0 {
            return false;
        }
        self.seek(at - 1);
        true
    }

    /// The link that reopens this session at this step.
    pub fn link(&self) -> link::Link {
        link::Link { start: self.start.clone(), seed: self.seed, ops: self.ops.clone(), at: if self.at_head() { None } else { Some(self.frame.elapsed) } }
    }

    /// Opens a shared link (see `link`).
    pub fn open(link: &link::Link, budget: u64) -> Result<Player, link::LinkError> {
        Player::replay(link.start.clone(), link.seed, link.ops.clone(), link.at, budget).map_err(link::LinkError::Replay)
    }

    /// A new session from a tape: replays it whole (so the timeline knows its end), then
    /// seeks to `at`. Refuses a start or a tape that asks for more than `budget` events.
    pub fn replay(start: impl Into<Start>, seed: u64, ops: Vec<Op>, at: Option<u64>, budget: u64) -> Result<Player, String> {
        let mut p = Player::with_budget(start.into(), seed, budget)?;
        p.ops = ops;
        p.forward(Limit { elapsed: budget, time: Millis::MAX });
        if !p.at_head() {
            return Err(format!("the link asks for more than {budget} events"));
        }
        if let Some(at) = at {
            if at > p.head {
                return Err(format!("the link's step {at} is past the end of its run ({})", p.head));
            }
            p.seek(at);
        }
        Ok(p)
    }
}
