//! The operator's metrics (`sim::metrics`) equal a direct computation over the trace or over
//! Kafka's own tools at the same moment, move when a broker dies and come back when it
//! heals, and follow the timeline: a seek shows the charts as they were at that step.
use kafka_flightsim::presets;
use kafka_flightsim::session::Player;
use kafka_flightsim::shell::Shell;
use kafka_flightsim::sim::metrics::{MetricKey, SAMPLE_MS};
use kafka_flightsim::sim::trace::TraceEvent;
use kafka_flightsim::sim::Millis;

fn shell() -> Shell {
    let mut sh = Shell::new(11);
    for line in [
        "kafka-topics.sh --bootstrap-server localhost:9092 --create --topic orders --partitions 3 --replication-factor 3 --config min.insync.replicas=2",
        "producer start shop --topic orders --rate 40/s --keys user_1..user_20",
        "consumer start reader --topic orders --group billing --from-beginning",
        "tick 10s",
    ] {
        sh.execute(line, &[]).unwrap_or_else(|e| panic!("{line}: {e}"));
    }
    to_a_sample(&mut sh);
    sh
}

/// Runs on to the next sample's moment and takes it, so the newest sample is this moment.
fn to_a_sample(sh: &mut Shell) {
    let rest = SAMPLE_MS - sh.sim.now() % SAMPLE_MS;
    sh.execute(&format!("tick {rest}ms"), &[]).unwrap();
    sh.sim.sample_metrics_now();
}

/// Records per sample window (T - 1 s, T], from the trace events `count` picks.
fn per_window(sh: &Shell, at: Millis, count: &dyn Fn(&TraceEvent) -> u64) -> f64 {
    let from = at.saturating_sub(SAMPLE_MS);
    sh.sim.trace().iter().filter(|t| (at == 0 || t.time_ms > from) && t.time_ms <= at).map(|t| count(&t.event)).sum::<u64>() as f64
}

#[test]
fn rates_are_the_trace_counted_again() {
    let sh = shell();
    let m = sh.sim.metrics();
    let topic = "orders";
    let messages_in = m.series(&MetricKey::MessagesIn(topic.into()));
    let consumed = m.series(&MetricKey::RecordsConsumed(topic.into()));
    assert!(messages_in.len() >= 10, "a sample a second: {messages_in:?}");
    assert!(messages_in.iter().filter_map(|(_, v)| *v).sum::<f64>() > 300.0, "40 records a second went in: {messages_in:?}");
    // A topic's series starts when its first record does.
    let messages_in: Vec<_> = messages_in.into_iter().skip_while(|(_, v)| v.is_none()).collect();
    let consumed: Vec<_> = consumed.into_iter().skip_while(|(_, v)| v.is_none()).collect();
    for (at, v) in &messages_in {
        let expected = per_window(&sh, *at, &|e| match e {
            TraceEvent::Appended { tp, first_offset, last_offset, leader: true, .. } if &*tp.topic == topic => (last_offset - first_offset + 1) as u64,
            _ => 0,
        });
        assert_eq!(*v, Some(expected), "MessagesInPerSec at {at} ms");
    }
    for (at, v) in &consumed {
        let expected = per_window(&sh, *at, &|e| match e {
            TraceEvent::Consumed { tp, first_offset, last_offset, .. } if &*tp.topic == topic => (last_offset - first_offset + 1) as u64,
            _ => 0,
        });
        assert_eq!(*v, Some(expected), "records-consumed-rate at {at} ms");
    }
    // BytesIn, summed over the run, is every byte of the topic's leader logs (no failover
    // here, so the leaders' logs hold exactly what was appended).
    let bytes_in: f64 = m.series(&MetricKey::BytesIn(topic.into())).iter().filter_map(|(_, v)| *v).sum();
    let in_logs: usize = (0..3)
        .map(|p| {
            let tp = kafka_flightsim::sim::TopicPartition::new(topic, p);
            let leader = sh.sim.controller().partition(&tp).and_then(|s| s.leader).expect("a leader");
            sh.sim.broker(leader).expect("broker").replicas().get(&tp).expect("replica").log.batches().map(|b| b.size_bytes()).sum::<usize>()
        })
        .sum();
    assert_eq!(bytes_in, in_logs as f64);
    // The same metric's id and Kafka name, as the panel and the console show them.
    assert_eq!(MetricKey::MessagesIn(topic.into()).kafka_name(), "kafka.server:type=BrokerTopicMetrics,name=MessagesInPerSec,topic=orders");
}

fn lines_of(sh: &mut Shell, cmd: &str) -> usize {
    sh.execute(cmd, &[]).unwrap().lines().filter(|l| !l.trim().is_empty()).count()
}

#[test]
fn a_dead_broker_shows_in_the_gauges_and_they_heal() {
    let mut sh = shell();
    let latest = |sh: &Shell, k: MetricKey| sh.sim.metrics().latest(&k).unwrap_or_else(|| panic!("{k} has a value"));
    assert_eq!(latest(&sh, MetricKey::UnderReplicated), 0.0);
    sh.execute("kill broker 2", &[]).unwrap();
    sh.execute("tick 10s", &[]).unwrap();
    to_a_sample(&mut sh);
    // The gauges agree with kafka-topics.sh's own filters at the same moment (the offsets
    // topic's partitions count too, as in Kafka).
    let urp = lines_of(&mut sh, "kafka-topics.sh --bootstrap-server localhost:9092 --describe --under-replicated-partitions");
    assert!(urp > 0);
    assert_eq!(latest(&sh, MetricKey::UnderReplicated), urp as f64);
    let under_min = lines_of(&mut sh, "kafka-topics.sh --bootstrap-server localhost:9092 --describe --under-min-isr-partitions");
    assert_eq!(latest(&sh, MetricKey::UnderMinIsr), under_min as f64);
    assert_eq!(latest(&sh, MetricKey::Offline), 0.0, "RF 3: every partition still has a leader");
    assert_eq!(sh.sim.metrics().latest(&MetricKey::LogSize(2)), None, "a dead broker reports no log size");
    sh.execute("start broker 2", &[]).unwrap();
    sh.execute("tick 20s", &[]).unwrap();
    to_a_sample(&mut sh);
    assert_eq!(latest(&sh, MetricKey::UnderReplicated), 0.0, "the cluster healed: every replica is back in its ISR");
    // Shrinks and expands, summed, are the ISR changes in the trace.
    let (mut shrinks, mut expands) = (0.0, 0.0);
    let mut size: Vec<(kafka_flightsim::sim::TopicPartition, usize)> = Vec::new();
    for t in sh.sim.trace().iter() {
        let (tp, isr) = match &t.event {
            TraceEvent::IsrChanged { tp, isr, .. } | TraceEvent::LeaderElected { tp, isr, .. } => (tp, isr),
            _ => continue,
        };
        match size.iter_mut().find(|(p, _)| p == tp) {
            Some((_, old)) => {
                if isr.len() < *old {
                    shrinks += 1.0;
                } else if isr.len() > *old {
                    expands += 1.0;
                }
                *old = isr.len();
            }
            None => size.push((tp.clone(), isr.len())),
        }
    }
    let sum = |k: MetricKey| sh.sim.metrics().series(&k).iter().filter_map(|(_, v)| *v).sum::<f64>();
    assert!(shrinks > 0.0 && expands > 0.0);
    assert_eq!(sum(MetricKey::IsrShrinks), shrinks);
    assert_eq!(sum(MetricKey::IsrExpands), expands);
}

#[test]
fn lag_is_what_kafka_consumer_groups_describes() {
    let mut sh = shell();
    sh.execute("slow client reader 400ms", &[]).unwrap();
    sh.execute("tick 8s", &[]).unwrap();
    to_a_sample(&mut sh);
    let out = sh.execute("kafka-consumer-groups.sh --bootstrap-server localhost:9092 --describe --group billing", &[]).unwrap();
    let header: Vec<&str> = out.lines().find(|l| l.starts_with("GROUP")).expect("a header").split_whitespace().collect();
    let (pc, lc) = (header.iter().position(|h| *h == "PARTITION").unwrap(), header.iter().position(|h| *h == "LAG").unwrap());
    let mut total = 0.0;
    for row in out.lines().filter(|l| l.starts_with("billing")) {
        let cols: Vec<&str> = row.split_whitespace().collect();
        let lag: f64 = cols[lc].parse().expect("a lag");
        let tp = kafka_flightsim::sim::TopicPartition::new("orders", cols[pc].parse().unwrap());
        assert_eq!(sh.sim.metrics().latest(&MetricKey::PartitionLag("billing".into(), tp)), Some(lag), "{row}");
        total += lag;
    }
    assert!(total > 0.0, "a slow consumer falls behind: {out}");
    assert_eq!(sh.sim.metrics().latest(&MetricKey::GroupLag("billing".into())), Some(total));
    let lag_max = sh.sim.metrics().latest(&MetricKey::RecordsLagMax("reader".into())).expect("records-lag-max");
    assert!(lag_max > 0.0);
}

#[test]
fn request_times_and_rebalances_move_as_kafka_says() {
    let sh = shell();
    let m = sh.sim.metrics();
    // acks=all (the producer's default): a produce waits in purgatory for the followers, so
    // its time is at least a fetch round trip; a consumer's fetch waits up to fetch.max.wait.
    let p99 = m.series(&MetricKey::ProduceP99).iter().filter_map(|(_, v)| *v).fold(0.0, f64::max);
    assert!(p99 > 0.0, "acks=all produce requests wait for replication");
    let mut sh1 = Shell::new(11);
    for line in [
        "kafka-topics.sh --bootstrap-server localhost:9092 --create --topic orders --partitions 3 --replication-factor 3",
        "producer start shop --topic orders --rate 40/s --keys user_1..user_20 --producer-property acks=1",
        "tick 5s",
    ] {
        sh1.execute(line, &[]).unwrap();
    }
    sh1.sim.sample_metrics_now();
    let acks1 = sh1.sim.metrics().series(&MetricKey::ProduceP99).iter().filter_map(|(_, v)| *v).fold(0.0, f64::max);
    assert_eq!(acks1, 0.0, "acks=1: the leader answers as it appends");
    // One consumer joining an empty group: one rebalance, and its time.
    assert_eq!(m.latest(&MetricKey::Rebalances("billing".into())), Some(1.0));
    assert!(m.latest(&MetricKey::RebalanceMs("billing".into())).is_some_and(|ms| ms > 0.0));
}

/// Every series the simulation holds at its moment.
type Charts = Vec<(MetricKey, Vec<(Millis, Option<f64>)>)>;

fn charts(p: &Player) -> Charts {
    let m = p.shell().sim.metrics();
    m.keys().iter().map(|k| (k.clone(), m.series(k))).collect()
}

#[test]
fn a_seek_shows_the_metrics_of_that_step() {
    let mut p = Player::new(presets::find("failover").expect("preset"), 4).expect("builds");
    let now = p.shell().sim.now();
    p.advance_to(now + 6_000);
    p.line("kill broker 1");
    p.advance_to(now + 20_000);
    let head = p.elapsed();
    let mid = head / 2;
    p.seek(mid);
    let at_mid = charts(&p);
    assert!(!at_mid.is_empty());
    p.seek(head);
    assert!(p.shell().sim.metrics().latest_ms() > at_mid.iter().flat_map(|(_, s)| s.last()).map(|(t, _)| Some(*t)).max().flatten());
    p.seek(mid);
    let again = charts(&p);
    assert_eq!(again, at_mid, "the charts at a step are the same however the step is reached");
}
