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
