//! Splits a command line into words as a POSIX shell does: single quotes keep everything
//! literally, double quotes allow `\"`, `\\`, `\$` and `` \` `` escapes, a backslash outside
//! quotes escapes the next character, and an unquoted `#` starting a word begins a comment.
//!
//! A backslash followed by a newline, outside single quotes (inside double quotes too), is a
//! line continuation: both are removed and the command goes on on the next line (POSIX.1-2017
//! XCU 2.2.1 "Escape Character (Backslash)" and 2.2.3 "Double-Quotes"). `continues` tells
//! whether a line ends that way, so scripts and the console know to read the next line first.

use super::ShellError;

pub fn tokenize(line: &str) -> Result<Vec<String>, ShellError> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut in_word = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('\'') => break,
                        Some(ch) => word.push(ch),
                        None => return Err(ShellError::new("unterminated single quote: close it with '")),
                    }
                }
            }
            '"' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('"') => break,
                        Some('\\') => match chars.next() {
                            Some(ch @ ('"' | '\\' | '$' | '`')) => word.push(ch),
                            // Line continuation inside double quotes: both characters go.
                            Some('\n') => {}
                            Some(ch) => {
                                word.push('\\');
                                word.push(ch);
                            }
                            None => return Err(ShellError::new("unterminated double quote: close it with \"")),
                        },
                        Some(ch) => word.push(ch),
                        None => return Err(ShellError::new("unterminated double quote: close it with \"")),
                    }
                }
            }
            '\\' => match chars.next() {
                // Line continuation: the backslash and the newline are removed, and the word
                // (if any) goes on with the next line's first character.
                Some('\n') => {}
                Some(ch) => {
                    in_word = true;
                    word.push(ch);
                }
                None => return Err(ShellError::new("a line cannot end with a lone backslash: remove it or escape it as \\\\")),
            },
            '#' if !in_word => break,
            c if typographic(c).is_some() && (!in_word || !is_dash(c)) => return Err(typographic_error(c, !in_word, &mut chars)),
            c if c.is_whitespace() => {
                if in_word {
                    words.push(std::mem::take(&mut word));
                    in_word = false;
                }
            }
            c => {
                in_word = true;
                word.push(c);
            }
        }
    }
    if in_word {
        words.push(word);
    }
    Ok(words)
}

/// Characters that word processors and web pages put where a shell expects ASCII: the name
/// of each, for the hint. A command copied from a tutorial often carries them; unquoted, the
/// shell would take them as letters and the tool would reject the word without saying why.
fn typographic(c: char) -> Option<(&'static str, &'static str)> {
    Some(match c {
        '\u{2013}' => ("an en dash (U+2013)", "--"),
        '\u{2014}' => ("an em dash (U+2014)", "--"),
        '\u{2212}' => ("a minus sign (U+2212)", "-"),
        '\u{201C}' | '\u{201D}' => ("a typographic double quote (U+201C/U+201D)", "\""),
        '\u{2018}' | '\u{2019}' => ("a typographic single quote (U+2018/U+2019)", "'"),
        _ => return None,
    })
}

fn is_dash(c: char) -> bool {
    matches!(c, '\u{2013}' | '\u{2014}' | '\u{2212}')
}

/// A dash starting a word (`–topic`) or a quote outside quotes (`“hello”`): one line naming
/// the character and what to type instead. Dashes inside a word (`a–b`) are letters there.
fn typographic_error(c: char, word_start: bool, rest: &mut std::iter::Peekable<std::str::Chars>) -> ShellError {
    let (name, ascii) = typographic(c).expect("checked");
    if is_dash(c) && word_start {
        let word: String = std::iter::once(c).chain(std::iter::from_fn(|| rest.next_if(|ch| !ch.is_whitespace()))).collect();
        let fixed = format!("{ascii}{}", word.trim_start_matches(is_dash));
        return ShellError::new(format!("'{word}' starts with {name}, not hyphens (copied text often turns -- into one): type {fixed}"));
    }
    ShellError::new(format!("{c} is {name}, which a shell does not take as a quote (copied text often has it): type {ascii} instead"))
}

/// True when `text` ends with a backslash that escapes the newline to come: unquoted or inside
/// double quotes, not itself escaped, not in a comment and not inside single quotes. The
/// command then goes on on the next line, as in a POSIX shell (bash shows its `> ` prompt).
pub fn continues(text: &str) -> bool {
    let mut in_word = false;
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                in_word = true;
                // Inside single quotes a backslash is an ordinary character.
                loop {
                    match chars.next() {
                        Some('\'') => break,
                        Some(_) => {}
                        None => return false,
                    }
                }
            }
            '"' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('"') => break,
                        Some('\\') => {
                            if chars.next().is_none() {
                                return true;
                            }
                        }
                        Some(_) => {}
                        None => return false,
                    }
                }
            }
            '\\' => match chars.next() {
                None => return true,
                Some('\n') => {}
                Some(_) => in_word = true,
            },
            // A comment runs to the end of the line; a backslash in it escapes nothing.
            '#' if !in_word => return false,
            c if c.is_whitespace() => in_word = false,
            _ => in_word = true,
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_and_escapes() {
        assert_eq!(tokenize(r#"a 'b c' "d \"e\"" f\ g"#).unwrap(), vec!["a", "b c", "d \"e\"", "f g"]);
        assert_eq!(tokenize("x # comment").unwrap(), vec!["x"]);
        assert_eq!(tokenize("x#y").unwrap(), vec!["x#y"]);
        assert_eq!(tokenize("''").unwrap(), vec![""]);
        assert!(tokenize("'open").is_err());
        assert!(tokenize("\"open").is_err());
        assert!(tokenize("end\\").is_err());
    }

    #[test]
    fn line_continuation_joins_lines_as_a_posix_shell_does() {
        // Outside quotes the backslash-newline goes: words split on the spaces around it...
        assert_eq!(tokenize("a \\\n  b").unwrap(), vec!["a", "b"]);
        // ...and a word split by it is one word.
        assert_eq!(tokenize("ab\\\ncd").unwrap(), vec!["abcd"]);
        // Inside double quotes it goes too; inside single quotes it stays.
        assert_eq!(tokenize("\"ab\\\ncd\"").unwrap(), vec!["abcd"]);
        assert_eq!(tokenize("'ab\\\ncd'").unwrap(), vec!["ab\\\ncd"]);
        // An escaped backslash before the newline is a backslash: the newline splits words.
        assert_eq!(tokenize("a\\\\\nb").unwrap(), vec!["a\\", "b"]);
    }

    #[test]
    fn continues_only_on_a_live_trailing_backslash() {
        assert!(continues("kafka-topics.sh --create \\"));
        assert!(continues("a \\\n b \\"));
        assert!(continues("echo \"open \\"));
        assert!(!continues("kafka-topics.sh --create"));
        assert!(!continues("a \\\\"), "an escaped backslash");
        assert!(!continues("echo 'quoted \\"), "inside single quotes");
        assert!(!continues("echo 'done' # a comment \\"), "inside a comment");
        assert!(!continues("a \\\n b"), "continued, then ended");
        assert!(continues("x#y \\"), "# inside a word is no comment");
    }
}
