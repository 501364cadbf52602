//! How CPR numbers appear in the tables: masked (`010181-****`, the default), a salted
//! pseudonym (for linking across datasets read with the same salt), or in clear when asked.
//! Masking and the pseudonym are [`crate::cpr`]'s, the same as the receiver's citizen keys.

use super::table::Cell;
use std::sync::Arc;

/// How CPR numbers appear in a [`Dataset`](super::Dataset)'s tables.
///
/// ```
/// use ffbkit_sdk::dataset::CprMode;
/// assert_eq!(CprMode::Masked.show("0101814321"), "010181-****");
/// let salted = CprMode::parse("pseudonym", Some(b"a secret".to_vec())).unwrap();
/// assert_eq!(salted.show("0101814321").len(), ffbkit_sdk::cpr::PSEUDONYM_LEN);
/// assert!(CprMode::parse("pseudonym", None).is_err());
/// ```
#[derive(Clone, Default, PartialEq, Eq)]
pub enum CprMode {
    /// `010181-****` ([`crate::cpr::mask`]): the default.
    #[default]
    Masked,
    /// [`crate::cpr::pseudonym`] under this salt (never empty when made by
    /// [`CprMode::parse`] or [`CprMode::pseudonym`]).
    Pseudonym(Vec<u8>),
    /// As written in the report.
    Clear,
}

/// Why a CPR mode was refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CprModeError {
    /// Not one of `masked`, `pseudonym`, `clear`.
    #[error("cpr must be \"masked\", \"pseudonym\" or \"clear\", not {0:?}")]
    UnknownMode(String),
    /// `pseudonym` without a salt, or with an empty one.
    #[error("cpr=\"pseudonym\" needs a non-empty salt")]
    MissingSalt,
}

impl std::fmt::Debug for CprMode {
    /// The salt is a secret: never printed.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CprMode::Masked => f.write_str("Masked"),
            CprMode::Pseudonym(_) => f.write_str("Pseudonym(<salt>)"),
            CprMode::Clear => f.write_str("Clear"),
        }
    }
}

impl CprMode {
    /// The mode named `mode` (`masked`, `pseudonym`, `clear`, as the Python package's
    /// `cpr=` argument); `salt` is needed, and non-empty, for `pseudonym`.
    ///
    /// ```
    /// use ffbkit_sdk::dataset::{CprMode, CprModeError};
    /// assert_eq!(CprMode::parse("clear", None), Ok(CprMode::Clear));
    /// assert_eq!(CprMode::parse("plain", None), Err(CprModeError::UnknownMode("plain".into())));
    /// ```
    pub fn parse(mode: &str, salt: Option<Vec<u8>>) -> Result<CprMode, CprModeError> {
        match mode {
            "masked" => Ok(CprMode::Masked),
            "clear" => Ok(CprMode::Clear),
            "pseudonym" => CprMode::pseudonym(salt.unwrap_or_default()),
            other => Err(CprModeError::UnknownMode(other.to_string())),
        }
    }

    /// Pseudonyms under `salt`, which must not be empty.
    ///
    /// ```
    /// use ffbkit_sdk::dataset::CprMode;
    /// assert!(CprMode::pseudonym(b"salt".to_vec()).is_ok());
    /// assert!(CprMode::pseudonym(Vec::new()).is_err());
    /// ```
    pub fn pseudonym(salt: Vec<u8>) -> Result<CprMode, CprModeError> {
        if salt.is_empty() {
            return Err(CprModeError::MissingSalt);
        }
        Ok(CprMode::Pseudonym(salt))
    }

    /// The mode's name, as [`CprMode::parse`] takes it.
    ///
    /// ```
    /// assert_eq!(ffbkit_sdk::dataset::CprMode::Masked.name(), "masked");
    /// ```
    pub fn name(&self) -> &'static str {
        match self {
            CprMode::Masked => "masked",
            CprMode::Pseudonym(_) => "pseudonym",
            CprMode::Clear => "clear",
        }
    }

    /// A CPR number as it appears in the tables under this mode.
    ///
    /// ```
    /// use ffbkit_sdk::dataset::CprMode;
    /// assert_eq!(CprMode::Clear.show("0101814321"), "0101814321");
    /// ```
    pub fn show(&self, cpr: &str) -> String {
        match self {
            CprMode::Masked => crate::cpr::mask(cpr),
            CprMode::Clear => cpr.to_string(),
            CprMode::Pseudonym(salt) => crate::cpr::pseudonym(salt, cpr),
        }
    }

    /// Free text (a Bundle id, a message) as it appears under this mode: a CPR number in it
    /// masked ([`crate::cpr::mask_in_text`]) unless the mode is clear.
    ///
    /// ```
    /// use ffbkit_sdk::dataset::CprMode;
    /// assert_eq!(CprMode::Masked.text("id 010181 4321"), "id 010181-****");
    /// ```
    pub fn text(&self, text: &str) -> String {
        match self {
            CprMode::Clear => text.to_string(),
            _ => crate::cpr::mask_in_text(text),
        }
    }

    /// The citizen's cell (null when the report names none).
    pub(crate) fn cell(&self, cpr: Option<&str>) -> Cell {
        let Some(cpr) = cpr else { return Cell::Null };
        Cell::Shared(Arc::from(self.show(cpr)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn modes() {
        assert_eq!(CprMode::Masked.show("0101814321"), "010181-****");
        assert_eq!(CprMode::Clear.show("0101814321"), "0101814321");
        let a = CprMode::parse("pseudonym", Some(b"salt".to_vec())).unwrap();
        let b = CprMode::parse("pseudonym", Some(b"other".to_vec())).unwrap();
        assert_eq!(a.show("0101814321").len(), crate::cpr::PSEUDONYM_LEN);
        assert_eq!(a.show("0101814321"), a.show("0101814321"));
        assert_ne!(a.show("0101814321"), b.show("0101814321"));
        assert_eq!(CprMode::parse("pseudonym", None), Err(CprModeError::MissingSalt));
        assert_eq!(CprMode::parse("pseudonym", Some(Vec::new())), Err(CprModeError::MissingSalt));
        assert!(matches!(CprMode::parse("plain", None), Err(CprModeError::UnknownMode(m)) if m == "plain"));
        assert!(!format!("{a:?}").contains("salt\""), "the salt is not printed");
    }
}
