//! `vefa outbox …` and `vefa smtp …`: messages to buyers, and the server they go through.

use std::process::ExitCode;

use clap::Subcommand;
use vefa::infra::secrets::Keychain;
use vefa::messages::{MessageAction, Security, SmtpSettings};
use vefa::{Error, Vefa};

#[derive(Subcommand)]
pub enum OutboxCommand {
    /// Messages not yet sent (or, with --order, all of one order's messages).
    List {
        #[arg(long)]
        order: Option<i32>,
        #[arg(long)]
        json: bool,
    },
    /// Send every e-mail that is due through the SMTP server set with `vefa smtp set`.
    Send,
    /// You sent this message yourself (a phone message, a chat).
    SentByHand { id: i32 },
    /// Try a failed message again now.
    Retry { id: i32 },
    /// Do not send this message.
    Cancel { id: i32 },
}

#[derive(Subcommand)]
pub enum SmtpCommand {
    Show,
    /// Set the server messages go through.
    Set {
        #[arg(long)]
        host: String,
        #[arg(long)]
        port: u16,
        /// tls (port 465), starttls (port 587) or none (a server on this machine only).
        #[arg(long, value_parser = parse_security)]
        security: Security,
        /// The login, if the server wants one.
        #[arg(long, default_value = "")]
        username: String,
        #[arg(long)]
        from_email: String,
        #[arg(long, default_value = "")]
        from_name: String,
        /// Read the login's password from the first line of standard input and keep it in the
        /// system keychain (never on the command line, where other users could see it).
        #[arg(long)]
        password_stdin: bool,
    },
}

fn parse_security(s: &str) -> Result<Security, String> {
    match s {
        "tls" => Ok(Security::Tls),
        "starttls" => Ok(Security::StartTls),
        "none" => Ok(Security::None),
        _ => Err(format!("unknown security {s:?}: use tls, starttls or none")),
    }
}

fn no_smtp() -> Error {
    Error::Validation(vec![vefa::FieldError::new(
        "smtp",
        vefa::FieldCode::Required,
    )])
}

pub async fn run(vefa: &Vefa, command: OutboxCommand) -> Result<ExitCode, Error> {
    match command {
        OutboxCommand::List { order, json } => {
            let list = vefa.outbox(order).await?;
            if json {
                println!(
                    "{}",
                    serde_json::to_string_pretty(&list).unwrap_or_default()
                );
            } else {
                for m in list {
                    println!(
                        "{:>6}  {:<15}  order {:<7}  {:<8} {}  {}{}",
                        m.id,
                        m.status.as_str(),
                        m.order_id.map(|o| o.to_string()).unwrap_or_default(),
                        m.channel.as_str(),
                        m.recipient,
                        m.subject,
                        m.last_error.map(|e| format!("  ({e})")).unwrap_or_default()
                    );
                }
            }
        }
        OutboxCommand::Send => {
            let mailer = vefa
                .smtp_mailer(&Keychain::new(vefa::APP_ID))
                .await?
                .ok_or_else(no_smtp)?;
            let r = vefa.send_due_messages(&mailer).await?;
            println!(
                "sent {}, to try again later {}, failed {}",
                r.sent, r.retrying, r.failed
            );
        }
        OutboxCommand::SentByHand { id } => {
            vefa.act_on_message(id, MessageAction::MarkSentByHand)
                .await?;
            println!("message {id} marked as sent by hand");
        }
        OutboxCommand::Retry { id } => {
            vefa.act_on_message(id, MessageAction::RetryNow).await?;
            println!("message {id} will be sent again");
        }
        OutboxCommand::Cancel { id } => {
            vefa.act_on_message(id, MessageAction::Cancel).await?;
            println!("message {id} cancelled");
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub async fn smtp(vefa: &Vefa, command: SmtpCommand) -> Result<ExitCode, Error> {
    match command {
        SmtpCommand::Show => match vefa.smtp_settings().await? {
            Some(s) => println!("{}", serde_json::to_string_pretty(&s).unwrap_or_default()),
            None => println!("no SMTP server set"),
        },
        SmtpCommand::Set {
            host,
            port,
            security,
            username,
            from_email,
            from_name,
            password_stdin,
        } => {
            let password = if password_stdin {
                let mut line = String::new();
                std::io::stdin()
                    .read_line(&mut line)
                    .map_err(|e| Error::file(std::path::Path::new("<stdin>"), e))?;
                Some(line.trim_end_matches(['\r', '\n']).to_owned())
            } else {
                None
            };
            let settings = SmtpSettings {
                host,
                port,
                security,
                username,
                from_email,
                from_name,
            };
            let saved = vefa
                .save_smtp_login(&settings, password.as_deref(), &Keychain::new(vefa::APP_ID))
                .await?;
            println!("messages go through {}:{}", saved.host, saved.port);
        }
    }
    Ok(ExitCode::SUCCESS)
}
