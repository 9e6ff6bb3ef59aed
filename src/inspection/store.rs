//! Inspection runs in the store, and what their outcome does to the order: a pass moves a
//! confirmed order to "ready to ship", a failure opens the order's problem (and writes off
//! damaged units), an override keeps the seller's reason on the timeline. Each call runs in the
//! caller's transaction.

use crate::error::FieldCode;
use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Utc};
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set,
};
use serde::{Deserialize, Serialize};
use specta::Type;

use super::InspectionError;
use super::run::{self, Answer, Answered, Damaged, Outcome, RunState, StepState};
use super::scan::{self, PackLine, ScanOutcome, Tally};
use super::template::{self, Step, StepKind, Template};
use crate::error::{Error, FieldError, Result};
use crate::fields::Errors;
use crate::infra::store::entity::{
    inspection_run, listing, listing_variant, media, order_line, sales_order,
};
use crate::orders::stock;
use crate::orders::store::{self as order_store, Ctx};
use crate::orders::{Act, EventKind, OrderStatus, ProblemKind};

pub const MAX_REASON_CHARS: usize = 2000;
pub const MAX_NOTE_CHARS: usize = 2000;
/// A scanner's line is a code, not a text: anything longer is not a scan.
const MAX_CODE_CHARS: usize = 128;

/// One step of a packer's work on an order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum InspectionOp {
    /// What the scanner typed.
    Scan {
        code: String,
    },
    Answer {
        key: String,
        answer: Answer,
    },
    /// Ends a run whose required steps are done, leaving optional ones unanswered.
    Finish,
    /// Starts a new run after a failed one.
    Restart,
    /// Lets the order through without a pass; the reason stays on the timeline.
    Override {
        reason: String,
    },
}

/// An order line as the packing screen shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type)]
pub struct LineView {
    pub position: i32,
    pub sku: Option<String>,
    pub title: String,
    pub barcode: Option<String>,
    pub wanted: u32,
    pub scanned: u32,
    /// A custom line without a SKU cannot be scanned; the checks cover it.
    pub scannable: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type)]
pub struct StepView {
    pub step: Step,
    pub state: StepState,
    pub answered: Option<Answered>,
}

/// An order's inspection as it stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type)]
pub struct Inspection {
    pub order_id: i32,
    pub order_status: OrderStatus,
    /// None until the first scan or answer starts a run.
    pub run_id: Option<i32>,
    pub attempt: i32,
    pub family: String,
    pub packer: Option<String>,
    pub outcome: Outcome,
    pub failure: Option<ProblemKind>,
    pub override_reason: Option<String>,
    pub started_at: Option<DateTime<Utc>>,
    pub finished_at: Option<DateTime<Utc>>,
    pub lines: Vec<LineView>,
    pub steps: Vec<StepView>,
    pub wrong_scans: u32,
    pub over_scans: u32,
    /// Every required step is done: "Finish" passes the run.
    pub can_finish: bool,
}

/// What an operation did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Applied {
    pub scan: Option<ScanOutcome>,
    /// The outcome the operation settled, if it settled one.
    pub settled: Option<Outcome>,
    /// Listings whose stock a write-off moved.
    pub touched: Vec<i32>,
}

/// What an operation did, and the inspection as it stands after it (read in the same
/// transaction, from the order's lines already read for the operation).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppliedView {
    pub applied: Applied,
    pub inspection: Inspection,
}

/// The order's lines with their barcodes, and the listings' families.
struct Packed {
    status: OrderStatus,
    lines: Vec<LineView>,
    pack: Vec<PackLine>,
    families: Vec<String>,
}

fn corrupt(what: &str, id: i32) -> Error {
    Error::Corrupt(format!("inspection of order {id}: {what}"))
}

async fn order_status<C: ConnectionTrait>(db: &C, order_id: i32) -> Result<OrderStatus> {
    let status = sales_order::Entity::find_by_id(order_id)
        .select_only()
        .column(sales_order::Column::Status)
        .into_tuple::<String>()
        .one(db)
        .await?
        .ok_or(Error::NotFound {
            what: "order",
            id: order_id.to_string(),
        })?;
    OrderStatus::parse(&status).ok_or_else(|| corrupt("status", order_id))
}

async fn packed<C: ConnectionTrait>(db: &C, order_id: i32) -> Result<Packed> {
    let status = order_status(db, order_id).await?;
    let rows = order_line::Entity::find()
        .filter(order_line::Column::OrderId.eq(order_id))
        .order_by_asc(order_line::Column::Position)
        .all(db)
        .await?;
    let skus: Vec<&str> = rows.iter().filter_map(|l| l.sku.as_deref()).collect();
    let barcodes: HashMap<String, String> = if skus.is_empty() {
        HashMap::new()
    } else {
        listing_variant::Entity::find()
            .select_only()
            .column(listing_variant::Column::Sku)
            .column(listing_variant::Column::Barcode)
            .filter(listing_variant::Column::Sku.is_in(skus))
            .into_tuple::<(Option<String>, String)>()
            .all(db)
            .await?
            .into_iter()
            .filter_map(|(s, b)| s.map(|s| (s, b)))
            .collect()
    };
    let listing_ids: Vec<i32> = rows.iter().filter_map(|l| l.listing_id).collect();
    let mut families: Vec<String> = if listing_ids.is_empty() {
        vec![]
    } else {
        listing::Entity::find()
            .select_only()
            .column(listing::Column::Family)
            .filter(listing::Column::Id.is_in(listing_ids))
            .into_tuple::<String>()
            .all(db)
            .await?
    };
    families.sort();
    families.dedup();
    let mut lines = Vec::with_capacity(rows.len());
    let mut pack = Vec::new();
    for l in rows {
        let wanted = l.quantity.max(0) as u32;
        let barcode = l
            .sku
            .as_ref()
            .and_then(|s| barcodes.get(s))
            .filter(|b| !b.is_empty())
            .cloned();
        if let Some(sku) = &l.sku {
            pack.push(PackLine {
                sku: sku.clone(),
                barcode: barcode.clone().unwrap_or_default(),
                quantity: wanted,
            });
        }
        lines.push(LineView {
            position: l.position,
            scannable: l.sku.is_some(),
            sku: l.sku,
            title: l.title,
            barcode,
            wanted,
            scanned: 0,
        });
    }
    Ok(Packed {
        status,
        lines,
        pack,
        families,
    })
}

/// The order's latest run.
async fn latest<C: ConnectionTrait>(
    db: &C,
    order_id: i32,
) -> Result<Option<inspection_run::Model>> {
    Ok(inspection_run::Entity::find()
        .filter(inspection_run::Column::OrderId.eq(order_id))
        .order_by_desc(inspection_run::Column::Attempt)
        .one(db)
        .await?)
}

fn state_of(row: &inspection_run::Model) -> Result<RunState> {
    let bad = |what| corrupt(what, row.order_id);
    Ok(RunState {
        steps: serde_json::from_str(&row.steps).map_err(|_| bad("steps"))?,
        answers: serde_json::from_str(&row.answers).map_err(|_| bad("answers"))?,
        tally: Tally {
            counts: serde_json::from_str(&row.counts).map_err(|_| bad("counts"))?,
        },
    })
}

fn outcome_of(row: &inspection_run::Model) -> Result<Outcome> {
    Outcome::parse(&row.outcome).ok_or_else(|| corrupt("outcome", row.order_id))
}

fn json<T: Serialize>(v: &T) -> Result<String> {
    serde_json::to_string(v).map_err(|e| Error::Corrupt(e.to_string()))
}

fn view_of(
    order_id: i32,
    p: &Packed,
    row: Option<&inspection_run::Model>,
    preview: (String, Vec<Step>),
) -> Result<Inspection> {
    let (state, outcome) = match row {
        Some(r) => (state_of(r)?, outcome_of(r)?),
        None => (
            RunState {
                steps: preview.1,
                ..Default::default()
            },
            Outcome::Open,
        ),
    };
    let mut lines = p.lines.clone();
    for (k, l) in lines.iter_mut().filter(|l| l.scannable).enumerate() {
        l.scanned = state.tally.counts.get(k).copied().unwrap_or(0);
    }
    let steps: Vec<StepView> = state
        .steps
        .iter()
        .map(|s| StepView {
            step: s.clone(),
            state: state.state_of(s, &p.pack),
            answered: state.answers.get(&s.key).cloned(),
        })
        .collect();
    let verdict = state.verdict(&p.pack);
    Ok(Inspection {
        order_id,
        order_status: p.status,
        run_id: row.map(|r| r.id),
        attempt: row.map_or(1, |r| r.attempt),
        family: row.map_or(preview.0, |r| r.family.clone()),
        packer: row.and_then(|r| r.packer.clone()),
        outcome,
        failure: row
            .and_then(|r| r.failure.as_deref())
            .and_then(ProblemKind::parse),
        override_reason: row.and_then(|r| r.override_reason.clone()),
        started_at: row.map(|r| r.started_at),
        finished_at: row.and_then(|r| r.finished_at),
        lines,
        steps,
        wrong_scans: row.map_or(0, |r| r.wrong_scans.max(0) as u32),
        over_scans: row.map_or(0, |r| r.over_scans.max(0) as u32),
        can_finish: outcome == Outcome::Open
            && matches!(verdict, run::Verdict::Ready | run::Verdict::Complete),
    })
}

/// An order's inspection: its latest run, or the checklist it would follow.
pub async fn get<C: ConnectionTrait>(
    db: &C,
    order_id: i32,
    templates: &BTreeMap<String, Template>,
) -> Result<Inspection> {
    let p = packed(db, order_id).await?;
    current_view(db, order_id, &p, templates).await
}

/// The view of the order's latest run (or of the checklist it would follow), over lines read.
async fn current_view<C: ConnectionTrait>(
    db: &C,
    order_id: i32,
    p: &Packed,
    templates: &BTreeMap<String, Template>,
) -> Result<Inspection> {
    let row = latest(db, order_id).await?;
    let preview = template::for_families(templates, &p.families);
    view_of(order_id, p, row.as_ref(), preview)
}

/// Whether the order may go on to "ready to ship" or "shipped": its latest run passed or was
/// overridden.
pub async fn gate<C: ConnectionTrait>(db: &C, order_id: i32) -> Result<()> {
    let cleared = latest(db, order_id)
        .await?
        .map(|r| outcome_of(&r))
        .transpose()?
        .is_some_and(Outcome::clears_gate);
    if cleared {
        Ok(())
    } else {
        Err(InspectionError::Required { order: order_id }.into())
    }
}

/// Who packs: one of the team, when the seller has listed a team.
pub fn check_packer(team: &[String], packer: Option<&str>) -> Result<Option<String>> {
    let packer = packer.map(str::trim).filter(|p| !p.is_empty());
    match packer {
        None => Ok(None),
        Some(p) if team.is_empty() || team.iter().any(|t| t == p) => Ok(Some(p.to_owned())),
        Some(p) => Err(InspectionError::UnknownPacker { name: p.to_owned() }.into()),
    }
}

/// Applies `op` to order `order_id`'s inspection for `packer` (checked by the caller), starting
/// a run when there is none, and acts on the outcome it settles.
pub async fn apply<C: ConnectionTrait>(
    db: &C,
    ctx: Ctx<'_>,
    order_id: i32,
    op: &InspectionOp,
    packer: Option<&str>,
    templates: &BTreeMap<String, Template>,
) -> Result<AppliedView> {
    let mut p = packed(db, order_id).await?;
    let applied = apply_op(db, ctx, order_id, op, packer, templates, &p).await?;
    // A pass may have moved the order on: only its status is read again, not its lines.
    if applied.settled.is_some() {
        p.status = order_status(db, order_id).await?;
    }
    let inspection = current_view(db, order_id, &p, templates).await?;
    Ok(AppliedView {
        applied,
        inspection,
    })
}

async fn apply_op<C: ConnectionTrait>(
    db: &C,
    ctx: Ctx<'_>,
    order_id: i32,
    op: &InspectionOp,
    packer: Option<&str>,
    templates: &BTreeMap<String, Template>,
    p: &Packed,
) -> Result<Applied> {
    if !p.status.before_dispatch() || p.status == OrderStatus::Cancelled {
        return Err(InspectionError::NotPackable {
            order: order_id,
            status: p.status,
        }
        .into());
    }
    let current = latest(db, order_id).await?;
    let row = match (&current, op) {
        (Some(r), InspectionOp::Restart) if outcome_of(r)? == Outcome::Failed => {
            start(db, ctx.now, order_id, r.attempt + 1, p, packer, templates).await?
        }
        (Some(r), _) => r.clone(),
        (None, _) => start(db, ctx.now, order_id, 1, p, packer, templates).await?,
    };
    let outcome = outcome_of(&row)?;
    if let InspectionOp::Override { reason } = op {
        return override_run(db, ctx, &row, outcome, reason, packer).await;
    }
    if outcome != Outcome::Open {
        return Err(InspectionError::Decided {
            order: order_id,
            outcome: outcome.as_str(),
        }
        .into());
    }
    let mut state = state_of(&row)?;
    let mut update = inspection_run::ActiveModel {
        id: Set(row.id),
        version: Set(row.version + 1),
        updated_at: Set(ctx.now),
        ..Default::default()
    };
    if row.packer.is_none()
        && let Some(p) = packer
    {
        update.packer = Set(Some(p.to_owned()));
    }
    let mut scanned = None;
    let mut finishing = false;
    match op {
        InspectionOp::Scan { code } => {
            if code.chars().count() > MAX_CODE_CHARS {
                return Err(Error::Validation(vec![
                    FieldError::new("code", FieldCode::TooLong).with("max", MAX_CODE_CHARS),
                ]));
            }
            let outcome = state.scan(&p.pack, code);
            match outcome {
                ScanOutcome::WrongItem { .. } => update.wrong_scans = Set(row.wrong_scans + 1),
                ScanOutcome::OverScan { .. } => update.over_scans = Set(row.over_scans + 1),
                _ => {}
            }
            update.counts = Set(json(&state.tally.counts)?);
            scanned = Some(outcome);
        }
        InspectionOp::Answer { key, answer } => {
            let step = state
                .steps
                .iter()
                .find(|s| &s.key == key)
                .ok_or_else(|| InspectionError::UnknownStep { key: key.clone() })?;
            let answer = fit(step, answer, &p.pack)?;
            if let Answer::Photo { media } = &answer
                && media::Entity::find_by_id(media.clone())
                    .one(db)
                    .await?
                    .is_none()
            {
                return Err(Error::Validation(vec![FieldError::new(
                    "media",
                    FieldCode::PhotoMissing,
                )]));
            }
            state.answers.insert(
                key.clone(),
                Answered {
                    answer,
                    by: packer.map(str::to_owned),
                    at: ctx.now,
                },
            );
            update.answers = Set(json(&state.answers)?);
        }
        InspectionOp::Finish => finishing = true,
        InspectionOp::Restart | InspectionOp::Override { .. } => {}
    }
    let verdict = state.verdict(&p.pack);
    if finishing && verdict == run::Verdict::Incomplete {
        let steps = state
            .steps
            .iter()
            .filter(|s| s.required && state.state_of(s, &p.pack) != StepState::Done)
            .map(|s| s.key.clone())
            .collect();
        return Err(InspectionError::Incomplete { steps }.into());
    }
    let settled = run::settles(verdict, finishing);
    let mut touched = Vec::new();
    if let Some(outcome) = settled {
        update.outcome = Set(outcome.as_str().to_owned());
        update.finished_at = Set(Some(ctx.now));
        if outcome == Outcome::Failed {
            let (kind, note, damaged) = failure(&state, &p.pack);
            update.failure = Set(Some(kind.as_str().to_owned()));
            order_store::open_problem(db, ctx, order_id, kind, &note).await?;
            touched = write_off(db, ctx.now, row.id, &damaged).await?;
            timeline(db, ctx, &row, outcome, packer, |d| {
                d.insert("failure".into(), kind.as_str().into());
            })
            .await?;
        } else {
            timeline(db, ctx, &row, outcome, packer, |_| {}).await?;
            if p.status == OrderStatus::Confirmed {
                // Ready to ship is a quiet status (orders::status::QUIET): the move has no
                // consequence elsewhere, so the store makes it without app::order_flow.
                touched.extend(
                    order_store::act(db, ctx, order_id, &Act::MarkReady)
                        .await?
                        .rescored,
                );
            }
        }
    }
    save(db, &row, update).await?;
    Ok(Applied {
        scan: scanned,
        settled,
        touched,
    })
}

/// Checks an answer against its step's kind, cleaning its text.
fn fit(step: &Step, answer: &Answer, pack: &[PackLine]) -> Result<Answer> {
    let unfit = || InspectionError::AnswerUnfit {
        key: step.key.clone(),
        kind: match step.kind {
            StepKind::Scan => "scan",
            StepKind::Check => "yes/no",
            StepKind::Photo => "photo",
            StepKind::Note => "note",
        },
    };
    let mut e = Errors::default();
    let out = match (step.kind, answer) {
        (StepKind::Check | StepKind::Scan, Answer::No { note, damaged }) => {
            let note = e.text("note", note, MAX_NOTE_CHARS, false);
            for (i, d) in damaged.iter().enumerate() {
                let wanted = pack.iter().find(|l| l.sku == d.sku).map(|l| l.quantity);
                match wanted {
                    None => e.push(
                        FieldError::new(&format!("damaged[{i}].sku"), FieldCode::SkuUnknown)
                            .with("value", &d.sku),
                    ),
                    Some(w) if d.quantity == 0 || d.quantity > w => e.push(
                        FieldError::new(&format!("damaged[{i}].quantity"), FieldCode::OutOfRange)
                            .with("min", 1)
                            .with("max", w),
                    ),
                    Some(_) => {}
                }
            }
            Answer::No {
                note,
                damaged: damaged.clone(),
            }
        }
        (StepKind::Check, Answer::Yes) => Answer::Yes,
        (StepKind::Photo, Answer::Photo { media }) => Answer::Photo {
            media: media.clone(),
        },
        (StepKind::Note, Answer::Note { text }) => Answer::Note {
            text: e.text("text", text, MAX_NOTE_CHARS, false),
        },
        _ => return Err(unfit().into()),
    };
    e.finish(out).map_err(Error::Validation)
}

/// The failed step's problem kind, its note, and the damaged units to write off.
fn failure(state: &RunState, pack: &[PackLine]) -> (ProblemKind, String, Vec<Damaged>) {
    let Some((step, answered)) = state.failure(pack) else {
        return (ProblemKind::Other, "Inspection failed".into(), vec![]);
    };
    let missing: Vec<(String, u32)> = scan::missing(pack, &state.tally)
        .into_iter()
        .map(|(i, n)| (pack[i].sku.clone(), n))
        .collect();
    let kind = run::failure_kind(step);
    let damaged = match &answered.answer {
        Answer::No { damaged, .. } if kind == ProblemKind::Damaged => damaged.clone(),
        _ => vec![],
    };
    (kind, run::failure_note(step, answered, &missing), damaged)
}

async fn write_off<C: ConnectionTrait>(
    db: &C,
    now: DateTime<Utc>,
    run_id: i32,
    damaged: &[Damaged],
) -> Result<Vec<i32>> {
    let mut touched = Vec::new();
    for d in damaged {
        let key = format!("inspection:{run_id}:{}:write_off", d.sku);
        if let Some((listing, _)) =
            stock::write_off(db, &d.sku, i64::from(d.quantity), &key, now).await?
        {
            touched.push(listing);
        }
    }
    Ok(touched)
}

async fn start<C: ConnectionTrait>(
    db: &C,
    now: DateTime<Utc>,
    order_id: i32,
    attempt: i32,
    p: &Packed,
    packer: Option<&str>,
    templates: &BTreeMap<String, Template>,
) -> Result<inspection_run::Model> {
    let (family, steps) = template::for_families(templates, &p.families);
    let row = inspection_run::ActiveModel {
        order_id: Set(order_id),
        attempt: Set(attempt),
        family: Set(family),
        packer: Set(packer.map(str::to_owned)),
        steps: Set(json(&steps)?),
        answers: Set("{}".into()),
        counts: Set(json(&vec![0u32; p.pack.len()])?),
        wrong_scans: Set(0),
        over_scans: Set(0),
        outcome: Set(Outcome::Open.as_str().into()),
        failure: Set(None),
        override_reason: Set(None),
        version: Set(0),
        started_at: Set(now),
        updated_at: Set(now),
        finished_at: Set(None),
        ..Default::default()
    };
    // Two desks (or two quick scans) may start the same run at once: the second takes the
    // first one's row instead of failing on the unique attempt.
    inspection_run::Entity::insert(row)
        .on_conflict(
            OnConflict::columns([
                inspection_run::Column::OrderId,
                inspection_run::Column::Attempt,
            ])
            .do_nothing()
            .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    match latest(db, order_id).await? {
        Some(r) if r.attempt == attempt => Ok(r),
        _ => Err(InspectionError::Conflict { order: order_id }.into()),
    }
}

/// Writes a run's changes, guarded by the version read: a second desk that changed the run
/// meanwhile makes this write fail instead of losing its scan.
async fn save<C: ConnectionTrait>(
    db: &C,
    row: &inspection_run::Model,
    update: inspection_run::ActiveModel,
) -> Result<()> {
    let res = inspection_run::Entity::update_many()
        .set(update)
        .filter(inspection_run::Column::Id.eq(row.id))
        .filter(inspection_run::Column::Version.eq(row.version))
        .exec(db)
        .await?;
    if res.rows_affected != 1 {
        return Err(InspectionError::Conflict {
            order: row.order_id,
        }
        .into());
    }
    Ok(())
}

async fn override_run<C: ConnectionTrait>(
    db: &C,
    ctx: Ctx<'_>,
    row: &inspection_run::Model,
    outcome: Outcome,
    reason: &str,
    packer: Option<&str>,
) -> Result<Applied> {
    let mut e = Errors::default();
    let reason = e.text("reason", reason, MAX_REASON_CHARS, true);
    e.finish(()).map_err(Error::Validation)?;
    if outcome.clears_gate() {
        return Err(InspectionError::Decided {
            order: row.order_id,
            outcome: outcome.as_str(),
        }
        .into());
    }
    let update = inspection_run::ActiveModel {
        id: Set(row.id),
        version: Set(row.version + 1),
        updated_at: Set(ctx.now),
        outcome: Set(Outcome::Overridden.as_str().into()),
        override_reason: Set(Some(reason.clone())),
        finished_at: Set(Some(ctx.now)),
        ..Default::default()
    };
    save(db, row, update).await?;
    timeline(db, ctx, row, Outcome::Overridden, packer, |d| {
        d.insert("reason".into(), reason.clone());
    })
    .await?;
    Ok(Applied {
        scan: None,
        settled: Some(Outcome::Overridden),
        touched: vec![],
    })
}

async fn timeline<C: ConnectionTrait>(
    db: &C,
    ctx: Ctx<'_>,
    row: &inspection_run::Model,
    outcome: Outcome,
    packer: Option<&str>,
    more: impl FnOnce(&mut BTreeMap<String, String>),
) -> Result<()> {
    let mut d = BTreeMap::new();
    d.insert("outcome".into(), outcome.as_str().into());
    d.insert("attempt".into(), row.attempt.to_string());
    if let Some(p) = packer.or(row.packer.as_deref()) {
        d.insert("packer".into(), p.to_owned());
    }
    more(&mut d);
    order_store::record_event(db, ctx, row.order_id, EventKind::Inspection, d).await
}
