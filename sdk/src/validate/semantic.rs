//! The rules JSON Schema cannot state: profile selection, ids and fullUrls, the one
//! citizen, subjects, references and their target profiles, the IG's invariants, the IG's
//! text-only rules and calendar-valid dates.

use super::json::Json;
use super::path::{render, Seg, PATH_DEPTH};
use super::{Findings, Outcome, RuleId, Validator};
use crate::ids::is_uuid;
use crate::profile::{ext, fixed, Profile};
use crate::report;
use rustc_hash::FxHashMap as HashMap;

/// One entry of the bundle, as the semantic rules see it.
struct Entry<'v> {
    index: usize,
    resource: &'v Json<'v>,
    resource_type: &'v str,
    id: Option<&'v str>,
    profile: Option<Profile>,
    /// `/entry/{index}/resource`, made when a finding first needs it.
    ptr: EntryPtr,
}

/// The JSON Pointer of an entry's resource, `/entry/{index}/resource`: built only when a
/// finding needs it (nearly never), then kept.
#[derive(Clone)]
struct EntryPtr {
    index: usize,
    text: std::cell::OnceCell<String>,
}

impl EntryPtr {
    fn new(index: usize) -> EntryPtr {
        EntryPtr { index, text: std::cell::OnceCell::new() }
    }
}

impl std::ops::Deref for EntryPtr {
    type Target = str;
    fn deref(&self) -> &str {
        self.text.get_or_init(|| format!("/entry/{}/resource", self.index))
    }
}

impl std::fmt::Display for EntryPtr {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self)
    }
}

pub(super) fn check(v: &Validator, bundle: &Json<'_>, cx: &mut Findings<'_>) -> Outcome {
    let mut outcome = Outcome { timestamp: bundle.get("timestamp").and_then(Json::as_str).map(str::to_string), ..Outcome::default() };
    let Some(entries) = bundle.get("entry").and_then(Json::as_array) else {
        return outcome;
    };
    // Profile selection and structure, entry by entry.
    let mut list: Vec<Entry<'_>> = Vec::with_capacity(entries.len());
    for (i, e) in entries.iter().enumerate() {
        let Some(resource) = e.get("resource").filter(|r| r.is_object()) else { continue };
        outcome.resources += 1;
        let ptr = EntryPtr::new(i);
        let Some(rt) = resource.get("resourceType").and_then(Json::as_str) else {
            cx.push(RuleId::GwProfile, &ptr, None, "a resourceType".into(), format!("{} has no resourceType.", cx.loc(&ptr)));
            continue;
        };
        let profile = select_profile(v, rt, resource, &ptr, cx);
        list.push(Entry { index: i, resource, resource_type: rt, id: resource.get("id").and_then(Json::as_str), profile, ptr });
    }
    outcome.profiles = vec![None; entries.len()];
    for e in &list {
        outcome.profiles[e.index] = e.profile;
    }
    let history = bundle.get("type").and_then(Json::as_str) == Some("history");
    let by_ref = ids_and_full_urls(entries, &list, history, cx);
    citizen(&list, &mut outcome, cx);
    let patient_ref: Option<(usize, &Entry<'_>)> = list.iter().enumerate().find(|(_, e)| e.profile == Some(Profile::Citizen));
    let resolve = |reference: &str| -> Option<&Entry<'_>> { by_ref.get(reference).map(|k| &list[k]) };
    for e in &list {
        let Some(profile) = e.profile else { continue };
        subject(e, profile, patient_ref.map(|(_, p)| p), &resolve, cx);
        references(v, e, profile, &resolve, cx);
        invariants(v, e, profile, &resolve, cx);
        meta_and_text_rules(e, profile, cx);
        extension_counts(e, profile, cx);
        super::base_invariants::check(e.resource, profile, &e.ptr, cx);
    }
    outcome
}

/// One step of a fixed path into a resource.
#[derive(Clone, Copy)]
enum Step {
    K(&'static str),
    I(usize),
}

/// The value at a fixed path (like `Value::pointer`, without parsing a pointer string).
fn at<'v>(v: &'v Json<'v>, path: &[Step]) -> Option<&'v Json<'v>> {
    path.iter().try_fold(v, |v, s| match s {
        Step::K(k) => v.get(*k),
        Step::I(i) => v.get(*i),
    })
}

/// The profile URLs a resource claims (`meta.profile`).
fn claimed_profiles<'v>(resource: &'v Json<'_>) -> impl Iterator<Item = &'v str> {
    at(resource, &[Step::K("meta"), Step::K("profile")]).and_then(Json::as_array).unwrap_or_default().iter().filter_map(Json::as_str)
}

/// The first coding's code of a CodeableConcept element (`code`, `severity`, ...).
fn first_code<'v>(v: &'v Json<'_>, element: &'static str) -> Option<&'v str> {
    at(v, &[Step::K(element), Step::K("coding"), Step::I(0), Step::K("code")]).and_then(Json::as_str)
}

/// Pick the profile of a resource: the one it claims, else by its content; check its
/// structure, and the "conforms to one of the two" invariants.
fn select_profile(v: &Validator, rt: &str, resource: &Json<'_>, ptr: &EntryPtr, cx: &mut Findings<'_>) -> Option<Profile> {
    let candidates = Profile::for_resource_type(rt);
    if candidates.is_empty() {
        cx.push(
            RuleId::GwProfile,
            &format!("{ptr}/resourceType"),
            resource.get("resourceType"),
            "one of Patient, ServiceRequest, ClinicalImpression, Condition, Goal, CarePlan, CareTeam, Encounter, Observation".into(),
            format!("{} is a {rt}, which is none of the 12 FFB reporting profiles.", cx.loc(ptr)),
        );
        return None;
    }
    // The first claim of a profile for this type is the one checked; every other claim is
    // a finding.
    // The claim (`report::claims`: the first that is a profile of this type; every other
    // claim is a finding), else the content (`report`'s rule, one place); content that does
    // not decide is settled by the schemas: the profile with the fewest errors.
    let mut claimed: Option<Profile> = None;
    for (k, url, profile) in report::claims(rt, resource) {
        match profile {
            Some(p) => {
                claimed.get_or_insert(p);
            }
            None => {
                let p = format!("{ptr}/meta/profile/{k}");
                let allowed: Vec<String> = candidates.iter().map(|c| c.url()).collect();
                cx.push(
                    RuleId::GwProfile,
                    &p,
                    resource.pointer(&format!("/meta/profile/{k}")),
                    allowed.join(" or "),
                    format!("{} claims the profile {url}, which is not an FFB reporting profile for a {rt}.", cx.loc(ptr)),
                );
            }
        }
    }
    let chosen =
        claimed.or_else(|| report::profile_by_content(rt, resource, v.catalog())).unwrap_or_else(|| fewest_errors(v, resource, candidates));
    let mut errors = v.profile_errors(chosen, resource);
    errors.retain(|e| !cx.said_already(e, ptr));
    if !errors.is_empty() && candidates.len() == 2 {
        let other = if candidates[0] == chosen { candidates[1] } else { candidates[0] };
        if v.profile_errors(other, resource).iter().all(|e| cx.said_already(e, ptr)) {
            if claimed.is_some() {
                let p = format!("{ptr}/meta/profile");
                cx.push(
                    RuleId::GwProfile,
                    &p,
                    None,
                    other.url(),
                    format!("{} claims the {chosen} profile but conforms to the {other} profile instead.", cx.loc(ptr)),
                );
            }
            return Some(other);
        }
        let rule = match rt {
            "Condition" => RuleId::KlDeliveryReport1,
            "CarePlan" => RuleId::KlDeliveryReport2,
            _ => RuleId::KlDeliveryReport3,
        };
        cx.push(
            rule,
            ptr,
            None,
            format!("conformance to the {} or the {} profile", candidates[0], candidates[1]),
            format!(
                "{} conforms to neither the {} nor the {} profile; the findings below are against {chosen}.",
                cx.loc(ptr),
                candidates[0],
                candidates[1]
            ),
        );
    }
    for e in &errors {
        v.report_schema_error(e, ptr, resource, Some(chosen), cx);
    }
    Some(chosen)
}

fn fewest_errors(v: &Validator, resource: &Json<'_>, candidates: &[Profile]) -> Profile {
    *candidates.iter().min_by_key(|p| v.profile_errors(**p, resource).len()).expect("two candidates")
}

/// GW-ID: UUID ids, unique per type, fullUrl agreeing with type and id. Returns the
/// lookup from reference strings (`Type/id`, fullUrl) to positions in `list`.
/// GW-ID on ids and fullUrls, and FHIR's `bdl-7` (fullUrls unique unless their
/// `meta.versionId` differs; not in a `history` bundle) and `bdl-8` (no version-specific
/// fullUrl); the map of fullUrls and `Type/id`s to entries.
fn ids_and_full_urls<'v>(entries: &'v [Json<'v>], list: &[Entry<'v>], history: bool, cx: &mut Findings<'_>) -> Refs<'v> {
    let mut by_full: HashMap<&'v str, usize> = HashMap::with_capacity_and_hasher(list.len(), Default::default());
    let mut seen: HashMap<(&'v str, &'v str), usize> = HashMap::with_capacity_and_hasher(list.len(), Default::default());
    for (k, e) in list.iter().enumerate() {
        let ptr = &e.ptr;
        match e.id {
            None => cx.push(
                RuleId::GwId,
                ptr,
                None,
                "an id that is a UUID".into(),
                format!("{} has no id; every resource needs a universally unique id (a UUID).", cx.loc(ptr)),
            ),
            Some(id) => {
                if !is_uuid(id) {
                    cx.push(
                        RuleId::GwId,
                        &format!("{ptr}/id"),
                        e.resource.get("id"),
                        "a UUID (8-4-4-4-12 lower-case hex digits)".into(),
                        format!(
                            "{}.id is {}, not a UUID; ids must be universally unique.",
                            cx.loc(ptr),
                            cx.show(e.resource.get("id").unwrap_or(&Json::Null))
                        ),
                    );
                }
                if let Some(&first) = seen.get(&(e.resource_type, id)) {
                    cx.push(
                        RuleId::GwId,
                        &format!("{ptr}/id"),
                        e.resource.get("id"),
                        "each resource once per report".into(),
                        format!("{}/{id} occurs twice in the report (entries {} and {}).", e.resource_type, list[first].index, e.index),
                    );
                } else {
                    seen.insert((e.resource_type, id), k);
                }
            }
        }
        let entry = &entries[e.index];
        if let Some(full) = entry.get("fullUrl").and_then(Json::as_str) {
            let base = e.id.and_then(|id| full_url_base(full, e.resource_type, id));
            if base.is_none() {
                let fptr = format!("/entry/{}/fullUrl", e.index);
                let expected = e.id.map_or("Type/id".to_string(), |id| format!("{}/{id} or urn:uuid:{id}", e.resource_type));
                cx.push(
                    RuleId::GwId,
                    &fptr,
                    entry.get("fullUrl"),
                    expected.clone(),
                    format!("fullUrl \"{full}\" does not agree with the resource's type and id (expected {expected})."),
                );
            }
            // An agreeing fullUrl can hold /_history/ only in its base (an id cannot), and
            // nearly every fullUrl has no base at all (`urn:uuid:{id}`, `{type}/{id}`).
            let searched = base.unwrap_or(full);
            if searched.len() >= "/_history/".len() && searched.contains("/_history/") {
                let fptr = format!("/entry/{}/fullUrl", e.index);
                cx.push(
                    RuleId::Bdl8,
                    &fptr,
                    entry.get("fullUrl"),
                    "a fullUrl without /_history/".into(),
                    format!("fullUrl \"{full}\" is version specific (it contains /_history/); FHIR's bdl-8 forbids that."),
                );
            }
            match by_full.entry(full) {
                std::collections::hash_map::Entry::Vacant(slot) => {
                    slot.insert(k);
                }
                std::collections::hash_map::Entry::Occupied(first) => {
                    let version = |r: &'v Json<'v>| at(r, &[Step::K("meta"), Step::K("versionId")]).and_then(Json::as_str);
                    let other = &list[*first.get()];
                    if !history && version(other.resource) == version(e.resource) {
                        let fptr = format!("/entry/{}/fullUrl", e.index);
                        cx.push(RuleId::Bdl7, &fptr, entry.get("fullUrl"), "a fullUrl no other entry has".into(), format!("fullUrl \"{full}\" is also the fullUrl of entry {}; FHIR's bdl-7 allows that only with a different meta.versionId.", other.index));
                    }
                }
            }
        }
    }
    Refs { by_type_id: seen, by_full }
}

/// Where reference strings lead: `Type/id` to the first entry with that type and id, else
/// a fullUrl to the first entry with it.
struct Refs<'v> {
    by_type_id: HashMap<(&'v str, &'v str), usize>,
    by_full: HashMap<&'v str, usize>,
}

impl Refs<'_> {
    /// The position in the entry list that `reference` resolves to.
    fn get(&self, reference: &str) -> Option<usize> {
        let slash = reference.bytes().position(|b| b == b'/');
        slash.and_then(|i| self.by_type_id.get(&(&reference[..i], &reference[i + 1..]))).or_else(|| self.by_full.get(reference)).copied()
    }
}

/// When a fullUrl agrees with a resource's type and id (`urn:uuid:{id}`, `{type}/{id}`, or
/// an absolute URL ending in `/{type}/{id}`): its base, the part before `{type}/{id}`
/// (empty for the first two forms).
fn full_url_base<'f>(full: &'f str, resource_type: &str, id: &str) -> Option<&'f str> {
    if full.strip_prefix("urn:uuid:") == Some(id) {
        return Some("");
    }
    let rest = full.strip_suffix(id)?.strip_suffix('/')?.strip_suffix(resource_type)?;
    (rest.is_empty() || rest.ends_with('/')).then_some(rest)
}

/// GW-CITIZEN: exactly one Patient, a valid CPR number, a KOMBIT STS organisation.
fn citizen(list: &[Entry<'_>], outcome: &mut Outcome, cx: &mut Findings<'_>) {
    let patients: Vec<&Entry<'_>> = list.iter().filter(|e| e.resource_type == "Patient").collect();
    if patients.len() != 1 {
        let ptr = patients.get(1).map_or(String::new(), |e| e.ptr.to_string());
        cx.push(
            RuleId::GwCitizen,
            &ptr,
            None,
            "exactly one Patient".into(),
            format!("The report holds {} Patient resources; a delivery report is about exactly one citizen.", patients.len()),
        );
    }
    // The citizen is the first Patient and its CPR identifier (`report`'s rule, one place).
    let Some(p) = patients.first() else { return };
    let ptr = &p.ptr;
    if let Some((k, identifier)) = report::cpr_identifier(p.resource) {
        if let Some(value) = identifier.get("value").filter(|v| v.is_string()) {
            let cpr_value = value.as_str().unwrap_or_default();
            outcome.citizen = report::cpr_of_patient(p.resource).map(|c| cx.mask(c));
            if !crate::cpr::is_valid(cpr_value) {
                let vp = format!("{ptr}/identifier/{k}/value");
                cx.push(
                    RuleId::GwCitizen,
                    &vp,
                    Some(value),
                    "a CPR number: ten digits DDMMYYSSSS with a real day and month".into(),
                    format!("The citizen's identifier {} is not a syntactically valid CPR number.", cx.show(value)),
                );
            }
        }
    }
    if let Some(org) = report::municipality_of_patient(p.resource) {
        outcome.municipality = Some(org.to_string());
        if !is_uuid(org) {
            let vp = format!("{ptr}/managingOrganization/identifier/value");
            cx.push(
                RuleId::GwCitizen,
                &vp,
                at(p.resource, &[Step::K("managingOrganization"), Step::K("identifier"), Step::K("value")]),
                "a KOMBIT STS organisation UUID".into(),
                format!("The municipality's STS organisation identifier \"{org}\" is not a UUID."),
            );
        }
    }
}

type Resolver<'a, 'v> = dyn Fn(&str) -> Option<&'a Entry<'v>> + 'a;

/// GW-SUBJECT: the subject is the report's citizen.
fn subject(e: &Entry<'_>, profile: Profile, patient: Option<&Entry<'_>>, resolve: &Resolver<'_, '_>, cx: &mut Findings<'_>) {
    if profile == Profile::Citizen {
        return;
    }
    let Some(r) = at(e.resource, &[Step::K("subject"), Step::K("reference")]).and_then(Json::as_str) else { return };
    let target = resolve(r);
    let ok = match (target, patient) {
        (Some(t), Some(p)) => std::ptr::eq(t, p),
        _ => false,
    };
    if !ok {
        let ptr = format!("{}/subject/reference", e.ptr);
        let expected = patient.and_then(|p| p.id).map_or("the report's Patient".to_string(), |id| format!("Patient/{id}"));
        cx.push(
            RuleId::GwSubject,
            &ptr,
            at(e.resource, &[Step::K("subject"), Step::K("reference")]),
            expected.clone(),
            format!("The subject of {} is \"{r}\", not the report's citizen ({expected}).", cx.loc(&e.ptr)),
        );
    }
}

/// Where a profile holds references (element path without indices), and the profile each
/// must point to. Each profile has at most one extension holding a reference.
fn reference_rules(profile: Profile) -> &'static [(&'static str, Profile)] {
    match profile {
        Profile::InformationGathering => &[
            ("extension.valueReference", Profile::ServiceRequest),
            ("finding.itemReference", Profile::Condition),
            ("investigation.item", Profile::CareEvaluation),
        ],
        Profile::CarePlan => &[
            ("extension.valueReference", Profile::FollowUpEncounter),
            ("careTeam", Profile::ServicePerformer),
            ("addresses", Profile::TargetGroup),
            ("goal", Profile::InterventionGoal),
            ("activity.outcomeReference", Profile::CareEvaluation),
        ],
        Profile::Intervention => &[("basedOn", Profile::CarePlan)],
        Profile::InterventionGoal => &[("addresses", Profile::Condition)],
        Profile::FollowUp => &[("focus", Profile::CarePlan)],
        _ => &[],
    }
}

/// GW-REF: every reference resolves in the bundle, to a resource of the allowed profile.
fn references(v: &Validator, e: &Entry<'_>, profile: Profile, resolve: &Resolver<'_, '_>, cx: &mut Findings<'_>) {
    // Any reference anywhere in the resource must resolve (aggregation: bundled).
    let rules = reference_rules(profile);
    report::for_each_reference(e.resource, &mut Vec::with_capacity(PATH_DEPTH), &mut |path, r| {
        let Some(rs) = r.as_str() else { return };
        let ptr = || format!("{}{}", e.ptr, render(path));
        match resolve(rs) {
            None => {
                // A local reference (`#id`) is not to an entry, so it resolves to none.
                if rs.starts_with('#') {
                    local_reference(e.resource, rs, &ptr(), r, cx);
                }
                cx.push(
                    RuleId::GwRef,
                    &ptr(),
                    Some(r),
                    "a reference to an entry of this bundle".into(),
                    format!(
                        "The reference \"{rs}\" does not resolve to any entry of the report; every referenced resource must be included."
                    ),
                );
            }
            Some(t) => {
                if let Some(&(element, want)) = rules.iter().find(|(element, _)| is_element(path, element)) {
                    let fits = t.resource_type == want.resource_type()
                        && (t.profile == Some(want) || v.profile_errors(want, t.resource).is_empty());
                    if !fits {
                        let got = t.profile.map_or(t.resource_type.to_string(), |p| p.to_string());
                        cx.push(
                            RuleId::GwRef,
                            &ptr(),
                            Some(r),
                            format!("a reference to {}", article(want.title())),
                            format!(
                                "\"{rs}\" refers to {}, but {profile}.{element} must refer to {}.",
                                article(&got),
                                article(want.title())
                            ),
                        );
                    }
                }
            }
        }
    });
}

/// FHIR's `ref-1` on a local reference `rs` (`#id`) of `resource`, at `ptr`: it names a
/// contained resource (the profiles allow none, so it never does in a valid report).
#[cold]
#[inline(never)]
fn local_reference(resource: &Json<'_>, rs: &str, ptr: &str, r: &Json<'_>, cx: &mut Findings<'_>) {
    let local = &rs[1..];
    let contained = resource.get("contained").and_then(Json::as_array).unwrap_or_default();
    if !contained.iter().any(|c| c.get("id").and_then(Json::as_str) == Some(local)) {
        cx.push(
            RuleId::Ref1,
            ptr,
            Some(r),
            "a reference to an entry of the bundle (no # reference: the profiles allow no contained resources)".into(),
            format!("The local reference \"{rs}\" names no contained resource; FHIR's ref-1 requires one, and the profiles allow none."),
        );
    }
}

/// "a CarePlan", "an InterventionGoal".
fn article(noun: &str) -> String {
    let vowel = noun.chars().next().is_some_and(|c| "AEIOUaeiou".contains(c));
    format!("{} {noun}", if vowel { "an" } else { "a" })
}

/// True when `path` is at the element `element` (`finding.itemReference`): its member
/// names, leaving out indices, all-digit names and `reference`, joined with dots.
fn is_element(path: &[Seg<'_>], element: &str) -> bool {
    let names = path.iter().filter_map(|s| match s {
        Seg::Key(k) if !k.bytes().all(|b| b.is_ascii_digit()) && *k != "reference" => Some(*k),
        _ => None,
    });
    // `element` compared name by name at its dots, without a `split` iterator.
    let mut rest = element;
    let mut first = true;
    for name in names {
        if !first {
            let Some(r) = rest.strip_prefix('.') else { return false };
            rest = r;
        }
        first = false;
        let Some(r) = rest.strip_prefix(name) else { return false };
        if !(r.is_empty() || r.starts_with('.')) {
            return false;
        }
        rest = r;
    }
    !first && rest.is_empty()
}

fn rank(addressed: &Json<'_>) -> Option<i64> {
    addressed
        .get("extension")
        .and_then(Json::as_array)?
        .iter()
        .find(|x| x.get("url").and_then(Json::as_str) == Some(ext::CONDITION_RANK))
        .and_then(|x| x.get("valuePositiveInt"))
        .and_then(Json::as_i64)
}

/// An IG invariant's check of one entry: the validator (for the catalog and the wording of
/// codes), the entry, the resolver of the bundle's references, and where findings go.
type Invariant = fn(&Validator, &Entry<'_>, &Resolver<'_, '_>, &mut Findings<'_>);

/// The IG's invariants (REQUIREMENTS.md section 6, as intended) a resource of `profile` is
/// checked against, in the order their findings are recorded; one function each.
fn invariants_of(profile: Profile) -> &'static [Invariant] {
    match profile {
        Profile::Condition => &[condition_1],
        Profile::InterventionGoal => &[intervention_goal_target_slices, intervention_goal_1, intervention_goal_2],
        Profile::CarePlan => &[care_plan_2, care_plan_1, care_plan_3, care_plan_4, care_plan_5],
        Profile::FollowUp => &[follow_up_1],
        _ => &[],
    }
}

/// The IG's invariants of one entry (see [`invariants_of`]).
fn invariants(v: &Validator, e: &Entry<'_>, profile: Profile, resolve: &Resolver<'_, '_>, cx: &mut Findings<'_>) {
    for check in invariants_of(profile) {
        check(v, e, resolve, cx);
    }
}

/// True when `code` is an Aktivitet og deltagelse theme (value set KLConditionADCodesFFB).
fn is_ad(v: &Validator, code: &str) -> bool {
    v.catalog().value_set("KLConditionADCodesFFB").is_some_and(|s| s.contains(code))
}

/// `kl-reporting-ffb-condition-1` (input/fsh/KLReportingFFBCondition.fsh, Invariant
/// kl-reporting-ffb-condition-1): a severity (funktionsevneniveau) exactly when the code is
/// an Aktivitet og deltagelse theme.
fn condition_1(v: &Validator, e: &Entry<'_>, _: &Resolver<'_, '_>, cx: &mut Findings<'_>) {
    let (r, ptr) = (e.resource, &e.ptr);
    let Some(code) = first_code(r, "code") else { return };
    let has_severity = r.get("severity").is_some();
    let ad_code = is_ad(v, code);
    if ad_code == has_severity {
        return;
    }
    let (p, msg, expected) = if ad_code {
        (
            ptr.to_string(),
            format!(
                "{} is the Aktivitet og deltagelse theme {}, but has no severity (funktionsevneniveau).",
                cx.loc(ptr),
                v.describe_code(code)
            ),
            "a severity (funktionsevneniveau)".to_string(),
        )
    } else {
        (
            format!("{ptr}/severity"),
            format!(
                "{} has a severity, but its code {} is not an Aktivitet og deltagelse theme; only those carry a funktionsevneniveau.",
                cx.loc(ptr),
                v.describe_code(code)
            ),
            "no severity".to_string(),
        )
    };
    cx.push(RuleId::KlCondition1, &p, r.pointer(&p[ptr.len()..]).filter(|_| !ad_code), expected, msg);
}

/// GW-CARD of the goal's target slices (input/fsh/KLReportingFFBInterventionGoal.fsh: the
/// slices of `target`, one funktionsevneniveau and one måltype target), which JSON Schema
/// cannot count; checked with the goal's invariants.
fn intervention_goal_target_slices(_: &Validator, e: &Entry<'_>, _: &Resolver<'_, '_>, cx: &mut Findings<'_>) {
    let targets = e.resource.get("target").and_then(Json::as_array).unwrap_or_default();
    for (measure, what) in [(fixed::MEASURE_SEVERITY, "funktionsevneniveau"), (fixed::MEASURE_CHANGE_VALUE, "måltype")] {
        let n = targets.iter().filter(|t| first_code(t, "measure") == Some(measure)).count();
        if n > 1 {
            let p = format!("{}/target", e.ptr);
            cx.push(
                RuleId::GwCard,
                &p,
                None,
                format!("exactly one {what} target"),
                format!("The goal has {n} {what} targets; the profile allows exactly one."),
            );
        }
    }
}

/// `kl-reporting-ffb-intervention-goal-1` (input/fsh/KLReportingFFBInterventionGoal.fsh,
/// Invariant kl-reporting-ffb-intervention-goal-1): a goal addresses only Aktivitet og
/// deltagelse conditions.
fn intervention_goal_1(v: &Validator, e: &Entry<'_>, resolve: &Resolver<'_, '_>, cx: &mut Findings<'_>) {
    let addresses = e.resource.get("addresses").and_then(Json::as_array).unwrap_or_default();
    for (i, a) in addresses.iter().enumerate() {
        let Some(t) = a.get("reference").and_then(Json::as_str).and_then(resolve) else { continue };
        let code = first_code(t.resource, "code").unwrap_or("");
        if !is_ad(v, code) {
            let p = format!("{}/addresses/{i}", e.ptr);
            cx.push(
                RuleId::KlInterventionGoal1,
                &p,
                a.get("reference"),
                "a condition under Aktivitet og deltagelse".into(),
                format!(
                    "The goal addresses {}, whose code {} is not an Aktivitet og deltagelse theme.",
                    t.resource_type.to_owned() + "/" + t.id.unwrap_or("?"),
                    v.describe_code(code)
                ),
            );
        }
    }
}

/// `kl-reporting-ffb-intervention-goal-2` (input/fsh/KLReportingFFBInterventionGoal.fsh,
/// Invariant kl-reporting-ffb-intervention-goal-2, as intended: the IG 1.0.0 expression
/// fails on every goal, REQUIREMENTS.md section 6): exactly one addressed condition with
/// rank 1.
fn intervention_goal_2(_: &Validator, e: &Entry<'_>, _: &Resolver<'_, '_>, cx: &mut Findings<'_>) {
    let addresses = e.resource.get("addresses").and_then(Json::as_array).unwrap_or_default();
    let primaries = addresses.iter().filter(|a| rank(a) == Some(1)).count();
    if primaries != 1 {
        let p = if addresses.is_empty() { e.ptr.to_string() } else { format!("{}/addresses", e.ptr) };
        cx.push(
            RuleId::KlInterventionGoal2,
            &p,
            None,
            "exactly one addressed condition with rank 1 (primary)".into(),
            format!("The goal addresses {primaries} conditions with rank 1; it must address exactly one primary A&D theme."),
        );
    }
}

/// True for a care plan that is ordered and not completed, the condition of
/// `kl-reporting-ffb-care-plan-1`, `-3`, `-4` and `-5`.
fn active_order(r: &Json<'_>) -> bool {
    r.get("intent").and_then(Json::as_str) == Some("order") && r.get("status").and_then(Json::as_str) != Some("completed")
}

/// How the care plan invariants name an ordered, not completed care plan.
const ACTIVE: &str = "an ordered care plan that is not completed";

/// `kl-reporting-ffb-care-plan-2` (input/fsh/KLReportingFFBCarePlan.fsh, Invariant
/// kl-reporting-ffb-care-plan-2): at most one addressed target group with rank 1.
fn care_plan_2(_: &Validator, e: &Entry<'_>, _: &Resolver<'_, '_>, cx: &mut Findings<'_>) {
    let addresses = e.resource.get("addresses").and_then(Json::as_array).unwrap_or_default();
    let primaries = addresses.iter().filter(|a| rank(a) == Some(1)).count();
    if primaries > 1 {
        cx.push(
            RuleId::KlCarePlan2,
            &format!("{}/addresses", e.ptr),
            None,
            "at most one target group with rank 1".into(),
            format!("The care plan addresses {primaries} target groups with rank 1; at most one may be primary."),
        );
    }
}

/// `kl-reporting-ffb-care-plan-1` (input/fsh/KLReportingFFBCarePlan.fsh, Invariant
/// kl-reporting-ffb-care-plan-1): an ordered, not completed care plan has a follow-up date
/// (the extension referring to a FollowUpEncounter).
fn care_plan_1(_: &Validator, e: &Entry<'_>, _: &Resolver<'_, '_>, cx: &mut Findings<'_>) {
    let r = e.resource;
    if !active_order(r) {
        return;
    }
    let has_follow_up = r
        .get("extension")
        .and_then(Json::as_array)
        .is_some_and(|x| x.iter().any(|x| x.get("url").and_then(Json::as_str) == Some(ext::FOLLOW_UP_DATE)));
    if !has_follow_up {
        cx.push(
            RuleId::KlCarePlan1,
            &e.ptr,
            None,
            "a follow-up date extension referring to a FollowUpEncounter".into(),
            format!("{} is {ACTIVE} but has no follow-up date (opfølgningsdato).", cx.loc(&e.ptr)),
        );
    }
}

/// `kl-reporting-ffb-care-plan-3` (input/fsh/KLReportingFFBCarePlan.fsh, Invariant
/// kl-reporting-ffb-care-plan-3, whose `obeys` is commented out in IG 1.0.0: a warning): an
/// ordered, not completed care plan has goals.
fn care_plan_3(_: &Validator, e: &Entry<'_>, _: &Resolver<'_, '_>, cx: &mut Findings<'_>) {
    let r = e.resource;
    if active_order(r) && r.get("goal").and_then(Json::as_array).is_none_or(<[_]>::is_empty) {
        cx.push(
            RuleId::KlCarePlan3,
            &e.ptr,
            None,
            "intervention goals".into(),
            format!("{} is {ACTIVE} but has no goals (indsatsmål); IG 1.0.0 does not enforce this.", cx.loc(&e.ptr)),
        );
    }
}

/// `kl-reporting-ffb-care-plan-4` (input/fsh/KLReportingFFBCarePlan.fsh, Invariant
/// kl-reporting-ffb-care-plan-4): an ordered, not completed care plan has a støttebehov
/// evaluation (`activity.outcomeReference`).
fn care_plan_4(_: &Validator, e: &Entry<'_>, _: &Resolver<'_, '_>, cx: &mut Findings<'_>) {
    let r = e.resource;
    if active_order(r) && at(r, &[Step::K("activity"), Step::I(0), Step::K("outcomeReference")]).is_none() {
        cx.push(
            RuleId::KlCarePlan4,
            &e.ptr,
            None,
            "a støttebehov evaluation (activity.outcomeReference)".into(),
            format!("{} is {ACTIVE} but has no støttebehov evaluation.", cx.loc(&e.ptr)),
        );
    }
}

/// `kl-reporting-ffb-care-plan-5` (input/fsh/KLReportingFFBCarePlan.fsh, Invariant
/// kl-reporting-ffb-care-plan-5): an ordered, not completed care plan addresses target
/// groups.
fn care_plan_5(_: &Validator, e: &Entry<'_>, _: &Resolver<'_, '_>, cx: &mut Findings<'_>) {
    let r = e.resource;
    if active_order(r) && r.get("addresses").and_then(Json::as_array).unwrap_or_default().is_empty() {
        cx.push(
            RuleId::KlCarePlan5,
            &e.ptr,
            None,
            "target groups (addresses)".into(),
            format!("{} is {ACTIVE} but addresses no target groups (målgrupper).", cx.loc(&e.ptr)),
        );
    }
}

/// `kl-reporting-ffb-follow-up-1` (input/fsh/KLReportingFFBFollowUp.fsh, Invariant
/// kl-reporting-ffb-follow-up-1): a follow-up result has status final or entered-in-error.
fn follow_up_1(_: &Validator, e: &Entry<'_>, _: &Resolver<'_, '_>, cx: &mut Findings<'_>) {
    let status = e.resource.get("status");
    if !matches!(status.and_then(Json::as_str), Some("final" | "entered-in-error")) {
        let p = format!("{}/status", e.ptr);
        cx.push(
            RuleId::KlFollowUp1,
            &p,
            status,
            "final or entered-in-error".into(),
            format!(
                "The follow-up result has status {}; it must be final or entered-in-error.",
                status.map_or("(none)".into(), |s| cx.show(s))
            ),
        );
    }
}

/// GW-CARD for extensions of the same kind, which JSON Schema cannot count: a care plan has
/// exactly one case number and at most one follow-up date; a case number has at most one
/// `municipalitySpecific` and one `official` part.
fn extension_counts(e: &Entry<'_>, profile: Profile, cx: &mut Findings<'_>) {
    let Some(exts) = e.resource.get("extension").and_then(Json::as_array) else { return };
    let ptr = &e.ptr;
    let count = |url: &str| exts.iter().filter(|x| x.get("url").and_then(Json::as_str) == Some(url)).count();
    if profile == Profile::CarePlan {
        for (url, what, max) in [(ext::MUNICIPALITY_CASE_NUMBER, "case number", 1), (ext::FOLLOW_UP_DATE, "follow-up date", 1)] {
            let n = count(url);
            if n > max {
                let p = format!("{ptr}/extension");
                cx.push(
                    RuleId::GwCard,
                    &p,
                    None,
                    format!("at most one {what} extension"),
                    format!("The care plan has {n} {what} extensions; the profile allows one."),
                );
            }
        }
    }
    for (i, x) in exts.iter().enumerate() {
        if x.get("url").and_then(Json::as_str) != Some(ext::MUNICIPALITY_CASE_NUMBER) {
            continue;
        }
        let parts = x.get("extension").and_then(Json::as_array).unwrap_or_default();
        for part in ["municipalitySpecific", "official"] {
            let n = parts.iter().filter(|p| p.get("url").and_then(Json::as_str) == Some(part)).count();
            if n > 1 {
                let p = format!("{ptr}/extension/{i}/extension");
                cx.push(
                    RuleId::GwCard,
                    &p,
                    None,
                    format!("at most one {part} part"),
                    format!("The case number has {n} {part} parts; the profile allows one."),
                );
            }
        }
    }
}

/// meta.profile and meta.lastUpdated (IG text), the case number and intervention start.
fn meta_and_text_rules(e: &Entry<'_>, profile: Profile, cx: &mut Findings<'_>) {
    let r = e.resource;
    let ptr = &e.ptr;
    if claimed_profiles(r).next().is_none() {
        cx.push(
            RuleId::GwProfileClaim,
            ptr,
            None,
            format!("meta.profile containing {}", profile.url()),
            format!("{} does not claim its profile in meta.profile ({}).", cx.loc(ptr), profile.url()),
        );
    }
    if at(r, &[Step::K("meta"), Step::K("lastUpdated")]).is_none() {
        cx.push(
            RuleId::GwLastUpdated,
            ptr,
            None,
            "meta.lastUpdated".into(),
            format!("{} has no meta.lastUpdated; the IG asks for it on every resource.", cx.loc(ptr)),
        );
    }
    match profile {
        Profile::ServiceRequest => {
            let has_case = r
                .get("extension")
                .and_then(Json::as_array)
                .is_some_and(|x| x.iter().any(|x| x.get("url").and_then(Json::as_str) == Some(ext::MUNICIPALITY_CASE_NUMBER)));
            if !has_case {
                cx.push(
                    RuleId::GwCaseNumber,
                    ptr,
                    None,
                    "the municipality case number extension".into(),
                    format!("{} has no municipality case number (sagsnummer).", cx.loc(ptr)),
                );
            }
        }
        Profile::Intervention if at(r, &[Step::K("period"), Step::K("start")]).is_none() => {
            cx.push(
                RuleId::GwInterventionStart,
                ptr,
                None,
                "period.start".into(),
                format!("{} has no start date (period.start).", cx.loc(ptr)),
            );
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::{is_element, Seg};

    #[test]
    fn is_element_matches_the_dotted_names_of_a_path() {
        let path = |keys: &[&'static str]| -> Vec<Seg<'static>> {
            keys.iter().map(|k| k.parse::<usize>().map_or(Seg::Key(k), Seg::Index)).collect()
        };
        let cases: [(&[&str], &str, bool); 9] = [
            (&["addresses", "0", "reference"], "addresses", true),
            (&["extension", "1", "valueReference", "reference"], "extension.valueReference", true),
            (&["extension", "1", "valueReference", "reference"], "extension", false),
            (&["extension", "reference"], "extension.valueReference", false),
            (&["finding", "0", "itemReference", "reference"], "finding.item", false),
            (&["finding", "0", "item", "reference"], "finding.itemReference", false),
            (&["goal", "reference"], "goals", false),
            (&["reference"], "goal", false),
            (&["activity", "0", "outcomeReference", "2", "reference"], "activity.outcomeReference", true),
        ];
        for (keys, element, expected) in cases {
            let p = path(keys);
            // The definition: the names joined with dots.
            let names: Vec<&str> = p
                .iter()
                .filter_map(|s| match s {
                    Seg::Key(k) if *k != "reference" => Some(*k),
                    _ => None,
                })
                .collect();
            assert_eq!(names.join(".") == element, expected, "{keys:?} {element}");
            assert_eq!(is_element(&p, element), expected, "{keys:?} {element}");
        }
    }
}
