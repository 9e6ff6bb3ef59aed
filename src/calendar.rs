//! ISO weeks ("2026-W47"): Monday 00:00 to the next Monday in the shop's time zone, as the
//! inspection figures count them too.

use crate::error::FieldCode;
use chrono::{DateTime, Datelike, Duration, NaiveDate, TimeZone, Utc, Weekday};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};
use specta::Type;

use crate::error::FieldError;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, Type)]
pub struct IsoWeek {
    pub year: i32,
    pub week: u32,
}

impl IsoWeek {
    /// The week holding `t` on the shop's calendar.
    pub fn of(t: DateTime<Utc>, zone: Tz) -> Self {
        Self::holding(t.with_timezone(&zone).date_naive())
    }

    fn holding(day: NaiveDate) -> Self {
        let w = day.iso_week();
        Self {
            year: w.year(),
            week: w.week(),
        }
    }

    /// A week the seller may leave blank: `None` (the last complete week) when it is.
    pub fn parse_optional(s: Option<&str>) -> crate::Result<Option<Self>> {
        s.filter(|w| !w.trim().is_empty())
            .map(|w| Self::parse(w).map_err(|e| crate::Error::Validation(vec![e])))
            .transpose()
    }

    /// Reads "2026-W47" (or "2026W47", "2026-w47"); refuses a week the year does not have.
    pub fn parse(s: &str) -> Result<Self, FieldError> {
        let bad = || FieldError::new("week", FieldCode::WeekInvalid).with("value", s.trim());
        let t = s.trim().to_ascii_uppercase();
        let (y, w) = t.split_once('W').ok_or_else(bad)?;
        let year: i32 = y.trim_end_matches('-').parse().map_err(|_| bad())?;
        let week: u32 = w.parse().map_err(|_| bad())?;
        if !(1970..=9999).contains(&year) {
            return Err(bad());
        }
        NaiveDate::from_isoywd_opt(year, week, Weekday::Mon).ok_or_else(bad)?;
        Ok(Self { year, week })
    }

    pub fn monday(self) -> NaiveDate {
        NaiveDate::from_isoywd_opt(self.year, self.week, Weekday::Mon)
            .expect("an IsoWeek is only made of a valid week")
    }

    /// Monday's midnight in `zone` and the next Monday's (exclusive), as instants. A week
    /// that crosses a daylight-saving change is an hour longer or shorter, as the shop lived it.
    pub fn bounds(self, zone: Tz) -> (DateTime<Utc>, DateTime<Utc>) {
        let monday = self.monday();
        (
            midnight(monday, zone),
            midnight(monday + Duration::days(7), zone),
        )
    }

    pub fn previous(self) -> Self {
        Self::holding(self.monday() - Duration::days(7))
    }

    pub fn label(self) -> String {
        format!("{}-W{:02}", self.year, self.week)
    }
}

/// The first moment of `day` in `zone` (midnight, or the first hour after it where a clock
/// change skips midnight), as an instant.
pub fn midnight(day: NaiveDate, zone: Tz) -> DateTime<Utc> {
    (0..4)
        .filter_map(|h| day.and_hms_opt(h, 0, 0))
        .find_map(|t| zone.from_local_datetime(&t).earliest())
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_else(|| Utc.from_utc_datetime(&day.and_hms_opt(0, 0, 0).unwrap_or_default()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weeks_read_and_print_and_cross_the_year() {
        let w = IsoWeek::parse("2026-W47").unwrap();
        assert_eq!(w.label(), "2026-W47");
        assert_eq!(w.monday(), NaiveDate::from_ymd_opt(2026, 11, 16).unwrap());
        assert_eq!(IsoWeek::parse(" 2026w47 ").unwrap(), w);
        // 2026-W01 begins on Monday 29 December 2025; the week before is 2025-W52.
        let first = IsoWeek::parse("2026-W01").unwrap();
        assert_eq!(
            first.monday(),
            NaiveDate::from_ymd_opt(2025, 12, 29).unwrap()
        );
        assert_eq!(first.previous().label(), "2025-W52");
        // 2026 has 53 ISO weeks; 2025 has 52.
        assert!(IsoWeek::parse("2026-W53").is_ok());
        for bad in [
            "2025-W53", "2026-W00", "2026", "W47", "2026-W4x", "", "0-W1",
        ] {
            assert_eq!(
                IsoWeek::parse(bad).unwrap_err().code,
                "week_invalid",
                "{bad}"
            );
        }
        // Left blank, it is the last complete week; filled in wrong, it is a field error.
        assert_eq!(IsoWeek::parse_optional(Some("  ")).unwrap(), None);
        assert_eq!(IsoWeek::parse_optional(None).unwrap(), None);
        assert_eq!(IsoWeek::parse_optional(Some("2026-W47")).unwrap(), Some(w));
        assert!(matches!(
            IsoWeek::parse_optional(Some("W47")),
            Err(crate::Error::Validation(f)) if f[0].code == FieldCode::WeekInvalid
        ));
        let t = Utc.with_ymd_and_hms(2026, 11, 22, 23, 59, 59).unwrap();
        assert_eq!(IsoWeek::of(t, Tz::UTC).label(), "2026-W47");
        assert_eq!(
            IsoWeek::of(t + Duration::seconds(1), Tz::UTC).label(),
            "2026-W48"
        );
    }

    #[test]
    fn a_week_begins_at_the_shops_midnight() {
        // Sunday 21:30 UTC is already Monday 01:30 in Baku (UTC+4): the next week there.
        let t = Utc.with_ymd_and_hms(2026, 11, 22, 21, 30, 0).unwrap();
        assert_eq!(IsoWeek::of(t, Tz::UTC).label(), "2026-W47");
        assert_eq!(IsoWeek::of(t, Tz::Asia__Baku).label(), "2026-W48");
        let w = IsoWeek::parse("2026-W48").unwrap();
        let (from, to) = w.bounds(Tz::Asia__Baku);
        assert_eq!(from, Utc.with_ymd_and_hms(2026, 11, 22, 20, 0, 0).unwrap());
        assert_eq!(to - from, Duration::days(7));
        // Tehran is UTC+3:30 all year now; New York's week of its autumn clock change is an
        // hour longer.
        let (from, _) = w.bounds(Tz::Asia__Tehran);
        assert_eq!(from, Utc.with_ymd_and_hms(2026, 11, 22, 20, 30, 0).unwrap());
        let (from, to) = IsoWeek::parse("2026-W44")
            .unwrap()
            .bounds(Tz::America__New_York);
        assert_eq!(to - from, Duration::hours(7 * 24 + 1));
        // Where the clocks skip midnight (Santiago, spring), the day starts at 01:00.
        let day = NaiveDate::from_ymd_opt(2026, 9, 6).unwrap();
        let start = midnight(day, Tz::America__Santiago).with_timezone(&Tz::America__Santiago);
        assert_eq!(
            start.time(),
            chrono::NaiveTime::from_hms_opt(1, 0, 0).unwrap()
        );
    }
}
