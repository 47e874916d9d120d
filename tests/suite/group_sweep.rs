//! Group fault sweep: members join, leave cleanly, crash and stall, brokers (coordinators
//! included) die and return, over 300 seeds, with every invariant checked after every step;
//! single messages between members and coordinators are lost, the topic grows. Once every
//! fault is repaired the group must heal (the named properties of `common::group_liveness`:
//! Stable, every partition owned once, lag 0) and every record up to the HW has been consumed.
//! Reproduce one seed with `SWEEP_SEED=<seed> cargo test --test suite group_sweep -- --nocapture`.

use std::collections::BTreeSet;
use std::rc::Rc;

use crate::common::{cluster_liveness, fast_cluster, group_liveness, step_until_checked};
use kafka_flightsim::sim::assignor::Assignor;
use kafka_flightsim::sim::config::{ConsumerConfig, OffsetReset, ProducerConfig};
use kafka_flightsim::sim::invariants::InvariantChecker;
use kafka_flightsim::sim::producer::{RateSpec, Values};
use kafka_flightsim::sim::{BrokerId, Client, ClientId, Fault, NodeId, Sim, TopicPartition};
use rand_chacha::ChaCha8Rng;
use rand_core::{RngCore, SeedableRng};

const PARTITIONS: i32 = 4;

fn fail(seed: u64, sim: &Sim, msg: &str) -> ! {
    panic!(
        "GROUP SWEEP FAILURE seed={seed} step={} t={}ms: {msg}\nreproduce: SWEEP_SEED={seed} cargo test --test suite group_sweep -- --nocapture",
        sim.events_processed(),
        sim.now()
    );
}

fn run_seed(seed: u64) {
    let mut sim = Sim::new(seed, 3, fast_cluster());
    sim.set_keep_trace(std::env::var_os("SWEEP_TRACE").is_some());
    let mut checker = InvariantChecker::new();
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x6_7000_u64);
    sim.run_for(100);
    sim.create_topic("s", PARTITIONS, 3, &[("min.insync.replicas".into(), "2".into())]).unwrap();
    sim.run_for(100);
    let p = sim.add_producer("p", ProducerConfig { request_timeout_ms: 1_500, delivery_timeout_ms: 6_000, ..ProducerConfig::default() }).unwrap();
    let keys = (0..16).map(|i| Rc::from(format!("k{i}"))).collect();
    sim.start_rate(p, RateSpec { topic: Rc::from("s"), per_second: 40, keys, value_bytes: 0, remaining: Some(400), values: Values::Numbered }).unwrap();
    let assignor = [Assignor::Range, Assignor::RoundRobin, Assignor::Sticky, Assignor::CooperativeSticky][(seed % 4) as usize];
    let config = ConsumerConfig {
        session_timeout_ms: 3_000,
        heartbeat_interval_ms: 500,
        max_poll_interval_ms: 4_000,
        auto_commit_interval_ms: 1_000,
        auto_offset_reset: OffsetReset::Earliest,
        request_timeout_ms: 2_000,
        assignors: vec![assignor],
        metadata_max_age_ms: 5_000,
        ..ConsumerConfig::default()
    };
    let mut members: Vec<ClientId> = Vec::new();
    let mut n = 0;
    let add = |sim: &mut Sim, members: &mut Vec<ClientId>, n: &mut u32, slow: bool| {
        *n += 1;
        let c = sim.add_consumer(&format!("m{n}"), ConsumerConfig { processing_ms: if slow { 6_000 } else { 0 }, ..config.clone() }).unwrap();
        sim.record_client_history(c, true);
        sim.subscribe(c, "g", vec!["s".into()]).unwrap();
        members.push(c);
    };
    for _ in 0..2 {
        add(&mut sim, &mut members, &mut n, false);
    }
    let step_all = |sim: &mut Sim, checker: &mut InvariantChecker, until: u64| step_until_checked(sim, checker, until, &|sim, e| fail(seed, sim, e));
    let running = |sim: &Sim, id: ClientId| sim.client(id).is_some_and(|c| c.running());
    let chaos_end = sim.now() + 15_000;
    while sim.now() < chaos_end {
        let next = sim.now() + 300 + (rng.next_u32() % 1_500) as u64;
        step_all(&mut sim, &mut checker, next.min(chaos_end));
        let live: Vec<ClientId> = members.iter().copied().filter(|c| running(&sim, *c)).collect();
        let brokers: Vec<BrokerId> = sim.brokers().map(|b| b.id).collect();
        let b = brokers[(rng.next_u32() as usize) % brokers.len()];
        match rng.next_u32() % 11 {
            0 | 1 if live.len() < 5 => add(&mut sim, &mut members, &mut n, rng.next_u32() % 4 == 0),
            2 if live.len() > 1 => {
                let _ = sim.close_consumer(live[(rng.next_u32() as usize) % live.len()]);
            }
            3 if live.len() > 1 => {
                let _ = sim.apply(Fault::CrashClient(live[(rng.next_u32() as usize) % live.len()]));
            }
            4 => {
                let _ = sim.apply(Fault::KillBroker(b));
            }
            5 => {
                let _ = sim.apply(Fault::StartBroker(b));
            }
            6 if !live.is_empty() => {
                let c = live[(rng.next_u32() as usize) % live.len()];
                let _ = sim.apply(Fault::Pause(NodeId::Client(c)));
                let until = sim.now() + (rng.next_u32() % 5_000) as u64;
                step_all(&mut sim, &mut checker, until);
                let _ = sim.apply(Fault::Resume(NodeId::Client(c)));
            }
            // One lost message between a member and the brokers, either way.
            7 if !live.is_empty() => {
                let c = NodeId::Client(live[(rng.next_u32() as usize) % live.len()]);
                let (from, to) = if rng.next_u32() % 2 == 0 { (c, NodeId::Broker(b)) } else { (NodeId::Broker(b), c) };
                let _ = sim.apply(Fault::DropNext { from: Some(from), to: Some(to), count: 1 });
            }
            8 => {
                let _ = sim.apply(Fault::StopBroker(b));
            }
            9 => {
                let n = sim.controller().topics["s"].partitions.len() as i32;
                if n < PARTITIONS + 2 {
                    let _ = sim.add_partitions("s", n + 1);
                }
            }
            _ => {}
        }
    }
    // Repair: every broker back, every member fast and running again, one healthy member
    // guaranteed, then the group must heal.
    let _ = sim.apply(Fault::Heal);
    for n in sim.all_nodes() {
        let _ = sim.apply(Fault::Resume(n));
    }
    for c in members.iter().copied().filter(|c| running(&sim, *c)).collect::<Vec<_>>() {
        let _ = sim.apply(Fault::SlowConsumer { client: c, processing_ms: 0 });
    }
    for b in sim.brokers().map(|b| b.id).collect::<Vec<_>>() {
        let _ = sim.apply(Fault::StartBroker(b));
    }
    for _ in 0..20 {
        let t = sim.now() + 500;
        step_all(&mut sim, &mut checker, t);
        for b in sim.brokers().map(|b| b.id).collect::<Vec<_>>() {
            let _ = sim.apply(Fault::StartBroker(b));
        }
    }
    add(&mut sim, &mut members, &mut n, false);
    let deadline = sim.now() + 90_000;
    let healed = |sim: &Sim| cluster_liveness(sim).and_then(|_| group_liveness(sim, "g", "s", &members));
    let mut last = healed(&sim);
    while last.is_err() && sim.now() < deadline {
        let t = sim.now() + 500;
        step_all(&mut sim, &mut checker, t);
        last = healed(&sim);
    }
    if let Err(e) = last {
        fail(seed, &sim, &format!("not healed 90 s after repair ({}): {e}", assignor.name()));
    }
    // None skipped: every record below the HW was read by some member.
    let mut read: BTreeSet<(i32, i64)> = BTreeSet::new();
    for id in &members {
        if let Some(Client::Consumer(c)) = sim.client(*id) {
            read.extend(c.consumed.iter().map(|(tp, r)| (tp.partition, r.offset)));
        }
    }
    for p in 0..sim.controller().topics["s"].partitions.len() as i32 {
        let tp = TopicPartition::new("s", p);
        let Some(l) = sim.controller().partition(&tp).and_then(|s| s.leader) else { fail(seed, &sim, &format!("{tp} has no leader after repair")) };
        let hw = sim.broker(l).unwrap().replicas()[&tp].high_watermark;
        if let Some(missing) = (0..hw).find(|o| !read.contains(&(p, *o))) {
            fail(seed, &sim, &format!("{tp}@{missing} (hw {hw}) was never consumed by group g ({})", assignor.name()));
        }
    }
}

#[test]
fn three_hundred_seeds_of_group_faults() {
    let seeds: Vec<u64> = match std::env::var("SWEEP_SEED").ok().and_then(|s| s.parse().ok()) {
        Some(s) => vec![s],
        None => (1..=300).collect(),
    };
    for seed in seeds {
        run_seed(seed);
    }
}
