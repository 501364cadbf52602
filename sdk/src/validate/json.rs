//! The document tree the validator works on: like `serde_json::Value`, but strings and
//! keys borrow from the input where they can, and objects are small vectors of members in
//! input order (no hashing). Parsing into it is about twice as fast as into a `Value`.

use serde::de::{DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Number, Value};
use std::borrow::Cow;
use std::cell::{Cell, RefCell};
use std::fmt;

/// A JSON value.
#[derive(Clone, Debug, PartialEq)]
pub enum Json<'a> {
    /// `null`
    Null,
    /// `true` / `false`
    Bool(bool),
    /// A number.
    Number(Number),
    /// A string.
    String(Cow<'a, str>),
    /// An array.
    Array(Vec<Json<'a>>),
    /// An object, members in input order.
    Object(Obj<'a>),
}

/// A JSON object: its members in input order.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Obj<'a>(pub Vec<(Cow<'a, str>, Json<'a>)>);

impl<'a> Obj<'a> {
    /// The member named `key` (the last one, as JSON parsers keep, if it is duplicated).
    pub fn get(&self, key: &str) -> Option<&Json<'a>> {
        // Length and first byte first: most members differ there, without a memcmp call.
        let want = key.as_bytes();
        let first = want.first().copied();
        self.0
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
        self.0.iter().any(|(k, _)| k == key)
    }
    /// Members in input order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &Json<'a>)> {
        self.0.iter().map(|(k, v)| (k.as_ref(), v))
    }
    /// Member names in input order.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.0.iter().map(|(k, _)| k.as_ref())
    }
    /// Number of members.
    pub fn len(&self) -> usize {
        self.0.len()
    }
    /// True without members.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
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
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Json::String(s) => Some(s),
            _ => None,
        }
    }
    /// The items, if this is an array.
    pub fn as_array(&self) -> Option<&Vec<Json<'a>>> {
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
            Json::Number(n) => n.is_i64() || n.is_u64() || n.as_f64().is_some_and(|f| f.fract() == 0.0),
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
            let seg: Cow<'_, str> = if seg.contains('~') { seg.replace("~1", "/").replace("~0", "~").into() } else { seg.into() };
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
            (Json::Number(a), Value::Number(b)) => a == b || a.as_f64() == b.as_f64(),
            (Json::String(a), Value::String(b)) => a == b,
            (Json::Array(a), Value::Array(b)) => a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.same_as(y)),
            (Json::Object(a), Value::Object(b)) => {
                a.len() == b.len() && a.iter().all(|(k, x)| b.get(k).is_some_and(|y| x.same_as(y)))
            }
            _ => false,
        }
    }

    /// Borrow a `serde_json::Value` as a `Json` tree.
    pub fn from_value(v: &'a Value) -> Json<'a> {
        match v {
            Value::Null => Json::Null,
            Value::Bool(b) => Json::Bool(*b),
            Value::Number(n) => Json::Number(n.clone()),
            Value::String(s) => Json::String(Cow::Borrowed(s)),
            Value::Array(a) => Json::Array(a.iter().map(Json::from_value).collect()),
            Value::Object(o) => Json::Object(Obj(o.iter().map(|(k, v)| (Cow::Borrowed(k.as_str()), Json::from_value(v))).collect())),
        }
    }

    /// An owned `serde_json::Value` with the same content.
    pub fn to_value(&self) -> Value {
        match self {
            Json::Null => Value::Null,
            Json::Bool(b) => Value::Bool(*b),
            Json::Number(n) => Value::Number(n.clone()),
            Json::String(s) => Value::String(s.to_string()),
            Json::Array(a) => Value::Array(a.iter().map(Json::to_value).collect()),
            Json::Object(o) => Value::Object(o.iter().map(|(k, v)| (k.to_string(), v.to_value())).collect()),
        }
    }
}

/// Parse JSON text into a borrowed tree; `dup` is set when an object repeats a key.
///
/// Members and items are gathered on two scratch stacks shared by the whole parse, so that
/// each object and array is allocated once, at its final size, when it is complete (rather
/// than grown member by member).
///
/// Valid UTF-8 (nearly always) is checked once for the whole text and then parsed as a
/// `str`, so that serde_json does not check every string again; other bytes are parsed
/// as bytes, for serde_json's own error and position.
pub(crate) fn from_slice<'de>(bytes: &'de [u8], dup: &mut bool) -> Result<Json<'de>, serde_json::Error> {
    match std::str::from_utf8(bytes) {
        Ok(text) => parse(serde_json::Deserializer::from_str(text), dup),
        Err(_) => parse(serde_json::Deserializer::from_slice(bytes), dup),
    }
}

fn parse<'de, R: serde_json::de::Read<'de>>(mut de: serde_json::Deserializer<R>, dup: &mut bool) -> Result<Json<'de>, serde_json::Error> {
    let scratch = Scratch { dup: Cell::new(false), members: RefCell::new(Vec::new()), items: RefCell::new(Vec::new()) };
    let v = Seed { scratch: &scratch }.deserialize(&mut de)?;
    de.end()?;
    *dup = scratch.dup.get();
    Ok(v)
}

/// State shared by the whole parse.
struct Scratch<'de> {
    /// Set when an object repeats a key.
    dup: Cell<bool>,
    /// Members of the objects being parsed, innermost last.
    members: RefCell<Vec<(Cow<'de, str>, Json<'de>)>>,
    /// Items of the arrays being parsed, innermost last.
    items: RefCell<Vec<Json<'de>>>,
}

/// Objects up to this size are checked for repeated keys by comparing; larger ones with a
/// set (no quadratic time on hostile input).
const DUP_SCAN: usize = 32;

struct Seed<'s, 'de> {
    scratch: &'s Scratch<'de>,
}

impl<'de> DeserializeSeed<'de> for Seed<'_, 'de> {
    type Value = Json<'de>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Json<'de>, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Seed<'_, 'de> {
    type Value = Json<'de>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_bool<E>(self, v: bool) -> Result<Json<'de>, E> {
        Ok(Json::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Json<'de>, E> {
        Ok(Json::Number(v.into()))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Json<'de>, E> {
        Ok(Json::Number(v.into()))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Json<'de>, E> {
        Ok(Number::from_f64(v).map_or(Json::Null, Json::Number))
    }
    fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Json<'de>, E> {
        Ok(Json::String(Cow::Borrowed(v)))
    }
    fn visit_str<E>(self, v: &str) -> Result<Json<'de>, E> {
        Ok(Json::String(Cow::Owned(v.to_owned())))
    }
    fn visit_string<E>(self, v: String) -> Result<Json<'de>, E> {
        Ok(Json::String(Cow::Owned(v)))
    }
    fn visit_unit<E>(self) -> Result<Json<'de>, E> {
        Ok(Json::Null)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Json<'de>, A::Error> {
        let start = self.scratch.items.borrow().len();
        while let Some(v) = seq.next_element_seed(Seed { scratch: self.scratch })? {
            self.scratch.items.borrow_mut().push(v);
        }
        let items: Vec<Json<'de>> = self.scratch.items.borrow_mut().drain(start..).collect();
        Ok(Json::Array(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Json<'de>, A::Error> {
        let scratch = self.scratch;
        let start = scratch.members.borrow().len();
        let mut seen: Option<std::collections::HashSet<String>> = None;
        while let Some(k) = map.next_key_seed(KeySeed)? {
            let v = map.next_value_seed(Seed { scratch })?;
            let mut members = scratch.members.borrow_mut();
            let n = members.len() - start;
            if !scratch.dup.get() {
                if n < DUP_SCAN {
                    if members[start..].iter().any(|(x, _)| *x == k) {
                        scratch.dup.set(true);
                    }
                } else {
                    let set = seen.get_or_insert_with(|| members[start..].iter().map(|(x, _)| x.to_string()).collect());
                    if !set.insert(k.to_string()) {
                        scratch.dup.set(true);
                    }
                }
            }
            members.push((k, v));
        }
        let members: Vec<(Cow<'de, str>, Json<'de>)> = scratch.members.borrow_mut().drain(start..).collect();
        Ok(Json::Object(Obj(members)))
    }
}

struct KeySeed;

impl<'de> DeserializeSeed<'de> for KeySeed {
    type Value = Cow<'de, str>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Cow<'de, str>, D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for KeySeed {
    type Value = Cow<'de, str>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a key")
    }
    fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Cow<'de, str>, E> {
        Ok(Cow::Borrowed(v))
    }
    fn visit_str<E>(self, v: &str) -> Result<Cow<'de, str>, E> {
        Ok(Cow::Owned(v.to_owned()))
    }
    fn visit_string<E>(self, v: String) -> Result<Cow<'de, str>, E> {
        Ok(Cow::Owned(v))
    }
}
