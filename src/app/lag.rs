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

/// A group's lag: per partition it committed on (None: nothing committed there), and the sum
/// of the known ones (None when no partition has a committed offset).
pub fn group_lag(view: &SimView, group: &str) -> (Option<i64>, Vec<(TopicPartition, Option<i64>)>) {
    let Some(g) = view.groups.iter().find(|g| &*g.id == group) else { return (None, Vec::new()) };
    let mut parts: Vec<TopicPartition> = g.members.iter().flat_map(|m| m.assignment.iter().cloned()).collect();
    for (tp, _) in &g.committed {
        if !parts.contains(tp) {
            parts.push(tp.clone());
        }
    }
    crate::sort::sort_by(&mut parts, |a, b| a.cmp(b));
    let per: Vec<(TopicPartition, Option<i64>)> = parts
        .into_iter()
        .map(|tp| {
            let lag = g.committed.iter().find(|(p, _)| *p == tp).and_then(|(_, o)| high_watermark(view, &tp).map(|h| (h - o).max(0)));
            (tp, lag)
        })
        .collect();
    let known: Vec<i64> = per.iter().filter_map(|(_, l)| *l).collect();
    ((!known.is_empty()).then(|| known.iter().sum()), per)
}

/// A consumer's lag over the partitions it owns, by its group's committed offsets.
pub fn consumer_lag(view: &SimView, client: &str) -> Option<i64> {
    let c = view.clients.iter().find(|c| &*c.name == client)?;
    let (group, _) = c.group.as_ref()?;
    let (_, per) = group_lag(view, group);
    let owned: Vec<i64> = per.iter().filter(|(tp, _)| c.positions.iter().any(|(p, _)| p == tp)).filter_map(|(_, l)| *l).collect();
    (!owned.is_empty()).then(|| owned.iter().sum())
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
        let (total, per) = group_lag(&v, "dashboard");
        assert_eq!(per.len(), 3, "{per:?}");
        let g = v.groups.iter().find(|g| &*g.id == "dashboard").expect("group");
        let mut sum = 0;
        for (tp, lag) in &per {
            let committed = g.committed.iter().find(|(p, _)| p == tp).map(|(_, o)| *o);
            let hw = high_watermark(&v, tp).expect("a leader");
            assert_eq!(*lag, committed.map(|c| hw - c), "{tp}");
            sum += lag.unwrap_or(0);
        }
        assert_eq!(total, Some(sum));
        let committed_marks = marks(&v, &per[0].0).into_iter().filter(|m| m.kind == MarkKind::Committed).count();
        assert_eq!(committed_marks, 1);
        assert!(marks(&v, &per[0].0).iter().any(|m| m.kind == MarkKind::Position && &*m.who == "dashboard-1"));

        // The producer keeps writing after the dashboard stops: the lag grows, no position mark.
        p.line("consumer stop dashboard-1");
        p.line("tick 5s");
        let v = p.shell().sim.view(8);
        let (later, _) = group_lag(&v, "dashboard");
        assert!(later > total, "{later:?} after {total:?}");
        assert!(!marks(&v, &per[0].0).iter().any(|m| m.kind == MarkKind::Position));
    }
}
