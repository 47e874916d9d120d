//! The group coordinator's records in `__consumer_offsets` (Kafka: `GroupMetadataManager`'s
//! offset commit and group metadata records, storeOffsets / storeGroup, and
//! loadGroupsAndOffsets), in text: an offset commit is key `offset|group|topic|partition` with
//! the offset as value; a group is key `group|<id>` with its generation, protocol, leader and
//! members as value.
use crate::vecmap::VecMap;
use std::rc::Rc;

use super::assignor::Assignor;
use super::group::{Group, GroupMember, GroupState};
use super::record_batch::{DefaultRecord, RecordBatch};
use super::types::{Millis, NodeId, TopicPartition};

fn esc(s: &str) -> String {
    s.replace('%', "%25").replace('|', "%7C").replace(';', "%3B").replace(',', "%2C")
}

fn unesc(s: &str) -> String {
    s.replace("%2C", ",").replace("%3B", ";").replace("%7C", "|").replace("%25", "%")
}

fn tps(list: &[TopicPartition]) -> String {
    list.iter().map(|p| format!("{}:{}", p.topic, p.partition)).collect::<Vec<_>>().join("+")
}

fn parse_tps(s: &str) -> Vec<TopicPartition> {
    s.split('+').filter_map(|x| x.rsplit_once(':')).filter_map(|(t, p)| p.parse().ok().map(|p| TopicPartition::new(t, p))).collect()
}

/// The `__consumer_offsets` records of a commit: key `offset|group|topic|partition`, value the
/// offset (GroupMetadataManager's offset commit record, in text).
pub(crate) fn offset_records(group: &str, offsets: &[(TopicPartition, i64)], now: Millis) -> Vec<DefaultRecord> {
    offsets
        .iter()
        .enumerate()
        .map(|(i, (p, o))| DefaultRecord {
            offset_delta: i as i32,
            key: Some(Rc::from(format!("offset|{}|{}|{}", esc(group), p.topic, p.partition))),
            value: Some(Rc::from(o.to_string())),
            headers: Rc::from(Vec::new()),
            timestamp_ms: super::types::wall_clock_ms(now),
        })
        .collect()
}

/// The group's membership as one record (GroupMetadataManager's group metadata record).
pub(crate) fn group_record(group: &str, g: &Group, now: Millis) -> DefaultRecord {
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
    DefaultRecord {
        offset_delta: 0,
        key: Some(Rc::from(format!("group|{}", esc(group)))),
        value: Some(Rc::from(value)),
        headers: Rc::from(Vec::new()),
        timestamp_ms: super::types::wall_clock_ms(now),
    }
}

/// Rebuilds groups and their committed offsets from an offsets partition's records, later
/// records winning (GroupMetadataManager.loadGroupsAndOffsets). Members get a fresh session
/// from `now`.
pub(crate) fn load_groups_and_offsets<'a>(batches: impl Iterator<Item = &'a Rc<RecordBatch>>, now: Millis) -> VecMap<Rc<str>, Group> {
    let mut loaded: VecMap<Rc<str>, Group> = VecMap::new();
    for rec in batches.filter(|b| !b.is_control()).flat_map(|b| b.records()) {
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
            // A record of a kind this coordinator does not write (or a key without a kind).
            _ => {}
        }
    }
    loaded
}
