//! The desk hears about new marketplace orders: which arrived since the last look, and the
//! desktop notification that tells the seller, in the interface language. One notification per
//! order; when many arrive at once, one that says how many.

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use super::model::OrderChannel;
use crate::error::Result;
use crate::infra::notifications::Notification;
use crate::infra::store::entity::{customer, sales_order};
use crate::locale::UiLanguage;
use crate::money::format_minor;

/// From this many orders at once, one notification counts them instead.
pub const BATCH_FROM: usize = 3;

/// A new order, as its notification names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Arrival {
    pub id: i32,
    /// As buyers and the marketplace know it: "#3012".
    pub number: String,
    pub buyer: String,
    pub total_minor: i64,
    pub currency: String,
}

/// The newest order's id: orders after it are news.
pub async fn newest_id<C: ConnectionTrait>(db: &C) -> Result<i32> {
    Ok(sales_order::Entity::find()
        .select_only()
        .column(sales_order::Column::Id)
        .order_by_desc(sales_order::Column::Id)
        .into_tuple::<i32>()
        .one(db)
        .await?
        .unwrap_or(0))
}

/// Marketplace orders stored after order `after`, oldest first (at most `limit`).
pub async fn arrived_since<C: ConnectionTrait>(
    db: &C,
    after: i32,
    limit: u64,
) -> Result<Vec<Arrival>> {
    let orders = sales_order::Entity::find()
        .filter(sales_order::Column::Id.gt(after))
        .filter(sales_order::Column::Channel.eq(OrderChannel::Marketplace.as_str()))
        .order_by_asc(sales_order::Column::Id)
        .limit(limit)
        .all(db)
        .await?;
    let mut out = Vec::with_capacity(orders.len());
    for o in orders {
        let buyer = customer::Entity::find_by_id(o.customer_id)
            .one(db)
            .await?
            .map(|c| c.name)
            .unwrap_or_default();
        out.push(Arrival {
            id: o.id,
            number: crate::orders::store::shown_number(&o),
            buyer,
            total_minor: o.total_minor,
            currency: o.currency,
        });
    }
    Ok(out)
}

/// The notifications for `arrivals`: one each, or one counting them from [`BATCH_FROM`] on.
pub fn notifications(language: UiLanguage, arrivals: &[Arrival]) -> Vec<Notification> {
    if arrivals.len() >= BATCH_FROM {
        let n = arrivals.len();
        let (summary, body) = match language {
            UiLanguage::En => (
                format!("{n} new orders"),
                "Confirm them now: buyers notice a quick answer.".to_owned(),
            ),
            UiLanguage::Az => (
                format!("{n} yeni sifariş"),
                "İndi təsdiqləyin: alıcılar tez cavabı görür.".to_owned(),
            ),
            UiLanguage::Tr => (
                format!("{n} yeni sipariş"),
                "Şimdi onaylayın: alıcılar hızlı yanıtı fark eder.".to_owned(),
            ),
            UiLanguage::Fa => (
                format!("{n} سفارش تازه"),
                "همین حالا تأیید کنید: خریداران پاسخ سریع را می‌بینند.".to_owned(),
            ),
        };
        return vec![Notification {
            summary,
            body,
            order_id: None,
        }];
    }
    arrivals
        .iter()
        .map(|a| {
            let total = format!(
                "{} {}",
                format_minor(a.total_minor, &a.currency),
                a.currency
            );
            let (summary, body) = match language {
                UiLanguage::En => (
                    format!("New order {}", a.number),
                    format!("{} — {total}", a.buyer),
                ),
                UiLanguage::Az => (
                    format!("Yeni sifariş {}", a.number),
                    format!("{} — {total}", a.buyer),
                ),
                UiLanguage::Tr => (
                    format!("Yeni sipariş {}", a.number),
                    format!("{} — {total}", a.buyer),
                ),
                UiLanguage::Fa => (
                    format!("سفارش تازه {}", a.number),
                    format!("{} — {total}", a.buyer),
                ),
            };
            Notification {
                summary,
                body,
                order_id: Some(a.id),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn arrival(id: i32) -> Arrival {
        Arrival {
            id,
            number: format!("#{}", 3000 + id),
            buyer: "Ayşe Yılmaz".into(),
            total_minor: 12_550,
            currency: "TRY".into(),
        }
    }

    #[test]
    fn one_each_then_one_that_counts() {
        let two = notifications(UiLanguage::Tr, &[arrival(1), arrival(2)]);
        assert_eq!(two.len(), 2);
        assert_eq!(two[0].summary, "Yeni sipariş #3001");
        assert_eq!(two[0].body, "Ayşe Yılmaz — 125.50 TRY");
        assert_eq!(two[1].order_id, Some(2));
        let many = notifications(UiLanguage::Az, &[arrival(1), arrival(2), arrival(3)]);
        assert_eq!(many.len(), 1);
        assert_eq!(many[0].summary, "3 yeni sifariş");
        assert_eq!(many[0].order_id, None, "a click opens the inbox");
        assert!(notifications(UiLanguage::En, &[]).is_empty());
    }
}
