//! `vefa customers list|show`: the buyers, and one buyer's profile with their points and tier.

use std::process::ExitCode;

use clap::Subcommand;
use vefa::money::format_minor;
use vefa::{Error, Vefa};

#[derive(Subcommand)]
pub enum CustomersCommand {
    /// The newest buyers first, or those whose name, e-mail or phone match --search.
    List {
        #[arg(long, default_value = "")]
        search: String,
        #[arg(long, default_value_t = 50)]
        limit: u32,
        #[arg(long)]
        json: bool,
    },
    /// One buyer: contacts, purchases, spend, points and tier, latest orders.
    Show {
        id: i32,
        #[arg(long)]
        json: bool,
    },
}

pub async fn run(vefa: &Vefa, command: CustomersCommand) -> Result<ExitCode, Error> {
    match command {
        CustomersCommand::List {
            search,
            limit,
            json,
        } => {
            let page = vefa.customers(&search, limit).await?;
            if json {
                println!(
                    "{}",
                    serde_json::to_string_pretty(&page).unwrap_or_default()
                );
            } else if page.too_wide {
                println!("the search matches too many buyers: add a word");
            } else {
                let currency = vefa.profile().await?.currency;
                for c in &page.rows {
                    println!(
                        "{:>6}  {:<30}  {:>3} orders  {:>10} {currency}  {}",
                        c.id,
                        c.name,
                        c.orders,
                        format_minor(c.spend_minor, &currency),
                        c.email.as_deref().or(c.phone.as_deref()).unwrap_or("")
                    );
                }
            }
        }
        CustomersCommand::Show { id, json } => {
            let p = vefa.customer(id).await?;
            if json {
                println!("{}", serde_json::to_string_pretty(&p).unwrap_or_default());
            } else {
                println!("{} (customer {}, language {})", p.name, p.id, p.language);
                for c in [&p.email, &p.phone].into_iter().flatten() {
                    println!("  {c}");
                }
                println!(
                    "{} orders, {} {} in all; {} points, tier {}",
                    p.orders,
                    format_minor(p.lifetime_spend_minor, &p.currency),
                    p.currency,
                    p.loyalty.balance,
                    p.loyalty.tier.as_ref().map_or("—", |t| t.name.as_str())
                );
                for o in &p.recent_orders {
                    println!(
                        "  {} {} {} {} {}",
                        o.placed_at.format("%Y-%m-%d"),
                        o.number,
                        o.status,
                        format_minor(o.total_minor, &o.currency),
                        o.currency
                    );
                }
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
