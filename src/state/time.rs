//! Timestamps for claims and history: RFC 3339 in UTC with second precision
//! (`2026-01-21T09:30:00Z`), computed from the system clock without a date-time dependency.
//! Setting [`NOW_ENV`] pins the clock (the value is used verbatim), so tests and
//! reproducible demos get stable output.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Environment variable that overrides the current time; its value is used verbatim.
pub const NOW_ENV: &str = "BATON_NOW";

/// The current time as RFC 3339 UTC (`YYYY-MM-DDTHH:MM:SSZ`), or the value of
/// [`NOW_ENV`] when it is set and not empty.
pub fn now_rfc3339() -> String {
    now_from(std::env::var(NOW_ENV).ok(), SystemTime::now())
}

fn now_from(pinned: Option<String>, clock: SystemTime) -> String {
    if let Some(p) = pinned.filter(|p| !p.trim().is_empty()) {
        return p;
    }
    let secs = match clock.duration_since(UNIX_EPOCH) {
        Ok(d) => i64::try_from(d.as_secs()).unwrap_or(i64::MAX),
        // Before 1970: a broken clock; count backwards so the result stays well-formed.
        Err(e) => i64::try_from(e.duration().as_secs()).map_or(i64::MIN, |s| -s),
    };
    rfc3339_from_unix(secs)
}

/// Formats seconds since the Unix epoch as RFC 3339 UTC (`YYYY-MM-DDTHH:MM:SSZ`).
pub fn rfc3339_from_unix(secs: i64) -> String {
    // Keep the arithmetic below far from overflow; real clocks never get near these bounds.
    let secs = secs.clamp(-(1 << 46), 1 << 46);
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

/// A period of whole seconds set by the environment variable `name` (tests shorten leases
/// and heartbeats with one), else `default`; a value that is not a positive integer is ignored.
pub fn seconds_from_env(name: &str, default: Duration) -> Duration {
    std::env::var(name)
        .ok()
        .and_then(|v| v.trim().parse::<u64>().ok())
        .filter(|&s| s > 0)
        .map_or(default, Duration::from_secs)
}

/// Seconds since the Unix epoch by the system clock (not pinned by [`NOW_ENV`]).
pub fn unix_now() -> i64 {
    match SystemTime::now().duration_since(UNIX_EPOCH) {
        Ok(d) => i64::try_from(d.as_secs()).unwrap_or(i64::MAX),
        Err(_) => 0,
    }
}

/// Reads `YYYY-MM-DDTHH:MM:SSZ` (what [`rfc3339_from_unix`] writes) back into seconds since
/// the Unix epoch; None for anything else.
pub fn unix_from_rfc3339(text: &str) -> Option<i64> {
    let b = text.as_bytes();
    if b.len() != 20 || b[4] != b'-' || b[7] != b'-' || b[10] != b'T' || b[19] != b'Z' {
        return None;
    }
    let num = |r: std::ops::Range<usize>| text.get(r)?.parse::<i64>().ok();
    let (y, m, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (hh, mm, ss) = (num(11..13)?, num(14..16)?, num(17..19)?);
    if !(1..=12).contains(&m) || !(1..=31).contains(&d) || hh > 23 || mm > 59 || ss > 60 {
        return None;
    }
    Some(days_from_civil(y, m, d) * 86_400 + hh * 3600 + mm * 60 + ss)
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let mp = if m > 2 { m - 3 } else { m + 9 };
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Reads a duration as people write it: `90s`, `45m`, `2h`, `1d`, or a combination such as
/// `1h30m`; a bare number is seconds. None for anything else, or for zero.
pub fn parse_duration(text: &str) -> Option<std::time::Duration> {
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    if let Ok(secs) = text.parse::<u64>() {
        return (secs > 0).then(|| std::time::Duration::from_secs(secs));
    }
    let mut total: u64 = 0;
    let mut digits = String::new();
    for c in text.chars() {
        if c.is_ascii_digit() {
            digits.push(c);
            continue;
        }
        let unit = match c {
            's' => 1,
            'm' => 60,
            'h' => 3600,
            'd' => 86_400,
            _ => return None,
        };
        let n: u64 = digits.parse().ok()?;
        digits.clear();
        total = total.checked_add(n.checked_mul(unit)?)?;
    }
    if !digits.is_empty() || total == 0 {
        return None;
    }
    Some(std::time::Duration::from_secs(total))
}

/// Proleptic Gregorian date from days since 1970-01-01 (Howard Hinnant's algorithm).
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097); // day of era, [0, 146096]
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365; // [0, 399]
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100); // [0, 365], from March 1st
    let mp = (5 * doy + 2) / 153; // [0, 11], March = 0
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc3339_reads_back_what_it_writes() {
        for secs in [
            0,
            1,
            59,
            86_399,
            86_400,
            951_782_400,
            1_700_000_000,
            4_102_444_800,
        ] {
            assert_eq!(unix_from_rfc3339(&rfc3339_from_unix(secs)), Some(secs));
        }
        assert_eq!(unix_from_rfc3339("2026-01-21T09:30:00"), None);
        assert_eq!(unix_from_rfc3339("2026-13-21T09:30:00Z"), None);
        assert_eq!(unix_from_rfc3339("not a time at all!!!"), None);
    }

    #[test]
    fn durations_as_people_write_them() {
        let secs = |t: &str| parse_duration(t).map(|d| d.as_secs());
        assert_eq!(secs("90s"), Some(90));
        assert_eq!(secs("45m"), Some(2700));
        assert_eq!(secs("2h"), Some(7200));
        assert_eq!(secs("1h30m"), Some(5400));
        assert_eq!(secs("1d"), Some(86_400));
        assert_eq!(secs("600"), Some(600));
        for bad in ["", "0", "0s", "h", "2x", "2h30", "-5m", "1.5h"] {
            assert_eq!(secs(bad), None, "{bad}");
        }
    }
    use std::time::Duration;

    #[test]
    fn formats_known_instants() {
        assert_eq!(rfc3339_from_unix(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339_from_unix(-1), "1969-12-31T23:59:59Z");
        assert_eq!(rfc3339_from_unix(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(rfc3339_from_unix(1_709_251_199), "2024-02-29T23:59:59Z");
        assert_eq!(rfc3339_from_unix(1_768_987_800), "2026-01-21T09:30:00Z");
        assert_eq!(rfc3339_from_unix(4_102_444_800), "2100-01-01T00:00:00Z");
        // Extreme inputs stay well-formed instead of overflowing.
        assert!(rfc3339_from_unix(i64::MAX).ends_with('Z'));
        assert!(rfc3339_from_unix(i64::MIN).ends_with('Z'));
    }

    #[test]
    fn consecutive_days_walk_the_calendar() {
        fn month_len(y: i64, m: i64) -> i64 {
            let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
            match m {
                2 if leap => 29,
                2 => 28,
                4 | 6 | 9 | 11 => 30,
                _ => 31,
            }
        }
        // 1600-01-01 .. 2400-12-31: each day follows the previous one.
        let first = -135_140;
        assert_eq!(civil_from_days(first), (1600, 1, 1));
        let mut prev = civil_from_days(first);
        for day in first + 1..=157_300 {
            let cur = civil_from_days(day);
            let expected = if prev.2 < month_len(prev.0, prev.1) {
                (prev.0, prev.1, prev.2 + 1)
            } else if prev.1 < 12 {
                (prev.0, prev.1 + 1, 1)
            } else {
                (prev.0 + 1, 1, 1)
            };
            assert_eq!(cur, expected, "day {day}");
            prev = cur;
        }
    }

    #[test]
    fn pinned_time_is_used_verbatim() {
        let clock = UNIX_EPOCH + Duration::from_secs(86_400);
        assert_eq!(
            now_from(Some("2026-01-21T09:30:00Z".into()), clock),
            "2026-01-21T09:30:00Z"
        );
        assert_eq!(now_from(Some(String::new()), clock), "1970-01-02T00:00:00Z");
        assert_eq!(now_from(None, clock), "1970-01-02T00:00:00Z");
        let before = UNIX_EPOCH - Duration::from_secs(1);
        assert_eq!(now_from(None, before), "1969-12-31T23:59:59Z");
    }
}
