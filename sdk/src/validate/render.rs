//! Output formats for findings: human (terminal, with the source line and a caret),
//! JSON lines, FHIR `OperationOutcome` (as the gateway answers) and JUnit XML.

use super::{Diagnostic, Outcome, RuleId, Severity};
use serde_json::{json, Value};
use std::fmt::Write;

/// The `system` of rule-id codings in OperationOutcome issues.
pub const RULE_SYSTEM: &str = "https://ffbkit.dev/rules";

fn paint(s: &str, code: &str, color: bool) -> String {
    if color {
        format!("\x1b[{code}m{s}\x1b[0m")
    } else {
        s.to_string()
    }
}

/// Text from a report made safe for a terminal: C0 control characters other than TAB and
/// LF, DEL and the C1 controls (U+0080 to U+009F, which include the one-character CSI) are
/// shown as `\u001b`-style escapes, so that a report cannot move the cursor, ring the bell
/// or change colours. The one escaping function for report content in text output.
///
/// ```
/// use ffbkit_sdk::validate::render::terminal_safe;
/// assert_eq!(terminal_safe("a\x1b[2Jb\x07\tc"), "a\\u001b[2Jb\\u0007\tc");
/// assert_eq!(terminal_safe("plain ø"), "plain ø");
/// ```
pub fn terminal_safe(s: &str) -> std::borrow::Cow<'_, str> {
    terminal_safe_at(s, 0).0
}

fn is_unsafe(c: char) -> bool {
    c.is_control() && c != '\t' && c != '\n'
}

/// [`terminal_safe`], and where character `col` of `s` is in the result (in characters).
fn terminal_safe_at(s: &str, col: usize) -> (std::borrow::Cow<'_, str>, usize) {
    if !s.chars().any(is_unsafe) {
        return (std::borrow::Cow::Borrowed(s), col);
    }
    let mut out = String::with_capacity(s.len() + 16);
    let mut at = col;
    for (i, c) in s.chars().enumerate() {
        if is_unsafe(c) {
            let _ = write!(out, "\\u{:04x}", c as u32);
            if i < col {
                at += 5;
            }
        } else {
            out.push(c);
        }
    }
    (std::borrow::Cow::Owned(out), at)
}

fn severity_color(s: Severity) -> &'static str {
    match s {
        Severity::Error => "1;31",
        Severity::Warning => "1;33",
        Severity::Information => "1;36",
    }
}

/// Findings for people: one block per finding with the source line and a caret.
/// `text` is the report's bytes (for the source lines); CPR numbers in source lines are
/// masked unless `show_cpr`.
pub fn human(path: &str, text: Option<&[u8]>, outcome: &Outcome, color: bool, show_cpr: bool) -> String {
    let mut out = String::new();
    let lines: Vec<&str> = text.and_then(|t| std::str::from_utf8(t).ok()).map(|s| s.lines().collect()).unwrap_or_default();
    let path = terminal_safe(path);
    for d in &outcome.diagnostics {
        let head = format!("{}[{}]", d.severity, d.rule);
        let _ = writeln!(out, "{}: {}", paint(&head, severity_color(d.severity), color), terminal_safe(&d.message));
        let pos = match (d.line, d.column) {
            (Some(l), Some(c)) => format!("{path}:{l}:{c}"),
            _ => path.to_string(),
        };
        let _ = writeln!(out, "  {} {pos}  {}", paint("-->", "1;34", color), terminal_safe(&d.location));
        if let (Some(l), Some(c)) = (d.line, d.column) {
            if let Some(src) = lines.get(l as usize - 1) {
                let src = if show_cpr { src.to_string() } else { crate::cpr::mask_in_text(src) };
                let (src, col) = terminal_safe_at(&src, c as usize - 1);
                let (shown, caret_at) = window(&src, col, 100);
                let gutter = l.to_string();
                let pad = " ".repeat(gutter.len());
                let _ = writeln!(out, "  {pad} {}", paint("|", "1;34", color));
                let _ = writeln!(out, "  {} {} {shown}", paint(&gutter, "1;34", color), paint("|", "1;34", color));
                let _ = writeln!(
                    out,
                    "  {pad} {} {}{}",
                    paint("|", "1;34", color),
                    " ".repeat(caret_at),
                    paint("^", severity_color(d.severity), color)
                );
            }
        }
        let _ = writeln!(out, "  = expected: {}", terminal_safe(&d.expected));
        if let Some(f) = &d.found {
            let _ = writeln!(out, "  = found: {}", terminal_safe(f));
        }
        out.push('\n');
    }
    out
}

/// Cut a long source line to about `width` characters around character `col`; returns
/// the shown text and the caret's character offset in it.
fn window(line: &str, col: usize, width: usize) -> (String, usize) {
    let chars: Vec<char> = line.chars().collect();
    if chars.len() <= width {
        return (line.to_string(), col.min(chars.len()));
    }
    let start = col.saturating_sub(width / 2).min(chars.len().saturating_sub(width));
    let end = (start + width).min(chars.len());
    let mut s: String = chars[start..end].iter().collect();
    let mut caret = col - start;
    if start > 0 {
        s.insert(0, '…');
        caret += 1;
    }
    if end < chars.len() {
        s.push('…');
    }
    (s, caret)
}

/// One JSON object per finding, with the file name.
pub fn json_lines(path: &str, outcome: &Outcome) -> String {
    let mut out = String::new();
    for d in &outcome.diagnostics {
        let mut v = serde_json::to_value(d).unwrap_or(Value::Null);
        if let Value::Object(m) = &mut v {
            m.insert("file".into(), Value::String(path.to_string()));
        }
        out.push_str(&v.to_string());
        out.push('\n');
    }
    out
}

/// FHIR issue type for a rule.
fn issue_code(d: &Diagnostic) -> &'static str {
    use crate::rules::{Family, RuleId::*};
    let rule = d.rule.rule();
    match d.rule {
        GwJson | GwType | GwClosed | GwBundle => "structure",
        GwCard => "required",
        GwFixed | GwDatetime | GwId => "value",
        GwBinding => "code-invalid",
        GwRef => "not-found",
        GwProfile | GwProfileClaim | GwLastUpdated => "invalid",
        _ if matches!(rule.family, Family::IgInvariant | Family::FhirBase) => "invariant",
        _ => "business-rule",
    }
}

/// The findings as a FHIR R4 `OperationOutcome`, the gateway's answer format. A report
/// without findings gives one `information` issue saying so.
pub fn operation_outcome(outcome: &Outcome) -> Value {
    let mut issues: Vec<Value> = outcome
        .diagnostics
        .iter()
        .map(|d| {
            let mut issue = json!({
                "severity": d.severity.as_str(),
                "code": issue_code(d),
                "details": {
                    "coding": [{"system": RULE_SYSTEM, "code": d.rule}],
                    "text": d.message,
                },
                "diagnostics": format!("expected {}{}", d.expected, d.found.as_ref().map(|f| format!("; found {f}")).unwrap_or_default()),
                "expression": [d.location],
            });
            if let (Some(l), Some(c)) = (d.line, d.column) {
                issue["location"] = json!([format!("line {l}, col {c}")]);
            }
            issue
        })
        .collect();
    if issues.is_empty() {
        issues.push(json!({"severity": "information", "code": "informational", "diagnostics": "The report is valid."}));
    }
    json!({"resourceType": "OperationOutcome", "issue": issues})
}

/// Read an `OperationOutcome` (e.g. the gateway's answer) back into findings. Issues
/// without an ffbkit rule coding keep `rule: None`.
pub fn from_operation_outcome(v: &Value) -> Vec<RemoteIssue> {
    v.get("issue")
        .and_then(Value::as_array)
        .map(|issues| {
            issues
                .iter()
                .map(|i| RemoteIssue {
                    severity: i.get("severity").and_then(Value::as_str).unwrap_or("error").to_string(),
                    code: i.get("code").and_then(Value::as_str).unwrap_or("unknown").to_string(),
                    rule: i.pointer("/details/coding/0/code").and_then(Value::as_str).map(str::to_string),
                    text: i.pointer("/details/text").or_else(|| i.get("diagnostics")).and_then(Value::as_str).unwrap_or("").to_string(),
                    expression: i.pointer("/expression/0").and_then(Value::as_str).map(str::to_string),
                })
                .collect()
        })
        .unwrap_or_default()
}

/// An issue of an `OperationOutcome` received from elsewhere (the gateway).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct RemoteIssue {
    /// `fatal`, `error`, `warning` or `information`.
    pub severity: String,
    /// FHIR issue type.
    pub code: String,
    /// The rule id, when the issue carries one.
    pub rule: Option<String>,
    /// What it says.
    pub text: String,
    /// FHIRPath location, when given.
    pub expression: Option<String>,
}

/// Escape text for XML content and attribute values (JUnit, HTML); control characters
/// that XML 1.0 cannot carry are dropped.
pub fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c if (c as u32) < 0x20 && !matches!(c, '\n' | '\t' | '\r') => {}
            c => out.push(c),
        }
    }
    out
}

/// JUnit XML for CI: one test case per report, failed when it has errors.
pub fn junit(suite: &str, results: &[(String, Outcome)]) -> String {
    let failures = results.iter().filter(|(_, o)| !o.is_valid()).count();
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(out, "<testsuites name=\"{}\" tests=\"{}\" failures=\"{failures}\">", xml_escape(suite), results.len());
    let _ = writeln!(out, "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{failures}\">", xml_escape(suite), results.len());
    for (path, o) in results {
        let _ = write!(out, "    <testcase classname=\"{}\" name=\"{}\"", xml_escape(suite), xml_escape(path));
        let errors: Vec<&Diagnostic> = o.diagnostics.iter().filter(|d| d.severity == Severity::Error).collect();
        if errors.is_empty() {
            out.push_str("/>\n");
            continue;
        }
        out.push_str(">\n");
        let rules: Vec<&str> = o.rule_ids(Severity::Error).into_iter().map(RuleId::as_str).collect();
        let _ = writeln!(out, "      <failure message=\"{} error(s): {}\" type=\"invalid\">", errors.len(), xml_escape(&rules.join(", ")));
        for d in errors {
            let pos = d.line.map(|l| format!(":{l}:{}", d.column.unwrap_or(1))).unwrap_or_default();
            let _ = writeln!(out, "{}", xml_escape(&format!("[{}] {}{pos} {} {}", d.rule, path, d.location, d.message)));
        }
        out.push_str("      </failure>\n    </testcase>\n");
    }
    out.push_str("  </testsuite>\n</testsuites>\n");
    out
}
