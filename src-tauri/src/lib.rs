//! Vefa's desktop shell: it opens the core, hands the window thin commands over it, forwards the
//! change feed as one event, and keeps the app to a single instance. Nothing here decides a rule.

mod alerts;
mod commands;
mod feed;
mod launch;
mod sender;
mod state;
mod syncer;

use tauri::Manager;
use tauri_specta::{Builder, collect_commands, collect_events};

pub use feed::ChangesEvent;
pub use state::AppState;

/// Every command and event the window may use; the TypeScript bindings are generated from it.
pub fn specta_builder() -> Builder<tauri::Wry> {
    Builder::<tauri::Wry>::new()
        .commands(collect_commands![
            commands::app_info,
            commands::get_profile,
            commands::save_profile,
            commands::set_profile_photo,
            commands::remove_profile_photo,
            commands::get_settings,
            commands::save_settings,
            commands::send_test_notification,
            commands::list_listings,
            commands::get_listing,
            commands::preview_listing,
            commands::create_listing,
            commands::update_listing,
            commands::duplicate_listing,
            commands::archive_listing,
            commands::add_listing_photo,
            commands::completeness_rules,
            commands::save_family_rules,
            commands::window_ready,
            commands::catalog_health,
            commands::import_listings,
            commands::export_listings,
            commands::list_orders,
            commands::get_order,
            commands::draft_order_message,
            commands::act_on_order,
            commands::open_order_problem,
            commands::resolve_order_problem,
            commands::note_order,
            commands::order_messages,
            commands::act_on_message,
            commands::orders_today,
            commands::get_smtp,
            commands::save_smtp,
            commands::marketplaces,
            commands::start_sandbox_shop,
            commands::sync_now,
            commands::retry_push,
            commands::connect_etsy,
            commands::cancel_connect,
            commands::listing_conflicts,
            commands::resolve_listing_conflict,
            commands::get_team,
            commands::save_team,
            commands::inspection_templates,
            commands::save_inspection_template,
            commands::reset_inspection_template,
            commands::get_inspection,
            commands::inspect,
            commands::inspection_photo,
            commands::print_packing,
            commands::inspection_week,
            commands::list_customers,
            commands::get_customer,
            commands::list_feedback,
            commands::add_feedback,
            commands::resolve_feedback,
            commands::compensate_feedback,
            commands::list_follow_ups,
            commands::draft_follow_up,
            commands::send_follow_up,
            commands::answer_follow_up,
            commands::dismiss_follow_up,
            commands::weekly_review,
            commands::print_weekly_review,
            commands::adjust_points,
            commands::coupon_from_points,
            commands::update_customer,
            commands::merge_customers,
            commands::offer_suggestions,
            commands::draft_offer,
            commands::make_offer,
            commands::loyalty_rules,
            commands::save_loyalty_rules,
        ])
        .events(collect_events![ChangesEvent, alerts::OpenOrderEvent])
        // One TypeScript type per Rust type: the window never needs separate read/write shapes.
        .disable_serde_phases()
}

pub fn run() {
    tracing_subscriber_init();
    let options = launch::Options::from_args(std::env::args().skip(1));
    let builder = specta_builder();
    let result = tauri::Builder::default()
        // A second launch focuses the first window instead of opening the store twice.
        .plugin(tauri_plugin_single_instance::init(|app, _args, _cwd| {
            if let Some(window) = app.get_webview_window("main") {
                let _ = window.unminimize();
                let _ = window.show();
                let _ = window.set_focus();
            }
        }))
        // The open and save dialogs for catalog CSV files.
        .plugin(tauri_plugin_dialog::init())
        .invoke_handler(builder.invoke_handler())
        .setup(move |app| {
            builder.mount_events(app);
            app.manage(AppState::new(options));
            // Opens the store at once, in the background, then forwards its changes.
            feed::forward(app.handle().clone());
            // Sends the messages to buyers that are due, now and whenever one is queued.
            sender::run(app.handle().clone());
            // Reminds of orders waiting too long for confirmation or near their ship-by date.
            alerts::remind(app.handle().clone());
            // Keeps the connected shops in sync (and starts the sandbox shop if chosen).
            syncer::run(app.handle().clone());
            Ok(())
        })
        .run(tauri::generate_context!());
    if let Err(e) = result {
        eprintln!("vefa: the window could not be started: {e}");
        std::process::exit(1);
    }
}

fn tracing_subscriber_init() {
    use tracing_subscriber::EnvFilter;
    let _ = tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_env("VEFA_LOG").unwrap_or_else(|_| EnvFilter::new("warn")),
        )
        .with_writer(std::io::stderr)
        .try_init();
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    /// The committed TypeScript bindings must match the Rust types; `cargo xtask bindings`
    /// rewrites them.
    #[test]
    fn bindings_are_fresh() {
        let committed = Path::new(env!("CARGO_MANIFEST_DIR")).join("../ui/src/lib/bindings.ts");
        let dir = tempfile::tempdir().unwrap();
        let fresh = dir.path().join("bindings.ts");
        super::specta_builder()
            .export(
                specta_typescript::Typescript::default().header(
                    "// Generated from the Rust types by `cargo xtask bindings`. Do not edit.",
                ),
                &fresh,
            )
            .expect("export the bindings");
        let fresh = std::fs::read_to_string(&fresh).unwrap();
        if std::env::var_os("VEFA_UPDATE_BINDINGS").is_some() {
            std::fs::write(&committed, &fresh).unwrap();
        }
        let current = std::fs::read_to_string(&committed).unwrap_or_default();
        assert!(
            current == fresh,
            "ui/src/lib/bindings.ts is stale: run `cargo xtask bindings` and commit it"
        );
    }
}
