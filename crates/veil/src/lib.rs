//! # omnivirt-veil
//!
//! The VeiL ECP REST API (JSON, JWT, tasks) SDK of omnivirt.
#![deny(missing_docs)]
