// The app manifest lists every command the shell defines, so that each one needs an explicit
// grant in `capabilities/`: the window gets only the commands it uses.
const COMMANDS: &[&str] = &[
    "app_info",
    "get_profile",
    "save_profile",
    "set_profile_photo",
    "remove_profile_photo",
    "get_settings",
    "save_settings",
    "send_test_notification",
    "list_listings",
    "get_listing",
    "preview_listing",
    "create_listing",
    "update_listing",
    "duplicate_listing",
    "archive_listing",
    "add_listing_photo",
    "completeness_rules",
    "save_family_rules",
    "window_ready",
    "catalog_health",
    "import_listings",
    "export_listings",
    "list_orders",
    "get_order",
    "draft_order_message",
    "act_on_order",
    "open_order_problem",
    "resolve_order_problem",
    "note_order",
    "order_messages",
    "act_on_message",
    "orders_today",
    "get_smtp",
    "save_smtp",
    "marketplaces",
    "start_sandbox_shop",
    "sync_now",
    "retry_push",
    "connect_etsy",
    "cancel_connect",
    "listing_conflicts",
    "resolve_listing_conflict",
];

fn main() {
    tauri_build::try_build(
        tauri_build::Attributes::new()
            .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS)),
    )
    .expect("tauri build step failed");
}
