//! The firehose benchmark shared by the native runner and the browser benchmark page:
//! 3 brokers, one topic with 12 partitions, RF 3, acks=all, keyed 100-byte records, consumed
//! by an assign-mode consumer. The caller measures wall time; this module only simulates.
use std::rc::Rc;

use crate::sim::config::{ClusterConfig, ConsumerConfig, OffsetReset, ProducerConfig};
use crate::sim::producer::{RateSpec, Values};
use crate::sim::{Client, Sim, TopicPartition};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FirehoseSpec {
    pub records: u64,
    pub partitions: i32,
    pub seed: u64,
}

impl Default for FirehoseSpec {
    fn default() -> Self {
        FirehoseSpec { records: 1_000_000, partitions: 12, seed: 1 }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FirehoseOutcome {
    pub produced: u64,
    pub consumed: u64,
    pub events: u64,
    pub virtual_ms: u64,
    pub trace_hash: u64,
}

/// Builds the firehose scenario, ready to run.
pub fn firehose(spec: FirehoseSpec) -> Sim {
    let mut sim = Sim::new(spec.seed, 3, ClusterConfig::default());
    sim.set_keep_trace(false);
    sim.run_for(50);
    sim.create_topic("firehose", spec.partitions, 3, &[("min.insync.replicas".into(), "2".into())]).expect("valid topic");
    sim.run_for(50);
    let p = sim.add_producer("firehose-producer", ProducerConfig { acks: -1, ..ProducerConfig::default() }).expect("valid producer");
    let keys: Vec<Rc<str>> = (0..1000).map(|i| Rc::from(format!("key-{i}"))).collect();
    sim.start_rate(
        p,
        RateSpec { topic: Rc::from("firehose"), per_second: 1_000_000, keys, value_bytes: 100, remaining: Some(spec.records), values: Values::Numbered },
    )
    .expect("producer runs");
    let c = sim
        .add_consumer("firehose-consumer", ConsumerConfig { auto_offset_reset: OffsetReset::Earliest, ..ConsumerConfig::default() })
        .expect("valid consumer");
    sim.assign(c, (0..spec.partitions).map(|p| TopicPartition::new("firehose", p)).collect()).expect("consumer runs");
    sim
}

/// Runs the firehose until every record is consumed (or the virtual clock gives up).
pub fn run_firehose(sim: &mut Sim, spec: FirehoseSpec) -> FirehoseOutcome {
    let counts = |sim: &Sim| {
        let mut produced = 0;
        let mut consumed = 0;
        for c in sim.clients() {
            match c {
                Client::Producer(p) => produced += p.acked_count,
                Client::Consumer(c) => consumed += c.consumed_count,
            }
        }
        (produced, consumed)
    };
    let deadline = sim.now() + 600_000;
    while sim.now() < deadline {
        sim.run_for(100);
        if counts(sim).1 >= spec.records {
            break;
        }
    }
    let (produced, consumed) = counts(sim);
    FirehoseOutcome { produced, consumed, events: sim.events_processed(), virtual_ms: sim.now(), trace_hash: sim.trace_hash() }
}
