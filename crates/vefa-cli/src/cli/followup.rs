//! `vefa followup …`: the follow-up queue after delivery — what is due, asking (the message is
//! queued to the buyer), letting one go, and recording the buyer's answer.

use std::process::ExitCode;

use clap::Subcommand;
use vefa::customers::followup::FollowUp;
use vefa::{Error, Vefa};

#[derive(Subcommand)]
pub enum FollowUpCommand {
    /// What is due, then what was asked and awaits an answer.
    List {
        #[arg(long)]
        json: bool,
    },
    /// Ask the buyer how the order went; the follow-up message is queued in their language
    /// unless --no-message (asked by phone, say).
    Send {
        order: i32,
        #[arg(long)]
        no_message: bool,
    },
    /// Record the buyer's answer: --score 1..5 and an optional --comment. A low answer opens
    /// a complaint in the book.
    Answer {
        order: i32,
        #[arg(long)]
        score: u8,
        #[arg(long, default_value = "")]
        comment: String,
    },
    /// Do not follow this order up.
    Dismiss { order: i32 },
}

fn line(f: &FollowUp) -> String {
    let mut s = format!(
        "{}  {}  delivered {}  {:?}",
        f.order_number,
        f.buyer,
        f.delivered_at.format("%Y-%m-%d"),
        f.state
    )
    .to_lowercase();
    if let Some(score) = f.score {
        s.push_str(&format!("  {score}/5"));
    }
    if !f.comment.is_empty() {
        s.push_str(&format!("  “{}”", f.comment));
    }
    if let Some(id) = f.feedback_id {
        s.push_str(&format!("  complaint {id} opened"));
    }
    s
}

pub async fn run(vefa: &Vefa, command: FollowUpCommand) -> Result<ExitCode, Error> {
    match command {
        FollowUpCommand::List { json } => {
            let q = vefa.follow_ups().await?;
            if json {
                println!("{}", serde_json::to_string_pretty(&q).unwrap_or_default());
            } else {
                println!("due: {}", q.due.len());
                for f in &q.due {
                    println!("  {}", line(f));
                }
                println!("awaiting an answer: {}", q.asked.len());
                for f in &q.asked {
                    println!("  {}", line(f));
                }
            }
        }
        FollowUpCommand::Send { order, no_message } => {
            let draft = if no_message {
                None
            } else {
                Some(vefa.draft_follow_up(order).await?)
            };
            println!(
                "{}",
                line(&vefa.send_follow_up(order, draft.as_ref()).await?)
            );
        }
        FollowUpCommand::Answer {
            order,
            score,
            comment,
        } => {
            println!(
                "{}",
                line(&vefa.answer_follow_up(order, score, &comment).await?)
            );
        }
        FollowUpCommand::Dismiss { order } => {
            println!("{}", line(&vefa.dismiss_follow_up(order).await?));
        }
    }
    Ok(ExitCode::SUCCESS)
}
