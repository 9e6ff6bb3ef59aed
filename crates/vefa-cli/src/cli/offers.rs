//! `vefa offers suggest|make`: listings a buyer has not bought that share a maker, category or
//! tag with what they did, and a personal offer — a coupon and its message in their language.

use std::process::ExitCode;

use clap::Subcommand;
use vefa::customers::offers::{OfferInput, Shared};
use vefa::money::format_minor;
use vefa::{Error, Vefa};

use super::loyalty::{describe, percent_bp};

#[derive(Subcommand)]
pub enum OffersCommand {
    /// What to offer a buyer, best first, with what each shares with their purchases.
    Suggest {
        customer: i32,
        #[arg(long, default_value_t = 10)]
        limit: u32,
        #[arg(long)]
        json: bool,
    },
    /// Offer a buyer a listing: a one-use coupon for them and the message, queued to send.
    Make {
        customer: i32,
        listing: i32,
        /// Off the order, in per cent ("5" or "7.5").
        #[arg(long, default_value = "5")]
        percent: String,
        /// How many days the code stays valid.
        #[arg(long, default_value_t = 30)]
        days: u32,
        /// Print the message and change nothing.
        #[arg(long)]
        dry_run: bool,
        #[arg(long)]
        json: bool,
    },
}

pub async fn run(vefa: &Vefa, command: OffersCommand) -> Result<ExitCode, Error> {
    match command {
        OffersCommand::Suggest {
            customer,
            limit,
            json,
        } => {
            let list = vefa.offer_suggestions(customer, limit).await?;
            if json {
                println!(
                    "{}",
                    serde_json::to_string_pretty(&list).unwrap_or_default()
                );
                return Ok(ExitCode::SUCCESS);
            }
            if list.is_empty() {
                println!("nothing to suggest for customer {customer}");
            }
            for s in &list {
                let price = s
                    .price_minor
                    .map(|p| format!("{} {}", format_minor(p, &s.currency), s.currency))
                    .unwrap_or_default();
                println!("{:>6}  {}  {price}", s.listing_id, s.title);
                for r in &s.reasons {
                    let what = match r.shared {
                        Shared::Maker => "same maker",
                        Shared::Category => "same category",
                        Shared::Tag => "same tag",
                    };
                    println!("          {what} \"{}\" as {}", r.value, r.bought);
                }
                if let Some(c) = &s.offered {
                    println!("          offered already: {}", describe(c));
                }
            }
        }
        OffersCommand::Make {
            customer,
            listing,
            percent,
            days,
            dry_run,
            json,
        } => {
            let input = OfferInput {
                customer_id: customer,
                listing_id: listing,
                percent_bp: percent_bp(&percent)?,
                valid_days: days,
            };
            if dry_run {
                let d = vefa.draft_offer(&input).await?;
                println!("To: {}\nSubject: {}\n\n{}", d.recipient, d.subject, d.body);
                return Ok(ExitCode::SUCCESS);
            }
            let offer = vefa.make_offer(&input, None).await?;
            if json {
                println!(
                    "{}",
                    serde_json::to_string_pretty(&offer).unwrap_or_default()
                );
            } else {
                println!(
                    "{}\nmessage {} queued",
                    describe(&offer.coupon),
                    offer.message_id
                );
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
