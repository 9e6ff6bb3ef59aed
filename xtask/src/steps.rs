//! The steps `run`, `test` and `e2e` are made of.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use crate::{packages, postgres};

pub type Result<T = ()> = std::result::Result<T, String>;

pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives in the workspace")
        .to_path_buf()
}

pub fn run(cmd: &mut Command) -> Result {
    let shown = format!("{cmd:?}");
    eprintln!("$ {shown}");
    let status = cmd
        .status()
        .map_err(|e| format!("could not start {shown}: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("{shown} failed ({status})"))
    }
}

pub fn cargo() -> Command {
    let mut c = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    c.current_dir(root());
    // A clean CI clone never reuses incremental caches, and they double the target folder's size
    // (CI once ran out of disk); a developer's own setting is left alone.
    if std::env::var_os("CI").is_some() && std::env::var_os("CARGO_INCREMENTAL").is_none() {
        c.env("CARGO_INCREMENTAL", "0");
    }
    c
}

fn npm() -> Command {
    let mut c = Command::new("npm");
    c.current_dir(root().join("ui"));
    c
}

fn ensure_node() -> Result {
    let ok = Command::new("node")
        .arg("--version")
        .output()
        .map(|o| {
            let v = String::from_utf8_lossy(&o.stdout);
            let major: u32 = v
                .trim_start_matches('v')
                .split('.')
                .next()
                .and_then(|m| m.parse().ok())
                .unwrap_or(0);
            major >= 20
        })
        .unwrap_or(false);
    if !ok {
        packages::ensure(&["nodejs", "npm"])?;
    }
    Command::new("npm").arg("--version").output().map(|_| ()).map_err(|_| {
        "Node.js 20 or newer with npm is needed to build the UI: install it from your distribution or nodejs.org".to_string()
    })
}

/// `npm ci` when node_modules is missing or older than the lock file.
fn npm_install() -> Result {
    ensure_node()?;
    let ui = root().join("ui");
    let stamp = ui.join("node_modules/.package-lock.json");
    let lock = ui.join("package-lock.json");
    let fresh = match (
        stamp.metadata().and_then(|m| m.modified()),
        lock.metadata().and_then(|m| m.modified()),
    ) {
        (Ok(installed), Ok(locked)) => installed >= locked,
        _ => false,
    };
    if !fresh {
        run(npm().args(["ci", "--no-audit", "--no-fund"]))?;
    }
    Ok(())
}

fn build_ui() -> Result {
    npm_install()?;
    run(npm().args(["run", "build"]))
}

pub fn run_app(args: &[String]) -> Result {
    packages::ensure(packages::APP)?;
    build_ui()?;
    let mut c = cargo();
    c.args(["run", "-p", "vefa-desktop", "--"]).args(args);
    run(&mut c)
}

/// Named, timed steps; the summary at the end says where the time went.
struct Steps {
    started: Instant,
    done: Vec<(String, f64)>,
}

impl Steps {
    fn new() -> Self {
        Self {
            started: Instant::now(),
            done: Vec::new(),
        }
    }

    fn step(&mut self, name: &str, f: impl FnOnce() -> Result) -> Result {
        eprintln!("\n=== {name}");
        let t = Instant::now();
        let r = f();
        self.done.push((name.to_owned(), t.elapsed().as_secs_f64()));
        r.map_err(|e| format!("{name}: {e}"))
    }

    fn summary(&self) -> f64 {
        eprintln!("\n=== time per step");
        for (name, secs) in &self.done {
            eprintln!("{secs:>8.1} s  {name}");
        }
        let total = self.started.elapsed().as_secs_f64();
        eprintln!("{total:>8.1} s  total");
        total
    }
}

pub fn test_all() -> Result {
    let mut s = Steps::new();
    let result = test_steps(&mut s);
    let total = s.summary();
    if result.is_ok() {
        let dir = root().join("target/xtask");
        let _ = std::fs::create_dir_all(&dir);
        let _ = std::fs::write(dir.join("last-test-seconds"), format!("{total:.0}\n"));
    }
    result
}

fn test_steps(s: &mut Steps) -> Result {
    s.step("system packages", || {
        packages::ensure(packages::APP)?;
        packages::ensure(packages::TEST)
    })?;
    s.step("npm packages", npm_install)?;
    s.step(
        "layers (no upward or sideways import in the core)",
        crate::layers::check,
    )?;
    s.step("cargo fmt --check", || {
        run(cargo().args(["fmt", "--all", "--", "--check"]))
    })?;
    s.step("UI type check (svelte-check)", || {
        run(npm().args(["run", "check"]))
    })?;
    s.step(
        "UI unit tests (vitest)",
        || run(npm().args(["run", "test"])),
    )?;
    // The desktop crate embeds the built UI, so build it before anything compiles that crate.
    s.step("UI build", || run(npm().args(["run", "build"])))?;
    s.step("clippy -D warnings", || {
        run(cargo().args([
            "clippy",
            "--workspace",
            "--all-targets",
            "--",
            "-D",
            "warnings",
        ]))
    })?;
    s.step(
        "Rust tests on SQLite and PostgreSQL, bindings check",
        || {
            let pg = postgres::Server::start()?;
            // Libraries, binaries and test binaries only: the benchmark examples are type-checked
            // by clippy above, and linking them on every test run costs minutes on two cores.
            run(cargo()
                .args([
                    "test",
                    "--workspace",
                    "--exclude",
                    "vefa-e2e",
                    "--lib",
                    "--bins",
                    "--tests",
                ])
                .env("VEFA_TEST_POSTGRES_URL", &pg.url))
        },
    )?;
    s.step("end-to-end (real app under Xvfb)", e2e)
}

pub fn e2e_only() -> Result {
    packages::ensure(packages::APP)?;
    packages::ensure(packages::TEST)?;
    build_ui()?;
    e2e()
}

fn e2e() -> Result {
    // The CLI is built too: a test writes with it while the window is open.
    run(cargo().args(["build", "-p", "vefa-cli", "-p", "vefa-desktop"]))?;
    let app = root().join("target/debug/vefa-desktop");
    run(cargo()
        .args([
            "test",
            "-p",
            "vefa-e2e",
            "--test",
            "e2e",
            "--",
            "--test-threads=1",
        ])
        .env("VEFA_E2E_APP", &app)
        .env("VEFA_E2E_SCREENSHOTS", root().join("target/e2e")))
}

/// One command against a throwaway PostgreSQL server, for running part of the suite by hand.
pub fn with_postgres(command: &[String]) -> Result {
    packages::ensure(packages::TEST)?;
    let pg = postgres::Server::start()?;
    run(Command::new(&command[0])
        .args(&command[1..])
        .env("VEFA_TEST_POSTGRES_URL", &pg.url))
}

pub fn bindings() -> Result {
    run(cargo()
        .args(["test", "-p", "vefa-desktop", "--lib", "bindings"])
        .env("VEFA_UPDATE_BINDINGS", "1"))
}
