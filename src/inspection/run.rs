//! An inspection run as a value: the steps it follows, what was scanned and answered, and the
//! verdict worked out from them. Pure: the store reads a run, applies one scan or answer here,
//! and writes it back.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use specta::Type;

use super::scan::{self, PackLine, ScanOutcome, Tally};
use super::template::{Step, StepKind};
use crate::orders::ProblemKind;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Open,
    Passed,
    Failed,
    /// Not passed, let through by the seller with a written reason.
    Overridden,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Open => "open",
            Outcome::Passed => "passed",
            Outcome::Failed => "failed",
            Outcome::Overridden => "overridden",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [
            Outcome::Open,
            Outcome::Passed,
            Outcome::Failed,
            Outcome::Overridden,
        ]
        .into_iter()
        .find(|o| o.as_str() == s)
    }

    /// Lets the order on to "ready to ship".
    pub fn clears_gate(self) -> bool {
        matches!(self, Outcome::Passed | Outcome::Overridden)
    }
}

/// Units found damaged at inspection: written off the shelf, since the order needs others.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct Damaged {
    pub sku: String,
    pub quantity: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(tag = "answer", rename_all = "snake_case")]
pub enum Answer {
    Yes,
    No {
        #[serde(default)]
        note: String,
        /// For a step that fails as damaged: which units.
        #[serde(default)]
        damaged: Vec<Damaged>,
    },
    /// A picture in the media store, by its hash.
    Photo {
        media: String,
    },
    Note {
        text: String,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct Answered {
    pub answer: Answer,
    pub by: Option<String>,
    pub at: DateTime<Utc>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum StepState {
    Pending,
    Done,
    /// Answered "no" on a step that opens a problem: the run has failed.
    Failed,
}

/// What a run holds between scans.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RunState {
    pub steps: Vec<Step>,
    pub answers: BTreeMap<String, Answered>,
    pub tally: Tally,
}

/// Where the steps stand.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// A required step is still to do.
    Incomplete,
    /// Every required step is done; optional ones may still be answered.
    Ready,
    /// Every step is done: nothing is left to answer.
    Complete,
    /// A step failed.
    Failed,
}

impl RunState {
    pub fn state_of(&self, step: &Step, lines: &[PackLine]) -> StepState {
        let answer = self.answers.get(&step.key).map(|a| &a.answer);
        match (step.kind, answer) {
            (_, Some(Answer::No { .. })) if step.fails_as.is_some() => StepState::Failed,
            (StepKind::Scan, _) => {
                if scan::missing(lines, &self.tally).is_empty() {
                    StepState::Done
                } else {
                    StepState::Pending
                }
            }
            (StepKind::Check, Some(Answer::Yes))
            | (StepKind::Photo, Some(Answer::Photo { .. })) => StepState::Done,
            (StepKind::Note, Some(Answer::Note { text })) if !text.trim().is_empty() => {
                StepState::Done
            }
            _ => StepState::Pending,
        }
    }

    pub fn verdict(&self, lines: &[PackLine]) -> Verdict {
        let states: Vec<(bool, StepState)> = self
            .steps
            .iter()
            .map(|s| (s.required, self.state_of(s, lines)))
            .collect();
        if states.iter().any(|(_, s)| *s == StepState::Failed) {
            Verdict::Failed
        } else if states.iter().all(|(_, s)| *s == StepState::Done) {
            Verdict::Complete
        } else if states
            .iter()
            .all(|(required, s)| !required || *s == StepState::Done)
        {
            Verdict::Ready
        } else {
            Verdict::Incomplete
        }
    }

    /// The problem a failed run opens: the first failed step's.
    pub fn failure(&self, lines: &[PackLine]) -> Option<(&Step, &Answered)> {
        self.steps.iter().find_map(|s| {
            (self.state_of(s, lines) == StepState::Failed)
                .then(|| self.answers.get(&s.key).map(|a| (s, a)))
                .flatten()
        })
    }

    /// Counts a scan toward the lines.
    pub fn scan(&mut self, lines: &[PackLine], code: &str) -> ScanOutcome {
        scan::record(lines, &mut self.tally, code)
    }
}

/// The decision a scan or an answer leads to, as the store acts on it.
pub fn settles(verdict: Verdict, finishing: bool) -> Option<Outcome> {
    match verdict {
        Verdict::Failed => Some(Outcome::Failed),
        Verdict::Complete => Some(Outcome::Passed),
        Verdict::Ready if finishing => Some(Outcome::Passed),
        Verdict::Ready | Verdict::Incomplete => None,
    }
}

/// The failure's kind and a note for the order's problem, in the shop's words.
pub fn failure_note(step: &Step, answered: &Answered, missing: &[(String, u32)]) -> String {
    let name = if step.label.is_empty() {
        step.key.replace('_', " ")
    } else {
        step.label.clone()
    };
    let mut note = format!("Inspection: {name} — no");
    if let Answer::No { note: n, damaged } = &answered.answer {
        if !n.trim().is_empty() {
            note.push_str(": ");
            note.push_str(n.trim());
        }
        if !damaged.is_empty() {
            let units: Vec<String> = damaged
                .iter()
                .map(|d| format!("{} ×{}", d.sku, d.quantity))
                .collect();
            note.push_str(&format!(" (damaged: {})", units.join(", ")));
        }
    }
    if step.kind == StepKind::Scan && !missing.is_empty() {
        let units: Vec<String> = missing.iter().map(|(s, n)| format!("{s} ×{n}")).collect();
        note.push_str(&format!(" (missing: {})", units.join(", ")));
    }
    if let Some(by) = &answered.by {
        note.push_str(&format!(" — {by}"));
    }
    note
}

/// The problem kind a failed step opens.
pub fn failure_kind(step: &Step) -> ProblemKind {
    step.fails_as.unwrap_or(ProblemKind::Other)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inspection::template::{DEFAULT_FAMILY, shipped};

    fn lines() -> Vec<PackLine> {
        vec![
            PackLine {
                sku: "CEZVE-1".into(),
                barcode: "8690000000017".into(),
                quantity: 2,
            },
            PackLine {
                sku: "KILIM-M".into(),
                barcode: String::new(),
                quantity: 1,
            },
        ]
    }

    fn answered(answer: Answer) -> Answered {
        Answered {
            answer,
            by: Some("Aysel".into()),
            at: DateTime::UNIX_EPOCH,
        }
    }

    fn run() -> RunState {
        RunState {
            steps: shipped(DEFAULT_FAMILY).unwrap(),
            ..Default::default()
        }
    }

    fn yes_to_required_checks(r: &mut RunState) {
        for s in r.steps.clone() {
            if s.kind == StepKind::Check && s.required {
                r.answers.insert(s.key.clone(), answered(Answer::Yes));
            }
        }
    }

    #[test]
    fn a_run_is_ready_when_every_line_is_scanned_and_every_required_check_is_yes() {
        let lines = lines();
        let mut r = run();
        yes_to_required_checks(&mut r);
        assert_eq!(r.verdict(&lines), Verdict::Incomplete, "nothing scanned");
        r.scan(&lines, "8690000000017");
        r.scan(&lines, "kilim-m");
        assert_eq!(
            r.verdict(&lines),
            Verdict::Incomplete,
            "under-scanned: one CEZVE-1 of two"
        );
        assert_eq!(settles(r.verdict(&lines), true), None);
        r.scan(&lines, "CEZVE-1");
        assert_eq!(r.verdict(&lines), Verdict::Ready);
        assert_eq!(settles(Verdict::Ready, false), None, "optional steps left");
        assert_eq!(settles(Verdict::Ready, true), Some(Outcome::Passed));
        r.answers
            .insert("invoice_included".into(), answered(Answer::Yes));
        r.answers.insert(
            "parcel_photo".into(),
            answered(Answer::Photo { media: "ab".into() }),
        );
        r.answers
            .insert("note".into(), answered(Answer::Note { text: "  ".into() }));
        assert_eq!(r.verdict(&lines), Verdict::Ready, "a blank note is no note");
        r.answers.insert(
            "note".into(),
            answered(Answer::Note {
                text: "gift".into(),
            }),
        );
        assert_eq!(r.verdict(&lines), Verdict::Complete);
        assert_eq!(settles(Verdict::Complete, false), Some(Outcome::Passed));
    }

    #[test]
    fn a_no_fails_the_run_only_where_it_opens_a_problem() {
        let lines = lines();
        let mut r = run();
        r.answers.insert(
            "packaging_fits".into(),
            answered(Answer::No {
                note: String::new(),
                damaged: vec![],
            }),
        );
        assert_eq!(
            r.verdict(&lines),
            Verdict::Incomplete,
            "the packer repacks and answers again"
        );
        r.answers.insert(
            "not_damaged".into(),
            answered(Answer::No {
                note: "cracked lid".into(),
                damaged: vec![Damaged {
                    sku: "CEZVE-1".into(),
                    quantity: 1,
                }],
            }),
        );
        assert_eq!(r.verdict(&lines), Verdict::Failed);
        let (step, a) = r.failure(&lines).unwrap();
        assert_eq!(failure_kind(step), ProblemKind::Damaged);
        assert_eq!(
            failure_note(step, a, &[]),
            "Inspection: not damaged — no: cracked lid (damaged: CEZVE-1 ×1) — Aysel"
        );
    }

    #[test]
    fn giving_up_on_the_scan_names_what_is_missing() {
        let lines = lines();
        let mut r = run();
        r.scan(&lines, "CEZVE-1");
        let no = answered(Answer::No {
            note: String::new(),
            damaged: vec![],
        });
        r.answers.insert("scan_items".into(), no);
        let (step, a) = r.failure(&lines).unwrap();
        assert_eq!(failure_kind(step), ProblemKind::MissingPart);
        let missing = [("CEZVE-1".to_owned(), 1), ("KILIM-M".to_owned(), 1)];
        assert_eq!(
            failure_note(step, a, &missing),
            "Inspection: scan items — no (missing: CEZVE-1 ×1, KILIM-M ×1) — Aysel"
        );
    }
}
