//! `cargo xtask bench`: the release build's figures. Printed, never asserted.

use std::process::Command;
use std::time::Instant;

use crate::packages;
use crate::steps::{Result, cargo, root, run};

pub fn bench() -> Result {
    packages::ensure(packages::APP)?;
    packages::ensure(packages::TEST)?;
    run(Command::new("npm")
        .current_dir(root().join("ui"))
        .args(["run", "build"]))?;

    let t = Instant::now();
    // The CLI too: the order-notification figure stores orders with it, as a script would.
    run(cargo().args(["build", "--release", "-p", "vefa-desktop", "-p", "vefa-cli"]))?;
    let build_secs = t.elapsed().as_secs_f64();
    let app = root().join("target/release/vefa-desktop");
    let size = std::fs::metadata(&app)
        .map_err(|e| format!("{}: {e}", app.display()))?
        .len();

    println!("\n=== Vefa figures (release build)");
    println!("release build time (this run):          {build_secs:>7.0} s");
    println!(
        "stripped release binary size:           {:>7.2} MiB",
        size as f64 / (1024.0 * 1024.0)
    );
    run(cargo()
        .args(["run", "-q", "-p", "vefa-e2e", "--bin", "startup-bench"])
        .env("VEFA_E2E_APP", &app))?;
    run(cargo()
        .args(["run", "-q", "-p", "vefa-e2e", "--bin", "order-notify-bench"])
        .env("VEFA_E2E_APP", &app))?;
    // The catalog figures: a 100k-row import, full rescores, table pages (examples/catalog_bench.rs).
    run(cargo().args([
        "run",
        "-q",
        "--release",
        "--example",
        "catalog_bench",
        "--",
        "100000",
    ]))?;
    // The order figures: inbox pages over a million orders, adding and confirming (examples/orders_bench.rs).
    run(cargo().args([
        "run",
        "-q",
        "--release",
        "--example",
        "orders_bench",
        "--",
        "1000000",
    ]))?;
    // The inspection figures: a scan with its re-evaluation, the pick list of 500 orders
    // (examples/inspection_bench.rs).
    run(cargo().args([
        "run",
        "-q",
        "--release",
        "--example",
        "inspection_bench",
        "--",
        "500",
    ]))?;
    // The loyalty figure: a buyer's balance and tier over a 1M-entry ledger
    // (examples/loyalty_bench.rs).
    run(cargo().args([
        "run",
        "-q",
        "--release",
        "--example",
        "loyalty_bench",
        "--",
        "1000000",
    ]))?;
    // The weekly review over a million orders (examples/report_bench.rs).
    run(cargo().args([
        "run",
        "-q",
        "--release",
        "--example",
        "report_bench",
        "--",
        "1000000",
    ]))?;
    // The sync figures: a first pull of 10k orders and 5k listings from the sandbox, then nothing new
    // (examples/sync_bench.rs; the sandbox runs as the release `vefa` binary).
    run(cargo().args([
        "build",
        "-q",
        "--release",
        "-p",
        "vefa-cli",
        "--bin",
        "vefa",
    ]))?;
    run(cargo().args([
        "run",
        "-q",
        "--release",
        "--example",
        "sync_bench",
        "--",
        "10000",
        "5000",
    ]))?;
    match std::fs::read_to_string(root().join("target/xtask/last-test-seconds")) {
        Ok(s) => println!("last passing `cargo xtask test`:        {:>7} s", s.trim()),
        Err(_) => println!("last passing `cargo xtask test`:        not run on this checkout yet"),
    }
    Ok(())
}
