//! The week's inspection figures, overall and by packer: orders inspected, how many passed at
//! the first try, wrong items and damages caught before the courier, and overrides. Kept for
//! the dashboard now and the weekly review later.

use std::collections::{BTreeMap, HashSet};

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};
use serde::Serialize;
use specta::Type;

use super::run::Outcome;
use crate::error::{Error, Result};
use crate::infra::store::entity::inspection_run;
use crate::orders::ProblemKind;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Type)]
pub struct Figures {
    /// The packer's name; None for the overall figures and for runs nobody was named on.
    pub packer: Option<String>,
    /// Orders with a run that passed or failed in the week.
    pub orders_inspected: u32,
    /// First runs (attempt 1) that ended in the week…
    pub first_runs: u32,
    /// …and those of them that passed.
    pub first_pass: u32,
    /// Wrong items scanned and refused, and runs failed as a wrong item.
    pub wrong_items_caught: u32,
    /// Runs failed as damaged.
    pub damages_caught: u32,
    pub overrides: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type)]
pub struct Week {
    /// Monday 00:00 in the shop's time zone.
    pub from: DateTime<Utc>,
    /// The next Monday (exclusive).
    pub to: DateTime<Utc>,
    pub overall: Figures,
    /// The named packers, most orders inspected first.
    pub by_packer: Vec<Figures>,
}

/// The ISO week holding `day`, Monday to Monday at the shop's midnight.
pub fn week_of(day: NaiveDate, zone: chrono_tz::Tz) -> (DateTime<Utc>, DateTime<Utc>) {
    let monday = day - Duration::days(i64::from(day.weekday().num_days_from_monday()));
    (
        crate::calendar::midnight(monday, zone),
        crate::calendar::midnight(monday + Duration::days(7), zone),
    )
}

type RunRow = (i32, i32, Option<String>, String, Option<String>, i32);

fn add(f: &mut Figures, seen: &mut HashSet<i32>, row: &RunRow) -> Result<()> {
    let (order, attempt, _, outcome, failure, wrong_scans) = row;
    let outcome = Outcome::parse(outcome)
        .ok_or_else(|| Error::Corrupt(format!("inspection of order {order}: outcome")))?;
    let failure = failure.as_deref().and_then(ProblemKind::parse);
    f.wrong_items_caught += (*wrong_scans).max(0) as u32;
    match outcome {
        Outcome::Passed | Outcome::Failed => {
            if seen.insert(*order) {
                f.orders_inspected += 1;
            }
            if *attempt == 1 {
                f.first_runs += 1;
                f.first_pass += u32::from(outcome == Outcome::Passed);
            }
            match failure {
                Some(ProblemKind::WrongItem) => f.wrong_items_caught += 1,
                Some(ProblemKind::Damaged) => f.damages_caught += 1,
                _ => {}
            }
        }
        Outcome::Overridden => f.overrides += 1,
        Outcome::Open => {}
    }
    Ok(())
}

/// The figures of the runs that ended between `from` and `to`.
pub async fn week<C: ConnectionTrait>(
    db: &C,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<Week> {
    let rows: Vec<RunRow> = inspection_run::Entity::find()
        .select_only()
        .column(inspection_run::Column::OrderId)
        .column(inspection_run::Column::Attempt)
        .column(inspection_run::Column::Packer)
        .column(inspection_run::Column::Outcome)
        .column(inspection_run::Column::Failure)
        .column(inspection_run::Column::WrongScans)
        .filter(inspection_run::Column::FinishedAt.gte(from))
        .filter(inspection_run::Column::FinishedAt.lt(to))
        .into_tuple()
        .all(db)
        .await?;
    let mut overall = Figures::default();
    let mut seen = HashSet::new();
    let mut packers: BTreeMap<String, (Figures, HashSet<i32>)> = BTreeMap::new();
    for row in &rows {
        add(&mut overall, &mut seen, row)?;
        if let Some(p) = &row.2 {
            let (f, s) = packers.entry(p.clone()).or_insert_with(|| {
                (
                    Figures {
                        packer: Some(p.clone()),
                        ..Figures::default()
                    },
                    HashSet::new(),
                )
            });
            add(f, s, row)?;
        }
    }
    let mut by_packer: Vec<Figures> = packers.into_values().map(|(f, _)| f).collect();
    by_packer.sort_by(|a, b| {
        b.orders_inspected
            .cmp(&a.orders_inspected)
            .then_with(|| a.packer.cmp(&b.packer))
    });
    Ok(Week {
        from,
        to,
        overall,
        by_packer,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_week_runs_from_monday_to_monday() {
        let utc = chrono_tz::Tz::UTC;
        let (from, to) = week_of(NaiveDate::from_ymd_opt(2026, 11, 22).unwrap(), utc);
        assert_eq!(from.to_rfc3339(), "2026-11-16T00:00:00+00:00");
        assert_eq!(to.to_rfc3339(), "2026-11-23T00:00:00+00:00");
        let (from, _) = week_of(NaiveDate::from_ymd_opt(2026, 11, 23).unwrap(), utc);
        assert_eq!(from.to_rfc3339(), "2026-11-23T00:00:00+00:00");
        // In Baku the week begins four hours earlier, at its own midnight.
        let (from, _) = week_of(
            NaiveDate::from_ymd_opt(2026, 11, 23).unwrap(),
            chrono_tz::Tz::Asia__Baku,
        );
        assert_eq!(from.to_rfc3339(), "2026-11-22T20:00:00+00:00");
    }
}
