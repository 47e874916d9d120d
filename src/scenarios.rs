//! Named scenarios shared by the sandbox, the tests and the benchmarks, so that the browser
//! and the native build run exactly the same thing.
use std::rc::Rc;

use crate::sim::config::{ClusterConfig, ConsumerConfig, OffsetReset, ProducerConfig};
use crate::sim::producer::RateSpec;
use crate::sim::{Fault, Sim, TopicPartition};

/// The failover preset: three brokers, `orders` with 3 partitions, RF 3, min ISR 2, a keyed
/// producer at 4 records/s and a `dashboard` consumer group of one member.
pub fn failover_preset(seed: u64) -> Sim {
    let mut sim = Sim::new(seed, 3, ClusterConfig::default());
    sim.run_for(50);
    sim.create_topic("orders", 3, 3, &[("min.insync.replicas".into(), "2".into())]).expect("the preset's topic is valid");
    sim.run_for(50);
    let p = sim.add_producer("checkout", ProducerConfig::default()).expect("valid preset producer");
    let keys = (1..=5).map(|i| Rc::from(format!("user_{i}"))).collect();
    sim.start_rate(p, RateSpec { topic: Rc::from("orders"), per_second: 4, keys, value_bytes: 0, remaining: None }).expect("preset producer runs");
    let consumer = ConsumerConfig { auto_offset_reset: OffsetReset::Earliest, ..ConsumerConfig::default() };
    let c = sim.add_consumer("dashboard", consumer).expect("valid preset consumer");
    sim.subscribe(c, "dashboard", vec!["orders".to_string()]).expect("preset consumer runs");
    // Past the group's initial rebalance delay, so the sandbox opens on a stable group.
    sim.run_for(3_500);
    sim
}

/// The reference run whose trace hash must be the same natively and in the browser: the
/// failover preset, a hard kill of partition 0's leader, its restart, and a clean stop.
pub fn reference_run(seed: u64) -> Sim {
    let mut sim = failover_preset(seed);
    sim.run_for(2_000);
    let leader = sim.controller().partition(&TopicPartition::new("orders", 0)).and_then(|p| p.leader).expect("a leader");
    sim.apply(Fault::KillBroker(leader)).expect("leader is up");
    sim.run_for(15_000);
    sim.apply(Fault::StartBroker(leader)).expect("leader is down");
    sim.run_for(10_000);
    sim.apply(Fault::StopBroker(leader)).expect("leader is up again");
    sim.run_for(5_000);
    sim
}

/// The reference session: what a learner does in the sandbox, through the same tape the page
/// records (typed commands, steps, playing, a seek back and a changed past). Its trace hash
/// must be the same natively and in the browser.
pub fn reference_session(seed: u64) -> crate::session::Player {
    let preset = crate::presets::find("order-service").expect("the order-service preset exists");
    let mut p = crate::session::Player::new(preset, seed).expect("the preset builds");
    for _ in 0..40 {
        p.step();
    }
    p.line("kill broker 2");
    p.advance_to(p.shell().sim.now() + 8_000);
    let middle = p.elapsed() / 2;
    p.seek(middle);
    p.step_back();
    // Changing the past: the tape after this point is dropped and replayed differently.
    p.line("slow client billing 2s");
    p.advance_to(p.shell().sim.now() + 6_000);
    p.line("start broker 2");
    p.line("kafka-consumer-groups.sh --bootstrap-server localhost:9092 --describe --group billing");
    p.advance_to(p.shell().sim.now() + 10_000);
    p
}
