//! Debian packages the app and the test suite need, installed with apt when missing.

use std::process::Command;

use crate::steps::{Result, run};

/// What Tauri needs to build and run on Linux.
pub const APP: &[&str] = &[
    "build-essential",
    "pkg-config",
    "curl",
    "libwebkit2gtk-4.1-dev",
    "libayatana-appindicator3-dev",
    "librsvg2-dev",
    // PostgreSQL connections use the OS's TLS (OpenSSL here) and its trusted certificates.
    "libssl-dev",
    // The keychain (the Secret Service, over libdbus) holds the SMTP password.
    "libdbus-1-dev",
];

/// What the test suite adds: a display, a WebDriver, a private D-Bus with a notification daemon,
/// a PostgreSQL server, an SMTP server.
pub const TEST: &[&str] = &[
    "xauth",
    "xvfb",
    "x11-utils",
    "webkit2gtk-driver",
    "dbus",
    "dunst",
    "postgresql",
    // A real SMTP server for the mail tests (run with Debian's /usr/bin/python3).
    "python3-aiosmtpd",
    // A real Secret Service for the keychain test, on a private session bus.
    "gnome-keyring",
];

fn installed(package: &str) -> bool {
    Command::new("dpkg-query")
        .args(["-W", "-f=${Status}", package])
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).contains("install ok installed"))
        .unwrap_or(false)
}

pub fn ensure(packages: &[&str]) -> Result<()> {
    if !cfg!(target_os = "linux")
        || Command::new("dpkg-query")
            .arg("--version")
            .output()
            .is_err()
    {
        // Not Debian: the README lists what to install by hand.
        return Ok(());
    }
    let missing: Vec<&str> = packages.iter().copied().filter(|p| !installed(p)).collect();
    if missing.is_empty() {
        return Ok(());
    }
    let is_root = Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false);
    let sudo_works = !is_root
        && Command::new("sudo")
            .args(["-n", "true"])
            .status()
            .map(|s| s.success())
            .unwrap_or(false);
    let apt = |args: &[&str]| -> Vec<String> {
        let mut v: Vec<String> = Vec::new();
        if !is_root {
            v.extend(["sudo".into(), "-n".into()]);
        }
        v.push("apt-get".into());
        v.extend(args.iter().map(|s| s.to_string()));
        v
    };
    let install = {
        let mut a = vec!["install", "-y", "-q", "--no-install-recommends"];
        a.extend(missing.iter().copied());
        apt(&a)
    };
    if !is_root && !sudo_works {
        return Err(format!(
            "these system packages are missing: {}\ninstall them with:\n  sudo apt-get update && sudo {}",
            missing.join(" "),
            install[2..].join(" ")
        ));
    }
    eprintln!("xtask: installing {}", missing.join(" "));
    let update = apt(&["update", "-q"]);
    run(Command::new(&update[0]).args(&update[1..]))?;
    run(Command::new(&install[0])
        .args(&install[1..])
        .env("DEBIAN_FRONTEND", "noninteractive"))?;
    Ok(())
}
