//! The regular expressions Kafka's `--topic` include-lists take (Java regex, whole-string
//! match), in the subset people type: literals, `.`, `*`, `+`, `?`, `|`, `[...]` classes
//! (with ranges and `^` negation), `\` escapes and groups `( )`.

#[derive(Debug, Clone)]
enum Node {
    Char(char),
    Any,
    Class(Vec<(char, char)>, bool),
    Group(Vec<Vec<Item>>),
}

#[derive(Debug, Clone)]
struct Item {
    node: Node,
    min: usize,
    max: usize,
}

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
        Node::Class(ranges, negate) => s
            .get(i)
            .filter(|ch| ranges.iter().any(|(a, b)| (*a..=*b).contains(ch)) != *negate)
            .map(|_| i + 1)
            .into_iter()
            .collect(),
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
}
