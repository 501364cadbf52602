//! Run a FHIR R4 TestScript's FHIRPath asserts on delivery reports, without Touchstone:
//! `ffbkit testscript run` (docs/testscript.md). Each test of the script is given the
//! report it posts; every assert with an `expression` is evaluated on that report by the
//! SDK's FHIRPath engine ([`ffbkit_sdk::as_written::Engine::collect`]) and judged by its
//! operator ([`operator`]); the script's variables are resolved where they can be
//! ([`variables`]). Each assert passes, fails or does not apply, with the reason.

pub mod operator;
pub mod run;
pub mod script;
pub mod variables;

pub use operator::Operator;
pub use run::{run, AssertResult, Options, RunReport, Status, Why};
pub use script::{load, parse, TestScript};

/// A TestScript or a report could not be used.
#[derive(Debug, thiserror::Error)]
pub enum TestScriptError {
    /// A file could not be read.
    #[error("cannot read {path}: {source}")]
    Read {
        /// The file.
        path: String,
        /// Why.
        source: std::io::Error,
    },
    /// Not a JSON TestScript ffbkit can read.
    #[error("{path}: not a FHIR R4 TestScript in JSON: {message}")]
    Malformed {
        /// The file (empty for bytes).
        path: String,
        /// The parser's message.
        message: String,
    },
    /// JSON of another resource type.
    #[error("{path}: a {found}, not a TestScript")]
    NotATestScript {
        /// The file (empty for bytes).
        path: String,
        /// Its resourceType.
        found: String,
    },
    /// A report is not a JSON FHIR resource.
    #[error("{path}: the report is not a JSON FHIR resource: {message}")]
    Report {
        /// The file.
        path: String,
        /// The parser's message.
        message: String,
    },
    /// A report was given for a test the script does not have.
    #[error("the TestScript has no test {test:?} (its tests: {known})")]
    UnknownTest {
        /// The name given.
        test: String,
        /// The script's test ids.
        known: String,
    },
    /// The FHIRPath engine could not be set up.
    #[error(transparent)]
    Engine(#[from] ffbkit_sdk::as_written::EngineError),
}

impl TestScriptError {
    /// The same error, naming the file.
    pub(crate) fn at(self, file: &std::path::Path) -> TestScriptError {
        let file = file.display().to_string();
        match self {
            TestScriptError::Malformed { message, .. } => TestScriptError::Malformed { path: file, message },
            TestScriptError::NotATestScript { found, .. } => TestScriptError::NotATestScript { path: file, found },
            other => other,
        }
    }
}
