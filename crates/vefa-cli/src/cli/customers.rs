//! `vefa customers list|show|edit|merge`: the buyers, one buyer's profile with their points and
//! tier, correcting their contacts and notes, and merging a duplicate record into another.

use std::process::ExitCode;

use clap::Subcommand;
use vefa::customers::{CustomerEdit, CustomerProfile};
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
    /// Correct a buyer's name, contacts, language or notes; what is not given stays. An empty
    /// --email or --phone clears it.
    Edit {
        id: i32,
        #[arg(long)]
        name: Option<String>,
        #[arg(long)]
        email: Option<String>,
        #[arg(long)]
        phone: Option<String>,
        #[arg(long)]
        language: Option<String>,
        #[arg(long)]
        notes: Option<String>,
    },
    /// Merge the duplicate record GONE into KEEP: orders, points, coupons, complaints and
    /// messages move to KEEP, and GONE's e-mail, phone and marketplace id find KEEP from now on.
    Merge { keep: i32, gone: i32 },
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
                show(&p);
            }
        }
        CustomersCommand::Edit {
            id,
            name,
            email,
            phone,
            language,
            notes,
        } => {
            let p = vefa.customer(id).await?;
            let edit = CustomerEdit {
                name: name.unwrap_or(p.name),
                email: email.or(p.email),
                phone: phone.or(p.phone),
                language: language.unwrap_or(p.language),
                notes: notes.unwrap_or(p.notes),
            };
            show(&vefa.update_customer(id, &edit).await?);
        }
        CustomersCommand::Merge { keep, gone } => {
            show(&vefa.merge_customers(keep, gone).await?);
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn show(p: &CustomerProfile) {
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
    for a in &p.satisfaction {
        println!(
            "  {} answered {}/5 {}",
            a.order_number,
            a.score.unwrap_or(0),
            a.comment
        );
    }
    if !p.notes.is_empty() {
        println!("notes: {}", p.notes);
    }
    for m in &p.merged {
        println!(
            "  merged {}: customer {} {}",
            m.merged_at.format("%Y-%m-%d"),
            m.id,
            m.name
        );
    }
}
