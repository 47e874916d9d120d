//! Plain read-only snapshots of the simulation for the UI and the shell. The UI reads only
//! these; they compare cheaply so components re-render only when something changed.
use std::rc::Rc;

use super::assignor::Assignor;
use super::broker::BrokerState;
use super::engine::{Client, Sim};
use super::event::Event;
use super::group::GroupState;
use super::partition::Role;
use super::types::{BrokerId, ClientId, Millis, NodeId, TopicPartition};

#[derive(Clone, PartialEq, Eq, Debug)]
pub struct RecordView {
    pub offset: i64,
    pub leader_epoch: i32,
    pub key: Option<Rc<str>>,
    pub value: Option<Rc<str>>,
    /// The record's headers (shared with the log, not copied).
    pub headers: Rc<[(Rc<str>, Rc<str>)]>,
}

#[derive(Clone, PartialEq, Eq, Debug)]
pub struct ReplicaView {
    pub tp: TopicPartition,
    /// False while its broker is down: the log is on disk but nobody serves it.
    pub online: bool,
    pub is_leader: bool,
    /// The leader this replica follows (its own view).
    pub following: Option<BrokerId>,
    pub leader_epoch: i32,
    pub log_start_offset: i64,
    pub log_end_offset: i64,
    pub high_watermark: i64,
    /// In the ISR the controller committed.
    pub in_isr: bool,
    /// The newest records (up to the view's tail length), oldest first.
    pub tail: Vec<RecordView>,
}

#[derive(Clone, PartialEq, Eq, Debug)]
pub struct BrokerView {
    pub id: BrokerId,
    pub state: BrokerState,
    pub up: bool,
    pub fenced: bool,
    pub paused: bool,
    pub replicas: Vec<ReplicaView>,
}

#[derive(Clone, PartialEq, Eq, Debug)]
pub struct PartitionView {
    pub partition: i32,
    pub leader: Option<BrokerId>,
    pub replicas: Vec<BrokerId>,
    pub isr: Vec<BrokerId>,
    pub leader_epoch: i32,
    pub recovering: bool,
}

#[derive(Clone, PartialEq, Eq, Debug)]
pub struct TopicView {
    pub name: Rc<str>,
    pub topic_id: String,
    pub partitions: Vec<PartitionView>,
    /// Non-default configs, as `kafka-topics.sh --describe` prints them.
    pub configs: Vec<(String, String)>,
}

#[derive(Clone, PartialEq, Eq, Debug)]
pub struct ClientView {
    pub id: ClientId,
    pub name: Rc<str>,
    pub is_producer: bool,
    pub running: bool,
    pub acked: u64,
    pub failed: u64,
    pub pending: usize,
    pub consumed: u64,
    /// Consumer: (partition, position) of each assigned partition.
    pub positions: Vec<(TopicPartition, Option<i64>)>,
    /// Consumer in a group: the group and the generation it last joined.
    pub group: Option<(Rc<str>, i32)>,
    /// When it stopped, if it did.
    pub stopped_ms: Option<Millis>,
}

#[derive(Clone, PartialEq, Eq, Debug)]
pub struct MemberView {
    pub member_id: String,
    pub client: Rc<str>,
    pub assignment: Vec<TopicPartition>,
}

/// A consumer group as its coordinator holds it.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct GroupView {
    pub id: Rc<str>,
    pub state: GroupState,
    pub generation: i32,
    /// The assignor the group chose (`range`, `cooperative-sticky`...).
    pub protocol: Option<Assignor>,
    pub coordinator: BrokerId,
    pub members: Vec<MemberView>,
    /// The group's committed offsets (the next offset to read), by partition.
    pub committed: Vec<(TopicPartition, i64)>,
}

#[derive(Clone, PartialEq, Eq, Debug)]
pub struct MessageView {
    pub id: u64,
    pub from: NodeId,
    pub to: NodeId,
    pub kind: &'static str,
    pub sent_ms: Millis,
    pub arrive_ms: Millis,
    /// Heartbeats and metadata, which the stage can hide.
    pub control: bool,
}

#[derive(Clone, PartialEq, Eq, Debug)]
pub struct SimView {
    pub now_ms: Millis,
    pub brokers: Vec<BrokerView>,
    pub topics: Vec<TopicView>,
    pub clients: Vec<ClientView>,
    pub in_flight: Vec<MessageView>,
    pub groups: Vec<GroupView>,
    pub network_partitioned: bool,
    /// Nodes the network has paused (a GC pause): shown as frozen.
    pub paused: Vec<NodeId>,
    pub next_event_ms: Option<Millis>,
    pub events_processed: u64,
    pub latency_ms: Millis,
}

impl Sim {
    /// A snapshot of everything the stage draws. `tail` bounds the records per replica.
    pub fn view(&self, tail: usize) -> SimView {
        let brokers = self
            .brokers
            .values()
            .map(|b| {
                let reg = self.controller.brokers.get(&b.id);
                BrokerView {
                    id: b.id,
                    state: b.state,
                    up: b.is_up(),
                    fenced: reg.is_none_or(|r| r.fenced),
                    paused: self.net.paused.contains(&NodeId::Broker(b.id)),
                    replicas: b
                        .replicas()
                        .iter()
                        .map(|(tp, r)| ReplicaView {
                            tp: tp.clone(),
                            online: b.is_up(),
                            is_leader: b.is_up() && r.is_leader(),
                            following: match r.role {
                                Role::Follower { leader } => leader,
                                Role::Leader { .. } => None,
                            },
                            leader_epoch: r.leader_epoch,
                            log_start_offset: r.log.log_start_offset(),
                            log_end_offset: r.log.log_end_offset(),
                            high_watermark: r.high_watermark,
                            in_isr: self.controller.partition(tp).is_some_and(|p| p.isr.contains(&b.id)),
                            tail: r
                                .log
                                .last_records(tail)
                                .into_iter()
                                .map(|rec| RecordView {
                                    offset: rec.offset,
                                    leader_epoch: rec.leader_epoch,
                                    key: rec.key,
                                    value: rec.value,
                                    headers: rec.headers,
                                })
                                .collect(),
                        })
                        .collect(),
                }
            })
            .collect();
        let topics = self
            .controller
            .topics
            .iter()
            .map(|(name, t)| TopicView {
                name: name.clone(),
                topic_id: t.topic_id.clone(),
                partitions: t
                    .partitions
                    .iter()
                    .enumerate()
                    .map(|(i, p)| PartitionView {
                        partition: i as i32,
                        leader: p.leader,
                        replicas: p.replicas.clone(),
                        isr: p.isr.clone(),
                        leader_epoch: p.leader_epoch,
                        recovering: p.recovering,
                    })
                    .collect(),
                configs: t.config.overrides.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
            })
            .collect();
        let clients = self
            .clients
            .iter()
            .enumerate()
            .map(|(i, c)| match c {
                Client::Producer(p) => ClientView {
                    id: i as ClientId,
                    name: p.name.clone(),
                    is_producer: true,
                    running: p.running,
                    acked: p.acked_count,
                    failed: p.failed_count,
                    pending: p.pending_records(),
                    consumed: 0,
                    positions: Vec::new(),
                    group: None,
                    stopped_ms: p.stopped_at,
                },
                Client::Consumer(c) => ClientView {
                    id: i as ClientId,
                    name: c.name.clone(),
                    is_producer: false,
                    running: c.running,
                    acked: 0,
                    failed: 0,
                    pending: 0,
                    consumed: c.consumed_count,
                    positions: c.assignment.iter().map(|tp| (tp.clone(), c.positions.get(tp).and_then(|p| p.position))).collect(),
                    group: c.group.as_ref().map(|g| (g.group.clone(), g.generation)),
                    stopped_ms: c.stopped_at,
                },
            })
            .collect();
        let mut in_flight: Vec<(u64, MessageView)> = self
            .queue
            .iter()
            .filter_map(|s| match &s.event {
                Event::Deliver(m) => Some((
                    s.seq,
                    MessageView {
                        id: m.id,
                        from: m.from,
                        to: m.to,
                        kind: m.payload.kind(),
                        sent_ms: m.sent_ms,
                        arrive_ms: m.arrive_ms,
                        control: m.payload.is_control(),
                    },
                )),
                Event::Timer { .. } => None,
            })
            .collect();
        crate::sort::sort_by_key(&mut in_flight, |(seq, m)| (m.arrive_ms, *seq));
        SimView {
            now_ms: self.now,
            brokers,
            topics,
            clients,
            in_flight: in_flight.into_iter().map(|(_, m)| m).collect(),
            groups: self.group_views(),
            network_partitioned: !self.net.cuts.is_empty(),
            paused: self.net.paused.iter().copied().collect(),
            next_event_ms: self.next_event_time(),
            events_processed: self.events_processed(),
            latency_ms: self.net.latency_ms,
        }
    }
}

impl Sim {
    /// Each group once, from the running broker that coordinates it (a dead coordinator's
    /// copy is gone with it; a new one loads the group from `__consumer_offsets`).
    fn group_views(&self) -> Vec<GroupView> {
        let mut out: Vec<GroupView> = Vec::new();
        for b in self.brokers.values().filter(|b| b.is_up()) {
            for g in b.groups().values() {
                if out.iter().any(|o| o.id == g.id) {
                    continue;
                }
                out.push(GroupView {
                    id: g.id.clone(),
                    state: g.state,
                    generation: g.generation,
                    protocol: g.protocol,
                    coordinator: b.id,
                    members: g
                        .members
                        .values()
                        .map(|m| MemberView { member_id: m.member_id.clone(), client: m.client_id.clone(), assignment: m.assignment.clone() })
                        .collect(),
                    committed: g.committed.iter().map(|(tp, o)| (tp.clone(), *o)).collect(),
                });
            }
        }
        crate::sort::sort_by(&mut out, |a, b| a.id.cmp(&b.id));
        out
    }
}
