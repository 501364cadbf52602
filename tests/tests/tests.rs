//! The crate's integration tests, one binary (linking axum, tokio, reqwest and SQLite once
//! instead of once per file): each file of this folder is a module.
mod nightly_kill;
mod serve_stream;
mod stream_to_gateway;
mod test_layout;
