//! The [`Vefa`] facade's inspection methods: the team list, the checklists, and each packer's
//! scan or answer as one transaction with what its outcome does to the order (the move to
//! "ready to ship", the problem and its message to the buyer, the write-off).

use crate::error::FieldCode;
use serde::Serialize;
use specta::Type;

use super::write::{Changes, Lock};
use crate::Vefa;
use crate::catalog::completeness;
use crate::error::{Error, Result};
use crate::infra::changes::ChangeKind;
use crate::infra::media;
use crate::inspection::paperwork::{self, PickList};
use crate::inspection::scan::ScanOutcome;
use crate::inspection::store::{self as runs, Inspection, InspectionOp};
use crate::inspection::{InspectionError, Outcome, Step, Template, template};
use crate::messages::outbox::{self, Draft};
use crate::shop::profile::PhotoUpload;
use crate::shop::settings;

/// A parcel photo is a phone picture at most.
pub const MAX_PARCEL_PHOTO_BYTES: usize = 16 * 1024 * 1024;

/// The batch's paperwork, written as printable pages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type)]
pub struct Printed {
    pub pick_list_file: String,
    pub slips_file: String,
    pub pick_list: PickList,
}

/// What a packer's step did, and the inspection as it now stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type)]
pub struct Inspected {
    pub scan: Option<ScanOutcome>,
    /// Set when this step ended the run (passed, failed) or overrode it.
    pub settled: Option<Outcome>,
    pub inspection: Inspection,
}

impl Vefa {
    pub async fn team(&self) -> Result<Vec<String>> {
        settings::team(&self.db).await
    }

    pub async fn save_team(&self, names: &[String]) -> Result<Vec<String>> {
        let w = self.begin_write(Lock::Deferred).await?;
        let done = settings::save_team(&w.txn, names, w.now).await;
        w.finish(done, Changes::of(ChangeKind::Settings)).await
    }

    /// Every family's checklist (the shipped ones, and the seller's edits over them).
    pub async fn inspection_templates(&self) -> Result<Vec<Template>> {
        Ok(template::load_all(&self.db).await?.into_values().collect())
    }

    /// Replaces a family's checklist. Runs already begun keep the steps they began with.
    pub async fn save_inspection_template(&self, family: &str, steps: &[Step]) -> Result<Template> {
        let w = self.begin_write(Lock::Deferred).await?;
        let (txn, now) = (&w.txn, w.now);
        let done = template::save(txn, family, steps, now).await;
        let steps = w.finish(done, Changes::of(ChangeKind::Settings)).await?;
        Ok(Template {
            family: family.to_owned(),
            steps,
            shipped: false,
        })
    }

    /// Puts a family's checklist back as it shipped (or, for the seller's own family, removes
    /// it: its orders use the default checklist).
    pub async fn reset_inspection_template(&self, family: &str) -> Result<()> {
        let w = self.begin_write(Lock::Deferred).await?;
        let done = template::reset(&w.txn, family).await;
        w.finish(done, Changes::of(ChangeKind::Settings)).await
    }

    /// An order's inspection: its latest run, or the checklist it would follow.
    pub async fn inspection(&self, order_id: i32) -> Result<Inspection> {
        let templates = template::load_all(&self.db).await?;
        runs::get(&self.db, order_id, &templates).await
    }

    /// Applies a packer's step to an order's inspection. When it fails the run, `message` (the
    /// delay apology, edited or not) is queued to the buyer with the problem it opens. A step
    /// that meets another one changing the same run (two quick scans, two desks) is applied
    /// again on the run as the other left it.
    pub async fn inspect(
        &self,
        order_id: i32,
        op: &InspectionOp,
        packer: Option<&str>,
        message: Option<&Draft>,
    ) -> Result<Inspected> {
        let message = super::orders::checked(message)?;
        let team = settings::team(&self.db).await?;
        let packer = runs::check_packer(&team, packer)?;
        let mut tries = 0;
        loop {
            tries += 1;
            match self
                .inspect_once(order_id, op, packer.as_deref(), message.as_ref())
                .await
            {
                // Each round one of the racing steps wins, so a few desks settle in as many.
                Err(Error::Inspection(InspectionError::Conflict { .. })) if tries < 20 => continue,
                other => return other,
            }
        }
    }

    async fn inspect_once(
        &self,
        order_id: i32,
        op: &InspectionOp,
        packer: Option<&str>,
        message: Option<&Draft>,
    ) -> Result<Inspected> {
        let (w, rules) = self.order_write(false).await?;
        let (txn, now) = (&w.txn, w.now);
        let done = async {
            let templates = template::load_all(txn).await?;
            let ctx = self.ctx(&rules, now);
            let runs::AppliedView {
                applied,
                inspection,
            } = runs::apply(txn, ctx, order_id, op, packer, &templates).await?;
            let mut rescored = Vec::new();
            if !applied.touched.is_empty() {
                // A write-off moved stock: rescore the listings and tell the marketplace.
                let rules = completeness::rule_sets::load_all(txn).await?;
                rescored =
                    crate::catalog::listings::refresh_stock(txn, &rules, &applied.touched, now)
                        .await?;
                crate::sync::listings::queue_needed(txn, &rules, &applied.touched, now).await?;
            }
            if applied.settled == Some(Outcome::Failed)
                && let Some(m) = message
            {
                let buyer = crate::orders::store::buyer_of(txn, order_id).await?;
                outbox::queue(txn, Some(order_id), buyer, m, now).await?;
            }
            Ok::<_, Error>((applied, inspection, rescored))
        }
        .await;
        // A scan that settles nothing is not announced: the packing screen has its answer, and
        // the inbox would only reload for it.
        let (applied, inspection) = w
            .finish_with(done, |(applied, inspection, rescored)| {
                let announce = applied.settled.is_some() || matches!(op, InspectionOp::Restart);
                let changes = if announce || !rescored.is_empty() {
                    super::orders::order_changes(&[order_id], rescored)
                } else {
                    Changes::none()
                };
                ((applied, inspection), changes)
            })
            .await?;
        Ok(Inspected {
            scan: applied.scan,
            settled: applied.settled,
            inspection,
        })
    }

    /// Stores the packed parcel's photo and answers photo step `key` with it.
    pub async fn inspection_photo(
        &self,
        order_id: i32,
        key: &str,
        upload: &PhotoUpload,
        packer: Option<&str>,
    ) -> Result<Inspected> {
        let (bytes, facts) =
            media::decode_upload(&upload.data_base64, MAX_PARCEL_PHOTO_BYTES, "photo")?;
        let stored = self
            .media
            .put(&self.db, &bytes, &facts, self.clock.now())
            .await?;
        let op = InspectionOp::Answer {
            key: key.to_owned(),
            answer: crate::inspection::Answer::Photo { media: stored.hash },
        };
        self.inspect(order_id, &op, packer, None).await
    }

    /// The inspection figures of the week holding `day` (this week by default).
    pub async fn inspection_week(
        &self,
        day: Option<chrono::NaiveDate>,
    ) -> Result<crate::inspection::figures::Week> {
        let zone = self.settings().await?.zone();
        let day = day.unwrap_or_else(|| self.clock.now().with_timezone(&zone).date_naive());
        let (from, to) = crate::inspection::figures::week_of(day, zone);
        crate::inspection::figures::week(&self.db, from, to).await
    }

    /// The pick list for a batch of orders.
    pub async fn pick_list(&self, order_ids: &[i32]) -> Result<PickList> {
        let ids = batch(order_ids)?;
        paperwork::pick_list(&self.db, &ids).await
    }

    /// Writes the batch's pick list and packing slips as printable pages into `dir` (by
    /// default the `print` folder beside the media), and says where.
    pub async fn print_packing(
        &self,
        order_ids: &[i32],
        dir: Option<&std::path::Path>,
    ) -> Result<Printed> {
        let ids = batch(order_ids)?;
        let list = paperwork::pick_list(&self.db, &ids).await?;
        let shop = self.seller().await?;
        let mut orders = Vec::with_capacity(ids.len());
        for &id in &ids {
            orders.push(self.order(id).await?);
        }
        let dir = self.print_dir(dir)?;
        let stamp = self.clock.now().format("%Y%m%d-%H%M%S");
        let pick = dir.join(format!("pick-list-{stamp}.html"));
        let slips = dir.join(format!("packing-slips-{stamp}.html"));
        std::fs::write(&pick, paperwork::pick_list_html(&list, &shop))
            .map_err(|e| Error::file(&pick, e))?;
        std::fs::write(&slips, paperwork::packing_slips_html(&orders, &shop))
            .map_err(|e| Error::file(&slips, e))?;
        Ok(Printed {
            pick_list_file: pick.display().to_string(),
            slips_file: slips.display().to_string(),
            pick_list: list,
        })
    }

    /// Where printable pages go: `dir`, or the `print` folder beside the store's media.
    pub(crate) fn print_dir(&self, dir: Option<&std::path::Path>) -> Result<std::path::PathBuf> {
        let dir = match dir {
            Some(d) => d.to_path_buf(),
            None => self
                .media
                .dir()
                .parent()
                .unwrap_or(self.media.dir())
                .join("print"),
        };
        std::fs::create_dir_all(&dir).map_err(|e| Error::file(&dir, e))?;
        Ok(dir)
    }
}

/// A batch's order ids, each once, in the order given; at least one, at most a day's packing.
fn batch(order_ids: &[i32]) -> Result<Vec<i32>> {
    let mut seen = std::collections::HashSet::new();
    let ids: Vec<i32> = order_ids
        .iter()
        .copied()
        .filter(|id| seen.insert(*id))
        .collect();
    if ids.is_empty() {
        return Err(Error::Validation(vec![crate::FieldError::new(
            "orders",
            FieldCode::Required,
        )]));
    }
    if ids.len() > paperwork::MAX_BATCH {
        return Err(Error::Validation(vec![
            crate::FieldError::new("orders", FieldCode::TooMany).with("max", paperwork::MAX_BATCH),
        ]));
    }
    Ok(ids)
}
