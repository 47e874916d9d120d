//! Alerts as an operator writes them in Prometheus or Grafana: a metric, a threshold and how
//! long it must hold (`lag:billing > 100 for 10s`). They are the session's own (typed in the
//! console, so a shared link and a replay have them) and are judged on the metrics' samples:
//! an alert fires at the sample where its condition has held for its duration, and clears at
//! the first sample where it no longer holds.
use super::options::did_you_mean;
use super::verbs::parse_duration;
use super::{Shell, ShellError};
use crate::sim::metrics::{Metrics, SAMPLE_MS};
use crate::sim::Millis;

#[derive(Clone, PartialEq, Debug)]
pub struct AlertRule {
    /// A metric's id (`urp`, `lag:billing`).
    pub metric: String,
    /// `>` when true, `<` when false.
    pub above: bool,
    pub threshold: f64,
    pub for_ms: Millis,
}

/// One time an alert fired, and when it cleared (None: still firing at this moment).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Firing {
    pub fired_ms: Millis,
    pub cleared_ms: Option<Millis>,
}

impl AlertRule {
    pub fn text(&self) -> String {
        let mut s = format!("{} {} {}", self.metric, if self.above { ">" } else { "<" }, super::metrics_verb::show(self.threshold));
        if self.for_ms > 0 {
            s.push_str(&format!(" for {}s", self.for_ms / 1_000));
        }
        s
    }

    fn holds(&self, v: Option<f64>) -> bool {
        v.is_some_and(|v| if self.above { v > self.threshold } else { v < self.threshold })
    }

    /// Every time the alert fired in the samples kept.
    pub fn firings(&self, m: &Metrics) -> Vec<Firing> {
        let Some(key) = m.keys().iter().find(|k| k.id() == self.metric) else { return Vec::new() };
        let mut out: Vec<Firing> = Vec::new();
        let mut since: Option<Millis> = None;
        for (t, v) in m.series(key) {
            if self.holds(v) {
                let start = *since.get_or_insert(t);
                let firing = out.last().is_some_and(|f| f.cleared_ms.is_none());
                if !firing && t - start >= self.for_ms {
                    out.push(Firing { fired_ms: t, cleared_ms: None });
                }
            } else {
                since = None;
                if let Some(f) = out.last_mut().filter(|f| f.cleared_ms.is_none()) {
                    f.cleared_ms = Some(t);
                }
            }
        }
        out
    }
}

/// What every cluster's dashboard alerts on from the start (the monitoring chapter's list):
/// any under-replicated or offline partition, and no active controller.
pub fn defaults() -> Vec<AlertRule> {
    let rule = |metric: &str, above, threshold| AlertRule { metric: metric.into(), above, threshold, for_ms: 0 };
    vec![rule("urp", true, 0.0), rule("offline", true, 0.0), rule("active-controllers", false, 1.0)]
}

/// Metric ids an alert can watch: the exact ones, then the prefixes of per-thing ids.
const EXACT: &[&str] =
    &["urp", "under-min-isr", "offline", "active-controllers", "isr-shrinks", "isr-expands", "produce-p50", "produce-p99", "fetch-p50", "fetch-p99"];
const PREFIXES: &[&str] =
    &["lag:", "records-lag-max:", "messages-in:", "bytes-in:", "bytes-out:", "records-consumed:", "log-size:", "rebalances:", "rebalance-ms:"];

fn usage() -> ShellError {
    ShellError::new("usage: alert <metric> > <n> [for <duration>] | alert <metric> < <n> [for <duration>] | alert remove <k> | alert (lists them)")
}

/// `alert` lists the rules with when each fired; `alert <metric> > <n> [for 10s]` adds one;
/// `alert remove <k>` removes the k-th.
pub fn run(shell: &mut Shell, args: &[String]) -> Result<String, ShellError> {
    let words: Vec<&str> = args.iter().map(String::as_str).collect();
    match words.as_slice() {
        [] => Ok(list(shell)),
        ["remove", k] => {
            let k: usize = k
                .parse()
                .ok()
                .filter(|k| (1..=shell.alerts.len()).contains(k))
                .ok_or_else(|| ShellError::new(format!("'{k}' is not an alert's number; `alert` lists them, numbered 1 to {}", shell.alerts.len())))?;
            let gone = shell.alerts.remove(k - 1);
            Ok(format!("removed alert {k}: {}\n", gone.text()))
        }
        [metric, op @ (">" | "<"), n, rest @ ..] => {
            if !EXACT.contains(metric) && !PREFIXES.iter().any(|p| metric.len() > p.len() && metric.starts_with(p)) {
                let mut ids: Vec<String> = EXACT.iter().map(|s| s.to_string()).collect();
                ids.extend(shell.sim.metrics().keys().iter().map(|k| k.id()));
                let hint = did_you_mean(metric, ids.iter().map(String::as_str))
                    .map(|s| format!("; did you mean {s}?"))
                    .unwrap_or_else(|| "; `metrics` lists them".into());
                return Err(ShellError::new(format!("no metric '{metric}' to alert on{hint}")));
            }
            let threshold: f64 = n
                .parse()
                .ok()
                .filter(|v: &f64| v.is_finite())
                .ok_or_else(|| ShellError::new(format!("'{n}' is not a number; write the threshold like 100 or 0.5")))?;
            let for_ms = match rest {
                [] => 0,
                ["for", d] => parse_duration(d)?,
                _ => return Err(usage()),
            };
            if for_ms % SAMPLE_MS != 0 {
                return Err(ShellError::new(format!("'for' is in whole seconds (the metrics are sampled each second), like {}s", for_ms / SAMPLE_MS + 1)));
            }
            let rule = AlertRule { metric: metric.to_string(), above: *op == ">", threshold, for_ms };
            let text = rule.text();
            shell.alerts.push(rule);
            Ok(format!("alert {}: {text}\n", shell.alerts.len()))
        }
        _ => Err(usage()),
    }
}

fn list(shell: &Shell) -> String {
    if shell.alerts.is_empty() {
        return "no alerts: add one with alert <metric> > <n> [for <duration>]\n".into();
    }
    let metrics = shell.sim.metrics_now();
    let mut out = String::new();
    for (i, rule) in shell.alerts.iter().enumerate() {
        let firings = rule.firings(&metrics);
        out.push_str(&format!("{}. {}: ", i + 1, rule.text()));
        if firings.is_empty() {
            out.push_str("has not fired\n");
            continue;
        }
        let times: Vec<String> = firings
            .iter()
            .map(|f| match f.cleared_ms {
                Some(c) => format!("fired at {} ms, cleared at {c} ms", f.fired_ms),
                None => format!("FIRING since {} ms", f.fired_ms),
            })
            .collect();
        out.push_str(&times.join("; "));
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_alert_fires_once_its_condition_held_long_enough_and_clears() {
        let mut sh = Shell::new(5);
        for l in [
            "kafka-topics.sh --bootstrap-server localhost:9092 --create --topic t --partitions 2 --replication-factor 3",
            "alert urp > 0 for 3s",
            "tick 2s",
            "kill broker 3",
            "tick 15s",
            "start broker 3",
            "tick 20s",
        ] {
            sh.execute(l, &[]).unwrap_or_else(|e| panic!("{l}: {e}"));
        }
        sh.sim.sample_metrics_now();
        let urp = sh.sim.metrics().series(&crate::sim::metrics::MetricKey::UnderReplicated);
        let first = urp.iter().find(|(_, v)| v.is_some_and(|v| v > 0.0)).expect("URP rose").0;
        let clear = urp.iter().find(|(t, v)| *t > first && *v == Some(0.0)).expect("URP fell").0;
        // The default rule fires at once; the operator's after three seconds of it.
        assert_eq!(sh.alerts[0].firings(sh.sim.metrics()), vec![Firing { fired_ms: first, cleared_ms: Some(clear) }]);
        assert_eq!(sh.alerts[3].firings(sh.sim.metrics()), vec![Firing { fired_ms: first + 3_000, cleared_ms: Some(clear) }]);
        assert!(sh.alerts[2].firings(sh.sim.metrics()).is_empty(), "the controller never goes");
        let out = sh.execute("alert", &[]).unwrap();
        assert!(out.contains(&format!("4. urp > 0 for 3s: fired at {} ms, cleared at {clear} ms", first + 3_000)), "{out}");
        for (bad, says) in [
            ("alert lag > 5", "no metric 'lag'"),
            ("alert urp > many", "'many' is not a number"),
            ("alert urp > 1 for 1500ms", "whole seconds"),
            ("alert remove 9", "numbered 1 to 4"),
            ("alert urp = 1", "usage: alert"),
        ] {
            let e = sh.execute(bad, &[]).unwrap_err();
            assert!(e.message.contains(says), "{bad}: {e}");
        }
        assert_eq!(sh.execute("alert remove 4", &[]).unwrap(), "removed alert 4: urp > 0 for 3s\n");
    }
}
