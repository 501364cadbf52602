//! The conformance harness behind `ffbkit certify`: it drives a vendor system through the
//! scripted VUM journeys, collects what the vendor reports, stores it as evidence, judges
//! it with the SDK's rules and writes the reports.
//!
//! - [`error`]: [`HarnessError`], what can stop a session, by kind;
//! - [`adapter`]: the client of a vendor's test adapter (`schemas/vendor-adapter.openapi.json`);
//! - [`store`]: the evidence store (SQLite), written before anything is judged; resume;
//!   the content hash;
//! - [`judge`]: GW (validator), PROTO and DST (stream audit) verdicts;
//! - [`verdict`]: pass / fail / skip / error, evidence, the summary per requirement id;
//! - [`requirements`]: the ids a run reports on;
//! - [`report`]: `certify.json`, `certify.junit.xml`, `certify.html`;
//! - [`testscript`]: `--testscript`: a TestScript's asserts on the reports of the journey
//!   steps that map its tests, a section of the reports;
//! - [`progress`]: a progress bar on a terminal, plain lines otherwise;
//! - [`driver`]: http (a vendor adapter, also the reference vendor) or manual (a person);
//! - [`runner`]: journeys, steps, evidence, judging, resume;
//! - [`secret`]: bearer tokens (generated per run or read from a file), never shown;
//! - [`session`]: one `ffbkit certify` session end to end;
//! - [`signature`]: `--sign`: an Ed25519 signature over `certify.json` (keys, signing,
//!   checking), a layer on top of the evidence hash.

pub mod adapter;
pub mod clock;
pub mod driver;
pub mod error;
pub mod judge;
pub mod progress;
pub mod report;
pub mod requirements;
pub mod runner;
pub mod secret;
pub mod session;
pub mod signature;
pub mod store;
pub mod testscript;
pub mod verdict;

pub use error::HarnessError;
