//! The reference parse: serde_json reads the text and builds the tree through a visitor.
//! Used for everything the fast parser is not sure of, and it is what that parser is
//! tested against.

use super::{string_worth_a_look, Arena, Json, Noticed, Number, Obj};
use serde::de::{DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use std::cell::{Cell, RefCell};
use std::fmt;

/// Parse with serde_json into `arena`, recording in `noticed` a repeated key and a value
/// FHIR's JSON representation may not allow (as the fast parser does).
pub(crate) fn parse<'a, R: serde_json::de::Read<'a>>(
    mut de: serde_json::Deserializer<R>,
    arena: &'a Arena,
    noticed: &mut Noticed,
) -> Result<Json<'a>, serde_json::Error> {
    let scratch =
        Scratch { arena, dup: Cell::new(false), odd: Cell::new(false), members: RefCell::new(Vec::new()), items: RefCell::new(Vec::new()) };
    let v = Seed { scratch: &scratch }.deserialize(&mut de)?;
    de.end()?;
    *noticed = Noticed { duplicate_keys: scratch.dup.get(), representation: scratch.odd.get() };
    Ok(v)
}

/// State shared by the whole parse.
struct Scratch<'a> {
    arena: &'a Arena,
    /// Set when an object repeats a key.
    dup: Cell<bool>,
    /// Set when a value FHIR's JSON representation may not allow was read.
    odd: Cell<bool>,
    /// Members of the objects being parsed, innermost last.
    members: RefCell<Vec<(&'a str, Json<'a>)>>,
    /// Items of the arrays being parsed, innermost last.
    items: RefCell<Vec<Json<'a>>>,
}

struct Seed<'s, 'a> {
    scratch: &'s Scratch<'a>,
}

impl Seed<'_, '_> {
    fn note_string(&self, s: &str) {
        if string_worth_a_look(s) {
            self.scratch.odd.set(true);
        }
    }
}

impl<'a> DeserializeSeed<'a> for Seed<'_, 'a> {
    type Value = Json<'a>;
    fn deserialize<D: Deserializer<'a>>(self, d: D) -> Result<Json<'a>, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'a> Visitor<'a> for Seed<'_, 'a> {
    type Value = Json<'a>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_bool<E>(self, v: bool) -> Result<Json<'a>, E> {
        Ok(Json::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Json<'a>, E> {
        Ok(Json::Number(if v >= 0 { Number::PosInt(v as u64) } else { Number::NegInt(v) }))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Json<'a>, E> {
        Ok(Json::Number(Number::PosInt(v)))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Json<'a>, E> {
        Ok(if v.is_finite() {
            Json::Number(Number::Float(v))
        } else {
            self.scratch.odd.set(true);
            Json::Null
        })
    }
    fn visit_borrowed_str<E>(self, v: &'a str) -> Result<Json<'a>, E> {
        self.note_string(v);
        Ok(Json::String(v))
    }
    fn visit_str<E>(self, v: &str) -> Result<Json<'a>, E> {
        self.note_string(v);
        Ok(Json::String(self.scratch.arena.alloc_str(v)))
    }
    fn visit_unit<E>(self) -> Result<Json<'a>, E> {
        self.scratch.odd.set(true);
        Ok(Json::Null)
    }
    fn visit_seq<A: SeqAccess<'a>>(self, mut seq: A) -> Result<Json<'a>, A::Error> {
        let start = self.scratch.items.borrow().len();
        while let Some(v) = seq.next_element_seed(Seed { scratch: self.scratch })? {
            self.scratch.items.borrow_mut().push(v);
        }
        let mut items = self.scratch.items.borrow_mut();
        if items.len() == start {
            self.scratch.odd.set(true);
        }
        let slice = self.scratch.arena.alloc_slice(&items[start..]);
        items.truncate(start);
        Ok(Json::Array(slice))
    }
    fn visit_map<A: MapAccess<'a>>(self, mut map: A) -> Result<Json<'a>, A::Error> {
        let scratch = self.scratch;
        let start = scratch.members.borrow().len();
        let mut seen = super::fast::DupCheck::default();
        while let Some(k) = map.next_key_seed(KeySeed { arena: scratch.arena })? {
            let v = map.next_value_seed(Seed { scratch })?;
            let mut members = scratch.members.borrow_mut();
            if !scratch.dup.get() && seen.repeats(&members[start..], k) {
                scratch.dup.set(true);
            }
            members.push((k, v));
        }
        let mut members = scratch.members.borrow_mut();
        if members.len() == start {
            scratch.odd.set(true);
        }
        let obj = Obj::new(scratch.arena, &members[start..], "", true);
        members.truncate(start);
        Ok(Json::Object(obj))
    }
}

struct KeySeed<'a> {
    arena: &'a Arena,
}

impl<'a> DeserializeSeed<'a> for KeySeed<'a> {
    type Value = &'a str;
    fn deserialize<D: Deserializer<'a>>(self, d: D) -> Result<&'a str, D::Error> {
        d.deserialize_str(self)
    }
}

impl<'a> Visitor<'a> for KeySeed<'a> {
    type Value = &'a str;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a key")
    }
    fn visit_borrowed_str<E>(self, v: &'a str) -> Result<&'a str, E> {
        Ok(v)
    }
    fn visit_str<E>(self, v: &str) -> Result<&'a str, E> {
        Ok(self.arena.alloc_str(v))
    }
}
