//! `vefa loyalty …`: a buyer's points balance and tier, their ledger, the seller's corrections,
//! and expiring idle points.

use std::process::ExitCode;

use clap::Subcommand;
use vefa::money::format_minor;
use vefa::{Error, Vefa};

#[derive(Subcommand)]
pub enum LoyaltyCommand {
    /// A buyer's balance, twelve-month spend and tier.
    Balance {
        customer: i32,
        #[arg(long)]
        json: bool,
    },
    /// Every entry of a buyer's points ledger, oldest first.
    Ledger {
        customer: i32,
        #[arg(long)]
        json: bool,
    },
    /// Add points (or take them away with a negative number), with a reason.
    Adjust {
        customer: i32,
        #[arg(allow_hyphen_values = true)]
        points: i64,
        #[arg(long)]
        reason: String,
    },
    /// Expire the points of buyers idle longer than the rules allow.
    Expire,
}

pub async fn run(vefa: &Vefa, command: LoyaltyCommand) -> Result<ExitCode, Error> {
    match command {
        LoyaltyCommand::Balance { customer, json } => {
            let s = vefa.loyalty_standing(customer).await?;
            if json {
                println!("{}", serde_json::to_string_pretty(&s).unwrap_or_default());
            } else {
                let tier = s.tier.as_ref().map_or("—", |t| t.name.as_str());
                println!(
                    "customer {}: {} points; tier {tier}; spent {} {} in the last 12 months",
                    s.customer_id,
                    s.balance,
                    format_minor(s.spend_12m_minor, &s.currency),
                    s.currency
                );
                if let (Some(next), Some(gap)) = (&s.next_tier, s.to_next_minor) {
                    println!(
                        "{} more {} to reach {}",
                        format_minor(gap, &s.currency),
                        s.currency,
                        next.name
                    );
                }
            }
        }
        LoyaltyCommand::Ledger { customer, json } => {
            let entries = vefa.loyalty_ledger(customer).await?;
            if json {
                println!(
                    "{}",
                    serde_json::to_string_pretty(&entries).unwrap_or_default()
                );
            } else {
                let mut total = 0i64;
                for e in &entries {
                    total += e.points;
                    println!(
                        "{}  {:>+8}  {:>8}  {:<14}  {}",
                        e.at.format("%Y-%m-%d %H:%M"),
                        e.points,
                        total,
                        e.kind.as_str(),
                        e.reason
                    );
                }
                if entries.is_empty() {
                    println!("customer {customer} has no points entries yet");
                }
            }
        }
        LoyaltyCommand::Adjust {
            customer,
            points,
            reason,
        } => {
            let s = vefa.adjust_points(customer, points, &reason).await?;
            println!("customer {}: {} points", s.customer_id, s.balance);
        }
        LoyaltyCommand::Expire => {
            let n = vefa.expire_points().await?;
            println!("points expired for {n} buyers");
        }
    }
    Ok(ExitCode::SUCCESS)
}
