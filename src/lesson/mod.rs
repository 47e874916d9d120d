//! The course: lessons as data files (`lessons/*.lesson`, docs/LESSONS.md), parsed here into a
//! typed [`Lesson`], and replayed headless by [`check`].
//!
//! Quiz answers and challenge goals are queries asked of the simulation at that moment
//! ([`query`]), never values typed into the lesson, so a lesson cannot disagree with the
//! engine. The parser is written by hand (no serde): it ships in the wasm bundle, and every
//! error names the file, the line and the reason.
//!
//! A player (the page, or `flightsim lessons check`) uses it like this:
//! [`parse`] the file; [`Lesson::start`] a shell with the starting cluster; for each
//! [`Item`]: run a [`Step`]'s commands ([`run_commands`]) and show its [`Text`] rendered at
//! that moment ([`Text::render`]); [`Quiz::pose`] a quiz (a variant number gives a fresh
//! question on a retry) and grade the answer ([`Posed`]); for a [`Challenge`], let the learner
//! work on a copy of the shell and ask [`Challenge::goal`] after each command, and once every
//! goal holds run its `then` commands ([`fill_command`]) and ask [`Challenge::survive`].
pub mod check;
mod metric;
mod parse;
pub mod query;
pub use query::At;
pub mod text;

use std::fmt;

use crate::shell::Shell;
use crate::sim::config::ClusterConfig;
use crate::sim::Sim;

pub use check::{check, CheckOptions, CheckReport};
pub use parse::parse;
use query::{Condition, Query, Value};
pub use text::Narration;

/// What is wrong with a lesson, and where: `lessons/02-keys.lesson:37: reason`.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct LessonError {
    pub file: String,
    /// 1-based; 0 when the problem is the file as a whole.
    pub line: usize,
    pub message: String,
}

impl LessonError {
    pub fn new(file: &str, line: usize, message: impl Into<String>) -> Self {
        LessonError { file: file.to_string(), line, message: message.into() }
    }
}

impl fmt::Display for LessonError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line == 0 {
            write!(f, "{}: {}", self.file, self.message)
        } else {
            write!(f, "{}:{}: {}", self.file, self.line, self.message)
        }
    }
}

/// One lesson file.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Lesson {
    /// The file it was read from, for errors.
    pub file: String,
    pub id: String,
    pub title: String,
    pub objectives: Vec<String>,
    /// Ids of lessons to take first.
    pub requires: Vec<String>,
    /// The curriculum's exercises and sections this lesson covers.
    pub covers: Vec<String>,
    /// Narration before the first step (the lesson's introduction).
    pub intro: Option<Text>,
    pub cluster: Cluster,
    /// Steps, quizzes and challenges in the order the learner meets them.
    pub items: Vec<Item>,
}

/// The starting cluster: a fresh simulation, then commands.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Cluster {
    pub line: usize,
    pub brokers: i32,
    pub seed: u64,
    pub setup: Vec<Cmd>,
}

/// A command line of the shell's language, with the records a console producer reads.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Cmd {
    pub line: usize,
    /// As written (a command continued with `\` keeps its lines).
    pub text: String,
    pub argv: Vec<String>,
    pub stdin: Vec<String>,
    /// `fails:` commands show an error on purpose; the check requires that they fail.
    pub expect_failure: bool,
}

#[derive(Clone, PartialEq, Eq, Debug)]
pub enum Item {
    Step(Step),
    Quiz(Quiz),
    Challenge(Challenge),
}

impl Item {
    pub fn id(&self) -> &str {
        match self {
            Item::Step(s) => &s.id,
            Item::Quiz(q) => &q.id,
            Item::Challenge(c) => &c.id,
        }
    }

    pub fn line(&self) -> usize {
        match self {
            Item::Step(s) => s.line,
            Item::Quiz(q) => q.line,
            Item::Challenge(c) => c.line,
        }
    }
}

/// One idea: narration, the commands that show it, and what the stage points at.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Step {
    pub id: String,
    pub line: usize,
    pub title: String,
    pub text: Text,
    /// Run in order when the learner reaches the step.
    pub commands: Vec<Cmd>,
    pub highlights: Vec<Highlight>,
    /// A compare step: the lesson's moment run on twice, each side with its own commands and
    /// then the step's `commands`, shown side by side. The lesson itself goes on from the
    /// moment before, unchanged.
    pub sides: Option<Sides>,
}

#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Sides {
    pub left: Side,
    pub right: Side,
}

#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Side {
    /// What differs, as the page heads it (`acks=1`).
    pub label: String,
    pub commands: Vec<Cmd>,
}

#[derive(Copy, Clone, PartialEq, Eq, Debug)]
pub enum HighlightKind {
    Topic,
    Partition,
    Broker,
    Group,
    Client,
}

/// What the stage draws attention to: `highlight: partition orders-0`.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Highlight {
    pub line: usize,
    pub kind: HighlightKind,
    /// A topic name, `topic-p`, a broker id, a group id or a client name.
    pub target: String,
}

impl HighlightKind {
    /// The word a lesson file uses for it.
    pub fn word(self) -> &'static str {
        match self {
            HighlightKind::Topic => "topic",
            HighlightKind::Partition => "partition",
            HighlightKind::Broker => "broker",
            HighlightKind::Group => "group",
            HighlightKind::Client => "client",
        }
    }
}

impl Highlight {
    /// Whether the thing exists in the simulation (a highlight of nothing is a lesson bug).
    pub fn exists(&self, sim: &Sim) -> bool {
        match self.kind {
            HighlightKind::Topic => sim.controller().topics.get(self.target.as_str()).is_some(),
            HighlightKind::Partition => query::parse_partition(&self.target).is_ok_and(|tp| sim.controller().partition(&tp).is_some()),
            HighlightKind::Broker => self.target.parse::<i32>().is_ok_and(|b| sim.broker(b).is_some()),
            HighlightKind::Group => sim.describe_group(&self.target).is_some(),
            HighlightKind::Client => sim.client_id(&self.target).is_some(),
        }
    }
}

/// Narration source (Markdown subset with `{...}` blanks) and the line it starts on.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Text {
    pub line: usize,
    pub source: String,
}

/// A quiz's parameters for one variant: `key` = `user-17`.
#[derive(Clone, PartialEq, Eq, Debug, Default)]
pub struct Bindings(pub Vec<(String, String)>);

impl Bindings {
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }

    /// `key=user-17, n=3`, for messages.
    pub fn describe(&self) -> String {
        self.0.iter().map(|(n, v)| format!("{n}={v}")).collect::<Vec<_>>().join(", ")
    }

    /// Fills `{param}` blanks only (in queries, claims and commands).
    pub fn substitute(&self, template: &str) -> Result<String, text::TextError> {
        text::fill(template, false, &mut |name| {
            self.get(name).map(str::to_string).ok_or_else(|| format!("`{{{name}}}` is not a parameter here (a quiz's `vary:` lines name its parameters)"))
        })
    }
}

impl Text {
    /// The narration as it reads now: blanks filled from `bindings` and from the simulation.
    pub fn render<'a>(&self, at: impl Into<query::At<'a>>, bindings: &Bindings) -> Result<Narration, LessonError> {
        self.render_at(at.into(), bindings)
    }

    fn render_at(&self, at: query::At<'_>, bindings: &Bindings) -> Result<Narration, LessonError> {
        self.render_with(&mut |inner| match bindings.get(inner) {
            Some(v) => Ok(v.to_string()),
            None => Query::parse(inner)?.eval(at).map(|v| v.to_string()),
        })
    }

    fn render_with(&self, resolve: &mut dyn FnMut(&str) -> Result<String, String>) -> Result<Narration, LessonError> {
        let at = |(l, m): text::TextError| LessonError::new("", self.line + l, m);
        let filled = text::fill(&self.source, true, resolve).map_err(at)?;
        text::markdown(&filled).map_err(at)
    }
}

/// A query or claim with `{param}` blanks, and its line.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Template {
    pub line: usize,
    pub text: String,
}

impl Template {
    fn filled(&self, bindings: &Bindings) -> Result<String, LessonError> {
        bindings.substitute(&self.text).map_err(|(_, m)| LessonError::new("", self.line, m))
    }

    pub fn query(&self, bindings: &Bindings) -> Result<Query, LessonError> {
        Query::parse(&self.filled(bindings)?).map_err(|m| LessonError::new("", self.line, m))
    }

    pub fn condition(&self, bindings: &Bindings) -> Result<Condition, LessonError> {
        Condition::parse(&self.filled(bindings)?).map_err(|m| LessonError::new("", self.line, m))
    }
}

/// A quiz parameter: `vary: key from user-1..user-50`.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Vary {
    pub line: usize,
    pub name: String,
    pub values: Vec<String>,
}

#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Quiz {
    pub id: String,
    pub line: usize,
    pub ask: Text,
    pub vary: Vec<Vary>,
    pub kind: QuizKind,
    /// Shown after the answer (required for `predict`).
    pub explain: Option<Text>,
    /// Run once the learner has answered, so the stage shows why (`then:`): a key's record is
    /// produced and lands in its partition. The lesson goes on from the quiz's own moment.
    pub then: Vec<Cmd>,
}

#[derive(Clone, PartialEq, Eq, Debug)]
pub enum QuizKind {
    /// The learner types a value; the answer is what the query gives. `kind: click` is the
    /// same with `on_stage` set: the learner clicks the answer on the stage (a broker, a
    /// partition's row, a group or a client), or types it.
    Predict { answer: Template, on_stage: Option<HighlightKind> },
    /// Multiple choice: each option is a claim, exactly one of which holds.
    Choice { options: Vec<ChoiceOption> },
    /// Put the items in the order they happened: each one's place is the last event of the
    /// simulation's trace its `when:` matches at the moment the quiz is asked.
    Order { items: Vec<OrderItem> },
}

/// One thing that happened, for an `order` quiz: `item:` and its `when:`.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct OrderItem {
    pub line: usize,
    /// What the learner reads.
    pub label: Text,
    /// A piece of a trace line as `trace` prints it (without the time), `{...}` blanks allowed:
    /// the last event whose line contains it places the item.
    pub when: Template,
}

#[derive(Clone, PartialEq, Eq, Debug)]
pub struct ChoiceOption {
    pub line: usize,
    pub claim: Template,
    /// What the learner reads (the claim itself when absent).
    pub label: Option<Text>,
    /// Why the option is right, or why it is wrong.
    pub why: Text,
}

/// A quiz asked at one moment: everything the page shows, with the engine's answer.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Posed {
    pub id: String,
    pub variant: u64,
    pub bindings: Bindings,
    pub question: Narration,
    pub kind: PosedKind,
    pub explain: Option<Narration>,
}

#[derive(Clone, PartialEq, Eq, Debug)]
pub enum PosedKind {
    Predict {
        answer: Value,
        on_stage: Option<HighlightKind>,
    },
    Choice {
        options: Vec<PosedOption>,
    },
    /// `items` in the order shown (a shuffle of the variant, never the answer); `answer` holds
    /// their positions in the order they happened.
    Order {
        items: Vec<PosedItem>,
        answer: Vec<usize>,
    },
}

/// An `order` item as asked: its label, and the event that places it.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct PosedItem {
    pub line: usize,
    pub label: Narration,
    /// The last event its `when:` matches: its index in the trace, its virtual time and its line.
    pub at: usize,
    pub time_ms: crate::sim::Millis,
    pub event: String,
}

#[derive(Clone, PartialEq, Eq, Debug)]
pub struct PosedOption {
    pub line: usize,
    pub label: Narration,
    pub why: Narration,
    /// Whether the simulation says the claim holds.
    pub correct: bool,
    /// The claim as filled in, for messages.
    pub claim: String,
}

impl Posed {
    /// For `predict`: whether the learner's typed answer is the engine's.
    pub fn is_right_value(&self, input: &str) -> bool {
        matches!(&self.kind, PosedKind::Predict { answer, .. } if answer.matches_input(input))
    }

    /// For `choice`: whether option `i` (0-based) is the true one.
    pub fn is_right_option(&self, i: usize) -> bool {
        matches!(&self.kind, PosedKind::Choice { options } if options.get(i).is_some_and(|o| o.correct))
    }

    /// For `order`: whether the learner's order (positions in the order shown) is the one the
    /// events happened in.
    pub fn is_right_order(&self, order: &[usize]) -> bool {
        matches!(&self.kind, PosedKind::Order { answer, .. } if answer == order)
    }
}

/// splitmix64: one well-mixed number per (variant, parameter).
fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

impl Quiz {
    /// The parameters of variant `n`: the same number always gives the same question.
    pub fn bindings(&self, variant: u64) -> Bindings {
        Bindings(
            self.vary
                .iter()
                .enumerate()
                .map(|(i, v)| {
                    let name = v.name.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| (h ^ b as u64).wrapping_mul(0x0100_0000_01b3));
                    let pick = mix(variant ^ mix(name.wrapping_add(i as u64))) % v.values.len().max(1) as u64;
                    (v.name.clone(), v.values.get(pick as usize).cloned().unwrap_or_default())
                })
                .collect(),
        )
    }

    /// Asks the quiz of the simulation as it is now.
    pub fn pose<'a>(&self, at: impl Into<query::At<'a>>, variant: u64) -> Result<Posed, LessonError> {
        self.pose_at(at.into(), variant)
    }

    fn pose_at(&self, sim: query::At<'_>, variant: u64) -> Result<Posed, LessonError> {
        let bindings = self.bindings(variant);
        let question = self.ask.render(sim, &bindings)?;
        let explain = self.explain.as_ref().map(|e| e.render(sim, &bindings)).transpose()?;
        let kind = match &self.kind {
            QuizKind::Predict { answer, on_stage } => {
                let q = answer.query(&bindings)?;
                PosedKind::Predict {
                    on_stage: *on_stage,
                    answer: q.eval(sim).map_err(|m| LessonError::new("", answer.line, format!("the answer `{}` cannot be computed: {m}", answer.text)))?,
                }
            }
            QuizKind::Choice { options } => {
                let mut out = Vec::new();
                for o in options {
                    let c = o.claim.condition(&bindings)?;
                    let correct = c.holds(sim).map_err(|m| LessonError::new("", o.line, format!("option `{}` cannot be checked: {m}", o.claim.text)))?;
                    let label = match &o.label {
                        Some(l) => l.render(sim, &bindings)?,
                        None => text::markdown(&format!("`{}`", bindings.substitute(&o.claim.text).unwrap_or_default())).unwrap_or_default(),
                    };
                    let claim = c.claims.iter().map(|c| c.text.clone()).collect::<Vec<_>>().join(" and ");
                    out.push(PosedOption { line: o.line, label, why: o.why.render(sim, &bindings)?, correct, claim });
                }
                PosedKind::Choice { options: out }
            }
            QuizKind::Order { items } => self.order(items, sim.sim, &bindings, variant)?,
        };
        Ok(Posed { id: self.id.clone(), variant, bindings, question, kind, explain })
    }

    /// An order quiz asked now: each item placed by the last event its `when:` matches (an item
    /// that matches none, or two placed by one event, is an error), shown in a shuffle drawn
    /// from the variant and the quiz's id that is never the answer.
    fn order(&self, items: &[OrderItem], sim: &Sim, bindings: &Bindings, variant: u64) -> Result<PosedKind, LessonError> {
        let mut patterns = Vec::new();
        for it in items {
            let at = |(_, m): text::TextError| LessonError::new("", it.when.line, m);
            patterns.push(
                text::fill(&it.when.text, false, &mut |inner| match bindings.get(inner) {
                    Some(v) => Ok(v.to_string()),
                    None => Query::parse(inner)?.eval(sim).map(|v| v.to_string()),
                })
                .map_err(at)?,
            );
        }
        // From the newest event back, each line rendered once, until every item has its event.
        let trace = sim.trace();
        let mut found: Vec<Option<(usize, crate::sim::Millis, String)>> = vec![None; items.len()];
        for (k, t) in trace.iter().rev().enumerate() {
            if found.iter().all(Option::is_some) {
                break;
            }
            let line = t.event.to_string();
            for (f, p) in found.iter_mut().zip(&patterns) {
                if f.is_none() && line.contains(p.as_str()) {
                    *f = Some((trace.len() - 1 - k, t.time_ms, line.clone()));
                }
            }
        }
        let mut posed: Vec<PosedItem> = Vec::new();
        for ((it, f), p) in items.iter().zip(found).zip(&patterns) {
            let Some((at, time_ms, event)) = f else {
                return Err(LessonError::new(
                    "",
                    it.when.line,
                    format!("quiz `{}`: `when: {p}` matches no event of the trace so far; it is a piece of a line as `trace` prints it (without the time), case included", self.id),
                ));
            };
            if let Some(other) = posed.iter().find(|o| o.at == at) {
                return Err(LessonError::new(
                    "",
                    it.when.line,
                    format!(
                        "quiz `{}`: `when: {p}` places this item with the same event as line {}'s item, `{event}`; give each item an event of its own",
                        self.id, other.line
                    ),
                ));
            }
            posed.push(PosedItem { line: it.line, label: it.label.render(sim, bindings)?, at, time_ms, event });
        }
        let n = posed.len();
        let mut happened: Vec<usize> = (0..n).collect();
        happened.sort_by_key(|&i| posed[i].at);
        let id = self.id.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| (h ^ b as u64).wrapping_mul(0x0100_0000_01b3));
        let mut shown: Vec<usize> = (0..n).collect();
        for i in (1..n).rev() {
            shown.swap(i, (mix(variant ^ mix(id ^ i as u64)) % (i as u64 + 1)) as usize);
        }
        if shown == happened {
            shown.rotate_left(1);
        }
        let answer = happened.iter().map(|h| shown.iter().position(|s| s == h).unwrap_or(0)).collect();
        let mut items: Vec<Option<PosedItem>> = posed.into_iter().map(Some).collect();
        Ok(PosedKind::Order { items: shown.iter().filter_map(|&i| items[i].take()).collect(), answer })
    }
}

/// A task checked against the simulation's state, not against the commands typed.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Challenge {
    pub id: String,
    pub line: usize,
    pub title: String,
    /// The task, in narration.
    pub text: Text,
    /// Every condition must hold.
    pub goals: Vec<Template>,
    /// A ladder: the first nudges, the last all but gives the answer.
    pub hints: Vec<Text>,
    /// Reference commands that reach the goal (the check runs them).
    pub solution: Vec<Cmd>,
    /// Commands the lesson runs by itself once every goal holds (a fault the learner's design
    /// must survive), on the learner's own cluster. `{query}` blanks in them are filled just
    /// before each one runs ([`fill_command`]).
    pub then: Vec<Cmd>,
    /// Conditions that must hold after the `then:` commands: the challenge is complete only
    /// when the goals held and then these hold.
    pub survive: Vec<Template>,
}

/// One goal condition as the simulation sees it now.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct GoalStatus {
    pub line: usize,
    pub text: String,
    pub met: bool,
    /// What the condition's queries answer now (`log-end-offset payments-3 is 2`), or why they
    /// cannot be answered yet (`there is no topic payments`).
    pub now: String,
    /// For a condition that does not hold, what is wrong, in words ("3 acknowledged records of
    /// orders were lost"); empty when it holds.
    pub why: String,
}

/// Each condition, met or not, as the simulation answers now. A condition whose query cannot
/// be answered yet (the topic does not exist) is not met.
fn statuses(conditions: &[Template], sim: &Sim) -> Result<Vec<GoalStatus>, LessonError> {
    let mut out = Vec::new();
    for g in conditions {
        let c = g.condition(&Bindings::default())?;
        let mut now = Vec::new();
        let mut why = Vec::new();
        for claim in &c.claims {
            match claim.eval(sim) {
                Ok(f) => {
                    if !f.holds {
                        why.push(claim.plainly(&f.actual));
                    }
                    now.push(format!("{} is {}", claim.query_text(), f.actual));
                }
                Err(m) => {
                    why.push(m.clone());
                    now.push(m);
                }
            }
        }
        out.push(GoalStatus { line: g.line, text: g.text.clone(), met: why.is_empty(), now: now.join("; "), why: why.join("; ") });
    }
    Ok(out)
}

impl Challenge {
    /// Every goal condition, met or not. A condition whose query cannot be answered yet (the
    /// topic does not exist) is not met.
    pub fn goal(&self, sim: &Sim) -> Result<Vec<GoalStatus>, LessonError> {
        statuses(&self.goals, sim)
    }

    /// Every `survive:` condition, met or not (ask after the `then:` commands ran).
    pub fn survive(&self, sim: &Sim) -> Result<Vec<GoalStatus>, LessonError> {
        statuses(&self.survive, sim)
    }

    pub fn is_met(&self, sim: &Sim) -> Result<bool, LessonError> {
        Ok(self.goal(sim)?.iter().all(|g| g.met))
    }
}

impl Lesson {
    /// A shell with the starting cluster: `seed` (the lesson's own when None), then the
    /// cluster's commands. A command that fails is a lesson error.
    pub fn start(&self, seed: Option<u64>) -> Result<Shell, LessonError> {
        let mut shell = Shell::with_cluster(seed.unwrap_or(self.cluster.seed), self.cluster.brokers, ClusterConfig::default());
        run_commands(&mut shell, &self.cluster.setup).map_err(|e| self.locate(e))?;
        Ok(shell)
    }

    /// Puts the lesson's file name on an error from one of its items.
    pub fn locate(&self, mut e: LessonError) -> LessonError {
        if e.file.is_empty() {
            e.file = self.file.clone();
        }
        e
    }

    pub fn quizzes(&self) -> impl Iterator<Item = &Quiz> {
        self.items.iter().filter_map(|i| match i {
            Item::Quiz(q) => Some(q),
            _ => None,
        })
    }

    pub fn steps(&self) -> impl Iterator<Item = &Step> {
        self.items.iter().filter_map(|i| match i {
            Item::Step(s) => Some(s),
            _ => None,
        })
    }

    pub fn challenges(&self) -> impl Iterator<Item = &Challenge> {
        self.items.iter().filter_map(|i| match i {
            Item::Challenge(c) => Some(c),
            _ => None,
        })
    }

    /// Every text of the lesson: narration, questions, explanations, hints.
    pub fn texts(&self) -> Vec<&Text> {
        let mut texts: Vec<&Text> = self.intro.iter().collect();
        for item in &self.items {
            match item {
                Item::Step(s) => texts.push(&s.text),
                Item::Quiz(q) => texts.extend(q.texts()),
                Item::Challenge(c) => {
                    texts.push(&c.text);
                    texts.extend(c.hints.iter());
                }
            }
        }
        texts
    }

    /// Every glossary link in the lesson, with its line: `[partition](glossary:partition)`.
    pub fn glossary_links(&self) -> Vec<(usize, String)> {
        let mut out = Vec::new();
        for t in self.texts() {
            for (i, line) in t.source.lines().enumerate() {
                for (at, _) in line.match_indices("](glossary:") {
                    let rest = &line[at + "](glossary:".len()..];
                    let id = rest.split(')').next().unwrap_or("").trim();
                    out.push((t.line + i, id.to_string()));
                }
            }
        }
        out
    }
}

/// Runs commands in order and returns each one's output. A command that fails (or a `fails:`
/// command that succeeds) stops the run with an error at its line.
pub fn run_commands(shell: &mut Shell, cmds: &[Cmd]) -> Result<Vec<String>, LessonError> {
    let mut out = Vec::new();
    for c in cmds {
        match (shell.run(&c.argv, &c.stdin), c.expect_failure) {
            (Ok(o), false) | (Err(crate::shell::ShellError { message: o }), true) => out.push(o),
            (Err(e), false) => return Err(LessonError::new("", c.line, format!("`{}` failed: {e}", first_line(&c.text)))),
            (Ok(_), true) => return Err(LessonError::new("", c.line, format!("`{}` is under `fails:` but it succeeded", first_line(&c.text)))),
        }
    }
    Ok(out)
}

/// A `then:` command as it runs now: the `{query}` blanks of its command line filled from the
/// simulation, then split into words. Everything else is kept as written: a shell's
/// backslashes and quotes are the shell's, and a producer's records are data (a JSON value
/// keeps its braces). Blanks do not nest here.
pub fn fill_command(c: &Cmd, sim: &Sim) -> Result<Cmd, LessonError> {
    let at = |m: String| LessonError::new("", c.line, m);
    let text = fill_blanks(&c.text, &mut |q| Query::parse(q)?.eval(sim).map(|v| v.to_string())).map_err(at)?;
    let argv = crate::shell::tokenize(&text).map_err(|e| at(format!("`{}` cannot be read once its blanks are filled: {e}", first_line(&text))))?;
    Ok(Cmd { line: c.line, text, argv, stdin: c.stdin.clone(), expect_failure: c.expect_failure })
}

impl Quiz {
    /// Every text the quiz shows: its question, its explanation, its options' labels and
    /// reasons, its items' labels.
    pub fn texts(&self) -> Vec<&Text> {
        let mut texts = vec![&self.ask];
        texts.extend(self.explain.iter());
        match &self.kind {
            QuizKind::Choice { options } => {
                for o in options {
                    texts.extend(o.label.iter());
                    texts.push(&o.why);
                }
            }
            QuizKind::Order { items } => texts.extend(items.iter().map(|i| &i.label)),
            QuizKind::Predict { .. } => {}
        }
        texts
    }

    /// The `then:` commands of variant `variant`, blanks filled: its parameters first, then
    /// queries asked of `sim` (the command line only; a producer's records take parameters).
    pub fn then_commands(&self, sim: &Sim, variant: u64) -> Result<Vec<Cmd>, LessonError> {
        let bindings = self.bindings(variant);
        // Plain replacement: a command's `\` continues its line, it escapes nothing.
        let fill = |t: &str| bindings.0.iter().fold(t.to_string(), |t, (name, value)| t.replace(&format!("{{{name}}}"), value));
        let mut out = Vec::new();
        for c in &self.then {
            let with_params = Cmd { text: fill(&c.text), stdin: c.stdin.iter().map(|l| fill(l)).collect(), ..c.clone() };
            out.push(fill_command(&with_params, sim)?);
        }
        Ok(out)
    }
}

/// Replaces each `{...}` in a command line with what `resolve` answers for its inside.
fn fill_blanks(text: &str, resolve: &mut dyn FnMut(&str) -> Result<String, String>) -> Result<String, String> {
    let mut out = String::new();
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let Some(len) = rest[open..].find('}') else { return Err("a `{` is not closed by `}`".into()) };
        out.push_str(&resolve(rest[open + 1..open + len].trim())?);
        rest = &rest[open + len + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

fn first_line(s: &str) -> &str {
    s.lines().next().unwrap_or("").trim()
}
