//! Keeps the connected shops in sync: the sandbox shop started again if the seller chose it, a
//! sync of every account at start, every few minutes (the seller's setting) and on "Sync now". The syncing itself is
//! the core's (`Vefa::sync_account`); new orders reach the window and the notifications through
//! the change feed like any other change.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use serde::{Deserialize, Serialize};
use specta::Type;
use tauri::{AppHandle, Manager};
use tokio::sync::Mutex;
use vefa::infra::secrets::{Keychain, Secrets};
use vefa::marketplaces::MarketplaceError;
use vefa::marketplaces::accounts::MarketplaceKind;
use vefa::marketplaces::etsy::Patience;
use vefa::sync::{SyncProgress, SyncReport};
use vefa::{AccountStatus, ConnectRequest, ErrorView, Vefa};
use vefa_sandbox::{SandboxConfig, SandboxShop};

use crate::AppState;

/// The sandbox shop makes an order every 20 seconds and is synced every 20 seconds (whatever
/// the setting), so that a first look shows orders arriving within a minute.
const SANDBOX_EVERY: Duration = Duration::from_secs(20);

#[derive(Default)]
pub struct Syncer {
    shop: Mutex<Option<SandboxShop>>,
    /// One sync at a time; "Sync now" during one waits for it, then runs.
    round: Mutex<()>,
    syncing: AtomicBool,
    last: std::sync::Mutex<Vec<SyncReport>>,
    /// Told when the sync interval may have changed.
    wake: tokio::sync::Notify,
}

/// What the seller types to connect an Etsy shop: the keystring and shared secret of their Etsy
/// app, and the redirect address registered with it (a loopback one).
#[derive(Clone, Deserialize, Type)]
pub struct EtsyLogin {
    pub keystring: String,
    pub secret: String,
    pub redirect_uri: String,
}

impl std::fmt::Debug for EtsyLogin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EtsyLogin")
            .field("keystring", &self.keystring)
            .field("redirect_uri", &self.redirect_uri)
            .finish_non_exhaustive()
    }
}

/// What the window shows of the marketplaces.
#[derive(Debug, Clone, Serialize, Type)]
pub struct Marketplaces {
    pub accounts: Vec<AccountStatus>,
    /// The sandbox shop runs inside the app.
    pub sandbox_running: bool,
    pub syncing: bool,
    /// Where the running sync stands.
    pub progress: Option<SyncProgress>,
    /// The last round, one report per account.
    pub last: Vec<SyncReport>,
}

fn sandbox_config() -> SandboxConfig {
    SandboxConfig {
        shop_name: "Vefa Sandbox".into(),
        orders: 25,
        listings: 40,
        order_every: Some(SANDBOX_EVERY),
        ..SandboxConfig::default()
    }
}

impl Syncer {
    pub async fn view(&self, vefa: &Vefa) -> Result<Marketplaces, ErrorView> {
        Ok(Marketplaces {
            accounts: vefa.marketplace_status().await?,
            sandbox_running: self.shop.lock().await.is_some(),
            syncing: self.syncing.load(Ordering::Relaxed),
            progress: vefa.sync_progress(),
            last: self.last.lock().unwrap_or_else(|p| p.into_inner()).clone(),
        })
    }

    /// Starts the sandbox shop unless it runs, then syncs at once.
    pub async fn start_sandbox(&self, vefa: &Vefa) -> Result<(), ErrorView> {
        {
            let mut shop = self.shop.lock().await;
            if shop.is_none() {
                *shop = Some(vefa_sandbox::start_shop(vefa, sandbox_config()).await?);
            }
        }
        self.round(vefa).await
    }

    /// Connects an Etsy shop: Etsy's consent page opens in the system browser, and the
    /// seller's approval comes back to the registered loopback address (waited for up to ten
    /// minutes). The tokens and the shared secret go to the OS keychain. Then a first sync.
    pub async fn connect_etsy(&self, vefa: &Vefa, login: EtsyLogin) -> Result<(), ErrorView> {
        let req = ConnectRequest {
            marketplace: MarketplaceKind::Etsy,
            base_url: String::new(),
            keystring: login.keystring.trim().to_owned(),
            secret: login.secret.trim().to_owned(),
            redirect_uri: login.redirect_uri.trim().to_owned(),
        };
        let keychain = Keychain::new(vefa::APP_ID);
        vefa.connect_marketplace(&req, &keychain, |url| async move {
            open::that_detached(&url).map_err(|e| MarketplaceError::Unreachable {
                operation: "opening the system browser",
                reason: e.to_string(),
            })
        })
        .await?;
        self.round(vefa).await
    }

    /// The wait until the next automatic sync may have changed.
    pub fn wake(&self) {
        self.wake.notify_waiters();
    }

    /// How long after a sync the next one starts.
    async fn interval(&self, vefa: &Vefa) -> Duration {
        if self.shop.lock().await.is_some() {
            return SANDBOX_EVERY;
        }
        let minutes = match vefa.settings().await {
            Ok(s) => s.sync_every_minutes,
            Err(e) => {
                tracing::warn!(error = %e, "reading the sync interval");
                vefa::Settings::default().sync_every_minutes
            }
        };
        Duration::from_secs(u64::from(minutes.max(1)) * 60)
    }

    /// Syncs every account, one after the other.
    pub async fn round(&self, vefa: &Vefa) -> Result<(), ErrorView> {
        let _one = self.round.lock().await;
        self.syncing.store(true, Ordering::Relaxed);
        let done = self.sync_all(vefa).await;
        self.syncing.store(false, Ordering::Relaxed);
        let reports = done?;
        for r in &reports {
            if !r.errors.is_empty() {
                tracing::warn!(account = r.account_id, errors = ?r.errors, "sync");
            }
        }
        *self.last.lock().unwrap_or_else(|p| p.into_inner()) = reports;
        Ok(())
    }

    async fn sync_all(&self, vefa: &Vefa) -> Result<Vec<SyncReport>, ErrorView> {
        let (sandbox_id, sandbox_secrets) = match &*self.shop.lock().await {
            Some(s) => (Some(s.account.id), Some(s.secrets())),
            None => (None, None),
        };
        let keychain: Arc<dyn Secrets> = Arc::new(Keychain::new(vefa::APP_ID));
        let mut reports = Vec::new();
        for account in vefa.marketplace_accounts().await? {
            let secrets = match (&sandbox_secrets, sandbox_id == Some(account.id)) {
                (Some(s), true) => s.clone(),
                _ => keychain.clone(),
            };
            match vefa
                .sync_account(account.id, secrets, Patience::default())
                .await
            {
                Ok(r) => reports.push(r),
                // One account that cannot sync (its login gone from the keychain) does not
                // stop the others; its report says why.
                Err(e) => reports.push(SyncReport {
                    account_id: account.id,
                    errors: vec![e.to_string()],
                    ..SyncReport::default()
                }),
            }
        }
        Ok(reports)
    }
}

pub fn run(app: AppHandle) {
    tauri::async_runtime::spawn(async move {
        let state = app.state::<AppState>();
        let Ok(vefa) = state.vefa().await else {
            return;
        };
        let syncer = &state.syncer;
        match vefa.sandbox_shop_wanted().await {
            Ok(true) => {
                if let Err(e) = syncer.start_sandbox(vefa).await {
                    tracing::warn!(error = %e, "starting the sandbox shop");
                }
            }
            Ok(false) => {}
            Err(e) => tracing::warn!(error = %e, "reading the sandbox setting"),
        }
        loop {
            if let Err(e) = syncer.round(vefa).await {
                tracing::warn!(error = %e, "sync");
            }
            let synced = tokio::time::Instant::now();
            // Waits out the interval, measured again whenever the settings change.
            loop {
                let due = synced + syncer.interval(vefa).await;
                tokio::select! {
                    _ = tokio::time::sleep_until(due) => break,
                    _ = syncer.wake.notified() => {}
                }
            }
        }
    });
}
