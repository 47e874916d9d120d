//! The lesson file format (docs/LESSONS.md), read line by line.
//!
//! - `# step: id`, `# quiz: id`, `# challenge: id` and `# cluster` start sections; the lines
//!   before the first one are the lesson's header.
//! - `name: value` is a field: a field's name, a colon, a space. Lines indented under a
//!   field continue it (a command block, a long sentence).
//! - `//` at the start of a line is a comment for the teacher.
//! - Any other line is narration (Markdown subset, see `text.rs`), in one piece per section.
use crate::shell::{did_you_mean, parse_script};

use super::query::is_query_name;
use super::query::Query;
use super::text;
use super::*;

/// A field as written: its name, its value (continuation lines dedented, joined by newlines),
/// the line of the name and the line the value starts on.
struct Field {
    line: usize,
    key: String,
    value: String,
    value_line: usize,
}

#[derive(Copy, Clone, PartialEq, Eq, Debug)]
enum Kind {
    Header,
    Cluster,
    Step,
    Quiz,
    Challenge,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::Header => "the lesson's header",
            Kind::Cluster => "# cluster",
            Kind::Step => "a step",
            Kind::Quiz => "a quiz",
            Kind::Challenge => "a challenge",
        }
    }

    fn fields(self) -> &'static [&'static str] {
        match self {
            Kind::Header => &["id", "title", "objective", "requires", "covers"],
            Kind::Cluster => &["brokers", "seed", "run"],
            Kind::Step => &["title", "run", "fails", "highlight", "left", "right", "left-run", "right-run"],
            Kind::Quiz => &["kind", "pick", "ask", "vary", "answer", "option", "label", "why", "item", "when", "explain", "then"],
            Kind::Challenge => &["title", "goal", "hint", "solution", "then", "survive"],
        }
    }

    fn has_narration(self) -> bool {
        matches!(self, Kind::Header | Kind::Step | Kind::Challenge)
    }
}

const KINDS: [Kind; 5] = [Kind::Header, Kind::Cluster, Kind::Step, Kind::Quiz, Kind::Challenge];

/// One section as written: its kind, id, line, fields and narration.
struct Section {
    kind: Kind,
    id: String,
    line: usize,
    fields: Vec<Field>,
    narration: Vec<(usize, String)>,
    /// The line of the first field after the narration began (narration in two pieces).
    split_by: Option<usize>,
}

impl Section {
    fn new(kind: Kind, id: &str, line: usize) -> Self {
        Section { kind, id: id.to_string(), line, fields: Vec::new(), narration: Vec::new(), split_by: None }
    }
}

/// `name: value`, where the name is a field of some section or close to one (a typo, reported
/// with a did-you-mean). Any other `word:` at the start of a line is narration (prose wrapped
/// so that a line begins `colon: ...`).
fn is_field(line: &str) -> Option<(&str, &str)> {
    let (key, rest) = line.split_once(':')?;
    let ok = key.starts_with(|c: char| c.is_ascii_lowercase()) && key.chars().all(|c| c.is_ascii_lowercase() || c == '-');
    let all = || KINDS.iter().flat_map(|k| k.fields().iter().copied());
    let known = all().any(|f| f == key) || did_you_mean(key, all()).is_some();
    (ok && known && (rest.is_empty() || rest.starts_with(' '))).then(|| (key, rest.trim()))
}

fn valid_id(id: &str) -> bool {
    id.starts_with(|c: char| c.is_ascii_lowercase() || c.is_ascii_digit()) && id.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

struct Parser<'a> {
    file: &'a str,
    errors: Vec<LessonError>,
}

impl Parser<'_> {
    fn err(&mut self, line: usize, message: impl Into<String>) {
        self.errors.push(LessonError::new(self.file, line, message));
    }
}

/// Splits the file into sections of fields and narration.
fn sections(p: &mut Parser, source: &str) -> Vec<Section> {
    let lines: Vec<&str> = source.lines().collect();
    let mut out = vec![Section::new(Kind::Header, "", 1)];
    let mut i = 0;
    let mut fence = false;
    while i < lines.len() {
        let n = i + 1;
        let line = lines[i].trim_end();
        i += 1;
        let sec = out.last_mut().expect("a section");
        if fence {
            fence = !line.trim_start().starts_with("```");
            sec.narration.push((n, line.to_string()));
            continue;
        }
        if let Some(head) = line.strip_prefix("# ") {
            let (name, id) = match head.split_once(':') {
                Some((a, b)) => (a.trim(), b.trim()),
                None => (head.trim(), ""),
            };
            let kind = match name {
                "step" => Kind::Step,
                "quiz" => Kind::Quiz,
                "challenge" => Kind::Challenge,
                "cluster" => Kind::Cluster,
                other => {
                    p.err(n, format!("unknown section `# {other}`; sections are `# cluster`, `# step: <id>`, `# quiz: <id>` and `# challenge: <id>`"));
                    out.push(Section::new(Kind::Step, "", n));
                    continue;
                }
            };
            if kind == Kind::Cluster && !id.is_empty() {
                p.err(n, "`# cluster` takes no id");
            } else if kind != Kind::Cluster && !valid_id(id) {
                p.err(n, format!("`# {name}:` needs an id of lowercase letters, digits and dashes, like `# {name}: same-key`"));
            }
            out.push(Section::new(kind, id, n));
            continue;
        }
        if line.starts_with('#') {
            p.err(n, "a `#` line starts a section: `# step: <id>`, `# quiz: <id>`, `# challenge: <id>` or `# cluster` (narration cannot start with `#`)");
            continue;
        }
        if line.starts_with("//") {
            continue;
        }
        if let Some((key, first)) = is_field(line) {
            // The field's continuation: indented lines, and blank lines followed by more of them.
            let mut block: Vec<&str> = Vec::new();
            while i < lines.len() {
                let l = lines[i];
                if l.starts_with([' ', '\t']) && !l.trim().is_empty() {
                    block.push(l);
                    i += 1;
                } else if l.trim().is_empty()
                    && lines[i..].iter().find(|x| !x.trim().is_empty()).is_some_and(|x| x.starts_with([' ', '\t']))
                    && !block.is_empty()
                {
                    block.push("");
                    i += 1;
                } else {
                    break;
                }
            }
            let indent = block.iter().filter(|l| !l.trim().is_empty()).map(|l| l.len() - l.trim_start().len()).min().unwrap_or(0);
            let mut parts: Vec<String> = Vec::new();
            if !first.is_empty() {
                parts.push(first.to_string());
            }
            parts.extend(block.iter().map(|l| l.get(indent..).unwrap_or(l.trim_start()).trim_end().to_string()));
            let value_line = if first.is_empty() { n + 1 } else { n };
            if !sec.narration.is_empty() && sec.split_by.is_none() {
                sec.split_by = Some(n);
            }
            sec.fields.push(Field { line: n, key: key.to_string(), value: parts.join("\n"), value_line });
            continue;
        }
        if line.trim_start().starts_with("```") {
            fence = true;
        }
        if line.trim().is_empty() && sec.narration.is_empty() {
            continue;
        }
        if !line.trim().is_empty() {
            if let Some(split) = sec.split_by.take().filter(|_| !sec.narration.is_empty()) {
                p.err(n, format!("the narration of {} is in two pieces, split by the field on line {split}; keep it together", sec.kind.name()));
            }
        }
        sec.narration.push((n, line.to_string()));
    }
    if fence {
        let l = out.last().and_then(|s| s.narration.iter().rev().find(|(_, t)| t.trim_start().starts_with("```")).map(|(n, _)| *n)).unwrap_or(0);
        p.err(l, "a ``` code block is not closed");
    }
    out
}

fn narration(sec: &Section) -> Option<Text> {
    let mut lines = sec.narration.clone();
    while lines.last().is_some_and(|(_, l)| l.trim().is_empty()) {
        lines.pop();
    }
    let first = lines.first()?.0;
    // Line numbers of the text are counted from its first line: fill skipped lines (fields
    // never sit inside narration, but blank lines may) so they stay aligned.
    let mut source = String::new();
    let mut at = first;
    for (n, l) in lines {
        while at < n {
            source.push('\n');
            at += 1;
        }
        source.push_str(&l);
        source.push('\n');
        at += 1;
    }
    Some(Text { line: first, source })
}

/// Parses a lesson, and checks everything that can be checked without running it: fields,
/// ids, queries and claims, Markdown, command syntax. `file` is used in errors and must be
/// named after the lesson's id (`lessons/<id>.lesson`).
pub fn parse(file: &str, source: &str) -> Result<Lesson, Vec<LessonError>> {
    let mut p = Parser { file, errors: Vec::new() };
    let secs = sections(&mut p, source);
    let mut lesson = Lesson {
        file: file.to_string(),
        id: String::new(),
        title: String::new(),
        objectives: Vec::new(),
        requires: Vec::new(),
        covers: Vec::new(),
        intro: None,
        cluster: Cluster { line: 0, brokers: crate::shell::DEFAULT_BROKERS, seed: 1, setup: Vec::new() },
        items: Vec::new(),
    };
    let mut seen_cluster = false;
    let mut ids: Vec<(String, usize)> = Vec::new();
    for sec in &secs {
        if sec.kind != Kind::Header && !sec.id.is_empty() {
            if let Some((_, l)) = ids.iter().find(|(i, _)| *i == sec.id) {
                p.err(sec.line, format!("duplicate id `{}`: line {l} uses it already", sec.id));
            }
            ids.push((sec.id.clone(), sec.line));
        }
        // Field names this kind of section does not take.
        for f in &sec.fields {
            if !sec.kind.fields().contains(&f.key.as_str()) {
                let elsewhere = KINDS.iter().find(|k| k.fields().contains(&f.key.as_str()));
                let msg = match (elsewhere, did_you_mean(&f.key, sec.kind.fields().iter().copied())) {
                    (_, Some(m)) => format!("unknown field `{}:` in {}; did you mean `{m}:`?", f.key, sec.kind.name()),
                    (Some(k), None) => format!("`{}:` belongs in {}, not in {}", f.key, k.name(), sec.kind.name()),
                    (None, None) => format!("unknown field `{}:` in {}; it takes {}", f.key, sec.kind.name(), list(sec.kind.fields())),
                };
                p.err(f.line, msg);
            }
        }
        if !sec.kind.has_narration() {
            if let Some((n, _)) = sec.narration.first() {
                let why = if sec.kind == Kind::Quiz { "a quiz asks with `ask:`" } else { "the cluster section holds only `brokers:`, `seed:` and `run:`" };
                p.err(*n, format!("this line is not a field ({why}); a field is a lowercase name, a colon and a space"));
            }
        }
        match sec.kind {
            Kind::Header => header(&mut p, sec, &mut lesson),
            Kind::Cluster => {
                if seen_cluster {
                    p.err(sec.line, "a second `# cluster` section; a lesson starts from one cluster");
                }
                seen_cluster = true;
                lesson.cluster = cluster(&mut p, sec);
            }
            Kind::Step => {
                if let Some(s) = step(&mut p, sec) {
                    lesson.items.push(Item::Step(s));
                }
            }
            Kind::Quiz => {
                if let Some(q) = quiz(&mut p, sec) {
                    lesson.items.push(Item::Quiz(q));
                }
            }
            Kind::Challenge => {
                if let Some(c) = challenge(&mut p, sec) {
                    lesson.items.push(Item::Challenge(c));
                }
            }
        }
    }
    if !lesson.items.iter().any(|i| matches!(i, Item::Step(_))) && p.errors.is_empty() {
        p.err(0, "a lesson needs at least one `# step: <id>`");
    }
    // Quizzes check their own texts, with their parameters.
    let mut texts: Vec<&Text> = lesson.intro.iter().collect();
    for item in &lesson.items {
        match item {
            Item::Step(s) => texts.push(&s.text),
            Item::Challenge(c) => {
                texts.push(&c.text);
                texts.extend(c.hints.iter());
            }
            Item::Quiz(_) => {}
        }
    }
    for t in texts {
        check_text(&mut p, t, &[]);
    }
    if p.errors.is_empty() {
        Ok(lesson)
    } else {
        Err(p.errors)
    }
}

fn list(names: &[&str]) -> String {
    names.iter().map(|n| format!("`{n}:`")).collect::<Vec<_>>().join(", ")
}

/// The value of a field that may appear once.
fn single<'a>(p: &mut Parser, sec: &'a Section, key: &str) -> Option<&'a Field> {
    let mut found = sec.fields.iter().filter(|f| f.key == key);
    let first = found.next();
    if let Some(second) = found.next() {
        p.err(second.line, format!("a second `{key}:`; {} has one", sec.kind.name()));
    }
    if let Some(f) = first.filter(|f| f.value.trim().is_empty()) {
        p.err(f.line, format!("`{key}:` is empty"));
    }
    first
}

fn required<'a>(p: &mut Parser, sec: &'a Section, key: &str, example: &str) -> Option<&'a Field> {
    let f = single(p, sec, key);
    if f.is_none() {
        p.err(sec.line, format!("{} needs `{key}:` ({example})", sec.kind.name()));
    }
    f
}

fn all<'a>(sec: &'a Section, key: &'a str) -> impl Iterator<Item = &'a Field> {
    sec.fields.iter().filter(move |f| f.key == key)
}

fn one_line(f: &Field) -> String {
    f.value.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn header(p: &mut Parser, sec: &Section, lesson: &mut Lesson) {
    if let Some(f) = required(p, sec, "id", "the file's name without .lesson") {
        lesson.id = one_line(f);
        let stem = p.file.rsplit('/').next().unwrap_or(p.file).strip_suffix(".lesson");
        if !valid_id(&lesson.id) {
            p.err(f.line, "a lesson id is lowercase letters, digits and dashes, like `02-keys-choose-partitions`");
        } else if stem.is_some_and(|s| s != lesson.id) {
            p.err(f.line, format!("the id `{}` is not the file's name: name the file {}.lesson", lesson.id, lesson.id));
        }
    }
    if let Some(f) = required(p, sec, "title", "what the learner reads in the course list") {
        lesson.title = one_line(f);
    }
    lesson.objectives = all(sec, "objective").map(one_line).collect();
    lesson.requires = all(sec, "requires").map(one_line).collect();
    lesson.covers = all(sec, "covers").map(one_line).collect();
    if lesson.objectives.is_empty() {
        p.err(sec.line, "a lesson needs at least one `objective:` (what the learner can do afterwards)");
    }
    if lesson.covers.is_empty() {
        p.err(sec.line, "a lesson needs at least one `covers:` (the curriculum's exercise or section it teaches)");
    }
    for f in all(sec, "requires") {
        if !valid_id(&one_line(f)) {
            p.err(f.line, "`requires:` names one lesson id per line");
        }
    }
    lesson.intro = narration(sec);
}

fn commands(p: &mut Parser, f: &Field, expect_failure: bool) -> Vec<Cmd> {
    let mut out = Vec::new();
    for c in parse_script(&f.value) {
        match c {
            Err(e) => p.err(f.value_line + e.line - 1, format!("this command cannot be read: {}", e.error)),
            Ok(c) => {
                let line = f.value_line + c.line - 1;
                if c.argv[0] == "reset" {
                    p.err(line, "a lesson does not `reset`: its cluster is set by `brokers:` and `seed:` under `# cluster`");
                }
                out.push(Cmd { line, text: c.text, argv: c.argv, stdin: c.stdin, expect_failure });
            }
        }
    }
    if expect_failure && out.len() != 1 {
        p.err(f.line, "`fails:` takes one command (the one that shows an error)");
    }
    out
}

fn cluster(p: &mut Parser, sec: &Section) -> Cluster {
    let mut c = Cluster { line: sec.line, brokers: crate::shell::DEFAULT_BROKERS, seed: 1, setup: Vec::new() };
    if let Some(f) = single(p, sec, "brokers") {
        match one_line(f).parse::<i32>() {
            Ok(n) if (1..=9).contains(&n) => c.brokers = n,
            _ => p.err(f.line, "`brokers:` takes a number from 1 to 9"),
        }
    }
    if let Some(f) = single(p, sec, "seed") {
        match one_line(f).parse::<u64>() {
            Ok(s) => c.seed = s,
            Err(_) => p.err(f.line, "`seed:` takes a whole number"),
        }
    }
    for f in all(sec, "run") {
        c.setup.extend(commands(p, f, false));
    }
    c
}

fn title(p: &mut Parser, sec: &Section) -> String {
    required(p, sec, "title", "a short heading").map(one_line).unwrap_or_default()
}

fn step(p: &mut Parser, sec: &Section) -> Option<Step> {
    let title = title(p, sec);
    let mut cmds = Vec::new();
    let mut highlights = Vec::new();
    for f in &sec.fields {
        match f.key.as_str() {
            "run" => cmds.extend(commands(p, f, false)),
            "fails" => cmds.extend(commands(p, f, true)),
            "highlight" => {
                let v = one_line(f);
                let (kind, target) = v.split_once(' ').unwrap_or((&v, ""));
                let kind = match kind {
                    "topic" => HighlightKind::Topic,
                    "partition" => {
                        if let Err(m) = query::parse_partition(target) {
                            p.err(f.line, m);
                        }
                        HighlightKind::Partition
                    }
                    "broker" => {
                        if target.parse::<i32>().is_err() {
                            p.err(f.line, format!("`highlight: broker` takes a broker id, like `highlight: broker 2`, not `{target}`"));
                        }
                        HighlightKind::Broker
                    }
                    "group" => HighlightKind::Group,
                    "client" => HighlightKind::Client,
                    other => {
                        p.err(
                            f.line,
                            format!("`highlight:` points at a topic, partition, broker, group or client (`highlight: partition orders-0`), not `{other}`"),
                        );
                        continue;
                    }
                };
                if target.trim().is_empty() || target.contains(' ') {
                    p.err(f.line, format!("`highlight: {v}` names one thing after its kind, like `highlight: topic orders`"));
                }
                highlights.push(Highlight { line: f.line, kind, target: target.trim().to_string() });
            }
            _ => {}
        }
    }
    let sides = compare(p, sec);
    let Some(text) = narration(sec) else {
        p.err(sec.line, "a step needs narration: the lines under its fields that tell the learner what happens");
        return None;
    };
    Some(Step { id: sec.id.clone(), line: sec.line, title, text, commands: cmds, highlights, sides })
}

/// A compare step's two sides: `left:` and `right:` name them, `left-run:` and `right-run:`
/// are each side's own commands (then the step's `run:` runs on both).
fn compare(p: &mut Parser, sec: &Section) -> Option<Sides> {
    let any = sec.fields.iter().find(|f| matches!(f.key.as_str(), "left" | "right" | "left-run" | "right-run"))?;
    let side = |p: &mut Parser, name: &str| -> Side {
        let label = single(p, sec, name).map(one_line).unwrap_or_default();
        if label.is_empty() {
            p.err(any.line, format!("a compare step needs `{name}:` naming its {name} side, like `{name}: acks=1`"));
        }
        let commands = all(sec, &format!("{name}-run")).flat_map(|f| commands(p, f, false)).collect::<Vec<_>>();
        Side { label, commands }
    };
    let (left, right) = (side(p, "left"), side(p, "right"));
    if left.commands.is_empty() && right.commands.is_empty() {
        p.err(any.line, "a compare step needs `left-run:` or `right-run:`: what makes its two sides differ");
    }
    Some(Sides { left, right })
}

fn text_of(f: &Field) -> Text {
    Text { line: f.value_line, source: f.value.clone() }
}

/// `vary: key from user-1..user-50` or `vary: broker from 1,2,3`.
fn vary(p: &mut Parser, f: &Field) -> Option<Vary> {
    let v = one_line(f);
    let Some((name, spec)) = v.split_once(" from ") else {
        p.err(f.line, "`vary:` reads `<name> from <first>..<last>` or `<name> from a,b,c`, like `vary: key from user-1..user-50`");
        return None;
    };
    let name = name.trim();
    if !valid_id(name) || is_query_name(name) {
        p.err(f.line, format!("`{name}` is not a parameter name: use lowercase letters, like `key`"));
    }
    let spec = spec.trim();
    let values: Vec<String> = if let Some((a, b)) = spec.split_once("..") {
        let split = |s: &str| {
            let digits = s.len() - s.trim_end_matches(|c: char| c.is_ascii_digit()).len();
            (s[..s.len() - digits].to_string(), s[s.len() - digits..].parse::<u64>().ok())
        };
        match (split(a.trim()), split(b.trim())) {
            ((pa, Some(lo)), (pb, Some(hi))) if pa == pb && lo <= hi && hi - lo < 10_000 => (lo..=hi).map(|n| format!("{pa}{n}")).collect(),
            _ => {
                p.err(f.line, format!("`{spec}` is not a range: both ends share a prefix and end in numbers, the first no larger (at most 10000 values), like user-1..user-50"));
                return None;
            }
        }
    } else {
        spec.split(',').map(str::trim).filter(|s| !s.is_empty()).map(String::from).collect()
    };
    if values.is_empty() {
        p.err(f.line, "`vary:` needs at least one value");
        return None;
    }
    Some(Vary { line: f.line, name: name.to_string(), values })
}

fn quiz(p: &mut Parser, sec: &Section) -> Option<Quiz> {
    let kind = required(p, sec, "kind", "`kind: predict`, `kind: click`, `kind: choice` or `kind: order`").map(one_line);
    let ask = required(p, sec, "ask", "the question").map(text_of);
    let explain = single(p, sec, "explain").map(text_of);
    let vary: Vec<Vary> = all(sec, "vary").filter_map(|f| vary(p, f)).collect();
    for (i, v) in vary.iter().enumerate() {
        if vary[..i].iter().any(|w| w.name == v.name) {
            p.err(v.line, format!("a second `vary: {} ...`", v.name));
        }
    }
    // The first value of each parameter stands in for every variant while checking syntax.
    let sample = Bindings(vary.iter().map(|v| (v.name.clone(), v.values[0].clone())).collect());
    let kind = match kind.as_deref() {
        Some(k @ ("predict" | "click")) => {
            if let Some(f) = sec.fields.iter().find(|f| matches!(f.key.as_str(), "option" | "label" | "why" | "item" | "when")) {
                let other = if matches!(f.key.as_str(), "item" | "when") { "order" } else { "choice" };
                p.err(f.line, format!("`{}:` is for `kind: {other}`; a {k} quiz has one `answer:`", f.key));
            }
            // What the learner clicks: the answer's query names one of these.
            let on_stage = match (k, single(p, sec, "pick")) {
                ("predict", None) => None,
                ("predict", Some(f)) => {
                    p.err(f.line, "`pick:` is for `kind: click` (what the learner clicks on the stage)");
                    None
                }
                (_, None) => {
                    p.err(sec.line, "a click quiz needs `pick:` saying what to click: `broker` or `client`");
                    None
                }
                // What a query can answer with: a broker (`leader`) or a client (`owner`).
                (_, Some(f)) => match one_line(f).as_str() {
                    "broker" => Some(HighlightKind::Broker),
                    "client" => Some(HighlightKind::Client),
                    other => {
                        p.err(f.line, format!("`pick:` is `broker` or `client` (what a query's answer can name on the stage), not `{other}`"));
                        None
                    }
                },
            };
            if explain.is_none() {
                p.err(sec.line, format!("a {k} quiz needs `explain:` (why the answer is what it is)"));
            }
            let Some(f) = single(p, sec, "answer") else {
                p.err(sec.line, format!("a {k} quiz needs `answer:` with a query, like `answer: leader orders-0`"));
                return None;
            };
            let t = Template { line: f.line, text: one_line(f) };
            if let Err(e) = t.query(&sample) {
                p.err(f.line, format!("answer: {}", e.message));
            }
            QuizKind::Predict { answer: t, on_stage }
        }
        Some("choice") => {
            if let Some(f) = sec.fields.iter().find(|f| matches!(f.key.as_str(), "answer" | "item" | "when")) {
                let other = if f.key == "answer" { "predict" } else { "order" };
                p.err(f.line, format!("`{}:` is for `kind: {other}`; a choice quiz's options are claims the simulation checks", f.key));
            }
            let mut options: Vec<ChoiceOption> = Vec::new();
            let mut pending: Option<(usize, Template, Option<Text>, Option<Text>)> = None;
            let finish = |p: &mut Parser, o: Option<(usize, Template, Option<Text>, Option<Text>)>, options: &mut Vec<ChoiceOption>| {
                if let Some((line, claim, label, why)) = o {
                    match why {
                        Some(why) => options.push(ChoiceOption { line, claim, label, why }),
                        None => p.err(line, "this option has no `why:`; every option says why it is right or why it is wrong"),
                    }
                }
            };
            for f in &sec.fields {
                match f.key.as_str() {
                    "option" => {
                        finish(p, pending.take(), &mut options);
                        let t = Template { line: f.line, text: one_line(f) };
                        if let Err(e) = t.condition(&sample) {
                            p.err(f.line, format!("option: {}", e.message));
                        }
                        pending = Some((f.line, t, None, None));
                    }
                    "label" | "why" => match pending.as_mut() {
                        None => p.err(f.line, format!("`{}:` comes after the `option:` it describes", f.key)),
                        Some((_, _, label, why)) => {
                            let slot = if f.key == "label" { label } else { why };
                            if slot.is_some() {
                                p.err(f.line, format!("a second `{}:` for this option", f.key));
                            }
                            *slot = Some(text_of(f));
                        }
                    },
                    _ => {}
                }
            }
            finish(p, pending.take(), &mut options);
            if options.len() < 2 && all(sec, "option").count() < 2 {
                p.err(sec.line, "a choice quiz needs at least two `option:` lines");
            }
            QuizKind::Choice { options }
        }
        Some("order") => QuizKind::Order { items: order_items(p, sec, &sample, explain.is_some()) },
        Some(other) => {
            p.err(
                sec.fields.iter().find(|f| f.key == "kind").map_or(sec.line, |f| f.line),
                format!("unknown quiz kind `{other}`; use `predict`, `click`, `choice` or `order`"),
            );
            return None;
        }
        None => return None,
    };
    let then = all(sec, "then").flat_map(|f| commands(p, f, false)).collect();
    let quiz = Quiz { id: sec.id.clone(), line: sec.line, ask: ask?, vary, kind, explain, then };
    // Blanks in the quiz's texts may use its parameters.
    let names: Vec<String> = quiz.vary.iter().map(|v| v.name.clone()).collect();
    for t in quiz.texts() {
        check_text(p, t, &names);
    }
    Some(quiz)
}

/// An order quiz's items: each `item:` (what the learner reads) followed by its `when:` (a
/// piece of a trace line, blanks allowed), at least two.
fn order_items(p: &mut Parser, sec: &Section, sample: &Bindings, explained: bool) -> Vec<OrderItem> {
    if let Some(f) = sec.fields.iter().find(|f| matches!(f.key.as_str(), "answer" | "option" | "label" | "why" | "pick")) {
        p.err(f.line, format!("`{}:` is not for `kind: order`: an order quiz has `item:` lines, each followed by its `when:`", f.key));
    }
    if !explained {
        p.err(sec.line, "an order quiz needs `explain:` (why things happen in this order)");
    }
    let mut items = Vec::new();
    let mut pending: Option<(usize, Text)> = None;
    for f in &sec.fields {
        match f.key.as_str() {
            "item" => {
                if let Some((line, _)) = pending.replace((f.line, text_of(f))) {
                    p.err(line, "this item has no `when:`; every item names the trace line that places it, like `when: controller fenced broker 1`");
                }
            }
            "when" => {
                let Some((line, label)) = pending.take() else {
                    p.err(
                        f.line,
                        if items.is_empty() { "`when:` comes after the `item:` it places" } else { "a second `when:` for this item; each item has one" },
                    );
                    continue;
                };
                let when = Template { line: f.line, text: one_line(f) };
                // Blanks hold the quiz's parameters or queries, filled when it is asked.
                let filled = text::fill(&when.text, false, &mut |inner| match sample.get(inner) {
                    Some(v) => Ok(v.to_string()),
                    None => Query::parse(inner).map(|_| "0".into()),
                });
                match filled {
                    Err((_, m)) => p.err(f.line, format!("when: {m}")),
                    Ok(t) if t.trim().is_empty() => p.err(f.line, "`when:` is empty"),
                    Ok(_) => {}
                }
                items.push(OrderItem { line, label, when });
            }
            _ => {}
        }
    }
    if let Some((line, _)) = pending {
        p.err(line, "this item has no `when:`; every item names the trace line that places it, like `when: controller fenced broker 1`");
    }
    if all(sec, "item").count() < 2 {
        p.err(sec.line, "an order quiz needs at least two `item:` lines");
    }
    items
}

fn challenge(p: &mut Parser, sec: &Section) -> Option<Challenge> {
    let title = title(p, sec);
    let none = Bindings::default();
    let goals: Vec<Template> = all(sec, "goal").map(|f| Template { line: f.line, text: one_line(f) }).collect();
    for g in &goals {
        if let Err(e) = g.condition(&none) {
            p.err(g.line, format!("goal: {}", e.message));
        }
    }
    if goals.is_empty() {
        p.err(sec.line, "a challenge needs at least one `goal:`, like `goal: isr orders-0 = 1,2,3`");
    }
    let hints: Vec<Text> = all(sec, "hint").map(text_of).collect();
    if hints.is_empty() {
        p.err(sec.line, "a challenge needs at least one `hint:`");
    }
    let solution = match required(p, sec, "solution", "the commands that reach the goal") {
        Some(f) => commands(p, f, false),
        None => Vec::new(),
    };
    let mut then = Vec::new();
    for f in all(sec, "then") {
        then.extend(commands(p, f, false));
    }
    // Blanks are filled when a command runs; here each must be a query. (The command was read
    // with its blanks in it; a query's answer adds no quote or backslash.)
    for c in &then {
        if let Err(m) = fill_blanks(&c.text, &mut |q| Query::parse(q).map(|_| String::new())) {
            p.err(c.line, format!("then: {m}"));
        }
    }
    let survive: Vec<Template> = all(sec, "survive").map(|f| Template { line: f.line, text: one_line(f) }).collect();
    for s in &survive {
        if let Err(e) = s.condition(&none) {
            p.err(s.line, format!("survive: {}", e.message));
        }
    }
    if let (Some(s), true) = (survive.first(), then.is_empty()) {
        p.err(s.line, "`survive:` says what must still hold after the `then:` commands, and this challenge has none: add `then:`, like `then: kill broker {leader orders-0}`");
    }
    let Some(text) = narration(sec) else {
        p.err(sec.line, "a challenge needs narration: the task, in words");
        return None;
    };
    Some(Challenge { id: sec.id.clone(), line: sec.line, title, text, goals, hints, solution, then, survive })
}

/// Checks a text's Markdown and its blanks: a blank is one of `params` or a query.
fn check_text(p: &mut Parser, t: &Text, params: &[String]) {
    let mut problem: Option<String> = None;
    let mut resolve = |inner: &str| -> Result<String, String> {
        if params.iter().any(|n| n == inner) {
            return Ok("0".into());
        }
        // Parameters inside a query were filled with the first draw by now; any other blank
        // must be a query the engine can answer.
        match Query::parse(inner) {
            Ok(_) => Ok("0".into()),
            Err(m) => {
                if problem.is_none() && !inner.contains(' ') {
                    problem = Some(format!("`{{{inner}}}` is neither a parameter nor a query"));
                }
                Err(m)
            }
        }
    };
    let filled = text::fill(&t.source, true, &mut resolve);
    let res = filled.and_then(|f| text::markdown(&f));
    if let Err((l, m)) = res {
        let m = problem.unwrap_or(m);
        p.err(t.line + l, m);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SRC: &str = "id: t
title: T
objective: O
covers: C

# step: s
title: S
highlight: partition orders-0
run:
    kafka-console-producer.sh --bootstrap-server localhost:9092 \\
        --topic orders
    a
    b
    .

    tick 1s
fails: kafka-topics.sh --bootstrap-server localhost:9092 --alter --topic orders --partitions 1

First line,
colon: still narration.

# quiz: q
kind: choice
vary: n from 1..3
ask: Is it {n}
    or not?
option: partitions orders = {n}
label: Yes
why: Because.
option: partitions orders != {n}
why: Because
    not.
";

    #[test]
    fn fields_blocks_and_narration_keep_their_lines() {
        let l = parse("lessons/t.lesson", SRC).unwrap();
        let Item::Step(s) = &l.items[0] else { panic!() };
        assert_eq!((s.line, s.title.as_str()), (6, "S"));
        assert_eq!(s.highlights, vec![Highlight { line: 8, kind: HighlightKind::Partition, target: "orders-0".into() }]);
        let lines: Vec<(usize, bool)> = s.commands.iter().map(|c| (c.line, c.expect_failure)).collect();
        assert_eq!(lines, vec![(10, false), (16, false), (17, true)]);
        assert_eq!(s.commands[0].stdin, vec!["a", "b"]);
        assert_eq!(s.commands[0].argv.last().map(String::as_str), Some("orders"));
        assert_eq!(s.text, Text { line: 19, source: "First line,\ncolon: still narration.\n".into() });
        let Item::Quiz(q) = &l.items[1] else { panic!() };
        assert_eq!(q.vary, vec![Vary { line: 24, name: "n".into(), values: vec!["1".into(), "2".into(), "3".into()] }]);
        assert_eq!(q.ask, Text { line: 25, source: "Is it {n}\nor not?".into() });
        let QuizKind::Choice { options } = &q.kind else { panic!() };
        assert_eq!(options.iter().map(|o| (o.line, o.label.is_some())).collect::<Vec<_>>(), vec![(27, true), (30, false)]);
        assert_eq!(options[1].why.source, "Because\nnot.");
    }
}
