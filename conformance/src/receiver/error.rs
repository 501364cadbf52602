//! The receiver's error type: why it could not start or stop, by kind.

use std::net::SocketAddr;

/// Why [`RunningReceiver::start`](super::RunningReceiver::start) or
/// [`RunningReceiver::shutdown`](super::RunningReceiver::shutdown) failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ReceiverError {
    /// The store cannot be opened (its directory, SQLite).
    #[error(transparent)]
    Store(#[from] super::StoreError),
    /// The address cannot be bound (in use, not local, no permission).
    #[error("cannot listen on {addr}")]
    Bind {
        /// The address asked for.
        addr: SocketAddr,
        /// The operating system's error.
        #[source]
        source: std::io::Error,
    },
    /// The store's writer thread or the validation threads cannot be started.
    #[error("cannot start the receiver's {what} threads")]
    Threads {
        /// Which threads: `store writer` or `validation`.
        what: &'static str,
        /// The error (from the operating system or the thread pool).
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// The HTTP server failed while serving or shutting down.
    #[error("the receiver's HTTP server failed")]
    Serve(#[source] std::io::Error),
    /// The store's writer thread panicked; what it had queued may not be stored.
    #[error("the store writer panicked")]
    WriterPanicked,
    /// A task of the receiver (the server, the store opener) panicked or was cancelled.
    #[error("a receiver task failed")]
    Task(#[from] tokio::task::JoinError),
}
