//! `vefa complaints …`: the complaint and suggestion book — write an entry, list the book,
//! settle an entry, give its buyer an apology.

use std::process::ExitCode;
use vefa::FieldCode;

use clap::Subcommand;
use vefa::customers::feedback::{Apology, Category, Feedback, FeedbackInput, FeedbackKind};
use vefa::orders::coupons::CouponValue;
use vefa::{Error, FieldError, Vefa};

#[derive(Subcommand)]
pub enum ComplaintsCommand {
    /// Write an entry: --kind complaint|suggestion|praise, --category wrong_item|damaged|late|
    /// hidden_costs|missing_information|return_trouble|staff|other.
    Add {
        #[arg(long, value_parser = parse_kind)]
        kind: FeedbackKind,
        #[arg(long, value_parser = parse_category)]
        category: Category,
        /// The order's number as shown ("#1234") or its id.
        #[arg(long)]
        order: Option<String>,
        #[arg(long)]
        customer: Option<i32>,
        #[arg(long)]
        text: String,
        /// Praise only: the team member praised.
        #[arg(long)]
        staff: Option<String>,
    },
    /// The book, newest first (--open: only what is not settled).
    List {
        #[arg(long)]
        open: bool,
        /// Only this buyer's entries.
        #[arg(long)]
        customer: Option<i32>,
        #[arg(long)]
        json: bool,
    },
    /// Settle an entry with what was done.
    Resolve {
        id: i32,
        #[arg(long)]
        action: String,
    },
    /// Give the buyer an apology: --points (the rules' apology points) or --percent N / --amount X
    /// as a single-use coupon for them.
    Compensate {
        id: i32,
        #[arg(long, conflicts_with_all = ["percent", "amount"])]
        points: bool,
        #[arg(long, conflicts_with = "amount")]
        percent: Option<String>,
        #[arg(long)]
        amount: Option<String>,
        #[arg(long, default_value_t = 90)]
        days: u32,
    },
}

fn parse_kind(s: &str) -> Result<FeedbackKind, String> {
    FeedbackKind::parse(s).ok_or_else(|| format!("“{s}” is not complaint, suggestion or praise"))
}

fn parse_category(s: &str) -> Result<Category, String> {
    Category::parse(s).ok_or_else(|| format!("“{s}” is not a category"))
}

fn line(f: &Feedback) -> String {
    let state = if f.resolved { "settled" } else { "open" };
    let mut s = format!(
        "{:>5}  {} / {}  {state}  {}",
        f.id,
        f.kind.as_str(),
        f.category.as_str(),
        f.text.lines().next().unwrap_or("")
    );
    if let Some(n) = &f.order_number {
        s.push_str(&format!("  order {n}"));
    }
    if let Some(name) = &f.staff_name {
        s.push_str(&format!("  (praise for {name})"));
    }
    if !f.compensation.is_empty() {
        s.push_str(&format!("  [given: {}]", f.compensation));
    }
    s
}

pub async fn run(vefa: &Vefa, command: ComplaintsCommand) -> Result<ExitCode, Error> {
    match command {
        ComplaintsCommand::Add {
            kind,
            category,
            order,
            customer,
            text,
            staff,
        } => {
            let f = vefa
                .add_feedback(&FeedbackInput {
                    kind,
                    category,
                    customer_id: customer,
                    order_id: None,
                    order_number: order,
                    text,
                    staff_name: staff,
                })
                .await?;
            println!("{}", line(&f));
        }
        ComplaintsCommand::List {
            open,
            customer,
            json,
        } => {
            let book = vefa.feedback(open, customer).await?;
            if json {
                println!(
                    "{}",
                    serde_json::to_string_pretty(&book).unwrap_or_default()
                );
            } else {
                for f in &book {
                    println!("{}", line(f));
                }
            }
        }
        ComplaintsCommand::Resolve { id, action } => {
            println!("{}", line(&vefa.resolve_feedback(id, &action).await?));
        }
        ComplaintsCommand::Compensate {
            id,
            points,
            percent,
            amount,
            days,
        } => {
            let currency = vefa.profile().await?.currency;
            let apology = match (points, percent, amount) {
                (true, _, _) => Apology::Points,
                (false, Some(p), _) => Apology::Coupon {
                    value: CouponValue::Percent {
                        percent_bp: vefa::money::parse_fixed(&p, 2, "percent")
                            .map_err(|e| Error::Validation(vec![e]))?
                            .clamp(0, i64::from(u32::MAX))
                            as u32,
                    },
                    days,
                },
                (false, None, Some(a)) => Apology::Coupon {
                    value: CouponValue::Amount {
                        minor: vefa::money::parse_minor(&a, &currency, "amount")
                            .map_err(|e| Error::Validation(vec![e]))?,
                        currency,
                    },
                    days,
                },
                (false, None, None) => {
                    return Err(Error::Validation(vec![FieldError::new(
                        "apology",
                        FieldCode::Required,
                    )]));
                }
            };
            println!("{}", line(&vefa.compensate_feedback(id, &apology).await?));
        }
    }
    Ok(ExitCode::SUCCESS)
}
