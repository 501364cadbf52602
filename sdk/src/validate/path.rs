//! Paths into a report: the steps to a value while it is checked ([`Seg`], kept borrowed
//! and turned into text only when a finding is recorded), their JSON Pointer ([`render`],
//! [`pointer_segment`], [`unescape_segment`]) and the FHIRPath-style location a finding
//! shows ([`fhirpath_location`]). The schema checks, the semantic checks, the reference
//! walk of [`crate::report`] and the diagnostics all use these; there is no other.

use std::borrow::Cow;
use std::fmt::Write;

/// Room for the path to a value (and the named schema nodes on the way) at the depth most
/// resources have: no regrowth while checking (the schema checks and the reference walk).
pub(crate) const PATH_DEPTH: usize = 12;

/// One step of the path to a value being checked: kept as borrowed keys and indices, and
/// turned into a JSON Pointer only when an error is recorded.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Seg<'v> {
    /// A member name.
    Key(&'v str),
    /// An array index.
    Index(usize),
}

/// The JSON Pointer of a path.
pub(crate) fn render(path: &[Seg<'_>]) -> String {
    let mut out = String::new();
    for seg in path {
        match seg {
            Seg::Key(k) => {
                out.push('/');
                out.push_str(&pointer_segment(k));
            }
            Seg::Index(i) => {
                let _ = write!(out, "/{i}");
            }
        }
    }
    out
}

/// Escape one JSON Pointer segment (`~` as `~0`, `/` as `~1`).
///
/// ```
/// use ffbkit_sdk::validate::pointer_segment;
/// assert_eq!(pointer_segment("a/b~c"), "a~1b~0c");
/// assert_eq!(pointer_segment("severity"), "severity");
/// ```
pub fn pointer_segment(key: &str) -> Cow<'_, str> {
    if key.bytes().any(|b| b == b'~' || b == b'/') {
        key.replace('~', "~0").replace('/', "~1").into()
    } else {
        key.into()
    }
}

/// The member name or index of one escaped JSON Pointer segment (the inverse of
/// [`pointer_segment`]).
pub(crate) fn unescape_segment(seg: &str) -> Cow<'_, str> {
    if seg.contains('~') {
        seg.replace("~1", "/").replace("~0", "~").into()
    } else {
        seg.into()
    }
}

/// Convert a JSON Pointer into a FHIRPath-style location rooted at `root`.
///
/// ```
/// use ffbkit_sdk::validate::fhirpath_location;
/// assert_eq!(fhirpath_location("Bundle", "/entry/3/resource/severity"), "Bundle.entry[3].resource.severity");
/// assert_eq!(fhirpath_location("Bundle", ""), "Bundle");
/// ```
pub fn fhirpath_location(root: &str, pointer: &str) -> String {
    let mut out = String::from(root);
    for seg in pointer.split('/').skip(1) {
        let seg = unescape_segment(seg);
        if !seg.is_empty() && seg.bytes().all(|b| b.is_ascii_digit()) {
            out.push('[');
            out.push_str(&seg);
            out.push(']');
        } else {
            out.push('.');
            out.push_str(&seg);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pointers_round_trip_and_render() {
        for key in ["plain", "a/b", "~x", "~1/~0"] {
            assert_eq!(unescape_segment(&pointer_segment(key)), key);
        }
        let path = [Seg::Key("entry"), Seg::Index(3), Seg::Key("a/b")];
        assert_eq!(render(&path), "/entry/3/a~1b");
        assert_eq!(fhirpath_location("Bundle", &render(&path)), "Bundle.entry[3].a/b");
    }
}
