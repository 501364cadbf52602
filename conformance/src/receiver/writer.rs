//! The store's writer thread: group commit. Requests that arrive while a commit is under
//! way are written together in the next transaction, so one `fsync` serves many reports;
//! every request is answered only after the transaction holding it has committed.

use super::store::{Incoming, Recorded, Store};
use std::sync::Arc;
use tokio::sync::{mpsc, oneshot};

/// Most requests written in one transaction.
const MAX_BATCH: usize = 256;

/// One request for the writer and where to send what became of it.
pub(crate) type Job = (Incoming, oneshot::Sender<Result<Recorded, String>>);

/// Start the writer; it runs until every sender of the returned channel is dropped and the
/// queue is drained.
pub(crate) fn spawn(store: Arc<Store>) -> std::io::Result<(mpsc::Sender<Job>, std::thread::JoinHandle<()>)> {
    let (tx, mut rx) = mpsc::channel::<Job>(4 * MAX_BATCH);
    let handle = std::thread::Builder::new().name("ffbkit-store-writer".into()).spawn(move || {
        while let Some(first) = rx.blocking_recv() {
            let mut jobs = vec![first];
            while jobs.len() < MAX_BATCH {
                match rx.try_recv() {
                    Ok(job) => jobs.push(job),
                    Err(_) => break,
                }
            }
            let (batch, replies): (Vec<Incoming>, Vec<_>) = jobs.into_iter().unzip();
            let (n, t) = (batch.len(), std::time::Instant::now());
            match store.record(batch) {
                Ok(recorded) => {
                    tracing::debug!(reports = n, ms = t.elapsed().as_secs_f64() * 1e3, "batch committed");
                    for (reply, r) in replies.into_iter().zip(recorded) {
                        let _ = reply.send(Ok(r));
                    }
                }
                Err(e) => {
                    tracing::error!(error = %e, "could not store a batch of reports; answered 503");
                    for reply in replies {
                        let _ = reply.send(Err(e.to_string()));
                    }
                }
            }
        }
    })?;
    Ok((tx, handle))
}
