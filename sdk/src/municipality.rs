//! The 98 Danish municipalities (kommuner), and a user's mapping from the KOMBIT STS
//! organisation ids that reports carry to their kommunekode.
//!
//! The register ([`all`], [`by_code`]) is `schemas/municipalities.csv`, embedded: kommunekode
//! (3 digits, as Danmarks Statistik gives them in its classification "Amter og kommuner,
//! v4:2007", KOMMUNER: the 98 municipalities of the structural reform in effect from
//! 2007-01-01), name (as DST writes it, without "Kommune") and region. Public facts, named
//! with their source in the file.
//!
//! A report names its municipality by the STS organisation id of the citizen's
//! `managingOrganization` ([`crate::report::municipality_of_patient`]), not by kommunekode;
//! which id is which municipality is not public data here, so a user may supply it as a
//! CSV file, `sts_uuid,kommunekode` per line ([`StsMapping::parse`], [`StsMapping::read`]).
//!
//! ```
//! use ffbkit_sdk::municipality::{by_code, StsMapping};
//! assert_eq!(by_code("751").unwrap().name, "Aarhus");
//! let m = StsMapping::parse("sts_uuid,kommunekode\n5f4a4c7e-0000-4000-8000-000000000101,101\n").unwrap();
//! assert_eq!(m.get("5F4A4C7E-0000-4000-8000-000000000101").unwrap().name, "København");
//! ```

use std::collections::HashMap;
use std::path::Path;
use std::sync::OnceLock;

/// The register as embedded: `schemas/municipalities.csv` (comment lines start with `#`).
pub const REGISTER_CSV: &str = include_str!("../../schemas/municipalities.csv");

/// How many municipalities Denmark has (since 2007-01-01), and the register holds.
pub const COUNT: usize = 98;

/// One municipality of the register.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize)]
pub struct Municipality {
    /// Kommunekode, 3 digits as DST gives it (`"101"` København).
    pub code: &'static str,
    /// Name as DST writes it, without "Kommune" (`"København"`).
    pub name: &'static str,
    /// The region (`"Region Hovedstaden"`).
    pub region: &'static str,
}

/// The 98 municipalities, in the order of the register file (by region, then code).
pub fn all() -> &'static [Municipality] {
    static REGISTER: OnceLock<Vec<Municipality>> = OnceLock::new();
    REGISTER.get_or_init(|| {
        REGISTER_CSV
            .lines()
            .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
            .skip(1) // header
            .filter_map(|l| {
                let mut f = l.split(',');
                Some(Municipality { code: f.next()?.trim(), name: f.next()?.trim(), region: f.next()?.trim() })
            })
            .collect()
    })
}

/// A kommunekode as DST writes it (3 digits): `"101"`, also from the 4-digit form with a
/// leading zero that CPR and DAGI use (`"0101"`). `None` when it is not such a code.
pub fn normalize_code(code: &str) -> Option<&str> {
    let c = code.trim();
    let c = if c.len() == 4 { c.strip_prefix('0')? } else { c };
    (c.len() == 3 && c.bytes().all(|b| b.is_ascii_digit())).then_some(c)
}

/// The municipality with this kommunekode (`"101"` or `"0101"`).
pub fn by_code(code: &str) -> Option<&'static Municipality> {
    let c = normalize_code(code)?;
    all().iter().find(|m| m.code == c)
}

/// A line of a mapping file that cannot be used, or the file itself.
#[derive(Debug, thiserror::Error)]
pub enum MappingError {
    /// The file cannot be read.
    #[error("cannot read {path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// A line is not `sts_uuid,kommunekode`.
    #[error("line {line}: {reason}")]
    BadLine {
        /// 1-based line number.
        line: usize,
        /// What is wrong.
        reason: String,
    },
    /// A kommunekode that is none of the 98 municipalities.
    #[error("line {line}: kommunekode {code:?} is none of the 98 municipalities")]
    UnknownCode {
        /// 1-based line number.
        line: usize,
        /// The code as written.
        code: String,
    },
    /// An STS organisation id mapped twice.
    #[error("line {line}: STS organisation {uuid} is mapped already on line {first}")]
    DuplicateUuid {
        /// 1-based line number.
        line: usize,
        /// The id (lower case).
        uuid: String,
        /// The line that mapped it first.
        first: usize,
    },
}

/// A user's mapping from KOMBIT STS organisation id to municipality. Several ids may name
/// one municipality (their figures are added up); an id names one municipality.
#[derive(Clone, Debug, Default)]
pub struct StsMapping {
    /// Lower-case UUID -> (municipality, line).
    by_uuid: HashMap<String, (&'static Municipality, usize)>,
}

impl StsMapping {
    /// Parse a CSV text: one `sts_uuid,kommunekode` per line; an optional header line
    /// `sts_uuid,kommunekode`; blank lines and lines starting with `#` are skipped. UUIDs
    /// in any case; kommunekode in 3 digits or 4 with a leading zero.
    pub fn parse(text: &str) -> Result<StsMapping, MappingError> {
        let mut by_uuid = HashMap::new();
        let mut header_allowed = true;
        for (i, raw) in text.lines().enumerate() {
            let line = i + 1;
            let l = raw.trim().trim_start_matches('\u{feff}');
            if l.is_empty() || l.starts_with('#') {
                continue;
            }
            let fields: Vec<&str> = l.split(',').map(|f| f.trim().trim_matches('"').trim()).collect();
            if std::mem::take(&mut header_allowed) && fields.first().is_some_and(|f| f.eq_ignore_ascii_case("sts_uuid")) {
                continue;
            }
            let [uuid, code] = fields[..] else {
                return Err(MappingError::BadLine { line, reason: format!("{} field(s), expected 2: sts_uuid,kommunekode", fields.len()) });
            };
            let uuid = uuid.to_ascii_lowercase();
            if !crate::ids::is_uuid(&uuid) {
                return Err(MappingError::BadLine { line, reason: format!("{uuid:?} is not a UUID (an STS organisation id)") });
            }
            if normalize_code(code).is_none() {
                return Err(MappingError::BadLine { line, reason: format!("{code:?} is not a kommunekode (3 digits)") });
            }
            let m = by_code(code).ok_or_else(|| MappingError::UnknownCode { line, code: code.to_string() })?;
            if let Some((_, first)) = by_uuid.get(&uuid) {
                return Err(MappingError::DuplicateUuid { line, uuid, first: *first });
            }
            by_uuid.insert(uuid, (m, line));
        }
        Ok(StsMapping { by_uuid })
    }

    /// Read and parse a mapping file (see [`StsMapping::parse`]).
    pub fn read(path: &Path) -> Result<StsMapping, MappingError> {
        let text = std::fs::read_to_string(path).map_err(|source| MappingError::Io { path: path.display().to_string(), source })?;
        StsMapping::parse(&text)
    }

    /// A mapping from (STS organisation id, kommunekode) pairs made in code (e.g. by a
    /// generator of synthetic data), checked as a file is: the first bad pair is the error,
    /// its "line" the pair's 1-based position.
    pub fn from_pairs<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Result<StsMapping, MappingError> {
        let text: String = pairs.into_iter().map(|(u, c)| format!("{u},{c}\n")).collect();
        StsMapping::parse(&text)
    }

    /// The mapping as a file [`StsMapping::parse`] reads back: a header, then one
    /// `sts_uuid,kommunekode` line per id, sorted by kommunekode, then id.
    pub fn to_csv(&self) -> String {
        let mut rows: Vec<(&str, &str)> = self.by_uuid.iter().map(|(u, (m, _))| (m.code, u.as_str())).collect();
        rows.sort_unstable();
        let mut out = String::from("sts_uuid,kommunekode\n");
        for (code, uuid) in rows {
            out.push_str(&format!("{uuid},{code}\n"));
        }
        out
    }

    /// The municipality of an STS organisation id (any case).
    pub fn get(&self, sts_uuid: &str) -> Option<&'static Municipality> {
        self.by_uuid.get(&sts_uuid.trim().to_ascii_lowercase()).map(|(m, _)| *m)
    }

    /// How many ids the mapping names.
    pub fn len(&self) -> usize {
        self.by_uuid.len()
    }

    /// Whether it names none.
    pub fn is_empty(&self) -> bool {
        self.by_uuid.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn the_register_holds_the_98_municipalities_with_dst_codes() {
        let ms = all();
        assert_eq!(ms.len(), COUNT);
        assert_eq!(ms.iter().map(|m| m.code).collect::<HashSet<_>>().len(), COUNT, "codes unique");
        assert_eq!(ms.iter().map(|m| m.name).collect::<HashSet<_>>().len(), COUNT, "names unique");
        assert!(ms.iter().all(|m| normalize_code(m.code) == Some(m.code)), "3 digits");
        for (code, name) in [
            ("101", "København"),
            ("147", "Frederiksberg"),
            ("400", "Bornholm"),
            ("461", "Odense"),
            ("751", "Aarhus"),
            ("851", "Aalborg"),
            // The seats of the five regions.
            ("219", "Hillerød"),
            ("340", "Sorø"),
            ("630", "Vejle"),
            ("791", "Viborg"),
        ] {
            assert_eq!(by_code(code).map(|m| m.name), Some(name), "{code}");
        }
        let regions: HashSet<_> = ms.iter().map(|m| m.region).collect();
        assert_eq!(regions.len(), 5, "{regions:?}");
        for (region, n) in [
            ("Region Hovedstaden", 29),
            ("Region Sjælland", 17),
            ("Region Syddanmark", 22),
            ("Region Midtjylland", 19),
            ("Region Nordjylland", 11),
        ] {
            assert_eq!(ms.iter().filter(|m| m.region == region).count(), n, "{region}");
        }
        assert_eq!(by_code("0101").map(|m| m.code), Some("101"), "4-digit form");
        assert!(by_code("411").is_none(), "Christiansø is no municipality");
    }

    const A: &str = "5f4a4c7e-0000-4000-8000-000000000101";
    const B: &str = "5f4a4c7e-0000-4000-8000-000000000751";

    #[test]
    fn a_mapping_file_maps_sts_ids_to_municipalities() {
        let text = format!("# mine\nsts_uuid,kommunekode\n{},0101\n\n{B},751\r\n", A.to_uppercase());
        let m = StsMapping::parse(&text).unwrap();
        assert_eq!(m.len(), 2);
        assert_eq!(m.get(A).map(|m| m.name), Some("København"));
        assert_eq!(m.get(B).map(|m| m.code), Some("751"));
        assert!(m.get("00000000-0000-4000-8000-000000000000").is_none());
    }

    #[test]
    fn a_mapping_made_in_code_is_written_and_read_back() {
        let m = StsMapping::from_pairs([(B, "751"), (A, "0101")]).unwrap();
        let text = m.to_csv();
        assert_eq!(text, format!("sts_uuid,kommunekode\n{A},101\n{B},751\n"));
        let back = StsMapping::parse(&text).unwrap();
        assert_eq!(back.get(B).map(|m| m.name), Some("Aarhus"));
        let e = StsMapping::from_pairs([(A, "101"), (B, "411")]).unwrap_err();
        assert!(matches!(e, MappingError::UnknownCode { line: 2, .. }), "{e}");
    }

    #[test]
    fn bad_mapping_lines_are_typed_errors_with_their_line() {
        let e = StsMapping::parse(&format!("sts_uuid,kommunekode\n{A},101\n{B}\n")).unwrap_err();
        assert!(matches!(e, MappingError::BadLine { line: 3, .. }), "{e}");
        let e = StsMapping::parse("not-a-uuid,101\n").unwrap_err();
        assert!(matches!(e, MappingError::BadLine { line: 1, .. }), "{e}");
        let e = StsMapping::parse(&format!("{A},1O1\n")).unwrap_err();
        assert!(matches!(e, MappingError::BadLine { line: 1, .. }), "{e}");
        let e = StsMapping::parse(&format!("{A},101\n{B},999\n")).unwrap_err();
        assert!(matches!(&e, MappingError::UnknownCode { line: 2, code } if code == "999"), "{e}");
        let e = StsMapping::parse(&format!("{A},101\n# x\n{},147\n", A.to_uppercase())).unwrap_err();
        assert!(matches!(&e, MappingError::DuplicateUuid { line: 3, first: 1, uuid } if uuid == A), "{e}");
        assert!(e.to_string().starts_with("line 3: "), "{e}");
        let e = StsMapping::read(Path::new("/nonexistent/mapping.csv")).unwrap_err();
        assert!(matches!(e, MappingError::Io { .. }), "{e}");
    }
}
