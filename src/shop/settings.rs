//! App settings, stored as one JSON value per key so new settings need no migration.

use crate::error::FieldCode;
use chrono::{DateTime, Utc};
use sea_orm::{ActiveModelTrait, ConnectionTrait, EntityTrait, Set};
use serde::{Deserialize, Serialize};
use specta::Type;

use crate::error::{Error, FieldError, Result};
use crate::infra::store::entity::setting;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type, Default)]
#[serde(rename_all = "lowercase")]
pub enum Theme {
    /// Follow the operating system.
    #[default]
    System,
    Light,
    Dark,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct Settings {
    pub theme: Theme,
    /// Raise a desktop notification when a new marketplace order arrives.
    pub notify_new_orders: bool,
    /// Remind the seller of an order still unconfirmed after `confirm_within_minutes`.
    pub notify_unconfirmed: bool,
    /// Warn of an order near its ship-by date that has not left.
    pub notify_ship_by: bool,
    /// Minutes an order may wait for confirmation before a reminder: buyers notice a quick
    /// answer, so half an hour by default.
    pub confirm_within_minutes: u32,
    /// Confirm marketplace orders as they arrive, with the confirmation message queued.
    pub auto_confirm: bool,
    /// Minutes between automatic syncs with the connected marketplaces.
    pub sync_every_minutes: u32,
    /// The shop's time zone (IANA, such as "Asia/Baku"): its weeks and days begin at its
    /// midnight in the weekly review and the packing figures.
    pub time_zone: String,
}

impl Settings {
    /// The shop's zone; UTC for a name this build does not know (checked on save).
    pub fn zone(&self) -> chrono_tz::Tz {
        self.time_zone.parse().unwrap_or(chrono_tz::Tz::UTC)
    }
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            theme: Theme::System,
            notify_new_orders: true,
            notify_unconfirmed: true,
            notify_ship_by: true,
            confirm_within_minutes: 30,
            auto_confirm: false,
            sync_every_minutes: 2,
            time_zone: "UTC".into(),
        }
    }
}

const THEME: &str = "theme";
const NOTIFY_NEW_ORDERS: &str = "notify_new_orders";
const NOTIFY_UNCONFIRMED: &str = "notify_unconfirmed";
const NOTIFY_SHIP_BY: &str = "notify_ship_by";
const CONFIRM_WITHIN_MINUTES: &str = "confirm_within_minutes";
const AUTO_CONFIRM: &str = "auto_confirm";
const SYNC_EVERY_MINUTES: &str = "sync_every_minutes";
const TIME_ZONE: &str = "time_zone";
/// A day: a shop synced less often than that would miss its orders' confirm times.
pub const MAX_SYNC_MINUTES: u32 = 24 * 60;
/// Written by earlier versions, in hours; read once into minutes.
const CONFIRM_WITHIN_HOURS: &str = "confirm_within_hours";
/// A week.
pub const MAX_CONFIRM_MINUTES: u32 = 7 * 24 * 60;

pub fn validate(s: &Settings) -> Result<(), Vec<FieldError>> {
    let mut errors = Vec::new();
    if !(5..=MAX_CONFIRM_MINUTES).contains(&s.confirm_within_minutes) {
        errors.push(
            FieldError::new("confirm_within_minutes", FieldCode::OutOfRange)
                .with("min", 5)
                .with("max", MAX_CONFIRM_MINUTES),
        );
    }
    if !(1..=MAX_SYNC_MINUTES).contains(&s.sync_every_minutes) {
        errors.push(
            FieldError::new("sync_every_minutes", FieldCode::OutOfRange)
                .with("min", 1)
                .with("max", MAX_SYNC_MINUTES),
        );
    }
    if s.time_zone.parse::<chrono_tz::Tz>().is_err() {
        errors.push(
            FieldError::new("time_zone", FieldCode::TimeZoneUnknown).with("value", &s.time_zone),
        );
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}

pub async fn get<C: ConnectionTrait>(db: &C) -> Result<Settings> {
    let mut s = Settings::default();
    let mut minutes_set = false;
    let mut hours = None;
    for row in setting::Entity::find().all(db).await? {
        let bad = || Error::Corrupt(format!("setting {} = {}", row.key, row.value));
        let flag = || serde_json::from_str::<bool>(&row.value).map_err(|_| bad());
        match row.key.as_str() {
            THEME => s.theme = serde_json::from_str(&row.value).map_err(|_| bad())?,
            NOTIFY_NEW_ORDERS => s.notify_new_orders = flag()?,
            NOTIFY_UNCONFIRMED => s.notify_unconfirmed = flag()?,
            NOTIFY_SHIP_BY => s.notify_ship_by = flag()?,
            AUTO_CONFIRM => s.auto_confirm = flag()?,
            SYNC_EVERY_MINUTES => {
                s.sync_every_minutes = serde_json::from_str(&row.value).map_err(|_| bad())?
            }
            TIME_ZONE => s.time_zone = serde_json::from_str(&row.value).map_err(|_| bad())?,
            CONFIRM_WITHIN_MINUTES => {
                s.confirm_within_minutes = serde_json::from_str(&row.value).map_err(|_| bad())?;
                minutes_set = true;
            }
            CONFIRM_WITHIN_HOURS => {
                hours = Some(serde_json::from_str::<u32>(&row.value).map_err(|_| bad())?)
            }
            // A key from a newer version: keep it, ignore it.
            _ => {}
        }
    }
    if let (false, Some(h)) = (minutes_set, hours) {
        s.confirm_within_minutes = h.saturating_mul(60).clamp(5, MAX_CONFIRM_MINUTES);
    }
    Ok(s)
}

pub async fn save<C: ConnectionTrait>(db: &C, s: &Settings, now: DateTime<Utc>) -> Result<()> {
    validate(s).map_err(Error::Validation)?;
    let values = [
        (THEME, serde_json::to_string(&s.theme)),
        (
            NOTIFY_NEW_ORDERS,
            serde_json::to_string(&s.notify_new_orders),
        ),
        (
            NOTIFY_UNCONFIRMED,
            serde_json::to_string(&s.notify_unconfirmed),
        ),
        (NOTIFY_SHIP_BY, serde_json::to_string(&s.notify_ship_by)),
        (AUTO_CONFIRM, serde_json::to_string(&s.auto_confirm)),
        (
            CONFIRM_WITHIN_MINUTES,
            serde_json::to_string(&s.confirm_within_minutes),
        ),
        (
            SYNC_EVERY_MINUTES,
            serde_json::to_string(&s.sync_every_minutes),
        ),
        (TIME_ZONE, serde_json::to_string(&s.time_zone)),
    ];
    for (key, value) in values {
        let value = value.map_err(|e| Error::Corrupt(e.to_string()))?;
        put(db, key, value, now).await?;
    }
    Ok(())
}

async fn put<C: ConnectionTrait>(
    db: &C,
    key: &str,
    value: String,
    now: DateTime<Utc>,
) -> Result<()> {
    let row = setting::ActiveModel {
        key: Set(key.to_owned()),
        value: Set(value),
        updated_at: Set(now),
    };
    if setting::Entity::find_by_id(key.to_owned())
        .one(db)
        .await?
        .is_some()
    {
        row.update(db).await?;
    } else {
        row.insert(db).await?;
    }
    Ok(())
}

/// A setting kept apart from [`Settings`] (the SMTP server, say), as JSON under `key`.
pub async fn get_value<C: ConnectionTrait, T: serde::de::DeserializeOwned>(
    db: &C,
    key: &str,
) -> Result<Option<T>> {
    match setting::Entity::find_by_id(key.to_owned()).one(db).await? {
        None => Ok(None),
        Some(row) => serde_json::from_str(&row.value)
            .map(Some)
            .map_err(|_| Error::Corrupt(format!("setting {key}"))),
    }
}

pub async fn set_value<C: ConnectionTrait, T: Serialize>(
    db: &C,
    key: &str,
    value: &T,
    now: DateTime<Utc>,
) -> Result<()> {
    let json = serde_json::to_string(value).map_err(|e| Error::Corrupt(e.to_string()))?;
    put(db, key, json, now).await
}

/// The team list: who packs and checks parcels. Kept apart from [`Settings`] as its own key.
const TEAM: &str = "team";
pub const MAX_TEAM: usize = 50;
pub const MAX_NAME_CHARS: usize = 64;

/// Checks a team list: names trimmed, one line each, none twice (in any case), none empty.
pub fn check_team(names: &[String]) -> Result<Vec<String>, Vec<FieldError>> {
    let mut errors = Vec::new();
    if names.len() > MAX_TEAM {
        errors.push(FieldError::new("team", FieldCode::TooMany).with("max", MAX_TEAM));
    }
    let mut out: Vec<String> = Vec::with_capacity(names.len());
    for (i, n) in names.iter().enumerate() {
        let field = format!("team[{i}]");
        let n = n.trim();
        if n.is_empty() {
            errors.push(FieldError::new(&field, FieldCode::Required));
        } else if n.chars().count() > MAX_NAME_CHARS {
            errors.push(FieldError::new(&field, FieldCode::TooLong).with("max", MAX_NAME_CHARS));
        } else if n.chars().any(char::is_control) {
            errors.push(FieldError::new(&field, FieldCode::ControlCharacters));
        } else if out.iter().any(|o| o.to_lowercase() == n.to_lowercase()) {
            errors.push(FieldError::new(&field, FieldCode::Duplicate).with("value", n));
        } else {
            out.push(n.to_owned());
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

pub async fn team<C: ConnectionTrait>(db: &C) -> Result<Vec<String>> {
    Ok(get_value(db, TEAM).await?.unwrap_or_default())
}

pub async fn save_team<C: ConnectionTrait>(
    db: &C,
    names: &[String],
    now: DateTime<Utc>,
) -> Result<Vec<String>> {
    let names = check_team(names).map_err(Error::Validation)?;
    set_value(db, TEAM, &names, now).await?;
    Ok(names)
}
