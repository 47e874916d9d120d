//! `metrics`: the operator's metrics at this moment, each with the name a real dashboard
//! gives it, and `metrics <id>` one series as CSV (what the monitoring panel's export writes).
use super::options::did_you_mean;
use super::{Shell, ShellError};
use crate::sim::metrics::{MetricKey, KEPT_SAMPLES, SAMPLE_MS};

/// A value as the panel and the console show it: whole numbers as such, others to one
/// decimal. Integer arithmetic, not `{:.1}`: formatting floats to a precision brings Rust's
/// exact float printer into the browser bundle (about 5 KB of gzip).
pub fn show(v: f64) -> String {
    let tenths = (v * 10.0).round() as i64;
    if tenths % 10 == 0 {
        format!("{}", tenths / 10)
    } else {
        format!("{}{}.{}", if tenths < 0 { "-" } else { "" }, (tenths / 10).abs(), (tenths % 10).abs())
    }
}

pub fn run(shell: &Shell, args: &[String]) -> Result<String, ShellError> {
    let m = shell.sim.metrics_now();
    match args {
        [] => {
            let Some(at) = m.latest_ms() else {
                return Ok("no sample yet: the first is taken after a second of virtual time (tick 1s)\n".into());
            };
            let mut out =
                format!("at {} ms (a sample every {SAMPLE_MS} ms of virtual time; the last {KEPT_SAMPLES} are kept; `metrics <id>` prints one as CSV)\n", at);
            let ids: Vec<String> = m.keys().iter().map(MetricKey::id).collect();
            let width = ids.iter().map(String::len).max().unwrap_or(0);
            for (k, id) in m.keys().iter().zip(&ids) {
                let value = m.latest(k).map_or("-".to_string(), show);
                out.push_str(&format!("{id:<width$}  {value:>10} {:<11} {}\n", k.unit(), k.kafka_name()));
            }
            Ok(out)
        }
        [id] => {
            let Some(key) = m.keys().iter().find(|k| k.id() == *id) else {
                let ids: Vec<String> = m.keys().iter().map(MetricKey::id).collect();
                let hint =
                    did_you_mean(id, ids.iter().map(String::as_str)).map(|s| format!("; did you mean {s}?")).unwrap_or_else(|| "; `metrics` lists them".into());
                return Err(ShellError::new(format!("no metric '{id}'{hint}")));
            };
            Ok(csv(key, &m.series(key)))
        }
        _ => Err(ShellError::new("usage: metrics [<id>]")),
    }
}

/// A series as CSV: a header naming the metric, then `time_ms,value` (empty: no value).
pub fn csv(key: &MetricKey, series: &[(u64, Option<f64>)]) -> String {
    let mut out = format!("time_ms,{} ({}; {})\n", key.id(), key.unit(), key.kafka_name().replace(',', ";"));
    for (t, v) in series {
        out.push_str(&format!("{t},{}\n", v.map(show).unwrap_or_default()));
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn values_show_whole_or_to_one_decimal() {
        use super::show;
        assert_eq!(show(53.0), "53");
        assert_eq!(show(0.25), "0.3");
        assert_eq!(show(-0.25), "-0.3");
        assert_eq!(show(-1.5), "-1.5");
        assert_eq!(show(1234.04), "1234");
        assert_eq!(show(0.0), "0");
    }
}
