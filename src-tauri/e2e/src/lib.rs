//! The end-to-end harness: a private desktop for each test — Xvfb, a private D-Bus session bus with
//! a real notification daemon (dunst) and a `dbus-monitor` recording what it was asked to show —
//! and WebKitWebDriver launching the real `vefa-desktop` binary. Every process it starts is
//! killed when the `Desktop` drops.
//!
//! WebKitWebDriver is driven directly: tauri-driver only forwards to it, and its proxy drops a
//! share of new sessions on small machines.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::json;

pub use fantoccini;

const WAIT: Duration = Duration::from_secs(30);

/// The app binary under test, built by `cargo xtask e2e`.
pub fn app_binary() -> PathBuf {
    let path = PathBuf::from(
        std::env::var("VEFA_E2E_APP")
            .expect("VEFA_E2E_APP must name the vefa-desktop binary: run `cargo xtask e2e`"),
    );
    assert!(
        path.exists(),
        "the app binary {} does not exist",
        path.display()
    );
    path
}

/// The `vefa` CLI beside the app binary.
pub fn cli_binary() -> PathBuf {
    let cli = app_binary().with_file_name("vefa");
    assert!(
        cli.exists(),
        "the vefa CLI {} does not exist",
        cli.display()
    );
    cli
}

/// Runs the `vefa` CLI on the store in `data` (as a script would while the window is open) and
/// returns what it printed; fails the test when it fails.
pub fn cli(data: &Path, args: &[&str]) -> String {
    let out = std::process::Command::new(cli_binary())
        .args(["--db", data.join("vefa.sqlite").to_str().unwrap()])
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "vefa {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Kilim Evi (Azerbaijani, manats) with one kilim, KILIM-1 at 251 AZN, and order 1: Leyla
/// Məmmədova's phone order for one — all through the CLI, as a seller's second desk would.
pub fn kilim_shop_with_an_order(d: &Path) {
    cli(
        d,
        &[
            "profile",
            "set",
            "--shop-name",
            "Kilim Evi",
            "--contact-name",
            "Rəna",
            "--email",
            "rena@kilimevi.az",
            "--languages",
            "az",
            "--currency",
            "AZN",
        ],
    );
    let csv = d.join("etsy.csv");
    let rows = "TITLE,DESCRIPTION,PRICE,CURRENCY_CODE,QUANTITY,SKU\n\
                Yun kilim,Əl toxuması,251,AZN,5,KILIM-1\n";
    std::fs::write(&csv, rows).unwrap();
    cli(d, &["listings", "import", csv.to_str().unwrap()]);
    phone_order(d, "Leyla Məmmədova", "leyla@example.az", "KILIM-1");
}

/// A phone order for one unit of `sku` by an Azerbaijani-speaking buyer, through the CLI.
pub fn phone_order(d: &Path, name: &str, email: &str, sku: &str) {
    let order = d.join("order.json");
    let json = serde_json::json!({
        "channel": "phone",
        "buyer": {"name": name, "email": email, "language": "az"},
        "lines": [{"sku": sku, "quantity": 1}],
        "currency": "AZN",
    });
    std::fs::write(&order, json.to_string()).unwrap();
    cli(d, &["orders", "add", "--file", order.to_str().unwrap()]);
}

fn screenshots_dir() -> PathBuf {
    let dir = std::env::var_os("VEFA_E2E_SCREENSHOTS")
        .map(PathBuf::from)
        .unwrap_or_else(|| std::env::temp_dir().join("vefa-e2e"));
    std::fs::create_dir_all(&dir).expect("screenshot folder");
    dir
}

struct Proc(&'static str, Child);

impl Drop for Proc {
    fn drop(&mut self) {
        // A helper that died before the test ended explains many odd failures: say so.
        if let Ok(Some(status)) = self.1.try_wait() {
            eprintln!("e2e: {} had already exited ({status})", self.0);
        }
        let _ = self.1.kill();
        let _ = self.1.wait();
    }
}

fn spawn(name: &'static str, cmd: &mut Command) -> Proc {
    let child = cmd
        .spawn()
        .unwrap_or_else(|e| panic!("could not start {name} ({e}): `cargo xtask e2e` installs it"));
    Proc(name, child)
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free loopback port")
}

/// Reads one line a child prints on stdout (Xvfb's display number, dbus-daemon's address).
fn first_line(child: &mut Child, what: &str) -> String {
    let out = child.stdout.take().expect("piped stdout");
    let mut line = String::new();
    BufReader::new(out)
        .read_line(&mut line)
        .unwrap_or_else(|e| panic!("reading {what}: {e}"));
    let line = line.trim().to_owned();
    assert!(!line.is_empty(), "{what} printed nothing");
    line
}

pub struct Desktop {
    pub display: String,
    pub bus: String,
    port: u16,
    monitor_log: PathBuf,
    _dir: tempfile::TempDir,
    procs: Vec<Proc>,
}

impl Drop for Desktop {
    /// Stops the helpers in reverse order: the driver and the app before the bus and the display.
    fn drop(&mut self) {
        while let Some(p) = self.procs.pop() {
            drop(p);
        }
    }
}

impl Desktop {
    pub fn start() -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut procs = Vec::new();

        let mut xvfb = Command::new("Xvfb");
        xvfb.args([
            "-displayfd",
            "1",
            "-screen",
            "0",
            "1280x860x24",
            "-nolisten",
            "tcp",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
        let mut x = spawn("Xvfb", &mut xvfb);
        let display = format!(":{}", first_line(&mut x.1, "Xvfb's display"));
        procs.push(x);

        let mut bus = spawn(
            "dbus-daemon",
            Command::new("dbus-daemon")
                .args(["--session", "--nofork", "--print-address=1"])
                .stdout(Stdio::piped())
                .stderr(Stdio::null()),
        );
        let address = first_line(&mut bus.1, "dbus-daemon's address");
        procs.push(bus);

        let monitor_log = dir.path().join("notify-calls.txt");
        let log = std::fs::File::create(&monitor_log).expect("monitor log");
        procs.push(spawn(
            "dbus-monitor",
            Command::new("dbus-monitor")
                .args([
                    "--address",
                    &address,
                    "interface='org.freedesktop.Notifications',member='Notify'",
                ])
                .stdout(log)
                .stderr(Stdio::null()),
        ));
        procs.push(spawn(
            "dunst",
            Command::new("dunst")
                .env("DISPLAY", &display)
                .env("DBUS_SESSION_BUS_ADDRESS", &address)
                .env("HOME", dir.path())
                .stdout(Stdio::null())
                .stderr(Stdio::null()),
        ));

        let port = free_port();
        procs.push(spawn(
            "WebKitWebDriver",
            Command::new("WebKitWebDriver")
                .arg(format!("--port={port}"))
                .env("DISPLAY", &display)
                .env("DBUS_SESSION_BUS_ADDRESS", &address)
                .env("TAURI_WEBVIEW_AUTOMATION", "true")
                .env("VEFA_LOG", "info")
                .stdout(Stdio::null()),
        ));

        let desktop = Desktop {
            display,
            bus: address,
            port,
            monitor_log,
            _dir: dir,
            procs,
        };
        desktop.wait_until_listening();
        desktop
    }

    fn wait_until_listening(&self) {
        for _ in 0..100 {
            if std::net::TcpStream::connect(("127.0.0.1", self.port)).is_ok() {
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        panic!(
            "WebKitWebDriver did not start listening on 127.0.0.1:{}",
            self.port
        );
    }

    /// Starts the app on `data_dir` in a new WebDriver session.
    pub async fn launch(&self, data_dir: &Path) -> App {
        let mut caps = serde_json::Map::new();
        caps.insert(
            "webkitgtk:browserOptions".into(),
            json!({ "binary": app_binary(), "args": ["--data-dir", data_dir] }),
        );
        let url = format!("http://127.0.0.1:{}", self.port);
        let mut last = String::new();
        // A new session is occasionally reset in its first second on a loaded machine: retry.
        for _ in 0..4 {
            let mut builder = ClientBuilder::rustls().expect("TLS roots");
            builder.capabilities(caps.clone());
            match builder.connect(&url).await {
                Ok(client) => {
                    let app = App { client };
                    app.wait_ready().await;
                    return app;
                }
                Err(e) => {
                    last = e.to_string();
                    tokio::time::sleep(Duration::from_secs(1)).await;
                }
            }
        }
        panic!("could not start a WebDriver session with the app: {last}");
    }

    /// Everything the notification daemon was asked to show so far, as dbus-monitor printed it.
    pub fn notify_calls(&self) -> String {
        std::fs::read_to_string(&self.monitor_log).unwrap_or_default()
    }

    /// Waits until a notification containing `text` was sent to the daemon.
    pub async fn wait_for_notification(&self, text: &str) -> String {
        for _ in 0..100 {
            let calls = self.notify_calls();
            if calls.contains(text) {
                return calls;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!(
            "no notification with {text:?} reached the daemon; it saw:\n{}",
            self.notify_calls()
        );
    }
}

pub struct App {
    pub client: Client,
}

impl App {
    /// Waits until the first screen is interactive (the profile form on a new shop, the
    /// dashboard otherwise); fails at once with the app's own words when it shows its "store
    /// cannot be opened" screen instead.
    pub async fn wait_ready(&self) {
        let first = self
            .wait("#save-profile, #health-summary, #health-empty, #fatal-error")
            .await;
        if first.attr("id").await.ok().flatten().as_deref() == Some("fatal-error") {
            panic!(
                "the app could not open its store: {}",
                first.text().await.unwrap_or_default()
            );
        }
    }

    pub async fn wait(&self, css: &str) -> fantoccini::elements::Element {
        self.client
            .wait()
            .at_most(WAIT)
            .for_element(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("{css} did not appear: {e}"))
    }

    /// Waits until the element's text contains `expected`; returns the text.
    pub async fn wait_for_text(&self, css: &str, expected: &str) -> String {
        let mut last = String::new();
        for _ in 0..150 {
            if let Ok(el) = self.client.find(Locator::Css(css)).await {
                last = el.text().await.unwrap_or_default();
                if last.contains(expected) {
                    return last;
                }
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        panic!("{css} never said {expected:?}; last it said {last:?}");
    }

    /// Like `wait_for_text`, but reads the DOM's `textContent`: WebKitWebDriver reports no text
    /// for an element clipped with `text-overflow: ellipsis` even when it is on screen.
    pub async fn wait_for_content(&self, css: &str, expected: &str) -> String {
        let script = format!(
            "return document.querySelector({}) ?.textContent ?? ''",
            serde_json::to_string(css).unwrap()
        );
        let mut last = String::new();
        for _ in 0..150 {
            last = self
                .js(&script)
                .await
                .as_str()
                .unwrap_or_default()
                .to_owned();
            if last.contains(expected) {
                return last;
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        panic!("{css} never held {expected:?}; last it held {last:?}");
    }

    pub async fn value(&self, css: &str) -> String {
        self.wait(css)
            .await
            .prop("value")
            .await
            .unwrap()
            .unwrap_or_default()
    }

    /// Clears a text field and types into it, as a person would.
    pub async fn fill(&self, css: &str, text: &str) {
        let field = self.wait(css).await;
        field.clear().await.unwrap();
        field.send_keys(text).await.unwrap();
    }

    pub async fn click(&self, css: &str) {
        self.wait(css).await.click().await.unwrap();
    }

    pub async fn select(&self, css: &str, value: &str) {
        self.wait(css).await.select_by_value(value).await.unwrap();
    }

    /// Types `text` as a barcode scanner does: key by key into whatever has the focus (no
    /// field is clicked first), then Enter.
    pub async fn scan(&self, text: &str) {
        use fantoccini::actions::{InputSource, KeyAction, KeyActions};
        let mut keys = KeyActions::new("scanner".into());
        for c in text
            .chars()
            .chain([char::from(fantoccini::key::Key::Enter)])
        {
            keys = keys
                .then(KeyAction::Down { value: c })
                .then(KeyAction::Up { value: c });
        }
        self.client.perform_actions(keys).await.unwrap();
    }

    pub async fn js(&self, script: &str) -> serde_json::Value {
        self.client.execute(script, vec![]).await.unwrap()
    }

    /// Saves a screenshot under `target/e2e/NAME.png`.
    pub async fn screenshot(&self, name: &str) {
        let png = self.client.screenshot().await.unwrap();
        std::fs::write(screenshots_dir().join(format!("{name}.png")), png).unwrap();
    }

    /// Ends the session, which closes the app.
    pub async fn quit(self) {
        self.client.close().await.unwrap();
        // Give the process a moment to let go of the store and its bus name.
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
}

/// A real SMTP server on 127.0.0.1 (aiosmtpd, from `tests/support/smtp_server.py` of the core)
/// that takes every message and writes it, decoded, as a JSON file.
pub struct SmtpServer {
    child: std::process::Child,
    pub port: u16,
    maildir: tempfile::TempDir,
}

impl SmtpServer {
    pub fn start() -> Self {
        use std::io::BufRead;
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let maildir = tempfile::tempdir().unwrap();
        let script =
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/support/smtp_server.py");
        let mut child = Command::new("/usr/bin/python3")
            .arg(script)
            .args(["accept", &port.to_string()])
            .arg(maildir.path())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("/usr/bin/python3 with python3-aiosmtpd (`cargo xtask test` installs it)");
        let mut line = String::new();
        std::io::BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        assert_eq!(line.trim(), "READY", "the SMTP server did not start");
        SmtpServer {
            child,
            port,
            maildir,
        }
    }

    /// Waits for the `n`-th message the server took.
    pub async fn wait_for_message(&self, n: usize) -> serde_json::Value {
        let path = self.maildir.path().join(format!("{n}.json"));
        for _ in 0..150 {
            if let Ok(text) = std::fs::read_to_string(&path) {
                return serde_json::from_str(&text).unwrap();
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("no message {n} reached the SMTP server");
    }
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
