//! Etsy's Open API v3 over HTTP: the API key and bearer token on every call, tokens refreshed
//! before they expire (each refresh brings a new refresh token, which is kept at once), at most
//! ten calls a second, Etsy's limit headers obeyed, and transient failures retried with
//! exponential backoff and jitter. Answers are read with a size limit and checked field by
//! field (`wire::read`).

use std::collections::VecDeque;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::time::{Duration, Instant};

use reqwest::StatusCode;
use serde::de::DeserializeOwned;

use super::http::{body, http_client};
use super::oauth::{self, TokenSet};
use super::wire;
use crate::infra::secrets::SecretError;
use crate::marketplaces::error::{MarketplaceError, WireError};
use crate::sync::remote::FetchError;

/// Where an Etsy-speaking marketplace lives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoints {
    /// The API base, without `/v3`.
    pub api: String,
    pub authorize: String,
    pub token: String,
}

impl Endpoints {
    pub fn etsy() -> Self {
        Self {
            api: "https://api.etsy.com".into(),
            authorize: "https://www.etsy.com/oauth/connect".into(),
            token: "https://api.etsy.com/v3/public/oauth/token".into(),
        }
    }

    /// The sandbox marketplace at `url` (`http://127.0.0.1:PORT`).
    pub fn sandbox(url: &str) -> Self {
        let base = url.trim_end_matches('/');
        Self {
            api: base.to_owned(),
            authorize: format!("{base}/oauth/connect"),
            token: format!("{base}/v3/public/oauth/token"),
        }
    }
}

/// How patient the client is.
#[derive(Debug, Clone)]
pub struct Patience {
    /// One call's limit, from connect to the last byte.
    pub timeout: Duration,
    pub per_second: u32,
    /// Tries of one call that fails for a passing reason (5xx, timeout, cut-off answer).
    pub attempts: u32,
    /// The first wait between tries; doubled each time, with jitter.
    pub backoff: Duration,
    /// The longest `Retry-After` waited before giving up on the call.
    pub max_retry_after: Duration,
}

impl Default for Patience {
    fn default() -> Self {
        Self {
            timeout: Duration::from_secs(30),
            per_second: 10,
            attempts: 5,
            backoff: Duration::from_millis(500),
            max_retry_after: Duration::from_secs(120),
        }
    }
}

/// Keeps the tokens after a refresh (the keychain, in the app).
pub type SaveTokens = Box<dyn Fn(&TokenSet) -> Result<(), SecretError> + Send + Sync>;

pub struct EtsyClient {
    http: reqwest::Client,
    endpoints: Endpoints,
    patience: Patience,
    keystring: String,
    /// `keystring:shared_secret`, Etsy's `x-api-key`.
    api_key: String,
    tokens: tokio::sync::Mutex<TokenSet>,
    save: SaveTokens,
    /// When the last calls went out, for the per-second limit.
    sent: Mutex<VecDeque<Instant>>,
    calls: AtomicU32,
    /// The marketplace said no calls are left today: none is sent until the client is made
    /// again (the next sync).
    quota_gone: AtomicBool,
}

impl std::fmt::Debug for EtsyClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never the key or tokens.
        f.debug_struct("EtsyClient")
            .field("api", &self.endpoints.api)
            .finish_non_exhaustive()
    }
}

/// A call that may be tried again, and why it failed this time.
enum Outcome<T> {
    Done(T),
    Again(MarketplaceError, Option<Duration>),
}

fn header_num(r: &reqwest::Response, name: &str) -> Option<u64> {
    r.headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse().ok())
}

fn error_message(bytes: &[u8]) -> String {
    #[derive(serde::Deserialize)]
    struct E {
        error: String,
    }
    match serde_json::from_slice::<E>(bytes) {
        Ok(e) => e.error.chars().take(300).collect(),
        Err(_) => String::from_utf8_lossy(&bytes[..bytes.len().min(300)]).into_owned(),
    }
}

impl EtsyClient {
    pub fn new(
        endpoints: Endpoints,
        keystring: &str,
        secret: &str,
        tokens: TokenSet,
        save: SaveTokens,
        patience: Patience,
    ) -> Self {
        Self {
            http: http_client(patience.timeout),
            endpoints,
            keystring: keystring.to_owned(),
            api_key: format!("{keystring}:{secret}"),
            tokens: tokio::sync::Mutex::new(tokens),
            save,
            sent: Mutex::new(VecDeque::new()),
            calls: AtomicU32::new(0),
            quota_gone: AtomicBool::new(false),
            patience,
        }
    }

    /// HTTP requests sent so far, tries and token refreshes included.
    pub fn calls(&self) -> u32 {
        self.calls.load(Ordering::Relaxed)
    }

    /// Waits until one more call keeps within the per-second limit, and counts it.
    async fn pace(&self) {
        loop {
            let wait = {
                let mut sent = self.sent.lock().unwrap_or_else(|p| p.into_inner());
                let now = Instant::now();
                while sent
                    .front()
                    .is_some_and(|t| now.duration_since(*t) >= Duration::from_secs(1))
                {
                    sent.pop_front();
                }
                if sent.len() < self.patience.per_second.max(1) as usize {
                    sent.push_back(now);
                    None
                } else {
                    sent.front()
                        .map(|t| Duration::from_secs(1).saturating_sub(now.duration_since(*t)))
                }
            };
            match wait {
                None => break,
                Some(d) => tokio::time::sleep(d).await,
            }
        }
        self.calls.fetch_add(1, Ordering::Relaxed);
    }

    /// A bearer token good for the next minute, refreshed (and the new pair kept) if needed.
    async fn bearer(&self, force: bool) -> Result<String, MarketplaceError> {
        let mut tokens = self.tokens.lock().await;
        if force || tokens.expires_soon(chrono::Utc::now().timestamp()) {
            self.pace().await;
            let fresh = oauth::refresh(
                &self.http,
                &self.endpoints.token,
                &self.keystring,
                &tokens.refresh_token,
            )
            .await?;
            // Kept before use: the old refresh token no longer works.
            (self.save)(&fresh)?;
            *tokens = fresh;
        }
        Ok(tokens.access_token.clone())
    }

    fn backoff(&self, attempt: u32) -> Duration {
        let base = self.patience.backoff.saturating_mul(1 << attempt.min(10));
        // Full jitter over the upper half, so many desks do not retry in step.
        base.mul_f64(0.5 + fastrand::f64() * 0.5)
    }

    /// Whether a file the API points to may be fetched: over https, or from the API's own
    /// origin (the sandbox on loopback). Anything else (another scheme, a plain-http host a
    /// hostile answer names) is not asked.
    fn file_allowed(&self, url: &str) -> bool {
        let (Ok(file), Ok(api)) = (url::Url::parse(url), url::Url::parse(&self.endpoints.api))
        else {
            return false;
        };
        file.scheme() == "https" || file.origin() == api.origin()
    }

    /// Fetches a file the API pointed to (a listing's picture), without the API key or token
    /// (it lives on another host), up to the size limit; a passing failure is tried twice more.
    /// Not an API call: it is not paced or counted. The error says why, for the seller.
    pub async fn fetch_file(&self, url: &str) -> Result<Vec<u8>, FetchError> {
        if !self.file_allowed(url) {
            return Err(FetchError {
                why: format!("{url:?} is not an https address"),
                again: false,
            });
        }
        let mut attempt = 0;
        loop {
            let why = match self.http.get(url).send().await {
                Ok(r) if r.status().is_success() => match body(r).await {
                    Ok(bytes) => return Ok(bytes),
                    Err(Ok(e)) => return Err(FetchError::passing(e.to_string())),
                    Err(Err(e)) => format!("cut off: {e}"),
                },
                Ok(r) if r.status().is_server_error() || r.status() == 429 => {
                    format!("answered {}", r.status().as_u16())
                }
                Ok(r) => {
                    let why = format!("answered {}", r.status().as_u16());
                    return Err(FetchError::passing(why));
                }
                Err(e) => format!("cannot be reached: {e}"),
            };
            attempt += 1;
            if attempt >= 3 {
                return Err(FetchError::passing(why));
            }
            tokio::time::sleep(self.backoff(attempt)).await;
        }
    }

    /// A GET of `path` (from `/v3/…`) with `query`, read as `T`.
    pub async fn get<T: DeserializeOwned>(
        &self,
        operation: &'static str,
        path: &str,
        query: &[(&str, String)],
    ) -> Result<T, MarketplaceError> {
        let url = format!("{}{path}", self.endpoints.api);
        self.call(operation, || self.http.get(&url).query(query))
            .await
    }

    /// A POST of a form to `path`, the answer read as `T`.
    pub async fn post_form<T: DeserializeOwned>(
        &self,
        operation: &'static str,
        path: &str,
        form: &[(&str, &str)],
    ) -> Result<T, MarketplaceError> {
        self.send_form(reqwest::Method::POST, operation, path, form)
            .await
    }

    /// A PATCH of a form to `path`, the answer read as `T`.
    pub async fn patch_form<T: DeserializeOwned>(
        &self,
        operation: &'static str,
        path: &str,
        form: &[(&str, &str)],
    ) -> Result<T, MarketplaceError> {
        self.send_form(reqwest::Method::PATCH, operation, path, form)
            .await
    }

    async fn send_form<T: DeserializeOwned>(
        &self,
        method: reqwest::Method,
        operation: &'static str,
        path: &str,
        form: &[(&str, &str)],
    ) -> Result<T, MarketplaceError> {
        let url = format!("{}{path}", self.endpoints.api);
        self.call(operation, || {
            self.http.request(method.clone(), &url).form(form)
        })
        .await
    }

    /// A PUT of `body` as JSON to `path`, the answer read as `T`.
    pub async fn put_json<B: serde::Serialize + Sync, T: DeserializeOwned>(
        &self,
        operation: &'static str,
        path: &str,
        body: &B,
    ) -> Result<T, MarketplaceError> {
        let url = format!("{}{path}", self.endpoints.api);
        self.call(operation, || self.http.put(&url).json(body))
            .await
    }

    /// A call with everything around it: pacing, token, tries, limits.
    async fn call<T: DeserializeOwned>(
        &self,
        operation: &'static str,
        request: impl Fn() -> reqwest::RequestBuilder,
    ) -> Result<T, MarketplaceError> {
        let mut attempt = 0;
        let mut refreshed = false;
        let mut waited = Duration::ZERO;
        loop {
            if self.quota_gone.load(Ordering::Relaxed) {
                return Err(MarketplaceError::DailyQuota);
            }
            let token = self.bearer(false).await?;
            self.pace().await;
            let sent = request()
                .header("x-api-key", &self.api_key)
                .bearer_auth(&token)
                .send()
                .await;
            let outcome = match sent {
                Err(e) => Outcome::Again(
                    MarketplaceError::Unreachable {
                        operation,
                        reason: e.to_string(),
                    },
                    None,
                ),
                Ok(r) => self.read(operation, r).await?,
            };
            let (error, retry_after) = match outcome {
                Outcome::Done(v) => return Ok(v),
                Outcome::Again(e, after) => (e, after),
            };
            if let MarketplaceError::Refused { status: 401, .. } = error
                && !refreshed
            {
                // A token revoked or expired early: one refresh, then the call again.
                refreshed = true;
                self.bearer(true).await.map_err(|e| match e {
                    MarketplaceError::Refused { message, .. } => {
                        MarketplaceError::SignedOut(message)
                    }
                    other => other,
                })?;
                continue;
            }
            if let MarketplaceError::Refused {
                status: 401,
                message,
                ..
            } = error
            {
                return Err(MarketplaceError::SignedOut(message));
            }
            if let Some(after) = retry_after {
                // 429: the marketplace says when; that wait is not a failed try.
                waited += after;
                if waited > self.patience.max_retry_after {
                    return Err(error);
                }
                tracing::debug!(operation, ?after, "rate limited");
                tokio::time::sleep(after).await;
                continue;
            }
            if matches!(error, MarketplaceError::Refused { status, .. } if status < 500) {
                return Err(error);
            }
            attempt += 1;
            if attempt >= self.patience.attempts {
                return Err(error);
            }
            tracing::debug!(operation, attempt, error = %error, "retrying");
            tokio::time::sleep(self.backoff(attempt - 1)).await;
        }
    }

    async fn read<T: DeserializeOwned>(
        &self,
        operation: &'static str,
        r: reqwest::Response,
    ) -> Result<Outcome<T>, MarketplaceError> {
        let status = r.status();
        let left_today = header_num(&r, "x-remaining-today");
        let left_second = header_num(&r, "x-remaining-this-second");
        let retry_after = header_num(&r, "retry-after");
        let bytes = match body(r).await {
            Ok(b) => b,
            Err(Ok(wire)) => {
                return Err(MarketplaceError::Wire {
                    operation,
                    source: wire,
                });
            }
            Err(Err(e)) => {
                return Ok(Outcome::Again(
                    MarketplaceError::Unreachable {
                        operation,
                        reason: e.to_string(),
                    },
                    None,
                ));
            }
        };
        if left_today == Some(0) {
            self.quota_gone.store(true, Ordering::Relaxed);
        }
        if left_second == Some(0) {
            // The marketplace counts this second as full: the next call waits for the next.
            let mut sent = self.sent.lock().unwrap_or_else(|p| p.into_inner());
            let now = Instant::now();
            sent.clear();
            sent.extend(std::iter::repeat_n(
                now,
                self.patience.per_second.max(1) as usize,
            ));
        }
        if status == StatusCode::TOO_MANY_REQUESTS {
            if left_today == Some(0) {
                self.quota_gone.store(true, Ordering::Relaxed);
                return Err(MarketplaceError::DailyQuota);
            }
            let after = Duration::from_secs(retry_after.unwrap_or(1).clamp(1, 3600));
            return Ok(Outcome::Again(
                MarketplaceError::Refused {
                    operation,
                    status: 429,
                    message: error_message(&bytes),
                },
                Some(after),
            ));
        }
        if !status.is_success() {
            return Ok(Outcome::Again(
                MarketplaceError::Refused {
                    operation,
                    status: status.as_u16(),
                    message: error_message(&bytes),
                },
                None,
            ));
        }
        match wire::read::<T>(&bytes) {
            Ok(v) => Ok(Outcome::Done(v)),
            Err(e @ WireError::Malformed { .. }) => Ok(Outcome::Again(
                MarketplaceError::Wire {
                    operation,
                    source: e,
                },
                None,
            )),
            Err(e) => Err(MarketplaceError::Wire {
                operation,
                source: e,
            }),
        }
    }
}
