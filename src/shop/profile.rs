//! The seller profile ("be personal"): the shop name, the person buyers talk to, how to reach
//! them, a photo, the languages spoken with buyers, the interface language and the shop currency.

use crate::error::FieldCode;
use base64::Engine;
use chrono::{DateTime, Utc};
use sea_orm::{ActiveModelTrait, ConnectionTrait, EntityTrait, Set};
use serde::{Deserialize, Serialize};
use specta::Type;

use crate::error::{Error, FieldError, Result};
use crate::fields::Errors;
use crate::infra::media::{MediaStore, decode_upload};
use crate::infra::store::entity::{media, seller_profile};
use crate::locale::UiLanguage;

/// The one profile's row id, also the id its changes name.
pub const PROFILE_ID: i32 = 1;
pub const MAX_NAME_CHARS: usize = 100;
pub const MAX_PHOTO_BYTES: usize = 2 * 1024 * 1024;
pub const MAX_LANGUAGES: usize = 12;

/// What the seller edits.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct ProfileInput {
    pub shop_name: String,
    pub contact_name: String,
    pub phone: String,
    pub email: String,
    pub ui_language: UiLanguage,
    /// Language codes (ISO 639, for example `az`, `tr`, `fa`) the seller speaks with buyers.
    pub languages: Vec<String>,
    /// ISO 4217 code of the shop's currency.
    pub currency: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type)]
pub struct Photo {
    pub hash: String,
    pub mime: String,
    pub width: u32,
    pub height: u32,
    /// `data:` URL, so the window shows it under a strict CSP without file access.
    pub data_url: String,
}

/// The profile as the window shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type)]
pub struct Profile {
    pub shop_name: String,
    pub contact_name: String,
    pub phone: String,
    pub email: String,
    pub ui_language: UiLanguage,
    pub languages: Vec<String>,
    pub currency: String,
    pub photo: Option<Photo>,
    /// When it was last saved; `None` until the seller saves it the first time.
    pub updated_at: Option<DateTime<Utc>>,
}

impl Default for Profile {
    fn default() -> Self {
        Self {
            shop_name: String::new(),
            contact_name: String::new(),
            phone: String::new(),
            email: String::new(),
            ui_language: UiLanguage::En,
            languages: Vec::new(),
            currency: "EUR".into(),
            photo: None,
            updated_at: None,
        }
    }
}

/// A picture chosen in the window, sent as base64.
#[derive(Debug, Clone, Serialize, Deserialize, Type)]
pub struct PhotoUpload {
    pub file_name: String,
    pub data_base64: String,
}

/// Trims every field and checks each; returns all field errors at once.
pub fn validate(input: &ProfileInput) -> Result<ProfileInput, Vec<FieldError>> {
    let mut e = Errors::default();
    let clean = ProfileInput {
        shop_name: input.shop_name.trim().to_owned(),
        contact_name: input.contact_name.trim().to_owned(),
        phone: input.phone.trim().to_owned(),
        email: input.email.trim().to_owned(),
        ui_language: input.ui_language,
        languages: input
            .languages
            .iter()
            .map(|l| l.trim().to_ascii_lowercase())
            .collect(),
        currency: input.currency.trim().to_ascii_uppercase(),
    };

    e.line("shop_name", &clean.shop_name, MAX_NAME_CHARS, true);
    e.line("contact_name", &clean.contact_name, MAX_NAME_CHARS, true);
    // The seller's phone and address are kept as typed; they are checked by the same rules as
    // a buyer's.
    e.phone("phone", Some(&clean.phone));
    if clean.email.is_empty() {
        e.push(FieldError::new("email", FieldCode::Required));
    } else {
        e.email("email", Some(&clean.email));
    }

    if iso_currency::Currency::from_code(&clean.currency).is_none() {
        e.push(
            FieldError::new("currency", FieldCode::CurrencyUnknown).with("value", &clean.currency),
        );
    }

    if clean.languages.is_empty() {
        e.push(FieldError::new("languages", FieldCode::Required));
    } else if clean.languages.len() > MAX_LANGUAGES {
        e.push(FieldError::new("languages", FieldCode::TooMany).with("max", MAX_LANGUAGES));
    } else if let Some(bad) = clean
        .languages
        .iter()
        .find(|l| !(2..=3).contains(&l.len()) || !l.bytes().all(|b| b.is_ascii_lowercase()))
    {
        e.push(FieldError::new("languages", FieldCode::LanguageCode).with("value", bad));
    } else {
        let mut seen = std::collections::HashSet::new();
        if let Some(dup) = clean.languages.iter().find(|l| !seen.insert(*l)) {
            e.push(FieldError::new("languages", FieldCode::Duplicate).with("value", dup));
        }
    }

    e.finish(clean)
}

pub async fn get<C: ConnectionTrait>(db: &C, media: &MediaStore) -> Result<Profile> {
    let Some(row) = seller_profile::Entity::find_by_id(PROFILE_ID)
        .one(db)
        .await?
    else {
        return Ok(Profile::default());
    };
    let photo = match &row.photo_hash {
        Some(hash) => photo_view(db, media, hash).await?,
        None => None,
    };
    from_row(row, photo)
}

/// The profile without its photo (`photo` is none whether or not one is set): what messages
/// and notifications need, without reading and encoding the picture file on every order step.
pub async fn get_without_photo<C: ConnectionTrait>(db: &C) -> Result<Profile> {
    match seller_profile::Entity::find_by_id(PROFILE_ID)
        .one(db)
        .await?
    {
        Some(row) => from_row(row, None),
        None => Ok(Profile::default()),
    }
}

/// The profile photo's bytes and type, read once, for mail; none when there is no photo or its
/// file has gone missing.
pub async fn photo_file<C: ConnectionTrait>(
    db: &C,
    media_store: &MediaStore,
) -> Result<Option<(Vec<u8>, String)>> {
    let Some(hash) = seller_profile::Entity::find_by_id(PROFILE_ID)
        .one(db)
        .await?
        .and_then(|row| row.photo_hash)
    else {
        return Ok(None);
    };
    Ok(read_photo(db, media_store, &hash)
        .await?
        .map(|(m, bytes)| (bytes, m.mime)))
}

/// A stored picture's record and bytes; none when either is gone (a photo file deleted by hand
/// should not make the profile unreadable).
async fn read_photo<C: ConnectionTrait>(
    db: &C,
    media_store: &MediaStore,
    hash: &str,
) -> Result<Option<(media::Model, Vec<u8>)>> {
    let Some(m) = media::Entity::find_by_id(hash.to_owned()).one(db).await? else {
        return Ok(None);
    };
    match media_store.read(hash) {
        Ok(bytes) => Ok(Some((m, bytes))),
        Err(e) => {
            tracing::warn!(error = %e, "profile photo file is missing");
            Ok(None)
        }
    }
}

fn from_row(row: seller_profile::Model, photo: Option<Photo>) -> Result<Profile> {
    Ok(Profile {
        ui_language: UiLanguage::from_code(&row.ui_language)
            .ok_or_else(|| Error::Corrupt(format!("profile language {:?}", row.ui_language)))?,
        languages: serde_json::from_str(&row.languages)
            .map_err(|_| Error::Corrupt("profile languages".into()))?,
        shop_name: row.shop_name,
        contact_name: row.contact_name,
        phone: row.phone,
        email: row.email,
        currency: row.currency,
        photo,
        updated_at: Some(row.updated_at),
    })
}

async fn photo_view<C: ConnectionTrait>(
    db: &C,
    media_store: &MediaStore,
    hash: &str,
) -> Result<Option<Photo>> {
    let Some((m, bytes)) = read_photo(db, media_store, hash).await? else {
        return Ok(None);
    };
    Ok(Some(Photo {
        data_url: format!(
            "data:{};base64,{}",
            m.mime,
            base64::engine::general_purpose::STANDARD.encode(bytes)
        ),
        hash: m.hash,
        mime: m.mime,
        width: m.width as u32,
        height: m.height as u32,
    }))
}

/// Validates and saves the profile in the caller's transaction.
pub async fn save<C: ConnectionTrait>(
    db: &C,
    input: &ProfileInput,
    now: DateTime<Utc>,
) -> Result<()> {
    let clean = validate(input).map_err(Error::Validation)?;
    let existing = seller_profile::Entity::find_by_id(PROFILE_ID)
        .one(db)
        .await?;
    let mut row = seller_profile::ActiveModel {
        id: Set(PROFILE_ID),
        shop_name: Set(clean.shop_name),
        contact_name: Set(clean.contact_name),
        phone: Set(clean.phone),
        email: Set(clean.email),
        ui_language: Set(clean.ui_language.code().to_owned()),
        languages: Set(serde_json::to_string(&clean.languages).unwrap_or_else(|_| "[]".into())),
        currency: Set(clean.currency),
        updated_at: Set(now),
        photo_hash: Set(None),
    };
    match existing {
        Some(old) => {
            row.photo_hash = Set(old.photo_hash);
            row.update(db).await?;
        }
        None => {
            row.insert(db).await?;
        }
    }
    Ok(())
}

/// Checks and stores a new profile photo. The profile must have been saved once (it needs a shop
/// name and e-mail before it can hold a picture).
pub async fn set_photo<C: ConnectionTrait>(
    db: &C,
    media_store: &MediaStore,
    upload: &PhotoUpload,
    now: DateTime<Utc>,
) -> Result<()> {
    let (bytes, facts) = decode_upload(&upload.data_base64, MAX_PHOTO_BYTES, "photo")?;
    let Some(row) = seller_profile::Entity::find_by_id(PROFILE_ID)
        .one(db)
        .await?
    else {
        return Err(Error::Validation(vec![FieldError::new(
            "photo",
            FieldCode::ProfileFirst,
        )]));
    };
    let stored = media_store.put(db, &bytes, &facts, now).await?;
    point_photo_at(db, row, Some(stored.hash), now).await
}

/// Points the profile at a picture (or at none).
async fn point_photo_at<C: ConnectionTrait>(
    db: &C,
    row: seller_profile::Model,
    hash: Option<String>,
    now: DateTime<Utc>,
) -> Result<()> {
    let mut row: seller_profile::ActiveModel = row.into();
    row.photo_hash = Set(hash);
    row.updated_at = Set(now);
    row.update(db).await?;
    Ok(())
}

/// Takes the profile's photo away; whether it had one.
pub async fn remove_photo<C: ConnectionTrait>(db: &C, now: DateTime<Utc>) -> Result<bool> {
    let Some(row) = seller_profile::Entity::find_by_id(PROFILE_ID)
        .one(db)
        .await?
    else {
        return Ok(false);
    };
    if row.photo_hash.is_none() {
        return Ok(false);
    }
    point_photo_at(db, row, None, now).await?;
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn valid() -> ProfileInput {
        ProfileInput {
            shop_name: "Kitab Evi".into(),
            contact_name: "Aysel Məmmədova".into(),
            phone: "+994 50 123 45 67".into(),
            email: "aysel@kitabevi.az".into(),
            ui_language: UiLanguage::Az,
            languages: vec!["az".into(), "tr".into()],
            currency: "azn".into(),
        }
    }

    fn codes(input: &ProfileInput) -> Vec<(String, String)> {
        validate(input)
            .err()
            .unwrap_or_default()
            .into_iter()
            .map(|e| (e.field, e.code.to_string()))
            .collect()
    }

    #[test]
    fn a_complete_profile_is_valid_and_normalised() {
        let clean = validate(&valid()).expect("valid profile");
        assert_eq!(clean.currency, "AZN", "currency codes are upper-cased");
    }

    #[test]
    fn persian_and_emoji_names_are_kept_as_given() {
        let mut p = valid();
        p.shop_name = "  کتاب‌فروشی وفا 📚 ".into();
        let clean = validate(&p).unwrap();
        assert_eq!(
            clean.shop_name, "کتاب‌فروشی وفا 📚",
            "only surrounding space is trimmed"
        );
    }

    #[test]
    fn required_fields() {
        let p = ProfileInput {
            shop_name: " ".into(),
            contact_name: String::new(),
            email: String::new(),
            languages: vec![],
            ..valid()
        };
        let c = codes(&p);
        for field in ["shop_name", "contact_name", "email", "languages"] {
            assert!(
                c.contains(&(field.into(), "required".into())),
                "{field} is required: {c:?}"
            );
        }
    }

    #[test]
    fn email_must_be_an_address_with_a_domain() {
        for bad in [
            "aysel",
            "aysel@",
            "@kitabevi.az",
            "aysel@localhost",
            "first.last@localhost",
            "a b@c.az",
        ] {
            let p = ProfileInput {
                email: bad.into(),
                ..valid()
            };
            assert_eq!(
                codes(&p),
                vec![("email".into(), "email_invalid".into())],
                "{bad}"
            );
        }
    }

    #[test]
    fn phone_rules() {
        for good in ["", "+90 (212) 555-12-12", "050.123.45.67"] {
            let p = ProfileInput {
                phone: good.into(),
                ..valid()
            };
            assert!(validate(&p).is_ok(), "{good:?} is a phone number");
        }
        let p = ProfileInput {
            phone: "call me".into(),
            ..valid()
        };
        assert_eq!(codes(&p), vec![("phone".into(), "phone_invalid".into())]);
        let p = ProfileInput {
            phone: "+12".into(),
            ..valid()
        };
        assert_eq!(codes(&p), vec![("phone".into(), "phone_digits".into())]);
        let p = ProfileInput {
            phone: "12+345678".into(),
            ..valid()
        };
        assert_eq!(
            codes(&p),
            vec![("phone".into(), "phone_invalid".into())],
            "+ only leads"
        );
    }

    #[test]
    fn currency_must_be_iso_4217() {
        let p = ProfileInput {
            currency: "XYZ".into(),
            ..valid()
        };
        assert_eq!(
            codes(&p),
            vec![("currency".into(), "currency_unknown".into())]
        );
    }

    #[test]
    fn names_have_a_length_limit_counted_in_characters() {
        let p = ProfileInput {
            shop_name: "ə".repeat(MAX_NAME_CHARS),
            ..valid()
        };
        assert!(validate(&p).is_ok(), "100 two-byte letters fit");
        let p = ProfileInput {
            shop_name: "ə".repeat(MAX_NAME_CHARS + 1),
            ..valid()
        };
        assert_eq!(codes(&p), vec![("shop_name".into(), "too_long".into())]);
    }

    #[test]
    fn control_characters_are_refused() {
        let p = ProfileInput {
            contact_name: "Ali\u{0}Veli".into(),
            ..valid()
        };
        assert_eq!(
            codes(&p),
            vec![("contact_name".into(), "control_characters".into())]
        );
    }

    #[test]
    fn language_codes() {
        let p = ProfileInput {
            languages: vec!["az".into(), "AZ".into()],
            ..valid()
        };
        assert_eq!(codes(&p), vec![("languages".into(), "duplicate".into())]);
        let p = ProfileInput {
            languages: vec!["azerbaijani".into()],
            ..valid()
        };
        assert_eq!(
            codes(&p),
            vec![("languages".into(), "language_code".into())]
        );
    }
}
