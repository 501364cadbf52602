//! The fast parser against serde_json: on every input either the fast parser gives up or
//! it builds the tree (and notices repeated keys and values for the representation check)
//! as serde_json's reading does, and `from_slice` always answers as serde_json does.

use super::{fast, from_slice, reference, Arena, Json, Noticed, Number};
use proptest::prelude::*;

/// serde_json's answer: the tree and what the parse noticed, or the error text.
fn by_serde<'a>(bytes: &'a [u8], arena: &'a Arena) -> Result<(Json<'a>, Noticed), String> {
    let mut noticed = Noticed::default();
    let r = match std::str::from_utf8(bytes) {
        Ok(t) => reference::parse(serde_json::Deserializer::from_str(t), arena, &mut noticed),
        Err(_) => reference::parse(serde_json::Deserializer::from_slice(bytes), arena, &mut noticed),
    };
    r.map(|v| (v, noticed)).map_err(|e| e.to_string())
}

/// Checks both properties for one input; returns whether the fast parser took it.
fn agree(bytes: &[u8]) -> bool {
    let (a, b, c) = (Arena::new(), Arena::new(), Arena::new());
    let expected = by_serde(bytes, &a);
    let fast = std::str::from_utf8(bytes).ok().and_then(|t| fast::parse(t, &b));
    if let Some(got) = &fast {
        assert_eq!(Ok(*got), expected, "fast parser differs on {:?}", String::from_utf8_lossy(bytes));
    }
    let mut noticed = Noticed::default();
    let whole = from_slice(bytes, &c, &mut noticed).map(|v| (v, noticed)).map_err(|e| e.to_string());
    assert_eq!(whole, expected, "from_slice differs on {:?}", String::from_utf8_lossy(bytes));
    fast.is_some()
}

#[test]
fn takes_ordinary_json_and_gives_up_on_what_serde_json_must_judge() {
    let taken = [
        r#"{"a":1,"b":[true,false,null],"c":{"d":"e"}}"#,
        " \t\r\n[ 1 , -2 , 3.5e-2 , 1E3 , 0 , -9223372036854775808 , 18446744073709551615 ] \n",
        r#""plain""#,
        r#""esc \" \\ \/ \b \f \n \r \t \u00e6\u00F8 \ud83d\ude00 done""#,
        r#"{"æøå": "ÆØÅ €", "k\u0041y": 1}"#,
        r#"{"a":1,"a":2}"#,
        "[]",
        "{}",
        r#"[[],{},[{}],"",0.0,-0.5,1e-400]"#,
        "\"0123456789abcdef0123456789abcdef\"",
    ];
    for t in taken {
        assert!(agree(t.as_bytes()), "the fast parser should take {t:?}");
    }
    let judged = [
        "",
        " ",
        "{",
        "[1,]",
        r#"{"a":1,}"#,
        "01",
        "1.",
        ".5",
        "-",
        "+1",
        "tru",
        "nul",
        "[1 2]",
        "{\"a\" 1}",
        "\u{feff}{}",
        "{} x",
        "\"ctrl \u{1} char\"",
        r#""\ud800""#,
        r#""\udc00 x""#,
        r#""\ud800\u0041""#,
        r#""\x""#,
        r#""\u12""#,
        "-0",
        "-0.0",
        "18446744073709551616",
        "-9223372036854775809",
        "1e400",
        "\"unterminated",
        r#"{"a":1 "b":2}"#,
        "[1]]",
        "NaN",
        "Infinity",
    ];
    for t in judged {
        agree(t.as_bytes());
    }
    agree(b"\"\xff\"");
    agree(b"{\"a\": \xc3}");
}

#[test]
fn nesting_at_and_beyond_the_limits() {
    for depth in [1, 50, 99, 100, 101, 126, 127, 128, 129, 1000] {
        let t = "[".repeat(depth) + &"]".repeat(depth);
        let taken = agree(t.as_bytes());
        assert_eq!(taken, depth <= 100, "depth {depth}");
        let t = "{\"a\":".repeat(depth) + "1" + &"}".repeat(depth);
        agree(t.as_bytes());
    }
}

#[test]
fn repeated_keys_in_small_and_large_objects() {
    for n in [2, 31, 32, 33, 100] {
        let mut members: Vec<String> = (0..n).map(|i| format!("\"k{i}\":{i}")).collect();
        let plain = format!("{{{}}}", members.join(","));
        assert!(agree(plain.as_bytes()));
        members.push("\"k0\":0".into());
        let repeated = format!("{{{}}}", members.join(","));
        assert!(agree(repeated.as_bytes()));
        let arena = Arena::new();
        assert!(fast::parse(&repeated, &arena).unwrap().1.duplicate_keys, "{n} members and a repeat");
    }
}

#[test]
fn values_for_the_representation_check_are_noticed_by_both_parsers() {
    // `agree` also compares what the fast parser noticed with what serde_json's reading did.
    let noticed = |t: &str| {
        assert!(agree(t.as_bytes()), "{t}");
        fast::parse(t, &Arena::new()).unwrap().1.representation
    };
    for t in ["null", "[]", "{}", r#""""#, r#"" \t""#, "\"\u{a0}\"", r#"{"a":[1,{}]}"#, r#"{"a":null}"#, r#"{"a":"  "}"#] {
        assert!(noticed(t), "{t} is noticed");
    }
    for t in ["[1]", r#"{"a":"b"}"#, r#"{"":"keys are not values"}"#, r#""x ""#, r#""Ærø""#, "0", "true"] {
        assert!(!noticed(t), "{t} is not noticed");
    }
    let long = format!("\"{}\"", "x".repeat(super::MAX_STRING_CHARS + 1));
    let mut n = Noticed::default();
    from_slice(long.as_bytes(), &Arena::new(), &mut n).unwrap();
    assert!(n.representation, "a text longer in bytes than the string limit is noticed");
}

#[test]
fn numbers_are_read_as_serde_json_reads_them() {
    let arena = Arena::new();
    let v = fast::parse("[7, -7, 7.25, 2e2]", &arena).unwrap().0;
    let items = v.as_array().unwrap();
    assert_eq!(items[0], Json::Number(Number::PosInt(7)));
    assert_eq!(items[1], Json::Number(Number::NegInt(-7)));
    assert_eq!(items[2], Json::Number(Number::Float(7.25)));
    assert!(items[3].is_integer() && !items[2].is_integer());
    assert_eq!(items[3].to_value(), serde_json::json!(200.0));
}

fn value() -> impl Strategy<Value = serde_json::Value> {
    use serde_json::Value;
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        (-1e12f64..1e12).prop_map(Value::from),
        ".{0,12}".prop_map(Value::String),
        "[a-z\u{e6}\u{1F600}\\\\\"/\n\t\u{1}]{0,8}".prop_map(Value::String),
    ];
    leaf.prop_recursive(5, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::vec(("[a-z]{0,3}", inner), 0..6).prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// Like [`value`], with `reference` among the member names.
fn value_with_references() -> impl Strategy<Value = serde_json::Value> {
    use serde_json::Value;
    let leaf = prop_oneof![Just(Value::Null), any::<i64>().prop_map(Value::from), "[a-z/\\\\\"]{0,6}".prop_map(Value::String)];
    leaf.prop_recursive(5, 48, 6, |inner| {
        let name = prop_oneof!["[a-z]{0,3}", Just("reference".to_string())];
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::vec((name, inner), 0..6).prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// True when a member named `reference` occurs in `v` or below it.
fn has_reference(v: &serde_json::Value) -> bool {
    match v {
        serde_json::Value::Object(m) => m.contains_key("reference") || m.values().any(has_reference),
        serde_json::Value::Array(a) => a.iter().any(has_reference),
        _ => false,
    }
}

/// Checks every object below `v`: its text reads back as the object, and it knows
/// whether a `reference` member is below it.
fn objects_know_their_text(v: &Json<'_>) -> Result<(), TestCaseError> {
    match v {
        Json::Object(o) => {
            let text = o.text().ok_or_else(|| TestCaseError::fail("an object the fast parser read has its text"))?;
            let again: serde_json::Value = serde_json::from_str(text).map_err(|e| TestCaseError::fail(format!("{text}: {e}")))?;
            prop_assert_eq!(&again, &v.to_value(), "the text {} is the object", text);
            prop_assert_eq!(o.may_hold_reference(), has_reference(&again), "{}", text);
            for (_, x) in o.iter() {
                objects_know_their_text(x)?;
            }
        }
        Json::Array(a) => {
            for x in a.iter() {
                objects_know_their_text(x)?;
            }
        }
        _ => {}
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    /// The schema check remembers objects by their text (`validate::memo`) and the
    /// reference walk skips objects without references: both rest on this.
    #[test]
    fn every_object_keeps_its_exact_text(v in value_with_references(), pretty in any::<bool>()) {
        let text = if pretty { serde_json::to_string_pretty(&v).unwrap() } else { serde_json::to_string(&v).unwrap() };
        let arena = Arena::new();
        let (tree, _) = fast::parse(&text, &arena).expect("serialised JSON is taken");
        objects_know_their_text(&tree)?;
    }

    #[test]
    fn any_serialised_value_is_taken_and_read_alike(v in value(), pretty in any::<bool>()) {
        let text = if pretty { serde_json::to_string_pretty(&v).unwrap() } else { serde_json::to_string(&v).unwrap() };
        prop_assert!(agree(text.as_bytes()), "not taken: {text}");
    }

    #[test]
    fn damaged_text_is_answered_as_serde_json_answers(v in value(), at in any::<prop::sample::Index>(), byte in prop_oneof![Just(b'"'), Just(b'\\'), Just(b','), Just(b'}'), Just(b']'), Just(b'-'), Just(b'0'), Just(b'u'), Just(0xff), Just(b' '), any::<u8>()], cut in any::<bool>()) {
        let mut bytes = serde_json::to_vec(&v).unwrap();
        let i = at.index(bytes.len() + 1);
        if cut { bytes.truncate(i) } else { bytes.insert(i, byte) }
        agree(&bytes);
    }
}

#[test]
fn control_characters_raw_in_strings_are_left_to_serde_json() {
    // Pretty-printed text (tabs, line feeds, carriage returns between tokens) is taken; the
    // same characters raw inside a string, and any other control character anywhere, are
    // judged by serde_json.
    assert!(agree(b"{\n\t\"a\": \"b\",\r\n\t\"c\": [\"d\"]\n}\n"));
    for raw in ["\t", "\n", "\r"] {
        assert!(!agree(format!("{{\n  \"a\": \"x{raw}y\"\n}}").as_bytes()), "{raw:?} in a string");
        assert!(!agree(format!("[\"x{raw}y\"]").as_bytes()), "{raw:?} in a compact text");
        assert!(!agree(format!("[\"\\u0041 x{raw}y\"]").as_bytes()), "{raw:?} after an escape");
    }
    for c in (0u8..0x20).filter(|c| !b"\t\n\r".contains(c)) {
        assert!(!agree(&[b'[', b'"', c, b'"', b']']), "control {c:#04x} in a string");
        assert!(!agree(&[b'[', c, b'1', b']']), "control {c:#04x} between tokens");
    }
    // A string's end found past the first vector's width, and one right at the end.
    let long = format!("[\"{}\",\"{}\\\"\"]", "a".repeat(100), "b".repeat(31));
    assert!(agree(long.as_bytes()));
    assert!(!agree(b"[\"abc"));
}

#[test]
fn objects_know_whether_a_reference_member_is_below_them() {
    let arena = Arena::new();
    let text = r#"{"a":{"b":[{"reference":"X/1"}]},"c":{"d":{"e":1}},"f":[{"g":2}],"reference":"Y/2","h":{"refer\u0065nce":"Z/3"}}"#;
    let v = fast::parse(text, &arena).unwrap().0;
    let obj = |v: &Json<'_>| v.as_object().unwrap().may_hold_reference();
    assert!(obj(&v));
    assert!(obj(v.get("a").unwrap()));
    assert!(obj(v.get("a").unwrap().get("b").unwrap().get(0).unwrap()));
    assert!(!obj(v.get("c").unwrap()));
    assert!(!obj(v.get("c").unwrap().get("d").unwrap()));
    assert!(!obj(v.get("f").unwrap().get(0).unwrap()));
    assert!(obj(v.get("h").unwrap()), "a key written with an escape is still `reference`");
    // A tree serde_json built (the fallback) does not know, so says it may.
    let value = serde_json::json!({"c": {"d": 1}});
    let fallback = Json::from_value(&value, &arena);
    assert!(obj(fallback.get("c").unwrap()));
}
