//! The cluster heals: one regression test per defect that once kept a repaired cluster
//! broken (issue 14), each named after the defect. The fault sweeps (fault_sweep.rs) check the
//! same liveness properties over hundreds of random fault schedules.

use crate::common::*;
use kafka_flightsim::sim::config::{ClusterConfig, ProducerConfig};
use kafka_flightsim::sim::invariants::InvariantChecker;
use kafka_flightsim::sim::trace::TraceEvent;
use kafka_flightsim::sim::{BrokerId, Client, Fault, NodeId, ProducerRecord, Sim, TopicPartition};

fn produce(sim: &mut Sim, name: &str, topic: &str, n: usize) -> kafka_flightsim::sim::ClientId {
    let p = sim.add_producer(name, ProducerConfig { linger_ms: 0, ..ProducerConfig::default() }).unwrap();
    sim.record_client_history(p, true);
    for i in 0..n {
        sim.produce(p, ProducerRecord { partition: Some(0), ..ProducerRecord::new(topic, None, Some(&format!("{name}-{i}"))) }).unwrap();
    }
    p
}

fn acked(sim: &Sim, p: kafka_flightsim::sim::ClientId) -> usize {
    match sim.client(p) {
        Some(Client::Producer(p)) => p.acked.len(),
        _ => 0,
    }
}

/// Every replica of `topic`-0 is in the ISR and holds the leader's whole log.
fn healed(sim: &Sim, topic: &str) -> Result<(), String> {
    let tp = TopicPartition::new(topic, 0);
    let st = sim.controller().partition(&tp).cloned().ok_or("no such partition")?;
    let leader = st.leader.ok_or("no leader")?;
    let mut isr = st.isr.clone();
    isr.sort();
    let mut replicas = st.replicas.clone();
    replicas.sort();
    if isr != replicas {
        return Err(format!("isr {:?} of replicas {:?}", st.isr, st.replicas));
    }
    let end = leo(sim, leader, topic, 0);
    for b in &st.replicas {
        if leo(sim, *b, topic, 0) != end {
            return Err(format!("broker {b} at LEO {} of the leader's {end}", leo(sim, *b, topic, 0)));
        }
    }
    Ok(())
}

fn three_replicas(seed: u64) -> (Sim, InvariantChecker) {
    let mut sim = fast_sim(seed, 3);
    sim.create_topic("t", 1, 3, &cfg(&[("min.insync.replicas", "2")])).unwrap();
    let mut checker = InvariantChecker::new();
    run_checked(&mut sim, &mut checker, 1_000);
    (sim, checker)
}

/// `stop broker 2`, `start broker 2`, produce: broker 2 used to stay at LEO 0 out of the ISR,
/// because its restart kept the epochs it knew and the image, unchanged, looked stale.
#[test]
fn a_cleanly_stopped_broker_replicates_again() {
    let (mut sim, mut checker) = three_replicas(1);
    sim.apply(Fault::StopBroker(2)).unwrap();
    run_checked(&mut sim, &mut checker, 5_000);
    assert!(!sim.broker(2).unwrap().is_up(), "broker 2 stopped");
    sim.apply(Fault::StartBroker(2)).unwrap();
    run_checked(&mut sim, &mut checker, 1_000);
    let p = produce(&mut sim, "p", "t", 5);
    run_checked(&mut sim, &mut checker, 10_000);
    assert_eq!(acked(&sim, p), 5);
    healed(&sim, "t").unwrap();
    assert_eq!(leo(&sim, 2, "t", 0), 5);
}

/// A fetch parked at a leader that dies used to leave the follower's fetcher in flight
/// forever: kill the leader, restart it, elect it preferred again, produce. Now the kill
/// closes the fetcher's connection (the follower hears it at once).
#[test]
fn a_replica_fetch_held_by_a_dying_leader_is_retried() {
    // Kafka's default timings, as a learner's console has them.
    let mut sim = Sim::new(1, 3, ClusterConfig::default());
    let mut checker = InvariantChecker::new();
    run_checked(&mut sim, &mut checker, 100);
    sim.create_topic("t", 1, 3, &[]).unwrap();
    run_checked(&mut sim, &mut checker, 2_000);
    let first = leader(&sim, "t", 0).unwrap();
    sim.apply(Fault::KillBroker(first)).unwrap();
    run_checked(&mut sim, &mut checker, 15_000);
    assert_ne!(leader(&sim, "t", 0), Some(first));
    sim.apply(Fault::StartBroker(first)).unwrap();
    run_checked(&mut sim, &mut checker, 20_000);
    sim.elect_leader(&TopicPartition::new("t", 0), false).unwrap();
    run_checked(&mut sim, &mut checker, 2_000);
    assert_eq!(leader(&sim, "t", 0), Some(first));
    let p = produce(&mut sim, "p", "t", 5);
    run_checked(&mut sim, &mut checker, 60_000);
    assert_eq!(acked(&sim, p), 5, "acks=all records were acknowledged");
    healed(&sim, "t").unwrap();
}

/// `isolate broker 3` for 5 s, then `heal`: the follower's fetch was lost at the cut and its
/// fetcher waited for it forever. Now it gives up after replica.socket.timeout.ms.
#[test]
fn a_replica_fetch_lost_to_a_network_cut_times_out_and_is_retried() {
    let (mut sim, mut checker) = three_replicas(3);
    let follower: BrokerId = replicas(&sim, "t", 0).into_iter().find(|b| Some(*b) != leader(&sim, "t", 0)).unwrap();
    sim.apply(Fault::Isolate(NodeId::Broker(follower))).unwrap();
    run_checked(&mut sim, &mut checker, 5_000);
    sim.apply(Fault::Heal).unwrap();
    let p = produce(&mut sim, "p", "t", 5);
    let timeout = sim.cluster_config().replica_socket_timeout_ms;
    run_checked(&mut sim, &mut checker, timeout + 10_000);
    assert_eq!(acked(&sim, p), 5);
    healed(&sim, "t").unwrap();
    assert!(events(&sim).any(|e| matches!(e, TraceEvent::ReplicaFetchTimedOut { broker, .. } if *broker == follower)), "the lost fetch timed out");
}

/// One dropped FetchResponse from leader to follower: the follower recovers.
#[test]
fn a_dropped_fetch_response_times_out_and_is_retried() {
    let (mut sim, mut checker) = three_replicas(4);
    let l = leader(&sim, "t", 0).unwrap();
    let follower: BrokerId = replicas(&sim, "t", 0).into_iter().find(|b| *b != l).unwrap();
    sim.apply(Fault::DropNext { from: Some(NodeId::Broker(l)), to: Some(NodeId::Broker(follower)), count: 1 }).unwrap();
    let p = produce(&mut sim, "p", "t", 5);
    let timeout = sim.cluster_config().replica_socket_timeout_ms;
    run_checked(&mut sim, &mut checker, timeout + 10_000);
    assert_eq!(acked(&sim, p), 5);
    healed(&sim, "t").unwrap();
}

/// The controller's update that moved the leadership is lost on its way to the old leader,
/// and a later update (another topic) arrives: the broker used to apply it over the gap, stay
/// leader at the old epoch, and its version looked current, so nothing ever corrected it.
#[test]
fn a_dropped_metadata_update_is_made_up() {
    let (mut sim, mut checker) = three_replicas(5);
    let tp = TopicPartition::new("t", 0);
    let preferred = replicas(&sim, "t", 0)[0];
    // Move the leadership off the preferred replica, and let it rejoin the ISR.
    sim.apply(Fault::KillBroker(preferred)).unwrap();
    run_checked(&mut sim, &mut checker, 5_000);
    sim.apply(Fault::StartBroker(preferred)).unwrap();
    run_checked(&mut sim, &mut checker, 5_000);
    let old = leader(&sim, "t", 0).unwrap();
    assert_ne!(old, preferred);
    // The preferred election's update to the old leader is lost; another topic follows.
    sim.apply(Fault::DropNext { from: Some(NodeId::Controller), to: Some(NodeId::Broker(old)), count: 1 }).unwrap();
    sim.elect_leader(&tp, false).unwrap();
    sim.create_topic("u", 1, 1, &[]).unwrap();
    run_checked(&mut sim, &mut checker, 5_000);
    let epoch = sim.controller().partition(&tp).unwrap().leader_epoch;
    let r = &sim.broker(old).unwrap().replicas()[&tp];
    assert!(!r.is_leader(), "broker {old} learnt it no longer leads");
    assert_eq!(r.leader_epoch, epoch, "broker {old} caught up with the metadata log");
    assert!(events(&sim).any(|e| matches!(e, TraceEvent::MetadataGap { broker, .. } if *broker == old)));
    let p = produce(&mut sim, "p", "t", 5);
    run_checked(&mut sim, &mut checker, 10_000);
    assert_eq!(acked(&sim, p), 5);
    healed(&sim, "t").unwrap();
}
