//! The native runner: benchmarks now; scripts and lesson checks as their issues land.
use std::process::ExitCode;
use std::time::Instant;

use std::io::Read;

use kafka_flightsim::bench::{firehose, run_firehose, FirehoseSpec};
use kafka_flightsim::shell::transcript::run_script;
use kafka_flightsim::shell::Shell;

const USAGE: &str = "\
flightsim: the Kafka Flight Simulator's native runner

USAGE:
    flightsim <COMMAND> [OPTIONS]

COMMANDS:
    run FILE [--strict] [--seed S]
        Runs a script of commands (FILE, or - for standard input) on a fresh 3-broker
        cluster and prints the transcript. Lines starting with # are comments; a line
        ending in a backslash continues on the next, as in a shell; the lines after
        kafka-console-producer.sh are its records, up to a line with a single '.'.
        Exit 0 when every command ran, 1 when one failed (the script goes on unless
        --strict), 2 for unusable arguments.
    replay ADDRESS
        Replays a shared session address (the sandbox's \"Share this moment\" link, or the
        address on the error screen; the whole address or its query) to its step, as the
        page does, and prints the console transcript, the step and the trace hash. A panic
        prints its message here: the shipped page leaves panic messages out.
    lessons check [--show] [FILE...]
        Replays lessons headless (default: every lessons/*.lesson) on several seeds:
        every command runs, every quiz answer is computed, each choice quiz has exactly
        one true option, each order quiz's items are placed by events of their own in the
        trace, every challenge starts unmet and its solution meets it. Prints
        one line per lesson, and each problem as FILE:LINE: reason. Exit 1 when a lesson
        fails, 2 when none can be read. --show also prints each lesson as the learner
        meets it on its own seed: narration, commands and their output, quiz answers.
    export FILE
        Prints the script (FILE, or - for standard input) as a bash script for a real
        Kafka cluster (\"Try it on a real cluster\"): Kafka's tools against $BOOTSTRAP, a
        console producer's records as a here-document, tick as sleep, and every other
        simulator verb as a '# by hand:' comment saying what to do.
    help
        Lists the commands scripts and the console understand.
    pace [SEED...]
        The stage's pace at 1x, frame by frame with the browser's pacer: how many
        seconds on screen from killing a leader to its successor, and from starting a
        consumer to a Stable group (default seeds 42, 7, 1234).

    bench [--records N] [--partitions P] [--seed S]
        Runs the firehose: 3 brokers, a topic with P partitions (12), RF 3, acks=all,
        keyed 100-byte records, N records (1000000) produced and consumed by an
        assign-mode consumer. Prints simulated records per second of wall time.
    --help, -h
        Prints this help.
    --version
        Prints the version.

EXIT STATUS:
    0 success, 1 a command failed, 2 unusable arguments.
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        None => {
            eprint!("{USAGE}");
            ExitCode::from(2)
        }
        Some("--help" | "-h") => {
            print!("{USAGE}");
            ExitCode::SUCCESS
        }
        Some("help") => {
            print!("{}", kafka_flightsim::shell::help());
            ExitCode::SUCCESS
        }
        Some("run") => run(&args[1..]),
        Some("replay") => replay(&args[1..]),
        Some("lessons") => lessons(&args[1..]),
        Some("export") => export(&args[1..]),
        Some("pace") => pace(&args[1..]),
        Some("--version" | "-V") => {
            println!("flightsim {}", env!("CARGO_PKG_VERSION"));
            ExitCode::SUCCESS
        }
        Some("bench") => match parse_bench(&args[1..]) {
            Ok(spec) => bench(spec),
            Err(e) => {
                eprintln!("flightsim bench: {e}");
                ExitCode::from(2)
            }
        },
        Some(other) => {
            eprintln!("flightsim: unknown command '{other}'; `flightsim help` lists the commands");
            ExitCode::from(2)
        }
    }
}

/// The stage's pace at 1x, computed frame by frame by the pacer the browser runs
/// (`app::pace`): the wall time of the headline moments, per seed.
fn pace(args: &[String]) -> ExitCode {
    let seeds: Vec<u64> = if args.is_empty() { vec![42, 7, 1234] } else { args.iter().filter_map(|a| a.parse().ok()).collect() };
    if seeds.len() != args.len().max(seeds.len()) || seeds.is_empty() {
        eprintln!("flightsim pace: the arguments are seeds (whole numbers), e.g. `flightsim pace 42 7`");
        return ExitCode::from(2);
    }
    for seed in seeds {
        for (what, real) in kafka_flightsim::app::pace::headline_moments(seed) {
            match real {
                Some(ms) => println!("seed {seed}: {what}: {}.{} s", ms as u64 / 1000, ms as u64 % 1000 / 100),
                None => println!("seed {seed}: {what}: not within 60 s"),
            }
        }
    }
    ExitCode::SUCCESS
}

fn lessons(args: &[String]) -> ExitCode {
    use kafka_flightsim::app::glossary;
    use kafka_flightsim::lesson::{self, check::check_course, CheckOptions};
    if args.first().map(String::as_str) != Some("check") {
        eprintln!("flightsim lessons: the command is `flightsim lessons check [FILE...]`");
        return ExitCode::from(2);
    }
    let show = args[1..].iter().any(|a| a == "--show");
    let mut files: Vec<String> = args[1..].iter().filter(|a| *a != "--show").cloned().collect();
    if files.is_empty() {
        let dir = if std::path::Path::new("lessons").is_dir() { "lessons".to_string() } else { concat!(env!("CARGO_MANIFEST_DIR"), "/lessons").to_string() };
        files = lesson_files(&dir);
        if files.is_empty() {
            eprintln!("flightsim lessons check: no .lesson files in {dir}");
            return ExitCode::from(2);
        }
    }
    // The glossary's file (data the page fetches): it must parse, and hold every entry that
    // narration and the lessons link to.
    let glossary_file =
        if std::path::Path::new(glossary::FILE).is_file() { glossary::FILE.to_string() } else { format!("{}/{}", env!("CARGO_MANIFEST_DIR"), glossary::FILE) };
    let entries = match std::fs::read_to_string(&glossary_file)
        .map_err(|e| format!("cannot read {glossary_file}: {e}"))
        .and_then(|t| glossary::parse(&t).map_err(|e| e.to_string()))
    {
        Ok(g) => g,
        Err(e) => {
            println!("FAIL {e}");
            return ExitCode::from(1);
        }
    };
    let mut failed = 0;
    for problem in glossary::missing_keyword_ids(&entries) {
        failed += 1;
        println!("FAIL {problem}");
    }
    let glossary = entries.ids();
    let mut parsed = Vec::new();
    for file in &files {
        let source = match std::fs::read_to_string(file) {
            Ok(s) => s,
            Err(e) => {
                eprintln!("flightsim lessons check: cannot read {file}: {e}");
                return ExitCode::from(2);
            }
        };
        let result = lesson::parse(file, &source).and_then(|l| {
            let r = lesson::check::check_lesson(&l, &glossary, CheckOptions::default());
            parsed.push(l);
            r
        });
        if show {
            if let Some(l) = parsed.last().filter(|l| l.file == *file) {
                match lesson::check::transcript(l) {
                    Ok(t) => println!("{t}"),
                    Err(e) => println!("{e}"),
                }
            }
        }
        match result {
            Ok(report) => println!("{}", report.summary()),
            Err(errors) => {
                failed += 1;
                println!("FAIL {file}: {} problem(s)", errors.len());
                for e in errors {
                    println!("{e}");
                }
            }
        }
    }
    // `requires:` may name any lesson beside the ones checked.
    let mut course = parsed.clone();
    for file in &files {
        let dir = std::path::Path::new(file).parent().map_or(".".to_string(), |d| d.display().to_string());
        for other in lesson_files(if dir.is_empty() { "." } else { &dir }) {
            if !files.contains(&other) {
                if let Ok(l) = std::fs::read_to_string(&other).map_err(|_| ()).and_then(|s| lesson::parse(&other, &s).map_err(|_| ())) {
                    if !course.iter().any(|c| c.file == l.file) {
                        course.push(l);
                    }
                }
            }
        }
    }
    for e in check_course(&course).into_iter().filter(|e| files.contains(&e.file)) {
        failed += 1;
        println!("FAIL {e}");
    }
    if failed > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// The `.lesson` files of a directory, sorted.
fn lesson_files(dir: &str) -> Vec<String> {
    let mut files: Vec<String> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(Result::ok).map(|e| e.path()).filter(|p| p.extension().is_some_and(|x| x == "lesson")).map(|p| p.display().to_string()).collect()
        })
        .unwrap_or_default();
    files.sort();
    files
}

fn replay(args: &[String]) -> ExitCode {
    use kafka_flightsim::session::link::{query_of, Link, LINK_BUDGET};
    use kafka_flightsim::session::{LineKind, Player};
    let [address] = args else {
        eprintln!("flightsim replay: give one address, in quotes: flightsim replay '#/sandbox?preset=...'");
        return ExitCode::from(2);
    };
    let link = match Link::from_query(query_of(address)) {
        Ok(Some(link)) => link,
        Ok(None) => {
            eprintln!("flightsim replay: the address names no session (no preset, seed or tape); copy it from \"Share this moment\" or the error screen");
            return ExitCode::from(2);
        }
        Err(e) => {
            eprintln!("flightsim replay: {e}");
            return ExitCode::from(2);
        }
    };
    let mut player = match Player::open(&link, LINK_BUDGET) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("flightsim replay: {e}");
            return ExitCode::from(1);
        }
    };
    for line in player.take_printed() {
        match line.kind {
            LineKind::Error => println!("error: {}", line.text),
            _ => println!("{}", line.text),
        }
    }
    let sim = &player.shell().sim;
    println!("{}, seed {}: step {} of {}, t = {} ms", link.start.label(), link.seed, player.elapsed(), player.head(), sim.now());
    println!("trace hash: {:016x}", sim.trace_hash());
    ExitCode::SUCCESS
}

fn parse_bench(args: &[String]) -> Result<FirehoseSpec, String> {
    let mut spec = FirehoseSpec::default();
    let mut it = args.iter();
    while let Some(flag) = it.next() {
        let mut value = |name: &str| -> Result<u64, String> {
            let v = it.next().ok_or_else(|| format!("{name} needs a number, e.g. {name} 1000"))?;
            v.parse::<u64>().map_err(|_| format!("{name} takes a whole number, not '{v}'"))
        };
        match flag.as_str() {
            "--records" => spec.records = value("--records")?.max(1),
            "--partitions" => spec.partitions = value("--partitions")?.clamp(1, 1000) as i32,
            "--seed" => spec.seed = value("--seed")?,
            other => return Err(format!("unknown option {other}; options are --records, --partitions, --seed")),
        }
    }
    Ok(spec)
}

fn peak_rss_mb() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

fn bench(spec: FirehoseSpec) -> ExitCode {
    // The benchmark measures wall-clock throughput around the engine, never inside it.
    #[allow(clippy::disallowed_methods)]
    let start = Instant::now();
    let mut sim = firehose(spec);
    let outcome = run_firehose(&mut sim, spec);
    let secs = start.elapsed().as_secs_f64();
    println!("firehose: 3 brokers, {} partitions, RF 3, acks=all, 100-byte keyed records", spec.partitions);
    println!("produced (acknowledged): {}", outcome.produced);
    println!("consumed:                {}", outcome.consumed);
    println!("events:                  {}", outcome.events);
    println!("virtual time:            {} ms", outcome.virtual_ms);
    println!("wall time:               {:.3} s", secs);
    println!("throughput:              {:.0} records/s (consumed records per wall-clock second)", outcome.consumed as f64 / secs);
    if let Some(mb) = peak_rss_mb() {
        println!("peak memory (VmHWM):     {mb:.0} MB");
    }
    println!("trace hash:              {:016x}", outcome.trace_hash);
    if outcome.consumed < spec.records {
        eprintln!("flightsim bench: only {} of {} records were consumed", outcome.consumed, spec.records);
        return ExitCode::from(1);
    }
    ExitCode::SUCCESS
}

fn export(args: &[String]) -> ExitCode {
    let [file] = args else {
        eprintln!("flightsim export: give one script FILE, or - for standard input");
        return ExitCode::from(2);
    };
    let script = if file == "-" {
        let mut s = String::new();
        if let Err(e) = std::io::stdin().read_to_string(&mut s) {
            eprintln!("flightsim export: cannot read standard input: {e}");
            return ExitCode::from(2);
        }
        s
    } else {
        match std::fs::read_to_string(file) {
            Ok(s) => s,
            Err(e) => {
                eprintln!("flightsim export: cannot read {file}: {e}");
                return ExitCode::from(2);
            }
        }
    };
    print!("{}", kafka_flightsim::shell::real_cluster::to_real_cluster(&script));
    ExitCode::SUCCESS
}

fn run(args: &[String]) -> ExitCode {
    let mut file = None;
    let mut strict = false;
    let mut seed = 1u64;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--strict" => strict = true,
            "--seed" => match it.next().and_then(|s| s.parse().ok()) {
                Some(s) => seed = s,
                None => {
                    eprintln!("flightsim run: --seed takes a whole number, e.g. --seed 42");
                    return ExitCode::from(2);
                }
            },
            other if other.starts_with("--") => {
                eprintln!("flightsim run: unknown option {other}; options are --strict, --seed");
                return ExitCode::from(2);
            }
            other if file.is_none() => file = Some(other.to_string()),
            other => {
                eprintln!("flightsim run: one script at a time ('{other}' is a second one)");
                return ExitCode::from(2);
            }
        }
    }
    let Some(file) = file else {
        eprintln!("flightsim run: which script? give a FILE, or - for standard input");
        return ExitCode::from(2);
    };
    let script = if file == "-" {
        let mut s = String::new();
        if let Err(e) = std::io::stdin().read_to_string(&mut s) {
            eprintln!("flightsim run: cannot read standard input: {e}");
            return ExitCode::from(2);
        }
        s
    } else {
        match std::fs::read_to_string(&file) {
            Ok(s) => s,
            Err(e) => {
                eprintln!("flightsim run: cannot read {file}: {e}");
                return ExitCode::from(2);
            }
        }
    };
    let mut shell = Shell::new(seed);
    let t = run_script(&mut shell, &script, strict);
    print!("{}", t.text);
    if t.failures > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}
