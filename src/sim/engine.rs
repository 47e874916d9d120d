//! The simulation: one event queue ordered by (virtual time, sequence), one seeded RNG, the
//! network between nodes, and the nodes themselves. `step()` applies the next event.
use crate::vecmap::VecMap;
use std::collections::BinaryHeap;
use std::fmt::Write as _;
use std::rc::Rc;

use rand_chacha::ChaCha8Rng;
use rand_core::SeedableRng;

use super::broker::{Broker, BrokerState};
use super::config::{ClusterConfig, ConsumerConfig, ProducerConfig, TopicConfig};
use super::consumer::Consumer;
use super::controller::Controller;
use super::error::AdminError;
use super::event::{Event, Scheduled};
use super::fault::Fault;
use super::message::{Message, Payload};
use super::metrics::{Metrics, RequestKind};
use super::network::Network;
use super::out::{Ctx, Out};
use super::producer::{Completed, Producer, RateSpec};
use super::trace::{TraceEvent, TraceHasher, TraceLog, Traced};
use super::types::{BrokerId, ClientId, Millis, NodeId, ProducerRecord, TopicPartition};

#[derive(Clone, Debug)]
pub enum Client {
    Producer(Producer),
    Consumer(Consumer),
}

impl Client {
    pub fn name(&self) -> &Rc<str> {
        match self {
            Client::Producer(p) => &p.name,
            Client::Consumer(c) => &c.name,
        }
    }
    fn incarnation(&self) -> u32 {
        match self {
            Client::Producer(p) => p.incarnation,
            Client::Consumer(c) => c.incarnation,
        }
    }
    pub fn running(&self) -> bool {
        match self {
            Client::Producer(p) => p.running,
            Client::Consumer(c) => c.running,
        }
    }
}

/// The whole simulated world. `Clone` is a snapshot: records are shared, not copied.
#[derive(Clone, Debug)]
pub struct Sim {
    pub(crate) now: Millis,
    seq: u64,
    pub(crate) queue: BinaryHeap<Scheduled>,
    rng: ChaCha8Rng,
    pub(crate) controller: Controller,
    pub(crate) brokers: VecMap<BrokerId, Broker>,
    pub(crate) clients: Vec<Client>,
    pub(crate) net: Network,
    pub(crate) cluster: ClusterConfig,
    hasher: TraceHasher,
    last_step: Vec<Traced>,
    trace_log: TraceLog,
    keep_trace: bool,
    next_message_id: u64,
    next_producer_id: i64,
    events_processed: u64,
    trace_count: u64,
    /// The operator's metrics, sampled each second of virtual time (`metrics.rs`).
    pub(crate) metrics: Metrics,
    pub seed: u64,
}

impl Sim {
    /// A cluster of `brokers` brokers numbered 1..=n (as Kafka tutorials number them), all
    /// started at time 0. Nothing has happened yet: step or run to let them register.
    pub fn new(seed: u64, brokers: i32, cluster: ClusterConfig) -> Self {
        let mut sim = Sim {
            now: 0,
            seq: 0,
            queue: BinaryHeap::new(),
            rng: ChaCha8Rng::seed_from_u64(seed),
            controller: Controller::new(cluster.clone()),
            brokers: VecMap::new(),
            clients: Vec::new(),
            net: Network { latency_ms: cluster.network_latency_ms, jitter_ms: cluster.network_jitter_ms, ..Default::default() },
            cluster,
            hasher: TraceHasher::default(),
            last_step: Vec::new(),
            trace_log: TraceLog::default(),
            keep_trace: true,
            next_message_id: 0,
            next_producer_id: 1000,
            events_processed: 0,
            trace_count: 0,
            metrics: Metrics::default(),
            seed,
        };
        for id in 1..=brokers.max(0) {
            sim.add_broker(id);
        }
        sim
    }

    /// Adds a broker process and starts it.
    pub fn add_broker(&mut self, id: BrokerId) {
        self.controller.add_broker(id);
        self.brokers.insert(id, Broker::new(id, self.cluster.clone()));
        self.with_node(NodeId::Broker(id), |sim, ctx| sim.brokers.get_mut(&id).expect("added").start(ctx));
    }

    pub fn now(&self) -> Millis {
        self.now
    }

    pub fn events_processed(&self) -> u64 {
        self.events_processed
    }

    pub fn trace_count(&self) -> u64 {
        self.trace_count
    }

    /// FNV-1a over every trace line so far: equal hashes mean equal runs.
    pub fn trace_hash(&self) -> u64 {
        self.hasher.finish()
    }

    /// Keep (or stop keeping) the full trace. The hash is always kept.
    pub fn set_keep_trace(&mut self, keep: bool) {
        self.keep_trace = keep;
        if !keep {
            self.trace_log = TraceLog::default();
        }
    }

    /// The kept trace (empty when `set_keep_trace(false)`).
    pub fn trace(&self) -> &TraceLog {
        &self.trace_log
    }

    pub fn is_empty(&self) -> bool {
        self.queue.is_empty()
    }

    /// What the next event is, in words: a message arriving or a node's timer firing.
    pub fn describe_next_event(&self) -> Option<String> {
        let next = self.queue.peek()?;
        Some(match &next.event {
            Event::Deliver(m) => format!("[{:>8}ms] {} {} -> {} arrives", next.time, m.payload.kind(), m.from, m.to),
            Event::Timer { node, timer, .. } => format!("[{:>8}ms] {node}: {timer}", next.time),
        })
    }

    /// Moves the clock to `t` without applying anything, never past the next event: how a
    /// replayed session lands exactly where a paused one stood.
    pub fn set_clock(&mut self, t: Millis) {
        let cap = self.next_event_time().unwrap_or(Millis::MAX);
        self.now = self.now.max(t.min(cap));
    }

    /// Virtual time of the next event, if any.
    pub fn next_event_time(&self) -> Option<Millis> {
        self.queue.peek().map(|s| s.time)
    }

    // ---- The loop ----

    /// Applies the next event and returns the trace events it caused (None: nothing left).
    pub fn step(&mut self) -> Option<&[Traced]> {
        let ev = self.queue.pop()?;
        self.sample_metrics_before(ev.time);
        self.last_step.clear();
        debug_assert!(ev.time >= self.now, "engine bug: time went backwards");
        self.now = ev.time;
        self.events_processed += 1;
        self.dispatch(ev);
        Some(&self.last_step)
    }

    /// Steps every event up to and including virtual time `t`, then sets the clock to `t`.
    pub fn run_until(&mut self, t: Millis) -> u64 {
        let before = self.events_processed;
        while self.queue.peek().is_some_and(|s| s.time <= t) {
            self.step();
        }
        self.now = self.now.max(t);
        self.events_processed - before
    }

    pub fn run_for(&mut self, d: Millis) -> u64 {
        let t = self.now + d;
        self.run_until(t)
    }

    fn push(&mut self, time: Millis, event: Event) {
        self.seq += 1;
        self.queue.push(Scheduled { time, seq: self.seq, event });
    }

    fn record(&mut self, event: TraceEvent) {
        self.measure(&event);
        let t = Traced { time_ms: self.now, event };
        let _ = writeln!(self.hasher, "{t}");
        self.trace_count += 1;
        if self.keep_trace {
            self.trace_log.push(t.clone());
        }
        self.last_step.push(t);
    }

    fn incarnation_of(&self, node: NodeId) -> u32 {
        match node {
            NodeId::Controller => 0,
            NodeId::Broker(b) => self.brokers.get(&b).map_or(0, |b| b.incarnation),
            NodeId::Client(c) => self.clients.get(c as usize).map_or(0, |c| c.incarnation()),
        }
    }

    /// Runs `f` as node `node` and applies the effects it pushed.
    fn with_node<R>(&mut self, node: NodeId, f: impl FnOnce(&mut Sim, &mut Ctx) -> R) -> R {
        let mut out = Out::default();
        let mut rng = self.rng.clone();
        let r = {
            let mut ctx = Ctx { now: self.now, rng: &mut rng, out: &mut out };
            f(self, &mut ctx)
        };
        self.rng = rng;
        self.apply_out(node, out);
        r
    }

    /// `with_node` for the engine's other modules.
    pub(crate) fn with_node_pub<R>(&mut self, node: NodeId, f: impl FnOnce(&mut Sim, &mut Ctx) -> R) -> R {
        self.with_node(node, f)
    }

    fn apply_out(&mut self, node: NodeId, out: Out) {
        for e in out.trace {
            self.record(e);
        }
        let incarnation = self.incarnation_of(node);
        for (delay, timer) in out.timers {
            self.push(self.now + delay, Event::Timer { node, incarnation, timer });
        }
        for (to, payload) in out.sends {
            self.send(node, to, payload);
        }
    }

    /// What a trace event adds to the metrics.
    fn measure(&mut self, event: &TraceEvent) {
        match event {
            TraceEvent::Appended { tp, broker, first_offset, last_offset, leader: true, .. } => {
                let bytes = self.appended_bytes(*broker, tp, *first_offset);
                self.metrics.appended(&tp.topic, (last_offset - first_offset + 1).max(0) as u64, bytes);
            }
            TraceEvent::IsrChanged { tp, isr, .. } | TraceEvent::LeaderElected { tp, isr, .. } => self.metrics.isr(tp, isr.len()),
            TraceEvent::Consumed { tp, first_offset, last_offset, .. } => self.metrics.consumed(&tp.topic, (last_offset - first_offset + 1).max(0) as u64),
            TraceEvent::GroupStateChanged { group, state, .. } => self.metrics.group_state(self.now, group, *state),
            TraceEvent::BrokerKilled { broker } | TraceEvent::BrokerStopped { broker } => self.metrics.broker_gone(*broker),
            _ => {}
        }
    }

    /// The metrics' view of a message leaving: a broker's answer ends a request's time, and
    /// a consumer's fetch response is BytesOut.
    fn measure_send(&mut self, from: NodeId, to: NodeId, payload: &Payload) {
        let NodeId::Broker(b) = from else { return };
        match payload {
            Payload::ProduceResponse { req_id, .. } => self.metrics.response_sent(self.now, b, to, *req_id),
            Payload::FetchResponse { req_id, partitions } if matches!(to, NodeId::Client(_)) => {
                self.metrics.response_sent(self.now, b, to, *req_id);
                for (tp, data) in partitions {
                    if let Ok(d) = data {
                        self.metrics.sent_to_consumer(&tp.topic, super::gauges::fetched_bytes(d));
                    }
                }
            }
            _ => {}
        }
    }

    fn send(&mut self, from: NodeId, to: NodeId, payload: Payload) {
        self.measure_send(from, to, &payload);
        if let Some(reason) = self.net.lost_at_send(from, to) {
            self.record(TraceEvent::MessageDropped { from, to, kind: payload.kind(), reason });
            return;
        }
        let arrive = self.net.arrival(self.now, from, to, &mut self.rng);
        self.next_message_id += 1;
        let msg = Message { id: self.next_message_id, from, to, sent_ms: self.now, arrive_ms: arrive, payload };
        self.push(arrive, Event::Deliver(Rc::new(msg)));
    }

    fn dispatch(&mut self, ev: Scheduled) {
        let target = ev.target();
        if self.net.is_paused(target) {
            self.net.held.push(ev);
            return;
        }
        match ev.event {
            Event::Deliver(msg) => self.deliver(Rc::try_unwrap(msg).unwrap_or_else(|m| (*m).clone())),
            Event::Timer { node, incarnation, timer } => {
                if incarnation != self.incarnation_of(node) {
                    return;
                }
                self.with_node(node, |sim, ctx| match node {
                    NodeId::Controller => sim.controller.on_timer(ctx, timer),
                    NodeId::Broker(b) => {
                        if let Some(br) = sim.brokers.get_mut(&b) {
                            if br.is_up() {
                                br.on_timer(ctx, timer);
                            }
                        }
                    }
                    NodeId::Client(c) => match sim.clients.get_mut(c as usize) {
                        Some(Client::Producer(p)) => p.on_timer(ctx, timer),
                        Some(Client::Consumer(c)) => c.on_timer(ctx, timer),
                        None => {}
                    },
                });
            }
        }
    }

    fn deliver(&mut self, msg: Message) {
        let (from, to) = (msg.from, msg.to);
        if self.net.is_cut(from, to) {
            self.record(TraceEvent::MessageDropped { from, to, kind: msg.payload.kind(), reason: "network partition" });
            return;
        }
        let alive = match to {
            NodeId::Controller => true,
            NodeId::Broker(b) => self.brokers.get(&b).is_some_and(|b| b.is_up()),
            NodeId::Client(c) => self.clients.get(c as usize).is_some_and(|c| c.running()),
        };
        if !alive {
            let kind = msg.payload.kind();
            if let Some(req_id) = msg.payload.request_id() {
                // The host is up but the process is gone: the connection is refused at once.
                self.record(TraceEvent::MessageDropped { from, to, kind, reason: "process down, connection refused" });
                self.send(to, from, Payload::Disconnected { req_id: Some(req_id) });
            } else if !matches!(msg.payload, Payload::Disconnected { .. }) {
                self.record(TraceEvent::MessageDropped { from, to, kind, reason: "process down" });
            }
            return;
        }
        let payload = msg.payload;
        if let NodeId::Broker(b) = to {
            match &payload {
                Payload::Produce { req_id, .. } => self.metrics.request_arrived(self.now, b, from, *req_id, RequestKind::Produce),
                Payload::Fetch { req_id, replica: None, .. } => self.metrics.request_arrived(self.now, b, from, *req_id, RequestKind::FetchConsumer),
                _ => {}
            }
        }
        self.with_node(to, |sim, ctx| match to {
            NodeId::Controller => sim.controller.on_message(ctx, from, payload),
            NodeId::Broker(b) => sim.brokers.get_mut(&b).expect("alive").on_message(ctx, from, payload),
            NodeId::Client(c) => match sim.clients.get_mut(c as usize) {
                Some(Client::Producer(p)) => p.on_message(ctx, from, payload),
                Some(Client::Consumer(c)) => c.on_message(ctx, from, payload),
                None => {}
            },
        });
    }

    // ---- Admin operations ----

    pub fn create_topic(&mut self, name: &str, partitions: i32, replication_factor: i32, configs: &[(String, String)]) -> Result<(), AdminError> {
        // The partition count is checked before anything else in the request (Kafka's
        // validateTotalNumberOfPartitions runs first), configs next.
        if partitions > super::controller::MAX_PARTITIONS_PER_BATCH {
            return Err(AdminError::ExcessivePartitionsPerRequest);
        }
        let mut config = TopicConfig::default();
        for (k, v) in configs {
            config.set(k, v)?;
        }
        let config_records = configs.len();
        self.with_node(NodeId::Controller, |sim, ctx| sim.controller.create_topic(ctx, name, partitions, replication_factor, config, config_records))
    }

    pub fn delete_topic(&mut self, name: &str) -> Result<(), AdminError> {
        self.with_node(NodeId::Controller, |sim, ctx| sim.controller.delete_topic(ctx, name))
    }

    pub fn add_partitions(&mut self, name: &str, total: i32) -> Result<(), AdminError> {
        self.with_node(NodeId::Controller, |sim, ctx| sim.controller.add_partitions(ctx, name, total))
    }

    pub fn alter_topic_config(&mut self, name: &str, key: &str, value: Option<&str>) -> Result<(), AdminError> {
        self.with_node(NodeId::Controller, |sim, ctx| sim.controller.alter_topic_config(ctx, name, key, value))
    }

    /// A dynamic broker config for one broker, or (None) the cluster-wide default.
    pub fn alter_broker_config(&mut self, broker: Option<BrokerId>, key: &str, value: Option<&str>) -> Result<(), AdminError> {
        self.with_node(NodeId::Controller, |sim, ctx| sim.controller.alter_broker_config(ctx, broker, key, value))
    }

    /// Preferred (unclean = false) or unclean leader election for one partition.
    pub fn elect_leader(&mut self, tp: &TopicPartition, unclean: bool) -> Result<BrokerId, AdminError> {
        self.with_node(NodeId::Controller, |sim, ctx| sim.controller.elect(ctx, tp, unclean))
    }

    // ---- Faults ----

    pub fn apply(&mut self, fault: Fault) -> Result<(), AdminError> {
        match fault {
            Fault::KillBroker(b) => {
                let br = self.brokers.get(&b).ok_or(AdminError::NoSuchBroker(b))?;
                if !br.is_up() {
                    return Err(AdminError::BrokerNotRunning(b));
                }
                self.with_node(NodeId::Broker(b), |sim, ctx| sim.brokers.get_mut(&b).expect("exists").kill(ctx));
            }
            Fault::StopBroker(b) => {
                let br = self.brokers.get(&b).ok_or(AdminError::NoSuchBroker(b))?;
                if br.state != BrokerState::Running {
                    return Err(AdminError::BrokerNotRunning(b));
                }
                self.with_node(NodeId::Broker(b), |sim, ctx| sim.brokers.get_mut(&b).expect("exists").request_shutdown(ctx));
            }
            Fault::StartBroker(b) => {
                let br = self.brokers.get(&b).ok_or(AdminError::NoSuchBroker(b))?;
                if br.is_up() {
                    return Err(AdminError::BrokerAlreadyRunning(b));
                }
                self.with_node(NodeId::Broker(b), |sim, ctx| sim.brokers.get_mut(&b).expect("exists").start(ctx));
            }
            Fault::Partition { side_a, side_b } => {
                if side_a.is_empty() || side_b.is_empty() {
                    return Err(AdminError::Invalid("A network partition needs a node on each side.".into()));
                }
                self.record(TraceEvent::NetworkPartitioned { side_a: side_a.clone(), side_b: side_b.clone() });
                self.net.cut(side_a, side_b);
            }
            Fault::Isolate(node) => {
                let others: Vec<NodeId> = self.all_nodes().into_iter().filter(|n| *n != node).collect();
                return self.apply(Fault::Partition { side_a: vec![node], side_b: others });
            }
            Fault::Heal => {
                self.net.heal();
                self.record(TraceEvent::NetworkHealed);
            }
            Fault::SetLatency { latency_ms, jitter_ms } => {
                self.net.latency_ms = latency_ms.max(1);
                self.net.jitter_ms = jitter_ms;
            }
            Fault::DropNext { from, to, count } => self.net.drops.push((from, to, count)),
            Fault::Pause(node) => {
                if self.net.pause(node) {
                    self.record(TraceEvent::NodePaused { node });
                }
            }
            Fault::Resume(node) => {
                if let Some(mine) = self.net.resume(node) {
                    self.record(TraceEvent::NodeResumed { node });
                    for s in mine {
                        self.push(self.now, s.event);
                    }
                }
            }
            Fault::CrashClient(c) => {
                let client = self.clients.get_mut(c as usize).ok_or_else(|| AdminError::NoSuchClient(format!("client-{c}")))?;
                let name = client.name().clone();
                match client {
                    Client::Producer(p) => {
                        p.running = false;
                        p.stopped_at = Some(self.now);
                        p.incarnation += 1;
                    }
                    Client::Consumer(c) => {
                        c.running = false;
                        c.incarnation += 1;
                        c.stopped_at = Some(self.now);
                    }
                }
                self.record(TraceEvent::ClientStopped { client: name });
            }
            Fault::SlowConsumer { client, processing_ms } => {
                let Some(Client::Consumer(c)) = self.clients.get_mut(client as usize) else {
                    return Err(AdminError::NoSuchClient(format!("client-{client}")));
                };
                c.config.processing_ms = processing_ms;
                let name = c.name.clone();
                self.record(TraceEvent::ConsumerSlowed { client: name, processing_ms });
            }
        }
        Ok(())
    }

    /// Whether `node` is paused (Fault::Pause) and not yet resumed.
    pub fn is_paused(&self, node: NodeId) -> bool {
        self.net.is_paused(node)
    }

    pub fn all_nodes(&self) -> Vec<NodeId> {
        let mut v = vec![NodeId::Controller];
        v.extend(self.brokers.keys().map(|b| NodeId::Broker(*b)));
        v.extend((0..self.clients.len() as u32).map(NodeId::Client));
        v
    }

    // ---- Clients ----

    pub fn client_id(&self, name: &str) -> Option<ClientId> {
        self.clients.iter().position(|c| &**c.name() == name).map(|i| i as ClientId)
    }

    fn check_new_client(&self, name: &str) -> Result<(), AdminError> {
        if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.') {
            return Err(AdminError::Invalid(format!("Client name '{name}' is not valid: use letters, digits, '-', '_' or '.'.")));
        }
        if self.client_id(name).is_some() {
            return Err(AdminError::ClientExists(name.to_string()));
        }
        Ok(())
    }

    pub fn add_producer(&mut self, name: &str, config: ProducerConfig) -> Result<ClientId, AdminError> {
        self.check_new_client(name)?;
        config.validate()?;
        let id = self.clients.len() as ClientId;
        self.next_producer_id += 1;
        let bootstrap: Vec<BrokerId> = self.brokers.keys().copied().collect();
        self.clients.push(Client::Producer(Producer::new(id, Rc::from(name), config, bootstrap, self.next_producer_id)));
        self.record(TraceEvent::ClientStarted { client: Rc::from(name) });
        Ok(id)
    }

    pub fn add_consumer(&mut self, name: &str, config: ConsumerConfig) -> Result<ClientId, AdminError> {
        self.check_new_client(name)?;
        let id = self.clients.len() as ClientId;
        let bootstrap: Vec<BrokerId> = self.brokers.keys().copied().collect();
        self.clients.push(Client::Consumer(Consumer::new(id, Rc::from(name), config, bootstrap)));
        self.record(TraceEvent::ClientStarted { client: Rc::from(name) });
        Ok(id)
    }

    fn producer_mut(&mut self, id: ClientId) -> Result<&mut Producer, AdminError> {
        match self.clients.get(id as usize) {
            Some(Client::Producer(p)) if p.running => {}
            Some(c) => return Err(AdminError::Invalid(format!("'{}' is not a running producer.", c.name()))),
            None => return Err(AdminError::NoSuchClient(format!("client-{id}"))),
        }
        match self.clients.get_mut(id as usize) {
            Some(Client::Producer(p)) => Ok(p),
            _ => unreachable!("checked above"),
        }
    }

    fn consumer_mut(&mut self, id: ClientId) -> Result<&mut Consumer, AdminError> {
        match self.clients.get(id as usize) {
            Some(Client::Consumer(c)) if c.running => {}
            Some(c) => return Err(AdminError::Invalid(format!("'{}' is not a running consumer.", c.name()))),
            None => return Err(AdminError::NoSuchClient(format!("client-{id}"))),
        }
        match self.clients.get_mut(id as usize) {
            Some(Client::Consumer(c)) => Ok(c),
            _ => unreachable!("checked above"),
        }
    }

    pub fn produce(&mut self, id: ClientId, record: ProducerRecord) -> Result<(), AdminError> {
        self.producer_mut(id)?;
        self.with_node(NodeId::Client(id), |sim, ctx| sim.producer_mut(id).expect("checked").send(ctx, record));
        Ok(())
    }

    pub fn start_rate(&mut self, id: ClientId, spec: RateSpec) -> Result<(), AdminError> {
        self.producer_mut(id)?;
        self.with_node(NodeId::Client(id), |sim, ctx| sim.producer_mut(id).expect("checked").start_rate(ctx, spec));
        Ok(())
    }

    /// Keep every acknowledgement (or consumed record) of this client for later checks; off,
    /// what was kept goes too (a tool done with its client leaves no copy in every snapshot).
    pub fn record_client_history(&mut self, id: ClientId, on: bool) {
        match self.clients.get_mut(id as usize) {
            Some(Client::Producer(p)) => {
                p.record_acks = on;
                if !on {
                    p.acked = Vec::new();
                    p.failures = Vec::new();
                    p.completions = None;
                }
            }
            Some(Client::Consumer(c)) => {
                c.record_consumed = on;
                if !on {
                    c.consumed = Vec::new();
                }
            }
            None => {}
        }
    }

    /// The batches this producer finished (acknowledged or failed) since the last call, in
    /// order; the first call starts keeping them, `record_client_history(id, false)` stops.
    pub fn take_completions(&mut self, id: ClientId) -> Vec<Completed> {
        match self.clients.get_mut(id as usize) {
            Some(Client::Producer(p)) => p.completions.replace(Vec::new()).unwrap_or_default(),
            _ => Vec::new(),
        }
    }

    pub fn assign(&mut self, id: ClientId, partitions: Vec<TopicPartition>) -> Result<(), AdminError> {
        self.consumer_mut(id)?;
        self.with_node(NodeId::Client(id), |sim, ctx| sim.consumer_mut(id).expect("checked").assign(ctx, partitions));
        Ok(())
    }

    /// KafkaConsumer.subscribe with a group.id (the classic group protocol).
    pub fn subscribe(&mut self, id: ClientId, group: &str, topics: Vec<String>) -> Result<(), AdminError> {
        if group.is_empty() {
            return Err(AdminError::Invalid("A group id cannot be empty.".into()));
        }
        self.consumer_mut(id)?;
        self.with_node(NodeId::Client(id), |sim, ctx| sim.consumer_mut(id).expect("checked").subscribe(ctx, group, topics));
        Ok(())
    }

    /// KafkaConsumer.close: commits (with auto-commit) and leaves the group (dynamic members).
    pub fn close_consumer(&mut self, id: ClientId) -> Result<(), AdminError> {
        self.consumer_mut(id)?;
        self.with_node(NodeId::Client(id), |sim, ctx| sim.consumer_mut(id).expect("checked").close(ctx));
        let name = self.clients[id as usize].name().clone();
        if let Client::Consumer(c) = &mut self.clients[id as usize] {
            c.incarnation += 1;
            c.stopped_at = Some(self.now);
        }
        self.record(TraceEvent::ClientStopped { client: name });
        Ok(())
    }

    pub fn seek(&mut self, id: ClientId, tp: &TopicPartition, offset: i64) -> Result<(), AdminError> {
        self.consumer_mut(id)?;
        self.with_node(NodeId::Client(id), |sim, ctx| sim.consumer_mut(id).expect("checked").seek(ctx, tp, offset));
        Ok(())
    }

    pub fn client(&self, id: ClientId) -> Option<&Client> {
        self.clients.get(id as usize)
    }

    pub fn clients(&self) -> &[Client] {
        &self.clients
    }

    pub fn broker(&self, id: BrokerId) -> Option<&Broker> {
        self.brokers.get(&id)
    }

    pub fn brokers(&self) -> impl Iterator<Item = &Broker> {
        self.brokers.values()
    }

    pub fn controller(&self) -> &Controller {
        &self.controller
    }

    pub fn cluster_config(&self) -> &ClusterConfig {
        &self.cluster
    }
}
