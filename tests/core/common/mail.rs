//! Mail on loopback: a real SMTP server (aiosmtpd), and a shop with one order whose buyer
//! has an e-mail address.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

use vefa::catalog::listings::{ListingInput, Variant};
use vefa::locale::UiLanguage;
use vefa::messages::{Draft, MessageKind, Security, SmtpMailer, SmtpSettings};
use vefa::orders::{Act, NewOrder, OrderChannel};
use vefa::{ProfileInput, Vefa};

/// aiosmtpd on 127.0.0.1, in one of the modes of `tests/support/smtp_server.py`.
pub struct SmtpServer {
    child: Child,
    pub port: u16,
    maildir: tempfile::TempDir,
}

impl SmtpServer {
    pub fn start(mode: &str) -> Self {
        Self::start_with(mode, None)
    }

    /// A server that wants this login.
    pub fn start_with(mode: &str, login: Option<(&str, &str)>) -> Self {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let maildir = tempfile::tempdir().unwrap();
        let script = super::repo().join("tests/support/smtp_server.py");
        // Debian's python3, which has python3-aiosmtpd (`cargo xtask test` installs it).
        let mut child = Command::new("/usr/bin/python3")
            .arg(script)
            .args([mode, &port.to_string()])
            .arg(maildir.path())
            .args(login.map(|(u, p)| [u, p]).into_iter().flatten())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("/usr/bin/python3 with python3-aiosmtpd (`cargo xtask test` installs it)");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        assert_eq!(line.trim(), "READY", "the SMTP server did not start");
        SmtpServer {
            child,
            port,
            maildir,
        }
    }

    pub fn settings(&self) -> SmtpSettings {
        SmtpSettings {
            host: "127.0.0.1".into(),
            port: self.port,
            security: Security::None,
            username: String::new(),
            from_email: "rena@kilimevi.az".into(),
            from_name: "Rəna — Kilim Evi".into(),
        }
    }

    pub fn mailer(&self) -> SmtpMailer {
        SmtpMailer::new(&self.settings(), None).unwrap()
    }

    pub fn received(&self) -> Vec<serde_json::Value> {
        let mut files: Vec<_> = std::fs::read_dir(self.maildir.path())
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|x| x == "json"))
            .collect();
        files.sort();
        files
            .iter()
            .map(|p| serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap())
            .collect()
    }
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub async fn shop(v: &Vefa) -> i32 {
    v.save_profile(&ProfileInput {
        shop_name: "Kilim Evi".into(),
        contact_name: "Rəna Əliyeva".into(),
        phone: "+994 55 765 43 21".into(),
        email: "rena@kilimevi.az".into(),
        ui_language: UiLanguage::En,
        languages: vec!["az".into()],
        currency: "AZN".into(),
    })
    .await
    .unwrap();
    let mut l = ListingInput::draft("Yun kilim 120×80", "AZN");
    l.price.minor = 45_000;
    l.variants = vec![Variant {
        sku: "KLM-1".into(),
        quantity: 10,
        ..Default::default()
    }];
    v.create_listing(&l).await.unwrap();
    let mut order =
        NewOrder::new(OrderChannel::Phone, "Leyla Məmmədova", "AZN").with_sku("KLM-1", 2);
    order.buyer.email = Some("leyla@example.az".into());
    order.buyer.phone = Some("+994501234567".into());
    order.buyer.language = Some("az".into());
    order.shipping = Some("7".into());
    v.add_order(&order).await.unwrap().id
}

pub async fn confirm_with_message(v: &Vefa, id: i32) -> Draft {
    let draft = v
        .draft_order_message(id, MessageKind::OrderConfirmation, None)
        .await
        .unwrap();
    v.act_on_order_with_message(id, &Act::Confirm, Some(&draft))
        .await
        .unwrap();
    draft
}
