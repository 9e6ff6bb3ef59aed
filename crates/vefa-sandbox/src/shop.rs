//! The sandbox as a shop the seller can try: connecting to it (its consent page approves at
//! once) and the demo shop that runs inside the app.

use std::sync::Arc;
use std::time::Duration;

use vefa::infra::secrets::{MemorySecrets, Secrets};
use vefa::marketplaces::MarketplaceError;
use vefa::marketplaces::accounts::{Account, MarketplaceKind};
use vefa::{ConnectRequest, Error, Result, Vefa};

use crate::{Sandbox, SandboxConfig};

/// The sandbox's app credentials: it checks their shape, not their value.
pub const KEYSTRING: &str = "vefa-sandbox";
pub const SECRET: &str = "sandbox";

/// A connection to the sandbox marketplace at `url`: its app credentials, and any free loopback
/// port for the redirect (the sandbox takes whichever it is given).
pub fn connect_request(url: String) -> ConnectRequest {
    ConnectRequest {
        marketplace: MarketplaceKind::Sandbox,
        base_url: url,
        keystring: KEYSTRING.into(),
        secret: SECRET.into(),
        redirect_uri: "http://127.0.0.1:0/vefa/sandbox".into(),
    }
}

/// Plays the seller's part on the sandbox's consent page, which approves at once: asks for it
/// and follows its redirect to Vefa's loopback listener, as a browser would.
pub async fn approve(authorize_url: String) -> std::result::Result<(), MarketplaceError> {
    const OP: &str = "sandbox consent";
    let http = vefa::marketplaces::etsy::http::http_client(Duration::from_secs(10));
    let unreachable = |e: reqwest::Error| MarketplaceError::Unreachable {
        operation: OP,
        reason: e.to_string(),
    };
    let r = http.get(&authorize_url).send().await.map_err(unreachable)?;
    let Some(to) = r
        .headers()
        .get(reqwest::header::LOCATION)
        .and_then(|l| l.to_str().ok())
    else {
        return Err(MarketplaceError::Refused {
            operation: OP,
            status: r.status().as_u16(),
            message: "no redirect".into(),
        });
    };
    http.get(to).send().await.map_err(unreachable)?;
    Ok(())
}

/// The demo shop: the sandbox marketplace running inside this process on a loopback port, and
/// its account. Its tokens are throwaway ones kept in memory (the sandbox starts afresh with the
/// process), so a machine without a keychain can try Vefa too.
pub struct SandboxShop {
    /// Held so that the server runs as long as the shop does (dropping it stops the server).
    _sandbox: Sandbox,
    secrets: Arc<MemorySecrets>,
    pub account: Account,
}

impl SandboxShop {
    /// Where the sandbox account's tokens are.
    pub fn secrets(&self) -> Arc<dyn Secrets> {
        self.secrets.clone()
    }
}

/// Starts the sandbox shop and connects it (the same account every time); remembered, so that
/// the app starts it again next time.
pub async fn start_shop(vefa: &Vefa, config: SandboxConfig) -> Result<SandboxShop> {
    let sandbox = Sandbox::start(config)
        .await
        .map_err(|e| Error::Login(format!("the sandbox shop cannot listen: {e}")))?;
    let secrets = Arc::new(MemorySecrets::default());
    let account = vefa
        .connect_marketplace(&connect_request(sandbox.url()), secrets.as_ref(), approve)
        .await?;
    vefa.remember_sandbox_shop().await?;
    Ok(SandboxShop {
        _sandbox: sandbox,
        secrets,
        account,
    })
}
