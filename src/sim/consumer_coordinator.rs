//! A consumer's side of the classic group protocol (Kafka: `ConsumerCoordinator` /
//! `AbstractCoordinator`): find the coordinator, join, the leader assigns, sync, fetch the
//! committed offsets, heartbeat, commit, and rebalance EAGER (revoke everything first) or
//! COOPERATIVE (KIP-429: keep what stays, give up only what moves, then rejoin).
//!
//! The consumer owns its coordinator and lends it the rest of itself for each call
//! (`ConsumerContext`: its assignment and positions, metadata and network client, as Kafka hands
//! ConsumerCoordinator the consumer's SubscriptionState, ConsumerMetadata and
//! ConsumerNetworkClient). What the consumer must do afterwards (run, end a commitSync, poll)
//! comes back as a value.
use crate::vecmap::{VecMap, VecSet};
use std::rc::Rc;

use super::assignor::{assign, Assignor, UserData};
use super::config::{CommitMode, ConsumerConfig};
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

/// What the coordinator uses of the consumer that owns it.
pub(crate) trait ConsumerContext {
    fn config(&self) -> &ConsumerConfig;
    /// The client's name, for the trace.
    fn name(&self) -> &Rc<str>;
    fn next_req_id(&mut self) -> u64;
    /// The id of the last request sent (later requests have larger ids).
    fn last_req_id(&self) -> u64;
    /// A bootstrap broker whose connection is ready, trying from the bootstrap cursor on.
    fn ready_bootstrap(&self, now: Millis) -> Option<BrokerId>;
    /// Moves the bootstrap cursor to the next broker.
    fn next_bootstrap(&mut self);
    /// Wakes the consumer at `at` (a backoff ends).
    fn schedule_wake(&mut self, ctx: &mut Ctx, at: Millis);
    /// The application is processing the last poll's records until then.
    fn busy_until(&self) -> Millis;
    fn assignment(&self) -> &[TopicPartition];
    fn assignment_mut(&mut self) -> &mut Vec<TopicPartition>;
    /// The next offset poll() returns for `tp`, if known.
    fn position(&self, tp: &TopicPartition) -> Option<i64>;
    /// Sets the position of an assigned partition (committed offset fetched; None: reset).
    fn set_position(&mut self, tp: &TopicPartition, position: Option<i64>);
    /// A newly assigned partition, with no position yet.
    fn add_partition(&mut self, tp: TopicPartition);
    /// Forgets positions and buffered records of partitions no longer owned.
    fn drop_partitions(&mut self, gone: &[TopicPartition]);
    /// The partition count the metadata knows for `topic` (None: not in the metadata).
    fn partition_count(&self, topic: &str) -> Option<usize>;
    /// Metadata is older than metadata.max.age.ms, or there is none yet.
    fn metadata_due(&self, now: Millis) -> bool;
    fn metadata_wanted(&self) -> bool;
    /// Asks for a metadata refresh at the next run.
    fn request_metadata(&mut self);
}

/// What the consumer does after its coordinator looked at a message.
#[derive(Copy, Clone, PartialEq, Eq, Debug)]
pub(crate) enum Handled {
    /// Not a group protocol message: the consumer handles it.
    NotGroup,
    /// Handled, nothing more to do.
    Done,
    /// Handled; the consumer runs (sends what is now due).
    Run,
    /// An offset commit was answered: a commitSync waiting on it returns.
    CommitAnswered(u64),
}

#[derive(Clone, PartialEq, Eq, Debug)]
pub struct ConsumerCoordinator {
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
    /// Assigned partitions whose committed offset is still being fetched.
    pub(crate) pending_offsets: VecSet<TopicPartition>,
    pub(crate) offset_fetch_inflight: Option<u64>,
}

impl ConsumerCoordinator {
    /// KafkaConsumer.subscribe with a group.id: a member that has not joined yet.
    pub(crate) fn new(group: &str, topics: Vec<String>, now: Millis) -> Self {
        ConsumerCoordinator {
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
            last_poll_ms: now,
            last_auto_commit_ms: now,
            poll_timeout_left: false,
            group_subscription: Vec::new(),
            assignment_snapshot: None,
            pending_assignment: None,
            sticky_memory: None,
            pending_offsets: VecSet::new(),
            offset_fetch_inflight: None,
        }
    }

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

    /// The topics the member keeps metadata for (SubscriptionState.metadataTopics): its own
    /// subscription, and for the leader every member's topics; sorted.
    pub(crate) fn group_topics(&self) -> Vec<Rc<str>> {
        let mut topics: Vec<Rc<str>> = self.topics.iter().chain(&self.group_subscription).map(|t| Rc::from(t.as_str())).collect();
        crate::sort::sort(&mut topics);
        topics.dedup();
        topics
    }

    /// The partition counts of the watched topics as the metadata knows them now.
    fn metadata_snapshot(&self, c: &impl ConsumerContext) -> MetadataSnapshot {
        self.group_topics()
            .into_iter()
            .map(|t| {
                let n = c.partition_count(&t).unwrap_or(0);
                (t, n)
            })
            .collect()
    }

    /// Drives the protocol: sends what the current phase needs, once.
    pub(crate) fn tick(&mut self, ctx: &mut Ctx, c: &mut impl ConsumerContext) {
        if self.inflight.is_some() || self.poll_timeout_left {
            return;
        }
        match (self.phase, self.coordinator) {
            (Phase::Stable, Some(_)) | (Phase::Syncing | Phase::Assigning, _) => {}
            (_, None) => {
                let Some(broker) = c.ready_bootstrap(ctx.now) else {
                    return;
                };
                let req_id = c.next_req_id();
                let group = self.group.clone();
                self.inflight = Some(req_id);
                ctx.send(NodeId::Broker(broker), Payload::FindCoordinator { req_id, group });
                ctx.set_timer(c.config().request_timeout_ms, Timer::RequestTimeout { req_id });
            }
            (Phase::FindCoordinator | Phase::Joining, Some(coordinator)) => self.send_join(ctx, c, coordinator),
        }
    }

    fn send_join(&mut self, ctx: &mut Ctx, c: &mut impl ConsumerContext, coordinator: BrokerId) {
        let req_id = c.next_req_id();
        let owned = c.assignment().to_vec();
        let config = c.config();
        let sticky = config.assignors.contains(&Assignor::Sticky);
        self.phase = Phase::Joining;
        self.inflight = Some(req_id);
        // onJoinPrepare: no longer the leader, back to watching our own topics only.
        self.group_subscription.clear();
        self.assignment_snapshot = None;
        self.pending_assignment = None;
        let join = JoinRequest {
            group: self.group.clone(),
            member_id: self.member_id.clone(),
            client_id: c.name().clone(),
            group_instance_id: config.group_instance_id.clone(),
            protocols: config.assignors.clone(),
            topics: self.topics.clone(),
            owned,
            generation: self.generation,
            // Only the `sticky` protocol's subscription carries userData.
            user_data: if sticky { self.sticky_memory.clone() } else { None },
            session_timeout_ms: config.session_timeout_ms,
            rebalance_timeout_ms: config.max_poll_interval_ms,
        };
        ctx.send(NodeId::Broker(coordinator), Payload::JoinGroup { req_id, join });
        // JoinGroup waits for the whole group: allow the rebalance timeout.
        ctx.set_timer(config.max_poll_interval_ms + 5_000, Timer::RequestTimeout { req_id });
    }

    /// Starts a rebalance from this side. EAGER revokes every partition first (committing
    /// them when auto-commit is on); COOPERATIVE keeps them.
    fn rejoin(&mut self, ctx: &mut Ctx, c: &mut impl ConsumerContext) {
        let cooperative = self.protocol.is_some_and(|p| p.is_cooperative());
        if !cooperative && !c.assignment().is_empty() {
            if c.config().commit_mode == CommitMode::Auto {
                let _ = self.commit_positions(ctx, c);
            }
            let revoked = std::mem::take(c.assignment_mut());
            self.drop_partitions(c, &revoked);
            ctx.trace(TraceEvent::PartitionsRevoked { client: c.name().clone(), group: self.group.clone(), partitions: revoked });
        }
        self.phase = Phase::Joining;
        self.inflight = None;
        self.tick(ctx, c);
    }

    fn drop_partitions(&mut self, c: &mut impl ConsumerContext, gone: &[TopicPartition]) {
        c.drop_partitions(gone);
        self.pending_offsets.retain(|tp| !gone.contains(tp));
    }

    /// Our membership is gone (session expired, fenced): the partitions are lost, not
    /// revoked, and nothing is committed for them (onPartitionsLost).
    fn lose_membership(&mut self, ctx: &mut Ctx, c: &mut impl ConsumerContext) {
        let lost = std::mem::take(c.assignment_mut());
        self.drop_partitions(c, &lost);
        let static_member = c.config().group_instance_id.is_some();
        if !lost.is_empty() {
            ctx.trace(TraceEvent::PartitionsLost { client: c.name().clone(), group: self.group.clone(), partitions: lost });
        }
        if !static_member {
            self.member_id.clear();
        }
        self.generation = -1;
        self.phase = Phase::Joining;
        self.inflight = None;
    }

    /// The coordinator stopped answering or moved: find it again (membership is kept).
    pub(crate) fn coordinator_gone(&mut self) {
        self.coordinator = None;
        self.inflight = None;
        if self.phase != Phase::Stable {
            self.phase = Phase::FindCoordinator;
            self.pending_assignment = None;
        }
    }

    /// Handles a group protocol message, and says what the consumer does next.
    pub(crate) fn on_message(&mut self, ctx: &mut Ctx, c: &mut impl ConsumerContext, payload: &Payload) -> Handled {
        match payload {
            Payload::FindCoordinatorResponse { req_id, result } => {
                if self.inflight != Some(*req_id) {
                    return Handled::Done;
                }
                self.inflight = None;
                match result {
                    Ok(b) => {
                        self.coordinator = Some(*b);
                        if self.phase == Phase::FindCoordinator {
                            self.phase = Phase::Joining;
                        }
                        // Committed offsets asked of a coordinator that went away are asked
                        // of the new one (ConsumerCoordinator.fetchCommittedOffsets retries).
                        if self.offset_fetch_inflight.is_none() && !self.pending_offsets.is_empty() {
                            let pending: Vec<TopicPartition> = self.pending_offsets.iter().cloned().collect();
                            self.fetch_committed(ctx, c, pending);
                        }
                        self.tick(ctx, c);
                    }
                    Err(_) => {
                        let at = ctx.now + c.config().retry_backoff_ms.max(100);
                        c.next_bootstrap();
                        c.schedule_wake(ctx, at);
                    }
                }
            }
            Payload::JoinGroupResponse { req_id, result } => {
                if self.inflight != Some(*req_id) {
                    return Handled::Done;
                }
                self.inflight = None;
                match result {
                    Ok(j) => return self.on_joined(ctx, c, j.clone()),
                    Err((KafkaError::MemberIdRequired, Some(id))) => {
                        self.member_id = id.clone();
                        self.tick(ctx, c);
                    }
                    Err((KafkaError::UnknownMemberId | KafkaError::IllegalGeneration, _)) => {
                        self.lose_membership(ctx, c);
                        self.tick(ctx, c);
                    }
                    Err((KafkaError::NotCoordinator | KafkaError::CoordinatorNotAvailable, _)) => {
                        self.coordinator_gone();
                        let at = ctx.now + c.config().retry_backoff_ms;
                        c.schedule_wake(ctx, at);
                    }
                    Err((e, _)) => {
                        let (client, group, e) = (c.name().clone(), self.group.clone(), *e);
                        ctx.trace(TraceEvent::ConsumerError { client, tp: TopicPartition { topic: group, partition: -1 }, error: e });
                        let at = ctx.now + c.config().retry_backoff_ms.max(1_000);
                        c.schedule_wake(ctx, at);
                    }
                }
            }
            Payload::SyncGroupResponse { req_id, result } => {
                if self.inflight != Some(*req_id) {
                    return Handled::Done;
                }
                self.inflight = None;
                match result {
                    Ok(a) => return self.on_synced(ctx, c, a.clone()),
                    Err(KafkaError::RebalanceInProgress) => self.rejoin(ctx, c),
                    Err(KafkaError::UnknownMemberId | KafkaError::IllegalGeneration) => {
                        self.lose_membership(ctx, c);
                        self.tick(ctx, c);
                    }
                    Err(_) => {
                        self.coordinator_gone();
                        self.phase = Phase::FindCoordinator;
                        let at = ctx.now + c.config().retry_backoff_ms;
                        c.schedule_wake(ctx, at);
                    }
                }
            }
            Payload::HeartbeatResponse { req_id, error } => {
                if self.heartbeat_inflight != Some(*req_id) {
                    return Handled::Done;
                }
                self.heartbeat_inflight = None;
                match error {
                    // The heartbeat went through: nothing changes.
                    None => {}
                    Some(KafkaError::RebalanceInProgress) if self.phase == Phase::Stable => {
                        self.rejoin(ctx, c);
                    }
                    Some(KafkaError::UnknownMemberId | KafkaError::IllegalGeneration | KafkaError::FencedInstanceId) => {
                        self.lose_membership(ctx, c);
                        self.tick(ctx, c);
                    }
                    Some(_) => self.coordinator_gone(),
                }
            }
            Payload::OffsetFetchResponse { req_id, result } => {
                if self.offset_fetch_inflight.take_if(|r| r == req_id).is_none() {
                    return Handled::Done;
                }
                match result {
                    Ok(offsets) => {
                        for (tp, o) in offsets {
                            if self.pending_offsets.remove(tp) {
                                c.set_position(tp, (*o >= 0).then_some(*o));
                            }
                        }
                    }
                    Err(_) => self.coordinator_gone(),
                }
                return Handled::Run;
            }
            Payload::OffsetCommitResponse { req_id, result } => {
                if let Err(e) = result {
                    if matches!(e, KafkaError::NotCoordinator | KafkaError::CoordinatorNotAvailable) {
                        self.coordinator_gone();
                    }
                }
                return Handled::CommitAnswered(*req_id);
            }
            // Leaving is fire-and-forget (the member is gone either way).
            Payload::LeaveGroupResponse { .. } => {}
            // The consumer's own answers, and what is never sent to a client.
            Payload::MetadataResponse { .. }
            | Payload::ListOffsetsResponse { .. }
            | Payload::FetchResponse { .. }
            | Payload::Disconnected { .. }
            | Payload::BrokerHeartbeat { .. }
            | Payload::BrokerHeartbeatResponse { .. }
            | Payload::MetadataUpdate(_)
            | Payload::AlterPartition { .. }
            | Payload::AlterPartitionResponse { .. }
            | Payload::MetadataRequest { .. }
            | Payload::AutoCreateTopic { .. }
            | Payload::Produce { .. }
            | Payload::ProduceResponse { .. }
            | Payload::Fetch { .. }
            | Payload::ListOffsets { .. }
            | Payload::FindCoordinator { .. }
            | Payload::JoinGroup { .. }
            | Payload::SyncGroup { .. }
            | Payload::Heartbeat { .. }
            | Payload::LeaveGroup { .. }
            | Payload::OffsetCommit { .. }
            | Payload::OffsetFetch { .. } => return Handled::NotGroup,
        }
        Handled::Done
    }

    fn on_joined(&mut self, ctx: &mut Ctx, c: &mut impl ConsumerContext, j: JoinResult) -> Handled {
        self.member_id = j.member_id.clone();
        self.generation = j.generation;
        self.leader = j.leader == j.member_id;
        self.protocol = Some(j.protocol);
        let group = self.group.clone();
        let leader = self.leader;
        ctx.trace(TraceEvent::JoinedGroup { client: c.name().clone(), group: group.clone(), generation: j.generation, member_id: j.member_id.clone(), leader });
        if !leader {
            self.sync(ctx, c, j, Vec::new());
            return Handled::Done;
        }
        // ConsumerCoordinator.onLeaderElected -> updateGroupSubscription: the leader watches
        // every member's topics from now on, and assigns only with metadata that covers them.
        // It fetches first when the group reads topics it does not subscribe to itself
        // (groupSubscribe -> requestUpdateForNewTopics) or its metadata is due or missing
        // (ensureFreshMetadata).
        let mut topics: Vec<String> = j.members.iter().flat_map(|m| m.topics.iter().cloned()).collect();
        crate::sort::sort(&mut topics);
        topics.dedup();
        let new_topics = !topics.iter().all(|t| self.topics.contains(t));
        self.group_subscription = topics;
        let due = c.metadata_due(ctx.now);
        let missing = self.group_topics().iter().any(|t| c.partition_count(t).is_none());
        if new_topics || due || missing || c.metadata_wanted() {
            let after = c.last_req_id();
            self.phase = Phase::Assigning;
            self.pending_assignment = Some((j, after));
            c.request_metadata();
            return Handled::Run;
        }
        self.assign_and_sync(ctx, c, j);
        Handled::Done
    }

    /// The leader runs the assignor over the partition counts it knows, remembers them
    /// (assignmentSnapshot) and sends the assignment.
    fn assign_and_sync(&mut self, ctx: &mut Ctx, c: &mut impl ConsumerContext, j: JoinResult) {
        let mut ppt = VecMap::new();
        for m in &j.members {
            for t in &m.topics {
                if let Some(n) = c.partition_count(t) {
                    ppt.insert(t.clone(), n as i32);
                }
            }
        }
        let assignments = assign(j.protocol, &ppt, &j.members).by_member.into_iter().collect();
        self.assignment_snapshot = Some(self.metadata_snapshot(c));
        self.sync(ctx, c, j, assignments);
    }

    /// A metadata response arrived: the waiting leader assigns, a stable leader whose
    /// metadata changed since it assigned rejoins.
    pub(crate) fn on_metadata_updated(&mut self, ctx: &mut Ctx, c: &mut impl ConsumerContext, req_id: u64) {
        if self.phase == Phase::Assigning {
            if self.pending_assignment.as_ref().is_some_and(|(_, after)| req_id > *after) {
                let (j, _) = self.pending_assignment.take().expect("checked");
                self.assign_and_sync(ctx, c, j);
            }
            return;
        }
        self.maybe_rejoin_for_metadata(ctx, c);
    }

    /// ConsumerCoordinator.rejoinNeededOrPending: "cached metadata has changed" since the
    /// leader assigned (a topic's partition count, or a topic appearing or going away).
    fn maybe_rejoin_for_metadata(&mut self, ctx: &mut Ctx, c: &mut impl ConsumerContext) {
        if self.phase != Phase::Stable || self.poll_timeout_left {
            return;
        }
        let Some(snapshot) = self.assignment_snapshot.as_ref() else { return };
        if *snapshot != self.metadata_snapshot(c) {
            self.rejoin(ctx, c);
        }
    }

    /// SyncGroup: the leader's with the assignment, a follower's empty.
    fn sync(&mut self, ctx: &mut Ctx, c: &mut impl ConsumerContext, j: JoinResult, assignments: Vec<(String, Vec<TopicPartition>)>) {
        let Some(coordinator) = self.coordinator else {
            self.coordinator_gone();
            return;
        };
        let group = self.group.clone();
        let req_id = c.next_req_id();
        self.phase = Phase::Syncing;
        self.inflight = Some(req_id);
        ctx.send(NodeId::Broker(coordinator), Payload::SyncGroup { req_id, group, generation: j.generation, member_id: j.member_id, assignments });
        ctx.set_timer(c.config().request_timeout_ms, Timer::RequestTimeout { req_id });
    }

    fn on_synced(&mut self, ctx: &mut Ctx, c: &mut impl ConsumerContext, assignment: Vec<TopicPartition>) -> Handled {
        self.phase = Phase::Stable;
        let group = self.group.clone();
        let generation = self.generation;
        if self.protocol == Some(Assignor::Sticky) {
            // StickyAssignor.onAssignment: remembered for the next JoinGroup's userData.
            self.sticky_memory = Some(UserData { partitions: assignment.clone(), generation: Some(generation) });
        }
        let new: VecSet<TopicPartition> = assignment.iter().cloned().collect::<VecSet<_>>();
        let old: VecSet<TopicPartition> = c.assignment().iter().cloned().collect::<VecSet<_>>();
        let revoked: Vec<TopicPartition> = old.difference(&new).cloned().collect();
        let added: Vec<TopicPartition> = new.difference(&old).cloned().collect();
        if !revoked.is_empty() {
            // COOPERATIVE: give up only what moves, then rejoin so it can be handed out.
            if c.config().commit_mode == CommitMode::Auto {
                self.commit_positions(ctx, c);
            }
            self.drop_partitions(c, &revoked);
            ctx.trace(TraceEvent::PartitionsRevoked { client: c.name().clone(), group: group.clone(), partitions: revoked.clone() });
        }
        *c.assignment_mut() = new.iter().cloned().collect();
        ctx.trace(TraceEvent::PartitionsAssigned { client: c.name().clone(), group: group.clone(), generation, partitions: added.clone() });
        for tp in &added {
            c.add_partition(tp.clone());
            self.pending_offsets.insert(tp.clone());
        }
        if !added.is_empty() {
            if let Some(coordinator) = self.coordinator {
                let req_id = c.next_req_id();
                self.offset_fetch_inflight = Some(req_id);
                ctx.send(NodeId::Broker(coordinator), Payload::OffsetFetch { req_id, group: group.clone(), partitions: added });
                ctx.set_timer(c.config().request_timeout_ms, Timer::RequestTimeout { req_id });
            }
        }
        if !revoked.is_empty() {
            self.rejoin(ctx, c);
        } else {
            // The metadata may have changed while the group was syncing.
            self.maybe_rejoin_for_metadata(ctx, c);
        }
        Handled::Run
    }

    /// Asks the coordinator for the committed offsets of `partitions` (OffsetFetch).
    fn fetch_committed(&mut self, ctx: &mut Ctx, c: &mut impl ConsumerContext, partitions: Vec<TopicPartition>) {
        let Some(coordinator) = self.coordinator else { return };
        if partitions.is_empty() {
            return;
        }
        let req_id = c.next_req_id();
        self.offset_fetch_inflight = Some(req_id);
        ctx.send(NodeId::Broker(coordinator), Payload::OffsetFetch { req_id, group: self.group.clone(), partitions });
        ctx.set_timer(c.config().request_timeout_ms, Timer::RequestTimeout { req_id });
    }

    /// Request `req_id` timed out: if it was the OffsetFetch, ask again.
    pub(crate) fn on_request_timeout(&mut self, ctx: &mut Ctx, c: &mut impl ConsumerContext, req_id: u64) {
        if self.offset_fetch_inflight == Some(req_id) {
            self.offset_fetch_inflight = None;
            let pending: Vec<TopicPartition> = self.pending_offsets.iter().cloned().collect();
            self.fetch_committed(ctx, c, pending);
        }
    }

    /// The heartbeat thread: heartbeats while stable, and leaves the group when the
    /// application has not called poll() for max.poll.interval.ms. True when the application
    /// must poll again to rejoin.
    pub(crate) fn on_heartbeat_timer(&mut self, ctx: &mut Ctx, c: &mut impl ConsumerContext) -> bool {
        let now = ctx.now;
        let busy = c.busy_until() > now;
        ctx.set_timer(c.config().heartbeat_interval_ms, Timer::Heartbeat);
        if busy && self.phase == Phase::Stable && !self.poll_timeout_left && now.saturating_sub(self.last_poll_ms) > c.config().max_poll_interval_ms {
            // "consumer poll timeout has expired": a dynamic member leaves; a static one stops
            // heartbeating and waits for session.timeout.ms.
            self.poll_timeout_left = true;
            let client = c.name().clone();
            ctx.trace(TraceEvent::ConsumerError { client, tp: TopicPartition { topic: self.group.clone(), partition: -1 }, error: KafkaError::PollTimeout });
            if c.config().group_instance_id.is_none() {
                if let Some(coordinator) = self.coordinator {
                    let (group, member_id) = (self.group.clone(), self.member_id.clone());
                    let req_id = c.next_req_id();
                    ctx.send(NodeId::Broker(coordinator), Payload::LeaveGroup { req_id, group, member_id });
                }
                self.lose_membership(ctx, c);
                self.poll_timeout_left = true;
            }
            // The application rejoins when its processing ends and it polls again.
            return true;
        }
        if self.poll_timeout_left {
            return false;
        }
        if let (Phase::Stable, Some(coordinator), None) = (self.phase, self.coordinator, self.heartbeat_inflight) {
            let (group, generation, member_id) = (self.group.clone(), self.generation, self.member_id.clone());
            let req_id = c.next_req_id();
            self.heartbeat_inflight = Some(req_id);
            ctx.send(NodeId::Broker(coordinator), Payload::Heartbeat { req_id, group, generation, member_id });
        } else {
            // A heartbeat still unanswered after a whole interval is given up on.
            self.heartbeat_inflight = None;
        }
        self.tick(ctx, c);
        false
    }

    /// Commits the positions of every owned partition; returns the request id.
    pub(crate) fn commit_positions(&mut self, ctx: &mut Ctx, c: &mut impl ConsumerContext) -> Option<u64> {
        let coordinator = self.coordinator?;
        if self.generation < 0 {
            return None;
        }
        let offsets: Vec<(TopicPartition, i64)> = c.assignment().iter().filter_map(|tp| c.position(tp).map(|o| (tp.clone(), o))).collect();
        if offsets.is_empty() {
            return None;
        }
        let (group, generation, member_id) = (self.group.clone(), self.generation, self.member_id.clone());
        let req_id = c.next_req_id();
        ctx.send(NodeId::Broker(coordinator), Payload::OffsetCommit { req_id, group, generation, member_id, offsets });
        Some(req_id)
    }

    /// Called as the application enters poll(): commits by mode, rejoins after a poll timeout.
    pub(crate) fn on_poll_entry(&mut self, ctx: &mut Ctx, c: &mut impl ConsumerContext) {
        let now = ctx.now;
        let mode = c.config().commit_mode;
        let interval = c.config().auto_commit_interval_ms;
        self.last_poll_ms = now;
        if self.poll_timeout_left {
            self.poll_timeout_left = false;
            self.tick(ctx, c);
            return;
        }
        match mode {
            CommitMode::Auto if now.saturating_sub(self.last_auto_commit_ms) >= interval => {
                self.last_auto_commit_ms = now;
                self.commit_positions(ctx, c);
            }
            // Auto-commit's interval has not passed; the other modes commit around processing
            // (consumer.rs) or never.
            CommitMode::Auto | CommitMode::Sync | CommitMode::Async | CommitMode::BeforeProcessing | CommitMode::Never => {}
        }
    }

    /// The auto-commit timer: an application waiting in poll() commits on the interval; a busy
    /// one commits when it next polls.
    pub(crate) fn on_auto_commit_timer(&mut self, ctx: &mut Ctx, c: &mut impl ConsumerContext) {
        let now = ctx.now;
        let interval = c.config().auto_commit_interval_ms.max(1);
        ctx.set_timer(interval, Timer::AutoCommit);
        if c.busy_until() > now {
            return;
        }
        if self.phase == Phase::Stable && now.saturating_sub(self.last_auto_commit_ms) >= interval {
            self.last_auto_commit_ms = now;
            self.commit_positions(ctx, c);
        }
    }

    /// Closing the consumer: commits (with auto-commit), then dynamic members leave the group;
    /// static members do not (KIP-345).
    pub(crate) fn close(&mut self, ctx: &mut Ctx, c: &mut impl ConsumerContext) {
        if c.config().commit_mode == CommitMode::Auto {
            self.commit_positions(ctx, c);
        }
        if let (Some(coordinator), None) = (self.coordinator, &c.config().group_instance_id) {
            let (group, member_id) = (self.group.clone(), self.member_id.clone());
            let req_id = c.next_req_id();
            ctx.send(NodeId::Broker(coordinator), Payload::LeaveGroup { req_id, group, member_id });
        }
    }
}
