//! Buyers: one record across channels. A new order finds its buyer by the marketplace's buyer
//! id, then by e-mail, then by phone, and creates the record on first sight. A match fills in
//! contacts the record lacked; it never overwrites what the seller already has.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
};

use super::input::CheckedBuyer;
use super::model::Buyer;
use crate::error::Result;
use crate::infra::store::entity::{customer, customer_token};

pub async fn find_or_create<C: ConnectionTrait>(
    db: &C,
    buyer: &CheckedBuyer,
    marketplace: Option<&str>,
    shop_language: &str,
    now: DateTime<Utc>,
) -> Result<customer::Model> {
    let found = find(db, buyer, marketplace).await?;
    let Some(found) = found else {
        let row = customer::ActiveModel {
            name: Set(buyer.name.clone()),
            email: Set(buyer.email.clone()),
            phone: Set(buyer.phone.clone()),
            marketplace: Set(buyer
                .marketplace_buyer_id
                .as_ref()
                .and(marketplace.map(str::to_owned))),
            marketplace_buyer_id: Set(buyer.marketplace_buyer_id.clone()),
            language: Set(buyer
                .language
                .clone()
                .unwrap_or_else(|| shop_language.to_owned())),
            notes: Set(String::new()),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        };
        let created = row.insert(db).await?;
        write_tokens(db, &created, true).await?;
        return Ok(created);
    };
    let mut row: customer::ActiveModel = found.clone().into();
    let mut dirty = false;
    if found.email.is_none() && buyer.email.is_some() {
        row.email = Set(buyer.email.clone());
        dirty = true;
    }
    if found.phone.is_none() && buyer.phone.is_some() {
        row.phone = Set(buyer.phone.clone());
        dirty = true;
    }
    if found.marketplace_buyer_id.is_none()
        && let (Some(id), Some(m)) = (&buyer.marketplace_buyer_id, marketplace)
    {
        row.marketplace = Set(Some(m.to_owned()));
        row.marketplace_buyer_id = Set(Some(id.clone()));
        dirty = true;
    }
    if !dirty {
        return Ok(found);
    }
    row.updated_at = Set(now);
    let updated = row.update(db).await?;
    write_tokens(db, &updated, false).await?;
    Ok(updated)
}

/// The record a buyer found by their contacts stands for: a record merged into another leads
/// to the one it joined (its contacts stay with it, so they still find the buyer).
async fn find<C: ConnectionTrait>(
    db: &C,
    buyer: &CheckedBuyer,
    marketplace: Option<&str>,
) -> Result<Option<customer::Model>> {
    let mut found = find_record(db, buyer, marketplace).await?;
    // A merge re-points every record that pointed at the merged one, so this is one hop;
    // the bound only guards against a store edited by hand.
    for _ in 0..8 {
        match found.as_ref().and_then(|c| c.merged_into) {
            Some(into) => found = customer::Entity::find_by_id(into).one(db).await?,
            None => break,
        }
    }
    Ok(found)
}

async fn find_record<C: ConnectionTrait>(
    db: &C,
    buyer: &CheckedBuyer,
    marketplace: Option<&str>,
) -> Result<Option<customer::Model>> {
    if let (Some(id), Some(m)) = (&buyer.marketplace_buyer_id, marketplace) {
        let hit = customer::Entity::find()
            .filter(customer::Column::Marketplace.eq(m))
            .filter(customer::Column::MarketplaceBuyerId.eq(id.as_str()))
            .one(db)
            .await?;
        if hit.is_some() {
            return Ok(hit);
        }
    }
    // The oldest record first: duplicates are merged by hand, never guessed at here.
    if let Some(email) = &buyer.email {
        let hit = customer::Entity::find()
            .filter(customer::Column::Email.eq(email.as_str()))
            .order_by_asc(customer::Column::Id)
            .one(db)
            .await?;
        if hit.is_some() {
            return Ok(hit);
        }
    }
    if let Some(phone) = &buyer.phone {
        return Ok(customer::Entity::find()
            .filter(customer::Column::Phone.eq(phone.as_str()))
            .order_by_asc(customer::Column::Id)
            .one(db)
            .await?);
    }
    Ok(None)
}

pub fn view(c: &customer::Model) -> Buyer {
    Buyer {
        id: c.id,
        name: c.name.clone(),
        email: c.email.clone(),
        phone: c.phone.clone(),
        language: c.language.clone(),
    }
}

/// Text folded so a search matches however it is typed: lower case in every script, and the
/// Turkish and Azerbaijani dotted and dotless i taken as one letter ("YILMAZ" finds "Yılmaz").
pub fn fold(s: &str) -> String {
    s.to_lowercase()
        .chars()
        .filter(|&c| c != '\u{307}') // the dot "İ" leaves behind when lower-cased
        .map(|c| if c == 'ı' { 'i' } else { c })
        .collect()
}

/// The words of `s`, folded: runs of letters and digits in any script.
pub fn words(s: &str) -> impl Iterator<Item = String> {
    fold(s)
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_owned)
        .collect::<Vec<_>>()
        .into_iter()
}

/// Shortest tail of a phone number the search indexes: a local number without its area code.
const MIN_PHONE_TAIL: usize = 7;

/// What the inbox search finds a buyer by, each matched by prefix: the words of the name and
/// the e-mail, the whole e-mail, and the phone's digits whole and every tail of them from seven
/// digits up (so "050 123 45 67" finds "+994501234567").
pub fn tokens(name: &str, email: Option<&str>, phone: Option<&str>) -> Vec<String> {
    let mut out: Vec<String> = words(name).collect();
    if let Some(e) = email {
        out.extend(words(e));
        out.push(fold(e));
    }
    if let Some(p) = phone {
        let digits: Vec<char> = p.chars().filter(char::is_ascii_digit).collect();
        for k in 0..=digits.len().saturating_sub(MIN_PHONE_TAIL) {
            out.push(digits[k..].iter().collect());
        }
    }
    out.sort();
    out.dedup();
    out
}

/// Writes a buyer's search tokens (with those of the records merged into it), replacing any
/// they had.
pub(crate) async fn write_tokens<C: ConnectionTrait>(
    db: &C,
    c: &customer::Model,
    new: bool,
) -> Result<()> {
    if !new {
        customer_token::Entity::delete_many()
            .filter(customer_token::Column::CustomerId.eq(c.id))
            .exec(db)
            .await?;
    }
    let mut all = tokens(&c.name, c.email.as_deref(), c.phone.as_deref());
    if !new {
        // Records merged into this one are still searched for by their own contacts.
        for m in customer::Entity::find()
            .filter(customer::Column::MergedInto.eq(c.id))
            .all(db)
            .await?
        {
            all.extend(tokens(&m.name, m.email.as_deref(), m.phone.as_deref()));
        }
        all.sort();
        all.dedup();
    }
    let rows: Vec<customer_token::ActiveModel> = all
        .into_iter()
        .map(|token| customer_token::ActiveModel {
            token: Set(token),
            customer_id: Set(c.id),
        })
        .collect();
    if !rows.is_empty() {
        customer_token::Entity::insert_many(rows)
            .exec_without_returning(db)
            .await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding_matches_turkish_and_other_scripts() {
        assert_eq!(fold("Ayşe YILMAZ"), fold("ayşe yılmaz"));
        assert_eq!(fold("İSTANBUL"), "istanbul");
        assert_eq!(fold("MƏMMƏDOVA"), "məmmədova");
        assert_eq!(fold("رضا احمدی"), "رضا احمدی");
    }

    #[test]
    fn tokens_are_words_the_email_and_phone_tails() {
        let t = tokens(
            "Ayşe YILMAZ-Kaya",
            Some("Ayse.K@Example.com.tr"),
            Some("+994501234567"),
        );
        for want in [
            "ayşe",
            "yilmaz",
            "kaya",
            "ayse.k@example.com.tr",
            "example",
            "994501234567",
            "501234567",
            "1234567",
        ] {
            assert!(t.contains(&want.to_owned()), "{want} missing from {t:?}");
        }
        assert!(
            !t.contains(&"234567".to_owned()),
            "tails stop at seven digits"
        );
        assert_eq!(
            tokens("  ", None, Some("12345")),
            ["12345"],
            "a short number whole"
        );
        assert_eq!(tokens(" - ", None, None), Vec::<String>::new());
    }
}
