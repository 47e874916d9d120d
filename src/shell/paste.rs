//! What the console does with a paste: each newline in the pasted text is an Enter, as in a
//! terminal. The lines before the last are entered one by one (so a command continued with a
//! trailing backslash, or the records after a console producer, go where typed ones would);
//! the text after the last newline stays at the prompt. The page's component only reads the
//! clipboard and applies the result.

/// A paste into the prompt: the lines to enter, in order, and what the prompt then holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Paste {
    pub lines: Vec<String>,
    pub rest: String,
}

/// `value` is the prompt's text, `start..end` its selection in UTF-16 code units (the DOM's
/// `selectionStart` / `selectionEnd`), `pasted` the clipboard's text. None when the text has
/// no line break: the browser's own paste does the job.
pub fn paste(value: &str, start: usize, end: usize, pasted: &str) -> Option<Paste> {
    if !pasted.contains(['\n', '\r']) {
        return None;
    }
    let (a, b) = (byte_index(value, start.min(end)), byte_index(value, start.max(end)));
    let text = format!("{}{}{}", &value[..a], pasted.replace("\r\n", "\n").replace('\r', "\n"), &value[b..]);
    let mut lines: Vec<String> = text.split('\n').map(str::to_string).collect();
    let rest = lines.pop().unwrap_or_default();
    Some(Paste { lines, rest })
}

/// Tutorials print commands after a prompt: `$ kafka-topics.sh ...`, and bash's `> ` before
/// each line a command goes on on. Copied with the command, the prompt would be its first
/// word (bash: `$: command not found`). This returns the line without it, and the prompt, when
/// a line at the command prompt starts with `$ ` or a continuation line with `> `. A record
/// at the producer's prompt is never changed (the session does not ask): it is any text.
pub fn strip_prompt(line: &str, continuation: bool) -> Option<(&str, &'static str)> {
    let prompt = if continuation { "> " } else { "$ " };
    line.trim_start().strip_prefix(prompt).map(|rest| (rest, prompt))
}

/// The byte index of the `utf16`-th UTF-16 code unit of `s` (clamped to its end).
fn byte_index(s: &str, utf16: usize) -> usize {
    let mut units = 0;
    for (i, c) in s.char_indices() {
        if units >= utf16 {
            return i;
        }
        units += c.len_utf16();
    }
    s.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pasted_block_with_continuations_is_entered_line_by_line() {
        let block = "kafka-topics.sh --bootstrap-server localhost:9092 \\\n  --create --topic orders \\\n  --partitions 3\n";
        let p = paste("", 0, 0, block).unwrap();
        assert_eq!(p.lines, vec!["kafka-topics.sh --bootstrap-server localhost:9092 \\", "  --create --topic orders \\", "  --partitions 3"]);
        assert_eq!(p.rest, "");
    }

    #[test]
    fn the_text_after_the_last_newline_stays_at_the_prompt() {
        let p = paste("$x", 1, 1, "a\r\nb").unwrap();
        assert_eq!(p.lines, vec!["$a"]);
        assert_eq!(p.rest, "bx");
        // A selection is replaced; positions count UTF-16 units.
        let p = paste("é€😀z", 1, 4, "1\n2").unwrap();
        assert_eq!(p.lines, vec!["é1"]);
        assert_eq!(p.rest, "2z");
    }

    #[test]
    fn a_copied_prompt_is_left_out() {
        assert_eq!(strip_prompt("$ kafka-topics.sh --list", false), Some(("kafka-topics.sh --list", "$ ")));
        assert_eq!(strip_prompt("  > --partitions 3", true), Some(("--partitions 3", "> ")));
        // Only the prompt of the line's kind, and only with its space.
        assert_eq!(strip_prompt("> --partitions 3", false), None);
        assert_eq!(strip_prompt("$ x", true), None);
        assert_eq!(strip_prompt("$HOME", false), None);
    }

    #[test]
    fn a_single_line_paste_is_left_to_the_browser() {
        assert_eq!(paste("abc", 3, 3, "def"), None);
    }
}
