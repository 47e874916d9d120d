//! Consumer groups, scenario by scenario: joins and evictions, eager and cooperative
//! rebalances, static membership, delivery semantics made visible, slow consumers, idle
//! members, independent groups and coordinator failover. Invariants after every step.

use std::collections::{BTreeMap, BTreeSet};
use std::rc::Rc;

use crate::common::*;
use kafka_flightsim::sim::assignor::Assignor;
use kafka_flightsim::sim::config::{CommitMode, ConsumerConfig, OffsetReset, ProducerConfig};
use kafka_flightsim::sim::coordinator::{coordinator_partition, OFFSETS_TOPIC};
use kafka_flightsim::sim::invariants::InvariantChecker;
use kafka_flightsim::sim::producer::{RateSpec, Values};
use kafka_flightsim::sim::trace::TraceEvent;
use kafka_flightsim::sim::{Client, ClientId, Fault, KafkaError, Sim, TopicPartition};

fn member_config() -> ConsumerConfig {
    ConsumerConfig { session_timeout_ms: 6_000, heartbeat_interval_ms: 1_000, auto_offset_reset: OffsetReset::Earliest, ..ConsumerConfig::default() }
}

fn setup(seed: u64, partitions: i32, records: u64) -> (Sim, InvariantChecker) {
    let mut sim = fast_sim(seed, 3);
    let mut checker = InvariantChecker::new();
    sim.create_topic("t", partitions, 3, &cfg(&[("min.insync.replicas", "2")])).unwrap();
    run_checked(&mut sim, &mut checker, 200);
    if records > 0 {
        let p = sim.add_producer("p", ProducerConfig::default()).unwrap();
        let keys = (0..20).map(|i| Rc::from(format!("k{i}"))).collect();
        sim.start_rate(p, RateSpec { topic: Rc::from("t"), per_second: 100, keys, value_bytes: 0, remaining: Some(records), values: Values::Numbered })
            .unwrap();
    }
    (sim, checker)
}

fn join(sim: &mut Sim, name: &str, group: &str, config: ConsumerConfig) -> ClientId {
    let c = sim.add_consumer(name, config).unwrap();
    sim.record_client_history(c, true);
    sim.subscribe(c, group, vec!["t".into()]).unwrap();
    c
}

fn consumer(sim: &Sim, id: ClientId) -> &kafka_flightsim::sim::consumer::Consumer {
    match sim.client(id) {
        Some(Client::Consumer(c)) => c,
        _ => panic!("not a consumer"),
    }
}

fn assignment(sim: &Sim, id: ClientId) -> BTreeSet<String> {
    consumer(sim, id).assignment.iter().map(|p| p.to_string()).collect()
}

fn generation(sim: &Sim, id: ClientId) -> i32 {
    consumer(sim, id).group.as_ref().map_or(-1, |g| g.generation)
}

/// Offsets each partition was read at, counted over the given consumers.
fn reads(sim: &Sim, ids: &[ClientId]) -> BTreeMap<(String, i64), usize> {
    let mut m = BTreeMap::new();
    for id in ids {
        for (tp, r) in &consumer(sim, *id).consumed {
            *m.entry((tp.to_string(), r.offset)).or_insert(0) += 1;
        }
    }
    m
}

fn all_assigned_once(sim: &Sim, ids: &[ClientId], partitions: i32) {
    let mut all = Vec::new();
    for id in ids {
        all.extend(assignment(sim, *id));
    }
    let set: BTreeSet<String> = all.iter().cloned().collect();
    assert_eq!(all.len(), set.len(), "a partition has two owners: {all:?}");
    assert_eq!(set.len(), partitions as usize, "unassigned partitions: {all:?}");
}

#[test]
fn members_join_share_the_partitions_and_a_crash_is_evicted_after_the_session_timeout() {
    let (mut sim, mut checker) = setup(1, 6, 300);
    let ids: Vec<ClientId> = (0..3).map(|i| join(&mut sim, &format!("c{i}"), "g", member_config())).collect();
    run_checked(&mut sim, &mut checker, 8_000);
    all_assigned_once(&sim, &ids, 6);
    assert!(ids.iter().all(|id| assignment(&sim, *id).len() == 2), "range gives 2 each");
    let gen = generation(&sim, ids[1]);
    assert_eq!(gen, 1);
    sim.apply(Fault::CrashClient(ids[0])).unwrap();
    run_checked(&mut sim, &mut checker, 5_000);
    assert_eq!(generation(&sim, ids[1]), 1, "nothing happens before session.timeout.ms");
    run_checked(&mut sim, &mut checker, 6_000);
    assert!(events(&sim).any(|e| matches!(e, TraceEvent::GroupMemberRemoved { reason, .. } if reason.contains("session.timeout.ms"))));
    all_assigned_once(&sim, &ids[1..], 6);
    assert!(generation(&sim, ids[1]) > gen);
    // Every record is read by the group (duplicates allowed: at-least-once).
    let r = reads(&sim, &ids);
    let hw_total: i64 = (0..6).map(|p| hw(&sim, leader(&sim, "t", p).unwrap(), "t", p)).sum();
    assert_eq!(r.len() as i64, hw_total);
}

#[test]
fn eager_revokes_everything_cooperative_only_what_moves() {
    for (assignor, cooperative) in [(Assignor::Range, false), (Assignor::CooperativeSticky, true)] {
        let (mut sim, mut checker) = setup(2, 6, 0);
        let config = ConsumerConfig { assignors: vec![assignor], ..member_config() };
        let a = join(&mut sim, "a", "g", config.clone());
        let b = join(&mut sim, "b", "g", config.clone());
        run_checked(&mut sim, &mut checker, 8_000);
        let (before_a, before_b) = (assignment(&sim, a), assignment(&sim, b));
        let gen = generation(&sim, a);
        let c = join(&mut sim, "c", "g", config);
        run_checked(&mut sim, &mut checker, 8_000);
        all_assigned_once(&sim, &[a, b, c], 6);
        let revoked: Vec<BTreeSet<String>> = [("a", &before_a), ("b", &before_b)]
            .iter()
            .map(|(n, _)| {
                events(&sim)
                    .filter_map(|e| match e {
                        TraceEvent::PartitionsRevoked { client, partitions, .. } if &**client == *n => {
                            Some(partitions.iter().map(|p| p.to_string()).collect::<Vec<_>>())
                        }
                        _ => None,
                    })
                    .flatten()
                    .collect()
            })
            .collect();
        if cooperative {
            // Only the partitions that moved to c were revoked, and a second rebalance gave them out.
            for (before, rev, now) in [(&before_a, &revoked[0], assignment(&sim, a)), (&before_b, &revoked[1], assignment(&sim, b))] {
                let moved: BTreeSet<String> = before.difference(&now).cloned().collect();
                assert_eq!(rev, &moved, "cooperative revokes exactly what moves");
                assert!(now.is_subset(before), "cooperative members keep what stays");
            }
            assert_eq!(generation(&sim, a), gen + 2, "KIP-429: a second rebalance hands out the revoked partitions");
        } else {
            assert_eq!(&revoked[0], &before_a, "eager revokes everything");
            assert_eq!(&revoked[1], &before_b);
            assert_eq!(generation(&sim, a), gen + 1);
        }
    }
}

#[test]
fn a_static_member_restarting_within_the_session_timeout_causes_no_rebalance() {
    let (mut sim, mut checker) = setup(3, 4, 0);
    let cfg_for = |i: &str| ConsumerConfig { group_instance_id: Some(i.to_string()), ..member_config() };
    let a = join(&mut sim, "a", "g", cfg_for("instance-a"));
    let b = join(&mut sim, "b", "g", cfg_for("instance-b"));
    run_checked(&mut sim, &mut checker, 8_000);
    let (gen, before) = (generation(&sim, a), assignment(&sim, a));
    sim.close_consumer(a).unwrap();
    run_checked(&mut sim, &mut checker, 2_000);
    let a2 = join(&mut sim, "a-restarted", "g", cfg_for("instance-a"));
    run_checked(&mut sim, &mut checker, 5_000);
    assert_eq!(generation(&sim, b), gen, "no rebalance");
    assert_eq!(generation(&sim, a2), gen);
    assert_eq!(assignment(&sim, a2), before, "the same partitions come back");
    assert!(events(&sim).any(|e| matches!(e, TraceEvent::GroupMemberReplaced { .. })));
}

#[test]
fn auto_commit_makes_duplicates_visible_after_a_crash() {
    let (mut sim, mut checker) = setup(4, 1, 200);
    let config = ConsumerConfig { auto_commit_interval_ms: 60_000, ..member_config() };
    let a = join(&mut sim, "a", "g", config.clone());
    run_checked(&mut sim, &mut checker, 6_000);
    let b = join(&mut sim, "b", "g", config);
    run_checked(&mut sim, &mut checker, 6_000);
    let owner = if assignment(&sim, a).is_empty() { b } else { a };
    let other = if owner == a { b } else { a };
    // More records arrive and are processed, but the next auto-commit is a minute away.
    let more = sim.add_producer("more", ProducerConfig::default()).unwrap();
    sim.start_rate(more, RateSpec { topic: Rc::from("t"), per_second: 50, keys: vec![], value_bytes: 0, remaining: Some(50), values: Values::Numbered })
        .unwrap();
    run_checked(&mut sim, &mut checker, 3_000);
    assert!(!consumer(&sim, owner).consumed.is_empty());
    sim.apply(Fault::CrashClient(owner)).unwrap();
    run_checked(&mut sim, &mut checker, 15_000);
    let twice = reads(&sim, &[a, b]).values().filter(|n| **n > 1).count();
    assert!(twice > 0, "processed but uncommitted records are delivered again (at-least-once)");
    assert!(!consumer(&sim, other).consumed.is_empty());
}

#[test]
fn committing_before_processing_loses_records_on_a_crash() {
    let (mut sim, mut checker) = setup(5, 1, 0);
    let config = ConsumerConfig { commit_mode: CommitMode::BeforeProcessing, processing_ms: 5_000, max_poll_records: 10, ..member_config() };
    let a = join(&mut sim, "a", "g", config.clone());
    run_checked(&mut sim, &mut checker, 5_000);
    let p = sim.add_producer("p", ProducerConfig { linger_ms: 0, ..ProducerConfig::default() }).unwrap();
    for i in 0..10 {
        sim.produce(
            p,
            kafka_flightsim::sim::ProducerRecord { partition: Some(0), ..kafka_flightsim::sim::ProducerRecord::new("t", None, Some(&format!("r{i}"))) },
        )
        .unwrap();
    }
    run_checked(&mut sim, &mut checker, 1_500);
    assert_eq!(consumer(&sim, a).consumed.len(), 10, "a has the batch and is processing it");
    sim.apply(Fault::CrashClient(a)).unwrap();
    let b = join(&mut sim, "b", "g", ConsumerConfig { commit_mode: CommitMode::Sync, ..member_config() });
    run_checked(&mut sim, &mut checker, 20_000);
    assert_eq!(assignment(&sim, b).len(), 1);
    assert!(consumer(&sim, b).consumed.is_empty(), "the batch was committed before processing: nobody processes it (at-most-once)");
}

#[test]
fn a_slow_consumer_is_removed_after_max_poll_interval() {
    let (mut sim, mut checker) = setup(6, 2, 100);
    let slow = join(&mut sim, "slow", "g", ConsumerConfig { processing_ms: 20_000, max_poll_interval_ms: 8_000, max_poll_records: 5, ..member_config() });
    let fast = join(&mut sim, "fast", "g", member_config());
    run_checked(&mut sim, &mut checker, 20_000);
    assert!(events(&sim).any(|e| matches!(e, TraceEvent::ConsumerError { error: KafkaError::PollTimeout, client, .. } if &**client == "slow")));
    assert!(events(&sim).any(|e| matches!(e, TraceEvent::GroupMemberRemoved { reason, .. } if reason.contains("left"))));
    let _ = (slow, fast);
}

#[test]
fn more_consumers_than_partitions_leaves_some_idle_and_groups_read_independently() {
    let (mut sim, mut checker) = setup(7, 2, 60);
    let g1: Vec<ClientId> = (0..3).map(|i| join(&mut sim, &format!("g1-{i}"), "g1", member_config())).collect();
    let g2 = join(&mut sim, "g2-0", "g2", member_config());
    run_checked(&mut sim, &mut checker, 12_000);
    all_assigned_once(&sim, &g1, 2);
    assert_eq!(g1.iter().filter(|id| assignment(&sim, **id).is_empty()).count(), 1, "one member is idle");
    assert_eq!(assignment(&sim, g2).len(), 2);
    assert_eq!(reads(&sim, &g1).len(), 60);
    assert_eq!(reads(&sim, &[g2]).len(), 60, "each group reads every record");
}

#[test]
fn coordinator_failover_keeps_the_group_and_its_commits() {
    let (mut sim, mut checker) = setup(8, 2, 100);
    let ids: Vec<ClientId> =
        (0..2).map(|i| join(&mut sim, &format!("c{i}"), "g", ConsumerConfig { auto_commit_interval_ms: 1_000, ..member_config() })).collect();
    run_checked(&mut sim, &mut checker, 10_000);
    let p = coordinator_partition("g", 10);
    let coordinator = leader(&sim, OFFSETS_TOPIC, p).unwrap();
    let gen = generation(&sim, ids[0]);
    let committed_before = sim.broker(coordinator).unwrap().groups()["g"].committed.clone();
    assert!(!committed_before.is_empty());
    sim.apply(Fault::KillBroker(coordinator)).unwrap();
    run_checked(&mut sim, &mut checker, 10_000);
    let new = leader(&sim, OFFSETS_TOPIC, p).unwrap();
    assert_ne!(new, coordinator);
    assert!(events(&sim).any(|e| matches!(e, TraceEvent::GroupLoaded { coordinator, .. } if *coordinator == new)));
    let g = &sim.broker(new).unwrap().groups()["g"];
    for (tp, o) in &committed_before {
        assert!(g.committed.get(tp).is_some_and(|n| n >= o), "commit of {tp} survived failover");
    }
    assert!(g.generation >= gen);
    let lag: i64 = (0..2)
        .map(|i| {
            let tp = TopicPartition::new("t", i);
            let leo = leo(&sim, leader(&sim, "t", i).unwrap(), "t", i);
            leo - g.committed.get(&tp).copied().unwrap_or(0)
        })
        .sum();
    assert_eq!(lag, 0, "the group caught up: lag = log end offset - committed");
}

#[test]
fn commit_sync_blocks_the_next_poll_until_answered_commit_async_does_not() {
    // With the coordinator paused, commitSync waits (the member polls nothing more), while
    // commitAsync goes on reading.
    let mut read = Vec::new();
    for mode in [CommitMode::Sync, CommitMode::Async] {
        let (mut sim, mut checker) = setup(9, 1, 0);
        let c = join(&mut sim, "c", "g", ConsumerConfig { commit_mode: mode, processing_ms: 100, max_poll_records: 1, ..member_config() });
        run_checked(&mut sim, &mut checker, 5_000);
        let p = coordinator_partition("g", 10);
        let coordinator = leader(&sim, OFFSETS_TOPIC, p).unwrap();
        let producer = sim.add_producer("p", ProducerConfig { linger_ms: 0, ..ProducerConfig::default() }).unwrap();
        sim.apply(Fault::Pause(kafka_flightsim::sim::NodeId::Broker(coordinator))).unwrap();
        for i in 0..5 {
            sim.produce(
                producer,
                kafka_flightsim::sim::ProducerRecord { partition: Some(0), ..kafka_flightsim::sim::ProducerRecord::new("t", None, Some(&format!("r{i}"))) },
            )
            .unwrap();
        }
        sim.run_for(2_000);
        read.push(consumer(&sim, c).consumed.len());
        let _ = checker;
    }
    // The topic's leader may be the paused coordinator too; then neither reads. Otherwise sync
    // reads one record and waits, async reads all five.
    assert!(read[0] <= 1, "commitSync blocked after the first record: {read:?}");
    assert!(read[1] == 5 || read[1] == read[0], "commitAsync keeps polling: {read:?}");
}

fn join_topics(sim: &mut Sim, name: &str, group: &str, topics: &[&str], config: ConsumerConfig) -> ClientId {
    let c = sim.add_consumer(name, config).unwrap();
    sim.record_client_history(c, true);
    sim.subscribe(c, group, topics.iter().map(|t| t.to_string()).collect()).unwrap();
    c
}

fn set(items: &[&str]) -> BTreeSet<String> {
    items.iter().map(|s| s.to_string()).collect()
}

/// Regression: the eager `sticky` assignor was not sticky. EAGER members revoke everything before
/// JoinGroup, so their ownedPartitions are empty; Kafka's StickyAssignor carries the last
/// assignment and generation in its subscription userData instead (StickyAssignor.memberData).
/// consumer1 owns t-0..t-2; when consumer2 joins only t-2 moves.
#[test]
fn eager_sticky_assignor_keeps_the_previous_assignment_through_user_data() {
    let (mut sim, mut checker) = setup(11, 3, 0);
    let config = ConsumerConfig { assignors: vec![Assignor::Sticky], ..member_config() };
    let c1 = join(&mut sim, "consumer1", "g", config.clone());
    run_checked(&mut sim, &mut checker, 8_000);
    assert_eq!(assignment(&sim, c1), set(&["t-0", "t-1", "t-2"]));
    let c2 = join(&mut sim, "consumer2", "g", config);
    run_checked(&mut sim, &mut checker, 8_000);
    assert_eq!(assignment(&sim, c1), set(&["t-0", "t-1"]), "consumer1 keeps what it had, up to its quota");
    assert_eq!(assignment(&sim, c2), set(&["t-2"]), "only t-2 moves");
}

/// Regression: the leader assigned only the topics in its own metadata. Kafka's leader adds every
/// member's topics to its metadata before it assigns (ConsumerCoordinator.onLeaderElected ->
/// updateGroupSubscription, which waits for fresh metadata).
#[test]
fn the_leader_assigns_topics_only_other_members_subscribe_to() {
    let mut sim = fast_sim(12, 3);
    let mut checker = InvariantChecker::new();
    for t in ["a", "b"] {
        sim.create_topic(t, 2, 3, &cfg(&[("min.insync.replicas", "2")])).unwrap();
    }
    run_checked(&mut sim, &mut checker, 200);
    let leader_id = join_topics(&mut sim, "reads-a", "g", &["a"], member_config());
    run_checked(&mut sim, &mut checker, 500);
    let follower = join_topics(&mut sim, "reads-b", "g", &["b"], member_config());
    run_checked(&mut sim, &mut checker, 8_000);
    assert!(consumer(&sim, leader_id).group.as_ref().is_some_and(|g| g.leader), "the first member leads");
    assert_eq!(assignment(&sim, leader_id), set(&["a-0", "a-1"]));
    assert_eq!(assignment(&sim, follower), set(&["b-0", "b-1"]), "the follower's topic is assigned too");
}

/// Regression: partitions added to a subscribed topic never got an owner. Consumers refresh
/// metadata every metadata.max.age.ms (default 300000), and the leader rejoins when the
/// partition counts it assigned with changed (ConsumerCoordinator.rejoinNeededOrPending).
#[test]
fn added_partitions_get_owners_after_a_metadata_refresh() {
    let (mut sim, mut checker) = setup(13, 2, 0);
    assert_eq!(ConsumerConfig::default().metadata_max_age_ms, 300_000);
    let ids: Vec<ClientId> = (0..2).map(|i| join(&mut sim, &format!("c{i}"), "g", member_config())).collect();
    run_checked(&mut sim, &mut checker, 8_000);
    all_assigned_once(&sim, &ids, 2);
    let gen = generation(&sim, ids[0]);
    sim.add_partitions("t", 4).unwrap();
    run_checked(&mut sim, &mut checker, 250_000);
    assert_eq!(generation(&sim, ids[0]), gen, "nothing notices before metadata.max.age.ms");
    run_checked(&mut sim, &mut checker, 60_000);
    all_assigned_once(&sim, &ids, 4);
    assert!(generation(&sim, ids[0]) > gen);
}

/// The leader watches the partition counts of the whole group subscription, including topics
/// only a follower reads (metadata.max.age.ms set through the consumer properties).
#[test]
fn the_leader_notices_partitions_added_to_a_topic_only_a_follower_reads() {
    let mut sim = fast_sim(14, 3);
    let mut checker = InvariantChecker::new();
    for t in ["a", "b"] {
        sim.create_topic(t, 1, 3, &cfg(&[("min.insync.replicas", "2")])).unwrap();
    }
    run_checked(&mut sim, &mut checker, 200);
    let mut config = member_config();
    config.set("metadata.max.age.ms", "10000").unwrap();
    let leader_id = join_topics(&mut sim, "reads-a", "g", &["a"], config.clone());
    run_checked(&mut sim, &mut checker, 500);
    let follower = join_topics(&mut sim, "reads-b", "g", &["b"], config);
    run_checked(&mut sim, &mut checker, 8_000);
    assert_eq!(assignment(&sim, follower), set(&["b-0"]));
    sim.add_partitions("b", 3).unwrap();
    run_checked(&mut sim, &mut checker, 20_000);
    assert_eq!(assignment(&sim, leader_id), set(&["a-0"]));
    assert_eq!(assignment(&sim, follower), set(&["b-0", "b-1", "b-2"]));
}

/// A broker that has just restarted answers Metadata before its metadata image arrives (no
/// partitions, version 0). The consumer keeps the newer metadata it has instead of taking the
/// topic for gone: the leader neither rejoins nor assigns nothing.
#[test]
fn a_restarted_brokers_empty_metadata_does_not_empty_the_assignment() {
    let mut failed = Vec::new();
    for seed in 1..=20 {
        let (mut sim, mut checker) = setup(seed, 4, 0);
        let mut config = member_config();
        // Refresh often, and restart the brokers soon (short reconnect backoff), so that some
        // refresh reaches a broker before its image does (seed 4 does).
        config.set("metadata.max.age.ms", "20").unwrap();
        let c = join(&mut sim, "c", "g", config);
        run_checked(&mut sim, &mut checker, 8_000);
        assert_eq!(assignment(&sim, c).len(), 4);
        let gen = generation(&sim, c);
        for b in [1, 2, 3] {
            sim.apply(Fault::KillBroker(b)).unwrap();
        }
        run_checked(&mut sim, &mut checker, 100 + seed * 10);
        for b in [1, 2, 3] {
            sim.apply(Fault::StartBroker(b)).unwrap();
        }
        run_checked(&mut sim, &mut checker, 10_000);
        if assignment(&sim, c).len() != 4 || generation(&sim, c) != gen {
            failed.push(seed);
        }
    }
    assert!(failed.is_empty(), "seeds where the restart emptied or reshuffled the assignment: {failed:?}");
}

/// A group started in the same instant its topic is created: the consumers' first metadata
/// response may not know the topic yet. They ask again after retry.backoff.ms, as Kafka's
/// client does for UNKNOWN_TOPIC_OR_PARTITION (Metadata.handleMetadataResponse), so the group
/// shares the partitions within seconds. Before, seeds 3 and 31 to 33 left the group with an
/// empty assignment until metadata.max.age.ms (5 minutes).
#[test]
fn a_group_started_with_its_topic_gets_its_partitions_at_once() {
    use kafka_flightsim::session::Player;
    for seed in [3, 31, 32, 33, 1, 2] {
        let mut p = Player::new(kafka_flightsim::presets::find("empty").expect("preset"), seed).expect("builds");
        p.line("kafka-topics.sh --bootstrap-server localhost:9092 --create --topic clicks --partitions 6 --replication-factor 3");
        p.line("consumer start c1 --topic clicks --group coop --assignor cooperative-sticky");
        p.line("consumer start c2 --topic clicks --group coop --assignor cooperative-sticky");
        p.line("tick 8s");
        let view = p.shell().sim.view(1);
        let owned: usize = view.clients.iter().filter(|c| !c.is_producer).map(|c| c.positions.len()).sum();
        assert_eq!(owned, 6, "seed {seed} (replay: the script above): owned {owned} of 6");
    }
}
