//! Sandbox presets: common Kafka teaching examples, written in the console's own command
//! language so a learner can read exactly how each one was built (and type it themselves).
//! A preset is data: a cluster size and a script, replayed by the shell.
use crate::shell::{parse_script, Shell};
use crate::sim::config::ClusterConfig;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Preset {
    /// Short name, used in shared links.
    pub id: &'static str,
    pub title: &'static str,
    pub blurb: &'static str,
    pub brokers: i32,
    pub script: &'static str,
}

/// Every preset starts past the group's initial rebalance delay (3 s), so the sandbox opens
/// on stable groups with records flowing.
pub const PRESETS: &[Preset] = &[
    Preset {
        id: "failover",
        title: "Failover: 3 brokers, RF 3",
        blurb: "`orders` replicated three times with min.insync.replicas=2: kill a leader and watch the election.",
        brokers: 3,
        script: "kafka-topics.sh --bootstrap-server localhost:9092 --create --topic orders --partitions 3 --replication-factor 3 --config min.insync.replicas=2
producer start checkout --topic orders --rate 4/s --keys user_1..user_5
consumer start dashboard --topic orders --group dashboard --from-beginning
tick 3500ms",
    },
    Preset {
        id: "clickstream",
        title: "Clickstream: user-clicks",
        blurb: "A web front end sends clicks keyed by user to 4 partitions; an `analytics` group of two shares them.",
        brokers: 3,
        script: "kafka-topics.sh --bootstrap-server localhost:9092 --create --topic user-clicks --partitions 4 --replication-factor 3
producer start web-frontend --topic user-clicks --rate 10/s --keys user_1..user_20
consumer start analytics-1 --topic user-clicks --group analytics --from-beginning
consumer start analytics-2 --topic user-clicks --group analytics --from-beginning
tick 3500ms",
    },
    Preset {
        id: "orders",
        title: "E-commerce: orders and a dashboard",
        blurb: "A shop writes `orders`; one `dashboard` consumer reads them all. Add a second dashboard and watch a rebalance.",
        brokers: 3,
        script: "kafka-topics.sh --bootstrap-server localhost:9092 --create --topic orders --partitions 3 --replication-factor 2
producer start shop --topic orders --rate 2/s --keys order_1..order_30
consumer start dashboard-1 --topic orders --group dashboard --from-beginning
tick 3500ms",
    },
    Preset {
        id: "order-service",
        title: "Order service fan-out",
        blurb: "One `orders` topic feeds three groups: inventory, billing and notifications each read every record.",
        brokers: 3,
        script: "kafka-topics.sh --bootstrap-server localhost:9092 --create --topic orders --partitions 3 --replication-factor 3
producer start order-service --topic orders --rate 3/s --keys customer_1..customer_12
consumer start inventory --topic orders --group inventory --from-beginning
consumer start billing --topic orders --group billing --from-beginning
consumer start notifications --topic orders --group notifications --from-beginning
tick 3500ms",
    },
    Preset {
        id: "empty",
        title: "Empty cluster",
        blurb: "Three brokers and nothing else: build your own with the console.",
        brokers: 3,
        script: "",
    },
    Preset {
        id: "stress",
        title: "Busy: 6 brokers, 48 replicas, 28 clients",
        blurb: "16 partitions replicated three times over 6 brokers; 16 keyed producers and three groups of four keep about 250 requests and responses on the wire: the frame-rate benchmark's cluster.",
        brokers: 6,
        // Sized with examples/flight_probe.rs: keyed records spread each producer's batches
        // over every leader, so up to max.in.flight.requests.per.connection (5) requests per
        // broker are out at once; unkeyed ones stick to one partition (KIP-480) and keep about
        // one. Mean 250 messages in flight (min 192) at 100 ms latency.
        script: "latency 100ms jitter 40ms
kafka-topics.sh --bootstrap-server localhost:9092 --create --topic load --partitions 16 --replication-factor 3
producer start writer-1 --topic load --rate 200/s --keys key_1..key_1000 --producer-property linger.ms=0
producer start writer-2 --topic load --rate 200/s --keys key_1..key_1000 --producer-property linger.ms=0
producer start writer-3 --topic load --rate 200/s --keys key_1..key_1000 --producer-property linger.ms=0
producer start writer-4 --topic load --rate 200/s --keys key_1..key_1000 --producer-property linger.ms=0
producer start writer-5 --topic load --rate 200/s --keys key_1..key_1000 --producer-property linger.ms=0
producer start writer-6 --topic load --rate 200/s --keys key_1..key_1000 --producer-property linger.ms=0
producer start writer-7 --topic load --rate 200/s --keys key_1..key_1000 --producer-property linger.ms=0
producer start writer-8 --topic load --rate 200/s --keys key_1..key_1000 --producer-property linger.ms=0
producer start writer-9 --topic load --rate 200/s --keys key_1..key_1000 --producer-property linger.ms=0
producer start writer-10 --topic load --rate 200/s --keys key_1..key_1000 --producer-property linger.ms=0
producer start writer-11 --topic load --rate 200/s --keys key_1..key_1000 --producer-property linger.ms=0
producer start writer-12 --topic load --rate 200/s --keys key_1..key_1000 --producer-property linger.ms=0
producer start writer-13 --topic load --rate 200/s --keys key_1..key_1000 --producer-property linger.ms=0
producer start writer-14 --topic load --rate 200/s --keys key_1..key_1000 --producer-property linger.ms=0
producer start writer-15 --topic load --rate 200/s --keys key_1..key_1000 --producer-property linger.ms=0
producer start writer-16 --topic load --rate 200/s --keys key_1..key_1000 --producer-property linger.ms=0
consumer start search-1 --topic load --group search
consumer start search-2 --topic load --group search
consumer start search-3 --topic load --group search
consumer start search-4 --topic load --group search
consumer start audit-1 --topic load --group audit
consumer start audit-2 --topic load --group audit
consumer start audit-3 --topic load --group audit
consumer start audit-4 --topic load --group audit
consumer start archive-1 --topic load --group archive
consumer start archive-2 --topic load --group archive
consumer start archive-3 --topic load --group archive
consumer start archive-4 --topic load --group archive
tick 5s",
    },
];

pub const DEFAULT_PRESET: &str = "failover";

impl Preset {
    /// Offered in the sandbox's preset list. The busy cluster is the frame-rate benchmark's
    /// (`?preset=stress`), too crowded to teach with.
    pub fn teaching(&self) -> bool {
        self.id != "stress"
    }
}

pub fn find(id: &str) -> Option<&'static Preset> {
    PRESETS.iter().find(|p| p.id == id)
}

impl Preset {
    /// A shell with this preset built. The scripts are tested: a failing line is an engine or
    /// preset bug, reported with its line.
    pub fn build(&self, seed: u64) -> Result<Shell, String> {
        run_script(&format!("preset {}", self.id), self.brokers, self.script, seed, u64::MAX)
    }
}

/// Every starting cluster, a preset's or any other script's: `brokers` brokers booted, then
/// the script's commands. A failing line is an error naming `label` and the line; so is a
/// script that has applied more than `budget` events after one of its commands.
pub fn run_script(label: &str, brokers: i32, script: &str, seed: u64, budget: u64) -> Result<Shell, String> {
    let mut shell = Shell::with_cluster(seed, brokers, ClusterConfig::default());
    let mut events = 0u64;
    for cmd in parse_script(script) {
        let cmd = cmd.map_err(|e| format!("{label} line {}: {}", e.line, e.error))?;
        let before = shell.sim.events_processed();
        shell.run(&cmd.argv, &cmd.stdin).map_err(|e| format!("{label} line {}: {}", cmd.line, e))?;
        // Counted across a `reset`, which replaces the simulation and its counter.
        let after = shell.sim.events_processed();
        events += if after >= before { after - before } else { after };
        if events > budget {
            return Err(format!("{label} line {}: the script asks for more than {budget} events", cmd.line));
        }
    }
    Ok(shell)
}
