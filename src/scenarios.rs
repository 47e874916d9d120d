//! Named scenarios shared by the sandbox, the tests and the benchmarks, so that the browser
//! and the native build run exactly the same thing.
use crate::presets;
use crate::shell::{parse_script, Shell};
use crate::sim::config::ClusterConfig;
use crate::sim::{Fault, Sim, TopicPartition};

/// When the reference run creates the failover preset's topic: 50 ms into the brokers' boot.
const REFERENCE_TOPIC_MS: u64 = 50;
/// The rest of the boot (the shell's 100 ms), after which its clients start.
const REFERENCE_CLIENTS_MS: u64 = 50;

/// The failover preset as the reference run starts it: three brokers, `orders` with 3
/// partitions, RF 3, min ISR 2, a keyed producer at 4 records/s and a `dashboard` consumer
/// group of one member. The commands are the preset's own script (`presets.rs`: one
/// definition); the timing is the reference run's, which its golden hash pins
/// (tests/data/reference_trace_hash.txt) and which predates the preset: the topic is created
/// halfway through the brokers' boot and the clients start when the boot ends, where the
/// sandbox runs every command after the boot. So the two are different runs of one script:
/// with the same seed, the sandbox's `orders` exists 50 ms later.
pub fn failover_preset(seed: u64) -> Sim {
    let preset = presets::find("failover").expect("the failover preset exists");
    let mut shell = Shell::from_sim(Sim::new(seed, preset.brokers, ClusterConfig::default()));
    shell.sim.run_for(REFERENCE_TOPIC_MS);
    for (i, cmd) in parse_script(preset.script).into_iter().enumerate() {
        let cmd = cmd.expect("the preset's script parses");
        shell.run(&cmd.argv, &cmd.stdin).unwrap_or_else(|e| panic!("the failover preset, line {}: {e}", cmd.line));
        if i == 0 {
            shell.sim.run_for(REFERENCE_CLIENTS_MS);
        }
    }
    shell.sim
}

/// The reference run whose trace hash must be the same natively and in the browser: the
/// failover preset, a hard kill of partition 0's leader, its restart, and a clean stop.
pub fn reference_run(seed: u64) -> Sim {
    let mut sim = failover_preset(seed);
    sim.run_for(2_000);
    let leader = sim.controller().partition(&TopicPartition::new("orders", 0)).and_then(|p| p.leader).expect("a leader");
    sim.apply(Fault::KillBroker(leader)).expect("leader is up");
    sim.run_for(15_000);
    sim.apply(Fault::StartBroker(leader)).expect("leader is down");
    sim.run_for(10_000);
    sim.apply(Fault::StopBroker(leader)).expect("leader is up again");
    sim.run_for(5_000);
    sim
}

/// The reference session: what a learner does in the sandbox, through the same tape the page
/// records (typed commands, steps, playing, a seek back and a changed past). Its trace hash
/// must be the same natively and in the browser.
pub fn reference_session(seed: u64) -> crate::session::Player {
    let preset = presets::find("order-service").expect("the order-service preset exists");
    let mut p = crate::session::Player::new(preset, seed).expect("the preset builds");
    for _ in 0..40 {
        p.step();
    }
    p.line("kill broker 2");
    p.advance_to(p.shell().sim.now() + 8_000);
    let middle = p.elapsed() / 2;
    p.seek(middle);
    p.step_back();
    // Changing the past: the tape after this point is dropped and replayed differently.
    p.line("slow client billing 2s");
    p.advance_to(p.shell().sim.now() + 6_000);
    p.line("start broker 2");
    p.line("kafka-consumer-groups.sh --bootstrap-server localhost:9092 --describe --group billing");
    p.advance_to(p.shell().sim.now() + 10_000);
    p
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The reference's failover and the sandbox's are one script run at two timings: the
    /// same cluster, topic, clients and group, and the same clock at the end.
    #[test]
    fn the_reference_failover_is_the_preset_script() {
        let reference = failover_preset(5).view(8);
        let sandbox = presets::find("failover").expect("preset").build(5).expect("builds").sim.view(8);
        let topics = |v: &crate::sim::view::SimView| v.topics.iter().map(|t| (t.name.clone(), t.partitions.len())).collect::<Vec<_>>();
        let clients = |v: &crate::sim::view::SimView| v.clients.iter().map(|c| c.name.clone()).collect::<Vec<_>>();
        let groups = |v: &crate::sim::view::SimView| v.groups.iter().map(|g| (g.id.to_string(), g.state)).collect::<Vec<_>>();
        assert_eq!(topics(&reference), topics(&sandbox));
        assert_eq!(clients(&reference), clients(&sandbox));
        assert_eq!(groups(&reference), groups(&sandbox));
        assert_eq!((reference.brokers.len(), reference.now_ms), (sandbox.brokers.len(), sandbox.now_ms));
        assert_eq!(reference.now_ms, REFERENCE_TOPIC_MS + REFERENCE_CLIENTS_MS + 3_500);
    }
}
