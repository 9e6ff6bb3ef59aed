//! What an order is as the core's callers see it: the input of a new order (a phone or shop
//! sale entered by hand, or one a marketplace sent), and the order with its timeline.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use specta::Type;

use super::status::{Action, OrderStatus};

/// Where an order was placed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum OrderChannel {
    Marketplace,
    Phone,
    Shop,
    Other,
}

impl OrderChannel {
    pub fn as_str(self) -> &'static str {
        match self {
            OrderChannel::Marketplace => "marketplace",
            OrderChannel::Phone => "phone",
            OrderChannel::Shop => "shop",
            OrderChannel::Other => "other",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [
            OrderChannel::Marketplace,
            OrderChannel::Phone,
            OrderChannel::Shop,
            OrderChannel::Other,
        ]
        .into_iter()
        .find(|c| c.as_str() == s)
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(default)]
pub struct Address {
    pub name: String,
    pub line1: String,
    pub line2: String,
    pub city: String,
    pub region: String,
    pub postcode: String,
    /// ISO 3166-1 alpha-2, such as "AZ".
    pub country: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct BuyerInput {
    pub name: String,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub phone: Option<String>,
    /// The language messages to the buyer use; the shop's when absent.
    #[serde(default)]
    pub language: Option<String>,
    /// The marketplace's id for the buyer, when the order came from one.
    #[serde(default)]
    pub marketplace_buyer_id: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct LineInput {
    /// The variant sold, by SKU. A line without one is a custom item: it moves no stock.
    #[serde(default)]
    pub sku: Option<String>,
    /// Shown on the order; the listing's title when absent.
    #[serde(default)]
    pub title: Option<String>,
    pub quantity: u32,
    /// A decimal amount ("12.50"); the variant's price when absent.
    #[serde(default)]
    pub unit_price: Option<String>,
}

/// A new order. Amounts are decimal text in `currency` ("12.50"), as a seller types them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct NewOrder {
    pub channel: OrderChannel,
    #[serde(default)]
    pub marketplace: Option<String>,
    #[serde(default)]
    pub marketplace_order_id: Option<String>,
    pub buyer: BuyerInput,
    pub lines: Vec<LineInput>,
    pub currency: String,
    #[serde(default)]
    pub shipping: Option<String>,
    #[serde(default)]
    pub vat: Option<String>,
    #[serde(default)]
    pub discount: Option<String>,
    #[serde(default)]
    pub coupon_code: Option<String>,
    #[serde(default)]
    pub address: Address,
    #[serde(default)]
    pub note: String,
    /// Now when absent.
    #[serde(default)]
    pub placed_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub ship_by: Option<DateTime<Utc>>,
    /// The seller saw the oversell warning and sells anyway. A marketplace order is taken
    /// whatever the stock (the buyer has paid), with an out-of-stock problem opened on it.
    #[serde(default)]
    pub allow_oversell: bool,
}

impl NewOrder {
    /// An order on `channel` from a buyer known by name, with no lines yet and nothing else
    /// set: the caller adds lines and whatever else the sale has.
    pub fn new(channel: OrderChannel, buyer_name: &str, currency: &str) -> Self {
        Self {
            channel,
            marketplace: None,
            marketplace_order_id: None,
            buyer: BuyerInput {
                name: buyer_name.to_owned(),
                ..Default::default()
            },
            lines: vec![],
            currency: currency.to_owned(),
            shipping: None,
            vat: None,
            discount: None,
            coupon_code: None,
            address: Address::default(),
            note: String::new(),
            placed_at: None,
            ship_by: None,
            allow_oversell: false,
        }
    }

    /// Adds a line selling `quantity` of the variant with `sku` at its listed price.
    pub fn with_sku(mut self, sku: &str, quantity: u32) -> Self {
        self.lines.push(LineInput {
            sku: Some(sku.to_owned()),
            title: None,
            quantity,
            unit_price: None,
        });
        self
    }
}

/// What the seller does to an order, with what the move needs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum Act {
    Confirm,
    MarkReady,
    Ship {
        carrier: String,
        tracking: String,
    },
    Deliver,
    Complete,
    /// Before dispatch; the stock comes back.
    Cancel {
        reason: String,
    },
    RequestReturn {
        reason: String,
    },
    /// `restock`: the returned goods can be sold again.
    ReceiveReturn {
        restock: bool,
    },
    Refund,
    Exchange,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum ProblemKind {
    OutOfStock,
    Delayed,
    WrongAddress,
    Damaged,
    WrongItem,
    Other,
    /// The marketplace would not take the tracking code: the order stays shipped here and the
    /// seller marks it shipped in the marketplace's own tool (the note holds its reason).
    TrackingRefused,
    /// Found at inspection: a part, an accessory or a unit of the order is not there to pack.
    MissingPart,
}

impl ProblemKind {
    pub const ALL: [ProblemKind; 8] = [
        ProblemKind::OutOfStock,
        ProblemKind::Delayed,
        ProblemKind::WrongAddress,
        ProblemKind::Damaged,
        ProblemKind::WrongItem,
        ProblemKind::Other,
        ProblemKind::TrackingRefused,
        ProblemKind::MissingPart,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ProblemKind::OutOfStock => "out_of_stock",
            ProblemKind::Delayed => "delayed",
            ProblemKind::WrongAddress => "wrong_address",
            ProblemKind::Damaged => "damaged",
            ProblemKind::WrongItem => "wrong_item",
            ProblemKind::Other => "other",
            ProblemKind::TrackingRefused => "tracking_refused",
            ProblemKind::MissingPart => "missing_part",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// What a timeline entry records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    Created,
    Status,
    Note,
    ProblemOpened,
    ProblemResolved,
    /// Sold beyond the stock, with the seller's consent or from a marketplace.
    Oversold,
    /// An inspection ended: passed, failed or overridden (with the seller's reason).
    Inspection,
}

impl EventKind {
    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::Created => "created",
            EventKind::Status => "status",
            EventKind::Note => "note",
            EventKind::ProblemOpened => "problem_opened",
            EventKind::ProblemResolved => "problem_resolved",
            EventKind::Oversold => "oversold",
            EventKind::Inspection => "inspection",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [
            EventKind::Created,
            EventKind::Status,
            EventKind::Note,
            EventKind::ProblemOpened,
            EventKind::ProblemResolved,
            EventKind::Oversold,
            EventKind::Inspection,
        ]
        .into_iter()
        .find(|k| k.as_str() == s)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type)]
pub struct Event {
    pub at: DateTime<Utc>,
    /// "desktop", "cli" or "sync".
    pub actor: String,
    pub kind: EventKind,
    pub status_from: Option<OrderStatus>,
    pub status_to: Option<OrderStatus>,
    /// By kind: a note's `text`, a problem's `kind` and `problem`, a shipment's `carrier` and
    /// `tracking`, a cancellation's `reason`, an oversell's `sku` and `short`, an inspection's
    /// `outcome`, `attempt`, `packer`, and the `reason` of an override or the `failure` kind.
    pub detail: BTreeMap<String, String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type)]
pub struct Problem {
    pub id: i32,
    pub kind: ProblemKind,
    pub note: String,
    pub opened_at: DateTime<Utc>,
    pub resolved_at: Option<DateTime<Utc>>,
    pub resolution: Option<String>,
}

// Amounts are TypeScript `number` (i32 is only the type hint, as in `listings::Money`): they are
// capped at MAX_AMOUNT_MINOR, which a JavaScript number holds exactly.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type)]
pub struct Line {
    pub position: i32,
    pub listing_id: Option<i32>,
    pub sku: Option<String>,
    pub title: String,
    pub quantity: i32,
    #[specta(type = i32)]
    pub unit_price_minor: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type)]
pub struct Buyer {
    pub id: i32,
    pub name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub language: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type)]
pub struct Order {
    pub id: i32,
    pub channel: OrderChannel,
    pub marketplace: Option<String>,
    pub marketplace_order_id: Option<String>,
    pub status: OrderStatus,
    pub buyer: Buyer,
    pub lines: Vec<Line>,
    pub currency: String,
    #[specta(type = i32)]
    pub subtotal_minor: i64,
    #[specta(type = i32)]
    pub shipping_minor: i64,
    #[specta(type = i32)]
    pub vat_minor: i64,
    #[specta(type = i32)]
    pub discount_minor: i64,
    pub coupon_code: Option<String>,
    #[specta(type = i32)]
    pub total_minor: i64,
    pub address: Address,
    pub note: String,
    pub placed_at: DateTime<Utc>,
    pub ship_by: Option<DateTime<Utc>>,
    pub confirmed_at: Option<DateTime<Utc>>,
    pub carrier: Option<String>,
    pub tracking: Option<String>,
    pub timeline: Vec<Event>,
    pub problems: Vec<Problem>,
    /// The steps the order can take from its status, the usual one first.
    pub next_steps: Vec<Action>,
}

/// A row of the orders inbox.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type)]
pub struct OrderRow {
    pub id: i32,
    pub channel: OrderChannel,
    pub marketplace_order_id: Option<String>,
    pub status: OrderStatus,
    pub buyer: String,
    pub currency: String,
    #[specta(type = i32)]
    pub total_minor: i64,
    pub placed_at: DateTime<Utc>,
    pub ship_by: Option<DateTime<Utc>>,
    pub open_problems: u32,
}
