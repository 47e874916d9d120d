//! The messages in flight, laid out for the painter (`static/painter.js`, a worker that
//! draws them on the stage's canvas off the main thread): where each is at the display clock.
//! Native, so the frame's contents are tested here and the worker only draws.
use super::layout::{progress, Family};
use crate::sim::Millis;

/// One message on its way: where from and to (stage units), and when (virtual ms).
#[derive(Clone, Debug, PartialEq)]
pub struct Dot {
    pub from: (f64, f64),
    pub to: (f64, f64),
    pub sent_ms: Millis,
    pub arrive_ms: Millis,
    pub family: Family,
}

/// Numbers per message in a frame: family, x, y, from x, from y, to x, to y.
pub const STRIDE: usize = 7;
/// Numbers before the first message: canvas width and height in pixels, the stage's scale
/// (pixels per stage unit), and whether routes are drawn.
pub const HEADER: usize = 4;

/// One frame for the painter at display time `t`: the header, then each message drawn. A message
/// is drawn from its sending until its arrival; with reduced motion it stands still halfway along
/// its route for as long as it is in flight, and no route is drawn (the picture changes only when
/// the simulation steps). Returns the frame and how many messages it draws.
pub fn frame(dots: &[Dot], t: f64, reduced_motion: bool, size_px: (u32, u32), scale: f64) -> (Vec<f32>, usize) {
    let mut out = vec![size_px.0 as f32, size_px.1 as f32, scale as f32, if reduced_motion { 0.0 } else { 1.0 }];
    for d in dots {
        let along = if reduced_motion { 0.5 } else { progress(d.sent_ms, d.arrive_ms, t) };
        if along >= 1.0 {
            continue;
        }
        let family = Family::ALL.iter().position(|f| *f == d.family).unwrap_or(0);
        let (x, y) = (d.from.0 + (d.to.0 - d.from.0) * along, d.from.1 + (d.to.1 - d.from.1) * along);
        out.extend([family as f64, x, y, d.from.0, d.from.1, d.to.0, d.to.1].map(|v| v as f32));
    }
    let drawn = (out.len() - HEADER) / STRIDE;
    (out, drawn)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dot(family: Family, sent_ms: Millis, arrive_ms: Millis) -> Dot {
        Dot { from: (0.0, 0.0), to: (100.0, 50.0), sent_ms, arrive_ms, family }
    }

    #[test]
    fn a_message_is_drawn_along_its_route_until_it_arrives() {
        let dots = [dot(Family::Consume, 0, 10), dot(Family::Replication, 0, 4)];
        let (f, drawn) = frame(&dots, 5.0, false, (1230, 900), 1.0);
        assert_eq!(drawn, 1, "the replica fetch arrived at 4 ms");
        assert_eq!(f, vec![1230.0, 900.0, 1.0, 1.0, 2.0, 50.0, 25.0, 0.0, 0.0, 100.0, 50.0], "the consumer fetch, halfway");
    }

    #[test]
    fn each_family_is_numbered_in_the_legends_order() {
        let dots: Vec<Dot> = Family::ALL.iter().map(|f| dot(*f, 0, 10)).collect();
        let (f, drawn) = frame(&dots, 0.0, false, (10, 10), 2.0);
        assert_eq!(drawn, 5);
        let families: Vec<f32> = f[HEADER..].chunks(STRIDE).map(|m| m[0]).collect();
        assert_eq!(families, vec![0.0, 1.0, 2.0, 3.0, 4.0]);
        assert_eq!(f[2], 2.0, "the scale");
    }

    #[test]
    fn reduced_motion_stands_each_message_halfway_without_routes() {
        let dots = [dot(Family::Produce, 0, 10)];
        for t in [0.0, 3.0, 9.9, 50.0] {
            let (f, drawn) = frame(&dots, t, true, (10, 10), 1.0);
            assert_eq!((drawn, f[3], f[5], f[6]), (1, 0.0, 50.0, 25.0), "at {t}");
        }
    }
}
