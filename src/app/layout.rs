//! The stage's geometry, kept apart from the UI so it is tested natively: where each producer,
//! broker (with its replica rows), group and consumer sits, where messages fly from and to,
//! and where a message is at a given virtual time.
use crate::sim::view::SimView;
use crate::sim::{BrokerId, ClientId, NodeId, TopicPartition};

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Rect {
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
}

impl Rect {
    pub fn center(&self) -> (f64, f64) {
        (self.x + self.w / 2.0, self.y + self.h / 2.0)
    }

    pub fn overlaps(&self, o: &Rect) -> bool {
        self.x < o.x + o.w && o.x < self.x + self.w && self.y < o.y + o.h && o.y < self.y + self.h
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct BrokerBox {
    pub id: BrokerId,
    pub rect: Rect,
    /// The user topics' replicas, one row each, in the order of the broker's view.
    pub rows: Vec<(TopicPartition, f64)>,
    /// Past `MAX_ROWS`, the rest of the user replicas are counted on one row: its y and count.
    pub more_row: Option<(f64, usize)>,
    /// Internal topics' replicas are summarised on one row (this is its y), if any.
    pub internal_row: Option<f64>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct GroupBox {
    pub id: String,
    pub rect: Rect,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Layout {
    pub width: f64,
    pub height: f64,
    /// Records drawn per replica row (`LOG_CELLS`, fewer when narrow).
    pub cells: usize,
    pub controller: Rect,
    pub brokers: Vec<BrokerBox>,
    /// Producers on the left (top when narrow).
    pub producers: Vec<(ClientId, Rect)>,
    pub groups: Vec<GroupBox>,
    /// Consumers, inside their group's box, or alone below the groups.
    pub consumers: Vec<(ClientId, Rect)>,
}

/// Stage units are CSS pixels at full size. Its type is 12 units and up, and the layouts
/// below keep the stage at least 0.92 of full size at 1280 and 390 px wide, so no text on it
/// is under 11 px (the newcomer's-stage issue; `tests/e2e` measures it).
pub const ROW_H: f64 = 28.0;
pub const HEADER_H: f64 = 44.0;
/// Where a replica row's log cells start, and each cell's width with its gap of 2.
pub const CELL_X: f64 = 140.0;
pub const CELL_W: f64 = 25.0;
pub const CLIENT_W: f64 = 170.0;
pub const CLIENT_H: f64 = 48.0;
pub const MEMBER_H: f64 = 62.0;
pub const GROUP_W: f64 = 240.0;
/// A group box's header: its name, its state and generation, how it rebalances, its lag.
pub const GROUP_HEADER_H: f64 = 62.0;
const GAP: f64 = 18.0;
/// Records drawn per replica row (the view keeps this many); older ones are counted.
pub const LOG_CELLS: usize = 8;
/// Records drawn per replica row on a narrow stage.
pub const NARROW_CELLS: usize = 5;
/// Replica rows drawn per broker; the rest are counted on one row. A learner may create
/// 10,000 partitions (Kafka's bound per request): the stage stays a picture, and the page
/// stays responsive, while `kafka-topics.sh --describe` still lists every one.
pub const MAX_ROWS: usize = 16;

/// Virtual milliseconds a stopped client stays on the stage, fading, before it leaves.
pub const LEAVING_MS: u64 = 1_000;

/// Below this page width the stage is one column: producers, brokers, then groups.
pub const NARROW_PX: f64 = 720.0;

fn broker_columns(n: usize, narrow: bool) -> usize {
    if narrow {
        1
    } else {
        match n {
            0..=3 => n.max(1),
            4 => 2,
            _ => 3,
        }
    }
}

/// Lays boxes of one size left to right from `(x0, y)`, wrapping at `width`: their rects and
/// the y below the last row.
fn flow(n: usize, x0: f64, y: f64, width: f64, w: f64, heights: impl Fn(usize) -> f64) -> (Vec<Rect>, f64) {
    let per_row = ((width + GAP) / (w + GAP)).floor().max(1.0) as usize;
    let mut out = Vec::new();
    let (mut top, mut bottom) = (y, y);
    for i in 0..n {
        if i > 0 && i % per_row == 0 {
            top = bottom + GAP;
        }
        let h = heights(i);
        out.push(Rect { x: x0 + (i % per_row) as f64 * (w + GAP), y: top, w, h });
        bottom = bottom.max(top + h);
    }
    (out, if n == 0 { y - GAP } else { bottom })
}

impl Layout {
    /// Data flows down the stage: producers on top, the controller and the brokers, then the
    /// groups with their consumers, so the brokers get the stage's whole width.
    pub fn new(view: &SimView, narrow: bool) -> Layout {
        let cells = if narrow { NARROW_CELLS } else { LOG_CELLS };
        let broker_w = CELL_X + cells as f64 * CELL_W + 44.0;
        // Stopped clients leave the stage, fading for LEAVING_MS (the stylesheet fades a
        // stopped client), but a consumer that died without leaving stays while its group
        // still counts it as a member (until session.timeout.ms).
        let in_a_group = |name: &str| view.groups.iter().any(|g| g.members.iter().any(|m| &*m.client == name));
        let shown = |c: &&crate::sim::view::ClientView| {
            c.running || !c.is_producer && in_a_group(&c.name) || c.stopped_ms.is_some_and(|t| view.now_ms < t + LEAVING_MS)
        };
        let producers: Vec<ClientId> = view.clients.iter().filter(shown).filter(|c| c.is_producer).map(|c| c.id).collect();
        let cols = broker_columns(view.brokers.len(), narrow);
        let grid_w = cols as f64 * broker_w + (cols as f64 - 1.0) * GAP;
        let heights: Vec<f64> = view
            .brokers
            .iter()
            .map(|b| {
                let user = b.replicas.iter().filter(|r| !r.tp.topic.starts_with("__")).count();
                let shown = user.min(MAX_ROWS) + (user > MAX_ROWS) as usize;
                let internal = b.replicas.iter().any(|r| r.tp.topic.starts_with("__"));
                HEADER_H + (shown + internal as usize).max(1) as f64 * ROW_H + 8.0
            })
            .collect();

        // The controller shares the top band with the producers, at its right end, where
        // a producer fits beside it; otherwise it sits below them.
        let beside = grid_w - 160.0 - GAP >= CLIENT_W;
        let band = if beside { grid_w - 160.0 - GAP } else { grid_w };
        let (prects, below_producers) = flow(producers.len(), GAP, GAP, band, CLIENT_W, |_| CLIENT_H);
        let producer_boxes: Vec<(ClientId, Rect)> = producers.iter().copied().zip(prects).collect();
        let controller = if beside {
            Rect { x: GAP + grid_w - 160.0, y: GAP, w: 160.0, h: 30.0 }
        } else {
            Rect { x: GAP + grid_w / 2.0 - 80.0, y: below_producers + GAP, w: 160.0, h: 30.0 }
        };
        let grid_top = below_producers.max(controller.y + controller.h) + GAP;
        let mut brokers = Vec::new();
        let mut row_tops = vec![grid_top];
        for (i, b) in view.brokers.iter().enumerate() {
            let (r, c) = (i / cols, i % cols);
            if row_tops.len() <= r + 1 {
                row_tops.push(0.0);
            }
            let top = row_tops[r];
            let rect = Rect { x: GAP + c as f64 * (broker_w + GAP), y: top, w: broker_w, h: heights[i] };
            row_tops[r + 1] = row_tops[r + 1].max(top + heights[i] + GAP);
            let mut y = rect.y + HEADER_H;
            let mut rows = Vec::new();
            let mut user = b.replicas.iter().filter(|r| !r.tp.topic.starts_with("__"));
            for rep in user.by_ref().take(MAX_ROWS) {
                rows.push((rep.tp.clone(), y));
                y += ROW_H;
            }
            let more_row = match user.count() {
                0 => None,
                rest => {
                    y += ROW_H;
                    Some((y - ROW_H, rest))
                }
            };
            let internal_row = b.replicas.iter().any(|r| r.tp.topic.starts_with("__")).then_some(y);
            brokers.push(BrokerBox { id: b.id, rect, rows, more_row, internal_row });
        }
        let grid_bottom = row_tops.last().copied().unwrap_or(grid_top).max(grid_top + GAP);

        // Groups (with their member consumers) side by side, then consumers in no group.
        let consumers_shown: Vec<&crate::sim::view::ClientView> = view.clients.iter().filter(shown).filter(|c| !c.is_producer).collect();
        // Every group the coordinators hold, Empty ones too: their committed offsets and lag
        // outlive their consumers.
        let mut group_ids: Vec<String> = view.groups.iter().map(|g| g.id.to_string()).collect();
        for c in &consumers_shown {
            if let Some((g, _)) = &c.group {
                if !group_ids.iter().any(|x| **x == **g) {
                    group_ids.push(g.to_string());
                }
            }
        }
        let members_of =
            |gid: &str| -> Vec<ClientId> { consumers_shown.iter().filter(|c| c.group.as_ref().is_some_and(|(g, _)| &**g == gid)).map(|c| c.id).collect() };
        let group_w = GROUP_W.min(grid_w);
        let (grects, below_groups) = flow(group_ids.len(), GAP, grid_bottom, grid_w, group_w, |i| {
            GROUP_HEADER_H + members_of(&group_ids[i]).len().max(1) as f64 * (MEMBER_H + 6.0) + 4.0
        });
        let mut groups = Vec::new();
        let mut consumers = Vec::new();
        for (gid, rect) in group_ids.iter().zip(grects) {
            for (i, m) in members_of(gid).iter().enumerate() {
                consumers.push((*m, Rect { x: rect.x + 10.0, y: rect.y + GROUP_HEADER_H + i as f64 * (MEMBER_H + 6.0), w: group_w - 20.0, h: MEMBER_H }));
            }
            groups.push(GroupBox { id: gid.clone(), rect });
        }
        let loners: Vec<ClientId> = consumers_shown.iter().filter(|c| c.group.is_none()).map(|c| c.id).collect();
        let top = if groups.is_empty() { grid_bottom } else { below_groups + GAP };
        let (lrects, below_loners) = flow(loners.len(), GAP, top, grid_w, group_w, |_| MEMBER_H);
        consumers.extend(loners.into_iter().zip(lrects));

        let width = GAP + grid_w + GAP;
        let bottom = below_groups.max(below_loners).max(grid_bottom);
        Layout { width, height: bottom + GAP, cells, controller, brokers, producers: producer_boxes, groups, consumers }
    }

    /// Where a node's messages leave and arrive.
    pub fn anchor(&self, node: NodeId) -> Option<(f64, f64)> {
        match node {
            NodeId::Controller => Some(self.controller.center()),
            NodeId::Broker(b) => self.brokers.iter().find(|x| x.id == b).map(|x| (x.rect.x + x.rect.w / 2.0, x.rect.y + HEADER_H / 2.0)),
            NodeId::Client(c) => self.producers.iter().chain(self.consumers.iter()).find(|(id, _)| *id == c).map(|(_, r)| r.center()),
        }
    }

    pub fn broker(&self, id: BrokerId) -> Option<&BrokerBox> {
        self.brokers.iter().find(|b| b.id == id)
    }
}

/// How the stage draws a message: the shape is the signal, colour only helps.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Family {
    /// Produce requests and their acks: circles.
    Produce,
    /// Followers fetching from leaders: squares.
    Replication,
    /// Consumers fetching and listing offsets: triangles.
    Consume,
    /// Group coordination (join, sync, heartbeats, commits): diamonds. Can be hidden.
    Group,
    /// Controller traffic and metadata: small dots. Can be hidden.
    Control,
}

impl Family {
    pub const ALL: [Family; 5] = [Family::Produce, Family::Replication, Family::Consume, Family::Group, Family::Control];

    pub fn of(kind: &str, from: NodeId, to: NodeId) -> Family {
        let between_brokers = matches!((from, to), (NodeId::Broker(_), NodeId::Broker(_)));
        match kind {
            "Produce" | "ProduceResponse" => Family::Produce,
            "Fetch(replica)" => Family::Replication,
            "FetchResponse" if between_brokers => Family::Replication,
            "Fetch" | "FetchResponse" | "ListOffsets" | "ListOffsetsResponse" => Family::Consume,
            "FindCoordinator"
            | "FindCoordinatorResponse"
            | "JoinGroup"
            | "JoinGroupResponse"
            | "SyncGroup"
            | "SyncGroupResponse"
            | "Heartbeat"
            | "HeartbeatResponse"
            | "LeaveGroup"
            | "LeaveGroupResponse"
            | "OffsetCommit"
            | "OffsetCommitResponse"
            | "OffsetFetch"
            | "OffsetFetchResponse" => Family::Group,
            _ => Family::Control,
        }
    }

    /// Hidden when the learner turns off "group and control messages".
    pub fn is_background(self) -> bool {
        matches!(self, Family::Group | Family::Control)
    }

    pub fn css(self) -> &'static str {
        match self {
            Family::Produce => "m-produce",
            Family::Replication => "m-replication",
            Family::Consume => "m-consume",
            Family::Group => "m-group",
            Family::Control => "m-control",
        }
    }
}

/// A coordinate for an SVG attribute, to two decimals (the stage's geometry uses halves).
/// Integer formatting on purpose: one `f64` `Display` keeps about 16 KB of float-printing
/// code and tables in the bundle (docs/BENCHMARKS.md, "Bundle size").
pub fn num(x: f64) -> String {
    let hundredths = (x * 100.0).round() as i64;
    let sign = if hundredths < 0 { "-" } else { "" };
    let (whole, frac) = (hundredths.unsigned_abs() / 100, hundredths.unsigned_abs() % 100);
    match frac {
        0 => format!("{sign}{whole}"),
        f if f % 10 == 0 => format!("{sign}{whole}.{}", f / 10),
        f => format!("{sign}{whole}.{f:02}"),
    }
}

/// An offset as its log cell shows it. A cell is 23 units wide and holds three digits of its
/// 12-unit type (four would overlap the next cell's), so from 1000 on it shows the last three:
/// 1032 reads "032". The row's label and the details panel give offsets in full; the legend
/// says so.
pub fn cell_label(offset: i64) -> String {
    match cell_number(offset) {
        (n, false) => n.to_string(),
        (n, true) => format!("{n:03}"),
    }
}

/// What a cell shows of `offset`, as a number and whether it is written with three digits
/// (`cell_label`'s rule, for the painter, which writes the label itself).
pub fn cell_number(offset: i64) -> (i64, bool) {
    if offset < 1000 {
        (offset, false)
    } else {
        (offset % 1000, true)
    }
}

/// How far along its path a message is at virtual time `t` (0 at sending, 1 on arrival).
/// Only the message's own virtual times count, so pausing, stepping and seeking agree.
pub fn progress(sent_ms: u64, arrive_ms: u64, t: f64) -> f64 {
    if arrive_ms <= sent_ms {
        return 1.0;
    }
    ((t - sent_ms as f64) / (arrive_ms - sent_ms) as f64).clamp(0.0, 1.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::presets;
    use crate::session::Player;

    fn layout_of(preset: &str, narrow: bool, extra: &[&str]) -> (Layout, SimView) {
        let mut p = Player::new(presets::find(preset).expect("preset"), 1).expect("builds");
        for l in extra {
            p.line(l);
        }
        let view = p.shell().sim.view(LOG_CELLS);
        (Layout::new(&view, narrow), view)
    }

    fn assert_no_overlap(l: &Layout) {
        let mut boxes: Vec<(String, Rect)> = vec![("controller".into(), l.controller)];
        boxes.extend(l.brokers.iter().map(|b| (format!("broker {}", b.id), b.rect)));
        boxes.extend(l.producers.iter().map(|(c, r)| (format!("producer {c}"), *r)));
        boxes.extend(l.groups.iter().map(|g| (format!("group {}", g.id), g.rect)));
        for (i, (a, ra)) in boxes.iter().enumerate() {
            assert!(
                ra.x >= 0.0 && ra.y >= 0.0 && ra.x + ra.w <= l.width + 0.1 && ra.y + ra.h <= l.height + 0.1,
                "{a} is off the stage: {ra:?} in {}x{}",
                l.width,
                l.height
            );
            for (b, rb) in &boxes[i + 1..] {
                assert!(!ra.overlaps(rb), "{a} {ra:?} overlaps {b} {rb:?}");
            }
        }
    }

    /// The stage's type is 12 units and up; drawn at least 0.92 of full size it stays at 11 px
    /// or more. At 1280 px the page gives the stage about 1,230 px; on a 390 px phone about
    /// 350 (the e2e test measures the rendered sizes). Wider layouts would shrink the text.
    #[test]
    fn the_stage_fits_the_widths_that_keep_its_text_legible() {
        for brokers in 1..=9 {
            let (wide, view) = layout_of("empty", false, &[&format!("reset --brokers {brokers}")]);
            let narrow = Layout::new(&view, true);
            assert!(wide.width <= 1_230.0 && narrow.width <= 350.0, "{brokers} brokers: {} and {}", wide.width, narrow.width);
        }
    }

    /// A consumer stopped cleanly leaves the stage at once; one killed stays (owning nothing
    /// of its own) while its group still counts it, and leaves when its session expires.
    #[test]
    fn stopped_clients_leave_the_stage() {
        let drawn = |l: &Layout, v: &SimView, name: &str| {
            v.clients.iter().any(|c| &*c.name == name && l.consumers.iter().chain(l.producers.iter()).any(|(id, _)| *id == c.id))
        };
        let (l, v) = layout_of("order-service", false, &["consumer stop billing"]);
        assert!(drawn(&l, &v, "billing"), "it fades out first");
        let (l, v) = layout_of("order-service", false, &["consumer stop billing", "tick 1s"]);
        assert!(!drawn(&l, &v, "billing") && drawn(&l, &v, "inventory"));
        assert!(l.groups.iter().any(|g| g.id == "billing"), "the Empty group keeps its committed offsets on the stage");
        let (l, v) = layout_of("order-service", false, &["producer stop order-service", "kill client inventory", "tick 1s"]);
        assert!(!drawn(&l, &v, "order-service"));
        assert!(drawn(&l, &v, "inventory"), "a crashed member stays until session.timeout.ms");
        let (l, v) = layout_of("order-service", false, &["kill client inventory", "tick 60s"]);
        assert!(!drawn(&l, &v, "inventory"), "gone once the coordinator removed it");
    }

    #[test]
    fn cell_labels_are_at_most_three_characters() {
        assert_eq!(cell_label(0), "0");
        assert_eq!(cell_label(999), "999");
        assert_eq!(cell_label(1000), "000");
        assert_eq!(cell_label(1032), "032");
        assert_eq!(cell_label(123_456), "456");
        assert!((0..20_000).all(|o| cell_label(o).len() <= 3));
    }

    #[test]
    fn num_prints_what_f64_display_prints_for_stage_coordinates() {
        for x in [0.0, 1.5, 14.5, 150.0, 318.0, -1.5, 0.25, 2.05, 1234.75, -0.5] {
            assert_eq!(num(x), x.to_string(), "{x}");
        }
        assert_eq!(num(1.0 / 3.0), "0.33");
    }

    #[test]
    fn from_one_to_nine_brokers_nothing_overlaps_wide_or_narrow() {
        for n in 1..=9 {
            for narrow in [false, true] {
                let (l, v) = layout_of(
                    "empty",
                    narrow,
                    &[
                        &format!("reset --brokers {n}"),
                        "kafka-topics.sh --bootstrap-server localhost:9092 --create --topic t --partitions 3 --replication-factor 1",
                        "producer start p --topic t --rate 1/s",
                        "consumer start c --topic t --group g",
                        "tick 4s",
                    ],
                );
                assert_eq!(l.brokers.len(), n);
                assert_no_overlap(&l);
                for c in &v.clients {
                    assert!(l.anchor(NodeId::Client(c.id)).is_some(), "client {} has no place", c.name);
                }
                if narrow {
                    assert!(l.width <= 360.0, "narrow stage is {} wide", l.width);
                }
            }
        }
    }

    #[test]
    fn forty_eight_replicas_on_six_brokers_each_get_a_row() {
        let (l, v) = layout_of("stress", false, &[]);
        let rows: usize = l.brokers.iter().map(|b| b.rows.len()).sum();
        assert_eq!(rows, 48);
        assert_no_overlap(&l);
        for b in &l.brokers {
            assert!(b.rows.windows(2).all(|w| w[1].1 - w[0].1 >= ROW_H), "rows of broker {} collide", b.id);
        }
        assert!(["search", "audit", "archive"].iter().all(|g| v.groups.iter().any(|vg| &*vg.id == *g)));
        assert_eq!(l.producers.len(), 16);
        assert_eq!(l.consumers.len(), 12);
    }

    /// 300 partitions on 3 brokers: each broker draws MAX_ROWS rows and counts the rest on
    /// one more row, so its box keeps a fixed height.
    #[test]
    fn many_partitions_are_counted_not_drawn() {
        let (l, v) = layout_of(
            "empty",
            false,
            &["kafka-topics.sh --bootstrap-server localhost:9092 --create --topic big --partitions 300 --replication-factor 2", "tick 2s"],
        );
        assert_no_overlap(&l);
        for b in &l.brokers {
            let replicas = v.brokers.iter().find(|x| x.id == b.id).map_or(0, |x| x.replicas.iter().filter(|r| &*r.tp.topic == "big").count());
            assert_eq!(b.rows.len(), MAX_ROWS);
            assert_eq!(b.more_row.map(|(_, n)| n), Some(replicas - MAX_ROWS), "broker {}", b.id);
            assert!(b.rect.h <= HEADER_H + (MAX_ROWS + 2) as f64 * ROW_H + 8.0);
        }
        let (small, _) = layout_of("failover", false, &[]);
        assert!(small.brokers.iter().all(|b| b.more_row.is_none()));
    }

    #[test]
    fn messages_move_by_their_own_virtual_times() {
        assert_eq!(progress(100, 110, 100.0), 0.0);
        assert_eq!(progress(100, 110, 105.0), 0.5);
        assert_eq!(progress(100, 110, 200.0), 1.0);
        assert_eq!(progress(100, 100, 100.0), 1.0);
        assert_eq!(Family::of("Fetch(replica)", NodeId::Broker(1), NodeId::Broker(2)), Family::Replication);
        assert_eq!(Family::of("FetchResponse", NodeId::Broker(1), NodeId::Broker(2)), Family::Replication);
        assert_eq!(Family::of("FetchResponse", NodeId::Broker(1), NodeId::Client(0)), Family::Consume);
        assert!(Family::of("Heartbeat", NodeId::Client(0), NodeId::Broker(1)).is_background());
    }
}
