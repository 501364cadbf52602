//! Sending reports: the gateway client and the durable outbox (feature `client`).

pub mod client;
pub mod outbox;

pub use client::{Auth, Delivery, GatewayClient, GatewayConfig, Undelivered};
pub use outbox::{FlushSummary, Outbox, State};
