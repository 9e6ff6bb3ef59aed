//! `vefa info`, `vefa profile …` and `vefa notify-test`: the store, the seller's profile, and
//! a test of the desktop notifications.

use std::process::ExitCode;
use std::sync::Arc;

use clap::Subcommand;
use vefa::infra::notifications::DesktopNotifier;
use vefa::locale::UiLanguage;
use vefa::{Error, FieldCode, ProfileInput, Vefa};

#[derive(Subcommand)]
pub enum ProfileCommand {
    Show {
        #[arg(long)]
        json: bool,
    },
    /// Change the fields given; the others keep their values.
    Set {
        #[arg(long)]
        shop_name: Option<String>,
        #[arg(long)]
        contact_name: Option<String>,
        #[arg(long)]
        phone: Option<String>,
        #[arg(long)]
        email: Option<String>,
        /// en, az, tr or fa.
        #[arg(long)]
        ui_language: Option<String>,
        /// Comma-separated language codes, e.g. `az,tr`.
        #[arg(long)]
        languages: Option<String>,
        #[arg(long)]
        currency: Option<String>,
    },
}

/// Where the store is and which schema it has.
pub fn info(vefa: &Vefa, json: bool) -> Result<ExitCode, Error> {
    let info = vefa.info();
    if json {
        println!("{}", serde_json::to_string_pretty(info).unwrap_or_default());
    } else {
        println!("store:          {}", info.location);
        println!("backend:        {}", info.backend);
        println!(
            "schema version: {} ({} migrations)",
            info.schema_version, info.migrations_applied
        );
        if let Some(b) = &info.backup {
            println!("backup taken:   {b}");
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub async fn profile(vefa: &Vefa, command: ProfileCommand) -> Result<ExitCode, Error> {
    match command {
        ProfileCommand::Show { json } => {
            let p = vefa.profile().await?;
            if json {
                println!("{}", serde_json::to_string_pretty(&p).unwrap_or_default());
            } else {
                println!("shop:      {}", p.shop_name);
                println!("contact:   {}", p.contact_name);
                println!("phone:     {}", p.phone);
                println!("e-mail:    {}", p.email);
                println!("languages: {}", p.languages.join(", "));
                println!("currency:  {}", p.currency);
                println!("interface: {}", p.ui_language.code());
                println!(
                    "photo:     {}",
                    p.photo
                        .as_ref()
                        .map(|ph| format!("{}×{} {}", ph.width, ph.height, ph.mime))
                        .unwrap_or_else(|| "none".into())
                );
            }
        }
        ProfileCommand::Set {
            shop_name,
            contact_name,
            phone,
            email,
            ui_language,
            languages,
            currency,
        } => {
            let p = vefa.profile().await?;
            let ui_language = match ui_language {
                Some(code) => UiLanguage::from_code(&code).ok_or_else(|| {
                    Error::Validation(vec![
                        vefa::FieldError::new("ui_language", FieldCode::Unknown)
                            .with("value", code),
                    ])
                })?,
                None => p.ui_language,
            };
            let input = ProfileInput {
                shop_name: shop_name.unwrap_or(p.shop_name),
                contact_name: contact_name.unwrap_or(p.contact_name),
                phone: phone.unwrap_or(p.phone),
                email: email.unwrap_or(p.email),
                ui_language,
                languages: languages
                    .map(|l| {
                        l.split(',')
                            .map(str::to_owned)
                            .filter(|s| !s.trim().is_empty())
                            .collect()
                    })
                    .unwrap_or(p.languages),
                currency: currency.unwrap_or(p.currency),
            };
            let saved = vefa.save_profile(&input).await?;
            println!("profile saved: {}", saved.shop_name);
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// A desktop notification, or why there is none.
pub async fn notify_test(vefa: &Vefa) -> Result<ExitCode, Error> {
    let note = vefa
        .send_test_notification(Arc::new(DesktopNotifier::new(vefa::APP_ID)))
        .await?;
    println!("shown: {} — {}", note.summary, note.body);
    Ok(ExitCode::SUCCESS)
}
