//! The lesson player's decisions, native and tested: which page of the lesson is shown (the
//! introduction, then each step, quiz and challenge), the simulation at that moment (a session
//! `Player` started from the lesson's cluster, each step's commands typed as console lines),
//! the answers given and what follows from them. `ui/lesson_page.rs` only draws this state and
//! turns clicks into `LessonAction`s.
use std::rc::Rc;

use super::state::{Selection, Shown};
use crate::lesson::text::{Block, Inline};
use crate::lesson::{self, At, Bindings, Challenge, Cmd, GoalStatus, HighlightKind, Item, Lesson, LessonError, Narration, Posed};
use crate::session::{LineKind, Player, Printed, Prompt, Script};
use crate::sim::TopicPartition;

use super::progress::{LessonProgress, Progress};

/// The index of published lessons (`lessons/index.txt`): one `id<TAB>title` a line, in course
/// order. Blank lines and `#` comments are skipped; a line without a tab is an error.
pub fn parse_index(text: &str) -> Result<Vec<(String, String)>, String> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim_end_matches('\r');
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        match line.split_once('\t') {
            Some((id, title)) if !id.trim().is_empty() && !title.trim().is_empty() => out.push((id.trim().to_string(), title.trim().to_string())),
            _ => return Err(format!("lessons/index.txt:{}: expected `id<TAB>title`", i + 1)),
        }
    }
    Ok(out)
}

/// Whether the index (`lessons/index.txt`'s text) lists `id`. The page fetches only a listed
/// lesson's file: an unknown id never costs a failed request (which browsers log as an error).
pub fn listed(index: &str, id: &str) -> bool {
    parse_index(index).is_ok_and(|l| l.iter().any(|(i, _)| i == id))
}

/// Whether a lesson id is safe to put in a path: letters, digits and `-` only.
pub fn valid_id(id: &str) -> bool {
    !id.is_empty() && id.len() <= 100 && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
}

/// What a lesson's file became: the player, or why there is none (shown as is).
pub fn open(id: &str, source: &str) -> Result<LessonState, String> {
    let file = format!("lessons/{id}.lesson");
    let lesson = lesson::parse(&file, source).map_err(|errors| errors.iter().map(|e| e.to_string()).collect::<Vec<_>>().join("\n"))?;
    LessonState::new(lesson).map_err(|e| e.to_string())
}

/// The course's index as the page holds it: the list, or why it could not be read.
pub type Index = Result<Vec<(String, String)>, String>;

/// Console output on a lesson page (empty when nothing was printed), as HTML.
pub fn console_html(lines: &[Printed], testid: &str) -> String {
    if lines.is_empty() {
        return String::new();
    }
    let mut out = format!("<pre class=\"lesson-console\" data-testid=\"{testid}\" tabindex=\"0\" aria-label=\"Console output\">");
    for (i, p) in lines.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        escape(&p.text, &mut out);
    }
    out.push_str("</pre>");
    out
}

/// A challenge's reference solution as typed: each command, the producer's records under it
/// and the `exit` that ends them (a lesson file ends them with a lone `.`).
pub fn solution_html(c: &Challenge) -> String {
    let mut out = String::from("<pre class=\"solution\" data-testid=\"solution-commands\"><code>");
    for cmd in &c.solution {
        escape(&cmd.text, &mut out);
        for l in &cmd.stdin {
            out.push('\n');
            escape(l, &mut out);
        }
        if !cmd.stdin.is_empty() {
            out.push_str("\nexit");
        }
        out.push('\n');
    }
    out.push_str("</code></pre>");
    out
}

/// The home page's opening, fixed markup.
const HERO: &str = r##"<section class="hero"><h1>Fly a Kafka cluster</h1><p class="lead">A real, deterministic simulation of Kafka's brokers, replicas and clients, running in your browser. Kill a broker, watch the controller elect a new leader, and see exactly which records survive.</p><a href="#/sandbox" class="button primary">Open the sandbox</a></section>"##;

/// The home page's contents as HTML (every piece of text from the index escaped; the page wraps
/// them in its `<main>` beside its progress buttons): the course's lessons in order from
/// `lessons/index.txt` (`None` while it loads), or why there are none, each with the learner's
/// progress in words, and where to go on. One string is far less wasm than the same page built
/// with `html!`.
pub fn home_html(index: Option<&Index>, progress: &Progress) -> String {
    let mut out = String::from(HERO);
    out.push_str("<section aria-labelledby=\"course-heading\" class=\"course\"><h2 id=\"course-heading\">The course</h2>");
    match index {
        None => out.push_str("<p class=\"empty-state\" role=\"status\">Loading the course\u{2026}</p>"),
        Some(Err(e)) => {
            out.push_str("<p class=\"empty-state\" role=\"status\">");
            escape(e, &mut out);
            out.push_str("</p>");
        }
        Some(Ok(list)) if list.is_empty() => out.push_str("<p class=\"empty-state\" data-testid=\"course-empty\">No lessons are published yet.</p>"),
        Some(Ok(list)) => {
            out.push_str("<p class=\"start-here\" data-testid=\"start-here\">");
            match progress.next_lesson(list) {
                Some(((id, title), begun)) => {
                    out.push_str(if begun {
                        "<strong>Continue with:</strong> <a href=\"#/lesson/"
                    } else {
                        "<strong>Start here:</strong> <a href=\"#/lesson/"
                    });
                    escape(id, &mut out);
                    out.push_str("\">");
                    escape(title, &mut out);
                    out.push_str("</a>. Each lesson builds on the ones before it.");
                }
                None => out.push_str("<strong>\u{2713} You have completed every lesson.</strong> The sandbox is yours."),
            }
            out.push_str("</p><ol class=\"lesson-list\" data-testid=\"course\">");
            for (id, title) in list {
                out.push_str("<li><a href=\"#/lesson/");
                escape(id, &mut out);
                out.push_str("\">");
                escape(title, &mut out);
                out.push_str("</a> <span class=\"lesson-id\">");
                escape(id, &mut out);
                out.push_str("</span> <span class=\"lesson-state\" data-testid=\"lesson-state\">");
                match progress.lesson(id) {
                    Some(l) if l.completed() => out.push_str(&format!("\u{2713} {}", l.summary())),
                    Some(l) => out.push_str(&l.summary()),
                    None => out.push_str("not started"),
                }
                out.push_str("</span></li>");
            }
            out.push_str("</ol>");
        }
    }
    out.push_str("</section>");
    out
}

/// The page for an address that leads nowhere (`path` escaped).
pub fn not_found_html(path: &str) -> String {
    let mut out = String::from("<main id=\"main\" class=\"page\"><h1>Page not found</h1><p>The address \u{201c}");
    escape(path, &mut out);
    out.push_str("\u{201d} does not lead anywhere in the simulator. <a href=\"#/\">Back to the course</a></p></main>");
    out
}

pub(crate) use super::html::escape;

fn inlines_html(run: &[Inline], out: &mut String) {
    for i in run {
        let (open, close, text) = match i {
            Inline::Text(t) => ("", "", t),
            Inline::Code(t) => ("<code>", "</code>", t),
            Inline::Strong(t) => ("<strong>", "</strong>", t),
            Inline::Emphasis(t) => ("<em>", "</em>", t),
            Inline::Glossary { text, id } => {
                out.push_str("<a href=\"#/glossary?term=");
                escape(id, out);
                out.push_str("\">");
                escape(text, out);
                out.push_str("</a>");
                continue;
            }
            Inline::Link { text, url } => {
                // Only web links; anything else is shown as its text.
                if url.starts_with("https://") || url.starts_with("http://") {
                    out.push_str("<a rel=\"noopener noreferrer\" href=\"");
                    escape(url, out);
                    out.push_str("\">");
                    escape(text, out);
                    out.push_str("</a>");
                } else {
                    escape(text, out);
                }
                continue;
            }
        };
        out.push_str(open);
        escape(text, out);
        out.push_str(close);
    }
}

/// Narration as HTML (every piece of text escaped), in one element: a `<div>` of paragraphs,
/// lists and code blocks, or for `inline` (a choice's label) a `<span>` of its runs. One
/// string is far less wasm than building the same nodes one by one.
pub fn narration_html(n: &Narration, inline: bool) -> String {
    let mut out = String::from(if inline { "<span>" } else { "<div class=\"narration-text\">" });
    for (k, b) in n.blocks.iter().enumerate() {
        match b {
            Block::Paragraph(p) if inline => {
                if k > 0 {
                    out.push(' ');
                }
                inlines_html(p, &mut out);
            }
            Block::Paragraph(p) => {
                out.push_str("<p>");
                inlines_html(p, &mut out);
                out.push_str("</p>");
            }
            Block::List(items) => {
                out.push_str("<ul>");
                for i in items {
                    out.push_str("<li>");
                    inlines_html(i, &mut out);
                    out.push_str("</li>");
                }
                out.push_str("</ul>");
            }
            Block::Code(c) => {
                out.push_str("<pre><code>");
                escape(c, &mut out);
                out.push_str("</code></pre>");
            }
        }
    }
    out.push_str(if inline { "</span>" } else { "</div>" });
    out
}

/// The verdict on the quiz's checked answer (empty before a check), as HTML: right or wrong in
/// words and a mark (never by colour alone), what was typed when wrong, the chosen option's
/// `why:`, for an order the positions that are wrong and the simulation's order (each item with
/// its event and time), and the quiz's explanation (for a choice, once right).
pub fn result_html(q: &QuizState, posed: &Posed) -> String {
    let Some(checked) = &q.checked else { return String::new() };
    let mut out = String::from(if checked.right {
        "<div class=\"quiz-result right\" data-testid=\"quiz-result\" data-right=\"true\"><p><strong>\u{2713} Right.</strong>"
    } else {
        "<div class=\"quiz-result wrong\" data-testid=\"quiz-result\" data-right=\"false\"><p><strong>\u{2717} Not right.</strong>"
    });
    if let lesson::PosedKind::Order { items, answer } = &posed.kind {
        let order = q.arranged(items.len());
        let wrong: Vec<String> = answer.iter().zip(&order).enumerate().filter(|(_, (a, o))| a != o).map(|(k, _)| (k + 1).to_string()).collect();
        if let [first @ .., last] = wrong.as_slice() {
            out.push_str(&format!(" Positions {} and {last} are not where the simulation has them.", first.join(", ")));
        }
        out.push_str("</p><p>What happened, in order:</p><ol class=\"order-answer\" data-testid=\"order-answer\">");
        for it in answer.iter().filter_map(|&a| items.get(a)) {
            out.push_str("<li>");
            out.push_str(&narration_html(&it.label, true));
            out.push_str(&format!("<br><code>t = {}: ", super::clock::human(it.time_ms)));
            escape(&it.event, &mut out);
            out.push_str("</code></li>");
        }
        out.push_str("</ol>");
    } else if !checked.right && checked.choice.is_none() {
        out.push_str(" You answered ");
        escape(&checked.value, &mut out);
        out.push_str(".</p>");
    } else {
        out.push_str("</p>");
    }
    if let (Some(i), lesson::PosedKind::Choice { options }) = (checked.choice, &posed.kind) {
        if let Some(o) = options.get(i) {
            out.push_str(&narration_html(&o.why, false));
        }
    }
    if checked.right || checked.choice.is_none() {
        if let Some(e) = &posed.explain {
            out.push_str(&narration_html(e, false));
        }
    }
    out.push_str("</div>");
    out
}

/// An order quiz's items in the learner's order, as HTML: an ordered list, each item with
/// "Move up" and "Move down" buttons naming it (`data-move`, `data-pos`: its position), and
/// once checked a mark and words saying whether it is in its place.
pub fn order_html(posed: &Posed, q: &QuizState) -> String {
    let lesson::PosedKind::Order { items, answer } = &posed.kind else { return String::new() };
    let order = q.arranged(items.len());
    let mut out = String::from("<ol class=\"order\" data-testid=\"quiz-order\">");
    for (k, &i) in order.iter().enumerate() {
        let Some(it) = items.get(i) else { continue };
        out.push_str("<li>");
        if q.checked.is_some() {
            out.push_str(if answer.get(k) == Some(&i) {
                "<strong>\u{2713}<span class=\"visually-hidden\"> in place:</span></strong> "
            } else {
                "<strong>\u{2717}<span class=\"visually-hidden\"> out of place:</span></strong> "
            });
        }
        out.push_str(&narration_html(&it.label, true));
        let mut name = String::new();
        escape(&it.label.plain().split_whitespace().collect::<Vec<_>>().join(" "), &mut name);
        for (dir, off) in [("up", k == 0), ("down", k + 1 == order.len())] {
            out.push_str(&format!(
                " <button type=\"button\" data-move=\"{dir}\" data-pos=\"{k}\" aria-label=\"Move {dir}: {name}\"{}>Move {dir}</button>",
                if off { " disabled" } else { "" }
            ));
        }
        out.push_str("</li>");
    }
    out.push_str("</ol>");
    out
}

/// A challenge's goal conditions (or its `survive:` conditions) as HTML: each met or not, in
/// words and a mark, with what the simulation answers now.
pub fn goals_html(goals: &[GoalStatus], testid: &str) -> String {
    let mut out = String::from("<ul class=\"goals\" data-testid=\"");
    out.push_str(testid);
    out.push_str("\">");
    for g in goals {
        out.push_str(if g.met {
            "<li class=\"met\"><strong>\u{2713} Met: </strong><code>"
        } else {
            "<li class=\"unmet\"><strong>\u{2717} Not yet: </strong><code>"
        });
        escape(&g.text, &mut out);
        out.push_str("</code><span class=\"now\"> (now: ");
        escape(&g.now, &mut out);
        out.push_str(")</span></li>");
    }
    out.push_str("</ul>");
    out
}

/// The lesson page: loading its file, the player, or why there is none.
#[derive(Clone)]
pub enum Load {
    Loading,
    /// No such lesson (no file, or an id that cannot name one).
    Missing,
    /// The file could not be read or does not parse: `file:line: reason` lines.
    Failed(String),
    Ready(Box<LessonState>),
}

impl Load {
    /// The whole page when there is no lesson to play (`None` for a lesson), as HTML.
    pub fn page_html(&self, id: &str) -> Option<String> {
        let mut out = String::from("<main id=\"main\" class=\"page\">");
        match self {
            Load::Ready(_) => return None,
            Load::Loading => out.push_str("<p role=\"status\">Loading the lesson\u{2026}</p>"),
            Load::Missing => {
                out.push_str("<h1>Lesson not found</h1><p role=\"status\">There is no lesson called \u{201c}");
                escape(id, &mut out);
                out.push_str("\u{201d}.</p>");
            }
            Load::Failed(e) => {
                out.push_str(
                    "<h1>This lesson cannot be shown</h1><p>Its file has a mistake:</p><pre class=\"error\" role=\"alert\" data-testid=\"lesson-error\">",
                );
                escape(e, &mut out);
                out.push_str("</pre>");
            }
        }
        if !matches!(self, Load::Loading) {
            out.push_str("<p><a href=\"#/\">See the course</a></p>");
        }
        out.push_str("</main>");
        Some(out)
    }

    /// What the page shows once the fetch of `lessons/<id>.lesson` answered: its text, `None`
    /// for no such file, or a network error.
    pub fn fetched(id: &str, got: Result<Option<String>, String>) -> Load {
        match got {
            _ if !valid_id(id) => Load::Missing,
            Ok(None) => Load::Missing,
            Err(e) => Load::Failed(e),
            Ok(Some(text)) => match open(id, &text) {
                Ok(s) => Load::Ready(Box::new(s)),
                Err(e) => Load::Failed(e),
            },
        }
    }
}

/// The console lines a command is typed as: its own lines, then a producer's records.
fn console_lines(c: &Cmd) -> impl Iterator<Item = &str> {
    c.text.lines().chain(c.stdin.iter().map(String::as_str))
}

/// A page's moment: the session as it stands when the learner reaches it.
#[derive(Clone)]
pub struct Moment {
    pub player: Player,
    /// The console lines the page's commands printed (a step's; empty otherwise).
    pub printed: Vec<Printed>,
    /// On a compare step and the quizzes after it: its two sides.
    pub sides: Option<Rc<Compared>>,
}

/// A compare step's two sides: the lesson's session at `fork`, run on under each side's
/// commands and then the step's own.
pub struct Compared {
    pub fork: u64,
    pub left: (String, Rc<Player>),
    pub right: (String, Rc<Player>),
}

/// A step's commands typed into `player` as a script would: each ends before the next (a
/// console consumer still running once it has caught up is stopped with Ctrl-C).
fn type_commands(player: &mut Player, commands: &[Cmd]) {
    for c in commands {
        // A `tick` is time played on the tape, so the stage plays it rather than jumping.
        if c.stdin.is_empty() && player.tick_line(&c.text) {
            continue;
        }
        for l in console_lines(c) {
            player.line(l);
        }
        player.end_of_input();
        player.interrupt();
    }
}

/// A learner's answer, once checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Checked {
    /// The option picked (choice) or the value typed (predict).
    pub choice: Option<usize>,
    pub value: String,
    pub right: bool,
}

/// A quiz page's state.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct QuizState {
    pub variant: u64,
    pub input: String,
    pub selected: Option<usize>,
    pub checked: Option<Checked>,
    /// Why a click on the stage was not taken as an answer (it picked another kind of thing).
    pub note: Option<String>,
    /// The verdict of the first check in this visit, whatever came after: the score counts it.
    pub first: Option<bool>,
    /// An order quiz: the learner's order, as positions in the order shown (empty: as shown).
    pub order: Vec<usize>,
}

impl QuizState {
    /// The learner's order of an order quiz's `n` items: positions in the order shown.
    pub fn arranged(&self, n: usize) -> Vec<usize> {
        let mut sorted = self.order.clone();
        sorted.sort_unstable();
        if sorted.iter().copied().eq(0..n) {
            self.order.clone()
        } else {
            (0..n).collect()
        }
    }
}

/// A challenge page's state.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct ChallengeState {
    pub hints_shown: usize,
    pub solution_shown: bool,
    /// Once complete in this visit, complete for the learner's progress: starting the
    /// challenge again to try another design does not take it back.
    pub met: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LessonAction {
    Next,
    Back,
    /// The predict answer being typed.
    Input(String),
    /// A choice option picked (0-based).
    Select(usize),
    Check,
    /// A fresh variant of the quiz.
    TryAgain,
    Hint,
    ShowSolution,
    /// A console line typed on a challenge page, against the lesson's simulation (`reset`
    /// starts the challenge again).
    Line(String),
    /// Something clicked on the stage: the answer to a click quiz.
    Pick(Selection),
    /// Start the lesson over from its introduction: answers, hints and challenges cleared
    /// (the progress keeps each quiz's first answer and each challenge once met).
    Restart,
    /// An order quiz: the item at this position (0-based) moves one place up, or down.
    MoveUp(usize),
    MoveDown(usize),
}

#[derive(Clone)]
pub struct LessonState {
    pub lesson: Rc<Lesson>,
    /// Page 0 is the introduction; page `i + 1` is item `i`.
    pub page: usize,
    /// Each page's moment: index 0 the cluster as it starts.
    moments: Vec<Moment>,
    /// The session shown now: the page's moment, plus what the learner typed on a challenge.
    pub player: Player,
    /// Console lines the learner's own commands printed on this page (and, on a challenge,
    /// the lesson's `then:` commands).
    pub typed: Vec<Printed>,
    /// Whether the challenge's `then:` commands ran in this attempt (once every goal held).
    pub then_ran: bool,
    quizzes: Vec<QuizState>,
    challenges: Vec<ChallengeState>,
    /// Bumped whenever the session shown changes (a page turned, a command typed): the stage
    /// then shows the new moment.
    pub stage_revision: u64,
    /// The step of the shown session's tape the stage plays from: the moment before, when
    /// the learner came forward a page or typed a command; `None` shows the moment as it is.
    played_from: Option<u64>,
    /// The furthest page reached in this visit.
    reached: usize,
}

impl LessonState {
    /// Starts the lesson's cluster and plays every step's commands once, keeping each page's
    /// moment (Back restores it; the session shares unchanged state, so this is cheap).
    pub fn new(lesson: Lesson) -> Result<LessonState, lesson::LessonError> {
        let mut text = String::new();
        for c in &lesson.cluster.setup {
            for l in console_lines(c) {
                text.push_str(l);
                text.push('\n');
            }
            if !c.stdin.is_empty() {
                text.push_str(".\n");
            }
        }
        let script = Script::new(&lesson.title, lesson.cluster.brokers, &text).map_err(|m| lesson::LessonError::new(&lesson.file, lesson.cluster.line, m))?;
        let mut player = Player::new(script, lesson.cluster.seed).map_err(|m| lesson::LessonError::new(&lesson.file, lesson.cluster.line, m))?;
        player.take_printed();
        // Only the start is played now: each later page's moment is played when the learner
        // first reaches it (`reach`), so a lesson opens in the time of its first page.
        let moments = vec![Moment { player: player.clone(), printed: Vec::new(), sides: None }];
        let n = lesson.items.len();
        Ok(LessonState {
            player: moments[0].player.clone(),
            lesson: Rc::new(lesson),
            page: 0,
            moments,
            typed: Vec::new(),
            then_ran: false,
            quizzes: vec![QuizState::default(); n],
            challenges: vec![ChallengeState::default(); n],
            stage_revision: 0,
            played_from: None,
            reached: 0,
        })
    }

    /// The title and the progress ("Step 3 of 9" and a bar), as HTML.
    pub fn header_html(&self) -> String {
        let (page, pages) = self.progress();
        let mut out = String::from("<h1>");
        escape(&self.lesson.title, &mut out);
        out.push_str(&format!(
            "</h1><div class=\"lesson-progress\"><span id=\"lesson-progress-label\" data-testid=\"progress\">Step {page} of {pages}</span><progress max=\"{pages}\" value=\"{page}\" aria-labelledby=\"lesson-progress-label\"></progress></div>"
        ));
        out
    }

    /// A text rendered at this moment, as HTML: its narration, or its error (file, line and
    /// reason) in one paragraph.
    pub fn rendered_html(&self, r: Result<Narration, LessonError>) -> String {
        match r {
            Ok(n) => narration_html(&n, false),
            Err(e) => super::html::error(&self.lesson.locate(e).to_string()),
        }
    }

    /// The page's heading ("Step: ...") and its text, as HTML: the introduction's objectives
    /// and text, a step's or a challenge's narration, nothing more for a quiz (its question
    /// is in the form).
    pub fn text_html(&self) -> String {
        let sim = &self.player.shell().sim;
        let none = Bindings::default();
        let (kind, title, body) = match self.item() {
            None => {
                let intro = self.lesson.intro.as_ref().map(|t| self.rendered_html(t.render(sim, &none))).unwrap_or_default();
                ("Introduction", self.lesson.title.as_str(), self.objectives_html() + &intro)
            }
            Some(Item::Step(st)) => ("Step", st.title.as_str(), self.rendered_html(st.text.render(self.at(), &none))),
            Some(Item::Quiz(_)) => ("Quiz", "Check yourself", String::new()),
            Some(Item::Challenge(c)) => ("Challenge", c.title.as_str(), self.rendered_html(c.text.render(sim, &none))),
        };
        let mut out = format!("<h2><span class=\"item-kind\">{kind}: </span>");
        escape(title, &mut out);
        out.push_str("</h2>");
        out.push_str(&body);
        out
    }

    /// What this page's commands printed, under the stage (nothing when they printed nothing).
    pub fn stage_html(&self) -> String {
        // A quiz's `then:` commands print on its page once answered.
        let printed = if matches!(self.item(), Some(Item::Quiz(_))) { &self.typed[..] } else { self.printed() };
        if printed.is_empty() {
            return String::new();
        }
        let mut out = String::from("<h3>What the commands printed</h3>");
        out.push_str(&console_html(printed, "lesson-console"));
        out
    }

    /// The hints of challenge `c` shown so far, under their heading, as an ordered list.
    pub fn hints_html(&self, c: &Challenge) -> String {
        let mut out = String::from("<h3>Hints</h3><ol class=\"hints\">");
        for h in c.hints.iter().take(self.challenge().hints_shown) {
            out.push_str("<li>");
            out.push_str(&self.rendered_html(h.render(&self.player.shell().sim, &Bindings::default())));
            out.push_str("</li>");
        }
        out.push_str("</ol>");
        out
    }

    /// The introduction's list of objectives, as HTML.
    pub fn objectives_html(&self) -> String {
        let mut out = String::from("<h3>You will learn to</h3><ul>");
        for o in &self.lesson.objectives {
            out.push_str("<li>");
            escape(o, &mut out);
            out.push_str("</li>");
        }
        out.push_str("</ul>");
        out
    }

    pub fn pages(&self) -> usize {
        self.lesson.items.len() + 1
    }

    /// "Step 3 of 9": 1-based.
    pub fn progress(&self) -> (usize, usize) {
        (self.page + 1, self.pages())
    }

    pub fn item(&self) -> Option<&Item> {
        self.page.checked_sub(1).and_then(|i| self.lesson.items.get(i))
    }

    pub fn can_back(&self) -> bool {
        self.page > 0
    }

    pub fn can_next(&self) -> bool {
        self.page + 1 < self.pages()
    }

    /// The console lines of this page's commands.
    pub fn printed(&self) -> &[Printed] {
        &self.moments[self.page].printed
    }

    pub fn quiz(&self) -> &QuizState {
        &self.quizzes[self.page.saturating_sub(1).min(self.quizzes.len().saturating_sub(1))]
    }

    pub fn challenge(&self) -> &ChallengeState {
        &self.challenges[self.page.saturating_sub(1).min(self.challenges.len().saturating_sub(1))]
    }

    /// The current quiz asked of the simulation at this moment, or why it cannot be.
    /// Where this page's queries are asked: its moment, with a compare step's two sides.
    fn at(&self) -> At<'_> {
        let m = &self.moments[self.page];
        At { sim: &m.player.shell().sim, sides: m.sides.as_deref().map(|c| (&c.left.1.shell().sim, &c.right.1.shell().sim)) }
    }

    /// On a compare step and the quizzes after it, its two sides for two stages, each headed
    /// by what differs: played from where they part when the learner comes forward to the step.
    pub fn compared(&self) -> Option<[(String, Shown); 2]> {
        let c = self.moments[self.page].sides.as_deref()?;
        let from = (matches!(self.item(), Some(Item::Step(_))) && self.played_from.is_some()).then_some(c.fork);
        let shown = |(label, p): &(String, Rc<Player>)| (label.clone(), Shown { player: p.clone(), from, highlight: self.highlight() });
        Some([shown(&c.left), shown(&c.right)])
    }

    pub fn posed(&self) -> Option<Result<Posed, String>> {
        match self.item()? {
            Item::Quiz(q) => Some(q.pose(self.at(), self.quiz().variant).map_err(|e| self.lesson.locate(e).to_string())),
            _ => None,
        }
    }

    /// The current challenge's goal conditions, against the learner's simulation.
    pub fn goals(&self) -> Option<Result<Vec<GoalStatus>, String>> {
        match self.item()? {
            Item::Challenge(c) => Some(c.goal(&self.player.shell().sim).map_err(|e| self.lesson.locate(e).to_string())),
            _ => None,
        }
    }

    /// The current challenge's `survive:` conditions against the learner's simulation, once
    /// its `then:` commands ran.
    pub fn survive(&self) -> Option<Result<Vec<GoalStatus>, String>> {
        match self.item()? {
            Item::Challenge(c) if self.then_ran => Some(c.survive(&self.player.shell().sim).map_err(|e| self.lesson.locate(e).to_string())),
            _ => None,
        }
    }

    /// After the `then:` commands: the `survive:` conditions under their heading, as HTML
    /// (empty before).
    pub fn survive_html(&self) -> String {
        match self.survive() {
            Some(Ok(s)) => format!("<h3>Must still hold</h3>{}", goals_html(&s, "survive")),
            Some(Err(e)) => super::html::error(&e),
            None => String::new(),
        }
    }

    /// Whether the current challenge is complete: every goal holds, and once the lesson's
    /// `then:` commands ran, everything that must still hold does.
    pub fn complete(&self) -> bool {
        let Some(Item::Challenge(c)) = self.item() else { return false };
        match self.survive() {
            None => c.then.is_empty() && matches!(c.is_met(&self.player.shell().sim), Ok(true)),
            Some(s) => s.is_ok_and(|s| s.iter().all(|s| s.met)),
        }
    }

    /// The challenge's state in one sentence, in words and a mark: complete, not survived (and
    /// what went wrong), or nothing yet.
    pub fn verdict(&self) -> String {
        let Some(Item::Challenge(c)) = self.item() else { return String::new() };
        if self.complete() {
            return if c.then.is_empty() {
                "\u{2713} Challenge complete: every goal is met."
            } else {
                "\u{2713} Challenge complete: every goal was met, and after the lesson's commands everything that must still hold does."
            }
            .into();
        }
        match self.survive() {
            None => String::new(),
            Some(Ok(s)) => {
                let mut out = String::from("\u{2717} Not survived:");
                for s in s.iter().filter(|s| !s.met) {
                    out.push(' ');
                    out.push_str(&s.why);
                    out.push('.');
                }
                out + " Type reset to start the challenge again."
            }
            Some(Err(e)) => e,
        }
    }

    /// Once every goal of a challenge holds, its `then:` commands run on the learner's cluster,
    /// typed into the console as the learner's are, under a line that says they are the
    /// lesson's; once per attempt, and not while the learner is typing a producer's records.
    fn run_then(&mut self) {
        let lesson = self.lesson.clone();
        let Some(Item::Challenge(c)) = self.page.checked_sub(1).and_then(|i| lesson.items.get(i)) else { return };
        if c.then.is_empty() || self.then_ran || self.player.producer_open() || !matches!(c.is_met(&self.player.shell().sim), Ok(true)) {
            return;
        }
        self.then_ran = true;
        self.typed.push(Printed { kind: LineKind::Output, text: "# Every goal holds. The lesson now runs these commands itself:".into() });
        for cmd in &c.then {
            match lesson::fill_command(cmd, &self.player.shell().sim) {
                Ok(cmd) if cmd.stdin.is_empty() && self.player.tick_line(&cmd.text) => {}
                Ok(cmd) => {
                    for l in console_lines(&cmd) {
                        self.player.line(l);
                    }
                    self.player.end_of_input();
                }
                Err(e) => self.typed.push(Printed { kind: LineKind::Error, text: lesson.locate(e).to_string() }),
            }
            self.typed.extend(self.player.take_printed());
        }
    }

    /// What the learner's progress keeps of this visit (`app::progress`, which folds it into what
    /// was kept before): the furthest page, each quiz's first verdict, each challenge met.
    pub fn record(&self) -> LessonProgress {
        let mut out = LessonProgress { id: self.lesson.id.clone(), reached: self.reached + 1, pages: self.pages(), ..LessonProgress::default() };
        for (i, item) in self.lesson.items.iter().enumerate() {
            match item {
                Item::Quiz(q) => out.quizzes.push((q.id.clone(), self.quizzes[i].first)),
                Item::Challenge(c) => out.challenges.push((c.id.clone(), self.challenges[i].met)),
                Item::Step(_) => {}
            }
        }
        out
    }

    /// A quiz once answered: its `then:` commands run on from the quiz's moment (once per
    /// variant), and the stage plays them, showing why the answer is what it is.
    fn reveal(&mut self) {
        let lesson = self.lesson.clone();
        let Some(Item::Quiz(q)) = self.page.checked_sub(1).and_then(|i| lesson.items.get(i)) else { return };
        if q.then.is_empty() || self.then_ran || self.quiz().checked.is_none() {
            return;
        }
        self.then_ran = true;
        match q.then_commands(&self.player.shell().sim, self.quiz().variant) {
            Ok(cmds) => {
                self.played_from = Some(self.player.elapsed());
                self.typed.push(Printed { kind: LineKind::Output, text: "# Now the lesson runs it, so you can watch:".into() });
                type_commands(&mut self.player, &cmds);
                self.typed.extend(self.player.take_printed());
                self.stage_revision += 1;
            }
            Err(e) => self.typed.push(Printed { kind: LineKind::Error, text: lesson.locate(e).to_string() }),
        }
    }

    /// Plays the lesson on from its last moment kept until page `page` has its moment.
    fn reach(&mut self, page: usize) {
        while self.moments.len() <= page.min(self.lesson.items.len()) {
            let last = self.moments.last().expect("the start's moment");
            let item = &self.lesson.items[self.moments.len() - 1];
            let mut player = last.player.clone();
            // A compare step's sides stay in view for the quizzes right after it.
            let mut sides = last.sides.clone().filter(|_| matches!(item, Item::Quiz(_)));
            match item {
                Item::Step(s) if s.sides.is_some() => {
                    let two = s.sides.as_ref().expect("a compare step");
                    let fork = player.elapsed();
                    let run = |def: &lesson::Side| {
                        let mut side = player.clone();
                        type_commands(&mut side, &def.commands);
                        type_commands(&mut side, &s.commands);
                        side.take_printed();
                        (def.label.clone(), Rc::new(side))
                    };
                    let (left, right) = (run(&two.left), run(&two.right));
                    sides = Some(Rc::new(Compared { fork, left, right }));
                }
                Item::Step(s) => type_commands(&mut player, &s.commands),
                _ => {}
            }
            self.moments.push(Moment { printed: player.take_printed(), player, sides });
        }
    }

    fn go(&mut self, page: usize) {
        self.reach(page);
        // Coming forward, the stage plays what this page's commands did; going back (or
        // starting a challenge again), it shows the earlier moment as it was.
        // From the page's own moment: a reveal or a challenge's commands moved the shown
        // session onto a tape of its own.
        self.played_from = (page == self.page + 1).then(|| self.moments[self.page].player.elapsed());
        self.page = page;
        self.reached = self.reached.max(page);
        self.player = self.moments[page].player.clone();
        self.typed.clear();
        self.then_ran = false;
        self.stage_revision += 1;
        // Back on a quiz answered before: its answer shows, and so does what it revealed.
        self.reveal();
    }

    /// What the stage shows now: this moment, played from the one before when the learner
    /// came forward, pointing at the step's first highlight.
    pub fn shown(&self) -> Shown {
        Shown { player: Rc::new(self.player.clone()), from: self.played_from, highlight: self.highlight() }
    }

    /// The step's first `highlight:` as the stage's selection (a topic points at its first
    /// partition), kept on the quiz and challenge pages that follow the step.
    fn highlight(&self) -> Option<Selection> {
        let h = self.lesson.items[..self.page].iter().rev().find_map(|i| match i {
            Item::Step(s) => Some(s.highlights.first()),
            _ => None,
        })??;
        Some(match h.kind {
            HighlightKind::Topic => Selection::Partition(TopicPartition::new(&h.target, 0)),
            HighlightKind::Partition => Selection::Partition(lesson::query::parse_partition(&h.target).ok()?),
            HighlightKind::Broker => Selection::Broker(h.target.parse().ok()?),
            HighlightKind::Group => Selection::Group(h.target.clone()),
            HighlightKind::Client => Selection::Client(self.player.shell().sim.client_id(&h.target)?),
        })
    }

    pub fn reduce(mut self, action: LessonAction) -> LessonState {
        let i = self.page.saturating_sub(1);
        match action {
            LessonAction::Next if self.can_next() => self.go(self.page + 1),
            LessonAction::Back if self.can_back() => self.go(self.page - 1),
            LessonAction::Input(v) if self.page > 0 => {
                let q = &mut self.quizzes[i];
                q.input = v;
                q.checked = None;
                q.note = None;
            }
            LessonAction::Pick(sel) => {
                let Some(Ok(posed)) = self.posed() else { return self };
                let lesson::PosedKind::Predict { on_stage: Some(asked), .. } = posed.kind else { return self };
                let sim = &self.player.shell().sim;
                let (kind, value) = match sel {
                    Selection::Broker(b) => (HighlightKind::Broker, b.to_string()),
                    Selection::Partition(tp) => (HighlightKind::Partition, tp.to_string()),
                    Selection::Group(g) => (HighlightKind::Group, g),
                    Selection::Client(c) => (HighlightKind::Client, sim.client(c).map(|c| c.name().to_string()).unwrap_or_default()),
                };
                let q = &mut self.quizzes[i];
                if kind == asked {
                    let right = posed.is_right_value(&value);
                    q.first = q.first.or(Some(right));
                    q.checked = Some(Checked { choice: None, right, value: value.clone() });
                    q.input = value;
                    q.note = None;
                    self.reveal();
                } else {
                    q.note = Some(format!("That is a {}: this question asks you to click a {}.", kind.word(), asked.word()));
                }
            }
            LessonAction::Select(o) if self.page > 0 => {
                let q = &mut self.quizzes[i];
                q.selected = Some(o);
                q.checked = None;
            }
            LessonAction::Check => {
                if let Some(Ok(posed)) = self.posed() {
                    let q = &mut self.quizzes[i];
                    let checked = match posed.kind {
                        lesson::PosedKind::Predict { .. } if !q.input.trim().is_empty() => {
                            Some(Checked { choice: None, value: q.input.clone(), right: posed.is_right_value(&q.input) })
                        }
                        lesson::PosedKind::Choice { .. } => {
                            q.selected.map(|o| Checked { choice: Some(o), value: String::new(), right: posed.is_right_option(o) })
                        }
                        lesson::PosedKind::Order { ref items, .. } => {
                            Some(Checked { choice: None, value: String::new(), right: posed.is_right_order(&q.arranged(items.len())) })
                        }
                        _ => None,
                    };
                    if q.first.is_none() {
                        q.first = checked.as_ref().map(|c| c.right);
                    }
                    q.checked = checked;
                    self.reveal();
                }
            }
            LessonAction::MoveUp(at) | LessonAction::MoveDown(at) => {
                let Some(Ok(lesson::PosedKind::Order { items, .. })) = self.posed().map(|p| p.map(|p| p.kind)) else { return self };
                let q = &mut self.quizzes[i];
                let mut order = q.arranged(items.len());
                let to = if matches!(action, LessonAction::MoveUp(_)) { at.wrapping_sub(1) } else { at + 1 };
                if at < order.len() && to < order.len() {
                    order.swap(at, to);
                    q.order = order;
                    q.checked = None;
                }
            }
            LessonAction::TryAgain if matches!(self.item(), Some(Item::Quiz(_))) => {
                let q = &mut self.quizzes[i];
                *q = QuizState { variant: q.variant + 1, first: q.first, ..QuizState::default() };
                if self.then_ran {
                    // A fresh question starts from the quiz's moment again, not from the reveal.
                    self.go(self.page);
                }
            }
            LessonAction::Hint => {
                if let Some(Item::Challenge(c)) = self.item() {
                    let n = c.hints.len();
                    let s = &mut self.challenges[i];
                    s.hints_shown = (s.hints_shown + 1).min(n);
                }
            }
            LessonAction::ShowSolution if matches!(self.item(), Some(Item::Challenge(_))) => self.challenges[i].solution_shown = true,
            LessonAction::Restart => {
                for q in &mut self.quizzes {
                    *q = QuizState { first: q.first, ..QuizState::default() };
                }
                for c in &mut self.challenges {
                    *c = ChallengeState { met: c.met, ..ChallengeState::default() };
                }
                self.go(0);
            }
            // A challenge's cluster is the lesson's: `reset` (the console's verb for a fresh
            // cluster) starts the challenge again from its own start instead.
            LessonAction::Line(l)
                if matches!(self.item(), Some(Item::Challenge(_)))
                    && l.split_whitespace().next() == Some("reset")
                    && self.player.prompt() == Prompt::Command =>
            {
                self.go(self.page);
                self.typed.push(Printed { kind: LineKind::Output, text: "# The challenge starts again from its beginning.".into() });
            }
            LessonAction::Line(l) if matches!(self.item(), Some(Item::Challenge(_))) => {
                self.played_from = Some(self.player.elapsed());
                self.stage_revision += 1;
                if !self.player.tick_line(&l) {
                    self.player.line(&l);
                }
                self.typed.extend(self.player.take_printed());
                self.run_then();
                if self.complete() {
                    self.challenges[i].met = true;
                }
            }
            _ => {}
        }
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lesson::PosedKind;

    fn lesson02() -> LessonState {
        open("02-keys-choose-partitions", include_str!("../../lessons/02-keys-choose-partitions.lesson")).expect("opens")
    }

    fn first_page(s: &mut LessonState, f: impl Fn(&Item) -> bool) {
        while !s.item().is_some_and(&f) {
            assert!(s.can_next(), "no such page");
            *s = s.clone().reduce(LessonAction::Next);
        }
    }

    #[test]
    fn the_index_parses_and_ids_are_checked() {
        assert_eq!(parse_index("# course\na\tA\n\nb-2\tB two\n"), Ok(vec![("a".into(), "A".into()), ("b-2".into(), "B two".into())]));
        assert_eq!(parse_index("a A"), Err("lessons/index.txt:1: expected `id<TAB>title`".into()));
        assert!(listed("a\tA\nb\tB\n", "b") && !listed("a\tA\n", "b") && !listed("bad", "bad"));
        assert!(valid_id("02-keys") && !valid_id("../x") && !valid_id(""));
    }

    #[test]
    fn pages_go_forward_and_back_to_the_same_moment() {
        let mut s = lesson02();
        assert_eq!((s.progress(), s.can_back(), s.item().is_none()), ((1, s.lesson.items.len() + 1), false, true));
        let n = s.pages();
        assert!(s.header_html().contains(&format!("Step 1 of {n}</span><progress max=\"{n}\" value=\"1\"")));
        assert!(s.objectives_html().starts_with("<h3>You will learn to</h3><ul><li>Say which partition"));
        assert!(s.text_html().starts_with(&format!("<h2><span class=\"item-kind\">Introduction: </span>{}</h2><h3>You will learn to</h3>", s.lesson.title)));
        assert_eq!(s.stage_html(), "", "the introduction ran no commands");
        let step = s.clone().reduce(LessonAction::Next);
        assert!(step.stage_html().starts_with("<h3>What the commands printed</h3><pre class=\"lesson-console\""), "{}", step.stage_html());
        let start = s.player.shell().sim.trace_hash();
        s = s.reduce(LessonAction::Next);
        assert!(matches!(s.item(), Some(Item::Step(_))));
        assert!(s.printed().iter().any(|p| p.text.contains("user-1")), "the consumer's output is shown");
        assert!(s.text_html().starts_with("<h2><span class=\"item-kind\">Step: </span>") && s.text_html().contains("<div class=\"narration-text\">"));
        assert!(s.stage_html().contains("data-testid=\"lesson-console\"") && s.stage_html().contains("user-1"));
        let after = s.player.shell().sim.trace_hash();
        assert_ne!(after, start);
        s = s.reduce(LessonAction::Back);
        assert_eq!((s.page, s.player.shell().sim.trace_hash()), (0, start));
        s = s.reduce(LessonAction::Back);
        assert_eq!(s.page, 0);
        s = s.reduce(LessonAction::Next);
        assert_eq!(s.player.shell().sim.trace_hash(), after);
        for _ in 0..100 {
            s = s.reduce(LessonAction::Next);
        }
        assert_eq!(s.progress().0, s.pages());
    }

    #[test]
    fn a_choice_quiz_is_graded_by_the_engine_and_explained() {
        let mut s = lesson02();
        first_page(&mut s, |i| matches!(i, Item::Quiz(q) if matches!(q.kind, lesson::QuizKind::Choice { .. })));
        let posed = s.posed().expect("a quiz").expect("poses");
        let PosedKind::Choice { options } = &posed.kind else { panic!("a choice") };
        let right = options.iter().position(|o| o.correct).expect("one is right");
        let wrong = (right + 1) % options.len();
        s = s.reduce(LessonAction::Check);
        assert_eq!(s.quiz().checked, None, "nothing picked yet");
        s = s.reduce(LessonAction::Select(wrong)).reduce(LessonAction::Check);
        assert_eq!(s.quiz().checked.as_ref().map(|c| (c.choice, c.right)), Some((Some(wrong), false)));
        let wrong_html = result_html(s.quiz(), &posed);
        assert!(wrong_html.contains("\u{2717} Not right.") && wrong_html.contains(&narration_html(&options[wrong].why, false)), "{wrong_html}");
        s = s.reduce(LessonAction::Select(right));
        assert_eq!(s.quiz().checked, None, "a new pick is not checked yet");
        s = s.reduce(LessonAction::Check);
        assert_eq!(s.quiz().checked.as_ref().map(|c| c.right), Some(true));
        // The answer stays with its page.
        s = s.reduce(LessonAction::Next).reduce(LessonAction::Back);
        assert_eq!(s.quiz().checked.as_ref().map(|c| c.right), Some(true));
        s = s.reduce(LessonAction::TryAgain);
        assert_eq!((s.quiz().variant, s.quiz().checked.clone()), (1, None));
    }

    #[test]
    fn a_predict_quiz_takes_the_engines_value() {
        let mut s = lesson02();
        first_page(&mut s, |i| matches!(i, Item::Quiz(q) if matches!(q.kind, lesson::QuizKind::Predict { .. })));
        let posed = s.posed().expect("a quiz").expect("poses");
        let PosedKind::Predict { answer, .. } = &posed.kind else { panic!("a predict") };
        let answer = answer.to_string();
        s = s.reduce(LessonAction::Input("nonsense".into())).reduce(LessonAction::Check);
        assert_eq!(s.quiz().checked.as_ref().map(|c| c.right), Some(false));
        let html = result_html(s.quiz(), &posed);
        assert!(
            html.contains("Not right.</strong> You answered nonsense.") && html.contains(&narration_html(posed.explain.as_ref().unwrap(), false)),
            "{html}"
        );
        s = s.reduce(LessonAction::Input(answer)).reduce(LessonAction::Check);
        assert_eq!(s.quiz().checked.as_ref().map(|c| c.right), Some(true));
        assert!(posed.explain.is_some());
    }

    #[test]
    fn a_click_quiz_takes_what_is_clicked_on_the_stage() {
        let mut s = open("08-broker-failure", include_str!("../../lessons/08-broker-failure.lesson")).expect("opens");
        first_page(&mut s, |i| matches!(i, Item::Quiz(q) if q.id == "new-leader"));
        let posed = s.posed().expect("a quiz").expect("poses");
        let PosedKind::Predict { answer, on_stage: Some(HighlightKind::Broker) } = &posed.kind else { panic!("a click quiz on a broker") };
        let leader: i32 = answer.to_string().parse().expect("a broker id");
        let wrong = [1, 2, 3].into_iter().find(|b| *b != leader).unwrap();
        // Another kind of thing is not an answer: the learner is told what to click.
        let tp = TopicPartition::new("payments", 0);
        s = s.reduce(LessonAction::Pick(Selection::Partition(tp)));
        assert_eq!(s.quiz().checked, None);
        assert_eq!(s.quiz().note.as_deref(), Some("That is a partition: this question asks you to click a broker."));
        s = s.reduce(LessonAction::Pick(Selection::Broker(wrong)));
        assert_eq!(s.quiz().checked.as_ref().map(|c| (c.right, c.value.clone())), Some((false, wrong.to_string())));
        assert_eq!(s.quiz().note, None);
        s = s.reduce(LessonAction::Pick(Selection::Broker(leader)));
        assert_eq!(s.quiz().checked.as_ref().map(|c| c.right), Some(true));
        assert_eq!(s.quiz().input, leader.to_string(), "the click fills the typed answer too");
    }

    #[test]
    fn an_order_quiz_is_arranged_with_move_buttons_and_graded_by_the_trace() {
        let mut s = open("08-broker-failure", include_str!("../../lessons/08-broker-failure.lesson")).expect("opens");
        first_page(&mut s, |i| matches!(i, Item::Quiz(q) if matches!(q.kind, lesson::QuizKind::Order { .. })));
        let posed = s.posed().expect("a quiz").expect("poses");
        let PosedKind::Order { items, answer } = &posed.kind else { panic!("an order quiz") };
        let n = items.len();
        assert!(n >= 2 && *answer != (0..n).collect::<Vec<_>>(), "never shown in the right order: {answer:?}");
        assert_eq!(s.quiz().arranged(n), (0..n).collect::<Vec<_>>(), "as shown until the learner moves something");
        // The list: each item with its buttons, named; the first cannot go up, the last down.
        let html = order_html(&posed, s.quiz());
        assert!(html.starts_with("<ol class=\"order\" data-testid=\"quiz-order\"><li><span>"), "{html}");
        let first = items[0].label.plain().trim_end().to_string();
        assert!(
            html.contains(&format!("<button type=\"button\" data-move=\"up\" data-pos=\"0\" aria-label=\"Move up: {first}\" disabled>Move up</button>")),
            "{html}"
        );
        assert!(
            html.contains(&format!("data-move=\"down\" data-pos=\"{}\" aria-label=\"Move down: ", n - 1))
                && html.ends_with(" disabled>Move down</button></li></ol>"),
            "{html}"
        );
        assert_eq!(html.matches("<button").count(), 2 * n);
        // Checked as shown: wrong, with the positions that are wrong and the simulation's order.
        s = s.reduce(LessonAction::Check);
        assert_eq!(s.quiz().checked.as_ref().map(|c| c.right), Some(false));
        let wrong: Vec<String> = (0..n).filter(|&k| answer[k] != k).map(|k| (k + 1).to_string()).collect();
        let result = result_html(s.quiz(), &posed);
        let (last, rest) = wrong.split_last().unwrap();
        assert!(
            result.contains(&format!("\u{2717} Not right.</strong> Positions {} and {last} are not where the simulation has them.</p>", rest.join(", "))),
            "{result}"
        );
        assert!(result.contains("<p>What happened, in order:</p><ol class=\"order-answer\" data-testid=\"order-answer\"><li>"), "{result}");
        let killed = result.find("broker 1 killed (hard)").expect("the kill, with its event line");
        let fenced = result.find("controller fenced broker 1").expect("the fencing");
        let elected = result.find("payments-0: clean election, leader ").expect("the election");
        assert!(killed < fenced && fenced < elected, "in the order they happened: {result}");
        for it in items {
            assert!(result.contains(&format!("<br><code>t = {}: ", crate::app::clock::human(it.time_ms))), "each with its time: {result}");
        }
        assert!(result.contains(&narration_html(posed.explain.as_ref().unwrap(), false)), "{result}");
        let marked = order_html(&posed, s.quiz());
        assert_eq!(marked.matches("\u{2717}<span class=\"visually-hidden\"> out of place:</span>").count(), wrong.len(), "{marked}");
        // Moves past either end do nothing; a move forgets the verdict.
        let before = s.quiz().clone();
        s = s.reduce(LessonAction::MoveUp(0)).reduce(LessonAction::MoveDown(n - 1)).reduce(LessonAction::MoveDown(n + 5));
        assert_eq!(*s.quiz(), before);
        s = s.reduce(LessonAction::MoveDown(0));
        let mut swapped: Vec<usize> = (0..n).collect();
        swapped.swap(0, 1);
        assert_eq!((s.quiz().arranged(n), s.quiz().checked.clone()), (swapped, None));
        // Arranged as the trace says, it is right.
        for (k, want) in answer.iter().enumerate() {
            let mut at = s.quiz().arranged(n).iter().position(|i| i == want).unwrap();
            while at > k {
                s = s.reduce(LessonAction::MoveUp(at));
                at -= 1;
            }
        }
        assert_eq!(s.quiz().arranged(n), *answer);
        s = s.reduce(LessonAction::Check);
        assert_eq!(s.quiz().checked.as_ref().map(|c| c.right), Some(true));
        let result = result_html(s.quiz(), &posed);
        assert!(
            result.starts_with(
                "<div class=\"quiz-result right\" data-testid=\"quiz-result\" data-right=\"true\"><p><strong>\u{2713} Right.</strong></p><p>What happened"
            ),
            "{result}"
        );
        assert_eq!(order_html(&posed, s.quiz()).matches("\u{2713}<span class=\"visually-hidden\"> in place:</span>").count(), n);
        // Another variant: shown afresh, in another order, never the right one.
        s = s.reduce(LessonAction::TryAgain);
        assert!(s.quiz().order.is_empty() && s.quiz().checked.is_none());
        let again = s.posed().unwrap().unwrap();
        let PosedKind::Order { answer: again, .. } = &again.kind else { panic!() };
        assert!(*again != (0..n).collect::<Vec<_>>());
        assert_eq!(result_html(&QuizState::default(), &posed), "", "nothing before a check");
    }

    #[test]
    fn a_click_quiz_on_a_client_takes_its_name() {
        let mut s = open("05-consumer-groups", include_str!("../../lessons/05-consumer-groups.lesson")).expect("opens");
        first_page(&mut s, |i| matches!(i, Item::Quiz(q) if q.id == "who-owns"));
        let posed = s.posed().expect("a quiz").expect("poses");
        let PosedKind::Predict { answer, on_stage: Some(HighlightKind::Client) } = &posed.kind else { panic!("a click quiz on a client") };
        let sim = &s.player.shell().sim;
        let owner = sim.client_id(&answer.to_string()).expect("the owner is a client");
        s = s.reduce(LessonAction::Pick(Selection::Client(owner)));
        assert_eq!(s.quiz().checked.as_ref().map(|c| c.right), Some(true));
    }

    #[test]
    fn a_predict_quiz_ignores_the_stage() {
        let mut s = lesson02();
        first_page(&mut s, |i| matches!(i, Item::Quiz(q) if matches!(q.kind, lesson::QuizKind::Predict { on_stage: None, .. })));
        s = s.reduce(LessonAction::Pick(Selection::Broker(1)));
        assert_eq!((s.quiz().checked.clone(), s.quiz().note.clone()), (None, None));
    }

    #[test]
    fn the_stage_plays_each_page_forward_and_shows_going_back_as_it_was() {
        let mut s = open("07-replication-and-the-isr", include_str!("../../lessons/07-replication-and-the-isr.lesson")).expect("opens");
        let r0 = s.stage_revision;
        s = s.reduce(LessonAction::Next);
        let first = s.shown();
        assert_eq!((s.stage_revision, first.from), (r0 + 1, Some(s.moments[0].player.elapsed())));
        assert_eq!(first.highlight, Some(Selection::Partition(TopicPartition::new("orders", 0))), "the step's `highlight:`");
        s = s.reduce(LessonAction::Next);
        let shown = s.shown();
        let from = shown.from.expect("coming forward plays");
        assert!(from < shown.player.elapsed(), "the step's records take steps to arrive");
        // The stage plays from the page before to this moment, and stops there.
        let mut stage = crate::app::state::SandboxState::lesson_stage(shown.clone());
        assert!(stage.playing && stage.player.elapsed() == from);
        // It plays, frame by frame: a millisecond on is not the end of the step.
        let start = stage.player.shell().sim.now();
        stage = stage.reduce(crate::app::state::Action::AdvanceTo(start + 1));
        assert!(stage.playing && stage.player.shell().sim.now() < shown.player.shell().sim.now(), "a frame does not jump to the moment");
        let far = stage.player.shell().sim.now() + 3_600_000;
        for _ in 0..10_000 {
            if !stage.playing {
                break;
            }
            stage = stage.reduce(crate::app::state::Action::AdvanceTo(far));
        }
        assert!(!stage.playing, "stops at the moment");
        assert_eq!(stage.player.shell().sim.trace_hash(), shown.player.shell().sim.trace_hash(), "exactly the lesson's moment, not past it");
        assert_eq!(stage.view.now_ms, shown.player.shell().sim.now());
        s = s.reduce(LessonAction::Back);
        assert_eq!(s.shown().from, None, "going back shows the moment as it was");
    }

    #[test]
    fn a_compare_step_shows_two_sides_of_one_moment_and_its_quiz_asks_both() {
        let mut s = open("08-broker-failure", include_str!("../../lessons/08-broker-failure.lesson")).expect("opens");
        first_page(&mut s, |i| matches!(i, Item::Step(st) if st.sides.is_some()));
        let before = s.moments[s.page - 1].player.shell().sim.trace_hash();
        assert_eq!(s.player.shell().sim.trace_hash(), before, "the lesson's own moment goes on unchanged");
        let [(l, left), (r, right)] = s.compared().expect("two sides");
        assert_eq!((l.as_str(), r.as_str()), ("acks=1", "acks=all"));
        let fork = s.moments[s.page - 1].player.elapsed();
        assert_eq!((left.from, right.from), (Some(fork), Some(fork)), "coming forward, both play from where they part");
        assert_ne!(left.player.shell().sim.trace_hash(), right.player.shell().sim.trace_hash());
        // Each side's stage plays from the fork to its own end.
        for shown in [left, right] {
            let mut stage = crate::app::state::SandboxState::lesson_stage(shown.clone());
            let start = stage.player.shell().sim.now();
            stage = stage.reduce(crate::app::state::Action::AdvanceTo(start + 1_000));
            assert!(stage.playing && stage.player.shell().sim.now() < shown.player.shell().sim.now(), "both sides play, not jump");
            for _ in 0..10_000 {
                if !stage.playing {
                    break;
                }
                stage = stage.reduce(crate::app::state::Action::AdvanceTo(u64::MAX / 2));
            }
            assert_eq!(stage.player.shell().sim.trace_hash(), shown.player.shell().sim.trace_hash());
        }
        s = s.reduce(LessonAction::Next);
        let [(_, left), _] = s.compared().expect("the quiz after it shows the sides too");
        assert_eq!(left.from, None, "as they ended, not played again");
        let posed = s.posed().expect("a quiz").expect("poses");
        let PosedKind::Choice { options } = &posed.kind else { panic!("a choice") };
        let right: Vec<String> = options.iter().filter(|o| o.correct).map(|o| o.claim.clone()).collect();
        assert_eq!(right, vec!["left lost payments > 0 and right lost payments = 0".to_string()]);
        s = s.reduce(LessonAction::Next);
        assert!(s.compared().is_none(), "the next step is the lesson's own again");
    }

    #[test]
    fn once_answered_a_quiz_runs_its_then_commands_and_the_stage_plays_them() {
        let mut s = lesson02();
        first_page(&mut s, |i| matches!(i, Item::Quiz(q) if q.id == "next-same-key"));
        let moment = s.player.shell().sim.trace_hash();
        let posed = s.posed().expect("a quiz").expect("poses");
        let PosedKind::Predict { answer, .. } = &posed.kind else { panic!("a predict") };
        let tp = format!("orders-{answer}");
        let leo = |s: &LessonState| lesson::query::Query::parse(&format!("log-end-offset {tp}")).unwrap().eval(&s.player.shell().sim).unwrap().to_string();
        let before = leo(&s);
        let r = s.stage_revision;
        s = s.reduce(LessonAction::Input("nonsense".into())).reduce(LessonAction::Check);
        assert_eq!(s.quiz().checked.as_ref().map(|c| c.right), Some(false));
        assert!(s.typed.iter().any(|p| p.text.starts_with("# Now the lesson runs it")), "{:?}", s.typed);
        assert!(s.stage_html().contains("one more"), "{}", s.stage_html());
        assert_eq!(leo(&s).parse::<i64>().unwrap(), before.parse::<i64>().unwrap() + 1, "the record landed in the predicted partition");
        assert_eq!((s.stage_revision, s.shown().from.is_some()), (r + 1, true), "the stage plays the reveal");
        // Checking again does not write the record twice; a fresh question starts from the moment.
        s = s.reduce(LessonAction::Input(answer.to_string())).reduce(LessonAction::Check);
        assert_eq!(leo(&s).parse::<i64>().unwrap(), before.parse::<i64>().unwrap() + 1);
        s = s.reduce(LessonAction::TryAgain);
        assert_eq!((s.player.shell().sim.trace_hash(), s.typed.len()), (moment, 0));
    }

    #[test]
    fn restarting_a_lesson_goes_back_to_its_start_and_keeps_what_progress_counts() {
        let mut s = lesson02();
        first_page(&mut s, |i| matches!(i, Item::Quiz(q) if matches!(q.kind, lesson::QuizKind::Choice { .. })));
        let quiz_page = s.page;
        s = s.reduce(LessonAction::Select(0)).reduce(LessonAction::Check);
        let first = s.quiz().first;
        assert!(first.is_some());
        s = s.reduce(LessonAction::Restart);
        assert_eq!((s.page, s.player.shell().sim.trace_hash()), (0, s.moments[0].player.shell().sim.trace_hash()));
        while s.page < quiz_page {
            s = s.reduce(LessonAction::Next);
        }
        assert_eq!((s.quiz().selected, s.quiz().checked.clone(), s.quiz().first), (None, None, first), "cleared, but the first answer still counts");
    }

    #[test]
    fn a_challenge_shows_goals_hints_and_its_solution() {
        let mut s = lesson02();
        first_page(&mut s, |i| matches!(i, Item::Challenge(_)));
        let Some(Item::Challenge(c)) = s.item().cloned() else { panic!() };
        let goals = s.goals().expect("a challenge").expect("computes");
        assert!(!goals.is_empty() && !goals.iter().all(|g| g.met), "starts unmet");
        assert!(goals_html(&goals, "goals").contains("\u{2717} Not yet: </strong><code>"));
        assert_eq!(s.hints_html(&c), "<h3>Hints</h3><ol class=\"hints\"></ol>");
        for n in 1..=c.hints.len() + 1 {
            s = s.reduce(LessonAction::Hint);
            assert_eq!(s.challenge().hints_shown, n.min(c.hints.len()));
        }
        let hints = s.hints_html(&c);
        assert_eq!(hints.matches("<li><div class=\"narration-text\">").count(), c.hints.len(), "{hints}");
        s = s.reduce(LessonAction::ShowSolution);
        assert!(s.challenge().solution_shown);
        let solution = solution_html(&c);
        assert!(
            solution.starts_with("<pre class=\"solution\" data-testid=\"solution-commands\"><code>") && solution.ends_with("\n</code></pre>"),
            "{solution}"
        );
        assert!(solution.contains(&c.solution[0].text.replace('>', "&gt;").replace('<', "&lt;")), "{solution}");
        // Typing the solution in the console meets the goal.
        for cmd in &c.solution {
            for l in console_lines(cmd) {
                s = s.reduce(LessonAction::Line(l.to_string()));
            }
            s.player.end_of_input();
        }
        assert!(!s.typed.is_empty());
        let console = console_html(&s.typed, "challenge-console");
        assert!(
            console.starts_with("<pre class=\"lesson-console\" data-testid=\"challenge-console\" tabindex=\"0\" aria-label=\"Console output\">"),
            "{console}"
        );
        assert_eq!(console.matches('\n').count(), s.typed.len() - 1, "one line each: {console}");
        assert_eq!(console_html(&[], "x"), "");
        assert!(s.goals().expect("a challenge").expect("computes").iter().all(|g| g.met), "the solution meets the goal");
        // Leaving the page forgets what was typed.
        s = s.reduce(LessonAction::Back).reduce(LessonAction::Next);
        assert!(s.typed.is_empty() && !s.goals().unwrap().unwrap().iter().all(|g| g.met));
    }

    /// A challenge whose goal is one acknowledged record of `t`; then the lesson kills the
    /// partition's leader, and no acknowledged record may be lost.
    const FAULT: &str = "id: fault\ntitle: Fault\nobjective: O\ncovers: C\n\n# cluster\nseed: 3\n\n# step: s\ntitle: S\n\nText.\n\n# challenge: c\ntitle: Survive\ngoal: acked t > 0\nhint: H\nsolution: tick 1s\nthen:\n    kill broker {leader t-0}\n    tick 15s\nsurvive: lost t = 0\n\nWrite to t.\n";

    /// Types a design on the challenge page: a topic with `replicas` replicas and one record,
    /// the producer's prompt ended with Ctrl-C.
    fn design(replicas: u32) -> LessonState {
        let mut s = open("fault", FAULT).expect("opens");
        first_page(&mut s, |i| matches!(i, Item::Challenge(_)));
        for l in [
            format!("kafka-topics.sh --bootstrap-server localhost:9092 --create --topic t --partitions 1 --replication-factor {replicas}"),
            "kafka-console-producer.sh --bootstrap-server localhost:9092 --topic t".into(),
            "order-1".into(),
        ] {
            s = s.reduce(LessonAction::Line(l));
        }
        assert!(s.goals().unwrap().unwrap().iter().all(|g| g.met), "the record is acknowledged");
        assert!(!s.then_ran && s.verdict().is_empty() && s.survive_html().is_empty(), "not while the producer's prompt is open");
        s.reduce(LessonAction::Line("^C".into()))
    }

    #[test]
    fn once_the_goals_hold_the_lesson_runs_then_and_checks_survive() {
        let s = design(3);
        assert!(s.then_ran);
        let console: Vec<&str> = s.typed.iter().map(|p| p.text.as_str()).collect();
        let at = console.iter().position(|l| l.starts_with("# Every goal holds. The lesson now runs these commands itself:")).expect("marked");
        assert!(console[at + 1].starts_with("$ kill broker ") && console[at + 2] == "$ tick 15s", "{console:?}");
        let survive = s.survive().unwrap().unwrap();
        assert_eq!((survive.len(), survive[0].met, survive[0].now.as_str()), (1, true, "lost t is 0"));
        assert!(s.survive_html().starts_with(
            "<h3>Must still hold</h3><ul class=\"goals\" data-testid=\"survive\"><li class=\"met\"><strong>\u{2713} Met: </strong><code>lost t = 0</code>"
        ));
        assert!(s.verdict().starts_with("\u{2713} Challenge complete"));
        // Once per attempt: more commands do not run it again.
        let s = s.reduce(LessonAction::Line("tick 1s".into()));
        assert_eq!(s.typed.iter().filter(|p| p.text.starts_with("# Every goal holds")).count(), 1);
    }

    #[test]
    fn a_design_that_does_not_survive_says_what_was_lost_and_can_start_again() {
        let s = design(1);
        assert!(s.then_ran);
        assert_eq!(s.verdict(), "\u{2717} Not survived: 1 acknowledged record of t was lost. Type reset to start the challenge again.");
        assert!(s
            .survive_html()
            .contains("<li class=\"unmet\"><strong>\u{2717} Not yet: </strong><code>lost t = 0</code><span class=\"now\"> (now: lost t is 1)</span>"));
        let s = s.reduce(LessonAction::Line(" reset --brokers 5".into()));
        assert!(!s.then_ran && s.verdict().is_empty() && s.survive_html().is_empty());
        assert_eq!(s.typed.iter().map(|p| p.text.as_str()).collect::<Vec<_>>(), ["# The challenge starts again from its beginning."]);
        assert!(!s.goals().unwrap().unwrap().iter().all(|g| g.met), "the challenge's own start again");
        assert_eq!(s.player.shell().sim.view(0).brokers.len(), 3, "the lesson's cluster, not a fresh one");
        // At the producer's prompt `reset` is a record like any other line.
        let s = [
            "kafka-topics.sh --bootstrap-server localhost:9092 --create --topic t --partitions 1 --replication-factor 1",
            "kafka-console-producer.sh --bootstrap-server localhost:9092 --topic t",
            "reset",
        ]
        .into_iter()
        .fold(s, |s, l| s.reduce(LessonAction::Line(l.into())));
        assert!(s.player.producer_open() && s.typed.iter().any(|p| p.text == "> reset"));
    }

    /// Lesson 11's challenge on the page: its reference solution typed line by line meets the
    /// goals, the lesson kills the leader of orders-0, and the design survives.
    #[test]
    fn lesson_11_survives_its_broker_failure_on_the_page() {
        let mut s = open("11-designing-a-pipeline", include_str!("../../lessons/11-designing-a-pipeline.lesson")).expect("opens");
        first_page(&mut s, |i| matches!(i, Item::Challenge(c) if !c.then.is_empty()));
        let Some(Item::Challenge(c)) = s.item().cloned() else { panic!() };
        for cmd in &c.solution {
            for l in console_lines(cmd) {
                s = s.reduce(LessonAction::Line(l.to_string()));
            }
        }
        assert!(s.then_ran, "{:?}", s.goals());
        assert!(s.survive().unwrap().unwrap().iter().all(|g| g.met), "{:?}", s.survive());
        assert!(s.verdict().starts_with("\u{2713} Challenge complete"));
    }

    #[test]
    fn a_text_that_cannot_be_rendered_is_one_line_of_error() {
        let s = lesson02();
        let html = s.rendered_html(Err(LessonError::new("", 7, "unknown query `x<y`")));
        assert_eq!(html, "<p class=\"error\" role=\"alert\">lessons/02-keys-choose-partitions.lesson:7: unknown query `x&lt;y`</p>");
    }

    #[test]
    fn narration_becomes_escaped_html() {
        let n =
            lesson::text::markdown("A [partition](glossary:partition) <b> & `x<y`, **bold** *em*.\n\n- one\n- two\n\n```\n$ ls <a>\n```").expect("markdown");
        assert_eq!(
            narration_html(&n, false),
            "<div class=\"narration-text\"><p>A <a href=\"#/glossary?term=partition\">partition</a> &lt;b&gt; &amp; <code>x&lt;y</code>, <strong>bold</strong> <em>em</em>.</p><ul><li>one</li><li>two</li></ul><pre><code>$ ls &lt;a&gt;</code></pre></div>"
        );
        let label = lesson::text::markdown("Three \"quoted\"").expect("markdown");
        assert_eq!(narration_html(&label, true), "<span>Three &quot;quoted&quot;</span>");
    }

    #[test]
    fn loading_says_missing_failed_or_ready() {
        assert!(matches!(Load::fetched("x", Ok(None)), Load::Missing));
        assert!(Load::Missing.page_html("<x>").unwrap().contains("There is no lesson called \u{201c}&lt;x&gt;\u{201d}."));
        assert!(Load::Failed("f:3: bad".into()).page_html("f").unwrap().contains("data-testid=\"lesson-error\">f:3: bad</pre>"));
        assert!(Load::Loading.page_html("x").is_some());
        assert!(matches!(Load::fetched("../etc", Ok(Some(String::new()))), Load::Missing));
        assert!(matches!(Load::fetched("x", Err("cannot load".into())), Load::Failed(e) if e == "cannot load"));
        assert!(matches!(Load::fetched("x", Ok(Some("title: x\n".into()))), Load::Failed(e) if e.starts_with("lessons/x.lesson:")));
        let src = include_str!("../../lessons/01-topics-partitions-offsets.lesson");
        assert!(matches!(Load::fetched("01-topics-partitions-offsets", Ok(Some(src.into()))), Load::Ready(s) if s.lesson.id == "01-topics-partitions-offsets"));
    }

    #[test]
    fn a_malformed_lesson_says_file_line_and_reason() {
        let e =
            open("broken", "id: broken\ntitle: Broken\n\n# cluster\nbrokers: 3\nseed: 1\n\n# step: a\ntitle: A\nbogus: x\n\nText.\n").err().expect("an error");
        assert!(e.starts_with("lessons/broken.lesson:"), "{e}");
        let line: usize = e.split(':').nth(1).and_then(|l| l.trim().parse().ok()).expect("a line number");
        assert!(line > 0, "{e}");
    }

    #[test]
    fn the_home_and_not_found_pages_are_escaped_strings() {
        let index: Index = Ok(vec![("01-a".into(), "Topics & <partitions>".into())]);
        let none = Progress::default();
        let home = home_html(Some(&index), &none);
        assert!(home.starts_with("<section class=\"hero\"><h1>Fly a Kafka cluster</h1>"), "{home}");
        assert!(home.ends_with("<h2 id=\"course-heading\">The course</h2><p class=\"start-here\" data-testid=\"start-here\"><strong>Start here:</strong> <a href=\"#/lesson/01-a\">Topics &amp; &lt;partitions&gt;</a>. Each lesson builds on the ones before it.</p><ol class=\"lesson-list\" data-testid=\"course\"><li><a href=\"#/lesson/01-a\">Topics &amp; &lt;partitions&gt;</a> <span class=\"lesson-id\">01-a</span> <span class=\"lesson-state\" data-testid=\"lesson-state\">not started</span></li></ol></section>"), "{home}");
        assert!(home_html(None, &none).contains("role=\"status\">Loading the course\u{2026}</p>"));
        assert!(home_html(Some(&Ok(Vec::new())), &none).contains("data-testid=\"course-empty\">No lessons are published yet.</p>"));
        assert!(home_html(Some(&Err("cannot load lessons/index.txt: HTTP 500".into())), &none)
            .contains("role=\"status\">cannot load lessons/index.txt: HTTP 500</p>"));
        assert_eq!(
            not_found_html("/x<y>"),
            "<main id=\"main\" class=\"page\"><h1>Page not found</h1><p>The address \u{201c}/x&lt;y&gt;\u{201d} does not lead anywhere in the simulator. <a href=\"#/\">Back to the course</a></p></main>"
        );
    }

    #[test]
    fn the_home_page_says_each_lessons_state_in_words_and_where_to_go_on() {
        let index: Index = Ok(["01-a", "02-b", "03-c"].iter().map(|i| (i.to_string(), format!("Lesson <{i}>"))).collect());
        let mut p = Progress::default();
        let done = LessonProgress {
            id: "01-a".into(),
            reached: 3,
            pages: 3,
            quizzes: vec![("q".into(), Some(true)), ("r".into(), Some(false))],
            ..LessonProgress::default()
        };
        p.record(done);
        p.record(LessonProgress { id: "02-b".into(), reached: 2, pages: 5, challenges: vec![("c".into(), false)], ..LessonProgress::default() });
        let home = home_html(Some(&index), &p);
        let states: Vec<&str> = home.split("data-testid=\"lesson-state\">").skip(1).map(|s| &s[..s.find("</span>").unwrap()]).collect();
        assert_eq!(states, ["\u{2713} completed, quizzes 1/2", "in progress, page 2 of 5", "not started"]);
        assert!(home.contains("<strong>Continue with:</strong> <a href=\"#/lesson/02-b\">Lesson &lt;02-b&gt;</a>."), "{home}");
        // A lesson in progress before an earlier one was finished: the earlier one comes first.
        let mut skipped = Progress::default();
        skipped.record(LessonProgress { id: "03-c".into(), reached: 1, pages: 2, ..LessonProgress::default() });
        assert!(home_html(Some(&index), &skipped).contains("<strong>Continue with:</strong> <a href=\"#/lesson/01-a\">"));
        for id in ["02-b", "03-c"] {
            p.record(LessonProgress { id: id.into(), reached: 5, pages: 5, challenges: vec![("c".into(), true)], ..LessonProgress::default() });
        }
        assert!(home_html(Some(&index), &p).contains("<strong>\u{2713} You have completed every lesson.</strong>"));
        // Progress of a lesson the index no longer lists is kept, not shown.
        assert!(!home_html(Some(&Ok(Vec::new())), &p).contains("01-a"));
    }

    #[test]
    fn a_visit_records_the_furthest_page_first_answers_and_challenges_met() {
        let mut s = lesson02();
        let r = s.record();
        assert_eq!((r.id.as_str(), r.reached, r.pages), ("02-keys-choose-partitions", 1, s.pages()));
        let quizzes = s.lesson.items.iter().filter(|i| matches!(i, Item::Quiz(_))).count();
        assert!(r.quizzes.len() == quizzes && quizzes > 0 && r.quizzes.iter().all(|q| q.1.is_none()), "{r:?}");
        assert!(!r.challenges.is_empty() && r.challenges.iter().all(|c| !c.1));
        first_page(&mut s, |i| matches!(i, Item::Quiz(q) if matches!(q.kind, lesson::QuizKind::Choice { .. })));
        let page = s.page;
        let Some(Item::Quiz(quiz)) = s.item().cloned() else { panic!() };
        let Some(Ok(posed)) = s.posed() else { panic!() };
        let PosedKind::Choice { options } = &posed.kind else { panic!() };
        let right = options.iter().position(|o| o.correct).unwrap();
        s = s.reduce(LessonAction::Check);
        assert_eq!(s.quiz().first, None, "nothing picked: not an attempt");
        s = s.reduce(LessonAction::Select((right + 1) % options.len())).reduce(LessonAction::Check);
        s = s.reduce(LessonAction::Select(right)).reduce(LessonAction::Check);
        assert_eq!(s.quiz().checked.as_ref().map(|c| c.right), Some(true));
        s = s.reduce(LessonAction::TryAgain);
        let first = |s: &LessonState| s.record().quizzes.iter().find(|q| q.0 == quiz.id).unwrap().1;
        assert_eq!(first(&s), Some(false), "the first check counts, not the right one after it");
        s = s.reduce(LessonAction::Back);
        assert_eq!(s.record().reached, page + 1, "the furthest page, not the current one");
        // A challenge met once stays met when the learner starts it again.
        first_page(&mut s, |i| matches!(i, Item::Challenge(_)));
        let Some(Item::Challenge(c)) = s.item().cloned() else { panic!() };
        for cmd in &c.solution {
            for l in console_lines(cmd) {
                s = s.reduce(LessonAction::Line(l.to_string()));
            }
        }
        if s.player.producer_open() {
            s = s.reduce(LessonAction::Line("^C".into()));
        }
        assert!(s.complete());
        s = s.reduce(LessonAction::Line("reset".into()));
        assert!(!s.complete());
        assert!(s.record().challenges.iter().find(|x| x.0 == c.id).unwrap().1);
        for _ in 0..s.pages() {
            s = s.reduce(LessonAction::Next);
        }
        let r = s.record();
        assert_eq!(r.reached, r.pages);
        let mut p = Progress::default();
        p.record(r.clone());
        assert_eq!((r.challenges.len(), p.lesson(&r.id).map(|l| l.completed())), (1, Some(true)), "its one challenge met, its last page reached");
    }
}
