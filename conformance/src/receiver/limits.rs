//! What bounds the receiver against slow, many or hostile clients (issue 22): timeouts,
//! connection and request counts, the memory held by bodies being read, and the bytes of
//! rejected reports a sender may have stored per minute.
//!
//! Where each is enforced:
//! - header read and idle: hyper's `header_read_timeout` (it runs from the moment a
//!   connection opens or finishes a request until the next request's headers are in, so a
//!   connection that sends nothing, or its headers a byte at a time, is closed);
//! - connections: the accept loop holds a permit per open connection and stops accepting at
//!   the bound (further clients wait in the kernel's backlog);
//! - requests in flight: tower's `ConcurrencyLimit` with `LoadShed` (503 + `Retry-After`);
//! - body read time and memory: the POST handler reserves the body's declared size from
//!   [`Limits::body_budget_bytes`] (waiting at most half of [`Limits::body_read_timeout`]
//!   while it is spent: then 503 + `Retry-After`) and reads it, both within the body-read
//!   timeout (408 when the body is late);
//! - rejected bytes per sender: [`RejectedBudget`] (429 + `Retry-After`, counted, not stored).

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Default [`Limits::header_read_timeout`]: 30 s.
pub const DEFAULT_HEADER_READ_TIMEOUT: Duration = Duration::from_secs(30);
/// Default [`Limits::body_read_timeout`]: 120 s (16 MiB at about 140 KB/s).
pub const DEFAULT_BODY_READ_TIMEOUT: Duration = Duration::from_secs(120);
/// Default [`Limits::max_connections`].
pub const DEFAULT_MAX_CONNECTIONS: usize = 512;
/// Default [`Limits::max_in_flight`].
pub const DEFAULT_MAX_IN_FLIGHT: usize = 64;
/// Default [`Limits::body_budget_bytes`]: 64 MiB.
pub const DEFAULT_BODY_BUDGET_BYTES: usize = 64 << 20;
/// Default [`Limits::rejected_bytes_per_minute`]: 64 MiB.
pub const DEFAULT_REJECTED_BYTES_PER_MINUTE: u64 = 64 << 20;

/// The receiver's bounds; [`Limits::default`] holds the defaults above.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Limits {
    /// A connection must send a request's complete headers within this time of opening, or
    /// of its previous answer (this is also the idle timeout of a kept-alive connection).
    pub header_read_timeout: Duration,
    /// A request's body must arrive completely within this time after its headers (408).
    pub body_read_timeout: Duration,
    /// Open connections at most; the next waits until one closes.
    pub max_connections: usize,
    /// Requests being handled at most (all endpoints but `/health`); more are answered 503.
    pub max_in_flight: usize,
    /// Bytes of request bodies held at once (reserved by their declared `Content-Length`,
    /// or the size limit when none is declared); a body that does not fit waits, and is
    /// answered 503 when it still does not fit after half the body-read timeout. At least
    /// the size limit, so one largest body always fits.
    pub body_budget_bytes: usize,
    /// Bytes of rejected bodies (every status but 201/200) stored per sender and minute; a
    /// rejected body beyond it is answered 429 and counted, not stored. A sender is its
    /// token when tokens are configured, else its IP address.
    pub rejected_bytes_per_minute: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            header_read_timeout: DEFAULT_HEADER_READ_TIMEOUT,
            body_read_timeout: DEFAULT_BODY_READ_TIMEOUT,
            max_connections: DEFAULT_MAX_CONNECTIONS,
            max_in_flight: DEFAULT_MAX_IN_FLIGHT,
            body_budget_bytes: DEFAULT_BODY_BUDGET_BYTES,
            rejected_bytes_per_minute: DEFAULT_REJECTED_BYTES_PER_MINUTE,
        }
    }
}

/// The window of [`RejectedBudget`].
const WINDOW: Duration = Duration::from_secs(60);
/// Senders remembered before old windows are dropped.
const MAX_SENDERS: usize = 10_000;

/// Bytes of stored rejected bodies per sender in the current minute (a fixed window per
/// sender, started by its first rejected body). tower's rate limit counts requests for
/// all clients together; this counts bytes, per sender, and only of rejected reports, so a
/// vendor sending valid reports is never slowed by it.
#[derive(Debug)]
pub struct RejectedBudget {
    per_minute: u64,
    windows: Mutex<HashMap<String, (Instant, u64)>>,
    refused: std::sync::atomic::AtomicU64,
}

impl RejectedBudget {
    /// A budget of `per_minute` bytes per sender.
    pub fn new(per_minute: u64) -> Self {
        RejectedBudget { per_minute, windows: Mutex::new(HashMap::new()), refused: Default::default() }
    }

    /// Take `bytes` from `sender`'s window: `Ok(())` when they fit (and are counted), else
    /// `Err(seconds until the window ends)`; the refusal is counted in [`Self::refused`].
    pub fn take(&self, sender: &str, bytes: u64) -> Result<(), u64> {
        self.take_at(sender, bytes, Instant::now())
    }

    fn take_at(&self, sender: &str, bytes: u64, now: Instant) -> Result<(), u64> {
        let mut windows = self.windows.lock().unwrap_or_else(|p| p.into_inner());
        if windows.len() >= MAX_SENDERS {
            windows.retain(|_, (start, _)| now.duration_since(*start) < WINDOW);
        }
        let (start, used) = windows.entry(sender.to_string()).or_insert((now, 0));
        if now.duration_since(*start) >= WINDOW {
            *start = now;
            *used = 0;
        }
        if used.saturating_add(bytes) > self.per_minute {
            self.refused.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            let left = WINDOW.saturating_sub(now.duration_since(*start));
            return Err(left.as_secs().max(1));
        }
        *used += bytes;
        Ok(())
    }

    /// Rejected reports answered 429 and not stored since the start.
    pub fn refused(&self) -> u64 {
        self.refused.load(std::sync::atomic::Ordering::SeqCst)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sender_over_its_minute_is_refused_until_the_window_ends_others_are_not() {
        let b = RejectedBudget::new(1000);
        let t0 = Instant::now();
        assert_eq!(b.take_at("a", 600, t0), Ok(()));
        let wait = b.take_at("a", 600, t0 + Duration::from_secs(20)).unwrap_err();
        assert_eq!(wait, 40);
        assert_eq!(b.take_at("b", 600, t0 + Duration::from_secs(20)), Ok(()), "another sender has its own budget");
        assert_eq!(b.take_at("a", 400, t0 + Duration::from_secs(21)), Ok(()), "what fits is still taken");
        assert_eq!(b.take_at("a", 600, t0 + Duration::from_secs(61)), Ok(()), "a new minute");
        assert_eq!(b.refused(), 1);
    }
}
