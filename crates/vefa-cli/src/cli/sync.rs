//! `vefa sandbox serve`, `vefa connect …` and `vefa sync`: the sandbox marketplace, connecting a
//! shop, and bringing its changes home.

use std::io::{BufRead, IsTerminal};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use clap::Subcommand;
use vefa::infra::secrets::{Keychain, Secrets};
use vefa::marketplaces::accounts::MarketplaceKind;
use vefa::marketplaces::etsy::Patience;
use vefa::sync::SyncReport;
use vefa::{ConnectRequest, Error, Vefa};
use vefa_sandbox::{Faults, Sandbox, SandboxConfig};

#[derive(Subcommand)]
pub enum SandboxCommand {
    /// Run the sandbox marketplace on 127.0.0.1 until stopped (Ctrl-C).
    Serve {
        /// 0: any free port (printed).
        #[arg(long, default_value_t = 0)]
        port: u16,
        #[arg(long, default_value = "Vefa Sandbox")]
        shop_name: String,
        #[arg(long, default_value_t = 40)]
        listings: usize,
        #[arg(long, default_value_t = 25)]
        orders: usize,
        /// A new order this often (seconds).
        #[arg(long)]
        order_every: Option<f64>,
        /// e.g. "429=0.05,500=0.05,slow=0.05,timeout=0.02,malformed=0.03", or "all=0.2".
        #[arg(long, value_parser = parse_faults)]
        faults: Option<Faults>,
        /// The same seed makes the same shop.
        #[arg(long, default_value_t = 7)]
        seed: u64,
        /// Calls allowed a day (Etsy's default: 10 000).
        #[arg(long, default_value_t = 10_000)]
        per_day: u64,
        /// Listings without pictures (to measure a sync without fetching them).
        #[arg(long)]
        no_pictures: bool,
    },
}

#[derive(Subcommand)]
pub enum ConnectCommand {
    /// Connect the sandbox marketplace running at URL (its consent page approves at once).
    Sandbox {
        #[arg(long)]
        url: String,
    },
    /// Connect an Etsy shop: prints the consent page's address for your browser, and waits
    /// for Etsy to send it back. The shared secret is asked on the terminal.
    Etsy {
        /// Your Etsy app's keystring.
        #[arg(long)]
        keystring: String,
        /// The redirect address registered for your app; it must be http on localhost.
        #[arg(long, default_value = "http://localhost:3003/vefa/etsy")]
        redirect_uri: String,
    },
}

fn parse_faults(s: &str) -> Result<Faults, String> {
    Faults::parse(s).map_err(|e| e.to_string())
}

pub async fn sandbox(command: SandboxCommand) -> Result<ExitCode, Error> {
    let SandboxCommand::Serve {
        port,
        shop_name,
        listings,
        orders,
        order_every,
        faults,
        seed,
        per_day,
        no_pictures,
    } = command;
    let order_every = match order_every {
        Some(s) if !(s.is_finite() && s > 0.0) => {
            eprintln!("vefa: --order-every must be a number of seconds above zero");
            return Ok(ExitCode::from(2));
        }
        s => s.map(Duration::from_secs_f64),
    };
    let config = SandboxConfig {
        port,
        shop_name,
        listings,
        orders,
        order_every,
        faults: faults.unwrap_or_default(),
        seed,
        per_day,
        pictures: !no_pictures,
        ..SandboxConfig::default()
    };
    let sandbox = Sandbox::start(config)
        .await
        .map_err(|e| Error::Login(format!("the sandbox cannot listen: {e}")))?;
    // The first line is the address, for scripts that start the sandbox and read it.
    println!("{}", sandbox.url());
    eprintln!(
        "Sandbox marketplace at {} (shop {}). Connect it with: vefa connect sandbox --url {}",
        sandbox.url(),
        sandbox.shop_id(),
        sandbox.url()
    );
    let _ = tokio::signal::ctrl_c().await;
    sandbox.stop().await;
    Ok(ExitCode::SUCCESS)
}

pub async fn connect(vefa: &Vefa, command: ConnectCommand) -> Result<ExitCode, Error> {
    let keychain = Keychain::new(vefa::APP_ID);
    let account = match command {
        ConnectCommand::Sandbox { url } => {
            let req = vefa_sandbox::connect_request(url);
            vefa.connect_marketplace(&req, &keychain, vefa_sandbox::approve)
                .await?
        }
        ConnectCommand::Etsy {
            keystring,
            redirect_uri,
        } => {
            let secret = read_secret()?;
            let req = ConnectRequest {
                marketplace: MarketplaceKind::Etsy,
                base_url: String::new(),
                keystring,
                secret,
                redirect_uri,
            };
            vefa.connect_marketplace(&req, &keychain, |url| async move {
                eprintln!("Open this address in your browser and allow access:\n\n{url}\n");
                Ok(())
            })
            .await?
        }
    };
    println!(
        "Connected {} shop “{}” (account {}).",
        account.marketplace.as_str(),
        account.shop_name,
        account.id
    );
    Ok(ExitCode::SUCCESS)
}

fn read_secret() -> Result<String, Error> {
    let secret = if std::io::stdin().is_terminal() {
        rpassword::prompt_password("Your Etsy app's shared secret: ")
            .map_err(|e| Error::Login(format!("reading the shared secret: {e}")))?
    } else {
        let mut line = String::new();
        std::io::stdin()
            .lock()
            .read_line(&mut line)
            .map_err(|e| Error::Login(format!("reading the shared secret: {e}")))?;
        line
    };
    let secret = secret.trim().to_owned();
    if secret.is_empty() {
        return Err(Error::Login("the shared secret is empty".into()));
    }
    Ok(secret)
}

fn print(reports: &[SyncReport], json: bool) {
    if json {
        let body = if let [one] = reports {
            serde_json::to_string_pretty(one)
        } else {
            serde_json::to_string_pretty(reports)
        };
        println!("{}", body.unwrap_or_default());
        return;
    }
    for r in reports {
        println!(
            "account {}: {} new orders, {} updated; {} listings brought up to date, {} sent, \
             {} conflicts; {} pictures fetched; {} new reviews; {} sent to the marketplace, \
             {} waiting; {} API calls",
            r.account_id,
            r.orders_new,
            r.orders_updated,
            r.listings_pulled,
            r.listings_pushed,
            r.listing_conflicts,
            r.photos_fetched,
            r.reviews_new,
            r.outbox_sent,
            r.outbox_waiting,
            r.api_calls
        );
        for e in &r.errors {
            println!("  error: {e}");
        }
    }
}

pub async fn sync(
    vefa: &Vefa,
    account: Option<i32>,
    json: bool,
    watch: bool,
    interval: u64,
) -> Result<ExitCode, Error> {
    let keychain: Arc<dyn Secrets> = Arc::new(Keychain::new(vefa::APP_ID));
    loop {
        let ids: Vec<i32> = match account {
            Some(id) => vec![id],
            None => vefa
                .marketplace_accounts()
                .await?
                .iter()
                .map(|a| a.id)
                .collect(),
        };
        if ids.is_empty() {
            eprintln!("vefa: no marketplace is connected (vefa connect sandbox|etsy)");
            return Ok(ExitCode::from(1));
        }
        let mut reports = Vec::new();
        for id in ids {
            reports.push(
                vefa.sync_account(id, keychain.clone(), Patience::default())
                    .await?,
            );
        }
        print(&reports, json);
        if !watch {
            let failed = reports.iter().any(|r| !r.errors.is_empty());
            return Ok(if failed {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            });
        }
        tokio::select! {
            _ = tokio::time::sleep(Duration::from_secs(interval.max(1))) => {}
            _ = tokio::signal::ctrl_c() => return Ok(ExitCode::SUCCESS),
        }
    }
}
