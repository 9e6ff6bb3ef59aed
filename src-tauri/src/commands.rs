//! The window's commands: each parses nothing beyond its typed arguments and calls one core
//! function.

use std::path::Path;

use serde::Serialize;
use specta::Type;
use tauri::State;
use tauri::ipc::Channel;
use vefa::catalog::completeness::{Rule, RuleSets};
use vefa::catalog::csv::{Format, ImportSummary};
use vefa::catalog::listings::{
    CatalogHealth, Listing, ListingInput, ListingPage, ListingPhoto, ListingPreview, ListingQuery,
};
use vefa::customers::feedback::{Apology, Feedback, FeedbackInput};
use vefa::customers::followup::{FollowUp, FollowUpQueue};
use vefa::customers::loyalty::{Entry, LoyaltyRules};
use vefa::customers::offers::{Offer, OfferInput, Suggestion};
use vefa::customers::{CustomerEdit, CustomerPage, CustomerProfile};
use vefa::infra::notifications::Notification;
use vefa::infra::secrets::Keychain;
use vefa::inspection::figures::Week;
use vefa::inspection::{Inspection, InspectionOp, Step, Template};
use vefa::messages::{Draft, MessageAction, MessageKind, OutboxEntry, SmtpSettings};
use vefa::orders::coupons::Coupon;
use vefa::orders::{Act, Order, OrderPage, OrderQuery, ProblemKind, Today};
use vefa::reports::{IsoWeek, WeeklyReview};
use vefa::shop::profile::PhotoUpload;
use vefa::{ErrorView, Inspected, Printed, Profile, ProfileInput, Settings, SmtpView, StoreInfo};

use crate::AppState;
use crate::syncer::{EtsyLogin, Marketplaces};
use vefa::sync::listings::{Choice, ListingConflict};

type Reply<T> = Result<T, ErrorView>;

#[derive(Debug, Clone, Serialize, Type)]
pub struct AppInfo {
    pub version: String,
    pub store: StoreInfo,
}

#[tauri::command]
#[specta::specta]
pub async fn app_info(state: State<'_, AppState>) -> Reply<AppInfo> {
    Ok(AppInfo {
        version: env!("CARGO_PKG_VERSION").into(),
        store: state.vefa().await?.info().clone(),
    })
}

#[tauri::command]
#[specta::specta]
pub async fn get_profile(state: State<'_, AppState>) -> Reply<Profile> {
    Ok(state.vefa().await?.profile().await?)
}

#[tauri::command]
#[specta::specta]
pub async fn save_profile(state: State<'_, AppState>, input: ProfileInput) -> Reply<Profile> {
    Ok(state.vefa().await?.save_profile(&input).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn set_profile_photo(state: State<'_, AppState>, upload: PhotoUpload) -> Reply<Profile> {
    Ok(state.vefa().await?.set_profile_photo(&upload).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn remove_profile_photo(state: State<'_, AppState>) -> Reply<Profile> {
    Ok(state.vefa().await?.remove_profile_photo().await?)
}

#[tauri::command]
#[specta::specta]
pub async fn get_settings(state: State<'_, AppState>) -> Reply<Settings> {
    Ok(state.vefa().await?.settings().await?)
}

#[tauri::command]
#[specta::specta]
pub async fn save_settings(state: State<'_, AppState>, settings: Settings) -> Reply<Settings> {
    let saved = state.vefa().await?.save_settings(&settings).await?;
    // A new sync interval counts from the last sync, not after the old interval ran out.
    state.syncer.wake();
    Ok(saved)
}

#[tauri::command]
#[specta::specta]
pub async fn send_test_notification(state: State<'_, AppState>) -> Reply<Notification> {
    Ok(state
        .vefa()
        .await?
        .send_test_notification(state.notifier.clone())
        .await?)
}

#[tauri::command]
#[specta::specta]
pub async fn list_listings(state: State<'_, AppState>, query: ListingQuery) -> Reply<ListingPage> {
    Ok(state.vefa().await?.listings(&query).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn get_listing(state: State<'_, AppState>, id: i32) -> Reply<Listing> {
    Ok(state.vefa().await?.listing(id).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn preview_listing(
    state: State<'_, AppState>,
    id: Option<i32>,
    input: ListingInput,
) -> Reply<ListingPreview> {
    Ok(state.vefa().await?.preview_listing(id, &input).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn create_listing(state: State<'_, AppState>, input: ListingInput) -> Reply<Listing> {
    Ok(state.vefa().await?.create_listing(&input).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn update_listing(
    state: State<'_, AppState>,
    id: i32,
    input: ListingInput,
) -> Reply<Listing> {
    Ok(state.vefa().await?.update_listing(id, &input).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn duplicate_listing(state: State<'_, AppState>, id: i32) -> Reply<Listing> {
    Ok(state.vefa().await?.duplicate_listing(id).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn archive_listing(state: State<'_, AppState>, id: i32, archived: bool) -> Reply<()> {
    Ok(state.vefa().await?.archive_listing(id, archived).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn add_listing_photo(
    state: State<'_, AppState>,
    upload: PhotoUpload,
) -> Reply<ListingPhoto> {
    Ok(state.vefa().await?.add_listing_photo(&upload).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn completeness_rules(state: State<'_, AppState>) -> Reply<RuleSets> {
    Ok(state.vefa().await?.completeness_rules().await?)
}

#[tauri::command]
#[specta::specta]
pub async fn catalog_health(state: State<'_, AppState>) -> Reply<CatalogHealth> {
    Ok(state.vefa().await?.catalog_health().await?)
}

/// How far an import is, sent as it goes.
#[derive(Debug, Clone, Serialize, Type)]
pub struct ImportProgress {
    pub done: u32,
    pub total: u32,
}

#[tauri::command]
#[specta::specta]
pub async fn import_listings(
    state: State<'_, AppState>,
    path: String,
    format: Option<Format>,
    strict: bool,
    dry_run: bool,
    progress: Channel<ImportProgress>,
) -> Reply<ImportSummary> {
    let report = |done, total| {
        let _ = progress.send(ImportProgress { done, total });
    };
    Ok(state
        .vefa()
        .await?
        .import_listings(Path::new(&path), format, strict, dry_run, &report)
        .await?)
}

#[tauri::command]
#[specta::specta]
pub async fn export_listings(
    state: State<'_, AppState>,
    path: String,
    query: ListingQuery,
) -> Reply<u32> {
    Ok(state
        .vefa()
        .await?
        .export_listings(Path::new(&path), &query)
        .await?)
}

/// Replaces a family's completeness rules and rescores its listings; returns how many scores
/// changed.
#[tauri::command]
#[specta::specta]
pub async fn save_family_rules(
    state: State<'_, AppState>,
    family: String,
    rules: Vec<Rule>,
) -> Reply<u32> {
    let changed = state
        .vefa()
        .await?
        .save_family_rules(&family, &rules)
        .await?;
    Ok(u32::try_from(changed).unwrap_or(u32::MAX))
}

/// The window calls this once its first screen is interactive. With `VEFA_REPORT_READY` set, the
/// shell says so on standard output: the start-up benchmark times launch to this line, with no
/// WebDriver in the way.
#[tauri::command]
#[specta::specta]
pub async fn window_ready() -> Reply<()> {
    if std::env::var_os("VEFA_REPORT_READY").is_some() {
        println!("vefa: window ready");
    }
    Ok(())
}

#[tauri::command]
#[specta::specta]
pub async fn list_orders(state: State<'_, AppState>, query: OrderQuery) -> Reply<OrderPage> {
    Ok(state.vefa().await?.orders(&query).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn get_order(state: State<'_, AppState>, id: i32) -> Reply<Order> {
    Ok(state.vefa().await?.order(id).await?)
}

/// The message a move or problem would send, for the seller to read and edit first.
#[tauri::command]
#[specta::specta]
pub async fn draft_order_message(
    state: State<'_, AppState>,
    id: i32,
    kind: MessageKind,
    carrier: Option<String>,
    tracking: Option<String>,
) -> Reply<Draft> {
    let shipment = carrier.as_deref().zip(tracking.as_deref());
    Ok(state
        .vefa()
        .await?
        .draft_order_message(id, kind, shipment)
        .await?)
}

#[tauri::command]
#[specta::specta]
pub async fn act_on_order(
    state: State<'_, AppState>,
    id: i32,
    act: Act,
    message: Option<Draft>,
) -> Reply<Order> {
    let order = state
        .vefa()
        .await?
        .act_on_order_with_message(id, &act, message.as_ref())
        .await?;
    if message.is_some() {
        state.sender.nudge();
    }
    Ok(order)
}

#[tauri::command]
#[specta::specta]
pub async fn open_order_problem(
    state: State<'_, AppState>,
    id: i32,
    kind: ProblemKind,
    note: String,
    message: Option<Draft>,
) -> Reply<Order> {
    let order = state
        .vefa()
        .await?
        .open_order_problem_with_message(id, kind, &note, message.as_ref())
        .await?;
    if message.is_some() {
        state.sender.nudge();
    }
    Ok(order)
}

#[tauri::command]
#[specta::specta]
pub async fn resolve_order_problem(
    state: State<'_, AppState>,
    id: i32,
    problem_id: i32,
    resolution: String,
) -> Reply<Order> {
    Ok(state
        .vefa()
        .await?
        .resolve_order_problem(id, problem_id, &resolution)
        .await?)
}

#[tauri::command]
#[specta::specta]
pub async fn note_order(state: State<'_, AppState>, id: i32, text: String) -> Reply<Order> {
    Ok(state.vefa().await?.note_order(id, &text).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn order_messages(state: State<'_, AppState>, id: i32) -> Reply<Vec<OutboxEntry>> {
    Ok(state.vefa().await?.outbox(Some(id)).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn act_on_message(
    state: State<'_, AppState>,
    id: i32,
    action: MessageAction,
) -> Reply<OutboxEntry> {
    let entry = state.vefa().await?.act_on_message(id, action).await?;
    state.sender.nudge();
    Ok(entry)
}

/// The dashboard's "today": orders waiting, to ship, late, due; problems; returns.
#[tauri::command]
#[specta::specta]
pub async fn orders_today(state: State<'_, AppState>) -> Reply<Today> {
    Ok(state.vefa().await?.today().await?)
}

#[tauri::command]
#[specta::specta]
pub async fn get_smtp(state: State<'_, AppState>) -> Reply<SmtpView> {
    Ok(state
        .vefa()
        .await?
        .smtp_view(&Keychain::new(vefa::APP_ID))
        .await?)
}

/// Saves the SMTP server; a password given goes to the OS keychain, never the store.
#[tauri::command]
#[specta::specta]
pub async fn save_smtp(
    state: State<'_, AppState>,
    settings: SmtpSettings,
    password: Option<String>,
) -> Reply<SmtpView> {
    let vefa = state.vefa().await?;
    let keychain = Keychain::new(vefa::APP_ID);
    vefa.save_smtp_login(&settings, password.as_deref(), &keychain)
        .await?;
    state.sender.nudge();
    Ok(vefa.smtp_view(&keychain).await?)
}

/// The connected marketplaces, what waits for them, and the last sync.
#[tauri::command]
#[specta::specta]
pub async fn marketplaces(state: State<'_, AppState>) -> Reply<Marketplaces> {
    state.syncer.view(state.vefa().await?).await
}

/// "Try Vefa with a sandbox shop": starts it inside the app, connects it and syncs.
#[tauri::command]
#[specta::specta]
pub async fn start_sandbox_shop(state: State<'_, AppState>) -> Reply<Marketplaces> {
    let vefa = state.vefa().await?;
    state.syncer.start_sandbox(vefa).await?;
    state.syncer.view(vefa).await
}

/// "Connect an Etsy shop": the consent page in the system browser, the approval back on the
/// loopback address, then a first sync.
#[tauri::command]
#[specta::specta]
pub async fn connect_etsy(state: State<'_, AppState>, login: EtsyLogin) -> Reply<Marketplaces> {
    let vefa = state.vefa().await?;
    state.syncer.connect_etsy(vefa, login).await?;
    state.syncer.view(vefa).await
}

/// Gives up waiting for the seller's approval on Etsy: the waiting `connect_etsy` ends with
/// `marketplace_login_cancelled`, having stored nothing.
#[tauri::command]
#[specta::specta]
pub async fn cancel_connect(state: State<'_, AppState>) -> Reply<()> {
    state.vefa().await?.cancel_login();
    Ok(())
}

/// "Sync now".
#[tauri::command]
#[specta::specta]
pub async fn sync_now(state: State<'_, AppState>) -> Reply<Marketplaces> {
    let vefa = state.vefa().await?;
    state.syncer.round(vefa).await?;
    state.syncer.view(vefa).await
}

/// "Try again" on a change the marketplace did not take: it goes with the next sync, which
/// runs now.
#[tauri::command]
#[specta::specta]
pub async fn retry_push(state: State<'_, AppState>, id: i32) -> Reply<Marketplaces> {
    let vefa = state.vefa().await?;
    vefa.retry_push(id).await?;
    state.syncer.round(vefa).await?;
    state.syncer.view(vefa).await
}

/// Listing fields changed both here and on a marketplace (of one listing, or all).
#[tauri::command]
#[specta::specta]
pub async fn listing_conflicts(
    state: State<'_, AppState>,
    listing_id: Option<i32>,
) -> Reply<Vec<ListingConflict>> {
    Ok(state.vefa().await?.listing_conflicts(listing_id).await?)
}

/// The seller's side of a conflict; returns the listing as it now is.
#[tauri::command]
#[specta::specta]
pub async fn resolve_listing_conflict(
    state: State<'_, AppState>,
    id: i32,
    choice: Choice,
) -> Reply<Listing> {
    Ok(state
        .vefa()
        .await?
        .resolve_listing_conflict(id, choice)
        .await?)
}

#[tauri::command]
#[specta::specta]
pub async fn get_team(state: State<'_, AppState>) -> Reply<Vec<String>> {
    Ok(state.vefa().await?.team().await?)
}

#[tauri::command]
#[specta::specta]
pub async fn save_team(state: State<'_, AppState>, names: Vec<String>) -> Reply<Vec<String>> {
    Ok(state.vefa().await?.save_team(&names).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn inspection_templates(state: State<'_, AppState>) -> Reply<Vec<Template>> {
    Ok(state.vefa().await?.inspection_templates().await?)
}

#[tauri::command]
#[specta::specta]
pub async fn save_inspection_template(
    state: State<'_, AppState>,
    family: String,
    steps: Vec<Step>,
) -> Reply<Template> {
    Ok(state
        .vefa()
        .await?
        .save_inspection_template(&family, &steps)
        .await?)
}

#[tauri::command]
#[specta::specta]
pub async fn reset_inspection_template(state: State<'_, AppState>, family: String) -> Reply<()> {
    Ok(state
        .vefa()
        .await?
        .reset_inspection_template(&family)
        .await?)
}

#[tauri::command]
#[specta::specta]
pub async fn get_inspection(state: State<'_, AppState>, order_id: i32) -> Reply<Inspection> {
    Ok(state.vefa().await?.inspection(order_id).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn inspect(
    state: State<'_, AppState>,
    order_id: i32,
    op: InspectionOp,
    packer: Option<String>,
    message: Option<Draft>,
) -> Reply<Inspected> {
    let done = state
        .vefa()
        .await?
        .inspect(order_id, &op, packer.as_deref(), message.as_ref())
        .await?;
    if message.is_some() {
        state.sender.nudge();
    }
    Ok(done)
}

#[tauri::command]
#[specta::specta]
pub async fn inspection_photo(
    state: State<'_, AppState>,
    order_id: i32,
    key: String,
    upload: PhotoUpload,
    packer: Option<String>,
) -> Reply<Inspected> {
    Ok(state
        .vefa()
        .await?
        .inspection_photo(order_id, &key, &upload, packer.as_deref())
        .await?)
}

/// The batch's paperwork, written to the app's `print` folder and opened in the system browser,
/// which prints it (or saves a PDF). `opened` is false when no browser could be started: the
/// window then shows where the files are.
#[derive(Debug, Clone, Serialize, Type)]
pub struct PrintReply {
    pub printed: Printed,
    pub opened: bool,
}

#[tauri::command]
#[specta::specta]
pub async fn print_packing(state: State<'_, AppState>, order_ids: Vec<i32>) -> Reply<PrintReply> {
    let printed = state.vefa().await?.print_packing(&order_ids, None).await?;
    let opened = [&printed.pick_list_file, &printed.slips_file]
        .iter()
        .all(|f| open::that_detached(f.as_str()).is_ok());
    Ok(PrintReply { printed, opened })
}

#[tauri::command]
#[specta::specta]
pub async fn inspection_week(state: State<'_, AppState>) -> Reply<Week> {
    Ok(state.vefa().await?.inspection_week(None).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn list_customers(
    state: State<'_, AppState>,
    search: String,
    limit: u32,
) -> Reply<CustomerPage> {
    Ok(state.vefa().await?.customers(&search, limit).await?)
}

/// A buyer's profile with their points ledger and coupons.
#[derive(Debug, Clone, Serialize, Type)]
pub struct CustomerView {
    pub profile: CustomerProfile,
    pub ledger: Vec<Entry>,
    pub coupons: Vec<Coupon>,
    /// Their entries in the complaint and suggestion book.
    pub feedback: Vec<Feedback>,
}

async fn customer_view(vefa: &vefa::Vefa, id: i32) -> vefa::Result<CustomerView> {
    Ok(CustomerView {
        profile: vefa.customer(id).await?,
        ledger: vefa.loyalty_ledger(id).await?,
        coupons: vefa.coupons(Some(id)).await?,
        feedback: vefa.feedback(false, Some(id)).await?,
    })
}

#[tauri::command]
#[specta::specta]
pub async fn get_customer(state: State<'_, AppState>, id: i32) -> Reply<CustomerView> {
    Ok(customer_view(state.vefa().await?, id).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn adjust_points(
    state: State<'_, AppState>,
    id: i32,
    points: i32,
    reason: String,
) -> Reply<CustomerView> {
    let vefa = state.vefa().await?;
    vefa.adjust_points(id, i64::from(points), &reason).await?;
    Ok(customer_view(vefa, id).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn coupon_from_points(
    state: State<'_, AppState>,
    id: i32,
    points: i32,
) -> Reply<CustomerView> {
    let vefa = state.vefa().await?;
    vefa.coupon_from_points(id, i64::from(points)).await?;
    Ok(customer_view(vefa, id).await?)
}

/// Corrects a buyer's name, contacts, language and notes.
#[tauri::command]
#[specta::specta]
pub async fn update_customer(
    state: State<'_, AppState>,
    id: i32,
    edit: CustomerEdit,
) -> Reply<CustomerView> {
    let vefa = state.vefa().await?;
    vefa.update_customer(id, &edit).await?;
    Ok(customer_view(vefa, id).await?)
}

/// Merges the duplicate record `gone` into `keep`; answers the kept buyer.
#[tauri::command]
#[specta::specta]
pub async fn merge_customers(
    state: State<'_, AppState>,
    keep: i32,
    gone: i32,
) -> Reply<CustomerView> {
    let vefa = state.vefa().await?;
    vefa.merge_customers(keep, gone).await?;
    Ok(customer_view(vefa, keep).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn offer_suggestions(
    state: State<'_, AppState>,
    id: i32,
    limit: u32,
) -> Reply<Vec<Suggestion>> {
    Ok(state.vefa().await?.offer_suggestions(id, limit).await?)
}

/// The offer's message as it would go, with `{code}` where its code will be.
#[tauri::command]
#[specta::specta]
pub async fn draft_offer(state: State<'_, AppState>, input: OfferInput) -> Reply<Draft> {
    Ok(state.vefa().await?.draft_offer(&input).await?)
}

/// Makes the offer (its coupon, and `message` or the default one queued) and wakes the sender.
#[tauri::command]
#[specta::specta]
pub async fn make_offer(
    state: State<'_, AppState>,
    input: OfferInput,
    message: Option<Draft>,
) -> Reply<Offer> {
    let offer = state
        .vefa()
        .await?
        .make_offer(&input, message.as_ref())
        .await?;
    state.sender.nudge();
    Ok(offer)
}

#[tauri::command]
#[specta::specta]
pub async fn loyalty_rules(state: State<'_, AppState>) -> Reply<LoyaltyRules> {
    Ok(state.vefa().await?.loyalty_rules().await?)
}

#[tauri::command]
#[specta::specta]
pub async fn save_loyalty_rules(
    state: State<'_, AppState>,
    rules: LoyaltyRules,
) -> Reply<LoyaltyRules> {
    Ok(state.vefa().await?.save_loyalty_rules(&rules).await?)
}

/// The complaint and suggestion book, newest first.
#[tauri::command]
#[specta::specta]
pub async fn list_feedback(state: State<'_, AppState>, open_only: bool) -> Reply<Vec<Feedback>> {
    Ok(state.vefa().await?.feedback(open_only, None).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn add_feedback(state: State<'_, AppState>, input: FeedbackInput) -> Reply<Feedback> {
    Ok(state.vefa().await?.add_feedback(&input).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn resolve_feedback(
    state: State<'_, AppState>,
    id: i32,
    action: String,
) -> Reply<Feedback> {
    Ok(state.vefa().await?.resolve_feedback(id, &action).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn compensate_feedback(
    state: State<'_, AppState>,
    id: i32,
    apology: Apology,
) -> Reply<Feedback> {
    Ok(state
        .vefa()
        .await?
        .compensate_feedback(id, &apology)
        .await?)
}

/// The follow-ups due after delivery, and those asked awaiting an answer.
#[tauri::command]
#[specta::specta]
pub async fn list_follow_ups(state: State<'_, AppState>) -> Reply<FollowUpQueue> {
    Ok(state.vefa().await?.follow_ups().await?)
}

#[tauri::command]
#[specta::specta]
pub async fn draft_follow_up(state: State<'_, AppState>, order_id: i32) -> Reply<Draft> {
    Ok(state.vefa().await?.draft_follow_up(order_id).await?)
}

/// Marks the follow-up asked, queueing `message` (none when asked by phone).
#[tauri::command]
#[specta::specta]
pub async fn send_follow_up(
    state: State<'_, AppState>,
    order_id: i32,
    message: Option<Draft>,
) -> Reply<FollowUp> {
    Ok(state
        .vefa()
        .await?
        .send_follow_up(order_id, message.as_ref())
        .await?)
}

#[tauri::command]
#[specta::specta]
pub async fn answer_follow_up(
    state: State<'_, AppState>,
    order_id: i32,
    score: u8,
    comment: String,
) -> Reply<FollowUp> {
    Ok(state
        .vefa()
        .await?
        .answer_follow_up(order_id, score, &comment)
        .await?)
}

#[tauri::command]
#[specta::specta]
pub async fn dismiss_follow_up(state: State<'_, AppState>, order_id: i32) -> Reply<FollowUp> {
    Ok(state.vefa().await?.dismiss_follow_up(order_id).await?)
}

fn week(text: Option<String>) -> vefa::Result<Option<IsoWeek>> {
    text.filter(|w| !w.trim().is_empty())
        .map(|w| IsoWeek::parse(&w).map_err(|e| vefa::Error::Validation(vec![e])))
        .transpose()
}

/// The weekly review of `week` ("2026-W47"; the last complete week when None).
#[tauri::command]
#[specta::specta]
pub async fn weekly_review(
    state: State<'_, AppState>,
    week: Option<String>,
) -> Reply<WeeklyReview> {
    Ok(state.vefa().await?.weekly_review(self::week(week)?).await?)
}

/// The review as a page in the `print` folder, opened in the system browser to print or save
/// as PDF; `opened` is false when no browser could be started.
#[derive(Debug, Clone, Serialize, Type)]
pub struct PrintedPage {
    pub file: String,
    pub opened: bool,
}

#[tauri::command]
#[specta::specta]
pub async fn print_weekly_review(
    state: State<'_, AppState>,
    week: Option<String>,
) -> Reply<PrintedPage> {
    let file = state
        .vefa()
        .await?
        .print_weekly_review(self::week(week)?, None)
        .await?;
    let opened = open::that_detached(&file).is_ok();
    Ok(PrintedPage {
        file: file.display().to_string(),
        opened,
    })
}
