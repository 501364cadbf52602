//! The gateway receiver behind `ffbkit serve`: vendors and the conformance harness POST
//! delivery reports to it; each is validated at once with the SDK's validator and answered
//! like the gateway (201 with an `OperationOutcome`, or 400/422 with the findings), and
//! every request body read is stored durably in SQLite before the answer (see [`store`]).
//! GET endpoints list what was received per citizen and the stream audit
//! (`ffbkit_sdk::audit`) over it. The HTTP interface is described in
//! `schemas/receiver.openapi.json` and docs/serve.md.
//!
//! ```no_run
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! use ffbkit_conformance::receiver::{ReceiverConfig, RunningReceiver};
//! let config = ReceiverConfig::new("127.0.0.1:0".parse()?, "target/receiver-demo");
//! let receiver = RunningReceiver::start(config).await?;
//! let endpoint = format!("{}/fhir/Bundle", receiver.url()); // POST reports here
//! # let _ = endpoint;
//! println!("{} accepted", receiver.store().count_accepted()?);
//! receiver.shutdown().await?; // finishes the requests in flight
//! # Ok(()) }
//! ```

pub mod answer;
mod error;
mod http;
pub mod intake;
pub mod limits;
mod listen;
pub mod store;
mod writer;

pub use error::ReceiverError;
pub use limits::Limits;
pub use store::{CitizenSummary, Store, StoreError, StoredReport};

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

/// Name of the store file inside the data directory.
pub const STORE_FILE: &str = "receiver.sqlite";
/// The environment variable naming the default data directory.
pub const DATA_DIR_ENV: &str = "FFBKIT_DATA_DIR";
/// The data directory when [`DATA_DIR_ENV`] is not set (relative to the working directory).
pub const DEFAULT_DATA_DIR: &str = "ffbkit-data";
/// The default address.
pub const DEFAULT_ADDR: &str = "127.0.0.1:8787";
/// The default request size limit: 16 MiB.
pub const DEFAULT_MAX_BODY_BYTES: usize = 16 * 1024 * 1024;

/// How to run the receiver.
#[derive(Clone, Debug)]
pub struct ReceiverConfig {
    /// Address to listen on (`127.0.0.1:0` picks a free port).
    pub addr: SocketAddr,
    /// Data directory; the store is `data_dir/receiver.sqlite`.
    pub data_dir: PathBuf,
    /// Bearer token required on every endpoint but `/health`; `None` leaves it open (unless
    /// [`ReceiverConfig::senders`] are given).
    pub token: Option<String>,
    /// Named senders, one token each (`ffbkit serve --token-file` with `NAME TOKEN` lines):
    /// any of them is accepted, and the sender's name is stored with what it sent.
    pub senders: Vec<(String, String)>,
    /// Largest request body read; larger ones are answered 413.
    pub max_body_bytes: usize,
    /// Judge the IG's invariants as their expressions are written (`--as-written`).
    pub as_written: bool,
    /// Timeouts and bounds against slow, many or hostile clients ([`limits`]).
    pub limits: Limits,
}

impl ReceiverConfig {
    /// A configuration for an address and data directory, open, with the default size limit.
    pub fn new(addr: SocketAddr, data_dir: impl Into<PathBuf>) -> Self {
        ReceiverConfig {
            addr,
            data_dir: data_dir.into(),
            token: None,
            senders: Vec::new(),
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
            as_written: false,
            limits: Limits::default(),
        }
    }

    /// The store file: `data_dir/receiver.sqlite`.
    pub fn store_path(&self) -> PathBuf {
        self.data_dir.join(STORE_FILE)
    }
}

impl Default for ReceiverConfig {
    /// `127.0.0.1:8787`, data directory `$FFBKIT_DATA_DIR` or else `./ffbkit-data`, open,
    /// 16 MiB.
    fn default() -> Self {
        let dir = std::env::var_os(DATA_DIR_ENV).map(PathBuf::from).unwrap_or_else(|| PathBuf::from(DEFAULT_DATA_DIR));
        ReceiverConfig::new(DEFAULT_ADDR.parse().expect("valid address"), dir)
    }
}

/// How long [`RunningReceiver::shutdown`] waits for requests in flight (a client that
/// stalls mid-request cannot hold the stop up for ever); what reached the store by then is
/// committed either way.
pub const SHUTDOWN_GRACE: std::time::Duration = std::time::Duration::from_secs(30);

/// The receiver without a socket: its store, the store's writer and its routes. What
/// [`RunningReceiver`] serves; a test or a fuzz target calls it in-process with
/// [`InProcess::call`] (the same routes, extractors and answers, no network).
pub struct InProcess {
    store: Arc<Store>,
    shared: Arc<http::Shared>,
    app: axum::Router,
    writer: std::thread::JoinHandle<()>,
}

impl InProcess {
    /// Open the store and start its writer.
    pub async fn open(config: &ReceiverConfig) -> Result<InProcess, ReceiverError> {
        let path = config.store_path();
        let store = Arc::new(tokio::task::spawn_blocking(move || Store::open(&path)).await??);
        let (jobs, writer) =
            writer::spawn(store.clone()).map_err(|e| ReceiverError::Threads { what: "store writer", source: Box::new(e) })?;
        let shared = Arc::new(http::Shared::new(store.clone(), jobs, config)?);
        let app = http::router(shared.clone(), config.max_body_bytes, config.limits.max_in_flight);
        Ok(InProcess { store, shared, app, writer })
    }

    /// Answer one request as if it came from `peer`.
    pub async fn call(&self, mut request: axum::http::Request<axum::body::Body>, peer: SocketAddr) -> axum::response::Response {
        use tower::ServiceExt;
        request.extensions_mut().insert(axum::extract::ConnectInfo(peer));
        match self.app.clone().oneshot(request).await {
            Ok(r) => r,
            Err(never) => match never {},
        }
    }

    /// The store.
    pub fn store(&self) -> Arc<Store> {
        self.store.clone()
    }

    /// Close the writer once it has committed everything queued.
    pub async fn close(self) -> Result<(), ReceiverError> {
        self.shared.close_writer();
        let writer = self.writer;
        tokio::task::spawn_blocking(move || writer.join()).await?.map_err(|_| ReceiverError::WriterPanicked)
    }
}

/// A receiver that is bound and serving.
pub struct RunningReceiver {
    addr: SocketAddr,
    inner: InProcess,
    stop: tokio::sync::oneshot::Sender<()>,
    server: tokio::task::JoinHandle<std::io::Result<()>>,
}

impl RunningReceiver {
    /// Open the store, bind the address and start serving; bound and serving when it returns.
    pub async fn start(config: ReceiverConfig) -> Result<RunningReceiver, ReceiverError> {
        let inner = InProcess::open(&config).await?;
        let listener =
            tokio::net::TcpListener::bind(config.addr).await.map_err(|source| ReceiverError::Bind { addr: config.addr, source })?;
        let addr = listener.local_addr().map_err(|source| ReceiverError::Bind { addr: config.addr, source })?;
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let (app, limits) = (inner.app.clone(), config.limits.clone());
        let server = tokio::spawn(async move { listen::serve(listener, app, &limits, stopped).await });
        tracing::info!(%addr, store = %config.store_path().display(), auth = config.token.is_some() || !config.senders.is_empty(), "receiver listening");
        Ok(RunningReceiver { addr, inner, stop, server })
    }

    /// The bound address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://ADDR`; reports are POSTed to `url() + "/fhir/Bundle"`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// How many POSTed reports were refused for want of the bearer token (401) since the
    /// start (they are not stored).
    pub fn refused_unauthorized(&self) -> u64 {
        self.inner.shared.refused()
    }

    /// Rejected reports answered 429 (the sender's rejected bytes per minute were spent) and
    /// not stored, since the start.
    pub fn refused_over_budget(&self) -> u64 {
        self.inner.shared.refused_over_budget()
    }

    /// The store (shared with the running server).
    pub fn store(&self) -> Arc<Store> {
        self.inner.store()
    }

    /// Stop accepting connections, finish the requests in flight (each is stored and
    /// answered; at most [`SHUTDOWN_GRACE`]), then close the store's writer once it has
    /// committed everything queued.
    pub async fn shutdown(self) -> Result<(), ReceiverError> {
        let _ = self.stop.send(());
        let mut server = self.server;
        let served = match tokio::time::timeout(SHUTDOWN_GRACE, &mut server).await {
            Ok(r) => r,
            Err(_) => {
                tracing::warn!(
                    grace_s = SHUTDOWN_GRACE.as_secs(),
                    "requests still in flight after the grace period; stopping without them"
                );
                server.abort();
                Ok(Ok(()))
            }
        };
        self.inner.close().await?;
        served?.map_err(ReceiverError::Serve)?;
        tracing::info!(addr = %self.addr, "receiver stopped");
        Ok(())
    }
}
