//! Kafka-style long options (`--name value` or `--name=value`), checked against what each tool
//! accepts. Unknown options get a did-you-mean from the tool's own list.
use super::ShellError;

#[derive(Clone, Copy)]
pub struct Spec {
    pub name: &'static str,
    pub takes_value: bool,
}

pub const fn flag(name: &'static str) -> Spec {
    Spec { name, takes_value: false }
}

pub const fn value(name: &'static str) -> Spec {
    Spec { name, takes_value: true }
}

/// The parsed options of one command, in the order given.
#[derive(Debug, Default)]
pub struct Parsed {
    pub entries: Vec<(&'static str, Option<String>)>,
    pub positional: Vec<String>,
}

impl Parsed {
    pub fn has(&self, name: &str) -> bool {
        self.entries.iter().any(|(n, _)| *n == name)
    }

    /// The last value given for `name` (joptsimple takes the last occurrence for a single value).
    pub fn get(&self, name: &str) -> Option<&str> {
        self.entries.iter().rev().find(|(n, _)| *n == name).and_then(|(_, v)| v.as_deref())
    }

    pub fn all(&self, name: &str) -> Vec<&str> {
        self.entries.iter().filter(|(n, _)| *n == name).filter_map(|(_, v)| v.as_deref()).collect()
    }

    /// joptsimple's message for a value that does not convert: "Cannot parse argument 'x' of
    /// option partitions".
    /// An option Kafka's tool declares as an Integer: a number past i32 fails to parse there
    /// with the same message as a word does.
    pub fn int32(&self, name: &str) -> Result<Option<i32>, ShellError> {
        match self.int(name)? {
            None => Ok(None),
            Some(n) => i32::try_from(n)
                .map(Some)
                .map_err(|_| ShellError::new(format!("Cannot parse argument '{}' of option {name}", self.get(name).unwrap_or_default()))),
        }
    }

    pub fn int(&self, name: &str) -> Result<Option<i64>, ShellError> {
        match self.get(name) {
            None => Ok(None),
            Some(v) => v.trim().parse::<i64>().map(Some).map_err(|_| ShellError::new(format!("Cannot parse argument '{v}' of option {name}"))),
        }
    }
}

fn distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for i in 1..=a.len() {
        let mut cur = vec![i; b.len() + 1];
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            cur[j] = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
        }
        prev = cur;
    }
    prev[b.len()]
}

/// The closest of `candidates` to `word`, if it is close enough to be a likely typo.
pub fn did_you_mean<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|c| (distance(word, c), c))
        .filter(|(d, c)| *d <= 2.max(c.len() / 4) || c.starts_with(word) && word.len() >= 3)
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

pub fn parse(args: &[String], specs: &[Spec]) -> Result<Parsed, ShellError> {
    let mut out = Parsed::default();
    let mut i = 0;
    while i < args.len() {
        let arg = &args[i];
        i += 1;
        let Some(body) = arg.strip_prefix("--") else {
            out.positional.push(arg.clone());
            continue;
        };
        let (name, inline) = match body.split_once('=') {
            Some((n, v)) => (n, Some(v.to_string())),
            None => (body, None),
        };
        let Some(spec) = specs.iter().find(|s| s.name == name) else {
            if name == "zookeeper" {
                // Kafka's tools dropped --zookeeper in 3.0 (joptsimple's own text first); 4.0
                // removed ZooKeeper itself (KIP-500, KIP-833).
                return Err(ShellError::new(
                    "zookeeper is not a recognized option: Kafka's tools talk to the brokers, not to ZooKeeper (gone since Kafka 4.0; this cluster runs KRaft, its controller keeps the metadata); use --bootstrap-server localhost:9092",
                ));
            }
            let hint = did_you_mean(name, specs.iter().map(|s| s.name))
                .map(|s| format!("; did you mean --{s}?"))
                .unwrap_or_else(|| format!("; options are {}", specs.iter().map(|s| format!("--{}", s.name)).collect::<Vec<_>>().join(", ")));
            return Err(ShellError::new(format!("unknown option --{name}{hint}")));
        };
        if spec.takes_value {
            let v = match inline {
                Some(v) => v,
                None => {
                    let Some(v) = args.get(i) else {
                        return Err(ShellError::new(format!("Option {} requires an argument", spec.name)));
                    };
                    i += 1;
                    v.clone()
                }
            };
            out.entries.push((spec.name, Some(v)));
        } else {
            if inline.is_some() {
                return Err(ShellError::new(format!("Option {} does not take an argument", spec.name)));
            }
            out.entries.push((spec.name, None));
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typo_gets_a_suggestion() {
        let specs = [value("partitions"), value("topic"), flag("create")];
        let args: Vec<String> = ["--partiton", "3"].iter().map(|s| s.to_string()).collect();
        assert_eq!(parse(&args, &specs).unwrap_err().message, "unknown option --partiton; did you mean --partitions?");
        let args: Vec<String> = ["--topic=a", "--create"].iter().map(|s| s.to_string()).collect();
        let p = parse(&args, &specs).unwrap();
        assert_eq!(p.get("topic"), Some("a"));
        assert!(p.has("create"));
    }
}
