//! ISO weeks ("2026-W47"): Monday 00:00 to the next Monday, UTC, as the inspection figures
//! count them.

use chrono::{DateTime, Datelike, Duration, NaiveDate, TimeZone, Utc, Weekday};
use serde::{Deserialize, Serialize};
use specta::Type;

use crate::error::FieldError;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, Type)]
pub struct IsoWeek {
    pub year: i32,
    pub week: u32,
}

impl IsoWeek {
    pub fn of(t: DateTime<Utc>) -> Self {
        let w = t.date_naive().iso_week();
        Self {
            year: w.year(),
            week: w.week(),
        }
    }

    /// Reads "2026-W47" (or "2026W47", "2026-w47"); refuses a week the year does not have.
    pub fn parse(s: &str) -> Result<Self, FieldError> {
        let bad = || FieldError::new("week", "week_invalid").with("value", s.trim());
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

    /// Monday 00:00 UTC and the next Monday (exclusive).
    pub fn bounds(self) -> (DateTime<Utc>, DateTime<Utc>) {
        let from = Utc.from_utc_datetime(&self.monday().and_hms_opt(0, 0, 0).unwrap_or_default());
        (from, from + Duration::days(7))
    }

    pub fn previous(self) -> Self {
        Self::of(self.bounds().0 - Duration::days(1))
    }

    pub fn label(self) -> String {
        format!("{}-W{:02}", self.year, self.week)
    }
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
        let t = Utc.with_ymd_and_hms(2026, 11, 22, 23, 59, 59).unwrap();
        assert_eq!(IsoWeek::of(t).label(), "2026-W47");
        assert_eq!(IsoWeek::of(t + Duration::seconds(1)).label(), "2026-W48");
    }
}
