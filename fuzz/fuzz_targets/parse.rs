//! Fuzz the report parser against serde_json: for any bytes, `source::parse` (the validator's
//! own parser, which hands what it is unsure of to serde_json) must accept exactly what
//! `serde_json::from_slice::<Value>` accepts, and build the same value.

#![no_main]

use ffbkit_sdk::validate::json::Arena;
use ffbkit_sdk::validate::source::{parse, Limits};
use libfuzzer_sys::fuzz_target;
use serde_json::Value;

fuzz_target!(|data: &[u8]| {
    let arena = Arena::new();
    let ours = parse(data, &arena, &Limits::default());
    let theirs = serde_json::from_slice::<Value>(data);
    match (ours, theirs) {
        (Ok((tree, _)), Ok(value)) => assert_eq!(tree.to_value(), value, "same text, different values"),
        (Err(_), Err(_)) => {}
        (Ok(_), Err(e)) => panic!("ffbkit accepts what serde_json refuses: {e}"),
        (Err(p), Ok(_)) => panic!("ffbkit refuses what serde_json accepts: {}", p.message),
    }
});
