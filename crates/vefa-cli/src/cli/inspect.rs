//! `vefa inspect ID …`: an order's pre-dispatch inspection from a shell — scans as a scanner
//! would type them, yes/no answers, notes, the parcel photo, finishing, overriding.

use std::path::PathBuf;
use std::process::ExitCode;
use vefa::FieldCode;

use base64::Engine;
use clap::Args;
use vefa::inspection::scan::ScanOutcome;
use vefa::inspection::{Answer, Damaged, Inspection, InspectionOp, Outcome, StepState};
use vefa::messages::{MessageChannel, MessageKind};
use vefa::shop::profile::PhotoUpload;
use vefa::{Error, FieldError, Vefa};

#[derive(Args)]
pub struct InspectArgs {
    /// The order.
    pub id: i32,
    /// A scanned SKU or barcode; repeat for each item, in the order scanned.
    #[arg(long = "scan", value_name = "CODE")]
    pub scans: Vec<String>,
    /// Answer a yes/no step: `not_damaged=yes`, `label_matches=no`. Repeatable.
    #[arg(long = "check", value_name = "STEP=yes|no")]
    pub checks: Vec<String>,
    /// With a `no`: a unit found damaged, written off the shelf (`SKU` or `SKU=N`). Repeatable.
    #[arg(long = "damaged", value_name = "SKU[=N]")]
    pub damaged: Vec<String>,
    /// Why a `no` was answered.
    #[arg(long, default_value = "")]
    pub reason_no: String,
    /// Answer a note step: `note=Gift wrapped`.
    #[arg(long = "note", value_name = "STEP=TEXT")]
    pub notes: Vec<String>,
    /// Answer a photo step with a picture file: `parcel_photo=box.jpg`.
    #[arg(long = "photo", value_name = "STEP=FILE")]
    pub photos: Vec<String>,
    /// Pass the run once its required steps are done, leaving optional ones unanswered.
    #[arg(long)]
    pub finish: bool,
    /// Start a new run after a failed one (before the scans and answers).
    #[arg(long)]
    pub restart: bool,
    /// Let the order through without a pass; the reason stays on its timeline.
    #[arg(long, value_name = "REASON")]
    pub r#override: Option<String>,
    /// Who packs (one of the team list in Settings).
    #[arg(long)]
    pub packer: Option<String>,
    /// When a step fails the run, do not queue the delay apology to the buyer.
    #[arg(long)]
    pub no_message: bool,
    #[arg(long)]
    pub json: bool,
}

fn split_pair<'a>(field: &str, s: &'a str) -> Result<(&'a str, &'a str), Error> {
    s.split_once('=')
        .map(|(k, v)| (k.trim(), v))
        .filter(|(k, _)| !k.is_empty())
        .ok_or_else(|| {
            Error::Validation(vec![
                FieldError::new(field, FieldCode::PairInvalid).with("value", s),
            ])
        })
}

fn damaged(args: &[String]) -> Result<Vec<Damaged>, Error> {
    args.iter()
        .map(|d| match d.split_once('=') {
            None => Ok(Damaged {
                sku: d.trim().to_owned(),
                quantity: 1,
            }),
            Some((sku, n)) => n
                .trim()
                .parse()
                .map(|quantity| Damaged {
                    sku: sku.trim().to_owned(),
                    quantity,
                })
                .map_err(|_| {
                    Error::Validation(vec![
                        FieldError::new("damaged", FieldCode::NotANumber).with("value", n),
                    ])
                }),
        })
        .collect()
}

/// The steps asked for, in the order they are applied.
fn ops(a: &InspectArgs) -> Result<Vec<InspectionOp>, Error> {
    let mut ops = Vec::new();
    if a.restart {
        ops.push(InspectionOp::Restart);
    }
    for code in &a.scans {
        ops.push(InspectionOp::Scan { code: code.clone() });
    }
    for c in &a.checks {
        let (key, v) = split_pair("check", c)?;
        let answer = match v.trim().to_ascii_lowercase().as_str() {
            "yes" | "y" => Answer::Yes,
            "no" | "n" => Answer::No {
                note: a.reason_no.clone(),
                damaged: damaged(&a.damaged)?,
            },
            _ => {
                return Err(Error::Validation(vec![
                    FieldError::new("check", FieldCode::YesNo).with("value", v),
                ]));
            }
        };
        ops.push(InspectionOp::Answer {
            key: key.to_owned(),
            answer,
        });
    }
    for n in &a.notes {
        let (key, text) = split_pair("note", n)?;
        ops.push(InspectionOp::Answer {
            key: key.to_owned(),
            answer: Answer::Note {
                text: text.to_owned(),
            },
        });
    }
    if a.finish {
        ops.push(InspectionOp::Finish);
    }
    if let Some(reason) = &a.r#override {
        ops.push(InspectionOp::Override {
            reason: reason.clone(),
        });
    }
    Ok(ops)
}

fn says(o: &ScanOutcome, i: &Inspection) -> String {
    let sku = |line: usize| {
        i.lines
            .iter()
            .filter(|l| l.scannable)
            .nth(line)
            .and_then(|l| l.sku.clone())
            .unwrap_or_default()
    };
    match o {
        ScanOutcome::Counted {
            line,
            scanned,
            wanted,
        } => format!("✓ {} {scanned}/{wanted}", sku(*line)),
        ScanOutcome::WrongItem { code } => format!("✗ wrong item: {code} is not on this order"),
        ScanOutcome::OverScan { line, wanted } => {
            format!("✗ one too many: {} needs only {wanted}", sku(*line))
        }
        ScanOutcome::Ambiguous { skus } => format!(
            "✗ that barcode is on several lines ({}): scan the SKU label",
            skus.join(", ")
        ),
        ScanOutcome::Empty => "✗ the scan held nothing".into(),
    }
}

fn summary(i: &Inspection) -> String {
    let mut s = format!(
        "order {}: inspection {} (attempt {}, {} checklist)",
        i.order_id,
        i.outcome.as_str(),
        i.attempt,
        i.family
    );
    if let Some(p) = &i.packer {
        s.push_str(&format!(", packed by {p}"));
    }
    s.push_str(&format!("; the order is {}", i.order_status));
    if i.outcome == Outcome::Open {
        let todo: Vec<String> = i
            .steps
            .iter()
            .filter(|v| v.step.required && v.state != StepState::Done)
            .map(|v| {
                if v.step.kind == vefa::inspection::StepKind::Scan {
                    let short: Vec<String> = i
                        .lines
                        .iter()
                        .filter(|l| l.scannable && l.scanned < l.wanted)
                        .map(|l| {
                            format!(
                                "{} ×{}",
                                l.sku.as_deref().unwrap_or(""),
                                l.wanted - l.scanned
                            )
                        })
                        .collect();
                    format!("{} ({})", v.step.key, short.join(", "))
                } else {
                    v.step.key.clone()
                }
            })
            .collect();
        if todo.is_empty() {
            s.push_str("\nevery required step is done: --finish passes it");
        } else {
            s.push_str(&format!("\nstill to do: {}", todo.join(", ")));
        }
    }
    if let Some(reason) = &i.override_reason {
        s.push_str(&format!("\noverridden: {reason}"));
    }
    s
}

pub async fn run(vefa: &Vefa, a: InspectArgs) -> Result<ExitCode, Error> {
    let ops = ops(&a)?;
    let packer = a.packer.as_deref();
    let wants_message = !a.no_message && a.checks.iter().any(|c| c.ends_with("=no"));
    let draft = if wants_message {
        Some(
            vefa.draft_order_message(a.id, MessageKind::DelayApology, None)
                .await?,
        )
    } else {
        None
    };
    let mut refused = false;
    let mut scans = Vec::new();
    let mut told = false;
    let mut last = None;
    for op in &ops {
        let r = vefa.inspect(a.id, op, packer, draft.as_ref()).await?;
        if let Some(s) = &r.scan {
            refused |= !matches!(s, ScanOutcome::Counted { .. });
            if !a.json {
                println!("{}", says(s, &r.inspection));
            }
            scans.push(s.clone());
        }
        told |= r.settled == Some(Outcome::Failed) && draft.is_some();
        last = Some(r.inspection);
    }
    for p in &a.photos {
        let (key, file) = split_pair("photo", p)?;
        let path = PathBuf::from(file);
        let bytes = std::fs::read(&path).map_err(|e| Error::file(&path, e))?;
        let upload = PhotoUpload {
            data_base64: base64::engine::general_purpose::STANDARD.encode(bytes),
            file_name: path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
        };
        last = Some(
            vefa.inspection_photo(a.id, key, &upload, packer)
                .await?
                .inspection,
        );
    }
    let inspection = match last {
        Some(i) => i,
        None => vefa.inspection(a.id).await?,
    };
    if a.json {
        let out = serde_json::json!({ "scans": scans, "inspection": inspection });
        println!("{}", serde_json::to_string_pretty(&out).unwrap_or_default());
    } else {
        println!("{}", summary(&inspection));
        if let (true, Some(d)) = (told, &draft) {
            match d.channel {
                MessageChannel::Email => println!("delay apology queued to {}", d.recipient),
                MessageChannel::ByHand => println!(
                    "no e-mail for this buyer: send this to {} yourself:\n\n{}\n\n{}",
                    d.recipient, d.subject, d.body
                ),
            }
        }
    }
    // Like an import with rejected rows: the run goes on, but a script should look.
    Ok(if refused {
        ExitCode::from(3)
    } else {
        ExitCode::SUCCESS
    })
}

#[derive(Args)]
pub struct PackArgs {
    /// The orders packed in this batch.
    #[arg(required = true)]
    pub ids: Vec<i32>,
    /// Where the printable pages go (default: the `print` folder beside the store's media).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Print the pick list as JSON instead of the file names.
    #[arg(long)]
    pub json: bool,
}

/// `vefa pack ID…`: the batch's pick list and packing slips, as printable HTML pages.
pub async fn pack(vefa: &Vefa, a: PackArgs) -> Result<ExitCode, Error> {
    let printed = vefa.print_packing(&a.ids, a.out.as_deref()).await?;
    if a.json {
        println!(
            "{}",
            serde_json::to_string_pretty(&printed).unwrap_or_default()
        );
    } else {
        println!(
            "pick list for {} orders ({} items): {}",
            printed.pick_list.orders, printed.pick_list.units, printed.pick_list_file
        );
        println!("packing slips: {}", printed.slips_file);
    }
    Ok(ExitCode::SUCCESS)
}
