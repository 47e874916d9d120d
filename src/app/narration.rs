//! Why a step matters, in a sentence, for the narration panel. The trace line says what
//! happened; this says why Kafka does it, for the events a learner is meant to notice
//! (failover, elections, truncation, rebalances). The trace itself (and its hash) is unchanged.
use crate::sim::error::KafkaError;
use crate::sim::group::GroupState;
use crate::sim::trace::{ElectionKind, TraceEvent, Traced};

/// The reason behind `e`, if it is one of the events the stage teaches.
pub fn why(e: &TraceEvent) -> Option<&'static str> {
    use TraceEvent::*;
    Some(match e {
        BrokerKilled { .. } => "it died without a word: the controller notices only when its heartbeats stop",
        BrokerShutdownRequested { .. } => "a clean shutdown: the controller moves its leaderships away before it stops",
        BrokerFenced { .. } => "no heartbeat within broker.session.timeout.ms: it loses its leaderships and leaves every ISR where it is not the last member",
        BrokerUnfenced { .. } => "it heartbeats again, so the controller counts it alive; its replicas rejoin an ISR once they catch up with their leaders",
        // Epoch 0 is the topic's creation: every partition gets its first leader.
        LeaderElected { leader_epoch: 0, .. } => return None,
        LeaderElected { leader: None, .. } => "no ISR member is alive: the partition is offline, for writes and reads, until one comes back",
        LeaderElected { kind: ElectionKind::Clean, .. } => {
            "the new leader comes from the ISR, so no committed record is lost; the higher epoch fences the old leader"
        }
        LeaderElected { kind: ElectionKind::Unclean, .. } => {
            "no ISR member was alive and unclean.leader.election.enable let an out-of-sync replica lead: what it never copied is lost"
        }
        LeaderElected { kind: ElectionKind::Preferred, .. } => "leadership goes back to the first replica in the list, which spreads leaders over the brokers",
        LeaderElected { kind: ElectionKind::ControlledShutdown, .. } => "the controller moved leadership off a broker that is shutting down cleanly",
        Truncated { lost_committed: 0, .. } => "its log diverged from the new leader's after the epoch change, so it drops the extra records and fetches again",
        Truncated { .. } => "committed records are gone: an unclean election chose a leader that never had them",
        ProduceRejected { error: KafkaError::NotEnoughReplicas, .. } => "acks=all needs min.insync.replicas replicas in the ISR, and fewer are left",
        GroupStateChanged { state, .. } => match state {
            GroupState::PreparingRebalance => "every member must send JoinGroup again before partitions are handed out",
            GroupState::CompletingRebalance => "the group leader computes the assignment and sends it back with SyncGroup",
            GroupState::Stable => "the coordinator hands each member its partitions in the SyncGroup response",
            _ => return None,
        },
        ReplicaFetchTimedOut { .. } => {
            "the leader never answered (a lost message, a pause or a cut network): the follower gives up on the request and fetches again, so it can rejoin the ISR"
        }
        MetadataGap { .. } => "KRaft brokers read the metadata log in order, so a lost change is fetched again rather than skipped",
        GroupLoaded { .. } => "the __consumer_offsets partition holding this group has a new leader, which is the group's coordinator",
        _ => return None,
    })
}

/// Record-by-record events are shown by the logs on the stage; the narration tells the
/// story of the cluster (elections, ISR changes, faults, rebalances, errors).
pub fn is_noise(e: &TraceEvent) -> bool {
    matches!(
        e,
        TraceEvent::HighWatermark { .. }
            | TraceEvent::Appended { .. }
            | TraceEvent::ProduceAcked { .. }
            | TraceEvent::Consumed { .. }
            | TraceEvent::MessageDropped { .. }
            | TraceEvent::OffsetsCommitted { .. }
    ) || e.partition().is_some_and(|tp| tp.topic.starts_with("__"))
}

/// The narration line for a traced event: its trace line, then the reason when there is one.
pub fn line(t: &Traced) -> String {
    match why(&t.event) {
        Some(reason) => format!("{t} \u{2014} {reason}."),
        None => t.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::{Fault, TopicPartition};

    /// Over a failover (the leader of orders-0 killed, later restarted), the events a learner
    /// must notice come with their reason, and the topic's creation does not.
    #[test]
    fn failover_steps_say_why() {
        let mut sim = crate::scenarios::failover_preset(3);
        let created = sim.trace().since(0).filter(|t| why(&t.event).is_some()).count();
        let leader = sim.controller().partition(&TopicPartition::new("orders", 0)).and_then(|p| p.leader).expect("a leader");
        let from = sim.trace().len();
        sim.apply(Fault::KillBroker(leader)).expect("up");
        sim.run_for(15_000);
        let lines: Vec<String> = sim.trace().since(from).map(line).collect();
        let has = |needle: &str| lines.iter().any(|l| l.contains(needle));
        assert!(has("it died without a word"), "{lines:#?}");
        assert!(has("no heartbeat within broker.session.timeout.ms"), "{lines:#?}");
        assert!(has("clean election") && has("no committed record is lost"), "{lines:#?}");
        assert!(lines.iter().filter(|l| l.contains(" \u{2014} ") && l.ends_with('.')).count() >= 3);
        // Before the kill: the group's rebalances are explained, the topic's first leaders are not.
        assert!(created > 0 && created < 10, "{created} explained events at creation");
    }

    #[test]
    fn only_taught_events_have_reasons() {
        assert!(why(&TraceEvent::NetworkHealed).is_none());
        let unclean = TraceEvent::Truncated { tp: TopicPartition::new("t", 0), broker: 1, from: 9, to: 5, lost_committed: 2 };
        assert!(why(&unclean).expect("explained").contains("unclean election"));
    }
}
