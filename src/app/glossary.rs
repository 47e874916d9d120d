//! The glossary: Kafka's terms in plain words, and where the simulator simplifies Kafka. Its
//! text is data, `glossary/glossary.txt` (Trunk copies it into dist), fetched by the glossary
//! page when it opens, as lessons are: it is not compiled into the app. What the app keeps is
//! what linking needs: the keywords of narration and the entry ids they lead to (tests check
//! each against the file). This module parses the file, builds the page's HTML and splits a
//! line of narration into text, code spans and glossary links.
use super::html::escape;
use crate::lesson::LessonError;

/// The glossary's file, as the page fetches it and as errors name it.
pub const FILE: &str = "glossary/glossary.txt";

#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Entry {
    pub id: String,
    pub term: String,
    pub text: String,
}

#[derive(Clone, PartialEq, Eq, Debug, Default)]
pub struct Glossary {
    pub entries: Vec<Entry>,
    /// Where the simulator is simpler than Kafka. Never something Kafka does not do: a
    /// shortcut in how, not a change in what.
    pub simplifications: Vec<String>,
}

impl Glossary {
    pub fn get(&self, id: &str) -> Option<&Entry> {
        self.entries.iter().find(|e| e.id == id)
    }

    pub fn ids(&self) -> Vec<&str> {
        self.entries.iter().map(|e| e.id.as_str()).collect()
    }
}

/// Parses the glossary's file (its format is in the file's header and docs/LESSONS.md): `//`
/// comments, `# <id>: <Term>` then one paragraph of text per entry, and `# simplifications`
/// then `- ` items. The first problem is the error, with its line. (The reasons are fixed
/// words, not formatted: the parser is in the bundle.)
pub fn parse(text: &str) -> Result<Glossary, LessonError> {
    let mut g = Glossary::default();
    // 0: before any heading; 1: in an entry; 2: in the simplifications.
    let mut section = 0;
    // Whether the line before was text (so this one continues the same paragraph or item).
    let mut open = false;
    let mut heading = 0;
    let mut n = 0;
    let mut lines = text.lines();
    let problem = loop {
        let line = lines.next().map(str::trim_end);
        let empty_entry = section == 1 && g.entries.last().is_some_and(|e| e.text.is_empty());
        if empty_entry && line.is_none_or(|l| l.starts_with('#')) {
            n = heading;
            break "an entry has no text";
        }
        let Some(line) = line else { return Ok(g) };
        n += 1;
        if line.starts_with("//") {
            continue;
        }
        if line.is_empty() {
            open = false;
            continue;
        }
        if let Some(h) = line.strip_prefix('#') {
            let h = h.trim();
            open = false;
            if h == "simplifications" {
                if section == 2 || !g.simplifications.is_empty() {
                    break "a second `# simplifications`";
                }
                section = 2;
                continue;
            }
            let Some((id, term)) = h.split_once(':') else { break "expected `# <id>: <Term>` or `# simplifications`" };
            let (id, term) = (id.trim(), term.trim());
            if id.is_empty() || !id.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-') {
                break "an id is lowercase letters, digits and `-`";
            }
            if term.is_empty() {
                break "an entry needs its term after the `:`";
            }
            if g.get(id).is_some() {
                break "a second entry with this id";
            }
            g.entries.push(Entry { id: id.into(), term: term.into(), text: String::new() });
            section = 1;
            heading = n;
            continue;
        }
        let words = line.trim();
        match (section, g.entries.last_mut(), g.simplifications.last_mut()) {
            (0, ..) => break "text before the first entry: start one with `# <id>: <Term>`",
            (1, Some(e), _) => {
                if !e.text.is_empty() {
                    if !open {
                        break "an entry's text is one paragraph";
                    }
                    e.text.push(' ');
                }
                e.text.push_str(words);
            }
            (_, _, last) => match (line.strip_prefix("- "), last) {
                (Some(item), _) => g.simplifications.push(item.trim().into()),
                (None, Some(last)) if open => {
                    last.push(' ');
                    last.push_str(words);
                }
                _ => break "a simplification starts with `- `",
            },
        }
        open = true;
    };
    Err(LessonError::new(FILE, n, problem))
}

/// The glossary page's HTML (every piece of text escaped): loading (`None`), why the file
/// could not be had, or the entries and simplifications. Each entry is focusable, so a
/// narration link can bring it into view (`:focus` marks it; the router focuses it).
pub fn page_html(loaded: Option<Result<&Glossary, &str>>) -> String {
    let mut out = String::from(r#"<main id="main" class="page glossary"><h1>Glossary</h1>"#);
    match loaded {
        None => out.push_str("<p class=\"empty-state\" role=\"status\">Loading the glossary\u{2026}</p>"),
        Some(Err(e)) => {
            out.push_str("<p class=\"empty-state\" role=\"status\">");
            escape(e, &mut out);
            out.push_str("</p>");
        }
        Some(Ok(g)) => {
            out.push_str("<dl>");
            for e in &g.entries {
                out.push_str("<div id=\"term-");
                escape(&e.id, &mut out);
                out.push_str("\" tabindex=\"-1\" class=\"entry\"><dt>");
                escape(&e.term, &mut out);
                out.push_str("</dt><dd>");
                escape(&e.text, &mut out);
                out.push_str("</dd></div>");
            }
            out.push_str(r#"</dl><h2 id="simplifications">Where the simulator simplifies</h2><ul>"#);
            for s in &g.simplifications {
                out.push_str("<li>");
                escape(s, &mut out);
                out.push_str("</li>");
            }
            out.push_str("</ul>");
        }
    }
    out.push_str("</main>");
    out
}

/// Words in narration that lead to an entry, longest first (where two match at one place, the
/// longer wins). Matched as whole words, case aside: not inside a longer word ("Rebalance" in
/// `PreparingRebalance` is not linked) nor inside a dotted or dashed name (`leader` in
/// `unclean.leader.election.enable`). A keyword ending in `*` also takes the lowercase letters
/// that follow it ("rebalanc*": rebalance, rebalancing, rebalances). One `keyword=id` a line,
/// in one string: a table of string pairs costs the bundle more.
const KEYWORDS: &str = "unclean.leader.election.enable=unclean
replica.socket.timeout.ms=request-timeout
controlled shutdown=controlled-shutdown
min.insync.replicas=min-isr
request.timeout.ms=request-timeout
session.timeout.ms=session-timeout
committed offset*=committed-offset
log start offset=log-start
metadata update*=metadata-log
session timeout=session-timeout
high watermark=hw
log end offset=leo
static member*=static-member
leader epoch*=leader-epoch
metadata log=metadata-log
coordinator*=coordinator
generation*=rebalance
idempoten*=idempotent
committed=committed-offset
retention=retention
rebalanc*=rebalance
compact*=compaction
truncat*=truncation
unclean=unclean
unfence*=fenced
leader*=leader
offset*=offset
epoch*=leader-epoch
fence*=fenced
group*=group
acks=acks
isr=isr";

/// A piece of a narration line.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Segment<'a> {
    Text(&'a str),
    /// Between backticks (without them).
    Code(&'a str),
    /// A glossary term: its words as written, and the entry's id.
    Term(&'a str, &'static str),
}

/// Whether the byte at `i` belongs to a word: a letter, a digit or `_`, or a `.` or `-` between
/// two of them (`min.insync.replicas`, `orders-0`; not a sentence's full stop).
fn in_word(b: &[u8], i: usize) -> bool {
    let alnum = |j: usize| b.get(j).is_some_and(|c| c.is_ascii_alphanumeric());
    match b.get(i) {
        Some(c) if c.is_ascii_alphanumeric() || *c == b'_' => true,
        Some(b'.' | b'-') => i > 0 && alnum(i - 1) && alnum(i + 1),
        _ => false,
    }
}

/// The keywords and the ids they lead to.
fn keywords() -> impl Iterator<Item = (&'static str, &'static str)> {
    KEYWORDS.lines().filter_map(|l| l.split_once('='))
}

/// The keyword that starts at `i` (already at a word's start): where it ends, and its entry.
fn keyword_at(b: &[u8], i: usize) -> Option<(usize, &'static str)> {
    keywords().find_map(|(word, id)| {
        let (stem, more) = word.strip_suffix('*').map_or((word, false), |s| (s, true));
        let mut end = i + stem.len();
        if !b.get(i..end)?.eq_ignore_ascii_case(stem.as_bytes()) {
            return None;
        }
        while more && b.get(end).is_some_and(u8::is_ascii_lowercase) {
            end += 1;
        }
        (!in_word(b, end)).then_some((end, id))
    })
}

/// Links the terms of plain text (outside code spans), each entry once per line (`linked`).
fn terms<'a>(text: &'a str, linked: &mut Vec<&'static str>, out: &mut Vec<Segment<'a>>) {
    let b = text.as_bytes();
    let (mut from, mut i) = (0, 0);
    while i < b.len() {
        // Keywords are ASCII and start with a letter, so `i` and `end` are char boundaries.
        if b[i].is_ascii_alphabetic() && (i == 0 || !in_word(b, i - 1)) {
            if let Some((end, id)) = keyword_at(b, i) {
                if !linked.contains(&id) {
                    linked.push(id);
                    if from < i {
                        out.push(Segment::Text(&text[from..i]));
                    }
                    out.push(Segment::Term(&text[i..end], id));
                    from = end;
                }
                i = end;
                continue;
            }
        }
        i += 1;
    }
    if from < b.len() {
        out.push(Segment::Text(&text[from..]));
    }
}

/// A line of narration as text, code spans (`` `x` ``) and glossary links: the first time
/// each entry's term appears (a term inside a code span is not linked). A backtick without a
/// partner, and an empty pair, are shown as written.
pub fn segments(line: &str) -> Vec<Segment<'_>> {
    let mut out = Vec::new();
    let mut linked = Vec::new();
    let (mut from, mut at) = (0, 0);
    while let Some(open) = line[at..].find('`').map(|p| at + p) {
        let Some(close) = line[open + 1..].find('`').map(|p| open + 1 + p) else { break };
        at = close + 1;
        if close > open + 1 {
            terms(&line[from..open], &mut linked, &mut out);
            out.push(Segment::Code(&line[open + 1..close]));
            from = at;
        }
    }
    terms(&line[from..], &mut linked, &mut out);
    out
}

/// A narration line as HTML, in a `<span>` (every piece of text escaped): code spans as
/// `<code>`, terms as links to their entries, titled with the entry's text once the glossary
/// is loaded.
pub fn line_html(line: &str, glossary: Option<&Glossary>) -> String {
    let mut out = String::from("<span>");
    for s in segments(line) {
        match s {
            Segment::Text(t) => escape(t, &mut out),
            Segment::Code(c) => {
                out.push_str("<code>");
                escape(c, &mut out);
                out.push_str("</code>");
            }
            Segment::Term(t, id) => {
                out.push_str("<a href=\"#/glossary?term=");
                out.push_str(id);
                out.push('"');
                if let Some(e) = glossary.and_then(|g| g.get(id)) {
                    out.push_str(" title=\"");
                    escape(&e.text, &mut out);
                    out.push('"');
                }
                out.push('>');
                escape(t, &mut out);
                out.push_str("</a>");
            }
        }
    }
    out.push_str("</span>");
    out
}

/// The entry ids narration links to that `g` lacks (each with its keyword): none, or the
/// glossary's file and the app disagree.
pub fn missing_keyword_ids(g: &Glossary) -> Vec<String> {
    keywords().filter(|(_, id)| g.get(id).is_none()).map(|(word, id)| format!("{FILE}: no entry `{id}`, which narration links `{word}` to")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use Segment::{Code, Term, Text};

    /// The shipped file, read at compile time by the tests only (never in the app).
    const SHIPPED: &str = include_str!("../../glossary/glossary.txt");

    #[test]
    fn the_shipped_glossary_parses_and_has_every_linked_entry() {
        let g = parse(SHIPPED).unwrap_or_else(|e| panic!("{e}"));
        assert!(g.entries.len() >= 30 && g.simplifications.len() >= 15, "{} entries, {} simplifications", g.entries.len(), g.simplifications.len());
        assert!(g.entries.iter().all(|e| e.text.len() > 20 && !e.term.is_empty()));
        assert_eq!(missing_keyword_ids(&g), Vec::<String>::new());
        let isr = g.get("isr").expect("isr");
        assert_eq!(isr.term, "ISR (in-sync replicas)");
        assert!(isr.text.starts_with("The replicas that are caught up with the leader. A follower"), "lines are joined with one space: {}", isr.text);
        assert!(g.simplifications.iter().any(|s| s.contains("kafka-topics.sh --describe lists them all")));
    }

    #[test]
    fn a_malformed_file_is_refused_with_its_line_and_reason() {
        let refused = |text: &str| parse(text).expect_err(text).to_string();
        assert_eq!(refused("Some words.\n"), "glossary/glossary.txt:1: text before the first entry: start one with `# <id>: <Term>`");
        assert_eq!(refused("// c\n# isr ISR\nText of it.\n"), "glossary/glossary.txt:2: expected `# <id>: <Term>` or `# simplifications`");
        assert_eq!(refused("# In Sync: ISR\ntext\n"), "glossary/glossary.txt:1: an id is lowercase letters, digits and `-`");
        assert_eq!(refused("# isr:\ntext\n"), "glossary/glossary.txt:1: an entry needs its term after the `:`");
        assert_eq!(refused("# isr: ISR\n\n# hw: HW\ntext\n"), "glossary/glossary.txt:1: an entry has no text");
        assert_eq!(refused("# hw: HW\ntext\n// c\n# isr: ISR\n"), "glossary/glossary.txt:4: an entry has no text");
        assert_eq!(refused("# hw: HW\ntext\n# isr: ISR\n# simplifications\n"), "glossary/glossary.txt:3: an entry has no text");
        assert_eq!(refused("# isr: ISR\na\n\nb\n"), "glossary/glossary.txt:4: an entry's text is one paragraph");
        assert_eq!(refused("# isr: ISR\na\n# isr: Again\nb\n"), "glossary/glossary.txt:3: a second entry with this id");
        assert_eq!(refused("# simplifications\nno dash\n"), "glossary/glossary.txt:2: a simplification starts with `- `");
        assert_eq!(refused("# simplifications\n- one\n\nafter a blank\n"), "glossary/glossary.txt:4: a simplification starts with `- `");
        assert_eq!(refused("# simplifications\n- one\n# simplifications\n"), "glossary/glossary.txt:3: a second `# simplifications`");
        let g = parse("// a comment\n# isr: ISR\nThe replicas\n  caught up.\n\n# simplifications\n- One\n  goes on.\n// between\n- Two\n").expect("parses");
        assert_eq!(g.entries, vec![Entry { id: "isr".into(), term: "ISR".into(), text: "The replicas caught up.".into() }]);
        assert_eq!(g.simplifications, vec!["One goes on.".to_string(), "Two".into()]);
    }

    #[test]
    fn the_page_is_escaped_and_says_when_it_is_loading_or_missing() {
        let g = parse("# isr: ISR <in-sync>\nA & B.\n# simplifications\n- \"x\"\n").expect("parses");
        assert_eq!(
            page_html(Some(Ok(&g))),
            "<main id=\"main\" class=\"page glossary\"><h1>Glossary</h1><dl><div id=\"term-isr\" tabindex=\"-1\" class=\"entry\"><dt>ISR &lt;in-sync&gt;</dt><dd>A &amp; B.</dd></div></dl><h2 id=\"simplifications\">Where the simulator simplifies</h2><ul><li>&quot;x&quot;</li></ul></main>"
        );
        assert!(page_html(None).contains("role=\"status\">Loading the glossary"));
        assert!(page_html(Some(Err("cannot load glossary/glossary.txt: HTTP 500"))).contains(">cannot load glossary/glossary.txt: HTTP 500</p>"));
    }

    #[test]
    fn keywords_are_longest_first_and_lowercase() {
        let len = |w: &str| w.trim_end_matches('*').len();
        let k: Vec<_> = keywords().collect();
        assert_eq!(k.len(), KEYWORDS.lines().count(), "every line is `keyword=id`");
        assert!(k.windows(2).all(|w| len(w[0].0) >= len(w[1].0)), "longest first");
        assert!(k.iter().all(|(w, _)| w.bytes().next().is_some_and(|b| b.is_ascii_lowercase()) && !w.bytes().any(|b| b.is_ascii_uppercase())));
    }

    #[test]
    fn terms_are_whole_words_linked_once_per_line() {
        assert_eq!(segments("orders-0: isr now [1,2]"), vec![Text("orders-0: "), Term("isr", "isr"), Text(" now [1,2]")]);
        // The issue's example: a state name is not a term; "generation" is.
        assert_eq!(
            segments("group g1: PreparingRebalance (generation 2) because c1 joined"),
            vec![Term("group", "group"), Text(" g1: PreparingRebalance ("), Term("generation", "rebalance"), Text(" 2) because c1 joined")]
        );
        // The same entry twice (and through another keyword): linked the first time only.
        assert_eq!(
            segments("ISR shrank; the isr is [1] — a rebalance, generation 3"),
            vec![Term("ISR", "isr"), Text(" shrank; the isr is [1] — a "), Term("rebalance", "rebalance"), Text(", generation 3")]
        );
        // Several terms in one line, each linked; the longer keyword wins where two start.
        assert_eq!(
            segments("broker 2 high watermark 11, leader epoch 4, offset 3"),
            vec![
                Text("broker 2 "),
                Term("high watermark", "hw"),
                Text(" 11, "),
                Term("leader epoch", "leader-epoch"),
                Text(" 4, "),
                Term("offset", "offset"),
                Text(" 3")
            ]
        );
        // Stems take their endings; a full stop ends a word, a dotted name does not.
        assert_eq!(segments("Rebalancing."), vec![Term("Rebalancing", "rebalance"), Text(".")]);
        assert_eq!(
            segments("acks=all needs min.insync.replicas replicas"),
            vec![Term("acks", "acks"), Text("=all needs "), Term("min.insync.replicas", "min-isr"), Text(" replicas")]
        );
        assert_eq!(segments("unclean.leader.election.enable=true"), vec![Term("unclean.leader.election.enable", "unclean"), Text("=true")]);
        // Inside words and names: nothing.
        for line in ["OffsetsCommitted", "__consumer_offsets", "leader-epoch", "my-group", "regroup", "isrs", "GroupCoordinator"] {
            assert_eq!(segments(line), vec![Text(line)], "{line}");
        }
        assert_eq!(segments(""), vec![]);
        assert_eq!(segments("nothing to see"), vec![Text("nothing to see")]);
    }

    #[test]
    fn code_spans_are_code_and_a_lone_backtick_is_text() {
        assert_eq!(
            segments("run `kafka-topics.sh --describe` for the isr"),
            vec![Text("run "), Code("kafka-topics.sh --describe"), Text(" for the "), Term("isr", "isr")]
        );
        // A term inside code is not linked, and does not count as linked.
        assert_eq!(segments("`leader 1` then leader 2"), vec![Code("leader 1"), Text(" then "), Term("leader", "leader"), Text(" 2")]);
        assert_eq!(segments("it's a ` alone, leader"), vec![Text("it's a ` alone, "), Term("leader", "leader")]);
        assert_eq!(segments("`a` and `b` and ` c"), vec![Code("a"), Text(" and "), Code("b"), Text(" and ` c")]);
        assert_eq!(segments("empty `` pair"), vec![Text("empty `` pair")]);
    }

    #[test]
    fn a_line_as_html() {
        let g = parse("# isr: ISR\nThe \"caught up\" replicas.\n").expect("parses");
        assert_eq!(
            line_html("isr <now> `a&b`", Some(&g)),
            "<span><a href=\"#/glossary?term=isr\" title=\"The &quot;caught up&quot; replicas.\">isr</a> &lt;now&gt; <code>a&amp;b</code></span>"
        );
        assert_eq!(line_html("leader 1", None), "<span><a href=\"#/glossary?term=leader\">leader</a> 1</span>");
    }
}
