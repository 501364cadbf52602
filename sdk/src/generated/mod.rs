//! Code generated from `schemas/` by `cargo xtask codegen`. Do not edit these files; a
//! test (`xtask::tests::generated_files_are_fresh`) fails when they are stale.

pub mod codes;
#[cfg(feature = "model")]
#[allow(missing_docs, clippy::all, clippy::pedantic)]
pub mod model;
