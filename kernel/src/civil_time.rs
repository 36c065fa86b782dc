//! Calendar date and time (as the RTC reports it) to seconds since the Unix epoch.

/// Days since 1970-01-01 of a proleptic Gregorian date.
pub fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = month as i64;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + day as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Seconds since the epoch, or `None` for a date the RTC cannot mean.
pub fn unix_seconds(year: i64, month: u32, day: u32, hour: u32, min: u32, sec: u32) -> Option<i64> {
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) || hour > 23 || min > 59 || sec > 60 {
        return None;
    }
    Some(days_from_civil(year, month, day) * 86_400 + (hour * 3600 + min * 60 + sec) as i64)
}

/// Decodes a BCD byte from the RTC.
pub fn from_bcd(v: u8) -> u32 {
    ((v >> 4) as u32) * 10 + (v & 0x0f) as u32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_dates() {
        assert_eq!(unix_seconds(1970, 1, 1, 0, 0, 0), Some(0));
        assert_eq!(unix_seconds(2000, 3, 1, 0, 0, 0), Some(951_868_800));
        assert_eq!(unix_seconds(2026, 11, 25, 14, 1, 46), Some(1_795_615_306));
        assert_eq!(unix_seconds(2024, 2, 29, 23, 59, 59), Some(1_709_251_199));
        assert_eq!(unix_seconds(2024, 13, 1, 0, 0, 0), None);
        assert_eq!(from_bcd(0x59), 59);
    }
}
