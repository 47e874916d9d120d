//! Numbers and dates as the perf tools' Java prints them (java.util.Formatter's `%.Nf`,
//! java.text.SimpleDateFormat), computed with integers: float text would add about 10 KB of
//! gzip to the bundle (docs/ARCHITECTURE.md, "No floating-point text either way").

/// `%.{places}f` of the quotient `num / den`, as Formatter prints that double: rounded half up
/// (Formatter uses RoundingMode.HALF_UP), and Java's `Infinity` or `NaN` for a zero divisor
/// (the perf tools divide by elapsed time, which can be 0 ms in virtual time).
pub fn fixed(num: u128, den: u128, places: u32) -> String {
    if den == 0 {
        return if num == 0 { "NaN" } else { "Infinity" }.to_string();
    }
    let scale = 10u128.pow(places);
    let scaled = (num * scale * 2 + den) / (2 * den);
    if places == 0 {
        return scaled.to_string();
    }
    format!("{}.{:0w$}", scaled / scale, scaled % scale, w = places as usize)
}

/// (year, month 1-12, day 1-31) of a day count since 1970-01-01 (H. Hinnant's
/// civil_from_days).
fn civil(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

/// `ms` since the epoch, in UTC (Kafka uses the JVM's zone), in a SimpleDateFormat pattern made
/// of the numeric fields y M d H m s S (each padded to its letter count; `yy` is the year's last
/// two digits) and literal text (quoted with `'`, or any character that is not a letter).
/// The other pattern letters are refused with a line naming the ones that work.
pub fn date(ms: i64, pattern: &str) -> Result<String, String> {
    let (days, in_day) = (ms.div_euclid(86_400_000), ms.rem_euclid(86_400_000));
    let (y, mo, d) = civil(days);
    let chars: Vec<char> = pattern.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '\'' {
            // '' is a quote; 'text' is literal text (SimpleDateFormat's quoting).
            let end = chars[i + 1..].iter().position(|&x| x == '\'').map(|p| i + 1 + p);
            match end {
                Some(e) if e == i + 1 => out.push('\''),
                Some(e) => out.extend(&chars[i + 1..e]),
                None => return Err(format!("Unterminated quote in --date-format '{pattern}'")),
            }
            i = end.map_or(chars.len(), |e| e + 1);
            continue;
        }
        if !c.is_ascii_alphabetic() {
            out.push(c);
            i += 1;
            continue;
        }
        let n = chars[i..].iter().take_while(|&&x| x == c).count();
        let value = match c {
            'y' if n == 2 => y.rem_euclid(100),
            'y' => y,
            'M' if n < 3 => mo,
            'd' => d,
            'H' => in_day / 3_600_000,
            'm' => in_day / 60_000 % 60,
            's' => in_day / 1_000 % 60,
            'S' => in_day % 1_000,
            // SimpleDateFormat.compile refuses a letter that is not one of its fields.
            _ if !"GyYMLwWDdFEuaHkKhmsSzZX".contains(c) => return Err(format!("Illegal pattern character '{c}'")),
            _ => {
                return Err(format!(
                "--date-format '{pattern}': the simulator prints the numeric fields y, M, d, H, m, s and S (the default is yyyy-MM-dd HH:mm:ss:SSS), not '{}'",
                chars[i..i + n].iter().collect::<String>()
            ))
            }
        };
        out.push_str(&format!("{value:0n$}"));
        i += n;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Expected strings printed by Java 17's String.format (jshell) for the same quotients.
    #[test]
    fn fixed_rounds_half_up_as_javas_formatter() {
        assert_eq!(fixed(1, 4, 1), "0.3"); // String.format("%.1f", 0.25)
        assert_eq!(fixed(3, 20, 1), "0.2"); // 0.15
        assert_eq!(fixed(1_000 * 7, 3, 1), "2333.3");
        assert_eq!(fixed(0, 5, 2), "0.00");
        assert_eq!(fixed(5, 1, 2), "5.00");
        assert_eq!(fixed(1_000 * 100_000, 5_000 * 1_048_576, 2), "0.02");
        assert_eq!(fixed(1, 0, 1), "Infinity");
        assert_eq!(fixed(0, 0, 2), "NaN");
        assert_eq!(fixed(2, 3, 4), "0.6667");
    }

    #[test]
    fn dates_in_simple_date_format() {
        // 2026-01-05T09:00:00.007Z, the simulator's virtual time 7 ms.
        let ms = crate::sim::types::wall_clock_ms(7);
        assert_eq!(date(ms, "yyyy-MM-dd HH:mm:ss:SSS").unwrap(), "2026-01-05 09:00:00:007");
        assert_eq!(date(ms, "yy/M/d 'at' H''mm").unwrap(), "26/1/5 at 9'00");
        assert_eq!(date(0, "yyyy-MM-dd").unwrap(), "1970-01-01");
        assert_eq!(date(951_782_400_000, "yyyy-MM-dd").unwrap(), "2000-02-29");
        assert_eq!(date(ms, "yyyy-MM-dd q").unwrap_err(), "Illegal pattern character 'q'");
        assert!(date(ms, "EEE").unwrap_err().contains("not 'EEE'"));
        assert!(date(ms, "'open").is_err());
    }
}
