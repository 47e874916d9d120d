//! The console behaves like a terminal (issue 16): a console consumer keeps running and prints
//! records produced after it started, until Ctrl-C, `--max-messages` or `--timeout-ms`, and
//! replays identically from the tape; `exit` is a record at the producer's prompt and Ctrl-D
//! ends it; `clear`; pasted tutorial text (prompts, deprecated options, typographic
//! characters); the blank lines of the consumer-groups tables.
use kafka_flightsim::app::state::{Action, SandboxState};
use kafka_flightsim::presets;
use kafka_flightsim::session::link::LINK_BUDGET;
use kafka_flightsim::session::{LineKind, Player, Printed, Prompt};
use kafka_flightsim::shell::{paste, Shell};

const BS: &str = "--bootstrap-server localhost:9092";

fn empty(seed: u64) -> Player {
    let mut p = Player::new(presets::find("empty").expect("preset"), seed).expect("builds");
    p.line(&format!("kafka-topics.sh {BS} --create --topic t --partitions 1 --replication-factor 1"));
    p.take_printed();
    p
}

fn texts(printed: &[Printed]) -> Vec<&str> {
    printed.iter().map(|p| p.text.as_str()).collect()
}

fn produce(p: &mut Player, records: &[&str]) {
    p.line(&format!("kafka-console-producer.sh {BS} --topic t"));
    for r in records {
        p.line(r);
    }
    p.end_of_input();
}

#[test]
fn a_console_consumer_prints_a_record_produced_after_it_started() {
    let mut p = empty(1);
    p.line(&format!("kafka-console-consumer.sh {BS} --topic t"));
    let started = p.take_printed();
    assert_eq!(p.foreground(), Some("console-consumer-1"), "{started:?}");
    assert!(texts(&started).iter().any(|l| l.starts_with("(console-consumer-1 keeps running")), "{started:?}");
    assert_eq!(p.prompt(), Prompt::Command, "commands still run beside it");
    produce(&mut p, &["late"]);
    let now = p.shell().sim.now();
    p.advance_to(now + 2_000);
    let out = p.take_printed();
    assert!(texts(&out).contains(&"late"), "the record produced after the consumer started is printed: {out:?}");
    // Ctrl-C: Kafka's closing line, and the consumer is gone.
    assert!(p.interrupt());
    let out = p.take_printed();
    assert_eq!(texts(&out), ["^C", "Processed a total of 1 messages"]);
    assert_eq!(p.foreground(), None);
    assert!(!p.interrupt(), "nothing left to stop: nothing goes on the tape");
    // The tape replays to the same lines (a shared link), and seeking back and forth along it
    // prints the same record again.
    let replayed = Player::replay(p.start.clone(), p.seed, p.ops().to_vec(), None, LINK_BUDGET).expect("replays");
    let mut replayed = replayed;
    let lines = replayed.take_printed();
    assert_eq!(texts(&lines).iter().filter(|l| **l == "late").count(), 1, "{lines:?}");
    assert!(texts(&lines).ends_with(&["^C", "Processed a total of 1 messages"]));
    let end = p.elapsed();
    p.seek(0);
    let mut again = Vec::new();
    while p.elapsed() < end && p.step() {
        again.extend(p.take_printed());
    }
    assert_eq!(p.elapsed(), end);
    assert_eq!(texts(&again).iter().filter(|l| **l == "late").count(), 1, "stepping along the tape prints it again: {again:?}");
}

#[test]
fn max_messages_ends_the_running_consumer_when_the_records_arrive() {
    let mut p = empty(2);
    p.line(&format!("kafka-console-consumer.sh {BS} --topic t --max-messages 2"));
    assert_eq!(p.foreground(), Some("console-consumer-1"));
    p.take_printed();
    produce(&mut p, &["a", "b", "c"]);
    let now = p.shell().sim.now();
    p.advance_to(now + 2_000);
    let out = p.take_printed();
    let shown: Vec<&str> = out.iter().filter(|l| l.kind == LineKind::Output && !l.text.starts_with('(')).map(|l| l.text.as_str()).collect();
    assert_eq!(shown, ["a", "b", "Processed a total of 2 messages"]);
    assert_eq!(p.foreground(), None);
}

#[test]
fn timeout_ms_ends_the_running_consumer_with_kafkas_error() {
    let mut p = empty(3);
    p.line(&format!("kafka-console-consumer.sh {BS} --topic t --timeout-ms 5000"));
    assert_eq!(p.foreground(), Some("console-consumer-1"), "still waiting after a quiet second");
    p.take_printed();
    let now = p.shell().sim.now();
    p.advance_to(now + 6_000);
    assert_eq!(
        texts(&p.take_printed()),
        [
            "ERROR Error processing message, terminating consumer process:  (org.apache.kafka.tools.consumer.ConsoleConsumer)",
            "org.apache.kafka.common.errors.TimeoutException",
            "Processed a total of 0 messages"
        ]
    );
    assert_eq!(p.foreground(), None);
}

#[test]
fn exit_is_a_record_and_ctrl_d_ends_the_input() {
    let mut p = empty(4);
    p.line(&format!("kafka-console-producer.sh {BS} --topic t"));
    p.line("exit");
    assert_eq!(p.prompt(), Prompt::Record, "exit is a record like any other line");
    p.end_of_input();
    assert_eq!(p.prompt(), Prompt::Command);
    p.take_printed();
    p.line(&format!("kafka-console-consumer.sh {BS} --topic t --from-beginning --max-messages 1"));
    assert_eq!(texts(&p.take_printed())[1..], ["exit", "Processed a total of 1 messages"]);
    // Ctrl-C at the producer's prompt stops it too.
    p.line(&format!("kafka-console-producer.sh {BS} --topic t"));
    assert!(p.interrupt());
    assert_eq!(p.prompt(), Prompt::Command);
    assert_eq!(texts(&p.take_printed()).last(), Some(&"> ^C"));
}

#[test]
fn a_caret_c_line_is_ctrl_c_for_scripts_and_lessons() {
    let mut p = empty(5);
    p.line(&format!("kafka-console-consumer.sh {BS} --topic t"));
    p.line("^C");
    assert_eq!(p.foreground(), None);
    assert_eq!(p.ops().last(), Some(&kafka_flightsim::session::Op::Interrupt));
    // In a script the consumer has stopped once caught up: `^C` only marks the place.
    let mut sh = Shell::new(5);
    assert_eq!(sh.execute("^C", &[]), Ok(String::new()));
}

#[test]
fn clear_empties_the_console() {
    let s = SandboxState::new(presets::find("empty").expect("preset"), 1);
    let s = s.reduce(Action::Line("help".into()));
    assert!(s.console.len() > 5);
    let s = s.reduce(Action::Line("clear".into()));
    assert!(s.console.is_empty(), "{:?}", s.console);
    let s = s.reduce(Action::Line("time".into()));
    assert_eq!(s.console.first().map(|l| l.text.as_str()), Some("$ time"));
    // Ctrl-C with nothing running answers as bash does, off the tape.
    let ops = s.player.ops().len();
    let s = s.reduce(Action::Interrupt);
    assert_eq!(s.console.last().map(|l| (l.kind, l.text.as_str())), Some((LineKind::Input, "$ ^C")));
    assert_eq!(s.player.ops().len(), ops);
}

#[test]
fn the_console_shows_its_newest_line_after_each_command() {
    // The page follows the newest line unless the learner scrolled up (app::state).
    use kafka_flightsim::app::state::follows_newest;
    assert!(follows_newest(600, 200, 800));
    assert!(follows_newest(590, 200, 800), "within a line of the bottom");
    assert!(!follows_newest(100, 200, 800), "scrolled up: left where it is");
    let mut s = SandboxState::new(presets::find("empty").expect("preset"), 1);
    for cmd in ["help", "kafka-topics.sh --bootstrap-server localhost:9092 --list", "time", "bogus"] {
        s = s.reduce(Action::Line(cmd.into()));
        let last = s.console.last().expect("a line");
        let echo = s.console.iter().rposition(|l| l.text == format!("$ {cmd}")).expect("echoed");
        assert!(s.console[echo..].iter().any(|l| l.id == last.id), "the newest line follows the command {cmd}");
    }
}

#[test]
fn a_pasted_multi_line_command_with_prompts_and_backslashes_runs() {
    let block = "$ kafka-topics.sh --bootstrap-server localhost:9092 \\\n>   --create --topic pasted \\\n>   --partitions 2\n";
    let pasted = paste::paste("", 0, 0, block).expect("several lines");
    let mut p = Player::new(presets::find("empty").expect("preset"), 6).expect("builds");
    for l in &pasted.lines {
        p.line(l);
    }
    let out = p.take_printed();
    assert_eq!(p.prompt(), Prompt::Command);
    assert!(texts(&out).contains(&"Created topic pasted."), "{out:?}");
    assert_eq!(texts(&out).iter().filter(|l| l.starts_with("(left out the `")).count(), 3, "{out:?}");
    assert_eq!(p.shell().sim.controller().topics.get("pasted").map(|t| t.partitions.len()), Some(2));
}

#[test]
fn deprecated_aliases_work_with_kafkas_warning() {
    let mut sh = Shell::new(7);
    let out = sh.execute("kafka-console-producer.sh --broker-list localhost:9092 --topic old", &["one".into()]).unwrap();
    assert!(out.starts_with("Warning: --broker-list is DEPRECATED, use --bootstrap-server instead;"), "{out}");
    let out = sh
        .execute(&format!("kafka-console-consumer.sh {BS} --topic old --from-beginning --max-messages 1 --formatter kafka.tools.DefaultMessageFormatter"), &[])
        .unwrap();
    assert_eq!(
        out,
        "WARNING: kafka.tools.DefaultMessageFormatter is deprecated and will be removed in the next major release. Please use org.apache.kafka.tools.consumer.DefaultMessageFormatter instead\none\nProcessed a total of 1 messages\n"
    );
    let out = sh.execute(&format!("kafka-console-consumer.sh {BS} --topic old --from-beginning --max-messages 1 --formatter org.apache.kafka.tools.consumer.DefaultMessageFormatter"), &[]).unwrap();
    assert_eq!(out, "one\nProcessed a total of 1 messages\n");
    let e = sh.execute(&format!("kafka-console-consumer.sh {BS} --topic old --formatter kafka.tools.LoggingMessageFormatter"), &[]).unwrap_err();
    assert!(e.message.contains("DefaultMessageFormatter only"), "{}", e.message);
}

#[test]
fn zookeeper_explains_kraft_and_bootstrap_server() {
    let mut sh = Shell::new(8);
    for cmd in ["kafka-topics.sh --zookeeper localhost:2181 --list", "kafka-console-consumer.sh --zookeeper localhost:2181 --topic t"] {
        let e = sh.execute(cmd, &[]).unwrap_err().message;
        assert!(e.starts_with("zookeeper is not a recognized option: "), "{e}");
        assert!(e.contains("KRaft") && e.ends_with("use --bootstrap-server localhost:9092"), "{e}");
    }
}

#[test]
fn typographic_dashes_and_quotes_get_a_hint_naming_the_character() {
    let mut sh = Shell::new(9);
    let e = sh.execute("kafka-topics.sh \u{2013}\u{2013}bootstrap-server localhost:9092 --list", &[]).unwrap_err().message;
    assert_eq!(
        e,
        "'\u{2013}\u{2013}bootstrap-server' starts with an en dash (U+2013), not hyphens (copied text often turns -- into one): type --bootstrap-server"
    );
    let e = sh.execute("kafka-topics.sh \u{2014}list", &[]).unwrap_err().message;
    assert!(e.starts_with("'\u{2014}list' starts with an em dash (U+2014)") && e.ends_with("type --list"), "{e}");
    let e = sh.execute("kafka-topics.sh --bootstrap-server localhost:9092 --create --topic \u{201C}t\u{201D}", &[]).unwrap_err().message;
    assert!(e.starts_with("\u{201C} is a typographic double quote (U+201C/U+201D)") && e.ends_with("type \" instead"), "{e}");
    // Quoted, they are text like any other.
    assert!(kafka_flightsim::shell::tokenize("echo '\u{201C}x\u{2013}'").is_ok());
}

#[test]
fn the_blank_lines_around_the_consumer_groups_tables_are_kept() {
    // ConsumerGroupCommand prints "\n" before the header and a final println (cli_formats.md
    // section 2): the console keeps those blank lines as lines.
    let mut p = Player::new(presets::find("failover").expect("preset"), 10).expect("builds");
    let now = p.shell().sim.now();
    p.advance_to(now + 8_000);
    p.take_printed();
    p.line(&format!("kafka-consumer-groups.sh {BS} --describe --group dashboard"));
    let out = p.take_printed();
    let t = texts(&out);
    assert_eq!(t[1], "", "a blank line before the table: {t:?}");
    assert!(t[2].starts_with("GROUP "), "{t:?}");
}

/// A producer writing faster than the consumer's quiet second never lets the log go quiet: the
/// console consumer still returns the prompt (it goes on running), and in a script it stops
/// after a bounded catch-up. Both used to spin forever (the failover preset's producer writes
/// 4 records a second).
#[test]
fn a_console_consumer_beside_a_busy_producer_returns_the_prompt() {
    let mut p = Player::new(presets::find("failover").expect("preset"), 3).expect("builds");
    let before = p.shell().sim.now();
    p.line(&format!("kafka-console-consumer.sh {BS} --topic orders --from-beginning"));
    assert_eq!(p.foreground(), Some("console-consumer-1"));
    assert!(p.shell().sim.now() - before <= 2_000, "the command took {} ms of virtual time", p.shell().sim.now() - before);
    let mut shell = presets::find("failover").expect("preset").build(3).expect("builds");
    let out = shell.execute(&format!("kafka-console-consumer.sh {BS} --topic orders --from-beginning"), &[]).expect("runs");
    assert!(out.contains("Processed a total of"), "{out}");
}

/// The perf tools run in the console as anywhere else: one command, virtual time passing
/// inside it, Kafka's lines printed when it ends; the tape replays them, the tab completes them.
#[test]
fn perf_tools_print_their_lines_in_the_console_and_replay() {
    let mut p = empty(3);
    p.line(
        "kafka-producer-perf-test.sh --topic t --num-records 3000 --record-size 100 --throughput 500 --producer-props bootstrap.servers=localhost:9092 acks=1",
    );
    let produced = p.take_printed();
    let lines = texts(&produced);
    assert!(lines[0].starts_with("$ kafka-producer-perf-test.sh"), "{lines:?}");
    assert!(lines[1].ends_with("ms max latency."), "a window line after 5 s: {lines:?}");
    assert!(lines[2].starts_with("3000 records sent, ") && lines[2].ends_with("ms 99.9th."), "{lines:?}");
    assert!(p.shell().sim.now() >= 6_000, "six seconds of sending passed on the virtual clock");
    p.line(&format!("kafka-consumer-perf-test.sh {BS} --topic t --messages 3000"));
    let consumed = p.take_printed();
    assert_eq!(
        texts(&consumed)[1],
        "start.time, end.time, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec, rebalance.time.ms, fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec"
    );
    assert!(texts(&consumed)[2].contains(", 3000, "), "{consumed:?}");
    let mut replayed = Player::replay(p.start.clone(), p.seed, p.ops().to_vec(), None, LINK_BUDGET).expect("replays");
    let mut both = produced.clone();
    both.extend(consumed);
    assert!(replayed.take_printed().ends_with(&both), "the tape prints the same lines again");
    let completed = p.complete("kafka-producer-perf").expect("completes");
    assert_eq!(completed.line, "kafka-producer-perf-test.sh ");
    let options = p.complete("kafka-consumer-perf-test.sh --show-d").expect("completes");
    assert_eq!(options.line, "kafka-consumer-perf-test.sh --show-detailed-stats ");
}
