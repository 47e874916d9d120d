//! Where consumers stand on each partition, for the stage: the groups' committed offsets and
//! the consumers' positions (marked on the partition leader's row) and lag, computed as
//! `kafka-consumer-groups.sh --describe` does: the high watermark (a read_uncommitted
//! consumer's log end) minus the committed offset, "-" when the group committed nothing
//! (ConsumerGroupCommand's `getLag`).
use std::rc::Rc;

use crate::sim::view::SimView;
use crate::sim::TopicPartition;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MarkKind {
    /// A group's committed offset: the next record the group will read after a restart.
    Committed,
    /// A running consumer's position: the next record it fetches.
    Position,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mark {
    pub offset: i64,
    pub kind: MarkKind,
    /// The group (committed) or the consumer (position).
    pub who: Rc<str>,
    /// Committed marks: high watermark minus the offset.
    pub lag: Option<i64>,
}

/// The partition's high watermark, from its leader's replica.
pub fn high_watermark(view: &SimView, tp: &TopicPartition) -> Option<i64> {
    view.brokers.iter().flat_map(|b| b.replicas.iter()).find(|r| r.is_leader && r.tp == *tp).map(|r| r.high_watermark)
}

/// Every mark on `tp`: each group's committed offset, then each running consumer's position.
pub fn marks(view: &SimView, tp: &TopicPartition) -> Vec<Mark> {
    let hw = high_watermark(view, tp);
    let mut out: Vec<Mark> = view
        .groups
        .iter()
        .filter_map(|g| {
            let (_, offset) = g.committed.iter().find(|(p, _)| p == tp)?;
            Some(Mark { offset: *offset, kind: MarkKind::Committed, who: g.id.clone(), lag: hw.map(|h| (h - offset).max(0)) })
        })
        .collect();
    for c in view.clients.iter().filter(|c| c.running && !c.is_producer) {
        if let Some((_, Some(p))) = c.positions.iter().find(|(p, _)| p == tp) {
            out.push(Mark { offset: *p, kind: MarkKind::Position, who: c.name.clone(), lag: None });
        }
    }
    out
}

/// A group's lag: the sum over the partitions it committed on (None when it committed on
/// none), or over those of them `only` names.
fn lag_sum(view: &SimView, group: &str, only: Option<&[(TopicPartition, Option<i64>)]>) -> Option<i64> {
    let g = view.groups.iter().find(|g| &*g.id == group)?;
    let mut sum = None;
    for (tp, committed) in &g.committed {
        if only.is_some_and(|o| !o.iter().any(|(p, _)| p == tp)) {
            continue;
        }
        if let Some(h) = high_watermark(view, tp) {
            sum = Some(sum.unwrap_or(0) + (h - committed).max(0));
        }
    }
    sum
}

/// A group's lag, summed over its partitions (the group box shows it).
pub fn group_lag(view: &SimView, group: &str) -> Option<i64> {
    lag_sum(view, group, None)
}

/// A consumer's lag over the partitions it owns, by its group's committed offsets.
pub fn consumer_lag(view: &SimView, client: &str) -> Option<i64> {
    let c = view.clients.iter().find(|c| &*c.name == client)?;
    let (group, _) = c.group.as_ref()?;
    lag_sum(view, group, Some(&c.positions))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::session::Player;

    /// Lag equals the high watermark minus the committed offset, partition by partition, the
    /// sum is the group's, and a stopped consumer's group keeps its committed offsets and lag.
    #[test]
    fn lag_is_the_high_watermark_minus_the_committed_offset() {
        let mut p = Player::new(crate::presets::find("orders").expect("preset"), 42).expect("builds");
        p.line("tick 3s");
        let v = p.shell().sim.view(8);
        let total = group_lag(&v, "dashboard");
        let g = v.groups.iter().find(|g| &*g.id == "dashboard").expect("group");
        assert_eq!(g.committed.len(), 3, "{:?}", g.committed);
        let mut sum = 0;
        for (tp, committed) in &g.committed {
            let hw = high_watermark(&v, tp).expect("a leader");
            let mark = marks(&v, tp).into_iter().find(|m| m.kind == MarkKind::Committed).expect("a committed mark");
            assert_eq!((mark.offset, mark.lag), (*committed, Some(hw - committed)), "{tp}");
            sum += hw - committed;
        }
        assert_eq!(total, Some(sum));
        assert_eq!(consumer_lag(&v, "dashboard-1"), total, "the one member owns every partition");
        let first = &g.committed[0].0;
        assert!(marks(&v, first).iter().any(|m| m.kind == MarkKind::Position && &*m.who == "dashboard-1"));

        // The producer keeps writing after the dashboard stops: the lag grows, no position mark.
        p.line("consumer stop dashboard-1");
        p.line("tick 5s");
        let v = p.shell().sim.view(8);
        let later = group_lag(&v, "dashboard");
        assert!(later > total, "{later:?} after {total:?}");
        assert!(!marks(&v, first).iter().any(|m| m.kind == MarkKind::Position));
    }
}
