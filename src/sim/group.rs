//! The classic group coordinator, on the broker that leads the group's `__consumer_offsets`
//! partition (apache/kafka group-coordinator/.../classic/ClassicGroup.java and the 3.x
//! kafka.coordinator.group.GroupCoordinator). Group states and transitions follow
//! ClassicGroupState (semantics.md); commits are records in `__consumer_offsets`, answered
//! once replicated, and a new coordinator rebuilds its groups from that log.
use crate::vecmap::{VecMap, VecSet};
use std::fmt;
use std::rc::Rc;

use rand_core::RngCore;

use super::assignor::{Assignor, Member, UserData};
use super::broker::{Broker, DelayedProduce, DelayedResult, Reply};
use super::coordinator::{coordinator_partition, OFFSETS_TOPIC};
use super::error::KafkaError;
use super::message::{JoinRequest, JoinResult, Payload, PendingRecord, ProduceBatch};
use super::out::{Ctx, Timer};
use super::trace::TraceEvent;
use super::types::{Millis, NodeId, TopicPartition};

/// group.initial.rebalance.delay.ms (default 3000): an empty group waits for more members.
pub const INITIAL_REBALANCE_DELAY_MS: Millis = 3_000;

#[derive(Copy, Clone, PartialEq, Eq, Debug)]
pub enum GroupState {
    Empty,
    PreparingRebalance,
    CompletingRebalance,
    Stable,
    Dead,
}

impl fmt::Display for GroupState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            GroupState::Empty => "Empty",
            GroupState::PreparingRebalance => "PreparingRebalance",
            GroupState::CompletingRebalance => "CompletingRebalance",
            GroupState::Stable => "Stable",
            GroupState::Dead => "Dead",
        })
    }
}

#[derive(Clone, PartialEq, Eq, Debug)]
pub struct GroupMember {
    pub member_id: String,
    pub client_id: Rc<str>,
    pub client: NodeId,
    pub group_instance_id: Option<String>,
    pub protocols: Vec<Assignor>,
    pub topics: Vec<String>,
    pub owned: Vec<TopicPartition>,
    pub member_generation: i32,
    /// The `sticky` protocol's userData from the member's last JoinGroup.
    pub user_data: Option<UserData>,
    pub session_timeout_ms: u64,
    pub rebalance_timeout_ms: u64,
    pub last_heartbeat_ms: Millis,
    pub pending_join: Option<u64>,
    pub pending_sync: Option<u64>,
    pub assignment: Vec<TopicPartition>,
    /// Join order: the first member to join becomes the leader.
    pub joined_seq: u64,
}

#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Group {
    pub id: Rc<str>,
    pub state: GroupState,
    pub generation: i32,
    pub protocol: Option<Assignor>,
    pub leader: Option<String>,
    pub members: VecMap<String, GroupMember>,
    pub committed: VecMap<TopicPartition, i64>,
    /// Member ids handed out with MEMBER_ID_REQUIRED, not yet joined (KIP-394).
    pending_member_ids: VecSet<String>,
    join_deadline: Millis,
    next_join_seq: u64,
}

impl Group {
    pub(crate) fn empty(id: Rc<str>) -> Group {
        Group::new(id)
    }

    fn new(id: Rc<str>) -> Group {
        Group {
            id,
            state: GroupState::Empty,
            generation: 0,
            protocol: None,
            leader: None,
            members: VecMap::new(),
            committed: VecMap::new(),
            pending_member_ids: VecSet::new(),
            join_deadline: 0,
            next_join_seq: 0,
        }
    }
}

fn esc(s: &str) -> String {
    s.replace('%', "%25").replace('|', "%7C").replace(';', "%3B").replace(',', "%2C")
}

fn unesc(s: &str) -> String {
    s.replace("%2C", ",").replace("%3B", ";").replace("%7C", "|").replace("%25", "%")
}

/// The `__consumer_offsets` records of a commit: key `offset|group|topic|partition`, value the
/// offset (GroupMetadataManager's offset commit record, in text).
pub(crate) fn offset_records(group: &str, offsets: &[(TopicPartition, i64)], now: Millis) -> Vec<PendingRecord> {
    offsets
        .iter()
        .map(|(p, o)| PendingRecord {
            key: Some(Rc::from(format!("offset|{}|{}|{}", esc(group), p.topic, p.partition))),
            value: Some(Rc::from(o.to_string())),
            headers: Rc::from(Vec::new()),
            timestamp_ms: now as i64,
        })
        .collect()
}

fn tps(list: &[TopicPartition]) -> String {
    list.iter().map(|p| format!("{}:{}", p.topic, p.partition)).collect::<Vec<_>>().join("+")
}

fn parse_tps(s: &str) -> Vec<TopicPartition> {
    s.split('+').filter_map(|x| x.rsplit_once(':')).filter_map(|(t, p)| p.parse().ok().map(|p| TopicPartition::new(t, p))).collect()
}

impl Broker {
    fn offsets_partition_count(&self) -> i32 {
        self.metadata.keys().filter(|tp| &*tp.topic == OFFSETS_TOPIC).count() as i32
    }

    fn coordinator_tp(&self, group: &str) -> Option<TopicPartition> {
        let n = self.offsets_partition_count();
        (n > 0).then(|| TopicPartition::new(OFFSETS_TOPIC, coordinator_partition(group, n)))
    }

    /// NOT_COORDINATOR unless this broker leads the group's offsets partition.
    fn check_coordinator(&self, group: &str) -> Result<TopicPartition, KafkaError> {
        let tp = self.coordinator_tp(group).ok_or(KafkaError::CoordinatorNotAvailable)?;
        match self.replicas.get(&tp) {
            Some(r) if r.is_leader() => Ok(tp),
            _ => Err(KafkaError::NotCoordinator),
        }
    }

    pub(crate) fn on_find_coordinator(&mut self, ctx: &mut Ctx, from: NodeId, req_id: u64, group: &str) {
        let result = match self.coordinator_tp(group) {
            None => {
                // The first FindCoordinator creates the offsets topic.
                ctx.send(NodeId::Controller, Payload::AutoCreateTopic { topic: Rc::from(OFFSETS_TOPIC) });
                Err(KafkaError::CoordinatorNotAvailable)
            }
            Some(tp) => self.metadata.get(&tp).and_then(|(st, _)| st.leader).ok_or(KafkaError::CoordinatorNotAvailable),
        };
        ctx.send(from, Payload::FindCoordinatorResponse { req_id, result });
    }

    fn group_mut(&mut self, group: &str) -> &mut Group {
        let key: Rc<str> = Rc::from(group);
        self.groups.entry(key.clone()).or_insert_with(|| Group::new(key))
    }

    pub(crate) fn on_join_group(&mut self, ctx: &mut Ctx, from: NodeId, req_id: u64, j: JoinRequest) {
        let reply = |ctx: &mut Ctx, r: Result<JoinResult, (KafkaError, Option<String>)>| ctx.send(from, Payload::JoinGroupResponse { req_id, result: r });
        if let Err(e) = self.check_coordinator(&j.group) {
            return reply(ctx, Err((e, None)));
        }
        let now = ctx.now;
        let g = self.group_mut(&j.group);
        // The group needs one protocol every member supports.
        if !g.members.is_empty() && !g.members.values().all(|m| m.protocols.iter().any(|p| j.protocols.contains(p))) {
            return reply(ctx, Err((KafkaError::InconsistentGroupProtocol, None)));
        }
        let new_member = |id: String| GroupMember {
            member_id: id,
            client_id: j.client_id.clone(),
            client: from,
            group_instance_id: j.group_instance_id.clone(),
            protocols: j.protocols.clone(),
            topics: j.topics.clone(),
            owned: j.owned.clone(),
            member_generation: j.generation,
            user_data: j.user_data.clone(),
            session_timeout_ms: j.session_timeout_ms,
            rebalance_timeout_ms: j.rebalance_timeout_ms,
            last_heartbeat_ms: now,
            pending_join: Some(req_id),
            pending_sync: None,
            assignment: Vec::new(),
            joined_seq: 0,
        };
        let fresh_id = |ctx: &mut Ctx| format!("{}-{:08x}{:08x}", j.client_id, ctx.rng.next_u32(), ctx.rng.next_u32());
        if j.member_id.is_empty() {
            let Some(instance) = j.group_instance_id.clone() else {
                // KIP-394: a new dynamic member gets its id first, then joins with it.
                let id = fresh_id(ctx);
                self.group_mut(&j.group).pending_member_ids.insert(id.clone());
                return reply(ctx, Err((KafkaError::MemberIdRequired, Some(id))));
            };
            let id = fresh_id(ctx);
            let g = self.group_mut(&j.group);
            let old = g.members.values().find(|m| m.group_instance_id.as_deref() == Some(instance.as_str())).map(|m| m.member_id.clone());
            if let Some(old) = old {
                // KIP-345: a static member coming back replaces its old member id; with the
                // same subscription in a stable group it gets its assignment without a rebalance.
                let mut m = g.members.remove(&old).expect("found");
                let unchanged = m.topics == j.topics;
                let assignment = m.assignment.clone();
                m = GroupMember { assignment, ..new_member(id.clone()) };
                if g.leader.as_deref() == Some(old.as_str()) {
                    g.leader = Some(id.clone());
                }
                g.members.insert(id.clone(), m);
                ctx.trace(TraceEvent::GroupMemberReplaced { group: g.id.clone(), instance: instance.clone(), member: id.clone() });
                if g.state == GroupState::Stable && unchanged {
                    let is_leader = g.leader.as_deref() == Some(id.as_str());
                    let result = JoinResult {
                        generation: g.generation,
                        protocol: g.protocol.unwrap_or(Assignor::Range),
                        leader: g.leader.clone().unwrap_or_default(),
                        member_id: id.clone(),
                        members: if is_leader { members_of(g) } else { Vec::new() },
                    };
                    g.members.get_mut(&id).expect("inserted").pending_join = None;
                    reply(ctx, Ok(result));
                    let (group, session) = (g.id.clone(), j.session_timeout_ms);
                    ctx.set_timer(session, Timer::MemberSession { group, member: id });
                    return;
                }
            } else {
                g.next_join_seq += 1;
                let seq = g.next_join_seq;
                g.members.insert(id.clone(), GroupMember { joined_seq: seq, ..new_member(id.clone()) });
                ctx.trace(TraceEvent::GroupMemberJoined { group: g.id.clone(), member: id.clone() });
            }
            self.prepare_rebalance(ctx, &j.group, "a static member joined");
            return self.try_complete_join(ctx, &j.group);
        }
        let g = self.group_mut(&j.group);
        if !g.members.contains_key(&j.member_id) {
            if g.pending_member_ids.remove(&j.member_id) {
                g.next_join_seq += 1;
                let seq = g.next_join_seq;
                g.members.insert(j.member_id.clone(), GroupMember { joined_seq: seq, ..new_member(j.member_id.clone()) });
                ctx.trace(TraceEvent::GroupMemberJoined { group: g.id.clone(), member: j.member_id.clone() });
                self.prepare_rebalance(ctx, &j.group, "a new member joined");
                return self.try_complete_join(ctx, &j.group);
            }
            return reply(ctx, Err((KafkaError::UnknownMemberId, None)));
        }
        let m = g.members.get_mut(&j.member_id).expect("checked");
        // member.matches(protocols) compares the whole subscription, owned partitions and
        // userData included (a cooperative member that gave some up must trigger the follow-up
        // rebalance).
        let sorted = |v: &[TopicPartition]| {
            let mut v = v.to_vec();
            crate::sort::sort(&mut v);
            v
        };
        let changed = m.topics != j.topics || m.protocols != j.protocols || sorted(&m.owned) != sorted(&j.owned) || m.user_data != j.user_data;
        m.topics = j.topics.clone();
        m.protocols = j.protocols.clone();
        m.owned = j.owned.clone();
        m.user_data = j.user_data.clone();
        m.member_generation = j.generation;
        m.client = from;
        m.pending_join = Some(req_id);
        m.last_heartbeat_ms = now;
        let is_leader = g.leader.as_deref() == Some(j.member_id.as_str());
        match g.state {
            GroupState::Stable if !is_leader && !changed => {
                // A follower rejoining with unchanged metadata gets the current generation.
                let result = JoinResult {
                    generation: g.generation,
                    protocol: g.protocol.unwrap_or(Assignor::Range),
                    leader: g.leader.clone().unwrap_or_default(),
                    member_id: j.member_id.clone(),
                    members: Vec::new(),
                };
                g.members.get_mut(&j.member_id).expect("checked").pending_join = None;
                reply(ctx, Ok(result));
            }
            GroupState::PreparingRebalance => self.try_complete_join(ctx, &j.group),
            _ => {
                self.prepare_rebalance(ctx, &j.group, if is_leader { "the leader rejoined" } else { "a member rejoined with new metadata" });
                self.try_complete_join(ctx, &j.group);
            }
        }
    }

    /// Moves the group to PreparingRebalance (from Stable, CompletingRebalance or Empty).
    fn prepare_rebalance(&mut self, ctx: &mut Ctx, group: &str, reason: &'static str) {
        let now = ctx.now;
        let g = self.group_mut(group);
        if g.state == GroupState::PreparingRebalance {
            return;
        }
        let mut pending_syncs = Vec::new();
        if g.state == GroupState::CompletingRebalance {
            for m in g.members.values_mut() {
                if let Some(r) = m.pending_sync.take() {
                    pending_syncs.push((m.client, r));
                }
            }
        }
        let delay = if g.state == GroupState::Empty {
            INITIAL_REBALANCE_DELAY_MS
        } else {
            g.members.values().map(|m| m.rebalance_timeout_ms).max().unwrap_or(INITIAL_REBALANCE_DELAY_MS)
        };
        g.state = GroupState::PreparingRebalance;
        g.join_deadline = now + delay;
        let id = g.id.clone();
        ctx.trace(TraceEvent::GroupStateChanged { group: id.clone(), state: GroupState::PreparingRebalance.to_string(), generation: g.generation, reason });
        for (client, req_id) in pending_syncs {
            ctx.send(client, Payload::SyncGroupResponse { req_id, result: Err(KafkaError::RebalanceInProgress) });
        }
        ctx.set_timer(delay, Timer::GroupJoin { group: id });
    }

    fn try_complete_join(&mut self, ctx: &mut Ctx, group: &str) {
        let now = ctx.now;
        let Some(g) = self.groups.get(group) else { return };
        if g.state != GroupState::PreparingRebalance {
            return;
        }
        // Vacuously true for a group whose last member left: it completes at once, to Empty.
        let everyone = g.members.values().all(|m| m.pending_join.is_some());
        // An empty group that just got its first members waits out the initial delay.
        let waiting_initial = g.generation == 0 && now < g.join_deadline;
        if everyone && !waiting_initial {
            self.complete_join(ctx, group);
        }
    }

    pub(crate) fn on_join_deadline(&mut self, ctx: &mut Ctx, group: &str) {
        let now = ctx.now;
        let Some(g) = self.groups.get_mut(group) else { return };
        if g.state != GroupState::PreparingRebalance || now < g.join_deadline {
            return;
        }
        // Members that did not rejoin within the rebalance timeout are removed.
        let gone: Vec<String> = g.members.values().filter(|m| m.pending_join.is_none()).map(|m| m.member_id.clone()).collect();
        for id in gone {
            g.members.remove(&id);
            ctx.trace(TraceEvent::GroupMemberRemoved { group: g.id.clone(), member: id, reason: "did not rejoin within the rebalance timeout" });
        }
        self.complete_join(ctx, group);
    }

    /// ClassicGroup.initNextGeneration, then the JoinGroup responses.
    fn complete_join(&mut self, ctx: &mut Ctx, group: &str) {
        let now = ctx.now;
        let Some(g) = self.groups.get_mut(group) else { return };
        g.generation += 1;
        if g.members.is_empty() {
            g.state = GroupState::Empty;
            g.protocol = None;
            g.leader = None;
            ctx.trace(TraceEvent::GroupStateChanged { group: g.id.clone(), state: "Empty".into(), generation: g.generation, reason: "no members left" });
            self.persist_group(ctx, group);
            return;
        }
        if g.leader.as_ref().is_none_or(|l| !g.members.contains_key(l)) {
            g.leader = g.members.values().min_by_key(|m| m.joined_seq).map(|m| m.member_id.clone());
        }
        let leader = g.leader.clone().expect("set");
        let leader_protocols = g.members[&leader].protocols.clone();
        let protocol = leader_protocols.into_iter().find(|p| g.members.values().all(|m| m.protocols.contains(p))).unwrap_or(Assignor::Range);
        g.protocol = Some(protocol);
        g.state = GroupState::CompletingRebalance;
        ctx.trace(TraceEvent::GroupStateChanged {
            group: g.id.clone(),
            state: "CompletingRebalance".into(),
            generation: g.generation,
            reason: "every member joined",
        });
        let all = members_of(g);
        let mut replies = Vec::new();
        for m in g.members.values_mut() {
            m.last_heartbeat_ms = now;
            if let Some(req_id) = m.pending_join.take() {
                let result = JoinResult {
                    generation: g.generation,
                    protocol,
                    leader: leader.clone(),
                    member_id: m.member_id.clone(),
                    members: if m.member_id == leader { all.clone() } else { Vec::new() },
                };
                replies.push((m.client, req_id, result, m.member_id.clone(), m.session_timeout_ms));
            }
        }
        let id = g.id.clone();
        for (client, req_id, result, member, session) in replies {
            ctx.send(client, Payload::JoinGroupResponse { req_id, result: Ok(result) });
            ctx.set_timer(session, Timer::MemberSession { group: id.clone(), member });
        }
    }

    #[allow(clippy::too_many_arguments)]
    pub(crate) fn on_sync_group(
        &mut self,
        ctx: &mut Ctx,
        from: NodeId,
        req_id: u64,
        group: &str,
        generation: i32,
        member_id: &str,
        assignments: Vec<(String, Vec<TopicPartition>)>,
    ) {
        let reply = |ctx: &mut Ctx, r| ctx.send(from, Payload::SyncGroupResponse { req_id, result: r });
        if let Err(e) = self.check_coordinator(group) {
            return reply(ctx, Err(e));
        }
        let Some(g) = self.groups.get_mut(group) else { return reply(ctx, Err(KafkaError::UnknownMemberId)) };
        let Some(m) = g.members.get_mut(member_id) else { return reply(ctx, Err(KafkaError::UnknownMemberId)) };
        if generation != g.generation {
            return reply(ctx, Err(KafkaError::IllegalGeneration));
        }
        match g.state {
            GroupState::PreparingRebalance => reply(ctx, Err(KafkaError::RebalanceInProgress)),
            GroupState::Stable => {
                let a = m.assignment.clone();
                reply(ctx, Ok(a));
            }
            GroupState::CompletingRebalance => {
                m.pending_sync = Some(req_id);
                m.client = from;
                if g.leader.as_deref() == Some(member_id) {
                    for m in g.members.values_mut() {
                        m.assignment = assignments.iter().find(|(id, _)| *id == m.member_id).map(|(_, a)| a.clone()).unwrap_or_default();
                    }
                    // The group is stored (acks=all) before anyone hears the assignment.
                    self.store_group(ctx, group);
                }
            }
            GroupState::Empty | GroupState::Dead => reply(ctx, Err(KafkaError::UnknownMemberId)),
        }
    }

    pub(crate) fn on_heartbeat(&mut self, ctx: &mut Ctx, from: NodeId, req_id: u64, group: &str, generation: i32, member_id: &str) {
        let now = ctx.now;
        let error = match self.check_coordinator(group) {
            Err(e) => Some(e),
            Ok(_) => match self.groups.get_mut(group).and_then(|g| g.members.get_mut(member_id).map(|m| (g.generation, g.state, m))) {
                None => Some(KafkaError::UnknownMemberId),
                Some((gen, state, m)) => {
                    m.last_heartbeat_ms = now;
                    let session = m.session_timeout_ms;
                    ctx.set_timer(session, Timer::MemberSession { group: Rc::from(group), member: member_id.to_string() });
                    if state == GroupState::PreparingRebalance {
                        Some(KafkaError::RebalanceInProgress)
                    } else if gen != generation {
                        Some(KafkaError::IllegalGeneration)
                    } else {
                        None
                    }
                }
            },
        };
        ctx.send(from, Payload::HeartbeatResponse { req_id, error });
    }

    pub(crate) fn on_member_session(&mut self, ctx: &mut Ctx, group: &str, member: &str) {
        let now = ctx.now;
        let Some(g) = self.groups.get_mut(group) else { return };
        let Some(m) = g.members.get(member) else { return };
        if now.saturating_sub(m.last_heartbeat_ms) < m.session_timeout_ms || m.pending_join.is_some() {
            return;
        }
        g.members.remove(member);
        ctx.trace(TraceEvent::GroupMemberRemoved { group: g.id.clone(), member: member.to_string(), reason: "session.timeout.ms passed without a heartbeat" });
        self.after_member_removed(ctx, group);
    }

    fn after_member_removed(&mut self, ctx: &mut Ctx, group: &str) {
        let Some(g) = self.groups.get(group) else { return };
        match g.state {
            GroupState::Stable | GroupState::CompletingRebalance => {
                self.prepare_rebalance(ctx, group, "a member left");
                self.try_complete_join(ctx, group);
            }
            GroupState::PreparingRebalance => self.try_complete_join(ctx, group),
            _ => {}
        }
    }

    pub(crate) fn on_leave_group(&mut self, ctx: &mut Ctx, from: NodeId, req_id: u64, group: &str, member_id: &str) {
        if self.check_coordinator(group).is_ok() {
            if let Some(g) = self.groups.get_mut(group) {
                if g.members.remove(member_id).is_some() {
                    ctx.trace(TraceEvent::GroupMemberRemoved { group: g.id.clone(), member: member_id.to_string(), reason: "it left the group" });
                    self.after_member_removed(ctx, group);
                }
            }
        }
        ctx.send(from, Payload::LeaveGroupResponse { req_id });
    }

    #[allow(clippy::too_many_arguments)]
    pub(crate) fn on_offset_commit(
        &mut self,
        ctx: &mut Ctx,
        from: NodeId,
        req_id: u64,
        group: &str,
        generation: i32,
        member_id: &str,
        offsets: Vec<(TopicPartition, i64)>,
    ) {
        let reply = |ctx: &mut Ctx, r| ctx.send(from, Payload::OffsetCommitResponse { req_id, result: r });
        let tp = match self.check_coordinator(group) {
            Ok(tp) => tp,
            Err(e) => return reply(ctx, Err(e)),
        };
        let g = self.group_mut(group);
        if !g.members.is_empty() || generation >= 0 {
            match g.members.get(member_id) {
                None => return reply(ctx, Err(KafkaError::UnknownMemberId)),
                Some(_) if generation != g.generation => return reply(ctx, Err(KafkaError::IllegalGeneration)),
                // Commits of the current generation are still accepted while the group prepares
                // a rebalance (members commit in onPartitionsRevoked), not while it completes one.
                Some(_) if g.state == GroupState::CompletingRebalance => {
                    return reply(ctx, Err(KafkaError::RebalanceInProgress));
                }
                _ => {}
            }
        }
        // One record per partition, key offset|group|topic|partition, in the group's
        // __consumer_offsets partition, written with acks=all.
        let records = offset_records(group, &offsets, ctx.now);
        let batch = ProduceBatch { tp: tp.clone(), records: Rc::from(records), producer_id: -1, base_sequence: -1 };
        match self.append_to_leader(ctx, batch, -1) {
            Err(_) => reply(ctx, Err(KafkaError::CoordinatorNotAvailable)),
            Ok((base, required)) => {
                self.await_replication(ctx, tp, base, required, from, req_id, Reply::OffsetCommit { group: Rc::from(group), offsets });
            }
        }
    }

    /// Answers `reply` once the appended records at `base` are replicated to the ISR (the
    /// produce purgatory, as for acks=all), or fails it after the timeout.
    #[allow(clippy::too_many_arguments)]
    fn await_replication(&mut self, ctx: &mut Ctx, tp: TopicPartition, base: i64, required: Option<i64>, from: NodeId, req_id: u64, reply: Reply) {
        let purgatory_id = self.next_id();
        let epoch = self.replicas.get(&tp).map_or(-1, |r| r.leader_epoch);
        let result = match required {
            Some(required_offset) => DelayedResult::Waiting { base_offset: base, required_offset, leader_epoch: epoch },
            None => DelayedResult::Done(Ok(base)),
        };
        let mut d = DelayedProduce { purgatory_id, from, req_id, results: vec![(tp, result)], reply };
        if self.try_complete(&mut d) {
            self.send_delayed(ctx, d);
        } else {
            let timeout = self.cluster.replica_lag_time_max_ms.max(5_000);
            self.purgatory.push(d);
            ctx.set_timer(timeout, Timer::ProduceExpire { purgatory_id });
        }
    }

    /// The commit's records are replicated (or failed): update the cache and answer.
    pub(crate) fn finish_offset_commit(
        &mut self,
        ctx: &mut Ctx,
        to: NodeId,
        req_id: u64,
        group: &str,
        offsets: Vec<(TopicPartition, i64)>,
        results: &[(TopicPartition, Result<i64, super::error::KafkaError>)],
    ) {
        let ok = results.iter().all(|(_, r)| r.is_ok());
        if ok {
            let g = self.group_mut(group);
            for (p, o) in &offsets {
                g.committed.insert(p.clone(), *o);
            }
            ctx.trace(TraceEvent::OffsetsCommitted { group: Rc::from(group), offsets: offsets.clone() });
            ctx.send(to, Payload::OffsetCommitResponse { req_id, result: Ok(()) });
        } else {
            // Kafka answers a failed write to the offsets topic with a coordinator error, and
            // the client retries.
            let e = match results.iter().find_map(|(_, r)| r.err()) {
                Some(KafkaError::NotLeaderOrFollower) => KafkaError::NotCoordinator,
                Some(KafkaError::RequestTimedOut) => KafkaError::RequestTimedOut,
                _ => KafkaError::CoordinatorNotAvailable,
            };
            ctx.send(to, Payload::OffsetCommitResponse { req_id, result: Err(e) });
        }
    }

    pub(crate) fn on_offset_fetch(&mut self, ctx: &mut Ctx, from: NodeId, req_id: u64, group: &str, partitions: Vec<TopicPartition>) {
        let result = self.check_coordinator(group).map(|_| {
            let committed = self.groups.get(group).map(|g| g.committed.clone()).unwrap_or_default();
            partitions
                .into_iter()
                .map(|p| {
                    let o = committed.get(&p).copied().unwrap_or(-1);
                    (p, o)
                })
                .collect()
        });
        ctx.send(from, Payload::OffsetFetchResponse { req_id, result });
    }

    /// Stores the group with acks=all; the members get their assignment once it is replicated
    /// (GroupMetadataManager.storeGroup before the SyncGroup responses).
    fn store_group(&mut self, ctx: &mut Ctx, group: &str) {
        let generation = self.groups.get(group).map_or(-1, |g| g.generation);
        let Some((tp, base, required)) = self.append_group_record(ctx, group, -1) else {
            return self.finish_group_store(ctx, group, generation, false);
        };
        self.await_replication(ctx, tp, base, required, NodeId::Controller, 0, Reply::GroupStored { group: Rc::from(group), generation });
    }

    /// The stored group is replicated (or the write failed): Stable and answer, or rebalance.
    pub(crate) fn finish_group_store(&mut self, ctx: &mut Ctx, group: &str, generation: i32, ok: bool) {
        let Some(g) = self.groups.get_mut(group) else { return };
        if g.generation != generation || g.state != GroupState::CompletingRebalance {
            return;
        }
        if ok {
            g.state = GroupState::Stable;
            ctx.trace(TraceEvent::GroupStateChanged {
                group: g.id.clone(),
                state: "Stable".into(),
                generation: g.generation,
                reason: "the leader's assignment is stored",
            });
            for m in g.members.values_mut() {
                if let Some(r) = m.pending_sync.take() {
                    ctx.send(m.client, Payload::SyncGroupResponse { req_id: r, result: Ok(m.assignment.clone()) });
                }
            }
        } else {
            for m in g.members.values_mut() {
                m.assignment.clear();
                if let Some(r) = m.pending_sync.take() {
                    ctx.send(m.client, Payload::SyncGroupResponse { req_id: r, result: Err(KafkaError::NotCoordinator) });
                }
            }
            self.prepare_rebalance(ctx, group, "storing the group assignment failed");
        }
    }

    /// Writes the group's membership to its offsets partition (without waiting).
    fn persist_group(&mut self, ctx: &mut Ctx, group: &str) {
        let _ = self.append_group_record(ctx, group, 1);
    }

    fn append_group_record(&mut self, ctx: &mut Ctx, group: &str, acks: i16) -> Option<(TopicPartition, i64, Option<i64>)> {
        let tp = self.check_coordinator(group).ok()?;
        let g = self.groups.get(group)?;
        let mut value = format!("{}|{}|{}", g.generation, g.protocol.map_or("", |p| p.name()), g.leader.clone().unwrap_or_default());
        for m in g.members.values() {
            value.push_str(&format!(
                ";{},{},{},{},{},{},{}",
                m.member_id,
                m.client_id,
                m.group_instance_id.as_deref().map(esc).unwrap_or_default(),
                m.topics.join("+"),
                tps(&m.assignment),
                m.protocols.iter().map(|p| p.name()).collect::<Vec<_>>().join("+"),
                m.session_timeout_ms
            ));
        }
        let record = PendingRecord {
            key: Some(Rc::from(format!("group|{}", esc(group)))),
            value: Some(Rc::from(value)),
            headers: Rc::from(Vec::new()),
            timestamp_ms: ctx.now as i64,
        };
        let (base, required) =
            self.append_to_leader(ctx, ProduceBatch { tp: tp.clone(), records: Rc::from(vec![record]), producer_id: -1, base_sequence: -1 }, acks).ok()?;
        Some((tp, base, required))
    }

    /// A new coordinator rebuilds the groups of an offsets partition from its log
    /// (GroupMetadataManager.loadGroupsAndOffsets). Members get a fresh session.
    pub(crate) fn load_groups(&mut self, ctx: &mut Ctx, tp: &TopicPartition) {
        let now = ctx.now;
        let n = self.offsets_partition_count();
        let Some(r) = self.replicas.get(tp) else { return };
        let mut loaded: VecMap<Rc<str>, Group> = VecMap::new();
        for rec in r.log.records() {
            let (Some(k), Some(v)) = (rec.key.as_deref(), rec.value.as_deref()) else { continue };
            let mut parts = k.split('|');
            match parts.next() {
                Some("offset") => {
                    let (Some(gid), Some(topic), Some(p)) = (parts.next(), parts.next(), parts.next()) else { continue };
                    let (Ok(p), Ok(o)) = (p.parse::<i32>(), v.parse::<i64>()) else { continue };
                    let gid: Rc<str> = Rc::from(unesc(gid));
                    loaded.entry(gid.clone()).or_insert_with(|| Group::new(gid)).committed.insert(TopicPartition::new(topic, p), o);
                }
                Some("group") => {
                    let Some(gid) = parts.next() else { continue };
                    let gid: Rc<str> = Rc::from(unesc(gid));
                    let g = loaded.entry(gid.clone()).or_insert_with(|| Group::new(gid));
                    let mut sections = v.split(';');
                    let head: Vec<&str> = sections.next().unwrap_or("").split('|').collect();
                    g.generation = head.first().and_then(|x| x.parse().ok()).unwrap_or(0);
                    g.protocol = head.get(1).and_then(|p| Assignor::parse(p));
                    g.leader = head.get(2).filter(|l| !l.is_empty()).map(|l| l.to_string());
                    g.members.clear();
                    for s in sections {
                        let f: Vec<&str> = s.split(',').collect();
                        if f.len() < 7 {
                            continue;
                        }
                        g.members.insert(
                            f[0].to_string(),
                            GroupMember {
                                member_id: f[0].to_string(),
                                client_id: Rc::from(f[1]),
                                client: NodeId::Controller,
                                group_instance_id: (!f[2].is_empty()).then(|| unesc(f[2])),
                                topics: f[3].split('+').filter(|t| !t.is_empty()).map(String::from).collect(),
                                assignment: parse_tps(f[4]),
                                protocols: f[5].split('+').filter_map(Assignor::parse).collect(),
                                session_timeout_ms: f[6].parse().unwrap_or(45_000),
                                rebalance_timeout_ms: 300_000,
                                owned: Vec::new(),
                                member_generation: g.generation,
                                user_data: None,
                                last_heartbeat_ms: now,
                                pending_join: None,
                                pending_sync: None,
                                joined_seq: 0,
                            },
                        );
                    }
                    g.state = if g.members.is_empty() { GroupState::Empty } else { GroupState::Stable };
                }
                _ => {}
            }
        }
        for (id, g) in loaded {
            if coordinator_partition(&id, n) != tp.partition {
                continue;
            }
            for m in g.members.values() {
                ctx.set_timer(m.session_timeout_ms, Timer::MemberSession { group: id.clone(), member: m.member_id.clone() });
            }
            ctx.trace(TraceEvent::GroupLoaded { group: id.clone(), coordinator: self.id, generation: g.generation, members: g.members.len() });
            self.groups.insert(id, g);
        }
    }

    /// Leadership of an offsets partition moved away: its groups go with it.
    pub(crate) fn unload_groups(&mut self, _ctx: &mut Ctx, partition: i32) {
        let n = self.offsets_partition_count();
        self.groups.retain(|id, _| coordinator_partition(id, n) != partition);
    }
}

fn members_of(g: &Group) -> Vec<Member> {
    g.members
        .values()
        .map(|m| Member {
            member_id: m.member_id.clone(),
            group_instance_id: m.group_instance_id.clone(),
            topics: m.topics.clone(),
            owned: m.owned.clone(),
            generation: Some(m.member_generation),
            user_data: m.user_data.clone(),
        })
        .collect()
}
