//! The sandbox's tape: seeking, stepping back, changing the past and shared links all land on
//! exactly the state a straight run reaches.
use kafka_flightsim::presets::{self, PRESETS};
use kafka_flightsim::session::link::{Link, LinkError};
use kafka_flightsim::session::{LineKind, Op, Player, Prompt, Start};
use kafka_flightsim::sim::invariants::InvariantChecker;
use rand_chacha::rand_core::{RngCore, SeedableRng};
use rand_chacha::ChaCha8Rng;

const BUDGET: u64 = 2_000_000;

fn failover(seed: u64) -> Player {
    Player::new(presets::find("failover").expect("preset"), seed).expect("preset builds")
}

/// What identifies a moment: the run so far (trace hash), the clock and the position.
fn moment(p: &Player) -> (u64, u64, u64) {
    (p.shell().sim.trace_hash(), p.shell().sim.now(), p.elapsed())
}

/// A session with every kind of op: steps, playing, commands, a console producer.
fn busy_session(seed: u64) -> (Player, Vec<(u64, u64, u64)>) {
    let mut p = failover(seed);
    let mut seen = vec![moment(&p)];
    let now = p.shell().sim.now();
    for _ in 0..7 {
        p.step();
        seen.push(moment(&p));
    }
    p.advance_to(now + 800);
    seen.push(moment(&p));
    p.line("kill broker 1");
    seen.push(moment(&p));
    p.advance_to(now + 4_000);
    seen.push(moment(&p));
    p.line("kafka-console-producer.sh --bootstrap-server localhost:9092 --topic orders");
    seen.push(moment(&p));
    p.line("hello");
    seen.push(moment(&p));
    p.end_of_input();
    seen.push(moment(&p));
    p.line("tick 2s");
    seen.push(moment(&p));
    p.line("start broker 1");
    seen.push(moment(&p));
    for _ in 0..3 {
        p.step();
    }
    p.advance_to(now + 12_000);
    seen.push(moment(&p));
    (p, seen)
}

#[test]
fn seeking_lands_where_the_live_session_stood() {
    let (mut p, seen) = busy_session(3);
    assert!(p.head() > 1_000, "the session should be long enough to need checkpoints: {}", p.head());
    // Backwards, forwards, and from far away: every moment the learner saw comes back exactly
    // (a position is after its event and all that was typed before the next one).
    let last_at_each: Vec<_> = seen.iter().enumerate().filter(|(i, m)| seen.get(i + 1).is_none_or(|n| n.2 != m.2)).map(|(_, m)| *m).collect();
    for m in last_at_each.iter().rev().chain(last_at_each.iter()) {
        p.seek(m.2);
        assert_eq!(moment(&p), *m, "seek to {}", m.2);
    }
}

#[test]
fn seek_agrees_with_stepping_along_the_tape() {
    let (mut p, _) = busy_session(5);
    let head = p.head();
    p.seek(0);
    let mut walker = p.clone();
    let mut positions = vec![moment(&walker)];
    while walker.elapsed() < head {
        assert!(walker.step(), "step along the tape stopped at {}", walker.elapsed());
        positions.push(moment(&walker));
    }
    for m in positions.iter().step_by(37) {
        p.seek(m.2);
        assert_eq!(moment(&p), *m);
    }
}

#[test]
fn step_back_is_one_event_back() {
    let (mut p, _) = busy_session(9);
    let end = moment(&p);
    assert!(p.step_back());
    assert_eq!(p.elapsed(), end.2 - 1);
    assert!(p.step());
    assert_eq!(moment(&p), end);
}

#[test]
fn changing_the_past_makes_a_tape_that_replays_to_the_same_state() {
    let (mut p, seen) = busy_session(11);
    p.seek(seen[4].2);
    p.line("stop broker 2");
    p.advance_to(p.shell().sim.now() + 3_000);
    assert!(p.at_head());
    let replayed = Player::open(&p.link(), BUDGET).expect("the tape replays");
    assert_eq!(moment(&replayed), moment(&p));
    assert!(p.ops().iter().all(|op| !matches!(op, Op::Line(l) if l == "start broker 1")), "the future was dropped");
}

#[test]
fn a_shared_link_opens_on_the_same_step() {
    let (mut p, seen) = busy_session(13);
    for m in [seen[3], seen[6], seen[9]] {
        p.seek(m.2);
        let query = p.link().to_query();
        let link = Link::from_query(&query).expect("parses").expect("is a link");
        let opened = Player::open(&link, BUDGET).expect("replays");
        assert_eq!(moment(&opened), m);
        assert_eq!(opened.head(), p.head());
    }
}

#[test]
fn a_tape_that_asks_too_much_is_refused() {
    let link = Link { start: Start::preset("failover").expect("preset"), seed: 1, ops: vec![Op::StepTo(u64::MAX)], at: None };
    assert!(matches!(Player::open(&link, 50_000), Err(LinkError::Replay(_))));
    let past_end = Link { start: Start::preset("empty").expect("preset"), seed: 1, ops: vec![Op::Line("tick 1s".into())], at: Some(1_000_000) };
    assert!(matches!(Player::open(&past_end, BUDGET), Err(LinkError::Replay(_))));
}

/// Tampered links: random edits of a real one. None may panic; most are refused, the rest
/// (an edit the checksum cannot see, like a dropped optional field) open something.
#[test]
fn tampered_links_never_panic() {
    let (mut p, seen) = busy_session(17);
    p.seek(seen[5].2);
    let good = p.link().to_query();
    let mut rng = ChaCha8Rng::seed_from_u64(99);
    let alphabet = b"abcAZ09-_=&%?#/ \xc3";
    let (mut refused, mut opened) = (0, 0);
    for i in 0..300 {
        let mut bytes = good.clone().into_bytes();
        for _ in 0..1 + rng.next_u32() % 3 {
            let at = rng.next_u32() as usize % bytes.len();
            match rng.next_u32() % 3 {
                0 => bytes[at] = alphabet[rng.next_u32() as usize % alphabet.len()],
                1 => {
                    bytes.remove(at);
                }
                _ => bytes.truncate(at),
            }
            if bytes.is_empty() {
                break;
            }
        }
        let query = String::from_utf8_lossy(&bytes).into_owned();
        match Link::from_query(&query) {
            Ok(Some(link)) => match Player::open(&link, 200_000) {
                Ok(_) => opened += 1,
                Err(_) => refused += 1,
            },
            Ok(None) => refused += 1,
            Err(_) => refused += 1,
        }
        let _ = i;
    }
    assert!(refused > 250, "refused {refused}, opened {opened}");
}

#[test]
fn every_preset_builds_and_keeps_the_invariants() {
    for preset in PRESETS {
        let mut p = Player::new(preset, 21).unwrap_or_else(|e| panic!("{e}"));
        let mut checker = InvariantChecker::default();
        let until = p.shell().sim.now() + 5_000;
        while p.shell().sim.next_event_time().is_some_and(|t| t <= until) {
            p.step();
            checker.check(&p.shell().sim).unwrap_or_else(|e| panic!("preset {} seed 21 step {}: {e}", preset.id, p.elapsed()));
        }
        let view = p.shell().sim.view(8);
        assert!(!view.topics.is_empty() || preset.id == "empty", "preset {} made no topic", preset.id);
        assert!(view.clients.iter().all(|c| c.running), "preset {}: a client stopped", preset.id);
    }
}

#[test]
fn presets_are_the_teaching_examples_the_issue_lists() {
    let topic_of = |id: &str| {
        let p = Player::new(presets::find(id).expect("preset"), 1).expect("builds");
        let v = p.shell().sim.view(1);
        (
            v.topics.iter().filter(|t| !t.name.starts_with("__")).map(|t| (t.name.to_string(), t.partitions.len())).collect::<Vec<_>>(),
            v.groups.iter().map(|g| g.id.to_string()).collect::<Vec<_>>(),
            v.brokers.len(),
        )
    };
    assert_eq!(topic_of("clickstream").0, vec![("user-clicks".to_string(), 4)]);
    assert_eq!(topic_of("orders").1, vec!["dashboard".to_string()]);
    assert_eq!(topic_of("order-service").1, vec!["billing".to_string(), "inventory".to_string(), "notifications".to_string()]);
    let (topics, _, brokers) = topic_of("stress");
    assert_eq!(brokers, 6);
    assert_eq!(topics[0].1 * 3, 48);
}

fn empty(seed: u64) -> Player {
    Player::new(presets::find("empty").expect("preset"), seed).expect("preset builds")
}

fn printed(p: &mut Player) -> Vec<String> {
    p.take_printed().into_iter().map(|l| format!("{}{}", if l.kind == LineKind::Error { "error: " } else { "" }, l.text)).collect()
}

/// Tutorials print long commands over several lines, each but the last ending in `\`. The
/// console used to refuse the first line ("a line cannot end with a lone backslash").
#[test]
fn a_console_line_ending_in_a_backslash_continues_at_a_gt_prompt() {
    let mut p = empty(5);
    p.take_printed();
    p.line("kafka-topics.sh --bootstrap-server localhost:9092 \\");
    assert_eq!(p.prompt(), Prompt::Continuation);
    assert_eq!(p.prompt().symbol(), ">");
    p.line("  --create --topic payments \\");
    // Tab completes against the whole command typed so far.
    let c = p.complete("--partit").expect("an option of kafka-topics.sh");
    assert_eq!(c.line, "--partitions ");
    p.line("  --partitions 2");
    assert_eq!(p.prompt(), Prompt::Command);
    assert_eq!(
        printed(&mut p),
        vec!["$ kafka-topics.sh --bootstrap-server localhost:9092 \\", ">   --create --topic payments \\", ">   --partitions 2", "Created topic payments."]
    );
    assert_eq!(p.shell().sim.controller().topics.get("payments").map(|t| t.partitions.len()), Some(2));

    // A continued console producer opens its record prompt; a record ending in a backslash
    // is a record like any other (records are not shell words).
    p.line("kafka-console-producer.sh --bootstrap-server localhost:9092 \\");
    p.line("--topic payments");
    assert_eq!(p.prompt(), Prompt::Record);
    p.line("C:\\temp\\");
    assert_eq!(p.prompt(), Prompt::Record);
    p.end_of_input();
    assert_eq!(p.prompt(), Prompt::Command);

    // Ctrl-D at the continuation prompt ends the command there, as in bash.
    p.line("kafka-topics.sh --bootstrap-server localhost:9092 --list \\");
    p.take_printed();
    p.end_of_input();
    assert_eq!(printed(&mut p), vec!["> ^D", "payments"]);
    assert_eq!(p.prompt(), Prompt::Command);

    // The tape keeps the lines as typed: a shared link replays to the same state.
    let link = p.link();
    let again = Player::open(&Link::from_query(&link.to_query()).unwrap().unwrap(), BUDGET).expect("replays");
    assert_eq!(moment(&again), moment(&p));
    assert_eq!(again.prompt(), Prompt::Command);
}

/// Seeking into the middle of a continued command brings its prompt back, and what was typed.
#[test]
fn seeking_between_continued_lines_keeps_the_continuation() {
    let mut p = failover(6);
    p.line("kafka-topics.sh --bootstrap-server localhost:9092 --create \\");
    p.step();
    let at = p.elapsed();
    p.step();
    p.seek(at);
    assert_eq!(p.prompt(), Prompt::Continuation);
    p.line("--topic t");
    assert_eq!(p.prompt(), Prompt::Command);
    assert!(p.shell().sim.controller().topics.get("t").is_some());
}

#[test]
fn a_session_becomes_a_script_for_a_real_cluster() {
    let mut p = failover(7);
    let now = p.shell().sim.now();
    p.advance_to(now + 2_000);
    p.line("kill broker 1");
    p.line("kafka-console-producer.sh --bootstrap-server localhost:9092 --topic orders");
    p.line("hello");
    p.end_of_input();
    // The console producer waited for the new leader (virtual seconds): a later `tick` counts
    // from the last time the learner ran to.
    let after = p.shell().sim.now();
    p.advance_to(after + 500);
    let script = p.script();
    let start = presets::find("failover").expect("preset").script.trim_end();
    assert!(script.starts_with(start), "{script}");
    let typed = &script[start.len()..];
    assert_eq!(
        typed,
        format!(
            "\ntick 2000ms\nkill broker 1\nkafka-console-producer.sh --bootstrap-server localhost:9092 --topic orders\nhello\n.\ntick {}ms\n",
            after + 500 - (now + 2_000)
        )
    );
    // Seeking back shows the script of that moment, not of the whole tape.
    p.seek(0);
    assert_eq!(p.script(), format!("{start}\n"));
    let real = kafka_flightsim::shell::real_cluster::to_real_cluster(&script);
    assert!(real.contains("# by hand: ") && real.contains("sleep 2 ") && real.contains("hello\nRECORDS"), "{real}");
}

#[test]
fn a_producer_stopped_with_ctrl_c_ends_its_records_in_the_script() {
    let mut p = failover(7);
    p.line("kafka-console-producer.sh --bootstrap-server localhost:9092 \\");
    p.line("  --topic orders");
    p.line("hello");
    p.interrupt();
    p.line("kill broker 1");
    let script = p.script();
    assert!(script.ends_with("kafka-console-producer.sh --bootstrap-server localhost:9092 \\\n  --topic orders\nhello\n.\nkill broker 1\n"), "{script}");
    let real = kafka_flightsim::shell::real_cluster::to_real_cluster(&script);
    assert!(real.contains("# by hand: kill broker 1"), "the kill is a command, not a record: {real}");
}
