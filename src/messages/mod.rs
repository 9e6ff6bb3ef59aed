//! Messages to buyers: the templates in four languages, the outbox every message is stored in
//! before it is sent, and the SMTP sender.

pub mod outbox;
pub mod smtp;
pub mod templates;

pub use outbox::{Attempt, Draft, MessageAction, MessageChannel, MessageStatus, OutboxEntry};
pub use smtp::{Security, SenderPhoto, SmtpMailer, SmtpSettings};
pub use templates::MessageKind;
