//! Connected marketplace accounts. A shop may connect several marketplaces (and the sandbox);
//! each account's tokens and shared secret are in the OS keychain under [`Account::secret_key`].

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::infra::store::entity::marketplace_account;
use crate::marketplaces::etsy::Endpoints;
use crate::marketplaces::etsy::oauth::TokenSet;

/// Etsy itself, or the sandbox marketplace (which speaks Etsy's API on loopback).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum MarketplaceKind {
    Etsy,
    Sandbox,
}

impl MarketplaceKind {
    pub fn as_str(self) -> &'static str {
        match self {
            MarketplaceKind::Etsy => "etsy",
            MarketplaceKind::Sandbox => "sandbox",
        }
    }

    /// Where it lives: Etsy's own addresses, or the sandbox at `base_url`.
    pub fn endpoints(self, base_url: &str) -> Endpoints {
        match self {
            MarketplaceKind::Etsy => Endpoints::etsy(),
            MarketplaceKind::Sandbox => Endpoints::sandbox(base_url),
        }
    }

    /// What Vefa does with a shop there.
    pub fn capabilities(self) -> crate::marketplaces::Capabilities {
        match self {
            MarketplaceKind::Etsy | MarketplaceKind::Sandbox => {
                crate::marketplaces::etsy::Etsy::CAPABILITIES
            }
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [MarketplaceKind::Etsy, MarketplaceKind::Sandbox]
            .into_iter()
            .find(|k| k.as_str() == s)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct Account {
    pub id: i32,
    pub marketplace: MarketplaceKind,
    pub base_url: String,
    /// The shop's id on the marketplace.
    #[specta(type = String)]
    #[serde(with = "as_text")]
    pub shop_id: i64,
    pub shop_name: String,
    pub keystring: String,
    pub redirect_uri: String,
    pub created_at: DateTime<Utc>,
}

/// Ids beyond 2^53 do not survive JavaScript's numbers.
mod as_text {
    pub fn serialize<S: serde::Serializer>(v: &i64, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(v)
    }
}

/// What the keychain holds for an account.
#[derive(Clone, Serialize, Deserialize)]
pub struct Credentials {
    pub secret: String,
    pub tokens: TokenSet,
}

impl Account {
    pub fn endpoints(&self) -> Endpoints {
        self.marketplace.endpoints(&self.base_url)
    }

    /// The keychain entry of this account's credentials.
    pub fn secret_key(&self) -> String {
        secret_key(self.marketplace, &self.base_url, self.shop_id)
    }
}

pub fn secret_key(kind: MarketplaceKind, base_url: &str, shop_id: i64) -> String {
    match kind {
        // The sandbox moves to another loopback port each time it starts: it is one shop.
        MarketplaceKind::Sandbox => format!("sandbox:{shop_id}"),
        MarketplaceKind::Etsy => format!("etsy:{shop_id}@{base_url}"),
    }
}

fn view(r: marketplace_account::Model) -> Result<Account> {
    Ok(Account {
        marketplace: MarketplaceKind::parse(&r.marketplace)
            .ok_or_else(|| Error::Corrupt(format!("account {} marketplace", r.id)))?,
        id: r.id,
        base_url: r.base_url,
        shop_id: r.shop_id,
        shop_name: r.shop_name,
        keystring: r.keystring,
        redirect_uri: r.redirect_uri,
        created_at: r.created_at,
    })
}

pub async fn list<C: ConnectionTrait>(db: &C) -> Result<Vec<Account>> {
    marketplace_account::Entity::find()
        .order_by_asc(marketplace_account::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(view)
        .collect()
}

pub async fn get<C: ConnectionTrait>(db: &C, id: i32) -> Result<Account> {
    let row = marketplace_account::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| Error::NotFound {
            what: "marketplace account",
            id: id.to_string(),
        })?;
    view(row)
}

/// What a new connection learnt about the shop.
#[derive(Debug, Clone)]
pub struct NewAccount {
    pub marketplace: MarketplaceKind,
    pub base_url: String,
    pub shop_id: i64,
    pub shop_name: String,
    pub user_id: i64,
    pub keystring: String,
    pub redirect_uri: String,
}

/// Adds the account, or updates it when the same shop connects again (its cursors are kept:
/// what was brought home is still home).
pub async fn upsert<C: ConnectionTrait>(
    db: &C,
    a: &NewAccount,
    now: DateTime<Utc>,
) -> Result<Account> {
    let mut same = marketplace_account::Entity::find()
        .filter(marketplace_account::Column::Marketplace.eq(a.marketplace.as_str()))
        .filter(marketplace_account::Column::ShopId.eq(a.shop_id));
    if a.marketplace != MarketplaceKind::Sandbox {
        // The sandbox shop is the same shop on whichever port it runs today.
        same = same.filter(marketplace_account::Column::BaseUrl.eq(a.base_url.as_str()));
    }
    let existing = same.one(db).await?;
    let mut row = marketplace_account::ActiveModel {
        marketplace: Set(a.marketplace.as_str().to_owned()),
        base_url: Set(a.base_url.clone()),
        shop_id: Set(a.shop_id),
        shop_name: Set(a.shop_name.clone()),
        user_id: Set(a.user_id),
        keystring: Set(a.keystring.clone()),
        redirect_uri: Set(a.redirect_uri.clone()),
        ..Default::default()
    };
    let saved = match existing {
        Some(e) => {
            row.id = Set(e.id);
            row.update(db).await?
        }
        None => {
            row.created_at = Set(now);
            row.insert(db).await?
        }
    };
    view(saved)
}
