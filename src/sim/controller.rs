//! The KRaft controller, drawn as one node that never fails (a documented simplification of
//! the controller quorum). It registers and fences brokers by heartbeat, owns the topic
//! metadata, elects leaders and applies ISR changes, and pushes metadata to the brokers.
use crate::vecmap::VecMap;
use std::rc::Rc;

use rand_core::RngCore;

use super::config::{ClusterConfig, TopicConfig};
use super::error::{AdminError, KafkaError};
use super::message::{MetadataDelta, PartitionState, Payload, TopicSettings};
use super::out::{Ctx, Timer};
use super::placement::assign_replicas;
use super::trace::{ElectionKind, TraceEvent};
use super::types::{BrokerId, Millis, NodeId, TopicPartition};

/// ReplicationControlManager.MAX_PARTITIONS_PER_BATCH: partitions one CreateTopics may ask for
/// (checked first, by `Sim::create_topic`).
pub const MAX_PARTITIONS_PER_BATCH: i32 = 10_000;
/// QuorumController.MAX_RECORDS_PER_USER_OP: metadata records one admin operation may write.
pub const MAX_RECORDS_PER_USER_OP: usize = 10_000;

#[derive(Clone, PartialEq, Eq, Debug)]
pub struct BrokerRegistration {
    pub incarnation: u32,
    pub fenced: bool,
    pub in_controlled_shutdown: bool,
    pub last_heartbeat_ms: Millis,
}

#[derive(Clone, PartialEq, Eq, Debug)]
pub struct TopicInfo {
    pub topic_id: String,
    pub partitions: Vec<PartitionState>,
    pub config: TopicConfig,
}

impl TopicInfo {
    /// Settings over the cluster-wide dynamic defaults; brokers apply their own on top.
    pub fn settings_with(&self, cluster_defaults: &VecMap<String, String>) -> TopicSettings {
        let c = &self.config.with_defaults(cluster_defaults);
        TopicSettings {
            overridden: c.overrides.keys().cloned().collect(),
            min_insync_replicas: c.min_insync_replicas,
            segment_bytes: c.segment_bytes,
            segment_ms: c.segment_ms,
            max_message_bytes: c.max_message_bytes,
            retention_ms: c.retention_ms,
            retention_bytes: c.retention_bytes,
            cleanup_policy_delete: c.cleanup_policy_delete,
        }
    }
}

#[derive(Clone, Debug)]
pub struct Controller {
    pub brokers: VecMap<BrokerId, BrokerRegistration>,
    pub topics: VecMap<Rc<str>, TopicInfo>,
    pub metadata_version: u64,
    /// Partitions changed since the last push to brokers.
    dirty: Vec<TopicPartition>,
    deleted: Vec<Rc<str>>,
    /// A broker was fenced or unfenced: brokers need the new live set even if no partition changed.
    brokers_changed: bool,
    /// Dynamic broker configs: per broker, and the cluster-wide default (None).
    pub broker_configs: VecMap<Option<BrokerId>, VecMap<String, String>>,
    pub cluster: ClusterConfig,
}

/// A topic id printed like Kafka's base64 `Uuid` (22 characters, URL-safe alphabet).
fn topic_id(rng: &mut rand_chacha::ChaCha8Rng) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    (0..22).map(|_| ALPHABET[(rng.next_u32() % 64) as usize] as char).collect()
}

/// Kafka's `Topic.validate` (clients/src/main/java/org/apache/kafka/common/internals/Topic.java).
pub fn validate_topic_name(name: &str) -> Result<(), AdminError> {
    if name.is_empty() {
        return Err(AdminError::InvalidTopicName("Topic name is illegal, it can't be empty".into()));
    }
    if name == "." || name == ".." {
        return Err(AdminError::InvalidTopicName("Topic name cannot be \".\" or \"..\"".into()));
    }
    if name.len() > 249 {
        return Err(AdminError::InvalidTopicName(format!("Topic name is illegal, it can't be longer than 249 characters, topic name: {name}")));
    }
    if !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '_' || c == '-') {
        return Err(AdminError::InvalidTopicName(format!(
            "Topic name \"{name}\" is illegal, it contains a character other than ASCII alphanumerics, '.', '_' and '-'"
        )));
    }
    Ok(())
}

impl Controller {
    pub fn new(cluster: ClusterConfig) -> Self {
        Controller {
            brokers: VecMap::new(),
            topics: VecMap::new(),
            metadata_version: 1,
            dirty: Vec::new(),
            deleted: Vec::new(),
            brokers_changed: false,
            broker_configs: VecMap::new(),
            cluster,
        }
    }

    fn usable(&self, b: BrokerId) -> bool {
        self.brokers.get(&b).is_some_and(|r| !r.fenced && !r.in_controlled_shutdown)
    }

    pub fn usable_brokers(&self) -> Vec<BrokerId> {
        self.brokers.keys().copied().filter(|b| self.usable(*b)).collect()
    }

    fn mark_dirty(&mut self, tp: TopicPartition) {
        if !self.dirty.contains(&tp) {
            self.dirty.push(tp);
        }
    }

    pub fn partition(&self, tp: &TopicPartition) -> Option<&PartitionState> {
        self.topics.get(&tp.topic).and_then(|t| t.partitions.get(tp.partition as usize))
    }

    // ---- Admin operations (CreateTopics, DeleteTopics, CreatePartitions, configs) ----

    #[allow(clippy::too_many_arguments)]
    pub fn create_topic(
        &mut self,
        ctx: &mut Ctx,
        name: &str,
        partitions: i32,
        replication_factor: i32,
        config: TopicConfig,
        config_records: usize,
    ) -> Result<(), AdminError> {
        validate_topic_name(name)?;
        if self.topics.contains_key(name) {
            return Err(AdminError::TopicExists(name.to_string()));
        }
        if partitions < 1 {
            return Err(AdminError::InvalidPartitions);
        }
        if !(1..=32767).contains(&replication_factor) {
            return Err(AdminError::InvalidReplicationFactor);
        }
        let usable = self.usable_brokers();
        if usable.is_empty() {
            return Err(AdminError::AllBrokersFenced(replication_factor));
        }
        if replication_factor as usize > usable.len() {
            return Err(AdminError::ReplicationFactorTooLarge { rf: replication_factor, brokers: usable.len() });
        }
        // One TopicRecord, a PartitionRecord per partition and a ConfigRecord per config.
        if 1 + partitions as usize + config_records > MAX_RECORDS_PER_USER_OP {
            return Err(AdminError::ExcessiveBatch);
        }
        let n = usable.len();
        // Kafka draws the start index and the follower shift at random; so do we, seeded.
        let start_index = ctx.rng.next_u32() as usize % n;
        let shift = ctx.rng.next_u32() as usize % n;
        let topic_id = topic_id(ctx.rng);
        let assignment = assign_replicas(partitions, replication_factor, &usable, start_index, shift, 0);
        let topic: Rc<str> = Rc::from(name);
        let states: Vec<PartitionState> = assignment
            .into_iter()
            .map(|replicas| PartitionState {
                leader: replicas.first().copied(),
                isr: replicas.clone(),
                replicas,
                leader_epoch: 0,
                partition_epoch: 0,
                recovering: false,
            })
            .collect();
        ctx.trace(TraceEvent::TopicCreated { topic: topic.clone(), partitions, replication_factor });
        for (p, st) in states.iter().enumerate() {
            ctx.trace(TraceEvent::LeaderElected {
                tp: TopicPartition { topic: topic.clone(), partition: p as i32 },
                leader: st.leader,
                leader_epoch: 0,
                isr: st.isr.clone(),
                kind: ElectionKind::Clean,
            });
            self.mark_dirty(TopicPartition { topic: topic.clone(), partition: p as i32 });
        }
        self.topics.insert(topic, TopicInfo { topic_id, partitions: states, config });
        self.publish(ctx);
        Ok(())
    }

    pub fn delete_topic(&mut self, ctx: &mut Ctx, name: &str) -> Result<(), AdminError> {
        let Some((topic, _)) = self.topics.remove_entry(name) else {
            return Err(AdminError::TopicMissing(name.to_string()));
        };
        self.dirty.retain(|tp| tp.topic != topic);
        self.deleted.push(topic.clone());
        ctx.trace(TraceEvent::TopicDeleted { topic });
        self.publish(ctx);
        Ok(())
    }

    pub fn add_partitions(&mut self, ctx: &mut Ctx, name: &str, total: i32) -> Result<(), AdminError> {
        let usable = self.usable_brokers();
        let Some((topic, info)) = self.topics.get_key_value(name) else {
            return Err(AdminError::TopicMissing(name.to_string()));
        };
        let topic = topic.clone();
        let old = info.partitions.len() as i32;
        if total == old {
            return Err(AdminError::PartitionsUnchanged(old));
        }
        if total < old {
            return Err(AdminError::PartitionDecrease { topic: name.to_string(), old, new: total });
        }
        let rf = info.partitions.first().map_or(1, |p| p.replicas.len()) as i32;
        if usable.is_empty() {
            return Err(AdminError::AllBrokersFenced(rf));
        }
        if rf as usize > usable.len() {
            return Err(AdminError::ReplicationFactorTooLarge { rf, brokers: usable.len() });
        }
        // A PartitionRecord per new partition, into a list bounded by MAX_RECORDS_PER_USER_OP.
        if (total - old) as usize > MAX_RECORDS_PER_USER_OP {
            return Err(AdminError::UnknownServerError);
        }
        let n = usable.len();
        let start_index = ctx.rng.next_u32() as usize % n;
        let shift = ctx.rng.next_u32() as usize % n;
        let assignment = assign_replicas(total - old, rf, &usable, start_index, shift, old);
        let info = self.topics.get_mut(name).expect("checked above");
        for (i, replicas) in assignment.into_iter().enumerate() {
            let p = old + i as i32;
            let st =
                PartitionState { leader: replicas.first().copied(), isr: replicas.clone(), replicas, leader_epoch: 0, partition_epoch: 0, recovering: false };
            ctx.trace(TraceEvent::LeaderElected {
                tp: TopicPartition { topic: topic.clone(), partition: p },
                leader: st.leader,
                leader_epoch: 0,
                isr: st.isr.clone(),
                kind: ElectionKind::Clean,
            });
            info.partitions.push(st);
        }
        ctx.trace(TraceEvent::PartitionsAdded { topic: topic.clone(), from: old, to: total });
        for p in old..total {
            self.mark_dirty(TopicPartition { topic: topic.clone(), partition: p });
        }
        self.publish(ctx);
        Ok(())
    }

    pub fn alter_topic_config(&mut self, ctx: &mut Ctx, name: &str, key: &str, value: Option<&str>) -> Result<(), AdminError> {
        let Some((topic, info)) = self.topics.get_key_value(name) else {
            return Err(AdminError::TopicMissing(name.to_string()));
        };
        let topic = topic.clone();
        let mut config = info.config.clone();
        match value {
            Some(v) => config.set(key, v)?,
            None => config.unset(key)?,
        }
        let info = self.topics.get_mut(name).expect("checked above");
        info.config = config;
        let n = info.partitions.len() as i32;
        ctx.trace(TraceEvent::TopicConfigChanged { topic: topic.clone(), name: key.to_string(), value: value.map(str::to_string) });
        for p in 0..n {
            self.mark_dirty(TopicPartition { topic: topic.clone(), partition: p });
        }
        // Kafka's controller runs unclean elections for offline partitions periodically (every
        // 5 minutes by default) after the config is enabled; the simulator does it at once.
        if key == "unclean.leader.election.enable" {
            self.elect_offline(ctx, Some(&topic));
        }
        self.publish(ctx);
        Ok(())
    }

    /// `unclean.leader.election.enable` for a topic: its own setting, else the cluster-wide
    /// dynamic default, else false.
    fn unclean_enabled(&self, topic: &str) -> bool {
        self.topics.get(topic).is_some_and(|t| t.config.with_defaults(&self.cluster_defaults()).unclean_leader_election_enable)
    }

    pub fn cluster_defaults(&self) -> VecMap<String, String> {
        self.broker_configs.get(&None).cloned().unwrap_or_default()
    }

    /// The cluster-wide dynamic default of a topic config (its broker config set with
    /// `--entity-default`), as the broker config's name and the value, if one is set.
    pub fn cluster_default_of(&self, topic_config: &str) -> Option<(&'static str, String)> {
        let (broker_name, _) = crate::sim::config::BROKER_TOPIC_DEFAULTS.iter().find(|(_, t)| *t == topic_config)?;
        self.broker_configs.get(&None)?.get(*broker_name).map(|v| (*broker_name, v.clone()))
    }

    /// `kafka-configs.sh --entity-type brokers --alter` (broker None: --entity-default).
    pub fn alter_broker_config(&mut self, ctx: &mut Ctx, broker: Option<BrokerId>, key: &str, value: Option<&str>) -> Result<(), AdminError> {
        if let Some(b) = broker {
            if !self.brokers.contains_key(&b) {
                return Err(AdminError::NoSuchBroker(b));
            }
        }
        match value {
            Some(v) => {
                super::config::validate_broker_config(key, v)?;
                self.broker_configs.entry(broker).or_default().insert(key.to_string(), v.trim().to_string());
            }
            None => {
                super::config::topic_name_for_broker_config(key).ok_or_else(|| AdminError::InvalidConfig(format!("Invalid config(s): {key}")))?;
                if let Some(m) = self.broker_configs.get_mut(&broker) {
                    m.remove(key);
                }
            }
        }
        ctx.trace(TraceEvent::BrokerConfigChanged { broker, name: key.to_string(), value: value.map(str::to_string) });
        // Every partition's settings may change: republish them all.
        let all: Vec<TopicPartition> =
            self.topics.iter().flat_map(|(t, i)| (0..i.partitions.len() as i32).map(move |p| TopicPartition { topic: t.clone(), partition: p })).collect();
        for tp in all {
            self.mark_dirty(tp);
        }
        self.brokers_changed = true;
        if key == "unclean.leader.election.enable" {
            self.elect_offline(ctx, None);
        }
        self.publish(ctx);
        Ok(())
    }

    // ---- Elections ----

    /// Clean leader choice (PartitionChangeBuilder.electAnyLeader): the first replica, in
    /// replica order, that is in the ISR and usable. Unclean (only if enabled): the first usable
    /// replica at all, and the ISR becomes just that replica.
    fn choose_leader(&self, st: &PartitionState, unclean_allowed: bool) -> Option<(BrokerId, bool)> {
        if let Some(b) = st.replicas.iter().copied().find(|b| st.isr.contains(b) && self.usable(*b)) {
            return Some((b, false));
        }
        if unclean_allowed {
            if let Some(b) = st.replicas.iter().copied().find(|b| self.usable(*b)) {
                return Some((b, true));
            }
        }
        None
    }

    fn set_leader(ctx: &mut Ctx, tp: &TopicPartition, st: &mut PartitionState, leader: Option<BrokerId>, kind: ElectionKind) {
        st.leader = leader;
        st.leader_epoch += 1;
        st.partition_epoch += 1;
        if kind == ElectionKind::Unclean {
            if let Some(l) = leader {
                st.isr = vec![l];
            }
            st.recovering = true;
        }
        ctx.trace(TraceEvent::LeaderElected { tp: tp.clone(), leader, leader_epoch: st.leader_epoch, isr: st.isr.clone(), kind });
    }

    /// Removes `broker` from every ISR and moves its leaderships away (broker fenced or in
    /// controlled shutdown). The last ISR member stays in the ISR, leaderless, as KRaft keeps it.
    fn move_away_from(&mut self, ctx: &mut Ctx, broker: BrokerId, kind: ElectionKind) {
        let topics: Vec<Rc<str>> = self.topics.keys().cloned().collect();
        for topic in topics {
            let n = self.topics[&topic].partitions.len();
            let unclean = self.unclean_enabled(&topic);
            for p in 0..n {
                let tp = TopicPartition { topic: topic.clone(), partition: p as i32 };
                let mut st = self.topics[&topic].partitions[p].clone();
                if !st.replicas.contains(&broker) {
                    continue;
                }
                let mut changed = false;
                if st.isr.contains(&broker) && st.isr.len() > 1 {
                    st.isr.retain(|b| *b != broker);
                    changed = true;
                }
                if st.leader == Some(broker) {
                    let choice = self.choose_leader(&st, unclean);
                    let kind = match choice {
                        Some((_, true)) => ElectionKind::Unclean,
                        _ => kind,
                    };
                    Self::set_leader(ctx, &tp, &mut st, choice.map(|c| c.0), kind);
                } else if changed {
                    st.partition_epoch += 1;
                    ctx.trace(TraceEvent::IsrChanged { tp: tp.clone(), isr: st.isr.clone(), partition_epoch: st.partition_epoch });
                }
                if st != self.topics[&topic].partitions[p] {
                    self.topics.get_mut(&topic).expect("exists").partitions[p] = st;
                    self.mark_dirty(tp);
                }
            }
        }
    }

    /// Elects leaders for leaderless partitions that now have a candidate.
    fn elect_offline(&mut self, ctx: &mut Ctx, only: Option<&Rc<str>>) {
        let topics: Vec<Rc<str>> = self.topics.keys().filter(|t| only.is_none_or(|o| o == *t)).cloned().collect();
        for topic in topics {
            let n = self.topics[&topic].partitions.len();
            let unclean = self.unclean_enabled(&topic);
            for p in 0..n {
                let st = &self.topics[&topic].partitions[p];
                if st.leader.is_some() {
                    continue;
                }
                if let Some((leader, is_unclean)) = self.choose_leader(st, unclean) {
                    let tp = TopicPartition { topic: topic.clone(), partition: p as i32 };
                    let mut st = st.clone();
                    let kind = if is_unclean { ElectionKind::Unclean } else { ElectionKind::Clean };
                    Self::set_leader(ctx, &tp, &mut st, Some(leader), kind);
                    self.topics.get_mut(&topic).expect("exists").partitions[p] = st;
                    self.mark_dirty(tp);
                }
            }
        }
    }

    /// `kafka-leader-election.sh --election-type PREFERRED|UNCLEAN` for one partition.
    pub fn elect(&mut self, ctx: &mut Ctx, tp: &TopicPartition, unclean: bool) -> Result<BrokerId, AdminError> {
        let st = self.partition(tp).ok_or_else(|| AdminError::NoSuchPartition { topic: tp.topic.to_string(), partition: tp.partition })?.clone();
        let (leader, kind) = if unclean {
            if st.leader.is_some_and(|l| self.usable(l)) {
                return Err(AdminError::Invalid(format!("Election not needed: {tp} has a leader ({}).", st.leader.unwrap_or(-1))));
            }
            match self.choose_leader(&st, true) {
                Some((b, u)) => (b, if u { ElectionKind::Unclean } else { ElectionKind::Clean }),
                None => return Err(AdminError::Invalid(format!("No replica of {tp} is available to lead."))),
            }
        } else {
            let preferred = st.replicas[0];
            if st.leader == Some(preferred) {
                return Err(AdminError::ElectionNotNeeded(preferred));
            }
            if !(st.isr.contains(&preferred) && self.usable(preferred)) {
                return Err(AdminError::PreferredLeaderNotAvailable(preferred));
            }
            (preferred, ElectionKind::Preferred)
        };
        let mut st = st;
        Self::set_leader(ctx, tp, &mut st, Some(leader), kind);
        self.topics.get_mut(&tp.topic).expect("exists").partitions[tp.partition as usize] = st;
        self.mark_dirty(tp.clone());
        self.publish(ctx);
        Ok(leader)
    }

    // ---- Broker lifecycle ----

    pub fn add_broker(&mut self, id: BrokerId) {
        self.brokers.entry(id).or_insert(BrokerRegistration { incarnation: 0, fenced: true, in_controlled_shutdown: false, last_heartbeat_ms: 0 });
    }

    fn fence(&mut self, ctx: &mut Ctx, broker: BrokerId) {
        let Some(reg) = self.brokers.get_mut(&broker) else { return };
        if reg.fenced {
            return;
        }
        reg.fenced = true;
        self.brokers_changed = true;
        ctx.trace(TraceEvent::BrokerFenced { broker });
        self.move_away_from(ctx, broker, ElectionKind::Clean);
    }

    fn on_heartbeat(&mut self, ctx: &mut Ctx, broker: BrokerId, incarnation: u32, metadata_version: u64, want_shutdown: bool) {
        let now = ctx.now;
        let Some(reg) = self.brokers.get(&broker).cloned() else { return };
        if reg.incarnation != incarnation {
            // A restarted process registers anew: its old registration is fenced first, so
            // its leaderships move even if it came back before the session timed out.
            self.fence(ctx, broker);
            let reg = self.brokers.get_mut(&broker).expect("exists");
            reg.incarnation = incarnation;
            reg.in_controlled_shutdown = false;
        }
        let reg = self.brokers.get_mut(&broker).expect("exists");
        reg.last_heartbeat_ms = now;
        ctx.set_timer(self.cluster.broker_session_timeout_ms, Timer::SessionCheck { broker });
        let mut shutdown_ok = false;
        if want_shutdown {
            if !reg.in_controlled_shutdown {
                reg.in_controlled_shutdown = true;
                self.move_away_from(ctx, broker, ElectionKind::ControlledShutdown);
            }
            // Leaderships have moved; the broker may go once it leads nothing.
            shutdown_ok = !self.topics.values().any(|t| t.partitions.iter().any(|p| p.leader == Some(broker)));
            if shutdown_ok {
                let reg = self.brokers.get_mut(&broker).expect("exists");
                reg.fenced = true;
                self.brokers_changed = true;
                ctx.trace(TraceEvent::BrokerFenced { broker });
            }
        } else if reg.fenced {
            reg.fenced = false;
            self.brokers_changed = true;
            ctx.trace(TraceEvent::BrokerUnfenced { broker });
            self.elect_offline(ctx, None);
        }
        self.publish(ctx);
        let fenced = self.brokers[&broker].fenced;
        let metadata = (metadata_version < self.metadata_version).then(|| self.snapshot());
        ctx.send(NodeId::Broker(broker), Payload::BrokerHeartbeatResponse { fenced, shutdown_ok, metadata });
    }

    fn on_session_check(&mut self, ctx: &mut Ctx, broker: BrokerId) {
        let expired =
            self.brokers.get(&broker).is_some_and(|r| !r.fenced && ctx.now.saturating_sub(r.last_heartbeat_ms) >= self.cluster.broker_session_timeout_ms);
        if expired {
            self.fence(ctx, broker);
            self.publish(ctx);
        }
    }

    fn on_alter_partition(&mut self, ctx: &mut Ctx, from: BrokerId, tp: TopicPartition, leader_epoch: i32, partition_epoch: i32, new_isr: Vec<BrokerId>) {
        let result = self.apply_alter_partition(ctx, from, &tp, leader_epoch, partition_epoch, new_isr);
        self.publish(ctx);
        ctx.send(NodeId::Broker(from), Payload::AlterPartitionResponse { tp, result });
    }

    /// ReplicationControlManager.alterPartition's checks: the sender must be the leader at
    /// the current epochs, the ISR must keep the leader, and new members must be eligible.
    fn apply_alter_partition(
        &mut self,
        ctx: &mut Ctx,
        from: BrokerId,
        tp: &TopicPartition,
        leader_epoch: i32,
        partition_epoch: i32,
        new_isr: Vec<BrokerId>,
    ) -> Result<PartitionState, KafkaError> {
        let Some(st) = self.partition(tp).cloned() else { return Err(KafkaError::UnknownTopicOrPartition) };
        if st.leader != Some(from) {
            return Err(KafkaError::NotLeaderOrFollower);
        }
        if leader_epoch != st.leader_epoch {
            return Err(KafkaError::FencedLeaderEpoch);
        }
        if partition_epoch != st.partition_epoch {
            return Err(KafkaError::InvalidUpdateVersion);
        }
        if !new_isr.contains(&from) || new_isr.iter().any(|b| !st.replicas.contains(b)) {
            return Err(KafkaError::InvalidUpdateVersion);
        }
        if new_isr.iter().any(|b| !st.isr.contains(b) && !self.usable(*b)) {
            return Err(KafkaError::IneligibleReplica);
        }
        let mut st = st;
        // Keep replica order so the ISR prints as Kafka would list it.
        st.isr = st.replicas.iter().copied().filter(|b| new_isr.contains(b)).collect();
        st.partition_epoch += 1;
        if st.recovering && st.isr.len() > 1 {
            st.recovering = false;
        }
        ctx.trace(TraceEvent::IsrChanged { tp: tp.clone(), isr: st.isr.clone(), partition_epoch: st.partition_epoch });
        self.topics.get_mut(&tp.topic).expect("exists").partitions[tp.partition as usize] = st.clone();
        self.mark_dirty(tp.clone());
        Ok(st)
    }

    fn per_broker_configs(&self) -> VecMap<BrokerId, VecMap<String, String>> {
        self.broker_configs.iter().filter_map(|(b, m)| b.map(|b| (b, m.clone()))).collect::<VecMap<_, _>>()
    }

    // ---- Metadata propagation ----

    pub fn snapshot(&self) -> MetadataDelta {
        let mut partitions = Vec::new();
        let defaults = self.cluster_defaults();
        for (topic, info) in &self.topics {
            let settings = info.settings_with(&defaults);
            for (p, st) in info.partitions.iter().enumerate() {
                partitions.push((TopicPartition { topic: topic.clone(), partition: p as i32 }, st.clone(), settings.clone()));
            }
        }
        MetadataDelta {
            version: self.metadata_version,
            full: true,
            partitions,
            deleted_topics: Vec::new(),
            live_brokers: self.usable_brokers(),
            broker_configs: self.per_broker_configs(),
        }
    }

    /// Pushes what changed to every unfenced broker. Fenced brokers catch up from the full
    /// image in their next heartbeat response.
    pub fn publish(&mut self, ctx: &mut Ctx) {
        if self.dirty.is_empty() && self.deleted.is_empty() && !self.brokers_changed {
            return;
        }
        self.brokers_changed = false;
        self.metadata_version += 1;
        let mut partitions = Vec::new();
        let defaults = self.cluster_defaults();
        for tp in std::mem::take(&mut self.dirty) {
            if let Some(info) = self.topics.get(&tp.topic) {
                if let Some(st) = info.partitions.get(tp.partition as usize) {
                    partitions.push((tp.clone(), st.clone(), info.settings_with(&defaults)));
                }
            }
        }
        let delta = MetadataDelta {
            version: self.metadata_version,
            full: false,
            partitions,
            deleted_topics: std::mem::take(&mut self.deleted),
            live_brokers: self.usable_brokers(),
            broker_configs: self.per_broker_configs(),
        };
        for (b, reg) in &self.brokers {
            if !reg.fenced {
                ctx.send(NodeId::Broker(*b), Payload::MetadataUpdate(delta.clone()));
            }
        }
    }

    pub fn on_message(&mut self, ctx: &mut Ctx, from: NodeId, payload: Payload) {
        // Only brokers talk to the controller (admin operations are applied to it directly).
        let NodeId::Broker(b) = from else { return };
        match payload {
            Payload::BrokerHeartbeat { incarnation, metadata_version, want_shutdown } => {
                self.on_heartbeat(ctx, b, incarnation, metadata_version, want_shutdown)
            }
            Payload::AlterPartition { tp, leader_epoch, partition_epoch, new_isr } => {
                self.on_alter_partition(ctx, b, tp, leader_epoch, partition_epoch, new_isr)
            }
            Payload::AutoCreateTopic { topic } => {
                // auto.create.topics.enable: num.partitions and default.replication.factor.
                // The offsets topic has its own: offsets.topic.num.partitions (50) and
                // offsets.topic.replication.factor (3, here capped by the brokers there are),
                // compacted. A topic the cluster cannot place stays missing; clients retry.
                let internal = &*topic == super::coordinator::OFFSETS_TOPIC;
                let rf = if internal { (self.usable_brokers().len() as i32).clamp(1, 3) } else { self.cluster.default_replication_factor };
                let partitions = if internal { self.cluster.offsets_topic_num_partitions.max(1) } else { self.cluster.num_partitions };
                if internal && !self.topics.contains_key(&topic) {
                    let mut config = TopicConfig::default();
                    let _ = config.set("cleanup.policy", "compact");
                    let _ = self.create_topic(ctx, &topic, partitions, rf, config, 0);
                    return;
                }
                if !self.topics.contains_key(&topic) {
                    let _ = self.create_topic(ctx, &topic, partitions, rf, TopicConfig::default(), 0);
                }
            }
            // The controller sends no request anyone answers (a metadata push to a dead broker is
            // simply lost), and brokers and clients talk to each other, not to the controller.
            Payload::BrokerHeartbeatResponse { .. }
            | Payload::MetadataUpdate(_)
            | Payload::AlterPartitionResponse { .. }
            | Payload::MetadataRequest { .. }
            | Payload::MetadataResponse { .. }
            | Payload::Produce { .. }
            | Payload::ProduceResponse { .. }
            | Payload::Fetch { .. }
            | Payload::FetchResponse { .. }
            | Payload::ListOffsets { .. }
            | Payload::ListOffsetsResponse { .. }
            | Payload::FindCoordinator { .. }
            | Payload::FindCoordinatorResponse { .. }
            | Payload::JoinGroup { .. }
            | Payload::JoinGroupResponse { .. }
            | Payload::SyncGroup { .. }
            | Payload::SyncGroupResponse { .. }
            | Payload::Heartbeat { .. }
            | Payload::HeartbeatResponse { .. }
            | Payload::LeaveGroup { .. }
            | Payload::LeaveGroupResponse { .. }
            | Payload::OffsetCommit { .. }
            | Payload::OffsetCommitResponse { .. }
            | Payload::OffsetFetch { .. }
            | Payload::OffsetFetchResponse { .. }
            | Payload::Disconnected { .. } => {}
        }
    }

    pub fn on_timer(&mut self, ctx: &mut Ctx, timer: Timer) {
        match timer {
            Timer::SessionCheck { broker } => self.on_session_check(ctx, broker),
            // The brokers' and the clients' timers: the controller never sets them.
            Timer::BrokerHeartbeat
            | Timer::IsrCheck
            | Timer::FetcherWake { .. }
            | Timer::ReplicaFetchTimeout { .. }
            | Timer::FetchExpire { .. }
            | Timer::ProduceExpire { .. }
            | Timer::RetentionCheck
            | Timer::GroupJoin { .. }
            | Timer::MemberSession { .. }
            | Timer::ClientWake
            | Timer::RequestTimeout { .. }
            | Timer::Poll
            | Timer::RateTick
            | Timer::Heartbeat
            | Timer::AutoCommit
            | Timer::ProcessingDone => {}
        }
    }
}
