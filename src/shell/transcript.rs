//! Runs a script and renders what a terminal would show: `$ command`, the console producer's
//! `>` lines, then the command's output or its error.
use super::{parse_script, Shell};

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
                text.push_str(&format!("$ {}\nline {}: {}\n", e.text, e.line, e.error));
                failures += 1;
                if strict {
                    stopped_at = Some(e.line);
                    break;
                }
            }
            Ok(cmd) => {
                text.push_str(&format!("$ {}\n", cmd.text.trim()));
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
