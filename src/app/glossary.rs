//! Kafka's terms in plain words, and where the simulator simplifies Kafka. Shown on the
//! glossary page; narration links to entries by `id`.

pub struct Entry {
    pub id: &'static str,
    pub term: &'static str,
    pub text: &'static str,
}

pub const ENTRIES: &[Entry] = &[
    Entry { id: "broker", term: "Broker", text: "A Kafka server. It stores replicas of partitions and serves producers and consumers." },
    Entry { id: "controller", term: "Controller", text: "Decides cluster metadata: which brokers are alive (fenced or not), which replica leads each partition, and the ISR. In KRaft it is a quorum of controller nodes." },
    Entry { id: "topic", term: "Topic", text: "A named stream of records, split into partitions. Producers write to a topic and consumers read from it; records stay for the topic's retention whether or not anyone has read them." },
    Entry { id: "producer", term: "Producer", text: "A client that writes records. It picks each record's partition (from the key, or sticky for null keys), batches records per partition and sends each batch to that partition's leader." },
    Entry { id: "consumer", term: "Consumer", text: "A client that reads records by fetching from partition leaders, from its position onwards. Reading removes nothing: another consumer can read the same records." },
    Entry { id: "key", term: "Record key", text: "Optional bytes sent with a record. The default partitioner sends every record with the same key to the same partition: murmur2(key) modulo the number of partitions. Adding partitions changes where keys go." },
    Entry { id: "lag", term: "Consumer lag", text: "How far a group is behind: the partition's log end offset (for consumers, the high watermark) minus the group's committed offset. kafka-consumer-groups.sh --describe prints it per partition." },
    Entry { id: "retention", term: "Retention", text: "How long (retention.ms) or how much (retention.bytes) a partition keeps, deleted a whole segment at a time, oldest first, whether or not the records were read. Offsets of the records left do not change." },
    Entry { id: "compaction", term: "Log compaction", text: "With cleanup.policy=compact the log keeps at least the latest record for each key instead of deleting by age; a record with a null value (a tombstone) deletes its key. Retention by time or size applies only if the policy also says delete." },
    Entry { id: "delivery-semantics", term: "Delivery semantics", text: "At most once: commit before processing, so a crash can skip records. At least once: commit after processing, so a crash repeats records. Exactly once needs idempotence and transactions." },
    Entry { id: "partition", term: "Partition", text: "An ordered, append-only log. A topic is split into partitions; each record lands in one, at the next offset." },
    Entry { id: "offset", term: "Offset", text: "A record's position in its partition, counted from 0 and never reused." },
    Entry { id: "replica", term: "Replica", text: "A copy of a partition on one broker. The replication factor says how many copies exist." },
    Entry { id: "leader", term: "Leader", text: "The replica that takes writes and serves reads for a partition. Followers copy it by fetching." },
    Entry { id: "isr", term: "ISR (in-sync replicas)", text: "The replicas that are caught up with the leader. A follower that falls behind for replica.lag.time.max.ms is removed; it rejoins once it reaches the high watermark." },
    Entry { id: "leo", term: "Log end offset (LEO)", text: "The offset the next record appended to a replica will get." },
    Entry { id: "hw", term: "High watermark (HW)", text: "The offset up to which every in-sync replica has the records. Only records below it are committed and given to consumers. Since Kafka 3.7 it does not advance while the ISR is smaller than min.insync.replicas." },
    Entry { id: "log-start", term: "Log start offset", text: "The oldest offset still kept. Retention deletes whole segments and moves it forward." },
    Entry { id: "leader-epoch", term: "Leader epoch", text: "A number that grows with every leader change. Records carry it, so a replica rejoining after a failure can find where its log diverges from the new leader's and truncate exactly there (KIP-101)." },
    Entry { id: "acks", term: "acks", text: "How many replicas must have a record before the producer is told it is written: 0 (none, no answer at all), 1 (the leader) or all (every in-sync replica)." },
    Entry { id: "min-isr", term: "min.insync.replicas", text: "With acks=all, the smallest ISR the leader accepts writes with. Below it producers get NOT_ENOUGH_REPLICAS and nothing is written." },
    Entry { id: "fenced", term: "Fenced broker", text: "A broker the controller no longer trusts, because it missed heartbeats for broker.session.timeout.ms or shut down. It leads nothing and is removed from every ISR (unless it is the last member)." },
    Entry { id: "controlled-shutdown", term: "Controlled shutdown", text: "A clean stop: the broker asks the controller to move its leaderships away first, so clients barely notice." },
    Entry { id: "unclean", term: "Unclean leader election", text: "Electing a replica outside the ISR when no in-sync replica is alive. The partition comes back, but records the old leader had committed can be lost. Off by default." },
    Entry { id: "truncation", term: "Truncation", text: "A follower cutting off the end of its log that the leader does not have: records that were never committed, or, after an unclean election, committed ones." },
    Entry { id: "idempotent", term: "Idempotent producer", text: "The broker remembers each producer's sequence numbers per partition, so a retried batch is not written twice and retries do not reorder records. On by default since Kafka 3.0." },
    Entry { id: "position", term: "Consumer position", text: "The offset of the next record the consumer will be given." },
    Entry { id: "group", term: "Consumer group", text: "Consumers sharing a group.id split a topic's partitions: each partition is read by one member. Several groups read the same topic independently." },
    Entry { id: "coordinator", term: "Group coordinator", text: "The broker that leads the group's partition of __consumer_offsets (abs(hash(group.id)) % 50). It runs the group's membership and stores its committed offsets." },
    Entry { id: "rebalance", term: "Rebalance", text: "Members join (JoinGroup), the leader computes an assignment, everyone gets theirs (SyncGroup), and the generation grows by one. Eager: everyone first gives up everything. Cooperative (KIP-429): only the partitions that move are given up, and a second rebalance hands them out." },
    Entry { id: "committed-offset", term: "Committed offset", text: "Where the group resumes reading a partition: the next offset to read. Lag = log end offset - committed offset. Commit after processing and a crash repeats records (at-least-once); commit before processing and a crash skips them (at-most-once)." },
    Entry { id: "session-timeout", term: "session.timeout.ms", text: "How long the coordinator waits for a member's heartbeat before removing it and rebalancing (45 s by default). max.poll.interval.ms bounds the time between poll() calls instead: a slow consumer leaves the group." },
    Entry { id: "request-timeout", term: "Request timeout", text: "How long a client or a follower waits for an answer before giving up on a request and retrying it: request.timeout.ms for clients (30 s), replica.socket.timeout.ms for a follower's fetch (30 s). When a broker process dies its connections close, and whoever waited on it hears at once instead." },
    Entry { id: "metadata-log", term: "Metadata log", text: "In KRaft every change the controller decides (a topic, a leader, an ISR) is a record in the __cluster_metadata log. Brokers read it in order, so none can skip a change: a broker that missed one catches up before applying the next." },
    Entry { id: "static-member", term: "Static membership", text: "A member with group.instance.id keeps its partitions across a restart that is shorter than the session timeout: no rebalance (KIP-345)." },
];

/// Where the simulator is simpler than Kafka. Never something Kafka does not do: a shortcut
/// in how, not a change in what.
pub const SIMPLIFICATIONS: &[&str] = &[
    "The KRaft controller quorum is drawn as one controller that never fails. It pushes metadata changes to brokers, numbered; real brokers fetch the metadata log by offset. A broker that sees a gap in the numbers applies nothing past it and takes the full image from its next heartbeat response (at most broker.heartbeat.interval.ms later; Kafka retries a lost metadata fetch after controller.quorum.request.timeout.ms, also 2 s).",
    "Topic administration happens at the controller directly, without the request passing through a broker.",
    "A restarted broker is unfenced at its first heartbeat and keeps the high watermark it had, as if its checkpoint were fresh.",
    "Turning on unclean.leader.election.enable elects offline partitions at once; Kafka's controller checks every 5 minutes.",
    "Producer ids are handed out when a producer starts, without the InitProducerId request.",
    "Virtual time 0 is 2026-01-05T09:00:00Z: record timestamps (CreateTime) read like a real cluster's and are the same on every run of a seed.",
    "Record sizes are approximate: the payload plus a fixed 10 bytes.",
    "For records without a key, Kafka picks the next sticky partition at random; the simulator draws it from its seeded random generator so runs replay.",
    "Retention is checked every simulated minute (Kafka: every 5 minutes). Eligible leader replicas (KIP-966) and fetch sessions (KIP-227) are not modelled.",
    "Kafka moves leadership back to preferred replicas by itself every 5 minutes (auto.leader.rebalance.enable); the simulator does not, so use kafka-leader-election.sh --election-type preferred.",
    "Group administration (kafka-consumer-groups.sh) reaches the coordinator directly, and __consumer_offsets gets as many replicas as there are brokers, up to offsets.topic.replication.factor (3).",
    "The console consumer without --group reads every partition itself instead of joining a generated group; it prints the same records.",
    "Nothing is written to disk: a killed broker keeps its log, as after a process crash whose writes reached the operating system.",
    "A broker's box draws at most 16 of its partitions and counts the rest; kafka-topics.sh --describe lists them all.",
    "Time on the stage is slowed down while messages fly (one network hop takes about a third of a second at 1x) and sped up across quiet gaps, so every message can be seen; the clock shows virtual time. On a busy cluster the brokers' logs and the clients' counters are redrawn up to 30 times a second while the messages move every frame, so a record can land a frame or two after its message arrives.",
    "The timeline counts events. A command is one step on it: seeking into the middle of a long command (tick 10s) lands where the command ended; a run started with Play or Run 1 s can be entered at any event.",
    "Record header values are text and never null (Kafka allows a null header value).",
    "A slow consumer is modelled as a fixed processing time per poll (slow client NAME 2s); a real application's processing time varies.",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_and_entries_say_something() {
        let mut ids: Vec<&str> = ENTRIES.iter().map(|e| e.id).collect();
        crate::sort::sort(&mut ids);
        ids.dedup();
        assert_eq!(ids.len(), ENTRIES.len());
        assert!(ENTRIES.iter().all(|e| e.text.len() > 20 && !e.term.is_empty()));
    }
}

/// Words in the narration that lead to an entry, most specific first.
const KEYWORDS: &[(&str, &str)] = &[
    ("high watermark", "hw"),
    ("unclean", "unclean"),
    ("truncat", "truncation"),
    ("controlled shutdown", "controlled-shutdown"),
    ("fenced", "fenced"),
    ("isr", "isr"),
    ("epoch", "leader-epoch"),
    ("rebalanc", "rebalance"),
    ("generation", "rebalance"),
    ("session timeout", "session-timeout"),
    ("socket.timeout", "request-timeout"),
    ("metadata update", "metadata-log"),
    ("coordinator", "coordinator"),
    ("committed", "committed-offset"),
    ("compact", "compaction"),
    ("retention", "retention"),
    ("leader", "leader"),
    ("group", "group"),
    ("offset", "offset"),
];

/// The first glossary term in a line of narration: its byte range and entry.
pub fn term_in(text: &str) -> Option<(usize, usize, &'static Entry)> {
    let lower = text.to_ascii_lowercase();
    KEYWORDS.iter().find_map(|(word, id)| {
        let start = lower.find(word)?;
        let entry = ENTRIES.iter().find(|e| e.id == *id)?;
        Some((start, start + word.len(), entry))
    })
}

#[cfg(test)]
mod keyword_tests {
    use super::*;

    #[test]
    fn every_keyword_leads_to_an_entry() {
        for (word, id) in KEYWORDS {
            assert!(ENTRIES.iter().any(|e| e.id == *id), "{word} -> {id}");
        }
        let (s, e, entry) = term_in("orders-0: isr now [1,2]").expect("isr");
        assert_eq!((s, e, entry.id), (10, 13, "isr"));
        assert_eq!(term_in("orders-0: broker 2 high watermark 11").map(|t| t.2.id), Some("hw"));
        assert!(term_in("nothing to see").is_none());
    }
}
