//! The batch's paperwork: one pick list for the orders packed today (items grouped by listing,
//! sorted by stockroom location, with which orders want them) and a packing slip per order in
//! the buyer's language. Both are printable HTML pages: every value is escaped, so a title
//! holding HTML prints as text.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde::Serialize;
use specta::Type;

use crate::catalog::listings::Pair;
use crate::error::{Error, Result};
use crate::html::escape;
use crate::infra::store::entity::{listing, listing_variant, order_line, sales_order};
use crate::locale::UiLanguage;
use crate::money::format_minor;
use crate::orders::Order;
use crate::shop::profile::Profile;

/// Orders in one batch at most: a day's packing, not the whole history.
pub const MAX_BATCH: usize = 2000;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type)]
pub struct PickItem {
    pub sku: Option<String>,
    /// The variant's options ("size: M, colour: red"); empty for a listing without any.
    pub options: String,
    pub quantity: u32,
    /// The orders that want it, by number, each with how many.
    pub orders: Vec<(String, u32)>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type)]
pub struct PickGroup {
    /// None for items sold outside the catalog (a custom line).
    pub listing_id: Option<i32>,
    pub title: String,
    pub location: String,
    pub quantity: u32,
    pub items: Vec<PickItem>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type)]
pub struct PickList {
    pub orders: u32,
    pub units: u32,
    pub groups: Vec<PickGroup>,
}

fn number(id: i32, marketplace_id: Option<String>) -> String {
    format!("#{}", marketplace_id.unwrap_or_else(|| id.to_string()))
}

/// The pick list for `order_ids`: listings sorted by location (those without one last), then
/// by title; within a listing, its variants by SKU.
pub async fn pick_list<C: ConnectionTrait>(db: &C, order_ids: &[i32]) -> Result<PickList> {
    let mut numbers: HashMap<i32, String> = HashMap::new();
    let mut lines = Vec::new();
    for chunk in order_ids.chunks(500) {
        let found = sales_order::Entity::find()
            .select_only()
            .column(sales_order::Column::Id)
            .column(sales_order::Column::MarketplaceOrderId)
            .filter(sales_order::Column::Id.is_in(chunk.iter().copied()))
            .into_tuple::<(i32, Option<String>)>()
            .all(db)
            .await?;
        numbers.extend(found.into_iter().map(|(id, m)| (id, number(id, m))));
        lines.extend(
            order_line::Entity::find()
                .filter(order_line::Column::OrderId.is_in(chunk.iter().copied()))
                .order_by_asc(order_line::Column::OrderId)
                .order_by_asc(order_line::Column::Position)
                .all(db)
                .await?,
        );
    }
    if let Some(missing) = order_ids.iter().find(|id| !numbers.contains_key(id)) {
        return Err(Error::NotFound {
            what: "order",
            id: missing.to_string(),
        });
    }
    let mut listing_ids: Vec<i32> = lines.iter().filter_map(|l| l.listing_id).collect();
    listing_ids.sort_unstable();
    listing_ids.dedup();
    let mut shelves: HashMap<i32, (String, String)> = HashMap::new();
    for chunk in listing_ids.chunks(500) {
        let rows = listing::Entity::find()
            .select_only()
            .column(listing::Column::Id)
            .column(listing::Column::Title)
            .column(listing::Column::Location)
            .filter(listing::Column::Id.is_in(chunk.iter().copied()))
            .into_tuple::<(i32, String, String)>()
            .all(db)
            .await?;
        shelves.extend(rows.into_iter().map(|(id, t, l)| (id, (t, l))));
    }
    let skus: Vec<String> = lines.iter().filter_map(|l| l.sku.clone()).collect();
    let mut options: HashMap<String, String> = HashMap::new();
    for chunk in skus.chunks(500) {
        let rows = listing_variant::Entity::find()
            .select_only()
            .column(listing_variant::Column::Sku)
            .column(listing_variant::Column::Options)
            .filter(listing_variant::Column::Sku.is_in(chunk.iter().cloned()))
            .into_tuple::<(Option<String>, String)>()
            .all(db)
            .await?;
        for (sku, json) in rows {
            let Some(sku) = sku else { continue };
            let pairs: Vec<Pair> = serde_json::from_str(&json).unwrap_or_default();
            let text: Vec<String> = pairs
                .iter()
                .map(|p| format!("{}: {}", p.name, p.value))
                .collect();
            options.insert(sku, text.join(", "));
        }
    }

    // Keyed by listing (or, for a custom line, by its title), then by SKU.
    let mut groups: BTreeMap<(Option<i32>, String), BTreeMap<String, PickItem>> = BTreeMap::new();
    let mut units = 0u32;
    for l in &lines {
        let qty = l.quantity.max(0) as u32;
        units += qty;
        let key = match l.listing_id {
            Some(id) => (Some(id), String::new()),
            None => (None, l.title.clone()),
        };
        let sku = l.sku.clone().unwrap_or_default();
        let item = groups
            .entry(key)
            .or_default()
            .entry(sku.clone())
            .or_insert_with(|| PickItem {
                sku: l.sku.clone(),
                options: options.get(&sku).cloned().unwrap_or_default(),
                quantity: 0,
                orders: vec![],
            });
        item.quantity += qty;
        let n = numbers.get(&l.order_id).cloned().unwrap_or_default();
        match item.orders.last_mut() {
            Some((last, q)) if *last == n => *q += qty,
            _ => item.orders.push((n, qty)),
        }
    }
    let mut out: Vec<PickGroup> = groups
        .into_iter()
        .map(|((listing_id, custom), items)| {
            let (title, location) = match listing_id.and_then(|id| shelves.get(&id)) {
                Some((t, l)) => (t.clone(), l.clone()),
                None => (custom, String::new()),
            };
            let items: Vec<PickItem> = items.into_values().collect();
            PickGroup {
                listing_id,
                title,
                location,
                quantity: items.iter().map(|i| i.quantity).sum(),
                items,
            }
        })
        .collect();
    out.sort_by(|a, b| {
        (a.location.is_empty(), &a.location, &a.title).cmp(&(
            b.location.is_empty(),
            &b.location,
            &b.title,
        ))
    });
    Ok(PickList {
        orders: order_ids.len() as u32,
        units,
        groups: out,
    })
}

/// The words of the paperwork, per language.
struct Words {
    pick_list: &'static str,
    summary: &'static str,
    location: &'static str,
    item: &'static str,
    qty: &'static str,
    orders: &'static str,
    no_location: &'static str,
    slip: &'static str,
    order: &'static str,
    ship_to: &'static str,
    buyer_note: &'static str,
    thanks: &'static str,
}

fn words(lang: UiLanguage) -> Words {
    match lang {
        UiLanguage::En => Words {
            pick_list: "Pick list",
            summary: "{orders} orders, {units} items",
            location: "Location",
            item: "Item",
            qty: "Qty",
            orders: "Orders",
            no_location: "—",
            slip: "Packing slip",
            order: "Order",
            ship_to: "Ship to",
            buyer_note: "Your note",
            thanks: "Thank you for your order! If anything is not right, write to us and we will put it right.",
        },
        UiLanguage::Az => Words {
            pick_list: "Yığım siyahısı",
            summary: "{orders} sifariş, {units} ədəd",
            location: "Yer",
            item: "Məhsul",
            qty: "Say",
            orders: "Sifarişlər",
            no_location: "—",
            slip: "Qablaşdırma vərəqi",
            order: "Sifariş",
            ship_to: "Çatdırılma ünvanı",
            buyer_note: "Qeydiniz",
            thanks: "Sifarişiniz üçün təşəkkür edirik! Nə isə düz deyilsə, bizə yazın, düzəldək.",
        },
        UiLanguage::Tr => Words {
            pick_list: "Toplama listesi",
            summary: "{orders} sipariş, {units} adet",
            location: "Yer",
            item: "Ürün",
            qty: "Adet",
            orders: "Siparişler",
            no_location: "—",
            slip: "Paket fişi",
            order: "Sipariş",
            ship_to: "Teslimat adresi",
            buyer_note: "Notunuz",
            thanks: "Siparişiniz için teşekkür ederiz! Bir sorun varsa bize yazın, düzeltelim.",
        },
        UiLanguage::Fa => Words {
            pick_list: "فهرست برداشت",
            summary: "{orders} سفارش، {units} عدد",
            location: "جا",
            item: "کالا",
            qty: "تعداد",
            orders: "سفارش‌ها",
            no_location: "—",
            slip: "برگهٔ بسته",
            order: "سفارش",
            ship_to: "نشانی تحویل",
            buyer_note: "یادداشت شما",
            thanks: "از سفارش شما سپاسگزاریم! اگر چیزی درست نبود، به ما بنویسید تا درستش کنیم.",
        },
    }
}

fn page(lang: UiLanguage, title: &str, body: &str) -> String {
    let dir = if lang.is_rtl() { "rtl" } else { "ltr" };
    format!(
        "<!DOCTYPE html>\n<html lang=\"{}\" dir=\"{dir}\">\n<head>\n<meta charset=\"utf-8\">\n\
         <title>{}</title>\n<style>\n\
         body {{ font-family: system-ui, sans-serif; margin: 2em; color: #111; }}\n\
         table {{ border-collapse: collapse; width: 100%; margin: 1em 0; }}\n\
         th, td {{ border-bottom: 1px solid #999; padding: 0.35em 0.5em; text-align: start; vertical-align: top; }}\n\
         td.qty {{ font-weight: bold; font-size: 1.2em; }}\n\
         .box {{ display: inline-block; width: 1em; height: 1em; border: 1px solid #111; }}\n\
         section.slip {{ page-break-after: always; break-after: page; }}\n\
         .muted {{ color: #555; }}\n\
         @media print {{ body {{ margin: 0; }} }}\n\
         </style>\n</head>\n<body>\n{body}</body>\n</html>\n",
        lang.code(),
        escape(title),
    )
}

/// The pick list as a printable page, in the seller's interface language.
pub fn pick_list_html(list: &PickList, shop: &Profile) -> String {
    let lang = shop.ui_language;
    let w = words(lang);
    let mut body = String::new();
    let summary = w
        .summary
        .replace("{orders}", &list.orders.to_string())
        .replace("{units}", &list.units.to_string());
    let _ = write!(
        body,
        "<h1>{} · <bdi>{}</bdi></h1>\n<p class=\"muted\">{}</p>\n<table>\n<thead><tr><th></th><th>{}</th><th>{}</th><th>SKU</th><th>{}</th><th>{}</th></tr></thead>\n<tbody>\n",
        escape(w.pick_list),
        escape(&shop.shop_name),
        escape(&summary),
        escape(w.location),
        escape(w.item),
        escape(w.qty),
        escape(w.orders),
    );
    for g in &list.groups {
        let location = if g.location.is_empty() {
            w.no_location
        } else {
            &g.location
        };
        for (i, item) in g.items.iter().enumerate() {
            let orders: Vec<String> = item
                .orders
                .iter()
                .map(|(n, q)| {
                    if *q == 1 {
                        escape(n)
                    } else {
                        format!("{} ×{q}", escape(n))
                    }
                })
                .collect();
            let (loc, title) = if i == 0 {
                (escape(location), format!("<bdi>{}</bdi>", escape(&g.title)))
            } else {
                (String::new(), String::new())
            };
            let options = if item.options.is_empty() {
                String::new()
            } else {
                format!("<br><span class=\"muted\">{}</span>", escape(&item.options))
            };
            let _ = writeln!(
                body,
                "<tr><td><span class=\"box\"></span></td><td>{loc}</td><td>{title}{options}</td><td dir=\"ltr\">{}</td><td class=\"qty\">{}</td><td>{}</td></tr>",
                escape(item.sku.as_deref().unwrap_or("")),
                item.quantity,
                orders.join(", "),
            );
        }
    }
    body.push_str("</tbody>\n</table>\n");
    page(lang, w.pick_list, &body)
}

/// One packing slip per order, each in its buyer's language, as one printable page (a page
/// break after each slip).
pub fn packing_slips_html(orders: &[Order], shop: &Profile) -> String {
    let mut body = String::new();
    for o in orders {
        let lang = UiLanguage::from_code(&o.buyer.language).unwrap_or(shop.ui_language);
        let w = words(lang);
        let dir = if lang.is_rtl() { "rtl" } else { "ltr" };
        let number = number(o.id, o.marketplace_order_id.clone());
        let _ = write!(
            body,
            "<section class=\"slip\" lang=\"{}\" dir=\"{dir}\" data-order=\"{}\">\n<h1>{} · <bdi>{}</bdi></h1>\n<h2>{} {}</h2>\n",
            lang.code(),
            o.id,
            escape(w.slip),
            escape(&shop.shop_name),
            escape(w.order),
            escape(&number),
        );
        let a = &o.address;
        let address: Vec<&str> = [
            a.name.as_str(),
            &a.line1,
            &a.line2,
            &a.postcode,
            &a.city,
            &a.region,
            &a.country,
        ]
        .into_iter()
        .filter(|s| !s.trim().is_empty())
        .collect();
        let name = if address.is_empty() {
            vec![o.buyer.name.as_str()]
        } else {
            address
        };
        let lines: Vec<String> = name.iter().map(|l| escape(l)).collect();
        let _ = write!(
            body,
            "<p><strong>{}</strong><br><bdi>{}</bdi></p>\n<table>\n<thead><tr><th></th><th>{}</th><th>SKU</th><th>{}</th></tr></thead>\n<tbody>\n",
            escape(w.ship_to),
            lines.join("<br>"),
            escape(w.item),
            escape(w.qty),
        );
        for l in &o.lines {
            let _ = writeln!(
                body,
                "<tr><td><span class=\"box\"></span></td><td><bdi>{}</bdi></td><td dir=\"ltr\">{}</td><td class=\"qty\">{}</td></tr>",
                escape(&l.title),
                escape(l.sku.as_deref().unwrap_or("")),
                l.quantity,
            );
        }
        body.push_str("</tbody>\n</table>\n");
        let _ = writeln!(
            body,
            "<p class=\"muted\">{} {}</p>",
            escape(&o.currency),
            escape(&format_minor(o.total_minor, &o.currency))
        );
        if !o.note.trim().is_empty() {
            let _ = writeln!(
                body,
                "<p><strong>{}:</strong> <bdi>{}</bdi></p>",
                escape(w.buyer_note),
                escape(&o.note)
            );
        }
        let _ = writeln!(body, "<p>{}</p>\n</section>", escape(w.thanks));
    }
    page(shop.ui_language, words(shop.ui_language).slip, &body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_in_a_title_prints_as_text() {
        assert_eq!(
            escape("<b>Kilim</b> & \"ŞAL\" 'x'"),
            "&lt;b&gt;Kilim&lt;/b&gt; &amp; &quot;ŞAL&quot; &#39;x&#39;"
        );
    }

    #[test]
    fn the_pick_list_page_groups_and_escapes() {
        let list = PickList {
            orders: 2,
            units: 3,
            groups: vec![PickGroup {
                listing_id: Some(1),
                title: "<script>x</script> فرش".into(),
                location: "B-3".into(),
                quantity: 3,
                items: vec![PickItem {
                    sku: Some("KILIM-M".into()),
                    options: "size: M".into(),
                    quantity: 3,
                    orders: vec![("#1".into(), 2), ("#2".into(), 1)],
                }],
            }],
        };
        let shop = Profile {
            shop_name: "Kilim Evi".into(),
            ui_language: UiLanguage::Fa,
            ..Profile::default()
        };
        let html = pick_list_html(&list, &shop);
        assert!(html.contains("dir=\"rtl\""));
        assert!(html.contains("فهرست برداشت"));
        assert!(!html.contains("<script>x"));
        assert!(html.contains("&lt;script&gt;x&lt;/script&gt; فرش"));
        assert!(html.contains("#1 ×2, #2"));
    }
}
