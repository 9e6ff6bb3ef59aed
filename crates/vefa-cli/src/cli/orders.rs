//! `vefa orders …`: the inbox, one order, a phone or shop order from a JSON file, and moves.

use std::path::PathBuf;
use std::process::ExitCode;
use vefa::FieldCode;

use clap::Subcommand;
use vefa::messages::MessageChannel;
use vefa::messages::outbox::kind_for_act;
use vefa::money::format_minor;
use vefa::orders::{Act, NewOrder, Order, OrderChannel, OrderQuery, OrderStatus, ProblemKind};
use vefa::{Error, FieldError, Vefa};

/// An order file larger than this is not an order.
const MAX_ORDER_FILE_BYTES: u64 = 1024 * 1024;

#[derive(Subcommand)]
pub enum OrdersCommand {
    /// The inbox, newest first.
    List {
        /// new, confirmed, ready_to_ship, shipped, delivered, completed, cancelled,
        /// return_requested, return_received, refunded or exchanged.
        #[arg(long, value_parser = parse_status)]
        status: Option<OrderStatus>,
        /// marketplace, phone, shop or other.
        #[arg(long, value_parser = parse_channel)]
        channel: Option<OrderChannel>,
        /// An order number, or part of the buyer's name, e-mail or phone.
        #[arg(long, default_value = "")]
        search: String,
        #[arg(long, default_value_t = 50)]
        limit: u32,
        #[arg(long)]
        json: bool,
    },
    /// One order with its lines, buyer, problems and timeline.
    Show {
        id: i32,
        #[arg(long)]
        json: bool,
    },
    /// Add a phone or shop order from a JSON file (the format is in the README).
    Add {
        #[arg(long)]
        file: PathBuf,
        /// Sell even where the shelf holds too few (an out-of-stock problem is opened).
        #[arg(long)]
        allow_oversell: bool,
    },
    /// Confirm, and queue the confirmation to the buyer (in their language).
    Confirm {
        id: i32,
        /// Confirm without telling the buyer.
        #[arg(long)]
        no_message: bool,
    },
    /// Mark as packed and ready for the courier.
    Ready {
        id: i32,
    },
    /// Record the shipment, and queue the tracking number to the buyer.
    Ship {
        id: i32,
        #[arg(long)]
        carrier: String,
        #[arg(long)]
        tracking: String,
        #[arg(long)]
        no_message: bool,
    },
    Deliver {
        id: i32,
    },
    Complete {
        id: i32,
    },
    /// Cancel before dispatch; the stock goes back on the shelf.
    Cancel {
        id: i32,
        #[arg(long, default_value = "")]
        reason: String,
    },
    /// Flag a problem: out_of_stock, delayed, wrong_address, damaged, wrong_item or other.
    Problem {
        id: i32,
        #[arg(long, value_parser = parse_problem)]
        kind: ProblemKind,
        #[arg(long, default_value = "")]
        note: String,
    },
    /// Resolve a problem, saying how.
    Resolve {
        id: i32,
        problem: i32,
        #[arg(long)]
        resolution: String,
    },
    /// A note on the order's timeline.
    Note {
        id: i32,
        text: String,
    },
}

fn parse_status(s: &str) -> Result<OrderStatus, String> {
    OrderStatus::parse(s).ok_or_else(|| format!("unknown status {s:?}"))
}

fn parse_channel(s: &str) -> Result<OrderChannel, String> {
    OrderChannel::parse(s).ok_or_else(|| format!("unknown channel {s:?}"))
}

fn parse_problem(s: &str) -> Result<ProblemKind, String> {
    ProblemKind::parse(s).ok_or_else(|| format!("unknown problem kind {s:?}"))
}

fn read_order(path: &PathBuf) -> Result<NewOrder, Error> {
    let len = std::fs::metadata(path)
        .map_err(|e| Error::file(path, e))?
        .len();
    if len > MAX_ORDER_FILE_BYTES {
        return Err(Error::Validation(vec![
            FieldError::new("file", FieldCode::TooLong).with("max", MAX_ORDER_FILE_BYTES),
        ]));
    }
    let bytes = std::fs::read(path).map_err(|e| Error::file(path, e))?;
    let text = std::str::from_utf8(&bytes)
        .map_err(|_| Error::Validation(vec![FieldError::new("file", FieldCode::InvalidUtf8)]))?;
    serde_json::from_str(text).map_err(|e| {
        Error::Validation(vec![
            FieldError::new("file", FieldCode::JsonInvalid).with("reason", e),
        ])
    })
}

fn print_order(o: &Order) {
    let money = |m: i64| format!("{} {}", format_minor(m, &o.currency), o.currency);
    println!("order {}  {}  {}", o.id, o.status, o.channel.as_str());
    if let (Some(m), Some(id)) = (&o.marketplace, &o.marketplace_order_id) {
        println!("  {m} order {id}");
    }
    println!("  placed {}", o.placed_at.to_rfc3339());
    if let Some(by) = o.ship_by {
        println!("  ship by {}", by.to_rfc3339());
    }
    let contact = [o.buyer.email.as_deref(), o.buyer.phone.as_deref()]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(", ");
    println!(
        "  buyer {} ({contact}) [{}]",
        o.buyer.name, o.buyer.language
    );
    for l in &o.lines {
        println!(
            "  {:>4} × {}  {}  {}",
            l.quantity,
            l.sku.as_deref().unwrap_or("-"),
            money(l.unit_price_minor),
            l.title
        );
    }
    println!(
        "  subtotal {}  shipping {}  VAT {}  discount {}  total {}",
        money(o.subtotal_minor),
        money(o.shipping_minor),
        money(o.vat_minor),
        money(o.discount_minor),
        money(o.total_minor)
    );
    if let (Some(c), Some(t)) = (&o.carrier, &o.tracking) {
        println!("  shipped with {c}, tracking {t}");
    }
    for p in &o.problems {
        let state = match &p.resolution {
            Some(r) => format!("resolved: {r}"),
            None => "open".to_owned(),
        };
        println!(
            "  problem {} {} — {} ({state})",
            p.id,
            p.kind.as_str(),
            p.note
        );
    }
    for e in &o.timeline {
        let moved = match (e.status_from, e.status_to) {
            (Some(a), Some(b)) => format!(" {a} → {b}"),
            (None, Some(b)) => format!(" → {b}"),
            _ => String::new(),
        };
        let detail = e
            .detail
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join(" ");
        println!(
            "  {}  {:<8} {}{moved} {detail}",
            e.at.to_rfc3339(),
            e.actor,
            e.kind.as_str()
        );
    }
}

async fn act(vefa: &Vefa, id: i32, a: Act) -> Result<(), Error> {
    act_telling(vefa, id, a, false).await
}

/// Moves the order; unless `quiet`, with the message the move sends, as the seller would
/// approve it in the window.
async fn act_telling(vefa: &Vefa, id: i32, a: Act, quiet: bool) -> Result<(), Error> {
    let kind = if quiet { None } else { kind_for_act(&a) };
    let draft = match kind {
        Some(kind) => {
            let shipment = match &a {
                Act::Ship { carrier, tracking } => Some((carrier.as_str(), tracking.as_str())),
                _ => None,
            };
            Some(vefa.draft_order_message(id, kind, shipment).await?)
        }
        None => None,
    };
    let o = vefa
        .act_on_order_with_message(id, &a, draft.as_ref())
        .await?;
    println!("order {} is {}", o.id, o.status);
    if let Some(d) = draft {
        match d.channel {
            MessageChannel::Email => {
                println!(
                    "message queued to {} (vefa outbox send sends it)",
                    d.recipient
                )
            }
            MessageChannel::ByHand => {
                println!(
                    "no e-mail for this buyer: send this to {} yourself, then `vefa outbox sent-by-hand`:\n\n{}\n\n{}",
                    d.recipient, d.subject, d.body
                )
            }
        }
    }
    Ok(())
}

pub async fn run(vefa: &Vefa, command: OrdersCommand) -> Result<ExitCode, Error> {
    match command {
        OrdersCommand::List {
            status,
            channel,
            search,
            limit,
            json,
        } => {
            let page = vefa
                .orders(&OrderQuery {
                    status,
                    channel,
                    search,
                    limit,
                    ..Default::default()
                })
                .await?;
            if json {
                println!(
                    "{}",
                    serde_json::to_string_pretty(&page).unwrap_or_default()
                );
            } else {
                let counts: Vec<String> = page
                    .counts
                    .iter()
                    .filter(|c| c.orders > 0)
                    .map(|c| format!("{} {}", c.status, c.orders))
                    .collect();
                println!("{}", counts.join(" · "));
                for r in page.rows {
                    println!(
                        "{:>7}  {:<16}  {:<11}  {:>12} {}  {}  {}{}",
                        r.id,
                        r.status.as_str(),
                        r.channel.as_str(),
                        format_minor(r.total_minor, &r.currency),
                        r.currency,
                        r.placed_at.format("%Y-%m-%d %H:%M"),
                        r.buyer,
                        if r.open_problems > 0 { "  ⚠" } else { "" }
                    );
                }
            }
        }
        OrdersCommand::Show { id, json } => {
            let o = vefa.order(id).await?;
            if json {
                println!("{}", serde_json::to_string_pretty(&o).unwrap_or_default());
            } else {
                print_order(&o);
            }
        }
        OrdersCommand::Add {
            file,
            allow_oversell,
        } => {
            let mut input = read_order(&file)?;
            input.allow_oversell |= allow_oversell;
            let added = vefa.add_order(&input).await?;
            if !added.created {
                println!("already stored as order {}", added.id);
            } else {
                println!("order {} added", added.id);
                for s in added.shortages {
                    println!(
                        "  oversold: {} (wanted {}, {} in stock); an out-of-stock problem is open",
                        s.sku, s.wanted, s.in_stock
                    );
                }
            }
        }
        OrdersCommand::Confirm { id, no_message } => {
            act_telling(vefa, id, Act::Confirm, no_message).await?
        }
        OrdersCommand::Ready { id } => act(vefa, id, Act::MarkReady).await?,
        OrdersCommand::Ship {
            id,
            carrier,
            tracking,
            no_message,
        } => act_telling(vefa, id, Act::Ship { carrier, tracking }, no_message).await?,
        OrdersCommand::Deliver { id } => act(vefa, id, Act::Deliver).await?,
        OrdersCommand::Complete { id } => act(vefa, id, Act::Complete).await?,
        OrdersCommand::Cancel { id, reason } => act(vefa, id, Act::Cancel { reason }).await?,
        OrdersCommand::Problem { id, kind, note } => {
            let o = vefa.open_order_problem(id, kind, &note).await?;
            let p = o.problems.last().map(|p| p.id).unwrap_or_default();
            println!("problem {p} opened on order {id}");
        }
        OrdersCommand::Resolve {
            id,
            problem,
            resolution,
        } => {
            vefa.resolve_order_problem(id, problem, &resolution).await?;
            println!("problem {problem} resolved");
        }
        OrdersCommand::Note { id, text } => {
            vefa.note_order(id, &text).await?;
            println!("note added to order {id}");
        }
    }
    Ok(ExitCode::SUCCESS)
}
