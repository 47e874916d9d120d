//! Helpers shared by the native integration tests.
#![allow(dead_code)]
use kafka_flightsim::sim::config::ClusterConfig;
use kafka_flightsim::sim::invariants::InvariantChecker;
use kafka_flightsim::sim::trace::TraceEvent;
use kafka_flightsim::sim::{BrokerId, Millis, Sim, TopicPartition};

/// Kafka's defaults scaled down so a failover takes seconds of virtual time, not minutes.
pub fn fast_cluster() -> ClusterConfig {
    ClusterConfig {
        replica_lag_time_max_ms: 2_000,
        broker_heartbeat_interval_ms: 300,
        broker_session_timeout_ms: 1_500,
        replica_fetch_backoff_ms: 200,
        replica_socket_timeout_ms: 3_000,
        offsets_topic_num_partitions: 10,
        ..ClusterConfig::default()
    }
}

pub fn fast_sim(seed: u64, brokers: i32) -> Sim {
    let mut sim = Sim::new(seed, brokers, fast_cluster());
    sim.run_for(100);
    sim
}

/// Steps to virtual time `until`, checking every named invariant after every step; a broken
/// invariant goes to `fail` (which panics with whatever reproduces the run).
pub fn step_until_checked(sim: &mut Sim, checker: &mut InvariantChecker, until: Millis, fail: &dyn Fn(&Sim, &str)) {
    while sim.next_event_time().is_some_and(|t| t <= until) {
        sim.step();
        if let Err(e) = checker.check(sim) {
            fail(sim, &e);
        }
    }
    sim.run_until(until);
}

/// Runs `ms` of virtual time, checking every named invariant after every step.
pub fn run_checked(sim: &mut Sim, checker: &mut InvariantChecker, ms: Millis) {
    let until = sim.now() + ms;
    step_until_checked(sim, checker, until, &|sim, e| panic!("invariant broken at t={} (seed {}): {e}", sim.now(), sim.seed));
}

pub fn leader(sim: &Sim, topic: &str, p: i32) -> Option<BrokerId> {
    sim.controller().partition(&TopicPartition::new(topic, p)).and_then(|s| s.leader)
}

pub fn isr(sim: &Sim, topic: &str, p: i32) -> Vec<BrokerId> {
    sim.controller().partition(&TopicPartition::new(topic, p)).map(|s| s.isr.clone()).unwrap_or_default()
}

pub fn replicas(sim: &Sim, topic: &str, p: i32) -> Vec<BrokerId> {
    sim.controller().partition(&TopicPartition::new(topic, p)).map(|s| s.replicas.clone()).unwrap_or_default()
}

pub fn events<'a>(sim: &'a Sim) -> impl Iterator<Item = &'a TraceEvent> {
    sim.trace().iter().map(|t| &t.event)
}

/// Values of a replica's log, in offset order.
pub fn log_values(sim: &Sim, broker: BrokerId, topic: &str, p: i32) -> Vec<String> {
    let b = sim.broker(broker).expect("broker");
    b.replicas
        .get(&TopicPartition::new(topic, p))
        .map(|r| r.log.records().map(|rec| rec.value.as_deref().unwrap_or("null").to_string()).collect())
        .unwrap_or_default()
}

pub fn hw(sim: &Sim, broker: BrokerId, topic: &str, p: i32) -> i64 {
    sim.broker(broker).and_then(|b| b.replicas.get(&TopicPartition::new(topic, p))).map_or(-1, |r| r.high_watermark)
}

pub fn leo(sim: &Sim, broker: BrokerId, topic: &str, p: i32) -> i64 {
    sim.broker(broker).and_then(|b| b.replicas.get(&TopicPartition::new(topic, p))).map_or(-1, |r| r.log.log_end_offset())
}

pub fn cfg(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
}
