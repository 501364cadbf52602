//! Sending reports: the gateway client, the durable outbox and the durable planner (its
//! memory in the outbox's file, planned and queued in one transaction; feature `client`).

pub mod client;
pub mod durable;
pub mod outbox;

pub use client::{Auth, ConfigError, Delivery, GatewayClient, GatewayConfig, Undelivered};
pub use durable::{DurablePlanner, Planned, PlannerStoreError, RebuildSummary, Step};
pub use outbox::{FlushSummary, Outbox, OutboxError, State, StopReason, BUSY_TIMEOUT};
