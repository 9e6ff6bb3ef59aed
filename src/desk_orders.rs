//! The [`Vefa`] facade's order methods: each is one transaction that writes the order, its
//! timeline and any stock it moves, records the change, and after the commit tells listeners and
//! refreshes the catalog index for listings whose stock ran out or came back.

use sea_orm::TransactionTrait;

use crate::changes::ChangeKind;
use crate::error::Result;
use crate::listings::RuleSets;
use crate::locale::UiLanguage;
use crate::orders::{self, Act, Added, Ctx, NewOrder, Order, OrderPage, OrderQuery, ProblemKind};
use crate::{Vefa, completeness};

impl Vefa {
    /// The language messages go out in when the buyer has none: the first language the seller
    /// speaks with buyers that has templates, else the interface's.
    async fn shop_language(&self) -> Result<String> {
        let p = self.profile().await?;
        Ok(p.languages
            .iter()
            .find_map(|l| UiLanguage::from_code(l))
            .unwrap_or(p.ui_language)
            .code()
            .to_owned())
    }

    /// Runs `op` in one transaction with the order's change recorded, then publishes it and
    /// refreshes rescored listings in the catalog index.
    async fn order_write<T, F>(&self, load_rules: bool, op: F) -> Result<T>
    where
        F: for<'a> AsyncFnOnce(
            &'a sea_orm::DatabaseTransaction,
            Ctx<'a>,
        ) -> Result<(i32, T, Vec<i32>)>,
    {
        let now = self.clock.now();
        let txn = self.db.begin().await?;
        let rules = if load_rules {
            completeness::rule_sets::load_all(&txn).await?
        } else {
            RuleSets::new()
        };
        let ctx = Ctx {
            actor: self.feed.actor().as_str(),
            now,
            rules: &rules,
        };
        // Rolled back here, not when the dropped transaction gets to it: on SQLite a refused
        // move may already hold the write lock, which the next write would wait for.
        let (id, out, rescored) = match op(&txn, ctx).await {
            Ok(done) => done,
            Err(e) => {
                txn.rollback().await?;
                return Err(e);
            }
        };
        let mut changes = vec![
            self.feed
                .record(&txn, ChangeKind::Orders, vec![id.to_string()], now)
                .await?,
        ];
        if !rescored.is_empty() {
            let ids = rescored.iter().map(i32::to_string).collect();
            changes.push(
                self.feed
                    .record(&txn, ChangeKind::Listings, ids, now)
                    .await?,
            );
        }
        txn.commit().await?;
        for &listing_id in &rescored {
            let saved = self.listing(listing_id).await?;
            self.catalog.upsert(&saved).await;
        }
        for c in changes {
            self.feed.publish(c);
        }
        Ok(out)
    }

    /// Adds a phone, shop or marketplace order (see [`orders::store::add`]).
    pub async fn add_order(&self, input: &NewOrder) -> Result<Added> {
        let language = self.shop_language().await?;
        self.order_write(true, async |txn, ctx| {
            let added = orders::store::add(txn, ctx, input, &language).await?;
            Ok((added.id, added.clone(), added.rescored))
        })
        .await
    }

    pub async fn order(&self, id: i32) -> Result<Order> {
        orders::store::get(&self.db, id).await
    }

    /// Moves an order (confirm, ship, cancel…) and returns it as it now is.
    pub async fn act_on_order(&self, id: i32, act: &Act) -> Result<Order> {
        let moves_stock = matches!(act, Act::Cancel { .. } | Act::ReceiveReturn { .. });
        self.order_write(moves_stock, async |txn, ctx| {
            let moved = orders::store::act(txn, ctx, id, act).await?;
            Ok((id, (), moved.rescored))
        })
        .await?;
        self.order(id).await
    }

    pub async fn open_order_problem(
        &self,
        id: i32,
        kind: ProblemKind,
        note: &str,
    ) -> Result<Order> {
        self.order_write(false, async |txn, ctx| {
            orders::store::open_problem(txn, ctx, id, kind, note).await?;
            Ok((id, (), vec![]))
        })
        .await?;
        self.order(id).await
    }

    pub async fn resolve_order_problem(
        &self,
        id: i32,
        problem_id: i32,
        resolution: &str,
    ) -> Result<Order> {
        self.order_write(false, async |txn, ctx| {
            orders::store::resolve_problem(txn, ctx, id, problem_id, resolution).await?;
            Ok((id, (), vec![]))
        })
        .await?;
        self.order(id).await
    }

    pub async fn note_order(&self, id: i32, text: &str) -> Result<Order> {
        self.order_write(false, async |txn, ctx| {
            orders::store::add_note(txn, ctx, id, text).await?;
            Ok((id, (), vec![]))
        })
        .await?;
        self.order(id).await
    }

    /// A page of the orders inbox with the count per status.
    pub async fn orders(&self, query: &OrderQuery) -> Result<OrderPage> {
        orders::inbox::page(&self.db, query).await
    }
}
