//! Journey scripts: scripted VUM 2.0 case journeys that drive a vendor system, and what the
//! vendor must report after each step (`VUM-<journey>-<step>`).
//!
//! A journey file (`fixtures/journeys/<id>.json`, format `schemas/journey.schema.json`,
//! documented in `fixtures/journeys/README.md`) names citizens, then steps in VUM order, each
//! with a business date, actions on the vendor system in Danish catalog terms and aliases
//! (never UUIDs), whether the vendor's daily reporting runs that day, and expectations.
//!
//! ```
//! let suite = ffbkit_conformance::journey::embedded();
//! assert!(suite.len() >= 2);
//! let borge = suite.iter().find(|j| j.id == "boerge-mogensen").unwrap();
//! assert_eq!(borge.steps[0].phase, ffbkit_conformance::journey::Phase::Henvendelse);
//! println!("{}", ffbkit_conformance::journey::describe(&borge.steps[0].actions[0]));
//! ```

mod describe;
pub mod expect;
mod load;
mod model;
pub mod resolve;

pub use describe::describe;
pub use expect::{check_step, StepCheck};
pub use load::{embedded, load_dir, load_file, parse, ACTION_NAMES, EMBEDDED_FILES, JOURNEY_SCHEMA_JSON};
pub use model::*;

use std::path::PathBuf;

/// Why a journey could not be loaded. Every variant names the journey (or file), and where
/// it can, the step and the field.
#[derive(Debug, thiserror::Error)]
pub enum JourneyError {
    /// The file could not be read.
    #[error("{path}: cannot read: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// Not JSON, or not the journey format (schema or types).
    #[error("journey {journey}{}: {field}: {message}", step.as_ref().map(|s| format!(", step {s}")).unwrap_or_default())]
    Format {
        /// Journey id (or file name when the id is unknown).
        journey: String,
        /// Step id, when the problem is inside a step.
        step: Option<String>,
        /// JSON Pointer of the field.
        field: String,
        /// What is wrong.
        message: String,
    },
    /// Well-formed, but wrong: an unknown term or alias, a score on an F&F theme, ...
    #[error("journey {journey}{}: {field}: {message}", step.as_ref().map(|s| format!(", step {s}")).unwrap_or_default())]
    Invalid {
        /// Journey id.
        journey: String,
        /// Step id, when the problem is inside a step.
        step: Option<String>,
        /// The field (`actions[0].tilbud`).
        field: String,
        /// What is wrong.
        message: String,
    },
    /// Two journeys of a directory have the same id.
    #[error("journey {0} is defined twice")]
    Duplicate(String),
}
