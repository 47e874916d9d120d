//! What an operator's dashboard shows, measured in virtual time: the broker's JMX meters and
//! gauges and the clients' metrics that every "what to monitor" chapter names
//! (`../shared/kafka-reference/tools_more.md` section 7 has the MBeans with their sources).
//!
//! The engine counts as things happen (appends, fetches, requests, ISR changes, rebalances)
//! and takes a sample of every metric once a second of virtual time. The samples live in the
//! simulation itself, so a copy of it (a checkpoint, a step back, a seek) carries the charts
//! as they were at that moment. Nothing here feeds back into the simulation: measuring never
//! changes a run or its trace.
//!
//! Simplifications (the glossary says them too): a rate is the count of the last second, not
//! Yammer's one-minute moving average; request-time percentiles are over the requests
//! answered in that second, not Yammer's decaying reservoir; a request's time runs from its
//! arrival at the broker to the sending of its response.
use std::fmt;
use std::rc::Rc;

use super::chunked::Chunked;
use super::types::{BrokerId, Millis, NodeId, TopicPartition};
use crate::vecmap::VecMap;

/// A sample every second of virtual time.
pub const SAMPLE_MS: Millis = 1_000;
/// The last ten minutes are kept: a chart shows at most this many points.
pub const KEPT_SAMPLES: usize = 600;

/// One time series. Per-topic, per-broker, per-group and per-client series appear when the
/// thing they measure first does.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Debug)]
pub enum MetricKey {
    MessagesIn(Rc<str>),
    BytesIn(Rc<str>),
    BytesOut(Rc<str>),
    RecordsConsumed(Rc<str>),
    UnderReplicated,
    UnderMinIsr,
    Offline,
    ActiveControllers,
    IsrShrinks,
    IsrExpands,
    ProduceP50,
    ProduceP99,
    FetchConsumerP50,
    FetchConsumerP99,
    LogSize(BrokerId),
    /// A group's lag over every partition it committed on.
    GroupLag(Rc<str>),
    PartitionLag(Rc<str>, TopicPartition),
    RecordsLagMax(Rc<str>),
    Rebalances(Rc<str>),
    RebalanceMs(Rc<str>),
}

impl MetricKey {
    /// The name a learner finds in a real dashboard: the broker's MBean, or the client
    /// metric with its MBean (tools_more.md section 7; the rebalance metrics are
    /// AbstractCoordinator's `consumer-coordinator-metrics`).
    pub fn kafka_name(&self) -> String {
        use MetricKey::*;
        match self {
            MessagesIn(t) => format!("kafka.server:type=BrokerTopicMetrics,name=MessagesInPerSec,topic={t}"),
            BytesIn(t) => format!("kafka.server:type=BrokerTopicMetrics,name=BytesInPerSec,topic={t}"),
            BytesOut(t) => format!("kafka.server:type=BrokerTopicMetrics,name=BytesOutPerSec,topic={t}"),
            RecordsConsumed(t) => {
                format!("kafka.consumer:type=consumer-fetch-manager-metrics,client-id=*,topic={t} records-consumed-rate (summed over consumers)")
            }
            UnderReplicated => "kafka.server:type=ReplicaManager,name=UnderReplicatedPartitions".into(),
            UnderMinIsr => "kafka.server:type=ReplicaManager,name=UnderMinIsrPartitionCount".into(),
            Offline => "kafka.controller:type=KafkaController,name=OfflinePartitionsCount".into(),
            ActiveControllers => "kafka.controller:type=KafkaController,name=ActiveControllerCount".into(),
            IsrShrinks => "kafka.server:type=ReplicaManager,name=IsrShrinksPerSec".into(),
            IsrExpands => "kafka.server:type=ReplicaManager,name=IsrExpandsPerSec".into(),
            ProduceP50 => "kafka.network:type=RequestMetrics,name=TotalTimeMs,request=Produce 50thPercentile".into(),
            ProduceP99 => "kafka.network:type=RequestMetrics,name=TotalTimeMs,request=Produce 99thPercentile".into(),
            FetchConsumerP50 => "kafka.network:type=RequestMetrics,name=TotalTimeMs,request=FetchConsumer 50thPercentile".into(),
            FetchConsumerP99 => "kafka.network:type=RequestMetrics,name=TotalTimeMs,request=FetchConsumer 99thPercentile".into(),
            LogSize(b) => format!("kafka.log:type=Log,name=Size,topic=*,partition=* (summed on broker {b})"),
            GroupLag(g) => format!("consumer group {g}: lag (kafka-consumer-groups.sh --describe --group {g}, summed)"),
            PartitionLag(g, tp) => format!("consumer group {g}: lag on {tp} (kafka-consumer-groups.sh --describe)"),
            RecordsLagMax(c) => format!("kafka.consumer:type=consumer-fetch-manager-metrics,client-id={c} records-lag-max"),
            Rebalances(g) => format!("kafka.consumer:type=consumer-coordinator-metrics,client-id=* rebalance-total (group {g})"),
            RebalanceMs(g) => format!("kafka.consumer:type=consumer-coordinator-metrics,client-id=* rebalance-latency-total (group {g})"),
        }
    }

    /// A short title for a chart.
    pub fn title(&self) -> String {
        use MetricKey::*;
        match self {
            MessagesIn(t) => format!("Messages in, {t}"),
            BytesIn(t) => format!("Bytes in, {t}"),
            BytesOut(t) => format!("Bytes out, {t}"),
            RecordsConsumed(t) => format!("Records consumed, {t}"),
            UnderReplicated => "Under-replicated partitions".into(),
            UnderMinIsr => "Under min ISR partitions".into(),
            Offline => "Offline partitions".into(),
            ActiveControllers => "Active controllers".into(),
            IsrShrinks => "ISR shrinks".into(),
            IsrExpands => "ISR expands".into(),
            ProduceP50 => "Produce request time, p50".into(),
            ProduceP99 => "Produce request time, p99".into(),
            FetchConsumerP50 => "Consumer fetch time, p50".into(),
            FetchConsumerP99 => "Consumer fetch time, p99".into(),
            LogSize(b) => format!("Log size, broker {b}"),
            GroupLag(g) => format!("Lag, group {g}"),
            PartitionLag(g, tp) => format!("Lag, group {g}, {tp}"),
            RecordsLagMax(c) => format!("records-lag-max, {c}"),
            Rebalances(g) => format!("Rebalances, group {g}"),
            RebalanceMs(g) => format!("Time rebalancing, group {g}"),
        }
    }

    pub fn unit(&self) -> &'static str {
        use MetricKey::*;
        match self {
            MessagesIn(_) | RecordsConsumed(_) => "records/s",
            BytesIn(_) | BytesOut(_) => "bytes/s",
            UnderReplicated | UnderMinIsr | Offline => "partitions",
            ActiveControllers => "controllers",
            IsrShrinks | IsrExpands => "per s",
            ProduceP50 | ProduceP99 | FetchConsumerP50 | FetchConsumerP99 | RebalanceMs(_) => "ms",
            LogSize(_) => "bytes",
            GroupLag(_) | PartitionLag(..) | RecordsLagMax(_) => "records",
            Rebalances(_) => "rebalances",
        }
    }

    /// A short id for addresses, CSV file names and alerts: `urp`, `lag:orders-app`.
    pub fn id(&self) -> String {
        use MetricKey::*;
        match self {
            MessagesIn(t) => format!("messages-in:{t}"),
            BytesIn(t) => format!("bytes-in:{t}"),
            BytesOut(t) => format!("bytes-out:{t}"),
            RecordsConsumed(t) => format!("records-consumed:{t}"),
            UnderReplicated => "urp".into(),
            UnderMinIsr => "under-min-isr".into(),
            Offline => "offline".into(),
            ActiveControllers => "active-controllers".into(),
            IsrShrinks => "isr-shrinks".into(),
            IsrExpands => "isr-expands".into(),
            ProduceP50 => "produce-p50".into(),
            ProduceP99 => "produce-p99".into(),
            FetchConsumerP50 => "fetch-p50".into(),
            FetchConsumerP99 => "fetch-p99".into(),
            LogSize(b) => format!("log-size:{b}"),
            GroupLag(g) => format!("lag:{g}"),
            PartitionLag(g, tp) => format!("lag:{g}:{tp}"),
            RecordsLagMax(c) => format!("records-lag-max:{c}"),
            Rebalances(g) => format!("rebalances:{g}"),
            RebalanceMs(g) => format!("rebalance-ms:{g}"),
        }
    }
}

impl fmt::Display for MetricKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.id())
    }
}

/// What a request is, for its time.
#[derive(Copy, Clone, PartialEq, Eq, Debug)]
pub(crate) enum RequestKind {
    Produce,
    FetchConsumer,
}

/// Totals since the start, per topic.
#[derive(Clone, Copy, Default, Debug)]
struct TopicTotals {
    messages_in: u64,
    bytes_in: u64,
    bytes_out: u64,
    consumed: u64,
}

#[derive(Clone, Default, Debug)]
pub struct Metrics {
    next_sample_ms: Millis,
    topics: VecMap<Rc<str>, TopicTotals>,
    /// The totals at the last sample, for the rates.
    topics_before: VecMap<Rc<str>, TopicTotals>,
    isr_shrinks: u64,
    isr_expands: u64,
    isr_shrinks_before: u64,
    isr_expands_before: u64,
    isr_size: VecMap<TopicPartition, usize>,
    /// Requests a broker has received and not yet answered: (broker, client, request id).
    open_requests: VecMap<(BrokerId, NodeId, u64), (Millis, RequestKind)>,
    /// Request times of the requests answered since the last sample.
    produce_ms: Vec<Millis>,
    fetch_ms: Vec<Millis>,
    rebalancing_since: VecMap<Rc<str>, Millis>,
    /// Per group: rebalances completed, and the milliseconds they took.
    rebalances: VecMap<Rc<str>, (u64, Millis)>,
    keys: Vec<MetricKey>,
    column: VecMap<MetricKey, usize>,
    /// One row per sample, a value per key (`NaN`: none at that moment); a row is as long
    /// as the key list was when it was taken.
    rows: Chunked<Rc<[f64]>>,
    /// The time of `rows[0]`.
    first_ms: Millis,
}

/// What a sample reads from the simulation: the gauges of that moment.
#[derive(Default)]
pub(crate) struct Gauges {
    pub under_replicated: usize,
    pub under_min_isr: usize,
    pub offline: usize,
    pub log_size: Vec<(BrokerId, Option<u64>)>,
    /// (group, partition, lag): high watermark minus the committed offset.
    pub lag: Vec<(Rc<str>, TopicPartition, i64)>,
    /// (consumer, records-lag-max) for each running consumer with a position.
    pub records_lag_max: Vec<(Rc<str>, i64)>,
}

impl Metrics {
    pub(crate) fn next_sample_ms(&self) -> Millis {
        self.next_sample_ms
    }

    fn topic(&mut self, topic: &Rc<str>) -> Option<&mut TopicTotals> {
        // Internal topics (`__consumer_offsets`) are Kafka's own writes, not the learner's
        // traffic: their rates would only blur the charts.
        if topic.starts_with("__") {
            return None;
        }
        if self.topics.get(topic).is_none() {
            self.topics.insert(topic.clone(), TopicTotals::default());
        }
        self.topics.get_mut(topic)
    }

    /// A leader appended a producer's records (ReplicaManager.appendToLocalLog marks
    /// MessagesInPerSec and BytesInPerSec).
    pub(crate) fn appended(&mut self, topic: &Rc<str>, records: u64, bytes: u64) {
        if let Some(t) = self.topic(topic) {
            t.messages_in += records;
            t.bytes_in += bytes;
        }
    }

    /// A broker answered a consumer's fetch with these bytes of a topic (followers' fetches
    /// count as replication, not BytesOut: BrokerTopicStats.updateBytesOut).
    pub(crate) fn sent_to_consumer(&mut self, topic: &Rc<str>, bytes: u64) {
        if let Some(t) = self.topic(topic) {
            t.bytes_out += bytes;
        }
    }

    pub(crate) fn consumed(&mut self, topic: &Rc<str>, records: u64) {
        if let Some(t) = self.topic(topic) {
            t.consumed += records;
        }
    }

    /// An ISR's new size; a smaller one is a shrink, a larger one an expand.
    pub(crate) fn isr(&mut self, tp: &TopicPartition, size: usize) {
        match self.isr_size.get(tp).copied() {
            Some(old) if size < old => self.isr_shrinks += 1,
            Some(old) if size > old => self.isr_expands += 1,
            _ => {}
        }
        self.isr_size.insert(tp.clone(), size);
    }

    pub(crate) fn request_arrived(&mut self, now: Millis, broker: BrokerId, from: NodeId, req_id: u64, kind: RequestKind) {
        self.open_requests.insert((broker, from, req_id), (now, kind));
    }

    pub(crate) fn response_sent(&mut self, now: Millis, broker: BrokerId, to: NodeId, req_id: u64) {
        if let Some((since, kind)) = self.open_requests.remove(&(broker, to, req_id)) {
            match kind {
                RequestKind::Produce => self.produce_ms.push(now - since),
                RequestKind::FetchConsumer => self.fetch_ms.push(now - since),
            }
        }
    }

    /// A broker stopped: its open requests will never be answered.
    pub(crate) fn broker_gone(&mut self, broker: BrokerId) {
        self.open_requests.retain(|(b, _, _), _| *b != broker);
    }

    /// A group's state changed: a rebalance starts with PreparingRebalance and is done when
    /// the group is Stable again (AbstractCoordinator counts successful rebalances).
    pub(crate) fn group_state(&mut self, now: Millis, group: &Rc<str>, state: super::group::GroupState) {
        use super::group::GroupState::*;
        match state {
            PreparingRebalance | CompletingRebalance => {
                if self.rebalancing_since.get(group).is_none() {
                    self.rebalancing_since.insert(group.clone(), now);
                }
            }
            Stable => {
                if let Some(since) = self.rebalancing_since.remove(group) {
                    if self.rebalances.get(group).is_none() {
                        self.rebalances.insert(group.clone(), (0, 0));
                    }
                    if let Some(r) = self.rebalances.get_mut(group) {
                        r.0 += 1;
                        r.1 += now - since;
                    }
                }
            }
            Empty | Dead => {
                self.rebalancing_since.remove(group);
            }
        }
    }

    fn set(&mut self, row: &mut Vec<f64>, key: MetricKey, value: f64) {
        let i = match self.column.get(&key) {
            Some(i) => *i,
            None => {
                let i = self.keys.len();
                self.column.insert(key.clone(), i);
                self.keys.push(key);
                i
            }
        };
        if row.len() <= i {
            row.resize(i + 1, f64::NAN);
        }
        row[i] = value;
    }

    /// Takes the sample due at `next_sample_ms` from the gauges of that moment.
    pub(crate) fn sample(&mut self, g: Gauges) {
        let at = self.next_sample_ms;
        let per_s = 1_000.0 / SAMPLE_MS as f64;
        let mut row = vec![f64::NAN; self.keys.len()];
        let topics: Vec<(Rc<str>, TopicTotals)> = self.topics.iter().map(|(k, v)| (k.clone(), *v)).collect();
        for (t, now) in &topics {
            let before = self.topics_before.get(t).copied().unwrap_or_default();
            self.set(&mut row, MetricKey::MessagesIn(t.clone()), (now.messages_in - before.messages_in) as f64 * per_s);
            self.set(&mut row, MetricKey::BytesIn(t.clone()), (now.bytes_in - before.bytes_in) as f64 * per_s);
            self.set(&mut row, MetricKey::BytesOut(t.clone()), (now.bytes_out - before.bytes_out) as f64 * per_s);
            self.set(&mut row, MetricKey::RecordsConsumed(t.clone()), (now.consumed - before.consumed) as f64 * per_s);
        }
        self.topics_before = self.topics.clone();
        self.set(&mut row, MetricKey::UnderReplicated, g.under_replicated as f64);
        self.set(&mut row, MetricKey::UnderMinIsr, g.under_min_isr as f64);
        self.set(&mut row, MetricKey::Offline, g.offline as f64);
        // The simulator's KRaft quorum is one controller that never fails (the glossary).
        self.set(&mut row, MetricKey::ActiveControllers, 1.0);
        self.set(&mut row, MetricKey::IsrShrinks, (self.isr_shrinks - self.isr_shrinks_before) as f64 * per_s);
        self.set(&mut row, MetricKey::IsrExpands, (self.isr_expands - self.isr_expands_before) as f64 * per_s);
        self.isr_shrinks_before = self.isr_shrinks;
        self.isr_expands_before = self.isr_expands;
        let (produce, fetch) = (std::mem::take(&mut self.produce_ms), std::mem::take(&mut self.fetch_ms));
        self.set(&mut row, MetricKey::ProduceP50, percentile(&produce, 50));
        self.set(&mut row, MetricKey::ProduceP99, percentile(&produce, 99));
        self.set(&mut row, MetricKey::FetchConsumerP50, percentile(&fetch, 50));
        self.set(&mut row, MetricKey::FetchConsumerP99, percentile(&fetch, 99));
        for (b, size) in &g.log_size {
            self.set(&mut row, MetricKey::LogSize(*b), size.map_or(f64::NAN, |s| s as f64));
        }
        let mut group_lag: VecMap<Rc<str>, i64> = VecMap::new();
        for (group, tp, lag) in &g.lag {
            self.set(&mut row, MetricKey::PartitionLag(group.clone(), tp.clone()), *lag as f64);
            let sum = group_lag.get(group).copied().unwrap_or(0) + lag;
            group_lag.insert(group.clone(), sum);
        }
        for (group, lag) in group_lag.iter() {
            self.set(&mut row, MetricKey::GroupLag(group.clone()), *lag as f64);
        }
        for (c, lag) in &g.records_lag_max {
            self.set(&mut row, MetricKey::RecordsLagMax(c.clone()), *lag as f64);
        }
        let rebalances: Vec<(Rc<str>, (u64, Millis))> = self.rebalances.iter().map(|(k, v)| (k.clone(), *v)).collect();
        for (group, (n, ms)) in rebalances {
            self.set(&mut row, MetricKey::Rebalances(group.clone()), n as f64);
            self.set(&mut row, MetricKey::RebalanceMs(group), ms as f64);
        }
        if self.rows.len() == 0 {
            self.first_ms = at;
        }
        self.rows.push(row.into());
        if self.rows.len() > KEPT_SAMPLES {
            self.rows.remove_front(1);
            self.first_ms += SAMPLE_MS;
        }
        self.next_sample_ms = at + SAMPLE_MS;
        // A request open for ten minutes was lost with its connection (a killed client, a
        // cut network): forgotten rather than kept forever.
        let horizon = at.saturating_sub(KEPT_SAMPLES as Millis * SAMPLE_MS);
        self.open_requests.retain(|_, (since, _)| *since >= horizon);
    }

    /// Every series there has been, in the order they appeared.
    pub fn keys(&self) -> &[MetricKey] {
        &self.keys
    }

    /// A series: each sample's time and value (None: nothing to measure at that moment,
    /// such as a request time in a second without requests).
    pub fn series(&self, key: &MetricKey) -> Vec<(Millis, Option<f64>)> {
        let Some(&i) = self.column.get(key) else { return Vec::new() };
        self.rows.iter().enumerate().map(|(n, row)| (self.first_ms + n as Millis * SAMPLE_MS, row.get(i).copied().filter(|v| !v.is_nan()))).collect()
    }

    /// The newest sample's value.
    pub fn latest(&self, key: &MetricKey) -> Option<f64> {
        let i = *self.column.get(key)?;
        self.rows.back().and_then(|r| r.get(i).copied()).filter(|v| !v.is_nan())
    }

    /// The time of the newest sample.
    pub fn latest_ms(&self) -> Option<Millis> {
        (self.rows.len() > 0).then(|| self.first_ms + (self.rows.len() as Millis - 1) * SAMPLE_MS)
    }
}

/// The nearest-rank percentile (NaN for no values).
fn percentile(values: &[Millis], p: usize) -> f64 {
    if values.is_empty() {
        return f64::NAN;
    }
    let mut v = values.to_vec();
    v.sort_unstable();
    let rank = (p * v.len()).div_ceil(100).max(1);
    v[rank - 1] as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_are_nearest_rank() {
        assert!(percentile(&[], 50).is_nan());
        assert_eq!(percentile(&[7], 99), 7.0);
        let v: Vec<Millis> = (1..=100).collect();
        assert_eq!(percentile(&v, 50), 50.0);
        assert_eq!(percentile(&v, 99), 99.0);
        assert_eq!(percentile(&[5, 1, 3], 50), 3.0);
    }

    #[test]
    fn rates_are_per_second_and_new_series_start_empty() {
        let mut m = Metrics::default();
        let t: Rc<str> = "orders".into();
        m.appended(&t, 10, 1_000);
        m.sample(Gauges::default());
        m.appended(&t, 4, 400);
        m.sample(Gauges::default());
        assert_eq!(m.series(&MetricKey::MessagesIn(t.clone())), vec![(0, Some(10.0)), (1_000, Some(4.0))]);
        assert_eq!(m.latest(&MetricKey::BytesIn(t.clone())), Some(400.0));
        // Internal topics are not the learner's traffic.
        m.appended(&"__consumer_offsets".into(), 1, 1);
        m.sample(Gauges::default());
        assert!(m.keys().iter().all(|k| !k.id().contains("__")));
        // A group seen from the third sample on has no value before it.
        let g = Gauges { lag: vec![("app".into(), TopicPartition::new("orders", 0), 5)], ..Default::default() };
        m.sample(g);
        let lag = m.series(&MetricKey::GroupLag("app".into()));
        assert_eq!(lag.len(), 4);
        assert_eq!(lag[3], (3_000, Some(5.0)));
        assert_eq!(lag[2].1, None);
    }

    #[test]
    fn isr_changes_count_shrinks_and_expands() {
        let mut m = Metrics::default();
        let tp = TopicPartition::new("t", 0);
        m.isr(&tp, 3);
        m.isr(&tp, 2);
        m.isr(&tp, 1);
        m.isr(&tp, 3);
        m.sample(Gauges::default());
        assert_eq!(m.latest(&MetricKey::IsrShrinks), Some(2.0));
        assert_eq!(m.latest(&MetricKey::IsrExpands), Some(1.0));
        m.sample(Gauges::default());
        assert_eq!(m.latest(&MetricKey::IsrShrinks), Some(0.0));
    }

    #[test]
    fn only_ten_minutes_are_kept() {
        let mut m = Metrics::default();
        for _ in 0..KEPT_SAMPLES + 5 {
            m.sample(Gauges::default());
        }
        let s = m.series(&MetricKey::Offline);
        assert_eq!(s.len(), KEPT_SAMPLES);
        assert_eq!(s[0].0, 5 * SAMPLE_MS);
        assert_eq!(m.latest_ms(), Some((KEPT_SAMPLES as Millis + 4) * SAMPLE_MS));
    }
}
