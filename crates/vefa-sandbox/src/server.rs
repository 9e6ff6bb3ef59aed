//! The sandbox marketplace as an HTTP server on 127.0.0.1: the subset of Etsy's Open API v3 that
//! Vefa uses, with its OAuth (an authorize page that approves at once, and the token endpoint),
//! Etsy's rate-limit headers, state kept while it runs, new receipts on a timer, and faults on
//! request. Every answer is shaped as the OpenAPI file documents it (the sync tests check).

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, patch, post};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::data::{self, SandboxListing, money};
use crate::faults::{Fault, Faults};
use vefa::marketplaces::etsy::wire::{
    ListingImage, ListingInventory, ListingInventoryProduct, ListingInventoryProductOffering,
    ListingPropertyValue, Page, ShopListing, ShopReceipt,
};

/// How the sandbox shop starts and behaves.
#[derive(Debug, Clone)]
pub struct SandboxConfig {
    /// 0: any free port.
    pub port: u16,
    pub shop_name: String,
    pub listings: usize,
    pub orders: usize,
    /// A new receipt this often, when set.
    pub order_every: Option<Duration>,
    pub faults: Faults,
    pub seed: u64,
    /// Keep every request and answer for the tests to check against the OpenAPI file.
    pub record: bool,
    /// Etsy's defaults: 10 a second, 10 000 a day.
    pub per_second: u32,
    pub per_day: u64,
    pub token_ttl: Duration,
    /// How late a slow answer is, and how long a "timeout" holds the connection.
    pub slow: Duration,
    pub hold: Duration,
    /// Refuse tracking codes, as Etsy does for new connections in several countries.
    pub refuse_tracking: bool,
    /// Reviews left on the shop's listings.
    pub reviews: usize,
    /// Listings have pictures (up to three each).
    pub pictures: bool,
}

impl Default for SandboxConfig {
    fn default() -> Self {
        Self {
            port: 0,
            shop_name: "Vefa Sandbox".into(),
            listings: 40,
            orders: 25,
            order_every: None,
            faults: Faults::none(),
            seed: 7,
            record: false,
            per_second: 10,
            per_day: 10_000,
            token_ttl: Duration::from_secs(3600),
            slow: Duration::from_secs(2),
            hold: Duration::from_secs(30),
            refuse_tracking: false,
            reviews: 60,
            pictures: true,
        }
    }
}

/// One call as the sandbox saw it: what was asked and what it answered.
#[derive(Debug, Clone)]
pub struct Exchange {
    pub operation: &'static str,
    pub method: &'static str,
    pub path: String,
    pub query: Vec<(String, String)>,
    /// The request's body as JSON: a form as an object of its fields (Etsy's comma-separated
    /// lists as arrays), or the JSON sent.
    pub body: Option<Value>,
    /// `application/x-www-form-urlencoded` or `application/json`, when there is a body.
    pub body_type: &'static str,
    pub status: u16,
    /// The answer's JSON; `None` when a fault made it unreadable on purpose.
    pub response: Option<Value>,
    pub fault: Option<Fault>,
}

const USER_ID: i64 = 7001;
const SHOP_ID: i64 = 7001;

/// A review of one of the shop's listings.
#[derive(Debug, Clone, serde::Serialize)]
pub struct SandboxReview {
    pub shop_id: i64,
    pub listing_id: i64,
    pub rating: i64,
    pub review: String,
    pub language: String,
    pub create_timestamp: i64,
    pub created_timestamp: i64,
    pub update_timestamp: i64,
    pub updated_timestamp: i64,
}

const REVIEW_TEXTS: [(&str, &str); 4] = [
    ("tr", "Çok güzel, özenle paketlenmişti. Teşekkürler!"),
    ("az", "Çox gözəldir, vaxtında çatdı."),
    ("fa", "عالی بود، ممنون از بسته‌بندی دقیق."),
    ("en", "Lovely piece, arrived quickly."),
];

fn review(listing_id: i64, k: usize, rating: i64, at: i64) -> SandboxReview {
    let (language, text) = REVIEW_TEXTS[k % REVIEW_TEXTS.len()];
    SandboxReview {
        shop_id: SHOP_ID,
        listing_id,
        rating,
        review: text.to_owned(),
        language: language.to_owned(),
        create_timestamp: at,
        created_timestamp: at,
        update_timestamp: at,
        updated_timestamp: at,
    }
}

struct Shop {
    reviews: Vec<SandboxReview>,
    listings: Vec<SandboxListing>,
    receipts: BTreeMap<i64, ShopReceipt>,
    next_k: u64,
}

struct Pending {
    challenge: String,
    redirect_uri: String,
}

#[derive(Default)]
struct Tokens {
    codes: HashMap<String, Pending>,
    /// Access token → when it expires (Unix seconds).
    access: HashMap<String, i64>,
    refresh: HashMap<String, ()>,
}

struct Planted {
    operation: Option<&'static str>,
    status: u16,
    body: Vec<u8>,
}

struct Inner {
    config: SandboxConfig,
    shop: Mutex<Shop>,
    faults: Mutex<Faults>,
    rng: Mutex<fastrand::Rng>,
    tokens: Mutex<Tokens>,
    log: Mutex<Vec<Exchange>>,
    calls: AtomicU64,
    /// The current second and how many calls it has had.
    second: Mutex<(i64, u32)>,
    /// Raw answers to give instead of the next calls' (hostile-response tests), each for any
    /// call or for one operation.
    planted: Mutex<VecDeque<Planted>>,
    refuse_tracking: AtomicBool,
    /// Pictures are answered with an error page (a broken file host), for tests.
    pictures_broken: AtomicBool,
    /// `http://127.0.0.1:PORT`, known once bound: pictures are served from there.
    base: std::sync::OnceLock<String>,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panic in another handler does not make the shop's state unusable.
    m.lock().unwrap_or_else(|p| p.into_inner())
}

fn unix_now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

/// Receipt numbers for new receipts: tenths of a second since 2026, above any seeded shop's.
fn fresh_k() -> u64 {
    let tenths = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() / 100)
        .unwrap_or(0) as u64;
    tenths.saturating_sub(17_672_256_000) + 1_000_000
}

fn token(rng: &mut fastrand::Rng) -> String {
    (0..32).map(|_| rng.alphanumeric()).collect::<String>()
}

/// A running sandbox; it stops when dropped or with [`Sandbox::stop`].
pub struct Sandbox {
    addr: SocketAddr,
    inner: Arc<Inner>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    tasks: Vec<tokio::task::JoinHandle<()>>,
}

impl Sandbox {
    /// Seeds the shop and starts serving on 127.0.0.1.
    pub async fn start(config: SandboxConfig) -> std::io::Result<Sandbox> {
        let mut listings = data::listings(config.seed, config.listings);
        if !config.pictures {
            listings.iter_mut().for_each(|l| l.images.clear());
        }
        let now = unix_now();
        // Listings were last edited over the last 60 days, the newest last.
        let n = listings.len().max(1) as i64;
        for (i, l) in listings.iter_mut().enumerate() {
            l.updated_timestamp = now - 60 * 86_400 + (i as i64 * 60 * 86_400) / n;
        }
        // The seeded receipts are spread over the last 30 days, a few sharing a second.
        let span = 30 * 86_400;
        let receipts = (0..config.orders as u64)
            .map(|k| {
                let at = now - span + (k as i64 * span) / (config.orders.max(1) as i64);
                let r = data::receipt(config.seed, k, at, &listings);
                (r.receipt_id, r)
            })
            .collect();
        let mut rng = fastrand::Rng::with_seed(config.seed ^ 0x4e71e);
        let reviews = if listings.is_empty() {
            vec![]
        } else {
            (0..config.reviews)
                .map(|k| {
                    let l = &listings[(k * 7) % listings.len()];
                    let at = now - span + (k as i64 * span) / (config.reviews.max(1) as i64);
                    review(l.listing_id, k, rng.i64(3..=5), at)
                })
                .collect()
        };
        let seeded = Shop {
            reviews,
            listings,
            receipts,
            next_k: config.orders as u64,
        };
        let inner = Arc::new(Inner::new(config, seeded));
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", inner.config.port)).await?;
        let addr = listener.local_addr()?;
        let _ = inner.base.set(format!("http://{addr}"));
        let app = Router::new()
            .route("/oauth/connect", get(authorize))
            .route("/v3/public/oauth/token", post(token_endpoint))
            .route("/v3/application/openapi-ping", get(ping))
            .route("/v3/application/users/me", get(me))
            .route("/v3/application/shops/{shop_id}", get(shop))
            .route(
                "/v3/application/shops/{shop_id}/receipts",
                get(receipts_route),
            )
            .route(
                "/v3/application/shops/{shop_id}/receipts/{receipt_id}/tracking",
                post(tracking_route),
            )
            .route(
                "/v3/application/shops/{shop_id}/listings",
                get(listings_route),
            )
            .route(
                "/v3/application/shops/{shop_id}/reviews",
                get(reviews_route),
            )
            .route(
                "/v3/application/shops/{shop_id}/listings/{listing_id}",
                patch(update_listing_route),
            )
            .route("/images/{id}/{file}", get(picture_route))
            .route(
                "/v3/application/listings/{listing_id}/inventory",
                get(inventory_route).put(update_inventory_route),
            )
            .with_state(inner.clone());
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let mut tasks = vec![tokio::spawn(async move {
            let serve = axum::serve(listener, app).with_graceful_shutdown(async {
                let _ = stopped.await;
            });
            if let Err(e) = serve.await {
                tracing::warn!(error = %e, "sandbox server");
            }
        })];
        if let Some(every) = inner.config.order_every {
            let timer = inner.clone();
            tasks.push(tokio::spawn(async move {
                let mut tick = tokio::time::interval(every);
                tick.tick().await;
                loop {
                    tick.tick().await;
                    timer.add_receipts(1);
                }
            }));
        }
        Ok(Sandbox {
            addr,
            inner,
            stop: Some(stop),
            tasks,
        })
    }

    /// `http://127.0.0.1:PORT`, the base of both the API and the authorize page.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn shop_id(&self) -> i64 {
        SHOP_ID
    }

    /// API calls answered so far (OAuth not counted), faults included.
    pub fn calls(&self) -> u64 {
        self.inner.calls.load(Ordering::Relaxed)
    }

    /// Every call so far, when recording.
    pub fn exchanges(&self) -> Vec<Exchange> {
        lock(&self.inner.log).clone()
    }

    pub fn set_faults(&self, faults: Faults) {
        *lock(&self.inner.faults) = faults;
    }

    /// The next API call is answered with `body` and `status` instead, whatever it asked.
    pub fn plant(&self, status: u16, body: Vec<u8>) {
        lock(&self.inner.planted).push_back(Planted {
            operation: None,
            status,
            body,
        });
    }

    /// The next call of `operation` (an OpenAPI operation id) is answered so instead.
    pub fn plant_for(&self, operation: &'static str, status: u16, body: Vec<u8>) {
        lock(&self.inner.planted).push_back(Planted {
            operation: Some(operation),
            status,
            body,
        });
    }

    /// New receipts placed now; returns their ids.
    pub fn add_receipts(&self, n: usize) -> Vec<i64> {
        (0..n).map(|_| self.inner.add_receipts(1)).collect()
    }

    /// Changes a receipt as the marketplace would (its update time moves to now); false when
    /// there is no such receipt.
    pub fn update_receipt(&self, id: i64, change: impl FnOnce(&mut ShopReceipt)) -> bool {
        let mut shop = lock(&self.inner.shop);
        let Some(r) = shop.receipts.get_mut(&id) else {
            return false;
        };
        change(r);
        r.updated_timestamp = unix_now().max(r.updated_timestamp);
        true
    }

    /// Changes a receipt the way Etsy changes a ship-by date: without moving its update time.
    pub fn edit_receipt_quietly(&self, id: i64, change: impl FnOnce(&mut ShopReceipt)) -> bool {
        let mut shop = lock(&self.inner.shop);
        let Some(r) = shop.receipts.get_mut(&id) else {
            return false;
        };
        change(r);
        true
    }

    /// Breaks the picture host (every picture answers an error page) or mends it.
    pub fn break_pictures(&self, broken: bool) {
        self.inner.pictures_broken.store(broken, Ordering::Relaxed);
    }

    /// Changes a listing as the seller would on the marketplace (its update time moves to now);
    /// false when there is no such listing.
    pub fn update_listing(&self, id: i64, change: impl FnOnce(&mut SandboxListing)) -> bool {
        let mut shop = lock(&self.inner.shop);
        let Some(l) = shop.listings.iter_mut().find(|l| l.listing_id == id) else {
            return false;
        };
        change(l);
        l.updated_timestamp = unix_now().max(l.updated_timestamp);
        true
    }

    /// A buyer reviews listing `listing_id` now.
    pub fn add_review(&self, listing_id: i64, rating: i64) {
        let mut shop = lock(&self.inner.shop);
        let k = shop.reviews.len();
        shop.reviews.push(review(listing_id, k, rating, unix_now()));
    }

    /// The shop's reviews so far, oldest first.
    pub fn reviews(&self) -> Vec<SandboxReview> {
        lock(&self.inner.shop).reviews.clone()
    }

    /// The shop's listings as they are now.
    pub fn listings(&self) -> Vec<SandboxListing> {
        lock(&self.inner.shop).listings.clone()
    }

    /// A receipt as the shop has it now.
    pub fn receipt(&self, id: i64) -> Option<ShopReceipt> {
        lock(&self.inner.shop).receipts.get(&id).cloned()
    }

    pub fn receipt_ids(&self) -> Vec<i64> {
        lock(&self.inner.shop).receipts.keys().copied().collect()
    }

    pub async fn stop(mut self) {
        self.shutdown();
        for t in self.tasks.drain(..) {
            let _ = t.await;
        }
    }

    fn shutdown(&mut self) {
        if let Some(s) = self.stop.take() {
            let _ = s.send(());
        }
        // The timer never ends by itself.
        if self.tasks.len() > 1 {
            for t in &self.tasks[1..] {
                t.abort();
            }
        }
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        self.shutdown();
    }
}

impl Inner {
    fn new(config: SandboxConfig, shop: Shop) -> Self {
        Inner {
            shop: Mutex::new(shop),
            faults: Mutex::new(config.faults),
            rng: Mutex::new(fastrand::Rng::with_seed(config.seed ^ 0x5eed)),
            tokens: Mutex::new(Tokens::default()),
            log: Mutex::new(Vec::new()),
            calls: AtomicU64::new(0),
            second: Mutex::new((0, 0)),
            planted: Mutex::new(VecDeque::new()),
            refuse_tracking: AtomicBool::new(config.refuse_tracking),
            pictures_broken: AtomicBool::new(false),
            base: std::sync::OnceLock::new(),
            config,
        }
    }

    fn add_receipts(&self, n: usize) -> i64 {
        let mut shop = lock(&self.shop);
        let mut last = 0;
        for _ in 0..n {
            // Numbered from the clock as well, so that a sandbox started again (the app's,
            // on every launch) never gives a new receipt the number of an older one.
            let k = shop.next_k.max(fresh_k());
            shop.next_k = k + 1;
            let now = unix_now();
            let r = data::receipt(self.config.seed, k, now, &shop.listings);
            last = r.receipt_id;
            // A sale takes stock there, as on Etsy.
            for t in &r.transactions {
                for l in shop.listings.iter_mut() {
                    if let Some(p) = l
                        .products
                        .iter_mut()
                        .find(|p| Some(&p.sku) == t.sku.as_ref())
                    {
                        p.quantity = (p.quantity - t.quantity).max(0);
                        l.updated_timestamp = now.max(l.updated_timestamp);
                        // Etsy takes a listing off sale when its last one sells.
                        if l.state == "active" && l.quantity() == 0 {
                            l.state = "sold_out".into();
                        }
                    }
                }
            }
            shop.receipts.insert(r.receipt_id, r);
        }
        last
    }

    fn record(&self, e: Exchange) {
        if self.config.record {
            lock(&self.log).push(e);
        }
    }

    /// Counts the call against the limits; `Err` when it is over one of them.
    fn meter(&self) -> Result<(u32, u64), Box<Response>> {
        let day = self.calls.fetch_add(1, Ordering::Relaxed) + 1;
        let now = unix_now();
        let mut second = lock(&self.second);
        if second.0 != now {
            *second = (now, 0);
        }
        second.1 += 1;
        let left_second = self.config.per_second.saturating_sub(second.1);
        let left_day = self.config.per_day.saturating_sub(day);
        if second.1 > self.config.per_second || day > self.config.per_day {
            let mut r = error(StatusCode::TOO_MANY_REQUESTS, "Too many requests");
            if day <= self.config.per_day {
                r.headers_mut()
                    .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
            }
            self.limit_headers(&mut r, left_second, left_day);
            return Err(Box::new(r));
        }
        Ok((left_second, left_day))
    }

    fn limit_headers(&self, r: &mut Response, left_second: u32, left_day: u64) {
        let h = r.headers_mut();
        h.insert("x-limit-per-second", self.config.per_second.into());
        h.insert("x-remaining-this-second", left_second.into());
        h.insert("x-limit-per-day", self.config.per_day.into());
        h.insert("x-remaining-today", left_day.into());
    }

    /// The checks every API call passes: the API key, the bearer token when the operation
    /// needs one, the limits, a planted answer, a fault.
    async fn gate(&self, headers: &HeaderMap, needs_token: bool, operation: &str) -> Gate {
        let (left_second, left_day) = match self.meter() {
            Ok(l) => l,
            Err(r) => return Gate::Answer(*r, None),
        };
        let key_ok = headers
            .get("x-api-key")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split_once(':'))
            .is_some_and(|(k, s)| !k.is_empty() && !s.is_empty());
        if !key_ok {
            return Gate::Answer(
                error(
                    StatusCode::UNAUTHORIZED,
                    "x-api-key must be keystring:shared_secret",
                ),
                None,
            );
        }
        if needs_token {
            let bearer = headers
                .get(header::AUTHORIZATION)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.strip_prefix("Bearer "));
            let valid = bearer.is_some_and(|t| {
                lock(&self.tokens)
                    .access
                    .get(t)
                    .is_some_and(|&exp| exp > unix_now())
            });
            if !valid {
                return Gate::Answer(error(StatusCode::UNAUTHORIZED, "invalid_token"), None);
            }
        }
        let planted = {
            let mut planted = lock(&self.planted);
            planted
                .iter()
                .position(|p| p.operation.is_none_or(|o| o == operation))
                .and_then(|i| planted.remove(i))
                .map(|p| (p.status, p.body))
        };
        if let Some((status, body)) = planted {
            let r = (
                StatusCode::from_u16(status).unwrap_or(StatusCode::OK),
                [(header::CONTENT_TYPE, "application/json")],
                body,
            )
                .into_response();
            return Gate::Answer(r, None);
        }
        let draw = lock(&self.rng).f64();
        let fault = lock(&self.faults).pick(draw);
        match fault {
            Some(Fault::TooMany) => {
                let mut r = error(StatusCode::TOO_MANY_REQUESTS, "Too many requests");
                r.headers_mut()
                    .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
                self.limit_headers(&mut r, 0, left_day);
                return Gate::Answer(r, fault);
            }
            Some(Fault::ServerError) => {
                let r = error(StatusCode::INTERNAL_SERVER_ERROR, "Internal server error");
                return Gate::Answer(r, fault);
            }
            Some(Fault::Timeout) => {
                tokio::time::sleep(self.config.hold).await;
                let r = error(StatusCode::GATEWAY_TIMEOUT, "Gateway timeout");
                return Gate::Answer(r, fault);
            }
            Some(Fault::Slow) => tokio::time::sleep(self.config.slow).await,
            Some(Fault::Malformed) | None => {}
        }
        Gate::Pass(Passed {
            left_second,
            left_day,
            fault,
        })
    }

    /// Answers an API call that passed the gate: its JSON (cut off for a malformed fault),
    /// Etsy's limit headers, and the exchange recorded.
    fn answer(&self, mut call: Call, gate: Passed, status: StatusCode, body: Value) -> Response {
        let mut bytes = serde_json::to_vec(&body).unwrap_or_default();
        if gate.malformed() {
            bytes.truncate(bytes.len() / 2);
        }
        let mut r = (status, [(header::CONTENT_TYPE, "application/json")], bytes).into_response();
        self.limit_headers(&mut r, gate.left_second, gate.left_day);
        call.status = status.as_u16();
        call.response = (!gate.malformed()).then_some(body);
        call.fault = gate.fault;
        self.record(call);
        r
    }
}

enum Gate {
    Answer(Response, Option<Fault>),
    Pass(Passed),
}

struct Passed {
    left_second: u32,
    left_day: u64,
    /// A slow or malformed answer, if one was drawn.
    fault: Option<Fault>,
}

impl Passed {
    fn malformed(&self) -> bool {
        self.fault == Some(Fault::Malformed)
    }
}

/// What is known of a call before it is answered.
fn call(operation: &'static str, method: &'static str, path: String, query: &Query) -> Exchange {
    Exchange {
        operation,
        method,
        path,
        query: query.pairs.clone(),
        body: None,
        body_type: "",
        status: 0,
        response: None,
        fault: None,
    }
}

type Call = Exchange;

fn error(status: StatusCode, message: &str) -> Response {
    (status, axum::Json(json!({ "error": message }))).into_response()
}

/// Runs the gate; a call stopped there is recorded with what it was answered.
async fn pass(
    inner: &Inner,
    headers: &HeaderMap,
    needs_token: bool,
    mut call: Call,
) -> Result<(Call, Passed), Response> {
    match inner.gate(headers, needs_token, call.operation).await {
        Gate::Pass(passed) => Ok((call, passed)),
        Gate::Answer(r, fault) => {
            call.status = r.status().as_u16();
            call.fault = fault;
            // Error bodies made here are ErrorSchema JSON; planted ones may be anything.
            call.response = None;
            inner.record(call);
            Err(r)
        }
    }
}

struct Query {
    pairs: Vec<(String, String)>,
}

impl Query {
    fn parse(raw: Option<String>) -> Self {
        let pairs = raw
            .map(|q| {
                form_urlencoded::parse(q.as_bytes())
                    .into_owned()
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default();
        Self { pairs }
    }

    fn get(&self, name: &str) -> Option<&str> {
        self.pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    fn int(&self, name: &str, min: i64, max: i64) -> Result<Option<i64>, String> {
        match self.get(name) {
            None => Ok(None),
            Some(v) => v
                .parse::<i64>()
                .ok()
                .filter(|n| (min..=max).contains(n))
                .map(Some)
                .ok_or_else(|| format!("{name} must be an integer from {min} to {max}")),
        }
    }

    fn boolean(&self, name: &str) -> Result<Option<bool>, String> {
        match self.get(name) {
            None => Ok(None),
            Some("true") => Ok(Some(true)),
            Some("false") => Ok(Some(false)),
            Some(_) => Err(format!("{name} must be true or false")),
        }
    }
}

async fn ping(State(inner): State<Arc<Inner>>, headers: HeaderMap) -> Response {
    let c = call(
        "ping",
        "GET",
        "/v3/application/openapi-ping".into(),
        &Query::parse(None),
    );
    match pass(&inner, &headers, false, c).await {
        Ok((c, g)) => inner.answer(c, g, StatusCode::OK, json!({ "application_id": 1 })),
        Err(r) => r,
    }
}

async fn me(State(inner): State<Arc<Inner>>, headers: HeaderMap) -> Response {
    let c = call(
        "getMe",
        "GET",
        "/v3/application/users/me".into(),
        &Query::parse(None),
    );
    match pass(&inner, &headers, true, c).await {
        Ok((c, g)) => inner.answer(
            c,
            g,
            StatusCode::OK,
            json!({ "user_id": USER_ID, "shop_id": SHOP_ID }),
        ),
        Err(r) => r,
    }
}

async fn shop(
    State(inner): State<Arc<Inner>>,
    Path(shop_id): Path<String>,
    headers: HeaderMap,
) -> Response {
    let c = call(
        "getShop",
        "GET",
        format!("/v3/application/shops/{shop_id}"),
        &Query::parse(None),
    );
    let (c, g) = match pass(&inner, &headers, false, c).await {
        Ok(p) => p,
        Err(r) => return r,
    };
    if shop_id.parse::<i64>().ok() != Some(SHOP_ID) {
        let body = json!({ "error": format!("Shop {shop_id} not found") });
        return inner.answer(c, g, StatusCode::NOT_FOUND, body);
    }
    let body = json!({
        "shop_id": SHOP_ID,
        "user_id": USER_ID,
        "shop_name": inner.config.shop_name,
        "currency_code": data::CURRENCY,
        "listing_active_count": lock(&inner.shop).listings.len(),
    });
    inner.answer(c, g, StatusCode::OK, body)
}

#[derive(Clone, Copy, PartialEq)]
enum SortOn {
    Created,
    Updated,
    ReceiptId,
}

/// Opens a call on the shop's resource `path` (below `/v3/application/shops/{shop_id}`): runs the
/// gate and answers 404 for another shop. `Err` is the answer already given.
async fn shop_call(
    inner: &Inner,
    headers: &HeaderMap,
    (operation, method, needs_token): (&'static str, &'static str, bool),
    shop_id: &str,
    path: &str,
    q: &Query,
    body: Option<Value>,
) -> Result<(Call, Passed), Response> {
    let mut c = call(
        operation,
        method,
        format!("/v3/application/shops/{shop_id}{path}"),
        q,
    );
    if body.is_some() {
        // Every body below a shop is a form.
        c.body_type = FORM;
    }
    c.body = body;
    let (c, g) = pass(inner, headers, needs_token, c).await?;
    if shop_id.parse::<i64>().ok() != Some(SHOP_ID) {
        let body = json!({ "error": format!("Shop {shop_id} not found") });
        return Err(inner.answer(c, g, StatusCode::NOT_FOUND, body));
    }
    Ok((c, g))
}

/// A paged read of the shop's resource `path`: the gate, then the page as JSON, or 400 with why
/// the query was wrong.
async fn page_route<T: serde::Serialize>(
    inner: &Inner,
    headers: &HeaderMap,
    op: (&'static str, &'static str, bool),
    shop_id: &str,
    path: &str,
    raw: Option<String>,
    page: fn(&Inner, &Query) -> Result<T, String>,
) -> Response {
    let q = Query::parse(raw);
    let (c, g) = match shop_call(inner, headers, op, shop_id, path, &q, None).await {
        Ok(call) => call,
        Err(r) => return r,
    };
    match page(inner, &q) {
        Ok(page) => {
            let body = serde_json::to_value(&page).unwrap_or(Value::Null);
            inner.answer(c, g, StatusCode::OK, body)
        }
        Err(why) => inner.answer(c, g, StatusCode::BAD_REQUEST, json!({ "error": why })),
    }
}

async fn receipts_route(
    State(inner): State<Arc<Inner>>,
    Path(shop_id): Path<String>,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> Response {
    let op = ("getShopReceipts", "GET", true);
    page_route(
        &inner,
        &headers,
        op,
        &shop_id,
        "/receipts",
        raw,
        receipts_page,
    )
    .await
}

/// What a listings call asked to have attached.
#[derive(Debug, Clone, Copy)]
struct Includes<'a> {
    inventory: bool,
    /// The base of the pictures' addresses, when they were asked for.
    images: Option<&'a str>,
}

fn shop_listing(l: &SandboxListing, with: Includes<'_>) -> ShopListing {
    ShopListing {
        listing_id: l.listing_id,
        title: l.title.clone(),
        description: l.description.clone(),
        state: l.state.clone(),
        quantity: l.quantity(),
        price: money(l.price_minor()),
        tags: l.tags.clone(),
        materials: l.materials.clone(),
        skus: l.products.iter().map(|p| p.sku.clone()).collect(),
        updated_timestamp: l.updated_timestamp,
        inventory: with.inventory.then(|| listing_inventory(l)),
        images: with.images.map(|base| {
            l.images
                .iter()
                .enumerate()
                .map(|(rank, i)| ListingImage {
                    listing_image_id: i.id,
                    rank: rank as i64 + 1,
                    url_fullxfull: format!("{base}/images/{}/{}x{}.png", i.id, i.width, i.height),
                    full_width: Some(i64::from(i.width)),
                    full_height: Some(i64::from(i.height)),
                })
                .collect()
        }),
    }
}

/// A listing picture, as Etsy's file host serves it: no key needed, not an API call (not
/// metered or recorded), but faults are drawn for it as for one. A 200 that is not a picture
/// (a host's error page) stands for a malformed answer.
async fn picture_route(
    State(inner): State<Arc<Inner>>,
    Path((id, file)): Path<(i64, String)>,
) -> Response {
    let size = file
        .strip_suffix(".png")
        .and_then(|s| s.split_once('x'))
        .and_then(|(w, h)| Some((w.parse::<u32>().ok()?, h.parse::<u32>().ok()?)))
        .filter(|&(w, h)| (1..=4000).contains(&w) && (1..=4000).contains(&h));
    let Some((width, height)) = size else {
        return error(StatusCode::NOT_FOUND, "no such picture");
    };
    let draw = lock(&inner.rng).f64();
    let mut fault = lock(&inner.faults).pick(draw);
    if inner.pictures_broken.load(Ordering::Relaxed) {
        fault = Some(Fault::Malformed);
    }
    match fault {
        Some(Fault::TooMany) => return error(StatusCode::SERVICE_UNAVAILABLE, "Busy"),
        Some(Fault::ServerError) => {
            return error(StatusCode::INTERNAL_SERVER_ERROR, "Internal server error");
        }
        Some(Fault::Timeout) => {
            tokio::time::sleep(inner.config.hold).await;
            return error(StatusCode::GATEWAY_TIMEOUT, "Gateway timeout");
        }
        Some(Fault::Slow) => tokio::time::sleep(inner.config.slow).await,
        Some(Fault::Malformed) => {
            let page = "<html><body>Something went wrong</body></html>";
            return ([(header::CONTENT_TYPE, "text/html")], page).into_response();
        }
        None => {}
    }
    let bytes = data::picture(id, width, height);
    ([(header::CONTENT_TYPE, "image/png")], bytes).into_response()
}

fn listing_inventory(l: &SandboxListing) -> ListingInventory {
    let sized = l.products.iter().any(|p| p.size.is_some());
    let on = |yes: bool| {
        if yes {
            vec![data::SIZE_PROPERTY]
        } else {
            vec![]
        }
    };
    let prices_differ = l
        .products
        .windows(2)
        .any(|w| w[0].price_minor != w[1].price_minor);
    ListingInventory {
        products: l
            .products
            .iter()
            .map(|p| ListingInventoryProduct {
                product_id: p.product_id,
                sku: p.sku.clone(),
                is_deleted: false,
                offerings: vec![ListingInventoryProductOffering {
                    offering_id: p.product_id * 10,
                    quantity: p.quantity,
                    is_enabled: true,
                    is_deleted: false,
                    price: money(p.price_minor),
                    readiness_state_id: Some(1),
                }],
                property_values: p
                    .size
                    .iter()
                    .map(|size| ListingPropertyValue {
                        property_id: data::SIZE_PROPERTY,
                        property_name: Some("Size".into()),
                        scale_id: None,
                        value_ids: vec![size_value_id(size)],
                        values: vec![size.clone()],
                    })
                    .collect(),
            })
            .collect(),
        price_on_property: on(sized && prices_differ),
        quantity_on_property: on(sized),
        sku_on_property: on(sized),
    }
}

/// A stable id for a custom property value, as Etsy gives one.
fn size_value_id(size: &str) -> i64 {
    1 + size
        .bytes()
        .fold(0i64, |h, b| (h * 131 + i64::from(b)) % 1_000_000_007)
}

/// `getReviewsByShop`: the shop's reviews, oldest first.
async fn reviews_route(
    State(inner): State<Arc<Inner>>,
    Path(shop_id): Path<String>,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> Response {
    let op = ("getReviewsByShop", "GET", false);
    page_route(
        &inner,
        &headers,
        op,
        &shop_id,
        "/reviews",
        raw,
        reviews_page,
    )
    .await
}

fn reviews_page(inner: &Inner, q: &Query) -> Result<Value, String> {
    const EARLIEST: i64 = 946_684_800;
    let limit = q.int("limit", 1, 100)?.unwrap_or(25) as usize;
    let offset = q.int("offset", 0, i64::MAX)?.unwrap_or(0) as usize;
    let min = q.int("min_created", EARLIEST, i64::MAX)?;
    let max = q.int("max_created", EARLIEST, i64::MAX)?;
    let shop = lock(&inner.shop);
    let hits: Vec<&SandboxReview> = shop
        .reviews
        .iter()
        .filter(|r| min.is_none_or(|m| r.created_timestamp >= m))
        .filter(|r| max.is_none_or(|m| r.created_timestamp <= m))
        .collect();
    let results: Vec<&SandboxReview> = hits.iter().skip(offset).take(limit).copied().collect();
    Ok(json!({ "count": hits.len(), "results": results }))
}

/// `getListingsByShop`: the shop's listings in one state, by creation, price or update time.
async fn listings_route(
    State(inner): State<Arc<Inner>>,
    Path(shop_id): Path<String>,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> Response {
    let op = ("getListingsByShop", "GET", true);
    page_route(
        &inner,
        &headers,
        op,
        &shop_id,
        "/listings",
        raw,
        listings_page,
    )
    .await
}

fn listings_page(inner: &Inner, q: &Query) -> Result<Page<ShopListing>, String> {
    let limit = q.int("limit", 1, 100)?.unwrap_or(25) as usize;
    let offset = q.int("offset", 0, i64::MAX)?.unwrap_or(0) as usize;
    let state = q.get("state").unwrap_or("active");
    if !["active", "inactive", "sold_out", "draft", "expired"].contains(&state) {
        return Err(format!("state {state} is not a listing state"));
    }
    let descending = match q.get("sort_order") {
        None | Some("desc" | "descending" | "down") => true,
        Some("asc" | "ascending" | "up") => false,
        Some(v) => return Err(format!("sort_order {v} is not asc or desc")),
    };
    let included = |what: &str| {
        q.pairs
            .iter()
            .filter(|(k, _)| k == "includes")
            .flat_map(|(_, v)| v.split(','))
            .any(|v| v.trim() == what)
    };
    let with = Includes {
        inventory: included("Inventory"),
        images: included("Images").then(|| inner.base.get().map_or("", String::as_str)),
    };
    let shop = lock(&inner.shop);
    let mut hits: Vec<&SandboxListing> =
        shop.listings.iter().filter(|l| l.state == state).collect();
    match q.get("sort_on") {
        None | Some("created") | Some("score") => hits.sort_by_key(|l| l.listing_id),
        Some("updated") => hits.sort_by_key(|l| (l.updated_timestamp, l.listing_id)),
        Some("price") => hits.sort_by_key(|l| (l.price_minor(), l.listing_id)),
        Some(v) => {
            return Err(format!(
                "sort_on {v} is not one of created, price, updated, score"
            ));
        }
    }
    if descending {
        hits.reverse();
    }
    Ok(Page {
        count: hits.len() as i64,
        results: hits
            .into_iter()
            .skip(offset)
            .take(limit)
            .map(|l| shop_listing(l, with))
            .collect(),
    })
}

/// Etsy's comma-separated list fields of a listing form, read as arrays.
const LIST_FIELDS: [&str; 3] = ["tags", "materials", "image_ids"];

/// A form as a JSON object: each field a string, the list fields arrays.
fn form_json(form: &[(String, String)]) -> Value {
    Value::Object(
        form.iter()
            .map(|(k, v)| {
                let value = if LIST_FIELDS.contains(&k.as_str()) {
                    let items = v.split(',').map(|t| t.trim()).filter(|t| !t.is_empty());
                    if k == "image_ids" {
                        Value::Array(
                            items
                                .map(|t| {
                                    t.parse::<i64>()
                                        .map_or(Value::String(t.into()), Value::from)
                                })
                                .collect(),
                        )
                    } else {
                        Value::Array(items.map(|t| Value::String(t.into())).collect())
                    }
                } else {
                    Value::String(v.clone())
                };
                (k.clone(), value)
            })
            .collect(),
    )
}

/// Etsy's rules for a listing's title, tags and materials, as far as the sandbox checks them.
fn check_listing_form(form: &[(String, String)]) -> Result<(), String> {
    let pictograph = |c: char| ('\u{2600}'..='\u{27BF}').contains(&c) || c >= '\u{1F000}';
    for (k, v) in form {
        match k.as_str() {
            "title" => {
                let n = v.chars().count();
                if v.trim().is_empty() || n > 140 {
                    return Err(format!("title must have 1 to 140 characters, not {n}"));
                }
                if let Some(c) = v.chars().find(|c| pictograph(*c) || c.is_control()) {
                    return Err(format!("title may not contain {c:?}"));
                }
                if let Some(c) = ['%', ':', '&', '+']
                    .into_iter()
                    .find(|c| v.matches(*c).count() > 1)
                {
                    return Err(format!("title may use {c} only once"));
                }
            }
            "description" if v.chars().count() > 100_000 => {
                return Err("description is too long".into());
            }
            "tags" | "materials" => {
                let items: Vec<&str> = v
                    .split(',')
                    .map(str::trim)
                    .filter(|t| !t.is_empty())
                    .collect();
                if items.len() > 13 {
                    return Err(format!("{k}: at most 13, not {}", items.len()));
                }
                let tag = k == "tags";
                for t in items {
                    let ok = t.chars().all(|c| {
                        c.is_alphanumeric()
                            || c.is_whitespace()
                            || (tag && ['-', '\'', '™', '©', '®'].contains(&c))
                    });
                    if !ok || (tag && t.chars().count() > 20) {
                        return Err(format!("{k}: \"{t}\" is not allowed"));
                    }
                }
            }
            _ => {}
        }
    }
    Ok(())
}

/// `updateListing`: the fields sent replace the listing's, which changes now.
async fn update_listing_route(
    State(inner): State<Arc<Inner>>,
    Path((shop_id, listing_id)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let form: Vec<(String, String)> = form_urlencoded::parse(&body).into_owned().collect();
    let op = ("updateListing", "PATCH", true);
    let path = format!("/listings/{listing_id}");
    let q = Query::parse(None);
    let (c, g) = match shop_call(
        &inner,
        &headers,
        op,
        &shop_id,
        &path,
        &q,
        Some(form_json(&form)),
    )
    .await
    {
        Ok(p) => p,
        Err(r) => return r,
    };
    if let Err(why) = check_listing_form(&form) {
        return inner.answer(c, g, StatusCode::BAD_REQUEST, json!({ "error": why }));
    }
    let field = |k: &str| form.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
    let list = |k: &str| {
        field(k).map(|v| {
            v.split(',')
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .map(str::to_owned)
                .collect::<Vec<_>>()
        })
    };
    let mut shop = lock(&inner.shop);
    let id = listing_id.parse::<i64>().ok();
    let Some(l) = shop.listings.iter_mut().find(|l| Some(l.listing_id) == id) else {
        drop(shop);
        let body = json!({ "error": format!("Listing {listing_id} not found") });
        return inner.answer(c, g, StatusCode::NOT_FOUND, body);
    };
    if let Some(t) = field("title") {
        l.title = t;
    }
    if let Some(d) = field("description") {
        l.description = d;
    }
    if let Some(t) = list("tags") {
        l.tags = t;
    }
    if let Some(m) = list("materials") {
        l.materials = m;
    }
    l.updated_timestamp = unix_now().max(l.updated_timestamp);
    let body = serde_json::to_value(shop_listing(
        l,
        Includes {
            inventory: false,
            images: None,
        },
    ))
    .unwrap_or(Value::Null);
    drop(shop);
    inner.answer(c, g, StatusCode::OK, body)
}

const FORM: &str = "application/x-www-form-urlencoded";

/// Opens a call on listing `listing_id` (below `/v3/application/listings/{listing_id}`): runs
/// the gate and answers 404 for a listing the shop does not have.
async fn listing_call(
    inner: &Inner,
    headers: &HeaderMap,
    (operation, method): (&'static str, &'static str),
    listing_id: &str,
    body: Option<Value>,
) -> Result<(Call, Passed, i64), Response> {
    let path = format!("/v3/application/listings/{listing_id}/inventory");
    let mut c = call(operation, method, path, &Query::parse(None));
    if body.is_some() {
        c.body_type = "application/json";
    }
    c.body = body;
    let (c, g) = pass(inner, headers, true, c).await?;
    let id = listing_id.parse::<i64>().ok();
    match id.filter(|id| {
        lock(&inner.shop)
            .listings
            .iter()
            .any(|l| l.listing_id == *id)
    }) {
        Some(id) => Ok((c, g, id)),
        None => {
            let body = json!({ "error": format!("Listing {listing_id} not found") });
            Err(inner.answer(c, g, StatusCode::NOT_FOUND, body))
        }
    }
}

/// `getListingInventory`.
async fn inventory_route(
    State(inner): State<Arc<Inner>>,
    Path(listing_id): Path<String>,
    headers: HeaderMap,
) -> Response {
    let op = ("getListingInventory", "GET");
    let (c, g, id) = match listing_call(&inner, &headers, op, &listing_id, None).await {
        Ok(p) => p,
        Err(r) => return r,
    };
    let shop = lock(&inner.shop);
    let inventory = shop
        .listings
        .iter()
        .find(|l| l.listing_id == id)
        .map(listing_inventory);
    drop(shop);
    let body = serde_json::to_value(inventory).unwrap_or(Value::Null);
    inner.answer(c, g, StatusCode::OK, body)
}

#[derive(serde::Deserialize)]
struct InventoryBody {
    products: Vec<ProductBody>,
}

#[derive(serde::Deserialize)]
struct ProductBody {
    #[serde(default)]
    sku: Option<String>,
    #[serde(default)]
    property_values: Vec<PropertyBody>,
    offerings: Vec<OfferingBody>,
}

#[derive(serde::Deserialize)]
struct PropertyBody {
    property_id: i64,
    #[serde(default)]
    values: Vec<String>,
}

#[derive(serde::Deserialize)]
struct OfferingBody {
    price: f64,
    quantity: i64,
    is_enabled: bool,
}

/// The products an inventory body describes, checked as Etsy checks them.
fn products_of(
    body: &InventoryBody,
    l: &SandboxListing,
) -> Result<Vec<data::SandboxProduct>, String> {
    if body.products.is_empty() {
        return Err("products must not be empty".into());
    }
    let mut out = Vec::with_capacity(body.products.len());
    for (i, p) in body.products.iter().enumerate() {
        let [o] = p.offerings.as_slice() else {
            return Err(format!("products[{i}]: exactly one offering is needed"));
        };
        if !(0..=999).contains(&o.quantity) {
            return Err(format!("products[{i}]: quantity must be from 0 to 999"));
        }
        let cents = o.price * 100.0;
        if !(0.2..=50_000.0).contains(&o.price) || (cents - cents.round()).abs() > 1e-6 {
            return Err(format!(
                "products[{i}]: price {} is not a price in TRY",
                o.price
            ));
        }
        let size = p
            .property_values
            .iter()
            .find(|v| v.property_id == data::SIZE_PROPERTY)
            .and_then(|v| v.values.first().cloned());
        let sku = p.sku.clone().unwrap_or_default();
        let product_id = l
            .products
            .iter()
            .find(|old| old.sku == sku && old.size == size)
            .map_or(l.listing_id * 10 + 5 + i as i64, |old| old.product_id);
        out.push(data::SandboxProduct {
            product_id,
            sku,
            size,
            price_minor: cents.round() as i64,
            quantity: if o.is_enabled { o.quantity } else { 0 },
        });
    }
    Ok(out)
}

/// `updateListingInventory`: the products sent replace the listing's, which changes now.
async fn update_inventory_route(
    State(inner): State<Arc<Inner>>,
    Path(listing_id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let json_body = serde_json::from_slice::<Value>(&body).ok();
    let op = ("updateListingInventory", "PUT");
    let (c, g, id) = match listing_call(&inner, &headers, op, &listing_id, json_body).await {
        Ok(p) => p,
        Err(r) => return r,
    };
    let parsed = match serde_json::from_slice::<InventoryBody>(&body) {
        Ok(b) => b,
        Err(e) => {
            let body = json!({ "error": format!("products: {e}") });
            return inner.answer(c, g, StatusCode::BAD_REQUEST, body);
        }
    };
    let mut shop = lock(&inner.shop);
    let Some(l) = shop.listings.iter_mut().find(|l| l.listing_id == id) else {
        drop(shop);
        return inner.answer(
            c,
            g,
            StatusCode::NOT_FOUND,
            json!({ "error": "Listing not found" }),
        );
    };
    match products_of(&parsed, l) {
        Ok(products) => {
            l.products = products;
            l.updated_timestamp = unix_now().max(l.updated_timestamp);
            let body = serde_json::to_value(listing_inventory(l)).unwrap_or(Value::Null);
            drop(shop);
            inner.answer(c, g, StatusCode::OK, body)
        }
        Err(why) => {
            drop(shop);
            inner.answer(c, g, StatusCode::BAD_REQUEST, json!({ "error": why }))
        }
    }
}

/// `createReceiptShipment`: the receipt is shipped, with this tracking, and changes now.
async fn tracking_route(
    State(inner): State<Arc<Inner>>,
    Path((shop_id, receipt_id)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let form: Vec<(String, String)> = form_urlencoded::parse(&body).into_owned().collect();
    let fields = form_json(&form);
    let op = ("createReceiptShipment", "POST", true);
    let path = format!("/receipts/{receipt_id}/tracking");
    let q = Query::parse(None);
    let (c, g) = match shop_call(&inner, &headers, op, &shop_id, &path, &q, Some(fields)).await {
        Ok(p) => p,
        Err(r) => return r,
    };
    let field = |k: &str| form.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
    let id = receipt_id.parse::<i64>().ok();
    if inner.refuse_tracking.load(Ordering::Relaxed) {
        let body = json!({ "error": "Tracking is not available for orders shipped from this country. Mark the order as shipped in Shop Manager." });
        return inner.answer(c, g, StatusCode::BAD_REQUEST, body);
    }
    let (Some(tracking), Some(carrier)) = (field("tracking_code"), field("carrier_name")) else {
        let body = json!({ "error": "tracking_code and carrier_name are required" });
        return inner.answer(c, g, StatusCode::BAD_REQUEST, body);
    };
    let mut shop = lock(&inner.shop);
    let Some(r) = id.and_then(|id| shop.receipts.get_mut(&id)) else {
        drop(shop);
        let body = json!({ "error": format!("Receipt {receipt_id} not found") });
        return inner.answer(c, g, StatusCode::NOT_FOUND, body);
    };
    let now = unix_now();
    r.is_shipped = true;
    r.updated_timestamp = now.max(r.updated_timestamp);
    r.shipments
        .push(vefa::marketplaces::etsy::wire::ShopReceiptShipment {
            receipt_shipping_id: Some(r.receipt_id * 10 + r.shipments.len() as i64),
            shipment_notification_timestamp: now,
            carrier_name: carrier,
            tracking_code: tracking,
        });
    let body = serde_json::to_value(&*r).unwrap_or(Value::Null);
    drop(shop);
    inner.answer(c, g, StatusCode::OK, body)
}

fn receipts_page(inner: &Inner, q: &Query) -> Result<Page<ShopReceipt>, String> {
    const EARLIEST: i64 = 946_684_800;
    let limit = q.int("limit", 1, 100)?.unwrap_or(25) as usize;
    let offset = q.int("offset", 0, i64::MAX)?.unwrap_or(0) as usize;
    let min_modified = q.int("min_last_modified", EARLIEST, i64::MAX)?;
    let max_modified = q.int("max_last_modified", EARLIEST, i64::MAX)?;
    let min_created = q.int("min_created", EARLIEST, i64::MAX)?;
    let max_created = q.int("max_created", EARLIEST, i64::MAX)?;
    let sort_on = match q.get("sort_on") {
        None | Some("created") => SortOn::Created,
        Some("updated") => SortOn::Updated,
        Some("receipt_id") => SortOn::ReceiptId,
        Some(v) => {
            return Err(format!(
                "sort_on {v} is not one of created, updated, receipt_id"
            ));
        }
    };
    let descending = match q.get("sort_order") {
        None | Some("desc" | "descending" | "down") => true,
        Some("asc" | "ascending" | "up") => false,
        Some(v) => return Err(format!("sort_order {v} is not asc or desc")),
    };
    let was_paid = q.boolean("was_paid")?;
    let was_shipped = q.boolean("was_shipped")?;
    let was_canceled = q.boolean("was_canceled")?;

    let shop = lock(&inner.shop);
    let mut hits: Vec<&ShopReceipt> = shop
        .receipts
        .values()
        .filter(|r| min_modified.is_none_or(|m| r.updated_timestamp >= m))
        .filter(|r| max_modified.is_none_or(|m| r.updated_timestamp <= m))
        .filter(|r| min_created.is_none_or(|m| r.created_timestamp >= m))
        .filter(|r| max_created.is_none_or(|m| r.created_timestamp <= m))
        .filter(|r| was_paid.is_none_or(|p| r.is_paid == p))
        .filter(|r| was_shipped.is_none_or(|s| r.is_shipped == s))
        .filter(|r| was_canceled.is_none_or(|c| (r.status == "canceled") == c))
        .collect();
    // Ties broken by id, so paging is stable.
    hits.sort_by_key(|r| {
        let key = match sort_on {
            SortOn::Created => r.created_timestamp,
            SortOn::Updated => r.updated_timestamp,
            SortOn::ReceiptId => r.receipt_id,
        };
        (key, r.receipt_id)
    });
    if descending {
        hits.reverse();
    }
    let count = hits.len() as i64;
    let results = hits.into_iter().skip(offset).take(limit).cloned().collect();
    Ok(Page { count, results })
}

/// Etsy's consent page, which the sandbox skips: it sends the browser straight back to the
/// app's redirect URI with a code, as if the seller had pressed "Allow access".
async fn authorize(State(inner): State<Arc<Inner>>, RawQuery(raw): RawQuery) -> Response {
    let q = Query::parse(raw);
    let (Some("code"), Some(redirect), Some(challenge), Some("S256"), Some(state), Some(_)) = (
        q.get("response_type"),
        q.get("redirect_uri"),
        q.get("code_challenge"),
        q.get("code_challenge_method"),
        q.get("state"),
        q.get("client_id"),
    ) else {
        return (
            StatusCode::BAD_REQUEST,
            "response_type=code, client_id, redirect_uri, state, code_challenge and \
             code_challenge_method=S256 are required",
        )
            .into_response();
    };
    let Ok(mut back) = url::Url::parse(redirect) else {
        return (StatusCode::BAD_REQUEST, "redirect_uri is not a URL").into_response();
    };
    let code = token(&mut lock(&inner.rng));
    lock(&inner.tokens).codes.insert(
        code.clone(),
        Pending {
            challenge: challenge.to_owned(),
            redirect_uri: redirect.to_owned(),
        },
    );
    back.query_pairs_mut()
        .append_pair("code", &code)
        .append_pair("state", state);
    (StatusCode::FOUND, [(header::LOCATION, back.to_string())]).into_response()
}

fn oauth_error(what: &str, description: &str) -> Response {
    (
        StatusCode::BAD_REQUEST,
        axum::Json(json!({ "error": what, "error_description": description })),
    )
        .into_response()
}

/// Etsy's token endpoint: a code (with its PKCE verifier) or a refresh token for a new pair.
/// Each refresh token works once: the answer carries the next one.
async fn token_endpoint(State(inner): State<Arc<Inner>>, body: Bytes) -> Response {
    let form: HashMap<String, String> = form_urlencoded::parse(&body).into_owned().collect();
    let field = |k: &str| form.get(k).map(String::as_str);
    if field("client_id").is_none_or(str::is_empty) {
        return oauth_error("invalid_request", "client_id is required");
    }
    let mut tokens = lock(&inner.tokens);
    match field("grant_type") {
        Some("authorization_code") => {
            let Some(pending) = field("code").and_then(|c| tokens.codes.remove(c)) else {
                return oauth_error("invalid_grant", "the code is unknown or used");
            };
            if field("redirect_uri") != Some(pending.redirect_uri.as_str()) {
                return oauth_error("invalid_grant", "redirect_uri does not match");
            }
            let verifier = field("code_verifier").unwrap_or_default();
            let challenge = base64::Engine::encode(
                &base64::engine::general_purpose::URL_SAFE_NO_PAD,
                Sha256::digest(verifier.as_bytes()),
            );
            if challenge != pending.challenge {
                return oauth_error("invalid_grant", "code_verifier does not match");
            }
        }
        Some("refresh_token") => {
            let Some(old) = field("refresh_token") else {
                return oauth_error("invalid_request", "refresh_token is required");
            };
            if tokens.refresh.remove(old).is_none() {
                return oauth_error("invalid_grant", "the refresh token is unknown or used");
            }
        }
        _ => return oauth_error("unsupported_grant_type", "grant_type"),
    }
    let mut rng = lock(&inner.rng);
    let access = format!("{USER_ID}.{}", token(&mut rng));
    let refresh = format!("{USER_ID}.{}", token(&mut rng));
    drop(rng);
    let ttl = inner.config.token_ttl.as_secs() as i64;
    tokens.access.insert(access.clone(), unix_now() + ttl);
    tokens.refresh.insert(refresh.clone(), ());
    axum::Json(json!({
        "access_token": access,
        "token_type": "Bearer",
        "expires_in": ttl,
        "refresh_token": refresh,
    }))
    .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The sandbox's receipt numbers start at `data::receipt`'s base.
    const RECEIPT_BASE: i64 = 3_000_000;

    #[test]
    fn receipts_page_by_update_time_newest_first() {
        let listings = data::listings(1, 3);
        let mut receipts = BTreeMap::new();
        for k in 0..5u64 {
            let r = data::receipt(1, k, 1_800_000_000 + (k as i64 % 3), &listings);
            receipts.insert(r.receipt_id, r);
        }
        let shop = Shop {
            reviews: vec![],
            listings,
            receipts,
            next_k: 5,
        };
        let inner = Inner::new(SandboxConfig::default(), shop);
        let q = |s: &str| Query::parse(Some(s.to_owned()));
        let page = receipts_page(&inner, &q("sort_on=updated&limit=2&offset=1")).unwrap();
        assert_eq!(page.count, 5);
        let ids: Vec<i64> = page
            .results
            .iter()
            .map(|r| r.receipt_id - RECEIPT_BASE)
            .collect();
        // Times 0,1,2,0,1 → newest first, ties by id descending: 2,4,1,3,0.
        assert_eq!(ids, vec![4, 1]);
        let page =
            receipts_page(&inner, &q("sort_on=updated&min_last_modified=1800000002")).unwrap();
        assert_eq!(page.count, 1);
        for bad in [
            "limit=0",
            "limit=101",
            "offset=-1",
            "sort_on=price",
            "was_paid=yes",
        ] {
            assert!(receipts_page(&inner, &q(bad)).is_err(), "{bad} was taken");
        }
    }
}
