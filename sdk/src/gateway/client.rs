//! POST a delivery report to the gateway: bearer token or TLS client certificate, the
//! gateway's `OperationOutcome` read into issues, retries with backoff and jitter on 429,
//! 5xx and timeouts, never on another 4xx.

use crate::validate::render::{from_operation_outcome, RemoteIssue};
use std::time::Duration;

/// How to authenticate.
#[derive(Clone, Debug, Default)]
pub enum Auth {
    /// No authentication (a local receiver).
    #[default]
    None,
    /// `Authorization: Bearer <token>`.
    Bearer(String),
    /// A TLS client certificate: PEM with the certificate chain and the private key.
    ClientCertificate(Vec<u8>),
}

/// Where and how to send.
#[derive(Clone, Debug)]
pub struct GatewayConfig {
    /// The gateway's endpoint for delivery reports.
    pub endpoint: String,
    /// Authentication.
    pub auth: Auth,
    /// Time allowed for one attempt.
    pub timeout: Duration,
    /// Attempts in all (first try included).
    pub max_attempts: u32,
    /// Backoff before the second attempt; doubled each time, with jitter.
    pub backoff: Duration,
    /// Longest backoff.
    pub max_backoff: Duration,
}

impl GatewayConfig {
    /// Defaults for an endpoint: 30 s per attempt, 5 attempts, backoff 0.5 s up to 30 s.
    pub fn new(endpoint: &str) -> GatewayConfig {
        GatewayConfig {
            endpoint: endpoint.to_string(),
            auth: Auth::None,
            timeout: Duration::from_secs(30),
            max_attempts: 5,
            backoff: Duration::from_millis(500),
            max_backoff: Duration::from_secs(30),
        }
    }
}

/// What the gateway said about a report.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Delivery {
    /// Accepted (2xx), with any issues it mentioned (warnings).
    Accepted {
        /// HTTP status.
        status: u16,
        /// Issues of the answer's OperationOutcome.
        issues: Vec<RemoteIssue>,
        /// Attempts it took.
        attempts: u32,
    },
    /// Rejected (a 4xx other than 429): the report must be corrected, not retried.
    Rejected {
        /// HTTP status.
        status: u16,
        /// Issues of the answer's OperationOutcome.
        issues: Vec<RemoteIssue>,
    },
}

/// The report could not be delivered (the gateway is down, slow or overloaded).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not delivered after {attempts} attempt(s): {last}")]
pub struct Undelivered {
    /// Attempts made.
    pub attempts: u32,
    /// The last failure.
    pub last: String,
}

/// A configuration that cannot be used (e.g. a bad certificate).
#[derive(Debug, thiserror::Error)]
#[error("gateway client: {0}")]
pub struct ConfigError(String);

/// The gateway client. Cheap to clone; share one per process.
#[derive(Clone, Debug)]
pub struct GatewayClient {
    http: reqwest::Client,
    config: GatewayConfig,
}

impl GatewayClient {
    /// A client for a configuration.
    pub fn new(config: GatewayConfig) -> Result<GatewayClient, ConfigError> {
        let mut b = reqwest::Client::builder().timeout(config.timeout).user_agent(concat!("ffbkit/", env!("CARGO_PKG_VERSION")));
        if let Auth::ClientCertificate(pem) = &config.auth {
            let id = reqwest::Identity::from_pem(pem).map_err(|e| ConfigError(format!("client certificate: {e}")))?;
            b = b.identity(id);
        }
        let http = b.build().map_err(|e| ConfigError(e.to_string()))?;
        Ok(GatewayClient { http, config })
    }

    /// The configuration.
    pub fn config(&self) -> &GatewayConfig {
        &self.config
    }

    /// Send one report (its JSON bytes). `idempotency_key` (the Bundle id) lets the gateway
    /// recognise a report sent again after a crash.
    pub async fn send(&self, report: &[u8], idempotency_key: &str) -> Result<Delivery, Undelivered> {
        let mut last = String::new();
        for attempt in 1..=self.config.max_attempts.max(1) {
            if attempt > 1 {
                tokio::time::sleep(self.backoff(attempt - 1)).await;
            }
            let mut req = self
                .http
                .post(&self.config.endpoint)
                .header("Content-Type", "application/fhir+json")
                .header("Accept", "application/fhir+json")
                .header("Idempotency-Key", idempotency_key)
                .body(report.to_vec());
            if let Auth::Bearer(token) = &self.config.auth {
                req = req.bearer_auth(token);
            }
            match req.send().await {
                Err(e) => {
                    last = if e.is_timeout() { "timed out".into() } else { format!("transport error: {e}") };
                }
                Ok(resp) => {
                    let status = resp.status().as_u16();
                    let body = resp.bytes().await.unwrap_or_default();
                    let issues = serde_json::from_slice(&body).map(|v| from_operation_outcome(&v)).unwrap_or_default();
                    match status {
                        200..=299 => return Ok(Delivery::Accepted { status, issues, attempts: attempt }),
                        429 | 500..=599 => last = format!("HTTP {status}"),
                        _ => return Ok(Delivery::Rejected { status, issues }),
                    }
                }
            }
        }
        Err(Undelivered { attempts: self.config.max_attempts.max(1), last })
    }

    /// Exponential backoff with full jitter for retry number `n` (1-based).
    fn backoff(&self, n: u32) -> Duration {
        let base = self.config.backoff.saturating_mul(1u32 << n.min(16).saturating_sub(1));
        let cap = base.min(self.config.max_backoff);
        let jitter = {
            use std::hash::{BuildHasher, Hasher};
            let mut h = std::collections::hash_map::RandomState::new().build_hasher();
            h.write_u32(n);
            (h.finish() % 1000) as u32
        };
        cap / 2 + cap / 2 * jitter / 1000
    }
}
