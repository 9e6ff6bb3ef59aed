//! The real desktop app under Xvfb, driven through WebKitWebDriver: one test binary, a module
//! per area, run one test at a time (each starts its own app and driver).

mod complaints;
mod customers;
mod listings;
mod orders;
mod packing;
mod sync;
mod window;
