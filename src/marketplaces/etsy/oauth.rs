//! OAuth 2 with PKCE as Etsy does it: the seller approves in the browser, Etsy sends the browser
//! back to a loopback address where Vefa listens, and the code is exchanged for a token pair.
//! Etsy's access tokens last an hour; each refresh returns a new refresh token.

use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use super::wire;
use crate::marketplaces::error::MarketplaceError;

/// What Vefa asks to do: read and write listings and receipts, read the shop.
pub const SCOPES: &str = "listings_r listings_w transactions_r transactions_w shops_r";

/// A token pair and when its access token expires (Unix seconds).
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenSet {
    pub access_token: String,
    pub refresh_token: String,
    pub expires_at: i64,
}

impl std::fmt::Debug for TokenSet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenSet")
            .field("expires_at", &self.expires_at)
            .finish_non_exhaustive()
    }
}

impl TokenSet {
    /// Less than a minute left (or a tenth of its life, for short-lived tokens).
    pub fn expires_soon(&self, now: i64) -> bool {
        self.expires_at - now < 60
    }
}

/// The PKCE pair and the `state` that ties the redirect to this attempt.
pub struct Pkce {
    pub verifier: String,
    pub challenge: String,
    pub state: String,
}

fn random_text(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    // The OS's generator; without one there is no safe login to offer.
    getrandom::fill(&mut buf).expect("the operating system's random number generator");
    URL_SAFE_NO_PAD.encode(buf)
}

impl Pkce {
    pub fn new() -> Self {
        // 48 random bytes: a 64-character verifier, within RFC 7636's 43–128.
        let verifier = random_text(48);
        let challenge = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
        Self {
            verifier,
            challenge,
            state: random_text(16),
        }
    }
}

impl Default for Pkce {
    fn default() -> Self {
        Self::new()
    }
}

/// The address of the consent page.
pub fn authorize_url(
    authorize: &str,
    keystring: &str,
    redirect_uri: &str,
    pkce: &Pkce,
) -> Result<String, url::ParseError> {
    let mut u = url::Url::parse(authorize)?;
    u.query_pairs_mut()
        .append_pair("response_type", "code")
        .append_pair("client_id", keystring)
        .append_pair("redirect_uri", redirect_uri)
        .append_pair("scope", SCOPES)
        .append_pair("state", &pkce.state)
        .append_pair("code_challenge", &pkce.challenge)
        .append_pair("code_challenge_method", "S256");
    Ok(u.into())
}

#[derive(Deserialize)]
struct TokenAnswer {
    access_token: String,
    refresh_token: String,
    expires_in: i64,
}

#[derive(Deserialize)]
struct OAuthError {
    error: String,
    #[serde(default)]
    error_description: Option<String>,
}

async fn token_call(
    http: &reqwest::Client,
    token_url: &str,
    form: &[(&str, &str)],
) -> Result<TokenSet, MarketplaceError> {
    const OP: &str = "oauth token";
    let r = http.post(token_url).form(form).send().await.map_err(|e| {
        MarketplaceError::Unreachable {
            operation: OP,
            reason: e.to_string(),
        }
    })?;
    let status = r.status();
    // Read as every other answer is: a hostile token endpoint cannot send gigabytes either.
    let bytes = match super::http::body(r).await {
        Ok(b) => b,
        Err(Ok(wire)) => {
            return Err(MarketplaceError::Wire {
                operation: OP,
                source: wire,
            });
        }
        Err(Err(e)) => {
            return Err(MarketplaceError::Unreachable {
                operation: OP,
                reason: e.to_string(),
            });
        }
    };
    if !status.is_success() {
        let message = match serde_json::from_slice::<OAuthError>(&bytes) {
            Ok(e) => match e.error_description {
                Some(d) => format!("{}: {d}", e.error),
                None => e.error,
            },
            Err(_) => format!("HTTP {status}"),
        };
        return Err(MarketplaceError::Refused {
            operation: OP,
            status: status.as_u16(),
            message,
        });
    }
    let t: TokenAnswer = wire::read(&bytes).map_err(|e| MarketplaceError::Wire {
        operation: OP,
        source: e,
    })?;
    Ok(TokenSet {
        access_token: t.access_token,
        refresh_token: t.refresh_token,
        expires_at: chrono::Utc::now().timestamp() + t.expires_in,
    })
}

/// Exchanges the code from the redirect for a token pair.
pub async fn exchange(
    http: &reqwest::Client,
    token_url: &str,
    keystring: &str,
    redirect_uri: &str,
    code: &str,
    pkce: &Pkce,
) -> Result<TokenSet, MarketplaceError> {
    token_call(
        http,
        token_url,
        &[
            ("grant_type", "authorization_code"),
            ("client_id", keystring),
            ("redirect_uri", redirect_uri),
            ("code", code),
            ("code_verifier", &pkce.verifier),
        ],
    )
    .await
}

/// A new token pair for the refresh token; the old refresh token is spent.
pub async fn refresh(
    http: &reqwest::Client,
    token_url: &str,
    keystring: &str,
    refresh_token: &str,
) -> Result<TokenSet, MarketplaceError> {
    token_call(
        http,
        token_url,
        &[
            ("grant_type", "refresh_token"),
            ("client_id", keystring),
            ("refresh_token", refresh_token),
        ],
    )
    .await
}

#[derive(Debug, thiserror::Error)]
pub enum RedirectError {
    #[error("the redirect address {0} is not a loopback http:// address with a port")]
    NotLoopback(String),
    #[error("cannot listen on {addr}: {reason}")]
    Listen { addr: String, reason: String },
    #[error("no answer from the browser within {0} seconds")]
    TimedOut(u64),
    #[error("the marketplace refused: {0}")]
    Denied(String),
    #[error("the redirect did not carry this attempt's state (another login, or a forged link)")]
    WrongState,
}

/// Listens on the loopback redirect address (which must be registered with the marketplace
/// exactly), waits for the browser to come back, and returns the code.
pub struct RedirectListener {
    listener: tokio::net::TcpListener,
    path: String,
    uri: String,
}

impl RedirectListener {
    pub async fn bind(redirect_uri: &str) -> Result<Self, RedirectError> {
        let bad = || RedirectError::NotLoopback(redirect_uri.to_owned());
        let u = url::Url::parse(redirect_uri).map_err(|_| bad())?;
        let host = u.host_str().ok_or_else(bad)?;
        let loopback = matches!(host, "localhost" | "127.0.0.1" | "[::1]");
        let port = u.port().ok_or_else(bad)?;
        if u.scheme() != "http" || !loopback {
            return Err(bad());
        }
        let addr = if host == "[::1]" {
            format!("[::1]:{port}")
        } else {
            format!("127.0.0.1:{port}")
        };
        let listener =
            tokio::net::TcpListener::bind(&addr)
                .await
                .map_err(|e| RedirectError::Listen {
                    addr,
                    reason: e.to_string(),
                })?;
        // Port 0 (the sandbox, which accepts any address) takes a free one.
        let mut uri = u.clone();
        if port == 0 {
            let actual = listener.local_addr().map(|a| a.port()).unwrap_or(0);
            let _ = uri.set_port(Some(actual));
        }
        Ok(Self {
            listener,
            path: u.path().to_owned(),
            uri: uri.into(),
        })
    }

    /// The redirect address as listened on (with the port chosen, if it was 0).
    pub fn uri(&self) -> &str {
        &self.uri
    }

    /// The code of the first request to the redirect path that carries `state`.
    pub async fn code(self, state: &str, within: Duration) -> Result<String, RedirectError> {
        tokio::time::timeout(within, self.wait(state))
            .await
            .map_err(|_| RedirectError::TimedOut(within.as_secs()))?
    }

    async fn wait(&self, state: &str) -> Result<String, RedirectError> {
        loop {
            let Ok((mut stream, _)) = self.listener.accept().await else {
                continue;
            };
            let mut buf = vec![0u8; 8192];
            let mut n = 0;
            // The request line is all that is needed.
            while n < buf.len() && !buf[..n].windows(2).any(|w| w == b"\r\n") {
                match stream.read(&mut buf[n..]).await {
                    Ok(0) | Err(_) => break,
                    Ok(k) => n += k,
                }
            }
            let head = String::from_utf8_lossy(&buf[..n]);
            let target = head
                .lines()
                .next()
                .and_then(|l| l.strip_prefix("GET "))
                .and_then(|l| l.split(' ').next())
                .unwrap_or("");
            let (path, query) = target.split_once('?').unwrap_or((target, ""));
            if path != self.path {
                let _ = stream
                    .write_all(
                        b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
                    )
                    .await;
                continue;
            }
            let pairs: Vec<(String, String)> = form_urlencoded::parse(query.as_bytes())
                .into_owned()
                .collect();
            let get = |k: &str| pairs.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
            let result = if get("state").as_deref() != Some(state) {
                Err(RedirectError::WrongState)
            } else if let Some(code) = get("code") {
                Ok(code)
            } else {
                Err(RedirectError::Denied(
                    get("error_description")
                        .or_else(|| get("error"))
                        .unwrap_or_else(|| "no code".into()),
                ))
            };
            let page = match &result {
                Ok(_) => "Vefa is connected. You can close this tab.",
                Err(_) => "Vefa could not connect. Go back to the app to see why.",
            };
            let reply = format!(
                "HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{page}",
                page.len()
            );
            let _ = stream.write_all(reply.as_bytes()).await;
            return result;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_challenge_is_the_verifiers_sha256() {
        let p = Pkce::new();
        assert_eq!(p.verifier.len(), 64);
        assert_eq!(
            p.challenge,
            URL_SAFE_NO_PAD.encode(Sha256::digest(p.verifier.as_bytes()))
        );
        assert_ne!(
            Pkce::new().verifier,
            p.verifier,
            "each attempt has its own verifier"
        );
        let url = authorize_url(
            "https://www.etsy.com/oauth/connect",
            "abc",
            "http://localhost:3003/etsy",
            &p,
        )
        .unwrap();
        assert!(url.contains("code_challenge_method=S256"), "{url}");
        assert!(
            url.contains("redirect_uri=http%3A%2F%2Flocalhost%3A3003%2Fetsy"),
            "{url}"
        );
        assert!(
            !url.contains(&p.verifier),
            "the verifier never leaves the app"
        );
    }

    #[tokio::test]
    async fn only_a_loopback_redirect_is_listened_on() {
        for bad in [
            "https://localhost:3003/x",
            "http://example.com:3003/x",
            "http://localhost/x",
        ] {
            assert!(matches!(
                RedirectListener::bind(bad).await,
                Err(RedirectError::NotLoopback(_))
            ));
        }
    }
}
