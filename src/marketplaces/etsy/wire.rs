//! Etsy Open API v3 as it arrives on the wire: the parts of receipts Vefa reads, typed, and
//! their translation into Vefa's own order input. Unknown fields are ignored; a field of the
//! wrong type is an error that names it (serde's path), and nothing is stored from that page.

use chrono::{DateTime, TimeZone, Utc};
use serde::{Deserialize, Serialize};

use crate::marketplaces::error::{MAX_BODY_BYTES, WireError};
use crate::money;
use crate::orders::{Address, BuyerInput, LineInput, NewOrder, OrderChannel};

/// The marketplace's key in Vefa's store.
pub const MARKETPLACE: &str = "etsy";

/// A page of results: `count` is the total across pages.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Page<T> {
    pub count: i64,
    pub results: Vec<T>,
}

/// Etsy's money: `amount / divisor` in `currency_code`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Money {
    pub amount: i64,
    pub divisor: i64,
    pub currency_code: Currency,
}

/// An ISO 4217 code, kept inline (no allocation per amount).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Currency(#[serde(with = "code")] pub [u8; 3]);

mod code {
    use serde::{Deserialize, Deserializer, Serializer, de::Error};

    pub fn serialize<S: Serializer>(c: &[u8; 3], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(std::str::from_utf8(c).unwrap_or("XXX"))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<[u8; 3], D::Error> {
        let s = String::deserialize(d)?;
        let b = s.as_bytes();
        if b.len() == 3 && b.iter().all(u8::is_ascii_uppercase) {
            Ok([b[0], b[1], b[2]])
        } else {
            Err(D::Error::custom(format!("{s:?} is not a currency code")))
        }
    }
}

impl Currency {
    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.0).unwrap_or("XXX")
    }
}

impl Money {
    /// The amount in the currency's minor units, exactly; none if the divisor does not divide
    /// into them (Etsy sends divisor 100 for two-decimal currencies) or the numbers are absurd.
    pub fn minor(&self) -> Option<i64> {
        let exp = money::exponent(self.currency_code.as_str())?;
        let scale = 10_i64.pow(exp);
        if self.divisor <= 0 || self.amount < 0 {
            return None;
        }
        let scaled = self.amount.checked_mul(scale)?;
        (scaled % self.divisor == 0).then(|| scaled / self.divisor)
    }

    /// As decimal text in its currency, as Vefa's order input takes amounts.
    pub fn decimal(&self) -> Option<String> {
        Some(money::format_minor(
            self.minor()?,
            self.currency_code.as_str(),
        ))
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ShopReceiptTransaction {
    pub transaction_id: i64,
    pub title: Option<String>,
    pub quantity: i64,
    pub listing_id: Option<i64>,
    pub sku: Option<String>,
    pub price: Money,
    pub expected_ship_date: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ShopReceiptShipment {
    pub receipt_shipping_id: Option<i64>,
    pub shipment_notification_timestamp: i64,
    pub carrier_name: String,
    pub tracking_code: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ShopReceipt {
    pub receipt_id: i64,
    pub buyer_user_id: i64,
    pub buyer_email: Option<String>,
    pub name: String,
    pub first_line: Option<String>,
    pub second_line: Option<String>,
    pub city: Option<String>,
    pub state: Option<String>,
    pub zip: Option<String>,
    pub country_iso: Option<String>,
    pub status: String,
    pub message_from_buyer: Option<String>,
    pub is_paid: bool,
    pub is_shipped: bool,
    pub created_timestamp: i64,
    pub updated_timestamp: i64,
    pub grandtotal: Money,
    pub total_shipping_cost: Money,
    pub total_tax_cost: Money,
    pub discount_amt: Money,
    #[serde(default)]
    pub shipments: Vec<ShopReceiptShipment>,
    #[serde(default)]
    pub transactions: Vec<ShopReceiptTransaction>,
}

/// Reads a response body, naming the place of the first thing wrong in it
/// (`results[3].transactions[0].quantity`).
pub fn read<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, WireError> {
    if body.len() > MAX_BODY_BYTES {
        return Err(WireError::TooLarge);
    }
    let de = &mut serde_json::Deserializer::from_slice(body);
    serde_path_to_error::deserialize(de).map_err(|e| {
        use serde_json::error::Category;
        match e.inner().classify() {
            Category::Syntax | Category::Eof | Category::Io => WireError::Malformed {
                reason: e.inner().to_string(),
            },
            Category::Data => WireError::Invalid {
                path: e.path().to_string(),
                reason: e.inner().to_string(),
            },
        }
    })
}

/// Why a receipt cannot become an order; the sync reports it and stores nothing of it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("receipt {receipt}: {what}")]
pub struct ReceiptError {
    pub receipt: i64,
    pub what: String,
}

fn time(secs: i64) -> Option<DateTime<Utc>> {
    Utc.timestamp_opt(secs, 0).single()
}

impl ShopReceipt {
    /// The receipt as a marketplace order for Vefa: its buyer by Etsy user id, its lines by SKU
    /// where they have one (else as custom lines with their title and price), its amounts in
    /// the receipt's currency, and its ship-by date the earliest of its lines'.
    pub fn to_order(&self) -> Result<NewOrder, ReceiptError> {
        let bad = |what: String| ReceiptError {
            receipt: self.receipt_id,
            what,
        };
        let currency = self.grandtotal.currency_code;
        let amount = |m: &Money, field: &str| -> Result<Option<String>, ReceiptError> {
            if m.currency_code != currency {
                return Err(bad(format!(
                    "{field} is in {}, the receipt in {}",
                    m.currency_code.as_str(),
                    currency.as_str()
                )));
            }
            m.decimal().map(Some).ok_or_else(|| {
                bad(format!(
                    "{field} {}/{} is not an amount in {}",
                    m.amount,
                    m.divisor,
                    currency.as_str()
                ))
            })
        };
        let mut lines = Vec::with_capacity(self.transactions.len());
        for (i, t) in self.transactions.iter().enumerate() {
            let quantity = u32::try_from(t.quantity)
                .ok()
                .filter(|&q| q > 0)
                .ok_or_else(|| bad(format!("transaction {i} has quantity {}", t.quantity)))?;
            lines.push(LineInput {
                sku: t.sku.clone().filter(|s| !s.trim().is_empty()),
                title: t.title.clone(),
                quantity,
                unit_price: amount(&t.price, &format!("transaction {i} price"))?,
            });
        }
        let ship_by = self
            .transactions
            .iter()
            .filter_map(|t| t.expected_ship_date.and_then(time))
            .min();
        let mut order = NewOrder::new(OrderChannel::Marketplace, &self.name, currency.as_str());
        order.marketplace = Some(MARKETPLACE.to_owned());
        order.marketplace_order_id = Some(self.receipt_id.to_string());
        order.buyer = BuyerInput {
            name: self.name.clone(),
            email: self.buyer_email.clone().filter(|e| !e.trim().is_empty()),
            phone: None,
            language: None,
            marketplace_buyer_id: Some(self.buyer_user_id.to_string()),
        };
        order.lines = lines;
        order.shipping = amount(&self.total_shipping_cost, "total_shipping_cost")?;
        order.vat = amount(&self.total_tax_cost, "total_tax_cost")?;
        order.discount = amount(&self.discount_amt, "discount_amt")?;
        let text = |s: &Option<String>| s.clone().unwrap_or_default();
        order.address = Address {
            name: self.name.clone(),
            line1: text(&self.first_line),
            line2: text(&self.second_line),
            city: text(&self.city),
            region: text(&self.state),
            postcode: text(&self.zip),
            country: text(&self.country_iso),
        };
        order.note = text(&self.message_from_buyer);
        order.placed_at = Some(
            time(self.created_timestamp)
                .ok_or_else(|| bad("created_timestamp is out of range".into()))?,
        );
        order.ship_by = ship_by;
        Ok(order)
    }
}

/// A value of a product's property (its size, its colour). The ids are kept so that an
/// inventory sent back names the same properties.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListingPropertyValue {
    #[serde(default)]
    pub property_id: i64,
    #[serde(default)]
    pub property_name: Option<String>,
    #[serde(default)]
    pub scale_id: Option<i64>,
    #[serde(default)]
    pub value_ids: Vec<i64>,
    #[serde(default)]
    pub values: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ListingInventoryProductOffering {
    pub offering_id: i64,
    pub quantity: i64,
    pub is_enabled: bool,
    #[serde(default)]
    pub is_deleted: bool,
    pub price: Money,
    #[serde(default)]
    pub readiness_state_id: Option<i64>,
}

/// One variant of a listing: its SKU, its offering (price and quantity), its property values.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ListingInventoryProduct {
    pub product_id: i64,
    #[serde(default)]
    pub sku: String,
    #[serde(default)]
    pub is_deleted: bool,
    pub offerings: Vec<ListingInventoryProductOffering>,
    #[serde(default)]
    pub property_values: Vec<ListingPropertyValue>,
}

impl ListingInventoryProduct {
    /// The offering buyers see: the first one not deleted.
    pub fn live_offering(&self) -> Option<&ListingInventoryProductOffering> {
        self.offerings.iter().find(|o| !o.is_deleted)
    }

    /// The product's name among its listing's: its property values, "Size=M; Colour=Red".
    pub fn options_key(&self) -> String {
        self.property_values
            .iter()
            .map(|v| {
                format!(
                    "{}={}",
                    v.property_name.as_deref().unwrap_or_default(),
                    v.values.join(", ")
                )
            })
            .collect::<Vec<_>>()
            .join("; ")
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ListingInventory {
    pub products: Vec<ListingInventoryProduct>,
    #[serde(default)]
    pub price_on_property: Vec<i64>,
    #[serde(default)]
    pub quantity_on_property: Vec<i64>,
    #[serde(default)]
    pub sku_on_property: Vec<i64>,
}

/// `updateListingInventory`'s body: every product of the listing, as Etsy wants it back.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct InventoryUpdate {
    pub products: Vec<ProductUpdate>,
    pub price_on_property: Vec<i64>,
    pub quantity_on_property: Vec<i64>,
    pub sku_on_property: Vec<i64>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ProductUpdate {
    pub sku: String,
    pub property_values: Vec<PropertyValueUpdate>,
    pub offerings: Vec<OfferingUpdate>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PropertyValueUpdate {
    pub property_id: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub property_name: Option<String>,
    pub scale_id: Option<i64>,
    pub value_ids: Vec<i64>,
    pub values: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OfferingUpdate {
    /// In the currency's major units: the one place Etsy takes money as a number.
    pub price: f64,
    pub quantity: i64,
    pub is_enabled: bool,
    pub readiness_state_id: Option<i64>,
}

/// A listing with its inventory and pictures (`includes=Inventory,Images`), the parts Vefa
/// reads.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ShopListing {
    pub listing_id: i64,
    pub title: String,
    #[serde(default)]
    pub description: String,
    pub state: String,
    pub quantity: i64,
    pub price: Money,
    #[serde(default)]
    pub tags: Vec<String>,
    #[serde(default)]
    pub materials: Vec<String>,
    #[serde(default)]
    pub skus: Vec<String>,
    pub updated_timestamp: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inventory: Option<ListingInventory>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub images: Option<Vec<ListingImage>>,
}

/// One of a listing's pictures (`includes=Images`), the parts Vefa reads.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListingImage {
    pub listing_image_id: i64,
    #[serde(default)]
    pub rank: i64,
    /// The full-size file, up to 3000 pixels a side.
    #[serde(default)]
    pub url_fullxfull: String,
    #[serde(default)]
    pub full_width: Option<i64>,
    #[serde(default)]
    pub full_height: Option<i64>,
}

/// A buyer's review of a listing, the parts Vefa reads.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListingReview {
    pub listing_id: i64,
    pub rating: i64,
    #[serde(default)]
    pub review: Option<String>,
    pub created_timestamp: i64,
}
