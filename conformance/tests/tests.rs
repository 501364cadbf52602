//! The crate's integration tests, one binary (linking axum, tokio, reqwest and SQLite once
//! instead of once per file): each file of this folder is a module.
mod certify_manual;
mod certify_mutation;
mod certify_openapi;
mod certify_reference;
mod certify_resume;
mod certify_sign;
mod certify_testscript;
mod certify_tls;
mod certify_tokens;
mod certify_wiremock;
mod cli_as_written;
mod cli_audit;
mod cli_audit_municipalities;
mod cli_catalog;
mod cli_rules;
mod cli_validate;
mod errors;
mod journey_cli;
mod journey_expect;
mod journey_format;
mod serve_cli;
mod serve_http;
mod serve_shutdown;
mod testscript_medcom;
mod vendor_defects;
mod vendor_loopback;
