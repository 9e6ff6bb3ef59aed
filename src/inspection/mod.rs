//! Pre-dispatch inspection (issue 6): checking every parcel before it goes to the courier.
//! So far: matching what a scanner reads against the order's lines ([`scan`]).

pub mod scan;
