//! The [`Vefa`] facade's customer and loyalty methods: the buyers list and profile, the rules,
//! a buyer's standing and ledger, the seller's corrections, and expiring idle points. Each
//! write is one transaction.

use super::write::{Changes, Lock};
use crate::Vefa;
use crate::customers::feedback::{self, Apology, Feedback, FeedbackInput};
use crate::customers::followup::{self, FollowUp, FollowUpQueue};
use crate::customers::loyalty::{self, Entry, EntryKind, LoyaltyRules, Standing, ledger, notices};
use crate::customers::offers::{self, Offer, OfferInput, Suggestion};
use crate::customers::{self, CustomerEdit, CustomerPage, CustomerProfile};
use crate::error::{Error, Result};
use crate::infra::changes::ChangeKind;
use crate::messages::{Draft, MessageKind};
use crate::orders::coupons::{self, Coupon, CouponInput, CouponSource};
use crate::shop::settings;

/// A buyer's whole record as the window shows it: the profile, the points ledger, the coupons
/// and their entries in the complaint and suggestion book.
#[derive(Debug, Clone, serde::Serialize, specta::Type)]
pub struct CustomerRecord {
    pub profile: CustomerProfile,
    pub ledger: Vec<Entry>,
    pub coupons: Vec<Coupon>,
    /// Their entries in the complaint and suggestion book.
    pub feedback: Vec<Feedback>,
}

impl Vefa {
    /// The newest buyers first, or those matching `search` (name, e-mail or phone).
    pub async fn customers(&self, search: &str, limit: u32) -> Result<CustomerPage> {
        let currency = self.seller().await?.currency;
        customers::list(&self.db, search, limit, &currency).await
    }

    pub async fn customer(&self, id: i32) -> Result<CustomerProfile> {
        let rules = loyalty::rules(&self.db).await?;
        let currency = self.seller().await?.currency;
        customers::profile(&self.db, id, &rules, &currency, self.clock.now()).await
    }

    /// A buyer's record: profile, ledger, coupons and feedback.
    pub async fn customer_record(&self, id: i32) -> Result<CustomerRecord> {
        Ok(CustomerRecord {
            profile: self.customer(id).await?,
            ledger: self.loyalty_ledger(id).await?,
            coupons: self.coupons(Some(id)).await?,
            feedback: self.feedback(false, Some(id)).await?,
        })
    }

    pub async fn loyalty_rules(&self) -> Result<LoyaltyRules> {
        loyalty::rules(&self.db).await
    }

    pub async fn save_loyalty_rules(&self, rules: &LoyaltyRules) -> Result<LoyaltyRules> {
        let rules = loyalty::rules::check(rules).map_err(Error::Validation)?;
        let w = self.begin_write(Lock::Deferred).await?;
        let (txn, now) = (&w.txn, w.now);
        let done = settings::set_value(txn, loyalty::rules::SETTINGS_KEY, &rules, now).await;
        w.finish(done, Changes::of(ChangeKind::Settings)).await?;
        Ok(rules)
    }

    /// A buyer's balance, twelve-month spend and tier.
    pub async fn loyalty_standing(&self, customer_id: i32) -> Result<Standing> {
        let rules = loyalty::rules(&self.db).await?;
        let currency = self.seller().await?.currency;
        ledger::standing(&self.db, &rules, customer_id, &currency, self.clock.now()).await
    }

    /// A buyer's ledger, oldest first.
    pub async fn loyalty_ledger(&self, customer_id: i32) -> Result<Vec<Entry>> {
        ledger::entries(&self.db, customer_id).await
    }

    /// The seller adds (`points` > 0) or takes away (`points` < 0) points by hand, with a reason;
    /// taking more than the balance holds is refused.
    pub async fn adjust_points(
        &self,
        customer_id: i32,
        points: i64,
        reason: &str,
    ) -> Result<Standing> {
        let w = self.begin_write(Lock::Immediate).await?;
        let (txn, now) = (&w.txn, w.now);
        let key = format!("manual:{}", uuid::Uuid::new_v4());
        let done = if points >= 0 {
            ledger::credit(
                txn,
                customer_id,
                points,
                EntryKind::Manual,
                reason,
                &key,
                now,
            )
            .await
        } else {
            ledger::take(
                txn,
                customer_id,
                -points,
                EntryKind::Manual,
                reason,
                &key,
                now,
            )
            .await
        };
        w.finish(done, Changes::of(ChangeKind::Orders)).await?;
        self.loyalty_standing(customer_id).await
    }

    /// A coupon the seller makes (for a buyer or anyone).
    pub async fn create_coupon(&self, input: &CouponInput) -> Result<Coupon> {
        let w = self.begin_write(Lock::Immediate).await?;
        let (txn, now) = (&w.txn, w.now);
        let done = coupons::create(txn, input, CouponSource::Manual, now).await;
        w.finish(done, Changes::none()).await
    }

    /// Coupons, newest first: a buyer's, or all.
    pub async fn coupons(&self, customer_id: Option<i32>) -> Result<Vec<Coupon>> {
        coupons::list(&self.db, customer_id).await
    }

    /// The seller marks a coupon used (a sale in the shop, say).
    pub async fn use_coupon(&self, code: &str) -> Result<Coupon> {
        let w = self.begin_write(Lock::Immediate).await?;
        let (txn, now) = (&w.txn, w.now);
        let done = coupons::redeem(txn, code, None, now).await.and_then(|r| {
            r.map_err(|why| {
                loyalty::LoyaltyError::CouponRefused {
                    code: coupons::normalise(code),
                    why,
                }
                .into()
            })
        });
        w.finish(done, Changes::none()).await
    }

    /// Turns a buyer's points into a coupon for them (at the rules' rate).
    pub async fn coupon_from_points(&self, customer_id: i32, points: i64) -> Result<Coupon> {
        let rules = loyalty::rules(&self.db).await?;
        let currency = self.seller().await?.currency;
        let w = self.begin_write(Lock::Immediate).await?;
        let (txn, now) = (&w.txn, w.now);
        let done = ledger::from_points(txn, &rules, customer_id, points, &currency, now).await;
        w.finish(done, Changes::of(ChangeKind::Orders)).await
    }

    /// Writes an entry in the complaint and suggestion book.
    pub async fn add_feedback(&self, input: &FeedbackInput) -> Result<Feedback> {
        let team = settings::team(&self.db).await?;
        let w = self.begin_write(Lock::Immediate).await?;
        let (txn, now) = (&w.txn, w.now);
        let done = feedback::add(txn, input, &team, now).await;
        w.finish(done, Changes::none()).await
    }

    pub async fn resolve_feedback(&self, id: i32, action: &str) -> Result<Feedback> {
        let w = self.begin_write(Lock::Immediate).await?;
        let (txn, now) = (&w.txn, w.now);
        let done = feedback::resolve(txn, id, action, now).await;
        w.finish(done, Changes::none()).await
    }

    /// Gives a complaint's buyer an apology coupon or the apology points, once.
    pub async fn compensate_feedback(&self, id: i32, apology: &Apology) -> Result<Feedback> {
        let rules = loyalty::rules(&self.db).await?;
        let w = self.begin_write(Lock::Immediate).await?;
        let (txn, now) = (&w.txn, w.now);
        let done = feedback::compensate(txn, id, apology, rules.apology_points, now).await;
        w.finish(done, Changes::of(ChangeKind::Orders)).await
    }

    /// The book, newest first: open entries or all, one buyer's or everyone's.
    pub async fn feedback(
        &self,
        open_only: bool,
        customer_id: Option<i32>,
    ) -> Result<Vec<Feedback>> {
        feedback::list(&self.db, open_only, customer_id).await
    }

    /// Expires the points of buyers idle past the rules' months; returns how many.
    pub async fn expire_points(&self) -> Result<u32> {
        Ok(self.loyalty_housekeeping().await?.expired)
    }

    /// The loyalty programme's round, safe to run any number of times: idle points that are
    /// due expire, then buyers whose points expire within the rules' days are warned (once per
    /// idle stretch). The search of the whole ledger for idle buyers reads outside the write
    /// transaction, so the desk is not held up while it runs; inside it each one found is
    /// checked again, and expiry and warnings are one transaction.
    pub async fn loyalty_housekeeping(&self) -> Result<Housekeeping> {
        let rules = loyalty::rules(&self.db).await?;
        let profile = self.seller().await?;
        let now = self.clock.now();
        // Warnings reach further back than expiry; each filters the candidates again.
        let horizon =
            notices::warning_cutoff(&rules, now).or_else(|| ledger::expiry_cutoff(&rules, now));
        let candidates = match horizon {
            Some(cutoff) => ledger::idle_since(&self.db, cutoff).await?,
            None => vec![],
        };
        if candidates.is_empty() {
            return Ok(Housekeeping::default());
        }
        let w = self.begin_write(Lock::Immediate).await?;
        let (txn, now) = (&w.txn, w.now);
        let done = async {
            let idle = ledger::still_idle(txn, &candidates).await?;
            let expired = ledger::expire_idle(txn, &rules, now, &idle).await?;
            let warned = notices::warn_idle(txn, &rules, &profile, now, &idle).await?;
            Ok(Housekeeping { expired, warned })
        }
        .await;
        let kind = match &done {
            Ok(h) if h.expired + h.warned > 0 => Some(ChangeKind::Orders),
            _ => None,
        };
        w.finish(done, kind.map_or_else(Changes::none, Changes::of))
            .await
    }

    /// Changes a buyer's name, contacts, language and notes.
    pub async fn update_customer(&self, id: i32, edit: &CustomerEdit) -> Result<CustomerProfile> {
        let w = self.begin_write(Lock::Immediate).await?;
        let (txn, now) = (&w.txn, w.now);
        let done = customers::update(txn, id, edit, now).await;
        w.finish(done, Changes::of(ChangeKind::Orders)).await?;
        self.customer(id).await
    }

    /// Merges the duplicate record `gone` into `keep`, history and all.
    pub async fn merge_customers(&self, keep: i32, gone: i32) -> Result<CustomerProfile> {
        let w = self.begin_write(Lock::Immediate).await?;
        let (txn, now) = (&w.txn, w.now);
        let done = customers::merge(txn, keep, gone, now).await;
        w.finish(done, Changes::of(ChangeKind::Orders)).await?;
        self.customer(keep).await
    }

    /// Listings to offer a buyer, from what they bought, best first.
    pub async fn offer_suggestions(&self, customer_id: i32, limit: u32) -> Result<Vec<Suggestion>> {
        offers::suggest(&self.db, customer_id, limit).await
    }

    /// A personal offer's message as it would go, with `{code}` where the code will be.
    pub async fn draft_offer(&self, input: &OfferInput) -> Result<Draft> {
        let profile = self.seller().await?;
        offers::draft(&self.db, input, &profile, self.clock.now()).await
    }

    /// Makes a personal offer: the coupon and its message (the seller's edited draft, or the
    /// default one), in one transaction.
    pub async fn make_offer(&self, input: &OfferInput, message: Option<&Draft>) -> Result<Offer> {
        let profile = self.seller().await?;
        let w = self.begin_write(Lock::Immediate).await?;
        let (txn, now) = (&w.txn, w.now);
        let done = offers::make(txn, input, message, &profile, now).await;
        w.finish(done, Changes::of(ChangeKind::Orders)).await
    }

    /// The follow-ups due now, and those asked that await an answer.
    pub async fn follow_ups(&self) -> Result<FollowUpQueue> {
        let rules = loyalty::rules(&self.db).await?;
        followup::queue(&self.db, rules.follow_up_days, self.clock.now()).await
    }

    pub async fn follow_up(&self, order_id: i32) -> Result<FollowUp> {
        let rules = loyalty::rules(&self.db).await?;
        followup::get(&self.db, order_id, rules.follow_up_days, self.clock.now()).await
    }

    /// The follow-up message for an order as it would go out, for the seller to read and edit.
    pub async fn draft_follow_up(&self, order_id: i32) -> Result<Draft> {
        self.draft_order_message(order_id, MessageKind::FollowUp, None)
            .await
    }

    /// Marks the follow-up asked and queues `message` with it, in one transaction.
    pub async fn send_follow_up(&self, order_id: i32, message: Option<&Draft>) -> Result<FollowUp> {
        let message = super::orders::checked(message)?;
        let w = self.begin_write(Lock::Immediate).await?;
        let (txn, now) = (&w.txn, w.now);
        let done = followup::send(txn, order_id, message.as_ref(), now).await;
        w.finish(done, Changes::of(ChangeKind::Orders)).await?;
        self.follow_up(order_id).await
    }

    pub async fn dismiss_follow_up(&self, order_id: i32) -> Result<FollowUp> {
        let w = self.begin_write(Lock::Immediate).await?;
        let (txn, now) = (&w.txn, w.now);
        let done = followup::dismiss(txn, order_id, now).await;
        w.finish(done, Changes::of(ChangeKind::Orders)).await?;
        self.follow_up(order_id).await
    }

    /// Records the buyer's answer (1–5 and a comment); a low one opens a complaint.
    pub async fn answer_follow_up(
        &self,
        order_id: i32,
        score: u8,
        comment: &str,
    ) -> Result<FollowUp> {
        let rules = loyalty::rules(&self.db).await?;
        let w = self.begin_write(Lock::Immediate).await?;
        let (txn, now) = (&w.txn, w.now);
        let done =
            followup::answer(txn, order_id, score, comment, rules.low_satisfaction, now).await;
        w.finish(done, Changes::of(ChangeKind::Orders)).await?;
        self.follow_up(order_id).await
    }
}

/// What the loyalty programme's daily round did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, specta::Type)]
pub struct Housekeeping {
    /// Buyers whose idle points expired.
    pub expired: u32,
    /// Buyers warned that theirs will.
    pub warned: u32,
}
