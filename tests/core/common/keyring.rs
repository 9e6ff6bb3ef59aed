//! A real Secret Service for tests that go through the OS keychain: a private session bus with
//! gnome-keyring on it, unlocked, in a temp home. Pass `address` as `DBUS_SESSION_BUS_ADDRESS`
//! to the processes that should use it.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

/// A private session bus with a real Secret Service (gnome-keyring), unlocked, in a temp home.
pub struct Keyring {
    bus: Child,
    daemon: Child,
    pub address: String,
    _home: tempfile::TempDir,
}

impl Keyring {
    pub fn start() -> Self {
        use std::io::Write;
        let home = tempfile::tempdir().unwrap();
        let mut bus = Command::new("dbus-daemon")
            .args(["--session", "--nofork", "--print-address=1"])
            .stdout(Stdio::piped())
            .spawn()
            .expect("dbus-daemon (`cargo xtask test` installs it)");
        let mut address = String::new();
        BufReader::new(bus.stdout.take().unwrap())
            .read_line(&mut address)
            .unwrap();
        let address = address.trim().to_owned();
        let mut daemon = Command::new("gnome-keyring-daemon")
            .args(["--unlock", "--components=secrets", "--foreground"])
            .env("DBUS_SESSION_BUS_ADDRESS", &address)
            .env("HOME", home.path())
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("gnome-keyring-daemon (`cargo xtask test` installs gnome-keyring)");
        // The login keyring's own password, then end of input: it is created unlocked.
        let mut stdin = daemon.stdin.take().unwrap();
        stdin.write_all(b"keyring-password").unwrap();
        drop(stdin);
        // Ready once it owns the Secret Service name on the bus.
        for _ in 0..100 {
            let owned = Command::new("dbus-send")
                .args([
                    "--session",
                    "--print-reply",
                    "--dest=org.freedesktop.DBus",
                    "/org/freedesktop/DBus",
                    "org.freedesktop.DBus.NameHasOwner",
                    "string:org.freedesktop.secrets",
                ])
                .env("DBUS_SESSION_BUS_ADDRESS", &address)
                .output()
                .unwrap();
            if String::from_utf8_lossy(&owned.stdout).contains("boolean true") {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        Keyring {
            bus,
            daemon,
            address,
            _home: home,
        }
    }
}

impl Drop for Keyring {
    fn drop(&mut self) {
        for c in [&mut self.daemon, &mut self.bus] {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}
