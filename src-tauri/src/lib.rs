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
            commands::shop::app_info,
            commands::shop::get_profile,
            commands::shop::save_profile,
            commands::shop::set_profile_photo,
            commands::shop::remove_profile_photo,
            commands::shop::get_settings,
            commands::shop::save_settings,
            commands::shop::send_test_notification,
            commands::catalog::list_listings,
            commands::catalog::get_listing,
            commands::catalog::preview_listing,
            commands::catalog::create_listing,
            commands::catalog::update_listing,
            commands::catalog::duplicate_listing,
            commands::catalog::archive_listing,
            commands::catalog::add_listing_photo,
            commands::catalog::completeness_rules,
            commands::catalog::save_family_rules,
            commands::shop::window_ready,
            commands::catalog::catalog_health,
            commands::catalog::import_listings,
            commands::catalog::export_listings,
            commands::orders::list_orders,
            commands::orders::get_order,
            commands::orders::draft_order_message,
            commands::orders::act_on_order,
            commands::orders::open_order_problem,
            commands::orders::resolve_order_problem,
            commands::orders::note_order,
            commands::messages::order_messages,
            commands::messages::act_on_message,
            commands::orders::orders_today,
            commands::messages::get_smtp,
            commands::messages::save_smtp,
            commands::sync::marketplaces,
            commands::sync::start_sandbox_shop,
            commands::sync::sync_now,
            commands::sync::retry_push,
            commands::sync::connect_etsy,
            commands::sync::cancel_connect,
            commands::sync::listing_conflicts,
            commands::sync::resolve_listing_conflict,
            commands::shop::get_team,
            commands::shop::save_team,
            commands::inspection::inspection_templates,
            commands::inspection::save_inspection_template,
            commands::inspection::reset_inspection_template,
            commands::inspection::get_inspection,
            commands::inspection::inspect,
            commands::inspection::inspection_photo,
            commands::inspection::print_packing,
            commands::inspection::inspection_week,
            commands::customers::list_customers,
            commands::customers::get_customer,
            commands::customers::list_feedback,
            commands::customers::add_feedback,
            commands::customers::resolve_feedback,
            commands::customers::compensate_feedback,
            commands::customers::list_follow_ups,
            commands::customers::draft_follow_up,
            commands::customers::send_follow_up,
            commands::customers::answer_follow_up,
            commands::customers::dismiss_follow_up,
            commands::reports::weekly_review,
            commands::reports::print_weekly_review,
            commands::customers::adjust_points,
            commands::customers::coupon_from_points,
            commands::customers::update_customer,
            commands::customers::merge_customers,
            commands::customers::offer_suggestions,
            commands::customers::draft_offer,
            commands::customers::make_offer,
            commands::customers::loyalty_rules,
            commands::customers::save_loyalty_rules,
        ])
        .events(collect_events![ChangesEvent, alerts::OpenOrderEvent])
        // The longest text each input takes, from the core's rules.
        .constant("LIMITS", vefa::LIMITS)
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
    use std::collections::BTreeSet;
    use std::path::Path;

    fn exported_bindings() -> String {
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
        std::fs::read_to_string(&fresh).unwrap()
    }

    /// The names in `commands/names.rs` (the app manifest's list) are exactly the commands the
    /// builder registers, and the window is granted none that does not exist.
    #[test]
    fn one_list_of_command_names() {
        let listed: BTreeSet<&str> = super::commands::names::COMMANDS.iter().copied().collect();
        assert_eq!(
            listed.len(),
            super::commands::names::COMMANDS.len(),
            "a name is listed twice"
        );
        let bindings = exported_bindings();
        let registered: BTreeSet<&str> = bindings
            .split("__TAURI_INVOKE(\"")
            .skip(1)
            .filter_map(|rest| rest.split('"').next())
            .collect();
        assert_eq!(
            listed, registered,
            "commands/names.rs and specta_builder() disagree"
        );

        let caps = Path::new(env!("CARGO_MANIFEST_DIR")).join("capabilities/main.json");
        let caps: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(caps).unwrap()).unwrap();
        for grant in caps["permissions"].as_array().unwrap() {
            let Some(grant) = grant.as_str() else {
                continue;
            };
            if let Some(command) = grant.strip_prefix("allow-") {
                let command = command.replace('-', "_");
                assert!(
                    listed.contains(command.as_str()),
                    "capabilities/main.json grants {grant}, which is no command"
                );
            }
        }
    }

    /// The committed TypeScript bindings must match the Rust types; `cargo xtask bindings`
    /// rewrites them.
    #[test]
    fn bindings_are_fresh() {
        let committed = Path::new(env!("CARGO_MANIFEST_DIR")).join("../ui/src/lib/bindings.ts");
        let fresh = exported_bindings();
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
