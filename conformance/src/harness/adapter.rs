//! The client of a vendor's test adapter (`schemas/vendor-adapter.openapi.json`): reqwest
//! with a timeout per call. Every call gives back an [`Exchange`] (what was sent, what came
//! back, what went wrong) for the evidence store, and the parsed answer or an
//! [`AdapterError`].

use serde::Serialize;
use serde_json::value::RawValue;
use serde_json::{json, Value};
use std::time::Duration;

/// Why an adapter call did not give a usable answer. Each is an `error` verdict for the
/// step it belongs to.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum AdapterError {
    /// No answer within the timeout.
    #[error("{endpoint}: no answer within {millis} ms (timeout)")]
    Timeout {
        /// The call.
        endpoint: String,
        /// The timeout in milliseconds.
        millis: u64,
    },
    /// No connection, or the connection broke.
    #[error("{endpoint}: {reason}")]
    Network {
        /// The call.
        endpoint: String,
        /// What the HTTP client said.
        reason: String,
    },
    /// The vendor said it cannot do the action (422).
    #[error("{endpoint}: the vendor cannot do this (422): {message}")]
    Refused {
        /// The call.
        endpoint: String,
        /// The vendor's `error`.
        message: String,
    },
    /// An HTTP status other than the contract's.
    #[error("{endpoint}: HTTP {status}: {body}")]
    Status {
        /// The call.
        endpoint: String,
        /// The status.
        status: u16,
        /// The start of the body.
        body: String,
    },
    /// A body that does not follow the contract.
    #[error("{endpoint}: malformed answer: {reason}")]
    Malformed {
        /// The call.
        endpoint: String,
        /// What is wrong.
        reason: String,
    },
}

/// One call and its answer, as the evidence store keeps it.
#[derive(Clone, Debug)]
pub struct Exchange {
    /// `POST /deliver` etc.
    pub endpoint: String,
    /// The request body.
    pub request: String,
    /// HTTP status, when an answer came.
    pub status: Option<u16>,
    /// The answer's exact bytes, when an answer came.
    pub response: Option<Vec<u8>>,
}

/// What `/deliver` answered.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Delivered {
    /// Push mode: the vendor says it POSTed this many reports to the gateway.
    Pushed(usize),
    /// Pull mode: the reports, each as the exact bytes of its JSON value.
    Pulled(Vec<Vec<u8>>),
}

/// How the harness authenticates to a vendor's test adapter (`--adapter-token-file`,
/// `--adapter-cert`, `--adapter-ca`). `Debug` shows no secret.
#[derive(Clone, Default)]
pub struct AdapterCredentials {
    /// `Authorization: Bearer <token>` on every call.
    pub token: Option<super::secret::Secret>,
    /// A TLS client certificate (mutual TLS): PEM holding the certificate chain and its
    /// private key.
    pub client_identity_pem: Option<Vec<u8>>,
    /// Extra trusted root certificates (PEM, one or more) for an `https://` adapter.
    pub ca_pem: Option<Vec<u8>>,
}

impl std::fmt::Debug for AdapterCredentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AdapterCredentials")
            .field("token", &self.token)
            .field("client_identity_pem", &self.client_identity_pem.as_ref().map(|p| format!("{} bytes", p.len())))
            .field("ca_pem", &self.ca_pem.as_ref().map(|p| format!("{} bytes", p.len())))
            .finish()
    }
}

/// The client of one vendor adapter.
#[derive(Clone, Debug)]
pub struct AdapterClient {
    base: String,
    http: reqwest::Client,
    timeout: Duration,
    token: Option<super::secret::Secret>,
}

impl AdapterClient {
    /// A client for the adapter at `base` (e.g. `http://127.0.0.1:8090`), with `timeout` per
    /// call.
    pub fn new(base: &str, timeout: Duration) -> Result<AdapterClient, super::HarnessError> {
        AdapterClient::with_credentials(base, timeout, &AdapterCredentials::default())
    }

    /// A client that authenticates with `credentials` (a bearer token on every call, a TLS
    /// client certificate, extra trusted roots).
    pub fn with_credentials(base: &str, timeout: Duration, credentials: &AdapterCredentials) -> Result<AdapterClient, super::HarnessError> {
        let base = base.trim_end_matches('/').to_string();
        if !(base.starts_with("http://") || base.starts_with("https://")) {
            return Err(super::HarnessError::AdapterUrl { url: base });
        }
        let bad = |what: &'static str, e: reqwest::Error| super::HarnessError::AdapterCredentials { what, reason: error_chain(&e) };
        let mut builder = reqwest::Client::builder().timeout(timeout).connect_timeout(timeout);
        if let Some(pem) = &credentials.client_identity_pem {
            builder = builder.identity(reqwest::Identity::from_pem(pem).map_err(|e| bad("the client certificate", e))?);
        }
        if let Some(pem) = &credentials.ca_pem {
            let roots = reqwest::Certificate::from_pem_bundle(pem).map_err(|e| bad("the CA certificates", e))?;
            if roots.is_empty() {
                return Err(super::HarnessError::AdapterCredentials {
                    what: "the CA certificates",
                    reason: "no PEM certificate in the file".into(),
                });
            }
            for root in roots {
                builder = builder.add_root_certificate(root);
            }
        }
        let http = builder.build().map_err(|source| super::HarnessError::HttpClient { url: base.clone(), source })?;
        Ok(AdapterClient { base, http, timeout, token: credentials.token.clone() })
    }

    /// The adapter's base URL.
    pub fn base(&self) -> &str {
        &self.base
    }

    /// `GET /health`.
    pub async fn health(&self) -> (Exchange, Result<(), AdapterError>) {
        let (ex, res) = self.send("GET", "/health", None).await;
        let res = res.and_then(|(status, body)| expect_status(&ex.endpoint, status, &body, &[200]));
        (ex, res)
    }

    /// `POST /reset`: forget everything; push reports to `gateway` (with `token`), or pull
    /// when `gateway` is none.
    pub async fn reset(&self, run: &str, gateway: Option<&str>, token: Option<&str>) -> (Exchange, Result<(), AdapterError>) {
        let body = json!({"run": run, "gateway": gateway, "token": token});
        let (mut ex, res) = self.send("POST", "/reset", Some(body)).await;
        if let Some(t) = token {
            // The evidence keeps the exchange, not the token.
            let shown = super::secret::Secret::new(t, "").map(|s| s.fingerprint()).unwrap_or_default();
            ex.request = json!({"run": run, "gateway": gateway, "token": format!("(a bearer token, {shown}, not recorded)")}).to_string();
        }
        let res = res.and_then(|(status, body)| expect_status(&ex.endpoint, status, &body, &[200, 204]));
        (ex, res)
    }

    /// `POST /actions`: one action of a step, as the journey file writes it.
    pub async fn action(&self, journey: &str, step: &str, date: &str, action: &impl Serialize) -> (Exchange, Result<(), AdapterError>) {
        let action = match serde_json::to_value(action) {
            Ok(v) => v,
            Err(e) => {
                let ex = Exchange { endpoint: "POST /actions".into(), request: String::new(), status: None, response: None };
                return (
                    ex,
                    Err(AdapterError::Malformed {
                        endpoint: "POST /actions".into(),
                        reason: format!("the action cannot be written as JSON: {e}"),
                    }),
                );
            }
        };
        let body = json!({"journey": journey, "step": step, "date": date, "action": action});
        let (ex, res) = self.send("POST", "/actions", Some(body)).await;
        let res = res.and_then(|(status, body)| {
            if status == 422 {
                let message = serde_json::from_slice::<Value>(&body)
                    .ok()
                    .and_then(|v| v.get("error").and_then(Value::as_str).map(str::to_string))
                    .unwrap_or_else(|| snippet(&body));
                return Err(AdapterError::Refused { endpoint: ex.endpoint.clone(), message });
            }
            expect_status(&ex.endpoint, status, &body, &[200, 204])
        });
        (ex, res)
    }

    /// `POST /deliver`: the vendor's daily reporting at the end of `date`.
    pub async fn deliver(&self, date: &str) -> (Exchange, Result<Delivered, AdapterError>) {
        let (ex, res) = self.send("POST", "/deliver", Some(json!({"date": date}))).await;
        let res = res.and_then(|(status, body)| {
            expect_status(&ex.endpoint, status, &body, &[200])?;
            parse_delivered(&ex.endpoint, &body)
        });
        (ex, res)
    }

    async fn send(&self, method: &str, path: &str, body: Option<Value>) -> (Exchange, Result<(u16, Vec<u8>), AdapterError>) {
        let endpoint = format!("{method} {path}");
        let request = body.as_ref().map(Value::to_string).unwrap_or_default();
        let mut ex = Exchange { endpoint: endpoint.clone(), request: request.clone(), status: None, response: None };
        let url = format!("{}{path}", self.base);
        let mut req = match method {
            "GET" => self.http.get(url),
            _ => self.http.post(url).header("content-type", "application/json").body(request),
        };
        if let Some(t) = &self.token {
            req = req.bearer_auth(t.expose());
        }
        let classify = |e: reqwest::Error| {
            if e.is_timeout() {
                AdapterError::Timeout { endpoint: endpoint.clone(), millis: self.timeout.as_millis() as u64 }
            } else {
                AdapterError::Network { endpoint: endpoint.clone(), reason: error_chain(&e) }
            }
        };
        let resp = match req.send().await {
            Ok(r) => r,
            Err(e) => return (ex, Err(classify(e))),
        };
        let status = resp.status().as_u16();
        ex.status = Some(status);
        match resp.bytes().await {
            Ok(b) => {
                ex.response = Some(b.to_vec());
                (ex, Ok((status, b.to_vec())))
            }
            Err(e) => (ex, Err(classify(e))),
        }
    }
}

fn error_chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut s = e.to_string();
    let mut src = e.source();
    while let Some(c) = src {
        s.push_str(": ");
        s.push_str(&c.to_string());
        src = c.source();
    }
    s
}

fn snippet(body: &[u8]) -> String {
    let s = String::from_utf8_lossy(body);
    let s = s.trim();
    if s.chars().count() > 200 {
        format!("{}…", s.chars().take(200).collect::<String>())
    } else {
        s.to_string()
    }
}

fn expect_status(endpoint: &str, status: u16, body: &[u8], ok: &[u16]) -> Result<(), AdapterError> {
    if ok.contains(&status) {
        Ok(())
    } else {
        Err(AdapterError::Status { endpoint: endpoint.to_string(), status, body: snippet(body) })
    }
}

/// Parse a `/deliver` answer: `{"sent": n}` or `{"reports": [...]}` (each report kept as
/// its exact bytes).
pub fn parse_delivered(endpoint: &str, body: &[u8]) -> Result<Delivered, AdapterError> {
    #[derive(serde::Deserialize)]
    struct Answer<'a> {
        #[serde(borrow, default)]
        reports: Option<Vec<&'a RawValue>>,
        #[serde(default)]
        sent: Option<Value>,
    }
    let malformed = |reason: String| AdapterError::Malformed { endpoint: endpoint.to_string(), reason };
    let answer: Answer<'_> = serde_json::from_slice(body)
        .map_err(|e| malformed(format!("not the JSON object the contract names ({e}); body: {}", snippet(body))))?;
    match (answer.reports, answer.sent) {
        (Some(reports), _) => Ok(Delivered::Pulled(reports.into_iter().map(|r| r.get().as_bytes().to_vec()).collect())),
        (None, Some(sent)) => match sent.as_u64() {
            Some(n) => Ok(Delivered::Pushed(n as usize)),
            None => Err(malformed(format!("\"sent\" must be a non-negative integer, got {sent}"))),
        },
        (None, None) => Err(malformed(format!("neither \"reports\" nor \"sent\"; body: {}", snippet(body)))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deliver_answers_are_parsed_and_reports_keep_their_bytes() {
        let body = br#"{"reports": [{"resourceType": "Bundle", "id": "x", "id": "y"}, "garbage"]}"#;
        let Delivered::Pulled(r) = parse_delivered("POST /deliver", body).unwrap() else { panic!("pulled") };
        assert_eq!(r[0], br#"{"resourceType": "Bundle", "id": "x", "id": "y"}"#.to_vec(), "duplicate keys survive for the validator");
        assert_eq!(r[1], br#""garbage""#.to_vec());
        assert_eq!(parse_delivered("d", br#"{"sent": 3}"#).unwrap(), Delivered::Pushed(3));
        assert!(matches!(parse_delivered("d", br#"{"sent": -1}"#), Err(AdapterError::Malformed { .. })));
        assert!(matches!(parse_delivered("d", b"<html>"), Err(AdapterError::Malformed { .. })));
        assert!(matches!(parse_delivered("d", b"{}"), Err(AdapterError::Malformed { .. })));
        assert!(matches!(parse_delivered("d", br#"{"reports": 5}"#), Err(AdapterError::Malformed { .. })));
    }
}
