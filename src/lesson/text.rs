//! A lesson's words: a small Markdown subset for narration, and `{...}` blanks filled in
//! before it is shown: a quiz's parameter (`{key}`) or a query the simulation answers at that
//! moment (`{leader orders-0}`), so even the narration cannot disagree with the engine.
//!
//! Blocks: paragraphs (a blank line between them), `- ` list items, fenced code (```).
//! Inline: `` `code` ``, `**strong**`, `*emphasis*`, `[text](glossary:id)`,
//! `[text](https://...)`, and `\` before a character to take it literally (`\{`, `\*`).

/// Narration ready to show: plain structures, no Markdown left to interpret.
#[derive(Clone, PartialEq, Eq, Debug, Default)]
pub struct Narration {
    pub blocks: Vec<Block>,
}

#[derive(Clone, PartialEq, Eq, Debug)]
pub enum Block {
    Paragraph(Vec<Inline>),
    /// One entry per `- ` item.
    List(Vec<Vec<Inline>>),
    /// A fenced block, shown as written (commands, output).
    Code(String),
}

#[derive(Clone, PartialEq, Eq, Debug)]
pub enum Inline {
    Text(String),
    Code(String),
    Strong(String),
    Emphasis(String),
    /// A link to an entry of the glossary, by its id.
    Glossary {
        text: String,
        id: String,
    },
    Link {
        text: String,
        url: String,
    },
}

impl Narration {
    /// The words alone, one paragraph a line: for the terminal and for tests.
    pub fn plain(&self) -> String {
        let mut out = String::new();
        for b in &self.blocks {
            match b {
                Block::Paragraph(p) => out.push_str(&plain_inlines(p)),
                Block::List(items) => {
                    let lines: Vec<String> = items.iter().map(|i| format!("- {}", plain_inlines(i))).collect();
                    out.push_str(&lines.join("\n"));
                }
                Block::Code(c) => out.push_str(c),
            }
            out.push('\n');
        }
        out
    }

    /// Every glossary id linked from this narration.
    pub fn glossary_ids(&self) -> Vec<&str> {
        let mut ids = Vec::new();
        for b in &self.blocks {
            let runs: Vec<&Vec<Inline>> = match b {
                Block::Paragraph(p) => vec![p],
                Block::List(items) => items.iter().collect(),
                Block::Code(_) => vec![],
            };
            for r in runs {
                for i in r {
                    if let Inline::Glossary { id, .. } = i {
                        ids.push(id.as_str());
                    }
                }
            }
        }
        ids
    }
}

fn plain_inlines(run: &[Inline]) -> String {
    run.iter()
        .map(|i| match i {
            Inline::Text(t) | Inline::Code(t) | Inline::Strong(t) | Inline::Emphasis(t) => t.as_str(),
            Inline::Glossary { text, .. } | Inline::Link { text, .. } => text.as_str(),
        })
        .collect()
}

/// A problem found in a text: the line (counted from the text's first line, 0) and why.
pub type TextError = (usize, String);

fn line_of(text: &str, byte: usize) -> usize {
    text[..byte.min(text.len())].matches('\n').count()
}

/// Fills every `{...}` blank with what `resolve` answers for its contents. Blanks may hold
/// blanks (`{partition-for-key orders {key}}`): the inner ones are filled first. For
/// Markdown (`markdown` true) a filled value has its Markdown characters escaped, so it is
/// shown as it is; otherwise (queries, claims) `\{` is a plain brace.
pub fn fill(text: &str, markdown: bool, resolve: &mut dyn FnMut(&str) -> Result<String, String>) -> Result<String, TextError> {
    let mut out = String::new();
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        match c {
            '\\' => {
                if markdown {
                    out.push('\\');
                }
                if let Some((_, n)) = chars.next() {
                    out.push(n);
                }
            }
            '{' => {
                let mut depth = 1;
                let mut end = None;
                for (j, d) in chars.by_ref() {
                    match d {
                        '{' => depth += 1,
                        '}' => {
                            depth -= 1;
                            if depth == 0 {
                                end = Some(j);
                                break;
                            }
                        }
                        _ => {}
                    }
                }
                let Some(end) = end else { return Err((line_of(text, i), "a `{` is not closed by `}` (write `\\{` for a brace)".into())) };
                let inner = fill(&text[i + 1..end], false, resolve).map_err(|(l, m)| (l + line_of(text, i), m))?;
                let value = resolve(inner.trim()).map_err(|m| (line_of(text, i), m))?;
                for v in value.chars() {
                    if markdown && matches!(v, '\\' | '*' | '`' | '[' | ']' | '{' | '}') {
                        out.push('\\');
                    }
                    out.push(v);
                }
            }
            c => out.push(c),
        }
    }
    Ok(out)
}

/// Parses filled narration. Errors name the line within the text.
pub fn markdown(text: &str) -> Result<Narration, TextError> {
    let mut blocks = Vec::new();
    let mut para: Option<(usize, String)> = None;
    let mut list: Vec<(usize, String)> = Vec::new();
    let mut fence: Option<(usize, Vec<&str>)> = None;
    let flush = |para: &mut Option<(usize, String)>, list: &mut Vec<(usize, String)>, blocks: &mut Vec<Block>| -> Result<(), TextError> {
        if let Some((l, p)) = para.take() {
            blocks.push(Block::Paragraph(inlines(&p).map_err(|(o, m)| (l + o, m))?));
        }
        if !list.is_empty() {
            let items = list.drain(..).map(|(l, t)| inlines(&t).map_err(|(o, m)| (l + o, m))).collect::<Result<Vec<_>, _>>()?;
            blocks.push(Block::List(items));
        }
        Ok(())
    };
    for (n, line) in text.lines().enumerate() {
        if let Some((_, body)) = fence.as_mut() {
            if line.trim_start().starts_with("```") {
                let (_, body) = fence.take().unwrap_or_default();
                blocks.push(Block::Code(body.join("\n")));
            } else {
                body.push(line);
            }
            continue;
        }
        let t = line.trim_start();
        if t.starts_with("```") {
            flush(&mut para, &mut list, &mut blocks)?;
            fence = Some((n, Vec::new()));
        } else if t.is_empty() {
            flush(&mut para, &mut list, &mut blocks)?;
        } else if let Some(item) = t.strip_prefix("- ") {
            if let Some((l, p)) = para.take() {
                blocks.push(Block::Paragraph(inlines(&p).map_err(|(o, m)| (l + o, m))?));
            }
            list.push((n, item.to_string()));
        } else if t.starts_with('#') {
            return Err((n, "a narration line cannot start with `#` (headings are the step's `title:`; `# ` starts a section)".into()));
        } else if let Some((_, item)) = list.last_mut().filter(|_| line.starts_with([' ', '\t'])) {
            item.push('\n');
            item.push_str(t);
        } else {
            if !list.is_empty() {
                flush(&mut para, &mut list, &mut blocks)?;
            }
            match para.as_mut() {
                Some((_, p)) => {
                    p.push('\n');
                    p.push_str(t);
                }
                None => para = Some((n, t.to_string())),
            }
        }
    }
    if let Some((n, _)) = fence {
        return Err((n, "a ``` code block is not closed".into()));
    }
    flush(&mut para, &mut list, &mut blocks)?;
    Ok(Narration { blocks })
}

/// One paragraph's inline Markdown. Newlines are spaces; the error offset is in lines.
fn inlines(text: &str) -> Result<Vec<Inline>, TextError> {
    let mut out = Vec::new();
    let mut buf = String::new();
    let b = text.as_bytes();
    let mut i = 0;
    let closing = |from: usize, pat: &str| text[from..].find(pat).map(|p| p + from);
    let flat = |s: &str| s.replace('\n', " ");
    while i < b.len() {
        let c = text[i..].chars().next().unwrap_or(' ');
        match c {
            '\\' if i + 1 < b.len() => {
                let n = text[i + 1..].chars().next().unwrap_or(' ');
                buf.push(n);
                i += 1 + n.len_utf8();
            }
            '`' => {
                let end = closing(i + 1, "`").ok_or_else(|| (line_of(text, i), "a `code` span is not closed by a second backtick".to_string()))?;
                take(&mut buf, &mut out);
                out.push(Inline::Code(flat(&text[i + 1..end])));
                i = end + 1;
            }
            '*' if text[i..].starts_with("**") => {
                let end = closing(i + 2, "**").ok_or_else(|| (line_of(text, i), "**strong** text is not closed by a second `**`".to_string()))?;
                take(&mut buf, &mut out);
                out.push(Inline::Strong(unescape(&flat(&text[i + 2..end]))));
                i = end + 2;
            }
            '*' => {
                let end =
                    closing(i + 1, "*").ok_or_else(|| (line_of(text, i), "*emphasis* is not closed by a second `*` (write `\\*` for a star)".to_string()))?;
                take(&mut buf, &mut out);
                out.push(Inline::Emphasis(unescape(&flat(&text[i + 1..end]))));
                i = end + 1;
            }
            '[' => {
                let Some(mid) = closing(i + 1, "](") else {
                    buf.push('[');
                    i += 1;
                    continue;
                };
                let end = closing(mid + 2, ")").ok_or_else(|| (line_of(text, i), "a link's `(` is not closed by `)`".to_string()))?;
                let label = unescape(&flat(&text[i + 1..mid]));
                let target = text[mid + 2..end].trim();
                take(&mut buf, &mut out);
                if let Some(id) = target.strip_prefix("glossary:") {
                    out.push(Inline::Glossary { text: label, id: id.to_string() });
                } else if target.starts_with("https://") || target.starts_with("http://") {
                    out.push(Inline::Link { text: label, url: target.to_string() });
                } else {
                    return Err((line_of(text, i), format!("a link goes to glossary:<id> or to an http(s) address, not `{target}`")));
                }
                i = end + 1;
            }
            '\n' => {
                buf.push(' ');
                i += 1;
            }
            c => {
                buf.push(c);
                i += c.len_utf8();
            }
        }
    }
    take(&mut buf, &mut out);
    Ok(out)
}

fn unescape(s: &str) -> String {
    let mut out = String::new();
    let mut it = s.chars();
    while let Some(c) = it.next() {
        if c == '\\' {
            if let Some(n) = it.next() {
                out.push(n);
            }
        } else {
            out.push(c);
        }
    }
    out
}

fn take(buf: &mut String, out: &mut Vec<Inline>) {
    if !buf.is_empty() {
        out.push(Inline::Text(std::mem::take(buf)));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_subset() {
        let n = markdown(
            "A [partition](glossary:partition) is a **log**,\nread with `kafka-console-consumer.sh`.\n\n- one *idea*\n  goes on\n- two\n\n```\n$ tick 1s\n```",
        )
        .unwrap();
        assert_eq!(n.blocks.len(), 3);
        assert_eq!(
            n.blocks[0],
            Block::Paragraph(vec![
                Inline::Text("A ".into()),
                Inline::Glossary { text: "partition".into(), id: "partition".into() },
                Inline::Text(" is a ".into()),
                Inline::Strong("log".into()),
                Inline::Text(", read with ".into()),
                Inline::Code("kafka-console-consumer.sh".into()),
                Inline::Text(".".into()),
            ])
        );
        assert_eq!(
            n.blocks[1],
            Block::List(vec![
                vec![Inline::Text("one ".into()), Inline::Emphasis("idea".into()), Inline::Text(" goes on".into())],
                vec![Inline::Text("two".into())]
            ])
        );
        assert_eq!(n.blocks[2], Block::Code("$ tick 1s".into()));
        assert_eq!(n.glossary_ids(), vec!["partition"]);
        assert_eq!(markdown("5 \\* 3 [1] \\{").unwrap().plain(), "5 * 3 [1] {\n");
    }

    #[test]
    fn markdown_errors_name_the_line() {
        assert_eq!(markdown("fine\nthis `is not closed").unwrap_err().0, 1);
        assert_eq!(markdown("a\n\nb\n[x](ftp://y)").unwrap_err(), (3, "a link goes to glossary:<id> or to an http(s) address, not `ftp://y`".into()));
        assert_eq!(markdown("a\n```\ncode").unwrap_err().0, 1);
        assert!(markdown("**open").is_err());
        assert!(markdown("## heading").is_err());
    }

    #[test]
    fn blanks_are_filled_and_escaped() {
        let mut r = |s: &str| match s {
            "key" => Ok("user_*1".to_string()),
            "partition-for-key orders user_*1" => Ok("2".to_string()),
            other => Err(format!("unknown `{other}`")),
        };
        let filled = fill("key {key} goes to {partition-for-key orders {key}}, \\{not a blank}", true, &mut r).unwrap();
        assert_eq!(filled, "key user_\\*1 goes to 2, \\{not a blank}");
        assert_eq!(markdown(&filled).unwrap().plain(), "key user_*1 goes to 2, {not a blank}\n");
        assert_eq!(fill("a\n{nope}", true, &mut r).unwrap_err(), (1, "unknown `nope`".into()));
        assert_eq!(fill("a {open", true, &mut r).unwrap_err().0, 0);
        assert_eq!(fill("a } b", true, &mut r).unwrap(), "a } b");
    }
}
