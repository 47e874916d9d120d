//! How fast virtual time runs on screen. The stage's animation loop (`ui/flight.rs`) asks a
//! `Pacer` each frame how far the display clock moves and when to apply the next events; the
//! same `Pacer` runs natively in tests and in `flightsim pace`, so the wall time a learner
//! waits for a failover or a rebalance is measured, not guessed.
//!
//! Three paces, at 1x:
//! - **Watch**: a message is in flight: one network hop takes `HOP_REAL_MS` on screen, so a
//!   request can be followed from node to node (the cluster's 5 ms hops would be invisible).
//! - **Idle**: nothing in flight: `IDLE_RATE` virtual ms per real ms, up to the next event.
//! - **Hurry**: the cluster waits for a timer (a dead broker's session, a rebalance waiting
//!   for members' heartbeats, a crashed consumer's session): `HURRY_RATE` even while routine
//!   traffic flies, so the 9 s of `broker.session.timeout.ms` pass in little more than a
//!   second instead of a minute. Each headline event (an election, a group state change) still
//!   holds the watch pace for `HOLD_REAL_MS`, so it is seen happening, and the narration
//!   says how much time passed ("9.0 s later: ...").
use super::layout::progress;
use crate::sim::group::GroupState;
use crate::sim::trace::TraceEvent;
use crate::sim::view::SimView;
use crate::sim::Millis;

/// Real milliseconds one network hop takes on screen at 1x.
pub const HOP_REAL_MS: f64 = 350.0;
/// Virtual milliseconds per real millisecond across quiet gaps at 1x.
pub const IDLE_RATE: f64 = 12.0;
/// Virtual milliseconds per real millisecond while the cluster waits for a timer, at 1x.
pub const HURRY_RATE: f64 = 8.0;
/// Real milliseconds a headline event holds the watch pace while hurrying.
pub const HOLD_REAL_MS: f64 = 450.0;
/// Real milliseconds between re-renders of the stage while messages fly (20 per second: each
/// takes two frames, `Pacer::tick`, and a frame of rest between them keeps a slower machine's
/// frames on time; docs/BENCHMARKS.md, "The busy cluster at 2x").
pub const MIN_RENDER_GAP_MS: f64 = 48.0;
/// Silence after which a narration line says how much virtual time passed before it.
pub const LATER_MS: Millis = 2_000;

/// The display clock and its decisions; `ui/flight.rs` owns one per stage.
#[derive(Debug, Default)]
pub struct Pacer {
    /// The display clock, in virtual milliseconds.
    pub display_ms: f64,
    sim_now: Millis,
    next_event: Option<Millis>,
    latency_ms: f64,
    playing: bool,
    speed: f64,
    /// The cluster only waits for a timer (`waiting`): the clock hurries.
    hurry: bool,
    headlines: u64,
    hold_until_real: f64,
    /// The last frame asked to advance without showing it (`Frame::Advance`): this one asks
    /// to show it. A busy advance and its render are a frame's work each, not one frame's both.
    publish_due: bool,
    last_real: Option<f64>,
    /// When the loop last asked the reducer to advance.
    last_advance_real: f64,
    /// The last frame's advance was a batch (messages flying, or hurrying).
    batch: bool,
    /// Up to what virtual time the last advance was asked for, until its view arrives.
    asked_to: Option<Millis>,
}

/// How long the clock waits for an advance's view before going on without it.
const WAIT_LIMIT_REAL_MS: f64 = 500.0;

/// What the stage's frame asks of the reducer (`Pacer::tick`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Tick {
    /// Advance and show it (`Action::AdvanceTo`).
    AdvanceTo(Millis),
    /// Advance; show it in the next frame (`Action::Advance`).
    Advance(Millis),
    /// Show the last advance (`Action::Publish`).
    Publish,
}

impl Tick {
    pub fn action(self) -> super::state::Action {
        use super::state::Action;
        match self {
            Tick::AdvanceTo(t) => Action::AdvanceTo(t),
            Tick::Advance(t) => Action::Advance(t),
            Tick::Publish => Action::Publish,
        }
    }
}

impl Pacer {
    /// A new view arrived (a render): the clock follows it. `headlines` is the sandbox's count
    /// of headline events so far (`SandboxState::headlines`).
    pub fn update(&mut self, view: &SimView, playing: bool, speed_percent: u32, headlines: u64) {
        let now = view.now_ms as f64;
        // The view that answers this clock's own request, as far as it asked: the clock may have
        // moved on while it waited (`tick`), and must not be taken back. Short of it (a
        // headline stopped the advance), or moved by a command, a step or a seek: the display
        // clock is the sim's.
        let answered = self.asked_to.take().is_some_and(|to| view.now_ms >= to);
        if !playing || now > self.display_ms || !answered && view.now_ms != self.sim_now && now < self.display_ms.floor() {
            self.display_ms = now;
        }
        self.sim_now = view.now_ms;
        self.next_event = view.next_event_ms;
        self.latency_ms = view.latency_ms.max(1) as f64;
        self.playing = playing;
        self.speed = speed_percent as f64 / 100.0;
        self.hurry = waiting(view).is_some();
        if headlines != self.headlines {
            self.headlines = headlines;
            self.hold_until_real = f64::NEG_INFINITY;
        }
    }

    /// One animation frame at `now_real` (ms), with the drawn messages' (sent, arrive) times:
    /// moves the display clock and says what the reducer should do in this frame.
    pub fn tick(&mut self, now_real: f64, dots: impl Iterator<Item = (Millis, Millis)>) -> Option<Tick> {
        if std::mem::take(&mut self.publish_due) {
            // The dots go on moving while the advance is shown; no new advance until it is.
            self.frame(now_real, dots);
            return Some(Tick::Publish);
        }
        let to = self.frame(now_real, dots)?;
        // While messages fly (a batch), the advance is shown in the next frame; a single
        // event across a quiet gap is shown at once, as the step it is.
        if self.batch {
            self.publish_due = true;
            Some(Tick::Advance(to))
        } else {
            Some(Tick::AdvanceTo(to))
        }
    }

    /// Virtual milliseconds per real one, at 1x: hurrying while the cluster waits for a timer,
    /// the watch pace while messages fly, quickly across a quiet gap.
    fn rate(&self, hurrying: bool, flying: bool) -> f64 {
        match (hurrying, flying) {
            (true, _) => HURRY_RATE,
            (false, true) => self.latency_ms / HOP_REAL_MS,
            (false, false) => IDLE_RATE,
        }
    }

    /// One animation frame at `now_real` (ms), with the drawn messages' (sent, arrive) times:
    /// moves the display clock and returns the virtual time to advance the simulation to
    /// (which `tick` splits over two frames while messages fly).
    pub fn frame(&mut self, now_real: f64, dots: impl Iterator<Item = (Millis, Millis)>) -> Option<Millis> {
        let dt = self.last_real.map_or(0.0, |l| (now_real - l).clamp(0.0, 100.0));
        self.last_real = Some(now_real);
        if self.hold_until_real == f64::NEG_INFINITY {
            self.hold_until_real = now_real + HOLD_REAL_MS;
        }
        if !self.playing {
            return None;
        }
        if self.asked_to.is_some() && now_real - self.last_advance_real > WAIT_LIMIT_REAL_MS {
            // An advance whose view never came (nothing changed): stop waiting for it.
            self.asked_to = None;
        }
        let hurrying = self.hurry && now_real >= self.hold_until_real;
        if self.asked_to.is_some() {
            // Waiting for an advance to be shown (`tick`): the clock goes on in a batch, where
            // it may run ahead of the simulation, and holds otherwise.
            if self.batch {
                self.display_ms += dt * self.rate(hurrying, true) * self.speed;
            }
            return None;
        }
        let display = self.display_ms;
        let flying = dots.into_iter().any(|(sent, arrive)| progress(sent, arrive, display) < 1.0);
        let mut t = display + dt * self.rate(hurrying, flying) * self.speed;
        // Events are applied in batches (everything up to this frame's time) while messages
        // fly (a busy cluster has many per frame; one at a time would slow it far below the
        // chosen speed) and while hurrying; across a quiet gap, one at a time and never past
        // the next event: its messages must be seen leaving.
        let batch = flying || hurrying;
        self.batch = batch;
        let mut out = None;
        if let Some(next) = self.next_event {
            if !batch {
                t = t.min(next as f64);
            }
            // Batches re-render the stage at most every MIN_RENDER_GAP_MS: the dots still move
            // every frame. Re-rendering a busy cluster's SVG every frame cost more than a frame
            // (docs/BENCHMARKS.md).
            let due = !batch || now_real - self.last_advance_real >= MIN_RENDER_GAP_MS;
            if t >= next as f64 && due {
                self.last_advance_real = now_real;
                let to = if batch { (t.floor() as Millis).max(next) } else { next };
                self.asked_to = Some(to);
                out = Some(to);
            }
        }
        self.display_ms = t.max(self.display_ms);
        out
    }
}

/// What the cluster is waiting for, when a timer (not traffic) decides what happens next: the
/// stage hurries and says so.
pub fn waiting(view: &SimView) -> Option<String> {
    if let Some(b) = view.brokers.iter().find(|b| !b.up && !b.fenced) {
        return Some(format!("broker {} is down: the controller waits for its session to expire (broker.session.timeout.ms)", b.id));
    }
    if let Some(g) = view.groups.iter().find(|g| matches!(g.state, GroupState::PreparingRebalance | GroupState::CompletingRebalance)) {
        return Some(format!("group {} is rebalancing: members rejoin on their next heartbeat (heartbeat.interval.ms)", g.id));
    }
    let running = |name: &str| view.clients.iter().any(|c| c.running && &*c.name == name);
    for g in &view.groups {
        if let Some(m) = g.members.iter().find(|m| !running(&m.client)) {
            return Some(format!("{} stopped without leaving group {}: the coordinator waits for its session to expire (session.timeout.ms)", m.client, g.id));
        }
    }
    if let Some(c) = view
        .clients
        .iter()
        .find(|c| c.running && c.group.as_ref().is_some_and(|(g, _)| !view.groups.iter().any(|v| v.id == *g && v.members.iter().any(|m| m.client == c.name))))
    {
        let group = c.group.as_ref().map_or("", |(g, _)| &**g);
        return Some(format!("{} is joining group {group} (group.initial.rebalance.delay.ms, then JoinGroup)", c.name));
    }
    if let Some(n) = view.paused.first() {
        return Some(format!("{n} is paused: the others wait for their timeouts to notice"));
    }
    if view.network_partitioned {
        return Some("the network is cut: requests wait for their timeouts".into());
    }
    None
}

/// The events that are the story (an election, a fence, a group state change): the ones the
/// narration tells. The stage stops on each while hurrying, so it is seen.
pub fn is_headline(e: &TraceEvent) -> bool {
    !super::narration::is_noise(e)
}

/// Frames a second the native probe assumes (the stage's display refresh).
pub const PROBE_FPS: f64 = 60.0;

/// Plays `state` at its speed in `PROBE_FPS` frames a second, as the stage does (each
/// advance's view arrives by the next frame), until `done` holds for the view. Returns the
/// real milliseconds that took on screen (None past `limit_real_ms`) and the state then.
pub fn play_until(state: super::state::SandboxState, done: impl Fn(&SimView) -> bool, limit_real_ms: f64) -> (Option<f64>, super::state::SandboxState) {
    use super::layout::Family;
    use super::state::Action;
    let mut state = if state.playing { state } else { state.reduce(Action::TogglePlay) };
    let mut pacer = Pacer::default();
    pacer.update(&state.view, true, state.speed_percent, state.headlines);
    let mut real = 0.0;
    while real <= limit_real_ms {
        if done(&state.view) {
            return (Some(real), state);
        }
        let show_background = state.show_background;
        let dots = state
            .view
            .in_flight
            .iter()
            .filter(|m| show_background || !Family::of(m.kind, m.from, m.to).is_background())
            .map(|m| (m.sent_ms, m.arrive_ms))
            .collect::<Vec<_>>();
        if let Some(tick) = pacer.tick(real, dots.into_iter()) {
            state = state.reduce(tick.action());
            // A render (and so a new view for the pacer) follows every action but `Advance`.
            if !matches!(tick, Tick::Advance(_)) {
                pacer.update(&state.view, true, state.speed_percent, state.headlines);
            }
        }
        real += 1000.0 / PROBE_FPS;
    }
    (None, state)
}

/// The headline moments of the issue that set the pace, measured on screen at 1x: from
/// `kill broker N` (the leader of `orders-0`) to its new leader on the failover preset, and
/// from `consumer start` to a Stable group of two on the e-commerce preset. Each is the real
/// milliseconds on screen; `flightsim pace` prints them.
pub fn headline_moments(seed: u64) -> Vec<(&'static str, Option<f64>)> {
    use super::state::{Action, SandboxState};
    use crate::presets;
    let leader_of = |v: &SimView| v.topics.iter().find(|t| &*t.name == "orders").and_then(|t| t.partitions.first()).and_then(|p| p.leader);
    let mut out = Vec::new();

    let s = SandboxState::new(presets::find("failover").expect("preset"), seed);
    let (_, s) = play_until(s, |_| false, 2_000.0);
    let old = leader_of(&s.view).expect("orders-0 has a leader");
    let s = s.reduce(Action::Line(format!("kill broker {old}")));
    let (kill, _) = play_until(s, |v| leader_of(v).is_some_and(|l| l != old), 60_000.0);
    out.push(("failover: kill the leader of orders-0 until its new leader is on the stage", kill));

    let s = SandboxState::new(presets::find("orders").expect("preset"), seed);
    let (_, s) = play_until(s, |_| false, 2_000.0);
    let s = s.reduce(Action::Line("consumer start dashboard-2 --topic orders --group dashboard".into()));
    let stable = |v: &SimView| v.groups.iter().any(|g| &*g.id == "dashboard" && g.state == GroupState::Stable && g.members.len() == 2);
    let (join, _) = play_until(s, stable, 60_000.0);
    out.push(("e-commerce: consumer start until the group is Stable with two members", join));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The budget: each headline moment within 5 s of wall time at 1x (computed by the
    /// same pacer the stage runs, frame by frame, so this is not a timed test), on 3 seeds.
    #[test]
    fn headline_moments_fit_in_five_seconds_at_1x() {
        for seed in [42, 7, 1234] {
            for (what, real) in headline_moments(seed) {
                let real = real.unwrap_or_else(|| panic!("seed {seed}: {what}: never happened within 60 s"));
                assert!(real <= 5_000.0, "seed {seed}: {what}: {real} ms on screen");
            }
        }
    }

    /// Hurrying skips no headline: stepping through the same stretch shows the same events,
    /// and playing stops on each (the narration lists the fence and the election).
    #[test]
    fn a_hurried_failover_still_narrates_every_step() {
        use crate::app::state::{Action, SandboxState};
        let s = SandboxState::new(crate::presets::find("failover").expect("preset"), 42);
        let s = s.reduce(Action::Line("kill broker 1".into()));
        let waiting = waiting(&s.view).expect("a killed broker is waited for");
        assert!(waiting.contains("broker.session.timeout.ms"), "{waiting}");
        let (_, s) = play_until(s, |v| v.brokers.iter().any(|b| b.fenced), 60_000.0);
        let lines: Vec<&str> = s.narration.iter().map(|(_, l)| l.as_str()).collect();
        assert!(lines.iter().any(|l| l.contains("later: ") && l.contains("fenced")), "{lines:#?}");
        assert!(waiting_after_fence(&s), "{lines:#?}");
    }

    /// While messages fly, an advance is asked for in one frame and shown in the next (each is
    /// a frame's work on a busy stage), and the dots' clock moves in both frames.
    #[test]
    fn a_busy_advance_is_split_over_two_frames() {
        use crate::app::state::SandboxState;
        let mut s = SandboxState::new(crate::presets::find("stress").expect("preset"), 42);
        s.playing = true;
        let mut pacer = Pacer::default();
        pacer.update(&s.view, true, 100, s.headlines);
        let (mut ticks, mut clocks) = (Vec::new(), Vec::new());
        let mut asked = None;
        for frame in 0..40 {
            let dots: Vec<(Millis, Millis)> = s.view.in_flight.iter().map(|m| (m.sent_ms, m.arrive_ms)).collect();
            let tick = pacer.tick(frame as f64 * 1000.0 / PROBE_FPS, dots.into_iter());
            clocks.push(pacer.display_ms);
            if let Some(t) = tick {
                s = s.reduce(t.action());
                match t {
                    Tick::Advance(to) => asked = Some(to),
                    _ => {
                        let before = pacer.display_ms;
                        pacer.update(&s.view, true, 100, s.headlines);
                        // A view that reached what was asked never takes the clock back (it
                        // moved on while the advance waited to be shown); one that stopped short,
                        // after a headline event, does.
                        if asked.take().is_some_and(|to| s.view.now_ms >= to) {
                            assert!(pacer.display_ms >= before, "frame {frame}: {} after {before}", pacer.display_ms);
                        }
                    }
                }
            }
            ticks.push(tick);
        }
        let advances = ticks.iter().filter(|t| matches!(t, Some(Tick::Advance(_)))).count();
        assert!(advances >= 10, "{ticks:?}");
        for (i, t) in ticks.iter().enumerate() {
            if matches!(t, Some(Tick::Advance(_))) && i + 1 < ticks.len() {
                assert_eq!(ticks[i + 1], Some(Tick::Publish), "frame {i}: {ticks:?}");
                assert!(clocks[i + 1] > clocks[i], "the dots move while the advance is shown: {clocks:?}");
            }
        }
        assert!(!ticks.iter().any(|t| matches!(t, Some(Tick::AdvanceTo(_)))), "a busy cluster always has messages flying");
    }

    fn waiting_after_fence(s: &crate::app::state::SandboxState) -> bool {
        !waiting(&s.view).is_some_and(|w| w.starts_with("broker 1 is down"))
    }
}
