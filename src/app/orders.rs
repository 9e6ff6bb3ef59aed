//! The [`Vefa`] facade's order methods: each is one transaction that writes the order, its
//! timeline and any stock it moves, records the change, and after the commit tells listeners and
//! refreshes the catalog index for listings whose stock ran out or came back.

use crate::error::FieldCode;
use chrono::{DateTime, Utc};
use sea_orm::DatabaseTransaction;

use super::order_flow::{self, By};
use super::write::{Changes, Lock, Write};
use crate::Vefa;
use crate::catalog::completeness;
use crate::catalog::completeness::RuleSets;
use crate::error::{Error, Result};
use crate::infra::changes::ChangeKind;
use crate::infra::secrets::{self, Secrets};
use crate::locale::UiLanguage;
use crate::messages::MessageKind;
use crate::messages::outbox::{self, Draft, MessageAction, MessageStatus, OutboxEntry};
use crate::messages::smtp::{self, SmtpMailer, SmtpSettings};
use crate::orders::{self, Act, Added, Ctx, NewOrder, Order, OrderPage, OrderQuery, ProblemKind};
use crate::shop::settings;

const SMTP_KEY: &str = "smtp";

/// A message the seller edited, checked before anything is written.
pub(crate) fn checked(message: Option<&Draft>) -> Result<Option<Draft>> {
    message
        .map(outbox::check)
        .transpose()
        .map_err(Error::Validation)
}

/// What an order write changed: orders `ids`, and the listings it rescored (each once).
pub(crate) fn order_changes(ids: &[i32], mut rescored: Vec<i32>) -> Changes {
    rescored.sort_unstable();
    rescored.dedup();
    Changes::none().orders(ids).listings(rescored)
}

/// Queues a checked message to order `id`'s buyer in the step's transaction, if there is one.
async fn queue_with(
    txn: &DatabaseTransaction,
    id: i32,
    message: Option<&Draft>,
    now: DateTime<Utc>,
) -> Result<()> {
    if let Some(m) = message {
        let buyer = orders::store::buyer_of(txn, id).await?;
        outbox::queue(txn, Some(id), buyer, m, now).await?;
    }
    Ok(())
}

/// The SMTP server as the window shows it: the settings, and whether the keychain holds the
/// login's password (the password itself never leaves the keychain).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, specta::Type)]
pub struct SmtpView {
    pub settings: Option<SmtpSettings>,
    pub password_saved: bool,
}

/// How a round of sending went.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, specta::Type)]
pub struct SendReport {
    pub sent: u32,
    /// Failed for now; tried again later.
    pub retrying: u32,
    /// Refused for good or out of attempts: shown to the seller.
    pub failed: u32,
}

impl Vefa {
    /// The language messages go out in when the buyer has none: the first language the seller
    /// speaks with buyers that has templates, else the interface's.
    pub(crate) async fn shop_language(&self) -> Result<String> {
        let p = self.seller().await?;
        Ok(p.languages
            .iter()
            .find_map(|l| UiLanguage::from_code(l))
            .unwrap_or(p.ui_language)
            .code()
            .to_owned())
    }

    /// Starts an order write, taking the write lock at once (an order write reads before it
    /// writes), with the completeness rules when stock may move (a listing that runs out is
    /// rescored).
    pub(crate) async fn order_write(&self, load_rules: bool) -> Result<(Write<'_>, RuleSets)> {
        let w = self.begin_write(Lock::Immediate).await?;
        let rules = if load_rules {
            completeness::rule_sets::load_all(&w.txn).await?
        } else {
            RuleSets::new()
        };
        Ok((w, rules))
    }

    pub(crate) fn ctx<'a>(&'a self, rules: &'a RuleSets, now: DateTime<Utc>) -> Ctx<'a> {
        Ctx {
            actor: self.feed.actor().as_str(),
            now,
            rules,
        }
    }

    /// Adds a phone, shop or marketplace order (see [`orders::store::add`]). With auto-confirm
    /// on, a new marketplace order is then confirmed and its confirmation queued; should that
    /// fail, the order stays new and the unconfirmed reminder catches it.
    pub async fn add_order(&self, input: &NewOrder) -> Result<Added> {
        let added = self.store_order(input).await?;
        if added.created
            && input.channel == orders::OrderChannel::Marketplace
            && self.settings().await?.auto_confirm
        {
            self.auto_confirm(added.id).await?;
        }
        Ok(added)
    }

    /// Confirms a new marketplace order and queues its confirmation (auto-confirm is on).
    pub(crate) async fn auto_confirm(&self, id: i32) -> Result<()> {
        let draft = self
            .draft_order_message(id, MessageKind::OrderConfirmation, None)
            .await?;
        if let Err(e) = self
            .act_on_order_with_message(id, &Act::Confirm, Some(&draft))
            .await
        {
            tracing::warn!(order = id, error = %e, "auto-confirm");
        }
        Ok(())
    }

    async fn store_order(&self, input: &NewOrder) -> Result<Added> {
        let language = self.shop_language().await?;
        let (w, rules) = self.order_write(true).await?;
        let done = orders::store::add(&w.txn, self.ctx(&rules, w.now), input, &language).await;
        w.finish_with(done, |a| {
            let changes = order_changes(&[a.id], a.rescored.clone());
            (a, changes)
        })
        .await
    }

    pub async fn order(&self, id: i32) -> Result<Order> {
        orders::store::get(&self.db, id).await
    }

    /// Moves an order (confirm, ship, cancel…) and returns it as it now is.
    pub async fn act_on_order(&self, id: i32, act: &Act) -> Result<Order> {
        self.act_on_order_with_message(id, act, None).await
    }

    /// Moves an order and queues `message` to the buyer in the same transaction: the move and
    /// its message are stored together or not at all.
    pub async fn act_on_order_with_message(
        &self,
        id: i32,
        act: &Act,
        message: Option<&Draft>,
    ) -> Result<Order> {
        let message = checked(message)?;
        let moves_stock = matches!(act, Act::Cancel { .. } | Act::ReceiveReturn { .. });
        let (w, rules) = self.order_write(moves_stock).await?;
        let (txn, now) = (&w.txn, w.now);
        let done = async {
            let moved = order_flow::act(txn, self.ctx(&rules, now), id, act, By::Seller).await?;
            queue_with(txn, id, message.as_ref(), now).await?;
            Ok(moved.rescored)
        }
        .await;
        w.finish_with(done, |rescored| ((), order_changes(&[id], rescored)))
            .await?;
        self.order(id).await
    }

    pub async fn open_order_problem(
        &self,
        id: i32,
        kind: ProblemKind,
        note: &str,
    ) -> Result<Order> {
        self.open_order_problem_with_message(id, kind, note, None)
            .await
    }

    /// Flags a problem and queues `message` (the apology, the question) with it.
    pub async fn open_order_problem_with_message(
        &self,
        id: i32,
        kind: ProblemKind,
        note: &str,
        message: Option<&Draft>,
    ) -> Result<Order> {
        let message = checked(message)?;
        let (w, rules) = self.order_write(false).await?;
        let (txn, now) = (&w.txn, w.now);
        let done = async {
            orders::store::open_problem(txn, self.ctx(&rules, now), id, kind, note).await?;
            queue_with(txn, id, message.as_ref(), now).await
        }
        .await;
        w.finish(done, order_changes(&[id], vec![])).await?;
        self.order(id).await
    }

    /// The message `kind` about an order as it would go out now, for the seller to read and edit.
    /// `shipment` is the carrier and tracking of a shipment being recorded.
    pub async fn draft_order_message(
        &self,
        id: i32,
        kind: MessageKind,
        shipment: Option<(&str, &str)>,
    ) -> Result<Draft> {
        let order = self.order(id).await?;
        let profile = self.seller().await?;
        Ok(outbox::draft(&order, &profile, kind, shipment))
    }

    /// An order's messages, or without one every message not yet sent.
    pub async fn outbox(&self, order_id: Option<i32>) -> Result<Vec<OutboxEntry>> {
        outbox::list(&self.db, order_id).await
    }

    /// The seller sent a message by hand, wants a failed one retried now, or drops one.
    pub async fn act_on_message(&self, id: i32, action: MessageAction) -> Result<OutboxEntry> {
        let w = self.begin_write(Lock::Deferred).await?;
        let done = outbox::apply(&w.txn, id, action, w.now).await;
        w.finish_with(done, |entry| {
            let changes = Changes::none().and(ChangeKind::Orders, entry.order_id);
            (entry, changes)
        })
        .await
    }

    /// Sends every e-mail that is due through `mailer`, one attempt each, and records how each
    /// went. Safe to run from two desks at once: a message is claimed before it is sent.
    pub async fn send_due_messages(&self, mailer: &SmtpMailer) -> Result<SendReport> {
        let mut report = SendReport::default();
        outbox::requeue_interrupted(&self.db, self.clock.now()).await?;
        loop {
            let claimed = outbox::claim_due(&self.db, self.clock.now(), 20).await?;
            if claimed.is_empty() {
                return Ok(report);
            }
            for m in claimed {
                let attempt = mailer.send(&m).await;
                let now = self.clock.now();
                let status = outbox::finish(&self.db, m.id, &attempt, now).await?;
                match status {
                    MessageStatus::Sent => report.sent += 1,
                    MessageStatus::Queued => report.retrying += 1,
                    _ => report.failed += 1,
                }
                let ids = m.order_id.map(|o| vec![o.to_string()]).unwrap_or_default();
                let change = self
                    .feed
                    .record(&self.db, ChangeKind::Orders, ids, now)
                    .await?;
                self.feed.publish(change);
            }
        }
    }

    /// The mailer for the seller's SMTP server, with its password from `secrets` when the server
    /// wants a login; none when no server is set.
    pub async fn smtp_mailer(&self, secrets: &dyn Secrets) -> Result<Option<SmtpMailer>> {
        let Some(s) = self.smtp_settings().await? else {
            return Ok(None);
        };
        let password = Self::smtp_password(&s, secrets)?;
        if !s.username.is_empty() && password.is_none() {
            return Err(Error::Validation(vec![crate::FieldError::new(
                "smtp.password",
                FieldCode::Required,
            )]));
        }
        let mailer = SmtpMailer::new(&s, password).map_err(|reason| {
            Error::Validation(vec![
                crate::FieldError::new("smtp", FieldCode::SmtpInvalid).with("reason", reason),
            ])
        })?;
        Ok(Some(mailer.with_photo(self.sender_photo().await)))
    }

    /// The profile photo, if any and readable: a photo file gone missing sends mail without it.
    async fn sender_photo(&self) -> Option<crate::messages::SenderPhoto> {
        match crate::shop::profile::photo_file(&self.db, &self.media).await {
            Ok(found) => found.map(|(bytes, mime)| crate::messages::SenderPhoto { bytes, mime }),
            Err(e) => {
                tracing::warn!(error = %e, "the profile photo for messages");
                None
            }
        }
    }

    /// The seller's name, contacts and languages, without reading the photo file.
    pub(crate) async fn seller(&self) -> Result<crate::Profile> {
        crate::shop::profile::get_without_photo(&self.db).await
    }

    /// The SMTP login's password from `secrets`, when the server wants a login.
    fn smtp_password(s: &SmtpSettings, secrets: &dyn Secrets) -> Result<Option<String>> {
        if s.username.is_empty() {
            return Ok(None);
        }
        Ok(secrets.get(&secrets::smtp_key(&s.username, &s.host))?)
    }

    /// Saves the SMTP server and, when given, its password — into `secrets`, never the store.
    pub async fn save_smtp_login(
        &self,
        s: &SmtpSettings,
        password: Option<&str>,
        secrets: &dyn Secrets,
    ) -> Result<SmtpSettings> {
        let clean = smtp::check(s).map_err(Error::Validation)?;
        if let Some(p) = password.filter(|p| !p.is_empty()) {
            if clean.username.is_empty() {
                return Err(Error::Validation(vec![crate::FieldError::new(
                    "smtp.username",
                    FieldCode::Required,
                )]));
            }
            secrets.set(&secrets::smtp_key(&clean.username, &clean.host), p)?;
        }
        self.store_smtp_settings(clean).await
    }

    /// The SMTP server and whether its password is in `secrets`.
    pub async fn smtp_view(&self, secrets: &dyn Secrets) -> Result<SmtpView> {
        let settings = self.smtp_settings().await?;
        let password_saved = match &settings {
            Some(s) => Self::smtp_password(s, secrets)?.is_some(),
            None => false,
        };
        Ok(SmtpView {
            settings,
            password_saved,
        })
    }

    /// The SMTP server messages go through, if the seller has set one.
    pub async fn smtp_settings(&self) -> Result<Option<SmtpSettings>> {
        settings::get_value(&self.db, SMTP_KEY).await
    }

    pub async fn save_smtp_settings(&self, s: &SmtpSettings) -> Result<SmtpSettings> {
        let clean = smtp::check(s).map_err(Error::Validation)?;
        self.store_smtp_settings(clean).await
    }

    /// Stores settings already checked.
    async fn store_smtp_settings(&self, clean: SmtpSettings) -> Result<SmtpSettings> {
        let w = self.begin_write(Lock::Deferred).await?;
        let done = settings::set_value(&w.txn, SMTP_KEY, &clean, w.now).await;
        w.finish(done, Changes::of(ChangeKind::Settings)).await?;
        Ok(clean)
    }
    pub async fn resolve_order_problem(
        &self,
        id: i32,
        problem_id: i32,
        resolution: &str,
    ) -> Result<Order> {
        let (w, rules) = self.order_write(false).await?;
        let ctx = self.ctx(&rules, w.now);
        let done = orders::store::resolve_problem(&w.txn, ctx, id, problem_id, resolution).await;
        w.finish(done, order_changes(&[id], vec![])).await?;
        self.order(id).await
    }

    pub async fn note_order(&self, id: i32, text: &str) -> Result<Order> {
        let (w, rules) = self.order_write(false).await?;
        let done = orders::store::add_note(&w.txn, self.ctx(&rules, w.now), id, text).await;
        w.finish(done, order_changes(&[id], vec![])).await?;
        self.order(id).await
    }

    /// The newest order's id: the desk notifies about orders after it.
    pub async fn newest_order_id(&self) -> Result<i32> {
        orders::alerts::newest_id(&self.db).await
    }

    /// Notifications for marketplace orders stored after order `after` (none when the seller
    /// turned them off), and the id to look after next time.
    pub async fn new_order_notifications(
        &self,
        after: i32,
    ) -> Result<(i32, Vec<crate::infra::notifications::Notification>)> {
        let arrivals = orders::alerts::arrived_since(&self.db, after, 1000).await?;
        let next = arrivals.last().map_or(after, |a| a.id);
        if arrivals.is_empty() || !self.settings().await?.notify_new_orders {
            return Ok((next, vec![]));
        }
        let language = self.seller().await?.ui_language;
        Ok((next, orders::alerts::notifications(language, &arrivals)))
    }

    /// The dashboard's "today": what waits, what is late, what is due.
    pub async fn today(&self) -> Result<orders::Today> {
        let settings = self.settings().await?;
        orders::today::today(&self.db, &settings, self.clock.now()).await
    }

    /// The reminders due now (unconfirmed past the limit, near or past ship-by), each with its
    /// notification; the desk shows each once.
    pub async fn due_reminders(
        &self,
    ) -> Result<Vec<(orders::Reminder, crate::infra::notifications::Notification)>> {
        let settings = self.settings().await?;
        if !settings.notify_unconfirmed && !settings.notify_ship_by {
            return Ok(vec![]);
        }
        let today = orders::today::today(&self.db, &settings, self.clock.now()).await?;
        let language = self.seller().await?.ui_language;
        Ok(orders::today::reminders(&today, &settings, language))
    }

    /// A page of the orders inbox with the count per status.
    pub async fn orders(&self, query: &OrderQuery) -> Result<OrderPage> {
        orders::inbox::page(&self.db, query).await
    }
}
