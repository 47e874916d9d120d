//! Golden transcripts: every script in tests/transcripts/ is replayed on a fresh cluster
//! (seed 1) and must print exactly its `.out` file. docs/COMMANDS.md is built from them.
//! After an intended change: `UPDATE_GOLDEN=1 cargo test --test suite transcripts`.
use std::fs;
use std::path::PathBuf;

use kafka_flightsim::shell::transcript::run_script;
use kafka_flightsim::shell::{help, Shell};

fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/transcripts")
}

fn scripts() -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = fs::read_dir(dir()).unwrap().map(|e| e.unwrap().path()).filter(|p| p.extension().is_some_and(|e| e == "txt")).collect();
    v.sort();
    v
}

fn render(script: &str) -> String {
    run_script(&mut Shell::new(1), script, false).text
}

fn update() -> bool {
    std::env::var_os("UPDATE_GOLDEN").is_some()
}

#[test]
fn every_transcript_matches_its_golden_output() {
    let scripts = scripts();
    assert!(scripts.len() >= 6);
    let mut failures = Vec::new();
    for path in &scripts {
        let out = render(&fs::read_to_string(path).unwrap());
        let golden = path.with_extension("out");
        if update() {
            fs::write(&golden, &out).unwrap();
            continue;
        }
        let expected = fs::read_to_string(&golden).unwrap_or_default();
        if out != expected {
            let line = out.lines().zip(expected.lines()).position(|(a, b)| a != b).unwrap_or(out.lines().count().min(expected.lines().count()));
            failures.push(format!(
                "{}: differs at line {}\n  got:      {:?}\n  expected: {:?}",
                golden.display(),
                line + 1,
                out.lines().nth(line),
                expected.lines().nth(line)
            ));
        }
    }
    assert!(failures.is_empty(), "{}\n(rerun with UPDATE_GOLDEN=1 if the change is intended)", failures.join("\n"));
}

#[test]
fn transcripts_are_deterministic() {
    let script = fs::read_to_string(&scripts()[0]).unwrap();
    assert_eq!(render(&script), render(&script));
}

#[test]
fn commands_doc_is_current() {
    let mut doc = String::from(
        "# Commands\n\nThe command language of the console, lessons, shared links and `flightsim run`. Generated from\nthe golden transcripts in `tests/transcripts/` (each run on a fresh 3-broker cluster, seed 1);\n`UPDATE_GOLDEN=1 cargo test --test suite transcripts` regenerates it.\n\n```\n",
    );
    doc.push_str(&help());
    doc.push_str("```\n");
    for path in scripts() {
        let script = fs::read_to_string(&path).unwrap();
        let title = script.lines().next().unwrap_or("").trim_start_matches('#').trim().to_string();
        doc.push_str(&format!("\n## {title}\n\nFrom `tests/transcripts/{}`:\n\n```\n", path.file_name().unwrap().to_string_lossy()));
        doc.push_str(&render(&script));
        doc.push_str("```\n");
    }
    let file = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("docs/COMMANDS.md");
    if update() {
        fs::write(&file, &doc).unwrap();
        return;
    }
    assert_eq!(fs::read_to_string(&file).unwrap_or_default(), doc, "docs/COMMANDS.md is stale: rerun with UPDATE_GOLDEN=1");
}
