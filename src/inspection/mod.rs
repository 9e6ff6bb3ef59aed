//! Pre-dispatch inspection: checking every parcel before it goes to the courier.
//! [`scan`] matches what a scanner reads against the order's lines, [`template`] holds the
//! checklists, [`run`] works out a run's verdict, [`store`] keeps the runs and acts on their
//! outcome (the gate, problems, write-offs), [`paperwork`] prints the batch's pick list and
//! packing slips, [`figures`] counts the week by packer.

pub mod error;
pub mod figures;
pub mod paperwork;
pub mod run;
pub mod scan;
pub mod store;
pub mod template;

pub use error::InspectionError;
pub use run::{Answer, Answered, Damaged, Outcome, StepState};
pub use store::{Inspection, InspectionOp, LineView, StepView};
pub use template::{Step, StepKind, Template};
