//! Bad input never panics and always gives a clear finding with a rule id and position.

use ffbkit_sdk::rules::RuleId;
use ffbkit_sdk::validate::{source::Limits, Options, Validator};
use std::path::PathBuf;

fn v() -> &'static Validator {
    Validator::default_validator()
}

fn only_rule(bytes: &[u8], rule: RuleId) -> ffbkit_sdk::validate::Outcome {
    let o = v().validate_bytes(bytes);
    assert!(!o.is_valid());
    assert!(o.diagnostics.iter().all(|d| d.rule == rule), "{:#?}", o.diagnostics);
    o
}

#[test]
fn malformed_json() {
    let o = only_rule(b"{\"resourceType\": \"Bundle\",\n  \"type\": collection}", RuleId::GwJson);
    assert_eq!(o.diagnostics[0].line, Some(2));
    assert!(o.diagnostics[0].message.contains("malformed JSON"));
}

#[test]
fn truncated_file() {
    let full = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/../fixtures/reports/valid/own-85-granted.json")).unwrap();
    let o = only_rule(&full[..full.len() / 2], RuleId::GwJson);
    assert!(o.diagnostics[0].message.contains("ends too early"));
}

#[test]
fn invalid_utf8() {
    let o = only_rule(b"{\"resourceType\": \"Bundle\", \"id\": \"\xc3\x28\"}", RuleId::GwJson);
    assert!(o.diagnostics[0].message.contains("UTF-8"));
    assert_eq!(o.diagnostics[0].line, Some(1));
}

#[test]
fn array_where_an_object_belongs() {
    let o = only_rule(b"[{\"resourceType\": \"Bundle\"}]", RuleId::GwJson);
    assert!(o.diagnostics[0].message.contains("not a JSON object"));
    let o =
        v().validate_bytes(br#"{"resourceType":"Bundle","type":"collection","timestamp":"2025-01-01T00:00:00Z","entry":{"resource":{}}}"#);
    // The empty resource is also an element with neither value nor children (FHIR ele-1).
    assert_eq!(o.rule_ids(ffbkit_sdk::validate::Severity::Error), [RuleId::GwType, RuleId::Ele1]);
    assert_eq!(o.diagnostics.iter().find(|d| d.rule == RuleId::Ele1).map(|d| d.pointer.as_str()), Some("/entry/resource"));
}

#[test]
fn numbers_where_strings_belong() {
    let o = v().validate_bytes(br#"{"resourceType":"Bundle","type":"collection","timestamp":20250101}"#);
    assert_eq!(o.rule_ids(ffbkit_sdk::validate::Severity::Error), [RuleId::GwType]);
    assert_eq!(o.diagnostics[0].location, "Bundle.timestamp");
}

#[test]
fn duplicate_keys() {
    let o = v().validate_bytes(
        b"{\"resourceType\":\"Bundle\",\"type\":\"collection\",\"type\":\"collection\",\"timestamp\":\"2025-01-01T00:00:00Z\"}",
    );
    assert_eq!(o.rule_ids(ffbkit_sdk::validate::Severity::Error), [RuleId::GwJson]);
    assert_eq!(o.diagnostics[0].pointer, "/type");
    assert_eq!(o.diagnostics[0].column, Some(46));
}

#[test]
fn nesting_ten_thousand_deep() {
    let deep = format!("{{\"a\":{}1{}}}", "[".repeat(10_000), "]".repeat(10_000));
    let o = only_rule(deep.as_bytes(), RuleId::GwJson);
    assert!(o.diagnostics[0].message.contains("128 levels"));
}

#[test]
fn a_200_mb_file_is_refused_unread() {
    let dir = std::env::temp_dir().join(format!("ffbkit-huge-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("huge.json");
    let f = std::fs::File::create(&path).unwrap();
    f.set_len(200 * 1024 * 1024).unwrap(); // sparse: no 200 MB written or read
    let mut items = Vec::new();
    let summary = ffbkit_sdk::validate::batch::validate_inputs(v(), std::slice::from_ref(&path), |i| items.push(i));
    std::fs::remove_dir_all(&dir).ok();
    assert_eq!(summary.invalid, 1);
    assert!(items[0].bytes.is_empty(), "the file was not read");
    assert_eq!(items[0].outcome.diagnostics[0].rule, RuleId::GwJson);
    assert!(items[0].outcome.diagnostics[0].message.contains("more than the limit"));
    let small = Validator::new(Options { limits: Limits { max_bytes: 10 }, ..Options::default() }).unwrap();
    assert_eq!(small.validate_bytes(b"{\"resourceType\":\"Bundle\"}").diagnostics[0].rule, RuleId::GwJson);
}

#[test]
fn a_one_megabyte_string() {
    let big = "x".repeat(1024 * 1024);
    let doc = format!(r#"{{"resourceType":"Bundle","type":"collection","timestamp":"{big}"}}"#);
    let o = v().validate_bytes(doc.as_bytes());
    assert_eq!(o.rule_ids(ffbkit_sdk::validate::Severity::Error), [RuleId::GwDatetime]);
    let found = o.diagnostics[0].found.as_ref().unwrap();
    assert!(found.len() < 200, "the value is shortened in findings: {} chars", found.len());
    assert!(o.diagnostics[0].message.len() < 500);
}

/// FHIR's limit on a string (1024 * 1024 characters, GW-JSON), tested on a valid report
/// whose case number is made that long in code rather than in a 1 MiB fixture file.
#[test]
fn a_string_over_fhirs_limit_of_1024_times_1024_characters() {
    use ffbkit_sdk::validate::Severity;
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../fixtures/reports/valid/own-85-granted.json")).unwrap();
    let case = "\"value\": \"SAG-2025-0042\"";
    assert!(text.contains(case));
    let with_case = |value: &str| text.replacen(case, &format!("\"value\": \"{value}\""), 1);
    // Exactly the limit, in two-byte characters (more bytes than the limit): allowed.
    let at_limit = v().validate_bytes(with_case(&"æ".repeat(1024 * 1024)).as_bytes());
    assert!(at_limit.is_valid(), "{:#?}", at_limit.diagnostics);
    // One character more: GW-JSON at the case number, and nothing else.
    let over = with_case(&"x".repeat(1024 * 1024 + 1));
    let o = v().validate_bytes(over.as_bytes());
    assert_eq!(o.rule_ids(Severity::Information), [RuleId::GwJson], "{:#?}", o.diagnostics);
    let d = &o.diagnostics[0];
    assert_eq!(d.pointer, "/entry/1/resource/extension/0/extension/0/valueIdentifier/value");
    assert!(d.message.contains("1048577 characters"), "{}", d.message);
    assert!(d.message.len() < 500 && d.found.as_ref().is_some_and(|f| f.len() < 200));
    // The same from a parsed value (no parser notes: the check always runs).
    let value: serde_json::Value = serde_json::from_str(&over).unwrap();
    assert_eq!(v().validate_value(&value).rule_ids(Severity::Information), [RuleId::GwJson]);
}

/// FHIR's JSON representation: nulls, empty arrays and blank strings under GW-JSON, an empty
/// object under ele-1, wherever they are (also where the profiles say nothing), from both
/// parsers: the fast one and serde_json's, which takes over at `-0` (read as a float).
#[test]
fn fhir_json_representation_faults_are_found_anywhere() {
    use ffbkit_sdk::validate::Severity;
    let base = r#"{"resourceType":"Bundle","type":"collection","timestamp":"2025-01-01T00:00:00Z""#;
    for (extra, rule, pointer) in [
        (r#","meta":{}"#, RuleId::Ele1, "/meta"),
        (r#","entry":[]"#, RuleId::GwJson, "/entry"),
        (r#","id":null"#, RuleId::GwJson, "/id"),
        (r#","id":"  ""#, RuleId::GwJson, "/id"),
        (r#","id":"""#, RuleId::GwJson, "/id"),
        (r#","id":"\u00a0""#, RuleId::GwJson, "/id"),
    ] {
        for tail in ["}", r#","zz":-0}"#] {
            let doc = format!("{base}{extra}{tail}");
            let o = v().validate_bytes(doc.as_bytes());
            let d = o.diagnostics.iter().find(|d| d.rule == rule && d.pointer == pointer);
            assert!(d.is_some_and(|d| d.severity == Severity::Error && d.line.is_some()), "{doc}: {:#?}", o.diagnostics);
        }
    }
    // Ordinary values are not findings of either rule.
    let o = v().validate_bytes(format!("{base},\"id\":\" x \",\"meta\":{{\"lastUpdated\":\"2025-01-01T00:00:00Z\"}}}}").as_bytes());
    assert!(!o.diagnostics.iter().any(|d| d.rule == RuleId::Ele1 || d.rule == RuleId::GwJson), "{:#?}", o.diagnostics);
}

#[test]
fn unknown_codes_are_named_with_what_they_are() {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../fixtures/reports/invalid/gw-binding-tilbud-grouping.json"))
        .unwrap();
    let o = v().validate_bytes(text.as_bytes());
    let d = o.diagnostics.iter().find(|d| d.rule == RuleId::GwBinding).unwrap();
    assert!(d.message.contains("Botilbud til voksne"), "{}", d.message);
    assert!(d.message.contains("KLServiceCodesFFB"), "{}", d.message);
}

#[test]
fn cpr_numbers_are_masked_unless_asked() {
    let text =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../fixtures/reports/invalid/gw-citizen-invalid-cpr.json")).unwrap();
    let o = v().validate_bytes(text.as_bytes());
    let d = o.diagnostics.iter().find(|d| d.rule == RuleId::GwCitizen).unwrap();
    assert!(!d.message.contains("3201504321") && d.message.contains("320150-****"), "{}", d.message);
    assert_eq!(o.citizen.as_deref(), Some("320150-****"));
    let human = ffbkit_sdk::validate::render::human("x.json", Some(text.as_bytes()), &o, false, false);
    assert!(!human.contains("3201504321"), "{human}");
    let shown = Validator::new(Options { show_cpr: true, ..Options::default() }).unwrap().validate_bytes(text.as_bytes());
    assert!(shown.diagnostics.iter().any(|d| d.message.contains("3201504321")));
}

/// A malformed value takes the rule recorded on the schema node it was checked against
/// (issue 18), not one guessed from the names on its path: a bad reference string in the
/// follow-up date extension (`FollowUpDate`) is GW-TYPE, not GW-DATETIME (before, any
/// definition named like a date made every malformed value below it GW-DATETIME); a bad
/// date is still GW-DATETIME, a bad id GW-ID, a bad CPR number GW-CITIZEN.
#[test]
fn malformed_values_take_the_rule_of_their_schema_node() {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../fixtures/reports/valid/own-108-granted.json")).unwrap();
    let report: serde_json::Value = serde_json::from_str(&text).unwrap();
    let entries = report["entry"].as_array().unwrap();
    let at = |rt: &str| entries.iter().position(|e| e["resource"]["resourceType"] == rt).unwrap();
    let (care_plan, patient) = (at("CarePlan"), at("Patient"));
    let follow_up = entries[care_plan]["resource"]["extension"]
        .as_array()
        .unwrap()
        .iter()
        .position(|x| x["url"].as_str().is_some_and(|u| u.ends_with("follow-up-date-extension")))
        .unwrap();
    let cases = [
        (format!("/entry/{care_plan}/resource/extension/{follow_up}/valueReference/reference"), "Encounter/a\u{2003}b", RuleId::GwType),
        (format!("/entry/{care_plan}/resource/period/start"), "2025-13-01", RuleId::GwDatetime),
        (format!("/entry/{care_plan}/resource/id"), "not an id!", RuleId::GwId),
        (format!("/entry/{patient}/resource/identifier/0/value"), "12345", RuleId::GwCitizen),
    ];
    for (pointer, bad, rule) in cases {
        let mut broken = report.clone();
        *broken.pointer_mut(&pointer).unwrap_or_else(|| panic!("{pointer}")) = serde_json::json!(bad);
        let o = v().validate_value(&broken);
        let d = o.diagnostics.iter().find(|d| d.pointer == pointer && d.message.contains("not a valid FHIR"));
        assert_eq!(d.map(|d| d.rule), Some(rule), "{pointer}: {:#?}", o.diagnostics);
    }
}

/// Issue 22: control characters from a report never reach the terminal raw, in a value or
/// a key, raw in the source or escaped in the JSON.
#[test]
fn control_characters_are_escaped_in_human_output() {
    use ffbkit_sdk::validate::render::human;
    let cases: [&[u8]; 4] = [
        b"{\"resourceType\":\"Bundle\",\"type\":\"coll\x1b[2Jection\x07\"}",
        b"{\"resourceType\":\"Bundle\",\"ty\x1b[31mpe\x07\":\"collection\"}",
        br#"{"resourceType":"Bundle","type":"coll\u001b[2Jection\u0007","timestamp":"2025-01-01T00:00:00Z"}"#,
        br#"{"resourceType":"Bundle","type":"collection","timestamp":"2025-01-01T00:00:00Z","ty\u001b[31mpe\u0007":1}"#,
    ];
    for bytes in cases {
        let o = v().validate_bytes(bytes);
        assert!(!o.is_valid(), "{}", String::from_utf8_lossy(bytes));
        let text = human("r\x1b.json", Some(bytes), &o, false, false);
        assert!(!text.contains('\x1b') && !text.contains('\x07'), "{text}");
        assert!(text.contains("\\u001b"), "{text}");
    }
}

/// Issue 22: a UTF-8 byte order mark is GW-JSON, and named.
#[test]
fn a_byte_order_mark_is_named() {
    let full = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/../fixtures/reports/valid/own-85-granted.json")).unwrap();
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    bytes.extend_from_slice(&full);
    let o = only_rule(&bytes, RuleId::GwJson);
    assert!(o.diagnostics[0].message.contains("a byte order mark (BOM"), "{}", o.diagnostics[0].message);
    assert_eq!((o.diagnostics[0].line, o.diagnostics[0].column), (Some(1), Some(1)));
}

/// Issue 22, the hostile-input table: an empty file and one of blanks are GW-JSON at 1:1
/// with a message that says so, not a crash or "valid".
#[test]
fn an_empty_file_is_named_empty() {
    for bytes in [&b""[..], b"   \n\t\n"] {
        let o = only_rule(bytes, RuleId::GwJson);
        let d = &o.diagnostics[0];
        assert!(d.message.contains("empty") || d.message.contains("ends too early"), "{}", d.message);
        assert!(d.line.is_some(), "{d:#?}");
    }
}

/// Issue 22: a NUL byte in the text (outside or inside a string) is unreadable JSON with its
/// position; an escaped `\u0000` in a value is readable JSON, and in an id not a FHIR id
/// (GW-ID at its pointer).
#[test]
fn nul_bytes_raw_and_escaped() {
    let raw_outside = b"{\"resourceType\": \"Bundle\",\x00 \"type\": \"collection\"}";
    let o = only_rule(raw_outside, RuleId::GwJson);
    assert_eq!((o.diagnostics[0].line, o.diagnostics[0].column), (Some(1), Some(27)), "{:#?}", o.diagnostics);
    let raw_inside = b"{\"resourceType\": \"Bundle\", \"id\": \"a\x00b\"}";
    let o = only_rule(raw_inside, RuleId::GwJson);
    assert_eq!(o.diagnostics[0].line, Some(1));
    let escaped = br#"{"resourceType":"Bundle","type":"collection","timestamp":"2025-01-01T00:00:00Z","id":"a\u0000b"}"#;
    let o = v().validate_bytes(escaped);
    let d = o.diagnostics.iter().find(|d| d.pointer == "/id").unwrap_or_else(|| panic!("{:#?}", o.diagnostics));
    assert_eq!(d.rule, RuleId::GwId, "{d:#?}");
}

/// Issue 22: a number too large for any float (`1e999`) and a lone UTF-16 surrogate
/// (`"\ud800"`) are unreadable JSON with their position, never a panic or an infinity.
#[test]
fn a_number_out_of_range_and_a_lone_surrogate() {
    for (doc, col) in [
        (&br#"{"resourceType":"Bundle","total":1e999}"#[..], 34),
        (br#"{"resourceType":"Bundle","id":"\ud800"}"#, 31),
        (br#"{"resourceType":"Bundle","id":"\udc00x"}"#, 31),
    ] {
        let o = only_rule(doc, RuleId::GwJson);
        let d = &o.diagnostics[0];
        assert_eq!(d.line, Some(1), "{d:#?}");
        assert!(d.column.is_some_and(|c| c >= col), "{}: {d:#?}", String::from_utf8_lossy(doc));
    }
}

/// Issue 22: a file that exists but cannot be read (here `/proc/self/mem`, whose read fails
/// with an I/O error even for root; and, when the tests do not run as root, a file without
/// read permission) is named unreadable with the reason; the run goes on with the next input.
#[test]
fn an_unreadable_file_is_named_and_the_run_goes_on() {
    use std::os::unix::fs::PermissionsExt;
    let dir = std::env::temp_dir().join(format!("ffbkit-unreadable-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let good = dir.join("good.json");
    std::fs::copy(concat!(env!("CARGO_MANIFEST_DIR"), "/../fixtures/reports/valid/own-85-granted.json"), &good).unwrap();
    let locked = dir.join("locked.json");
    std::fs::write(&locked, b"{}").unwrap();
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000)).unwrap();
    let root = std::fs::read(&locked).is_ok();
    let mut inputs = vec![PathBuf::from("/proc/self/mem"), good.clone()];
    if !root {
        inputs.insert(1, locked.clone());
    }
    let mut items = Vec::new();
    let summary = ffbkit_sdk::validate::batch::validate_inputs(v(), &inputs, |i| items.push(i));
    std::fs::remove_dir_all(&dir).ok();
    let unreadable: Vec<_> = items.iter().filter(|i| i.unreadable.is_some()).map(|i| (i.name.as_str(), i.unreadable.as_deref())).collect();
    assert_eq!(unreadable.len(), inputs.len() - 1, "{unreadable:?}");
    assert_eq!(unreadable[0].0, "/proc/self/mem", "{unreadable:?}");
    assert!(unreadable.iter().all(|(_, why)| why.is_some_and(|w| w.contains("error") || w.contains("denied"))), "{unreadable:?}");
    let last = items.last().unwrap();
    assert!(last.unreadable.is_none() && last.outcome.is_valid(), "the good file after them is read: {:#?}", last.outcome.diagnostics);
    assert_eq!(summary.reports, 1);
}
