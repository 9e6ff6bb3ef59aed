//! The orders inbox: a page of orders, newest first, filtered by status, channel, open problem,
//! date and search, with the count of orders in every status. Pages go by cursor (the last
//! row's placed-at and id), so the thousandth page costs what the first does.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, Query, SelectStatement, SimpleExpr};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};
use serde::{Deserialize, Serialize};
use specta::Type;

use super::buyers;
use super::model::{OrderChannel, OrderRow, ProblemKind};
use super::status::OrderStatus;
use crate::error::{Error, Result};
use crate::infra::store::entity::{
    customer, customer_token, order_problem, order_status_count, sales_order,
};

pub const DEFAULT_LIMIT: u32 = 50;
pub const MAX_LIMIT: u32 = 500;
/// Buyers a name search looks at; a search that matches more is too wide to be useful.
const MAX_SEARCH_BUYERS: u64 = 1000;

/// Where a page starts: after this row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct Cursor {
    pub placed_at: DateTime<Utc>,
    pub id: i32,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(default)]
pub struct OrderQuery {
    pub status: Option<OrderStatus>,
    pub channel: Option<OrderChannel>,
    /// Orders with an open problem: of this kind, or of any kind with `any_problem`.
    pub problem: Option<ProblemKind>,
    pub any_problem: bool,
    pub placed_from: Option<DateTime<Utc>>,
    /// Exclusive.
    pub placed_to: Option<DateTime<Utc>>,
    /// An order number (ours or the marketplace's), or part of the buyer's name, e-mail or phone.
    pub search: String,
    pub after: Option<Cursor>,
    /// 50 when 0; at most 500.
    pub limit: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type)]
pub struct StatusCount {
    pub status: OrderStatus,
    #[specta(type = i32)]
    pub orders: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type)]
pub struct OrderPage {
    pub rows: Vec<OrderRow>,
    /// Where the next page starts; none on the last page.
    pub next: Option<Cursor>,
    /// Every status, unfiltered: the inbox's tabs.
    pub counts: Vec<StatusCount>,
}

/// Orders per status, from the counts every write keeps.
pub async fn counts<C: ConnectionTrait>(db: &C) -> Result<Vec<StatusCount>> {
    let stored: HashMap<String, i64> = order_status_count::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|r| (r.status, r.orders))
        .collect();
    Ok(OrderStatus::ALL
        .into_iter()
        .map(|status| StatusCount {
            status,
            orders: stored.get(status.as_str()).copied().unwrap_or(0),
        })
        .collect())
}

pub async fn page<C: ConnectionTrait>(db: &C, q: &OrderQuery) -> Result<OrderPage> {
    let limit = match q.limit {
        0 => DEFAULT_LIMIT,
        n => Ord::min(n, MAX_LIMIT),
    };
    let mut cond = Condition::all();
    if let Some(s) = q.status {
        cond = cond.add(sales_order::Column::Status.eq(s.as_str()));
    }
    if let Some(c) = q.channel {
        cond = cond.add(sales_order::Column::Channel.eq(c.as_str()));
    }
    if let Some(from) = q.placed_from {
        cond = cond.add(sales_order::Column::PlacedAt.gte(from));
    }
    if let Some(to) = q.placed_to {
        cond = cond.add(sales_order::Column::PlacedAt.lt(to));
    }
    // A problem filter or a search matches few orders among many: the page looks those rows up
    // by id (and sorts them) instead of walking the date index past a million others.
    let mut narrow = Vec::new();
    if q.problem.is_some() || q.any_problem {
        // Answered from `idx_order_problem_open` alone.
        let mut open = Query::select();
        open.column(order_problem::Column::OrderId)
            .from(order_problem::Entity)
            .and_where(order_problem::Column::ResolvedAt.is_null());
        if let Some(kind) = q.problem {
            open.and_where(order_problem::Column::Kind.eq(kind.as_str()));
        }
        narrow.push(Narrow::Cond(
            Condition::all().add(sales_order::Column::Id.in_subquery(open.to_owned())),
        ));
    }
    let search = q.search.trim();
    if !search.is_empty() {
        narrow.push(search_ids(db, search).await?);
    }
    for n in narrow {
        match n {
            Narrow::Ids(ids) if ids.is_empty() => {
                return Ok(OrderPage {
                    rows: vec![],
                    next: None,
                    counts: counts(db).await?,
                });
            }
            Narrow::Ids(ids) => cond = cond.add(id_in(&ids)),
            Narrow::Cond(c) => cond = cond.add(c),
        }
    }
    if let Some(c) = q.after {
        // `placed_at <= c` bounds the index range; the OR alone would walk the whole index.
        cond = cond
            .add(sales_order::Column::PlacedAt.lte(c.placed_at))
            .add(
                Condition::any()
                    .add(sales_order::Column::PlacedAt.lt(c.placed_at))
                    .add(sales_order::Column::Id.lt(c.id)),
            );
    }
    // The page's ids first, from the indexes alone; then only those rows are read whole.
    let mut ids: Vec<i32> = sales_order::Entity::find()
        .select_only()
        .column(sales_order::Column::Id)
        .filter(cond)
        .order_by_desc(sales_order::Column::PlacedAt)
        .order_by_desc(sales_order::Column::Id)
        .limit(u64::from(limit) + 1)
        .into_tuple()
        .all(db)
        .await?;
    let more = ids.len() > limit as usize;
    ids.truncate(limit as usize);
    let mut by_id: HashMap<i32, sales_order::Model> = sales_order::Entity::find()
        .filter(sales_order::Column::Id.is_in(ids.clone()))
        .all(db)
        .await?
        .into_iter()
        .map(|o| (o.id, o))
        .collect();
    let found: Vec<sales_order::Model> = ids.iter().filter_map(|id| by_id.remove(id)).collect();
    let buyer_ids: Vec<i32> = found.iter().map(|o| o.customer_id).collect();
    let names: HashMap<i32, String> = customer::Entity::find()
        .select_only()
        .column(customer::Column::Id)
        .column(customer::Column::Name)
        .filter(customer::Column::Id.is_in(buyer_ids))
        .into_tuple::<(i32, String)>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    let order_ids: Vec<i32> = found.iter().map(|o| o.id).collect();
    let mut problems: HashMap<i32, u32> = HashMap::new();
    for order_id in order_problem::Entity::find()
        .select_only()
        .column(order_problem::Column::OrderId)
        .filter(order_problem::Column::OrderId.is_in(order_ids))
        .filter(order_problem::Column::ResolvedAt.is_null())
        .into_tuple::<i32>()
        .all(db)
        .await?
    {
        *problems.entry(order_id).or_default() += 1;
    }

    let next = more.then(|| found.last()).flatten().map(|o| Cursor {
        placed_at: o.placed_at,
        id: o.id,
    });
    let rows = found
        .into_iter()
        .map(|o| {
            let bad = |what: &str| Error::Corrupt(format!("order {} {what}", o.id));
            Ok(OrderRow {
                id: o.id,
                channel: OrderChannel::parse(&o.channel).ok_or_else(|| bad("channel"))?,
                marketplace_order_id: o.marketplace_order_id.clone(),
                status: OrderStatus::parse(&o.status).ok_or_else(|| bad("status"))?,
                buyer: names.get(&o.customer_id).cloned().unwrap_or_default(),
                currency: o.currency.clone(),
                total_minor: o.total_minor,
                placed_at: o.placed_at,
                ship_by: o.ship_by,
                open_problems: problems.get(&o.id).copied().unwrap_or(0),
            })
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(OrderPage {
        rows,
        next,
        counts: counts(db).await?,
    })
}

/// The orders a filter allows: listed, or as a condition the page's query checks.
enum Narrow {
    Ids(Vec<i32>),
    Cond(Condition),
}

/// `id IN (…)` with the ids written into the statement: they are integers the store just gave,
/// and thousands of bound parameters cost more to bind than the lookup itself.
fn id_in(ids: &[i32]) -> SimpleExpr {
    let mut list = String::with_capacity(ids.len() * 8);
    for (k, id) in ids.iter().enumerate() {
        if k > 0 {
            list.push(',');
        }
        list.push_str(&id.to_string());
    }
    Expr::cust(format!("\"sales_order\".\"id\" IN ({list})"))
}

/// Order ids worth listing in a statement; more go as a subquery.
const MAX_LISTED_IDS: u64 = 5000;

/// Buyers whose search tokens start with every word of the search (at most this many words).
pub(crate) const MAX_SEARCH_WORDS: usize = 6;

/// The buyers matching every word, when few enough to list. Starts from the word with the
/// fewest buyers ("yılmaz 1234": a thousand Yılmaz, one 1234) and keeps those of its buyers
/// that match the other words too, instead of intersecting every word's whole set.
pub(crate) async fn buyers_listed<C: ConnectionTrait>(
    db: &C,
    words: &[String],
) -> Result<Option<Vec<i32>>> {
    let mut rarest: Option<Vec<i32>> = None;
    for w in words {
        let mut one = token_range(w);
        one.limit(MAX_SEARCH_BUYERS + 1);
        let found = select_ids(db, &one).await?;
        if found.is_empty() {
            return Ok(Some(found));
        }
        if found.len() as u64 <= MAX_SEARCH_BUYERS
            && rarest.as_ref().is_none_or(|r| found.len() < r.len())
        {
            rarest = Some(found);
        }
    }
    let Some(mut buyers) = rarest else {
        return Ok(None);
    };
    for w in words {
        let mut keep = token_range(w);
        keep.and_where(customer_token::Column::CustomerId.is_in(buyers.clone()));
        let mut kept = select_ids(db, &keep).await?;
        kept.sort_unstable();
        kept.dedup();
        buyers = kept;
    }
    Ok(Some(buyers))
}

/// Tokens starting with `w`.
fn token_range(w: &str) -> SelectStatement {
    Query::select()
        .column(customer_token::Column::CustomerId)
        .from(customer_token::Entity)
        .and_where(customer_token::Column::Token.gte(w))
        // No token holds U+10FFFF: every token starting with `w` sorts below this.
        .and_where(customer_token::Column::Token.lt(format!("{w}\u{10FFFF}")))
        .to_owned()
}

/// Orders whose number (ours or the marketplace's) is `text`, or whose buyer has words starting
/// with the search's words in their name or e-mail, or whose phone holds the number searched.
async fn search_ids<C: ConnectionTrait>(db: &C, text: &str) -> Result<Narrow> {
    let mut by_number = Condition::any().add(sales_order::Column::MarketplaceOrderId.eq(text));
    if let Ok(id) = text.trim_start_matches('#').parse::<i32>() {
        by_number = by_number.add(sales_order::Column::Id.eq(id));
    }
    let mut ids: Vec<i32> = sales_order::Entity::find()
        .select_only()
        .column(sales_order::Column::Id)
        .filter(by_number)
        .into_tuple()
        .all(db)
        .await?;

    // "#12" and a short number are order numbers only. A phone number is one word: its digits
    // without the trunk 0 or the +, which the phone's indexed tails start with however the
    // number was stored.
    let mut words: Vec<String> = match crate::fields::phone(text) {
        _ if text.starts_with('#') => vec![],
        Some(d) => {
            let core = d.trim_start_matches(['+', '0']);
            if core.len() >= 7 {
                vec![core.to_owned()]
            } else {
                vec![]
            }
        }
        // An e-mail address, or its start, is one word: the whole address is a token.
        None if text.contains('@') => vec![buyers::fold(text.trim())],
        None => buyers::words(text).collect(),
    };
    words.truncate(MAX_SEARCH_WORDS);
    if words.is_empty() {
        return Ok(Narrow::Ids(ids));
    }
    let buyers = buyers_listed(db, &words).await?;
    if let Some(buyers) = buyers {
        if buyers.is_empty() {
            return Ok(Narrow::Ids(ids));
        }
        let mut theirs = Query::select();
        theirs
            .column(sales_order::Column::Id)
            .from(sales_order::Entity)
            .and_where(sales_order::Column::CustomerId.is_in(buyers));
        let mut limited = theirs.clone();
        limited.limit(MAX_LISTED_IDS + 1);
        let more = select_ids(db, &limited).await?;
        if more.len() as u64 <= MAX_LISTED_IDS {
            ids.extend(more);
            return Ok(Narrow::Ids(ids));
        }
    }
    // Too many to list: the page walks the newest orders and keeps those whose buyer has a
    // token for every word, each checked through the buyer's few tokens. So many matching
    // buyers means their orders are dense, and the walk stops early.
    let mut every = Condition::all();
    for w in &words {
        let mut has = token_range(w);
        has.and_where(
            Expr::col((customer_token::Entity, customer_token::Column::CustomerId))
                .equals((sales_order::Entity, sales_order::Column::CustomerId)),
        );
        every = every.add(Expr::exists(has.to_owned()));
    }
    Ok(Narrow::Cond(
        Condition::any()
            .add(every)
            .add(sales_order::Column::Id.is_in(ids)),
    ))
}

async fn select_ids<C: ConnectionTrait>(db: &C, q: &SelectStatement) -> Result<Vec<i32>> {
    let backend = db.get_database_backend();
    Ok(db
        .query_all_raw(backend.build(q))
        .await?
        .iter()
        .map(|r| r.try_get_by_index::<i32>(0))
        .collect::<Result<_, _>>()?)
}
