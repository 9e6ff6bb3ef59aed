//! The Etsy Open API v3 connector: its wire types (`wire`), OAuth with PKCE (`oauth`), the HTTP
//! client with Etsy's limits (`client`), and the [`Marketplace`] seam over them. The sandbox
//! marketplace speaks the same API, so a sandbox account is this connector at another address.

pub mod client;
pub mod http;
pub mod oauth;
pub mod wire;

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::marketplaces::error::MarketplaceError;
pub use client::{Endpoints, EtsyClient, Patience};

use crate::catalog::listings::{ListingState, Pair, Variant};
use crate::marketplaces::{
    Capabilities, Marketplace, Pushed, RemoteListings, RemoteOrder, RemoteOrders, RemoteReviews,
    StockPush,
};
use crate::sync::remote::{
    FetchError, ListingEdit, Offer, Price, RemoteImage, RemoteListing, RemoteListingData,
    RemoteReview, StockPushed, SyncedFields,
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

    pub async fn me(client: &EtsyClient) -> Result<Me, MarketplaceError> {
        client.get("getMe", "/v3/application/users/me", &[]).await
    }

    pub async fn shop(client: &EtsyClient, shop_id: i64) -> Result<ShopInfo, MarketplaceError> {
        client
            .get("getShop", &format!("/v3/application/shops/{shop_id}"), &[])
            .await
    }
}

impl Marketplace for Etsy {
    fn capabilities(&self) -> Capabilities {
        Self::CAPABILITIES
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
    ) -> Result<RemoteOrders, MarketplaceError> {
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

    fn listing_shelves(&self) -> &'static [&'static str] {
        &["active", "sold_out", "inactive", "draft", "expired"]
    }

    /// `getListingsByShop` in state `shelf`, with their inventory and images, newest change
    /// first; the engine stops at the first one older than its cursor, so a sync with nothing
    /// new costs one call.
    async fn listings_changed(
        &self,
        shelf: &str,
        offset: u64,
    ) -> Result<RemoteListings, MarketplaceError> {
        let query = [
            ("state", shelf.to_owned()),
            ("sort_on", "updated".to_owned()),
            ("sort_order", "desc".to_owned()),
            ("includes", "Inventory".to_owned()),
            ("includes", "Images".to_owned()),
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
    ) -> Result<RemoteReviews, MarketplaceError> {
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
    async fn open_orders(&self, offset: u64) -> Result<RemoteOrders, MarketplaceError> {
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

    async fn fetch_image(&self, url: &str) -> Result<Vec<u8>, FetchError> {
        self.client.fetch_file(url).await
    }

    async fn send_message(&self, _order: &str, _text: &str) -> Result<Pushed, MarketplaceError> {
        Ok(Pushed::Refused(
            "Etsy's Open API has no way to message a buyer".to_owned(),
        ))
    }

    async fn push_shipment(
        &self,
        remote_order_id: &str,
        carrier: &str,
        tracking: &str,
    ) -> Result<Pushed, MarketplaceError> {
        self.tracking(remote_order_id, carrier, tracking).await
    }

    /// `updateListing`: only the fields that changed, as a form. Tags and materials go as
    /// Etsy's comma-separated lists (neither may hold a comma itself).
    async fn push_listing(
        &self,
        remote_listing_id: &str,
        edit: &ListingEdit,
    ) -> Result<Pushed, MarketplaceError> {
        let joined = |field: &str, items: &Option<Vec<String>>| -> Result<Option<String>, String> {
            let Some(items) = items else { return Ok(None) };
            if let Some(bad) = items.iter().find(|t| t.contains(',')) {
                return Err(format!(
                    "{field} \"{bad}\" holds a comma, which Etsy does not take"
                ));
            }
            Ok(Some(items.join(",")))
        };
        let (tags, materials) = match (
            joined("the tag", &edit.tags),
            joined("the material", &edit.materials),
        ) {
            (Ok(t), Ok(m)) => (t, m),
            (Err(why), _) | (_, Err(why)) => return Ok(Pushed::Refused(why)),
        };
        let mut form: Vec<(&str, &str)> = Vec::new();
        if let Some(t) = &edit.title {
            form.push(("title", t));
        }
        if let Some(d) = &edit.description {
            form.push(("description", d));
        }
        if let Some(t) = &tags {
            form.push(("tags", t));
        }
        if let Some(m) = &materials {
            form.push(("materials", m));
        }
        if form.is_empty() {
            return Ok(Pushed::Done);
        }
        let path = format!(
            "/v3/application/shops/{}/listings/{remote_listing_id}",
            self.shop_id
        );
        refusal(
            self.client
                .patch_form::<wire::ShopListing>("updateListing", &path, &form)
                .await
                .map(|_| Pushed::Done),
        )
        .map(|r| r.unwrap_or_else(Pushed::Refused))
    }

    /// `getListingInventory`, then `updateListingInventory` with every product as Etsy has it
    /// (its properties and ids untouched) and the stock and prices asked for; nothing is sent
    /// when Etsy already has them.
    async fn push_stock(
        &self,
        remote_listing_id: &str,
        want: &BTreeMap<String, Offer>,
        currency: Option<&str>,
    ) -> Result<StockPush, MarketplaceError> {
        let path = format!("/v3/application/listings/{remote_listing_id}/inventory");
        let have = match refusal(
            self.client
                .get::<wire::ListingInventory>("getListingInventory", &path, &[])
                .await,
        )? {
            Ok(i) => i,
            Err(why) => return Ok(StockPush::Refused(why)),
        };
        let plan = inventory_update(&have, want, currency);
        if plan.sent {
            let sent = self
                .client
                .put_json::<_, wire::ListingInventory>(
                    "updateListingInventory",
                    &path,
                    &plan.update,
                )
                .await;
            let now = match refusal(sent)? {
                Ok(i) => i,
                Err(why) => return Ok(StockPush::Refused(why)),
            };
            return Ok(StockPush::Done(StockPushed {
                offers: offers_there(&now),
                ..plan.pushed
            }));
        }
        Ok(StockPush::Done(plan.pushed))
    }
}

/// A refusal (a 4xx other than 401 and 429) is an answer, not an error to retry: `Ok(Err(why))`.
fn refusal<T>(r: Result<T, MarketplaceError>) -> Result<Result<T, String>, MarketplaceError> {
    match r {
        Ok(v) => Ok(Ok(v)),
        Err(MarketplaceError::Refused {
            status, message, ..
        }) if (400..500).contains(&status) && status != 401 && status != 429 => Ok(Err(message)),
        Err(e) => Err(e),
    }
}

/// Etsy takes at most this many of one product.
const MAX_QUANTITY: i64 = 999;

struct InventoryPlan {
    update: wire::InventoryUpdate,
    /// What the marketplace will have; `sent` says whether that differs from now.
    pushed: StockPushed,
    sent: bool,
}

fn product_key(p: &wire::ListingInventoryProduct) -> String {
    if p.sku.trim().is_empty() {
        p.options_key()
    } else {
        p.sku.clone()
    }
}

/// Each live product's offer by key, in minor units; one whose price does not fit is left out.
fn offers_there(inv: &wire::ListingInventory) -> BTreeMap<String, Offer> {
    inv.products
        .iter()
        .filter(|p| !p.is_deleted)
        .filter_map(|p| {
            let o = p.live_offering()?;
            let offer = Offer {
                quantity: if o.is_enabled { o.quantity } else { 0 },
                price_minor: o.price.minor()?,
            };
            Some((product_key(p), offer))
        })
        .collect()
}

/// The inventory to send back: Etsy's own, with the stock (and, in the same currency, the
/// prices) of the products asked for.
fn inventory_update(
    have: &wire::ListingInventory,
    want: &BTreeMap<String, Offer>,
    currency: Option<&str>,
) -> InventoryPlan {
    let live: Vec<&wire::ListingInventoryProduct> =
        have.products.iter().filter(|p| !p.is_deleted).collect();
    let keys: Vec<String> = live.iter().map(|p| product_key(p)).collect();
    let want_keys: Vec<&str> = want.keys().map(String::as_str).collect();
    let have_keys: Vec<&str> = keys.iter().map(String::as_str).collect();
    let pairs = crate::sync::listings::pair(&want_keys, &have_keys);
    let wanted: Vec<&Offer> = want.values().collect();
    let mut other_currency = None;
    let mut sent = false;
    let mut offers = offers_there(have);
    let mut products = Vec::with_capacity(live.len());
    for (j, p) in live.iter().enumerate() {
        let asked = pairs.iter().find(|(_, h)| *h == j).map(|(i, _)| wanted[*i]);
        let offerings = p
            .offerings
            .iter()
            .filter(|o| !o.is_deleted)
            .map(|o| {
                let code = o.price.currency_code.as_str();
                let mut price = o.price.minor();
                let mut quantity = o.quantity;
                if let Some(a) = asked {
                    let q = a.quantity.clamp(0, MAX_QUANTITY);
                    sent |= q != quantity;
                    quantity = q;
                    if currency == Some(code) {
                        sent |= price != Some(a.price_minor);
                        price = Some(a.price_minor);
                    } else if currency.is_some() {
                        other_currency = Some(code.to_owned());
                    }
                }
                let exp = crate::money::exponent(code).unwrap_or(2);
                let minor =
                    price.unwrap_or(o.price.amount * 10_i64.pow(exp) / o.price.divisor.max(1));
                wire::OfferingUpdate {
                    price: minor as f64 / 10_f64.powi(exp as i32),
                    quantity,
                    is_enabled: o.is_enabled,
                    readiness_state_id: o.readiness_state_id,
                }
            })
            .collect::<Vec<_>>();
        if let (Some(a), Some(first)) = (asked, offerings.first()) {
            let key = keys[j].clone();
            let price_minor = if currency.is_none() || other_currency.is_some() {
                offers.get(&key).map_or(a.price_minor, |o| o.price_minor)
            } else {
                a.price_minor
            };
            offers.insert(
                key,
                Offer {
                    quantity: first.quantity,
                    price_minor,
                },
            );
        }
        products.push(wire::ProductUpdate {
            sku: p.sku.clone(),
            property_values: p
                .property_values
                .iter()
                .map(|v| wire::PropertyValueUpdate {
                    property_id: v.property_id,
                    property_name: v.property_name.clone(),
                    scale_id: v.scale_id,
                    value_ids: v.value_ids.clone(),
                    values: v.values.clone(),
                })
                .collect(),
            offerings,
        });
    }
    let unmatched = want
        .keys()
        .enumerate()
        .filter(|(i, _)| !pairs.iter().any(|(w, _)| w == i))
        .map(|(_, k)| k.clone())
        .collect();
    InventoryPlan {
        update: wire::InventoryUpdate {
            products,
            price_on_property: have.price_on_property.clone(),
            quantity_on_property: have.quantity_on_property.clone(),
            sku_on_property: have.sku_on_property.clone(),
        },
        pushed: StockPushed {
            sent,
            unmatched,
            other_currency,
            offers,
        },
        sent,
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
    ) -> Result<Pushed, MarketplaceError> {
        let path = format!(
            "/v3/application/shops/{}/receipts/{receipt}/tracking",
            self.shop_id
        );
        let form = [("tracking_code", tracking), ("carrier_name", carrier)];
        let sent = self
            .client
            .post_form::<wire::ShopReceipt>("createReceiptShipment", &path, &form)
            .await
            .map(|_| Pushed::Done);
        Ok(refusal(sent)?.unwrap_or_else(Pushed::Refused))
    }
}

impl Etsy {
    /// What Vefa does with an Etsy shop (and the sandbox, which speaks Etsy).
    pub const CAPABILITIES: Capabilities = Capabilities {
        pull_orders: true,
        pull_listings: true,
        pull_reviews: true,
        push_shipment: true,
        push_listing: true,
        push_stock: true,
        // Etsy's Open API v3 has no conversations endpoint: buyers hear from the seller by
        // mail (the messages module) or in Etsy's own inbox.
        buyer_messages: false,
    };

    async fn receipts(&self, query: &[(&str, String)]) -> Result<RemoteOrders, MarketplaceError> {
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
        images: images_of(l),
    })
}

/// A listing's pictures in Etsy's order; one without an address is left out.
fn images_of(l: &wire::ShopListing) -> Vec<RemoteImage> {
    let mut images: Vec<&wire::ListingImage> = l
        .images
        .iter()
        .flatten()
        .filter(|i| !i.url_fullxfull.is_empty())
        .collect();
    images.sort_by_key(|i| (i.rank, i.listing_image_id));
    images
        .into_iter()
        .map(|i| RemoteImage {
            id: i.listing_image_id.to_string(),
            url: i.url_fullxfull.clone(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use wire::{
        Currency, ListingInventory, ListingInventoryProduct, ListingInventoryProductOffering,
        ListingPropertyValue, Money,
    };

    fn product(
        sku: &str,
        size: Option<&str>,
        quantity: i64,
        minor: i64,
    ) -> ListingInventoryProduct {
        ListingInventoryProduct {
            product_id: 1,
            sku: sku.into(),
            is_deleted: false,
            offerings: vec![ListingInventoryProductOffering {
                offering_id: 1,
                quantity,
                is_enabled: true,
                is_deleted: false,
                price: Money {
                    amount: minor,
                    divisor: 100,
                    currency_code: Currency(*b"TRY"),
                },
                readiness_state_id: Some(4),
            }],
            property_values: size
                .map(|s| ListingPropertyValue {
                    property_id: 513,
                    property_name: Some("Size".into()),
                    scale_id: None,
                    value_ids: vec![77],
                    values: vec![s.into()],
                })
                .into_iter()
                .collect(),
        }
    }

    fn sized() -> ListingInventory {
        ListingInventory {
            products: vec![
                product("", Some("S"), 2, 1_000),
                product("", Some("M"), 3, 1_000),
            ],
            price_on_property: vec![],
            quantity_on_property: vec![513],
            sku_on_property: vec![],
        }
    }

    fn offer(quantity: i64, price_minor: i64) -> Offer {
        Offer {
            quantity,
            price_minor,
        }
    }

    #[test]
    fn only_the_products_asked_for_change_and_their_properties_stay() {
        let want = BTreeMap::from([("Size=M".to_owned(), offer(1_500, 1_250))]);
        let plan = inventory_update(&sized(), &want, Some("TRY"));
        assert!(plan.sent);
        assert!(plan.pushed.unmatched.is_empty());
        let [s, m] = plan.update.products.as_slice() else {
            panic!("two products")
        };
        assert_eq!((s.offerings[0].quantity, s.offerings[0].price), (2, 10.0));
        assert_eq!(
            (m.offerings[0].quantity, m.offerings[0].price),
            (999, 12.5),
            "Etsy takes at most 999"
        );
        assert_eq!(m.offerings[0].readiness_state_id, Some(4));
        assert_eq!(m.property_values[0].value_ids, vec![77]);
        assert_eq!(plan.update.quantity_on_property, vec![513]);
        assert_eq!(plan.pushed.offers["Size=M"], offer(999, 1_250));
        assert_eq!(plan.pushed.offers["Size=S"], offer(2, 1_000));
    }

    #[test]
    fn prices_stay_when_held_or_in_another_currency() {
        let want = BTreeMap::from([("Size=S".to_owned(), offer(5, 9_999))]);
        let held = inventory_update(&sized(), &want, None);
        assert_eq!(held.update.products[0].offerings[0].price, 10.0);
        assert_eq!(held.pushed.other_currency, None);
        assert_eq!(held.pushed.offers["Size=S"], offer(5, 1_000));
        let other = inventory_update(&sized(), &want, Some("AZN"));
        assert_eq!(other.update.products[0].offerings[0].price, 10.0);
        assert_eq!(other.update.products[0].offerings[0].quantity, 5);
        assert_eq!(other.pushed.other_currency.as_deref(), Some("TRY"));
    }

    #[test]
    fn the_same_figures_send_nothing_and_unknown_variants_are_named() {
        let want = BTreeMap::from([
            ("Size=S".to_owned(), offer(2, 1_000)),
            ("Size=XL".to_owned(), offer(1, 1_000)),
        ]);
        let plan = inventory_update(&sized(), &want, Some("TRY"));
        assert!(!plan.sent);
        assert_eq!(plan.pushed.unmatched, vec!["Size=XL".to_owned()]);
    }

    #[test]
    fn a_listing_s_only_product_is_its_only_variant_whatever_the_sku() {
        let one = ListingInventory {
            products: vec![product("ETSY-1", None, 4, 500)],
            price_on_property: vec![],
            quantity_on_property: vec![],
            sku_on_property: vec![],
        };
        let want = BTreeMap::from([("VEFA-1".to_owned(), offer(9, 500))]);
        let plan = inventory_update(&one, &want, Some("TRY"));
        assert!(plan.sent && plan.pushed.unmatched.is_empty());
        assert_eq!(
            plan.update.products[0].sku, "ETSY-1",
            "Etsy's SKU is not replaced"
        );
        assert_eq!(plan.pushed.offers["ETSY-1"], offer(9, 500));
    }
}
