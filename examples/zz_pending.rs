use kafka_flightsim::presets;
fn main() {
    let mut sh = presets::find("stress").unwrap().build(42).unwrap();
    for s in 0..6 {
        let v = sh.sim.view(8);
        let pend: Vec<u64> = v.clients.iter().filter(|c| c.is_producer).map(|c| c.pending as u64).collect();
        println!("t={} pending {:?} acked {:?}", v.now_ms, pend.iter().sum::<u64>(), v.clients.iter().filter(|c| c.is_producer).map(|c| c.acked).sum::<u64>());
        let _ = s;
        sh.sim.run_for(2000);
    }
}
