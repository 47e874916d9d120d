//! The sandbox's one state: a session (the tape and the simulation it replays), its view,
//! the narration, the console's lines and the transport's settings. All changes go through
//! `SandboxState::reduce(action)`, a plain function of the state and an `Action`, so the
//! sandbox's decisions are tested natively. The page (`ui/sandbox.rs`) wraps it in Yew's
//! `Reducible`; timers, the animation loop and the address bar live there, outside.
use std::rc::Rc;

use super::layout::LOG_CELLS;
use crate::presets::{self, Preset};
use crate::session::link::Link;
use crate::session::{LineKind, Player, Prompt};
use crate::sim::view::SimView;
use crate::sim::{BrokerId, ClientId, Millis, TopicPartition};

const NARRATION_LINES: usize = 12;
const CONSOLE_LINES: usize = 400;

#[derive(Clone, Debug, PartialEq)]
pub enum Action {
    /// Apply the next event.
    Step,
    StepBack,
    /// Jump to a position on the timeline (events since the session began).
    Seek(u64),
    /// Playing: apply everything up to this virtual time.
    AdvanceTo(Millis),
    /// Advance virtual time by this much (the "Run 1 s" button).
    RunFor(Millis),
    /// A console line (a command, or a record at the producer's prompt). Fault buttons send
    /// the command they stand for, so the console teaches it and the tape records it.
    Line(String),
    /// Ctrl-D at the console: ends the producer's prompt.
    EndOfInput,
    /// Start over from a preset (None: the current one).
    Restart(Option<&'static str>),
    TogglePlay,
    Pause,
    /// Playback speed in percent (25 to 800).
    SetSpeed(u32),
    ToggleHelp,
    ToggleBackground,
    Select(Option<Selection>),
    DismissNotice,
    /// Closes the shortcuts list if open, else the details.
    Escape,
}

pub const SPEEDS: &[u32] = &[25, 50, 100, 200, 400, 800];

/// What the details panel shows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Selection {
    Broker(BrokerId),
    Partition(TopicPartition),
    Client(ClientId),
    Group(String),
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
    pub player: Player,
    pub view: Rc<SimView>,
    /// Plain-words lines of what happened, newest last, with a stable key each.
    pub narration: Vec<(u64, String)>,
    next_narration: u64,
    pub error: Option<String>,
    /// A notice about the page itself (a damaged link was set aside...).
    pub notice: Option<String>,
    pub console: Vec<ConsoleLine>,
    next_line: u64,
    pub playing: bool,
    pub speed_percent: u32,
    pub show_help: bool,
    /// Group and control messages on the stage.
    pub show_background: bool,
    pub selected: Option<Selection>,
    /// Bumped on every change of the simulation, so effects can tell.
    pub revision: u64,
}

impl PartialEq for SandboxState {
    fn eq(&self, other: &Self) -> bool {
        self.revision == other.revision
            && self.narration == other.narration
            && self.error == other.error
            && self.notice == other.notice
            && self.console == other.console
            && self.playing == other.playing
            && self.speed_percent == other.speed_percent
            && self.show_help == other.show_help
            && self.show_background == other.show_background
            && self.selected == other.selected
    }
}

pub const DEFAULT_SEED: u64 = 42;

impl SandboxState {
    fn from_player(player: Player, notice: Option<String>) -> Self {
        let view = Rc::new(player.shell().sim.view(LOG_CELLS));
        let mut s = SandboxState {
            narration: Vec::new(),
            next_narration: 0,
            view,
            error: None,
            notice,
            console: Vec::new(),
            next_line: 0,
            playing: false,
            speed_percent: 100,
            show_help: false,
            show_background: true,
            selected: None,
            revision: 0,
            player,
        };
        s.narrate(format!("{}. {}", s.player.preset.title, s.player.preset.blurb));
        s
    }

    pub fn new(preset: &'static Preset, seed: u64) -> Self {
        let player = Player::new(preset, seed).unwrap_or_else(|e| panic!("a preset failed to build: {e}"));
        SandboxState::from_player(player, None)
    }

    /// The sandbox as the address asks: a shared session, or the default preset. A link that
    /// does not parse or replay opens a clean sandbox with a notice saying why.
    pub fn from_query(query: &str) -> Self {
        let default = || presets::find(presets::DEFAULT_PRESET).expect("the default preset exists");
        let plain_preset = query.split('&').find_map(|kv| kv.strip_prefix("preset=")).filter(|_| !query.contains("tape="));
        if let Some(id) = plain_preset {
            return match presets::find(id) {
                Some(p) => SandboxState::new(p, DEFAULT_SEED),
                None => SandboxState::from_player(
                    Player::new(default(), DEFAULT_SEED).expect("default preset"),
                    Some(format!("There is no preset called '{id}'; opened the default sandbox.")),
                ),
            };
        }
        match Link::from_query(query) {
            Ok(None) => SandboxState::new(default(), DEFAULT_SEED),
            Ok(Some(link)) => match Player::open(&link, crate::session::link::LINK_BUDGET) {
                Ok(mut player) => {
                    let printed = player.take_printed();
                    let mut s = SandboxState::from_player(player, None);
                    for p in printed {
                        s.print(p.kind, &p.text);
                    }
                    s.narrate(format!("Opened a shared session at step {} (t = {} ms).", s.player.elapsed(), s.view.now_ms));
                    s
                }
                Err(e) => SandboxState::from_player(
                    Player::new(default(), DEFAULT_SEED).expect("default preset"),
                    Some(format!("This link could not be opened: {e}. Here is a clean sandbox instead.")),
                ),
            },
            Err(e) => SandboxState::from_player(
                Player::new(default(), DEFAULT_SEED).expect("default preset"),
                Some(format!("This link could not be opened: {e}. Here is a clean sandbox instead.")),
            ),
        }
    }

    /// The query part of the link to this moment.
    pub fn link_query(&self) -> String {
        self.player.link().to_query()
    }

    /// The console's prompt: `$` for commands, `>` while the console producer reads records
    /// or a command continued with a trailing backslash waits for its next line.
    pub fn prompt(&self) -> Prompt {
        self.player.prompt()
    }

    fn narrate(&mut self, line: String) {
        self.next_narration += 1;
        self.narration.push((self.next_narration, line));
        let n = self.narration.len();
        if n > NARRATION_LINES {
            self.narration.drain(..n - NARRATION_LINES);
        }
    }

    fn narrate_since(&mut self, from: usize) {
        let lines: Vec<String> =
            self.player.shell().sim.trace().since(from).filter(|t| !super::narration::is_noise(&t.event)).map(super::narration::line).collect();
        // A long run could bring thousands: the panel shows the last few.
        let skip = lines.len().saturating_sub(NARRATION_LINES);
        for l in lines.into_iter().skip(skip) {
            self.narrate(l);
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
}

impl SandboxState {
    /// The next state after `action`: the sandbox's one reducer.
    pub fn reduce(self, action: Action) -> SandboxState {
        let mut next = self;
        next.error = None;
        let trace_before = next.player.shell().sim.trace().len();
        let hash_before = next.player.shell().sim.trace_hash();
        let shown_now = next.view.now_ms;
        let mut seeked = false;
        match action {
            Action::TogglePlay => next.playing = !next.playing,
            Action::Pause => next.playing = false,
            Action::SetSpeed(p) => next.speed_percent = p.clamp(25, 800),
            Action::ToggleHelp => next.show_help = !next.show_help,
            Action::ToggleBackground => next.show_background = !next.show_background,
            Action::Select(s) => next.selected = s,
            Action::DismissNotice => next.notice = None,
            Action::Escape => {
                if next.show_help {
                    next.show_help = false;
                } else {
                    next.selected = None;
                }
            }
            Action::Restart(preset) => return next.restart(preset),
            Action::Step => {
                if !next.player.step() {
                    next.error = Some("Nothing is left to happen: every node is idle. Type a command or start a client.".into());
                }
            }
            Action::StepBack => {
                if next.player.step_back() {
                    seeked = true;
                } else {
                    next.error = Some("This is the start of the session: nothing to step back to.".into());
                }
            }
            Action::Seek(k) => {
                next.player.seek(k);
                seeked = true;
            }
            Action::AdvanceTo(t) => next.player.advance_to(t),
            Action::RunFor(ms) => {
                let t = next.player.shell().sim.now() + ms;
                next.player.advance_to(t);
            }
            Action::Line(line) => next.player.line(&line),
            Action::EndOfInput => next.player.end_of_input(),
        }
        for p in next.player.take_printed() {
            next.print(p.kind, &p.text);
        }
        let sim = &next.player.shell().sim;
        if sim.trace_hash() != hash_before || seeked {
            if seeked {
                next.narrate(format!("At step {} of {} (t = {} ms).", next.player.elapsed(), next.player.head(), sim.now()));
            } else {
                next.narrate_since(trace_before);
            }
        }
        if next.player.shell().sim.now() != shown_now || next.player.shell().sim.trace_hash() != hash_before || seeked {
            next.view = Rc::new(next.player.shell().sim.view(LOG_CELLS));
            next.revision += 1;
        }
        next
    }

    /// A fresh session from a preset (None: the current one) with the same seed; the console
    /// and the transport's settings carry over.
    fn restart(self, preset: Option<&'static str>) -> SandboxState {
        let preset = preset.and_then(presets::find).unwrap_or(self.player.preset);
        let mut fresh = SandboxState::new(preset, self.player.seed);
        fresh.speed_percent = self.speed_percent;
        fresh.show_background = self.show_background;
        fresh.console = self.console;
        fresh.next_line = self.next_line;
        fresh.revision = self.revision + 1;
        fresh
    }
}
