//! Tab completion for the console: tool and verb names, each tool's own options (from the same
//! option lists the parsers check), and the names the cluster knows right now (topics, groups,
//! brokers, clients). Like bash, one match completes the word and adds a space; several extend
//! it to their common prefix and are listed.
use super::options::Spec;
use super::{clients, configs, groups, offsets, tokenize, tool_name, topics, verbs, Shell, TOOLS};
use crate::sim::Client;

#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Completion {
    /// The line with the word completed as far as it is unambiguous.
    pub line: String,
    /// Every match when there is more than one (empty when the word was completed).
    pub candidates: Vec<String>,
}

impl Completion {
    /// The matches as the console's hint shows them: the first few and a count of the rest,
    /// as a shell asks before listing thousands (a topic may have 10,000 partitions, and the
    /// hint is read aloud).
    pub fn hint(&self) -> String {
        const SHOWN: usize = 40;
        let mut text = self.candidates.iter().take(SHOWN).map(String::as_str).collect::<Vec<_>>().join("  ");
        if self.candidates.len() > SHOWN {
            text.push_str(&format!("  \u{2026} and {} more", self.candidates.len() - SHOWN));
        }
        text
    }
}

/// Completes the last word of `line`. None when there is nothing to complete: an empty line,
/// an unclosed quote, or no word that fits (then Tab should move focus, as it does elsewhere).
pub fn complete(shell: &Shell, line: &str) -> Option<Completion> {
    if line.trim().is_empty() {
        return None;
    }
    let start = line.rfind(char::is_whitespace).map_or(0, |i| i + 1);
    let (before, word) = line.split_at(start);
    let words = tokenize(before).ok()?;
    let mut candidates = if words.is_empty() { commands() } else { arguments(shell, &words, word) };
    candidates.retain(|c| c.starts_with(word));
    crate::sort::sort(&mut candidates);
    candidates.dedup();
    match candidates.len() {
        0 => None,
        1 => Some(Completion { line: format!("{before}{} ", candidates[0]), candidates: Vec::new() }),
        _ => {
            let prefix = common_prefix(&candidates);
            Some(Completion { line: format!("{before}{prefix}"), candidates })
        }
    }
}

fn commands() -> Vec<String> {
    TOOLS.iter().map(|t| t.to_string()).chain(verbs::VERBS.iter().map(|(v, _)| v.to_string())).collect()
}

fn common_prefix(words: &[String]) -> &str {
    let first = &words[0];
    let mut end = first.len();
    for w in &words[1..] {
        end = end.min(first.bytes().zip(w.bytes()).take_while(|(a, b)| a == b).count());
    }
    while !first.is_char_boundary(end) {
        end -= 1;
    }
    &first[..end]
}

/// The options a command accepts, as `--name`.
fn options_of(words: &[String]) -> &'static [Spec] {
    let sub = words.get(1).map(String::as_str);
    match tool_name(&words[0]) {
        "kafka-topics" => topics::SPECS,
        "kafka-console-producer" => clients::PRODUCER_SPECS,
        "kafka-console-consumer" => super::console_consumer::CONSUMER_SPECS,
        "kafka-configs" => configs::SPECS,
        "kafka-get-offsets" => offsets::OFFSET_SPECS,
        "kafka-leader-election" => offsets::ELECTION_SPECS,
        "kafka-consumer-groups" => groups::SPECS,
        "kafka-producer-perf-test" => super::producer_perf::SPECS,
        "kafka-consumer-perf-test" => super::consumer_perf::SPECS,
        "producer" if sub == Some("start") => verbs::PRODUCER_SPECS,
        "consumer" if sub == Some("start") => verbs::CONSUMER_SPECS,
        "reset" => verbs::RESET_SPECS,
        _ => &[],
    }
}

fn arguments(shell: &Shell, words: &[String], word: &str) -> Vec<String> {
    let specs = options_of(words);
    let prev = words.last().map(String::as_str).unwrap_or("");
    if let Some(name) = prev.strip_prefix("--") {
        if specs.iter().any(|s| s.name == name && s.takes_value) {
            return option_values(shell, words, name);
        }
    }
    if word.starts_with('-') || (!specs.is_empty() && words.len() >= verb_words(words)) {
        return specs.iter().map(|s| format!("--{}", s.name)).collect();
    }
    verb_arguments(shell, words)
}

/// How many leading words name the command before its options start.
fn verb_words(words: &[String]) -> usize {
    match words[0].as_str() {
        "producer" | "consumer" => 3,
        _ => 1,
    }
}

fn option_values(shell: &Shell, words: &[String], option: &str) -> Vec<String> {
    let list = |xs: &[&str]| xs.iter().map(|x| x.to_string()).collect();
    match option {
        "bootstrap-server" => list(&["localhost:9092"]),
        // A topic name is also a pattern that matches just that topic.
        "topic" | "include" | "whitelist" => topics_of(shell),
        "group" => shell.sim.group_ids().iter().map(|g| g.to_string()).collect(),
        "assignor" => list(&["range", "roundrobin", "sticky", "cooperative-sticky"]),
        "commit" => list(&["auto", "sync", "async", "before-processing", "never"]),
        "value" => list(&["order"]),
        "election-type" => list(&["PREFERRED", "UNCLEAN"]),
        "entity-type" => list(&["topics", "brokers"]),
        "isolation-level" => list(&["read_committed", "read_uncommitted"]),
        "entity-name" if words.iter().any(|w| w == "brokers") => shell.sim.brokers().map(|b| b.id.to_string()).collect(),
        "entity-name" => topics_of(shell),
        _ => Vec::new(),
    }
}

fn topics_of(shell: &Shell) -> Vec<String> {
    shell.sim.controller().topics.keys().map(|t| t.to_string()).collect()
}

fn brokers(shell: &Shell) -> Vec<String> {
    shell.sim.brokers().map(|b| b.id.to_string()).collect()
}

fn client_names(shell: &Shell, keep: impl Fn(&Client) -> bool) -> Vec<String> {
    shell.sim.clients().iter().filter(|c| keep(c)).map(|c| c.name().to_string()).collect()
}

/// The positional words of simulator verbs: `kill broker 2`, `slow client dashboard`, ...
fn verb_arguments(shell: &Shell, words: &[String]) -> Vec<String> {
    let list = |xs: &[&str]| xs.iter().map(|x| x.to_string()).collect::<Vec<_>>();
    let prev = words.last().map(String::as_str).unwrap_or("");
    let n = words.len();
    match (words[0].as_str(), n, prev) {
        ("start" | "stop", 1, _) => list(&["broker"]),
        ("start" | "stop", 2, "broker") => brokers(shell),
        ("kill" | "pause" | "resume" | "isolate", 1, _) => list(&["broker", "client"]),
        ("kill" | "pause" | "resume" | "isolate", 2, "broker") => brokers(shell),
        ("kill" | "pause" | "resume" | "isolate", 2, "client") => client_names(shell, |_| true),
        ("slow", 1, _) => list(&["client"]),
        ("slow", 2, "client") => client_names(shell, |c| matches!(c, Client::Consumer(_))),
        ("describe", 1, _) => list(&["cluster", "topic", "partition", "clients"]),
        ("describe", 2, "topic") => topics_of(shell),
        ("describe", 2, "partition") => {
            shell.sim.controller().topics.iter().flat_map(|(t, s)| (0..s.partitions.len()).map(move |p| format!("{t}-{p}"))).collect()
        }
        ("producer", 1, _) | ("consumer", 1, _) => list(&["start", "stop"]),
        ("producer", 2, "stop") => client_names(shell, |c| matches!(c, Client::Producer(_))),
        ("consumer", 2, "stop") => client_names(shell, |c| matches!(c, Client::Consumer(_))),
        ("run", 1, _) => list(&["until"]),
        ("run", 2, "until") => list(&["idle"]),
        ("partition", _, _) => {
            let mut v = list(&["controller", "|"]);
            v.extend(shell.sim.brokers().map(|b| format!("broker-{}", b.id)));
            v.extend(client_names(shell, |_| true));
            v
        }
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shell() -> Shell {
        let mut s = Shell::new(1);
        s.execute("kafka-topics.sh --bootstrap-server localhost:9092 --create --topic orders --partitions 2", &[]).unwrap();
        s.execute("kafka-topics.sh --bootstrap-server localhost:9092 --create --topic order-events --partitions 1", &[]).unwrap();
        s.execute("consumer start dash --topic orders --group dashboard", &[]).unwrap();
        s.sim.run_for(5_000);
        s
    }

    fn line(s: &Shell, l: &str) -> Option<String> {
        complete(s, l).map(|c| c.line)
    }

    #[test]
    fn completes_tool_names_and_verbs() {
        let s = shell();
        assert_eq!(line(&s, "kafka-to").as_deref(), Some("kafka-topics.sh "));
        assert_eq!(line(&s, "kafka-con").as_deref(), Some("kafka-con"));
        let c = complete(&s, "kafka-con").unwrap();
        assert_eq!(
            c.candidates,
            ["kafka-configs.sh", "kafka-console-consumer.sh", "kafka-console-producer.sh", "kafka-consumer-groups.sh", "kafka-consumer-perf-test.sh"]
        );
        assert_eq!(line(&s, "kafka-pro").as_deref(), Some("kafka-producer-perf-test.sh "));
        assert_eq!(line(&s, "sl").as_deref(), Some("slow "));
        assert_eq!(line(&s, "kafka-console-p").as_deref(), Some("kafka-console-producer.sh "));
    }

    #[test]
    fn completes_each_tools_own_options() {
        let s = shell();
        assert_eq!(line(&s, "kafka-topics.sh --boot").as_deref(), Some("kafka-topics.sh --bootstrap-server "));
        assert_eq!(
            line(&s, "kafka-topics.sh --bootstrap-server localhost:9092 --cre").as_deref(),
            Some("kafka-topics.sh --bootstrap-server localhost:9092 --create ")
        );
        // --from-beginning is a console consumer option, not a topics one.
        assert_eq!(line(&s, "kafka-topics.sh --from"), None);
        assert_eq!(line(&s, "kafka-console-consumer.sh --from").as_deref(), Some("kafka-console-consumer.sh --from-beginning "));
        assert_eq!(line(&s, "consumer start c1 --assi").as_deref(), Some("consumer start c1 --assignor "));
        let c = complete(&s, "kafka-consumer-groups.sh ").unwrap();
        assert!(c.candidates.contains(&"--reset-offsets".to_string()), "{:?}", c.candidates);
    }

    #[test]
    fn completes_names_the_cluster_knows() {
        let s = shell();
        assert_eq!(line(&s, "kafka-topics.sh --describe --topic ord").as_deref(), Some("kafka-topics.sh --describe --topic order"));
        assert_eq!(complete(&s, "kafka-topics.sh --describe --topic ord").unwrap().candidates, ["order-events", "orders"]);
        assert_eq!(line(&s, "kafka-consumer-groups.sh --describe --group d").as_deref(), Some("kafka-consumer-groups.sh --describe --group dashboard "));
        assert_eq!(line(&s, "kill broker 2").as_deref(), Some("kill broker 2 "));
        assert_eq!(line(&s, "kill cl").as_deref(), Some("kill client "));
        assert_eq!(line(&s, "slow client d").as_deref(), Some("slow client dash "));
        assert_eq!(line(&s, "consumer start c2 --assignor coop").as_deref(), Some("consumer start c2 --assignor cooperative-sticky "));
        assert_eq!(line(&s, "producer start p --topic orders --value o").as_deref(), Some("producer start p --topic orders --value order "));
        assert_eq!(line(&s, "describe partition orders-").unwrap(), "describe partition orders-");
        assert_eq!(complete(&s, "describe partition orders-").unwrap().candidates, ["orders-0", "orders-1"]);
        assert_eq!(complete(&s, "describe partition orders-").unwrap().hint(), "orders-0  orders-1");
    }

    /// Thousands of matches (a topic of 3,000 partitions): the hint lists 40 and counts the rest.
    #[test]
    fn a_long_list_of_matches_is_counted() {
        let mut s = shell();
        s.execute("kafka-topics.sh --bootstrap-server localhost:9092 --create --topic big --partitions 3000 --replication-factor 1", &[]).unwrap();
        let c = complete(&s, "describe partition big-").unwrap();
        assert_eq!(c.candidates.len(), 3000);
        let hint = c.hint();
        assert_eq!(hint.split("  ").filter(|w| w.starts_with("big-")).count(), 40);
        assert!(hint.ends_with("\u{2026} and 2960 more"), "{hint}");
    }

    #[test]
    fn nothing_to_complete_lets_tab_move_focus() {
        let s = shell();
        assert_eq!(complete(&s, ""), None);
        assert_eq!(complete(&s, "   "), None);
        assert_eq!(complete(&s, "zzz"), None);
        assert_eq!(complete(&s, "kill broker 9"), None);
        assert_eq!(complete(&s, "kafka-topics.sh --topic 'unclosed "), None);
        assert_eq!(complete(&s, "heal "), None);
    }
}
