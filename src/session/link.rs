//! Shared links: `#/sandbox?preset=failover&seed=42&tape=<base64url>&at=<step>&sum=<hex>`.
//! The tape is one op per line (`l <console line>`, `e`, `s <n>`, `r <ms>`, `k <ms>`), and
//! the checksum covers everything else, so a truncated or edited link is refused with a
//! notice instead of replaying something nobody shared.
//!
//! A start that is not a preset (a lesson's step, a pasted script) travels whole, in place of
//! `preset=`: `script=<base64url>`, the encoding of `<brokers>\n<name>\n<commands>`, under
//! the same checksum, size limit and replay budget.
use thiserror::Error;

use super::{Op, Script, Start};

/// What a link names. `at` is the step to land on (None: the tape's end).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Link {
    pub start: Start,
    pub seed: u64,
    pub ops: Vec<Op>,
    pub at: Option<u64>,
}

#[derive(Debug, Error, PartialEq, Eq)]
pub enum LinkError {
    #[error("the link has no `{0}`")]
    Missing(&'static str),
    #[error("the link's `{field}` is not a number: '{value}'")]
    BadNumber { field: &'static str, value: String },
    #[error("the link names no known preset '{0}'")]
    UnknownPreset(String),
    #[error("the link's script is damaged: {0}")]
    BadScript(String),
    #[error("the link's tape is damaged: {0}")]
    BadTape(String),
    #[error("the link's checksum does not match (it was cut short or edited)")]
    Checksum,
    #[error("the link's tape could not be replayed: {0}")]
    Replay(String),
}

/// A shared link may ask for at most this many events (a tampered one could ask for days).
pub const LINK_BUDGET: u64 = 3_000_000;

/// The query of a session address as the page or a report gives it: a whole address
/// (`http://host/#/sandbox?preset=...`), `#/sandbox?...`, or the query alone.
pub fn query_of(address: &str) -> &str {
    let address = address.trim();
    match address.split_once('#') {
        Some((_, fragment)) => fragment.split_once('?').map_or("", |(_, q)| q),
        None => address.rsplit_once('?').map_or(address, |(_, q)| q),
    }
}

/// Links longer than this are refused before decoding (a browser handles far more, but no
/// learner's session needs it and a tampered one should not cost a long decode).
pub const MAX_LINK_CHARS: usize = 64 * 1024;

fn tape_text(ops: &[Op]) -> String {
    let mut out = String::new();
    for op in ops {
        if !out.is_empty() {
            out.push('\n');
        }
        match op {
            Op::Line(l) => {
                out.push_str("l ");
                // A console line is one line; a newline could only come from a bug.
                out.push_str(&l.replace('\n', " "));
            }
            Op::EndOfInput => out.push('e'),
            Op::Interrupt => out.push('i'),
            Op::StepTo(n) => out.push_str(&format!("s {n}")),
            Op::RunUntil(t) => out.push_str(&format!("r {t}")),
            Op::Clock(t) => out.push_str(&format!("k {t}")),
        }
    }
    out
}

fn parse_tape(text: &str) -> Result<Vec<Op>, LinkError> {
    if text.is_empty() {
        return Ok(Vec::new());
    }
    text.split('\n')
        .enumerate()
        .map(|(i, line)| {
            let bad = |why: &str| LinkError::BadTape(format!("op {}: {why}", i + 1));
            let num = |s: &str| s.parse::<u64>().map_err(|_| bad("not a number"));
            match line.split_once(' ') {
                Some(("l", rest)) => Ok(Op::Line(rest.to_string())),
                Some(("s", n)) => Ok(Op::StepTo(num(n)?)),
                Some(("r", n)) => Ok(Op::RunUntil(num(n)?)),
                Some(("k", n)) => Ok(Op::Clock(num(n)?)),
                None if line == "e" => Ok(Op::EndOfInput),
                None if line == "i" => Ok(Op::Interrupt),
                _ => Err(bad("unknown op")),
            }
        })
        .collect()
}

/// FNV-1a, 32 bits: enough to catch a cut or edited link, not a signature.
fn checksum(parts: &[&str]) -> u32 {
    let mut h: u32 = 0x811c_9dc5;
    for p in parts {
        for b in p.bytes().chain(std::iter::once(b'|')) {
            h ^= b as u32;
            h = h.wrapping_mul(0x0100_0193);
        }
    }
    h
}

const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

fn b64_encode(data: &[u8]) -> String {
    let mut out = String::with_capacity(data.len().div_ceil(3) * 4);
    for chunk in data.chunks(3) {
        let n = chunk.iter().enumerate().fold(0u32, |acc, (i, b)| acc | (*b as u32) << (16 - 8 * i));
        for i in 0..=chunk.len() {
            out.push(B64[(n >> (18 - 6 * i) & 63) as usize] as char);
        }
    }
    out
}

fn b64_decode(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let (mut acc, mut bits) = (0u32, 0);
    for c in text.bytes() {
        let v = B64.iter().position(|b| *b == c)? as u32;
        acc = acc << 6 | v;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits & 0xff) as u8);
        }
    }
    Some(out)
}

/// A script start's inline form (before base64url): brokers, name, then the commands.
fn script_text(s: &Script) -> String {
    format!("{}\n{}\n{}", s.brokers, s.name, s.text)
}

fn parse_script_start(field: &str) -> Result<Start, LinkError> {
    let bad = |why: &str| LinkError::BadScript(why.to_string());
    let bytes = b64_decode(field).ok_or_else(|| bad("not base64url"))?;
    let text = String::from_utf8(bytes).map_err(|_| bad("not UTF-8"))?;
    let (brokers, rest) = text.split_once('\n').ok_or_else(|| bad("no broker count"))?;
    let (name, commands) = rest.split_once('\n').ok_or_else(|| bad("no name"))?;
    let brokers = brokers.parse().map_err(|_| bad("the broker count is not a number"))?;
    Ok(Script::new(name, brokers, commands).map_err(LinkError::BadScript)?.into())
}

impl Link {
    /// The query part (after `#/sandbox?`).
    pub fn to_query(&self) -> String {
        let tape = b64_encode(tape_text(&self.ops).as_bytes());
        let seed = self.seed.to_string();
        let at = self.at.map(|a| a.to_string()).unwrap_or_default();
        let (start, sum) = match &self.start {
            Start::Preset(p) => (format!("preset={}", p.id), checksum(&[p.id, &seed, &tape, &at])),
            Start::Script(s) => {
                let script = b64_encode(script_text(s).as_bytes());
                let sum = checksum(&["script", &script, &seed, &tape, &at]);
                (format!("script={script}"), sum)
            }
        };
        let mut q = format!("{start}&seed={seed}&tape={tape}");
        if !at.is_empty() {
            q.push_str(&format!("&at={at}"));
        }
        q.push_str(&format!("&sum={sum:08x}"));
        q
    }

    /// Parses the query part. A link with none of our fields is not a shared session.
    pub fn from_query(query: &str) -> Result<Option<Link>, LinkError> {
        if query.len() > MAX_LINK_CHARS {
            return Err(LinkError::BadTape(format!("it is longer than {MAX_LINK_CHARS} characters")));
        }
        let field = |name: &str| query.split('&').find_map(|kv| kv.strip_prefix(name).and_then(|v| v.strip_prefix('=')));
        if ["preset", "script", "seed", "tape", "at", "sum"].iter().all(|f| field(f).is_none()) {
            return Ok(None);
        }
        // A preset by name, or a script inline; never both.
        let (preset, script) = match (field("preset"), field("script")) {
            (Some(_), Some(_)) => return Err(LinkError::BadScript("the link names a preset as well".into())),
            (None, None) => return Err(LinkError::Missing("preset")),
            named => named,
        };
        let seed_text = field("seed").ok_or(LinkError::Missing("seed"))?;
        let tape = field("tape").ok_or(LinkError::Missing("tape"))?;
        let at_text = field("at").unwrap_or("");
        let sum = field("sum").ok_or(LinkError::Missing("sum"))?;
        let expected = match (preset, script) {
            (Some(preset), _) => checksum(&[preset, seed_text, tape, at_text]),
            (_, script) => checksum(&["script", script.unwrap_or_default(), seed_text, tape, at_text]),
        };
        if u32::from_str_radix(sum, 16).ok() != Some(expected) || sum.len() != 8 {
            return Err(LinkError::Checksum);
        }
        let seed = seed_text.parse().map_err(|_| LinkError::BadNumber { field: "seed", value: seed_text.to_string() })?;
        let at = if at_text.is_empty() { None } else { Some(at_text.parse().map_err(|_| LinkError::BadNumber { field: "at", value: at_text.to_string() })?) };
        let start = match (preset, script) {
            (Some(preset), _) => Start::preset(preset).ok_or_else(|| LinkError::UnknownPreset(preset.to_string()))?,
            (_, script) => parse_script_start(script.unwrap_or_default())?,
        };
        let bytes = b64_decode(tape).ok_or_else(|| LinkError::BadTape("not base64url".into()))?;
        let text = String::from_utf8(bytes).map_err(|_| LinkError::BadTape("not UTF-8".into()))?;
        Ok(Some(Link { start, seed, ops: parse_tape(&text)?, at }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64url_round_trips_every_length() {
        for n in 0..40u8 {
            let data: Vec<u8> = (0..n).map(|i| i.wrapping_mul(37).wrapping_add(n)).collect();
            assert_eq!(b64_decode(&b64_encode(&data)).as_deref(), Some(&data[..]), "length {n}");
        }
    }

    fn ops() -> Vec<Op> {
        vec![Op::Line("kill broker 2".into()), Op::StepTo(12), Op::RunUntil(5000), Op::Clock(5100), Op::EndOfInput, Op::Line("héllo & =".into())]
    }

    #[test]
    fn link_round_trips_and_refuses_edits() {
        let link = Link { start: Start::preset("failover").expect("preset"), seed: 7, ops: ops(), at: Some(3) };
        let q = link.to_query();
        assert_eq!(Link::from_query(&q), Ok(Some(link.clone())));
        assert_eq!(Link::from_query(&q.replace("seed=7", "seed=8")), Err(LinkError::Checksum));
        assert_eq!(Link::from_query(&q[..q.len() - 3]), Err(LinkError::Checksum));
        assert_eq!(Link::from_query(""), Ok(None));
        assert_eq!(Link::from_query("at=5"), Err(LinkError::Missing("preset")));
        // Ctrl-C travels as its own op.
        let mut ops = ops();
        ops.push(Op::Interrupt);
        let link = Link { ops, ..link };
        assert_eq!(Link::from_query(&link.to_query()), Ok(Some(link)));
    }

    /// A preset's link is written and read exactly as before starts other than presets
    /// existed: links already shared keep opening.
    #[test]
    fn preset_links_are_unchanged() {
        let q = "preset=failover&seed=7&tape=bCBraWxsIGJyb2tlciAyCnMgMTIKciA1MDAwCmsgNTEwMAplCmwgaMOpbGxvICYgPQ&at=3&sum=576f2702";
        let link = Link { start: Start::preset("failover").expect("preset"), seed: 7, ops: ops(), at: Some(3) };
        assert_eq!(link.to_query(), q);
        assert_eq!(Link::from_query(q), Ok(Some(link)));
        let empty = Link { start: Start::preset("empty").expect("preset"), seed: 42, ops: Vec::new(), at: None };
        assert_eq!(empty.to_query(), "preset=empty&seed=42&tape=&sum=fc27f778");
        let sum = checksum(&["nope", "1", "", ""]);
        assert_eq!(Link::from_query(&format!("preset=nope&seed=1&tape=&sum={sum:08x}")), Err(LinkError::UnknownPreset("nope".into())));
    }

    fn script_start() -> Start {
        Script::new(
            "Two brokers, one topic",
            2,
            "kafka-topics.sh --bootstrap-server localhost:9092 --create --topic t --partitions 2 --replication-factor 2\ntick 1s",
        )
        .expect("valid")
        .into()
    }

    #[test]
    fn a_script_start_travels_inline() {
        let link = Link { start: script_start(), seed: 9, ops: ops(), at: None };
        let q = link.to_query();
        assert!(q.starts_with("script=") && !q.contains("preset="), "{q}");
        assert_eq!(Link::from_query(&q), Ok(Some(link.clone())));
        assert_eq!(Link::from_query(&q.replace("seed=9", "seed=8")), Err(LinkError::Checksum));
        assert_eq!(Link::from_query(&q[..q.len() - 1]), Err(LinkError::Checksum));
        // The script is under the checksum: one character of it changed is refused.
        let edited = q.replacen("script=M", "script=N", 1);
        assert_ne!(edited, q);
        assert_eq!(Link::from_query(&edited), Err(LinkError::Checksum));
        // A preset's name in place of the script, or both, is not a link anyone shared.
        assert!(matches!(Link::from_query(&format!("preset=failover&{q}")), Err(LinkError::BadScript(_))));
        assert!(Link::from_query(&q.replacen("script=", "preset=", 1)).is_err());
    }

    #[test]
    fn a_damaged_script_is_refused() {
        let signed = |script: &str| format!("script={script}&seed=1&tape=&sum={:08x}", checksum(&["script", script, "1", "", ""]));
        let of = |text: &str| signed(&b64_encode(text.as_bytes()));
        let refused = |q: String| match Link::from_query(&q) {
            Err(LinkError::BadScript(why)) => why,
            other => panic!("{q}: {other:?}"),
        };
        assert_eq!(refused(signed("%%%")), "not base64url");
        assert_eq!(refused(signed(&b64_encode(&[0xff, 0xfe]))), "not UTF-8");
        assert_eq!(refused(of("3")), "no broker count");
        assert_eq!(refused(of("3\nname")), "no name");
        assert_eq!(refused(of("three\nname\ntick 1s")), "the broker count is not a number");
        assert_eq!(refused(of("0\nname\ntick 1s")), "a script runs on 1 to 9 brokers, not 0");
        assert_eq!(refused(of("12\nname\ntick 1s")), "a script runs on 1 to 9 brokers, not 12");
        assert!(refused(of("3\n \ntick 1s")).contains("name"));
        assert!(refused(of(&format!("3\n{}\ntick 1s", "n".repeat(101)))).contains("name"));
        // An empty script is a cluster with nothing on it.
        assert_eq!(Link::from_query(&of("3\nBare\n")).map(|l| l.map(|l| l.start)), Ok(Some(Script::new("Bare", 3, "").expect("valid").into())));
        // Too long a link is refused before anything is decoded.
        assert!(matches!(Link::from_query(&of(&format!("3\nBig\n{}", "#".repeat(MAX_LINK_CHARS)))), Err(LinkError::BadTape(_))));
    }
}
