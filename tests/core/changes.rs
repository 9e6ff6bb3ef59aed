//! The change feed: in-process listeners hear a change at once; another process on the same store
//! finds it in the change log.

use crate::common;

use common::TestStore;
use vefa::locale::UiLanguage;
use vefa::{Actor, ChangeKind, Error, ProfileInput, Settings};

fn profile() -> ProfileInput {
    ProfileInput {
        shop_name: "Əl işləri".into(),
        contact_name: "Nigar".into(),
        phone: String::new(),
        email: "nigar@elisleri.az".into(),
        ui_language: UiLanguage::Az,
        languages: vec!["az".into()],
        currency: "AZN".into(),
    }
}

async fn a_write_in_another_process_reaches_this_one(store: TestStore) {
    let desk = store.open_as(Actor::Desktop).await;
    let cli = store.open_as(Actor::Cli).await;
    let mut after = desk.changes().latest_id(desk.connection()).await.unwrap();
    let mut heard = desk.changes().subscribe();

    desk.save_profile(&profile()).await.unwrap();
    let own = heard
        .try_recv()
        .expect("an in-process write is published at once");
    assert_eq!((own.kind, own.foreign), (ChangeKind::Profile, false));

    cli.save_settings(&Settings {
        confirm_within_minutes: 45,
        ..Settings::default()
    })
    .await
    .unwrap();

    let foreign = desk
        .changes()
        .foreign_since(desk.connection(), &mut after)
        .await
        .unwrap();
    assert_eq!(
        foreign.len(),
        1,
        "the desk's own change is not reported back to it: {foreign:?}"
    );
    assert_eq!(foreign[0].kind, ChangeKind::Settings);
    assert_eq!(foreign[0].actor, Actor::Cli);
    assert!(foreign[0].foreign);

    let again = desk
        .changes()
        .foreign_since(desk.connection(), &mut after)
        .await
        .unwrap();
    assert!(again.is_empty(), "a change is reported once");
    assert_eq!(desk.settings().await.unwrap().confirm_within_minutes, 45);
}

async fn settings_round_trip_and_are_validated(store: TestStore) {
    let vefa = store.open().await;
    assert_eq!(vefa.settings().await.unwrap(), Settings::default());
    let s = Settings {
        theme: vefa::shop::settings::Theme::Dark,
        notify_new_orders: false,
        notify_unconfirmed: true,
        notify_ship_by: false,
        confirm_within_minutes: 90,
        auto_confirm: true,
        sync_every_minutes: 15,
        time_zone: "Asia/Baku".into(),
    };
    assert_eq!(vefa.save_settings(&s).await.unwrap(), s);
    let err = vefa
        .save_settings(&Settings {
            confirm_within_minutes: 2,
            ..s.clone()
        })
        .await
        .unwrap_err();
    assert_eq!(err.code(), "validation");
    for minutes in [0, vefa::shop::settings::MAX_SYNC_MINUTES + 1] {
        let err = vefa
            .save_settings(&Settings {
                sync_every_minutes: minutes,
                ..s.clone()
            })
            .await
            .unwrap_err();
        let Error::Validation(fields) = &err else {
            panic!("{err:?}")
        };
        assert_eq!(fields[0].field, "sync_every_minutes", "{minutes} minutes");
    }
    for zone in ["Asia/Bakuu", "", "UTC+4"] {
        let err = vefa
            .save_settings(&Settings {
                time_zone: zone.into(),
                ..s.clone()
            })
            .await
            .unwrap_err();
        let Error::Validation(fields) = &err else {
            panic!("{err:?}")
        };
        assert_eq!(
            (fields[0].field.as_str(), fields[0].code.as_str()),
            ("time_zone", "time_zone_unknown")
        );
    }
    assert_eq!(
        vefa.settings().await.unwrap(),
        s,
        "a refused save keeps the old settings"
    );
    assert_eq!(s.zone(), chrono_tz::Tz::Asia__Baku);
}

/// A store from a version that kept the confirmation limit in hours reads it as minutes.
async fn an_hourly_limit_from_an_earlier_version_becomes_minutes(store: TestStore) {
    use sea_orm::{ConnectionTrait, Statement};
    let vefa = store.open().await;
    let db = vefa.connection();
    db.execute_raw(Statement::from_string(
        db.get_database_backend(),
        "INSERT INTO setting (key, value, updated_at) VALUES ('confirm_within_hours', '24', '2026-11-01T00:00:00Z')",
    ))
    .await
    .unwrap();
    assert_eq!(
        vefa.settings().await.unwrap().confirm_within_minutes,
        24 * 60
    );
    let mut s = vefa.settings().await.unwrap();
    s.confirm_within_minutes = 30;
    vefa.save_settings(&s).await.unwrap();
    assert_eq!(
        vefa.settings().await.unwrap().confirm_within_minutes,
        30,
        "once saved in minutes, the old key no longer counts"
    );
}

on_both_stores!(
    a_write_in_another_process_reaches_this_one,
    settings_round_trip_and_are_validated,
    an_hourly_limit_from_an_earlier_version_becomes_minutes,
);
