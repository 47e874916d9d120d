//! What `kafka-consumer-groups.sh` asks of the coordinators: list, describe, reset offsets,
//! delete. Like topic administration, the simulator applies these at the coordinator
//! directly (a documented simplification); writes still go to `__consumer_offsets`.
use crate::vecmap::VecMap;
use std::rc::Rc;

use super::assignor::Assignor;
use super::broker::Broker;
use super::coordinator::{coordinator_partition, OFFSETS_TOPIC};
use super::engine::Sim;
use super::error::AdminError;
use super::group::GroupState;
use super::out::Ctx;
use super::types::{BrokerId, NodeId, TopicPartition};

#[derive(Clone, PartialEq, Eq, Debug)]
pub struct MemberDescription {
    pub member_id: String,
    pub client_id: Rc<str>,
    pub group_instance_id: Option<String>,
    pub host: String,
    pub assignment: Vec<TopicPartition>,
}

#[derive(Clone, PartialEq, Eq, Debug)]
pub struct GroupDescription {
    pub group: Rc<str>,
    pub state: GroupState,
    pub generation: i32,
    pub protocol: Option<Assignor>,
    pub coordinator: BrokerId,
    pub members: Vec<MemberDescription>,
    pub committed: VecMap<TopicPartition, i64>,
}

/// Brokers listen on localhost:9092, 9093, ... (broker 1 on 9092, as in the quickstarts).
pub fn broker_address(id: BrokerId) -> String {
    format!("localhost:{}", 9091 + id)
}

impl Sim {
    fn coordinator_of(&self, group: &str) -> Option<BrokerId> {
        let n = self.controller.topics.get(OFFSETS_TOPIC)?.partitions.len() as i32;
        let tp = TopicPartition::new(OFFSETS_TOPIC, coordinator_partition(group, n));
        let leader = self.controller.partition(&tp)?.leader?;
        self.brokers.get(&leader).filter(|b| b.is_up()).map(|b| b.id)
    }

    /// Every group some live coordinator knows, sorted.
    pub fn group_ids(&self) -> Vec<Rc<str>> {
        let mut v: Vec<Rc<str>> = self.brokers.values().filter(|b| b.is_up()).flat_map(|b| b.groups().keys().cloned()).collect();
        crate::sort::sort(&mut v);
        v.dedup();
        v.retain(|g| self.describe_group(g).is_some_and(|d| d.state != GroupState::Dead));
        v
    }

    pub fn describe_group(&self, group: &str) -> Option<GroupDescription> {
        let c = self.coordinator_of(group)?;
        let g = self.brokers[&c].groups().get(group)?;
        Some(GroupDescription {
            group: g.id.clone(),
            state: g.state,
            generation: g.generation,
            protocol: g.protocol,
            coordinator: c,
            members: g
                .members
                .values()
                .map(|m| MemberDescription {
                    member_id: m.member_id.clone(),
                    client_id: m.client_id.clone(),
                    group_instance_id: m.group_instance_id.clone(),
                    host: "/127.0.0.1".to_string(),
                    assignment: m.assignment.clone(),
                })
                .collect(),
            committed: g.committed.clone(),
        })
    }

    /// The offset a consumer-groups command reads as LOG-END-OFFSET: the leader's HW
    /// (ListOffsets latest, read_uncommitted).
    pub fn latest_offset(&self, tp: &TopicPartition) -> Option<i64> {
        let leader = self.controller.partition(tp)?.leader?;
        self.brokers.get(&leader).filter(|b| b.is_up())?.replicas().get(tp).map(|r| r.high_watermark)
    }

    /// ListOffsets by timestamp: the first offset whose timestamp is >= `ts`.
    pub fn offset_for_timestamp(&self, tp: &TopicPartition, ts: i64) -> Option<i64> {
        let leader = self.controller.partition(tp)?.leader?;
        let r = self.brokers.get(&leader).filter(|b| b.is_up())?.replicas().get(tp)?;
        r.log.records().find(|rec| rec.timestamp_ms >= ts && rec.offset < r.high_watermark).map(|rec| rec.offset)
    }

    pub fn earliest_offset(&self, tp: &TopicPartition) -> Option<i64> {
        let leader = self.controller.partition(tp)?.leader?;
        self.brokers.get(&leader).filter(|b| b.is_up())?.replicas().get(tp).map(|r| r.log.log_start_offset())
    }

    fn with_coordinator<R>(&mut self, group: &str, f: impl FnOnce(&mut Broker, &mut Ctx) -> R) -> Result<R, AdminError> {
        let c = self.coordinator_of(group).ok_or_else(|| AdminError::Invalid("The coordinator is not available.".into()))?;
        Ok(self.with_node_pub(NodeId::Broker(c), |sim, ctx| f(sim.brokers.get_mut(&c).expect("coordinator"), ctx)))
    }

    /// `--reset-offsets --execute`: only for a group without active members.
    pub fn reset_group_offsets(&mut self, group: &str, offsets: Vec<(TopicPartition, i64)>) -> Result<(), AdminError> {
        if let Some(d) = self.describe_group(group) {
            if d.state != GroupState::Empty && d.state != GroupState::Dead {
                return Err(AdminError::Invalid(format!(
                    "Assignments can only be reset if the group '{group}' is inactive, but the current state is {}.",
                    d.state
                )));
            }
        }
        let g: Rc<str> = Rc::from(group);
        self.with_coordinator(group, move |b, ctx| b.group_coordinator.admin_commit(ctx, &mut b.replica_manager, &g, &offsets))?
    }

    /// `--delete --group`: only an empty group (GroupNotEmptyException otherwise).
    pub fn delete_group(&mut self, group: &str) -> Result<(), AdminError> {
        match self.describe_group(group) {
            None => Err(AdminError::Invalid("org.apache.kafka.common.errors.GroupIdNotFoundException: The group id does not exist.".into())),
            Some(d) if d.state != GroupState::Empty => {
                Err(AdminError::Invalid("org.apache.kafka.common.errors.GroupNotEmptyException: The group is not empty.".into()))
            }
            Some(_) => {
                let g: Rc<str> = Rc::from(group);
                self.with_coordinator(group, move |b, _| b.group_coordinator.admin_delete(&g))?
            }
        }
    }

    /// `--delete-offsets --group --topic`.
    pub fn delete_group_offsets(&mut self, group: &str, topic: &str) -> Result<Vec<TopicPartition>, AdminError> {
        let d = self
            .describe_group(group)
            .ok_or_else(|| AdminError::Invalid("org.apache.kafka.common.errors.GroupIdNotFoundException: The group id does not exist.".into()))?;
        if d.members.iter().any(|m| d.state != GroupState::Empty && m.assignment.iter().any(|p| &*p.topic == topic)) {
            return Err(AdminError::Invalid("org.apache.kafka.common.errors.GroupSubscribedToTopicException: The group is subscribed to the topic.".into()));
        }
        let gone: Vec<TopicPartition> = d.committed.keys().filter(|p| &*p.topic == topic).cloned().collect();
        let (g, list) = (Rc::<str>::from(group), gone.clone());
        self.with_coordinator(group, move |b, _| b.group_coordinator.admin_delete_offsets(&g, &list))?;
        Ok(gone)
    }
}
