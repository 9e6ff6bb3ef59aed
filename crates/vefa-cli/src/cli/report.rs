//! `vefa report weekly`: the weekly review of a week (the last complete one by default) beside
//! the week before — as a table, as JSON, or as a printable HTML page.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Subcommand;
use vefa::reports::{IsoWeek, html};
use vefa::{Error, Vefa};

#[derive(Subcommand)]
pub enum ReportCommand {
    /// The weekly review: --week YYYY-Www (the last complete week by default), --json, or
    /// --html FILE for a page to print or save as PDF.
    Weekly {
        #[arg(long, value_parser = parse_week)]
        week: Option<IsoWeek>,
        #[arg(long, conflicts_with = "html")]
        json: bool,
        #[arg(long)]
        html: Option<PathBuf>,
    },
}

fn parse_week(s: &str) -> Result<IsoWeek, String> {
    IsoWeek::parse(s).map_err(|_| format!("“{s}” is not a week like 2026-W47"))
}

pub async fn run(vefa: &Vefa, command: ReportCommand) -> Result<ExitCode, Error> {
    let ReportCommand::Weekly { week, json, html } = command;
    let review = vefa.weekly_review(week).await?;
    if json {
        println!(
            "{}",
            serde_json::to_string_pretty(&review).unwrap_or_default()
        );
        return Ok(ExitCode::SUCCESS);
    }
    let profile = vefa.profile().await?;
    if let Some(path) = html {
        let page = html::page(&review, &profile.shop_name, profile.ui_language);
        if let Err(e) = std::fs::write(&path, page) {
            eprintln!("vefa: cannot write {}: {e}", path.display());
            return Ok(ExitCode::from(2));
        }
        println!("{}", path.display());
        return Ok(ExitCode::SUCCESS);
    }
    let rows = html::table(&review, profile.ui_language);
    let width = rows
        .iter()
        .map(|r| r.label.chars().count())
        .max()
        .unwrap_or(0);
    println!(
        "{} ({})  vs  {}",
        review.week,
        review.this_week.from.format("%Y-%m-%d"),
        review.previous_week.week
    );
    for r in rows {
        let pad = width - r.label.chars().count();
        println!(
            "  {}{}  {:>18}  {:>18}  {}",
            r.label,
            " ".repeat(pad),
            r.this_week,
            r.previous_week,
            r.change
        );
    }
    Ok(ExitCode::SUCCESS)
}
