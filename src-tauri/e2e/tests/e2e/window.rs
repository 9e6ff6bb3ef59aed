//! The real app in a real window: the profile, right-to-left Persian, field errors in the chosen
//! language, a test notification reaching a real daemon, and a CLI write reaching an open window.

use vefa_e2e::{Desktop, cli_binary};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_persian_profile_turns_the_layout_rtl_and_survives_a_restart() {
    let desktop = Desktop::start();
    let data = tempfile::tempdir().unwrap();

    let app = desktop.launch(data.path()).await;
    app.wait_for_text("#profile-saved-at", "Not saved yet")
        .await;
    app.screenshot("01-profile-new-en").await;
    assert_eq!(app.js("return document.documentElement.dir").await, "ltr");

    app.select("#ui_language", "fa").await;
    app.wait_for_text("nav", "تنظیمات").await;
    assert_eq!(
        app.js("return document.documentElement.dir").await,
        "rtl",
        "Persian switches the whole layout to right-to-left at once"
    );
    app.fill("#shop_name", "کتاب‌فروشی وفا").await;
    app.fill("#contact_name", "مریم رضایی").await;
    app.fill("#phone", "+98 912 345 6789").await;
    app.fill("#email", "maryam@vefa-books.ir").await;
    app.click("input[name=languages][value=fa]").await;
    app.click("#save-profile").await;
    app.wait_for_text("#profile-status", "ذخیره شد").await;
    app.screenshot("02-profile-saved-fa").await;
    app.quit().await;

    let app = desktop.launch(data.path()).await;
    app.wait_for_text("nav", "تنظیمات").await;
    // A shop with a saved profile opens on its dashboard.
    app.wait("#health-empty").await;
    app.click("#nav-settings").await;
    assert_eq!(
        app.value("#shop_name").await,
        "کتاب‌فروشی وفا",
        "the shop name is back after a restart"
    );
    assert_eq!(app.value("#contact_name").await, "مریم رضایی");
    assert_eq!(app.value("#email").await, "maryam@vefa-books.ir");
    assert_eq!(
        app.js("return document.documentElement.dir").await,
        "rtl",
        "the language was kept"
    );
    app.wait_for_text("#nav-shop-name", "کتاب‌فروشی وفا").await;
    app.screenshot("03-profile-after-restart-fa").await;
    app.quit().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_invalid_email_is_explained_in_the_chosen_language() {
    let desktop = Desktop::start();
    let data = tempfile::tempdir().unwrap();
    let app = desktop.launch(data.path()).await;

    app.select("#ui_language", "tr").await;
    app.wait_for_text("nav", "Ayarlar").await;
    app.fill("#shop_name", "Vefa Kitap").await;
    app.fill("#contact_name", "Elif Yılmaz").await;
    app.fill("#email", "elif-at-vefakitap").await;
    app.click("#save-profile").await;

    let error = app.wait_for_text("#error-email", "e-posta").await;
    assert_eq!(error, "ad@magaza.com gibi bir e-posta adresi girin.");
    let email = app.wait("#email").await;
    assert_eq!(
        email.attr("aria-invalid").await.unwrap().as_deref(),
        Some("true")
    );
    app.wait_for_text("#profile-saved-at, #profile-status", "Bazı alanlara")
        .await;
    app.screenshot("04-profile-invalid-email-tr").await;
    app.quit().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_test_notification_reaches_the_notification_daemon() {
    let desktop = Desktop::start();
    let data = tempfile::tempdir().unwrap();
    let app = desktop.launch(data.path()).await;

    app.fill("#shop_name", "Əl işləri").await;
    app.fill("#contact_name", "Nigar").await;
    app.fill("#email", "nigar@elisleri.az").await;
    app.click("#save-profile").await;
    app.wait_for_text("#profile-status", "Saved").await;

    app.click("#tab-preferences").await;
    app.click("#send-test-notification").await;
    app.wait_for_text("#notify-status", "Vefa: notifications work")
        .await;
    let calls = desktop
        .wait_for_notification("Vefa: notifications work")
        .await;
    assert!(
        calls.contains("Əl işləri will hear about new orders"),
        "the body names the shop: {calls}"
    );
    app.screenshot("05-preferences-notification-sent").await;

    app.click("#tab-store").await;
    app.wait_for_text("#store-location", "vefa.sqlite").await;
    app.screenshot("06-store").await;
    app.quit().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_change_made_with_the_cli_reaches_the_open_window() {
    let desktop = Desktop::start();
    let data = tempfile::tempdir().unwrap();
    let app = desktop.launch(data.path()).await;
    app.fill("#shop_name", "Kilim Evi").await;
    app.fill("#contact_name", "Aysel").await;
    app.fill("#email", "aysel@kilimevi.az").await;
    app.click("#save-profile").await;
    app.wait_for_text("#profile-status", "Saved").await;

    let out = std::process::Command::new(cli_binary())
        .args(["--db", data.path().join("vefa.sqlite").to_str().unwrap()])
        .args(["profile", "set", "--shop-name", "Kilim Evi · Bakı"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "the CLI saved: {}",
        String::from_utf8_lossy(&out.stderr)
    );

    for _ in 0..100 {
        if app.value("#shop_name").await == "Kilim Evi · Bakı" {
            app.wait_for_text("#nav-shop-name", "Kilim Evi · Bakı")
                .await;
            app.quit().await;
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("the window never showed the name the CLI saved");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_launch_hands_over_to_the_open_window_and_exits() {
    let desktop = Desktop::start();
    let data = tempfile::tempdir().unwrap();
    let app = desktop.launch(data.path()).await;
    app.fill("#shop_name", "Unsaved draft").await;

    let mut second = std::process::Command::new(vefa_e2e::app_binary())
        .args(["--data-dir", data.path().to_str().unwrap()])
        .env("DISPLAY", &desktop.display)
        .env("DBUS_SESSION_BUS_ADDRESS", &desktop.bus)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut exited = None;
    for _ in 0..300 {
        if let Some(status) = second.try_wait().unwrap() {
            exited = Some(status);
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let Some(status) = exited else {
        let _ = second.kill();
        panic!("the second launch kept running: it should hand over to the first window and exit");
    };
    assert!(
        status.success(),
        "the second launch exits cleanly: {status}"
    );
    assert_eq!(
        app.value("#shop_name").await,
        "Unsaved draft",
        "the first window is still there, with what the seller was typing"
    );
    app.quit().await;
}
