//! Code generated from `schemas/` by `cargo xtask codegen`. Do not edit these files; a
//! test (`xtask::tests::generated_files_are_fresh`) fails when they are stale.

#[rustfmt::skip] // generated: `cargo xtask codegen` writes it, its freshness test compares it byte for byte
pub mod codes;
#[cfg(feature = "model")]
#[allow(missing_docs, clippy::all, clippy::pedantic)]
#[rustfmt::skip] // generated, as above
pub mod model;
