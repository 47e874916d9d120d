//! A consumer's side of the classic group protocol (ConsumerCoordinator /
//! AbstractCoordinator): find the coordinator, join, the leader assigns, sync, fetch the
//! committed offsets, heartbeat, and rebalance EAGER (revoke everything first) or COOPERATIVE
//! (KIP-429: keep what stays, give up only what moves, then rejoin).
use crate::vecmap::VecSet;
use std::rc::Rc;

use super::assignor::{assign, Assignor, UserData};
use super::config::CommitMode;
use super::consumer::Consumer;
use super::error::KafkaError;
use super::message::{JoinRequest, JoinResult, Payload};
use super::out::{Ctx, Timer};
use super::trace::TraceEvent;
use super::types::{BrokerId, Millis, NodeId, TopicPartition};

#[derive(Copy, Clone, PartialEq, Eq, Debug)]
pub enum Phase {
    FindCoordinator,
    Joining,
    /// The leader waits for fresh metadata covering every member's topics before it assigns
    /// (ConsumerCoordinator.updateGroupSubscription -> ensureFreshMetadata).
    Assigning,
    Syncing,
    Stable,
}

/// The partition count of each topic the member watches (ConsumerCoordinator.MetadataSnapshot;
/// 0 for a topic the metadata does not know).
pub type MetadataSnapshot = Vec<(Rc<str>, usize)>;

#[derive(Clone, PartialEq, Eq, Debug)]
pub struct GroupClient {
    pub group: Rc<str>,
    pub topics: Vec<String>,
    pub phase: Phase,
    pub coordinator: Option<BrokerId>,
    pub member_id: String,
    pub generation: i32,
    pub leader: bool,
    pub protocol: Option<Assignor>,
    inflight: Option<u64>,
    heartbeat_inflight: Option<u64>,
    /// When the application last entered poll().
    pub last_poll_ms: Millis,
    last_auto_commit_ms: Millis,
    /// Left after max.poll.interval.ms; rejoins at the next poll.
    poll_timeout_left: bool,
    /// The leader's group subscription: every member's topics, watched in its metadata
    /// (SubscriptionState.groupSubscribe); emptied when the member joins again.
    pub group_subscription: Vec<String>,
    /// The metadata the leader assigned with; a refresh that differs makes it rejoin
    /// (ConsumerCoordinator.assignmentSnapshot, kept by the leader only).
    pub assignment_snapshot: Option<MetadataSnapshot>,
    /// The join result the leader assigns once metadata requested after `.1` arrives.
    pending_assignment: Option<(JoinResult, u64)>,
    /// StickyAssignor's own state (onAssignment): the last assignment and its generation,
    /// sent as the `sticky` protocol's userData.
    pub sticky_memory: Option<UserData>,
}

impl GroupClient {
    pub(crate) fn inflight_is(&self, req_id: u64) -> bool {
        self.inflight == Some(req_id) || self.heartbeat_inflight == Some(req_id)
    }

    pub(crate) fn clear_inflight(&mut self) {
        self.inflight = None;
        self.heartbeat_inflight = None;
    }

    /// After a poll timeout the member rejoins at its next poll, which must then happen.
    pub(crate) fn needs_poll(&self) -> bool {
        self.poll_timeout_left
    }
}

impl Consumer {
    /// KafkaConsumer.subscribe with a group.id: the member joins at once.
    pub fn subscribe(&mut self, ctx: &mut Ctx, group: &str, topics: Vec<String>) {
        self.group = Some(Box::new(GroupClient {
            group: Rc::from(group),
            topics,
            phase: Phase::FindCoordinator,
            coordinator: None,
            member_id: String::new(),
            generation: -1,
            leader: false,
            protocol: None,
            inflight: None,
            heartbeat_inflight: None,
            last_poll_ms: ctx.now,
            last_auto_commit_ms: ctx.now,
            poll_timeout_left: false,
            group_subscription: Vec::new(),
            assignment_snapshot: None,
            pending_assignment: None,
            sticky_memory: None,
        }));
        self.metadata_wanted = true;
        ctx.set_timer(self.config.heartbeat_interval_ms, Timer::Heartbeat);
        if self.config.commit_mode == CommitMode::Auto {
            ctx.set_timer(self.config.auto_commit_interval_ms.max(1), Timer::AutoCommit);
        }
        self.run(ctx);
    }

    /// The topics the member keeps metadata for (SubscriptionState.metadataTopics): its own
    /// subscription, and for the leader every member's topics; sorted.
    pub(crate) fn group_topics(&self) -> Vec<Rc<str>> {
        let Some(g) = self.group.as_ref() else { return Vec::new() };
        let mut topics: Vec<Rc<str>> = g.topics.iter().chain(&g.group_subscription).map(|t| Rc::from(t.as_str())).collect();
        crate::sort::sort(&mut topics);
        topics.dedup();
        topics
    }

    /// The partition counts of the watched topics as the metadata knows them now.
    fn metadata_snapshot(&self) -> MetadataSnapshot {
        self.group_topics()
            .into_iter()
            .map(|t| {
                let n = self.metadata.get(&t).map_or(0, Vec::len);
                (t, n)
            })
            .collect()
    }

    /// Drives the protocol: sends what the current phase needs, once.
    pub(crate) fn group_tick(&mut self, ctx: &mut Ctx) {
        let Some(g) = self.group.as_ref() else { return };
        if g.inflight.is_some() || g.poll_timeout_left {
            return;
        }
        let (phase, coordinator) = (g.phase, g.coordinator);
        match (phase, coordinator) {
            (Phase::Stable, Some(_)) | (Phase::Syncing | Phase::Assigning, _) => {}
            (_, None) => {
                let n = self.bootstrap.len();
                let Some(broker) = (0..n).map(|i| self.bootstrap[(self.bootstrap_cursor + i) % n]).find(|b| self.connections.ready(*b, ctx.now)) else {
                    return;
                };
                let req_id = self.next_req_id();
                let group = self.group.as_ref().expect("checked").group.clone();
                self.group.as_mut().expect("checked").inflight = Some(req_id);
                ctx.send(NodeId::Broker(broker), Payload::FindCoordinator { req_id, group });
                ctx.set_timer(self.config.request_timeout_ms, Timer::RequestTimeout { req_id });
            }
            (Phase::FindCoordinator | Phase::Joining, Some(c)) => self.send_join(ctx, c),
        }
    }

    fn send_join(&mut self, ctx: &mut Ctx, coordinator: BrokerId) {
        let req_id = self.next_req_id();
        let owned = self.assignment.clone();
        let sticky = self.config.assignors.contains(&Assignor::Sticky);
        let g = self.group.as_mut().expect("in a group");
        g.phase = Phase::Joining;
        g.inflight = Some(req_id);
        // onJoinPrepare: no longer the leader, back to watching our own topics only.
        g.group_subscription.clear();
        g.assignment_snapshot = None;
        g.pending_assignment = None;
        let join = JoinRequest {
            group: g.group.clone(),
            member_id: g.member_id.clone(),
            client_id: self.name.clone(),
            group_instance_id: self.config.group_instance_id.clone(),
            protocols: self.config.assignors.clone(),
            topics: g.topics.clone(),
            owned,
            generation: g.generation,
            // Only the `sticky` protocol's subscription carries userData.
            user_data: if sticky { g.sticky_memory.clone() } else { None },
            session_timeout_ms: self.config.session_timeout_ms,
            rebalance_timeout_ms: self.config.max_poll_interval_ms,
        };
        ctx.send(NodeId::Broker(coordinator), Payload::JoinGroup { req_id, join });
        // JoinGroup waits for the whole group: allow the rebalance timeout.
        ctx.set_timer(self.config.max_poll_interval_ms + 5_000, Timer::RequestTimeout { req_id });
    }

    /// Starts a rebalance from this side. EAGER revokes every partition first (committing
    /// them when auto-commit is on); COOPERATIVE keeps them.
    fn rejoin(&mut self, ctx: &mut Ctx) {
        let cooperative = self.group.as_ref().and_then(|g| g.protocol).is_some_and(|p| p.is_cooperative());
        if !cooperative && !self.assignment.is_empty() {
            if self.config.commit_mode == CommitMode::Auto {
                let _ = self.commit_positions(ctx);
            }
            let revoked = std::mem::take(&mut self.assignment);
            self.drop_partitions(&revoked);
            let g = self.group.as_ref().expect("in a group");
            ctx.trace(TraceEvent::PartitionsRevoked { client: self.name.clone(), group: g.group.clone(), partitions: revoked });
        }
        if let Some(g) = self.group.as_mut() {
            g.phase = Phase::Joining;
            g.inflight = None;
        }
        self.group_tick(ctx);
    }

    fn drop_partitions(&mut self, gone: &[TopicPartition]) {
        self.positions.retain(|tp, _| !gone.contains(tp));
        self.buffer.retain(|(tp, _)| !gone.contains(tp));
        self.buffered.retain(|tp, _| !gone.contains(tp));
        self.pending_offsets.retain(|tp| !gone.contains(tp));
    }

    /// Our membership is gone (session expired, fenced): the partitions are lost, not
    /// revoked, and nothing is committed for them (onPartitionsLost).
    fn lose_membership(&mut self, ctx: &mut Ctx) {
        let lost = std::mem::take(&mut self.assignment);
        self.drop_partitions(&lost);
        let static_member = self.config.group_instance_id.is_some();
        let g = self.group.as_mut().expect("in a group");
        if !lost.is_empty() {
            ctx.trace(TraceEvent::PartitionsLost { client: self.name.clone(), group: g.group.clone(), partitions: lost });
        }
        if !static_member {
            g.member_id.clear();
        }
        g.generation = -1;
        g.phase = Phase::Joining;
        g.inflight = None;
    }

    /// The coordinator stopped answering or moved: find it again (membership is kept).
    pub(crate) fn coordinator_gone(&mut self) {
        if let Some(g) = self.group.as_mut() {
            g.coordinator = None;
            g.inflight = None;
            if g.phase != Phase::Stable {
                g.phase = Phase::FindCoordinator;
                g.pending_assignment = None;
            }
        }
    }

    /// Handles a group protocol message; false when `payload` is not one.
    pub(crate) fn on_group_message(&mut self, ctx: &mut Ctx, payload: &Payload) -> bool {
        if self.group.is_none() {
            return false;
        }
        match payload {
            Payload::FindCoordinatorResponse { req_id, result } => {
                let g = self.group.as_mut().expect("checked");
                if g.inflight != Some(*req_id) {
                    return true;
                }
                g.inflight = None;
                match result {
                    Ok(b) => {
                        g.coordinator = Some(*b);
                        if g.phase == Phase::FindCoordinator {
                            g.phase = Phase::Joining;
                        }
                        // Committed offsets asked of a coordinator that went away are asked
                        // of the new one (ConsumerCoordinator.fetchCommittedOffsets retries).
                        if self.offset_fetch_inflight.is_none() && !self.pending_offsets.is_empty() {
                            let pending: Vec<TopicPartition> = self.pending_offsets.iter().cloned().collect();
                            self.refetch_offsets(ctx, pending);
                        }
                        self.group_tick(ctx);
                    }
                    Err(_) => {
                        let at = ctx.now + self.config.retry_backoff_ms.max(100);
                        self.bootstrap_cursor += 1;
                        self.schedule_wake(ctx, at);
                    }
                }
            }
            Payload::JoinGroupResponse { req_id, result } => {
                let g = self.group.as_mut().expect("checked");
                if g.inflight != Some(*req_id) {
                    return true;
                }
                g.inflight = None;
                match result {
                    Ok(j) => self.on_joined(ctx, j.clone()),
                    Err((KafkaError::MemberIdRequired, Some(id))) => {
                        g.member_id = id.clone();
                        self.group_tick(ctx);
                    }
                    Err((KafkaError::UnknownMemberId | KafkaError::IllegalGeneration, _)) => {
                        self.lose_membership(ctx);
                        self.group_tick(ctx);
                    }
                    Err((KafkaError::NotCoordinator | KafkaError::CoordinatorNotAvailable, _)) => {
                        self.coordinator_gone();
                        let at = ctx.now + self.config.retry_backoff_ms;
                        self.schedule_wake(ctx, at);
                    }
                    Err((e, _)) => {
                        let (client, group, e) = (self.name.clone(), g.group.clone(), *e);
                        ctx.trace(TraceEvent::ConsumerError { client, tp: TopicPartition { topic: group, partition: -1 }, error: e });
                        let at = ctx.now + self.config.retry_backoff_ms.max(1_000);
                        self.schedule_wake(ctx, at);
                    }
                }
            }
            Payload::SyncGroupResponse { req_id, result } => {
                let g = self.group.as_mut().expect("checked");
                if g.inflight != Some(*req_id) {
                    return true;
                }
                g.inflight = None;
                match result {
                    Ok(a) => self.on_synced(ctx, a.clone()),
                    Err(KafkaError::RebalanceInProgress) => self.rejoin(ctx),
                    Err(KafkaError::UnknownMemberId | KafkaError::IllegalGeneration) => {
                        self.lose_membership(ctx);
                        self.group_tick(ctx);
                    }
                    Err(_) => {
                        self.coordinator_gone();
                        if let Some(g) = self.group.as_mut() {
                            g.phase = Phase::FindCoordinator;
                        }
                        let at = ctx.now + self.config.retry_backoff_ms;
                        self.schedule_wake(ctx, at);
                    }
                }
            }
            Payload::HeartbeatResponse { req_id, error } => {
                let g = self.group.as_mut().expect("checked");
                if g.heartbeat_inflight != Some(*req_id) {
                    return true;
                }
                g.heartbeat_inflight = None;
                match error {
                    None => {}
                    Some(KafkaError::RebalanceInProgress) if g.phase == Phase::Stable => {
                        self.rejoin(ctx);
                    }
                    Some(KafkaError::UnknownMemberId | KafkaError::IllegalGeneration | KafkaError::FencedInstanceId) => {
                        self.lose_membership(ctx);
                        self.group_tick(ctx);
                    }
                    Some(_) => self.coordinator_gone(),
                }
            }
            Payload::OffsetFetchResponse { req_id, result } => {
                if self.offset_fetch_inflight.take_if(|r| r == req_id).is_none() {
                    return true;
                }
                match result {
                    Ok(offsets) => {
                        for (tp, o) in offsets {
                            if self.pending_offsets.remove(tp) {
                                if let Some(p) = self.positions.get_mut(tp) {
                                    p.position = (*o >= 0).then_some(*o);
                                }
                            }
                        }
                    }
                    Err(_) => self.coordinator_gone(),
                }
                self.run(ctx);
            }
            Payload::OffsetCommitResponse { req_id, result } => {
                if let Err(e) = result {
                    if matches!(e, KafkaError::NotCoordinator | KafkaError::CoordinatorNotAvailable) {
                        self.coordinator_gone();
                    }
                }
                if self.sync_commit_inflight == Some(*req_id) {
                    self.end_sync_commit(ctx);
                }
            }
            Payload::LeaveGroupResponse { .. } => {}
            _ => return false,
        }
        true
    }

    fn on_joined(&mut self, ctx: &mut Ctx, j: JoinResult) {
        let g = self.group.as_mut().expect("in a group");
        g.member_id = j.member_id.clone();
        g.generation = j.generation;
        g.leader = j.leader == j.member_id;
        g.protocol = Some(j.protocol);
        let group = g.group.clone();
        let leader = g.leader;
        ctx.trace(TraceEvent::JoinedGroup {
            client: self.name.clone(),
            group: group.clone(),
            generation: j.generation,
            member_id: j.member_id.clone(),
            leader,
        });
        if !leader {
            return self.sync(ctx, j, Vec::new());
        }
        // ConsumerCoordinator.onLeaderElected -> updateGroupSubscription: the leader watches
        // every member's topics from now on, and assigns only with metadata that covers them.
        // It fetches first when the group reads topics it does not subscribe to itself
        // (groupSubscribe -> requestUpdateForNewTopics) or its metadata is due or missing
        // (ensureFreshMetadata).
        let mut topics: Vec<String> = j.members.iter().flat_map(|m| m.topics.iter().cloned()).collect();
        crate::sort::sort(&mut topics);
        topics.dedup();
        let g = self.group.as_mut().expect("in a group");
        let new_topics = !topics.iter().all(|t| g.topics.contains(t));
        g.group_subscription = topics;
        let due = self.last_metadata_ms.is_none_or(|t| ctx.now >= t + self.config.metadata_max_age_ms);
        let missing = self.group_topics().iter().any(|t| !self.metadata.contains_key(t));
        if new_topics || due || missing || self.metadata_wanted {
            let after = self.last_req_id();
            let g = self.group.as_mut().expect("in a group");
            g.phase = Phase::Assigning;
            g.pending_assignment = Some((j, after));
            self.metadata_wanted = true;
            self.run(ctx);
        } else {
            self.assign_and_sync(ctx, j);
        }
    }

    /// The leader runs the assignor over the partition counts it knows, remembers them
    /// (assignmentSnapshot) and sends the assignment.
    fn assign_and_sync(&mut self, ctx: &mut Ctx, j: JoinResult) {
        let mut ppt = crate::vecmap::VecMap::new();
        for m in &j.members {
            for t in &m.topics {
                if let Some(parts) = self.metadata.get(t.as_str()) {
                    ppt.insert(t.clone(), parts.len() as i32);
                }
            }
        }
        let assignments = assign(j.protocol, &ppt, &j.members).by_member.into_iter().collect();
        let snapshot = self.metadata_snapshot();
        self.group.as_mut().expect("in a group").assignment_snapshot = Some(snapshot);
        self.sync(ctx, j, assignments);
    }

    /// A metadata response arrived: the waiting leader assigns, a stable leader whose
    /// metadata changed since it assigned rejoins.
    pub(crate) fn on_metadata_updated(&mut self, ctx: &mut Ctx, req_id: u64) {
        let Some(g) = self.group.as_mut() else { return };
        if g.phase == Phase::Assigning {
            if g.pending_assignment.as_ref().is_some_and(|(_, after)| req_id > *after) {
                let (j, _) = g.pending_assignment.take().expect("checked");
                self.assign_and_sync(ctx, j);
            }
            return;
        }
        self.maybe_rejoin_for_metadata(ctx);
    }

    /// ConsumerCoordinator.rejoinNeededOrPending: "cached metadata has changed" since the
    /// leader assigned (a topic's partition count, or a topic appearing or going away).
    fn maybe_rejoin_for_metadata(&mut self, ctx: &mut Ctx) {
        let Some(g) = self.group.as_ref() else { return };
        if g.phase != Phase::Stable || g.poll_timeout_left {
            return;
        }
        let Some(snapshot) = g.assignment_snapshot.as_ref() else { return };
        if *snapshot != self.metadata_snapshot() {
            self.rejoin(ctx);
        }
    }

    /// SyncGroup: the leader's with the assignment, a follower's empty.
    fn sync(&mut self, ctx: &mut Ctx, j: JoinResult, assignments: Vec<(String, Vec<TopicPartition>)>) {
        let Some(coordinator) = self.group.as_ref().and_then(|g| g.coordinator) else {
            self.coordinator_gone();
            return;
        };
        let group = self.group.as_ref().expect("in a group").group.clone();
        let req_id = self.next_req_id();
        let g = self.group.as_mut().expect("in a group");
        g.phase = Phase::Syncing;
        g.inflight = Some(req_id);
        ctx.send(NodeId::Broker(coordinator), Payload::SyncGroup { req_id, group, generation: j.generation, member_id: j.member_id, assignments });
        ctx.set_timer(self.config.request_timeout_ms, Timer::RequestTimeout { req_id });
    }

    fn on_synced(&mut self, ctx: &mut Ctx, assignment: Vec<TopicPartition>) {
        let g = self.group.as_mut().expect("in a group");
        g.phase = Phase::Stable;
        let group = g.group.clone();
        let generation = g.generation;
        if g.protocol == Some(Assignor::Sticky) {
            // StickyAssignor.onAssignment: remembered for the next JoinGroup's userData.
            g.sticky_memory = Some(UserData { partitions: assignment.clone(), generation: Some(generation) });
        }
        let new: VecSet<TopicPartition> = assignment.iter().cloned().collect::<VecSet<_>>();
        let old: VecSet<TopicPartition> = self.assignment.iter().cloned().collect::<VecSet<_>>();
        let revoked: Vec<TopicPartition> = old.difference(&new).cloned().collect();
        let added: Vec<TopicPartition> = new.difference(&old).cloned().collect();
        if !revoked.is_empty() {
            // COOPERATIVE: give up only what moves, then rejoin so it can be handed out.
            if self.config.commit_mode == CommitMode::Auto {
                self.commit_positions(ctx);
            }
            self.drop_partitions(&revoked);
            ctx.trace(TraceEvent::PartitionsRevoked { client: self.name.clone(), group: group.clone(), partitions: revoked.clone() });
        }
        self.assignment = new.iter().cloned().collect();
        ctx.trace(TraceEvent::PartitionsAssigned { client: self.name.clone(), group: group.clone(), generation, partitions: added.clone() });
        for tp in &added {
            self.positions.insert(tp.clone(), super::consumer::PartitionPosition { position: None, error: None, high_watermark: -1, retry_after: 0 });
            self.pending_offsets.insert(tp.clone());
        }
        if !added.is_empty() {
            if let Some(c) = self.group.as_ref().and_then(|g| g.coordinator) {
                let req_id = self.next_req_id();
                self.offset_fetch_inflight = Some(req_id);
                ctx.send(NodeId::Broker(c), Payload::OffsetFetch { req_id, group: group.clone(), partitions: added });
                ctx.set_timer(self.config.request_timeout_ms, Timer::RequestTimeout { req_id });
            }
        }
        if !revoked.is_empty() {
            self.rejoin(ctx);
        } else {
            // The metadata may have changed while the group was syncing.
            self.maybe_rejoin_for_metadata(ctx);
        }
        self.run(ctx);
    }

    /// The heartbeat thread: heartbeats while stable, and leaves the group when the
    /// application has not called poll() for max.poll.interval.ms.
    pub(crate) fn on_heartbeat_timer(&mut self, ctx: &mut Ctx) {
        let now = ctx.now;
        let busy = self.busy_until > now;
        let Some(g) = self.group.as_mut() else { return };
        ctx.set_timer(self.config.heartbeat_interval_ms, Timer::Heartbeat);
        if busy && g.phase == Phase::Stable && !g.poll_timeout_left && now.saturating_sub(g.last_poll_ms) > self.config.max_poll_interval_ms {
            // "consumer poll timeout has expired": a dynamic member leaves; a static one stops
            // heartbeating and waits for session.timeout.ms.
            g.poll_timeout_left = true;
            let client = self.name.clone();
            ctx.trace(TraceEvent::ConsumerError { client, tp: TopicPartition { topic: g.group.clone(), partition: -1 }, error: KafkaError::PollTimeout });
            if self.config.group_instance_id.is_none() {
                if let Some(c) = g.coordinator {
                    let (group, member_id) = (g.group.clone(), g.member_id.clone());
                    let req_id = self.next_req_id();
                    ctx.send(NodeId::Broker(c), Payload::LeaveGroup { req_id, group, member_id });
                }
                self.lose_membership(ctx);
                if let Some(g) = self.group.as_mut() {
                    g.poll_timeout_left = true;
                }
            }
            // The application rejoins when its processing ends and it polls again.
            self.schedule_poll(ctx, 0);
            return;
        }
        if g.poll_timeout_left {
            return;
        }
        if let (Phase::Stable, Some(c), None) = (g.phase, g.coordinator, g.heartbeat_inflight) {
            let (group, generation, member_id) = (g.group.clone(), g.generation, g.member_id.clone());
            let req_id = self.next_req_id();
            self.group.as_mut().expect("checked").heartbeat_inflight = Some(req_id);
            ctx.send(NodeId::Broker(c), Payload::Heartbeat { req_id, group, generation, member_id });
        } else if let Some(g) = self.group.as_mut() {
            // A heartbeat still unanswered after a whole interval is given up on.
            g.heartbeat_inflight = None;
        }
        self.group_tick(ctx);
    }

    /// Commits the positions of every owned partition; returns the request id.
    pub(crate) fn commit_positions(&mut self, ctx: &mut Ctx) -> Option<u64> {
        let g = self.group.as_ref()?;
        let c = g.coordinator?;
        if g.generation < 0 {
            return None;
        }
        let offsets: Vec<(TopicPartition, i64)> =
            self.assignment.iter().filter_map(|tp| self.positions.get(tp).and_then(|p| p.position).map(|o| (tp.clone(), o))).collect();
        if offsets.is_empty() {
            return None;
        }
        let (group, generation, member_id) = (g.group.clone(), g.generation, g.member_id.clone());
        let req_id = self.next_req_id();
        ctx.send(NodeId::Broker(c), Payload::OffsetCommit { req_id, group, generation, member_id, offsets });
        Some(req_id)
    }

    /// Called as the application enters poll(): commits by mode, rejoins after a poll timeout.
    pub(crate) fn on_poll_entry(&mut self, ctx: &mut Ctx) {
        let now = ctx.now;
        let mode = self.config.commit_mode;
        let interval = self.config.auto_commit_interval_ms;
        let Some(g) = self.group.as_mut() else { return };
        g.last_poll_ms = now;
        if g.poll_timeout_left {
            g.poll_timeout_left = false;
            self.group_tick(ctx);
            return;
        }
        match mode {
            CommitMode::Auto if now.saturating_sub(g.last_auto_commit_ms) >= interval => {
                g.last_auto_commit_ms = now;
                self.commit_positions(ctx);
            }
            _ => {}
        }
    }

    /// The auto-commit timer: an application waiting in poll() commits on the interval; a busy
    /// one commits when it next polls.
    pub(crate) fn on_auto_commit_timer(&mut self, ctx: &mut Ctx) {
        let now = ctx.now;
        let interval = self.config.auto_commit_interval_ms.max(1);
        ctx.set_timer(interval, Timer::AutoCommit);
        if self.busy_until > now {
            return;
        }
        if let Some(g) = self.group.as_mut() {
            if g.phase == Phase::Stable && now.saturating_sub(g.last_auto_commit_ms) >= interval {
                g.last_auto_commit_ms = now;
                self.commit_positions(ctx);
            }
        }
    }

    /// Processing of the last batch is done: commitSync (the application blocks until the
    /// answer) or commitAsync (it polls on at once).
    pub(crate) fn on_processing_done(&mut self, ctx: &mut Ctx) {
        if !self.group.as_ref().is_some_and(|g| g.phase == Phase::Stable) {
            return;
        }
        match self.config.commit_mode {
            CommitMode::Async => {
                self.commit_positions(ctx);
            }
            CommitMode::Sync => {
                if let Some(req_id) = self.commit_positions(ctx) {
                    self.sync_commit_inflight = Some(req_id);
                    self.busy_until = Millis::MAX;
                    ctx.set_timer(self.config.request_timeout_ms, Timer::RequestTimeout { req_id });
                }
            }
            _ => {}
        }
    }

    /// commitSync returned (answered or timed out): the application polls again.
    pub(crate) fn end_sync_commit(&mut self, ctx: &mut Ctx) {
        self.sync_commit_inflight = None;
        self.busy_until = ctx.now;
        self.schedule_poll(ctx, 0);
        self.run(ctx);
    }

    /// Closing the consumer: dynamic members leave the group; static members do not (KIP-345).
    pub fn close(&mut self, ctx: &mut Ctx) {
        if self.config.commit_mode == CommitMode::Auto {
            self.commit_positions(ctx);
        }
        if let Some(g) = self.group.as_ref() {
            if let (Some(c), None) = (g.coordinator, &self.config.group_instance_id) {
                let (group, member_id) = (g.group.clone(), g.member_id.clone());
                let req_id = self.next_req_id();
                ctx.send(NodeId::Broker(c), Payload::LeaveGroup { req_id, group, member_id });
            }
        }
        self.running = false;
    }
}
