//! The Python-compatibility rules for time, in one place:
//! - `YYYY-MM-DD HH:MM:SS[.f]` (SQLite `datetime('now')`) is UTC;
//! - `YYYY-MM-DDTHH:MM:SS[.f]` without a zone (Python `datetime.now().isoformat()`)
//!   is the machine's LOCAL time;
//! - a value with `Z` or a `±HH[:MM]` offset keeps its instant;
//! - anything else is not ours to reinterpret and is returned unchanged.
//!
//! Output is always `YYYY-MM-DDTHH:MM:SS.mmmZ`, the shape of JS `toISOString()`.

use chrono::{
    DateTime, Datelike, Duration, Local, LocalResult, NaiveDate, NaiveDateTime, NaiveTime, Offset,
    TimeZone, Timelike, Utc,
};

enum Zone {
    /// Space separator, no zone: SQLite's UTC `datetime('now')`.
    SqliteUtc,
    /// `T` separator, no zone: Python's naive local isoformat().
    NaiveLocal,
    /// Explicit offset in seconds east of UTC (`Z` is 0).
    Offset(i32),
}

fn digits(s: &[u8], at: usize, n: usize) -> Option<u32> {
    let part = s.get(at..at + n)?;
    let mut v = 0u32;
    for &b in part {
        if !b.is_ascii_digit() {
            return None;
        }
        v = v * 10 + u32::from(b - b'0');
    }
    Some(v)
}

/// Parses the shapes Python and SQLite write. Hand-written because it runs once per
/// timestamp cell on hot paths (10k-row listings).
fn parse(s: &str) -> Option<(NaiveDateTime, Zone)> {
    let b = s.trim().as_bytes();
    if b.len() < 16 {
        return None;
    }
    let (y, mo, d) = (digits(b, 0, 4)?, digits(b, 5, 2)?, digits(b, 8, 2)?);
    if b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let sep = b[10];
    if sep != b' ' && sep != b'T' && sep != b't' {
        return None;
    }
    let (h, mi) = (digits(b, 11, 2)?, digits(b, 14, 2)?);
    if b[13] != b':' {
        return None;
    }
    let mut i = 16;
    let mut sec = 0;
    let mut nanos = 0u32;
    if b.get(i) == Some(&b':') {
        sec = digits(b, i + 1, 2)?;
        i += 3;
        if b.get(i) == Some(&b'.') || b.get(i) == Some(&b',') {
            i += 1;
            let start = i;
            let mut scale = 100_000_000u32;
            while let Some(c) = b.get(i).filter(|c| c.is_ascii_digit()) {
                nanos += u32::from(c - b'0') * scale;
                scale /= 10;
                i += 1;
            }
            if i == start {
                return None;
            }
        }
    }
    let zone = match b.get(i) {
        None => {
            if sep == b' ' {
                Zone::SqliteUtc
            } else {
                Zone::NaiveLocal
            }
        }
        Some(b'Z') | Some(b'z') if i + 1 == b.len() => Zone::Offset(0),
        Some(&sign @ (b'+' | b'-')) => {
            let rest = &b[i + 1..];
            let (oh, om) = match rest.len() {
                2 => (digits(rest, 0, 2)?, 0),
                4 => (digits(rest, 0, 2)?, digits(rest, 2, 2)?),
                5 if rest[2] == b':' => (digits(rest, 0, 2)?, digits(rest, 3, 2)?),
                _ => return None,
            };
            if oh > 23 || om > 59 {
                return None;
            }
            let secs = (oh * 3600 + om * 60) as i32;
            Zone::Offset(if sign == b'-' { -secs } else { secs })
        }
        _ => return None,
    };
    let date = NaiveDate::from_ymd_opt(y as i32, mo, d)?;
    let time = NaiveTime::from_hms_nano_opt(h, mi, sec, nanos)?;
    Some((NaiveDateTime::new(date, time), zone))
}

/// The UTC instant of a naive local wall-clock time. In a DST fall-back overlap the
/// earlier instant wins; in a spring-forward gap the wall time is read with the
/// offset in force just before the gap (what `datetime.now()` could not have
/// produced anyway, so any consistent choice is fine).
fn local_to_utc(naive: NaiveDateTime) -> Option<DateTime<Utc>> {
    match Local.from_local_datetime(&naive) {
        LocalResult::Single(t) => Some(t.with_timezone(&Utc)),
        // chrono orders the two candidates by offset, not by instant: compare.
        LocalResult::Ambiguous(a, b) => Some(a.with_timezone(&Utc).min(b.with_timezone(&Utc))),
        LocalResult::None => {
            let before = naive - Duration::hours(3);
            let offset = Local
                .from_local_datetime(&before)
                .earliest()?
                .offset()
                .to_owned();
            Some(Utc.from_utc_datetime(&(naive - offset.fix())))
        }
    }
}

/// `YYYY-MM-DDTHH:MM:SS.mmmZ`. Written by hand: it runs once per timestamp cell
/// (10k-row listings have several per row) and chrono's `format` machinery costs
/// several times more than the rest of the conversion.
pub fn format_utc(t: DateTime<Utc>) -> String {
    match iso_bytes(t) {
        // Only ASCII digits and separators were written.
        Some(b) => String::from_utf8_lossy(&b).into_owned(),
        None => t.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string(),
    }
}

/// The 24 ASCII bytes of `format_utc`, for years 0..=9999 (else None).
pub fn iso_bytes(t: DateTime<Utc>) -> Option<[u8; 24]> {
    let n = t.naive_utc();
    let year = n.year();
    if !(0..=9999).contains(&year) {
        return None;
    }
    // A leap second is carried in nanoseconds >= 1e9; keep the millisecond field 3 digits.
    let ms = (n.nanosecond() / 1_000_000).min(999);
    let mut b = *b"0000-00-00T00:00:00.000Z";
    let put = |b: &mut [u8; 24], at: usize, width: usize, mut v: u32| {
        for i in (0..width).rev() {
            b[at + i] = b'0' + (v % 10) as u8;
            v /= 10;
        }
    };
    put(&mut b, 0, 4, year as u32);
    put(&mut b, 5, 2, n.month());
    put(&mut b, 8, 2, n.day());
    put(&mut b, 11, 2, n.hour());
    put(&mut b, 14, 2, n.minute());
    put(&mut b, 17, 2, n.second());
    put(&mut b, 20, 3, ms);
    Some(b)
}

/// The instant a timestamp text denotes under the rules above, if it parses.
pub fn instant(s: &str) -> Option<DateTime<Utc>> {
    let (naive, zone) = parse(s)?;
    match zone {
        Zone::SqliteUtc => Some(Utc.from_utc_datetime(&naive)),
        Zone::NaiveLocal => local_to_utc(naive),
        Zone::Offset(secs) => naive
            .checked_sub_signed(Duration::seconds(i64::from(secs)))
            .map(|n| Utc.from_utc_datetime(&n)),
    }
}

/// Unix milliseconds of a timestamp text (for since/until filters).
pub fn epoch_ms(s: &str) -> Option<i64> {
    sqlite_utc_ms(s.as_bytes()).or_else(|| instant(s).map(|t| t.timestamp_millis()))
}

/// epoch_ms of raw cell bytes: the common SQLite UTC shape is read without a
/// UTF-8 check (it is checked digit by digit), anything else decoded leniently.
pub fn epoch_ms_bytes(b: &[u8]) -> Option<i64> {
    sqlite_utc_ms(b).or_else(|| instant(&crate::base::text::lossy(b)).map(|t| t.timestamp_millis()))
}

/// Days from 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Exactly `YYYY-MM-DD HH:MM:SS` (SQLite's `datetime('now')`, UTC, by far the
/// commonest shape) read with plain arithmetic: the ORDER BY / MAX of hot
/// queries calls this once per interaction row. Anything else (or an invalid
/// date) is left to the general parser.
fn sqlite_utc_ms(b: &[u8]) -> Option<i64> {
    if b.len() != 19
        || b[4] != b'-'
        || b[7] != b'-'
        || b[10] != b' '
        || b[13] != b':'
        || b[16] != b':'
    {
        return None;
    }
    let (y, mo, d) = (digits(b, 0, 4)?, digits(b, 5, 2)?, digits(b, 8, 2)?);
    let (h, mi, s) = (digits(b, 11, 2)?, digits(b, 14, 2)?, digits(b, 17, 2)?);
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let month_days = [
        31,
        if leap { 29 } else { 28 },
        31,
        30,
        31,
        30,
        31,
        31,
        30,
        31,
        30,
        31,
    ];
    if !(1..=12).contains(&mo)
        || d == 0
        || d > month_days[mo as usize - 1]
        || h > 23
        || mi > 59
        || s > 59
    {
        return None;
    }
    let days = days_from_civil(i64::from(y), i64::from(mo), i64::from(d));
    Some(((days * 24 + i64::from(h)) * 60 + i64::from(mi)) * 60_000 + i64::from(s) * 1000)
}

/// A number in a timestamp column: read as Unix seconds when it is a plausible
/// instant (years 1970..=9999), else not convertible.
pub fn from_unix_seconds(secs: f64) -> Option<String> {
    if !secs.is_finite() || !(0.0..253_402_300_800.0).contains(&secs) {
        return None;
    }
    let whole = secs.trunc() as i64;
    let nanos = ((secs - secs.trunc()) * 1e9).round() as u32;
    DateTime::<Utc>::from_timestamp(whole, nanos.min(999_999_999)).map(format_utc)
}

/// The machine's local calendar date today: the date Python writes in
/// `daily_stats.date` with `date.today()`.
pub fn local_today() -> NaiveDate {
    Local::now().date_naive()
}

/// The `days` local dates ending today, oldest first, as `YYYY-MM-DD`: the days
/// Python's `date.today()` names in daily_stats.
pub fn last_local_days(days: u32) -> Vec<String> {
    let today = local_today();
    let first = today - Duration::days(i64::from(days.saturating_sub(1)));
    first
        .iter_days()
        .take(days as usize)
        .map(|d| format!("{:04}-{:02}-{:02}", d.year(), d.month(), d.day()))
        .collect()
}

/// Every local date from `from` to `to` (inclusive), as `YYYY-MM-DD`.
pub fn local_days(from: NaiveDate, to: NaiveDate) -> Vec<String> {
    from.iter_days()
        .take_while(|d| *d <= to)
        .map(|d| format!("{:04}-{:02}-{:02}", d.year(), d.month(), d.day()))
        .collect()
}

/// A calendar date written exactly `YYYY-MM-DD`.
pub fn parse_date(s: &str) -> Option<NaiveDate> {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    NaiveDate::from_ymd_opt(digits(b, 0, 4)? as i32, digits(b, 5, 2)?, digits(b, 8, 2)?)
}

/// Unix ms of the first instant of a local calendar date (its midnight, or
/// the first instant after a DST gap that skips it).
pub fn local_midnight_ms(d: NaiveDate) -> Option<i64> {
    local_to_utc(d.and_time(NaiveTime::MIN)).map(|t| t.timestamp_millis())
}

/// Instants to the machine's local calendar day and hour, for counting many
/// rows. The zone's offset is looked up once per UTC day and cached; a day
/// on which the offset changes (a DST switch) is worked out instant by instant.
#[derive(Default)]
pub struct LocalClock {
    /// UTC day number of `offsets[0]`.
    first: i64,
    /// Per UTC day: unknown, the offset in seconds all day, or changing.
    offsets: Vec<Offsets>,
}

#[derive(Clone, Copy)]
enum Offsets {
    Unknown,
    Fixed(i32),
    Changing,
}

const DAY_MS: i64 = 86_400_000;

impl LocalClock {
    /// The local day (days since 1970-01-01) and hour of a Unix ms instant.
    pub fn day_hour(&mut self, ms: i64) -> Option<(i64, u32)> {
        let day = ms.div_euclid(DAY_MS);
        let offset = match self.offsets_of(day) {
            Offsets::Fixed(secs) => i64::from(secs),
            _ => i64::from(local_offset_secs(ms)?),
        };
        let local = ms + offset * 1000;
        let hour = (local.rem_euclid(DAY_MS) / 3_600_000) as u32;
        Some((local.div_euclid(DAY_MS), hour))
    }

    fn offsets_of(&mut self, day: i64) -> Offsets {
        if self.offsets.is_empty() {
            self.first = day;
        }
        if day < self.first {
            let grow = (self.first - day) as usize;
            if grow > 40_000 {
                return Offsets::Changing;
            }
            self.offsets
                .splice(0..0, std::iter::repeat_n(Offsets::Unknown, grow));
            self.first = day;
        }
        let i = (day - self.first) as usize;
        if i >= self.offsets.len() {
            if i > 40_000 + self.offsets.len() {
                return Offsets::Changing;
            }
            self.offsets.resize(i + 1, Offsets::Unknown);
        }
        if let Offsets::Unknown = self.offsets[i] {
            let start = local_offset_secs(day * DAY_MS);
            let end = local_offset_secs(day * DAY_MS + DAY_MS - 1);
            self.offsets[i] = match (start, end) {
                (Some(a), Some(b)) if a == b => Offsets::Fixed(a),
                _ => Offsets::Changing,
            };
        }
        self.offsets[i]
    }

    /// The local day and hour a stored timestamp names: a naive local
    /// `...T...` time is read as it is written (it *is* the local wall
    /// clock; no zone lookup), anything else through its instant.
    pub fn day_hour_of_text(&mut self, b: &[u8]) -> Option<(i64, u32)> {
        if let Some(ms) = sqlite_utc_ms(b) {
            return self.day_hour(ms);
        }
        let s = std::str::from_utf8(b).ok()?;
        match parse(s)? {
            (naive, Zone::NaiveLocal) => {
                let d = naive.date();
                let day = days_from_civil(
                    i64::from(d.year()),
                    i64::from(d.month()),
                    i64::from(d.day()),
                );
                Some((day, naive.hour()))
            }
            _ => self.day_hour(epoch_ms(s)?),
        }
    }
}

/// The local zone's offset east of UTC at an instant, in seconds.
fn local_offset_secs(ms: i64) -> Option<i32> {
    let t = DateTime::<Utc>::from_timestamp_millis(ms)?;
    Some(t.with_timezone(&Local).offset().fix().local_minus_utc())
}

/// A day number (days since 1970-01-01) as `YYYY-MM-DD`.
pub fn day_text(day: i64) -> Option<String> {
    let d = NaiveDate::from_ymd_opt(1970, 1, 1)?.checked_add_signed(Duration::days(day))?;
    Some(format!("{:04}-{:02}-{:02}", d.year(), d.month(), d.day()))
}

/// A date as a day number (days since 1970-01-01).
pub fn day_number(d: NaiveDate) -> i64 {
    days_from_civil(
        i64::from(d.year()),
        i64::from(d.month()),
        i64::from(d.day()),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn iso(s: &str) -> String {
        format_utc(instant(s).unwrap_or_else(|| panic!("{s} did not parse")))
    }

    #[test]
    fn sqlite_datetime_is_utc() {
        assert_eq!(iso("2026-02-10 14:03:22"), "2026-02-10T14:03:22.000Z");
        assert_eq!(iso("2026-02-10 14:03"), "2026-02-10T14:03:00.000Z");
        assert_eq!(iso("2026-02-10 14:03:22.5"), "2026-02-10T14:03:22.500Z");
    }

    #[test]
    fn explicit_zones_keep_their_instant() {
        assert_eq!(iso("2026-02-10T14:03:22Z"), "2026-02-10T14:03:22.000Z");
        assert_eq!(
            iso("2026-02-10T14:03:22.123456Z"),
            "2026-02-10T14:03:22.123Z"
        );
        assert_eq!(iso("2026-02-10T16:03:22+02:00"), "2026-02-10T14:03:22.000Z");
        assert_eq!(iso("2026-02-10T09:03:22-0500"), "2026-02-10T14:03:22.000Z");
        assert_eq!(iso("2026-02-10 16:03:22+02"), "2026-02-10T14:03:22.000Z");
        assert_eq!(iso("2026-01-01T00:30:00+01:00"), "2025-12-31T23:30:00.000Z");
    }

    #[test]
    fn naive_isoformat_is_local_time() {
        // Whatever zone the test runs in, the result must match chrono's view of it.
        let naive =
            NaiveDateTime::parse_from_str("2026-02-10T15:03:22", "%Y-%m-%dT%H:%M:%S").unwrap();
        let expected = format_utc(Local.from_local_datetime(&naive).earliest().unwrap().into());
        assert_eq!(iso("2026-02-10T15:03:22"), expected);
        assert_eq!(
            iso("2026-02-10T15:03:22.123456"),
            expected.replace(".000Z", ".123Z")
        );
    }

    #[test]
    fn unparseable_values_are_returned_unchanged() {
        for bad in [
            "",
            "garbage",
            "2026-13-45 99:99:99",
            "2026-02-10",
            "2026-02-10 14:03:22 junk",
            "2026-02-10T14:03:22+25:00",
            "2026-02-30 10:00:00",
            "2026-02-10 14:03:22.",
            "２０２６-02-10 14:03:22",
        ] {
            // The row mapper returns such text unchanged.
            assert_eq!(instant(bad), None, "{bad}");
        }
    }

    #[test]
    fn formatting_matches_chrono() {
        for s in [
            "2026-02-10 14:03:22.123456",
            "0001-01-01 00:00:00",
            "9999-12-31 23:59:59.999",
            "2024-02-29T23:59:59.9995Z",
        ] {
            let t = instant(s).unwrap();
            assert_eq!(
                format_utc(t),
                t.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string(),
                "{s}"
            );
        }
        // Out of the 4-digit range after an offset: still formatted, via chrono.
        let t = instant("0000-01-01T00:30:00+01:00").unwrap();
        assert!(format_utc(t).ends_with('Z'));
    }

    #[test]
    fn arithmetic_fast_path_matches_chrono() {
        // Every day of 0001..=9999 at a few times, plus the edges that must fall
        // through to the general parser.
        let mut day = NaiveDate::from_ymd_opt(1, 1, 1).unwrap();
        let end = NaiveDate::from_ymd_opt(9999, 12, 31).unwrap();
        while day <= end {
            for t in ["00:00:00", "23:59:59", "12:34:56"] {
                let s = format!("{} {t}", day.format("%Y-%m-%d"));
                let fast = sqlite_utc_ms(s.as_bytes()).unwrap();
                assert_eq!(Some(fast), instant(&s).map(|i| i.timestamp_millis()), "{s}");
            }
            day += Duration::days(17);
        }
        for s in [
            "2026-02-29 10:00:00",
            "2024-02-30 10:00:00",
            "2026-13-01 10:00:00",
            "2026-01-01 24:00:00",
        ] {
            assert_eq!(sqlite_utc_ms(s.as_bytes()), None, "{s}");
            assert_eq!(epoch_ms(s), None, "{s}");
        }
        assert_eq!(epoch_ms("2024-02-29 10:00:00"), Some(1_709_200_800_000));
    }

    #[test]
    fn unix_seconds() {
        assert_eq!(
            from_unix_seconds(1_700_000_000.0).as_deref(),
            Some("2023-11-14T22:13:20.000Z")
        );
        assert_eq!(from_unix_seconds(-1.0), None);
        assert_eq!(from_unix_seconds(f64::NAN), None);
        assert_eq!(from_unix_seconds(1e300), None);
    }

    #[test]
    fn day_windows_end_today_oldest_first() {
        let today = local_today().format("%Y-%m-%d").to_string();
        assert_eq!(last_local_days(1), vec![today.clone()]);
        let days = last_local_days(3650);
        assert_eq!(days.len(), 3650);
        assert_eq!(days.last(), Some(&today));
        assert!(days.windows(2).all(|w| w[0] < w[1]));
        let first = NaiveDate::parse_from_str(&days[0], "%Y-%m-%d").unwrap();
        assert_eq!((local_today() - first).num_days(), 3649);
    }
}
