//! `metric <id>`: the query that reads an operator's metric (`metric urp`, `metric lag:billing`)
//! as the console's `metrics` command shows it: the newest sample, once every sample due up to
//! this moment is taken.
use super::query::{parse_partition, Value};
use crate::shell::did_you_mean;
use crate::shell::metrics_verb::show;
use crate::sim::Sim;

/// The ids of the metrics there is one of, as `MetricKey::id` writes them.
const FIXED: &[&str] =
    &["urp", "under-min-isr", "offline", "active-controllers", "isr-shrinks", "isr-expands", "produce-p50", "produce-p99", "fetch-p50", "fetch-p99"];

/// The metrics there is one of per topic, broker, group or client: `<prefix>:<what>`.
const PER: &[(&str, &str)] = &[
    ("messages-in", "<topic>"),
    ("bytes-in", "<topic>"),
    ("bytes-out", "<topic>"),
    ("records-consumed", "<topic>"),
    ("log-size", "<broker>"),
    ("lag", "<group> or lag:<group>:<topic>-<p>"),
    ("records-lag-max", "<consumer>"),
    ("rebalances", "<group>"),
    ("rebalance-ms", "<group>"),
];

/// Whether `id` is written as a metric's id can be, so that a misspelt one fails the lesson's
/// check at its line rather than only when the step is played. Whether that metric exists is
/// the simulation's to say, at the moment it is asked.
pub fn check_id(id: &str) -> Result<(), String> {
    if FIXED.contains(&id) {
        return Ok(());
    }
    let Some((prefix, what)) = id.split_once(':') else {
        let names = FIXED.iter().copied().chain(PER.iter().map(|(p, _)| *p));
        let hint = match did_you_mean(id, names) {
            Some(m) => match PER.iter().find(|(p, _)| *p == m) {
                Some((p, w)) => format!("did you mean `{p}:{w}`?"),
                None => format!("did you mean `{m}`?"),
            },
            None => "the console's `metrics` lists them".into(),
        };
        return Err(format!("`{id}` is not a metric; {hint}"));
    };
    let Some((_, usage)) = PER.iter().find(|(p, _)| *p == prefix) else {
        let hint = did_you_mean(prefix, PER.iter().map(|(p, _)| *p)).map_or("the console's `metrics` lists them".into(), |m| format!("did you mean `{m}:`?"));
        return Err(format!("`{id}` is not a metric: no metric starts `{prefix}:`; {hint}"));
    };
    if what.is_empty() {
        return Err(format!("`{id}` names no {}: write `{prefix}:{usage}`", &usage[1..usage.find('>').unwrap_or(1)]));
    }
    match prefix {
        "log-size" if what.parse::<i32>().map_or(true, |b| b < 1) => Err(format!("`{id}`: a broker is a number from 1, not `{what}`")),
        // Group ids may hold anything, but a topic cannot hold `:`, so the last `:` of a lag
        // id starts its partition.
        "lag" => match what.rsplit_once(':') {
            Some(("", tp)) => Err(format!("`{id}` names no group: write `lag:<group>:{tp}`")),
            Some((_, tp)) => parse_partition(tp).map(|_| ()),
            None => Ok(()),
        },
        _ => Ok(()),
    }
}

/// The samples of a metric up to this moment: `None` where it had no value.
fn series(sim: &Sim, id: &str) -> Result<Vec<(u64, Option<f64>)>, String> {
    // Samples due are taken on a copy of the metrics, not of the simulation.
    let m = sim.metrics_now();
    let Some(key) = m.keys().iter().find(|k| k.id() == id) else {
        let ids: Vec<String> = m.keys().iter().map(|k| k.id()).collect();
        let hint = did_you_mean(id, ids.iter().map(String::as_str)).map_or(String::new(), |s| format!("; did you mean `{s}`?"));
        return Err(format!(
            "there is no metric `{id}` at this point (a topic's, group's or client's metrics start with its first sample after it appears){hint}"
        ));
    };
    Ok(m.series(key))
}

fn value(v: Option<f64>) -> Value {
    v.map_or(Value::None, |v| Value::parse(&show(v)))
}

/// The highest value of the samples of the last `seconds` seconds (a spike the newest sample
/// no longer shows: a request time in the second the requests were answered).
pub fn peak(sim: &Sim, id: &str, seconds: u64) -> Result<Value, String> {
    let s = series(sim, id)?;
    let newest = s.last().map_or(0, |(t, _)| *t);
    let from = newest.saturating_sub(seconds.saturating_sub(1) * crate::sim::metrics::SAMPLE_MS);
    Ok(value(s.iter().filter(|(t, _)| *t >= from).filter_map(|(_, v)| *v).reduce(f64::max)))
}

/// The metric's newest value at this moment (none: nothing to measure then, such as a request
/// time in a second without requests). Samples due are taken on a copy: asking a question
/// never changes the simulation it is asked of.
pub fn eval(sim: &Sim, id: &str) -> Result<Value, String> {
    Ok(value(series(sim, id)?.last().and_then(|(_, v)| *v)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::metrics::MetricKey;
    use crate::sim::TopicPartition;

    /// Every kind of metric's id passes `check_id`: a new kind must be added to the lists.
    #[test]
    fn every_metric_id_is_known() {
        let t = || std::rc::Rc::from("orders");
        let keys = [
            MetricKey::MessagesIn(t()),
            MetricKey::BytesIn(t()),
            MetricKey::BytesOut(t()),
            MetricKey::RecordsConsumed(t()),
            MetricKey::UnderReplicated,
            MetricKey::UnderMinIsr,
            MetricKey::Offline,
            MetricKey::ActiveControllers,
            MetricKey::IsrShrinks,
            MetricKey::IsrExpands,
            MetricKey::ProduceP50,
            MetricKey::ProduceP99,
            MetricKey::FetchConsumerP50,
            MetricKey::FetchConsumerP99,
            MetricKey::LogSize(2),
            MetricKey::GroupLag(t()),
            MetricKey::PartitionLag(t(), TopicPartition::new("user-clicks", 3)),
            MetricKey::RecordsLagMax(t()),
            MetricKey::Rebalances(t()),
            MetricKey::RebalanceMs(t()),
        ];
        for k in &keys {
            // A new kind of metric fails to compile here until it is listed above.
            match k {
                MetricKey::MessagesIn(_)
                | MetricKey::BytesIn(_)
                | MetricKey::BytesOut(_)
                | MetricKey::RecordsConsumed(_)
                | MetricKey::UnderReplicated
                | MetricKey::UnderMinIsr
                | MetricKey::Offline
                | MetricKey::ActiveControllers
                | MetricKey::IsrShrinks
                | MetricKey::IsrExpands
                | MetricKey::ProduceP50
                | MetricKey::ProduceP99
                | MetricKey::FetchConsumerP50
                | MetricKey::FetchConsumerP99
                | MetricKey::LogSize(_)
                | MetricKey::GroupLag(_)
                | MetricKey::PartitionLag(..)
                | MetricKey::RecordsLagMax(_)
                | MetricKey::Rebalances(_)
                | MetricKey::RebalanceMs(_) => {}
            }
            assert_eq!(check_id(&k.id()), Ok(()), "{k}");
        }
    }

    #[test]
    fn malformed_ids_say_what_was_meant() {
        assert!(check_id("urq").unwrap_err().contains("did you mean `urp`?"));
        assert!(check_id("lagg:billing").unwrap_err().contains("did you mean `lag:`?"));
        assert!(check_id("lag").unwrap_err().contains("did you mean `lag:<group>"));
        assert!(check_id("lag:").unwrap_err().contains("names no group"));
        assert!(check_id("lag:billing:orders").unwrap_err().contains("is not a partition"));
        assert!(check_id("log-size:zero").unwrap_err().contains("a broker is a number"));
        assert!(check_id("records-lag-max:").unwrap_err().contains("names no consumer"));
    }

    #[test]
    fn a_metric_is_the_newest_sample_and_asking_changes_nothing() {
        use super::super::query::Query;
        let mut shell = crate::shell::Shell::new(1);
        for cmd in [
            "kafka-topics.sh --bootstrap-server localhost:9092 --create --topic orders --partitions 3 --replication-factor 3",
            "producer start shop --topic orders --rate 20/s --keys user_1..user_10",
            "consumer start billing-1 --topic orders --group billing --from-beginning",
            "tick 10s",
            "kill broker 3",
            "tick 12s",
        ] {
            shell.execute(cmd, &[]).unwrap();
        }
        let ask = |shell: &crate::shell::Shell, q: &str| Query::parse(q).unwrap().eval(&shell.sim);
        let before = shell.sim.metrics().latest_ms();
        let urp = ask(&shell, "metric urp").unwrap();
        let lag = ask(&shell, "metric lag:billing").unwrap();
        // The lesson's own simulation took no sample.
        assert_eq!(shell.sim.metrics().latest_ms(), before);
        assert!(ask(&shell, "metric lag:shop").unwrap_err().contains("no metric `lag:shop` at this point"));
        // The console's `metrics` takes the same samples: its last line is the query's value.
        for (id, value) in [("urp", urp), ("lag:billing", lag)] {
            let csv = shell.execute(&format!("metrics {id}"), &[]).unwrap();
            let last = csv.lines().last().unwrap().split(',').nth(1).unwrap().to_string();
            assert_eq!(value, Value::parse(&last), "{id}");
        }
        assert!(matches!(ask(&shell, "metric urp"), Ok(Value::Int(n)) if n > 0));
        // acks=all requests waited for the ISR to shrink: seconds, in the second they were
        // answered; the peak is that second's, the highest of the series.
        let all = shell.execute("metrics produce-p99", &[]).unwrap();
        let highest = all.lines().skip(1).filter_map(|l| l.split(',').nth(1)?.parse::<i64>().ok()).max().unwrap();
        assert!(highest > 1_000, "{all}");
        assert_eq!(ask(&shell, "peak produce-p99 600"), Ok(Value::Int(highest)));
        assert!(Query::parse("peak produce-p99 0").unwrap_err().contains("from 1 to 600"));
    }
}
