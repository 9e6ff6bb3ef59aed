//! Catalog CSV on a real store: Etsy's export and Vefa's own format, bad rows reported by line
//! while good rows go in, `--strict` and `--dry-run`, re-imports that update instead of
//! duplicating, nothing half-written when a row fails, and an export that round-trips every field.

use crate::common;

use std::collections::BTreeMap;
use std::path::Path;

use common::TestStore;
use common::catalog::etsy_file;
use vefa::catalog::csv::{Format, ImportSummary};
use vefa::catalog::listings::{
    Dimensions, ListingInput, ListingQuery, ListingState, Pair, Variant,
};
use vefa::{Error, Vefa};

async fn import_bytes(
    vefa: &Vefa,
    dir: &Path,
    name: &str,
    data: &[u8],
    format: Option<Format>,
    strict: bool,
    dry_run: bool,
) -> Result<ImportSummary, Error> {
    let path = dir.join(name);
    std::fs::write(&path, data).unwrap();
    vefa.import_listings(&path, format, strict, dry_run, &|_, _| {})
        .await
}

async fn all(vefa: &Vefa) -> Vec<vefa::catalog::listings::Listing> {
    let page = vefa
        .listings(&ListingQuery {
            limit: 1000,
            include_archived: true,
            ..Default::default()
        })
        .await
        .unwrap();
    let mut out = Vec::new();
    for r in page.rows {
        out.push(vefa.listing(r.id).await.unwrap());
    }
    out.sort_by_key(|l| l.id);
    out
}

fn by_sku<'a>(
    ls: &'a [vefa::catalog::listings::Listing],
    sku: &str,
) -> &'a vefa::catalog::listings::Listing {
    ls.iter()
        .find(|l| l.input.variants.iter().any(|v| v.sku == sku))
        .unwrap_or_else(|| panic!("no listing with SKU {sku}"))
}

async fn etsy_import_reports_bad_rows_and_reimport_updates(store: TestStore) {
    let vefa = store.open().await;
    let dir = tempfile::tempdir().unwrap();
    let data = etsy_file(dir.path());
    let s = import_bytes(&vefa, dir.path(), "etsy.csv", &data, None, false, false)
        .await
        .unwrap();
    assert_eq!((s.imported, s.updated), (3, 0), "{s:?}");
    let lines: Vec<(u64, &str)> = s
        .rejected
        .iter()
        .map(|r| (r.line, r.error.as_str()))
        .collect();
    assert_eq!(
        lines,
        vec![
            (5, "PRICE: must not be negative"),
            (6, "TITLE: is not valid UTF-8 text")
        ],
        "the multi-line description makes the later rows start one line further"
    );
    assert_eq!(s.remote_photos_skipped, 1);

    let ls = all(&vefa).await;
    assert_eq!(ls.len(), 3);
    let kilim = by_sku(&ls, "KILIM-1");
    assert_eq!(kilim.input.title, "Kilim, hand-woven");
    assert_eq!(
        kilim.input.description,
        "Wool kilim.\nWoven in Quba, 1 of 1."
    );
    assert_eq!(kilim.input.price.minor, 12_000);
    assert_eq!(kilim.input.tags, vec!["rug", "kilim"]);
    assert_eq!(kilim.photos.len(), 1, "the local photo is stored");
    assert_eq!(
        (kilim.photos[0].width, kilim.photos[0].height),
        (1200, 1000)
    );
    let book = by_sku(&ls, "BOOK-FA");
    assert_eq!(book.input.title, "دیوان حافظ");
    assert_eq!(book.input.price.minor, 3_550);
    let tee = by_sku(&ls, "TEE-1");
    assert_eq!(tee.input.variants.len(), 6, "3 sizes × 2 colours");
    assert_eq!(
        tee.input.variants[5].options,
        vec![
            Pair {
                name: "Size".into(),
                value: "L".into()
            },
            Pair {
                name: "Colour".into(),
                value: "blue".into()
            }
        ]
    );
    assert!(tee.input.variants.iter().all(|v| v.quantity == 5));

    // What a re-import must leave alone: reviews sync brought, an archived listing, and when
    // each listing was created.
    use sea_orm::{ConnectionTrait, Statement};
    vefa.connection()
        .execute_raw(Statement::from_string(
            vefa.connection().get_database_backend(),
            format!(
                "UPDATE listing SET review_count = 7, rating_x100 = 460 WHERE id = {}",
                kilim.id
            ),
        ))
        .await
        .unwrap();
    vefa.archive_listing(book.id, true).await.unwrap();
    store.clock.advance(chrono::Duration::days(2));

    // The seller fixes the price in the file and imports it again: same listings, new price.
    let at = data.windows(10).position(|w| w == b"120.00,EUR").unwrap();
    let mut fixed = data.clone();
    fixed[at..at + 3].copy_from_slice(b"125");
    let s = import_bytes(&vefa, dir.path(), "etsy.csv", &fixed, None, false, false)
        .await
        .unwrap();
    assert_eq!((s.imported, s.updated), (0, 3), "{s:?}");
    let again = all(&vefa).await;
    assert_eq!(again.len(), 3, "a re-import never duplicates");
    assert_eq!(by_sku(&again, "KILIM-1").input.price.minor, 12_500);
    let kilim_again = by_sku(&again, "KILIM-1");
    assert_eq!(kilim_again.id, kilim.id);
    assert_eq!(
        (kilim_again.review_count, kilim_again.rating_x100),
        (7, Some(460))
    );
    assert_eq!(kilim_again.created_at, kilim.created_at);
    assert_eq!(
        kilim_again.updated_at,
        kilim.created_at + chrono::Duration::days(2)
    );
    assert!(by_sku(&again, "BOOK-FA").archived, "still archived");
}

async fn strict_and_dry_run_keep_nothing(store: TestStore) {
    let vefa = store.open().await;
    let dir = tempfile::tempdir().unwrap();
    let data = etsy_file(dir.path());
    let before = vefa::infra::store::table_counts(vefa.connection())
        .await
        .unwrap();

    let s = import_bytes(&vefa, dir.path(), "e.csv", &data, None, true, false)
        .await
        .unwrap();
    assert_eq!((s.imported, s.updated, s.rejected.len()), (0, 0, 2));
    assert_eq!(
        vefa::infra::store::table_counts(vefa.connection())
            .await
            .unwrap(),
        before,
        "strict: one bad row and nothing is kept, not even the photos"
    );

    let s = import_bytes(&vefa, dir.path(), "e.csv", &data, None, false, true)
        .await
        .unwrap();
    assert!(s.dry_run);
    assert_eq!(
        (s.imported, s.rejected.len()),
        (3, 2),
        "a dry run says what would happen"
    );
    assert_eq!(
        vefa::infra::store::table_counts(vefa.connection())
            .await
            .unwrap(),
        before
    );
}

async fn a_failing_row_leaves_no_trace(store: TestStore) {
    let vefa = store.open().await;
    let dir = tempfile::tempdir().unwrap();
    let mut taken = ListingInput::draft("Existing", "EUR");
    taken.price.minor = 100;
    taken.variants = vec![Variant {
        sku: "TAKEN".into(),
        ..Default::default()
    }];
    let existing = vefa.create_listing(&taken).await.unwrap();
    let mut other = taken.clone();
    other.variants[0].sku = "OTHER".into();
    let other = vefa.create_listing(&other).await.unwrap();
    std::fs::write(dir.path().join("new.png"), common::png_bytes(900, 900, 3)).unwrap();
    let before = vefa::infra::store::table_counts(vefa.connection())
        .await
        .unwrap();

    // Its first SKU makes it an update of `existing`, its second belongs to `other`: the row is
    // refused after its photo was stored, so the photo must go too and `existing` stay as it was.
    let variants = r#"[{"sku":"TAKEN","options":[],"price_override_minor":null,"quantity":1,"barcode":""},{"sku":"OTHER","options":[],"price_override_minor":null,"quantity":1,"barcode":""}]"#;
    let csv = format!(
        "title,price,currency,variants,photos\nNew,5,EUR,\"{}\",\"[\"\"new.png\"\"]\"\n",
        variants.replace('"', "\"\"")
    );
    let s = import_bytes(
        &vefa,
        dir.path(),
        "v.csv",
        csv.as_bytes(),
        None,
        false,
        false,
    )
    .await
    .unwrap();
    assert_eq!(s.imported + s.updated, 0, "{s:?}");
    assert_eq!(s.rejected.len(), 1);
    assert!(
        s.rejected[0].error
            == format!(
                "variants[1].sku: SKU “OTHER” belongs to listing {}",
                other.id
            ),
        "{:?}",
        s.rejected
    );
    assert_eq!(
        vefa::infra::store::table_counts(vefa.connection())
            .await
            .unwrap(),
        before
    );
    assert_eq!(vefa.listing(existing.id).await.unwrap().input, taken);

    // A file whose columns are not a catalog is refused whole, before any row.
    let err = import_bytes(
        &vefa,
        dir.path(),
        "x.csv",
        b"name,amount\nx,1\n",
        None,
        false,
        false,
    )
    .await
    .unwrap_err();
    assert_eq!(err.code(), "csv_file");
    let err = import_bytes(
        &vefa,
        dir.path(),
        "y.csv",
        b"title,variants,currency\nx,[],EUR\n",
        Some(Format::Vefa),
        false,
        false,
    )
    .await
    .unwrap_err();
    assert!(err.to_string().contains("missing columns: price"), "{err}");
    let err = vefa
        .import_listings(
            &dir.path().join("absent.csv"),
            None,
            false,
            false,
            &|_, _| {},
        )
        .await
        .unwrap_err();
    assert_eq!(err.code(), "file");
}

/// A listing using every field, in right-to-left and other scripts.
fn rich(sku: &str) -> ListingInput {
    let mut l = ListingInput::draft("فرش دستباف «تبریز» <i>html</i>, \"quoted\"; 🧶", "TRY");
    l.description = "Line one; with semicolon\nLine two, with comma\r\nSatır üç — ğüşıöç".into();
    l.category = "Ev & Yaşam".into();
    l.family = "clothing".into();
    l.tags = vec!["kilim".into(), "فرش".into(), "a,b".into()];
    l.materials = vec!["yün".into()];
    l.maker = "Ustad Əli".into();
    l.location = "Rəf B-3 · قفسه ۲".into();
    l.specs = vec![Pair {
        name: "Ölçü".into(),
        value: "120 × 80 cm".into(),
    }];
    l.usage = "Kuru temizleme".into();
    l.safety = "—".into();
    l.warranty = "2 il".into();
    l.return_policy = "14 gün".into();
    l.attributes = BTreeMap::from([
        ("size_chart".to_owned(), "S: 1, M: 2".to_owned()),
        ("language".to_owned(), "fa".to_owned()),
    ]);
    l.price.minor = 1_234_567;
    l.vat_rate_bp = Some(1850);
    l.price_includes_vat = false;
    l.shipping.cost_minor = Some(0);
    l.shipping.profile = "Yurtiçi".into();
    l.shipping.processing_days_min = Some(1);
    l.shipping.processing_days_max = Some(3);
    l.shipping.delivery_days_min = Some(2);
    l.shipping.delivery_days_max = Some(6);
    l.weight_g = Some(2500);
    l.dimensions = Some(Dimensions {
        length_mm: 1200,
        width_mm: 800,
        height_mm: 10,
    });
    l.state = ListingState::Inactive;
    l.variants = vec![
        Variant {
            sku: sku.into(),
            options: vec![Pair {
                name: "Renk".into(),
                value: "kırmızı".into(),
            }],
            price_override_minor: Some(1_300_000),
            quantity: 2,
            barcode: "8690000000001".into(),
        },
        Variant {
            sku: format!("{sku}-B"),
            options: vec![Pair {
                name: "Renk".into(),
                value: "mavi".into(),
            }],
            price_override_minor: None,
            quantity: 0,
            barcode: String::new(),
        },
    ];
    l.etsy_listing_id = Some(format!("77{}", sku.len()));
    l
}

async fn vefa_format_round_trips_every_field(store: TestStore) {
    let vefa = store.open().await;
    let dir = tempfile::tempdir().unwrap();
    let photo = vefa
        .add_listing_photo(&vefa::shop::profile::PhotoUpload {
            file_name: "a.png".into(),
            data_base64: base64::Engine::encode(
                &base64::engine::general_purpose::STANDARD,
                common::png_bytes(1500, 1500, 1),
            ),
        })
        .await
        .unwrap();
    let mut with_photo = rich("RICH-1");
    with_photo.photos = vec![photo.hash.clone()];
    let a = vefa.create_listing(&with_photo).await.unwrap();
    let b = vefa.create_listing(&rich("RICH-22")).await.unwrap();

    let out = dir.path().join("export.csv");
    let n = vefa
        .export_listings(&out, &ListingQuery::default())
        .await
        .unwrap();
    assert_eq!(n, 2);
    let bytes = std::fs::read(&out).unwrap();
    assert!(bytes.starts_with(b"\xEF\xBB\xBF"), "a BOM for spreadsheets");

    // Into the same store: every listing updated in place, nothing changed.
    let s = vefa
        .import_listings(&out, None, false, false, &|_, _| {})
        .await
        .unwrap();
    assert_eq!(
        (s.imported, s.updated, s.rejected.len()),
        (0, 2, 0),
        "{s:?}"
    );
    assert_eq!(vefa.listing(a.id).await.unwrap().input, with_photo);
    assert_eq!(vefa.listing(b.id).await.unwrap().input, rich("RICH-22"));

    // Into a fresh store: the listing without photos arrives identical; the other names a
    // picture this store has never seen, and says so.
    let other = TestStore::sqlite().await;
    let fresh = other.open().await;
    let s = fresh
        .import_listings(&out, Some(Format::Vefa), false, false, &|_, _| {})
        .await
        .unwrap();
    assert_eq!((s.imported, s.rejected.len()), (1, 1), "{s:?}");
    assert!(
        s.rejected[0].error.contains("photos[0]"),
        "{:?}",
        s.rejected
    );
    let ls = all(&fresh).await;
    assert_eq!(ls[0].input, rich("RICH-22"));
}

async fn bad_vefa_cells_are_named(store: TestStore) {
    let vefa = store.open().await;
    let dir = tempfile::tempdir().unwrap();
    let csv = "title;price;currency;variants;vat_rate;state;weight_g;tags\n\
               Ok;1,50;EUR;;18;active;;\n\
               ;2;EUR;;;;;\n\
               Cheap;12.345;EUR;;;;;\n\
               Odd;3;EUR;[oops;;;;\n\
               Odd2;3;EUR;;;sleeping;-5;\n\
               Big;3;ZZZ;;;;;\n\
               Zero;0;EUR;;;;;\n";
    let s = import_bytes(
        &vefa,
        dir.path(),
        "semi.csv",
        csv.as_bytes(),
        None,
        false,
        false,
    )
    .await
    .unwrap();
    assert_eq!(s.imported, 1);
    let got: Vec<(u64, &str)> = s
        .rejected
        .iter()
        .map(|r| (r.line, r.error.as_str()))
        .collect();
    assert_eq!(got.len(), 6, "{got:#?}");
    assert_eq!(got[0], (3, "title: is required"));
    assert_eq!(got[1], (4, "price: “12.345” has more than 2 decimals"));
    assert!(
        got[2].1.starts_with("variants: is not valid JSON"),
        "{got:?}"
    );
    assert_eq!(
        got[3],
        (
            6,
            "state: “sleeping” is not a listing state; weight_g: “-5” is not a whole number"
        )
    );
    assert_eq!(got[4], (7, "price: “ZZZ” is not an ISO 4217 currency code"));
    assert_eq!(got[5], (8, "price: must be above zero"));
    let ls = all(&vefa).await;
    assert_eq!(ls[0].input.price.minor, 150);
    assert_eq!(ls[0].input.vat_rate_bp, Some(1800));
}

/// A Vefa-format `variants` cell, quoted for CSV: one variant per SKU.
fn variants(skus: &[&str]) -> String {
    let v: Vec<String> = skus
        .iter()
        .map(|s| format!(r#"{{"sku":"{s}","options":[],"price_override_minor":null,"quantity":1,"barcode":""}}"#))
        .collect();
    format!("\"[{}]\"", v.join(",").replace('"', "\"\""))
}

/// Rows decide as if saved one after another: a later row with an earlier row's SKU updates
/// that listing, one whose SKUs or Etsy id belong to two listings is refused, and listings made
/// afterwards get fresh ids.
async fn rows_of_one_file_see_each_other(store: TestStore) {
    let vefa = store.open().await;
    let dir = tempfile::tempdir().unwrap();
    let csv = format!(
        "title,price,currency,variants,etsy_listing_id\n\
         First,1,EUR,{},111\n\
         First again,2,EUR,{},111\n\
         Second,3,EUR,{},222\n\
         Mixed,4,EUR,{},\n\
         Etsy mixed,5,EUR,{},111\n",
        variants(&["A"]),
        variants(&["A", "A2"]),
        variants(&["E"]),
        variants(&["E", "A2"]),
        variants(&["E"]),
    );
    let s = import_bytes(
        &vefa,
        dir.path(),
        "seq.csv",
        csv.as_bytes(),
        None,
        false,
        false,
    )
    .await
    .unwrap();
    assert_eq!((s.imported, s.updated), (2, 1), "{s:?}");
    let errors: Vec<(u64, &str)> = s
        .rejected
        .iter()
        .map(|r| (r.line, r.error.as_str()))
        .collect();
    assert_eq!(
        errors,
        vec![
            (5, "variants[1].sku: SKU “A2” belongs to listing on line 2"),
            (6, "etsy_listing_id: belongs to listing on line 2"),
        ]
    );
    let ls = all(&vefa).await;
    assert_eq!(ls.len(), 2);
    assert_eq!(by_sku(&ls, "A2").input.title, "First again");
    let later = vefa.create_listing(&rich("AFTER-1")).await.unwrap();
    assert!(
        ls.iter().all(|l| l.id < later.id),
        "ids continue after an import"
    );
}

/// An import decides and writes a chunk of rows at a time. Whatever the chunk size, rows decide
/// as if saved one after another: a row updates a listing an earlier chunk created or
/// replaced, takes a SKU an earlier chunk released from a stored listing, and is refused for a
/// key an earlier chunk gave another listing. Dry runs (whose earlier chunks are never
/// written) and strict runs report the same; the real run keeps exactly that.
async fn chunk_boundaries_change_nothing(store: TestStore) {
    let vefa = store.open().await;
    let mut stored = rich("X");
    stored.variants[1].sku = "Y".into();
    stored.etsy_listing_id = Some("900".into());
    let stored = vefa.create_listing(&stored).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let csv = format!(
        "title,price,currency,variants,etsy_listing_id\n\
         New A,1,EUR,{},111\n\
         A again,2,EUR,{},111\n\
         Stored by Etsy id,3,EUR,{},900\n\
         Takes Y,4,EUR,{},\n\
         Negative,-5,EUR,{},\n\
         Etsy id taken,6,EUR,{},111\n\
         Y again,7,EUR,{},\n\
         A2 taken,8,EUR,{},\n\
         A third time,9,EUR,{},111\n",
        variants(&["A"]),
        variants(&["A", "A2"]),
        variants(&["X"]),
        variants(&["Y"]),
        variants(&["N"]),
        variants(&["Y"]),
        variants(&["Y", "Y2"]),
        variants(&["Y2", "A2"]),
        variants(&["A"]),
    );
    let path = dir.path().join("chunks.csv");
    std::fs::write(&path, csv).unwrap();
    let expected_rejected = vec![
        (6, "price: must not be negative".to_owned()),
        (
            7,
            "etsy_listing_id: belongs to listing on line 2".to_owned(),
        ),
        (
            9,
            "variants[1].sku: SKU “A2” belongs to listing on line 2".to_owned(),
        ),
    ];
    // What an import of the file reports: imported, updated, and the refused lines with why.
    let outcome = async |v: &Vefa, strict: bool, dry_run: bool| {
        let s = v
            .import_listings(&path, None, strict, dry_run, &|_, _| {})
            .await
            .unwrap();
        let rejected: Vec<(u64, String)> =
            s.rejected.into_iter().map(|r| (r.line, r.error)).collect();
        (s.imported, s.updated, rejected)
    };
    for rows in [1, 2, 3, 4, 1000] {
        let v = store.open_importing_by(rows).await;
        assert_eq!(
            outcome(&v, false, true).await,
            (2, 4, expected_rejected.clone()),
            "dry run, {rows} rows a chunk"
        );
        assert_eq!(
            outcome(&v, true, false).await,
            (0, 0, expected_rejected.clone()),
            "strict, {rows} rows a chunk"
        );
    }
    assert_eq!(
        all(&vefa).await.len(),
        1,
        "dry and strict runs keep nothing"
    );

    let v = store.open_importing_by(1).await;
    assert_eq!(outcome(&v, false, false).await, (2, 4, expected_rejected));
    let ls = all(&vefa).await;
    assert_eq!(ls.len(), 3, "{ls:?}");
    let a = by_sku(&ls, "A");
    assert_eq!(a.input.title, "A third time");
    assert_eq!(a.input.variants.len(), 1, "A2 left it on line 10");
    let kept = by_sku(&ls, "X");
    assert_eq!(
        (kept.id, kept.input.title.as_str()),
        (stored.id, "Stored by Etsy id")
    );
    assert_eq!(kept.input.variants.len(), 1, "Y left the stored listing");
    assert_eq!(by_sku(&ls, "Y2").input.title, "Y again");
}

on_both_stores!(
    chunk_boundaries_change_nothing,
    rows_of_one_file_see_each_other,
    etsy_import_reports_bad_rows_and_reimport_updates,
    strict_and_dry_run_keep_nothing,
    a_failing_row_leaves_no_trace,
    vefa_format_round_trips_every_field,
    bad_vefa_cells_are_named,
);
