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
