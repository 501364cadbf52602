//! The receiver's HTTP routes (axum). Handlers stay thin: validation runs on a rayon pool
//! (both cores), storage on the writer thread, reads on tokio's blocking pool.

use super::answer;
use super::intake::{intake_as, Request as Intake};
use super::limits::RejectedBudget;
use super::store::{Recorded, Store, StoredReport};
use super::writer::Job;
use super::ReceiverConfig;
use axum::error_handling::HandleErrorLayer;
use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{ConnectInfo, DefaultBodyLimit, Path, Query, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use ffbkit_sdk::cpr::mask_in_text;
use ffbkit_sdk::validate::Validator;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use subtle::ConstantTimeEq;
use tokio::sync::{mpsc, oneshot, Semaphore};

/// What every handler shares.
pub(crate) struct Shared {
    store: Arc<Store>,
    jobs: Mutex<Option<mpsc::Sender<Job>>>,
    pool: rayon::ThreadPool,
    /// The accepted tokens' SHA-256 with their sender's name (the token's fingerprint when
    /// unnamed); empty: open.
    tokens: Vec<(String, [u8; 32])>,
    max_body_bytes: usize,
    as_written: bool,
    /// Reports refused for want of the token (401), since the start.
    refused: std::sync::atomic::AtomicU64,
    /// Bodies being read or judged hold their declared size here, in KiB.
    body_budget: Arc<Semaphore>,
    body_read_timeout: Duration,
    rejected: RejectedBudget,
}

impl Shared {
    pub(crate) fn new(store: Arc<Store>, jobs: mpsc::Sender<Job>, config: &ReceiverConfig) -> Result<Shared, super::ReceiverError> {
        let threads = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2);
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .thread_name(|i| format!("ffbkit-validate-{i}"))
            .build()
            .map_err(|e| super::ReceiverError::Threads { what: "validation", source: Box::new(e) })?;
        let mut tokens: Vec<(String, [u8; 32])> = config
            .token
            .iter()
            .map(|t| (super::store::sha256_hex(t.as_bytes())[..8].to_string(), Sha256::digest(t.as_bytes()).into()))
            .collect();
        tokens.extend(config.senders.iter().map(|(name, t)| (name.clone(), Sha256::digest(t.as_bytes()).into())));
        // Build the validator now, not on the first request.
        let _ = Validator::default_validator();
        if config.as_written {
            let _ = ffbkit_sdk::as_written::Checker::shared();
        }
        Ok(Shared {
            store,
            jobs: Mutex::new(Some(jobs)),
            pool,
            tokens,
            max_body_bytes: config.max_body_bytes,
            as_written: config.as_written,
            refused: std::sync::atomic::AtomicU64::new(0),
            body_budget: Arc::new(Semaphore::new(kib(config.limits.body_budget_bytes.max(config.max_body_bytes)) as usize)),
            body_read_timeout: config.limits.body_read_timeout,
            rejected: RejectedBudget::new(config.limits.rejected_bytes_per_minute),
        })
    }

    /// Drop the writer's queue so the writer ends once it has written what is queued.
    pub(crate) fn close_writer(&self) {
        self.jobs.lock().unwrap_or_else(|p| p.into_inner()).take();
    }

    fn jobs(&self) -> Option<mpsc::Sender<Job>> {
        self.jobs.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// The 401 answer, unless the request carries the token (when one is configured).
    fn refusal(&self, headers: &HeaderMap) -> Option<Response> {
        self.authorize(headers).err().map(|Unauthorized| unauthorized())
    }

    /// Who sent the request: `Ok(None)` when the receiver is open, `Ok(Some(name))` for a
    /// configured token, else the 401 answer. Every token is compared, in constant time,
    /// whichever matches.
    fn authorize(&self, headers: &HeaderMap) -> Result<Option<String>, Unauthorized> {
        if self.tokens.is_empty() {
            return Ok(None);
        }
        let given = headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer ").or_else(|| v.strip_prefix("bearer ")))
            .map(|t| <[u8; 32]>::from(Sha256::digest(t.trim().as_bytes())));
        let mut found = None;
        if let Some(given) = given {
            for (name, digest) in &self.tokens {
                if bool::from(given.as_slice().ct_eq(digest.as_slice())) {
                    found = Some(name.clone());
                }
            }
        }
        found.map(Some).ok_or(Unauthorized)
    }

    /// How many reports were refused for want of the token (401) since the start.
    pub(crate) fn refused(&self) -> u64 {
        self.refused.load(std::sync::atomic::Ordering::SeqCst)
    }

    /// Rejected reports answered 429 and not stored since the start.
    pub(crate) fn refused_over_budget(&self) -> u64 {
        self.rejected.refused()
    }

    /// Whose rejected-bytes budget a request draws on: its token when one is configured,
    /// else its IP address (not the port: each connection has its own).
    fn budget_key(who: Option<&str>, peer: SocketAddr) -> String {
        match who {
            Some(name) => format!("bearer:{name}"),
            None => peer.ip().to_string(),
        }
    }

    /// The stored sender: `bearer:NAME@PEER` (NAME: the sender's name, or the token's
    /// fingerprint), or the peer when the receiver is open.
    fn sender(who: Option<&str>, peer: SocketAddr) -> String {
        match who {
            Some(name) => format!("bearer:{name}@{peer}"),
            None => peer.to_string(),
        }
    }
}

/// A request without a valid token.
struct Unauthorized;

/// The 401 answer, with `WWW-Authenticate: Bearer`.
fn unauthorized() -> Response {
    let mut r = fhir(StatusCode::UNAUTHORIZED, &answer::unauthorized());
    r.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
    r
}

type AppState = Arc<Shared>;

/// Bytes as whole KiB, rounded up (the unit of the body budget's permits).
fn kib(bytes: usize) -> u32 {
    u32::try_from(bytes.div_ceil(1024)).unwrap_or(u32::MAX).max(1)
}

/// The routes. Every one but `/health` counts towards `max_in_flight`: beyond it a request
/// is answered 503 with `Retry-After` at once (tower's global concurrency limit, shed).
pub(crate) fn router(shared: AppState, max_body_bytes: usize, max_in_flight: usize) -> Router {
    let in_flight = tower::ServiceBuilder::new()
        .layer(HandleErrorLayer::new(|_: tower::BoxError| async { busy("The receiver is handling as many requests as it takes at once.") }))
        .load_shed()
        .layer(tower::limit::GlobalConcurrencyLimitLayer::new(max_in_flight.max(1)));
    Router::new()
        .route("/", post(post_report))
        .route("/fhir/Bundle", post(post_report))
        .route("/citizens", get(citizens))
        .route("/citizens/{key}/reports", get(citizen_reports))
        .route("/citizens/{key}/audit", get(citizen_audit))
        .route("/reports", get(reports))
        .route("/reports/{seq}", get(report))
        .fallback(no_route)
        .method_not_allowed_fallback(wrong_method)
        .layer(DefaultBodyLimit::max(max_body_bytes))
        .layer(in_flight)
        .route("/health", get(health))
        .with_state(shared)
}

/// 503 with `Retry-After: 1`: the receiver is at a bound; nothing was read or stored.
fn busy(why: &str) -> Response {
    retry_after(fhir(StatusCode::SERVICE_UNAVAILABLE, &answer::busy(why)), 1)
}

fn retry_after(mut r: Response, seconds: u64) -> Response {
    r.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(seconds));
    r
}

/// Why a body could not be read.
enum BodyError {
    TooLarge,
    Unreadable(axum::Error),
}

/// Read a body into one buffer sized by its declaration (one copy of the bytes; axum's
/// `Bytes` extractor gathers the chunks and then copies them again), refusing it once it
/// passes `limit`.
async fn read_body(body: axum::body::Body, limit: usize, declared: Option<usize>) -> Result<Vec<u8>, BodyError> {
    use http_body_util::BodyExt;
    let mut body = body;
    let mut out = Vec::with_capacity(declared.unwrap_or(0).min(limit));
    while let Some(frame) = body.frame().await {
        let frame = frame.map_err(BodyError::Unreadable)?;
        if let Ok(data) = frame.into_data() {
            if out.len() + data.len() > limit {
                return Err(BodyError::TooLarge);
            }
            out.extend_from_slice(&data);
        }
    }
    Ok(out)
}

fn fhir(status: StatusCode, body: &Value) -> Response {
    (status, [(header::CONTENT_TYPE, "application/fhir+json")], body.to_string()).into_response()
}

fn json_ok(body: &Value) -> Response {
    (StatusCode::OK, [(header::CONTENT_TYPE, "application/json")], body.to_string()).into_response()
}

fn now_rfc3339() -> String {
    let fmt = time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]Z");
    time::OffsetDateTime::now_utc().format(&fmt).unwrap_or_default()
}

fn header_str(headers: &HeaderMap, name: &str) -> Option<String> {
    headers.get(name).map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
}

async fn post_report(State(s): State<AppState>, ConnectInfo(peer): ConnectInfo<SocketAddr>, req: Request) -> Response {
    let received_at = now_rfc3339();
    let who = match s.authorize(req.headers()) {
        Ok(who) => who,
        Err(Unauthorized) => {
            tracing::info!(%peer, "refused a report without a valid token (401)");
            s.refused.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            return unauthorized();
        }
    };
    let (parts, body) = req.into_parts();
    let headers = parts.headers;
    let sender = Shared::sender(who.as_deref(), peer);
    let declared = headers.get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.trim().parse::<usize>().ok());
    // The body's share of the memory budget, held until it is answered: its declared size,
    // or the size limit when it declares none. A body waits for its share (its bytes stay in
    // the client's socket meanwhile) for at most half the body-read timeout; the wait and the
    // read together are bounded by the body-read timeout.
    let share = kib(declared.unwrap_or(s.max_body_bytes).min(s.max_body_bytes));
    let deadline = tokio::time::Instant::now() + s.body_read_timeout;
    let Ok(Ok(_budget)) = tokio::time::timeout(s.body_read_timeout / 2, s.body_budget.clone().acquire_many_owned(share)).await else {
        tracing::info!(%peer, "bodies being read filled the memory budget for half the body-read timeout; answered 503");
        return busy("The receiver is holding as many bytes of reports as it may at once.");
    };
    let read = if declared.is_some_and(|d| d > s.max_body_bytes) {
        Ok(Err(BodyError::TooLarge))
    } else {
        tokio::time::timeout_at(deadline, read_body(body, s.max_body_bytes, declared)).await
    };
    let body = match read {
        Ok(Ok(b)) => b,
        Err(_) => {
            tracing::info!(%peer, timeout_s = s.body_read_timeout.as_secs_f64(), "a request body did not arrive in time (408)");
            let mut r = fhir(StatusCode::REQUEST_TIMEOUT, &answer::body_timeout(s.body_read_timeout));
            r.headers_mut().insert(header::CONNECTION, HeaderValue::from_static("close"));
            return r;
        }
        Ok(Err(BodyError::TooLarge)) => {
            // Recorded as evidence (without the body, which was not read).
            let outcome = answer::too_large(s.max_body_bytes);
            let inc = super::store::Incoming {
                dedupe_key: None,
                bundle_id: None,
                received_at,
                sender,
                cpr: None,
                municipality: None,
                timestamp: None,
                status: 413,
                outcome: outcome.clone(),
                body: Vec::new(),
            };
            let _ = record(&s, inc).await;
            tracing::info!(%peer, limit = s.max_body_bytes, "refused a report over the size limit (413)");
            return fhir(StatusCode::PAYLOAD_TOO_LARGE, &outcome);
        }
        Ok(Err(BodyError::Unreadable(e))) => {
            tracing::info!(%peer, error = %e, "could not read a request body");
            return fhir(StatusCode::BAD_REQUEST, &answer::bad_request(&format!("The request body could not be read: {e}")));
        }
    };
    let request = Intake {
        body,
        content_type: header_str(&headers, "content-type"),
        content_encoding: header_str(&headers, "content-encoding"),
        idempotency_key: header_str(&headers, "idempotency-key").filter(|k| !k.is_empty()),
        sender,
        received_at,
    };
    let (tx, rx) = oneshot::channel();
    let as_written = s.as_written;
    s.pool.spawn(move || {
        let checker = as_written.then(ffbkit_sdk::as_written::Checker::shared);
        let _ = tx.send(intake_as(Validator::default_validator(), checker, request));
    });
    let Ok(inc) = rx.await else {
        return fhir(StatusCode::INTERNAL_SERVER_ERROR, &answer::store_failed());
    };
    let (status, outcome, masked) = (inc.status, inc.outcome.clone(), inc.cpr.as_deref().map(ffbkit_sdk::cpr::mask));
    if status != 201 && !inc.body.is_empty() {
        if let Err(wait) = s.rejected.take(&Shared::budget_key(who.as_deref(), peer), inc.body.len() as u64) {
            tracing::info!(status, bytes = inc.body.len(), %peer, "rejected report over the sender's budget: answered 429, not stored");
            let throttled = answer::over_rejected_budget(&outcome, wait);
            return retry_after(fhir(StatusCode::TOO_MANY_REQUESTS, &throttled), wait);
        }
    }
    match record(&s, inc).await {
        Err(()) => fhir(StatusCode::SERVICE_UNAVAILABLE, &answer::store_failed()),
        Ok(Recorded::Stored { seq }) => {
            if status == 201 {
                tracing::debug!(seq, citizen = masked.as_deref().unwrap_or("-"), %peer, "report accepted");
            } else {
                let mut rules: Vec<&str> = outcome["issue"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter(|i| i["severity"] == "error")
                    .filter_map(|i| i.pointer("/details/coding/0/code").and_then(Value::as_str))
                    .collect();
                rules.sort_unstable();
                rules.dedup();
                tracing::info!(seq, status, citizen = masked.as_deref().unwrap_or("-"), rules = %rules.join(","), %peer, "report rejected");
            }
            let mut r = fhir(StatusCode::from_u16(status).unwrap_or(StatusCode::UNPROCESSABLE_ENTITY), &outcome);
            if status == 201 {
                if let Ok(v) = HeaderValue::from_str(&format!("/reports/{seq}")) {
                    r.headers_mut().insert(header::LOCATION, v);
                }
            }
            r
        }
        Ok(Recorded::Duplicate { seq, outcome }) => {
            tracing::debug!(seq, %peer, "report re-sent with identical content; answered as accepted again");
            let mut r = fhir(StatusCode::OK, &outcome);
            if let Ok(v) = HeaderValue::from_str(&format!("/reports/{seq}")) {
                r.headers_mut().insert(header::LOCATION, v);
            }
            r
        }
        Ok(Recorded::Conflict { seq, original, outcome }) => {
            tracing::info!(seq, original, %peer, "report re-sent under an accepted id with other content (409)");
            fhir(StatusCode::CONFLICT, &outcome)
        }
    }
}

async fn record(s: &Shared, inc: super::store::Incoming) -> Result<Recorded, ()> {
    let jobs = s.jobs().ok_or(())?;
    let (tx, rx) = oneshot::channel();
    jobs.send((inc, tx)).await.map_err(|_| ())?;
    rx.await.map_err(|_| ())?.map_err(|_| ())
}

/// Run a store read off the async runtime; a failure becomes a 500 answer.
async fn read<T: Send + 'static>(
    s: &Shared,
    f: impl FnOnce(&Store) -> Result<T, super::StoreError> + Send + 'static,
) -> Result<T, Response> {
    let store = s.store.clone();
    match tokio::task::spawn_blocking(move || f(&store)).await {
        Ok(Ok(v)) => Ok(v),
        Ok(Err(e)) => {
            tracing::error!(error = %e, "store read failed");
            Err(fhir(StatusCode::INTERNAL_SERVER_ERROR, &answer::not_found(&format!("The store could not be read: {e}"))))
        }
        Err(_) => Err(fhir(StatusCode::INTERNAL_SERVER_ERROR, &answer::not_found("The store read failed."))),
    }
}

/// A stored report for the GET endpoints: the CPR masked everywhere, the body as JSON
/// (masked) when it is JSON, else a masked text preview.
pub(crate) fn view(r: &StoredReport) -> Value {
    // Masked after decoding: a CPR number written with JSON escapes is masked too.
    let report: Option<Value> = serde_json::from_slice::<Value>(&r.body).ok().map(|mut v| {
        ffbkit_sdk::cpr::mask_in_value_mut(&mut v);
        v
    });
    let masked = || mask_in_text(&String::from_utf8_lossy(&r.body));
    let mut v = json!({
        "seq": r.seq,
        "bundle_id": r.bundle_id.as_deref().map(mask_in_text),
        "received_at": r.received_at,
        "sender": r.sender,
        "citizen_key": r.citizen_key,
        "citizen": r.citizen_masked,
        "municipality": r.municipality,
        "timestamp": r.timestamp,
        "accepted": r.accepted,
        "status": r.status,
        "body_bytes": r.body.len(),
        "body_sha256": super::store::sha256_hex(&r.body),
        "outcome": r.outcome,
        "report": report,
    });
    if v["report"].is_null() && !r.body.is_empty() {
        v["body_preview"] = Value::String(masked().chars().take(1024).collect());
    }
    v
}

/// An answer holding stored reports, `{head..., "reports": [...], tail...}`, written report by
/// report: each row is viewed (decoded, masked), written and dropped before the next, so
/// the memory a page takes is about its rows plus its answer, not several copies of it
/// (issue 22, bounded reads: `conformance/tests/serve_pages.rs` states the bound).
fn reports_json(head: &[(&str, Value)], list: Vec<StoredReport>, tail: &[(&str, Value)]) -> Response {
    let total: usize = list.iter().map(|r| r.body.len() + 1024).sum();
    let mut out = Vec::with_capacity(total + 64);
    out.push(b'{');
    for (k, v) in head {
        out.extend_from_slice(format!("{}:{v},", Value::from(*k)).as_bytes());
    }
    out.extend_from_slice(b"\"reports\":[");
    for (i, r) in list.into_iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        // Writing a Value into a Vec cannot fail.
        let _ = serde_json::to_writer(&mut out, &view(&r));
    }
    out.push(b']');
    for (k, v) in tail {
        out.extend_from_slice(format!(",{}:{v}", Value::from(*k)).as_bytes());
    }
    out.push(b'}');
    (StatusCode::OK, [(header::CONTENT_TYPE, "application/json")], out).into_response()
}

async fn citizens(State(s): State<AppState>, headers: HeaderMap) -> Response {
    if let Some(r) = s.refusal(&headers) {
        return r;
    }
    match read(&s, |st| st.citizens()).await {
        Ok(list) => json_ok(&json!({ "citizens": list })),
        Err(r) => r,
    }
}

async fn citizen_reports(State(s): State<AppState>, headers: HeaderMap, key: Result<Path<String>, PathRejection>) -> Response {
    if let Some(r) = s.refusal(&headers) {
        return r;
    }
    let Path(key) = match key {
        Ok(p) => p,
        Err(e) => return unreadable_request(&e),
    };
    let k = key.clone();
    match read(&s, move |st| st.citizen_reports(&k)).await {
        Ok(list) if list.is_empty() => fhir(StatusCode::NOT_FOUND, &answer::not_found("No accepted report of a citizen with this key.")),
        Ok(list) => {
            let citizen = json!(list[0].citizen_masked);
            reports_json(&[("citizen_key", json!(key)), ("citizen", citizen)], list, &[])
        }
        Err(r) => r,
    }
}

async fn citizen_audit(State(s): State<AppState>, headers: HeaderMap, key: Result<Path<String>, PathRejection>) -> Response {
    if let Some(r) = s.refusal(&headers) {
        return r;
    }
    let Path(key) = match key {
        Ok(p) => p,
        Err(e) => return unreadable_request(&e),
    };
    let k = key.clone();
    let audit = read(&s, move |st| {
        let list = st.citizen_reports(&k)?;
        if list.is_empty() {
            return Ok(None);
        }
        let values: Vec<Value> = list.iter().filter_map(|r| serde_json::from_slice(&r.body).ok()).collect();
        Ok(Some(ffbkit_sdk::audit::audit_citizen(&values)))
    })
    .await;
    match audit {
        Ok(None) => fhir(StatusCode::NOT_FOUND, &answer::not_found("No accepted report of a citizen with this key.")),
        Ok(Some(a)) => {
            let mut v = serde_json::to_value(&a).unwrap_or(Value::Null);
            v["citizen_key"] = Value::String(key);
            json_ok(&v)
        }
        Err(r) => r,
    }
}

/// 404 for a path the receiver does not serve, as an OperationOutcome like every other
/// answer (axum's default is an empty body).
async fn no_route(uri: axum::http::Uri) -> Response {
    fhir(StatusCode::NOT_FOUND, &answer::not_found(&mask_in_text(&format!("No such endpoint: {}.", uri.path()))))
}

/// 405 for a served path asked with another method, as an OperationOutcome with `Allow`.
async fn wrong_method(method: axum::http::Method, uri: axum::http::Uri) -> Response {
    let allowed = match uri.path() {
        "/" | "/fhir/Bundle" => "POST",
        _ => "GET, HEAD",
    };
    let mut r = fhir(StatusCode::METHOD_NOT_ALLOWED, &answer::method_not_allowed(method.as_str(), uri.path(), allowed));
    r.headers_mut().insert(header::ALLOW, header::HeaderValue::from_static(allowed));
    r
}

/// A path or query the extractors cannot read, answered as every other error: 400 with an
/// OperationOutcome (not axum's text/plain), CPR numbers masked.
fn unreadable_request(e: &dyn std::fmt::Display) -> Response {
    fhir(StatusCode::BAD_REQUEST, &answer::bad_request(&mask_in_text(&format!("the request's path or query cannot be read: {e}"))))
}

/// Bodies per page of `GET /reports` (about 32 MiB; at least one report): `limit` counts
/// reports, this bounds the bytes read and sent.
const PAGE_BYTES: i64 = 32 << 20;

#[derive(serde::Deserialize)]
struct Page {
    after: Option<String>,
    limit: Option<String>,
}

async fn reports(State(s): State<AppState>, headers: HeaderMap, page: Result<Query<Page>, QueryRejection>) -> Response {
    if let Some(r) = s.refusal(&headers) {
        return r;
    }
    let Query(page) = match page {
        Ok(p) => p,
        Err(e) => return unreadable_request(&e),
    };
    let after = match page.after.as_deref().map(str::parse::<i64>).transpose() {
        Ok(a) => a.unwrap_or(0),
        Err(_) => return fhir(StatusCode::BAD_REQUEST, &answer::bad_request("`after` must be a whole number (a seq).")),
    };
    let limit = match page.limit.as_deref().map(str::parse::<i64>).transpose() {
        Ok(l) if l.is_none_or(|l| (1..=10_000).contains(&l)) => l.unwrap_or(1000),
        _ => return fhir(StatusCode::BAD_REQUEST, &answer::bad_request("`limit` must be a whole number from 1 to 10000.")),
    };
    match read(&s, move |st| st.reports_page(after, limit, PAGE_BYTES)).await {
        Ok(list) => {
            let next = list.last().map(|r| r.seq).unwrap_or(after);
            reports_json(&[], list, &[("next_after", json!(next))])
        }
        Err(r) => r,
    }
}

async fn report(State(s): State<AppState>, headers: HeaderMap, seq: Result<Path<String>, PathRejection>) -> Response {
    if let Some(r) = s.refusal(&headers) {
        return r;
    }
    let Path(seq) = match seq {
        Ok(p) => p,
        Err(e) => return unreadable_request(&e),
    };
    let Ok(seq) = seq.parse::<i64>() else {
        return fhir(StatusCode::BAD_REQUEST, &answer::bad_request("A report is named by its seq, a whole number."));
    };
    match read(&s, move |st| st.report(seq)).await {
        Ok(Some(r)) => json_ok(&view(&r)),
        Ok(None) => fhir(StatusCode::NOT_FOUND, &answer::not_found("No report with this seq.")),
        Err(r) => r,
    }
}

async fn health(State(s): State<AppState>) -> Response {
    match read(&s, |st| Ok((st.count_received()?, st.count_accepted()?))).await {
        Ok((received, accepted)) => json_ok(&json!({
            "status": "ok",
            "received": received,
            "accepted": accepted,
            "refused_over_budget": s.refused_over_budget(),
        })),
        Err(r) => r,
    }
}
