//! How CPR numbers appear in the tables: masked (`010181-****`, the default), a salted
//! pseudonym (for linking across datasets read with the same salt), or in clear when asked.
//! Masking and the pseudonym are the SDK's ([`ffbkit_sdk::cpr`]), the same as the
//! receiver's citizen keys.

use crate::table::Cell;
use std::sync::Arc;

/// The CPR mode.
#[derive(Clone, Debug)]
pub enum CprMode {
    /// `010181-****`.
    Masked,
    /// [`ffbkit_sdk::cpr::pseudonym`] under this salt.
    Pseudonym(Vec<u8>),
    /// As written in the report.
    Clear,
}

impl CprMode {
    /// Parse the Python argument.
    pub fn parse(mode: &str, salt: Option<Vec<u8>>) -> Result<CprMode, String> {
        match (mode, salt) {
            ("masked", _) => Ok(CprMode::Masked),
            ("clear", _) => Ok(CprMode::Clear),
            ("pseudonym", Some(salt)) if !salt.is_empty() => Ok(CprMode::Pseudonym(salt)),
            ("pseudonym", _) => Err("cpr=\"pseudonym\" needs a non-empty salt".into()),
            (other, _) => Err(format!("cpr must be \"masked\", \"pseudonym\" or \"clear\", not {other:?}")),
        }
    }

    /// The citizen as shown.
    pub fn show(&self, cpr: Option<&str>) -> Cell {
        let Some(cpr) = cpr else { return Cell::Null };
        Cell::Shared(Arc::from(self.text(cpr)))
    }

    /// The citizen as text.
    pub fn text(&self, cpr: &str) -> String {
        match self {
            CprMode::Masked => ffbkit_sdk::cpr::mask(cpr),
            CprMode::Clear => cpr.to_string(),
            CprMode::Pseudonym(salt) => ffbkit_sdk::cpr::pseudonym(salt, cpr),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn modes() {
        assert_eq!(CprMode::Masked.text("0101814321"), "010181-****");
        assert_eq!(CprMode::Clear.text("0101814321"), "0101814321");
        let a = CprMode::parse("pseudonym", Some(b"salt".to_vec())).unwrap();
        let b = CprMode::parse("pseudonym", Some(b"other".to_vec())).unwrap();
        assert_eq!(a.text("0101814321").len(), ffbkit_sdk::cpr::PSEUDONYM_LEN);
        assert_eq!(a.text("0101814321"), a.text("0101814321"));
        assert_ne!(a.text("0101814321"), b.text("0101814321"));
        assert!(CprMode::parse("pseudonym", None).is_err());
        assert!(CprMode::parse("plain", None).is_err());
    }
}
