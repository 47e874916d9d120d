//! Measures how long seeks take on a 10,000-event stress session (wall clock, natively).
// A timing probe around the engine, never inside it, may read the wall clock.
#![allow(clippy::disallowed_methods)]
use kafka_flightsim::presets;
use kafka_flightsim::session::Player;
use std::time::Instant;
fn main() {
    let p = presets::find("stress").unwrap();
    let mut pl = Player::new(p, 42).unwrap();
    while pl.head() < 10_000 {
        let t = pl.shell().sim.now();
        pl.advance_to(t + 1000);
    }
    println!("head {}", pl.head());
    let mut x: u64 = 987654321;
    let mut worst = 0f64;
    let mut tot = 0f64;
    let mut vt = 0f64;
    for _ in 0..30 {
        x = (x * 1103515245 + 12345) % 2147483648;
        let target = x % (pl.head() + 1);
        let t0 = Instant::now();
        pl.seek(target);
        let d = t0.elapsed().as_secs_f64() * 1000.0;
        let t1 = Instant::now();
        let v = pl.shell().sim.view(8);
        let dv = t1.elapsed().as_secs_f64() * 1000.0;
        std::hint::black_box(v);
        worst = worst.max(d);
        tot += d;
        vt += dv;
    }
    println!("seek mean {:.2} ms max {:.2} ms; view mean {:.2} ms", tot / 30.0, worst, vt / 30.0);
}
