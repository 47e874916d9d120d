//! The headless check: replays a lesson as a learner would meet it, on several seeds, and
//! proves what a file cannot say by itself: every command runs, every blank and every quiz
//! answer can be computed, each multiple-choice question has exactly one true option for
//! every variant tried, each order question's items are each placed by an event of their own, every challenge starts unmet and its reference solution meets it (and,
//! for a challenge with `then:`, survives the lesson's own commands).
use crate::shell::{did_you_mean, Shell};

use super::*;

/// How hard to try.
#[derive(Copy, Clone, PartialEq, Eq, Debug)]
pub struct CheckOptions {
    /// Cluster seeds to replay with: the lesson's own `seed:`, then the next ones. Other seeds
    /// place replicas and keyless records elsewhere, so a lesson that passes them does not
    /// depend on one seed's luck (and survives engine changes that draw differently).
    pub seeds: u64,
    /// Variants asked of every quiz that has `vary:` parameters, per seed.
    pub variants: u64,
}

impl Default for CheckOptions {
    fn default() -> Self {
        CheckOptions { seeds: 3, variants: 4 }
    }
}

/// What a passing check went through.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct CheckReport {
    pub id: String,
    pub title: String,
    pub steps: usize,
    pub quizzes: usize,
    pub challenges: usize,
    pub seeds: Vec<u64>,
    /// Quiz questions posed and answered by the engine, over every seed and variant.
    pub questions: usize,
}

impl CheckReport {
    /// One line for `flightsim lessons check`.
    pub fn summary(&self) -> String {
        let seeds: Vec<String> = self.seeds.iter().map(|s| s.to_string()).collect();
        format!(
            "ok   {}: steps {}, quizzes {} ({} questions posed), challenges {}; seeds {}",
            self.id,
            self.steps,
            self.quizzes,
            self.questions,
            self.challenges,
            seeds.join(",")
        )
    }
}

/// Parses and checks a lesson file. `glossary` holds the ids narration may link to.
pub fn check(file: &str, source: &str, glossary: &[&str], options: CheckOptions) -> Result<CheckReport, Vec<LessonError>> {
    let lesson = parse(file, source)?;
    check_lesson(&lesson, glossary, options)
}

/// Checks a parsed lesson (see [`check`]).
pub fn check_lesson(lesson: &Lesson, glossary: &[&str], options: CheckOptions) -> Result<CheckReport, Vec<LessonError>> {
    let mut errors = Vec::new();
    for (line, id) in lesson.glossary_links() {
        if !glossary.contains(&id.as_str()) {
            let hint = match did_you_mean(&id, glossary.iter().copied()) {
                Some(m) => format!("; did you mean `{m}`?"),
                None => format!("; the glossary has {}", glossary.join(", ")),
            };
            errors.push(LessonError::new(&lesson.file, line, format!("no glossary entry `{id}`{hint}")));
        }
    }
    let mut questions = 0;
    let seeds: Vec<u64> = (0..options.seeds.max(1)).map(|i| lesson.cluster.seed.wrapping_add(i)).collect();
    for (run, &seed) in seeds.iter().enumerate() {
        let mut replay = Replay { lesson, seed, errors: Vec::new(), questions: 0 };
        replay.run(run as u64, options.variants.max(1));
        questions += replay.questions;
        if !replay.errors.is_empty() {
            // One seed's errors are enough to read; the others would mostly repeat them.
            errors.extend(replay.errors);
            break;
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(CheckReport {
        id: lesson.id.clone(),
        title: lesson.title.clone(),
        steps: lesson.steps().count(),
        quizzes: lesson.quizzes().count(),
        challenges: lesson.challenges().count(),
        seeds,
        questions,
    })
}

/// Checks what concerns several lessons together: ids unique, `requires:` names a lesson of
/// the course (and not itself).
pub fn check_course(lessons: &[Lesson]) -> Vec<LessonError> {
    let mut errors = Vec::new();
    for (i, l) in lessons.iter().enumerate() {
        if let Some(other) = lessons[..i].iter().find(|o| o.id == l.id) {
            errors.push(LessonError::new(&l.file, 0, format!("the id `{}` is also {}'s", l.id, other.file)));
        }
        for r in &l.requires {
            if *r == l.id {
                errors.push(LessonError::new(&l.file, 0, "a lesson cannot require itself"));
            } else if !lessons.iter().any(|o| o.id == *r) {
                errors.push(LessonError::new(&l.file, 0, format!("`requires: {r}` names no lesson of the course")));
            }
        }
    }
    errors
}

struct Replay<'a> {
    lesson: &'a Lesson,
    seed: u64,
    errors: Vec<LessonError>,
    questions: usize,
}

impl Replay<'_> {
    /// `(seed 8)` when the error shows only on another seed than the lesson's.
    fn on_seed(&self) -> String {
        if self.seed == self.lesson.cluster.seed {
            String::new()
        } else {
            format!(" (with seed {}; the lesson's seed {} passes this point, so the lesson depends on one seed's luck)", self.seed, self.lesson.cluster.seed)
        }
    }

    fn fail(&mut self, e: LessonError) {
        let mut e = self.lesson.locate(e);
        e.message.push_str(&self.on_seed());
        self.errors.push(e);
    }

    fn run(&mut self, run: u64, variants: u64) {
        let mut shell = match self.lesson.start(Some(self.seed)) {
            Ok(s) => s,
            Err(e) => return self.fail(e),
        };
        let none = Bindings::default();
        if let Some(t) = &self.lesson.intro {
            if let Err(e) = t.render(&shell.sim, &none) {
                self.fail(e);
            }
        }
        // After a compare step, its two sides, asked by the quizzes that follow it.
        let mut sides: Option<(Shell, Shell)> = None;
        for item in &self.lesson.items {
            match item {
                Item::Step(s) => {
                    sides = None;
                    if let Some(two) = &s.sides {
                        let (mut left, mut right) = (shell.clone(), shell.clone());
                        for (side, own) in [(&mut left, &two.left.commands), (&mut right, &two.right.commands)] {
                            if let Err(e) = run_commands(side, own).and_then(|_| run_commands(side, &s.commands)) {
                                return self.fail(e);
                            }
                        }
                        sides = Some((left, right));
                    } else if let Err(e) = run_commands(&mut shell, &s.commands) {
                        // Later steps build on this one: stop here.
                        return self.fail(e);
                    }
                    let at = at(&shell, sides.as_ref());
                    if let Err(e) = s.text.render(at, &none) {
                        self.fail(e);
                    }
                    for h in &s.highlights {
                        if !h.exists(&shell.sim) {
                            self.fail(LessonError::new(
                                "",
                                h.line,
                                format!("`highlight:` points at {} `{}`, which does not exist after this step's commands", h.kind.word(), h.target),
                            ));
                        }
                    }
                }
                Item::Quiz(q) => self.quiz(q, &shell, sides.as_ref(), run, variants),
                Item::Challenge(c) => {
                    sides = None;
                    self.challenge(c, &shell)
                }
            }
        }
    }

    fn quiz(&mut self, q: &Quiz, shell: &Shell, sides: Option<&(Shell, Shell)>, run: u64, variants: u64) {
        let at = at(shell, sides);
        let count = if q.vary.is_empty() { 1 } else { variants };
        for v in 0..count {
            let variant = run * count + v;
            let posed = match q.pose(at, variant) {
                Ok(p) => p,
                Err(e) => return self.fail(e),
            };
            self.questions += 1;
            if !q.then.is_empty() {
                // The commands that show why must run for every variant asked.
                let mut after = shell.clone();
                if let Err(e) = q.then_commands(&shell.sim, variant).and_then(|cmds| run_commands(&mut after, &cmds)) {
                    return self.fail(e);
                }
            }
            let which = if posed.bindings.0.is_empty() { String::new() } else { format!(" for {}", posed.bindings.describe()) };
            if let PosedKind::Predict { answer, on_stage: Some(kind) } = &posed.kind {
                // A click quiz's answer must be something on the stage to click.
                let target = Highlight { line: q.line, kind: *kind, target: answer.to_string() };
                if !target.exists(&shell.sim) {
                    self.fail(LessonError::new(
                        "",
                        q.line,
                        format!("quiz `{}`{which}: the answer is `{answer}`, which is not a {} on the stage to click", q.id, kind.word()),
                    ));
                    return;
                }
            }
            let PosedKind::Choice { options } = &posed.kind else { continue };
            let QuizKind::Choice { options: written } = &q.kind else { continue };
            let true_ones: Vec<&PosedOption> = options.iter().filter(|o| o.correct).collect();
            match true_ones.as_slice() {
                [_] => {}
                [] => {
                    // Say what the simulation found for each claim.
                    let mut found = Vec::new();
                    for o in written {
                        if let Ok(c) = o.claim.condition(&posed.bindings) {
                            for claim in &c.claims {
                                if let Ok(f) = claim.eval(&shell.sim) {
                                    let s = format!("{} is {}", claim.query_text(), f.actual);
                                    if !found.contains(&s) {
                                        found.push(s);
                                    }
                                }
                            }
                        }
                    }
                    let claims: Vec<String> = options.iter().map(|o| format!("`{}`", o.claim)).collect();
                    self.fail(LessonError::new(
                        "",
                        q.line,
                        format!(
                            "quiz `{}`{which}: no option is true ({}), but the simulation says {}; exactly one option must be",
                            q.id,
                            claims.join(", "),
                            found.join(", ")
                        ),
                    ));
                    return;
                }
                [first, rest @ ..] => {
                    for o in rest {
                        self.fail(LessonError::new(
                            "",
                            o.line,
                            format!(
                                "quiz option claims `{}`{which}, and it is true, but so is line {}'s `{}`; exactly one option must be",
                                o.claim, first.line, first.claim
                            ),
                        ));
                    }
                    return;
                }
            }
        }
    }

    fn challenge(&mut self, c: &Challenge, shell: &Shell) {
        let none = Bindings::default();
        for t in std::iter::once(&c.text).chain(c.hints.iter()) {
            if let Err(e) = t.render(&shell.sim, &none) {
                self.fail(e);
            }
        }
        match c.is_met(&shell.sim) {
            Ok(true) => {
                let goals: Vec<String> = c.goals.iter().map(|g| format!("`{}`", g.text)).collect();
                return self.fail(LessonError::new(
                    "",
                    c.line,
                    format!("challenge `{}` is already met before the learner does anything ({}): it would pass with no command typed", c.id, goals.join(", ")),
                ));
            }
            Ok(false) => {}
            Err(e) => return self.fail(e),
        }
        // The learner works on a copy; the lesson goes on from the state before the challenge.
        let mut attempt = shell.clone();
        if let Err(e) = run_commands(&mut attempt, &c.solution) {
            return self.fail(e);
        }
        match c.goal(&attempt.sim) {
            Ok(status) => {
                let mut reached = true;
                for g in status.iter().filter(|g| !g.met) {
                    reached = false;
                    self.fail(LessonError::new("", g.line, format!("the reference solution does not reach this goal: `{}`, and {}", g.text, g.now)));
                }
                if !reached {
                    // What follows the goals is checked once they hold.
                    return;
                }
            }
            Err(e) => return self.fail(e),
        }
        // The lesson's own commands, as the page runs them once the goals hold; then the
        // design must survive them.
        for cmd in &c.then {
            if let Err(e) = fill_command(cmd, &attempt.sim).and_then(|cmd| run_commands(&mut attempt, &[cmd])) {
                return self.fail(e);
            }
        }
        match c.survive(&attempt.sim) {
            Ok(status) => {
                for s in status.iter().filter(|s| !s.met) {
                    self.fail(LessonError::new("", s.line, format!("after `then:`, the reference solution does not survive: `{}`, and {}", s.text, s.now)));
                }
            }
            Err(e) => self.fail(e),
        }
    }
}

/// The lesson as a learner meets it on its own seed, as text: narration, each command with its
/// output, each quiz with the engine's answer, each challenge with its goal before and after the
/// reference solution. For teachers (`flightsim lessons check --show`) and for reading a
/// lesson's story against what the simulation really printed.
/// Where queries are asked: the lesson's shell, and after a compare step its two sides.
fn at<'a>(shell: &'a Shell, sides: Option<&'a (Shell, Shell)>) -> At<'a> {
    At { sim: &shell.sim, sides: sides.map(|(l, r)| (&l.sim, &r.sim)) }
}

pub fn transcript(lesson: &Lesson) -> Result<String, LessonError> {
    use crate::shell::transcript::echo;
    let mut out = format!("# {}\n\n", lesson.title);
    let mut shell = lesson.start(None)?;
    let none = Bindings::default();
    if let Some(t) = &lesson.intro {
        out.push_str(&t.render(&shell.sim, &none).map_err(|e| lesson.locate(e))?.plain());
    }
    let show = |out: &mut String, shell: &mut Shell, cmds: &[Cmd]| -> Result<(), LessonError> {
        for c in cmds {
            let output = run_commands(shell, std::slice::from_ref(c)).map_err(|e| lesson.locate(e))?;
            out.push_str(&echo(&c.text));
            for l in &c.stdin {
                out.push_str(&format!(">{l}\n"));
            }
            out.push_str(&output.concat());
        }
        Ok(())
    };
    let mut sides: Option<(Shell, Shell)> = None;
    for item in &lesson.items {
        match item {
            Item::Step(s) => {
                out.push_str(&format!("\n## {} (step {})\n\n", s.title, s.id));
                sides = None;
                if let Some(two) = &s.sides {
                    let (mut left, mut right) = (shell.clone(), shell.clone());
                    for (name, side, own) in [("left", &mut left, &two.left), ("right", &mut right, &two.right)] {
                        out.push_str(&format!("### {name}: {}\n", own.label));
                        show(&mut out, side, &own.commands)?;
                        show(&mut out, side, &s.commands)?;
                    }
                    sides = Some((left, right));
                } else {
                    show(&mut out, &mut shell, &s.commands)?;
                }
                out.push('\n');
                let at = at(&shell, sides.as_ref());
                out.push_str(&s.text.render(at, &none).map_err(|e| lesson.locate(e))?.plain());
            }
            Item::Quiz(q) => {
                let at = at(&shell, sides.as_ref());
                let p = q.pose(at, 0).map_err(|e| lesson.locate(e))?;
                out.push_str(&format!("\n## Quiz {} (variant 0: {})\n\n{}", q.id, p.bindings.describe(), p.question.plain()));
                match &p.kind {
                    PosedKind::Predict { answer, on_stage: None } => out.push_str(&format!("answer: {answer}\n")),
                    PosedKind::Predict { answer, on_stage: Some(k) } => out.push_str(&format!("answer (click the {} on the stage): {answer}\n", k.word())),
                    PosedKind::Choice { options } => {
                        for o in options {
                            out.push_str(&format!("[{}] {}    why: {}", if o.correct { "x" } else { " " }, o.label.plain().trim_end(), o.why.plain()));
                        }
                    }
                    PosedKind::Order { items, answer } => {
                        out.push_str("shown:\n");
                        for (k, i) in items.iter().enumerate() {
                            out.push_str(&format!("{}. {}\n", k + 1, i.label.plain().trim_end()));
                        }
                        out.push_str("answer, as it happened:\n");
                        for (k, i) in answer.iter().filter_map(|&a| items.get(a)).enumerate() {
                            out.push_str(&format!("{}. {}    [t = {} ms] {}\n", k + 1, i.label.plain().trim_end(), i.time_ms, i.event));
                        }
                    }
                }
                if let Some(e) = &p.explain {
                    out.push_str(&format!("explain: {}", e.plain()));
                }
            }
            Item::Challenge(c) => {
                sides = None;
                out.push_str(&format!("\n## Challenge: {} ({})\n\n{}", c.title, c.id, c.text.render(&shell.sim, &none).map_err(|e| lesson.locate(e))?.plain()));
                for (i, h) in c.hints.iter().enumerate() {
                    out.push_str(&format!("hint {}: {}", i + 1, h.render(&shell.sim, &none).map_err(|e| lesson.locate(e))?.plain()));
                }
                for g in c.goal(&shell.sim).map_err(|e| lesson.locate(e))? {
                    out.push_str(&format!("goal before: {} -> {} ({})\n", g.text, if g.met { "met" } else { "not met" }, g.now));
                }
                let mut attempt = shell.clone();
                out.push_str("reference solution:\n");
                show(&mut out, &mut attempt, &c.solution)?;
                for g in c.goal(&attempt.sim).map_err(|e| lesson.locate(e))? {
                    out.push_str(&format!("goal after: {} -> {} ({})\n", g.text, if g.met { "met" } else { "not met" }, g.now));
                }
                if !c.then.is_empty() {
                    out.push_str("then, run by the lesson:\n");
                    for cmd in &c.then {
                        let filled = fill_command(cmd, &attempt.sim).map_err(|e| lesson.locate(e))?;
                        show(&mut out, &mut attempt, std::slice::from_ref(&filled))?;
                    }
                    for s in c.survive(&attempt.sim).map_err(|e| lesson.locate(e))? {
                        out.push_str(&format!("survive: {} -> {} ({})\n", s.text, if s.met { "holds" } else { "does not hold" }, s.now));
                    }
                }
            }
        }
    }
    Ok(out)
}
