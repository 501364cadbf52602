//! The harness's error type: what can stop a certification session or the reading of its
//! evidence, by kind, with the context (path, setting, URL) a person needs to act on it.

use std::path::PathBuf;

/// A `Result` whose error is a [`HarnessError`] unless said otherwise.
pub type Result<T, E = HarnessError> = std::result::Result<T, E>;

/// Why the harness could not do what it was asked (a session, the evidence store, the
/// reports). Match on the variant to tell a usage error (e.g. [`HarnessError::ResumeMismatch`])
/// from an environment error (e.g. [`HarnessError::Receiver`]).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum HarnessError {
    /// `certify` was given an empty suite.
    #[error("no journeys to run")]
    NoJourneys,
    /// The manual driver was combined with pull mode (a person's system can only push).
    #[error("the manual driver needs push mode: the vendor's system sends its reports to the receiver")]
    ManualNeedsPush,
    /// A push-mode run was started without a receiver.
    #[error("push mode needs the receiver")]
    PushWithoutReceiver,
    /// The vendor adapter's URL is not an http(s) URL.
    #[error("the vendor adapter URL must start with http:// or https:// (got {url:?})")]
    AdapterUrl {
        /// The URL as given.
        url: String,
    },
    /// The HTTP client for the vendor adapter could not be built (TLS setup).
    #[error("cannot build the HTTP client for the vendor adapter at {url}")]
    HttpClient {
        /// The adapter's base URL.
        url: String,
        /// The client's error.
        #[source]
        source: reqwest::Error,
    },
    /// A credential for the vendor adapter cannot be used (`--adapter-cert`, `--adapter-ca`).
    #[error("cannot use {what} for the vendor adapter: {reason}")]
    AdapterCredentials {
        /// `the client certificate` or `the CA certificates`.
        what: &'static str,
        /// Why.
        reason: String,
    },
    /// A resumed run does not match the run in the evidence store (another vendor, mode or
    /// suite).
    #[error("cannot resume: the run in the evidence store has a different {key} ({stored:?}); resume with the same vendor, mode and journeys, or start a new run")]
    ResumeMismatch {
        /// The setting that differs: `vendor`, `mode` or `suite`.
        key: String,
        /// Its value in the evidence store.
        stored: String,
        /// Its value in this session.
        given: String,
    },
    /// There is no evidence store to resume or verify.
    #[error("no evidence store at {}", path.display())]
    NoEvidenceStore {
        /// The expected store file.
        path: PathBuf,
    },
    /// The evidence store's hash chain does not match its rows: evidence was edited, deleted
    /// or added outside ffbkit (or the store is from before the chain).
    #[error("the evidence store {} was changed outside ffbkit: {detail}; it is not used (start a new run)", path.display())]
    EvidenceEdited {
        /// The store file.
        path: PathBuf,
        /// The first row or link that does not match.
        detail: String,
    },
    /// The evidence store file cannot be opened.
    #[error("cannot open the evidence store {}", path.display())]
    OpenStore {
        /// The store file.
        path: PathBuf,
        /// SQLite's error.
        #[source]
        source: rusqlite::Error,
    },
    /// Reading or writing the evidence store failed (I/O, full disk, a locked or corrupt file).
    #[error("evidence store")]
    Store(#[from] rusqlite::Error),
    /// The evidence store has no readable suite (its `meta` table lacks `suite` or holds
    /// something else).
    #[error("the evidence store has no readable suite (meta 'suite')")]
    NoSuite(#[source] serde_json::Error),
    /// A file or directory of the run could not be created, read, written, moved or removed.
    #[error("cannot {action} {}", path.display())]
    Io {
        /// What was tried: `create`, `read`, `write`, `remove`, `clear`, `move aside`.
        action: &'static str,
        /// The file or directory.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// A file given as a certify report is not one.
    #[error("{} is not a certify report", path.display())]
    NotAReport {
        /// The file.
        path: PathBuf,
        /// Why it does not parse.
        #[source]
        source: serde_json::Error,
    },
    /// Evidence or a report could not be encoded as JSON.
    #[error("cannot encode JSON")]
    Json(#[from] serde_json::Error),
    /// The SDK's validator could not be built for the run's options.
    #[error("cannot build the validator")]
    Validator(#[from] ffbkit_sdk::validate::BuildError),
    /// The receiver (push mode) could not start or stop.
    #[error(transparent)]
    Receiver(#[from] crate::receiver::ReceiverError),
    /// The receiver's store could not be read while collecting pushed reports.
    #[error("reading the receiver's store")]
    ReceiverStore(#[from] crate::receiver::StoreError),
    /// The reference vendor could not be started.
    #[error(transparent)]
    Vendor(#[from] crate::vendor::ServeError),
    /// A key or signature file (`--sign`) could not be read or written.
    #[error(transparent)]
    Signature(#[from] super::signature::SignatureError),
    /// A token could not be made or read.
    #[error(transparent)]
    Secret(#[from] super::secret::SecretError),
    /// The TestScript of `--testscript` (kept in the evidence store) could not be run.
    #[error(transparent)]
    TestScript(#[from] crate::testscript::TestScriptError),
}

impl HarnessError {
    /// An [`HarnessError::Io`] for `action` on `path`.
    pub(crate) fn io(action: &'static str, path: impl Into<PathBuf>) -> impl FnOnce(std::io::Error) -> HarnessError {
        let path = path.into();
        move |source| HarnessError::Io { action, path, source }
    }
}
