//! The replicas' log strips (cells, offsets, the high watermark, log end and log start lines,
//! and where groups and consumers stand) laid out for the painter (`static/painter.js`), which
//! draws them on the stage's canvas under the messages in flight. A busy cluster changes every
//! strip on every step: drawn as SVG they were about 800 elements to diff, lay out and paint
//! on the main thread each time. The rows themselves (names, roles, their labels for screen
//! readers and the keyboard) stay SVG.
//!
//! The painter reads one `Float64Array`, row after row:
//! `[x, y, flags, cells, hw x, end x, log-start x (-1: not drawn), marks, older records,`
//! `  then per cell: x, label, label padded to 3 digits (0/1), committed (0/1),`
//! `  then per mark: x, kind (0 committed, 1 position)]`,
//! where `flags` is 1 for an offline replica; x and y are stage units, cells' x their left edge.
use super::lag::{Mark, MarkKind};
use super::layout::{Layout, CELL_W, CELL_X};
use crate::sim::view::{ReplicaView, SimView};

pub const ROW_HEADER: usize = 9;
pub const PER_CELL: usize = 4;
pub const PER_MARK: usize = 2;

/// One replica's strip, its row at (x, y) on the stage, with `cells` cells drawn.
pub fn strip(out: &mut Vec<f64>, rep: &ReplicaView, x: f64, y: f64, cells: usize, marks: &[Mark]) {
    let tail = &rep.tail[rep.tail.len().saturating_sub(cells)..];
    let shown = tail.len();
    // The log's first record is drawn when it is among the newest shown (or the log is
    // empty): its left edge is the log start offset, which retention moves right.
    let shows_log_start = tail.first().is_none_or(|r| r.offset <= rep.log_start_offset);
    let first_x = CELL_X + (cells - shown) as f64 * CELL_W;
    // The high watermark sits between the last committed record and the first that is not.
    let hw_cells = tail.iter().filter(|r| r.offset < rep.high_watermark).count();
    let end_x = CELL_X + cells as f64 * CELL_W;
    out.extend([
        x,
        y,
        if rep.online { 0.0 } else { 1.0 },
        shown as f64,
        x + first_x + hw_cells as f64 * CELL_W - 1.0,
        x + end_x,
        if shows_log_start { x + first_x - 1.5 } else { -1.0 },
        marks.len() as f64,
        // Records before the window, counted after the log end ("+N").
        ((rep.log_end_offset - rep.log_start_offset).max(0) as usize).saturating_sub(shown) as f64,
    ]);
    for (i, r) in tail.iter().enumerate() {
        let (label, padded) = super::layout::cell_number(r.offset);
        out.extend([x + first_x + i as f64 * CELL_W, label as f64, f64::from(u8::from(padded)), f64::from(u8::from(r.offset < rep.high_watermark))]);
    }
    // A mark sits at the left edge of the record it names (the next to read), at the log's
    // end when caught up, and at the window's left edge when it is further back.
    for m in marks {
        let before = tail.iter().filter(|r| r.offset < m.offset).count();
        out.extend([x + first_x + before as f64 * CELL_W - 1.0, if m.kind == MarkKind::Committed { 0.0 } else { 1.0 }]);
    }
}

/// Every drawn replica row's strip: the rows `layout` gives each broker, in its order, with
/// groups' committed offsets and consumers' positions marked on the leader's row only.
pub fn strips(view: &SimView, layout: &Layout) -> Vec<f64> {
    let mut out = Vec::new();
    for b in &view.brokers {
        let Some(bx) = layout.broker(b.id) else { continue };
        let user = b.replicas.iter().filter(|r| !r.tp.topic.starts_with("__"));
        for (rep, (_, y)) in user.zip(bx.rows.iter()) {
            let marks = if rep.is_leader { super::lag::marks(view, &rep.tp) } else { Vec::new() };
            strip(&mut out, rep, bx.rect.x, *y, layout.cells, &marks);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::view::RecordView;
    use crate::sim::TopicPartition;
    use std::rc::Rc;

    fn replica(offsets: std::ops::Range<i64>, high_watermark: i64) -> ReplicaView {
        ReplicaView {
            tp: TopicPartition::new("orders", 0),
            online: true,
            is_leader: true,
            following: None,
            leader_epoch: 0,
            log_start_offset: offsets.start,
            log_end_offset: offsets.end,
            high_watermark,
            in_isr: true,
            tail: offsets.map(|offset| RecordView { offset, leader_epoch: 0, key: None, value: None, headers: Rc::from([]) }).collect(),
        }
    }

    #[test]
    fn cells_sit_right_aligned_with_the_high_watermark_after_the_last_committed() {
        let mut out = Vec::new();
        strip(&mut out, &replica(0..3, 2), 100.0, 50.0, 8, &[]);
        let first_x = CELL_X + 5.0 * CELL_W;
        assert_eq!(
            out[..ROW_HEADER],
            [100.0, 50.0, 0.0, 3.0, 100.0 + first_x + 2.0 * CELL_W - 1.0, 100.0 + CELL_X + 8.0 * CELL_W, 100.0 + first_x - 1.5, 0.0, 0.0]
        );
        let cells: Vec<&[f64]> = out[ROW_HEADER..].chunks(PER_CELL).collect();
        assert_eq!(cells[0], [100.0 + first_x, 0.0, 0.0, 1.0]);
        assert_eq!(cells[2], [100.0 + first_x + 2.0 * CELL_W, 2.0, 0.0, 0.0], "offset 2 is above the high watermark");
    }

    #[test]
    fn offsets_from_1000_show_their_last_three_digits_and_an_old_log_start_is_not_drawn() {
        let mut rep = replica(1002..1010, 1010);
        rep.log_start_offset = 0;
        let mut out = Vec::new();
        strip(&mut out, &rep, 0.0, 0.0, 8, &[]);
        assert_eq!(out[6], -1.0, "the log starts far left of the window");
        assert_eq!(out[8], 1002.0, "1,002 older records than the 8 shown");
        assert_eq!(out[ROW_HEADER..ROW_HEADER + PER_CELL][1..3], [2.0, 1.0], "1002 reads 002");
    }

    #[test]
    fn marks_stand_at_the_record_they_name() {
        let marks = [
            Mark { offset: 1, kind: MarkKind::Committed, who: Rc::from("billing"), lag: Some(2) },
            Mark { offset: 3, kind: MarkKind::Position, who: Rc::from("c1"), lag: None },
        ];
        let mut out = Vec::new();
        strip(&mut out, &replica(0..3, 3), 0.0, 0.0, 3, &marks);
        let tail = &out[ROW_HEADER + 3 * PER_CELL..];
        assert_eq!(tail, [CELL_X + CELL_W - 1.0, 0.0, CELL_X + 3.0 * CELL_W - 1.0, 1.0], "before record 1; at the log's end");
    }
}
