//! `vefa listings …`: the catalog from the command line — list, completeness check, CSV import
//! and export, and the conflicts a sync left for the seller.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Subcommand;
use vefa::catalog::csv::Format;
use vefa::catalog::listings::ListingQuery;
use vefa::sync::listings::Choice;
use vefa::{Error, Vefa};

#[derive(Subcommand)]
pub enum ListingsCommand {
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

pub async fn run(vefa: &Vefa, command: ListingsCommand) -> Result<ExitCode, Error> {
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
