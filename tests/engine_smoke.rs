use kafka_flightsim::sim::config::{ClusterConfig, ConsumerConfig, OffsetReset, ProducerConfig};
use kafka_flightsim::sim::producer::RateSpec;
use kafka_flightsim::sim::{Fault, Sim, TopicPartition};
use std::rc::Rc;

#[test]
fn smoke() {
    let mut sim = Sim::new(7, 3, ClusterConfig::default());
    sim.run_for(100);
    sim.create_topic("orders", 3, 3, &[("min.insync.replicas".into(), "2".into())]).unwrap();
    sim.run_for(100);
    let p = sim.add_producer("p1", ProducerConfig::default()).unwrap();
    sim.start_rate(p, RateSpec { topic: Rc::from("orders"), per_second: 100, keys: vec![Rc::from("a"), Rc::from("b"), Rc::from("c")], value_bytes: 0, remaining: Some(200) }).unwrap();
    let mut cc = ConsumerConfig::default();
    cc.auto_offset_reset = OffsetReset::Earliest;
    let c = sim.add_consumer("c1", cc).unwrap();
    sim.assign(c, (0..3).map(|p| TopicPartition::new("orders", p)).collect()).unwrap();
    sim.run_for(1000);
    let leader = sim.controller().partition(&TopicPartition::new("orders", 0)).unwrap().leader.unwrap();
    sim.apply(Fault::KillBroker(leader)).unwrap();
    sim.run_for(30_000);
    for t in sim.trace().iter().filter(|t| !matches!(t.event, kafka_flightsim::sim::trace::TraceEvent::Appended{..} | kafka_flightsim::sim::trace::TraceEvent::HighWatermark{..}| kafka_flightsim::sim::trace::TraceEvent::ProduceAcked{..}| kafka_flightsim::sim::trace::TraceEvent::Consumed{..})).take(80) {
        println!("{t}");
    }
    let v = sim.view(5);
    for c in &v.clients { println!("{:?}", c); }
    println!("events {}", sim.events_processed());
}
