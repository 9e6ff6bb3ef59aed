//! The HTTP pieces the Etsy client and its OAuth share: one client set-up (no redirects
//! followed, a timeout on every call) and reading an answer with a size limit.

use std::time::Duration;

use crate::marketplaces::error::{MAX_BODY_BYTES, WireError};

/// Reads a body up to the size limit.
pub(crate) async fn body(
    mut r: reqwest::Response,
) -> Result<Vec<u8>, Result<WireError, reqwest::Error>> {
    if r.content_length()
        .is_some_and(|n| n > MAX_BODY_BYTES as u64)
    {
        return Err(Ok(WireError::TooLarge));
    }
    let mut out = Vec::new();
    while let Some(chunk) = r.chunk().await.map_err(Err)? {
        if out.len() + chunk.len() > MAX_BODY_BYTES {
            return Err(Ok(WireError::TooLarge));
        }
        out.extend_from_slice(&chunk);
    }
    Ok(out)
}

/// An HTTP client that follows no redirects and gives up after `timeout`.
pub fn http_client(timeout: Duration) -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(timeout)
        .connect_timeout(timeout.min(Duration::from_secs(10)))
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(concat!("Vefa/", env!("CARGO_PKG_VERSION")))
        .build()
        .unwrap_or_default()
}
