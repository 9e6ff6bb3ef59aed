//! The Etsy Open API v3 connector (issue 5). So far: the wire types of receipts and their
//! translation into orders.

pub mod wire;
