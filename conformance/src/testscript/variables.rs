//! The TestScript's variables: each `variable` with an `expression` is evaluated on its
//! source (`sourceId`: a fixture or an operation's response, both read as the report the
//! operation posts; a create's response body is the resource created) and takes the first
//! value of the result, else its `defaultValue`. Touchstone's `${CURRENTDATETIME}` and
//! `${CURRENTDATE}` are the run's time. `${name}` in an assert's expression or value is
//! replaced by the value.

use super::script::TestScript;
use ffbkit_sdk::as_written::Engine;
use serde_json::Value;
use std::collections::BTreeMap;
use std::sync::Arc;

/// Where an id of the script (a fixture, a response) leads.
pub enum Source {
    /// The report given for the test that posts it.
    Report(Arc<Value>),
    /// The test that posts it was given no report.
    NoReport(String),
    /// No operation of the script posts or answers it.
    Unknown,
}

/// The variables' values, or why a variable has none.
#[derive(Clone, Debug, Default, serde::Serialize)]
pub struct Variables {
    /// Name → value, or the reason it is unresolved.
    pub values: BTreeMap<String, Result<String, String>>,
}

impl Variables {
    /// Resolve the script's variables; `source` finds a `sourceId`'s report, `now` is the
    /// run's time (RFC 3339).
    pub fn resolve(script: &TestScript, engine: &Engine, source: &dyn Fn(&str) -> Source, now: &str) -> Variables {
        let mut values = BTreeMap::new();
        values.insert("CURRENTDATETIME".to_string(), Ok(now.to_string()));
        values.insert("CURRENTDATE".to_string(), Ok(now.get(..10).unwrap_or(now).to_string()));
        for v in &script.variable {
            let found = match (&v.expression, &v.source_id) {
                (Some(expression), Some(id)) => match source(id) {
                    Source::Report(report) => match engine.collect(report, &[expression]).pop() {
                        Some(Ok(items)) => match items.first() {
                            Some(Value::String(s)) => Ok(s.clone()),
                            Some(other) => Ok(other.to_string()),
                            None => Err(format!("its expression gives nothing on {id}")),
                        },
                        Some(Err(e)) => Err(format!("the engine cannot evaluate its expression: {e}")),
                        None => Err("the engine gave no answer".to_string()),
                    },
                    Source::NoReport(test) => Err(format!("its source {id} is posted by test {test}, which was given no report")),
                    Source::Unknown => Err(format!("no operation of the script posts or answers {id}")),
                },
                (Some(_), None) => Err("its expression has no sourceId".to_string()),
                (None, _) if v.header_field.is_some() => Err("it reads a response header (needs Touchstone's server)".to_string()),
                (None, _) if v.path.is_some() => Err("it is an XPath/JSONPath, not FHIRPath".to_string()),
                (None, _) => Err("it has no expression".to_string()),
            };
            let found = match (found, &v.default_value) {
                (Err(_), Some(default)) => Ok(default.clone()),
                (found, _) => found,
            };
            values.insert(v.name.clone(), found);
        }
        Variables { values }
    }

    /// `text` with every `${name}` replaced; `Err((name, why))` for the first variable
    /// that is unresolved or unknown.
    pub fn substitute(&self, text: &str) -> Result<String, (String, String)> {
        let mut out = String::with_capacity(text.len());
        let mut rest = text;
        while let Some(start) = rest.find("${") {
            let Some(len) = rest[start + 2..].find('}') else { break };
            let name = &rest[start + 2..start + 2 + len];
            match self.values.get(name) {
                Some(Ok(value)) => {
                    out.push_str(&rest[..start]);
                    out.push_str(value);
                }
                Some(Err(why)) => return Err((name.to_string(), why.clone())),
                None => return Err((name.to_string(), "the script declares no such variable".to_string())),
            }
            rest = &rest[start + 3 + len..];
        }
        out.push_str(rest);
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn substitutes_known_variables_and_names_the_unresolved() {
        let mut values = BTreeMap::new();
        values.insert("a".to_string(), Ok("1".to_string()));
        values.insert("b".to_string(), Err("why".to_string()));
        let vars = Variables { values };
        assert_eq!(vars.substitute("x ${a} y ${a}"), Ok("x 1 y 1".to_string()));
        assert_eq!(vars.substitute("no variables"), Ok("no variables".to_string()));
        assert_eq!(vars.substitute("open ${a"), Ok("open ${a".to_string()));
        assert_eq!(vars.substitute("${b}"), Err(("b".to_string(), "why".to_string())));
        assert!(vars.substitute("${c}").is_err());
    }
}
