//! The [`Vefa`] facade's sync methods: connecting a marketplace account (OAuth with PKCE, the
//! credentials into the keychain, the account into the store) and pulling its changes home.

mod pull_listings;
pub(crate) mod pull_orders;

use crate::error::FieldCode;
use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use super::orders::order_changes;
use super::write::{Changes, Lock};
use crate::Vefa;
use crate::app::sync::pull_orders::{PageApplied, apply_page};
use crate::error::{Error, Result};
use crate::infra::changes::ChangeKind;
use crate::infra::secrets::Secrets;
use crate::marketplaces::MarketplaceError;
use crate::marketplaces::accounts::{self, Account, Credentials, MarketplaceKind, NewAccount};
use crate::marketplaces::etsy::oauth::{self, Pkce, RedirectListener, TokenSet};
use crate::marketplaces::etsy::{Etsy, EtsyClient, Patience};
use crate::marketplaces::{Marketplace, Pushed, StockPush};
use crate::orders::{self, ProblemKind};
use crate::sync::listings::{self as listing_sync, Choice, ListingConflict, StockPlan};
use crate::sync::outbox::{self, ListingPush, PushStatus, ShipmentPush};
use crate::sync::remote::{ListingEdit, StockPushed};
use crate::sync::{SyncProgress, SyncReport, SyncStage, cursors};

/// How long the seller has to approve in the browser.
const LOGIN_WITHIN: Duration = Duration::from_secs(600);

/// A new connection: which marketplace, the app's credentials there, and the registered
/// loopback redirect address.
#[derive(Clone)]
pub struct ConnectRequest {
    pub marketplace: MarketplaceKind,
    /// The sandbox's address; ignored for Etsy.
    pub base_url: String,
    pub keystring: String,
    pub secret: String,
    pub redirect_uri: String,
}

impl std::fmt::Debug for ConnectRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ConnectRequest")
            .field("marketplace", &self.marketplace)
            .field("base_url", &self.base_url)
            .field("redirect_uri", &self.redirect_uri)
            .finish_non_exhaustive()
    }
}

fn credentials_json(c: &Credentials) -> String {
    serde_json::to_string(c).unwrap_or_default()
}

const ORDERS: &str = "orders";
const REVIEWS: &str = "reviews";
/// The last re-read of the open orders.
const OPEN_ORDERS: &str = "open_orders";
const REREAD_OPEN_EVERY: chrono::Duration = chrono::Duration::hours(1);

/// An account as the window lists it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, specta::Type)]
pub struct AccountStatus {
    pub account: Account,
    /// When its orders were last brought home.
    pub synced_at: Option<chrono::DateTime<chrono::Utc>>,
    /// Changes waiting to be sent to it.
    pub waiting: u32,
    /// Changes it did not take, or that ran out of tries, newest first.
    pub problems: Vec<outbox::PushProblem>,
    /// What Vefa does with it.
    pub capabilities: crate::marketplaces::Capabilities,
}

/// The setting that remembers the seller chose to try the sandbox shop.
const SANDBOX_SHOP: &str = "sandbox_shop";

impl Vefa {
    /// Remembers that the seller chose the sandbox shop, so that the app starts it again next
    /// time.
    pub async fn remember_sandbox_shop(&self) -> Result<()> {
        crate::shop::settings::set_value(&self.db, SANDBOX_SHOP, &true, self.clock.now()).await
    }

    /// Whether the seller chose the sandbox shop (and it should start with the app).
    pub async fn sandbox_shop_wanted(&self) -> Result<bool> {
        Ok(crate::shop::settings::get_value(&self.db, SANDBOX_SHOP)
            .await?
            .unwrap_or(false))
    }

    /// Listing fields changed both here and on a marketplace, waiting for the seller.
    pub async fn listing_conflicts(&self, listing_id: Option<i32>) -> Result<Vec<ListingConflict>> {
        listing_sync::conflicts(&self.db, listing_id).await
    }

    /// The seller's choice on a conflict; returns the listing as it now is.
    pub async fn resolve_listing_conflict(
        &self,
        id: i32,
        choice: Choice,
    ) -> Result<crate::catalog::listings::Listing> {
        let w = self.begin_write(Lock::Immediate).await?;
        let (txn, now) = (&w.txn, w.now);
        let done = async {
            let rules = crate::catalog::completeness::rule_sets::load_all(txn).await?;
            listing_sync::resolve(txn, &rules, id, choice, now).await
        }
        .await;
        let listing_id = w
            .finish_with(done, |l| (l, Changes::none().listings(vec![l])))
            .await?;
        self.listing(listing_id).await
    }

    /// Tries a refused or failed change again with the next sync (the seller fixed the
    /// listing, or the marketplace's trouble is over).
    pub async fn retry_push(&self, id: i32) -> Result<()> {
        outbox::retry(&self.db, id, self.clock.now()).await
    }

    pub async fn marketplace_accounts(&self) -> Result<Vec<Account>> {
        accounts::list(&self.db).await
    }

    /// Each connected account with when its orders were last brought home and what waits to be
    /// sent to it.
    pub async fn marketplace_status(&self) -> Result<Vec<AccountStatus>> {
        let mut out = Vec::new();
        for account in accounts::list(&self.db).await? {
            let synced_at = cursors::synced_at(&self.db, account.id, ORDERS).await?;
            let waiting = outbox::waiting(&self.db, account.id).await? as u32;
            let problems = outbox::problems(&self.db, account.id).await?;
            out.push(AccountStatus {
                capabilities: account.marketplace.capabilities(),
                account,
                synced_at,
                waiting,
                problems,
            });
        }
        Ok(out)
    }

    /// Connects a shop: listens on the redirect address, has `open` show the consent page (the
    /// system browser; for the sandbox, its own consent step), exchanges the code with its
    /// PKCE verifier, asks the marketplace whose shop it is, and keeps the account in the store
    /// and its credentials in the keychain — both or neither.
    pub async fn connect_marketplace<F, Fut>(
        &self,
        req: &ConnectRequest,
        secrets: &dyn Secrets,
        open: F,
    ) -> Result<Account>
    where
        F: FnOnce(String) -> Fut,
        Fut: Future<Output = std::result::Result<(), MarketplaceError>>,
    {
        let mut missing = Vec::new();
        for (field, value) in [
            ("keystring", &req.keystring),
            ("secret", &req.secret),
            ("redirect_uri", &req.redirect_uri),
        ] {
            if value.trim().is_empty() {
                missing.push(crate::error::FieldError::new(field, FieldCode::Required));
            }
        }
        if !missing.is_empty() {
            return Err(Error::Validation(missing));
        }
        let endpoints = req.marketplace.endpoints(&req.base_url);
        let pkce = Pkce::new();
        let listener = RedirectListener::bind(&req.redirect_uri)
            .await
            .map_err(|e| Error::Login(e.to_string()))?;
        let redirect_uri = listener.uri().to_owned();
        let url = oauth::authorize_url(&endpoints.authorize, &req.keystring, &redirect_uri, &pkce)
            .map_err(|e| Error::Login(format!("the consent page address: {e}")))?;
        let waited = async {
            let (opened, code) = tokio::join!(open(url), listener.code(&pkce.state, LOGIN_WITHIN));
            opened?;
            code.map_err(|e| Error::Login(e.to_string()))
        };
        // Cancelling drops the wait, and with it the loopback listener.
        let code = tokio::select! {
            code = waited => code?,
            _ = self.login_cancel.notified() => return Err(Error::LoginCancelled),
        };
        let http = crate::marketplaces::etsy::http::http_client(Duration::from_secs(30));
        let tokens = oauth::exchange(
            &http,
            &endpoints.token,
            &req.keystring,
            &redirect_uri,
            &code,
            &pkce,
        )
        .await?;
        // Should the token be refreshed while the shop is looked up, the newest pair is kept.
        let latest = Arc::new(Mutex::new(tokens.clone()));
        let keep = latest.clone();
        let client = EtsyClient::new(
            endpoints.clone(),
            &req.keystring,
            &req.secret,
            tokens,
            Box::new(move |t: &TokenSet| {
                *keep.lock().unwrap_or_else(|p| p.into_inner()) = t.clone();
                Ok(())
            }),
            Patience::default(),
        );
        let me = Etsy::me(&client).await?;
        let shop = Etsy::shop(&client, me.shop_id).await?;
        let new = NewAccount {
            marketplace: req.marketplace,
            base_url: endpoints.api.clone(),
            shop_id: shop.shop_id,
            shop_name: shop.shop_name,
            user_id: me.user_id,
            keystring: req.keystring.clone(),
            redirect_uri,
        };
        let w = self.begin_write(Lock::Deferred).await?;
        let done = async {
            let account = accounts::upsert(&w.txn, &new, w.now).await?;
            let tokens = latest.lock().unwrap_or_else(|p| p.into_inner()).clone();
            let creds = Credentials {
                secret: req.secret.clone(),
                tokens,
            };
            secrets.set(&account.secret_key(), &credentials_json(&creds))?;
            Ok(account)
        }
        .await;
        w.finish_with(done, |account| {
            let changes = Changes::none().and(ChangeKind::Settings, [account.id]);
            (account, changes)
        })
        .await
    }

    /// Stops every wait for a marketplace login in progress ([`Vefa::connect_marketplace`]
    /// returns [`Error::LoginCancelled`], having stored nothing).
    pub fn cancel_login(&self) {
        self.login_cancel.notify_waiters();
    }

    /// Where the running sync stands; `None` when none runs.
    pub fn sync_progress(&self) -> Option<SyncProgress> {
        *self.sync_progress.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub(crate) fn progress(&self, account: i32, stage: SyncStage, done: u64, total: u64) {
        let clamp = |n: u64| n.min(u64::from(u32::MAX)) as u32;
        *self.sync_progress.lock().unwrap_or_else(|p| p.into_inner()) = Some(SyncProgress {
            account_id: account,
            stage,
            done: clamp(done.min(total)),
            total: clamp(total),
        });
    }

    /// Pulls account `id`'s changes home. A call that fails for good ends the sync there, with
    /// the reason in the report's errors; what was already brought home is kept, and the next
    /// sync goes on from there.
    pub async fn sync_account(
        &self,
        id: i32,
        secrets: Arc<dyn Secrets>,
        patience: Patience,
    ) -> Result<SyncReport> {
        let account = accounts::get(&self.db, id).await?;
        let key = account.secret_key();
        let stored = secrets.get(&key)?.ok_or_else(|| {
            Error::Login(format!(
                "the keychain holds no login for {} ({}): connect the shop again",
                account.shop_name,
                account.marketplace.as_str()
            ))
        })?;
        let creds: Credentials = serde_json::from_str(&stored)
            .map_err(|_| Error::Corrupt(format!("the keychain entry of account {id}")))?;
        let secret = creds.secret.clone();
        let keep = secrets.clone();
        let client = EtsyClient::new(
            account.endpoints(),
            &account.keystring,
            &creds.secret,
            creds.tokens,
            Box::new(move |t: &TokenSet| {
                let c = Credentials {
                    secret: secret.clone(),
                    tokens: t.clone(),
                };
                keep.set(&key, &credentials_json(&c))
            }),
            patience,
        );
        let etsy = Etsy::new(client, account.shop_id);
        let mut report = SyncReport {
            account_id: id,
            ..Default::default()
        };
        // Pulled first, so that what the marketplace did meanwhile is known before pushing.
        let done: Result<()> = async {
            let env = PageEnv::new(self, &account).await?;
            let first = self.pull_orders(&env, &account, &etsy, &mut report).await?;
            self.reread_open_orders(&env, &account, &etsy, first, &mut report)
                .await?;
            self.fetch_pending_photos(&account, &etsy, &mut report)
                .await?;
            self.pull_listings(&account, &etsy, &mut report).await?;
            self.pull_reviews(&account, &etsy, &mut report).await?;
            self.push_waiting(&account, &etsy, &mut report).await
        }
        .await;
        *self.sync_progress.lock().unwrap_or_else(|p| p.into_inner()) = None;
        match done {
            Ok(()) => {}
            Err(Error::Marketplace(e)) => report.errors.push(e.to_string()),
            Err(e) => return Err(e),
        }
        report.outbox_waiting = outbox::waiting(&self.db, account.id).await? as u32;
        report.api_calls = etsy.calls();
        Ok(report)
    }

    /// Sends the account's due outbox entries, oldest first, each once a round. A refusal is
    /// told where the seller will see it and not tried again; a passing failure waits for its
    /// backoff; a lost quota or login stops the round.
    async fn push_waiting<M: Marketplace>(
        &self,
        account: &Account,
        m: &M,
        report: &mut SyncReport,
    ) -> Result<()> {
        let mut after = 0;
        let mut pushed_listings = std::collections::HashSet::new();
        let waiting = outbox::waiting(&self.db, account.id).await?;
        let mut tried = 0;
        loop {
            let now = self.clock.now();
            let due = outbox::due(&self.db, account.id, now, after, 50).await?;
            let Some(last) = due.last() else {
                report.listings_pushed += pushed_listings.len() as u32;
                return Ok(());
            };
            after = last.id;
            for entry in due {
                self.progress(account.id, SyncStage::Sending, tried, waiting);
                tried += 1;
                let listing = serde_json::from_str::<ListingPush>(&entry.payload)
                    .ok()
                    .map(|p| p.listing_id);
                let sent = match entry.kind.as_str() {
                    outbox::SHIPMENT => self.send_shipment(m, &entry).await?,
                    outbox::LISTING | outbox::STOCK if listing.is_some() => {
                        self.send_listing(m, &entry, listing.unwrap_or_default())
                            .await?
                    }
                    other => Ok(Sent::Refused(format!(
                        "no marketplace push for \"{other}\""
                    ))),
                };
                let now = self.clock.now();
                match sent {
                    Ok(Sent::Nothing) => {}
                    Ok(Sent::Done) => {
                        report.outbox_sent += 1;
                        pushed_listings.extend(listing);
                    }
                    Ok(Sent::Partly { sent, note }) => {
                        if sent {
                            report.outbox_sent += 1;
                            pushed_listings.extend(listing);
                        }
                        report
                            .errors
                            .push(format!("listing {}: {note}", listing.unwrap_or_default()));
                    }
                    Ok(Sent::Refused(why)) if entry.kind == outbox::SHIPMENT => {
                        self.refused_push(&entry, why).await?
                    }
                    Ok(Sent::Refused(why)) => {
                        outbox::settle(
                            &self.db,
                            &entry,
                            PushStatus::Refused,
                            Some(why.clone()),
                            now,
                        )
                        .await?;
                        report.errors.push(format!(
                            "listing {}: the marketplace did not take it: {why}",
                            listing.unwrap_or_default()
                        ));
                    }
                    Err(
                        e @ (MarketplaceError::DailyQuota
                        | MarketplaceError::SignedOut(_)
                        | MarketplaceError::Secret(_)),
                    ) => {
                        return Err(e.into());
                    }
                    Err(e) => {
                        let status =
                            outbox::retry_later(&self.db, &entry, e.to_string(), now).await?;
                        report.errors.push(match status {
                            PushStatus::Failed => {
                                format!("gave up after {} tries: {e}", outbox::MAX_ATTEMPTS)
                            }
                            _ => format!("will try again: {e}"),
                        });
                    }
                }
            }
        }
    }

    /// Sends a shipment; settles the entry when it went.
    async fn send_shipment<M: Marketplace>(
        &self,
        m: &M,
        entry: &outbox::Due,
    ) -> Result<std::result::Result<Sent, MarketplaceError>> {
        let Ok(s) = serde_json::from_str::<ShipmentPush>(&entry.payload) else {
            return Ok(Ok(Sent::Refused(
                "the stored shipment cannot be read".into(),
            )));
        };
        match m
            .push_shipment(&s.remote_order_id, &s.carrier, &s.tracking)
            .await
        {
            Ok(Pushed::Done) => {
                let now = self.clock.now();
                outbox::settle(&self.db, entry, PushStatus::Sent, None, now).await?;
                Ok(Ok(Sent::Done))
            }
            Ok(Pushed::Refused(why)) => Ok(Ok(Sent::Refused(why))),
            Err(e) => Ok(Err(e)),
        }
    }

    /// Sends what listing `id` has that the marketplace lacks (its edits or its stock and
    /// prices, as the entry's kind says), worked out from the listing as it is now; then, in
    /// one transaction, moves its base and settles the entry — waiting again if the seller
    /// changed it meanwhile.
    async fn send_listing<M: Marketplace>(
        &self,
        m: &M,
        entry: &outbox::Due,
        id: i32,
    ) -> Result<std::result::Result<Sent, MarketplaceError>> {
        let rules = crate::catalog::completeness::rule_sets::load_all(&self.db).await?;
        let now = self.clock.now();
        let planned = if entry.kind == outbox::LISTING {
            listing_sync::plan_edit(&self.db, &rules, id, now)
                .await?
                .map(|(remote, edit)| (remote, Planned::Edit(edit)))
        } else {
            listing_sync::plan_stock(&self.db, &rules, id, now)
                .await?
                .map(|(remote, plan)| (remote, Planned::Stock(plan)))
        };
        let Some((remote, planned)) = planned else {
            // The marketplace already agrees: nothing to send.
            outbox::settle(&self.db, entry, PushStatus::Sent, None, now).await?;
            return Ok(Ok(Sent::Nothing));
        };
        let went = match planned {
            Planned::Edit(edit) => match m.push_listing(&remote, &edit).await {
                Ok(Pushed::Done) => Went::Edit(edit),
                Ok(Pushed::Refused(why)) => return Ok(Ok(Sent::Refused(why))),
                Err(e) => return Ok(Err(e)),
            },
            Planned::Stock(plan) => match m
                .push_stock(&remote, &plan.want, plan.currency.as_deref())
                .await
            {
                Ok(StockPush::Done(pushed)) => Went::Stock(plan, pushed),
                Ok(StockPush::Refused(why)) => return Ok(Ok(Sent::Refused(why))),
                Err(e) => return Ok(Err(e)),
            },
        };
        let note = went.note();
        let w = self.begin_write_at(Lock::Immediate, now).await?;
        let txn = &w.txn;
        let done = async {
            let again = match &went {
                Went::Edit(edit) => listing_sync::pushed_edit(txn, &rules, id, edit, now).await?,
                Went::Stock(plan, pushed) => {
                    listing_sync::pushed_stock(txn, &rules, id, plan, pushed, now).await?
                }
            };
            outbox::sent(txn, entry, again, note.clone(), now).await
        }
        .await;
        w.finish(done, Changes::none()).await?;
        let sent = match &went {
            Went::Edit(_) => true,
            Went::Stock(_, pushed) => pushed.sent,
        };
        Ok(Ok(match note {
            Some(note) => Sent::Partly { sent, note },
            None if sent => Sent::Done,
            None => Sent::Nothing,
        }))
    }

    /// The marketplace will not take a change: the entry is closed and the order gets a
    /// problem that says what to do instead, in one transaction.
    async fn refused_push(&self, entry: &outbox::Due, why: String) -> Result<()> {
        let (w, rules) = self.order_write(false).await?;
        let (txn, now) = (&w.txn, w.now);
        let done = async {
            outbox::settle(txn, entry, PushStatus::Refused, Some(why.clone()), now).await?;
            let Some(order) = entry.order_id else {
                return Ok(None);
            };
            // The window says what to do (the kind); the note keeps the marketplace's reason.
            let note: String = why.chars().take(1000).collect();
            orders::store::open_problem(
                txn,
                self.ctx(&rules, now),
                order,
                ProblemKind::TrackingRefused,
                &note,
            )
            .await?;
            Ok(Some(order))
        }
        .await;
        w.finish_with(done, |order| {
            let orders: Vec<i32> = order.into_iter().collect();
            ((), Changes::none().orders(&orders))
        })
        .await
    }

    /// Pages through the orders changed since the cursor, newest first; each page is one
    /// transaction with the cursor's new position, so a crash resumes at the page it was on.
    /// Returns whether this was the account's first pull (everything came home).
    async fn pull_orders<M: Marketplace>(
        &self,
        env: &PageEnv,
        account: &Account,
        m: &M,
        report: &mut SyncReport,
    ) -> Result<bool> {
        let mut first = None;
        loop {
            let pos = cursors::load(&self.db, account.id, ORDERS).await?;
            let first = *first.get_or_insert(pos.cursor.is_none());
            let page = m.orders_changed(pos.cursor, pos.next_offset).await?;
            let newest = page.orders.iter().map(|o| o.updated).max();
            let read = page.orders.len() as u64;
            self.progress(
                account.id,
                SyncStage::Orders,
                pos.next_offset + read,
                page.total,
            );
            let (next, done) = pos.advance(read, page.total, newest, false);
            self.store_orders(env, &page.orders, Some((ORDERS, next)), report)
                .await?;
            if done {
                return Ok(first);
            }
        }
    }

    /// Pages through the reviews left since the cursor, oldest first (a new one joins at the
    /// end, so none is skipped); a review read again counts once. Each page is one transaction
    /// with the cursor's position.
    async fn pull_reviews<M: Marketplace>(
        &self,
        account: &Account,
        m: &M,
        report: &mut SyncReport,
    ) -> Result<()> {
        loop {
            let pos = cursors::load(&self.db, account.id, REVIEWS).await?;
            let page = m.reviews_since(pos.cursor, pos.next_offset).await?;
            let done = pos.next_offset + page.read;
            self.progress(account.id, SyncStage::Reviews, done, page.total);
            let newest = page.reviews.iter().map(|r| r.created).max();
            let (next, done) = pos.advance(page.read, page.total, newest, false);
            let w = self.begin_write(Lock::Immediate).await?;
            let (txn, now) = (&w.txn, w.now);
            let step: Result<crate::sync::reviews::ReviewsApplied> = async {
                let rules = crate::catalog::completeness::rule_sets::load_all(txn).await?;
                let applied =
                    crate::sync::reviews::apply_page(txn, &rules, account.id, &page.reviews, now)
                        .await?;
                cursors::save(txn, account.id, REVIEWS, next, now).await?;
                Ok(applied)
            }
            .await;
            let applied = w
                .finish_with(step, |a| {
                    let changes = Changes::none().listings(a.listings.clone());
                    (a, changes)
                })
                .await?;
            report.reviews_new += applied.new;
            if done {
                return Ok(());
            }
        }
    }

    /// Reads the open orders again when the last time was an hour ago or more: Etsy moves no
    /// update time for a new ship-by date. Right after a first pull there is nothing to re-read.
    async fn reread_open_orders<M: Marketplace>(
        &self,
        env: &PageEnv,
        account: &Account,
        m: &M,
        first_pull: bool,
        report: &mut SyncReport,
    ) -> Result<()> {
        let now = self.clock.now();
        if first_pull {
            let at = cursors::Position::default();
            return cursors::save(&self.db, account.id, OPEN_ORDERS, at, now).await;
        }
        let last = cursors::synced_at(&self.db, account.id, OPEN_ORDERS).await?;
        if last.is_some_and(|t| now - t < REREAD_OPEN_EVERY) {
            return Ok(());
        }
        let mut offset = 0;
        loop {
            let page = m.open_orders(offset).await?;
            offset += page.orders.len() as u64;
            self.progress(account.id, SyncStage::OpenOrders, offset, page.total);
            let done = page.orders.is_empty() || offset >= page.total;
            let mark = done.then_some((OPEN_ORDERS, cursors::Position::default()));
            self.store_orders(env, &page.orders, mark, report).await?;
            if done {
                return Ok(());
            }
        }
    }

    /// Brings a page of remote orders home in one transaction, with `cursor`'s new position if
    /// given; then auto-confirms the new ones when the seller wants that.
    async fn store_orders(
        &self,
        env: &PageEnv,
        orders: &[crate::marketplaces::RemoteOrder],
        cursor: Option<(&str, cursors::Position)>,
        report: &mut SyncReport,
    ) -> Result<()> {
        let (w, rules) = self.order_write(true).await?;
        let (txn, now) = (&w.txn, w.now);
        let ctx = self.ctx(&rules, now);
        let step: Result<PageApplied> = async {
            let applied = apply_page(txn, ctx, &env.marketplace, orders, &env.language).await?;
            if let Some((resource, at)) = cursor {
                cursors::save(txn, env.account, resource, at, now).await?;
            }
            Ok(applied)
        }
        .await;
        let applied = w
            .finish_with(step, |a| {
                let changes = order_changes(&a.touched(), a.rescored.clone());
                (a, changes)
            })
            .await?;
        report.orders_new += applied.created.len() as u32;
        report.orders_updated += applied.updated.len() as u32;
        report.errors.extend(applied.refused);
        if env.auto_confirm {
            for id in applied.created {
                self.auto_confirm(id).await?;
            }
        }
        Ok(())
    }
}

/// How sending one outbox entry went.
enum Sent {
    /// It reached the marketplace.
    Done,
    /// There was nothing left to send (the marketplace already agreed).
    Nothing,
    /// The marketplace will not take it; the seller has to act.
    Refused(String),
    /// Some of it could not be sent, which the seller has to finish; the entry is settled.
    Partly { sent: bool, note: String },
}

/// A listing push worked out, before it is sent.
enum Planned {
    Edit(ListingEdit),
    Stock(StockPlan),
}

/// A listing push the marketplace took, with what it now has.
enum Went {
    Edit(ListingEdit),
    Stock(StockPlan, StockPushed),
}

impl Went {
    /// What the seller has to finish by hand: variants the marketplace lacks, prices left in
    /// its other currency.
    fn note(&self) -> Option<String> {
        let Went::Stock(_, pushed) = self else {
            return None;
        };
        let mut notes = Vec::new();
        if !pushed.unmatched.is_empty() {
            notes.push(format!(
                "not on the marketplace, so their stock was not sent: {}; add them there",
                pushed.unmatched.join(", ")
            ));
        }
        if let Some(c) = &pushed.other_currency {
            notes.push(format!(
                "the marketplace sells it in {c}, so its prices were left as they are there"
            ));
        }
        (!notes.is_empty()).then(|| notes.join("; "))
    }
}

/// What every page of one sync needs to know.
struct PageEnv {
    account: i32,
    marketplace: String,
    language: String,
    auto_confirm: bool,
}

impl PageEnv {
    async fn new(v: &Vefa, account: &Account) -> Result<Self> {
        Ok(Self {
            account: account.id,
            marketplace: account.marketplace.as_str().to_owned(),
            language: v.shop_language().await?,
            auto_confirm: v.settings().await?.auto_confirm,
        })
    }
}
