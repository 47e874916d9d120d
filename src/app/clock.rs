//! Virtual time in the units a person reads: `850 ms`, `13.7 s`, `2 min 13.7 s`,
//! `1 h 02 min 13 s`. Integer arithmetic only (the bundle carries no float formatting).
use crate::sim::Millis;

/// `ms` of virtual time, in words a learner reads at a glance.
pub fn human(ms: Millis) -> String {
    const SECOND: Millis = 1_000;
    const MINUTE: Millis = 60 * SECOND;
    const HOUR: Millis = 60 * MINUTE;
    let tenths = |ms: Millis| format!("{}.{}", ms / SECOND, (ms % SECOND) / 100);
    if ms < SECOND {
        format!("{ms} ms")
    } else if ms < MINUTE {
        format!("{} s", tenths(ms))
    } else if ms < HOUR {
        format!("{} min {} s", ms / MINUTE, tenths(ms % MINUTE))
    } else {
        format!("{} h {:02} min {:02} s", ms / HOUR, (ms % HOUR) / MINUTE, (ms % MINUTE) / SECOND)
    }
}

#[cfg(test)]
mod tests {
    use super::human;

    #[test]
    fn virtual_time_reads_in_human_units() {
        assert_eq!(human(0), "0 ms");
        assert_eq!(human(850), "850 ms");
        assert_eq!(human(1_000), "1.0 s");
        assert_eq!(human(13_749), "13.7 s");
        assert_eq!(human(60_000), "1 min 0.0 s");
        assert_eq!(human(133_700), "2 min 13.7 s");
        assert_eq!(human(3_733_000), "1 h 02 min 13 s");
    }
}
