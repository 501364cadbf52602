//! Sending reports: the gateway client and the durable outbox (feature `client`).

pub mod client;
pub mod durable;
pub mod outbox;

pub use client::{Auth, Delivery, GatewayClient, GatewayConfig, Undelivered};
pub use durable::{DurablePlanner, Planned, PlannerStoreError, RebuildSummary, Step};
pub use outbox::{FlushSummary, Outbox, State};
