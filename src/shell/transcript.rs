//! Runs a script and renders what a terminal would show: `$ command` (a command continued
//! with a trailing backslash shows its further lines after bash's `> ` prompt, PS2), the
//! console producer's `>` lines, then the command's output or its error.
use super::{parse_script, Shell};

/// The command as the learner typed it: `$ ` before its first line, `> ` before each line it
/// was continued on.
pub fn echo(text: &str) -> String {
    let mut out = String::new();
    for (i, l) in text.lines().enumerate() {
        if i == 0 {
            out.push_str(&format!("$ {}\n", l.trim()));
        } else {
            out.push_str(format!("> {l}").trim_end());
            out.push('\n');
        }
    }
    if out.is_empty() {
        out.push_str("$\n");
    }
    out
}

pub struct Transcript {
    pub text: String,
    pub failures: usize,
    /// Set when `strict` stopped the script at a failure.
    pub stopped_at: Option<usize>,
}

pub fn run_script(shell: &mut Shell, script: &str, strict: bool) -> Transcript {
    let mut text = String::new();
    let mut failures = 0;
    let mut stopped_at = None;
    for item in parse_script(script) {
        match item {
            Err(e) => {
                text.push_str(&echo(&e.text));
                text.push_str(&format!("line {}: {}\n", e.line, e.error));
                failures += 1;
                if strict {
                    stopped_at = Some(e.line);
                    break;
                }
            }
            Ok(cmd) => {
                text.push_str(&echo(&cmd.text));
                for l in &cmd.stdin {
                    text.push_str(&format!(">{l}\n"));
                }
                match shell.run(&cmd.argv, &cmd.stdin) {
                    Ok(out) => text.push_str(&out),
                    Err(e) => {
                        text.push_str(&format!("{e}\n"));
                        failures += 1;
                        if strict {
                            stopped_at = Some(cmd.line);
                            break;
                        }
                    }
                }
            }
        }
    }
    Transcript { text, failures, stopped_at }
}
