//! How a session begins. Every starting cluster is a script: a number of brokers and the
//! console commands that build the rest, run on a fresh cluster before the tape's first op
//! (the timeline's step 0 is after them). A preset is one (`presets.rs`); a lesson's step or a
//! script the learner pastes is another. A shared link names a preset by its id and carries
//! any other script whole (`link.rs`).
use std::rc::Rc;

use crate::presets::{self, Preset};
use crate::shell::Shell;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Start {
    /// A preset: `preset=<id>` in a link.
    Preset(&'static Preset),
    /// Any other script (a lesson's step, a pasted one): inline in a link, `script=<base64url>`.
    /// Shared, since the page copies its session on every action.
    Script(Rc<Script>),
}

/// A starting cluster that is not a preset.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Script {
    /// What the page calls it (one line).
    pub name: String,
    pub brokers: i32,
    /// Console commands, one per line, as a preset's (a console producer's records follow it,
    /// up to a lone `.`).
    pub text: String,
}

/// The cluster sizes a script may ask for (the `reset --brokers` verb's).
pub const BROKERS: std::ops::RangeInclusive<i32> = 1..=9;
/// The longest name a script may have.
pub const MAX_NAME_CHARS: usize = 100;

impl Script {
    /// A script start, checked: a link or a learner may give anything.
    pub fn new(name: &str, brokers: i32, text: &str) -> Result<Script, String> {
        if !BROKERS.contains(&brokers) {
            return Err(format!("a script runs on {} to {} brokers, not {brokers}", BROKERS.start(), BROKERS.end()));
        }
        if name.trim().is_empty() || name.chars().count() > MAX_NAME_CHARS || name.chars().any(char::is_control) {
            return Err(format!("a script's name is one line of 1 to {MAX_NAME_CHARS} characters"));
        }
        Ok(Script { name: name.to_string(), brokers, text: text.to_string() })
    }
}

impl From<&'static Preset> for Start {
    fn from(p: &'static Preset) -> Start {
        Start::Preset(p)
    }
}

impl From<Script> for Start {
    fn from(s: Script) -> Start {
        Start::Script(Rc::new(s))
    }
}

impl Start {
    /// The preset called `id`.
    pub fn preset(id: &str) -> Option<Start> {
        presets::find(id).map(Start::Preset)
    }

    pub fn brokers(&self) -> i32 {
        match self {
            Start::Preset(p) => p.brokers,
            Start::Script(s) => s.brokers,
        }
    }

    /// The commands that build the starting cluster.
    pub fn script(&self) -> &str {
        match self {
            Start::Preset(p) => p.script,
            Start::Script(s) => &s.text,
        }
    }

    pub fn preset_id(&self) -> Option<&'static str> {
        match self {
            Start::Preset(p) => Some(p.id),
            Start::Script(_) => None,
        }
    }

    /// Which start this is, for a report: `preset failover`, `script "Two brokers"`.
    pub fn label(&self) -> String {
        match self {
            Start::Preset(p) => format!("preset {}", p.id),
            Start::Script(s) => format!("script \"{}\"", s.name),
        }
    }

    /// The narration's first line: what the learner is looking at.
    pub fn intro(&self) -> String {
        match self {
            Start::Preset(p) => format!("{}. {}", p.title, p.blurb),
            Start::Script(s) => {
                let commands = crate::shell::parse_script(&s.text).len();
                format!("{}: {} broker(s), built by a script of {commands} command(s).", s.name, s.brokers)
            }
        }
    }

    /// The starting cluster: `brokers()` brokers booted, then the script. A failing line is
    /// an error naming it; so is a script past `budget` events (checked after each command,
    /// as a link's tape is).
    pub fn build(&self, seed: u64, budget: u64) -> Result<Shell, String> {
        presets::run_script(&self.label(), self.brokers(), self.script(), seed, budget)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::session::link::{Link, LINK_BUDGET};
    use crate::session::Player;

    const TWO_BROKERS: &str = "kafka-topics.sh --bootstrap-server localhost:9092 --create --topic t --partitions 2 --replication-factor 2
producer start p --topic t --rate 5/s --keys k_1..k_3
tick 1s";

    fn two_brokers() -> Start {
        Script::new("Two brokers", 2, TWO_BROKERS).expect("valid").into()
    }

    #[test]
    fn a_preset_is_a_start() {
        let preset = crate::presets::find("failover").expect("preset");
        let start = Start::from(preset);
        assert_eq!(Start::preset("failover"), Some(start.clone()));
        assert_eq!((start.brokers(), start.script(), start.preset_id(), start.label()), (3, preset.script, Some("failover"), "preset failover".to_string()));
        assert_eq!(start.intro(), format!("{}. {}", preset.title, preset.blurb));
        // The same cluster as the preset's own build.
        let a = start.build(4, LINK_BUDGET).expect("builds").sim.trace_hash();
        assert_eq!(a, preset.build(4).expect("builds").sim.trace_hash());
        assert_eq!(Start::preset("nope"), None);
    }

    #[test]
    fn a_script_starts_a_session() {
        let p = Player::new(two_brokers(), 3).expect("builds");
        let view = p.shell().sim.view(8);
        assert_eq!(view.brokers.len(), 2);
        assert!(view.topics.iter().any(|t| &*t.name == "t"));
        assert_eq!((p.elapsed(), p.head(), p.start.preset_id()), (0, 0, None));
        assert_eq!(p.start.label(), "script \"Two brokers\"");
        assert_eq!(p.start.intro(), "Two brokers: 2 broker(s), built by a script of 3 command(s).");
    }

    #[test]
    fn a_script_session_is_shared_by_link() {
        let mut p = Player::new(two_brokers(), 8).expect("builds");
        for _ in 0..5 {
            p.step();
        }
        p.line("kill broker 2");
        p.advance_to(p.shell().sim.now() + 2_000);
        p.seek(p.head() / 2);
        let query = p.link().to_query();
        let link = Link::from_query(&query).expect("parses").expect("a link");
        assert_eq!(link.start, p.start);
        let opened = Player::open(&link, LINK_BUDGET).expect("replays");
        assert_eq!((opened.shell().sim.trace_hash(), opened.elapsed(), opened.head()), (p.shell().sim.trace_hash(), p.elapsed(), p.head()));
        assert_eq!(opened.link().to_query(), query);
    }

    #[test]
    fn a_failing_or_endless_script_is_refused() {
        let bad: Start =
            Script::new("Broken", 3, "tick 1s\nkafka-topics.sh --bootstrap-server localhost:9092 --create --topic t --partitions 0").expect("valid").into();
        let e = Player::new(bad, 1).err().expect("refused");
        assert_eq!(e, "script \"Broken\" line 2: Error while executing topic command : The partitions must be greater than 0");
        let endless: Start = Script::new("Endless", 3, "producer start p --topic t --rate 100/s").expect("valid").into();
        assert!(Player::new(endless, 1).is_err(), "no topic t");
        let long: Start = Script::new("Long", 3, &format!("{TWO_BROKERS}\ntick 10m")).expect("valid").into();
        let e = Player::replay(long, 1, Vec::new(), None, 20_000).err().expect("refused");
        assert_eq!(e, "script \"Long\" line 4: the script asks for more than 20000 events");
        assert!(Script::new("x", 10, "").is_err() && Script::new("two\nlines", 3, "").is_err() && Script::new("", 3, "").is_err());
    }
}
