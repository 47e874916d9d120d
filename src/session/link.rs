//! Shared links: `#/sandbox?preset=failover&seed=42&tape=<base64url>&at=<step>&sum=<hex>`.
//! The tape is one op per line (`l <console line>`, `e`, `s <n>`, `r <ms>`, `k <ms>`), and
//! the checksum covers everything else, so a truncated or edited link is refused with a
//! notice instead of replaying something nobody shared.
use thiserror::Error;

use super::Op;
use crate::presets;

/// What a link names. `at` is the step to land on (None: the tape's end).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Link {
    pub preset: String,
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

impl Link {
    /// The query part (after `#/sandbox?`).
    pub fn to_query(&self) -> String {
        let tape = b64_encode(tape_text(&self.ops).as_bytes());
        let seed = self.seed.to_string();
        let at = self.at.map(|a| a.to_string()).unwrap_or_default();
        let sum = checksum(&[&self.preset, &seed, &tape, &at]);
        let mut q = format!("preset={}&seed={seed}&tape={tape}", self.preset);
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
        if ["preset", "seed", "tape", "at", "sum"].iter().all(|f| field(f).is_none()) {
            return Ok(None);
        }
        let preset = field("preset").ok_or(LinkError::Missing("preset"))?;
        let seed_text = field("seed").ok_or(LinkError::Missing("seed"))?;
        let tape = field("tape").ok_or(LinkError::Missing("tape"))?;
        let at_text = field("at").unwrap_or("");
        let sum = field("sum").ok_or(LinkError::Missing("sum"))?;
        if u32::from_str_radix(sum, 16).ok() != Some(checksum(&[preset, seed_text, tape, at_text])) || sum.len() != 8 {
            return Err(LinkError::Checksum);
        }
        let seed = seed_text.parse().map_err(|_| LinkError::BadNumber { field: "seed", value: seed_text.to_string() })?;
        let at = if at_text.is_empty() { None } else { Some(at_text.parse().map_err(|_| LinkError::BadNumber { field: "at", value: at_text.to_string() })?) };
        if presets::find(preset).is_none() {
            return Err(LinkError::UnknownPreset(preset.to_string()));
        }
        let bytes = b64_decode(tape).ok_or_else(|| LinkError::BadTape("not base64url".into()))?;
        let text = String::from_utf8(bytes).map_err(|_| LinkError::BadTape("not UTF-8".into()))?;
        Ok(Some(Link { preset: preset.to_string(), seed, ops: parse_tape(&text)?, at }))
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

    #[test]
    fn link_round_trips_and_refuses_edits() {
        let link = Link {
            preset: "failover".into(),
            seed: 7,
            ops: vec![Op::Line("kill broker 2".into()), Op::StepTo(12), Op::RunUntil(5000), Op::Clock(5100), Op::EndOfInput, Op::Line("héllo & =".into())],
            at: Some(3),
        };
        let q = link.to_query();
        assert_eq!(Link::from_query(&q), Ok(Some(link.clone())));
        assert_eq!(Link::from_query(&q.replace("seed=7", "seed=8")), Err(LinkError::Checksum));
        assert_eq!(Link::from_query(&q[..q.len() - 3]), Err(LinkError::Checksum));
        assert_eq!(Link::from_query(""), Ok(None));
        assert_eq!(Link::from_query("at=5"), Err(LinkError::Missing("preset")));
    }
}
