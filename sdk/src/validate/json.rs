//! The document tree the validator works on: like `serde_json::Value`, but every node lives
//! in an [`Arena`] and is `Copy`, strings and keys borrow from the input where they can,
//! and objects are slices of members in input order (no hashing).
//!
//! A tree is built by a hand-written parser (module `fast`) that accepts only what it is sure
//! serde_json accepts the same way; anything else (malformed input, lone surrogates,
//! numbers serde_json turns into floats, nesting near the limit) is handed to serde_json
//! (module `reference`), which then gives the tree or its exact error. So errors, line and
//! column are serde_json's, and a test checks that both parsers build equal trees.

mod fast;
mod reference;

use serde_json::Value;
use std::fmt;

/// Memory for parsed trees: nodes are bump-allocated and freed all at once when the arena
/// is dropped or reset, so a report's tree costs a handful of allocations, not hundreds.
#[derive(Default)]
pub struct Arena(bumpalo::Bump);

impl Arena {
    /// An empty arena.
    pub fn new() -> Arena {
        Arena(bumpalo::Bump::new())
    }
    /// An arena with room for about `bytes` bytes of nodes before it grows.
    pub fn with_capacity(bytes: usize) -> Arena {
        Arena(bumpalo::Bump::with_capacity(bytes))
    }
    /// An arena sized for the tree of a report of `len` bytes.
    pub fn for_report(len: usize) -> Arena {
        Arena::with_capacity(len.saturating_mul(2).min(64 << 20))
    }
    /// Bytes taken from the allocator so far.
    pub fn allocated_bytes(&self) -> usize {
        self.0.allocated_bytes()
    }
    /// Free every tree at once, keeping the largest chunk for reuse.
    pub fn reset(&mut self) {
        self.0.reset();
    }
    pub(crate) fn alloc_str<'a>(&'a self, s: &str) -> &'a str {
        self.0.alloc_str(s)
    }
    pub(crate) fn alloc_slice<'a, T: Copy>(&'a self, items: &[T]) -> &'a [T] {
        if items.is_empty() {
            return &[];
        }
        self.0.alloc_slice_copy(items)
    }
}

/// Arenas above this size are not kept for reuse (a rare huge report should not pin its
/// memory to a thread).
const KEEP_ARENA: usize = 8 << 20;

thread_local! {
    static SPARE: std::cell::RefCell<Arena> = std::cell::RefCell::new(Arena::new());
}

/// Run `f` with this thread's spare arena, emptied; the arena is kept for the next call, so
/// that parsing report after report reuses the same memory instead of fresh pages.
///
/// ```
/// use ffbkit_sdk::validate::{json, source};
/// let n = json::with_arena(|arena| {
///     let (v, _) = source::parse(b"[1, 2, 3]", arena, &source::Limits::default()).unwrap();
///     v.as_array().map_or(0, <[_]>::len)
/// });
/// assert_eq!(n, 3);
/// ```
pub fn with_arena<R>(f: impl FnOnce(&Arena) -> R) -> R {
    let mut arena = SPARE.with(|s| s.take());
    arena.reset();
    let r = f(&arena);
    if arena.allocated_bytes() <= KEEP_ARENA {
        SPARE.with(|s| s.replace(arena));
    }
    r
}

impl fmt::Debug for Arena {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Arena").field("allocated_bytes", &self.allocated_bytes()).finish()
    }
}

/// A JSON number, as serde_json reads it: a non-negative integer that fits `u64`, a
/// negative one that fits `i64`, or else a float.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Number {
    /// A non-negative integer.
    PosInt(u64),
    /// A negative integer.
    NegInt(i64),
    /// Any other number.
    Float(f64),
}

impl Number {
    /// The number as i64, if it is an integer that fits.
    pub fn as_i64(self) -> Option<i64> {
        match self {
            Number::PosInt(n) => i64::try_from(n).ok(),
            Number::NegInt(n) => Some(n),
            Number::Float(_) => None,
        }
    }
    /// The number as u64, if it is a non-negative integer.
    pub fn as_u64(self) -> Option<u64> {
        match self {
            Number::PosInt(n) => Some(n),
            _ => None,
        }
    }
    /// The number as f64 (always `Some`, as in serde_json).
    pub fn as_f64(self) -> Option<f64> {
        Some(match self {
            Number::PosInt(n) => n as f64,
            Number::NegInt(n) => n as f64,
            Number::Float(f) => f,
        })
    }
    /// True when it is an integer that fits i64.
    pub fn is_i64(self) -> bool {
        self.as_i64().is_some()
    }
    /// True when it is a non-negative integer.
    pub fn is_u64(self) -> bool {
        matches!(self, Number::PosInt(_))
    }
    /// The same number as a `serde_json::Number` (`None` for a non-finite float, which no
    /// parse produces).
    pub fn to_serde(self) -> Option<serde_json::Number> {
        match self {
            Number::PosInt(n) => Some(n.into()),
            Number::NegInt(n) => Some(n.into()),
            Number::Float(f) => serde_json::Number::from_f64(f),
        }
    }
    /// The number serde_json holds.
    pub fn from_serde(n: &serde_json::Number) -> Number {
        if let Some(u) = n.as_u64() {
            Number::PosInt(u)
        } else if let Some(i) = n.as_i64() {
            Number::NegInt(i)
        } else {
            Number::Float(n.as_f64().unwrap_or(f64::NAN))
        }
    }
    /// True when this equals `other`, exactly for integers, else by value.
    pub fn same_as(self, other: &serde_json::Number) -> bool {
        let exact = match self {
            Number::PosInt(n) => other.as_u64() == Some(n),
            Number::NegInt(n) => other.as_i64() == Some(n),
            Number::Float(f) => other.as_f64() == Some(f),
        };
        exact || self.as_f64() == other.as_f64()
    }
}

impl fmt::Display for Number {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.to_serde() {
            Some(n) => n.fmt(f),
            None => f.write_str("null"),
        }
    }
}

/// A JSON value in an [`Arena`].
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Json<'a> {
    /// `null`
    Null,
    /// `true` / `false`
    Bool(bool),
    /// A number.
    Number(Number),
    /// A string (unescaped).
    String(&'a str),
    /// An array.
    Array(&'a [Json<'a>]),
    /// An object, members in input order.
    Object(Obj<'a>),
}

/// A JSON object: its members in input order and, when the fast parser read it, the exact
/// text it was read from (so that a check can recognise an object it has seen before).
#[derive(Clone, Copy, Debug)]
pub struct Obj<'a>(&'a ObjData<'a>);

#[derive(Clone, Copy, Debug)]
struct ObjData<'a> {
    members: &'a [(&'a str, Json<'a>)],
    /// The object's source text, `{` to `}`; empty when it was not parsed from text.
    text: &'a str,
    /// False only when it is known that no member named `reference` occurs in the object or
    /// below it.
    reference_below: bool,
}

static NO_MEMBERS: ObjData<'static> = ObjData { members: &[], text: "", reference_below: false };

impl Default for Obj<'_> {
    fn default() -> Self {
        Obj(&NO_MEMBERS)
    }
}

/// Objects are equal when their members are (wherever they were read from).
impl PartialEq for Obj<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.0.members == other.0.members
    }
}

impl<'a> Obj<'a> {
    /// An object of `members` in `arena`, read from `text` (`""` when not from text), that
    /// may hold a `reference` member at some depth (`reference_below`; true when unknown).
    pub(crate) fn new(arena: &'a Arena, members: &[(&'a str, Json<'a>)], text: &'a str, reference_below: bool) -> Obj<'a> {
        if members.is_empty() && text.is_empty() {
            return Obj::default();
        }
        Obj(arena.0.alloc(ObjData { members: arena.alloc_slice(members), text, reference_below }))
    }
    /// False when no member named `reference` (a FHIR Reference's) occurs in this object
    /// or below it; true when one does or when that is not known (the object was not read
    /// by the fast parser). Lets a search for references skip whole subtrees.
    pub fn may_hold_reference(&self) -> bool {
        self.0.reference_below
    }
    /// The text the object was parsed from, `{` to `}`, if it is known.
    pub fn text(&self) -> Option<&'a str> {
        Some(self.0.text).filter(|t| !t.is_empty())
    }
    /// The member named `key` (the last one, as JSON parsers keep, if it is duplicated).
    pub fn get(&self, key: &str) -> Option<&'a Json<'a>> {
        // Length and first byte first: most members differ there, without a memcmp call.
        let want = key.as_bytes();
        let first = want.first().copied();
        self.0
            .members
            .iter()
            .rev()
            .find(|(k, _)| {
                let k = k.as_bytes();
                k.len() == want.len() && k.first().copied() == first && k == want
            })
            .map(|(_, v)| v)
    }
    /// True when a member is named `key`.
    pub fn contains_key(&self, key: &str) -> bool {
        self.0.members.iter().any(|(k, _)| *k == key)
    }
    /// Members in input order.
    pub fn iter(&self) -> impl Iterator<Item = (&'a str, &'a Json<'a>)> {
        self.0.members.iter().map(|(k, v)| (*k, v))
    }
    /// Member names in input order.
    pub fn keys(&self) -> impl Iterator<Item = &'a str> {
        self.0.members.iter().map(|(k, _)| *k)
    }
    /// Number of members.
    pub fn len(&self) -> usize {
        self.0.members.len()
    }
    /// True without members.
    pub fn is_empty(&self) -> bool {
        self.0.members.is_empty()
    }
}

/// What [`Json::get`] accepts: a member name or an array index.
pub trait JsonIndex {
    /// The value this index selects in `v`.
    fn select<'j, 'a>(&self, v: &'j Json<'a>) -> Option<&'j Json<'a>>;
}

impl JsonIndex for str {
    fn select<'j, 'a>(&self, v: &'j Json<'a>) -> Option<&'j Json<'a>> {
        match v {
            Json::Object(o) => o.get(self),
            _ => None,
        }
    }
}

impl JsonIndex for &str {
    fn select<'j, 'a>(&self, v: &'j Json<'a>) -> Option<&'j Json<'a>> {
        (**self).select(v)
    }
}

impl JsonIndex for usize {
    fn select<'j, 'a>(&self, v: &'j Json<'a>) -> Option<&'j Json<'a>> {
        match v {
            Json::Array(a) => a.get(*self),
            _ => None,
        }
    }
}

impl<'a> Json<'a> {
    /// A member or item.
    pub fn get<I: JsonIndex>(&self, i: I) -> Option<&Json<'a>> {
        i.select(self)
    }
    /// The string, if this is one.
    pub fn as_str(&self) -> Option<&'a str> {
        match self {
            Json::String(s) => Some(s),
            _ => None,
        }
    }
    /// The items, if this is an array.
    pub fn as_array(&self) -> Option<&'a [Json<'a>]> {
        match self {
            Json::Array(a) => Some(a),
            _ => None,
        }
    }
    /// The members, if this is an object.
    pub fn as_object(&self) -> Option<&Obj<'a>> {
        match self {
            Json::Object(o) => Some(o),
            _ => None,
        }
    }
    /// The number as i64, if it is an integer that fits.
    pub fn as_i64(&self) -> Option<i64> {
        match self {
            Json::Number(n) => n.as_i64(),
            _ => None,
        }
    }
    /// The number as f64.
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Json::Number(n) => n.as_f64(),
            _ => None,
        }
    }
    /// True for an object.
    pub fn is_object(&self) -> bool {
        matches!(self, Json::Object(_))
    }
    /// True for an array.
    pub fn is_array(&self) -> bool {
        matches!(self, Json::Array(_))
    }
    /// True for a string.
    pub fn is_string(&self) -> bool {
        matches!(self, Json::String(_))
    }
    /// True for a number.
    pub fn is_number(&self) -> bool {
        matches!(self, Json::Number(_))
    }
    /// True for true/false.
    pub fn is_boolean(&self) -> bool {
        matches!(self, Json::Bool(_))
    }
    /// True for null.
    pub fn is_null(&self) -> bool {
        matches!(self, Json::Null)
    }
    /// True for an integer (also `2.0`).
    pub fn is_integer(&self) -> bool {
        match self {
            Json::Number(Number::Float(f)) => f.fract() == 0.0,
            Json::Number(_) => true,
            _ => false,
        }
    }

    /// The value at a JSON Pointer.
    pub fn pointer(&self, pointer: &str) -> Option<&Json<'a>> {
        if pointer.is_empty() {
            return Some(self);
        }
        let mut v = self;
        for seg in pointer.strip_prefix('/')?.split('/') {
            let seg = super::path::unescape_segment(seg);
            v = match v {
                Json::Object(o) => o.get(&seg)?,
                Json::Array(a) => a.get(seg.parse::<usize>().ok()?)?,
                _ => return None,
            };
        }
        Some(v)
    }

    /// True when this equals a `serde_json::Value` (numbers compared by value).
    pub fn same_as(&self, other: &Value) -> bool {
        match (self, other) {
            (Json::Null, Value::Null) => true,
            (Json::Bool(a), Value::Bool(b)) => a == b,
            (Json::Number(a), Value::Number(b)) => a.same_as(b),
            (Json::String(a), Value::String(b)) => a == b,
            (Json::Array(a), Value::Array(b)) => a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.same_as(y)),
            (Json::Object(a), Value::Object(b)) => a.len() == b.len() && a.iter().all(|(k, x)| b.get(k).is_some_and(|y| x.same_as(y))),
            _ => false,
        }
    }

    /// A `serde_json::Value` as a `Json` tree in `arena` (strings borrowed from `v`).
    pub fn from_value(v: &'a Value, arena: &'a Arena) -> Json<'a> {
        match v {
            Value::Null => Json::Null,
            Value::Bool(b) => Json::Bool(*b),
            Value::Number(n) => Json::Number(Number::from_serde(n)),
            Value::String(s) => Json::String(s),
            Value::Array(a) => {
                let items: Vec<Json<'a>> = a.iter().map(|x| Json::from_value(x, arena)).collect();
                Json::Array(arena.alloc_slice(&items))
            }
            Value::Object(o) => {
                let members: Vec<(&'a str, Json<'a>)> = o.iter().map(|(k, x)| (k.as_str(), Json::from_value(x, arena))).collect();
                Json::Object(Obj::new(arena, &members, "", true))
            }
        }
    }

    /// An owned `serde_json::Value` with the same content.
    pub fn to_value(&self) -> Value {
        match self {
            Json::Null => Value::Null,
            Json::Bool(b) => Value::Bool(*b),
            Json::Number(n) => n.to_serde().map_or(Value::Null, Value::Number),
            Json::String(s) => Value::String(s.to_string()),
            Json::Array(a) => Value::Array(a.iter().map(Json::to_value).collect()),
            Json::Object(o) => Value::Object(o.iter().map(|(k, v)| (k.to_string(), v.to_value())).collect()),
        }
    }
}

/// The longest string FHIR allows, in characters (FHIR R4 datatypes, `string`: 1024 * 1024).
pub const MAX_STRING_CHARS: usize = 1024 * 1024;

/// What a parse noticed besides the tree: both are rare, and the validator looks for the
/// places only when one is set, so a clean report is not walked again for them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Noticed {
    /// An object repeats a key.
    pub duplicate_keys: bool,
    /// A value FHIR's JSON representation may not allow occurs: `null`, an empty array, an
    /// empty object, an empty or white-space-only string; or the text is longer than
    /// [`MAX_STRING_CHARS`] bytes, so that a string might be. A hint, not a verdict: the
    /// validator's representation check decides.
    pub representation: bool,
}

/// True when a string value needs the representation check because it is empty or only
/// white space. Decided by one comparison of the first byte for nearly every string:
/// printable ASCII other than the blank starts no blank string. (Strings over FHIR's length
/// limit are noticed by the document's length, in [`from_slice`].)
#[inline(always)]
pub(crate) fn string_worth_a_look(s: &str) -> bool {
    match s.as_bytes().first() {
        Some(&c) if c.wrapping_sub(0x21) <= 0x7e - 0x21 => false,
        _ => blank(s),
    }
}

/// Empty or only white space (Unicode's), for the few strings that do not start with
/// printable ASCII.
#[inline(never)]
fn blank(s: &str) -> bool {
    s.trim_start().is_empty()
}

/// Parse JSON text into a tree in `arena`, recording in `noticed` what the validator must
/// look into (repeated keys, values FHIR's JSON representation may not allow).
///
/// Valid UTF-8 (nearly always) is checked once for the whole text and then parsed by the
/// fast parser; what it is not sure of, and text that is not UTF-8, goes to serde_json.
pub(crate) fn from_slice<'a>(bytes: &'a [u8], arena: &'a Arena, noticed: &mut Noticed) -> Result<Json<'a>, serde_json::Error> {
    // No string is longer than FHIR's limit unless the whole text is: then let the
    // representation check look (so the parsers test no string's length).
    let long = bytes.len() > MAX_STRING_CHARS;
    // The SIMD check's only answer is valid or not; serde_json says where it is not.
    let parsed = match simdutf8::basic::from_utf8(bytes) {
        Ok(text) => match fast::parse(text, arena) {
            Some((v, n)) => {
                *noticed = n;
                Ok(v)
            }
            None => reference::parse(serde_json::Deserializer::from_str(text), arena, noticed),
        },
        Err(_) => reference::parse(serde_json::Deserializer::from_slice(bytes), arena, noticed),
    };
    noticed.representation |= long;
    parsed
}

#[cfg(test)]
mod tests;
