//! The classic group coordinator (the 3.x kafka.coordinator.group.GroupCoordinator; apache/kafka
//! group-coordinator/.../classic for the newer code): a value each broker owns, serving the
//! groups whose `__consumer_offsets` partition the broker leads. JoinGroup, SyncGroup,
//! Heartbeat, LeaveGroup, OffsetCommit and OffsetFetch; commits are records in
//! `__consumer_offsets` (group_metadata_manager.rs), answered once replicated, and a new
//! coordinator rebuilds its groups from that log. Kafka keeps the coordinator apart from the
//! replica manager it writes through: its methods are handed the broker's `ReplicaManager`, and
//! the replica manager calls back through `CoordinatorCallbacks` when a write completes.
use crate::vecmap::VecMap;
use std::rc::Rc;

use rand_core::RngCore;

use super::assignor::Assignor;
use super::coordinator::{coordinator_partition, OFFSETS_TOPIC};
use super::delayed_produce::{AppendResults, CoordinatorWrite, DelayedProduce, DelayedResult, Reply};
use super::error::{AdminError, KafkaError};
use super::group::{Group, GroupMember, GroupState};
use super::group_metadata_manager::{group_record, load_groups_and_offsets, offset_records};
use super::message::{JoinRequest, JoinResult, Payload, ProduceBatch};
use super::out::{Ctx, Timer};
use super::replica_manager::{CoordinatorCallbacks, ReplicaManager};
use super::trace::TraceEvent;
use super::types::{BrokerId, Millis, NodeId, TopicPartition};

/// group.initial.rebalance.delay.ms (default 3000): an empty group waits for more members.
pub const INITIAL_REBALANCE_DELAY_MS: Millis = 3_000;

#[derive(Clone, Debug)]
pub struct GroupCoordinator {
    broker: BrokerId,
    /// How long a write to `__consumer_offsets` may wait for the ISR (offsets.commit.timeout.ms
    /// is 5000; never shorter than replica.lag.time.max.ms here).
    commit_timeout_ms: Millis,
    /// The groups this broker coordinates (it leads their `__consumer_offsets` partition).
    pub groups: VecMap<Rc<str>, Group>,
}

impl GroupCoordinator {
    pub fn new(broker: BrokerId, replica_lag_time_max_ms: Millis) -> Self {
        GroupCoordinator { broker, commit_timeout_ms: replica_lag_time_max_ms.max(5_000), groups: VecMap::new() }
    }

    /// The broker restarted: groups are loaded again when it leads offsets partitions again.
    pub(crate) fn clear(&mut self) {
        self.groups.clear();
    }

    /// Members waiting on a JoinGroup or SyncGroup answer, as (client, request id).
    pub(crate) fn held_requests(&self) -> Vec<(NodeId, u64)> {
        let mut held = Vec::new();
        for g in self.groups.values() {
            for m in g.members.values() {
                held.extend(m.pending_join.iter().chain(m.pending_sync.iter()).map(|r| (m.client, *r)));
            }
        }
        held
    }

    fn coordinator_tp(rm: &ReplicaManager, group: &str) -> Option<TopicPartition> {
        let n = rm.metadata_cache.offsets_partition_count();
        (n > 0).then(|| TopicPartition::new(OFFSETS_TOPIC, coordinator_partition(group, n)))
    }

    /// NOT_COORDINATOR unless this broker leads the group's offsets partition.
    fn check_coordinator(rm: &ReplicaManager, group: &str) -> Result<TopicPartition, KafkaError> {
        let tp = Self::coordinator_tp(rm, group).ok_or(KafkaError::CoordinatorNotAvailable)?;
        match rm.partitions.get(&tp) {
            Some(r) if r.is_leader() => Ok(tp),
            _ => Err(KafkaError::NotCoordinator),
        }
    }

    pub(crate) fn on_find_coordinator(&self, ctx: &mut Ctx, rm: &ReplicaManager, from: NodeId, req_id: u64, group: &str) {
        let result = match Self::coordinator_tp(rm, group) {
            None => {
                // The first FindCoordinator creates the offsets topic.
                ctx.send(NodeId::Controller, Payload::AutoCreateTopic { topic: Rc::from(OFFSETS_TOPIC) });
                Err(KafkaError::CoordinatorNotAvailable)
            }
            Some(tp) => rm.metadata_cache.leader(&tp).ok_or(KafkaError::CoordinatorNotAvailable),
        };
        ctx.send(from, Payload::FindCoordinatorResponse { req_id, result });
    }

    fn group_mut(&mut self, group: &str) -> &mut Group {
        let key: Rc<str> = Rc::from(group);
        self.groups.entry(key.clone()).or_insert_with(|| Group::new(key))
    }

    pub(crate) fn on_join_group(&mut self, ctx: &mut Ctx, rm: &mut ReplicaManager, from: NodeId, req_id: u64, j: JoinRequest) {
        let reply = |ctx: &mut Ctx, r: Result<JoinResult, (KafkaError, Option<String>)>| ctx.send(from, Payload::JoinGroupResponse { req_id, result: r });
        if let Err(e) = Self::check_coordinator(rm, &j.group) {
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
                        members: if is_leader { g.member_subscriptions() } else { Vec::new() },
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
            return self.try_complete_join(ctx, rm, &j.group);
        }
        let g = self.group_mut(&j.group);
        if !g.members.contains_key(&j.member_id) {
            if g.pending_member_ids.remove(&j.member_id) {
                g.next_join_seq += 1;
                let seq = g.next_join_seq;
                g.members.insert(j.member_id.clone(), GroupMember { joined_seq: seq, ..new_member(j.member_id.clone()) });
                ctx.trace(TraceEvent::GroupMemberJoined { group: g.id.clone(), member: j.member_id.clone() });
                self.prepare_rebalance(ctx, &j.group, "a new member joined");
                return self.try_complete_join(ctx, rm, &j.group);
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
            GroupState::PreparingRebalance => self.try_complete_join(ctx, rm, &j.group),
            _ => {
                self.prepare_rebalance(ctx, &j.group, if is_leader { "the leader rejoined" } else { "a member rejoined with new metadata" });
                self.try_complete_join(ctx, rm, &j.group);
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
        ctx.trace(TraceEvent::GroupStateChanged { group: id.clone(), state: GroupState::PreparingRebalance, generation: g.generation, reason });
        for (client, req_id) in pending_syncs {
            ctx.send(client, Payload::SyncGroupResponse { req_id, result: Err(KafkaError::RebalanceInProgress) });
        }
        ctx.set_timer(delay, Timer::GroupJoin { group: id });
    }

    fn try_complete_join(&mut self, ctx: &mut Ctx, rm: &mut ReplicaManager, group: &str) {
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
            self.complete_join(ctx, rm, group);
        }
    }

    pub(crate) fn on_join_deadline(&mut self, ctx: &mut Ctx, rm: &mut ReplicaManager, group: &str) {
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
        self.complete_join(ctx, rm, group);
    }

    /// ClassicGroup.initNextGeneration, then the JoinGroup responses.
    fn complete_join(&mut self, ctx: &mut Ctx, rm: &mut ReplicaManager, group: &str) {
        let now = ctx.now;
        let Some(g) = self.groups.get_mut(group) else { return };
        g.generation += 1;
        if g.members.is_empty() {
            g.state = GroupState::Empty;
            g.protocol = None;
            g.leader = None;
            ctx.trace(TraceEvent::GroupStateChanged { group: g.id.clone(), state: GroupState::Empty, generation: g.generation, reason: "no members left" });
            self.persist_group(ctx, rm, group);
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
            state: GroupState::CompletingRebalance,
            generation: g.generation,
            reason: "every member joined",
        });
        let all = g.member_subscriptions();
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
        rm: &mut ReplicaManager,
        from: NodeId,
        req_id: u64,
        group: &str,
        generation: i32,
        member_id: &str,
        assignments: Vec<(String, Vec<TopicPartition>)>,
    ) {
        let reply = |ctx: &mut Ctx, r| ctx.send(from, Payload::SyncGroupResponse { req_id, result: r });
        if let Err(e) = Self::check_coordinator(rm, group) {
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
                    self.store_group(ctx, rm, group);
                }
            }
            GroupState::Empty | GroupState::Dead => reply(ctx, Err(KafkaError::UnknownMemberId)),
        }
    }

    #[allow(clippy::too_many_arguments)]
    pub(crate) fn on_heartbeat(&mut self, ctx: &mut Ctx, rm: &ReplicaManager, from: NodeId, req_id: u64, group: &str, generation: i32, member_id: &str) {
        let now = ctx.now;
        let error = match Self::check_coordinator(rm, group) {
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

    pub(crate) fn on_member_session(&mut self, ctx: &mut Ctx, rm: &mut ReplicaManager, group: &str, member: &str) {
        let now = ctx.now;
        let Some(g) = self.groups.get_mut(group) else { return };
        let Some(m) = g.members.get(member) else { return };
        if now.saturating_sub(m.last_heartbeat_ms) < m.session_timeout_ms || m.pending_join.is_some() {
            return;
        }
        g.members.remove(member);
        ctx.trace(TraceEvent::GroupMemberRemoved { group: g.id.clone(), member: member.to_string(), reason: "session.timeout.ms passed without a heartbeat" });
        self.after_member_removed(ctx, rm, group);
    }

    fn after_member_removed(&mut self, ctx: &mut Ctx, rm: &mut ReplicaManager, group: &str) {
        let Some(g) = self.groups.get(group) else { return };
        match g.state {
            GroupState::Stable | GroupState::CompletingRebalance => {
                self.prepare_rebalance(ctx, group, "a member left");
                self.try_complete_join(ctx, rm, group);
            }
            GroupState::PreparingRebalance => self.try_complete_join(ctx, rm, group),
            // No rebalance to start or finish: an Empty group has no members left to rebalance.
            GroupState::Empty | GroupState::Dead => {}
        }
    }

    pub(crate) fn on_leave_group(&mut self, ctx: &mut Ctx, rm: &mut ReplicaManager, from: NodeId, req_id: u64, group: &str, member_id: &str) {
        if Self::check_coordinator(rm, group).is_ok() {
            if let Some(g) = self.groups.get_mut(group) {
                if g.members.remove(member_id).is_some() {
                    ctx.trace(TraceEvent::GroupMemberRemoved { group: g.id.clone(), member: member_id.to_string(), reason: "it left the group" });
                    self.after_member_removed(ctx, rm, group);
                }
            }
        }
        ctx.send(from, Payload::LeaveGroupResponse { req_id });
    }

    #[allow(clippy::too_many_arguments)]
    pub(crate) fn on_offset_commit(
        &mut self,
        ctx: &mut Ctx,
        rm: &mut ReplicaManager,
        from: NodeId,
        req_id: u64,
        group: &str,
        generation: i32,
        member_id: &str,
        offsets: Vec<(TopicPartition, i64)>,
    ) {
        let reply = |ctx: &mut Ctx, r| ctx.send(from, Payload::OffsetCommitResponse { req_id, result: r });
        let tp = match Self::check_coordinator(rm, group) {
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
                // A member of the current generation: the commit goes ahead.
                Some(_) => {}
            }
        }
        // One record per partition, key offset|group|topic|partition, in the group's
        // __consumer_offsets partition, written with acks=all.
        let records = offset_records(group, &offsets, ctx.now);
        let batch = ProduceBatch::plain(tp.clone(), records);
        match rm.append_to_leader(ctx, batch, -1, self) {
            Err(_) => reply(ctx, Err(KafkaError::CoordinatorNotAvailable)),
            Ok((base, required)) => {
                let write = CoordinatorWrite::OffsetCommit { group: Rc::from(group), offsets };
                self.await_replication(ctx, rm, tp, base, required, from, req_id, write);
            }
        }
    }

    /// Answers `reply` once the appended records at `base` are replicated to the ISR (the
    /// produce purgatory, as for acks=all), or fails it after the timeout.
    #[allow(clippy::too_many_arguments)]
    fn await_replication(
        &mut self,
        ctx: &mut Ctx,
        rm: &mut ReplicaManager,
        tp: TopicPartition,
        base: i64,
        required: Option<i64>,
        from: NodeId,
        req_id: u64,
        write: CoordinatorWrite,
    ) {
        let purgatory_id = rm.next_id();
        let epoch = rm.partitions.get(&tp).map_or(-1, |r| r.leader_epoch);
        let result = match required {
            Some(required_offset) => DelayedResult::Waiting { base_offset: base, required_offset, leader_epoch: epoch },
            None => DelayedResult::Done(Ok(base)),
        };
        let d = DelayedProduce { purgatory_id, from, req_id, results: vec![(tp, result)], reply: Reply::Coordinator(write) };
        rm.add_delayed_produce(ctx, d, self.commit_timeout_ms, self);
    }

    /// The commit's records are replicated (or failed): update the cache and answer.
    fn finish_offset_commit(&mut self, ctx: &mut Ctx, to: NodeId, req_id: u64, group: &str, offsets: Vec<(TopicPartition, i64)>, results: &AppendResults) {
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

    pub(crate) fn on_offset_fetch(&self, ctx: &mut Ctx, rm: &ReplicaManager, from: NodeId, req_id: u64, group: &str, partitions: Vec<TopicPartition>) {
        let result = Self::check_coordinator(rm, group).map(|_| {
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
    fn store_group(&mut self, ctx: &mut Ctx, rm: &mut ReplicaManager, group: &str) {
        let generation = self.groups.get(group).map_or(-1, |g| g.generation);
        let Some((tp, base, required)) = self.append_group_record(ctx, rm, group, -1) else {
            return self.finish_group_store(ctx, group, generation, false);
        };
        let write = CoordinatorWrite::GroupStored { group: Rc::from(group), generation };
        self.await_replication(ctx, rm, tp, base, required, NodeId::Controller, 0, write);
    }

    /// The stored group is replicated (or the write failed): Stable and answer, or rebalance.
    fn finish_group_store(&mut self, ctx: &mut Ctx, group: &str, generation: i32, ok: bool) {
        let Some(g) = self.groups.get_mut(group) else { return };
        if g.generation != generation || g.state != GroupState::CompletingRebalance {
            return;
        }
        if ok {
            g.state = GroupState::Stable;
            ctx.trace(TraceEvent::GroupStateChanged {
                group: g.id.clone(),
                state: GroupState::Stable,
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
    fn persist_group(&mut self, ctx: &mut Ctx, rm: &mut ReplicaManager, group: &str) {
        let _ = self.append_group_record(ctx, rm, group, 1);
    }

    fn append_group_record(&mut self, ctx: &mut Ctx, rm: &mut ReplicaManager, group: &str, acks: i16) -> Option<(TopicPartition, i64, Option<i64>)> {
        let tp = Self::check_coordinator(rm, group).ok()?;
        let record = group_record(group, self.groups.get(group)?, ctx.now);
        let batch = ProduceBatch::plain(tp.clone(), vec![record]);
        let (base, required) = rm.append_to_leader(ctx, batch, acks, self).ok()?;
        Some((tp, base, required))
    }

    /// A new coordinator rebuilds the groups of an offsets partition from its log
    /// (GroupMetadataManager.loadGroupsAndOffsets). Members get a fresh session.
    fn load_groups(&mut self, ctx: &mut Ctx, rm: &ReplicaManager, tp: &TopicPartition) {
        let n = rm.metadata_cache.offsets_partition_count();
        let Some(r) = rm.partitions.get(tp) else { return };
        let loaded = load_groups_and_offsets(r.log.batches(), ctx.now);
        for (id, g) in loaded {
            if coordinator_partition(&id, n) != tp.partition {
                continue;
            }
            for m in g.members.values() {
                ctx.set_timer(m.session_timeout_ms, Timer::MemberSession { group: id.clone(), member: m.member_id.clone() });
            }
            ctx.trace(TraceEvent::GroupLoaded { group: id.clone(), coordinator: self.broker, generation: g.generation, members: g.members.len() });
            self.groups.insert(id, g);
        }
    }

    /// Leadership of an offsets partition moved away: its groups go with it.
    fn unload_groups(&mut self, rm: &ReplicaManager, partition: i32) {
        let n = rm.metadata_cache.offsets_partition_count();
        self.groups.retain(|id, _| coordinator_partition(id, n) != partition);
    }
}

impl CoordinatorCallbacks for GroupCoordinator {
    fn on_write_completed(&mut self, ctx: &mut Ctx, to: NodeId, req_id: u64, write: CoordinatorWrite, results: &AppendResults) {
        match write {
            CoordinatorWrite::OffsetCommit { group, offsets } => self.finish_offset_commit(ctx, to, req_id, &group, offsets, results),
            CoordinatorWrite::GroupStored { group, generation } => self.finish_group_store(ctx, &group, generation, results.iter().all(|(_, r)| r.is_ok())),
        }
    }

    fn on_election(&mut self, ctx: &mut Ctx, replica_manager: &ReplicaManager, tp: &TopicPartition) {
        self.load_groups(ctx, replica_manager, tp);
    }

    fn on_resignation(&mut self, _ctx: &mut Ctx, replica_manager: &ReplicaManager, partition: i32) {
        self.unload_groups(replica_manager, partition);
    }
}

/// What `kafka-consumer-groups.sh` changes, applied at the coordinator directly (group_admin.rs).
impl GroupCoordinator {
    /// `--reset-offsets --execute`: the offsets are written to `__consumer_offsets` and cached.
    pub(crate) fn admin_commit(
        &mut self,
        ctx: &mut Ctx,
        rm: &mut ReplicaManager,
        group: &Rc<str>,
        offsets: &[(TopicPartition, i64)],
    ) -> Result<(), AdminError> {
        let n = rm.metadata_cache.offsets_partition_count();
        let tp = TopicPartition::new(OFFSETS_TOPIC, coordinator_partition(group, n));
        let records = offset_records(group, offsets, ctx.now);
        rm.append_to_leader(ctx, ProduceBatch::plain(tp, records), 1, self).map_err(|e| AdminError::Invalid(e.to_string()))?;
        let g = self.groups.entry(group.clone()).or_insert_with(|| Group::new(group.clone()));
        for (p, o) in offsets {
            g.committed.insert(p.clone(), *o);
        }
        Ok(())
    }

    /// `--delete --group`.
    pub(crate) fn admin_delete(&mut self, group: &Rc<str>) -> Result<(), AdminError> {
        self.groups.remove(group);
        Ok(())
    }

    /// `--delete-offsets --group --topic`.
    pub(crate) fn admin_delete_offsets(&mut self, group: &Rc<str>, partitions: &[TopicPartition]) {
        if let Some(x) = self.groups.get_mut(group) {
            for p in partitions {
                x.committed.remove(p);
            }
        }
    }
}
