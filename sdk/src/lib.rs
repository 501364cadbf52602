//! # ffbkit SDK
//!
//! Typed Rust SDK for FFB reporting (*Fælles Faglige Begreber*, KL's implementation guide
//! `kl.dk.fhir.ffbreporting` 1.0.0): the embedded FFB catalog with typed codes and value
//! sets, and the wire types of the daily delivery report generated from `schemas/`.
//!
//! ```
//! use ffbkit_sdk::catalog::{Catalog, codes::AdTema};
//! let spise = Catalog::embedded().get(AdTema::Spise.code()).unwrap();
//! assert_eq!(spise.term, "Spise");
//! ```
#![deny(missing_docs)]

#[cfg(feature = "as-written")]
pub mod as_written;
pub mod audit;
#[cfg(feature = "model")]
pub mod builder;
pub mod catalog;
pub mod cpr;
#[cfg(feature = "dataset")]
pub mod dataset;
pub mod dates;
pub mod domain;
#[cfg(feature = "client")]
pub mod gateway;
pub mod generated;
pub mod ids;
pub mod input;
pub mod municipality;
#[cfg(feature = "model")]
pub mod planner;
pub mod private_file;
pub mod profile;
pub mod report;
pub mod rules;
pub mod sample;
#[cfg(feature = "model")]
pub mod synth;
pub mod validate;
