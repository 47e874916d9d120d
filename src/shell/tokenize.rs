//! Splits a command line into words as a POSIX shell does: single quotes keep everything
//! literally, double quotes allow `\"`, `\\`, `\$` and `` \` `` escapes, a backslash outside
//! quotes escapes the next character, and an unquoted `#` starting a word begins a comment.

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
}
