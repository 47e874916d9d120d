//! The learner's progress through the course, native and tested: per lesson, how far the
//! learner got, each quiz's first answer and each challenge met. Kept in the browser's
//! localStorage and in files the learner exports and imports, both in one small versioned text
//! format (no serde: the bundle is over its budget). `ui/storage.rs` only moves the text.
//!
//! ```text
//! flightsim-progress 1
//! lesson 02-keys-choose-partitions reached 5 of 10
//! quiz which-partition right
//! quiz how-many unanswered
//! challenge keyed-topic met
//! ```
use super::lesson::valid_id;

/// The localStorage key the progress is kept under.
pub const KEY: &str = "flightsim.progress";
/// The name an export is downloaded as.
pub const FILE_NAME: &str = "flightsim-progress.txt";
/// Real progress is a few KB (a dozen lessons); anything much larger is not ours, and is
/// refused before it is read into memory.
pub const MAX_BYTES: usize = 64 * 1024;
const HEADER: &str = "flightsim-progress";
const VERSION: &str = "1";

/// One lesson as the learner left it.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct LessonProgress {
    pub id: String,
    /// Pages reached, counting the introduction: `pages` once the last page was seen.
    pub reached: usize,
    pub pages: usize,
    /// Each quiz of the lesson (by item id), with the verdict of the learner's first check of
    /// it: later checks never change a score.
    pub quizzes: Vec<(String, Option<bool>)>,
    /// Each challenge of the lesson, and whether the learner ever met it.
    pub challenges: Vec<(String, bool)>,
}

impl LessonProgress {
    /// Reached its last page with every challenge met (quizzes do not gate it: a wrong first
    /// answer lowers the score, not the completion).
    pub fn completed(&self) -> bool {
        self.reached >= self.pages && self.challenges.iter().all(|c| c.1)
    }

    /// Quizzes whose first answer was right, of all the lesson's quizzes.
    pub fn score(&self) -> (usize, usize) {
        (self.quizzes.iter().filter(|q| q.1 == Some(true)).count(), self.quizzes.len())
    }

    /// The state in words (never by colour alone): "completed, quizzes 3/4", "in progress,
    /// page 2 of 9".
    pub fn summary(&self) -> String {
        let mut out = if self.completed() { "completed".to_string() } else { format!("in progress, page {} of {}", self.reached, self.pages) };
        let (right, of) = self.score();
        if of > 0 {
            out.push_str(&format!(", quizzes {right}/{of}"));
        }
        out
    }
}

/// Every lesson the learner has opened, sorted by id (one text for one progress).
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Progress {
    pub lessons: Vec<LessonProgress>,
}

impl Progress {
    pub fn lesson(&self, id: &str) -> Option<&LessonProgress> {
        self.lessons.iter().find(|l| l.id == id)
    }

    /// Folds in what a lesson page reports. The page knows the lesson as it is now, so its
    /// pages, quizzes and challenges are the ones kept; what was kept before still counts:
    /// the furthest page, a first answer, a challenge once met.
    pub fn record(&mut self, now: LessonProgress) {
        let at = match self.lessons.binary_search_by(|l| l.id.as_str().cmp(&now.id)) {
            Ok(at) => at,
            Err(at) => {
                self.lessons.insert(at, now);
                return;
            }
        };
        let old = &mut self.lessons[at];
        let reached = old.reached.max(now.reached).min(now.pages);
        let quizzes = now.quizzes.into_iter().map(|(id, first)| {
            let kept = old.quizzes.iter().find(|q| q.0 == id).and_then(|q| q.1);
            (id, kept.or(first))
        });
        let quizzes = quizzes.collect();
        let challenges = now.challenges.into_iter().map(|(id, met)| {
            let kept = old.challenges.iter().any(|c| c.0 == id && c.1);
            (id, met || kept)
        });
        *old = LessonProgress { id: now.id, reached, pages: now.pages, quizzes, challenges: challenges.collect() };
    }

    /// Where the course goes on: the first lesson of `index` (course order) not completed, and
    /// whether the learner has begun the course at all ("Continue with" or "Start here").
    /// `None` once every lesson is completed.
    pub fn next_lesson<'a>(&self, index: &'a [(String, String)]) -> Option<(&'a (String, String), bool)> {
        let first = index.iter().find(|(id, _)| !self.lesson(id).is_some_and(|l| l.completed()))?;
        Some((first, index.iter().any(|(id, _)| self.lesson(id).is_some())))
    }

    pub fn to_text(&self) -> String {
        let mut out = format!("{HEADER} {VERSION}\n");
        for l in &self.lessons {
            out.push_str(&format!("lesson {} reached {} of {}\n", l.id, l.reached, l.pages));
            for (id, first) in &l.quizzes {
                let word = match first {
                    Some(true) => "right",
                    Some(false) => "wrong",
                    None => "unanswered",
                };
                out.push_str(&format!("quiz {id} {word}\n"));
            }
            for (id, met) in &l.challenges {
                out.push_str(&format!("challenge {id} {}\n", if *met { "met" } else { "unmet" }));
            }
        }
        out
    }

    /// The text `to_text` writes, or why it is not that (one line, to show the learner). Strict:
    /// anything this version did not write is refused rather than half read.
    pub fn parse(text: &str) -> Result<Progress, String> {
        if text.len() > MAX_BYTES {
            return Err(format!("it is larger than {} KB", MAX_BYTES / 1024));
        }
        let mut lines = text.lines().map(|l| l.trim_end_matches('\r')).enumerate().filter(|(_, l)| !l.trim().is_empty());
        match lines.next().map(|(_, l)| l.split(' ').collect::<Vec<_>>()).as_deref() {
            Some([HEADER, VERSION]) => {}
            Some([HEADER, v]) => return Err(format!("it is version {v}; this simulator reads version {VERSION}")),
            _ => return Err("it is not a progress file".into()),
        }
        let mut p = Progress::default();
        for (i, line) in lines {
            let at = |why: String| format!("line {}: {why}", i + 1);
            let words: Vec<&str> = line.split(' ').collect();
            if let ["lesson", id, "reached", reached, "of", pages] = words[..] {
                let (Some(reached), Some(pages)) = (number(reached), number(pages)) else { return Err(at("a page count is not a number".into())) };
                if !valid_id(id) {
                    return Err(at(format!("`{id}` is not a lesson id")));
                }
                if reached == 0 || reached > pages {
                    return Err(at(format!("page {reached} of {pages} cannot be reached")));
                }
                if p.lesson(id).is_some() {
                    return Err(at(format!("lesson {id} is listed twice")));
                }
                p.lessons.push(LessonProgress { id: id.into(), reached, pages, ..LessonProgress::default() });
                continue;
            }
            let (id, state) = match words[..] {
                ["quiz", id, "right"] => (id, Ok(Some(true))),
                ["quiz", id, "wrong"] => (id, Ok(Some(false))),
                ["quiz", id, "unanswered"] => (id, Ok(None)),
                ["challenge", id, "met"] => (id, Err(true)),
                ["challenge", id, "unmet"] => (id, Err(false)),
                _ => return Err(at(format!("unknown line `{}`", line.chars().take(40).collect::<String>()))),
            };
            let Some(l) = p.lessons.last_mut() else { return Err(at("progress before any lesson".into())) };
            if !valid_id(id) {
                return Err(at(format!("`{id}` is not a quiz or challenge id")));
            }
            if l.quizzes.iter().any(|q| q.0 == id) || l.challenges.iter().any(|c| c.0 == id) {
                return Err(at(format!("{id} is listed twice")));
            }
            match state {
                Ok(first) => l.quizzes.push((id.into(), first)),
                Err(met) => l.challenges.push((id.into(), met)),
            }
        }
        // Kept sorted by id: written that way, so anything else was edited.
        if p.lessons.windows(2).any(|w| w[0].id >= w[1].id) {
            return Err("its lessons are out of order".into());
        }
        Ok(p)
    }
}

/// A count as `to_text` writes it: digits only (no sign, no spaces), not absurdly large.
fn number(s: &str) -> Option<usize> {
    if s.is_empty() || s.len() > 6 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// The app root's progress state: the progress, and what the home page's status line says.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Course {
    pub progress: Progress,
    /// A reset, an import, or storage that cannot keep the progress.
    pub notice: Option<String>,
    /// Storage already failed and the notice said so: said once, not on every write.
    unsaved_said: bool,
}

pub enum CourseAction {
    /// What a lesson page reports (`LessonState::record`).
    Record(LessonProgress),
    /// A file's name and its text, or why it could not be read. A failed import changes
    /// nothing but the notice.
    Import(String, Result<String, String>),
    /// Another tab stored progress (its text): this one follows, so its next write does not
    /// undo the other's.
    Stored(String),
    /// Writing to storage failed (why).
    Unsaved(String),
}

impl Course {
    /// The course as storage holds it: its text (`None`: nothing stored yet), or why storage
    /// cannot be read. Unreadable progress is reset (the app writes the empty progress back)
    /// and the notice says why.
    pub fn open(stored: Result<Option<String>, String>) -> Course {
        match stored {
            Ok(None) => Course::default(),
            Ok(Some(text)) => match Progress::parse(&text) {
                Ok(progress) => Course { progress, ..Course::default() },
                Err(why) => Course { notice: Some(format!("Your saved progress could not be read ({why}) and was reset.")), ..Course::default() },
            },
            Err(why) => Course::default().reduce(CourseAction::Unsaved(why)),
        }
    }

    pub fn reduce(mut self, action: CourseAction) -> Course {
        match action {
            CourseAction::Record(l) => self.progress.record(l),
            CourseAction::Import(name, got) => match got.and_then(|t| Progress::parse(&t)) {
                Ok(p) => {
                    self.notice = Some(format!("Imported your progress from {name}: {} lesson(s).", p.lessons.len()));
                    self.progress = p;
                }
                Err(why) => self.notice = Some(format!("{name} could not be imported ({why}); your progress is unchanged.")),
            },
            CourseAction::Stored(text) => {
                if let Ok(p) = Progress::parse(&text) {
                    self.progress = p;
                }
            }
            CourseAction::Unsaved(why) if !self.unsaved_said => {
                self.unsaved_said = true;
                self.notice = Some(format!("Your progress cannot be saved in this browser ({why}); it lasts until you close the page."));
            }
            CourseAction::Unsaved(_) => {}
        }
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lesson(id: &str, reached: usize, pages: usize) -> LessonProgress {
        LessonProgress { id: id.into(), reached, pages, ..LessonProgress::default() }
    }

    fn sample() -> Progress {
        let mut p = Progress::default();
        p.record(LessonProgress {
            quizzes: vec![("q-1".into(), Some(true)), ("q-2".into(), Some(false)), ("q-3".into(), None)],
            challenges: vec![("c".into(), true)],
            ..lesson("02-keys", 5, 10)
        });
        p.record(lesson("01-topics", 4, 4));
        p
    }

    const SAMPLE: &str = "flightsim-progress 1\nlesson 01-topics reached 4 of 4\nlesson 02-keys reached 5 of 10\nquiz q-1 right\nquiz q-2 wrong\nquiz q-3 unanswered\nchallenge c met\n";

    #[test]
    fn the_text_round_trips_sorted_by_lesson() {
        let p = sample();
        assert_eq!(p.to_text(), SAMPLE);
        assert_eq!(Progress::parse(SAMPLE), Ok(p.clone()));
        assert_eq!(Progress::parse(&SAMPLE.replace('\n', "\r\n")), Ok(p.clone()), "a file saved on Windows");
        assert_eq!(Progress::parse(&format!("{SAMPLE}\n\n")), Ok(p));
        assert_eq!(Progress::parse("flightsim-progress 1"), Ok(Progress::default()));
        assert_eq!(Progress::parse(&Progress::default().to_text()), Ok(Progress::default()));
    }

    #[test]
    fn every_kind_of_damage_is_refused_with_one_line_of_why() {
        let cases: &[(&str, &str)] = &[
            ("", "it is not a progress file"),
            ("{\"lessons\":[]}", "it is not a progress file"),
            ("flightsim-progress", "it is not a progress file"),
            ("flightsim-progress 0\n", "it is version 0; this simulator reads version 1"),
            ("flightsim-progress 2\nlesson a reached 1 of 1\n", "it is version 2; this simulator reads version 1"),
            ("flightsim-progress 1\nquiz q right\n", "line 2: progress before any lesson"),
            ("flightsim-progress 1\nlesson a reached 1 of 2 extra\n", "line 2: unknown line `lesson a reached 1 of 2 extra`"),
            ("flightsim-progress 1\nlesson a reached 1 of 2\nquiz q maybe\n", "line 3: unknown line `quiz q maybe`"),
            ("flightsim-progress 1\nlesson a reached 1 of 2\nhints 3\n", "line 3: unknown line `hints 3`"),
            ("flightsim-progress 1\nlesson a  reached 1 of 2\n", "line 2: unknown line `lesson a  reached 1 of 2`"),
            ("flightsim-progress 1\nlesson a reached x of 2\n", "line 2: a page count is not a number"),
            ("flightsim-progress 1\nlesson a reached +1 of 2\n", "line 2: a page count is not a number"),
            ("flightsim-progress 1\nlesson a reached 1 of 99999999999999999999\n", "line 2: a page count is not a number"),
            ("flightsim-progress 1\nlesson a reached 3 of 2\n", "line 2: page 3 of 2 cannot be reached"),
            ("flightsim-progress 1\nlesson a reached 0 of 2\n", "line 2: page 0 of 2 cannot be reached"),
            ("flightsim-progress 1\nlesson ../x reached 1 of 2\n", "line 2: `../x` is not a lesson id"),
            ("flightsim-progress 1\nlesson a reached 1 of 2\nquiz <b> right\n", "line 3: `<b>` is not a quiz or challenge id"),
            ("flightsim-progress 1\nlesson a reached 1 of 2\nlesson a reached 2 of 2\n", "line 3: lesson a is listed twice"),
            ("flightsim-progress 1\nlesson a reached 1 of 2\nquiz q right\nchallenge q met\n", "line 4: q is listed twice"),
            ("flightsim-progress 1\nlesson b reached 1 of 2\nlesson a reached 1 of 2\n", "its lessons are out of order"),
        ];
        for (text, why) in cases {
            assert_eq!(Progress::parse(text).as_ref().map_err(String::as_str), Err(*why), "{text:?}");
        }
        let long = format!("{SAMPLE}{}", "x".repeat(MAX_BYTES));
        assert_eq!(Progress::parse(&long), Err("it is larger than 64 KB".into()));
        let quoted = Progress::parse(&format!("flightsim-progress 1\n{}\n", "y".repeat(500))).unwrap_err();
        assert!(quoted.len() < 80, "one short line: {quoted}");
    }

    #[test]
    fn a_score_counts_first_answers_only() {
        let mut p = Progress::default();
        let page = |q1, q2| LessonProgress { quizzes: vec![("q1".into(), q1), ("q2".into(), q2)], ..lesson("a", 3, 5) };
        p.record(page(Some(false), None));
        assert_eq!(p.lesson("a").unwrap().score(), (0, 2));
        // Opened again later: a right answer to q1 does not replace the wrong first one.
        p.record(page(Some(true), Some(true)));
        assert_eq!(p.lesson("a").unwrap().score(), (1, 2));
        assert_eq!(p.lesson("a").unwrap().quizzes, [("q1".into(), Some(false)), ("q2".into(), Some(true))]);
        p.record(page(None, Some(false)));
        assert_eq!(p.lesson("a").unwrap().score(), (1, 2));
    }

    #[test]
    fn a_lesson_keeps_its_furthest_page_and_completes_with_every_challenge_met() {
        let mut p = Progress::default();
        let at = |reached, met| LessonProgress { challenges: vec![("c".into(), met)], ..lesson("a", reached, 4) };
        p.record(at(4, false));
        assert!(!p.lesson("a").unwrap().completed(), "the last page, but the challenge is not met");
        p.record(at(3, true));
        assert_eq!(p.lesson("a").unwrap().reached, 4, "reopening at an earlier page keeps the furthest");
        assert!(p.lesson("a").unwrap().completed());
        p.record(at(1, false));
        assert!(p.lesson("a").unwrap().completed(), "a challenge once met stays met");
        // The lesson's file changed: its pages and items are the new ones, the old results kept.
        p.record(LessonProgress { quizzes: vec![("new".into(), None)], challenges: vec![("c".into(), false), ("d".into(), false)], ..lesson("a", 1, 3) });
        let l = p.lesson("a").unwrap();
        assert_eq!((l.reached, l.pages, l.challenges.clone(), l.completed()), (3, 3, vec![("c".into(), true), ("d".into(), false)], false));
        assert_eq!(l.summary(), "in progress, page 3 of 3, quizzes 0/1");
        assert_eq!(lesson("b", 2, 2).summary(), "completed");
    }

    #[test]
    fn the_next_lesson_is_the_first_not_completed() {
        let index: Vec<(String, String)> = ["01-topics", "02-keys", "03-acks"].iter().map(|i| (i.to_string(), i.to_uppercase())).collect();
        let none = Progress::default();
        assert_eq!(none.next_lesson(&index), Some((&index[0], false)), "start here");
        let p = sample();
        assert_eq!(p.next_lesson(&index), Some((&index[1], true)), "continue with");
        let mut all = p.clone();
        all.record(LessonProgress { challenges: vec![("c".into(), true)], ..lesson("02-keys", 10, 10) });
        all.record(lesson("03-acks", 1, 1));
        assert_eq!(all.next_lesson(&index), None);
    }

    #[test]
    fn the_course_resets_unreadable_progress_and_says_why() {
        assert_eq!(Course::open(Ok(None)), Course::default());
        assert_eq!(Course::open(Ok(Some(SAMPLE.into()))).progress, sample());
        let reset = Course::open(Ok(Some("flightsim-progress 9\n".into())));
        assert_eq!(reset.progress, Progress::default());
        assert_eq!(reset.notice.as_deref(), Some("Your saved progress could not be read (it is version 9; this simulator reads version 1) and was reset."));
        let off = Course::open(Err("storage is not allowed".into()));
        assert_eq!(off.notice.as_deref(), Some("Your progress cannot be saved in this browser (storage is not allowed); it lasts until you close the page."));
        // Said once: later failed writes do not bring the notice back once replaced.
        let mut c = off.reduce(CourseAction::Import("p.txt".into(), Ok(SAMPLE.into())));
        c = c.reduce(CourseAction::Unsaved("full".into()));
        assert_eq!(c.notice.as_deref(), Some("Imported your progress from p.txt: 2 lesson(s)."));
    }

    #[test]
    fn an_import_replaces_the_progress_or_changes_nothing_and_says_why() {
        let c = Course::default().reduce(CourseAction::Record(lesson("09-x", 1, 3)));
        let bad = c.clone().reduce(CourseAction::Import("notes.txt".into(), Ok("hello".into())));
        assert_eq!(bad.progress, c.progress);
        assert_eq!(bad.notice.as_deref(), Some("notes.txt could not be imported (it is not a progress file); your progress is unchanged."));
        let unread = c.clone().reduce(CourseAction::Import("big.txt".into(), Err("it is larger than 64 KB".into())));
        assert_eq!((unread.progress == c.progress, unread.notice.unwrap().contains("(it is larger than 64 KB)")), (true, true));
        let good = bad.reduce(CourseAction::Import(FILE_NAME.into(), Ok(SAMPLE.into())));
        assert_eq!(good.progress, sample());
        // Another tab's write is followed; a damaged one is not.
        let other = good.clone().reduce(CourseAction::Stored("garbage".into()));
        assert_eq!(other.progress, sample());
        assert_eq!(other.reduce(CourseAction::Stored(c.progress.to_text())).progress, c.progress);
        let mut once = Course::default().reduce(CourseAction::Unsaved("full".into()));
        once.notice = None;
        assert_eq!(once.reduce(CourseAction::Unsaved("full".into())).notice, None);
    }
}
