//! Dependencies point one way: `ui -> app -> session -> presets -> shell -> sim` (and the
//! crate's utilities, `sort` and `vecmap`, below everything). This test reads every source
//! file under src/ and fails on a `crate::` path that runs the other way: `sim` naming the
//! shell, the shell naming a session, the app naming the UI. A layer may use any layer below
//! it, never one above it or a sibling of its own rank.
//!
//! Test code (`#[cfg(test)]` items) follows the same rule, except that it may build a named
//! scenario (`crate::scenarios`, the fixtures shared by tests, the browser and benchmarks).
use std::fs;
use std::path::{Path, PathBuf};

/// Each top-level module of the library and its rank: a module may name modules of a lower
/// rank only. A new module must be placed here (the test says so).
const LAYERS: &[(&str, u32)] = &[
    ("sort", 0),
    ("vecmap", 0),
    ("sim", 1),
    ("shell", 2),
    // The firehose benchmark drives the engine directly; `flightsim bench` and, later, the page use it.
    ("bench", 2),
    ("presets", 3),
    ("session", 4),
    // The course: lesson files (lessons/*.lesson) parsed, their queries evaluated on the
    // simulation, and replayed headless by `flightsim lessons check` (docs/LESSONS.md).
    ("lesson", 5),
    // Named runs for tests and the browser's golden hashes: presets and sessions.
    ("scenarios", 6),
    ("app", 7),
    ("ui", 8),
];

/// Files that are not a layer: the crate root declares the modules, and the two binaries
/// (the wasm entry and the native runner) sit on top of everything.
const ROOTS: &[&str] = &["lib.rs", "main.rs", "bin"];

/// What test code may name whatever its layer.
const TEST_FIXTURES: &[&str] = &["scenarios"];

fn rank(module: &str) -> Option<u32> {
    LAYERS.iter().find(|(m, _)| *m == module).map(|(_, r)| *r)
}

fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).expect("readable src") {
        let path = entry.expect("an entry").path();
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
    out.sort();
}

/// The code of a file with comments, strings and character literals blanked out (so a
/// path in a doc comment or a brace in `'{'` does not count), and for each byte whether it
/// lies inside a `#[cfg(test)]` item.
fn code_and_test_mask(text: &str) -> (Vec<u8>, Vec<bool>) {
    let b = text.as_bytes();
    let mut code = b.to_vec();
    let mut i = 0;
    let blank = |code: &mut Vec<u8>, from: usize, to: usize| {
        for c in &mut code[from..to] {
            if *c != b'\n' {
                *c = b' ';
            }
        }
    };
    while i < b.len() {
        match b[i] {
            b'/' if b.get(i + 1) == Some(&b'/') => {
                let end = b[i..].iter().position(|c| *c == b'\n').map_or(b.len(), |n| i + n);
                blank(&mut code, i, end);
                i = end;
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                let end = text[i + 2..].find("*/").map_or(b.len(), |n| i + 2 + n + 2);
                blank(&mut code, i, end);
                i = end;
            }
            b'r' if (b.get(i + 1) == Some(&b'"') || b.get(i + 1) == Some(&b'#')) && (i == 0 || !(b[i - 1].is_ascii_alphanumeric() || b[i - 1] == b'_')) => {
                let hashes = b[i + 1..].iter().take_while(|c| **c == b'#').count();
                if b.get(i + 1 + hashes) != Some(&b'"') {
                    i += 1;
                    continue;
                }
                let close = format!("\"{}", "#".repeat(hashes));
                let start = i + 2 + hashes;
                let end = text[start..].find(&close).map_or(b.len(), |n| start + n + close.len());
                blank(&mut code, i, end);
                i = end;
            }
            b'"' => {
                let mut j = i + 1;
                while j < b.len() && b[j] != b'"' {
                    j += if b[j] == b'\\' { 2 } else { 1 };
                }
                blank(&mut code, i, (j + 1).min(b.len()));
                i = j + 1;
            }
            b'\'' => {
                // A character literal ('{', '\n', '\''), else a lifetime ('a).
                let end = if b.get(i + 1) == Some(&b'\\') {
                    b[i + 2..].iter().position(|c| *c == b'\'').map(|n| i + 2 + n + 1)
                } else {
                    let len = text[i + 1..].chars().next().map_or(1, char::len_utf8);
                    (b.get(i + 1 + len) == Some(&b'\'')).then_some(i + 1 + len + 1)
                };
                match end {
                    Some(end) => {
                        blank(&mut code, i, end);
                        i = end;
                    }
                    None => i += 1,
                }
            }
            _ => i += 1,
        }
    }
    // `#[cfg(test)]` marks the next item: from the attribute to the end of its braces (or its `;`).
    let mut test = vec![false; code.len()];
    let text = String::from_utf8_lossy(&code).into_owned();
    let mut from = 0;
    while let Some(n) = text[from..].find("#[cfg(test)]") {
        let start = from + n;
        let mut depth = 0usize;
        let mut end = code.len();
        for (j, c) in code.iter().enumerate().skip(start + "#[cfg(test)]".len()) {
            match c {
                b'{' => depth += 1,
                // The end of an enclosing item: the marked one was a field or an expression.
                b'}' if depth == 0 => {
                    end = j;
                    break;
                }
                b'}' => {
                    depth -= 1;
                    if depth == 0 {
                        end = j + 1;
                        break;
                    }
                }
                b';' | b',' if depth == 0 => {
                    end = j + 1;
                    break;
                }
                _ => {}
            }
        }
        test[start..end].fill(true);
        from = end;
    }
    (code, test)
}

/// Every top-level module named by a `crate::` path: `crate::shell::Shell`, and each name of
/// a group, `crate::{presets, shell::Shell}`. With the byte offset of each.
fn crate_paths(code: &[u8]) -> Vec<(usize, String)> {
    let text = String::from_utf8_lossy(code);
    let mut out = Vec::new();
    let ident = |s: &str| s.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect::<String>();
    let mut from = 0;
    while let Some(n) = text[from..].find("crate::") {
        let at = from + n;
        from = at + "crate::".len();
        // `kafka_flightsim_crate::`, `$crate::` in a macro: not this crate's path.
        if at > 0 && text[..at].chars().next_back().is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '$') {
            continue;
        }
        let rest = text[from..].trim_start();
        if let Some(group) = rest.strip_prefix('{') {
            // The first segment of each top-level item of the group.
            let mut depth = 0;
            let mut item_start = true;
            for (k, c) in group.char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' if depth == 0 => break,
                    '}' => depth -= 1,
                    ',' if depth == 0 => item_start = true,
                    c if item_start && (c.is_alphanumeric() || c == '_') => {
                        out.push((at, ident(&group[k..])));
                        item_start = false;
                    }
                    _ => {}
                }
            }
        } else {
            out.push((at, ident(rest)));
        }
    }
    out
}

/// The layer a file belongs to: its first path component under src/ (a file or a directory).
fn layer_of(relative: &Path) -> String {
    let first = relative.components().next().expect("a path").as_os_str().to_string_lossy().into_owned();
    first.strip_suffix(".rs").unwrap_or(&first).to_string()
}

/// Every import that runs the wrong way, as `file:line: ...` lines.
fn violations(src: &Path) -> Vec<String> {
    let mut files = Vec::new();
    sources(src, &mut files);
    let mut found = Vec::new();
    for path in files {
        let relative = path.strip_prefix(src).expect("under src");
        let layer = layer_of(relative);
        if ROOTS.iter().any(|r| *r == layer || Some(*r) == relative.to_str()) {
            continue;
        }
        let Some(own) = rank(&layer) else {
            found.push(format!("src/{}: the module `{layer}` has no layer; place it in tests/layering.rs (LAYERS)", relative.display()));
            continue;
        };
        let text = fs::read_to_string(&path).expect("readable source");
        let (code, test) = code_and_test_mask(&text);
        for (at, target) in crate_paths(&code) {
            if target == layer || target == "self" || target == "super" {
                continue;
            }
            let line = text[..at].matches('\n').count() + 1;
            let place = format!("src/{}:{line}", relative.display());
            match rank(&target) {
                None => found.push(format!("{place}: `crate::{target}` is no module with a layer (tests/layering.rs, LAYERS)")),
                Some(r) if r < own => {}
                Some(_) if test[at] && TEST_FIXTURES.contains(&target.as_str()) => {}
                Some(r) => found.push(format!(
                    "{place}: `{layer}` (layer {own}) imports `crate::{target}` (layer {r}){}: dependencies point ui -> app -> session -> presets -> shell -> sim",
                    if test[at] { " in test code" } else { "" }
                )),
            }
        }
    }
    found
}

#[test]
fn imports_point_down_the_layers() {
    let src = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("src");
    let found = violations(&src);
    assert!(found.is_empty(), "imports against the layering:\n{}", found.join("\n"));
}

#[test]
fn the_checker_sees_paths_in_every_form() {
    let code = |s: &str| code_and_test_mask(s).0;
    let names = |s: &str| crate_paths(&code(s)).into_iter().map(|(_, n)| n).collect::<Vec<_>>();
    assert_eq!(names("use crate::shell::Shell;"), ["shell"]);
    assert_eq!(names("use crate::{presets::{self, Preset}, shell::Shell, sim};"), ["presets", "shell", "sim"]);
    assert_eq!(names("let s = crate::session::Player::new(p, 1);"), ["session"]);
    assert_eq!(names("use crate::\n    ui::App;"), ["ui"]);
    // Not code: comments, strings, other crates' paths.
    assert!(names("// crate::ui\n/* crate::ui */ let s = \"crate::ui\"; let r = r#\"crate::ui\"#; $crate::ui::x();").is_empty());
    // Test items are marked, to their closing brace, past a brace in a character literal.
    let text = "use crate::sim;\n#[cfg(test)]\nmod tests {\n    fn f() { let c = '{'; }\n    use crate::scenarios;\n}\nuse crate::shell;\n";
    let (c, test) = code_and_test_mask(text);
    let marked: Vec<(String, bool)> = crate_paths(&c).into_iter().map(|(at, n)| (n, test[at])).collect();
    assert_eq!(marked, [("sim".to_string(), false), ("scenarios".to_string(), true), ("shell".to_string(), false)]);
}
