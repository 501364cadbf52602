//! The vendor-adapter HTTP API over a [`VendorSystem`] (axum): `GET /health`,
//! `POST /reset`, `POST /actions`, `POST /deliver`. Push mode POSTs each report to the
//! gateway given at reset with the SDK's gateway client; pull mode answers the reports.

use super::defect::Defect;
use super::system::VendorSystem;
use crate::harness::secret::Secret;
use crate::journey::Action;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use ffbkit_sdk::domain::Date;
use ffbkit_sdk::gateway::{Auth, Delivery, GatewayClient, GatewayConfig};
use serde::Deserialize;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use std::sync::{Arc, Mutex};
use std::time::Duration;

struct Session {
    system: VendorSystem,
    gateway: Option<GatewayClient>,
    /// Reports planned but not yet accepted or rejected by the gateway (push mode): sent
    /// first at the next delivery, so nothing planned is lost when the gateway is down.
    unsent: Vec<Value>,
}

/// Shared adapter state.
pub(crate) struct Adapter {
    defect: Option<Defect>,
    session: Mutex<Session>,
}

#[derive(Deserialize)]
struct ResetBody {
    run: String,
    #[serde(default)]
    gateway: Option<String>,
    #[serde(default)]
    token: Option<String>,
}

#[derive(Deserialize)]
struct ActionBody {
    journey: String,
    #[serde(default)]
    step: Option<String>,
    date: String,
    action: Value,
}

#[derive(Deserialize)]
struct DeliverBody {
    date: String,
}

fn error(status: StatusCode, message: impl Into<String>) -> Response {
    (status, Json(json!({"error": message.into()}))).into_response()
}

fn parse<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, String> {
    serde_json::from_slice(body).map_err(|e| format!("malformed request body: {e}"))
}

/// The router of an adapter with an optional defect; with `require_token`, every endpoint
/// but `/health` answers 401 without `Authorization: Bearer <token>`.
pub(crate) fn router(defect: Option<Defect>, require_token: Option<Secret>) -> Router {
    let state = Arc::new(Adapter {
        defect,
        session: Mutex::new(Session { system: VendorSystem::new("unset", defect), gateway: None, unsent: Vec::new() }),
    });
    let mut protected = Router::new().route("/reset", post(reset)).route("/actions", post(actions)).route("/deliver", post(deliver));
    if let Some(token) = require_token {
        let expected: [u8; 32] = Sha256::digest(token.expose().as_bytes()).into();
        protected = protected.route_layer(axum::middleware::from_fn(move |req: axum::extract::Request, next: axum::middleware::Next| {
            let given = req
                .headers()
                .get(axum::http::header::AUTHORIZATION)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.strip_prefix("Bearer ").or_else(|| v.strip_prefix("bearer ")))
                .map(|t| <[u8; 32]>::from(Sha256::digest(t.trim().as_bytes())));
            async move {
                if given == Some(expected) {
                    next.run(req).await
                } else {
                    error(StatusCode::UNAUTHORIZED, "this test adapter requires Authorization: Bearer <token>")
                }
            }
        }));
    }
    protected.route("/health", get(|| async { StatusCode::OK })).with_state(state)
}

async fn reset(State(s): State<Arc<Adapter>>, body: axum::body::Bytes) -> Response {
    let b: ResetBody = match parse(&body) {
        Ok(b) => b,
        Err(m) => return error(StatusCode::BAD_REQUEST, m),
    };
    let gateway = match b.gateway {
        Some(url) => {
            let mut cfg = GatewayConfig::new(&url);
            cfg.timeout = Duration::from_secs(10);
            cfg.max_attempts = 3;
            cfg.backoff = Duration::from_millis(100);
            cfg.max_backoff = Duration::from_secs(1);
            if let Some(t) = b.token {
                cfg.auth = Auth::Bearer(t);
            }
            match GatewayClient::new(cfg) {
                Ok(c) => Some(c),
                Err(e) => return error(StatusCode::UNPROCESSABLE_ENTITY, e.to_string()),
            }
        }
        None => None,
    };
    let mut session = s.session.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    *session = Session { system: VendorSystem::new(&b.run, s.defect), gateway, unsent: Vec::new() };
    StatusCode::NO_CONTENT.into_response()
}

async fn actions(State(s): State<Arc<Adapter>>, body: axum::body::Bytes) -> Response {
    let b: ActionBody = match parse(&body) {
        Ok(b) => b,
        Err(m) => return error(StatusCode::BAD_REQUEST, m),
    };
    let date = match Date::parse(&b.date) {
        Ok(d) => d,
        Err(e) => return error(StatusCode::UNPROCESSABLE_ENTITY, e.to_string()),
    };
    let action: Action = match serde_json::from_value(b.action) {
        Ok(a) => a,
        Err(e) => return error(StatusCode::UNPROCESSABLE_ENTITY, format!("not an action: {e}")),
    };
    let mut session = s.session.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    match session.system.apply(&b.journey, date, &action) {
        Ok(()) => Json(json!({})).into_response(),
        Err(e) => error(
            StatusCode::UNPROCESSABLE_ENTITY,
            format!("{}{}: {e}", action.name(), b.step.map(|s| format!(" (step {s})")).unwrap_or_default()),
        ),
    }
}

async fn deliver(State(s): State<Arc<Adapter>>, body: axum::body::Bytes) -> Response {
    let b: DeliverBody = match parse(&body) {
        Ok(b) => b,
        Err(m) => return error(StatusCode::BAD_REQUEST, m),
    };
    let date = match Date::parse(&b.date) {
        Ok(d) => d,
        Err(e) => return error(StatusCode::UNPROCESSABLE_ENTITY, e.to_string()),
    };
    let (reports, gateway) = {
        let mut session = s.session.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let mut reports = std::mem::take(&mut session.unsent);
        reports.extend(session.system.deliver(date));
        (reports, session.gateway.clone())
    };
    let Some(client) = gateway else {
        return Json(json!({"reports": reports})).into_response();
    };
    let mut sent = 0usize;
    for r in &reports {
        let bytes = serde_json::to_vec(r).unwrap_or_default();
        match client.send(&bytes, r["id"].as_str().unwrap_or("")).await {
            Ok(Delivery::Accepted { .. }) | Ok(Delivery::Rejected { .. }) => sent += 1,
            Err(e) => {
                let left = reports[sent..].to_vec();
                let n = left.len();
                s.session.lock().unwrap_or_else(std::sync::PoisonError::into_inner).unsent = left;
                return error(
                    StatusCode::BAD_GATEWAY,
                    format!("{sent} of {} report(s) sent; then: {e}; {n} kept to send at the next delivery", reports.len()),
                );
            }
        }
    }
    Json(json!({"sent": sent})).into_response()
}
