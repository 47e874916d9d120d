//! The course replays: every lesson in lessons/ passes `lesson::check` (its commands run, its
//! quiz answers are computed by the engine on several seeds, each choice quiz has exactly one
//! true option, each challenge starts unmet and its reference solution meets it), and a
//! malformed lesson fails with its file, its line and the reason.
use kafka_flightsim::app::glossary;
use kafka_flightsim::lesson::check::{check_course, check_lesson, transcript};
use kafka_flightsim::lesson::{self, CheckOptions, Item, PosedKind, QuizKind};

/// The ids of the glossary's file (`glossary/glossary.txt`, data the page fetches), which must
/// parse: a malformed file fails every lesson test with its line and reason.
fn glossary() -> Vec<&'static str> {
    static FILE: std::sync::OnceLock<glossary::Glossary> = std::sync::OnceLock::new();
    let g = FILE.get_or_init(|| {
        let text = std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(glossary::FILE)).expect("the glossary's file");
        glossary::parse(&text).unwrap_or_else(|e| panic!("{e}"))
    });
    g.ids()
}

/// The glossary's file parses, and holds every entry narration links to.
#[test]
fn the_glossary_file_holds_every_linked_entry() {
    assert!(glossary().len() >= 30);
    let text = std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(glossary::FILE)).expect("the glossary's file");
    let g = glossary::parse(&text).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(glossary::missing_keyword_ids(&g), Vec::<String>::new());
}

fn lesson_files() -> Vec<(String, String)> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("lessons");
    let mut files: Vec<String> = std::fs::read_dir(&dir)
        .expect("the lessons/ directory")
        .map(|e| e.expect("a directory entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "lesson"))
        .map(|p| format!("lessons/{}", p.file_name().unwrap().to_string_lossy()))
        .collect();
    files.sort();
    files.into_iter().map(|f| (f.clone(), std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(&f)).expect("a lesson file"))).collect()
}

#[test]
fn every_lesson_of_the_course_replays() {
    let files = lesson_files();
    assert!(files.len() >= 2, "the course has its first two lessons");
    let mut lessons = Vec::new();
    let mut failures = Vec::new();
    for (file, source) in &files {
        match lesson::parse(file, source) {
            Err(errors) => failures.extend(errors.iter().map(|e| e.to_string())),
            Ok(l) => {
                match check_lesson(&l, &glossary(), CheckOptions::default()) {
                    Ok(report) => println!("{}", report.summary()),
                    Err(errors) => failures.extend(errors.iter().map(|e| e.to_string())),
                }
                lessons.push(l);
            }
        }
    }
    failures.extend(check_course(&lessons).iter().map(|e| e.to_string()));
    assert!(failures.is_empty(), "lessons fail:\n{}", failures.join("\n"));
}

/// What the first lessons promise: at least one predict quiz, one choice quiz and one challenge
/// each, the curriculum they cover named, and every quiz and challenge after a step; and order
/// quizzes where the course shows a process.
#[test]
fn the_first_lessons_have_every_kind_of_exercise() {
    for (file, source) in lesson_files() {
        let l = lesson::parse(&file, &source).unwrap_or_else(|e| panic!("{}", e[0]));
        let predicts = l.quizzes().filter(|q| matches!(q.kind, QuizKind::Predict { .. })).count();
        let choices = l.quizzes().filter(|q| matches!(q.kind, QuizKind::Choice { .. })).count();
        // The course's review (lesson 12) is a quiz over the others: questions, no challenge.
        let review = file.contains("-review");
        assert!(predicts >= 1 && choices >= 1 && (review || l.challenges().count() >= 1), "{file}: {predicts} predict, {choices} choice quizzes");
        assert!(!l.covers.is_empty() && !l.objectives.is_empty());
        assert!(matches!(l.items.first(), Some(Item::Step(_))), "{file} starts with a step");
    }
    // Order quizzes: the phases of a rebalance (lesson 06) and of a failover (lesson 08).
    let orders: Vec<String> = lesson_files()
        .into_iter()
        .filter(|(file, source)| lesson::parse(file, source).unwrap().quizzes().any(|q| matches!(q.kind, QuizKind::Order { .. })))
        .map(|(file, _)| file)
        .collect();
    assert!(orders.iter().any(|f| f.contains("06-")) && orders.iter().any(|f| f.contains("08-")), "{orders:?}");
}

/// The keyless claim of the study notes is disproved by the simulation, on every seed tried:
/// six records without a key land in one partition (sticky), not two in each (round-robin).
#[test]
fn lesson_02_disproves_round_robin_on_every_seed() {
    let (file, source) = lesson_files().into_iter().find(|(f, _)| f.contains("02-keys")).expect("lesson 02");
    let l = lesson::parse(&file, &source).unwrap();
    let quiz = l.quizzes().find(|q| q.id == "keyless").expect("the keyless quiz");
    for seed in 1..=20 {
        let mut shell = l.start(Some(seed)).unwrap();
        for item in &l.items {
            match item {
                Item::Step(s) => {
                    lesson::run_commands(&mut shell, &s.commands).unwrap();
                }
                Item::Quiz(q) if q.id == quiz.id => break,
                _ => {}
            }
        }
        let posed = quiz.pose(&shell.sim, 0).unwrap();
        let PosedKind::Choice { options } = &posed.kind else { panic!("a choice quiz") };
        let right: Vec<&str> = options.iter().filter(|o| o.correct).map(|o| o.claim.as_str()).collect();
        assert_eq!(right, vec!["partitions-with-records clicks = 1"], "seed {seed}");
    }
}

#[test]
fn the_transcript_tells_the_story_the_simulation_printed() {
    let (file, source) = lesson_files().into_iter().find(|(f, _)| f.contains("01-topics")).expect("lesson 01");
    let l = lesson::parse(&file, &source).unwrap();
    let t = transcript(&l).unwrap();
    assert!(t.contains("Offset:0\thello\nOffset:1\thej\nOffset:2\thola\n"), "{t}");
    assert!(t.contains("Offset:3\tdev\nOffset:4\teve\n"), "retention renumbers nothing:\n{t}");
    assert!(t.contains("[x] 5, right after eve"), "{t}");
}

// ---- `acked` and `lost`: what a challenge's failure must not cost. ----

/// Runs console lines (a producer's records follow it, up to a lone `.`) and panics with the
/// first that fails.
fn sh(shell: &mut kafka_flightsim::shell::Shell, script: &str) {
    for cmd in kafka_flightsim::shell::parse_script(script) {
        let cmd = cmd.unwrap_or_else(|e| panic!("{}: {}", e.text, e.error));
        shell.run(&cmd.argv, &cmd.stdin).unwrap_or_else(|e| panic!("`{}` failed: {e}", cmd.text));
    }
}

fn ask(shell: &kafka_flightsim::shell::Shell, query: &str) -> lesson::query::Value {
    lesson::query::Query::parse(query).unwrap().eval(&shell.sim).unwrap_or_else(|e| panic!("{query}: {e}"))
}

fn count(shell: &kafka_flightsim::shell::Shell, query: &str) -> i64 {
    match ask(shell, query) {
        lesson::query::Value::Int(n) => n,
        other => panic!("{query} is {other}, not a number"),
    }
}

const CREATE: &str = "kafka-topics.sh --bootstrap-server localhost:9092 --create --topic t --partitions 1 --replication-factor";

/// acks=all with min.insync.replicas=2 and three replicas: the leader dies in the middle of a
/// stream of writes, a clean election follows, and every acknowledged record is still
/// readable on the new leader (Kafka's guarantee for records below the high watermark).
#[test]
fn lost_is_zero_after_a_clean_failover_with_acks_all() {
    for seed in 1..=8 {
        let mut shell = kafka_flightsim::shell::Shell::new(seed);
        sh(&mut shell, &format!("{CREATE} 3 --config min.insync.replicas=2\nproducer start p --topic t --count 300 --rate 100/s\ntick 1500ms"));
        let before = count(&shell, "acked t");
        assert!(before > 0 && before < 300, "seed {seed}: the failure comes while writing ({before} acknowledged)");
        let leader = ask(&shell, "leader t-0");
        sh(&mut shell, &format!("kill broker {leader}\ntick 30s"));
        assert_ne!(ask(&shell, "leader t-0"), leader, "seed {seed}: a new leader");
        assert_eq!((count(&shell, "acked t"), count(&shell, "lost t")), (300, 0), "seed {seed}");
        assert_eq!(ask(&shell, "acks p"), lesson::query::Value::Text("all".into()));
    }
}

/// acks=1: the leader acknowledges records its followers have not fetched (here it is cut off
/// from them); it dies, a follower that never had them is elected cleanly, and they are lost,
/// still lost once the old leader is back and truncated, and still lost when new records take
/// their offsets (a different record at an acknowledged offset is not the acknowledged one).
#[test]
fn lost_counts_acks_1_records_truncated_by_a_clean_election() {
    for seed in 1..=8 {
        let mut shell = kafka_flightsim::shell::Shell::new(seed);
        sh(&mut shell, &format!("{CREATE} 3\nkafka-console-producer.sh --bootstrap-server localhost:9092 --topic t\nsafe-1\nsafe-2\n.\ntick 2s"));
        let leader = ask(&shell, "leader t-0").to_string();
        let followers: Vec<String> = (1..=3).map(|b| b.to_string()).filter(|b| *b != leader).map(|b| format!("broker-{b}")).collect();
        sh(
            &mut shell,
            &format!(
                "partition broker-{leader} | {}\nkafka-console-producer.sh --bootstrap-server localhost:9092 --topic t --producer-property acks=1\nrisky-1\nrisky-2\nrisky-3\n.\ntick 1s",
                followers.join(",")
            ),
        );
        assert_eq!((count(&shell, "acked t"), count(&shell, "lost t")), (5, 3), "seed {seed}: acknowledged, but above the high watermark");
        sh(&mut shell, &format!("kill broker {leader}\ntick 12s"));
        assert_eq!(count(&shell, "lost t"), 3, "seed {seed}: the new leader never had them");
        sh(&mut shell, &format!("heal\nstart broker {leader}\ntick 10s\nkafka-console-producer.sh --bootstrap-server localhost:9092 --topic t\nlater-1\nlater-2\nlater-3\n.\ntick 2s"));
        assert_eq!(count(&shell, "log-end-offset t-0"), 5, "seed {seed}: the new records took offsets 2 to 4");
        assert_eq!((count(&shell, "acked t"), count(&shell, "lost t")), (8, 3), "seed {seed}");
    }
}

/// A partition without a live leader: its acknowledged records cannot be read, so they count
/// as lost until a replica that has them leads again. Records retention deleted expired; they
/// do not count. A producer without --count keeps no acknowledgements.
#[test]
fn lost_counts_an_offline_partition_but_not_retention() {
    let mut shell = kafka_flightsim::shell::Shell::new(3);
    sh(&mut shell, &format!("{CREATE} 1 --config retention.ms=30000 --config segment.ms=10000\nkafka-console-producer.sh --bootstrap-server localhost:9092 --topic t\na\nb\n.\ntick 45s\nkafka-console-producer.sh --bootstrap-server localhost:9092 --topic t\nc\n.\ntick 20s"));
    assert_eq!((count(&shell, "log-start-offset t-0"), count(&shell, "acked t"), count(&shell, "lost t")), (2, 3, 0));
    let leader = ask(&shell, "leader t-0");
    sh(&mut shell, &format!("kill broker {leader}\ntick 15s"));
    assert_eq!((ask(&shell, "leader t-0"), count(&shell, "lost t")), (lesson::query::Value::None, 3));
    sh(&mut shell, &format!("start broker {leader}\ntick 10s"));
    assert_eq!(count(&shell, "lost t"), 0);
    sh(&mut shell, "kafka-topics.sh --bootstrap-server localhost:9092 --create --topic u --partitions 1 --replication-factor 1\nproducer start endless --topic u --rate 50/s\ntick 2s");
    assert_eq!(count(&shell, "acked u"), 0, "an endless producer keeps no list");
    assert!(lesson::query::Query::parse("acked nothing").unwrap().eval(&shell.sim).unwrap_err().contains("no topic `nothing`"));
}

#[test]
fn design_queries_read_the_topic_and_the_producer() {
    let mut shell = kafka_flightsim::shell::Shell::new(5);
    sh(&mut shell, "kafka-topics.sh --bootstrap-server localhost:9092 --create --topic o --partitions 4 --replication-factor 2 --config min.insync.replicas=2\nkafka-configs.sh --bootstrap-server localhost:9092 --alter --entity-type brokers --entity-default --add-config log.retention.ms=1000\nkafka-console-producer.sh --bootstrap-server localhost:9092 --topic o --producer-property acks=1 --property parse.key=true --property key.separator=:\nk:keyed\n.\nkafka-console-producer.sh --bootstrap-server localhost:9092 --topic o\nno key\n.\nproducer start zero --topic o --producer-property acks=0 --count 1");
    assert_eq!(count(&shell, "replication-factor o"), 2);
    assert_eq!(count(&shell, "config o min.insync.replicas"), 2, "the topic's own value");
    assert_eq!(count(&shell, "config o retention.ms"), 1000, "the cluster's dynamic default");
    assert_eq!(ask(&shell, "config o cleanup.policy"), lesson::query::Value::Text("delete".into()), "Kafka's default");
    assert_eq!(count(&shell, "records-without-key o"), 1);
    assert_eq!((ask(&shell, "acks console-producer-1").to_string(), ask(&shell, "acks zero").to_string()), ("1".into(), "0".into()));
    assert!(lesson::query::Query::parse("config o min.insync.replica").unwrap_err().contains("did you mean `min.insync.replicas`?"));
}

// ---- Malformed lessons: each names its file, its line and the reason. ----

/// Lines 1-13; a case's own lines start at 14.
const HEAD: &str = "id: bad
title: A broken lesson
objective: Nothing
covers: Nothing

# cluster
seed: 3
run: kafka-topics.sh --bootstrap-server localhost:9092 --create --topic orders --partitions 3 --replication-factor 3

# step: one
title: One

Some narration.
";

const FILE: &str = "lessons/bad.lesson";

/// Every error of parsing and checking `HEAD` + `rest`, as printed.
fn problems(rest: &str) -> Vec<String> {
    let source = format!("{HEAD}{rest}");
    match lesson::check(FILE, &source, &glossary(), CheckOptions::default()) {
        Ok(_) => Vec::new(),
        Err(errors) => errors.iter().map(|e| e.to_string()).collect(),
    }
}

fn fails_with(rest: &str, expected: &str) {
    let p = problems(rest);
    assert!(p.iter().any(|e| e.starts_with(expected)), "expected `{expected}` among {p:#?}");
}

#[test]
fn the_head_alone_is_a_good_lesson() {
    assert_eq!(problems(""), Vec::<String>::new());
}

#[test]
fn an_unknown_query_names_its_line_and_a_near_miss() {
    fails_with(
        "\n# quiz: q\nkind: predict\nask: Who leads?\nanswer: leeder orders-0\nexplain: It does.\n",
        "lessons/bad.lesson:18: answer: unknown query `leeder`; did you mean `leader`?",
    );
}

#[test]
fn a_malformed_metric_names_its_line_and_what_was_meant() {
    fails_with(
        "\n# quiz: q\nkind: predict\nask: How many?\nanswer: metric urq\nexplain: So many.\n",
        "lessons/bad.lesson:18: answer: `urq` is not a metric; did you mean `urp`?",
    );
    fails_with(
        "\n# quiz: q\nkind: predict\nask: How far behind?\nanswer: metric lag:billing:orders\nexplain: So far.\n",
        "lessons/bad.lesson:18: answer: `orders` is not a partition",
    );
    // Well formed, but the group does not exist when the quiz is asked.
    fails_with(
        "\n# quiz: q\nkind: predict\nask: How far behind?\nanswer: metric lag:billing\nexplain: So far.\n",
        "lessons/bad.lesson:18: the answer `metric lag:billing` cannot be computed: there is no metric `lag:billing` at this point",
    );
}

#[test]
fn an_unknown_glossary_id_is_refused() {
    fails_with(
        "\n# step: two\ntitle: Two\n\nA [partition](glossary:partitoin) is a log.\n",
        "lessons/bad.lesson:18: no glossary entry `partitoin`; did you mean `partition`?",
    );
}

#[test]
fn a_command_the_shell_rejects_fails_the_check_at_its_line() {
    fails_with(
        "run: kafka-topics.sh --bootstrap-server localhost:9092 --create --topic t --partiton 3\n",
        "lessons/bad.lesson:14: `kafka-topics.sh --bootstrap-server localhost:9092 --create --topic t --partiton 3` failed: unknown option --partiton; did you mean --partitions?",
    );
    fails_with("run: kafka-topics.sh --list 'unclosed\n", "lessons/bad.lesson:14: this command cannot be read:");
    fails_with("run: reset --brokers 5\n", "lessons/bad.lesson:14: a lesson does not `reset`");
    fails_with(
        "fails: kafka-topics.sh --bootstrap-server localhost:9092 --list\n",
        "lessons/bad.lesson:14: `kafka-topics.sh --bootstrap-server localhost:9092 --list` is under `fails:` but it succeeded",
    );
}

#[test]
fn duplicate_ids_are_refused() {
    fails_with("\n# step: one\ntitle: Again\n\nMore.\n", "lessons/bad.lesson:15: duplicate id `one`: line 10 uses it already");
}

#[test]
fn every_choice_option_needs_a_why() {
    fails_with(
        "\n# quiz: q\nkind: choice\nask: Who leads orders-0?\noption: leader orders-0 = 1\nwhy: Because.\noption: leader orders-0 != 1\nlabel: Someone else\n",
        "lessons/bad.lesson:20: this option has no `why:`; every option says why it is right or why it is wrong",
    );
}

#[test]
fn a_choice_with_two_true_options_is_refused() {
    fails_with(
        "\n# quiz: q\nkind: choice\nask: How many partitions?\noption: partitions orders = 3\nwhy: Right.\noption: partitions orders >= 2\nwhy: Also right, which is the bug.\noption: partitions orders = 1\nwhy: No.\n",
        "lessons/bad.lesson:20: quiz option claims `partitions orders >= 2`, and it is true, but so is line 18's `partitions orders = 3`; exactly one option must be",
    );
}

#[test]
fn a_choice_with_no_true_option_says_what_the_simulation_found() {
    fails_with(
        "\n# quiz: q\nkind: choice\nask: How many partitions?\noption: partitions orders = 7\nwhy: No.\noption: partitions orders = 1\nwhy: No.\n",
        "lessons/bad.lesson:15: quiz `q`: no option is true (`partitions orders = 7`, `partitions orders = 1`), but the simulation says partitions orders is 3",
    );
}

/// A claim that holds on the lesson's seed only: replica placement depends on the seed, so
/// "broker 1 or 2 leads" misses the runs where broker 3 does.
#[test]
fn a_choice_that_depends_on_the_seed_is_caught_on_another_seed() {
    let p = problems("\n# quiz: q\nkind: choice\nask: Who leads orders-0?\noption: leader orders-0 = 1\nwhy: A.\noption: leader orders-0 = 2\nwhy: B.\n");
    assert!(p.iter().any(|e| e.starts_with("lessons/bad.lesson:15: quiz `q`: no option is true") && e.contains("with seed")), "{p:#?}");
}

#[test]
fn a_challenge_must_start_unmet_and_its_solution_must_meet_it() {
    fails_with(
        "\n# challenge: c\ntitle: Nothing to do\ngoal: partitions orders = 3\nhint: None needed.\nsolution: kafka-topics.sh --bootstrap-server localhost:9092 --list\n\nMake orders have three partitions.\n",
        "lessons/bad.lesson:15: challenge `c` is already met before the learner does anything (`partitions orders = 3`)",
    );
    fails_with(
        "\n# challenge: c\ntitle: Grow\ngoal: partitions orders = 5\nhint: Alter it.\nsolution: kafka-topics.sh --bootstrap-server localhost:9092 --alter --topic orders --partitions 4\n\nGive orders five partitions.\n",
        "lessons/bad.lesson:17: the reference solution does not reach this goal: `partitions orders = 5`, and partitions orders is 4",
    );
}

/// A challenge that ends with the lesson's own commands: the check runs the reference
/// solution, then `then:` (blanks filled at that moment), then requires every `survive:`.
#[test]
fn a_challenge_with_then_must_survive_it() {
    const GROW: &str = "\n# challenge: c\ntitle: Grow\ngoal: partitions orders = 4\nhint: Alter it.\nsolution: kafka-topics.sh --bootstrap-server localhost:9092 --alter --topic orders --partitions 4\n";
    // Lines 15-19 are GROW's; a case's own fields start at line 20, its narration follows.
    assert_eq!(
        problems(&format!(
            "{GROW}then:\n    kill broker {{leader orders-3}}\n    tick 15s\nsurvive: leader orders-3 != none\n\nGive orders a fourth partition.\n"
        )),
        Vec::<String>::new()
    );
    fails_with(
        &format!("{GROW}then: kill broker {{leader orders-3}}\nsurvive: leader orders-3 = none\n\nGrow it.\n"),
        "lessons/bad.lesson:21: after `then:`, the reference solution does not survive: `leader orders-3 = none`, and leader orders-3 is ",
    );
    fails_with(
        &format!("{GROW}survive: leader orders-3 != none\n\nGrow it.\n"),
        "lessons/bad.lesson:20: `survive:` says what must still hold after the `then:` commands, and this challenge has none",
    );
    fails_with(
        &format!("{GROW}then: tick 1s\nsurvive: lots orders = 0\n\nGrow it.\n"),
        "lessons/bad.lesson:21: survive: unknown query `lots`; did you mean `lost`?",
    );
    fails_with(
        &format!("{GROW}then: kill broker {{leeder orders-3}}\n\nGrow it.\n"),
        "lessons/bad.lesson:20: then: unknown query `leeder`; did you mean `leader`?",
    );
    fails_with(&format!("{GROW}then: kill broker {{leader orders-3\n\nGrow it.\n"), "lessons/bad.lesson:20: then: a `{` is not closed by `}`");
    fails_with(&format!("{GROW}then: kill broker {{partitions orders}}\n\nGrow it.\n"), "lessons/bad.lesson:20: `kill broker 4` failed:");
    fails_with(
        &format!("{GROW}then: tick 1s\nsurvive: config orders min.insync.replica = 2\n\nGrow it.\n"),
        "lessons/bad.lesson:21: survive: `min.insync.replica` is not a topic config the simulator knows; did you mean `min.insync.replicas`?",
    );
}

/// `--show` tells the failure and what survived it.
#[test]
fn the_transcript_shows_the_lessons_commands_and_what_survived() {
    let source = format!(
        "{HEAD}\n# challenge: c\ntitle: Grow\ngoal: partitions orders = 4\nhint: Alter it.\nsolution: kafka-topics.sh --bootstrap-server localhost:9092 --alter --topic orders --partitions 4\nthen: kill broker {{leader orders-3}}\nsurvive: lost orders = 0\n\nGrow it.\n"
    );
    let l = lesson::parse(FILE, &source).unwrap();
    let leader = {
        let mut s = l.start(None).unwrap();
        lesson::run_commands(&mut s, &l.challenges().next().unwrap().solution).unwrap();
        ask(&s, "leader orders-3")
    };
    let t = transcript(&l).unwrap();
    assert!(t.contains(&format!("then, run by the lesson:\n$ kill broker {leader}\nsurvive: lost orders = 0 -> holds (lost orders is 0)\n")), "{t}");
}

#[test]
fn field_and_section_mistakes_are_named() {
    fails_with("hightlight: topic orders\n", "lessons/bad.lesson:14: unknown field `hightlight:` in a step; did you mean `highlight:`?");
    fails_with("goal: partitions orders = 3\n", "lessons/bad.lesson:14: `goal:` belongs in a challenge, not in a step");
    fails_with("\n# lesson: two\n", "lessons/bad.lesson:15: unknown section `# lesson`");
    fails_with("highlight: partition orders-9\n", "lessons/bad.lesson:14: `highlight:` points at partition `orders-9`, which does not exist");
    fails_with("\n# quiz: q\nkind: predict\nask: What?\nanswer: leader orders-0\n", "lessons/bad.lesson:15: a predict quiz needs `explain:`");
    fails_with("\n# quiz: q\nkind: guess\nask: What?\n", "lessons/bad.lesson:16: unknown quiz kind `guess`; use `predict`, `click`, `choice` or `order`");
}

#[test]
fn a_click_quiz_names_what_to_click_and_its_answer_must_be_on_the_stage() {
    let q = "\n# quiz: q\nkind: click\nask: Which?\nexplain: Because.\nanswer: leader orders-0\n";
    fails_with(q, "lessons/bad.lesson:15: a click quiz needs `pick:` saying what to click: `broker` or `client`");
    fails_with(&q.replace("kind: click\n", "kind: click\npick: topic\n"), "lessons/bad.lesson:17: `pick:` is `broker` or `client`");
    fails_with(&q.replace("kind: click\n", "kind: predict\npick: broker\n"), "lessons/bad.lesson:17: `pick:` is for `kind: click`");
    // A leader is a broker to click; a high watermark is not a client.
    assert_eq!(problems(&q.replace("kind: click\n", "kind: click\npick: broker\n")), Vec::<String>::new());
    let p = problems(&q.replace("kind: click\n", "kind: click\npick: client\n").replace("leader orders-0", "partitions orders"));
    assert!(
        p.iter().any(|e| e.starts_with("lessons/bad.lesson:15: quiz `q`: the answer is `") && e.ends_with("`, which is not a client on the stage to click")),
        "{p:#?}"
    );
}

#[test]
fn a_compare_step_names_both_sides_and_its_queries_need_one() {
    let step = "\n# step: cmp\ntitle: Two ways\nleft: acks=1\nleft-run: producer start p --topic orders --count 3 --producer-property acks=1\nright: acks=all\nright-run: producer start p --topic orders --count 3 --producer-property acks=all\nrun: tick 2s\n\nLeft acked {left acked orders}, right acked {right acked orders}.\n";
    assert_eq!(problems(step), Vec::<String>::new());
    fails_with(&step.replace("right: acks=all\n", ""), "lessons/bad.lesson:17: a compare step needs `right:` naming its right side");
    fails_with(
        &step
            .replace("left-run: producer start p --topic orders --count 3 --producer-property acks=1\n", "")
            .replace("right-run: producer start p --topic orders --count 3 --producer-property acks=all\n", ""),
        "lessons/bad.lesson:17: a compare step needs `left-run:` or `right-run:`",
    );
    // A side's query outside a comparison is a lesson bug, named at its line.
    fails_with(
        "\n# quiz: q\nkind: predict\nask: What?\nexplain: Because.\nanswer: left leader orders-0\n",
        "lessons/bad.lesson:19: the answer `left leader orders-0` cannot be computed: `left` asks a side of a comparison",
    );
    fails_with(
        "\n# quiz: q\nkind: predict\nask: What?\nexplain: Because.\nanswer: left right leader orders-0\n",
        "lessons/bad.lesson:19: answer: `left right` names two sides",
    );
    // After the compare step, a quiz asks either side; the lesson's own moment is unchanged.
    let quiz = "\n# quiz: q\nkind: choice\nask: Which?\noption: left acked orders = right acked orders\nwhy: Both were acknowledged.\noption: left acked orders != right acked orders\nwhy: No.\n";
    assert_eq!(problems(&format!("{step}{quiz}")), Vec::<String>::new());
}

#[test]
fn a_quizs_then_commands_must_run_for_every_variant() {
    let q = "\n# quiz: q\nkind: predict\nvary: key from a,b\nask: Where does {key} go?\nexplain: There.\nanswer: partition-for-key orders {key}\nthen:\n    kafka-console-producer.sh --bootstrap-server localhost:9092 --topic orders --property parse.key=true --property key.separator=:\n    {key}:x\n    .\n";
    assert_eq!(problems(q), Vec::<String>::new());
    fails_with(
        &format!("{q}    kafka-topics.sh --describe\n"),
        "lessons/bad.lesson:25: `kafka-topics.sh --describe` failed: --bootstrap-server must be specified",
    );
}

#[test]
fn narration_mistakes_are_named() {
    fails_with("\nSee `kafka-topics.sh for yourself.\n", "lessons/bad.lesson:15: a `code` span is not closed by a second backtick");
    fails_with("\nThe leader is {leader orders-0 now}.\n", "lessons/bad.lesson:15: `leader` takes <topic>-<p>");
    fails_with(
        "\n# quiz: q\nkind: predict\nask: Where does {user} go?\nanswer: partition-for-key orders {key}\nexplain: Hash.\nvary: key from user-1..user-9\n",
        "lessons/bad.lesson:17: `{user}` is neither a parameter nor a query",
    );
    fails_with("\n[a link](ftp://example.com)\n", "lessons/bad.lesson:15: a link goes to glossary:<id> or to an http(s) address, not `ftp://example.com`");
}

#[test]
fn the_id_must_name_the_file() {
    let p = lesson::parse("lessons/other.lesson", HEAD).unwrap_err();
    assert_eq!(p[0].to_string(), "lessons/other.lesson:1: the id `bad` is not the file's name: name the file bad.lesson");
}

#[test]
fn requires_must_name_a_lesson_of_the_course() {
    let l = lesson::parse(FILE, &HEAD.replace("covers: Nothing\n", "covers: Nothing\nrequires: 00-missing\n")).unwrap();
    let e = check_course(&[l]);
    assert_eq!(e[0].to_string(), "lessons/bad.lesson: `requires: 00-missing` names no lesson of the course");
}

/// What a player does with a quiz: pose it at a moment, take an answer, grade it.
#[test]
fn a_player_poses_and_grades_quizzes() {
    let source = format!(
        "{HEAD}\n# quiz: p\nkind: predict\nvary: key from user-1..user-50\nask: Where does `{{key}}` go?\nanswer: partition-for-key orders {{key}}\nexplain: murmur2 % 3 = {{partition-for-key orders {{key}}}}.\n\n# quiz: c\nkind: choice\nask: How many partitions?\noption: partitions orders = 3\nlabel: Three\nwhy: Right.\noption: partitions orders = 1\nwhy: No, {{partitions orders}}.\n"
    );
    let l = lesson::parse(FILE, &source).unwrap();
    let shell = {
        let mut s = l.start(None).unwrap();
        lesson::run_commands(&mut s, &l.steps().next().unwrap().commands).unwrap();
        s
    };
    let quizzes: Vec<_> = l.quizzes().collect();
    // Different variants ask about different keys; the answer is always the engine's.
    let keys: Vec<String> = (0..8).map(|v| quizzes[0].bindings(v).get("key").unwrap().to_string()).collect();
    assert!(keys.iter().any(|k| *k != keys[0]), "variants differ: {keys:?}");
    for v in 0..8 {
        let posed = quizzes[0].pose(&shell.sim, v).unwrap();
        let key = posed.bindings.get("key").unwrap().to_string();
        let want = kafka_flightsim::sim::partition_for_key(key.as_bytes(), 3);
        assert!(posed.is_right_value(&format!(" {want} ")));
        assert!(!posed.is_right_value(&format!("{}", want + 1)));
        assert_eq!(posed.question.plain(), format!("Where does {key} go?\n"));
        assert_eq!(posed.explain.unwrap().plain(), format!("murmur2 % 3 = {want}.\n"));
    }
    let posed = quizzes[1].pose(&shell.sim, 0).unwrap();
    assert!(posed.is_right_option(0) && !posed.is_right_option(1) && !posed.is_right_option(2));
    let PosedKind::Choice { options } = &posed.kind else { panic!() };
    assert_eq!(options[0].label.plain(), "Three\n");
    assert_eq!(options[1].label.plain(), "partitions orders = 1\n", "without `label:` the claim is shown");
    assert_eq!(options[1].why.plain(), "No, 3.\n");
}

/// An order quiz on the HEAD cluster: lines 15-22 (its items' `when:` on lines 19 and 21).
const ORDER: &str = "\n# quiz: q\nkind: order\nask: In which order?\nitem: The topic is created\nwhen: topic orders created\nitem: `orders-0` gets a leader\nwhen: orders-0: clean election\nexplain: Creation first.\n";

#[test]
fn an_order_quiz_places_each_item_by_an_event_of_its_own() {
    assert_eq!(problems(ORDER), Vec::<String>::new());
    // Blanks are filled when the quiz is asked.
    assert_eq!(problems(&ORDER.replace("when: orders-0: clean election", "when: orders-0: clean election, leader {leader orders-0},")), Vec::<String>::new());
    fails_with(
        &ORDER.replace("orders-0: clean", "orders-7: clean"),
        "lessons/bad.lesson:21: quiz `q`: `when: orders-7: clean election` matches no event of the trace so far; it is a piece of a line as `trace` prints it (without the time), case included",
    );
    fails_with(&ORDER.replace("when: topic orders", "when: Topic orders"), "lessons/bad.lesson:19: quiz `q`: `when: Topic orders created` matches no event");
    fails_with(
        &ORDER.replace("when: orders-0: clean election", "when: topic orders"),
        "lessons/bad.lesson:21: quiz `q`: `when: topic orders` places this item with the same event as line 18's item, `topic orders created: 3 partition(s), replication factor 3`; give each item an event of its own",
    );
    // The leader of orders-0 is broker 2 on the lesson's seed only.
    let p = problems(&ORDER.replace("when: orders-0: clean election", "when: orders-0: clean election, leader 2,"));
    assert!(
        p.iter()
            .any(|e| e.starts_with("lessons/bad.lesson:21: quiz `q`: `when: orders-0: clean election, leader 2,` matches no event") && e.contains("with seed")),
        "{p:#?}"
    );
    fails_with(
        &ORDER.replace("when: orders-0: clean election", "when: {leeder orders-0}"),
        "lessons/bad.lesson:21: when: unknown query `leeder`; did you mean `leader`?",
    );
}

#[test]
fn an_order_quiz_is_items_each_with_its_when() {
    fails_with(
        &ORDER.replace("when: topic orders created\n", ""),
        "lessons/bad.lesson:18: this item has no `when:`; every item names the trace line that places it",
    );
    fails_with(&ORDER.replace("when: orders-0: clean election\n", ""), "lessons/bad.lesson:20: this item has no `when:`");
    fails_with(&ORDER.replace("item: The topic is created\n", ""), "lessons/bad.lesson:18: `when:` comes after the `item:` it places");
    fails_with(&ORDER.replace("explain:", "when: orders-1: clean election\nexplain:"), "lessons/bad.lesson:22: a second `when:` for this item");
    fails_with(
        &ORDER.replace("item: `orders-0` gets a leader\nwhen: orders-0: clean election\n", ""),
        "lessons/bad.lesson:15: an order quiz needs at least two `item:` lines",
    );
    fails_with(&ORDER.replace("explain: Creation first.\n", ""), "lessons/bad.lesson:15: an order quiz needs `explain:`");
    fails_with(&ORDER.replace("when: topic orders created", "when:"), "lessons/bad.lesson:19: `when:` is empty");
    fails_with(&ORDER.replace("explain:", "option: partitions orders = 3\nexplain:"), "lessons/bad.lesson:22: `option:` is not for `kind: order`");
    fails_with(
        &ORDER.replace("kind: order", "kind: predict\nanswer: leader orders-0"),
        "lessons/bad.lesson:19: `item:` is for `kind: order`; a predict quiz has one `answer:`",
    );
    fails_with(&ORDER.replace("kind: order", "kind: choice"), "lessons/bad.lesson:18: `item:` is for `kind: order`; a choice quiz's options are claims");
}

/// The page shows an order quiz's items shuffled by the variant, never in the right order;
/// the answer is the order of the events in the trace.
#[test]
fn a_player_poses_order_quizzes_shuffled_never_right() {
    let source = format!(
        "{HEAD}\n# quiz: o\nkind: order\nask: Order?\nitem: B3\nwhen: broker 3 started\nitem: Created\nwhen: topic orders created\nitem: B1\nwhen: broker 1 started\nitem: P2\nwhen: orders-2: clean election\nitem: P1\nwhen: orders-1: clean election\nexplain: E.\n\n# quiz: two\nkind: order\nask: Order?\nitem: Created\nwhen: topic orders created\nitem: B2\nwhen: broker 2 started\nexplain: E.\n"
    );
    let l = lesson::parse(FILE, &source).unwrap();
    let shell = l.start(None).unwrap();
    let quizzes: Vec<_> = l.quizzes().collect();
    let mut shuffles = Vec::new();
    for v in 0..40 {
        let posed = quizzes[0].pose(&shell.sim, v).unwrap();
        assert_eq!(posed, quizzes[0].pose(&shell.sim, v).unwrap(), "the same variant, the same question");
        let PosedKind::Order { items, answer } = &posed.kind else { panic!("an order quiz") };
        let labels: Vec<String> = answer.iter().map(|&a| items[a].label.plain().trim_end().to_string()).collect();
        assert_eq!(labels, ["B1", "B3", "Created", "P1", "P2"], "variant {v}: the trace's order");
        assert!(answer.windows(2).all(|w| items[w[0]].at < items[w[1]].at && items[w[0]].time_ms <= items[w[1]].time_ms));
        assert_eq!(items[answer[2]].event, "topic orders created: 3 partition(s), replication factor 3");
        assert!(*answer != [0, 1, 2, 3, 4] && !posed.is_right_order(&[0, 1, 2, 3, 4]) && posed.is_right_order(answer), "variant {v}: shown {labels:?}");
        let shown: Vec<String> = items.iter().map(|i| i.label.plain()).collect();
        if !shuffles.contains(&shown) {
            shuffles.push(shown);
        }
        // Two items: shown the other way round, always.
        let two = quizzes[1].pose(&shell.sim, v).unwrap();
        assert!(matches!(&two.kind, PosedKind::Order { answer, .. } if *answer == [1, 0]), "variant {v}");
    }
    assert!(shuffles.len() >= 10, "variants shuffle differently: {}", shuffles.len());
}

/// docs/LESSONS.md's table of queries says what each one answers (the code keeps only names
/// and arguments): it must list every query, with its arguments.
#[test]
fn the_docs_list_every_query() {
    let docs = std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/LESSONS.md")).unwrap();
    for (name, usage) in lesson::query::QUERIES {
        let query = format!("{name} {usage}");
        assert!(docs.contains(&format!("| `{}` | ", query.trim())), "docs/LESSONS.md's table of queries lacks `{query}`");
    }
}

/// docs/LESSONS.md shows lesson 02 as its complete example: the copy must be the file.
#[test]
fn the_docs_example_is_lesson_02_as_it_is() {
    let docs = std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/LESSONS.md")).unwrap();
    let (_, source) = lesson_files().into_iter().find(|(f, _)| f.contains("02-keys")).unwrap();
    assert!(docs.contains(&format!("````\n{source}````\n")), "docs/LESSONS.md's copy of lesson 02 differs from lessons/02-keys-choose-partitions.lesson");
}

/// The parser ships in the browser, where a panic stops the page: mangled lessons (cut, doubled
/// and swapped lines, stray Markdown, braces and multi-byte whitespace) must give errors, never
/// a panic.
#[test]
fn mangled_lessons_never_panic_the_parser() {
    const BITS: &[&str] = &[
        "{", "}", "`", "*", "**", "[", "](", ")", ":", "\n", " ", "\t", "\\", "# ", "é", "\u{3000}", "..", "{key}", "```", "- ", "// ", "option: ", "why: ",
        "run: ",
    ];
    let mut state = 0x2545_f491_4f6c_dd1du64;
    let mut next = move |n: usize| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state % n as u64) as usize
    };
    for (file, source) in lesson_files() {
        for _ in 0..1500 {
            let mut lines: Vec<String> = source.lines().map(String::from).collect();
            for _ in 0..1 + next(4) {
                let i = next(lines.len());
                match next(5) {
                    0 => {
                        lines.remove(i);
                    }
                    1 => {
                        let j = next(lines.len());
                        lines.swap(i, j);
                    }
                    2 => {
                        let l = lines[i].clone();
                        lines.insert(i, l);
                    }
                    _ => {
                        let mut chars: Vec<char> = lines[i].chars().collect();
                        let at = next(chars.len() + 1);
                        let bit = BITS[next(BITS.len())];
                        if next(2) == 0 && at < chars.len() {
                            chars.remove(at);
                        }
                        let mut s: String = chars[..at.min(chars.len())].iter().collect();
                        s.push_str(bit);
                        s.extend(chars[at.min(chars.len())..].iter());
                        lines[i] = s;
                    }
                }
                if lines.is_empty() {
                    lines.push(String::new());
                }
            }
            let mangled = lines.join("\n");
            if let Err(errors) = lesson::parse(&file, &mangled) {
                for e in errors {
                    assert!(e.to_string().starts_with(&file), "{e}");
                }
            }
        }
    }
}

/// The home page's list (lessons/index.txt, fetched by the page): every lesson file once, in
/// course order (a lesson after those it requires), with the file's own title.
#[test]
fn the_index_lists_every_lesson_with_its_title() {
    let text = std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("lessons/index.txt")).expect("lessons/index.txt");
    let index = kafka_flightsim::app::lesson::parse_index(&text).expect("parses");
    let files = lesson_files();
    assert_eq!(index.len(), files.len(), "one line per lesson file");
    let mut seen: Vec<String> = Vec::new();
    for (id, title) in &index {
        assert!(kafka_flightsim::app::lesson::valid_id(id), "{id}");
        let (file, source) = files.iter().find(|(f, _)| *f == format!("lessons/{id}.lesson")).unwrap_or_else(|| panic!("no file for {id}"));
        let l = lesson::parse(file, source).unwrap_or_else(|e| panic!("{}", e[0]));
        assert_eq!((&l.id, &l.title), (id, title), "{file}");
        assert!(l.requires.iter().all(|r| seen.contains(r)), "{id} comes after what it requires");
        seen.push(id.clone());
    }
}
