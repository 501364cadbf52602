//! Invariants of FHIR R4 itself (not of the IG) that the gateway's HL7 validator applies,
//! under FHIR's own ids: `per-1` on every Period the profiles allow, `con-5` on Conditions,
//! `qty-3` and `drt-1` on the one Duration they allow (a goal target's `dueDuration`), and
//! the date comparison they need. `ref-1`, `bdl-7` and `bdl-8` are checked where the
//! references and fullUrls are already looked at (module `semantic`); `ele-1` and FHIR's
//! JSON representation in module `representation`.
//!
//! Invariants of the base resources that a report cannot break without also breaking a
//! closed profile (an element the profiles forbid, or one they require) are not repeated
//! here; docs/fidelity.md lists them with the GW rule that rejects such a report.

use super::json::Json;
use super::{Findings, RuleId};
use crate::profile::{fixed, Profile};

/// A FHIR dateTime (or date) as written: the date parts to the precision given, and, when
/// a time is given, the instant in nanoseconds (UTC, from an arbitrary epoch).
#[derive(Clone, Copy, Debug, PartialEq)]
struct When {
    /// Year, month, day; zero where not given.
    date: [u32; 3],
    /// How many of `date` are given (1 to 3).
    precision: usize,
    /// With a time: the instant in nanoseconds.
    instant: Option<i128>,
}

/// Read a FHIR dateTime; `None` for anything that is not one (GW-DATETIME reports it).
fn when(s: &str) -> Option<When> {
    let (date, time) = match s.split_once('T') {
        Some((d, t)) => (d, Some(t)),
        None => (s, None),
    };
    let mut parts = [0u32; 3];
    let mut precision = 0;
    for (i, p) in date.split('-').enumerate() {
        if i >= 3 || p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        parts[i] = p.parse().ok()?;
        precision = i + 1;
    }
    let instant = match time {
        None => None,
        Some(t) => {
            if precision != 3 {
                return None;
            }
            let (clock, offset) = if let Some(c) = t.strip_suffix('Z') {
                (c, 0i64)
            } else {
                let at = t.rfind(['+', '-'])?;
                let (c, z) = t.split_at(at);
                let sign = if z.starts_with('-') { -1 } else { 1 };
                let (h, m) = z[1..].split_once(':')?;
                (c, sign * (h.parse::<i64>().ok()? * 60 + m.parse::<i64>().ok()?))
            };
            let mut hms = clock.split(':');
            let h: i64 = hms.next()?.parse().ok()?;
            let m: i64 = hms.next()?.parse().ok()?;
            let sec = hms.next()?;
            let (whole, frac) = sec.split_once('.').unwrap_or((sec, ""));
            let whole: i64 = whole.parse().ok()?;
            let mut nanos: i128 = 0;
            for (i, d) in frac.bytes().take(9).enumerate() {
                if !d.is_ascii_digit() {
                    return None;
                }
                nanos += i128::from(d - b'0') * 10i128.pow(8 - i as u32);
            }
            let days = days_from_civil(i64::from(parts[0]), parts[1], parts[2]);
            let seconds = days * 86_400 + h * 3_600 + m * 60 + whole - offset * 60;
            Some(i128::from(seconds) * 1_000_000_000 + nanos)
        }
    };
    Some(When { date: parts, precision, instant })
}

/// Days since 1970-01-01 of a proleptic Gregorian date.
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// True when `end` is certainly before `start`, as FHIRPath's `start <= end` is false:
/// two times compare as instants; otherwise the dates compare to the precision both give,
/// and equal parts at differing precision leave the answer open (not a violation).
fn ends_before_start(start: &str, end: &str) -> bool {
    let (Some(a), Some(b)) = (when(start), when(end)) else { return false };
    if let (Some(x), Some(y)) = (a.instant, b.instant) {
        return y < x;
    }
    let n = a.precision.min(b.precision);
    a.date[..n] > b.date[..n]
}

/// `per-1` on the Period at `period` (a member of the resource), if it has both ends.
fn period(p: Option<&Json<'_>>, ptr: impl FnOnce() -> String, cx: &mut Findings<'_>) {
    let Some(p) = p else { return };
    let (Some(start), Some(end)) = (p.get("start").and_then(Json::as_str), p.get("end").and_then(Json::as_str)) else { return };
    if ends_before_start(start, end) {
        let ptr = ptr();
        let message =
            format!("{} ends ({end}) before it starts ({start}); a Period's end is not before its start (FHIR per-1).", cx.loc(&ptr));
        cx.push(RuleId::Per1, &format!("{ptr}/end"), p.get("end"), format!("an end not before {start}"), message);
    }
}

/// `per-1` on every Period the profiles allow (CarePlan and Intervention `period`,
/// FollowUpEncounter `period`, the case number's identifier period on a ServiceRequest or
/// CarePlan), `con-5` on a Condition or TargetGroup, `qty-3` and `drt-1` on a goal target's
/// `dueDuration`. Only the elements the resource's profile allows are looked at (the
/// closed profiles reject any other, GW-CLOSED). `ptr` is the resource's JSON Pointer, made
/// only when a finding needs it.
pub(super) fn check<P: std::ops::Deref<Target = str> + std::fmt::Display>(
    resource: &Json<'_>,
    profile: Profile,
    ptr: &P,
    cx: &mut Findings<'_>,
) {
    match profile {
        Profile::CarePlan | Profile::Intervention | Profile::FollowUpEncounter => {
            period(resource.get("period"), || format!("{ptr}/period"), cx);
            if profile == Profile::CarePlan {
                case_number_periods(resource, ptr, cx);
            }
        }
        Profile::ServiceRequest => case_number_periods(resource, ptr, cx),
        Profile::Condition | Profile::TargetGroup => condition(resource, profile, ptr, cx),
        Profile::InterventionGoal => {
            for (i, t) in resource.get("target").and_then(Json::as_array).unwrap_or_default().iter().enumerate() {
                if let Some(d) = t.get("dueDuration") {
                    duration(d, || format!("{ptr}/target/{i}/dueDuration"), cx);
                }
            }
        }
        _ => {}
    }
}

/// `per-1` on the period of each case number identifier (`extension[].extension[]
/// .valueIdentifier.period`).
fn case_number_periods<P: std::ops::Deref<Target = str> + std::fmt::Display>(resource: &Json<'_>, ptr: &P, cx: &mut Findings<'_>) {
    let Some(exts) = resource.get("extension").and_then(Json::as_array) else { return };
    for (i, x) in exts.iter().enumerate() {
        let Some(parts) = x.get("extension").and_then(Json::as_array) else { continue };
        for (j, part) in parts.iter().enumerate() {
            period(
                part.get("valueIdentifier").and_then(|v| v.get("period")),
                || format!("{ptr}/extension/{i}/extension/{j}/valueIdentifier/period"),
                cx,
            );
        }
    }
}

/// UCUM, the code system a Duration's unit code must come from (FHIR R4 `drt-1`).
const UCUM: &str = "http://unitsofmeasure.org";

/// `qty-3` (a unit code has a system) and `drt-1` (a unit code is UCUM's, with a value) on
/// a Duration.
fn duration(d: &Json<'_>, ptr: impl Fn() -> String, cx: &mut Findings<'_>) {
    let Some(code) = d.get("code") else { return };
    let system = d.get("system");
    if system.is_none() {
        let p = ptr();
        let message = format!("{} has a unit code but no system; FHIR's qty-3 requires the system of a coded unit.", cx.loc(&p));
        cx.push(RuleId::Qty3, &format!("{p}/code"), Some(code), "a system with the unit code".into(), message);
    }
    if system.and_then(Json::as_str) != Some(UCUM) || d.get("value").is_none() {
        let p = ptr();
        let message = format!("{} has a unit code, so FHIR's drt-1 requires a value and the system {UCUM} (UCUM).", cx.loc(&p));
        cx.push(RuleId::Drt1, &p, Some(d), format!("a value and system {UCUM}"), message);
    }
}

/// `con-5`: no clinicalStatus on an entered-in-error condition.
fn condition<P: std::ops::Deref<Target = str> + std::fmt::Display>(r: &Json<'_>, profile: Profile, ptr: &P, cx: &mut Findings<'_>) {
    let withdrawn = r.get("verificationStatus").and_then(|v| v.get("coding")).and_then(Json::as_array).is_some_and(|c| {
        c.iter().any(|c| {
            c.get("system").and_then(Json::as_str) == Some(fixed::CONDITION_VER_STATUS)
                && c.get("code").and_then(Json::as_str) == Some("entered-in-error")
        })
    });
    let Some(status) = r.get("clinicalStatus").filter(|_| withdrawn) else { return };
    let p = format!("{ptr}/clinicalStatus");
    let why = if profile == Profile::Condition {
        "the FFB Condition profile requires clinicalStatus (1..1), so a withdrawn condition cannot meet both; ffbkit follows the profile (clinicalStatus inactive, see ffbkit docs/fidelity.md), and the gateway's HL7 validator reports con-5 as an error"
    } else {
        "the TargetGroup profile allows leaving clinicalStatus out (0..1): leave it out on a withdrawn target group, or the gateway's HL7 validator reports con-5 as an error"
    };
    let message = format!("{} is entered-in-error but has a clinicalStatus, which FHIR's con-5 forbids; {why}.", cx.loc(ptr));
    cx.push(RuleId::Con5, &p, Some(status), "no clinicalStatus on an entered-in-error condition".into(), message);
}

#[cfg(test)]
mod tests {
    use super::{days_from_civil, ends_before_start};

    #[test]
    fn days_count_from_1970() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(days_from_civil(2000, 3, 1), 11_017);
        assert_eq!(days_from_civil(2024, 12, 31) - days_from_civil(2024, 1, 1), 365, "2024 is a leap year");
        assert_eq!(days_from_civil(1969, 12, 31), -1);
    }

    #[test]
    fn an_end_is_before_a_start_only_when_certainly_so() {
        let cases = [
            ("2025-03-02", "2025-03-01", true),
            ("2025-03-01", "2025-03-01", false),
            ("2025-03-01", "2025-03-02", false),
            ("2025-03", "2025-02-28", true),
            ("2025-03", "2025-03-01", false),
            ("2025-03-15", "2025-03", false),
            ("2026", "2025-12-31", true),
            ("2025-03-01T10:00:00+01:00", "2025-03-01T09:30:00Z", false),
            ("2025-03-01T10:00:00Z", "2025-03-01T10:30:00+01:00", true),
            ("2025-03-01T10:00:00.5Z", "2025-03-01T10:00:00.25Z", true),
            ("2025-03-01T10:00:00Z", "2025-03-01T10:00:00Z", false),
            ("2025-03-02T00:00:00Z", "2025-03-01", true),
            ("2025-03-01", "2025-03-01T00:00:00Z", false),
            ("not a date", "2025-01-01", false),
            ("2025-01-01", "", false),
        ];
        for (start, end, expected) in cases {
            assert_eq!(ends_before_start(start, end), expected, "{start} .. {end}");
        }
    }
}
