//! Properties of the assignors over random groups and subscriptions (seeded; a failure prints
//! the seed): every subscribed partition is assigned exactly once (cooperative-sticky: at most
//! once, and only the partitions it withholds are missing), balance within one where the
//! assignor promises it, and sticky assignors keep what members had when one member leaves.
use kafka_flightsim::vecmap::{VecMap, VecSet};

use kafka_flightsim::sim::assignor::{assign, Assignor, Member, UserData};
use kafka_flightsim::sim::TopicPartition;
use rand_chacha::ChaCha8Rng;
use rand_core::{RngCore, SeedableRng};

const CASES: u64 = 1_500;

fn random_group(rng: &mut ChaCha8Rng, equal: bool) -> (VecMap<String, i32>, Vec<Member>) {
    let n_topics = 1 + rng.next_u32() % 4;
    let ppt: VecMap<String, i32> = (0..n_topics).map(|t| (format!("t{t}"), 1 + (rng.next_u32() % 8) as i32)).collect();
    let topics: Vec<String> = ppt.keys().cloned().collect();
    let n_members = 1 + rng.next_u32() % 7;
    let members = (0..n_members)
        .map(|i| {
            let subs = if equal { topics.clone() } else { topics.iter().filter(|_| rng.next_u32().is_multiple_of(2)).cloned().collect() };
            let static_id = rng.next_u32().is_multiple_of(3).then(|| format!("instance-{}", rng.next_u32() % 100));
            Member { member_id: format!("member-{}", rng.next_u32() % 1000 + i * 1000), group_instance_id: static_id, topics: subs, ..Member::default() }
        })
        .collect();
    (ppt, members)
}

fn subscribed_partitions(ppt: &VecMap<String, i32>, members: &[Member]) -> VecSet<TopicPartition> {
    ppt.iter().filter(|(t, _)| members.iter().any(|m| m.topics.contains(t))).flat_map(|(t, &n)| (0..n).map(move |p| TopicPartition::new(t, p))).collect()
}

fn check_coverage(seed: u64, assignor: Assignor, ppt: &VecMap<String, i32>, members: &[Member]) -> VecMap<String, Vec<TopicPartition>> {
    let a = assign(assignor, ppt, members);
    let mut seen = VecSet::new();
    for (m, list) in &a.by_member {
        let member = members.iter().find(|x| &x.member_id == m).unwrap_or_else(|| panic!("seed {seed}: unknown member {m}"));
        for p in list {
            assert!(seen.insert(p.clone()), "seed {seed} {}: {p} assigned twice", assignor.name());
            assert!(member.topics.iter().any(|t| *t == *p.topic), "seed {seed} {}: {m} got {p} without subscribing", assignor.name());
        }
    }
    let expected = subscribed_partitions(ppt, members);
    let missing: VecSet<_> = expected.difference(&seen).cloned().collect();
    if assignor.is_cooperative() {
        let withheld: VecSet<_> = a.transferring.keys().cloned().collect();
        assert_eq!(missing, withheld, "seed {seed}: cooperative-sticky may only leave out partitions it withholds");
    } else {
        assert!(missing.is_empty(), "seed {seed} {}: unassigned {missing:?}", assignor.name());
    }
    a.by_member
}

fn spread(a: &VecMap<String, Vec<TopicPartition>>) -> usize {
    let sizes: Vec<usize> = a.values().map(Vec::len).collect();
    sizes.iter().max().unwrap_or(&0) - sizes.iter().min().unwrap_or(&0)
}

#[test]
fn every_subscribed_partition_is_assigned_exactly_once() {
    for seed in 0..CASES {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let (ppt, members) = random_group(&mut rng, seed % 2 == 0);
        for a in [Assignor::Range, Assignor::RoundRobin, Assignor::Sticky, Assignor::CooperativeSticky] {
            check_coverage(seed, a, &ppt, &members);
        }
    }
}

#[test]
fn balanced_within_one_with_equal_subscriptions() {
    // RoundRobin and the sticky assignors promise this when everyone subscribes to the same
    // topics; Range balances per topic only.
    for seed in 0..CASES {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let (ppt, members) = random_group(&mut rng, true);
        for a in [Assignor::RoundRobin, Assignor::Sticky] {
            let got = check_coverage(seed, a, &ppt, &members);
            assert!(spread(&got) <= 1, "seed {seed} {}: spread {} in {got:?}", a.name(), spread(&got));
        }
        for (t, &n) in &ppt {
            let got = assign(Assignor::Range, &ppt, &members).by_member;
            let per: Vec<usize> = got.values().map(|l| l.iter().filter(|p| *p.topic == **t).count()).collect();
            assert!(per.iter().max().unwrap() - per.iter().min().unwrap() <= 1, "seed {seed} range: topic {t} ({n}) split {per:?}");
        }
    }
}

#[test]
fn sticky_keeps_partitions_when_a_member_leaves() {
    for seed in 0..CASES {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let (ppt, members) = random_group(&mut rng, true);
        if members.len() < 2 {
            continue;
        }
        for a in [Assignor::Sticky, Assignor::CooperativeSticky] {
            let first = assign(a, &ppt, &members).by_member;
            let leaving = (rng.next_u32() as usize) % members.len();
            let rest: Vec<Member> = members
                .iter()
                .enumerate()
                .filter(|(i, _)| *i != leaving)
                .map(|(_, m)| {
                    // cooperative-sticky reads ownedPartitions, sticky (EAGER) its userData.
                    let had = first[&m.member_id].clone();
                    let user_data = Some(UserData { partitions: had.clone(), generation: Some(1) });
                    Member { owned: had, generation: Some(1), user_data, ..m.clone() }
                })
                .collect();
            let second = check_coverage(seed, a, &ppt, &rest);
            for m in &rest {
                let kept: VecSet<_> = second[&m.member_id].iter().collect();
                assert!(m.owned.iter().all(|p| kept.contains(p)), "seed {seed} {}: {} lost {:?} -> {:?}", a.name(), m.member_id, m.owned, second[&m.member_id]);
            }
            assert!(spread(&second) <= 1, "seed {seed} {}: unbalanced after a leave", a.name());
        }
    }
}
