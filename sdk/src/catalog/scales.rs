//! The FFB scales that carry a number: funktionsevneniveau (the funktionsevnescore 0-4)
//! and støttebehov (0-4), each with an *ikke vurderet* value that has no number.

use super::codes::{Funktionsevneniveau, Stoettebehov};

impl Funktionsevneniveau {
    /// The funktionsevnescore: 0 ingen, 1 let, 2 moderat, 3 svært, 4 fuldstændig nedsat
    /// funktionsevne; `None` for *ikke vurderet*.
    ///
    /// ```
    /// use ffbkit_sdk::catalog::codes::Funktionsevneniveau;
    /// assert_eq!(Funktionsevneniveau::SvaertNedsatFunktionsevne.score(), Some(3));
    /// assert_eq!(Funktionsevneniveau::from_score(1), Some(Funktionsevneniveau::LetNedsatFunktionsevne));
    /// assert_eq!(Funktionsevneniveau::IkkeVurderet.score(), None);
    /// ```
    pub const fn score(self) -> Option<u8> {
        match self {
            Funktionsevneniveau::IngenNedsatFunktionsevne => Some(0),
            Funktionsevneniveau::LetNedsatFunktionsevne => Some(1),
            Funktionsevneniveau::ModeratNedsatFunktionsevne => Some(2),
            Funktionsevneniveau::SvaertNedsatFunktionsevne => Some(3),
            Funktionsevneniveau::FuldstaendigNedsatFunktionsevne => Some(4),
            Funktionsevneniveau::IkkeVurderet => None,
        }
    }

    /// The level for a funktionsevnescore 0-4; `None` outside the scale.
    pub const fn from_score(score: u8) -> Option<Self> {
        Some(match score {
            0 => Funktionsevneniveau::IngenNedsatFunktionsevne,
            1 => Funktionsevneniveau::LetNedsatFunktionsevne,
            2 => Funktionsevneniveau::ModeratNedsatFunktionsevne,
            3 => Funktionsevneniveau::SvaertNedsatFunktionsevne,
            4 => Funktionsevneniveau::FuldstaendigNedsatFunktionsevne,
            _ => return None,
        })
    }
}

impl Stoettebehov {
    /// The støttebehov as a number: 0 intet, 1 let, 2 moderat, 3 højt, 4 fuldstændigt;
    /// `None` for *ikke vurderet*.
    ///
    /// ```
    /// use ffbkit_sdk::catalog::codes::Stoettebehov;
    /// assert_eq!(Stoettebehov::HoejtStoettebehov.level(), Some(3));
    /// assert_eq!(Stoettebehov::from_level(0), Some(Stoettebehov::IntetStoettebehov));
    /// ```
    pub const fn level(self) -> Option<u8> {
        match self {
            Stoettebehov::IntetStoettebehov => Some(0),
            Stoettebehov::LetStoettebehov => Some(1),
            Stoettebehov::ModeratStoettebehov => Some(2),
            Stoettebehov::HoejtStoettebehov => Some(3),
            Stoettebehov::FuldstaendigtStoettebehov => Some(4),
            Stoettebehov::IkkeVurderet => None,
        }
    }

    /// The støttebehov for a number 0-4; `None` outside the scale.
    pub const fn from_level(level: u8) -> Option<Self> {
        Some(match level {
            0 => Stoettebehov::IntetStoettebehov,
            1 => Stoettebehov::LetStoettebehov,
            2 => Stoettebehov::ModeratStoettebehov,
            3 => Stoettebehov::HoejtStoettebehov,
            4 => Stoettebehov::FuldstaendigtStoettebehov,
            _ => return None,
        })
    }
}
