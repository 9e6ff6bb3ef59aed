// The app manifest lists every command the shell defines, so that each one needs an explicit
// grant in `capabilities/`: the window gets only the commands it uses.
include!("src/commands/names.rs");

fn main() {
    tauri_build::try_build(
        tauri_build::Attributes::new()
            .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS)),
    )
    .expect("tauri build step failed");
}
