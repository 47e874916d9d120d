//! The four client-side partition assignors, as Kafka's consumer implements them:
//! RangeAssignor, RoundRobinAssignor, StickyAssignor and CooperativeStickyAssignor
//! (apache/kafka clients/src/main/java/org/apache/kafka/clients/consumer/; rules and vectors in
//! ../shared/kafka-reference/assignors.json). The group leader runs one of them; it is pure.
use crate::vecmap::{VecMap, VecSet};
use std::cmp::Ordering;
use std::rc::Rc;

use super::coordinator::java_string_hash as java_hash;
use super::types::TopicPartition;

#[derive(Copy, Clone, PartialEq, Eq, Debug)]
pub enum Assignor {
    Range,
    RoundRobin,
    Sticky,
    CooperativeSticky,
}

impl Assignor {
    /// The names `partition.assignment.strategy` and the CLI print.
    pub fn name(self) -> &'static str {
        match self {
            Assignor::Range => "range",
            Assignor::RoundRobin => "roundrobin",
            Assignor::Sticky => "sticky",
            Assignor::CooperativeSticky => "cooperative-sticky",
        }
    }

    pub fn parse(s: &str) -> Option<Assignor> {
        Some(match s {
            "range" | "org.apache.kafka.clients.consumer.RangeAssignor" => Assignor::Range,
            "roundrobin" | "org.apache.kafka.clients.consumer.RoundRobinAssignor" => Assignor::RoundRobin,
            "sticky" | "org.apache.kafka.clients.consumer.StickyAssignor" => Assignor::Sticky,
            "cooperative-sticky" | "org.apache.kafka.clients.consumer.CooperativeStickyAssignor" => Assignor::CooperativeSticky,
            _ => return None,
        })
    }

    /// COOPERATIVE rebalancing (KIP-429) or EAGER.
    pub fn is_cooperative(self) -> bool {
        self == Assignor::CooperativeSticky
    }
}

/// One member's subscription as the group leader sees it.
#[derive(Clone, PartialEq, Eq, Debug, Default)]
pub struct Member {
    pub member_id: String,
    pub group_instance_id: Option<String>,
    pub topics: Vec<String>,
    /// The subscription's ownedPartitions: what the member still owns as it joins (empty for
    /// EAGER members, which revoke everything first). cooperative-sticky reads them.
    pub owned: Vec<TopicPartition>,
    /// The subscription's generationId (ConsumerProtocolSubscription v2+).
    pub generation: Option<i32>,
    /// The `sticky` protocol's userData (None when the member sent none).
    pub user_data: Option<UserData>,
}

/// The eager `sticky` assignor's subscription userData (StickyAssignor.subscriptionUserData,
/// schema STICKY_ASSIGNOR_USER_DATA_V1): the member's last assignment and the generation it
/// got it in, both remembered by StickyAssignor.onAssignment. EAGER members revoke everything
/// before JoinGroup, so their ownedPartitions are empty: this is what keeps `sticky` sticky
/// (StickyAssignor.memberData: "Always deserialize ownedPartitions and generation id from user
/// data since StickyAssignor is an eager rebalance protocol").
#[derive(Clone, PartialEq, Eq, Debug, Default)]
pub struct UserData {
    pub partitions: Vec<TopicPartition>,
    pub generation: Option<i32>,
}

#[derive(Clone, PartialEq, Eq, Debug, Default)]
pub struct Assignment {
    pub by_member: VecMap<String, Vec<TopicPartition>>,
    /// Partitions that move from one owner to another (AbstractStickyAssignor's
    /// partitionsTransferringOwnership); cooperative-sticky withholds them this round.
    pub transferring: VecMap<TopicPartition, String>,
}

const DEFAULT_GENERATION: i32 = -1;

fn tp(topic: &str, p: i32) -> TopicPartition {
    TopicPartition { topic: Rc::from(topic), partition: p }
}

/// AbstractPartitionAssignor.MemberInfo.compareTo: static members first, by instance id; then
/// by member id (String.compareTo: UTF-16 code units).
fn member_order(a: &Member, b: &Member) -> Ordering {
    let utf16 = |s: &str| s.encode_utf16().collect::<Vec<u16>>();
    match (&a.group_instance_id, &b.group_instance_id) {
        (Some(x), Some(y)) => utf16(x).cmp(&utf16(y)),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => utf16(&a.member_id).cmp(&utf16(&b.member_id)),
    }
}

pub fn assign(assignor: Assignor, partitions_per_topic: &VecMap<String, i32>, members: &[Member]) -> Assignment {
    let mut out = match assignor {
        Assignor::Range => Assignment { by_member: range(partitions_per_topic, members), ..Default::default() },
        Assignor::RoundRobin => Assignment { by_member: round_robin(partitions_per_topic, members), ..Default::default() },
        Assignor::Sticky | Assignor::CooperativeSticky => sticky(assignor, partitions_per_topic, members),
    };
    if assignor == Assignor::CooperativeSticky {
        // CooperativeStickyAssignor.adjustAssignment: a partition that changes owner is first
        // revoked by its old owner; it is handed out in the follow-up rebalance.
        for (p, _) in out.transferring.iter() {
            for list in out.by_member.values_mut() {
                list.retain(|x| x != p);
            }
        }
    }
    for m in members {
        out.by_member.entry(m.member_id.clone()).or_default();
    }
    out
}

/// RangeAssignor: per topic, numeric partitions over the sorted subscribers; the first
/// `P mod C` members get one extra.
fn range(ppt: &VecMap<String, i32>, members: &[Member]) -> VecMap<String, Vec<TopicPartition>> {
    let mut out: VecMap<String, Vec<TopicPartition>> = members.iter().map(|m| (m.member_id.clone(), Vec::new())).collect::<VecMap<_, _>>();
    for (topic, &n) in ppt {
        let mut subs: Vec<&Member> = members.iter().filter(|m| m.topics.contains(topic)).collect();
        if subs.is_empty() {
            continue;
        }
        crate::sort::sort_by(&mut subs, |a, b| member_order(a, b));
        let c = subs.len() as i32;
        let (per, extra) = (n / c, n % c);
        let mut next = 0;
        for (i, m) in subs.iter().enumerate() {
            let count = per + i32::from((i as i32) < extra);
            out.get_mut(&m.member_id).expect("listed").extend((next..next + count).map(|p| tp(topic, p)));
            next += count;
        }
    }
    out
}

/// RoundRobinAssignor: every partition of every subscribed topic (topics sorted), dealt
/// around the sorted members; members not subscribed to a partition's topic are skipped.
fn round_robin(ppt: &VecMap<String, i32>, members: &[Member]) -> VecMap<String, Vec<TopicPartition>> {
    let mut out: VecMap<String, Vec<TopicPartition>> = members.iter().map(|m| (m.member_id.clone(), Vec::new())).collect::<VecMap<_, _>>();
    let mut sorted: Vec<&Member> = members.iter().collect();
    crate::sort::sort_by(&mut sorted, |a, b| member_order(a, b));
    let topics: VecSet<&String> = members.iter().flat_map(|m| m.topics.iter()).filter(|t| ppt.contains_key(*t)).collect::<VecSet<_>>();
    let mut cursor = 0usize;
    for topic in topics {
        for p in 0..ppt[topic] {
            for _ in 0..sorted.len() {
                let m = sorted[cursor % sorted.len()];
                cursor += 1;
                if m.topics.contains(topic) {
                    out.get_mut(&m.member_id).expect("listed").push(tp(topic, p));
                    break;
                }
            }
        }
    }
    out
}

/// The order a `java.util.HashMap<String, _>` holding these keys iterates them: by bucket
/// `(h ^ h >>> 16) & (capacity - 1)`, insertion order within a bucket; the capacity doubles
/// from 16 while size > 0.75 * capacity. Kafka's sticky assignor walks members in this order
/// when it keeps owned partitions, so reproducing it reproduces Kafka's choices.
fn java_hashmap_order(keys: &[String]) -> Vec<String> {
    let mut capacity = 16usize;
    while keys.len() * 4 > capacity * 3 {
        capacity *= 2;
    }
    let mut indexed: Vec<(usize, usize, &String)> = keys
        .iter()
        .enumerate()
        .map(|(i, k)| {
            let h = java_hash(k);
            let spread = (h ^ ((h as u32) >> 16) as i32) as u32 as usize;
            (spread & (capacity - 1), i, k)
        })
        .collect();
    crate::sort::sort(&mut indexed);
    indexed.into_iter().map(|(_, _, k)| k.clone()).collect()
}

/// AbstractStickyAssignor.memberData, per assignor: the partitions a member claims and the
/// generation it claims them in. StickyAssignor reads its userData only (nothing without one);
/// CooperativeStickyAssignor the subscription's ownedPartitions and generationId.
fn member_data(assignor: Assignor, m: &Member) -> (Vec<TopicPartition>, Option<i32>) {
    match assignor {
        Assignor::Sticky => match &m.user_data {
            None => (Vec::new(), None),
            Some(u) => {
                // serializeTopicPartitionAssignment groups the partitions by topic through a
                // HashMap (CollectionUtils.groupPartitionsByTopic); they come back topic by topic
                // in that map's order, in list order within a topic.
                let mut topics: Vec<String> = Vec::new();
                for p in &u.partitions {
                    if !topics.iter().any(|t| **t == *p.topic) {
                        topics.push(p.topic.to_string());
                    }
                }
                let partitions = java_hashmap_order(&topics).iter().flat_map(|t| u.partitions.iter().filter(move |p| *p.topic == **t).cloned()).collect();
                (partitions, u.generation)
            }
        },
        _ => (m.owned.clone(), m.generation),
    }
}

fn sticky(assignor: Assignor, all: &VecMap<String, i32>, members: &[Member]) -> Assignment {
    // AbstractPartitionAssignor hands the assignor only topics some member subscribes to.
    let subscribed_topics: VecMap<String, i32> =
        all.iter().filter(|(t, _)| members.iter().any(|m| m.topics.contains(t))).map(|(t, n)| (t.clone(), *n)).collect::<VecMap<_, _>>();
    let ppt = &subscribed_topics;
    // Members in the subscription map's own (HashMap) order.
    let ids: Vec<String> = members.iter().map(|m| m.member_id.clone()).collect();
    let order = java_hashmap_order(&ids);
    let by_id: VecMap<&str, &Member> = members.iter().map(|m| (m.member_id.as_str(), m)).collect::<VecMap<_, _>>();
    let all_topics: VecSet<&str> = ppt.keys().map(String::as_str).collect::<VecSet<_>>();

    // AbstractStickyAssignor.allSubscriptionsEqual: collect owned partitions, resolving
    // conflicting claims by generation (same generation: nobody keeps it). A claim's own
    // generation comes from memberData; the earlier claimant's from its subscription's
    // generationId field (`subscriptions.get(otherConsumer).generationId()`), as Kafka reads it.
    let mut owned: VecMap<String, Vec<TopicPartition>> = VecMap::new();
    let mut prev_owner: VecMap<TopicPartition, String> = VecMap::new();
    let mut multiple_owners: VecSet<TopicPartition> = VecSet::new();
    let mut all_equal = true;
    let first_topics: Option<VecSet<&String>> = order.first().map(|id| by_id[id.as_str()].topics.iter().collect::<VecSet<_>>());
    for id in &order {
        let m = by_id[id.as_str()];
        let topics: VecSet<&String> = m.topics.iter().collect::<VecSet<_>>();
        if first_topics.as_ref().is_some_and(|f| *f != topics) {
            all_equal = false;
        }
        let (claimed, claimed_gen) = member_data(assignor, m);
        let gen = claimed_gen.unwrap_or(DEFAULT_GENERATION);
        owned.insert(id.clone(), Vec::new());
        for p in &claimed {
            let valid_partition = all_topics.contains(&*p.topic) && p.partition >= 0 && p.partition < ppt[&*p.topic];
            if !valid_partition {
                continue;
            }
            match prev_owner.insert(p.clone(), id.clone()) {
                None => owned.get_mut(id).expect("inserted").push(p.clone()),
                Some(other) => {
                    let other_gen = by_id[other.as_str()].generation.unwrap_or(DEFAULT_GENERATION);
                    match gen.cmp(&other_gen) {
                        Ordering::Equal => {
                            multiple_owners.insert(p.clone());
                            owned.get_mut(&other).expect("seen").retain(|x| x != p);
                        }
                        Ordering::Greater => {
                            owned.get_mut(&other).expect("seen").retain(|x| x != p);
                            owned.get_mut(id).expect("inserted").push(p.clone());
                        }
                        Ordering::Less => {
                            prev_owner.insert(p.clone(), other);
                        }
                    }
                }
            }
        }
    }
    if all_equal {
        constrained(ppt, &order, owned, &multiple_owners)
    } else {
        general(ppt, members, owned, &prev_owner, &multiple_owners)
    }
}

/// ConstrainedAssignmentBuilder (all members subscribe to the same topics).
fn constrained(
    ppt: &VecMap<String, i32>,
    order: &[String],
    mut owned: VecMap<String, Vec<TopicPartition>>,
    multiple_owners: &VecSet<TopicPartition>,
) -> Assignment {
    let n_members = order.len();
    let total: i32 = ppt.values().sum();
    let mut out = Assignment::default();
    if n_members == 0 {
        return out;
    }
    let min_quota = total as usize / n_members;
    let max_quota = (total as usize).div_ceil(n_members);
    let expected_over_min = total as usize % n_members;
    let mut over_min = 0usize;
    let mut revoked: VecSet<TopicPartition> = VecSet::new();
    let mut under_min: Vec<String> = Vec::new();
    let mut exactly_min: std::collections::VecDeque<String> = std::collections::VecDeque::new();
    let mut assignment: VecMap<String, Vec<TopicPartition>> = VecMap::new();
    let mut assigned: VecSet<TopicPartition> = VecSet::new();
    for id in order {
        let mut mine = owned.remove(id).unwrap_or_default();
        mine.retain(|p| !multiple_owners.contains(p));
        // Owned partitions are considered by partition number, then topic.
        crate::sort::sort_by(&mut mine, |a, b| (a.partition, &a.topic).cmp(&(b.partition, &b.topic)));
        let list = assignment.entry(id.clone()).or_default();
        if mine.len() < min_quota {
            list.extend(mine.iter().cloned());
            assigned.extend(mine);
            under_min.push(id.clone());
        } else if mine.len() >= max_quota && over_min < expected_over_min {
            over_min += 1;
            if over_min == expected_over_min {
                exactly_min.clear();
            }
            list.extend(mine[..max_quota].iter().cloned());
            assigned.extend(mine[..max_quota].iter().cloned());
            revoked.extend(mine[max_quota..].iter().cloned());
        } else {
            list.extend(mine[..min_quota].iter().cloned());
            assigned.extend(mine[..min_quota].iter().cloned());
            revoked.extend(mine[min_quota..].iter().cloned());
            if over_min < expected_over_min {
                exactly_min.push_back(id.clone());
            }
        }
    }
    let unassigned: Vec<TopicPartition> = ppt.iter().flat_map(|(t, &n)| (0..n).map(move |p| tp(t, p))).filter(|p| !assigned.contains(p)).collect();
    // Both waiting lists are sorted by member id before the round robin
    // (ConstrainedAssignmentBuilder.assignNewPartitionsRoundRobin).
    crate::sort::sort_by(&mut under_min, |a, b| a.encode_utf16().cmp(b.encode_utf16()));
    crate::sort::sort_by(exactly_min.make_contiguous(), |a, b| a.encode_utf16().cmp(b.encode_utf16()));
    let mut cursor = 0usize;
    for p in unassigned {
        let member = if cursor < under_min.len() {
            cursor += 1;
            under_min[cursor - 1].clone()
        } else if !under_min.is_empty() {
            cursor = 1;
            under_min[0].clone()
        } else if let Some(m) = exactly_min.pop_front() {
            m
        } else {
            // Kafka throws IllegalStateException here; quotas make it unreachable.
            break;
        };
        let list = assignment.get_mut(&member).expect("every member has a list");
        list.push(p.clone());
        if revoked.contains(&p) || multiple_owners.contains(&p) {
            out.transferring.insert(p.clone(), member.clone());
        }
        let count = list.len();
        // (Kafka also counts members reaching maxQuota here, only to log an inconsistency.)
        if count == min_quota && cursor > 0 && under_min.get(cursor - 1) == Some(&member) {
            cursor -= 1;
            under_min.remove(cursor);
            exactly_min.push_back(member);
        }
    }
    out.by_member = assignment;
    out
}

/// GeneralAssignmentBuilder (members subscribe to different topics): keep valid owned
/// partitions, give the rest out one by one (partitions with the fewest possible owners first)
/// to the eligible member with the fewest partitions, then move partitions while that
/// narrows the gap between an eligible member with more and one with fewer by two or more.
fn general(
    ppt: &VecMap<String, i32>,
    members: &[Member],
    owned: VecMap<String, Vec<TopicPartition>>,
    prev_owner: &VecMap<TopicPartition, String>,
    multiple_owners: &VecSet<TopicPartition>,
) -> Assignment {
    let subscribed = |id: &str, t: &str| members.iter().any(|m| m.member_id == id && m.topics.iter().any(|x| x == t));
    let mut assignment: VecMap<String, Vec<TopicPartition>> = members.iter().map(|m| (m.member_id.clone(), Vec::new())).collect::<VecMap<_, _>>();
    let mut taken: VecSet<TopicPartition> = VecSet::new();
    for (id, list) in &owned {
        for p in list {
            if subscribed(id, &p.topic) && !multiple_owners.contains(p) {
                assignment.get_mut(id).expect("member").push(p.clone());
                taken.insert(p.clone());
            }
        }
    }
    let potential = |t: &str| members.iter().filter(|m| m.topics.iter().any(|x| x == t)).count();
    let mut unassigned: Vec<TopicPartition> =
        ppt.iter().flat_map(|(t, &n)| (0..n).map(move |p| tp(t, p))).filter(|p| !taken.contains(p) && potential(&p.topic) > 0).collect();
    crate::sort::sort_by(&mut unassigned, |a, b| (potential(&a.topic), &a.topic, a.partition).cmp(&(potential(&b.topic), &b.topic, b.partition)));
    let mut out = Assignment::default();
    for p in unassigned {
        let Some(id) = assignment.iter().filter(|(id, _)| subscribed(id, &p.topic)).min_by_key(|(id, l)| (l.len(), (*id).clone())).map(|(id, _)| id.clone())
        else {
            continue;
        };
        if prev_owner.get(&p).is_some_and(|o| *o != id) || multiple_owners.contains(&p) {
            out.transferring.insert(p.clone(), id.clone());
        }
        assignment.get_mut(&id).expect("member").push(p);
    }
    // Balance: move a partition from the most to the least loaded eligible member.
    for _ in 0..10_000 {
        let mut moved = false;
        let ids: Vec<String> = assignment.keys().cloned().collect();
        'search: for from in &ids {
            for to in &ids {
                if assignment[from].len() < assignment[to].len() + 2 {
                    continue;
                }
                if let Some(i) = assignment[from].iter().rposition(|p| subscribed(to, &p.topic)) {
                    let p = assignment.get_mut(from).expect("member").remove(i);
                    out.transferring.insert(p.clone(), to.clone());
                    assignment.get_mut(to).expect("member").push(p);
                    moved = true;
                    break 'search;
                }
            }
        }
        if !moved {
            break;
        }
    }
    out.by_member = assignment;
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn java_hashmap_order_matches_the_reference_note() {
        // assignors.json: for consumer1..consumer4 the order is consumer4, consumer3,
        // consumer2, consumer1 (bucket indices 9, 10, 11, 12).
        let keys: Vec<String> = (1..=4).map(|i| format!("consumer{i}")).collect();
        assert_eq!(java_hashmap_order(&keys), vec!["consumer4", "consumer3", "consumer2", "consumer1"]);
        assert_eq!(java_hash("consumer1"), "consumer1".chars().fold(0i32, |h, c| h.wrapping_mul(31).wrapping_add(c as i32)));
    }

    fn member(id: &str, owned: &[i32], generation: i32, user_data: Option<(&[i32], i32)>) -> Member {
        Member {
            member_id: id.into(),
            topics: vec!["t".into()],
            owned: owned.iter().map(|p| tp("t", *p)).collect(),
            generation: Some(generation),
            user_data: user_data.map(|(ps, g)| UserData { partitions: ps.iter().map(|p| tp("t", *p)).collect(), generation: Some(g) }),
            ..Member::default()
        }
    }

    fn names(a: &Assignment, id: &str) -> Vec<String> {
        a.by_member[id].iter().map(|p| p.to_string()).collect()
    }

    #[test]
    fn sticky_reads_its_user_data_and_cooperative_sticky_the_owned_partitions() {
        let ppt: VecMap<String, i32> = [("t".to_string(), 3)].into_iter().collect();
        // An EAGER member revoked everything before joining: nothing owned, all in its userData.
        let eager = [member("consumer1", &[], 1, Some((&[0, 1, 2], 1))), member("consumer2", &[], -1, None)];
        let a = assign(Assignor::Sticky, &ppt, &eager);
        assert_eq!((names(&a, "consumer1"), names(&a, "consumer2")), (vec!["t-0".into(), "t-1".into()], vec!["t-2".to_string()]));
        // cooperative-sticky ignores userData: with nothing owned it starts afresh.
        let a = assign(Assignor::CooperativeSticky, &ppt, &eager);
        assert_eq!((names(&a, "consumer1"), names(&a, "consumer2")), (vec!["t-0".into(), "t-2".into()], vec!["t-1".to_string()]));
        let cooperative = [member("consumer1", &[0, 1, 2], 1, None), member("consumer2", &[], -1, None)];
        let a = assign(Assignor::CooperativeSticky, &ppt, &cooperative);
        assert_eq!((names(&a, "consumer1"), names(&a, "consumer2")), (vec!["t-0".into(), "t-1".into()], vec![]), "t-2 is revoked first");
    }

    #[test]
    fn a_stale_user_data_claim_loses_to_a_newer_generation() {
        let ppt: VecMap<String, i32> = [("t".to_string(), 2)].into_iter().collect();
        // consumer2 still remembers t-0 from generation 1 (it was dropped and rejoined with its
        // generation reset); consumer1 got t-0 in generation 2.
        for order in [[0, 1], [1, 0]] {
            let both = [member("consumer1", &[], 2, Some((&[0], 2))), member("consumer2", &[], -1, Some((&[0, 1], 1)))];
            let ms: Vec<Member> = order.iter().map(|i| both[*i].clone()).collect();
            let a = assign(Assignor::Sticky, &ppt, &ms);
            assert_eq!(names(&a, "consumer1"), vec!["t-0".to_string()], "order {order:?}");
            assert_eq!(names(&a, "consumer2"), vec!["t-1".to_string()], "order {order:?}");
        }
    }
}
