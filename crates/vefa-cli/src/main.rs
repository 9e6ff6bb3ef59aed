//! `vefa`: the core from the command line, for scripts, tests and a second desk.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use vefa::{Actor, Error, Location, OpenOptions, Vefa};

mod cli {
    pub mod customers;
    pub mod feedback;
    pub mod followup;
    pub mod inspect;
    pub mod listings;
    pub mod loyalty;
    pub mod offers;
    pub mod orders;
    pub mod outbox;
    pub mod report;
    pub mod shop;
    pub mod sync;
}

#[derive(Parser)]
#[command(
    name = "vefa",
    version,
    about = "Vefa: your marketplace shop from the command line"
)]
struct Cli {
    /// The store: a SQLite file path or `sqlite://` URL, or a `postgres://` URL. Default: the
    /// platform data directory's vefa.sqlite.
    #[arg(long, global = true, env = "VEFA_DATABASE_URL")]
    db: Option<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Where the store is and its schema version.
    Info {
        #[arg(long)]
        json: bool,
    },
    /// The seller profile.
    Profile {
        #[command(subcommand)]
        command: cli::shop::ProfileCommand,
    },
    /// Show a test desktop notification.
    NotifyTest,
    /// The catalog.
    Listings {
        #[command(subcommand)]
        command: cli::listings::ListingsCommand,
    },
    /// Orders from every channel.
    Orders {
        #[command(subcommand)]
        command: cli::orders::OrdersCommand,
    },
    /// Check a parcel before the courier: scans, yes/no steps, the run's state.
    Inspect(cli::inspect::InspectArgs),
    /// The buyers: one record each across channels.
    Customers {
        #[command(subcommand)]
        command: cli::customers::CustomersCommand,
    },
    /// Buyers' loyalty points: balance and tier, the ledger, corrections.
    Loyalty {
        #[command(subcommand)]
        command: cli::loyalty::LoyaltyCommand,
    },
    /// Personal offers: what a buyer might like next, with a coupon and a message.
    Offers {
        #[command(subcommand)]
        command: cli::offers::OffersCommand,
    },
    /// The complaint and suggestion book.
    Complaints {
        #[command(subcommand)]
        command: cli::feedback::ComplaintsCommand,
    },
    /// Reports: the weekly review.
    Report {
        #[command(subcommand)]
        command: cli::report::ReportCommand,
    },
    /// Follow-up after delivery: what is due, asking, and the buyers' answers.
    Followup {
        #[command(subcommand)]
        command: cli::followup::FollowUpCommand,
    },
    /// Coupon codes: make, list, use by hand, or turn a buyer's points into one.
    Coupons {
        #[command(subcommand)]
        command: cli::loyalty::CouponsCommand,
    },
    /// Print a batch's pick list and packing slips (HTML pages for the browser to print).
    Pack(cli::inspect::PackArgs),
    /// Messages to buyers.
    Outbox {
        #[command(subcommand)]
        command: cli::outbox::OutboxCommand,
    },
    /// The SMTP server messages go through.
    Smtp {
        #[command(subcommand)]
        command: cli::outbox::SmtpCommand,
    },
    /// The sandbox marketplace: a shop on this machine that speaks Etsy's API.
    Sandbox {
        #[command(subcommand)]
        command: cli::sync::SandboxCommand,
    },
    /// Connect a marketplace shop.
    Connect {
        #[command(subcommand)]
        command: cli::sync::ConnectCommand,
    },
    /// Bring the connected shops' changes home.
    Sync {
        /// Only this account (default: every connected one).
        #[arg(long)]
        account: Option<i32>,
        #[arg(long)]
        json: bool,
        /// Keep syncing, every --interval seconds, until stopped.
        #[arg(long)]
        watch: bool,
        #[arg(long, default_value_t = 120, requires = "watch")]
        interval: u64,
    },
}

fn default_location() -> Result<Location, Error> {
    let dir: PathBuf = vefa::infra::store::default_data_dir().ok_or_else(|| Error::StoreOpen {
        location: String::new(),
        reason: "no home directory: give --db".into(),
    })?;
    Ok(Location::Sqlite(vefa::infra::store::sqlite_path_in(&dir)))
}

async fn run(cli: Cli) -> Result<ExitCode, Error> {
    // The sandbox needs no store.
    if let Command::Sandbox { command } = cli.command {
        return cli::sync::sandbox(command).await;
    }
    let location = match &cli.db {
        Some(url) => Location::parse(url)?,
        None => default_location()?,
    };
    let mut options = OpenOptions::new(location);
    options.actor = Actor::Cli;
    let vefa = Vefa::open_with(options).await?;
    let code = on_store(&vefa, cli.command).await?;
    vefa.close().await?;
    Ok(code)
}

/// One command on the open store.
async fn on_store(vefa: &Vefa, command: Command) -> Result<ExitCode, Error> {
    match command {
        Command::Info { json } => cli::shop::info(vefa, json),
        Command::Profile { command } => cli::shop::profile(vefa, command).await,
        Command::NotifyTest => cli::shop::notify_test(vefa).await,
        Command::Listings { command } => cli::listings::run(vefa, command).await,
        Command::Orders { command } => cli::orders::run(vefa, command).await,
        Command::Outbox { command } => cli::outbox::run(vefa, command).await,
        Command::Smtp { command } => cli::outbox::smtp(vefa, command).await,
        Command::Connect { command } => cli::sync::connect(vefa, command).await,
        Command::Sync {
            account,
            json,
            watch,
            interval,
        } => cli::sync::sync(vefa, account, json, watch, interval).await,
        // Served before any store is opened; kept here so that every command has its place.
        Command::Sandbox { command } => cli::sync::sandbox(command).await,
        Command::Customers { command } => cli::customers::run(vefa, command).await,
        Command::Offers { command } => cli::offers::run(vefa, command).await,
        Command::Complaints { command } => cli::feedback::run(vefa, command).await,
        Command::Report { command } => cli::report::run(vefa, command).await,
        Command::Followup { command } => cli::followup::run(vefa, command).await,
        Command::Coupons { command } => cli::loyalty::coupons(vefa, command).await,
        Command::Loyalty { command } => cli::loyalty::run(vefa, command).await,
        Command::Pack(args) => cli::inspect::pack(vefa, args).await,
        Command::Inspect(args) => cli::inspect::run(vefa, args).await,
    }
}

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::from_env("VEFA_LOG"))
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("vefa: cannot start: {e}");
            return ExitCode::from(1);
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("vefa: {e}");
            if let Error::Validation(fields) = &e {
                for f in fields {
                    eprintln!("  {}", f.english());
                }
            }
            if let Error::Oversell(_) = &e {
                eprintln!(
                    "  add --allow-oversell to sell anyway (an out-of-stock problem is opened)"
                );
            }
            // A file that cannot be read or parsed is the caller's to fix, like a usage error.
            match e {
                Error::File { .. } | Error::CsvFile { .. } => ExitCode::from(2),
                _ => ExitCode::from(1),
            }
        }
    }
}
