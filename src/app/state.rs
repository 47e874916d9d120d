//! The sandbox's one state: a session (the tape and the simulation it replays), its view,
//! the narration, the console's lines and the transport's settings. All changes go through
//! `SandboxState::reduce(action)`, a plain function of the state and an `Action`, so the
//! sandbox's decisions are tested natively. The page (`ui/sandbox.rs`) moves its state through it
//! (`ui::reducer`); timers, the animation loop and the address bar live there, outside.
use std::rc::Rc;

use super::layout::LOG_CELLS;
use crate::presets;
use crate::session::link::Link;
use crate::session::{LineKind, Player, Prompt, Start};
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
    /// To a virtual time (an alert's moment).
    SeekTime(u64),
    /// Playing: apply everything up to this virtual time.
    AdvanceTo(Millis),
    /// As `AdvanceTo`, but what happened is not shown (no new view, no narration) until the
    /// next `Publish` or any other action. The stage splits a busy advance over two frames:
    /// the simulation's steps in one, the new view and its render in the next.
    Advance(Millis),
    /// Shows what `Advance` left unshown (nothing else when nothing is pending).
    Publish,
    /// Advance virtual time by this much (the "Run 1 s" button).
    RunFor(Millis),
    /// A console line (a command, or a record at the producer's prompt). Fault buttons send
    /// the command they stand for, so the console teaches it and the tape records it.
    Line(String),
    /// Ctrl-D at the console: ends the producer's prompt.
    EndOfInput,
    /// Ctrl-C at the console: stops the tool that has the keyboard (`Player::foreground`).
    Interrupt,
    /// Start over from a preset (None: the session's own start).
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
    /// Brings back the steps a command typed after seeking back replaced.
    Undo,
    /// Narrate every event, or only the key ones.
    ToggleNarrateAll,
    /// The start's setup put on the timeline: the same commands typed on a fresh cluster of
    /// its size, from step 0 (before anything was sent).
    WatchSetup,
    /// A lesson's stage: show this moment of the lesson, played from an earlier step of its
    /// tape when it has one, and never past the moment (`SandboxState::ends_at_head`).
    Show(Shown),
}

/// A lesson page's moment for its stage: the session, the step of its tape to play from
/// (the page before's moment, when the learner came forward), what the page points at.
#[derive(Clone)]
pub struct Shown {
    pub player: Rc<Player>,
    pub from: Option<u64>,
    pub highlight: Option<Selection>,
}

impl std::fmt::Debug for Shown {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Shown(step {} of {}, from {:?})", self.player.elapsed(), self.player.head(), self.from)
    }
}

/// Two moments are the same when they are the same session (a lesson's moments are shared).
impl PartialEq for Shown {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.player, &other.player) && self.from == other.from && self.highlight == other.highlight
    }
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
    /// Shared, as the console's lines are, until a line arrives.
    pub narration: Rc<Vec<(u64, String)>>,
    next_narration: u64,
    pub error: Option<String>,
    /// A notice about the page itself (a damaged link was set aside...).
    pub notice: Option<String>,
    /// The session as it was before a command typed after seeking back replaced its later
    /// steps: the notice offers to bring them back.
    pub undo: Option<Rc<Player>>,
    /// Shared until a line arrives: the console's props compare it by identity, and a copy of
    /// the state (an undo, a snapshot still held) does not copy the lines.
    pub console: Rc<Vec<ConsoleLine>>,
    next_line: u64,
    pub playing: bool,
    pub speed_percent: u32,
    pub show_help: bool,
    /// Group and control messages on the stage.
    pub show_background: bool,
    /// The narration tells every event (each step's message or timer, each append and
    /// high-watermark move), not only the story's key events.
    pub narrate_all: bool,
    pub selected: Option<Selection>,
    /// Bumped on every change of the simulation, so effects can tell.
    pub revision: u64,
    /// Headline events so far (`pace::is_headline`): the stage holds its pace on each.
    pub headlines: u64,
    /// Virtual time of the newest narration line, to say how long a silence lasted.
    narrated_ms: Millis,
    /// What `Advance` left for the next action to show.
    unpublished: Option<Unpublished>,
    /// A lesson's stage: playing stops at the end of the tape (the lesson's moment) instead
    /// of running the simulation on past it.
    pub ends_at_head: bool,
}

/// An advance not yet shown: where it started, so the next action narrates everything since,
/// and the view it built, so the showing frame is the render alone.
#[derive(Clone)]
struct Unpublished {
    /// Trace length, trace hash and the shown view's time before the first unshown advance.
    from: (usize, u64, Millis),
    /// The view after the last one, and the trace hash it was built at.
    view: (u64, Rc<SimView>),
}

impl PartialEq for SandboxState {
    fn eq(&self, other: &Self) -> bool {
        self.revision == other.revision
            && self.headlines == other.headlines
            && self.narration == other.narration
            && self.error == other.error
            && self.notice == other.notice
            && self.undo.is_some() == other.undo.is_some()
            && self.console == other.console
            && self.playing == other.playing
            && self.speed_percent == other.speed_percent
            && self.show_help == other.show_help
            && self.show_background == other.show_background
            && self.narrate_all == other.narrate_all
            && self.selected == other.selected
    }
}

pub const DEFAULT_SEED: u64 = 42;

/// Whether the console follows its newest line: yes unless the learner has scrolled up from the
/// bottom (measured before the new lines arrive; within a line's height counts as the bottom).
/// The page reads the three numbers from the output's element and scrolls it.
pub fn follows_newest(scroll_top: i32, client_height: i32, scroll_height: i32) -> bool {
    scroll_top + client_height >= scroll_height - 24
}

impl SandboxState {
    fn from_player(player: Player, notice: Option<String>) -> Self {
        let view = Rc::new(player.shell().sim.view(LOG_CELLS));
        let view_now = view.now_ms;
        let mut s = SandboxState {
            narration: Rc::default(),
            next_narration: 0,
            view,
            error: None,
            notice,
            undo: None,
            console: Rc::default(),
            next_line: 0,
            playing: false,
            speed_percent: 100,
            show_help: false,
            show_background: true,
            narrate_all: false,
            selected: None,
            revision: 0,
            headlines: 0,
            narrated_ms: view_now,
            unpublished: None,
            ends_at_head: false,
            player,
        };
        s.narrate(s.player.start.intro());
        s
    }

    /// A lesson page's stage, showing the lesson's moment (`Action::Show`).
    pub fn lesson_stage(shown: Shown) -> Self {
        let mut s = SandboxState::from_player((*shown.player).clone(), None);
        if shown.from.is_some() {
            return s.reduce(Action::Show(shown));
        }
        // The moment as it is: the view just built is its view (a lesson opens faster).
        s.ends_at_head = true;
        s.selected = shown.highlight;
        s
    }

    /// A sandbox from a start: a preset (tested, so it builds) or another script.
    pub fn new(start: impl Into<Start>, seed: u64) -> Self {
        let player = Player::new(start, seed).unwrap_or_else(|e| panic!("the start failed to build: {e}"));
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
                    player.take_cleared();
                    let printed = player.take_printed();
                    let mut s = SandboxState::from_player(player, None);
                    for p in printed {
                        s.print(p.kind, &p.text);
                    }
                    s.narrate(format!("Opened a shared session at step {} (t = {}).", s.player.elapsed(), super::clock::human(s.view.now_ms)));
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

    /// What the console's prompt says has the keyboard: the running tool Ctrl-C would stop.
    pub fn keyboard_note(&self) -> Option<String> {
        match self.player.foreground()? {
            "kafka-console-producer.sh" => None,
            name => Some(format!("{name} is running: Ctrl-C stops it; commands still run")),
        }
    }

    fn narrate(&mut self, line: String) {
        self.next_narration += 1;
        let narration = Rc::make_mut(&mut self.narration);
        narration.push((self.next_narration, line));
        let n = narration.len();
        if n > NARRATION_LINES {
            narration.drain(..n - NARRATION_LINES);
        }
    }

    fn narrate_since(&mut self, from: usize) {
        let mut lines = Vec::new();
        let all = self.narrate_all;
        for t in self.player.shell().sim.trace().since(from).filter(|t| all || !super::narration::is_noise(&t.event)) {
            self.headlines += super::pace::is_headline(&t.event) as u64;
            let line = super::narration::line(t);
            // A quiet stretch passes quickly on screen: the line says how long it was.
            let silence = t.time_ms.saturating_sub(self.narrated_ms);
            self.narrated_ms = t.time_ms;
            lines.push(if silence >= super::pace::LATER_MS { format!("{} later: {line}", super::clock::human(silence)) } else { line });
        }
        // A long run could bring thousands: the panel shows the last few.
        let skip = lines.len().saturating_sub(NARRATION_LINES);
        for l in lines.into_iter().skip(skip) {
            self.narrate(l);
        }
    }

    fn print(&mut self, kind: LineKind, text: &str) {
        let console = Rc::make_mut(&mut self.console);
        for line in text.lines() {
            self.next_line += 1;
            console.push(ConsoleLine { id: self.next_line, kind, text: line.to_string() });
        }
        let n = console.len();
        if n > CONSOLE_LINES {
            console.drain(..n - CONSOLE_LINES);
        }
    }
}

impl SandboxState {
    /// Playing: everything up to `t`, but no further than the first headline event, which the
    /// stage then shows before moving on (`pace`: a hurried stretch must not skip it).
    fn advance_to(&mut self, t: Millis) {
        if self.ends_at_head {
            // A lesson's moment is where its tape ends: played up to it, never past it.
            self.player.replay_to(t);
            self.playing &= !self.player.at_head();
            return;
        }
        loop {
            let sim = &self.player.shell().sim;
            let Some(e) = sim.next_event_time().filter(|e| *e <= t) else { break };
            let from = sim.trace().len();
            self.player.advance_to(e);
            let sim = &self.player.shell().sim;
            if sim.trace().since(from).any(|x| super::pace::is_headline(&x.event)) || sim.next_event_time().is_some_and(|n| n <= e) {
                return;
            }
        }
        self.player.advance_to(t);
    }

    /// The next state after `action`: the sandbox's one reducer.
    pub fn reduce(self, action: Action) -> SandboxState {
        let mut next = self;
        if let Action::Advance(t) = action {
            let sim = &next.player.shell().sim;
            let from = next.unpublished.take().map_or((sim.trace().len(), sim.trace_hash(), next.view.now_ms), |u| u.from);
            next.advance_to(t);
            let sim = &next.player.shell().sim;
            next.unpublished = Some(Unpublished { from, view: (sim.trace_hash(), Rc::new(sim.view(LOG_CELLS))) });
            return next;
        }
        if next.unpublished.is_some() && !matches!(action, Action::Publish) {
            // Whatever an `Advance` left unshown is shown before anything else happens, so no
            // action (a restart, an undo, a step) can lose its narration or its output.
            next = next.reduce(Action::Publish);
        }
        next.error = None;
        let sim = &next.player.shell().sim;
        let pending = next.unpublished.take();
        let (trace_before, hash_before, shown_now) = pending.as_ref().map_or((sim.trace().len(), sim.trace_hash(), next.view.now_ms), |u| u.from);
        let built = pending.map(|u| u.view);
        let mut seeked = false;
        match action {
            Action::Advance(_) | Action::Publish => {}
            Action::TogglePlay => next.playing = !next.playing,
            Action::Pause => next.playing = false,
            Action::SetSpeed(p) => next.speed_percent = p.clamp(25, 800),
            Action::ToggleHelp => next.show_help = !next.show_help,
            Action::ToggleBackground => next.show_background = !next.show_background,
            Action::ToggleNarrateAll => next.narrate_all = !next.narrate_all,
            Action::Select(s) => next.selected = s,
            Action::DismissNotice => {
                next.notice = None;
                next.undo = None;
            }
            Action::Undo => {
                if let Some(before) = next.undo.take() {
                    next.player = (*before).clone();
                    next.notice = None;
                    seeked = true;
                }
            }
            Action::Escape => {
                if next.show_help {
                    next.show_help = false;
                } else {
                    next.selected = None;
                }
            }
            Action::Restart(preset) => return next.restart(preset),
            Action::WatchSetup => return next.watch_setup(),
            Action::Show(shown) => {
                next.player = (*shown.player).clone();
                next.ends_at_head = true;
                next.selected = shown.highlight;
                next.playing = false;
                if let Some(from) = shown.from.filter(|f| *f < next.player.elapsed()) {
                    next.player.seek(from);
                    next.playing = true;
                }
                next.player.take_printed();
                next.player.take_cleared();
                seeked = true;
            }
            Action::Step => {
                let what = next.narrate_all.then(|| next.player.shell().sim.describe_next_event()).flatten();
                if let Some(what) = what {
                    next.narrate(what);
                }
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
            Action::SeekTime(t) => {
                next.player.seek_time(t);
                seeked = true;
            }
            Action::AdvanceTo(t) => next.advance_to(t),
            Action::RunFor(ms) => {
                let t = next.player.shell().sim.now() + ms;
                next.player.advance_to(t);
            }
            Action::Line(line) => {
                // Typing mid-timeline starts a new future: say so, and keep the old one to undo.
                let (at, head) = (next.player.elapsed(), next.player.head());
                if !next.player.at_head() {
                    next.undo = Some(Rc::new(next.player.clone()));
                    next.notice =
                        Some(format!("You typed at step {at} of {head}: the {} later steps are replaced by what follows from your command.", head - at));
                } else if next.undo.is_some() {
                    next.undo = None;
                    next.notice = None;
                }
                next.player.line(&line);
            }
            Action::EndOfInput => next.player.end_of_input(),
            Action::Interrupt => {
                if !next.player.interrupt() {
                    // bash answers Ctrl-C at an empty prompt with `^C` and a new prompt; nothing
                    // ran, so nothing goes on the tape.
                    next.print(LineKind::Input, &format!("{} ^C", next.prompt().symbol()));
                }
            }
        }
        if next.player.take_cleared() {
            next.console = Rc::default();
        }
        for p in next.player.take_printed() {
            next.print(p.kind, &p.text);
        }
        let sim = &next.player.shell().sim;
        if sim.trace_hash() != hash_before || seeked {
            if seeked {
                let now = sim.now();
                next.narrated_ms = now;
                next.narrate(format!("At step {} of {} (t = {}).", next.player.elapsed(), next.player.head(), super::clock::human(now)));
            } else {
                next.narrate_since(trace_before);
            }
        }
        if next.player.shell().sim.now() != shown_now || next.player.shell().sim.trace_hash() != hash_before || seeked {
            // The view an `Advance` built is this state's unless the action moved it since.
            let sim = &next.player.shell().sim;
            next.view = built.filter(|(h, v)| *h == sim.trace_hash() && v.now_ms == sim.now()).map_or_else(|| Rc::new(sim.view(LOG_CELLS)), |(_, v)| v);
            next.revision += 1;
        }
        next
    }

    /// The start's commands typed one by one on a cluster of its size, so its setup is a
    /// chapter of the timeline: the session opens at step 0 (commands that take no simulated
    /// time, creating topics and starting clients, are not steps of their own: nothing has been
    /// sent yet) and Step or Play builds it. It ends where the start itself begins (a test
    /// checks the trace).
    fn watch_setup(self) -> SandboxState {
        let start = self.player.start.clone();
        let name = match &start {
            Start::Preset(p) => p.title.to_string(),
            Start::Script(s) => s.name.clone(),
        };
        let Ok(empty) = crate::session::Script::new(&format!("{name}, built step by step"), start.brokers(), "") else {
            let mut same = self;
            same.error = Some("This start cannot be replayed step by step.".into());
            return same;
        };
        let mut fresh = self.restart_from(empty.into());
        for line in start.script().lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')) {
            if fresh.player.producer_open() && line == "." {
                fresh.player.end_of_input();
            } else {
                fresh.player.line(line);
            }
        }
        fresh.player.take_printed();
        fresh.player.seek(0);
        fresh.view = Rc::new(fresh.player.shell().sim.view(LOG_CELLS));
        fresh.narrated_ms = fresh.view.now_ms;
        fresh.narrate(format!(
            "The setup of {name}, on the timeline: at step 0 its topics and clients exist and nothing has been sent yet; the {} steps that follow build the rest. Step or Play to watch it.",
            fresh.player.head()
        ));
        fresh
    }

    /// A fresh session from a preset (None: the session's own start) with the same seed; the
    /// console and the transport's settings carry over.
    fn restart(self, preset: Option<&'static str>) -> SandboxState {
        let start = preset.and_then(Start::preset).unwrap_or_else(|| self.player.start.clone());
        self.restart_from(start)
    }

    fn restart_from(self, start: Start) -> SandboxState {
        let mut fresh = SandboxState::new(start, self.player.seed);
        fresh.speed_percent = self.speed_percent;
        fresh.show_background = self.show_background;
        fresh.narrate_all = self.narrate_all;
        fresh.console = self.console;
        fresh.next_line = self.next_line;
        fresh.revision = self.revision + 1;
        fresh
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::route::Route;
    use crate::app::shortcuts::{action_for, KeyPress};

    fn failover() -> SandboxState {
        SandboxState::new(presets::find("failover").expect("preset"), DEFAULT_SEED)
    }

    fn run(mut s: SandboxState, actions: impl IntoIterator<Item = Action>) -> SandboxState {
        for a in actions {
            s = s.reduce(a);
        }
        s
    }

    fn line(s: &str) -> Action {
        Action::Line(s.to_string())
    }

    /// What identifies a moment: the run so far, the clock and the position.
    fn moment(s: &SandboxState) -> (u64, u64, u64) {
        (s.player.shell().sim.trace_hash(), s.view.now_ms, s.player.elapsed())
    }

    fn console_text(s: &SandboxState) -> Vec<(LineKind, &str)> {
        s.console.iter().map(|l| (l.kind, l.text.as_str())).collect()
    }

    /// `Advance` shows nothing until `Publish` (or any other action), which then shows exactly
    /// what `AdvanceTo` would have: the same view, narration and revision.
    #[test]
    fn an_advance_is_shown_when_published_as_advance_to_shows_it() {
        let s = failover().reduce(Action::Line("kill broker 1".into()));
        let t = s.player.shell().sim.now() + 9_000;
        let direct = s.clone().reduce(Action::AdvanceTo(t));
        let advanced = s.clone().reduce(Action::Advance(t));
        assert!(Rc::ptr_eq(&advanced.view, &s.view) && advanced.narration == s.narration && advanced.revision == s.revision, "nothing shown yet");
        assert_eq!(advanced.player.shell().sim.trace_hash(), direct.player.shell().sim.trace_hash(), "but the simulation moved");
        for shown in [advanced.clone().reduce(Action::Publish), advanced.reduce(Action::Select(None))] {
            assert_eq!(shown.view, direct.view);
            assert_eq!(shown.narration, direct.narration);
            assert_eq!((shown.revision, shown.headlines), (direct.revision, direct.headlines));
        }
        let idle = direct.clone().reduce(Action::Publish);
        assert_eq!((idle.revision, &idle.narration), (direct.revision, &direct.narration), "nothing pending: Publish shows nothing new");
    }

    #[test]
    fn a_new_sandbox_tells_its_preset() {
        let s = failover();
        assert_eq!(s.player.elapsed(), 0);
        assert_eq!(s.narration.len(), 1);
        assert!(s.narration[0].1.starts_with("Failover: 3 brokers, RF 3. "), "{:?}", s.narration);
        assert!(!s.playing && s.speed_percent == 100 && s.show_background && !s.show_help);
        assert_eq!(s.prompt(), Prompt::Command);
    }

    #[test]
    fn step_applies_one_event_and_shows_it() {
        let s = failover();
        let before = moment(&s);
        let s = s.reduce(Action::Step);
        assert_eq!(s.player.elapsed(), 1);
        assert_eq!(s.player.head(), 1);
        assert_ne!(moment(&s), before);
        assert_eq!(s.revision, 1);
        assert_eq!(s.view.now_ms, s.player.shell().sim.now(), "the view follows the session");
        assert!(s.error.is_none());
        let s = run(s, (0..9).map(|_| Action::Step));
        assert_eq!((s.player.elapsed(), s.player.head()), (10, 10));
    }

    #[test]
    fn step_back_returns_to_the_same_moment() {
        let s = failover();
        let at_start = s.clone().reduce(Action::StepBack);
        assert_eq!(at_start.error.as_deref(), Some("This is the start of the session: nothing to step back to."));
        assert_eq!(at_start.player.elapsed(), 0);
        let two = run(s, [Action::Step, Action::Step]);
        let three = two.clone().reduce(Action::Step);
        let back = three.reduce(Action::StepBack);
        assert_eq!(moment(&back), moment(&two));
        assert_eq!(*back.view, *two.view);
        assert_eq!(back.player.head(), 3, "stepping back keeps the timeline");
        assert_eq!(
            back.narration.last().map(|(_, l)| l.as_str()),
            Some(format!("At step 2 of 3 (t = {}).", super::super::clock::human(two.view.now_ms)).as_str())
        );
        // The error of a refused action lasts one action.
        assert!(at_start.reduce(Action::ToggleHelp).error.is_none());
    }

    #[test]
    fn seek_goes_anywhere_on_the_timeline_and_clamps_to_its_end() {
        let mut s = failover();
        let mut seen = vec![moment(&s)];
        for _ in 0..20 {
            s = s.reduce(Action::Step);
            seen.push(moment(&s));
        }
        for k in [7u64, 0, 20, 13, 1] {
            s = s.reduce(Action::Seek(k));
            assert_eq!(moment(&s), seen[k as usize], "seek to {k}");
        }
        s = s.reduce(Action::Seek(u64::MAX));
        assert_eq!(moment(&s), seen[20]);
        // Stepping from the past replays the tape instead of adding to it.
        let s = run(s, [Action::Seek(5), Action::Step]);
        assert_eq!((s.player.elapsed(), s.player.head()), (6, 20));
        assert_eq!(moment(&s), seen[6]);
    }

    #[test]
    fn play_advances_virtual_time_and_pause_stops() {
        let s = failover().reduce(Action::TogglePlay);
        assert!(s.playing);
        let t0 = s.view.now_ms;
        let revision = s.revision;
        let s = s.reduce(Action::AdvanceTo(t0 + 500));
        assert_eq!(s.view.now_ms, t0 + 500);
        assert!(s.player.elapsed() > 0 && s.revision == revision + 1);
        let s = s.reduce(Action::Pause);
        assert!(!s.playing);
        let s = s.reduce(Action::Pause).reduce(Action::TogglePlay).reduce(Action::TogglePlay);
        assert!(!s.playing);
        let s = s.reduce(Action::RunFor(1_000));
        assert_eq!(s.view.now_ms, t0 + 1_500);
        // Speed is clamped to the transport's range.
        assert_eq!(s.clone().reduce(Action::SetSpeed(5)).speed_percent, 25);
        assert_eq!(s.clone().reduce(Action::SetSpeed(10_000)).speed_percent, 800);
        assert_eq!(s.reduce(Action::SetSpeed(SPEEDS[3])).speed_percent, 200);
    }

    #[test]
    fn settings_alone_do_not_change_the_simulation() {
        let s = failover().reduce(Action::Step);
        let (m, revision) = (moment(&s), s.revision);
        let s = run(s, [Action::ToggleHelp, Action::ToggleBackground, Action::SetSpeed(400), Action::Select(Some(Selection::Broker(2))), Action::Pause]);
        assert_eq!((moment(&s), s.revision), (m, revision));
        assert!(s.show_help && !s.show_background && s.selected == Some(Selection::Broker(2)));
    }

    #[test]
    fn console_lines_run_and_print() {
        let s = failover().reduce(line("kafka-topics.sh --bootstrap-server localhost:9092 --list"));
        assert_eq!(
            console_text(&s),
            [
                (LineKind::Input, "$ kafka-topics.sh --bootstrap-server localhost:9092 --list"),
                (LineKind::Output, "__consumer_offsets"),
                (LineKind::Output, "orders")
            ]
        );
        let s = s.reduce(line("kill broker 9"));
        let (kind, text) = *console_text(&s).last().expect("an error line");
        assert_eq!(kind, LineKind::Error);
        assert_eq!(text, "Broker 9 does not exist. Brokers are numbered from 1; `describe cluster` lists them.");
        // A fault typed in the console is on the tape: the simulation changed.
        let before = moment(&s);
        let s = s.reduce(line("kill broker 1"));
        assert_ne!(moment(&s), before);
        assert!(s.view.brokers.iter().any(|b| b.id == 1 && !b.up));
        assert!(s.narration.last().is_some_and(|(_, l)| l.contains("it died without a word")), "what happened is told: {:?}", s.narration);
        // Console keys are unique and increasing, for the keyed list.
        assert!(s.console.windows(2).all(|w| w[0].id < w[1].id));
    }

    #[test]
    fn the_producer_prompt_and_continued_lines() {
        let s = failover().reduce(line("kafka-console-producer.sh --bootstrap-server localhost:9092 --topic orders"));
        assert_eq!(s.prompt(), Prompt::Record);
        let s = s.reduce(line("hello"));
        assert_eq!(console_text(&s).iter().filter(|(_, t)| *t == "> hello").count(), 1);
        let s = s.reduce(Action::EndOfInput);
        assert_eq!(s.prompt(), Prompt::Command);
        assert_eq!(console_text(&s).last(), Some(&(LineKind::Input, "> ^D")));
        // A trailing backslash continues the command at a `>` prompt.
        let s = s.reduce(line("kafka-topics.sh --bootstrap-server localhost:9092 \\"));
        assert_eq!(s.prompt(), Prompt::Continuation);
        let s = s.reduce(line("--list"));
        assert_eq!(s.prompt(), Prompt::Command);
        assert_eq!(console_text(&s).last(), Some(&(LineKind::Output, "orders")));
        // Ctrl-D with nothing open does nothing.
        let m = moment(&s);
        let s = s.reduce(Action::EndOfInput);
        assert_eq!(moment(&s), m);
    }

    #[test]
    fn the_console_keeps_its_last_lines() {
        let mut s = SandboxState::new(presets::find("empty").expect("preset"), 1);
        for i in 0..(CONSOLE_LINES + 50) {
            s = s.reduce(line(&format!("# comment {i}")));
        }
        assert_eq!(s.console.len(), CONSOLE_LINES);
        assert_eq!(s.console.last().map(|l| l.text.as_str()), Some(format!("$ # comment {}", CONSOLE_LINES + 49).as_str()));
    }

    #[test]
    fn the_narration_keeps_its_last_lines() {
        let s = failover().reduce(Action::RunFor(20_000)).reduce(line("kill broker 1")).reduce(Action::RunFor(20_000));
        assert!(s.narration.len() <= NARRATION_LINES);
        assert!(s.narration.windows(2).all(|w| w[0].0 < w[1].0));
        assert!(s.narration.iter().all(|(_, l)| !l.contains("__consumer_offsets-")), "internal partitions are not told: {:#?}", s.narration);
    }

    #[test]
    fn shortcuts_drive_the_reducer() {
        let key = |k| KeyPress { key: k, ..KeyPress::default() };
        let s = failover();
        let s = run(s, [" ", "k", "l", "l", "ArrowRight", "j", "ArrowLeft"].into_iter().filter_map(|k| action_for(key(k))));
        assert!(!s.playing, "Space then k: play then pause");
        assert_eq!((s.player.elapsed(), s.player.head()), (1, 3));
        let s = run(s, ["End"].into_iter().filter_map(|k| action_for(key(k))));
        assert_eq!(s.player.elapsed(), 3);
        let s = run(s, ["Home"].into_iter().filter_map(|k| action_for(key(k))));
        assert_eq!(s.player.elapsed(), 0);
        // `?` opens the list; Escape closes it first, then the details.
        let s = run(s, [Action::Select(Some(Selection::Broker(1)))]);
        let s = run(s, ["?"].into_iter().filter_map(|k| action_for(key(k))));
        assert!(s.show_help);
        let s = s.reduce(action_for(key("Escape")).expect("Escape"));
        assert!(!s.show_help && s.selected == Some(Selection::Broker(1)));
        let s = s.reduce(action_for(key("Escape")).expect("Escape"));
        assert_eq!(s.selected, None);
    }

    #[test]
    fn share_link_round_trip() {
        let s = run(failover(), [Action::Step, Action::Step, line("kill broker 2"), Action::RunFor(3_000), line("start broker 2"), Action::Step]);
        let s = run(s, [Action::Seek(5)]);
        let query = s.link_query();
        // The address the page writes, through the router, to the state it opens.
        let Route::Sandbox(q) = Route::parse(&format!("#/sandbox?{query}")) else { panic!("a sandbox route") };
        assert_eq!(q, query);
        let opened = SandboxState::from_query(&q);
        assert!(opened.notice.is_none(), "{:?}", opened.notice);
        assert_eq!(moment(&opened), moment(&s));
        assert_eq!(*opened.view, *s.view);
        assert_eq!(opened.player.head(), s.player.head());
        assert_eq!(opened.link_query(), query, "the link of the opened moment is the same link");
        assert!(opened.narration.last().is_some_and(|(_, l)| l.starts_with("Opened a shared session at step 5 ")), "{:?}", opened.narration);
        // The commands replayed are printed as they were typed.
        assert!(console_text(&opened).contains(&(LineKind::Input, "$ kill broker 2")));
        // At the tape's end: no `at`, and the same end.
        let end = run(s, [Action::Seek(u64::MAX)]);
        assert!(!end.link_query().contains("&at="));
        assert_eq!(moment(&SandboxState::from_query(&end.link_query())), moment(&end));
    }

    #[test]
    fn a_damaged_link_opens_a_clean_sandbox_with_a_notice() {
        let s = run(failover(), [line("kill broker 2"), Action::Step]);
        let query = s.link_query();
        let clean = moment(&failover());
        for bad in [query.replace("seed=42", "seed=43"), query[..query.len() - 2].to_string(), "preset=failover&seed=1&tape=%%%&sum=zz".to_string()] {
            let opened = SandboxState::from_query(&bad);
            assert!(opened.notice.as_deref().is_some_and(|n| n.starts_with("This link could not be opened: ")), "{bad}: {:?}", opened.notice);
            assert_eq!(moment(&opened), clean, "{bad}");
            assert_eq!(opened.player.start.preset_id(), Some("failover"));
        }
        let unknown = SandboxState::from_query("preset=nope");
        assert_eq!(unknown.notice.as_deref(), Some("There is no preset called 'nope'; opened the default sandbox."));
        assert_eq!(unknown.reduce(Action::DismissNotice).notice, None);
        // A preset by name, and no query at all.
        let orders = SandboxState::from_query("preset=orders");
        assert_eq!((orders.player.start.preset_id(), orders.player.seed, orders.notice.is_none()), (Some("orders"), DEFAULT_SEED, true));
        assert_eq!(moment(&SandboxState::from_query("")), clean);
    }

    #[test]
    fn restart_starts_over_and_keeps_the_console() {
        let s = run(failover(), [line("kill broker 1"), Action::Step, Action::SetSpeed(400), Action::ToggleBackground]);
        let (console, revision) = (s.console.clone(), s.revision);
        let again = s.clone().reduce(Action::Restart(None));
        assert_eq!(moment(&again), moment(&failover()));
        assert_eq!(again.player.head(), 0);
        assert_eq!((again.console.clone(), again.speed_percent, again.show_background, again.revision), (console, 400, false, revision + 1));
        let orders = s.reduce(Action::Restart(Some("orders")));
        assert_eq!((orders.player.start.preset_id(), orders.player.seed), (Some("orders"), DEFAULT_SEED));
        assert!(orders.narration[0].1.starts_with("E-commerce: orders and a dashboard. "));
    }

    #[test]
    fn a_script_link_opens_its_own_cluster_and_restarts_it() {
        let script = crate::session::Script::new(
            "One broker",
            1,
            "kafka-topics.sh --bootstrap-server localhost:9092 --create --topic solo --partitions 1 --replication-factor 1",
        )
        .expect("valid");
        let s = run(SandboxState::new(script, 5), [Action::Step, line("tick 1s")]);
        assert!(s.narration[0].1.starts_with("One broker: 1 broker(s)"), "{:?}", s.narration);
        let opened = SandboxState::from_query(&s.link_query());
        assert!(opened.notice.is_none(), "{:?}", opened.notice);
        assert_eq!(moment(&opened), moment(&s));
        assert_eq!(opened.view.brokers.len(), 1);
        let again = opened.reduce(Action::Restart(None));
        assert_eq!((again.player.start.clone(), again.player.elapsed()), (s.player.start.clone(), 0));
        // A damaged one opens the default sandbox with a notice, as a preset's does.
        let q = s.link_query();
        let cut = SandboxState::from_query(&q[..q.len() - 1]);
        assert!(cut.notice.is_some() && cut.player.start.preset_id() == Some(presets::DEFAULT_PRESET));
    }

    /// Typing after seeking back replaces the later steps, says so, and Undo brings them back
    /// exactly (the same moment and the same timeline).
    #[test]
    fn typing_after_seeking_back_offers_undo() {
        let s = run(failover(), [Action::RunFor(2_000), line("kill broker 2"), Action::RunFor(12_000)]);
        let (head, later) = (s.player.head(), moment(&s));
        let back = s.clone().reduce(Action::Seek(head / 2));
        let typed = back.clone().reduce(line("kill broker 3"));
        let notice = typed.notice.clone().expect("a notice");
        assert!(notice.contains(&format!("of {head}")) && notice.contains("replaced"), "{notice}");
        assert!(typed.undo.is_some() && typed.player.head() < head);
        let undone = typed.reduce(Action::Undo);
        assert!(undone.notice.is_none() && undone.undo.is_none());
        assert_eq!((undone.player.head(), undone.player.elapsed()), (head, back.player.elapsed()));
        assert_eq!(moment(&undone.reduce(Action::Seek(u64::MAX))), later);
        // At the timeline's end typing offers nothing to undo.
        assert!(s.reduce(Action::Seek(u64::MAX)).reduce(line("tick 1s")).undo.is_none());
    }

    /// With every event narrated, a step says which message arrived or which timer fired, and
    /// appends and high-watermark moves are told; with key events only, neither is.
    #[test]
    fn every_event_or_key_events() {
        let s = failover().reduce(line("producer start p --topic orders --rate 50/s"));
        let quiet = run(s.clone(), (0..40).map(|_| Action::Step));
        let all = run(s.reduce(Action::ToggleNarrateAll), (0..40).map(|_| Action::Step));
        let told = |s: &SandboxState, needle: &str| s.narration.iter().any(|(_, l)| l.contains(needle));
        assert!(told(&all, "arrives") && (told(&all, "appended") || told(&all, "high watermark")), "{:#?}", all.narration);
        assert!(!told(&quiet, "arrives") && !told(&quiet, "appended"), "{:#?}", quiet.narration);
        assert_eq!(moment(&all), moment(&quiet), "narrating changes nothing in the run");
    }

    /// Watching a preset's setup starts before anything was sent and, stepped to the end, reaches
    /// exactly the preset's own starting moment (the same trace hash and clock).
    #[test]
    fn the_setup_is_a_chapter_of_the_timeline() {
        for id in ["failover", "orders", "order-service"] {
            let s = SandboxState::new(presets::find(id).expect("preset"), 7);
            let watched = s.clone().reduce(Action::WatchSetup);
            assert_eq!(watched.player.elapsed(), 0);
            // Commands that take no simulated time (creating a topic, starting a client) are
            // not steps: step 0 has them, and nothing has been sent yet.
            let records: i64 = watched.view.brokers.iter().flat_map(|b| b.replicas.iter()).map(|r| r.log_end_offset).sum();
            assert_eq!((records, watched.view.groups.len()), (0, 0), "{id}: step 0 is before anything was sent");
            assert!(watched.player.head() > 0);
            let end = watched.reduce(Action::Seek(u64::MAX));
            assert_eq!(
                (end.player.shell().sim.trace_hash(), end.view.now_ms),
                (s.player.shell().sim.trace_hash(), s.view.now_ms),
                "{id}: the setup ends where the preset begins"
            );
        }
    }
}
