//! The Etsy Open API v3 connector: its wire types (`wire`), OAuth with PKCE (`oauth`), the HTTP
//! client with Etsy's limits (`client`), and the [`Marketplace`] seam over them. The sandbox
//! marketplace speaks the same API, so a sandbox account is this connector at another address.

pub mod client;
pub mod oauth;
pub mod wire;

use serde::Deserialize;

pub use client::{ApiError, Endpoints, EtsyClient, Patience};

use crate::listings::{ListingState, Pair, Variant};
use crate::sync::listings::{Price, RemoteListing, RemoteListingData, SyncedFields};
use crate::sync::reviews::RemoteReview;
use crate::sync::{
    Capabilities, Marketplace, Pushed, RemoteListings, RemoteOrder, RemoteOrders, RemoteReviews,
};

/// Receipts asked for per page: Etsy's largest.
pub const PAGE: u32 = 100;

#[derive(Debug, Clone, Deserialize)]
pub struct Me {
    pub user_id: i64,
    pub shop_id: i64,
}

#[derive(Debug, Clone, Deserialize)]
pub struct ShopInfo {
    pub shop_id: i64,
    pub shop_name: String,
}

/// One connected Etsy (or sandbox) shop.
#[derive(Debug)]
pub struct Etsy {
    client: EtsyClient,
    shop_id: i64,
}

impl Etsy {
    pub fn new(client: EtsyClient, shop_id: i64) -> Self {
        Self { client, shop_id }
    }

    pub async fn me(client: &EtsyClient) -> Result<Me, ApiError> {
        client.get("getMe", "/v3/application/users/me", &[]).await
    }

    pub async fn shop(client: &EtsyClient, shop_id: i64) -> Result<ShopInfo, ApiError> {
        client
            .get("getShop", &format!("/v3/application/shops/{shop_id}"), &[])
            .await
    }
}

impl Marketplace for Etsy {
    fn capabilities(&self) -> Capabilities {
        Capabilities {
            pull_orders: true,
            pull_listings: true,
            pull_reviews: true,
            push_shipment: true,
        }
    }

    fn calls(&self) -> u32 {
        self.client.calls()
    }

    /// `getShopReceipts`, newest change first: a receipt changed while the pull pages moves to
    /// the front, so paging by offset may see a receipt twice but never skips one.
    async fn orders_changed(
        &self,
        since: Option<i64>,
        offset: u64,
    ) -> Result<RemoteOrders, ApiError> {
        let mut query = vec![
            ("sort_on", "updated".to_owned()),
            ("sort_order", "desc".to_owned()),
            ("limit", PAGE.to_string()),
            ("offset", offset.to_string()),
        ];
        if let Some(s) = since {
            query.push(("min_last_modified", s.to_string()));
        }
        self.receipts(&query).await
    }

    /// `getListingsByShop` with their inventory, newest change first; the engine stops at the
    /// first one older than its cursor, so a sync with nothing new costs one call.
    async fn listings_changed(&self, offset: u64) -> Result<RemoteListings, ApiError> {
        let query = [
            ("state", "active".to_owned()),
            ("sort_on", "updated".to_owned()),
            ("sort_order", "desc".to_owned()),
            ("includes", "Inventory".to_owned()),
            ("limit", PAGE.to_string()),
            ("offset", offset.to_string()),
        ];
        let page: wire::Page<wire::ShopListing> = self
            .client
            .get(
                "getListingsByShop",
                &format!("/v3/application/shops/{}/listings", self.shop_id),
                &query,
            )
            .await?;
        Ok(RemoteListings {
            total: page.count.max(0) as u64,
            listings: page.results.into_iter().map(RemoteListing::from).collect(),
        })
    }

    /// `getReviewsByShop` created at or after `since`, paged by offset.
    async fn reviews_since(
        &self,
        since: Option<i64>,
        offset: u64,
    ) -> Result<RemoteReviews, ApiError> {
        let mut query = vec![("limit", PAGE.to_string()), ("offset", offset.to_string())];
        if let Some(s) = since {
            query.push(("min_created", s.to_string()));
        }
        let page: wire::Page<wire::ListingReview> = self
            .client
            .get(
                "getReviewsByShop",
                &format!("/v3/application/shops/{}/reviews", self.shop_id),
                &query,
            )
            .await?;
        Ok(RemoteReviews {
            total: page.count.max(0) as u64,
            read: page.results.len() as u64,
            reviews: page
                .results
                .iter()
                .filter_map(|r| {
                    RemoteReview::new(
                        r.listing_id,
                        r.rating,
                        r.created_timestamp,
                        r.review.as_deref(),
                    )
                })
                .collect(),
        })
    }

    /// `getShopReceipts` of receipts neither shipped nor cancelled, oldest first (a new one
    /// joins at the end, so paging skips none).
    async fn open_orders(&self, offset: u64) -> Result<RemoteOrders, ApiError> {
        let query = [
            ("was_shipped", "false".to_owned()),
            ("was_canceled", "false".to_owned()),
            ("sort_on", "created".to_owned()),
            ("sort_order", "asc".to_owned()),
            ("limit", PAGE.to_string()),
            ("offset", offset.to_string()),
        ];
        self.receipts(&query).await
    }

    async fn push_shipment(
        &self,
        remote_order_id: &str,
        carrier: &str,
        tracking: &str,
    ) -> Result<Pushed, ApiError> {
        self.tracking(remote_order_id, carrier, tracking).await
    }
}

impl Etsy {
    /// `createReceiptShipment`. Etsy refuses tracking for new connections in several
    /// countries: a refusal (a 4xx other than 401 and 429) is an answer, not an error to retry.
    async fn tracking(
        &self,
        receipt: &str,
        carrier: &str,
        tracking: &str,
    ) -> Result<Pushed, ApiError> {
        let path = format!(
            "/v3/application/shops/{}/receipts/{receipt}/tracking",
            self.shop_id
        );
        let form = [("tracking_code", tracking), ("carrier_name", carrier)];
        match self
            .client
            .post_form::<wire::ShopReceipt>("createReceiptShipment", &path, &form)
            .await
        {
            Ok(_) => Ok(Pushed::Done),
            Err(ApiError::Refused {
                status, message, ..
            }) if (400..500).contains(&status) && status != 401 && status != 429 => {
                Ok(Pushed::Refused(message))
            }
            Err(e) => Err(e),
        }
    }
}

impl Etsy {
    async fn receipts(&self, query: &[(&str, String)]) -> Result<RemoteOrders, ApiError> {
        let page: wire::Page<wire::ShopReceipt> = self
            .client
            .get(
                "getShopReceipts",
                &format!("/v3/application/shops/{}/receipts", self.shop_id),
                query,
            )
            .await?;
        Ok(RemoteOrders {
            total: page.count.max(0) as u64,
            orders: page.results.into_iter().map(RemoteOrder::from).collect(),
        })
    }
}

impl From<wire::ShopReceipt> for RemoteOrder {
    fn from(r: wire::ShopReceipt) -> Self {
        let shipment = r
            .shipments
            .iter()
            .max_by_key(|s| s.shipment_notification_timestamp)
            .map(|s| (s.carrier_name.clone(), s.tracking_code.clone()));
        RemoteOrder {
            id: r.receipt_id.to_string(),
            updated: r.updated_timestamp,
            cancelled: matches!(
                r.status.to_ascii_lowercase().as_str(),
                "canceled" | "fully refunded"
            ),
            shipped: r.is_shipped.then(|| shipment.unwrap_or_default()),
            order: r.to_order().map_err(|e| e.to_string()),
        }
    }
}

impl From<wire::ShopListing> for RemoteListing {
    fn from(l: wire::ShopListing) -> Self {
        RemoteListing {
            id: l.listing_id.to_string(),
            updated: l.updated_timestamp,
            listing: listing_data(&l),
        }
    }
}

/// A listing as Vefa takes it: its price exactly in minor units, one variant per live product
/// (SKU, quantity, a price of its own where it differs, its property values as options).
fn listing_data(l: &wire::ShopListing) -> Result<RemoteListingData, String> {
    let price = l.price.minor().ok_or_else(|| {
        format!(
            "price {}/{} does not fit its currency",
            l.price.amount, l.price.divisor
        )
    })?;
    let currency = l.price.currency_code.as_str().to_owned();
    let state = match l.state.as_str() {
        "active" => ListingState::Active,
        "draft" => ListingState::Draft,
        "sold_out" => ListingState::SoldOut,
        _ => ListingState::Inactive,
    };
    let products: Vec<&wire::ListingInventoryProduct> = l
        .inventory
        .iter()
        .flat_map(|i| &i.products)
        .filter(|p| !p.is_deleted)
        .collect();
    let mut variants = Vec::with_capacity(products.len().max(1));
    for p in products {
        let Some(offer) = p.offerings.iter().find(|o| !o.is_deleted) else {
            continue;
        };
        let own = offer
            .price
            .minor()
            .ok_or_else(|| format!("product {}: price does not fit its currency", p.product_id))?;
        variants.push(Variant {
            sku: p.sku.clone(),
            options: p
                .property_values
                .iter()
                .filter_map(|v| {
                    Some(Pair {
                        name: v.property_name.clone()?,
                        value: v.values.join(", "),
                    })
                })
                .collect(),
            price_override_minor: (own != price).then_some(own),
            quantity: if offer.is_enabled {
                offer.quantity.max(0)
            } else {
                0
            },
            ..Default::default()
        });
    }
    if variants.is_empty() {
        variants.push(Variant {
            sku: l.skus.first().cloned().unwrap_or_default(),
            quantity: l.quantity.max(0),
            ..Default::default()
        });
    }
    Ok(RemoteListingData {
        fields: SyncedFields {
            title: l.title.clone(),
            description: l.description.clone(),
            tags: l.tags.clone(),
            materials: l.materials.clone(),
            price: Price {
                minor: price,
                currency,
            },
        },
        state,
        variants,
    })
}
