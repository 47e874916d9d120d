//! The regular expressions Kafka's `--topic` include-lists take (Java regex, whole-string
//! match), in the subset people type: literals, `.`, `*`, `+`, `?`, `|`, `[...]` classes
//! (with ranges and `^` negation), `\` escapes and groups `( )`. `split` is Java's
//! `Pattern.split` (the console producer's `headers.separator` is such a pattern).

#[derive(Debug, Clone, PartialEq, Eq)]
enum Node {
    Char(char),
    Any,
    Class(Vec<(char, char)>, bool),
    Group(Vec<Vec<Item>>),
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Item {
    node: Node,
    min: usize,
    max: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pattern {
    alternatives: Vec<Vec<Item>>,
}

impl Pattern {
    pub fn new(src: &str) -> Result<Pattern, String> {
        let chars: Vec<char> = src.chars().collect();
        let mut pos = 0;
        let alternatives = parse_alts(&chars, &mut pos)?;
        if pos != chars.len() {
            return Err(format!("Unmatched closing ')' near index {pos}: {src}"));
        }
        Ok(Pattern { alternatives })
    }

    pub fn matches(&self, s: &str) -> bool {
        let chars: Vec<char> = s.chars().collect();
        self.alternatives.iter().any(|alt| match_seq(alt, &chars, 0).contains(&chars.len()))
    }

    /// The first match at or after char `from`: its start and end (chars). Where several ends
    /// are possible the longest is taken (Java takes the first its backtracking finds: the
    /// same for the separators people write, which have one).
    fn find(&self, s: &[char], from: usize) -> Option<(usize, usize)> {
        (from..=s.len()).find_map(|i| self.alternatives.iter().flat_map(|alt| match_seq(alt, s, i)).max().map(|end| (i, end)))
    }

    /// Java's `Pattern.split(input)` (limit 0): the pieces between matches; no leading empty
    /// piece for an empty match at the start, trailing empty pieces dropped, and the whole
    /// input when nothing matches.
    pub fn split(&self, input: &str) -> Vec<String> {
        let s: Vec<char> = input.chars().collect();
        let piece = |a: usize, b: usize| s[a..b].iter().collect::<String>();
        let mut out = Vec::new();
        let mut index = 0;
        let mut from = 0;
        let mut matched = false;
        while let Some((start, end)) = self.find(&s, from) {
            // Matcher.find goes on after the match, one further after an empty one.
            from = if end == start { end + 1 } else { end };
            if index == 0 && start == 0 && start == end {
                continue;
            }
            matched = true;
            out.push(piece(index, start));
            index = end;
            if from > s.len() {
                break;
            }
        }
        if !matched {
            return vec![input.to_string()];
        }
        out.push(piece(index, s.len()));
        while out.last().is_some_and(String::is_empty) {
            out.pop();
        }
        out
    }
}

fn parse_alts(c: &[char], pos: &mut usize) -> Result<Vec<Vec<Item>>, String> {
    let mut alts = vec![Vec::new()];
    while *pos < c.len() {
        let ch = c[*pos];
        let node = match ch {
            ')' => break,
            '|' => {
                *pos += 1;
                alts.push(Vec::new());
                continue;
            }
            '(' => {
                *pos += 1;
                let inner = parse_alts(c, pos)?;
                if c.get(*pos) != Some(&')') {
                    return Err("Unclosed group".into());
                }
                *pos += 1;
                Node::Group(inner)
            }
            '.' => {
                *pos += 1;
                Node::Any
            }
            '[' => {
                *pos += 1;
                let negate = c.get(*pos) == Some(&'^');
                if negate {
                    *pos += 1;
                }
                let mut ranges = Vec::new();
                let mut first = true;
                loop {
                    let Some(&a) = c.get(*pos) else { return Err("Unclosed character class".into()) };
                    if a == ']' && !first {
                        *pos += 1;
                        break;
                    }
                    first = false;
                    let a = if a == '\\' {
                        *pos += 1;
                        *c.get(*pos).ok_or("Unclosed character class")?
                    } else {
                        a
                    };
                    *pos += 1;
                    if c.get(*pos) == Some(&'-') && c.get(*pos + 1).is_some_and(|x| *x != ']') {
                        ranges.push((a, c[*pos + 1]));
                        *pos += 2;
                    } else {
                        ranges.push((a, a));
                    }
                }
                Node::Class(ranges, negate)
            }
            '\\' => {
                *pos += 1;
                let e = *c.get(*pos).ok_or("Unexpected internal error: trailing backslash")?;
                *pos += 1;
                match e {
                    'd' => Node::Class(vec![('0', '9')], false),
                    'w' => Node::Class(vec![('a', 'z'), ('A', 'Z'), ('0', '9'), ('_', '_')], false),
                    other => Node::Char(other),
                }
            }
            '*' | '+' | '?' => return Err(format!("Dangling meta character '{ch}' near index {}", *pos)),
            other => {
                *pos += 1;
                Node::Char(other)
            }
        };
        let (min, max) = match c.get(*pos) {
            Some('*') => (0, usize::MAX),
            Some('+') => (1, usize::MAX),
            Some('?') => (0, 1),
            _ => (1, 1),
        };
        if (min, max) != (1, 1) {
            *pos += 1;
        }
        alts.last_mut().expect("non-empty").push(Item { node, min, max });
    }
    Ok(alts)
}

fn match_one(node: &Node, s: &[char], i: usize) -> Vec<usize> {
    match node {
        Node::Char(ch) => (s.get(i) == Some(ch)).then_some(i + 1).into_iter().collect(),
        Node::Any => (i < s.len()).then_some(i + 1).into_iter().collect(),
        Node::Class(ranges, negate) => s.get(i).filter(|ch| ranges.iter().any(|(a, b)| (*a..=*b).contains(ch)) != *negate).map(|_| i + 1).into_iter().collect(),
        Node::Group(alts) => {
            let mut out: Vec<usize> = alts.iter().flat_map(|alt| match_seq(alt, s, i)).collect();
            crate::sort::sort(&mut out);
            out.dedup();
            out
        }
    }
}

/// Every end position reachable by matching `items` from `i`.
fn match_seq(items: &[Item], s: &[char], i: usize) -> Vec<usize> {
    let Some((first, rest)) = items.split_first() else { return vec![i] };
    let mut ends = Vec::new();
    let mut frontier = vec![i];
    let mut count = 0;
    loop {
        if count >= first.min {
            for &p in &frontier {
                ends.extend(match_seq(rest, s, p));
            }
        }
        if count == first.max || frontier.is_empty() {
            break;
        }
        let mut next: Vec<usize> = frontier.iter().flat_map(|&p| match_one(&first.node, s, p)).filter(|p| !frontier.contains(p) || count < first.min).collect();
        crate::sort::sort(&mut next);
        next.dedup();
        if next.is_empty() || next == frontier {
            break;
        }
        frontier = next;
        count += 1;
    }
    crate::sort::sort(&mut ends);
    ends.dedup();
    ends
}

#[cfg(test)]
mod tests {
    use super::Pattern;

    #[test]
    fn java_style_whole_matches() {
        let p = |s: &str| Pattern::new(s).unwrap();
        assert!(p("orders").matches("orders"));
        assert!(!p("orders").matches("orders-v2"));
        assert!(p("orders.*").matches("orders-v2"));
        assert!(p(".*").matches(""));
        assert!(p("a|b").matches("b"));
        assert!(p("user-[0-9]+").matches("user-42"));
        assert!(!p("user-[0-9]+").matches("user-"));
        assert!(p("(ab)+c?").matches("ababc"));
        assert!(p("a\\.b").matches("a.b") && !p("a\\.b").matches("axb"));
        assert!(Pattern::new("*a").is_err());
        assert!(Pattern::new("[abc").is_err());
    }

    #[test]
    fn split_as_java_splits() {
        let split = |p: &str, s: &str| Pattern::new(p).unwrap().split(s);
        assert_eq!(split(",", "a:1,b:2"), vec!["a:1", "b:2"]);
        assert_eq!(split(",", "a,,b,,"), vec!["a", "", "b"]);
        assert_eq!(split(",", ",a"), vec!["", "a"]);
        assert_eq!(split(",", "ab"), vec!["ab"]);
        assert_eq!(split(",", ""), vec![""]);
        assert!(split(",", ",,").is_empty());
        assert_eq!(split("\\|", "a|b"), vec!["a", "b"]);
        assert_eq!(split("[;,]+", "a;,b,c"), vec!["a", "b", "c"]);
        assert_eq!(split("x*", "abc"), vec!["a", "b", "c"]);
    }
}
