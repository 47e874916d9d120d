//! A consumer group as its coordinator keeps it (Kafka: group-coordinator/.../classic/
//! ClassicGroup.java, the 3.x kafka.coordinator.group.GroupMetadata): members, generation,
//! protocol, leader, committed offsets. States and transitions follow ClassicGroupState
//! (semantics.md); the coordinator that moves groups through them is group_coordinator.rs.
use crate::vecmap::{VecMap, VecSet};
use std::fmt;
use std::rc::Rc;

use super::assignor::{Assignor, Member, UserData};
use super::types::{Millis, NodeId, TopicPartition};

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
        f.pad(match self {
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
    pub(crate) pending_member_ids: VecSet<String>,
    pub(crate) join_deadline: Millis,
    pub(crate) next_join_seq: u64,
}

impl Group {
    pub(crate) fn new(id: Rc<str>) -> Group {
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

    /// Every member's subscription, as the leader gets it in its JoinGroup response.
    pub(crate) fn member_subscriptions(&self) -> Vec<Member> {
        self.members
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
}
