//! Typed codes of the value sets that span several concept kinds: [`Tema`] (an FFB
//! theme, `KLConditionCodesFFB`) and [`MaalgruppeEllerTema`] (`KLConditionsAndTargetGroupsFFB`).
//! The generated wire types (`generated::model`) use them for those bindings.
//!
//! ```
//! use ffbkit_sdk::catalog::codes::{AdTema, Maalgruppe, MaalgruppeEllerTema, Tema};
//! let spise = Tema::from(AdTema::Spise);
//! assert_eq!(Tema::from_code(spise.code()), Some(spise));
//! assert_eq!(serde_json::to_value(spise).unwrap(), AdTema::Spise.code());
//! let angst: MaalgruppeEllerTema = Maalgruppe::Angst.into();
//! assert_eq!(angst.term(), Maalgruppe::Angst.term());
//! ```

use super::codes::{AdTema, FfTema, Maalgruppe, Omgivelse};
use super::{Kind, UnknownCode};

/// Defines a union of code enums: `code`, `term`, `from_code` (first kind that has the
/// code), `From` each part, `Display` (the term), `FromStr` and serde as the code.
macro_rules! code_union {
    ($(#[$meta:meta])* $name:ident, $kind:expr, [$( $(#[$vmeta:meta])* $variant:ident($ty:ty) ),* $(,)?]) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name {
            $( $(#[$vmeta])* $variant($ty), )*
        }

        impl $name {
            /// The code (UUID).
            pub fn code(self) -> &'static str {
                match self { $( $name::$variant(c) => c.code(), )* }
            }

            /// The official term.
            pub fn term(self) -> &'static str {
                match self { $( $name::$variant(c) => c.term(), )* }
            }

            /// The code as a value of this union, if one of its kinds has it.
            pub fn from_code(code: &str) -> Option<Self> {
                $( if let Some(c) = <$ty>::from_code(code) { return Some($name::$variant(c)); } )*
                None
            }
        }

        $(
            impl From<$ty> for $name {
                fn from(c: $ty) -> Self {
                    $name::$variant(c)
                }
            }
        )*

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.term())
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = UnknownCode;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Self::from_code(s).ok_or_else(|| UnknownCode { code: s.to_string(), kind: $kind })
            }
        }

        $crate::serde_as_code!($name);
    };
}

code_union! {
    /// An FFB theme of any of the three kinds (the codes of `KLConditionCodesFFB` are of
    /// these kinds; membership, i.e. undertema level, is the validator's and the domain's
    /// check). Unknown codes are reported as not being an A&D theme.
    Tema, Kind::AktivitetOgDeltagelse, [
        /// A *Funktioner og forhold* theme.
        FunktionerOgForhold(FfTema),
        /// An *Aktivitet og deltagelse* theme.
        AktivitetOgDeltagelse(AdTema),
        /// An *Omgivelser* theme.
        Omgivelser(Omgivelse),
    ]
}

code_union! {
    /// The code of a target group Condition: a målgruppe, or (the IG's binding
    /// `KLConditionsAndTargetGroupsFFB` allows it) an FFB theme. Unknown codes are reported
    /// as not being a målgruppe.
    MaalgruppeEllerTema, Kind::Maalgruppe, [
        /// A målgruppe.
        Maalgruppe(Maalgruppe),
        /// An FFB theme.
        Theme(Tema),
    ]
}

impl From<FfTema> for MaalgruppeEllerTema {
    fn from(c: FfTema) -> Self {
        MaalgruppeEllerTema::Theme(c.into())
    }
}

impl From<AdTema> for MaalgruppeEllerTema {
    fn from(c: AdTema) -> Self {
        MaalgruppeEllerTema::Theme(c.into())
    }
}

impl From<Omgivelse> for MaalgruppeEllerTema {
    fn from(c: Omgivelse) -> Self {
        MaalgruppeEllerTema::Theme(c.into())
    }
}
