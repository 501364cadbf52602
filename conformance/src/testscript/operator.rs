//! The assert operators on an expression's result: what `equals`, `in`, `lessThan` … mean
//! for a FHIRPath result collection and the assert's `value` (a string).
//!
//! Every item of the result is read as a string (strings as they are, numbers and booleans
//! as JSON writes them, elements as JSON text). `equals`, `notEquals`, `in`, `notIn`,
//! `greaterThan` and `lessThan` hold when the result is not empty and hold for every item;
//! `contains` when some item contains the value; `empty` and `notEmpty` on the result's
//! size. Without an operator and a value, the expression must be true, read as FHIRPath reads
//! a collection where a Boolean is expected (singleton evaluation): one `true`, or one item
//! that is not a Boolean.

use serde_json::Value;
use std::cmp::Ordering;

/// The operators ffbkit evaluates (TestScript `assert.operator`, FHIR R4
/// `assert-operator-codes`), plus the boolean reading of an assert without operator and
/// value.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Operator {
    /// No operator and no value: the expression must give `true`.
    IsTrue,
    /// `equals` (also the default when a value is given).
    Equals,
    /// `notEquals`.
    NotEquals,
    /// `in`: the value is a comma-separated list.
    In,
    /// `notIn`.
    NotIn,
    /// `greaterThan`.
    GreaterThan,
    /// `lessThan`.
    LessThan,
    /// `empty`.
    Empty,
    /// `notEmpty`.
    NotEmpty,
    /// `contains`.
    Contains,
}

impl Operator {
    /// The operator of an assert from its `operator` and whether it has a `value`; `Err`
    /// with the code when ffbkit does not evaluate it (`eval`, `manualEval`, …).
    pub fn of(code: Option<&str>, has_value: bool) -> Result<Operator, String> {
        Ok(match code {
            None if has_value => Operator::Equals,
            None => Operator::IsTrue,
            Some("equals") => Operator::Equals,
            Some("notEquals") => Operator::NotEquals,
            Some("in") => Operator::In,
            Some("notIn") => Operator::NotIn,
            Some("greaterThan") => Operator::GreaterThan,
            Some("lessThan") => Operator::LessThan,
            Some("empty") => Operator::Empty,
            Some("notEmpty") => Operator::NotEmpty,
            Some("contains") => Operator::Contains,
            Some(other) => return Err(other.to_string()),
        })
    }

    /// True when the operator compares with a value.
    pub fn needs_value(self) -> bool {
        !matches!(self, Operator::IsTrue | Operator::Empty | Operator::NotEmpty)
    }

    /// Judge `result` against `value` (ignored by operators that need none): `Ok` when the
    /// assert holds, else why not.
    pub fn judge(self, result: &[Value], value: &str) -> Result<(), String> {
        let items: Vec<String> = result.iter().map(text).collect();
        let shown = || if items.is_empty() { "nothing".to_string() } else { items.join(", ") };
        let every = |ok: &dyn Fn(&str) -> bool, what: &str| {
            if !items.is_empty() && items.iter().all(|i| ok(i)) {
                Ok(())
            } else {
                Err(format!("expected {what}, the expression gives {}", shown()))
            }
        };
        let list: Vec<&str> = value.split(',').map(str::trim).collect();
        match self {
            // FHIRPath's singleton evaluation of a collection where a Boolean is expected:
            // one Boolean is itself, one other item is `true`, nothing is not true.
            Operator::IsTrue => match result {
                [Value::Bool(true)] => Ok(()),
                [v] if !v.is_boolean() => Ok(()),
                [_] | [] => Err(format!("expected true, the expression gives {}", shown())),
                _ => Err(format!("expected true (one value), the expression gives {}", shown())),
            },
            Operator::Equals => every(&|i| i == value, &format!("{value:?}")),
            Operator::NotEquals => every(&|i| i != value, &format!("not {value:?}")),
            Operator::In => every(&|i| list.contains(&i), &format!("one of {list:?}")),
            Operator::NotIn => every(&|i| !list.contains(&i), &format!("none of {list:?}")),
            Operator::GreaterThan => every(&|i| order(i, value) == Ordering::Greater, &format!("greater than {value:?}")),
            Operator::LessThan => every(&|i| order(i, value) == Ordering::Less, &format!("less than {value:?}")),
            Operator::Contains => {
                if items.iter().any(|i| i.contains(value)) {
                    Ok(())
                } else {
                    Err(format!("expected a value containing {value:?}, the expression gives {}", shown()))
                }
            }
            Operator::Empty if items.is_empty() => Ok(()),
            Operator::Empty => Err(format!("expected nothing, the expression gives {}", shown())),
            Operator::NotEmpty if !items.is_empty() => Ok(()),
            Operator::NotEmpty => Err("expected a value, the expression gives nothing".to_string()),
        }
    }
}

/// An item of a result as a string.
fn text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Order two values: as numbers when both are numbers, as instants when both are RFC 3339
/// date-times, else as strings (right for ISO 8601 dates and date-times of one form).
fn order(a: &str, b: &str) -> Ordering {
    if let (Ok(x), Ok(y)) = (a.parse::<f64>(), b.parse::<f64>()) {
        return x.partial_cmp(&y).unwrap_or(Ordering::Equal);
    }
    let instant = |s: &str| time::OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339).ok();
    if let (Some(x), Some(y)) = (instant(a), instant(b)) {
        return x.cmp(&y);
    }
    a.cmp(b)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn judge(op: Operator, result: Value, value: &str) -> bool {
        op.judge(result.as_array().expect("an array"), value).is_ok()
    }

    #[test]
    fn each_operator() {
        assert!(judge(Operator::IsTrue, json!([true]), ""));
        assert!(!judge(Operator::IsTrue, json!([false]), ""));
        assert!(!judge(Operator::IsTrue, json!([]), ""));
        assert!(!judge(Operator::IsTrue, json!([true, true]), ""));
        assert!(judge(Operator::IsTrue, json!([1]), ""), "singleton evaluation: one non-Boolean item is true");
        assert!(judge(Operator::Equals, json!(["a"]), "a"));
        assert!(judge(Operator::Equals, json!([5]), "5"));
        assert!(!judge(Operator::Equals, json!(["a", "b"]), "a"));
        assert!(!judge(Operator::Equals, json!([]), "a"));
        assert!(judge(Operator::NotEquals, json!(["b"]), "a"));
        assert!(!judge(Operator::NotEquals, json!(["a"]), "a"));
        assert!(judge(Operator::In, json!(["b", "c"]), "a, b,c"));
        assert!(!judge(Operator::In, json!(["d"]), "a,b,c"));
        assert!(judge(Operator::NotIn, json!(["d"]), "a,b,c"));
        assert!(!judge(Operator::NotIn, json!(["a"]), "a,b,c"));
        assert!(judge(Operator::GreaterThan, json!([10]), "9"));
        assert!(!judge(Operator::GreaterThan, json!([9]), "10"));
        assert!(judge(Operator::LessThan, json!(["2021-05-28T17:13:41+02:00"]), "2021-05-28T16:13:41Z"));
        assert!(!judge(Operator::LessThan, json!(["2021-05-28T17:13:41Z"]), "2021-05-28T16:13:41Z"));
        assert!(judge(Operator::LessThan, json!(["2021-05-28"]), "2026-12-06T03:00:00Z"));
        assert!(judge(Operator::Empty, json!([]), ""));
        assert!(!judge(Operator::Empty, json!(["x"]), ""));
        assert!(judge(Operator::NotEmpty, json!(["x"]), ""));
        assert!(!judge(Operator::NotEmpty, json!([]), ""));
        assert!(judge(Operator::Contains, json!(["abc", "x"]), "bc"));
        assert!(!judge(Operator::Contains, json!(["abc"]), "d"));
    }

    #[test]
    fn operator_codes() {
        assert_eq!(Operator::of(None, false), Ok(Operator::IsTrue));
        assert_eq!(Operator::of(None, true), Ok(Operator::Equals));
        assert_eq!(Operator::of(Some("notIn"), true), Ok(Operator::NotIn));
        assert_eq!(Operator::of(Some("eval"), true), Err("eval".to_string()));
        assert!(!Operator::Empty.needs_value() && Operator::LessThan.needs_value());
    }
}
