//! How many messages are on the wire in a cluster built from a script (stdin), sampled every
//! 50 ms of virtual time for 5 s: `cargo run --release --example flight_probe < script.txt`.
//! Used to size the `stress` preset for the frame-rate benchmark.
use kafka_flightsim::shell::Shell;
use kafka_flightsim::sim::config::ClusterConfig;

fn main() {
    let script = std::io::read_to_string(std::io::stdin()).unwrap_or_default();
    let mut sh = Shell::with_cluster(42, 6, ClusterConfig::default());
    for line in script.lines().filter(|l| !l.trim().is_empty()) {
        if let Err(e) = sh.execute(line, &[]) {
            eprintln!("{line}: {e}");
        }
    }
    let (mut total, mut min, mut max) = (0, usize::MAX, 0);
    let events_before = sh.sim.events_processed();
    for _ in 0..100 {
        sh.sim.run_for(50);
        let k = sh.sim.view(8).in_flight.len();
        total += k;
        min = min.min(k);
        max = max.max(k);
    }
    println!("in flight: mean {} min {min} max {max}; events per virtual second {}", total / 100, (sh.sim.events_processed() - events_before) / 5);
}
