//! `cargo xtask bench` runs this against the release binary: time from launch to the first
//! interactive screen under Xvfb, measured directly (the app, launched by this program, prints a
//! line when the window says its first screen is interactive) and through WebDriver (which adds
//! the session's own start), and the idle memory of the app and its WebKit processes. Figures are
//! printed, never asserted.

use std::path::Path;
use std::time::{Duration, Instant};

use vefa_e2e::{Desktop, app_binary};

const RUNS: usize = 5;

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let app_path = app_binary();
    let desktop = Desktop::start();
    let mut times = Vec::new();
    let mut memory = None;
    for run in 0..RUNS {
        let data = tempfile::tempdir().unwrap();
        let started = Instant::now();
        // `launch` returns once the first screen is interactive.
        let app = desktop.launch(data.path()).await;
        times.push(started.elapsed());
        if run == RUNS - 1 {
            // Let start-up work settle before reading memory.
            tokio::time::sleep(Duration::from_secs(5)).await;
            memory = Some(app_memory(&app_path));
        }
        app.quit().await;
    }
    let ms = |d: &Duration| d.as_secs_f64() * 1000.0;
    let direct: Vec<Duration> = (0..RUNS)
        .map(|_| launch_to_ready(&desktop, &app_path))
        .collect();
    let mut direct_sorted: Vec<f64> = direct.iter().map(ms).collect();
    direct_sorted.sort_by(f64::total_cmp);
    println!(
        "launch to interactive, direct, median of {RUNS}: {:>5.0} ms (first {:.0} ms)",
        direct_sorted[RUNS / 2],
        ms(&direct[0])
    );
    let mut sorted: Vec<f64> = times.iter().map(ms).collect();
    sorted.sort_by(f64::total_cmp);
    println!(
        "cold start, first launch after build:  {:>7.0} ms",
        ms(&times[0])
    );
    println!(
        "start to interactive, median of {RUNS}:    {:>7.0} ms",
        sorted[RUNS / 2]
    );
    println!("  (each includes creating the WebDriver session, which launches the app)");
    if let Some((pss, rss, procs)) = memory {
        println!(
            "idle memory, app + WebKit processes:    {:>7.1} MB PSS ({rss:.1} MB RSS, {procs} processes)",
            pss
        );
    }
}

/// Launches the app on a fresh data folder and times until it reports its first screen ready.
fn launch_to_ready(desktop: &Desktop, app: &Path) -> Duration {
    use std::io::{BufRead, BufReader};
    let data = tempfile::tempdir().unwrap();
    let started = Instant::now();
    let mut child = std::process::Command::new(app)
        .args(["--data-dir", data.path().to_str().unwrap()])
        .env("DISPLAY", &desktop.display)
        .env("DBUS_SESSION_BUS_ADDRESS", &desktop.bus)
        .env("VEFA_REPORT_READY", "1")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("launch the app");
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            if line.map(|l| l.contains("window ready")).unwrap_or(false) {
                let _ = tx.send(started.elapsed());
                return;
            }
        }
    });
    // A window that never gets ready must not hang the benchmark.
    let ready = rx.recv_timeout(Duration::from_secs(30));
    let _ = child.kill();
    let _ = child.wait();
    ready.expect("the app did not report its window ready within 30 s")
}

/// PSS and RSS in MB of the app process and all its descendants (WebKitWebProcess,
/// WebKitNetworkProcess). PSS splits shared pages fairly, so it is the honest sum.
fn app_memory(app: &Path) -> (f64, f64, usize) {
    let procs: Vec<(u32, u32, String)> = std::fs::read_dir("/proc")
        .unwrap()
        .flatten()
        .filter_map(|e| e.file_name().to_str()?.parse::<u32>().ok())
        .filter_map(|pid| {
            let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
            let after = stat.rsplit_once(')')?.1;
            let ppid = after.split_whitespace().nth(1)?.parse().ok()?;
            let exe = std::fs::read_link(format!("/proc/{pid}/exe")).ok()?;
            Some((pid, ppid, exe.display().to_string()))
        })
        .collect();
    let roots: Vec<u32> = procs
        .iter()
        .filter(|(_, _, exe)| Path::new(exe) == app)
        .map(|(pid, _, _)| *pid)
        .collect();
    assert!(!roots.is_empty(), "the app process was not found");
    let mut family = roots.clone();
    let mut i = 0;
    while i < family.len() {
        let parent = family[i];
        family.extend(
            procs
                .iter()
                .filter(|(_, pp, _)| *pp == parent)
                .map(|(p, _, _)| *p),
        );
        i += 1;
    }
    let (mut pss, mut rss) = (0.0, 0.0);
    for pid in &family {
        let pss_before = pss;
        let rollup =
            std::fs::read_to_string(format!("/proc/{pid}/smaps_rollup")).unwrap_or_default();
        for line in rollup.lines() {
            let kb = |l: &str| {
                l.split_whitespace()
                    .nth(1)
                    .and_then(|v| v.parse::<f64>().ok())
                    .unwrap_or(0.0)
            };
            if line.starts_with("Pss:") {
                pss += kb(line) / 1024.0;
            } else if line.starts_with("Rss:") {
                rss += kb(line) / 1024.0;
            }
        }
        let name = procs
            .iter()
            .find(|(p, _, _)| p == pid)
            .map(|(_, _, exe)| exe.rsplit('/').next().unwrap_or(exe).to_owned())
            .unwrap_or_default();
        println!("  {name:<28} {:>7.1} MB PSS", pss - pss_before);
    }
    (pss, rss, family.len())
}
