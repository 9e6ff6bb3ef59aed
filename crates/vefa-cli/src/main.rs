//! `vefa`: the core from the command line, for scripts, tests and a second desk.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use vefa::FieldCode;

use clap::{Parser, Subcommand};

mod cli {
    pub mod customers;
    pub mod feedback;
    pub mod followup;
    pub mod inspect;
    pub mod loyalty;
    pub mod offers;
    pub mod orders;
    pub mod outbox;
    pub mod report;
    pub mod sync;
}
use vefa::catalog::csv::Format;
use vefa::catalog::listings::ListingQuery;
use vefa::infra::notifications::DesktopNotifier;
use vefa::locale::UiLanguage;
use vefa::sync::listings::Choice;
use vefa::{Actor, Error, Location, OpenOptions, ProfileInput, Vefa};

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
        command: ProfileCommand,
    },
    /// Show a test desktop notification.
    NotifyTest,
    /// The catalog.
    Listings {
        #[command(subcommand)]
        command: ListingsCommand,
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

#[derive(Subcommand)]
enum ListingsCommand {
    /// Every listing, worst completeness first.
    List {
        #[arg(long)]
        json: bool,
    },
    /// Completeness per listing: score, complete or not, and each unmet rule with its message.
    Check {
        /// Only listings scoring below this.
        #[arg(long, value_parser = clap::value_parser!(u8).range(0..=101))]
        below: Option<u8>,
        #[arg(long)]
        json: bool,
    },
    /// Import a catalog CSV: Etsy's listings export or Vefa's own format. Exit status 0 when
    /// every row was taken, 3 when some were rejected, 2 on a usage or file error.
    Import {
        file: PathBuf,
        /// etsy or vefa; by default told from the header row.
        #[arg(long, value_parser = parse_format)]
        format: Option<Format>,
        /// Import nothing if any row is bad.
        #[arg(long)]
        strict: bool,
        /// Check every row and report, but keep nothing.
        #[arg(long)]
        dry_run: bool,
        #[arg(long)]
        json: bool,
    },
    /// Export the catalog (archived listings stay out) to a CSV file in Vefa's format.
    Export { file: PathBuf },
    /// Fields changed both here and on a marketplace since the last sync, waiting for you.
    Conflicts {
        #[arg(long)]
        json: bool,
    },
    /// Settle a conflict: keep yours (`--take mine`) or take the marketplace's.
    Resolve {
        id: i32,
        #[arg(long, value_parser = parse_choice)]
        take: Choice,
    },
}

fn parse_choice(s: &str) -> Result<Choice, String> {
    match s {
        "mine" => Ok(Choice::Mine),
        "marketplace" => Ok(Choice::Marketplace),
        _ => Err(format!("unknown side {s:?}: use mine or marketplace")),
    }
}

fn parse_format(s: &str) -> Result<Format, String> {
    Format::parse(s).ok_or_else(|| format!("unknown format {s:?}: use etsy or vefa"))
}

#[derive(Subcommand)]
enum ProfileCommand {
    Show {
        #[arg(long)]
        json: bool,
    },
    /// Change the fields given; the others keep their values.
    Set {
        #[arg(long)]
        shop_name: Option<String>,
        #[arg(long)]
        contact_name: Option<String>,
        #[arg(long)]
        phone: Option<String>,
        #[arg(long)]
        email: Option<String>,
        /// en, az, tr or fa.
        #[arg(long)]
        ui_language: Option<String>,
        /// Comma-separated language codes, e.g. `az,tr`.
        #[arg(long)]
        languages: Option<String>,
        #[arg(long)]
        currency: Option<String>,
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
    let cli = match cli.command {
        Command::Sandbox { command } => return cli::sync::sandbox(command).await,
        command => Cli { command, ..cli },
    };
    let location = match &cli.db {
        Some(url) => Location::parse(url)?,
        None => default_location()?,
    };
    let mut options = OpenOptions::new(location);
    options.actor = Actor::Cli;
    let vefa = Vefa::open_with(options).await?;
    match cli.command {
        Command::Info { json } => {
            let info = vefa.info();
            if json {
                println!("{}", serde_json::to_string_pretty(info).unwrap_or_default());
            } else {
                println!("store:          {}", info.location);
                println!("backend:        {}", info.backend);
                println!(
                    "schema version: {} ({} migrations)",
                    info.schema_version, info.migrations_applied
                );
                if let Some(b) = &info.backup {
                    println!("backup taken:   {b}");
                }
            }
        }
        Command::Profile {
            command: ProfileCommand::Show { json },
        } => {
            let p = vefa.profile().await?;
            if json {
                println!("{}", serde_json::to_string_pretty(&p).unwrap_or_default());
            } else {
                println!("shop:      {}", p.shop_name);
                println!("contact:   {}", p.contact_name);
                println!("phone:     {}", p.phone);
                println!("e-mail:    {}", p.email);
                println!("languages: {}", p.languages.join(", "));
                println!("currency:  {}", p.currency);
                println!("interface: {}", p.ui_language.code());
                println!(
                    "photo:     {}",
                    p.photo
                        .as_ref()
                        .map(|ph| format!("{}×{} {}", ph.width, ph.height, ph.mime))
                        .unwrap_or_else(|| "none".into())
                );
            }
        }
        Command::Profile {
            command:
                ProfileCommand::Set {
                    shop_name,
                    contact_name,
                    phone,
                    email,
                    ui_language,
                    languages,
                    currency,
                },
        } => {
            let p = vefa.profile().await?;
            let ui_language = match ui_language {
                Some(code) => UiLanguage::from_code(&code).ok_or_else(|| {
                    Error::Validation(vec![
                        vefa::FieldError::new("ui_language", FieldCode::Unknown)
                            .with("value", code),
                    ])
                })?,
                None => p.ui_language,
            };
            let input = ProfileInput {
                shop_name: shop_name.unwrap_or(p.shop_name),
                contact_name: contact_name.unwrap_or(p.contact_name),
                phone: phone.unwrap_or(p.phone),
                email: email.unwrap_or(p.email),
                ui_language,
                languages: languages
                    .map(|l| {
                        l.split(',')
                            .map(str::to_owned)
                            .filter(|s| !s.trim().is_empty())
                            .collect()
                    })
                    .unwrap_or(p.languages),
                currency: currency.unwrap_or(p.currency),
            };
            let saved = vefa.save_profile(&input).await?;
            println!("profile saved: {}", saved.shop_name);
        }
        Command::Listings { command } => {
            let code = listings_command(&vefa, command).await?;
            vefa.close().await?;
            return Ok(code);
        }
        Command::Outbox { command } => {
            let code = cli::outbox::run(&vefa, command).await?;
            vefa.close().await?;
            return Ok(code);
        }
        Command::Smtp { command } => {
            let code = cli::outbox::smtp(&vefa, command).await?;
            vefa.close().await?;
            return Ok(code);
        }
        Command::Connect { command } => {
            let code = cli::sync::connect(&vefa, command).await?;
            vefa.close().await?;
            return Ok(code);
        }
        Command::Sync {
            account,
            json,
            watch,
            interval,
        } => {
            let code = cli::sync::sync(&vefa, account, json, watch, interval).await?;
            vefa.close().await?;
            return Ok(code);
        }
        Command::Sandbox { .. } => unreachable!("served above, without a store"),
        Command::Customers { command } => {
            let code = cli::customers::run(&vefa, command).await?;
            vefa.close().await?;
            return Ok(code);
        }
        Command::Offers { command } => {
            let code = cli::offers::run(&vefa, command).await?;
            vefa.close().await?;
            return Ok(code);
        }
        Command::Complaints { command } => {
            let code = cli::feedback::run(&vefa, command).await?;
            vefa.close().await?;
            return Ok(code);
        }
        Command::Report { command } => {
            let code = cli::report::run(&vefa, command).await?;
            vefa.close().await?;
            return Ok(code);
        }
        Command::Followup { command } => {
            let code = cli::followup::run(&vefa, command).await?;
            vefa.close().await?;
            return Ok(code);
        }
        Command::Coupons { command } => {
            let code = cli::loyalty::coupons(&vefa, command).await?;
            vefa.close().await?;
            return Ok(code);
        }
        Command::Loyalty { command } => {
            let code = cli::loyalty::run(&vefa, command).await?;
            vefa.close().await?;
            return Ok(code);
        }
        Command::Pack(args) => {
            let code = cli::inspect::pack(&vefa, args).await?;
            vefa.close().await?;
            return Ok(code);
        }
        Command::Inspect(args) => {
            let code = cli::inspect::run(&vefa, args).await?;
            vefa.close().await?;
            return Ok(code);
        }
        Command::Orders { command } => {
            let code = cli::orders::run(&vefa, command).await?;
            vefa.close().await?;
            return Ok(code);
        }
        Command::NotifyTest => {
            let note = vefa
                .send_test_notification(Arc::new(DesktopNotifier::new(vefa::APP_ID)))
                .await?;
            println!("shown: {} — {}", note.summary, note.body);
        }
    }
    vefa.close().await?;
    Ok(ExitCode::SUCCESS)
}

async fn listings_command(vefa: &Vefa, command: ListingsCommand) -> Result<ExitCode, Error> {
    match command {
        ListingsCommand::List { json } => {
            let rows = vefa.all_listings(&ListingQuery::default()).await?;
            if json {
                println!(
                    "{}",
                    serde_json::to_string_pretty(&rows).unwrap_or_default()
                );
            } else {
                for r in rows {
                    println!(
                        "{:>6}  {:>3}%  {:<9}  {}",
                        r.id,
                        r.score,
                        r.state.as_str(),
                        r.title
                    );
                }
            }
        }
        ListingsCommand::Check { below, json } => {
            let rows = vefa
                .all_listings(&ListingQuery {
                    below_score: below,
                    ..Default::default()
                })
                .await?;
            let mut report = Vec::new();
            for r in rows {
                let l = vefa.listing(r.id).await?;
                let unmet: Vec<serde_json::Value> = l
                    .completeness
                    .unmet
                    .iter()
                    .map(|u| {
                        let (message, hint) = vefa::catalog::completeness::message_en(u);
                        serde_json::json!({ "rule": u.rule, "required": u.required, "message": message, "hint": hint })
                    })
                    .collect();
                report.push(serde_json::json!({
                    "id": l.id,
                    "sku": l.input.variants.first().map(|v| v.sku.clone()).unwrap_or_default(),
                    "title": l.input.title,
                    "score": l.completeness.score,
                    "complete": l.completeness.complete,
                    "unmet": unmet,
                }));
            }
            if json {
                println!(
                    "{}",
                    serde_json::to_string_pretty(&report).unwrap_or_default()
                );
            } else {
                for l in &report {
                    let mark = if l["complete"].as_bool() == Some(true) {
                        "complete"
                    } else {
                        "INCOMPLETE"
                    };
                    println!(
                        "{:>6}  {:>3}%  {mark:<10}  {}",
                        l["id"],
                        l["score"],
                        l["title"].as_str().unwrap_or_default()
                    );
                    for u in l["unmet"].as_array().into_iter().flatten() {
                        let req = if u["required"].as_bool() == Some(true) {
                            "required"
                        } else {
                            "recommended"
                        };
                        println!(
                            "          - {} ({req}): {}; {}",
                            u["rule"].as_str().unwrap_or_default(),
                            u["message"].as_str().unwrap_or_default(),
                            u["hint"].as_str().unwrap_or_default()
                        );
                    }
                }
            }
        }
        ListingsCommand::Import {
            file,
            format,
            strict,
            dry_run,
            json,
        } => {
            let show_progress = !json && std::io::stderr().is_terminal();
            let progress = |done: u32, total: u32| {
                if show_progress && (done.is_multiple_of(500) || done == total) {
                    eprint!("\rimporting row {done} of {total}");
                }
            };
            let summary = vefa
                .import_listings(&file, format, strict, dry_run, &progress)
                .await?;
            if show_progress {
                eprintln!();
            }
            if json {
                println!("{}", serde_json::to_string(&summary).unwrap_or_default());
            } else {
                let verb = if dry_run { "would be " } else { "" };
                println!(
                    "{} {verb}imported, {} {verb}updated, {} rejected{}",
                    summary.imported,
                    summary.updated,
                    summary.rejected.len(),
                    if strict && !summary.rejected.is_empty() {
                        " (strict: nothing imported)"
                    } else {
                        ""
                    }
                );
                for r in &summary.rejected {
                    println!("  line {}: {}", r.line, r.error);
                }
                if summary.remote_photos_skipped > 0 {
                    println!(
                        "  {} photo web address(es) not downloaded: add those photos in the app",
                        summary.remote_photos_skipped
                    );
                }
            }
            if !summary.rejected.is_empty() {
                return Ok(ExitCode::from(3));
            }
        }
        ListingsCommand::Export { file } => {
            let n = vefa
                .export_listings(&file, &ListingQuery::default())
                .await?;
            println!("{n} listings written to {}", file.display());
        }
        ListingsCommand::Conflicts { json } => {
            let conflicts = vefa.listing_conflicts(None).await?;
            if json {
                println!(
                    "{}",
                    serde_json::to_string_pretty(&conflicts).unwrap_or_default()
                );
            } else if conflicts.is_empty() {
                println!("No conflicts.");
            } else {
                for c in conflicts {
                    println!(
                        "{:>5}  listing {} “{}”, {}: here {}, on the marketplace {}",
                        c.id, c.listing_id, c.listing_title, c.field, c.local, c.remote
                    );
                }
            }
        }
        ListingsCommand::Resolve { id, take } => {
            let l = vefa.resolve_listing_conflict(id, take).await?;
            println!("Listing {} “{}” settled.", l.id, l.input.title);
        }
    }
    Ok(ExitCode::SUCCESS)
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
