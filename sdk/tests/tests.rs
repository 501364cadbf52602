//! The crate's integration tests, one binary (linking axum, tokio, reqwest and SQLite once
//! instead of once per file): each file of this folder is a module.
mod as_written_cross;
mod audit_coverage_view;
mod audit_docs;
mod audit_fixtures;
mod audit_ig_example;
mod audit_stream;
mod bad_input;
mod builder_props;
mod corpus;
mod dataset;
mod gateway_client;
mod ig_example;
mod ig_invariants;
mod input_walk;
mod legal_basis_readme;
mod model_roundtrip;
mod planner_durable;
mod planner_proto;
mod provenance;
mod readme_hostile_table;
mod rules_docs;
mod schema_cases;
mod snapshots_render;
mod validate_scaling;
