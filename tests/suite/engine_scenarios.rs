//! One scenario per Kafka behaviour the engine must reproduce, each citing the rule it checks
//! (see ../shared/kafka-reference/semantics.md, copied facts in docs/ARCHITECTURE.md).

use std::rc::Rc;

use crate::common::*;
use kafka_flightsim::sim::config::{ConsumerConfig, OffsetReset, ProducerConfig};
use kafka_flightsim::sim::invariants::InvariantChecker;
use kafka_flightsim::sim::producer::{RateSpec, Values};
use kafka_flightsim::sim::trace::{ElectionKind, TraceEvent};
use kafka_flightsim::sim::{AdminError, Client, Fault, KafkaError, NodeId, ProducerRecord, TopicPartition};

fn record(topic: &str, p: i32, value: &str) -> ProducerRecord {
    ProducerRecord { partition: Some(p), ..ProducerRecord::new(topic, None, Some(value)) }
}

#[test]
fn topic_admin_errors_are_kafkas() {
    let mut sim = fast_sim(1, 3);
    sim.create_topic("orders", 3, 3, &[]).unwrap();
    let text = |r: Result<(), AdminError>| r.unwrap_err().to_string();
    assert_eq!(text(sim.create_topic("orders", 1, 1, &[])), "Topic 'orders' already exists.");
    assert_eq!(
        text(sim.create_topic("big", 1, 4, &[])),
        "Unable to replicate the partition 4 time(s): The target replication factor of 4 cannot be reached because only 3 broker(s) are registered."
    );
    assert_eq!(text(sim.create_topic("zero", 0, 1, &[])), "The partitions must be greater than 0");
    assert_eq!(text(sim.create_topic("norf", 1, 0, &[])), "The replication factor must be between 1 and 32767 inclusive");
    assert_eq!(text(sim.add_partitions("orders", 2)), "The topic orders currently has 3 partition(s); 2 would not be an increase.");
    assert_eq!(text(sim.add_partitions("orders", 3)), "Topic already has 3 partition(s).");
    assert_eq!(text(sim.delete_topic("nope")), "Topic 'Optional[nope]' does not exist as expected");
    assert_eq!(
        text(sim.create_topic("bad name", 1, 1, &[])),
        "Topic name \"bad name\" is illegal, it contains a character other than ASCII alphanumerics, '.', '_' and '-'"
    );
    assert_eq!(
        text(sim.create_topic("t", 1, 1, &cfg(&[("min.insync.replicas", "0")]))),
        "Invalid value 0 for configuration min.insync.replicas: Value must be at least 1"
    );
    sim.add_partitions("orders", 5).unwrap();
    assert_eq!(sim.controller().topics["orders"].partitions.len(), 5);
    sim.delete_topic("orders").unwrap();
    sim.run_for(100);
    assert!(sim.brokers().all(|b| b.replicas().is_empty()), "deleted topic's replicas are removed");
}

/// The controller's bounds on one admin operation, at their edges: at most 10,000 partitions
/// per CreateTopics (ReplicationControlManager.MAX_PARTITIONS_PER_BATCH) and at most 10,000
/// metadata records (QuorumController.MAX_RECORDS_PER_USER_OP: a topic record, one per
/// partition, one per config). Without them `--partitions 2147483647` ran out of memory.
#[test]
fn admin_operations_are_bounded_as_in_kraft() {
    let mut sim = fast_sim(1, 1);
    let text = |r: Result<(), AdminError>| r.unwrap_err().to_string();
    assert_eq!(text(sim.create_topic("t", 10_001, 1, &[])), "Excessively large number of partitions per request.");
    assert_eq!(text(sim.create_topic("t", 10_000, 1, &[])), "Unable to perform excessively large batch operation.");
    assert_eq!(text(sim.create_topic("t", 9_999, 1, &cfg(&[("retention.ms", "1000")]))), "Unable to perform excessively large batch operation.");
    sim.create_topic("t", 9_999, 1, &[]).unwrap();
    sim.create_topic("u", 1, 1, &[]).unwrap();
    assert_eq!(text(sim.add_partitions("u", i32::MAX)), "The server experienced an unexpected error when processing the request.");
    assert_eq!(text(sim.add_partitions("u", 10_002)), "The server experienced an unexpected error when processing the request.");
    sim.add_partitions("u", 10_001).unwrap();
    assert_eq!(sim.controller().topics["u"].partitions.len(), 10_001);
}

#[test]
fn acks_all_is_refused_below_min_isr_and_the_hw_waits() {
    let mut sim = fast_sim(2, 3);
    let mut checker = InvariantChecker::new();
    sim.create_topic("pay", 1, 3, &cfg(&[("min.insync.replicas", "2")])).unwrap();
    run_checked(&mut sim, &mut checker, 200);
    let l = leader(&sim, "pay", 0).unwrap();
    for b in replicas(&sim, "pay", 0).into_iter().filter(|b| *b != l) {
        sim.apply(Fault::KillBroker(b)).unwrap();
    }
    run_checked(&mut sim, &mut checker, 5_000);
    assert_eq!(isr(&sim, "pay", 0), vec![l], "the ISR shrank to the leader");
    // acks=all: rejected before anything is written (Partition.scala:1375-1387).
    let all =
        sim.add_producer("all", ProducerConfig { delivery_timeout_ms: 3_000, request_timeout_ms: 1_000, linger_ms: 0, ..ProducerConfig::default() }).unwrap();
    sim.produce(all, record("pay", 0, "x")).unwrap();
    run_checked(&mut sim, &mut checker, 4_000);
    assert!(events(&sim).any(|e| matches!(e, TraceEvent::ProduceRejected { error: KafkaError::NotEnoughReplicas, .. })));
    assert!(events(&sim).any(|e| matches!(e, TraceEvent::ProduceFailed { error: KafkaError::DeliveryTimeout, .. })));
    assert_eq!(leo(&sim, l, "pay", 0), 0, "nothing was written");
    // acks=1 is appended, but the HW does not advance under min ISR (Kafka 3.7+).
    let one = sim.add_producer("one", ProducerConfig { acks: 1, enable_idempotence: false, linger_ms: 0, ..ProducerConfig::default() }).unwrap();
    sim.produce(one, record("pay", 0, "y")).unwrap();
    run_checked(&mut sim, &mut checker, 1_000);
    assert_eq!(leo(&sim, l, "pay", 0), 1);
    assert_eq!(hw(&sim, l, "pay", 0), 0);
}

#[test]
fn controlled_shutdown_moves_leadership_first_and_loses_nothing() {
    let mut sim = fast_sim(3, 3);
    let mut checker = InvariantChecker::new();
    sim.create_topic("t", 3, 3, &cfg(&[("min.insync.replicas", "2")])).unwrap();
    run_checked(&mut sim, &mut checker, 200);
    let p = sim.add_producer("p", ProducerConfig::default()).unwrap();
    sim.record_client_history(p, true);
    sim.start_rate(p, RateSpec { topic: Rc::from("t"), per_second: 50, keys: vec![], value_bytes: 10, remaining: Some(200), values: Values::Numbered })
        .unwrap();
    run_checked(&mut sim, &mut checker, 1_000);
    let l = leader(&sim, "t", 0).unwrap();
    sim.apply(Fault::StopBroker(l)).unwrap();
    run_checked(&mut sim, &mut checker, 6_000);
    let trace: Vec<&TraceEvent> = events(&sim).collect();
    let moved = trace.iter().position(|e| matches!(e, TraceEvent::LeaderElected { kind: ElectionKind::ControlledShutdown, .. })).expect("leadership moved");
    let stopped = trace.iter().position(|e| matches!(e, TraceEvent::BrokerStopped { broker } if *broker == l)).expect("broker stopped");
    assert!(moved < stopped, "leaderships move before the broker stops");
    assert_ne!(leader(&sim, "t", 0), Some(l));
    let Client::Producer(prod) = sim.client(p).unwrap() else { panic!() };
    assert_eq!(prod.acked_count, 200);
    assert_eq!(prod.failed_count, 0);
}

#[test]
fn clean_failover_truncates_only_uncommitted_records() {
    // acks=1 records on the old leader that no follower fetched are above the HW; the new
    // leader does not have them, and the old leader truncates them when it rejoins (KIP-101).
    let mut sim = fast_sim(4, 3);
    let mut checker = InvariantChecker::new();
    sim.create_topic("t", 1, 3, &[]).unwrap();
    run_checked(&mut sim, &mut checker, 300);
    let old = leader(&sim, "t", 0).unwrap();
    let one = sim.add_producer("one", ProducerConfig { acks: 1, enable_idempotence: false, linger_ms: 0, ..ProducerConfig::default() }).unwrap();
    sim.produce(one, record("t", 0, "committed")).unwrap();
    run_checked(&mut sim, &mut checker, 1_000);
    // Cut the leader off from everyone but the producer, then write more.
    let others: Vec<NodeId> = sim.all_nodes().into_iter().filter(|n| *n != NodeId::Broker(old) && *n != NodeId::Client(one)).collect();
    sim.apply(Fault::Partition { side_a: vec![NodeId::Broker(old)], side_b: others }).unwrap();
    sim.produce(one, record("t", 0, "doomed")).unwrap();
    run_checked(&mut sim, &mut checker, 5_000);
    let new = leader(&sim, "t", 0).unwrap();
    assert_ne!(new, old);
    assert_eq!(log_values(&sim, old, "t", 0), vec!["committed", "doomed"], "the zombie leader accepted an acks=1 write");
    sim.apply(Fault::Heal).unwrap();
    run_checked(&mut sim, &mut checker, 5_000);
    assert_eq!(log_values(&sim, old, "t", 0), vec!["committed"]);
    assert!(events(&sim).any(|e| matches!(e, TraceEvent::Truncated { broker, lost_committed: 0, .. } if *broker == old)));
    assert!(isr(&sim, "t", 0).contains(&old), "the old leader caught up and rejoined the ISR");
}

#[test]
fn unclean_election_loses_committed_records_and_says_so() {
    let mut sim = fast_sim(5, 2);
    let mut checker = InvariantChecker::new();
    sim.create_topic("t", 1, 2, &cfg(&[("unclean.leader.election.enable", "true")])).unwrap();
    run_checked(&mut sim, &mut checker, 300);
    let a = leader(&sim, "t", 0).unwrap();
    let b = replicas(&sim, "t", 0).into_iter().find(|x| *x != a).unwrap();
    sim.apply(Fault::KillBroker(b)).unwrap();
    run_checked(&mut sim, &mut checker, 4_000);
    assert_eq!(isr(&sim, "t", 0), vec![a]);
    let p = sim.add_producer("p", ProducerConfig { linger_ms: 0, ..ProducerConfig::default() }).unwrap();
    sim.record_client_history(p, true);
    for v in ["r0", "r1", "r2"] {
        sim.produce(p, record("t", 0, v)).unwrap();
    }
    run_checked(&mut sim, &mut checker, 1_000);
    let Client::Producer(prod) = sim.client(p).unwrap() else { panic!() };
    assert_eq!(prod.acked.len(), 3, "acknowledged with acks=all by an ISR of one");
    sim.apply(Fault::KillBroker(a)).unwrap();
    run_checked(&mut sim, &mut checker, 3_000);
    assert_eq!(leader(&sim, "t", 0), None, "offline: the only ISR member is down");
    sim.apply(Fault::StartBroker(b)).unwrap();
    run_checked(&mut sim, &mut checker, 3_000);
    assert_eq!(leader(&sim, "t", 0), Some(b));
    assert!(events(&sim).any(|e| matches!(e, TraceEvent::LeaderElected { kind: ElectionKind::Unclean, .. })));
    sim.apply(Fault::StartBroker(a)).unwrap();
    run_checked(&mut sim, &mut checker, 5_000);
    assert!(log_values(&sim, a, "t", 0).is_empty(), "the old leader threw its committed records away");
    assert!(events(&sim).any(|e| matches!(e, TraceEvent::Truncated { broker, lost_committed: 3, .. } if *broker == a)));
}

#[test]
fn clean_election_waits_when_only_out_of_sync_replicas_remain() {
    let mut sim = fast_sim(6, 2);
    sim.create_topic("t", 1, 2, &[]).unwrap();
    sim.run_for(300);
    let a = leader(&sim, "t", 0).unwrap();
    let b = replicas(&sim, "t", 0).into_iter().find(|x| *x != a).unwrap();
    sim.apply(Fault::KillBroker(b)).unwrap();
    sim.run_for(4_000);
    sim.apply(Fault::KillBroker(a)).unwrap();
    sim.run_for(3_000);
    sim.apply(Fault::StartBroker(b)).unwrap();
    sim.run_for(3_000);
    assert_eq!(leader(&sim, "t", 0), None, "unclean election is off by default");
    sim.apply(Fault::StartBroker(a)).unwrap();
    sim.run_for(3_000);
    assert_eq!(leader(&sim, "t", 0), Some(a));
}

#[test]
fn record_too_large_is_not_retried() {
    let mut sim = fast_sim(7, 1);
    sim.create_topic("t", 1, 1, &cfg(&[("max.message.bytes", "100")])).unwrap();
    sim.run_for(200);
    let p = sim.add_producer("p", ProducerConfig::default()).unwrap();
    sim.produce(p, record("t", 0, &"x".repeat(200))).unwrap();
    sim.run_for(1_000);
    assert!(events(&sim).any(|e| matches!(e, TraceEvent::ProduceFailed { error: KafkaError::RecordTooLarge, .. })));
    assert!(!events(&sim).any(|e| matches!(e, TraceEvent::ProduceRetry { .. })));
}

/// A request lost on the way makes its batch retry after a later one succeeded.
fn lost_request_order(idempotent: bool) -> Vec<String> {
    let mut sim = fast_sim(8, 1);
    sim.create_topic("t", 1, 1, &[]).unwrap();
    sim.run_for(200);
    let config = ProducerConfig {
        enable_idempotence: idempotent,
        linger_ms: 0,
        request_timeout_ms: 1_000,
        delivery_timeout_ms: 10_000,
        max_in_flight_requests_per_connection: 5,
        ..ProducerConfig::default()
    };
    let p = sim.add_producer("p", config).unwrap();
    sim.produce(p, record("t", 0, "warm-up")).unwrap();
    sim.run_for(200);
    let l = leader(&sim, "t", 0).unwrap();
    sim.apply(Fault::DropNext { from: Some(NodeId::Client(p)), to: Some(NodeId::Broker(l)), count: 1 }).unwrap();
    sim.produce(p, record("t", 0, "A")).unwrap();
    sim.run_for(2);
    sim.produce(p, record("t", 0, "B")).unwrap();
    sim.run_for(5_000);
    log_values(&sim, l, "t", 0)
}

#[test]
fn retries_with_several_requests_in_flight_reorder_without_idempotence() {
    assert_eq!(lost_request_order(false), vec!["warm-up", "B", "A"]);
}

#[test]
fn the_idempotent_producer_keeps_order() {
    assert_eq!(lost_request_order(true), vec!["warm-up", "A", "B"]);
}

#[test]
fn the_idempotent_producer_does_not_duplicate_a_retried_batch() {
    let mut sim = fast_sim(9, 1);
    sim.create_topic("t", 1, 1, &[]).unwrap();
    sim.run_for(200);
    for (idempotent, expected) in [(true, 1usize), (false, 2usize)] {
        let name = format!("p-{idempotent}");
        let p = sim
            .add_producer(&name, ProducerConfig { enable_idempotence: idempotent, linger_ms: 0, request_timeout_ms: 1_000, ..ProducerConfig::default() })
            .unwrap();
        sim.produce(p, record("t", 0, "warm")).unwrap();
        sim.run_for(200);
        let l = leader(&sim, "t", 0).unwrap();
        // Lose the response: the broker appended, the producer retries.
        sim.apply(Fault::DropNext { from: Some(NodeId::Broker(l)), to: Some(NodeId::Client(p)), count: 1 }).unwrap();
        let value = format!("once-{idempotent}");
        sim.produce(p, record("t", 0, &value)).unwrap();
        sim.run_for(3_000);
        let n = log_values(&sim, l, "t", 0).iter().filter(|v| **v == value).count();
        assert_eq!(n, expected, "idempotence {idempotent}");
    }
    assert!(events(&sim).any(|e| matches!(e, TraceEvent::DuplicateBatch { .. })));
}

#[test]
fn consumers_read_only_committed_records_and_reset_as_configured() {
    let mut sim = fast_sim(10, 3);
    let mut checker = InvariantChecker::new();
    sim.create_topic("t", 1, 3, &[]).unwrap();
    run_checked(&mut sim, &mut checker, 300);
    let p = sim.add_producer("p", ProducerConfig { linger_ms: 0, ..ProducerConfig::default() }).unwrap();
    for i in 0..5 {
        sim.produce(p, record("t", 0, &format!("old-{i}"))).unwrap();
    }
    run_checked(&mut sim, &mut checker, 500);
    let tp = TopicPartition::new("t", 0);
    let mk = |sim: &mut kafka_flightsim::sim::Sim, name: &str, reset: OffsetReset| {
        let c = sim.add_consumer(name, ConsumerConfig { auto_offset_reset: reset, max_poll_records: 2, ..ConsumerConfig::default() }).unwrap();
        sim.record_client_history(c, true);
        sim.assign(c, vec![tp.clone()]).unwrap();
        c
    };
    let earliest = mk(&mut sim, "earliest", OffsetReset::Earliest);
    let latest = mk(&mut sim, "latest", OffsetReset::Latest);
    let none = mk(&mut sim, "none", OffsetReset::None);
    run_checked(&mut sim, &mut checker, 1_000);
    for i in 0..3 {
        sim.produce(p, record("t", 0, &format!("new-{i}"))).unwrap();
    }
    run_checked(&mut sim, &mut checker, 1_000);
    let consumed = |sim: &kafka_flightsim::sim::Sim, c| match sim.client(c).unwrap() {
        kafka_flightsim::sim::Client::Consumer(c) => c.consumed.iter().map(|(_, r)| r.value.as_deref().unwrap().to_string()).collect::<Vec<_>>(),
        _ => unreachable!(),
    };
    assert_eq!(consumed(&sim, earliest).len(), 8);
    assert_eq!(consumed(&sim, latest), vec!["new-0", "new-1", "new-2"]);
    assert!(consumed(&sim, none).is_empty());
    assert!(events(&sim).any(|e| matches!(e, TraceEvent::ConsumerError { error: KafkaError::NoOffsetForPartition, .. })));
    // max.poll.records=2: no poll hands over more than two records.
    assert!(events(&sim).all(|e| !matches!(e, TraceEvent::Consumed { first_offset, last_offset, .. } if last_offset - first_offset >= 2)));
}

#[test]
fn consumers_wait_for_the_high_watermark() {
    let mut sim = fast_sim(11, 3);
    let mut checker = InvariantChecker::new();
    sim.create_topic("t", 1, 3, &cfg(&[("min.insync.replicas", "3")])).unwrap();
    run_checked(&mut sim, &mut checker, 300);
    let l = leader(&sim, "t", 0).unwrap();
    let f = replicas(&sim, "t", 0).into_iter().find(|b| *b != l).unwrap();
    let one = sim.add_producer("p", ProducerConfig { acks: 1, enable_idempotence: false, linger_ms: 0, ..ProducerConfig::default() }).unwrap();
    let c = sim.add_consumer("c", ConsumerConfig { auto_offset_reset: OffsetReset::Earliest, ..ConsumerConfig::default() }).unwrap();
    sim.record_client_history(c, true);
    sim.assign(c, vec![TopicPartition::new("t", 0)]).unwrap();
    // Clients bootstrap first (a paused broker would hold their metadata requests): the
    // producer learns the leader with a first record.
    sim.produce(one, record("t", 0, "warm-up")).unwrap();
    run_checked(&mut sim, &mut checker, 500);
    sim.apply(Fault::Pause(NodeId::Broker(f))).unwrap();
    sim.produce(one, record("t", 0, "x")).unwrap();
    run_checked(&mut sim, &mut checker, 1_000);
    assert_eq!(leo(&sim, l, "t", 0), 2);
    assert_eq!(hw(&sim, l, "t", 0), 1, "a paused follower holds the HW back");
    let kafka_flightsim::sim::Client::Consumer(cons) = sim.client(c).unwrap() else { panic!() };
    assert_eq!(cons.consumed_count, 1, "nothing above the HW is given out");
    sim.apply(Fault::Resume(NodeId::Broker(f))).unwrap();
    run_checked(&mut sim, &mut checker, 1_000);
    let kafka_flightsim::sim::Client::Consumer(cons) = sim.client(c).unwrap() else { panic!() };
    assert_eq!(cons.consumed_count, 2);
}

#[test]
fn a_slow_follower_leaves_the_isr_and_rejoins() {
    // The pause stays shorter than the broker session timeout, so the controller does not
    // fence the broker; the leader alone notices it falling behind.
    let cluster = kafka_flightsim::sim::config::ClusterConfig { broker_session_timeout_ms: 60_000, ..fast_cluster() };
    let mut sim = kafka_flightsim::sim::Sim::new(12, 3, cluster);
    sim.run_for(100);
    let mut checker = InvariantChecker::new();
    sim.create_topic("t", 1, 3, &[]).unwrap();
    run_checked(&mut sim, &mut checker, 300);
    let l = leader(&sim, "t", 0).unwrap();
    let f = replicas(&sim, "t", 0).into_iter().find(|b| *b != l).unwrap();
    let p = sim.add_producer("p", ProducerConfig { acks: 1, enable_idempotence: false, ..ProducerConfig::default() }).unwrap();
    sim.start_rate(p, RateSpec { topic: Rc::from("t"), per_second: 20, keys: vec![], value_bytes: 5, remaining: None, values: Values::Numbered }).unwrap();
    run_checked(&mut sim, &mut checker, 300);
    sim.apply(Fault::Pause(NodeId::Broker(f))).unwrap();
    // replica.lag.time.max.ms is 2000 here; the leader checks every half of it.
    run_checked(&mut sim, &mut checker, 1_500);
    assert!(isr(&sim, "t", 0).contains(&f), "not yet: the follower is only 1.5 s behind");
    run_checked(&mut sim, &mut checker, 2_000);
    assert!(!isr(&sim, "t", 0).contains(&f), "shrunk after replica.lag.time.max.ms");
    sim.apply(Fault::Resume(NodeId::Broker(f))).unwrap();
    run_checked(&mut sim, &mut checker, 2_000);
    assert!(isr(&sim, "t", 0).contains(&f), "expanded once caught up");
}

#[test]
fn preferred_leader_election_restores_the_first_replica() {
    let mut sim = fast_sim(13, 3);
    sim.create_topic("t", 1, 3, &[]).unwrap();
    sim.run_for(300);
    let preferred = replicas(&sim, "t", 0)[0];
    let tp = TopicPartition::new("t", 0);
    assert_eq!(sim.elect_leader(&tp, false).unwrap_err().to_string(), format!("Election not needed: the preferred replica {preferred} already leads."));
    sim.apply(Fault::KillBroker(preferred)).unwrap();
    sim.run_for(3_000);
    sim.apply(Fault::StartBroker(preferred)).unwrap();
    sim.run_for(3_000);
    assert_ne!(leader(&sim, "t", 0), Some(preferred), "Kafka does not move leadership back by itself here");
    assert_eq!(sim.elect_leader(&tp, false).unwrap(), preferred);
    sim.run_for(100);
    assert_eq!(leader(&sim, "t", 0), Some(preferred));
}

#[test]
fn null_keys_stick_to_a_partition_for_a_batch() {
    // KIP-794: switch partitions after batch.size bytes. Kafka picks the next one at random;
    // ours is seeded, so two runs agree.
    let run = |seed| {
        let mut sim = fast_sim(seed, 1);
        sim.create_topic("t", 4, 1, &[]).unwrap();
        sim.run_for(200);
        let p = sim.add_producer("p", ProducerConfig { batch_size: 200, linger_ms: 0, ..ProducerConfig::default() }).unwrap();
        for i in 0..40 {
            sim.produce(p, ProducerRecord::new("t", None, Some(&format!("v{i:03}")))).unwrap();
            sim.run_for(5);
        }
        sim.run_for(500);
        (0..4).map(|p| log_values(&sim, 1, "t", p).len()).collect::<Vec<_>>()
    };
    let a = run(21);
    assert_eq!(a, run(21));
    assert_eq!(a.iter().sum::<usize>(), 40);
    assert!(a.iter().filter(|n| **n > 0).count() > 1, "switches partitions: {a:?}");
}

#[test]
fn delivery_timeout_fails_records_when_no_broker_answers() {
    let mut sim = fast_sim(14, 1);
    sim.create_topic("t", 1, 1, &[]).unwrap();
    sim.run_for(200);
    let p = sim.add_producer("p", ProducerConfig { delivery_timeout_ms: 2_000, request_timeout_ms: 500, linger_ms: 0, ..ProducerConfig::default() }).unwrap();
    sim.produce(p, record("t", 0, "first")).unwrap();
    sim.run_for(200);
    sim.apply(Fault::KillBroker(1)).unwrap();
    sim.produce(p, record("t", 0, "lost")).unwrap();
    sim.run_for(5_000);
    assert!(events(&sim).any(|e| matches!(e, TraceEvent::ProduceFailed { error: KafkaError::DeliveryTimeout, count: 1, .. })));
}

#[test]
fn acks_0_gets_no_answer_and_no_offset() {
    let mut sim = fast_sim(15, 1);
    sim.create_topic("t", 1, 1, &[]).unwrap();
    sim.run_for(200);
    let p = sim.add_producer("p", ProducerConfig { acks: 0, enable_idempotence: false, linger_ms: 0, ..ProducerConfig::default() }).unwrap();
    sim.produce(p, record("t", 0, "fire-and-forget")).unwrap();
    sim.run_for(500);
    assert_eq!(log_values(&sim, 1, "t", 0), vec!["fire-and-forget"]);
    assert!(events(&sim).any(|e| matches!(e, TraceEvent::ProduceAcked { base_offset: -1, .. })), "acks=0 reports offset -1");
    assert!(sim.view(0).in_flight.iter().all(|m| m.kind != "ProduceResponse"));
    assert_eq!(
        ProducerConfig { acks: 0, ..ProducerConfig::default() }.validate().unwrap_err().to_string(),
        "Must set acks to all in order to use the idempotent producer. Otherwise we cannot guarantee idempotence."
    );
}

#[test]
fn retention_deletes_old_segments_on_every_replica() {
    let mut sim = fast_sim(16, 3);
    let mut checker = InvariantChecker::new();
    sim.create_topic("logs", 1, 3, &cfg(&[("segment.bytes", "200"), ("retention.bytes", "400")])).unwrap();
    run_checked(&mut sim, &mut checker, 200);
    let p = sim.add_producer("p", ProducerConfig { linger_ms: 0, ..ProducerConfig::default() }).unwrap();
    for i in 0..60 {
        sim.produce(p, record("logs", 0, &format!("line-{i:04}"))).unwrap();
        run_checked(&mut sim, &mut checker, 20);
    }
    // Retention runs every simulated minute on the leader; followers follow its log start.
    run_checked(&mut sim, &mut checker, 65_000);
    let l = leader(&sim, "logs", 0).unwrap();
    let start = sim.broker(l).unwrap().replicas()[&TopicPartition::new("logs", 0)].log.log_start_offset();
    assert!(start > 0, "old segments were deleted");
    assert!(events(&sim).any(|e| matches!(e, TraceEvent::LogStartAdvanced { .. })));
    for b in replicas(&sim, "logs", 0) {
        let r = &sim.broker(b).unwrap().replicas()[&TopicPartition::new("logs", 0)];
        assert_eq!(r.log.log_start_offset(), start, "broker {b}");
        assert_eq!(r.log.log_end_offset(), 60);
    }
}

/// Retention deletes segments by time or size only when cleanup.policy includes `delete`
/// (UnifiedLog.deleteOldSegments): a compact-only topic once lost offsets 0-50 to retention.ms.
/// `compact,delete` does both; a broker-wide `log.cleanup.policy=compact` counts too.
#[test]
fn retention_deletes_compact_only_topics_no_more() {
    let mut sim = fast_sim(18, 3);
    let mut checker = InvariantChecker::new();
    let tight = [("segment.bytes", "200"), ("retention.ms", "1000"), ("retention.bytes", "400")];
    let with = |policy: &'static str| -> Vec<(String, String)> {
        let mut v = cfg(&tight);
        if !policy.is_empty() {
            v.push(("cleanup.policy".into(), policy.into()));
        }
        v
    };
    sim.create_topic("compacted", 1, 3, &with("compact")).unwrap();
    sim.create_topic("both", 1, 3, &with("compact,delete")).unwrap();
    sim.create_topic("plain", 1, 3, &with("")).unwrap();
    run_checked(&mut sim, &mut checker, 200);
    let p = sim.add_producer("p", ProducerConfig { linger_ms: 0, ..ProducerConfig::default() }).unwrap();
    for i in 0..51 {
        for t in ["compacted", "both", "plain"] {
            sim.produce(p, record(t, 0, &format!("line-{i:04}"))).unwrap();
        }
        run_checked(&mut sim, &mut checker, 20);
    }
    run_checked(&mut sim, &mut checker, 130_000);
    let start = |sim: &kafka_flightsim::sim::Sim, t: &str| {
        let l = leader(sim, t, 0).unwrap();
        sim.broker(l).unwrap().replicas()[&TopicPartition::new(t, 0)].log.log_start_offset()
    };
    assert_eq!(start(&sim, "compacted"), 0, "a compact-only topic keeps every segment");
    assert!(start(&sim, "both") > 0, "compact,delete still deletes by retention");
    assert!(start(&sim, "plain") > 0, "the default policy (delete) deletes by retention");
    // The broker-wide default policy applies to topics that do not set their own.
    sim.alter_broker_config(None, "log.cleanup.policy", Some("compact")).unwrap();
    sim.create_topic("inherits", 1, 3, &cfg(&tight)).unwrap();
    run_checked(&mut sim, &mut checker, 200);
    for i in 0..51 {
        sim.produce(p, record("inherits", 0, &format!("line-{i:04}"))).unwrap();
        run_checked(&mut sim, &mut checker, 20);
    }
    run_checked(&mut sim, &mut checker, 130_000);
    assert_eq!(start(&sim, "inherits"), 0, "log.cleanup.policy=compact for the cluster keeps segments too");
}

#[test]
fn dynamic_broker_configs_are_defaults_that_topic_overrides_beat() {
    let mut sim = fast_sim(17, 3);
    sim.create_topic("plain", 1, 3, &[]).unwrap();
    sim.create_topic("own", 1, 3, &cfg(&[("min.insync.replicas", "1"), ("max.message.bytes", "100000")])).unwrap();
    sim.run_for(300);
    // Cluster-wide default: min.insync.replicas=3 for every topic that does not set its own.
    sim.alter_broker_config(None, "min.insync.replicas", Some("3")).unwrap();
    let l = leader(&sim, "plain", 0).unwrap();
    let follower = replicas(&sim, "plain", 0).into_iter().find(|b| *b != l).unwrap();
    sim.apply(Fault::KillBroker(follower)).unwrap();
    sim.run_for(5_000);
    let p = sim.add_producer("p", ProducerConfig { linger_ms: 0, delivery_timeout_ms: 3_000, request_timeout_ms: 1_000, ..ProducerConfig::default() }).unwrap();
    sim.record_client_history(p, true);
    sim.produce(p, record("plain", 0, "refused")).unwrap();
    sim.produce(p, record("own", 0, "accepted")).unwrap();
    sim.run_for(5_000);
    let Client::Producer(prod) = sim.client(p).unwrap() else { panic!() };
    assert!(prod.failures.iter().any(|f| &*f.tp.topic == "plain"), "the cluster default applies");
    assert!(prod.acked.iter().any(|a| &*a.tp.topic == "own"), "the topic's own min.insync.replicas wins");
    // Per broker: the leader of `plain` refuses records above its message.max.bytes.
    sim.alter_broker_config(None, "min.insync.replicas", None).unwrap();
    sim.alter_broker_config(Some(l), "message.max.bytes", Some("50")).unwrap();
    sim.run_for(500);
    sim.produce(p, record("plain", 0, &"x".repeat(80))).unwrap();
    sim.run_for(3_000);
    assert!(events(&sim).any(|e| matches!(e, TraceEvent::ProduceFailed { error: KafkaError::RecordTooLarge, .. })));
    assert_eq!(
        sim.alter_broker_config(Some(l), "min.insync.replicas", Some("0")).unwrap_err().to_string(),
        "Invalid value 0 for configuration min.insync.replicas: Value must be at least 1"
    );
    assert!(sim.alter_broker_config(Some(l), "replica.lag.time.max.ms", Some("5")).is_err());
    assert!(sim.alter_broker_config(Some(99), "message.max.bytes", Some("5")).is_err());
}
