//! Listings on a real store: round-trips, validation that writes nothing, scores stored and
//! updated on every edit, rule sets the seller adjusts, the list's filters and sorting.

use crate::common;

use base64::Engine;
use common::TestStore;
use vefa::catalog::completeness::{Check, Rule};
use vefa::catalog::listings::{ListingInput, ListingQuery, ListingState, Pair, SortBy, Variant};
use vefa::shop::profile::PhotoUpload;
use vefa::{Error, Vefa};

fn png(width: u32, height: u32, salt: u8) -> PhotoUpload {
    PhotoUpload {
        file_name: "p.png".into(),
        data_base64: base64::engine::general_purpose::STANDARD
            .encode(common::png_bytes(width, height, salt)),
    }
}

fn lamp(sku: &str) -> ListingInput {
    let mut l = ListingInput::draft("Masa lampası <b>mis</b> — چراغ رومیزی 💡", "AZN");
    l.family = "electronics".into();
    l.description = "Əl ilə döyülmüş mis masa lampası. ".repeat(12);
    l.price.minor = 8_500;
    l.vat_rate_bp = Some(1800);
    l.shipping.cost_minor = Some(500);
    l.shipping.delivery_days_min = Some(2);
    l.shipping.delivery_days_max = Some(5);
    l.specs = vec![
        Pair {
            name: "Power".into(),
            value: "40 W".into(),
        },
        Pair {
            name: "Voltage".into(),
            value: "220 V".into(),
        },
        Pair {
            name: "Height".into(),
            value: "45 cm".into(),
        },
    ];
    l.safety = "Use a bulb of at most 40 W; keep away from water.".into();
    l.variants = vec![Variant {
        sku: sku.into(),
        quantity: 4,
        ..Default::default()
    }];
    l
}

fn field_codes(err: &Error) -> Vec<(String, String)> {
    match err {
        Error::Validation(fields) => fields
            .iter()
            .map(|f| (f.field.clone(), f.code.to_string()))
            .collect(),
        other => panic!("expected a validation error, got {other:?}"),
    }
}

async fn photos(vefa: &Vefa, n: usize, side: u32) -> Vec<String> {
    let mut out = Vec::new();
    for i in 0..n {
        out.push(
            vefa.add_listing_photo(&png(side, side, i as u8))
                .await
                .unwrap()
                .hash,
        );
    }
    out
}

async fn text_in_any_script_round_trips_and_html_stays_text(store: TestStore) {
    let vefa = store.open().await;
    let created = vefa.create_listing(&lamp("LAMP-1")).await.unwrap();
    let again = vefa.listing(created.id).await.unwrap();
    assert_eq!(
        again.input.title, "Masa lampası <b>mis</b> — چراغ رومیزی 💡",
        "stored exactly as typed"
    );
    assert_eq!(again.input.variants[0].sku, "LAMP-1");
    assert_eq!(again.input.price.minor, 8_500);
    assert_eq!(again.input.specs.len(), 3);
}

async fn a_bad_listing_is_refused_whole_and_writes_nothing(store: TestStore) {
    let vefa = store.open().await;
    let before = vefa::infra::store::table_counts(vefa.connection())
        .await
        .unwrap();
    let mut bad = lamp("LAMP-2");
    bad.title = "x".repeat(141);
    bad.price.minor = -5;
    bad.variants[0].quantity = -1;
    bad.shipping.delivery_days_min = Some(9);
    let err = vefa.create_listing(&bad).await.unwrap_err();
    let codes = field_codes(&err);
    for expected in [
        ("title", "too_long"),
        ("price", "price_positive"),
        ("variants[0].quantity", "negative"),
        ("shipping.delivery_days", "min_above_max"),
    ] {
        assert!(
            codes.contains(&(expected.0.into(), expected.1.into())),
            "{expected:?} in {codes:?}"
        );
    }
    let mut huge = lamp("LAMP-2");
    huge.shipping.cost_minor = Some(vefa::catalog::listings::MAX_AMOUNT_MINOR + 1);
    assert_eq!(
        field_codes(&vefa.create_listing(&huge).await.unwrap_err()),
        vec![("shipping.cost_minor".into(), "amount_too_large".into())],
        "money the window could not show exactly is refused"
    );
    let mut empty = lamp("");
    empty.title = "  ".into();
    assert_eq!(
        field_codes(&vefa.create_listing(&empty).await.unwrap_err()),
        vec![("title".into(), "required".into())]
    );
    assert_eq!(
        vefa::infra::store::table_counts(vefa.connection())
            .await
            .unwrap(),
        before,
        "nothing half-written"
    );
}

async fn a_sku_belongs_to_one_listing(store: TestStore) {
    let vefa = store.open().await;
    let first = vefa.create_listing(&lamp("KILIM-9")).await.unwrap();
    let before = vefa::infra::store::table_counts(vefa.connection())
        .await
        .unwrap();
    let err = vefa.create_listing(&lamp("KILIM-9")).await.unwrap_err();
    assert_eq!(
        field_codes(&err),
        vec![("variants[0].sku".into(), "sku_taken".into())]
    );
    assert_eq!(
        vefa::infra::store::table_counts(vefa.connection())
            .await
            .unwrap(),
        before
    );
    // Saving the owner again with its own SKU is fine.
    vefa.update_listing(first.id, &lamp("KILIM-9"))
        .await
        .unwrap();
}

async fn the_score_is_stored_and_follows_every_edit(store: TestStore) {
    let vefa = store.open().await;
    let l = vefa.create_listing(&lamp("LAMP-3")).await.unwrap();
    let unmet: Vec<&str> = l
        .completeness
        .unmet
        .iter()
        .map(|u| u.rule.as_str())
        .collect();
    assert!(
        unmet.contains(&"photos") && unmet.contains(&"warranty") && unmet.contains(&"specs"),
        "{unmet:?}"
    );
    assert!(
        !l.completeness.complete,
        "electronics require photos, warranty and 5 specs"
    );
    let first_score = l.completeness.score;

    let mut better = l.input.clone();
    better.photos = photos(&vefa, 3, 1200).await;
    better.warranty = "Two years, repair or replacement.".into();
    better.specs.extend([
        Pair {
            name: "Cable".into(),
            value: "1.8 m".into(),
        },
        Pair {
            name: "Socket".into(),
            value: "E27".into(),
        },
    ]);
    let l2 = vefa.update_listing(l.id, &better).await.unwrap();
    assert!(
        l2.completeness.score > first_score,
        "{} > {first_score}",
        l2.completeness.score
    );
    assert!(
        l2.completeness.complete,
        "every required rule is met now: {:?}",
        l2.completeness.unmet
    );

    let row = &vefa.listings(&ListingQuery::default()).await.unwrap().rows[0];
    assert_eq!(
        row.score, l2.completeness.score,
        "the list reads the stored score"
    );
    assert!(row.complete);
}

async fn small_photos_do_not_count(store: TestStore) {
    let vefa = store.open().await;
    let mut l = lamp("LAMP-4");
    l.photos = photos(&vefa, 3, 800).await;
    let saved = vefa.create_listing(&l).await.unwrap();
    let u = saved
        .completeness
        .unmet
        .iter()
        .find(|u| u.rule == "photos")
        .expect("800 px photos are too small");
    assert_eq!(u.params["too_small"], "3");
    let (_, hint) = vefa::catalog::completeness::message_en(u);
    assert!(
        hint.contains("add 3 more photo(s) of at least 1000 px"),
        "{hint}"
    );

    let mut bad = l.clone();
    bad.variants[0].sku = "LAMP-4b".into();
    bad.photos = vec!["0".repeat(64)];
    assert_eq!(
        field_codes(&vefa.create_listing(&bad).await.unwrap_err()),
        vec![("photos[0]".into(), "photo_missing".into())]
    );
}

async fn adjusted_rules_rescore_the_family(store: TestStore) {
    let vefa = store.open().await;
    let l = vefa.create_listing(&lamp("LAMP-5")).await.unwrap();
    let mut rules = vefa.completeness_rules().await.unwrap()["electronics"].clone();
    rules.retain(|r| r.id != "warranty" && r.id != "photos" && r.id != "specs");
    let changed = vefa.save_family_rules("electronics", &rules).await.unwrap();
    assert_eq!(changed, 1);
    let after = vefa.listing(l.id).await.unwrap();
    assert!(
        after.completeness.complete,
        "no required rule left unmet: {:?}",
        after.completeness.unmet
    );

    let bad = vec![Rule {
        id: "Bad Id".into(),
        check: Check::Maker,
        required: true,
        weight: 0,
    }];
    let err = vefa
        .save_family_rules("electronics", &bad)
        .await
        .unwrap_err();
    let codes = field_codes(&err);
    assert!(
        codes.contains(&("rules[0].id".into(), "key_invalid".into()))
            && codes.contains(&("rules[0].weight".into(), "out_of_range".into()))
    );
    assert_eq!(
        vefa.completeness_rules().await.unwrap()["electronics"],
        rules,
        "a refused rule set keeps the old one"
    );

    let mut unknown = lamp("LAMP-6");
    unknown.family = "furniture".into();
    assert_eq!(
        field_codes(&vefa.create_listing(&unknown).await.unwrap_err()),
        vec![("family".into(), "family_unknown".into())]
    );
}

async fn the_list_filters_sorts_and_pages(store: TestStore) {
    let vefa = store.open().await;
    let mut ids = Vec::new();
    for i in 0..12 {
        let mut l = lamp(&format!("SKU-{i:02}"));
        l.title = format!("Lamp {i:02} 100% brass");
        if i % 3 == 0 {
            l.family = "default".into();
            l.state = ListingState::Active;
        }
        if i == 5 {
            l.warranty = "Five years.".repeat(3);
        }
        ids.push(vefa.create_listing(&l).await.unwrap().id);
    }
    let q = |f: fn(&mut ListingQuery)| {
        let mut q = ListingQuery::default();
        f(&mut q);
        q
    };
    let all = vefa.listings(&q(|_| {})).await.unwrap();
    assert_eq!(all.total, 12);
    assert!(
        all.rows.windows(2).all(|w| w[0].score <= w[1].score),
        "worst first by default"
    );

    let by_family = vefa
        .listings(&q(|q| q.family = Some("default".into())))
        .await
        .unwrap();
    assert_eq!(by_family.total, 4);
    let active = vefa
        .listings(&q(|q| q.state = Some(ListingState::Active)))
        .await
        .unwrap();
    assert_eq!(active.total, 4);
    let no_warranty = vefa
        .listings(&q(|q| q.unmet_rule = Some("warranty".into())))
        .await
        .unwrap();
    assert_eq!(
        no_warranty.total, 7,
        "8 electronics, one with a warranty; default needs none"
    );

    let sku = vefa
        .listings(&q(|q| q.search = "SKU-07".into()))
        .await
        .unwrap();
    assert_eq!(
        sku.rows.iter().map(|r| r.id).collect::<Vec<_>>(),
        vec![ids[7]],
        "a SKU finds its listing"
    );
    let words = vefa
        .listings(&q(|q| q.search = "Lamp 1".into()))
        .await
        .unwrap();
    assert_eq!(words.total, 2, "Lamp 10 and Lamp 11");
    let percent = vefa.listings(&q(|q| q.search = "0%".into())).await.unwrap();
    assert_eq!(
        percent.total, 12,
        "% is a letter in a search, and every title has 100%"
    );
    let wildcard = vefa.listings(&q(|q| q.search = "_".into())).await.unwrap();
    assert_eq!(
        wildcard.total, 0,
        "_ is a letter in a search, not a wildcard"
    );

    // Renamed: found by its new title only, however a Turkish keyboard writes the i's, and
    // sorted by it.
    let mut renamed = vefa.listing(ids[4]).await.unwrap().input;
    renamed.title = "İzmir kilimi".into();
    vefa.update_listing(ids[4], &renamed).await.unwrap();
    let old_title = vefa
        .listings(&q(|q| q.search = "lamp 04".into()))
        .await
        .unwrap();
    assert_eq!(old_title.total, 0, "the old title is forgotten");
    for search in ["KİLİM", "kılım", "izmir"] {
        let found = vefa
            .listings(&ListingQuery {
                search: search.into(),
                ..Default::default()
            })
            .await
            .unwrap();
        let found: Vec<i32> = found.rows.iter().map(|r| r.id).collect();
        assert_eq!(found, vec![ids[4]], "{search}");
    }
    let by_title = vefa.listings(&q(|q| q.sort = SortBy::Title)).await.unwrap();
    let titles: Vec<&str> = by_title.rows.iter().map(|r| r.title.as_str()).collect();
    assert_eq!(titles[0], "İzmir kilimi");
    assert_eq!(titles[5], "Lamp 05 100% brass", "Lamp 04 was renamed");

    let mut seen = Vec::new();
    for offset in (0..12).step_by(5) {
        let page = vefa
            .listings(&q(|q| q.sort = SortBy::ScoreDesc).clone_with(offset))
            .await
            .unwrap();
        seen.extend(page.rows.iter().map(|r| r.id));
    }
    seen.sort();
    let mut expected = ids.clone();
    expected.sort();
    assert_eq!(seen, expected, "pages neither repeat nor skip a listing");
}

trait WithOffset {
    fn clone_with(&self, offset: u32) -> ListingQuery;
}

impl WithOffset for ListingQuery {
    fn clone_with(&self, offset: u32) -> ListingQuery {
        ListingQuery {
            offset,
            limit: 5,
            ..self.clone()
        }
    }
}

async fn duplicate_and_archive(store: TestStore) {
    let vefa = store.open().await;
    let original = vefa.create_listing(&lamp("ORIG-1")).await.unwrap();
    let copy = vefa.duplicate_listing(original.id).await.unwrap();
    assert_ne!(copy.id, original.id);
    assert!(copy.input.title.ends_with(" (copy)"));
    assert!(copy.input.title.chars().count() <= 140);
    assert_eq!(
        copy.input.variants[0].sku, "",
        "SKUs stay unique: the copy has none"
    );
    assert_eq!(copy.input.state, ListingState::Draft);

    vefa.archive_listing(original.id, true).await.unwrap();
    let visible = vefa.listings(&ListingQuery::default()).await.unwrap();
    assert_eq!(
        visible.rows.iter().map(|r| r.id).collect::<Vec<_>>(),
        vec![copy.id],
        "archived listings leave the list"
    );
    let everything = vefa
        .listings(&ListingQuery {
            include_archived: true,
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(everything.total, 2);
    assert!(matches!(
        vefa.archive_listing(9999, true).await,
        Err(Error::NotFound { .. })
    ));
}

async fn stale_listings_are_flagged_as_time_passes(store: TestStore) {
    let vefa = store.open().await;
    let l = vefa.create_listing(&lamp("OLD-1")).await.unwrap();
    assert!(!l.completeness.unmet.iter().any(|u| u.rule == "fresh"));
    store.clock.advance(chrono::Duration::days(120));
    assert_eq!(vefa.recompute_completeness().await.unwrap(), 1);
    let stale = vefa
        .listings(&ListingQuery {
            unmet_rule: Some("fresh".into()),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(stale.total, 1, "not updated for 120 days");
    assert_eq!(
        vefa.recompute_completeness().await.unwrap(),
        0,
        "nothing changes twice"
    );
}

/// Migration 3 added the stored facts; listings saved before it are measured on the next start,
/// and a rescore from the stored facts agrees with the full listing.
async fn listings_saved_before_stored_facts_get_them_on_open(store: TestStore) {
    use sea_orm::{ConnectionTrait, Statement};
    let vefa = store.open().await;
    let mut l = lamp("FACTS-1");
    l.photos = photos(&vefa, 2, 1200).await;
    l.attributes.insert("age_range".into(), "  ".into());
    let a = vefa.create_listing(&l).await.unwrap();
    let b = vefa.create_listing(&lamp("FACTS-2")).await.unwrap();
    let facts = |v: &Vefa| {
        let db = v.connection().clone();
        async move {
            db.query_all_raw(Statement::from_string(
                db.get_database_backend(),
                "SELECT facts FROM listing ORDER BY id",
            ))
            .await
            .unwrap()
            .into_iter()
            .map(|r| r.try_get::<String>("", "facts").unwrap())
            .collect::<Vec<_>>()
        }
    };
    let measured = facts(&vefa).await;
    assert!(measured.iter().all(|f| f.contains("\"p\"")), "{measured:?}");
    assert_eq!(vefa.recompute_completeness().await.unwrap(), 0);
    vefa.connection()
        .execute_raw(Statement::from_string(
            vefa.connection().get_database_backend(),
            "UPDATE listing SET facts = ''",
        ))
        .await
        .unwrap();
    vefa.close().await.unwrap();

    let again = store.open().await;
    assert_eq!(facts(&again).await, measured);
    assert_eq!(again.recompute_completeness().await.unwrap(), 0);
    assert_eq!(
        again.listing(a.id).await.unwrap().completeness,
        a.completeness
    );
    assert_eq!(
        again.listing(b.id).await.unwrap().completeness,
        b.completeness
    );
}

/// Migration 4 moved scores out of the listing row into `listing_score`, the unmet rule ids
/// into a bit set. A store written before keeps every score and unmet rule, and going back one
/// version restores the old columns.
async fn scores_survive_the_move_to_their_own_table(store: TestStore) {
    use sea_orm::{ConnectionTrait, Statement};
    use sea_orm_migration::MigratorTrait;
    let vefa = store.open().await;
    let mut full = lamp("MOVE-1");
    full.photos = photos(&vefa, 3, 1200).await;
    full.warranty = "Two years, repair or replacement.".into();
    full.specs.extend(["Cable", "Socket"].map(|name| Pair {
        name: name.into(),
        value: "yes".into(),
    }));
    let mut plain = lamp("MOVE-2");
    plain.family = "default".into();
    for l in [&full, &plain, &lamp("MOVE-3")] {
        vefa.create_listing(l).await.unwrap();
    }
    let by_id = |mut rows: Vec<vefa::catalog::listings::ListingRow>| {
        rows.sort_by_key(|r| r.id);
        rows
    };
    let before = by_id(vefa.listings(&ListingQuery::default()).await.unwrap().rows);
    assert!(before.iter().any(|r| r.unmet.len() > 1) && before.iter().any(|r| r.complete));

    // Back to version 3, before scores moved (and before every later version).
    let later = vefa_migrations::Migrator::migrations().len() as u32 - 3;
    vefa_migrations::Migrator::down(vefa.connection(), Some(later))
        .await
        .unwrap();
    let db = vefa.connection();
    let old: Vec<(i32, i32, String)> = db
        .query_all_raw(Statement::from_string(
            db.get_database_backend(),
            "SELECT id, score, unmet FROM listing ORDER BY id",
        ))
        .await
        .unwrap()
        .into_iter()
        .map(|r| {
            (
                r.try_get("", "id").unwrap(),
                r.try_get::<i16>("", "score").unwrap().into(),
                r.try_get("", "unmet").unwrap(),
            )
        })
        .collect();
    let expected: Vec<(i32, i32, String)> = before
        .iter()
        .map(|r| {
            let ids = r.unmet.iter().fold(String::from(","), |s, id| s + id + ",");
            (r.id, r.score.into(), ids)
        })
        .collect();
    assert_eq!(old, expected, "version 3 kept the ids between commas");
    vefa.close().await.unwrap();

    let again = store.open().await;
    let latest = vefa_migrations::Migrator::migrations()
        .last()
        .map(|m| m.name().to_owned())
        .unwrap();
    assert_eq!(again.info().schema_version, latest);
    let after = by_id(again.listings(&ListingQuery::default()).await.unwrap().rows);
    assert_eq!(after, before);
    assert_eq!(
        again.recompute_completeness().await.unwrap(),
        0,
        "the moved scores are the ones the rules give"
    );
}

/// A listing's unmet rules are stored as positions in its family's rule list; reordering the
/// rules must not make the list name the wrong rules or filter on the wrong ones.
async fn reordered_rules_keep_unmet_rules_right(store: TestStore) {
    let vefa = store.open().await;
    let mut done = lamp("ORDER-1");
    done.warranty = "Two years, repair or replacement.".into();
    let a = vefa.create_listing(&done).await.unwrap();
    let b = vefa.create_listing(&lamp("ORDER-2")).await.unwrap();
    let mut rules = vefa.completeness_rules().await.unwrap()["electronics"].clone();
    rules.reverse();
    vefa.save_family_rules("electronics", &rules).await.unwrap();

    let unmet_ids = |l: &vefa::catalog::listings::Listing| -> Vec<String> {
        l.completeness
            .unmet
            .iter()
            .map(|u| u.rule.clone())
            .collect()
    };
    let rows = vefa.listings(&ListingQuery::default()).await.unwrap().rows;
    for l in [&a, &b] {
        let fresh = vefa.listing(l.id).await.unwrap();
        let mut want = unmet_ids(l);
        want.reverse();
        assert_eq!(unmet_ids(&fresh), want, "the same rules, in the new order");
        let row = rows.iter().find(|r| r.id == l.id).unwrap();
        assert_eq!(row.unmet, want, "the list agrees with the editor");
    }
    let missing_warranty = vefa
        .listings(&ListingQuery {
            unmet_rule: Some("warranty".into()),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(
        missing_warranty
            .rows
            .iter()
            .map(|r| r.id)
            .collect::<Vec<_>>(),
        vec![b.id]
    );

    let too_many: Vec<Rule> = (0..65)
        .map(|k| Rule {
            id: format!("rule_{k}"),
            check: Check::Maker,
            required: false,
            weight: 1,
        })
        .collect();
    assert_eq!(
        field_codes(
            &vefa
                .save_family_rules("electronics", &too_many)
                .await
                .unwrap_err()
        ),
        vec![("rules".into(), "too_many".into())]
    );
    assert_eq!(
        vefa.completeness_rules().await.unwrap()["electronics"],
        rules
    );
}

/// The listings table is answered from memory; what another process writes (the CLI, a second
/// desk) must still show, and a rescore must use it.
async fn the_dashboard_sees_the_catalog_s_health(store: TestStore) {
    let vefa = store.open().await;
    let weak = vefa.create_listing(&lamp("HEALTH-1")).await.unwrap();
    let mut better = lamp("HEALTH-2");
    better.warranty = "Two years against any fault of the lamp.".into();
    let better = vefa.create_listing(&better).await.unwrap();
    let gone = vefa.create_listing(&lamp("HEALTH-3")).await.unwrap();
    vefa.archive_listing(gone.id, true).await.unwrap();

    let h = vefa.catalog_health().await.unwrap();
    assert_eq!(h.listings, 2, "archived listings are left out");
    assert_eq!(h.bands.len(), 11);
    assert_eq!(h.bands.iter().sum::<u32>(), 2);
    assert_eq!(
        h.worst.iter().map(|r| r.id).collect::<Vec<_>>(),
        vec![weak.id, better.id]
    );
    assert_eq!(h.stale_total, 0);
    let warranty = h.most_unmet.iter().find(|r| r.rule == "warranty").unwrap();
    assert_eq!(warranty.listings, 1);

    store.clock.advance(chrono::Duration::days(120));
    vefa.recompute_completeness().await.unwrap();
    let h = vefa.catalog_health().await.unwrap();
    assert_eq!(h.stale_total, 2, "not updated for 120 days");
    assert_eq!(h.most_unmet[0].listings, 2);
}

/// The editor's live panel: an unsaved listing scored as a save would, its field errors, and
/// what the buyer pays; nothing written.
async fn the_preview_scores_an_unsaved_listing(store: TestStore) {
    let vefa = store.open().await;
    let before = vefa::infra::store::table_counts(vefa.connection())
        .await
        .unwrap();
    let mut l = lamp("PREVIEW-1");
    let p = vefa.preview_listing(None, &l).await.unwrap();
    assert!(p.errors.is_empty(), "{:?}", p.errors);
    let saved = vefa.create_listing(&l).await.unwrap();
    assert_eq!(p.completeness, saved.completeness);
    // 85.00 AZN with 18 % VAT inside (12.97) + 5.00 shipping.
    assert_eq!(
        (p.total.item_minor, p.total.vat_minor, p.total.total_minor),
        (8_500, Some(1_297), 9_000)
    );
    assert_eq!((p.total.days_min, p.total.days_max), (Some(2), Some(5)));

    l.title = String::new();
    l.warranty = "Two years against any fault of the lamp.".into();
    let p = vefa.preview_listing(Some(saved.id), &l).await.unwrap();
    assert_eq!(p.errors.len(), 1);
    assert_eq!(p.errors[0].field, "title");
    assert!(!p.completeness.unmet.iter().any(|u| u.rule == "warranty"));
    assert!(p.completeness.score > saved.completeness.score);
    let mut after = before.clone();
    *after.entry("listing".into()).or_default() += 1;
    *after.entry("listing_variant".into()).or_default() += 1;
    *after.entry("change_log".into()).or_default() += 1;
    assert_eq!(
        vefa::infra::store::table_counts(vefa.connection())
            .await
            .unwrap(),
        after,
        "previews write nothing"
    );
}

async fn another_process_s_changes_reach_the_list(store: TestStore) {
    let desk = store.open().await;
    let other = store.open_as(vefa::Actor::Cli).await;
    let first = desk.create_listing(&lamp("DESK-1")).await.unwrap();
    assert_eq!(
        desk.listings(&ListingQuery::default()).await.unwrap().total,
        1
    );

    let theirs = other.create_listing(&lamp("CLI-1")).await.unwrap();
    let mut edited = lamp("DESK-1");
    edited.title = "Edited elsewhere".into();
    edited.warranty = "Two years against any fault of the lamp.".into();
    other.update_listing(first.id, &edited).await.unwrap();

    let page = desk.listings(&ListingQuery::default()).await.unwrap();
    assert_eq!(page.total, 2);
    let row = page.rows.iter().find(|r| r.id == first.id).unwrap();
    assert_eq!(row.title, "Edited elsewhere");
    assert!(!row.unmet.contains(&"warranty".to_owned()));
    assert!(page.rows.iter().any(|r| r.id == theirs.id));

    other.archive_listing(theirs.id, true).await.unwrap();
    assert_eq!(
        desk.listings(&ListingQuery::default()).await.unwrap().total,
        1
    );
    assert_eq!(
        desk.recompute_completeness().await.unwrap(),
        0,
        "the rescore starts from what the other process saved"
    );
}

/// Two desks on one store, each saving and rescoring at once: a save reads the rules before it
/// writes, and on SQLite a write that began deferred cannot commit once another desk committed
/// after its read ("database is locked"). Every save must go through and none be lost.
async fn two_desks_saving_at_once_lose_nothing(store: TestStore) {
    let desk = store.open().await;
    let other = store.open_as(vefa::Actor::Cli).await;
    let shared = desk.create_listing(&lamp("SHARED-1")).await.unwrap();
    async fn work(v: &Vefa, who: &str, shared: i32) -> Result<u32, Error> {
        let mut saved = 0;
        for i in 0..12 {
            v.create_listing(&lamp(&format!("{who}-{i}"))).await?;
            let mut edit = lamp("SHARED-1");
            edit.title = format!("Mis lampa, {who} {i}");
            v.update_listing(shared, &edit).await?;
            v.recompute_completeness().await?;
            saved += 1;
        }
        Ok(saved)
    }
    let (a, b) = tokio::join!(
        work(&desk, "DESK", shared.id),
        work(&other, "CLI", shared.id)
    );
    assert_eq!(a.expect("the desk's saves"), 12);
    assert_eq!(b.expect("the other desk's saves"), 12);
    let all = desk.all_listings(&ListingQuery::default()).await.unwrap();
    assert_eq!(all.len(), 25, "every listing of both desks is there, once");
    let title = desk.listing(shared.id).await.unwrap().input.title;
    assert!(
        title.starts_with("Mis lampa, "),
        "the last save won: {title}"
    );
}

on_both_stores!(
    scores_survive_the_move_to_their_own_table,
    two_desks_saving_at_once_lose_nothing,
    reordered_rules_keep_unmet_rules_right,
    the_dashboard_sees_the_catalog_s_health,
    the_preview_scores_an_unsaved_listing,
    another_process_s_changes_reach_the_list,
    listings_saved_before_stored_facts_get_them_on_open,
    text_in_any_script_round_trips_and_html_stays_text,
    a_bad_listing_is_refused_whole_and_writes_nothing,
    a_sku_belongs_to_one_listing,
    the_score_is_stored_and_follows_every_edit,
    small_photos_do_not_count,
    adjusted_rules_rescore_the_family,
    the_list_filters_sorts_and_pages,
    duplicate_and_archive,
    stale_listings_are_flagged_as_time_passes,
);
