//! The seller profile on a real store: round-trips, validation that writes nothing, photos.

use crate::common;

use base64::Engine;
use common::TestStore;
use vefa::locale::UiLanguage;
use vefa::shop::profile::PhotoUpload;
use vefa::{Error, ProfileInput};

fn persian_profile() -> ProfileInput {
    ProfileInput {
        shop_name: "کتاب‌فروشی وفا 📚".into(),
        contact_name: "مریم رضایی".into(),
        phone: "+98 912 345 6789".into(),
        email: "maryam@vefa-books.ir".into(),
        ui_language: UiLanguage::Fa,
        languages: vec!["fa".into(), "az".into(), "tr".into()],
        currency: "IRR".into(),
    }
}

fn png(width: u32, height: u32) -> Vec<u8> {
    // A real PNG header is enough for the checks here: signature, IHDR with the size.
    let mut v = vec![
        0x89, b'P', b'N', b'G', 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, b'I', b'H', b'D', b'R',
    ];
    v.extend_from_slice(&width.to_be_bytes());
    v.extend_from_slice(&height.to_be_bytes());
    v.extend_from_slice(&[8, 6, 0, 0, 0, 0, 0, 0, 0]);
    v
}

fn upload(bytes: &[u8]) -> PhotoUpload {
    PhotoUpload {
        file_name: "me.png".into(),
        data_base64: base64::engine::general_purpose::STANDARD.encode(bytes),
    }
}

async fn a_new_store_has_an_empty_profile(store: TestStore) {
    let vefa = store.open().await;
    let p = vefa.profile().await.unwrap();
    assert_eq!(p.updated_at, None, "nothing saved yet");
    assert!(p.shop_name.is_empty());
}

async fn rtl_text_round_trips_exactly_and_survives_a_restart(store: TestStore) {
    let vefa = store.open().await;
    let saved = vefa.save_profile(&persian_profile()).await.unwrap();
    assert_eq!(saved.shop_name, "کتاب‌فروشی وفا 📚");
    vefa.close().await.unwrap();

    let reopened = store.open().await;
    let p = reopened.profile().await.unwrap();
    assert_eq!(
        p.shop_name, "کتاب‌فروشی وفا 📚",
        "Persian text with ZWNJ and emoji round-trips"
    );
    assert_eq!(p.contact_name, "مریم رضایی");
    assert_eq!(p.languages, vec!["fa", "az", "tr"]);
    assert_eq!(p.ui_language, UiLanguage::Fa);
    assert_eq!(p.updated_at, Some(vefa::Clock::now(&*store.clock)));
}

async fn an_invalid_profile_changes_nothing(store: TestStore) {
    let vefa = store.open().await;
    vefa.save_profile(&persian_profile()).await.unwrap();
    let log_before = vefa::infra::store::table_counts(vefa.connection())
        .await
        .unwrap();

    let bad = ProfileInput {
        email: "maryam-at-vefa".into(),
        shop_name: String::new(),
        ..persian_profile()
    };
    let err = vefa.save_profile(&bad).await.unwrap_err();
    let Error::Validation(fields) = &err else {
        panic!("expected a validation error, got {err:?}")
    };
    let named: Vec<&str> = fields.iter().map(|f| f.field.as_str()).collect();
    assert_eq!(
        named,
        vec!["shop_name", "email"],
        "every bad field is reported at once"
    );

    assert_eq!(
        vefa.profile().await.unwrap().email,
        "maryam@vefa-books.ir",
        "the stored profile is untouched"
    );
    assert_eq!(
        vefa::infra::store::table_counts(vefa.connection())
            .await
            .unwrap(),
        log_before,
        "a refused save writes no row, not even to the change log"
    );
}

async fn a_photo_is_stored_once_and_checked(store: TestStore) {
    let vefa = store.open().await;
    let err = vefa
        .set_profile_photo(&upload(&png(400, 400)))
        .await
        .unwrap_err();
    assert_eq!(
        field_code(&err),
        "profile_first",
        "a photo needs a saved profile"
    );

    vefa.save_profile(&persian_profile()).await.unwrap();
    let p = vefa
        .set_profile_photo(&upload(&png(400, 300)))
        .await
        .unwrap();
    let photo = p.photo.expect("photo stored");
    assert_eq!(
        (photo.width, photo.height, photo.mime.as_str()),
        (400, 300, "image/png")
    );
    assert!(photo.data_url.starts_with("data:image/png;base64,"));

    // The same picture again is the same file and the same row.
    vefa.set_profile_photo(&upload(&png(400, 300)))
        .await
        .unwrap();
    let files: Vec<_> = walk(&store.media_dir);
    assert_eq!(
        files.len(),
        1,
        "content-addressed: one file for one picture, got {files:?}"
    );

    let svg = b"<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>";
    let err = vefa.set_profile_photo(&upload(svg)).await.unwrap_err();
    assert!(
        matches!(field_code(&err), "image_type" | "image_unreadable"),
        "{err:?}"
    );

    let mut huge = png(100, 100);
    huge.resize(vefa::shop::profile::MAX_PHOTO_BYTES + 1, 0);
    assert_eq!(
        field_code(&vefa.set_profile_photo(&upload(&huge)).await.unwrap_err()),
        "too_large"
    );

    let bad_b64 = PhotoUpload {
        file_name: "x".into(),
        data_base64: "%%%not base64".into(),
    };
    assert_eq!(
        field_code(&vefa.set_profile_photo(&bad_b64).await.unwrap_err()),
        "image_unreadable"
    );

    let p = vefa.profile().await.unwrap();
    assert_eq!(
        p.photo.map(|ph| ph.height),
        Some(300),
        "refused uploads leave the stored photo alone"
    );

    let p = vefa.remove_profile_photo().await.unwrap();
    assert!(p.photo.is_none());
}

fn field_code(err: &Error) -> &str {
    match err {
        Error::Validation(fields) => fields[0].code.as_str(),
        other => panic!("expected a validation error, got {other:?}"),
    }
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    if let Ok(entries) = std::fs::read_dir(dir) {
        for e in entries.flatten() {
            let path = e.path();
            if path.is_dir() {
                out.extend(walk(&path));
            } else {
                out.push(path);
            }
        }
    }
    out
}

on_both_stores!(
    a_new_store_has_an_empty_profile,
    rtl_text_round_trips_exactly_and_survives_a_restart,
    an_invalid_profile_changes_nothing,
    a_photo_is_stored_once_and_checked,
);
