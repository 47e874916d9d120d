//! Fault sweeps: random crashes, restarts, clean stops, partitions, pauses and heals while a
//! producer runs, over many seeds, with every named invariant checked after every step.
//! Reproduce one seed with `SWEEP_SEED=<seed> cargo test --test fault_sweep -- --nocapture`.
mod common;

use std::rc::Rc;

use common::{fast_cluster, step_until_checked};
use kafka_flightsim::sim::config::{ConsumerConfig, OffsetReset, ProducerConfig};
use kafka_flightsim::sim::invariants::InvariantChecker;
use kafka_flightsim::sim::producer::RateSpec;
use kafka_flightsim::sim::{BrokerId, Client, Fault, NodeId, Sim, TopicPartition};
use rand_chacha::ChaCha8Rng;
use rand_core::{RngCore, SeedableRng};

const PARTITIONS: i32 = 2;
const CHAOS_MS: u64 = 12_000;
const SETTLE_MS: u64 = 15_000;

#[derive(Clone, Copy)]
struct SweepConfig {
    unclean: bool,
}

/// What one seed found: acknowledged records missing from the final logs.
struct Outcome {
    lost: Vec<String>,
    acked: usize,
}

fn fail(seed: u64, sim: &Sim, msg: &str) -> ! {
    panic!(
        "SWEEP FAILURE seed={seed} step={} t={}ms: {msg}\nreproduce: SWEEP_SEED={seed} cargo test --test fault_sweep -- --nocapture",
        sim.events_processed(),
        sim.now()
    );
}

fn random_fault(sim: &Sim, rng: &mut ChaCha8Rng) -> Option<Fault> {
    let brokers: Vec<BrokerId> = sim.brokers().map(|b| b.id).collect();
    let pick = |rng: &mut ChaCha8Rng| brokers[(rng.next_u32() as usize) % brokers.len()];
    let up = |b: BrokerId| sim.broker(b).is_some_and(|x| x.is_up());
    Some(match rng.next_u32() % 8 {
        0 => {
            let b = pick(rng);
            if !up(b) {
                return None;
            }
            Fault::KillBroker(b)
        }
        1 | 2 => {
            let b = pick(rng);
            if up(b) {
                return None;
            }
            Fault::StartBroker(b)
        }
        3 => {
            let b = pick(rng);
            if !up(b) {
                return None;
            }
            Fault::StopBroker(b)
        }
        4 => {
            // Any split of the nodes (controller, brokers, clients) into two non-empty sides.
            let nodes = sim.all_nodes();
            let mask = rng.next_u32();
            let a: Vec<NodeId> = nodes.iter().enumerate().filter(|(i, _)| mask & (1 << i) != 0).map(|(_, n)| *n).collect();
            let b: Vec<NodeId> = nodes.iter().enumerate().filter(|(i, _)| mask & (1 << i) == 0).map(|(_, n)| *n).collect();
            if a.is_empty() || b.is_empty() {
                return None;
            }
            Fault::Partition { side_a: a, side_b: b }
        }
        5 => Fault::Isolate(NodeId::Broker(pick(rng))),
        6 => Fault::Heal,
        _ => {
            let n = NodeId::Broker(pick(rng));
            if sim.view(0).brokers.iter().any(|b| NodeId::Broker(b.id) == n && b.paused) {
                Fault::Resume(n)
            } else {
                Fault::Pause(n)
            }
        }
    })
}

fn run_seed(seed: u64, cfg: SweepConfig) -> Outcome {
    let mut sim = Sim::new(seed, 3, fast_cluster());
    sim.set_keep_trace(std::env::var_os("SWEEP_TRACE").is_some());
    let mut checker = InvariantChecker::new();
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x5eed_f00d);
    sim.run_for(100);
    let configs: Vec<(String, String)> = if cfg.unclean {
        vec![("min.insync.replicas".into(), "1".into()), ("unclean.leader.election.enable".into(), "true".into())]
    } else {
        vec![("min.insync.replicas".into(), "2".into())]
    };
    sim.create_topic("sweep", PARTITIONS, 3, &configs).unwrap_or_else(|e| fail(seed, &sim, &e.to_string()));
    sim.run_for(100);
    let producer = ProducerConfig { acks: -1, linger_ms: 2, request_timeout_ms: 1_500, delivery_timeout_ms: 6_000, ..ProducerConfig::default() };
    let p = sim.add_producer("p", producer).unwrap();
    sim.record_client_history(p, true);
    let keys = (0..8).map(|i| Rc::from(format!("k{i}"))).collect();
    sim.start_rate(p, RateSpec { topic: Rc::from("sweep"), per_second: 40, keys, value_bytes: 0, remaining: Some(400) }).unwrap();
    let c = sim.add_consumer("c", ConsumerConfig { auto_offset_reset: OffsetReset::Earliest, request_timeout_ms: 2_000, ..ConsumerConfig::default() }).unwrap();
    sim.record_client_history(c, true);
    sim.assign(c, (0..PARTITIONS).map(|i| TopicPartition::new("sweep", i)).collect()).unwrap();

    let step_all = |sim: &mut Sim, checker: &mut InvariantChecker, until: u64| step_until_checked(sim, checker, until, &|sim, e| fail(seed, sim, e));
    let chaos_end = sim.now() + CHAOS_MS;
    while sim.now() < chaos_end {
        let next = sim.now() + 200 + (rng.next_u32() % 1_300) as u64;
        step_all(&mut sim, &mut checker, next.min(chaos_end));
        if let Some(f) = random_fault(&sim, &mut rng) {
            let _ = sim.apply(f);
        }
    }
    // Repair everything and let the cluster settle.
    let _ = sim.apply(Fault::Heal);
    for n in sim.all_nodes() {
        let _ = sim.apply(Fault::Resume(n));
    }
    // A broker in controlled shutdown refuses to start until it has stopped, so keep
    // restarting until every broker is running.
    let ids: Vec<BrokerId> = sim.brokers().map(|b| b.id).collect();
    for _ in 0..20 {
        for b in &ids {
            let _ = sim.apply(Fault::StartBroker(*b));
        }
        let t = sim.now() + 500;
        step_all(&mut sim, &mut checker, t);
        if sim.view(0).brokers.iter().all(|b| b.state == "running") {
            break;
        }
    }
    if !sim.view(0).brokers.iter().all(|b| b.state == "running") {
        fail(seed, &sim, "brokers did not all come back up");
    }
    let end = sim.now() + SETTLE_MS;
    step_all(&mut sim, &mut checker, end);
    for tp in (0..PARTITIONS).map(|i| TopicPartition::new("sweep", i)) {
        if sim.controller().partition(&tp).and_then(|s| s.leader).is_none() {
            fail(seed, &sim, &format!("{tp} has no leader after every broker came back"));
        }
    }

    // Every acknowledged record is readable at its acknowledged offset on the leader.
    let Some(Client::Producer(prod)) = sim.client(p) else { unreachable!() };
    let mut lost = Vec::new();
    for a in &prod.acked {
        let leader = sim.controller().partition(&a.tp).and_then(|s| s.leader);
        let found = leader.and_then(|l| sim.broker(l)).and_then(|b| b.replicas.get(&a.tp)).and_then(|r| r.log.get(a.offset)).map(|r| r.value.clone());
        if found != Some(a.value.clone()) {
            lost.push(format!("{}@{} ({:?}) now {:?}", a.tp, a.offset, a.value, found.flatten()));
        }
    }
    if !cfg.unclean {
        // Consumers only read committed records, so what they read is still there.
        let Some(Client::Consumer(cons)) = sim.client(c) else { unreachable!() };
        for (tp, r) in &cons.consumed {
            let leader = sim.controller().partition(tp).and_then(|s| s.leader);
            let now = leader.and_then(|l| sim.broker(l)).and_then(|b| b.replicas.get(tp)).and_then(|x| x.log.get(r.offset)).map(|x| x.value.clone());
            if now != Some(r.value.clone()) {
                if std::env::var_os("SWEEP_SEED").is_some() {
                    for b in sim.brokers() {
                        let rep = b.replicas.get(tp);
                        eprintln!("broker {} up={} {:?}", b.id, b.is_up(), rep.map(|r| (r.log.log_start_offset(), r.log.log_end_offset(), r.high_watermark, r.log.records().take(3).map(|x| x.value.clone()).collect::<Vec<_>>())));
                    }
                    eprintln!("controller: {:?}", sim.controller().partition(tp));
                }
                fail(seed, &sim, &format!("consumer read {tp}@{} = {:?}, which is no longer in the log", r.offset, r.value));
            }
        }
    }
    Outcome { lost, acked: prod.acked.len() }
}

fn seeds(n: u64) -> Vec<u64> {
    match std::env::var("SWEEP_SEED").ok().and_then(|s| s.parse().ok()) {
        Some(s) => vec![s],
        None => (1..=n).collect(),
    }
}

#[test]
fn clean_election_never_loses_an_acknowledged_record() {
    let mut acked = 0;
    for seed in seeds(500) {
        let out = run_seed(seed, SweepConfig { unclean: false });
        acked += out.acked;
        if let Some(first) = out.lost.first() {
            panic!(
                "SWEEP FAILURE seed={seed}: {} acknowledged record(s) lost with acks=all, RF 3, min.insync.replicas=2, clean elections only; first: {first}\nreproduce: SWEEP_SEED={seed} cargo test --test fault_sweep -- --nocapture",
                out.lost.len()
            );
        }
    }
    assert!(acked > 0, "the sweep acknowledged nothing: it tested nothing");
    println!("clean sweep: {acked} acknowledged records, none lost");
}

#[test]
fn unclean_election_loses_acknowledged_records_and_the_sweep_finds_it() {
    let mut losing_seeds = Vec::new();
    for seed in seeds(150) {
        let out = run_seed(seed, SweepConfig { unclean: true });
        if !out.lost.is_empty() {
            losing_seeds.push((seed, out.lost.len(), out.lost[0].clone()));
        }
    }
    // The teaching point: with unclean.leader.election.enable=true, acknowledged data can go.
    assert!(!losing_seeds.is_empty(), "no seed lost data with unclean elections enabled");
    let (seed, n, first) = &losing_seeds[0];
    println!("unclean sweep: {} of the seeds lost acknowledged records; e.g. seed {seed} lost {n}, first {first}", losing_seeds.len());
}
