//! POST a delivery report to the gateway: bearer token or TLS client certificate, the
//! gateway's `OperationOutcome` read into issues, retries with backoff and jitter on 429,
//! 5xx and timeouts (a `Retry-After` on 429/503 followed, within the backoff cap), never on
//! another 4xx. Answers are read up to [`GatewayConfig::max_answer_bytes`]; plain `http` is
//! refused for an endpoint that is not loopback unless [`GatewayConfig::allow_insecure_http`].

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
    /// Longest backoff; also caps a `Retry-After` the gateway asks for.
    pub max_backoff: Duration,
    /// Most bytes of an answer read; a longer answer fails the attempt (default 1 MiB).
    pub max_answer_bytes: usize,
    /// Allow a plain `http://` endpoint that is not loopback (default false: such an
    /// endpoint is a [`ConfigError::InsecureHttp`]). Loopback (`127.0.0.0/8`, `::1`,
    /// `localhost`) is always allowed.
    pub allow_insecure_http: bool,
}

impl GatewayConfig {
    /// Defaults for an endpoint: 30 s per attempt, 5 attempts, backoff 0.5 s up to 30 s,
    /// answers up to 1 MiB, plain `http` only on loopback.
    pub fn new(endpoint: &str) -> GatewayConfig {
        GatewayConfig {
            endpoint: endpoint.to_string(),
            auth: Auth::None,
            timeout: Duration::from_secs(30),
            max_attempts: 5,
            backoff: Duration::from_millis(500),
            max_backoff: Duration::from_secs(30),
            max_answer_bytes: 1 << 20,
            allow_insecure_http: false,
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
    /// Not accepted, with a 4xx other than 429: not retried. Only a verdict on the report
    /// ([`Delivery::judges_report`]: 422 with an OperationOutcome, 409, 413) means the report
    /// must be corrected; another 4xx (401, 403, 404, 405, 408, ...) is about the sender, the
    /// token or the URL, and the report should stay queued.
    Rejected {
        /// HTTP status.
        status: u16,
        /// Issues of the answer's OperationOutcome.
        issues: Vec<RemoteIssue>,
    },
}

impl Delivery {
    /// Whether the answer is the gateway's verdict on the report itself: a 2xx, a 422 with
    /// an OperationOutcome (issues), a 409 or a 413. False for a 4xx that says nothing
    /// about the report (401, 403, 404, 405, 408, a 422 without an OperationOutcome, ...).
    pub fn judges_report(&self) -> bool {
        match self {
            Delivery::Accepted { .. } => true,
            Delivery::Rejected { status, issues } => is_verdict(*status, issues),
        }
    }
}

/// Whether a non-2xx answer is a verdict on the report: [`Delivery::judges_report`].
pub(crate) fn is_verdict(status: u16, issues: &[RemoteIssue]) -> bool {
    matches!(status, 409 | 413) || (status == 422 && !issues.is_empty())
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

/// A configuration that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The client certificate could not be read.
    #[error("gateway client: client certificate: {0}")]
    Certificate(String),
    /// The endpoint is not a URL.
    #[error("gateway client: endpoint is not a URL: {0}")]
    Endpoint(String),
    /// A plain `http://` endpoint that is not loopback, without
    /// [`GatewayConfig::allow_insecure_http`]: reports (with CPR numbers) would travel in clear.
    #[error("gateway client: plain http to {host} is refused (reports hold CPR numbers); use https, or set allow_insecure_http")]
    InsecureHttp {
        /// The endpoint's host.
        host: String,
    },
    /// The HTTP client could not be built.
    #[error("gateway client: {0}")]
    Build(String),
}

/// Whether a URL host is loopback (`127.0.0.0/8`, `::1`, `localhost`).
fn is_loopback(url: &reqwest::Url) -> bool {
    let Some(host) = url.host_str() else { return false };
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost") || bare.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

/// The gateway client. Cheap to clone; share one per process.
#[derive(Clone, Debug)]
pub struct GatewayClient {
    http: reqwest::Client,
    config: GatewayConfig,
}

impl GatewayClient {
    /// A client for a configuration. A plain `http://` endpoint that is not loopback is
    /// refused ([`ConfigError::InsecureHttp`]) unless [`GatewayConfig::allow_insecure_http`].
    pub fn new(config: GatewayConfig) -> Result<GatewayClient, ConfigError> {
        let url = reqwest::Url::parse(&config.endpoint).map_err(|e| ConfigError::Endpoint(e.to_string()))?;
        if url.scheme() == "http" && !config.allow_insecure_http && !is_loopback(&url) {
            return Err(ConfigError::InsecureHttp { host: url.host_str().unwrap_or_default().to_string() });
        }
        let mut b = reqwest::Client::builder().timeout(config.timeout).user_agent(concat!("ffbkit/", env!("CARGO_PKG_VERSION")));
        if let Auth::ClientCertificate(pem) = &config.auth {
            let id = reqwest::Identity::from_pem(pem).map_err(|e| ConfigError::Certificate(e.to_string()))?;
            b = b.identity(id);
        }
        let http = b.build().map_err(|e| ConfigError::Build(e.to_string()))?;
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
        let mut retry_after: Option<Duration> = None;
        for attempt in 1..=self.config.max_attempts.max(1) {
            if attempt > 1 {
                let wait = retry_after.take().map(|d| d.min(self.config.max_backoff)).unwrap_or_else(|| self.backoff(attempt - 1));
                tokio::time::sleep(wait).await;
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
                Ok(mut resp) => {
                    let status = resp.status().as_u16();
                    if matches!(status, 429 | 503) {
                        retry_after =
                            resp.headers().get(reqwest::header::RETRY_AFTER).and_then(|v| v.to_str().ok()).and_then(parse_retry_after);
                    }
                    let body = match read_limited(&mut resp, self.config.max_answer_bytes).await {
                        Ok(body) => body,
                        Err(e) => {
                            last = e;
                            continue;
                        }
                    };
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

/// Read an answer's body, at most `limit` bytes; a longer answer (or a broken one) is an
/// error of the attempt.
async fn read_limited(resp: &mut reqwest::Response, limit: usize) -> Result<Vec<u8>, String> {
    let mut body = Vec::new();
    loop {
        match resp.chunk().await {
            Ok(Some(chunk)) => {
                if body.len() + chunk.len() > limit {
                    return Err(format!("answer larger than {limit} bytes (max_answer_bytes)"));
                }
                body.extend_from_slice(&chunk);
            }
            Ok(None) => return Ok(body),
            Err(e) if e.is_timeout() => return Err("timed out reading the answer".into()),
            Err(e) => return Err(format!("reading the answer: {e}")),
        }
    }
}

/// A `Retry-After` value: delay seconds or an HTTP date (a date in the past is no wait).
fn parse_retry_after(v: &str) -> Option<Duration> {
    let v = v.trim();
    if let Ok(secs) = v.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let at = httpdate::parse_http_date(v).ok()?;
    Some(at.duration_since(std::time::SystemTime::now()).unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_is_read_as_seconds_or_a_date() {
        assert_eq!(parse_retry_after(" 3 "), Some(Duration::from_secs(3)));
        assert_eq!(parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT"), Some(Duration::ZERO));
        let later = httpdate::fmt_http_date(std::time::SystemTime::now() + Duration::from_secs(120));
        assert!(parse_retry_after(&later).unwrap() > Duration::from_secs(100));
        assert_eq!(parse_retry_after("soon"), None);
    }

    #[test]
    fn loopback_hosts_are_recognised() {
        for (u, lo) in [
            ("http://127.0.0.1:1/", true),
            ("http://127.9.9.9/", true),
            ("http://[::1]:8/", true),
            ("http://LOCALHOST/x", true),
            ("http://gw.example/", false),
            ("http://10.0.0.1/", false),
        ] {
            assert_eq!(is_loopback(&reqwest::Url::parse(u).unwrap()), lo, "{u}");
        }
    }
}
