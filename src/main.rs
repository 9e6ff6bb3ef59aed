//! `vefa`: the core from the command line, for scripts, tests and a second desk.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use clap::{Parser, Subcommand};
use vefa::listings::ListingQuery;
use vefa::locale::UiLanguage;
use vefa::notifications::DesktopNotifier;
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
    let dir: PathBuf = vefa::store::default_data_dir().ok_or_else(|| Error::StoreOpen {
        location: String::new(),
        reason: "no home directory: give --db".into(),
    })?;
    Ok(Location::Sqlite(vefa::store::sqlite_path_in(&dir)))
}

async fn run(cli: Cli) -> Result<(), Error> {
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
                        vefa::FieldError::new("ui_language", "unknown").with("value", code),
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
        Command::Listings { command } => listings_command(&vefa, command).await?,
        Command::NotifyTest => {
            let note = vefa
                .send_test_notification(Arc::new(DesktopNotifier::new(vefa::APP_ID)))
                .await?;
            println!("shown: {} — {}", note.summary, note.body);
        }
    }
    vefa.close().await
}

/// Every listing matching `query`, a page at a time.
async fn all_rows(
    vefa: &Vefa,
    mut query: ListingQuery,
) -> Result<Vec<vefa::listings::ListingRow>, Error> {
    let mut rows = Vec::new();
    query.limit = 1000;
    loop {
        let page = vefa.listings(&query).await?;
        let n = page.rows.len() as u32;
        rows.extend(page.rows);
        if n < query.limit {
            return Ok(rows);
        }
        query.offset += n;
    }
}

async fn listings_command(vefa: &Vefa, command: ListingsCommand) -> Result<(), Error> {
    match command {
        ListingsCommand::List { json } => {
            let rows = all_rows(vefa, ListingQuery::default()).await?;
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
            let rows = all_rows(
                vefa,
                ListingQuery {
                    below_score: below,
                    ..Default::default()
                },
            )
            .await?;
            let mut report = Vec::new();
            for r in rows {
                let l = vefa.listing(r.id).await?;
                let unmet: Vec<serde_json::Value> = l
                    .completeness
                    .unmet
                    .iter()
                    .map(|u| {
                        let (message, hint) = vefa::completeness::message_en(u);
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
    }
    Ok(())
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
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("vefa: {e}");
            if let Error::Validation(fields) = &e {
                for f in fields {
                    let params: Vec<String> =
                        f.params.iter().map(|(k, v)| format!("{k}={v}")).collect();
                    eprintln!("  {}: {} {}", f.field, f.code, params.join(" "));
                }
            }
            ExitCode::from(1)
        }
    }
}
