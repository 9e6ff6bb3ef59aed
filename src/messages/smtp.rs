//! Sending e-mail to buyers through the seller's SMTP server (lettre). Settings live in the
//! store; the password is handed in by the caller (from the OS keychain), never stored here.

use crate::error::FieldCode;
use std::time::Duration;

use lettre::message::header::ContentType;
use lettre::message::{Attachment, Mailbox, MultiPart, SinglePart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use serde::{Deserialize, Serialize};
use specta::Type;

use super::outbox::{Attempt, OutboxEntry};
use crate::error::FieldError;
use crate::fields::{Errors, email};

/// How long one message may take, connection included, before it counts as a failed attempt.
const SEND_TIMEOUT: Duration = Duration::from_secs(30);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum Security {
    /// TLS from the first byte (port 465).
    Tls,
    /// Plain, then STARTTLS before anything is sent (port 587); refused if the server cannot.
    StartTls,
    /// No encryption: only for a server on this machine or a test server.
    None,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct SmtpSettings {
    pub host: String,
    pub port: u16,
    pub security: Security,
    /// Empty when the server needs no login.
    pub username: String,
    pub from_email: String,
    /// The name buyers see, usually the seller's own.
    pub from_name: String,
}

pub fn check(s: &SmtpSettings) -> Result<SmtpSettings, Vec<FieldError>> {
    let mut e = Errors::default();
    let host = e.line("smtp.host", &s.host, 253, true);
    if s.port == 0 {
        e.push(
            FieldError::new("smtp.port", FieldCode::OutOfRange)
                .with("min", 1)
                .with("max", 65535),
        );
    }
    let username = e.line("smtp.username", &s.username, 254, false);
    let from_email = match email(&s.from_email) {
        Some(a) => a,
        None => {
            e.push(
                FieldError::new("smtp.from_email", FieldCode::EmailInvalid)
                    .with("value", &s.from_email),
            );
            String::new()
        }
    };
    let from_name = e.line("smtp.from_name", &s.from_name, 200, false);
    e.finish(SmtpSettings {
        host,
        port: s.port,
        security: s.security,
        username,
        from_email,
        from_name,
    })
}

pub struct SmtpMailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
    domain: String,
    photo: Option<SenderPhoto>,
}

/// The seller's photo, shown with every message: buyers trust a person.
#[derive(Debug, Clone)]
pub struct SenderPhoto {
    pub bytes: Vec<u8>,
    /// image/png, image/jpeg or image/webp (checked when it was stored).
    pub mime: String,
}

impl SmtpMailer {
    /// `password` is required when the settings name a user.
    pub fn new(s: &SmtpSettings, password: Option<String>) -> Result<Self, String> {
        let s = check(s).map_err(|f| {
            f.iter()
                .map(FieldError::english)
                .collect::<Vec<_>>()
                .join("; ")
        })?;
        let builder = match s.security {
            Security::Tls => {
                AsyncSmtpTransport::<Tokio1Executor>::relay(&s.host).map_err(|e| e.to_string())?
            }
            Security::StartTls => AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(&s.host)
                .map_err(|e| e.to_string())?,
            Security::None => AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&s.host),
        };
        let mut builder = builder.port(s.port).timeout(Some(SEND_TIMEOUT));
        if !s.username.is_empty() {
            let password = password.ok_or("the SMTP password is not in the keychain")?;
            builder = builder.credentials(Credentials::new(s.username.clone(), password));
        }
        let address = s.from_email.parse().map_err(|e| format!("{e}"))?;
        let name = (!s.from_name.is_empty()).then(|| s.from_name.clone());
        let domain = s
            .from_email
            .rsplit_once('@')
            .map(|(_, d)| d.to_owned())
            .unwrap_or_default();
        Ok(Self {
            transport: builder.build(),
            from: Mailbox::new(name, address),
            domain,
            photo: None,
        })
    }

    /// Sends the seller's photo with every message, shown inline after the text.
    pub fn with_photo(mut self, photo: Option<SenderPhoto>) -> Self {
        self.photo = photo;
        self
    }

    /// One attempt at one message. A 5xx answer is permanent; anything else may pass later.
    pub async fn send(&self, m: &OutboxEntry) -> Attempt {
        let to: Mailbox = match m.recipient.parse() {
            Ok(to) => to,
            Err(e) => return Attempt::Permanent(format!("recipient {}: {e}", m.recipient)),
        };
        // The same Message-ID on every attempt, so a buyer's mail program can drop a copy
        // sent twice (an attempt the server took just as the app closed).
        let message = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(m.subject.clone())
            .message_id(Some(format!(
                "<vefa.{}.{}@{}>",
                m.id,
                m.created_at.timestamp(),
                self.domain
            )));
        let message = match &self.photo {
            None => message.header(ContentType::TEXT_PLAIN).body(m.body.clone()),
            Some(p) => {
                let ext = p.mime.rsplit('/').next().unwrap_or("img");
                let kind = ContentType::parse(&p.mime).unwrap_or(ContentType::TEXT_PLAIN);
                message.multipart(
                    MultiPart::mixed()
                        .singlepart(SinglePart::plain(m.body.clone()))
                        .singlepart(
                            Attachment::new_inline_with_name(
                                "seller-photo".into(),
                                format!("photo.{ext}"),
                            )
                            .body(p.bytes.clone(), kind),
                        ),
                )
            }
        };
        let message = match message {
            Ok(msg) => msg,
            Err(e) => return Attempt::Permanent(format!("message: {e}")),
        };
        match tokio::time::timeout(SEND_TIMEOUT, self.transport.send(message)).await {
            Err(_) => Attempt::Transient("the server did not answer in time".into()),
            Ok(Ok(_)) => Attempt::Sent,
            Ok(Err(e)) if e.is_permanent() => Attempt::Permanent(e.to_string()),
            Ok(Err(e)) => Attempt::Transient(e.to_string()),
        }
    }
}
