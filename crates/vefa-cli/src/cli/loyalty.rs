//! `vefa loyalty …`: a buyer's points balance and tier, their ledger, the seller's corrections,
//! and expiring idle points; `vefa coupons …`: coupon codes.

use std::process::ExitCode;
use vefa::FieldCode;

use clap::Subcommand;
use vefa::money::format_minor;
use vefa::orders::coupons::{Coupon, CouponInput, CouponValue};
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
    /// Expire the points of buyers idle longer than the rules allow, and warn those whose
    /// points will expire soon (once each).
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
            let h = vefa.loyalty_housekeeping().await?;
            println!(
                "points expired for {} buyers; {} buyers warned that theirs will",
                h.expired, h.warned
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

#[derive(Subcommand)]
pub enum CouponsCommand {
    /// Make a coupon: --percent 5 or --amount 10.00 (in the shop's currency).
    Create {
        #[arg(long, conflicts_with = "amount", required_unless_present = "amount")]
        percent: Option<String>,
        #[arg(long)]
        amount: Option<String>,
        /// Only this buyer may use it.
        #[arg(long)]
        customer: Option<i32>,
        /// How many times it may be used (default once).
        #[arg(long, default_value_t = 1, conflicts_with = "unlimited")]
        uses: u32,
        #[arg(long)]
        unlimited: bool,
        /// Valid for this many days (default: no expiry).
        #[arg(long)]
        days: Option<u32>,
        #[arg(long, default_value = "")]
        note: String,
        #[arg(long)]
        json: bool,
    },
    /// Coupons, newest first.
    List {
        #[arg(long)]
        customer: Option<i32>,
        #[arg(long)]
        json: bool,
    },
    /// Mark a coupon used by hand (a sale in the shop).
    Use { code: String },
    /// Turn a buyer's points into a coupon for them.
    FromPoints { customer: i32, points: i64 },
}

/// "5" or "7.5" (per cent) as basis points.
pub fn percent_bp(text: &str) -> Result<u32, Error> {
    let bp =
        vefa::money::parse_fixed(text, 2, "percent").map_err(|e| Error::Validation(vec![e]))?;
    u32::try_from(bp).map_err(|_| {
        Error::Validation(vec![vefa::FieldError::new(
            "percent",
            FieldCode::OutOfRange,
        )])
    })
}

pub fn describe(c: &Coupon) -> String {
    let value = match &c.value {
        CouponValue::Percent { percent_bp } => {
            format!(
                "{} % off",
                vefa::money::format_fixed(i64::from(*percent_bp), 2)
            )
        }
        CouponValue::Amount { minor, currency } => {
            format!("{} {currency} off", format_minor(*minor, currency))
        }
    };
    let uses = match c.max_uses {
        Some(max) => format!("used {} of {max}", c.uses),
        None => format!("used {} times", c.uses),
    };
    let until = c
        .expires_at
        .map(|at| format!(", until {}", at.format("%Y-%m-%d")))
        .unwrap_or_default();
    let whose = c
        .customer_id
        .map(|id| format!(", for customer {id}"))
        .unwrap_or_default();
    format!("{}  {value}, {uses}{until}{whose}", c.code)
}

pub async fn coupons(vefa: &Vefa, command: CouponsCommand) -> Result<ExitCode, Error> {
    match command {
        CouponsCommand::Create {
            percent,
            amount,
            customer,
            uses,
            unlimited,
            days,
            note,
            json,
        } => {
            let currency = vefa.profile().await?.currency;
            let value = match (percent, amount) {
                (Some(p), _) => CouponValue::Percent {
                    percent_bp: percent_bp(&p)?,
                },
                (None, Some(a)) => CouponValue::Amount {
                    minor: vefa::money::parse_minor(&a, &currency, "amount")
                        .map_err(|e| Error::Validation(vec![e]))?,
                    currency,
                },
                (None, None) => unreachable!("clap asks for one"),
            };
            let now = chrono::Utc::now();
            let c = vefa
                .create_coupon(&CouponInput {
                    value,
                    customer_id: customer,
                    max_uses: (!unlimited).then_some(uses),
                    expires_at: days.map(|d| now + chrono::Duration::days(i64::from(d))),
                    note,
                })
                .await?;
            if json {
                println!("{}", serde_json::to_string_pretty(&c).unwrap_or_default());
            } else {
                println!("{}", describe(&c));
            }
        }
        CouponsCommand::List { customer, json } => {
            let list = vefa.coupons(customer).await?;
            if json {
                println!(
                    "{}",
                    serde_json::to_string_pretty(&list).unwrap_or_default()
                );
            } else {
                for c in &list {
                    println!("{}", describe(c));
                }
            }
        }
        CouponsCommand::Use { code } => {
            println!("{}", describe(&vefa.use_coupon(&code).await?));
        }
        CouponsCommand::FromPoints { customer, points } => {
            println!(
                "{}",
                describe(&vefa.coupon_from_points(customer, points).await?)
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}
