//! `vefa smtp set` and `vefa outbox send`: the password from stdin into the OS keychain and from
//! there into a real SMTP server's login, and a confirmation sent from the command line.

use std::process::{Command, Stdio};

use crate::common;
use common::TestStore;
use common::keyring::Keyring;
use common::mail::{SmtpServer, confirm_with_message, shop};

/// The SMTP password goes into the OS keychain (a real Secret Service) and from there into the
/// server's login; the store never holds it.
#[tokio::test]
async fn the_smtp_password_lives_in_the_keychain_and_logs_in() {
    let store = TestStore::sqlite().await;
    let v = store.open().await;
    let id = shop(&v).await;
    confirm_with_message(&v, id).await;
    v.close().await.unwrap();
    let vefa::Location::Sqlite(db) = &store.location else {
        unreachable!()
    };
    let keyring = Keyring::start();
    let password = "s3cret pässword ✓";
    let server = SmtpServer::start_with("accept", Some(("rena", password)));
    let cli = |args: &[&str], stdin: &str| {
        use std::io::Write;
        let mut child = Command::new(env!("CARGO_BIN_EXE_vefa"))
            .arg("--db")
            .arg(db)
            .args(args)
            .env("DBUS_SESSION_BUS_ADDRESS", &keyring.address)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(stdin.as_bytes())
            .unwrap();
        child.wait_with_output().unwrap()
    };
    let port = server.port.to_string();
    let set = |user: &str, stdin: &str| {
        cli(
            &[
                "smtp",
                "set",
                "--host",
                "127.0.0.1",
                "--port",
                &port,
                "--security",
                "none",
                "--username",
                user,
                "--from-email",
                "rena@kilimevi.az",
                "--password-stdin",
            ],
            stdin,
        )
    };

    // A login with no password in the keychain is refused before anything is sent.
    let out = set("nobody", "");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = cli(&["outbox", "send"], "");
    assert_eq!(out.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("smtp.password: is required"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let out = set("rena", &format!("{password}\n"));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = cli(&["outbox", "send"], "");
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        "sent 1, to try again later 0, failed 0",
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(server.received().len(), 1);

    // The password is in no file of the store (the database, its WAL, the backups).
    let dir = db.parent().unwrap();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_file() {
            let bytes = std::fs::read(&path).unwrap();
            assert!(
                !bytes
                    .windows(password.len())
                    .any(|w| w == password.as_bytes()),
                "the password is in {}",
                path.display()
            );
        }
    }
}

/// The CLI: set the server, confirm (which queues the confirmation), send what is due.
#[tokio::test]
async fn cli_smtp_set_confirm_and_send() {
    let store = TestStore::sqlite().await;
    let v = store.open().await;
    let id = shop(&v).await;
    v.close().await.unwrap();
    let vefa::Location::Sqlite(db) = &store.location else {
        unreachable!()
    };
    let cli = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_vefa"))
            .arg("--db")
            .arg(db)
            .args(args)
            .output()
            .unwrap()
    };
    let server = SmtpServer::start("accept");
    let port = server.port.to_string();
    let out = cli(&[
        "smtp",
        "set",
        "--host",
        "127.0.0.1",
        "--port",
        &port,
        "--security",
        "none",
        "--from-email",
        "rena@kilimevi.az",
        "--from-name",
        "Rəna",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = cli(&["orders", "confirm", &id.to_string()]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("message queued to leyla@example.az"),
        "{text}"
    );
    let out = cli(&["outbox", "send"]);
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        "sent 1, to try again later 0, failed 0"
    );
    assert_eq!(server.received().len(), 1);
    let out = cli(&["outbox", "list", "--order", &id.to_string(), "--json"]);
    let list: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(list[0]["status"], "sent");
}
