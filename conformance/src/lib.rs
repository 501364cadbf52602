//! # ffbkit conformance kit
//!
//! The library behind the `ffbkit` command: the command-line interface and, as the
//! project grows, the receiver, the journeys and the certification harness.
#![deny(missing_docs)]

pub mod cli;
pub mod harness;
pub mod journey;
pub mod receiver;
pub mod testscript;
pub mod vendor;
