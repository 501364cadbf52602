//! One concept of the catalog: code, official term, parent, kind, level and legal basis.

use serde::{Deserialize, Serialize};

/// FHIR canonical URL of the FFB CodeSystem (Fælles Faglige Begreber).
pub const FFB_SYSTEM: &str = "urn:oid:1.2.208.176.2.22";
/// FHIR canonical URL of KL's CareSocialCodes CodeSystem (administrative codes).
pub const KL_CARE_SOCIAL_SYSTEM: &str = "http://fhir.kl.dk/term/CodeSystem/CareSocialCodes";

/// The code system a concept belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum CodeSystemId {
    /// FFB, `urn:oid:1.2.208.176.2.22`.
    #[serde(rename = "FFB")]
    Ffb,
    /// KL CareSocialCodes, `http://fhir.kl.dk/term/CodeSystem/CareSocialCodes`.
    #[serde(rename = "KL")]
    KlCareSocial,
}

impl CodeSystemId {
    /// The FHIR `system` URL of this code system.
    pub fn url(self) -> &'static str {
        match self {
            CodeSystemId::Ffb => FFB_SYSTEM,
            CodeSystemId::KlCareSocial => KL_CARE_SOCIAL_SYSTEM,
        }
    }

    /// Short label: `FFB` or `KL`.
    pub fn label(self) -> &'static str {
        match self {
            CodeSystemId::Ffb => "FFB",
            CodeSystemId::KlCareSocial => "KL",
        }
    }

    /// The code system for a FHIR `system` URL, if it is one of the two the catalog holds.
    pub fn from_url(url: &str) -> Option<Self> {
        match url {
            FFB_SYSTEM => Some(CodeSystemId::Ffb),
            KL_CARE_SOCIAL_SYSTEM => Some(CodeSystemId::KlCareSocial),
            _ => None,
        }
    }
}

/// What a concept is in FFB terms.
///
/// Every concept below one of the FFB branches (ydelser, tilbud, målgrupper, the three
/// theme areas, and the scales) carries the kind of its branch, the branch's own top
/// concept included.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    /// A service granted to the citizen (*ydelse*), below "Ydelse".
    Ydelse,
    /// A type of provider (*tilbud*), below "Tilbud".
    Tilbud,
    /// A target group (*målgruppe*), below "Målgruppe".
    #[serde(rename = "maalgruppe")]
    Maalgruppe,
    /// A *Funktioner og forhold* theme (body functions, health, social circumstances).
    #[serde(rename = "ff-tema")]
    FunktionerOgForhold,
    /// An *Aktivitet og deltagelse* theme; these carry a funktionsevneniveau.
    #[serde(rename = "ad-tema")]
    AktivitetOgDeltagelse,
    /// An environmental factor (*omgivelser*).
    #[serde(rename = "omgivelse")]
    Omgivelser,
    /// A level of functioning (*funktionsevneniveau*, the funktionsevnescore 0-4).
    Funktionsevneniveau,
    /// A level of support need (*støttebehov*).
    #[serde(rename = "stoettebehov")]
    Stoettebehov,
    /// A goal type (*måltype*).
    #[serde(rename = "maaltype")]
    Maaltype,
    /// A follow-up result (*status på indsats*).
    #[serde(rename = "opfoelgningsresultat")]
    Opfoelgningsresultat,
    /// A grouping concept above the branches ("Social indsats", "FFB tilstande").
    #[serde(rename = "gruppering")]
    Gruppering,
    /// An administrative code of KL CareSocialCodes.
    #[serde(rename = "kl")]
    KlCode,
}

impl Kind {
    /// All kinds, in catalog order.
    pub const ALL: [Kind; 12] = [
        Kind::Ydelse,
        Kind::Tilbud,
        Kind::Maalgruppe,
        Kind::FunktionerOgForhold,
        Kind::AktivitetOgDeltagelse,
        Kind::Omgivelser,
        Kind::Funktionsevneniveau,
        Kind::Stoettebehov,
        Kind::Maaltype,
        Kind::Opfoelgningsresultat,
        Kind::Gruppering,
        Kind::KlCode,
    ];

    /// The wire name used in the catalog file and on the command line (`ydelse`, `ad-tema`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Ydelse => "ydelse",
            Kind::Tilbud => "tilbud",
            Kind::Maalgruppe => "maalgruppe",
            Kind::FunktionerOgForhold => "ff-tema",
            Kind::AktivitetOgDeltagelse => "ad-tema",
            Kind::Omgivelser => "omgivelse",
            Kind::Funktionsevneniveau => "funktionsevneniveau",
            Kind::Stoettebehov => "stoettebehov",
            Kind::Maaltype => "maaltype",
            Kind::Opfoelgningsresultat => "opfoelgningsresultat",
            Kind::Gruppering => "gruppering",
            Kind::KlCode => "kl",
        }
    }

    /// The Danish name of the kind, for people.
    pub fn danish(self) -> &'static str {
        match self {
            Kind::Ydelse => "ydelse",
            Kind::Tilbud => "tilbud",
            Kind::Maalgruppe => "målgruppe",
            Kind::FunktionerOgForhold => "funktioner og forhold",
            Kind::AktivitetOgDeltagelse => "aktivitet og deltagelse",
            Kind::Omgivelser => "omgivelser",
            Kind::Funktionsevneniveau => "funktionsevneniveau",
            Kind::Stoettebehov => "støttebehov",
            Kind::Maaltype => "måltype",
            Kind::Opfoelgningsresultat => "opfølgningsresultat",
            Kind::Gruppering => "gruppering",
            Kind::KlCode => "KL-kode",
        }
    }

    /// Parse a wire name (`ydelse`, `ad-tema`, ...); the Danish spelling (`målgruppe`) is accepted too.
    pub fn parse(s: &str) -> Option<Kind> {
        let n = crate::catalog::search::normalize(s);
        Kind::ALL
            .into_iter()
            .find(|k| crate::catalog::search::normalize(k.as_str()) == n || crate::catalog::search::normalize(k.danish()) == n)
    }

    /// True for the three theme kinds (F&F, A&D, omgivelser).
    pub fn is_theme(self) -> bool {
        matches!(self, Kind::FunktionerOgForhold | Kind::AktivitetOgDeltagelse | Kind::Omgivelser)
    }
}

impl std::fmt::Display for Kind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where a theme sits in the theme hierarchy.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    /// The area: Funktioner og forhold, Aktivitet og deltagelse, Omgivelsesfaktorer.
    #[serde(rename = "omraade")]
    Omraade,
    /// A theme, e.g. "Mentale funktioner", "Egenomsorg".
    Tema,
    /// A sub-theme, the level DST requires: e.g. "Hukommelse", "Spise".
    Undertema,
}

impl Level {
    /// The Danish name (`område`, `tema`, `undertema`).
    pub fn danish(self) -> &'static str {
        match self {
            Level::Omraade => "område",
            Level::Tema => "tema",
            Level::Undertema => "undertema",
        }
    }
}

/// One concept of the catalog.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Concept {
    /// The code system.
    pub system: CodeSystemId,
    /// The code (a UUID in FFB and CareSocialCodes).
    pub code: String,
    /// The official Danish term (the CodeSystem's `display`).
    pub term: String,
    /// The parent's code, `None` at a root.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<String>,
    /// The kind of concept.
    pub kind: Kind,
    /// The theme level, for themes only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub level: Option<Level>,
    /// Legal basis named by the official definition, e.g. `Serviceloven § 85`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub legal_basis: Vec<String>,
}
