//! The monitoring panel as markup: small time-series charts of the operator's metrics
//! (`sim::metrics`), each with its Kafka name, its unit, its newest value in words and buttons
//! to open it larger or export it as CSV. Built as one escaped string (`app::html` says why);
//! the page inserts it and handles its buttons by their `data-chart` and `data-act`.
use std::fmt::Write as _;

use super::html::escape;
use crate::shell::alerts::AlertRule;
use crate::shell::metrics_verb::show;
use crate::sim::metrics::{MetricKey, Metrics, SAMPLE_MS};
use crate::sim::Millis;

/// Samples in a small chart: the last minute.
const SMALL: usize = 60;

/// The panel's sections, in order.
const SECTIONS: [&str; 5] = ["Cluster health", "Throughput", "Request time", "Consumer groups", "Brokers"];

/// Which section charts a series. Per-partition lag and records-lag-max are a table (a row
/// each), not charts: a busy cluster has dozens.
fn section(k: &MetricKey) -> Option<usize> {
    use MetricKey::*;
    Some(match k {
        UnderReplicated | UnderMinIsr | Offline | ActiveControllers | IsrShrinks | IsrExpands => 0,
        MessagesIn(_) | BytesIn(_) | BytesOut(_) | RecordsConsumed(_) => 1,
        ProduceP50 | ProduceP99 | FetchConsumerP50 | FetchConsumerP99 => 2,
        GroupLag(_) | Rebalances(_) | RebalanceMs(_) => 3,
        LogSize(_) => 4,
        PartitionLag(..) | RecordsLagMax(_) => return None,
    })
}

/// 1, 2 or 5 times a power of ten, at least `v`: an axis's top.
fn nice_max(v: f64) -> f64 {
    if v <= 0.0 {
        return 1.0;
    }
    let mut p = 1.0;
    while p * 10.0 <= v {
        p *= 10.0;
    }
    while p > v {
        p /= 10.0;
    }
    [1.0, 2.0, 5.0, 10.0].iter().map(|m| m * p).find(|c| *c >= v).unwrap_or(10.0 * p)
}

fn seconds(ms: Millis) -> String {
    format!("{} s", ms / 1_000)
}

/// One chart: an SVG line over `points` (a gap where a sample has no value), with its axis
/// labels, and a text alternative saying what it shows.
fn chart(out: &mut String, key: &MetricKey, points: &[(Millis, Option<f64>)], large: bool) {
    // Tenths of a CSS pixel, so every coordinate is a whole number: formatting floats would
    // bring Rust's float printer into the bundle.
    let (w, h) = if large { (6000.0, 1800.0) } else { (2400.0, 720.0) };
    let (left, top, bottom) = (340.0, 60.0, 140.0);
    let values: Vec<f64> = points.iter().filter_map(|(_, v)| *v).collect();
    let max = nice_max(values.iter().copied().fold(0.0, f64::max));
    let (t0, t1) = (points.first().map_or(0, |p| p.0), points.last().map_or(0, |p| p.0));
    let span = (t1.saturating_sub(t0)).max(SAMPLE_MS) as f64;
    let x = |t: Millis| (left + (t - t0) as f64 / span * (w - left - 20.0)) as i64;
    let y = |v: f64| (top + (1.0 - v / max) * (h - top - bottom)) as i64;
    let title = key.title();
    let newest = points.last().and_then(|(_, v)| *v);
    let summary = match newest {
        Some(v) => format!(
            "{title}: now {} {}; over the {} shown, from {} to {} {}",
            show(v),
            key.unit(),
            seconds(span as Millis),
            show(values.iter().copied().fold(f64::INFINITY, f64::min)),
            show(values.iter().copied().fold(0.0, f64::max)),
            key.unit()
        ),
        None => format!("{title}: no value now"),
    };
    let _ = write!(out, r#"<svg class="chart" viewBox="0 0 {} {}" role="img" aria-label=""#, w as i64, h as i64);
    escape(&summary, out);
    let _ = write!(
        out,
        r#""><line class="axis" x1="{left}" y1="{top}" x2="{left}" y2="{b}"/><line class="axis" x1="{left}" y1="{b}" x2="{w}" y2="{b}"/><text class="tick" x="{tx}" y="{ty}" text-anchor="end">{}</text><text class="tick" x="{tx}" y="{b}" text-anchor="end">0</text><text class="tick" x="{left}" y="{h}">{}</text><text class="tick" x="{w}" y="{h}" text-anchor="end">{}</text>"#,
        show(max),
        seconds(t0),
        seconds(t1),
        w = w as i64,
        h = h as i64,
        left = left as i64,
        top = top as i64,
        b = (h - bottom) as i64,
        tx = (left - 30.0) as i64,
        ty = (top + 60.0) as i64,
    );
    // One polyline per run of samples with values: no line across a gap.
    let mut run = String::new();
    for (t, v) in points {
        match v {
            Some(v) => {
                let _ = write!(run, "{},{} ", x(*t), y(*v));
            }
            None if !run.is_empty() => {
                let _ = write!(out, r#"<polyline class="series" points="{}"/>"#, run.trim_end());
                run.clear();
            }
            None => {}
        }
    }
    if !run.is_empty() {
        let _ = write!(out, r#"<polyline class="series" points="{}"/>"#, run.trim_end());
    }
    out.push_str("</svg>");
}

/// A figure: the title with the newest value and unit, the chart, the Kafka name, the buttons.
fn figure(out: &mut String, m: &Metrics, key: &MetricKey, open: bool) {
    let series = m.series(key);
    let shown = if open { &series[..] } else { &series[series.len().saturating_sub(SMALL)..] };
    let id = key.id();
    out.push_str(if open { r#"<figure class="metric open" data-metric=""# } else { r#"<figure class="metric" data-metric=""# });
    escape(&id, out);
    out.push_str(r#""><figcaption><span class="metric-title">"#);
    escape(&key.title(), out);
    out.push_str(r#"</span> <strong class="metric-value">"#);
    let newest = m.latest(key).map_or("–".to_string(), |v| format!("{} {}", show(v), key.unit()));
    escape(&newest, out);
    out.push_str("</strong></figcaption>");
    chart(out, key, shown, open);
    out.push_str(r#"<p class="mbean"><code>"#);
    escape(&key.kafka_name(), out);
    out.push_str(r#"</code></p><p class="metric-buttons"><button type="button" data-act="open" data-chart=""#);
    escape(&id, out);
    let _ = write!(out, r#"" aria-expanded="{open}">{}</button> <button type="button" data-act="csv" data-chart=""#, if open { "Smaller" } else { "Larger" });
    escape(&id, out);
    out.push_str(r#"">CSV</button></p>"#);
    if open {
        // The newest values as a table too: what a screen reader reads row by row.
        let rows: Vec<Vec<String>> = series.iter().rev().take(10).map(|(t, v)| vec![seconds(*t), v.map_or("–".into(), show)]).collect();
        out.push_str(&super::html::table("metric-table", &format!("{}, newest first", key.title()), &["time", key.unit()], &rows));
    }
    out.push_str("</figure>");
}

/// The alerts: each rule, whether it is firing now (said in words, not only in colour), and
/// each time it fired with a button that goes to that moment.
fn alerts_html(out: &mut String, m: &Metrics, rules: &[AlertRule]) {
    out.push_str(r#"<section class="metric-section alerts"><h3>Alerts</h3>"#);
    if rules.is_empty() {
        out.push_str("<p>None set. Add one in the console: <code>alert lag:&lt;group&gt; &gt; 100 for 10s</code></p></section>");
        return;
    }
    out.push_str(r#"<ul class="alert-list" data-testid="alerts">"#);
    for rule in rules {
        let firings = rule.firings(m);
        let firing = firings.last().is_some_and(|f| f.cleared_ms.is_none());
        out.push_str(if firing { r#"<li class="alert firing"><strong>⚠ FIRING</strong> "# } else { r#"<li class="alert"><span>✓ OK</span> "# });
        out.push_str("<code>");
        escape(&rule.text(), out);
        out.push_str("</code>");
        for f in &firings {
            let _ = write!(out, r#" <button type="button" data-act="seek" data-time="{}">Go to {}</button>"#, f.fired_ms, seconds(f.fired_ms));
            if let Some(c) = f.cleared_ms {
                let _ = write!(out, " cleared at {}", seconds(c));
            }
        }
        out.push_str("</li>");
    }
    out.push_str(r#"</ul><p class="metric-at">Add or remove alerts in the console: <code>alert</code> lists them.</p></section>"#);
}

/// The whole panel at the simulation's moment. `open` is the id of the chart shown larger.
pub fn panel_html(m: &Metrics, rules: &[AlertRule], open: Option<&str>) -> String {
    let mut out = String::new();
    let Some(at) = m.latest_ms() else {
        out.push_str(r#"<p class="metric-empty">No sample yet: the first is taken after a second of virtual time. Press Play or Step.</p>"#);
        return out;
    };
    let _ =
        write!(out, r#"<p class="metric-at">At {} of virtual time: a sample each second, the last minute in each chart (Larger shows ten).</p>"#, seconds(at));
    alerts_html(&mut out, m, rules);
    for (i, heading) in SECTIONS.iter().enumerate() {
        let keys: Vec<&MetricKey> = m.keys().iter().filter(|k| section(k) == Some(i)).collect();
        if keys.is_empty() {
            continue;
        }
        out.push_str("<section class=\"metric-section\"><h3>");
        escape(heading, &mut out);
        out.push_str("</h3><div class=\"metric-grid\">");
        for k in keys {
            figure(&mut out, m, k, open == Some(k.id().as_str()));
        }
        out.push_str("</div></section>");
    }
    let detail: Vec<Vec<String>> =
        m.keys().iter().filter(|k| section(k).is_none()).map(|k| vec![k.title(), m.latest(k).map_or("–".into(), show), k.kafka_name()]).collect();
    if !detail.is_empty() {
        out.push_str(&super::html::table("metric-table", "Lag by partition and by consumer, now", &["metric", "records", "Kafka's name"], &detail));
    }
    out
}

/// The CSV export of one chart (the console's `metrics <id>` prints the same).
pub fn csv(m: &Metrics, id: &str) -> Option<(String, String)> {
    let key = m.keys().iter().find(|k| k.id() == id)?;
    let file = format!("{}.csv", id.replace([':', '/'], "-"));
    Some((file, crate::shell::metrics_verb::csv(key, &m.series(key))))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::shell::Shell;

    #[test]
    fn axes_end_on_round_numbers() {
        assert_eq!(nice_max(0.0), 1.0);
        assert_eq!(nice_max(3.0), 5.0);
        assert_eq!(nice_max(53.0), 100.0);
        assert_eq!(nice_max(20.0), 20.0);
        assert_eq!(nice_max(0.3), 0.5);
    }

    #[test]
    fn the_panel_charts_each_section_and_names_each_metric() {
        let mut sh = Shell::new(3);
        assert!(panel_html(&Metrics::default(), &[], None).contains("No sample yet"));
        for l in [
            "kafka-topics.sh --bootstrap-server localhost:9092 --create --topic orders --partitions 2 --replication-factor 3",
            "producer start p --topic orders --rate 10/s",
            "consumer start c --topic orders --group g --from-beginning",
            "tick 10s",
            "kill broker 2",
            "tick 10s",
        ] {
            sh.execute(l, &[]).unwrap();
        }
        let html = panel_html(&sh.sim.metrics_now(), &sh.alerts, Some("urp"));
        // The default URP alert fired when the broker's partitions left the ISR: said in
        // words, with a button to that moment.
        let fired = sh.alerts[0].firings(&sh.sim.metrics_now())[0].fired_ms;
        assert!(
            html.contains(&format!(r#"<strong>⚠ FIRING</strong> <code>urp &gt; 0</code> <button type="button" data-act="seek" data-time="{fired}">"#)),
            "{html}"
        );
        assert!(html.contains("✓ OK</span> <code>offline &gt; 0</code>"));
        for needle in [
            "Cluster health",
            "Throughput",
            "Request time",
            "Consumer groups",
            "Brokers",
            "UnderReplicatedPartitions",
            "MessagesInPerSec,topic=orders",
            "lag:g",
        ] {
            assert!(html.contains(needle), "{needle} in the panel");
        }
        // The chart shown larger has its table; the others do not.
        assert_eq!(html.matches("metric-table").count(), 2, "the open chart's table and the lag table");
        assert!(html.contains(r#"data-chart="urp" aria-expanded="true""#));
        // Every chart says what it shows in words.
        assert_eq!(html.matches("<svg").count(), html.matches("aria-label=").count());
        let (file, text) = csv(&sh.sim.metrics_now(), "lag:g").expect("a series");
        assert_eq!(file, "lag-g.csv");
        assert!(text.starts_with("time_ms,lag:g"));
        assert!(csv(&sh.sim.metrics_now(), "nothing").is_none());
    }
}
