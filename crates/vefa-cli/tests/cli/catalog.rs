//! `vefa listings import`: a seller's catalog file from the command line, with a JSON report and
//! exit codes a script can act on.

use std::process::Command;

use crate::common;
use common::TestStore;
use common::catalog::{ETSY_HEADER, etsy_file};

fn cli(store: &TestStore, args: &[&str]) -> std::process::Output {
    let url = match &store.location {
        vefa::Location::Sqlite(p) => p.display().to_string(),
        vefa::Location::Postgres(u) => u.clone(),
    };
    Command::new(env!("CARGO_BIN_EXE_vefa"))
        .args(["--db", &url])
        .args(args)
        .output()
        .expect("run vefa")
}

#[tokio::test]
async fn the_cli_imports_with_json_and_exit_codes() {
    let store = TestStore::sqlite().await;
    store.open().await.close().await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("etsy.csv");
    std::fs::write(&file, etsy_file(dir.path())).unwrap();
    let f = file.to_str().unwrap();

    let out = cli(&store, &["listings", "import", f, "--json"]);
    assert_eq!(out.status.code(), Some(3), "some rows rejected: {out:?}");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["imported"], 3);
    assert_eq!(v["updated"], 0);
    assert_eq!(v["rejected"][0]["line"], 5);
    assert_eq!(v["rejected"][1]["error"], "TITLE: is not valid UTF-8 text");

    let good = dir.path().join("good.csv");
    std::fs::write(
        &good,
        format!("{ETSY_HEADER}\nMug,Stoneware,4,EUR,2,,,,,,,,,,,MUG-1\n"),
    )
    .unwrap();
    let out = cli(
        &store,
        &[
            "listings",
            "import",
            good.to_str().unwrap(),
            "--format",
            "etsy",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).lines().next(),
        Some("1 imported, 0 updated, 0 rejected")
    );

    let out = cli(&store, &["listings", "import", "/nonexistent/x.csv"]);
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    let out = cli(&store, &["listings", "import", f, "--format", "amazon"]);
    assert_eq!(out.status.code(), Some(2), "{out:?}");

    let exported = dir.path().join("out.csv");
    let out = cli(&store, &["listings", "export", exported.to_str().unwrap()]);
    assert!(out.status.success(), "{out:?}");
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        format!("4 listings written to {}", exported.display())
    );
    let out = cli(
        &store,
        &[
            "listings",
            "import",
            exported.to_str().unwrap(),
            "--dry-run",
            "--json",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        (v["imported"].as_u64(), v["updated"].as_u64()),
        (Some(0), Some(4))
    );
}
