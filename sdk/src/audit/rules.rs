//! The stream audit's rules (REQUIREMENTS.md sections 2 and 3): one typed table, [`RULES`],
//! with each rule's family, severity, the sentences it rests on and what it requires. The
//! audit, the CLI, the certification harness, the Python binding and the table of docs/audit.md all
//! read this table; no other list of the audit's rules exists. [`AuditRuleId`] is its typed
//! index: each entry's id is its variant's string, and the audit names rules only by it.
//!
//! Severity (REQUIREMENTS.md section 7): a rule the cited text states is an
//! [`Severity::Error`]; a check that rests on ffbkit's reading of the text is an
//! [`Severity::Interpretation`] (a warning: it never fails a certification and never makes
//! `ffbkit audit` exit non-zero). A rule of severity error may hold checks that are
//! interpretations: they are listed under [`AuditRule::readings`], and their findings carry
//! [`Severity::Interpretation`].

/// How serious a finding of the stream audit is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Rests on ffbkit's reading of the IG or the seed: a warning, never a failure.
    Interpretation,
    /// The cited text states the rule: the report stream breaks it.
    Error,
}

impl Severity {
    /// `error` or `interpretation`.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Interpretation => "interpretation",
        }
    }
}

impl std::fmt::Display for Severity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Which part of REQUIREMENTS.md a rule belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Family {
    /// The reporting protocol across reports (section 2, IG "Reporting").
    Proto,
    /// Danmarks Statistik's requirements per citizen (section 3, seed 002).
    Dst,
}

impl Family {
    /// `PROTO` or `DST`.
    pub fn as_str(self) -> &'static str {
        match self {
            Family::Proto => "PROTO",
            Family::Dst => "DST",
        }
    }
}

/// A document a rule rests on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Document {
    /// The IG's rules text, `input/pagecontent/index.md` of `kl.dk.fhir.ffbreporting` 1.0.0.
    IgIndex,
    /// Seed 002: Social- og Boligministeriet's slides on FFB data, "Gældende
    /// indberetningskrav".
    Seed002,
}

impl Document {
    /// How the docs (docs/audit.md) name the document.
    pub fn title(self) -> &'static str {
        match self {
            Document::IgIndex => "IG index.md",
            Document::Seed002 => "seed 002",
        }
    }
}

/// One cited sentence: the document, its section and the sentence (its first words or a
/// short paraphrase).
#[derive(Clone, Copy, Debug, serde::Serialize)]
pub struct Source {
    /// The document.
    pub document: Document,
    /// Its section (heading), or the profile.
    pub section: &'static str,
    /// The sentence: its first words in quotes, or a paraphrase.
    pub sentence: &'static str,
}

/// A check under a rule's id that rests on ffbkit's reading: its findings are
/// interpretations.
#[derive(Clone, Copy, Debug, serde::Serialize)]
pub struct Reading {
    /// What is checked.
    pub check: &'static str,
    /// Why it is a reading, not the text.
    pub why: &'static str,
}

/// The id of a stream audit rule (one variant per rule of [`RULES`], in its order; the
/// table is indexed by it). Its string form ([`AuditRuleId::as_str`], serde, `FromStr`) is
/// the `REQUIREMENTS.md` id.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum AuditRuleId {
    /// `PROTO-DAILY`.
    ProtoDaily,
    /// `PROTO-ONE-DAY`.
    ProtoOneDay,
    /// `PROTO-SNAPSHOT`.
    ProtoSnapshot,
    /// `PROTO-ID-STABLE`.
    ProtoIdStable,
    /// `PROTO-ERROR`.
    ProtoError,
    /// `PROTO-COND-UPDATE`.
    ProtoCondUpdate,
    /// `PROTO-NEW-GATHERING`.
    ProtoNewGathering,
    /// `PROTO-ENDED`.
    ProtoEnded,
    /// `PROTO-GOAL-CONTEXT`.
    ProtoGoalContext,
    /// `DST-SCOPE`.
    DstScope,
    /// `DST-TRIPLE`.
    DstTriple,
    /// `DST-FF`.
    DstFf,
    /// `DST-AD`.
    DstAd,
    /// `DST-AD-INDSATS`.
    DstAdIndsats,
    /// `DST-STOETTE`.
    DstStoette,
    /// `DST-MAALTYPE`.
    DstMaaltype,
}

impl AuditRuleId {
    /// Every audit rule id, in the order of [`RULES`].
    pub const ALL: &'static [AuditRuleId] = &[
        AuditRuleId::ProtoDaily,
        AuditRuleId::ProtoOneDay,
        AuditRuleId::ProtoSnapshot,
        AuditRuleId::ProtoIdStable,
        AuditRuleId::ProtoError,
        AuditRuleId::ProtoCondUpdate,
        AuditRuleId::ProtoNewGathering,
        AuditRuleId::ProtoEnded,
        AuditRuleId::ProtoGoalContext,
        AuditRuleId::DstScope,
        AuditRuleId::DstTriple,
        AuditRuleId::DstFf,
        AuditRuleId::DstAd,
        AuditRuleId::DstAdIndsats,
        AuditRuleId::DstStoette,
        AuditRuleId::DstMaaltype,
    ];

    /// The id as in `REQUIREMENTS.md`.
    pub const fn as_str(self) -> &'static str {
        match self {
            AuditRuleId::ProtoDaily => "PROTO-DAILY",
            AuditRuleId::ProtoOneDay => "PROTO-ONE-DAY",
            AuditRuleId::ProtoSnapshot => "PROTO-SNAPSHOT",
            AuditRuleId::ProtoIdStable => "PROTO-ID-STABLE",
            AuditRuleId::ProtoError => "PROTO-ERROR",
            AuditRuleId::ProtoCondUpdate => "PROTO-COND-UPDATE",
            AuditRuleId::ProtoNewGathering => "PROTO-NEW-GATHERING",
            AuditRuleId::ProtoEnded => "PROTO-ENDED",
            AuditRuleId::ProtoGoalContext => "PROTO-GOAL-CONTEXT",
            AuditRuleId::DstScope => "DST-SCOPE",
            AuditRuleId::DstTriple => "DST-TRIPLE",
            AuditRuleId::DstFf => "DST-FF",
            AuditRuleId::DstAd => "DST-AD",
            AuditRuleId::DstAdIndsats => "DST-AD-INDSATS",
            AuditRuleId::DstStoette => "DST-STOETTE",
            AuditRuleId::DstMaaltype => "DST-MAALTYPE",
        }
    }

    /// The rule's entry in [`RULES`] (no lookup: the table is indexed by the id).
    pub fn rule(self) -> &'static AuditRule {
        &RULES[self as usize]
    }
}

impl std::str::FromStr for AuditRuleId {
    type Err = crate::rules::table::UnknownRule;
    fn from_str(s: &str) -> Result<AuditRuleId, Self::Err> {
        AuditRuleId::ALL.iter().copied().find(|r| r.as_str() == s).ok_or_else(|| crate::rules::table::UnknownRule(s.to_string()))
    }
}

impl std::fmt::Display for AuditRuleId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl serde::Serialize for AuditRuleId {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// One rule of the stream audit.
#[derive(Clone, Copy, Debug, serde::Serialize)]
pub struct AuditRule {
    /// The id, as in REQUIREMENTS.md.
    pub id: &'static str,
    /// PROTO or DST.
    pub family: Family,
    /// The severity of a finding of the rule as stated (checks under [`Self::readings`]
    /// are interpretations).
    pub severity: Severity,
    /// The sentences it rests on.
    pub source: &'static [Source],
    /// What it requires, in plain words.
    pub summary: &'static str,
    /// Checks under this id that rest on ffbkit's reading (findings: interpretation).
    pub readings: &'static [Reading],
}

const fn ig(section: &'static str, sentence: &'static str) -> Source {
    Source { document: Document::IgIndex, section, sentence }
}

const fn seed(section: &'static str, sentence: &'static str) -> Source {
    Source { document: Document::Seed002, section, sentence }
}

const fn reading(check: &'static str, why: &'static str) -> Reading {
    Reading { check, why }
}

use Family::{Dst, Proto};
use Severity::{Error, Interpretation};

/// Every rule of the stream audit, in REQUIREMENTS.md order.
pub const RULES: &[AuditRule] = &[
    AuditRule {
        id: AuditRuleId::ProtoDaily.as_str(),
        family: Proto,
        severity: Error,
        source: &[
            ig("Reporting", "\"The source systems must periodically (at least daily) transfer a delivery report ...\": every changed citizen, at least daily"),
            ig("Reporting", "\"Resources with the same id as previously reported are considered to be an update ...\": an update happens at the time in the resource's metadata (meta.lastUpdated)"),
        ],
        summary: "a new or changed resource is delivered no later than the day after its meta.lastUpdated (the time of the change in the source system; clinical dates are not registration times)",
        readings: &[reading(
            "changed resources without meta.lastUpdated: the delay is not judged (one finding per citizen says so)",
            "the IG requires meta.lastUpdated (\"All resources must contain the metadata giving the profile and lastUpdated ...\", GW-LAST-UPDATED) but its own examples omit it; without it, when the change happened is unknown",
        )],
    },
    AuditRule {
        id: AuditRuleId::ProtoOneDay.as_str(),
        family: Proto,
        severity: Error,
        source: &[ig("Reporting", "\"Multiple delivery reports must be delivered if the previous reporting ... more than one day ago, each covering no more than one day.\"")],
        summary: "the resources a report changes were updated (meta.lastUpdated) on one day; resources it carries unchanged, because something in it references them, keep their old meta.lastUpdated and are not judged",
        readings: &[],
    },
    AuditRule {
        id: AuditRuleId::ProtoSnapshot.as_str(),
        family: Proto,
        severity: Error,
        source: &[
            ig("Content (before the per-type sections)", "\"In general all referenced ressources must be included in the report.\""),
            ig("Reporting", "\"... a snapshot of the current information for each changed citizen with all information gatherings and care plans that has changed ...\""),
            ig("Information Gathering", "an information gathering holds the time of the event and a collection of the findings (themes)"),
            ig("Care Plan", "the care plan defines the target groups and the care plan evaluation (støttebehov)"),
        ],
        summary: "every reference resolves within the report; a theme reported for the first time comes with the information gathering holding it, a new target group with the care plan holding it, a new støttebehov assessment with the care plan or gathering holding it (a new goal needs no care plan: CarePlan.goal is must-support, not required, and the invariant kl-reporting-ffb-care-plan-3 is commented out)",
        readings: &[],
    },
    AuditRule {
        id: AuditRuleId::ProtoIdStable.as_str(),
        family: Proto,
        severity: Error,
        source: &[
            ig("Reporting", "\"The id of any resource must be universally unique ...\"; \"Resources with the same id as previously reported are considered to be an update of the previously reported information ...\""),
            ig("Condition", "\"A condition that has changed since previously reported shall have the same code ... and is considered to be an update to the assessment ...\""),
        ],
        summary: "a known id is an update of the same kind of thing (profile); a theme or goal is updated under its id, not replaced in its gathering or care plan by a new id with the same content",
        readings: &[
            reading("the citizen keeps one Patient id across reports", "the IG requires one citizen resource per report, not that its id stays the same"),
            reading(
                "the same theme twice in one gathering, the same målgruppe twice in one care plan, the same open ydelse twice under one care plan",
                "the IG does not forbid it; the IG's own example holds two target groups with one code in one care plan",
            ),
        ],
    },
    AuditRule {
        id: AuditRuleId::ProtoError.as_str(),
        family: Proto,
        severity: Error,
        source: &[
            ig("Reporting", "\"A resource that has been enterered in error is invalidated by an update with the same resource id as previously reported.\""),
            ig("Condition", "\"All information about conditions that has changed since the last reporting must be contained in a new report.\": conditions no longer relevant are changes too"),
        ],
        summary: "a theme that an information gathering stops holding is re-sent under its id as withdrawn (entered-in-error), not just left out",
        readings: &[
            reading("a goal that a care plan stops holding is withdrawn or ended", "goals need not be held by a care plan (CarePlan.goal is not required)"),
            reading("a withdrawn resource is never re-instated", "the IG says how to invalidate, not that it is final"),
            reading("an observation is withdrawn with entered-in-error, not cancelled", "the IG names no status; entered-in-error is FHIR's status for invalidated data"),
            reading("a withdrawn condition keeps clinicalStatus inactive", "ffbkit's convention: the profile requires clinicalStatus, FHIR's con-5 forbids it on entered-in-error (REQUIREMENTS.md section 6)"),
        ],
    },
    AuditRule {
        id: AuditRuleId::ProtoCondUpdate.as_str(),
        family: Proto,
        severity: Error,
        source: &[ig("Condition", "\"A condition that has changed since previously reported shall have the same code according to FFB ... the last asserted date must be set to the date of the update.\"")],
        summary: "a re-assessed condition keeps its FFB code and sets its last-asserted date (conditionLastAssertedDate) to the report's day",
        readings: &[],
    },
    AuditRule {
        id: AuditRuleId::ProtoNewGathering.as_str(),
        family: Proto,
        severity: Error,
        source: &[
            ig("Information Gathering", "\"A new information gathering is reported as a new InformationGathering resource with a new id.\"; always so when the granted ydelser, målgrupper or tilbudstype change"),
            ig("Care Plan", "\"Changes in the care plan caused by a new information gathering must be reproted as a new care plan (with a new id).\""),
        ],
        summary: "a care plan keeps its målgrupper and tilbud under its id (a changed grant is a new care plan)",
        readings: &[reading(
            "an intervention keeps its ydelse under its id",
            "the IG says an intervention represents one type of social care, not that a changed ydelse needs a new id",
        )],
    },
    AuditRule {
        id: AuditRuleId::ProtoEnded.as_str(),
        family: Proto,
        severity: Error,
        source: &[ig("Reporting", "\"Note, that the snapshot of the current information contains information about the hole day ...\": an intervention that ended during the day is reported with its end date")],
        summary: "an intervention's end date is carried by a report of that day (end dates after the stream's last report are not yet due)",
        readings: &[],
    },
    AuditRule {
        id: AuditRuleId::ProtoGoalContext.as_str(),
        family: Proto,
        severity: Error,
        source: &[ig("Intervention Goal", "\"All changes to the goals since the last reporting must be included in a new report, including the referenced conditions ...\"")],
        summary: "a goal is reported with the conditions it addresses",
        readings: &[],
    },
    AuditRule {
        id: AuditRuleId::DstScope.as_str(),
        family: Dst,
        severity: Error,
        source: &[seed("Gældende indberetningskrav - Ydelser, tilbud og målgrupper (FFB)", "\"Obs FFB gælder kun ydelser efter § 82 a-d, 85, 103-104, 107-108 (SEL) og 105 (ABL)\"")],
        summary: "every reported ydelse is an FFB ydelse whose legal basis (the catalog's, else the nearest ancestor's) lies within Serviceloven §§ 82 a-d, 85, 103, 104, 107, 108 or Almenboligloven § 105; codes whose basis the catalog does not state are not judged on it",
        readings: &[reading("every reported tilbud is an FFB tilbud whose legal basis lies within that scope", "the seed limits ydelser, not tilbud")],
    },
    AuditRule {
        id: AuditRuleId::DstTriple.as_str(),
        family: Dst,
        severity: Error,
        source: &[seed("Gældende indberetningskrav - Ydelser, tilbud og målgrupper (FFB)", "\"Ydelser m. startdato fra 1. januar 2025 skal have en FFB-ydelse, -målgruppe, -tilbud\"")],
        summary: "a ydelse starting on or after 2025-01-01 has a ydelse code and a care plan with an FFB målgruppe and a tilbud",
        readings: &[],
    },
    AuditRule {
        id: AuditRuleId::DstFf.as_str(),
        family: Dst,
        severity: Error,
        source: &[seed("Gældende indberetningskrav - Funktioner og forhold (F&F)", "\"Krav: Alle borgere der modtager FFB-ydelser/tilbud skal have mindst ét (F&F) tema\", at undertema level, with the date of registration")],
        summary: "a citizen with FFB ydelser (from 2025-01-01) has a dated Funktioner og forhold theme at undertema level",
        readings: &[],
    },
    AuditRule {
        id: AuditRuleId::DstAd.as_str(),
        family: Dst,
        severity: Error,
        source: &[
            seed("Gældende indberetningskrav - Aktivitets- og deltagelsestema (A&D)", "\"Krav: Alle borgere der modtager FFB-ydelser/tilbud skal have mindst ét (A&D) tema\", at undertema level, with its date"),
            ig("Condition", "\"Conditions under \"Aktivitet og deltagelse\" must also contain the severity ...\" (the funktionsevnevurdering)"),
        ],
        summary: "a citizen with FFB ydelser (from 2025-01-01) has an Aktivitet og deltagelse theme at undertema level; each is dated and scored",
        readings: &[reading(
            "\"Ikke vurderet\" is not an assessment: a citizen whose A&D themes are all scored \"Ikke vurderet\"",
            "the IG's funktionsevneniveau value set holds \"Ikke vurderet\", and the seed does not say it does not count",
        )],
    },
    AuditRule {
        id: AuditRuleId::DstAdIndsats.as_str(),
        family: Dst,
        severity: Interpretation,
        source: &[seed("Gældende indberetningskrav - Aktivitets- og deltagelsestema (A&D)", "\"Kun A&D-temaer, der indgår i den sociale indsats ...\": only A&D themes worked with in the social intervention are registered")],
        summary: "every current Aktivitet og deltagelse theme of a citizen with FFB ydelser (from 2025-01-01) is one the intervention works with: a goal addresses it, or a care plan does (addresses)",
        readings: &[],
    },
    AuditRule {
        id: AuditRuleId::DstStoette.as_str(),
        family: Dst,
        severity: Error,
        source: &[seed(
            "Gældende indberetningskrav - Støttebehovsvurderinger",
            "\"Krav: Alle FFB-modtagere skal have oplyst mindst ét støttebehov\"; \"Kravet gælder indberetning af støttebehov ved opfølgning, også selvom ... uændret. Dato angives også ved opfølgning\"; the støttebehov are intet, let, moderat, højt and fuldstændigt (Figur 5.4)",
        )],
        summary: "a citizen with FFB ydelser (from 2025-01-01) has a dated støttebehov assessment other than \"Ikke vurderet\" (not a støttebehov), and one dated the day of every follow-up",
        readings: &[reading(
            "at a follow-up, the støttebehov assessment of its day belongs to the care plan followed up (one the care plan holds, activity.outcomeReference, in any version reported)",
            "the seed requires a dated støttebehov at every follow-up but does not say whose; the IG makes the støttebehov part of the care plan and a follow-up one of a care plan (FollowUp.focus)",
        )],
    },
    AuditRule {
        id: AuditRuleId::DstMaaltype.as_str(),
        family: Dst,
        severity: Error,
        source: &[seed("Gældende indberetningskrav - Måltype", "\"Krav: Alle FFB-modtagere skal have oplyst mindst en måltype\", tied to an A&D theme worked with in the social intervention")],
        summary: "a citizen with FFB ydelser (from 2025-01-01) has a goal with a måltype addressing an Aktivitet og deltagelse theme",
        readings: &[],
    },
];

/// The rule with this id.
pub fn rule(id: &str) -> Option<&'static AuditRule> {
    RULES.iter().find(|r| r.id == id)
}

/// The ids of [`RULES`], in order.
pub fn rule_ids() -> impl Iterator<Item = &'static str> {
    RULES.iter().map(|r| r.id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_rule_is_cited_once_and_named_by_its_family() {
        let mut ids: Vec<&str> = rule_ids().collect();
        assert_eq!(ids.len(), 16);
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), RULES.len(), "duplicate id");
        for r in RULES {
            assert!(r.id.starts_with(r.family.as_str()), "{}", r.id);
            assert!(!r.source.is_empty() && r.source.iter().all(|s| !s.sentence.is_empty() && !s.section.is_empty()), "{}", r.id);
            let dst = r.family == Family::Dst;
            assert!(!dst || r.source.iter().any(|s| s.document == Document::Seed002), "{}: a DST rule rests on seed 002", r.id);
            assert!(dst || r.source.iter().all(|s| s.document == Document::IgIndex), "{}: a PROTO rule rests on the IG's text", r.id);
        }
        assert_eq!(rule("PROTO-DAILY").map(|r| r.severity), Some(Severity::Error));
        assert_eq!(
            rule("DST-AD-INDSATS").map(|r| r.severity),
            Some(Severity::Interpretation),
            "ffbkit's reading of \"Kun A&D-temaer ...\""
        );
        assert!(rule("GW-REF").is_none());
    }

    #[test]
    fn the_typed_ids_index_the_table() {
        assert_eq!(AuditRuleId::ALL.len(), RULES.len());
        for (i, id) in AuditRuleId::ALL.iter().enumerate() {
            assert_eq!(*id as usize, i);
            assert_eq!(id.rule().id, id.as_str());
            assert_eq!(id.as_str().parse::<AuditRuleId>(), Ok(*id));
        }
        assert!("GW-REF".parse::<AuditRuleId>().is_err());
    }
}
