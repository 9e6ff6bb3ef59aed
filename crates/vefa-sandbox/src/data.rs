//! The sandbox marketplace's shop: listings and receipts as a small seller's would look, in
//! several languages and scripts, made the same way every time from a seed (so a test or a
//! first-run demo is repeatable). Receipts add up: their grand total is their lines plus
//! shipping minus discount, as Etsy's do.

use vefa::marketplaces::etsy::wire::{Currency, Money, ShopReceipt, ShopReceiptTransaction};

/// A listing in the sandbox shop.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SandboxListing {
    pub listing_id: i64,
    pub title: String,
    pub description: String,
    pub tags: Vec<String>,
    pub materials: Vec<String>,
    /// When it last changed (Unix seconds); the server sets it.
    pub updated_timestamp: i64,
    /// What it sells: one product, or one per size.
    pub products: Vec<SandboxProduct>,
    /// Etsy's listing state: `active`, `sold_out` (nothing left), `inactive`, `draft`,
    /// `expired`.
    pub state: String,
    /// Its pictures, in display order.
    pub images: Vec<SandboxImage>,
}

/// One of a listing's pictures: the sandbox draws it on request at this size.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SandboxImage {
    pub id: i64,
    pub width: u32,
    pub height: u32,
}

/// One product of a listing: a size of it, or the listing itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SandboxProduct {
    pub product_id: i64,
    pub sku: String,
    /// Set for listings sold in sizes (Etsy's custom property 513, "Size").
    pub size: Option<String>,
    /// In kuruş: the sandbox shop sells in Turkish lira.
    pub price_minor: i64,
    pub quantity: i64,
}

impl SandboxListing {
    /// The listing's price as Etsy shows it: its cheapest product's.
    pub fn price_minor(&self) -> i64 {
        self.products
            .iter()
            .map(|p| p.price_minor)
            .min()
            .unwrap_or(0)
    }

    /// How many are for sale, all products together.
    pub fn quantity(&self) -> i64 {
        self.products.iter().map(|p| p.quantity).sum()
    }

    pub fn sku(&self) -> &str {
        self.products.first().map_or("", |p| p.sku.as_str())
    }
}

/// Etsy's first custom variation property.
pub const SIZE_PROPERTY: i64 = 513;
const SIZES: [&str; 3] = ["S", "M", "L"];

pub const CURRENCY: &str = "TRY";

const TITLES: [&str; 8] = [
    "Ahşap oyuncak tren",
    "El dokuması yün kilim",
    "Mis cezvə",
    "Əl işi keramika fincan",
    "دیوان حافظ، چاپ سنگی",
    "Hand-knitted wool scarf",
    "Bakır cezve 🫖",
    "گلدان سفالی دست‌ساز",
];

const DESCRIPTIONS: [&str; 4] = [
    "El yapımı, her parça biraz farklıdır. Kargoya özenle paketlenir.",
    "Əl işidir; hər biri bir az fərqlidir. Diqqətlə qablaşdırılır.",
    "دست‌ساز؛ هر قطعه کمی متفاوت است. با دقت بسته‌بندی می‌شود.",
    "Hand-made; every piece is a little different. Carefully packed.",
];

const TAGS: [&[&str]; 3] = [
    &["hediye", "el yapımı"],
    &["hədiyyə"],
    &["gift", "handmade", "home"],
];

const MATERIALS: [&[&str]; 3] = [&["bakır"], &["yün", "pamuk"], &["ceramic"]];

const BUYERS: [&str; 8] = [
    "Ayşe Yılmaz",
    "Mehmet Öztürk",
    "Leyla Məmmədova",
    "Orxan Əliyev",
    "رضا احمدی",
    "مریم حسینی",
    "Emily Clarke",
    "İsmail Çelik",
];

/// An amount in the shop's currency.
pub(super) fn money(minor: i64) -> Money {
    Money {
        amount: minor,
        divisor: 100,
        currency_code: Currency(*b"TRY"),
    }
}

/// `n` listings, ids from 1000; every fifth is sold in three sizes.
pub fn listings(seed: u64, n: usize) -> Vec<SandboxListing> {
    let mut rng = fastrand::Rng::with_seed(seed);
    (0..n)
        .map(|i| {
            let listing_id = 1000 + i as i64;
            let sku = format!("SBX-{:05}", i + 1);
            let price_minor = rng.i64(20..2_000) * 50;
            // Every eleventh has sold out.
            let quantity = if i % 11 == 10 { 0 } else { rng.i64(0..40) };
            let products = if i % 5 == 4 {
                SIZES
                    .iter()
                    .enumerate()
                    .map(|(j, size)| SandboxProduct {
                        product_id: listing_id * 10 + j as i64,
                        sku: format!("{sku}-{size}"),
                        size: Some((*size).to_owned()),
                        price_minor,
                        quantity: quantity / 3 + (j as i64),
                    })
                    .collect()
            } else {
                vec![SandboxProduct {
                    product_id: listing_id * 10,
                    sku,
                    size: None,
                    price_minor,
                    quantity,
                }]
            };
            SandboxListing {
                listing_id,
                title: format!("{} {}", TITLES[i % TITLES.len()], i + 1),
                description: DESCRIPTIONS[i % DESCRIPTIONS.len()].to_owned(),
                tags: TAGS[i % TAGS.len()].iter().map(|t| t.to_string()).collect(),
                materials: MATERIALS[i % MATERIALS.len()]
                    .iter()
                    .map(|t| t.to_string())
                    .collect(),
                updated_timestamp: 0,
                state: seeded_state(i, &products).to_owned(),
                images: seeded_images(listing_id, i),
                products,
            }
        })
        .collect()
}

/// Most listings are for sale; one with nothing left is sold out, and a few were taken off
/// sale or never finished, as in a real shop.
fn seeded_state(i: usize, products: &[SandboxProduct]) -> &'static str {
    if products.iter().all(|p| p.quantity == 0) {
        "sold_out"
    } else if i % 23 == 22 {
        "inactive"
    } else if i % 29 == 28 {
        "draft"
    } else {
        "active"
    }
}

/// Up to three pictures a listing; every seventh has none, and every sixth only small ones
/// (under the 1000 px the default completeness rules ask for).
fn seeded_images(listing_id: i64, i: usize) -> Vec<SandboxImage> {
    let n = if i % 7 == 6 { 0 } else { 1 + i % 3 };
    let (width, height) = if i % 6 == 5 { (640, 480) } else { (1200, 1200) };
    (0..n)
        .map(|k| SandboxImage {
            id: listing_id * 10 + k as i64,
            width: width + 200 * k as u32,
            height,
        })
        .collect()
}

/// A picture `width`×`height` of one flat colour made from `id` (so each picture's bytes, and
/// so its media hash, are its own), as a 1-bit PNG: small and quick to draw at any size.
pub fn picture(id: i64, width: u32, height: u32) -> Vec<u8> {
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, width, height);
    encoder.set_color(png::ColorType::Indexed);
    encoder.set_depth(png::BitDepth::One);
    let [_, _, _, _, _, r, g, b] = id.to_be_bytes();
    encoder.set_palette(vec![r, g, b, 255, 255, 255]);
    let row = width.div_ceil(8) as usize;
    let drawn = encoder.write_header().and_then(|mut w| {
        w.write_image_data(&vec![0; row * height as usize])?;
        w.finish()
    });
    match drawn {
        Ok(()) => out,
        // Only a size of 0 or beyond PNG's limit fails; the route checks sizes first.
        Err(_) => Vec::new(),
    }
}

/// Receipt number `k` of the shop, placed at `at` (Unix seconds), buying from `shop`.
pub fn receipt(seed: u64, k: u64, at: i64, shop: &[SandboxListing]) -> ShopReceipt {
    // A shop with nothing listed still sells: one made-up item.
    let fallback;
    let shop = if shop.is_empty() {
        fallback = listings(seed, 1);
        &fallback[..]
    } else {
        shop
    };
    let mut rng = fastrand::Rng::with_seed(seed ^ k.wrapping_mul(0x9E37_79B9_7F4A_7C15));
    let buyer = rng.usize(..BUYERS.len());
    let receipt_id = 3_000_000 + k as i64;
    let lines = 1 + rng.usize(..3).min(shop.len().saturating_sub(1));
    let mut transactions = Vec::with_capacity(lines);
    let mut subtotal = 0;
    for j in 0..lines {
        let l = &shop[rng.usize(..shop.len())];
        let Some(p) = l.products.get((k as usize + j) % l.products.len().max(1)) else {
            continue;
        };
        let quantity = rng.i64(1..3);
        subtotal += p.price_minor * quantity;
        transactions.push(ShopReceiptTransaction {
            transaction_id: receipt_id * 10 + j as i64,
            title: Some(l.title.clone()),
            quantity,
            listing_id: Some(l.listing_id),
            sku: Some(p.sku.clone()),
            price: money(p.price_minor),
            expected_ship_date: Some(at + 86_400 * rng.i64(1..4)),
        });
    }
    let shipping = [0, 2_500, 4_900][rng.usize(..3)];
    let discount = if rng.u8(..10) == 0 { subtotal / 10 } else { 0 };
    let country = ["TR", "AZ", "IR", "GB"][buyer / 2];
    ShopReceipt {
        receipt_id,
        buyer_user_id: 500 + buyer as i64,
        buyer_email: (rng.u8(..4) != 0).then(|| format!("buyer{}@example.com", 500 + buyer)),
        name: BUYERS[buyer].to_owned(),
        first_line: Some(format!(
            "{} {}",
            ["Bağdat Cd.", "Nizami küç.", "خیابان ولیعصر", "High Street"][buyer / 2],
            rng.u16(1..200)
        )),
        second_line: None,
        city: Some(["İstanbul", "Bakı", "تهران", "London"][buyer / 2].to_owned()),
        state: None,
        zip: Some(format!("{:05}", rng.u32(10_000..99_999))),
        country_iso: Some(country.to_owned()),
        status: "paid".to_owned(),
        message_from_buyer: (rng.u8(..5) == 0)
            .then(|| "Hediye paketi olursa sevinirim 🎁".to_owned()),
        is_paid: true,
        is_shipped: false,
        created_timestamp: at,
        updated_timestamp: at,
        grandtotal: money(subtotal + shipping - discount),
        total_shipping_cost: money(shipping),
        total_tax_cost: money(0),
        discount_amt: money(discount),
        shipments: vec![],
        transactions,
    }
}
