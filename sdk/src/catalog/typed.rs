//! The [`FfbCode`] trait shared by the generated code enums, and the macro that defines them.

use super::concept::{CodeSystemId, Kind};

/// A typed catalog code: an enum whose variants are the concepts of one kind.
///
/// ```
/// use ffbkit_sdk::catalog::{FfbCode, codes::Ydelse};
/// let y = Ydelse::StoetteTilDagligeOpgaverIHjemmet;
/// assert_eq!(y.code(), "638f44df-6bf2-47f8-9935-b8fdc83e5bf5");
/// assert_eq!(y.term(), "Støtte til daglige opgaver i hjemmet");
/// assert_eq!(Ydelse::from_code(y.code()), Some(y));
/// ```
pub trait FfbCode: Copy + Eq + std::hash::Hash + std::fmt::Debug + 'static {
    /// The kind of every variant.
    const KIND: Kind;
    /// The code system of every variant.
    const SYSTEM: CodeSystemId;
    /// Every variant, in catalog order.
    fn all() -> &'static [Self];
    /// The code (UUID).
    fn code(self) -> &'static str;
    /// The official term.
    fn term(self) -> &'static str;
    /// The variant for a code, if the code is of this kind.
    fn from_code(code: &str) -> Option<Self>;
}

/// Defines a code enum with its [`FfbCode`] impl, `Display` (the term) and serde as the code.
#[macro_export]
#[doc(hidden)]
macro_rules! ffb_code_enum {
    (
        $(#[$meta:meta])*
        $name:ident, $kind:expr, $system:expr,
        [ $( ($variant:ident, $code:literal, $term:literal) ),* $(,)? ]
    ) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name {
            $(
                #[doc = concat!($term, " (`", $code, "`)")]
                $variant,
            )*
        }

        impl $name {
            /// Every variant, in catalog order.
            pub const ALL: &'static [$name] = &[$($name::$variant),*];

            /// The code (UUID).
            pub const fn code(self) -> &'static str {
                match self { $($name::$variant => $code,)* }
            }

            /// The official term.
            pub const fn term(self) -> &'static str {
                match self { $($name::$variant => $term,)* }
            }

            /// The variant for a code, if the code is of this kind.
            pub fn from_code(code: &str) -> Option<Self> {
                match code { $($code => Some($name::$variant),)* _ => None }
            }
        }

        impl $crate::catalog::FfbCode for $name {
            const KIND: $crate::catalog::Kind = $kind;
            const SYSTEM: $crate::catalog::CodeSystemId = $system;
            fn all() -> &'static [Self] { Self::ALL }
            fn code(self) -> &'static str { $name::code(self) }
            fn term(self) -> &'static str { $name::term(self) }
            fn from_code(code: &str) -> Option<Self> { $name::from_code(code) }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.term())
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = $crate::catalog::UnknownCode;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Self::from_code(s).ok_or_else(|| $crate::catalog::UnknownCode {
                    code: s.to_string(),
                    kind: $kind,
                })
            }
        }

        $crate::serde_as_code!($name);
    };
}

/// A code that is not a concept of the expected kind.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{code} is not a {} code of the catalog", kind.danish())]
pub struct UnknownCode {
    /// The code given.
    pub code: String,
    /// The kind that was expected.
    pub kind: Kind,
}

/// Serialises a code type as its code and reads it back through its `FromStr` (the code
/// enums of [`ffb_code_enum!`] and the unions of `catalog::union`).
#[macro_export]
#[doc(hidden)]
macro_rules! serde_as_code {
    ($name:ident) => {
        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.code())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = <::std::borrow::Cow<'de, str> as ::serde::Deserialize>::deserialize(d)?;
                s.parse().map_err(::serde::de::Error::custom)
            }
        }
    };
}
