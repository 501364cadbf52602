//! The reference vendor: a fagsystem made with the SDK (typed domain, planner, gateway
//! client) behind the vendor-adapter HTTP API, and its faulty variants ([`Defect`]).
//!
//! ```no_run
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! use ffbkit_conformance::vendor;
//! let adapter = vendor::serve(None, "127.0.0.1:0".parse()?).await?;
//! println!("vendor adapter at {}", adapter.url());
//! adapter.shutdown().await;
//! # Ok(()) }
//! ```

mod adapter;
mod defect;
mod system;

pub use defect::Defect;
pub use system::{simulate, VendorSystem};

use std::net::SocketAddr;

/// Why [`serve`] could not start the reference vendor.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ServeError {
    /// The address cannot be bound (in use, not local, no permission).
    #[error("cannot listen on {addr}")]
    Bind {
        /// The address asked for.
        addr: SocketAddr,
        /// The operating system's error.
        #[source]
        source: std::io::Error,
    },
}

/// A running vendor adapter (an axum server on its own task).
pub struct RunningAdapter {
    url: String,
    stop: tokio::sync::oneshot::Sender<()>,
    task: tokio::task::JoinHandle<()>,
}

impl RunningAdapter {
    /// Base URL, e.g. `http://127.0.0.1:40123`.
    pub fn url(&self) -> String {
        self.url.clone()
    }

    /// Stop serving and wait for the server to finish.
    pub async fn shutdown(self) {
        let _ = self.stop.send(());
        let _ = self.task.await;
    }
}

/// How to run the reference vendor's adapter ([`serve_with`]).
#[derive(Clone, Debug, Default)]
pub struct ServeOptions {
    /// A faulty variant.
    pub defect: Option<Defect>,
    /// Require `Authorization: Bearer <token>` on `/reset`, `/actions` and `/deliver`
    /// (`/health` stays open), as a vendor's protected test adapter would; a call without
    /// it is answered 401.
    pub require_token: Option<crate::harness::secret::Secret>,
}

/// Serve the reference vendor (or a faulty variant) on `addr` (port 0: any free port).
pub async fn serve(defect: Option<Defect>, addr: SocketAddr) -> Result<RunningAdapter, ServeError> {
    serve_with(ServeOptions { defect, ..ServeOptions::default() }, addr).await
}

/// Serve the reference vendor with `options` on `addr` (port 0: any free port).
pub async fn serve_with(options: ServeOptions, addr: SocketAddr) -> Result<RunningAdapter, ServeError> {
    let listener = tokio::net::TcpListener::bind(addr).await.map_err(|source| ServeError::Bind { addr, source })?;
    let local = listener.local_addr().map_err(|source| ServeError::Bind { addr, source })?;
    let (stop, rx) = tokio::sync::oneshot::channel::<()>();
    let app = adapter::router(options.defect, options.require_token);
    let task = tokio::spawn(async move {
        let _ = axum::serve(listener, app)
            .with_graceful_shutdown(async {
                let _ = rx.await;
            })
            .await;
    });
    Ok(RunningAdapter { url: format!("http://{local}"), stop, task })
}
