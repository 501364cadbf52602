//! A compiled form of the project's JSON Schemas (`schemas/fhir`), fast to check and
//! precise in what it reports.
//!
//! The schemas stay the source of truth; this module compiles the keyword subset they use
//! (draft-07: `type`, `properties`, `required`, `additionalProperties`, `items`,
//! `minItems`, `maxItems`, `contains`, `enum`, `const`, `pattern`, `minimum`, `maximum`,
//! `minLength`, `maxLength`, `$ref`, `anyOf`, `definitions`) and refuses any other keyword,
//! so a schema cannot silently use something the engine ignores. A test runs the
//! language-neutral cases of `fixtures/schema-cases` through both this engine and the
//! reference implementation `jsonschema`, and they must agree.

use super::json::Json;
use super::memo::{Memo, Probe};
use crate::rules::RuleId;
use serde_json::Value;
use std::cell::RefCell;
use std::collections::{HashMap, HashSet};

/// A fast hash for the short strings (codes, property names) looked up on every element;
/// no attacker chooses the keys of the compiled schemas.
type FastHash = rustc_hash::FxBuildHasher;

use super::path::{render, Seg, PATH_DEPTH};

/// The members that can single out a branch of an `anyOf`.
const ANY_OF_KEYS: [&str; 2] = ["url", "resourceType"];

/// Index of a compiled schema node.
pub type NodeId = usize;

/// The JSON types of the `type` keyword.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum JsonType {
    /// `object`
    Object,
    /// `array`
    Array,
    /// `string`
    String,
    /// `number`
    Number,
    /// `integer`
    Integer,
    /// `boolean`
    Boolean,
    /// `null`
    Null,
}

impl JsonType {
    fn parse(s: &str) -> Option<JsonType> {
        Some(match s {
            "object" => JsonType::Object,
            "array" => JsonType::Array,
            "string" => JsonType::String,
            "number" => JsonType::Number,
            "integer" => JsonType::Integer,
            "boolean" => JsonType::Boolean,
            "null" => JsonType::Null,
            _ => return None,
        })
    }

    fn matches(self, v: &Json<'_>) -> bool {
        match self {
            JsonType::Object => v.is_object(),
            JsonType::Array => v.is_array(),
            JsonType::String => v.is_string(),
            JsonType::Number => v.is_number(),
            JsonType::Integer => v.is_integer(),
            JsonType::Boolean => v.is_boolean(),
            JsonType::Null => v.is_null(),
        }
    }

    /// The keyword's name.
    pub fn name(self) -> &'static str {
        match self {
            JsonType::Object => "object",
            JsonType::Array => "array",
            JsonType::String => "string",
            JsonType::Number => "number",
            JsonType::Integer => "integer",
            JsonType::Boolean => "boolean",
            JsonType::Null => "null",
        }
    }
}

/// What `additionalProperties` allows.
#[derive(Clone, Debug)]
enum Additional {
    Allow,
    Deny,
    Schema(NodeId),
}

/// A node's `properties` by name: an open-addressing table keyed by a hash of a name's
/// length and three of its bytes (cheaper than hashing the whole name, and the names of
/// one object rarely share all four), each hit confirmed by comparing the name.
#[derive(Clone, Debug, Default)]
struct PropertyTable {
    /// Index + 1 into `entries`; 0 is an empty slot.
    slots: Box<[u16]>,
    /// Name, schema, and whether `required` lists it.
    entries: Vec<(Box<str>, NodeId, bool)>,
}

impl PropertyTable {
    fn new<'a>(properties: impl Iterator<Item = (&'a str, NodeId, bool)>) -> PropertyTable {
        let entries: Vec<(Box<str>, NodeId, bool)> = properties.map(|(k, id, req)| (Box::from(k), id, req)).collect();
        if entries.is_empty() {
            return PropertyTable::default();
        }
        let size = (entries.len() * 2).next_power_of_two().max(8);
        let mut slots = vec![0u16; size].into_boxed_slice();
        for (i, (k, _, _)) in entries.iter().enumerate() {
            let mut at = Self::slot(k.as_bytes()) & (size - 1);
            while slots[at] != 0 {
                at = (at + 1) & (size - 1);
            }
            // A schema with more than 65,535 properties in one object is not one of ours.
            slots[at] = u16::try_from(i + 1).expect("fewer than 65,535 properties");
        }
        PropertyTable { slots, entries }
    }

    #[inline]
    fn slot(k: &[u8]) -> usize {
        let n = k.len();
        match n {
            0 => 0,
            _ => n.wrapping_mul(0x9E37) ^ (usize::from(k[0]) << 5) ^ usize::from(k[n - 1]) ^ (usize::from(k[n / 2]) << 9),
        }
    }

    /// True when the node names no properties.
    fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The schema of a property and whether it is required.
    #[inline]
    fn get(&self, name: &str) -> Option<(NodeId, bool)> {
        let mask = self.slots.len().checked_sub(1)?;
        let mut at = Self::slot(name.as_bytes()) & mask;
        loop {
            let (k, id, req) = self.entries.get(usize::from(self.slots[at]).checked_sub(1)?)?;
            if **k == *name {
                return Some((*id, *req));
            }
            at = (at + 1) & mask;
        }
    }
}

/// For one discriminating key of an `anyOf`: each branch with the constant it requires.
type Discriminator = Option<Vec<(NodeId, Value)>>;

/// One compiled schema.
#[derive(Clone, Debug)]
pub struct Node {
    types: Vec<JsonType>,
    properties: Vec<(String, NodeId)>,
    property_index: PropertyTable,
    required: Vec<String>,
    additional: Additional,
    items: Option<NodeId>,
    min_items: Option<usize>,
    max_items: Option<usize>,
    contains: Option<NodeId>,
    string_enum: Option<HashSet<String, FastHash>>,
    other_enum: Option<Vec<Value>>,
    constant: Option<Value>,
    pattern: Option<super::pattern::Pattern>,
    minimum: Option<f64>,
    maximum: Option<f64>,
    min_length: Option<usize>,
    max_length: Option<usize>,
    reference: Option<NodeId>,
    any_of: Vec<NodeId>,
    /// For `anyOf`: per discriminating key (`url`, `resourceType`), each branch with the
    /// constant it requires, when every branch has one. Worked out on first use.
    discriminators: std::sync::OnceLock<[Discriminator; 2]>,
    /// A FHIR date, dateTime or instant: its day must exist in the calendar.
    calendar: bool,
    /// The rule a value checked against this node (or below it) falls under, when it is
    /// not the rule of the violated keyword ([`SchemaSet::set_rule`]).
    rule: Option<RuleId>,
    /// True when the node has a name or a rule: a check keeps it on its path (`via`) so
    /// that an error below it can name it. Worked out once, read on every node checked.
    on_path: bool,
    /// Name of the definition this node is (e.g. `dateTime`, `KLSeveritiesFFB`), if any.
    pub name: Option<String>,
    /// The file the node comes from.
    pub file: String,
    /// The schema's `description`, if any.
    pub description: Option<String>,
}

impl Node {
    /// The schema of a named property.
    fn property(&self, name: &str) -> Option<NodeId> {
        self.property_index.get(name).map(|(id, _)| id)
    }

    fn empty(file: &str) -> Node {
        Node {
            types: Vec::new(),
            properties: Vec::new(),
            property_index: PropertyTable::default(),
            required: Vec::new(),
            additional: Additional::Allow,
            items: None,
            min_items: None,
            max_items: None,
            contains: None,
            string_enum: None,
            other_enum: None,
            constant: None,
            pattern: None,
            minimum: None,
            maximum: None,
            min_length: None,
            max_length: None,
            reference: None,
            any_of: Vec::new(),
            discriminators: std::sync::OnceLock::new(),
            calendar: false,
            rule: None,
            on_path: false,
            name: None,
            file: file.to_string(),
            description: None,
        }
    }
}

/// What a failed keyword says.
#[derive(Clone, Debug, PartialEq)]
pub enum Violation {
    /// Wrong JSON type; the allowed types.
    Type(Vec<JsonType>),
    /// A required member is missing.
    Required(String),
    /// A member the schema does not allow.
    NotAllowed(String),
    /// Too few items.
    MinItems(usize),
    /// Too many items.
    MaxItems(usize),
    /// No item matches `contains`; the description of what was looked for.
    Contains(Option<String>),
    /// Value not in the enum; the allowed values (strings), and the value set name.
    Enum(Vec<String>, Option<String>),
    /// Value differs from the const.
    Const(Value),
    /// String does not match the pattern of the named format.
    Pattern(String, Option<String>),
    /// Number below minimum.
    Minimum(f64),
    /// Number above maximum.
    Maximum(f64),
    /// String too short.
    MinLength(usize),
    /// String too long.
    MaxLength(usize),
    /// A date in the right format for a day that does not exist (2025-02-30).
    NoSuchDay,
    /// No `anyOf` branch matches and none could be singled out (e.g. an unknown extension).
    NoBranch(Vec<String>),
}

/// A raw schema error: where and what.
#[derive(Clone, Debug)]
pub struct SchemaError {
    /// JSON Pointer into the checked document.
    pub pointer: String,
    /// The failed keyword.
    pub violation: Violation,
    /// The named definitions the failing node was reached through (innermost last).
    pub via: Vec<String>,
    /// The rule of the schema nodes the failing value was checked through, as recorded on
    /// them when the validator was built (the outermost such node's), or `None`.
    pub rule: Option<RuleId>,
}

/// Where the errors of a check go: collected in full, or, when only whether there is one
/// matters (trying an `anyOf` branch, `contains`), noted quietly: the first error ends the
/// check and none is spelled out.
///
/// It also carries the memory of valid objects (module `memo`) through the check, so the
/// thread's memory is fetched once per check, not once per object.
struct Out {
    errors: Vec<SchemaError>,
    quiet: bool,
    failed: bool,
    memo: Memo,
}

impl Out {
    fn full(memo: Memo) -> Out {
        Out { errors: Vec::new(), quiet: false, failed: false, memo }
    }
    fn quiet(memo: Memo) -> Out {
        Out { errors: Vec::new(), quiet: true, failed: false, memo }
    }
    /// True when a quiet check already failed: nothing more to learn.
    #[inline]
    fn done(&self) -> bool {
        self.quiet && self.failed
    }
    /// Where the errors stand now, for [`Out::clean_since`].
    #[inline]
    fn mark(&self) -> usize {
        self.errors.len()
    }
    /// True when no error was found since `mark` (a quiet check fails at its first one;
    /// a full one records every one).
    #[inline]
    fn clean_since(&self, mark: usize) -> bool {
        if self.quiet {
            !self.failed
        } else {
            self.errors.len() == mark
        }
    }
    /// Record an error, made only when it is kept.
    #[inline]
    fn add(&mut self, make: impl FnOnce() -> SchemaError) {
        self.failed = true;
        if !self.quiet {
            self.errors.push(make());
        }
    }
}

/// A problem in the schema files themselves.
#[derive(Debug, thiserror::Error)]
#[error("schema {file}: {message}")]
pub struct CompileError {
    /// The schema file.
    pub file: String,
    /// What is wrong.
    pub message: String,
}

/// All compiled schemas.
pub struct SchemaSet {
    nodes: Vec<Node>,
    docs: HashMap<String, Value>,
    memo: HashMap<(String, String), NodeId>,
    /// File name -> root node, for look-ups without building a key.
    roots: HashMap<String, NodeId, FastHash>,
    /// Names this set's current nodes for the memory of valid objects (`memo`): new when
    /// the set is compiled or changed.
    generation: u64,
}

const KNOWN_KEYWORDS: &[&str] = &[
    "$schema",
    "$id",
    "$comment",
    "title",
    "description",
    "definitions",
    "type",
    "properties",
    "required",
    "additionalProperties",
    "items",
    "minItems",
    "maxItems",
    "contains",
    "enum",
    "const",
    "pattern",
    "minimum",
    "maximum",
    "minLength",
    "maxLength",
    "$ref",
    "anyOf",
    "examples",
    "default",
];

impl SchemaSet {
    /// Compile a set of schema files given as (file name, JSON text).
    pub fn compile<'a>(files: impl IntoIterator<Item = (&'a str, &'a str)>) -> Result<SchemaSet, CompileError> {
        let mut docs = HashMap::new();
        for (name, text) in files {
            let v: Value = serde_json::from_str(text).map_err(|e| CompileError { file: name.into(), message: e.to_string() })?;
            docs.insert(name.to_string(), v);
        }
        let mut set = SchemaSet {
            nodes: Vec::new(),
            docs,
            memo: HashMap::new(),
            roots: HashMap::default(),
            generation: super::memo::next_generation(),
        };
        let names: Vec<String> = set.docs.keys().cloned().collect();
        for n in names {
            set.root(&n)?;
        }
        set.forward_pure_references();
        Ok(set)
    }

    /// The root node of a file.
    pub fn root(&mut self, file: &str) -> Result<NodeId, CompileError> {
        let id = self.resolve(file, "")?;
        self.roots.insert(file.to_string(), id);
        Ok(id)
    }

    /// The root node of a file that was compiled.
    pub(crate) fn root_of(&self, file: &str) -> Option<NodeId> {
        self.roots.get(file).copied()
    }

    /// The node at a path of property names below a file's root (through `properties` and
    /// `items`), e.g. `["entry", "*", "resource"]` where `*` steps into `items`.
    pub(crate) fn node_at(&self, file: &str, path: &[&str]) -> Option<NodeId> {
        let mut id = self.root_of(file)?;
        for step in path {
            id = self.deref(id);
            let n = &self.nodes[id];
            id = if *step == "*" { n.items? } else { n.property(step)? };
        }
        Some(id)
    }

    /// The node of the definition `name` of a file (`#/definitions/NAME`), when some
    /// schema refers to it.
    pub fn definition(&self, file: &str, name: &str) -> Option<NodeId> {
        self.memo.get(&(file.to_string(), format!("/definitions/{name}"))).copied()
    }

    /// Record that a value checked against node `id` or below it falls under `rule` (a
    /// date under GW-DATETIME, the citizen's identifier under GW-CITIZEN): errors found
    /// there carry it ([`SchemaError::rule`]; the outermost node's rule wins).
    pub(crate) fn set_rule(&mut self, id: NodeId, rule: RuleId) {
        if let Some(n) = self.nodes.get_mut(id) {
            n.rule = Some(rule);
            n.on_path = true;
        }
    }

    /// Make the value set definition `name` (in `valuesets.schema.json`) hold exactly
    /// `codes`, so bindings follow the catalog in use.
    pub(crate) fn set_value_set(&mut self, name: &str, codes: Vec<String>) {
        let key = ("valuesets.schema.json".to_string(), format!("/definitions/{name}"));
        if let Some(&id) = self.memo.get(&key) {
            self.nodes[id].string_enum = Some(codes.into_iter().collect());
            self.forget_discriminators();
            self.generation = super::memo::next_generation();
        }
    }

    /// Replace a node by one that accepts any object (used for the bundle's resources,
    /// which the validator checks one by one against their profiles).
    pub(crate) fn replace_with_any_object(&mut self, id: NodeId) {
        let file = self.nodes[id].file.clone();
        let mut n = Node::empty(&file);
        n.types = vec![JsonType::Object];
        self.nodes[id] = n;
        self.forget_discriminators();
        self.generation = super::memo::next_generation();
    }

    /// Drop the discriminators worked out so far (after the nodes changed).
    fn forget_discriminators(&mut self) {
        for n in &mut self.nodes {
            n.discriminators = std::sync::OnceLock::new();
        }
    }

    /// The discriminators of an `anyOf` node (see [`Node::discriminators`]).
    fn discriminators_of<'n>(&self, n: &'n Node) -> &'n [Option<Vec<(NodeId, Value)>>; 2] {
        n.discriminators.get_or_init(|| {
            ANY_OF_KEYS.map(|key| n.any_of.iter().map(|&b| Some((b, self.const_of_property(b, key)?))).collect::<Option<Vec<_>>>())
        })
    }

    /// Point every child edge that leads to a bare `{"$ref": ...}` node straight at the
    /// referenced node, so checking does not pay a call per indirection.
    fn forward_pure_references(&mut self) {
        let pure = |n: &Node| {
            n.reference.is_some()
                && n.types.is_empty()
                && n.properties.is_empty()
                && n.any_of.is_empty()
                && n.items.is_none()
                && n.contains.is_none()
                && n.string_enum.is_none()
                && n.other_enum.is_none()
                && n.constant.is_none()
                && n.pattern.is_none()
                && n.minimum.is_none()
                && n.maximum.is_none()
                && n.min_items.is_none()
                && n.max_items.is_none()
                && n.min_length.is_none()
                && n.max_length.is_none()
                && n.name.is_none()
                && n.rule.is_none()
                && matches!(n.additional, Additional::Allow)
        };
        let target = |nodes: &[Node], mut id: NodeId| {
            for _ in 0..32 {
                if !pure(&nodes[id]) {
                    break;
                }
                id = nodes[id].reference.expect("pure nodes have a reference");
            }
            id
        };
        for i in 0..self.nodes.len() {
            let mut n = self.nodes[i].clone();
            for (_, id) in n.properties.iter_mut() {
                *id = target(&self.nodes, *id);
            }
            for (_, id, _) in n.property_index.entries.iter_mut() {
                *id = target(&self.nodes, *id);
            }
            n.items = n.items.map(|id| target(&self.nodes, id));
            n.contains = n.contains.map(|id| target(&self.nodes, id));
            for id in n.any_of.iter_mut() {
                *id = target(&self.nodes, *id);
            }
            if let Additional::Schema(id) = n.additional {
                n.additional = Additional::Schema(target(&self.nodes, id));
            }
            self.nodes[i] = n;
        }
    }

    fn deref(&self, mut id: NodeId) -> NodeId {
        for _ in 0..32 {
            let n = &self.nodes[id];
            match n.reference {
                Some(r) if n.types.is_empty() && n.properties.is_empty() && n.any_of.is_empty() => id = r,
                _ => break,
            }
        }
        id
    }

    fn resolve(&mut self, file: &str, fragment: &str) -> Result<NodeId, CompileError> {
        let key = (file.to_string(), fragment.to_string());
        if let Some(&id) = self.memo.get(&key) {
            return Ok(id);
        }
        let doc = self
            .docs
            .get(file)
            .ok_or_else(|| CompileError { file: file.into(), message: "referenced file is not part of the schema set".into() })?;
        let mut v = doc;
        let mut name = None;
        for seg in fragment.split('/').filter(|s| !s.is_empty()) {
            v = v.get(seg).ok_or_else(|| CompileError { file: file.into(), message: format!("no {fragment} in the file") })?;
            name = Some(seg.to_string());
        }
        let v = v.clone();
        let id = self.nodes.len();
        self.nodes.push(Node::empty(file));
        self.memo.insert(key, id);
        let mut node = self.compile_node(file, &v)?;
        node.name = name.or_else(|| v.get("title").and_then(Value::as_str).map(str::to_string));
        node.calendar = matches!(node.name.as_deref(), Some("date" | "dateTime" | "instant"));
        node.on_path = node.name.is_some() || node.rule.is_some();
        self.nodes[id] = node;
        Ok(id)
    }

    fn child(&mut self, file: &str, v: &Value) -> Result<NodeId, CompileError> {
        let node = self.compile_node(file, v)?;
        self.nodes.push(node);
        Ok(self.nodes.len() - 1)
    }

    fn compile_node(&mut self, file: &str, v: &Value) -> Result<Node, CompileError> {
        let err = |m: String| CompileError { file: file.into(), message: m };
        let mut n = Node::empty(file);
        let obj = match v {
            Value::Bool(true) => return Ok(n),
            Value::Object(o) => o,
            other => return Err(err(format!("a schema must be an object, found {other}"))),
        };
        for k in obj.keys() {
            if !KNOWN_KEYWORDS.contains(&k.as_str()) {
                return Err(err(format!("keyword {k:?} is not supported by ffbkit's schema engine")));
            }
        }
        n.description = obj.get("description").and_then(Value::as_str).map(str::to_string);
        match obj.get("type") {
            Some(Value::String(t)) => n.types = vec![JsonType::parse(t).ok_or_else(|| err(format!("type {t}")))?],
            Some(Value::Array(ts)) => {
                for t in ts {
                    let t = t.as_str().and_then(JsonType::parse).ok_or_else(|| err(format!("type {t}")))?;
                    n.types.push(t);
                }
            }
            Some(other) => return Err(err(format!("type {other}"))),
            None => {}
        }
        if let Some(Value::Object(props)) = obj.get("properties") {
            for (k, pv) in props {
                let id = self.child(file, pv)?;
                n.properties.push((k.clone(), id));
            }
        }
        if let Some(Value::Array(req)) = obj.get("required") {
            n.required = req.iter().filter_map(Value::as_str).map(str::to_string).collect();
        }
        n.property_index = PropertyTable::new(n.properties.iter().map(|(k, id)| (k.as_str(), *id, n.required.contains(k))));
        n.additional = match obj.get("additionalProperties") {
            None | Some(Value::Bool(true)) => Additional::Allow,
            Some(Value::Bool(false)) => Additional::Deny,
            Some(s) => Additional::Schema(self.child(file, s)?),
        };
        if let Some(items) = obj.get("items") {
            n.items = Some(self.child(file, items)?);
        }
        let usize_of = |k: &str| obj.get(k).and_then(Value::as_u64).map(|x| x as usize);
        n.min_items = usize_of("minItems");
        n.max_items = usize_of("maxItems");
        n.min_length = usize_of("minLength");
        n.max_length = usize_of("maxLength");
        n.minimum = obj.get("minimum").and_then(Value::as_f64);
        n.maximum = obj.get("maximum").and_then(Value::as_f64);
        if let Some(c) = obj.get("contains") {
            n.contains = Some(self.child(file, c)?);
        }
        if let Some(Value::Array(vals)) = obj.get("enum") {
            if vals.iter().all(Value::is_string) {
                n.string_enum = Some(vals.iter().filter_map(Value::as_str).map(str::to_string).collect());
            } else {
                n.other_enum = Some(vals.clone());
            }
        }
        n.constant = obj.get("const").cloned();
        if let Some(p) = obj.get("pattern").and_then(Value::as_str) {
            n.pattern = Some(super::pattern::Pattern::compile(p).map_err(|e| err(format!("pattern {p}: {e}")))?);
        }
        if let Some(Value::Array(branches)) = obj.get("anyOf") {
            for b in branches {
                let id = self.child(file, b)?;
                n.any_of.push(id);
            }
        }
        if let Some(r) = obj.get("$ref").and_then(Value::as_str) {
            let (target_file, fragment) = match r.split_once('#') {
                Some(("", frag)) => (file.to_string(), frag.to_string()),
                Some((f, frag)) => (f.to_string(), frag.to_string()),
                None => (r.to_string(), String::new()),
            };
            n.reference = Some(self.resolve(&target_file, &fragment)?);
        }
        Ok(n)
    }

    /// Check `v` against node `id`, appending errors. `path` is the location of `v`.
    ///
    /// A small object whose text was found valid against the node before is not checked
    /// again (module `memo`); one found valid now is remembered.
    #[inline]
    fn check<'v>(&self, id: NodeId, v: &'v Json<'_>, path: &mut Vec<Seg<'v>>, via: &mut Vec<NodeId>, out: &mut Out) {
        if out.done() {
            return;
        }
        let probe = match v {
            Json::Object(o) => Probe::new(self.generation, id, o.text()),
            _ => None,
        };
        let Some(probe) = probe else {
            return self.check_node(id, v, path, via, out);
        };
        if out.memo.knows(&probe) {
            return;
        }
        let before = out.mark();
        self.check_node(id, v, path, via, out);
        if out.clean_since(before) {
            out.memo.remember(probe);
        }
    }

    /// Check `v` against node `id` itself.
    fn check_node<'v>(&self, id: NodeId, v: &'v Json<'_>, path: &mut Vec<Seg<'v>>, via: &mut Vec<NodeId>, out: &mut Out) {
        let n = &self.nodes[id];
        let named = n.on_path;
        if named {
            via.push(id);
        }
        self.check_inner(n, v, path, via, out);
        if named {
            via.pop();
        }
    }

    /// Record a failed keyword at `path` (the violation is made only when it is kept).
    #[inline]
    fn fail(&self, out: &mut Out, path: &[Seg<'_>], via: &[NodeId], violation: impl FnOnce() -> Violation) {
        out.add(|| SchemaError { pointer: render(path), violation: violation(), via: self.names(via), rule: self.rule_of(via) });
    }

    /// The rule recorded on the outermost node of `via` that has one.
    fn rule_of(&self, via: &[NodeId]) -> Option<RuleId> {
        via.iter().find_map(|&i| self.nodes[i].rule)
    }

    fn names(&self, via: &[NodeId]) -> Vec<String> {
        via.iter().filter_map(|&i| self.nodes[i].name.clone()).collect()
    }

    fn check_inner<'v>(&self, n: &Node, v: &'v Json<'_>, path: &mut Vec<Seg<'v>>, via: &mut Vec<NodeId>, out: &mut Out) {
        if let Some(r) = n.reference {
            self.check(r, v, path, via, out);
        }
        if !n.types.is_empty() && !n.types.iter().any(|t| t.matches(v)) {
            self.fail(out, path, via, || Violation::Type(n.types.clone()));
            return;
        }
        if let Some(c) = &n.constant {
            if !v.same_as(c) {
                self.fail(out, path, via, || Violation::Const(c.clone()));
            }
        }
        if let Some(set) = &n.string_enum {
            if !v.is_string() {
                self.fail(out, path, via, || Violation::Type(vec![JsonType::String]));
                return;
            }
            if !v.as_str().is_some_and(|s| set.contains(s)) {
                self.fail(out, path, via, || {
                    let mut allowed: Vec<String> = set.iter().cloned().collect();
                    allowed.sort();
                    Violation::Enum(allowed, n.name.clone())
                });
            }
        }
        if let Some(vals) = &n.other_enum {
            if !vals.iter().any(|x| v.same_as(x)) {
                self.fail(out, path, via, || Violation::Enum(vals.iter().map(|x| x.to_string()).collect(), n.name.clone()));
            }
        }
        match v {
            Json::String(s) => {
                if let Some(p) = &n.pattern {
                    if !p.is_match(s) {
                        self.fail(out, path, via, || {
                            let format = via.last().and_then(|&i| self.nodes[i].name.clone()).unwrap_or_default();
                            Violation::Pattern(format, n.description.clone())
                        });
                    } else if n.calendar && !crate::dates::calendar_valid(s) {
                        self.fail(out, path, via, || Violation::NoSuchDay);
                    }
                }
                // Characters, not bytes; counted only when bytes cannot decide.
                if let Some(m) = n.min_length {
                    if s.len() < m * 4 && s.chars().count() < m {
                        self.fail(out, path, via, || Violation::MinLength(m));
                    }
                }
                if let Some(m) = n.max_length {
                    if s.len() > m && s.chars().count() > m {
                        self.fail(out, path, via, || Violation::MaxLength(m));
                    }
                }
            }
            Json::Number(num) => {
                let f = num.as_f64().unwrap_or(0.0);
                if n.minimum.is_some_and(|m| f < m) {
                    self.fail(out, path, via, || Violation::Minimum(n.minimum.unwrap()));
                }
                if n.maximum.is_some_and(|m| f > m) {
                    self.fail(out, path, via, || Violation::Maximum(n.maximum.unwrap()));
                }
            }
            Json::Array(items) => {
                if n.min_items.is_some_and(|m| items.len() < m) {
                    self.fail(out, path, via, || Violation::MinItems(n.min_items.unwrap()));
                }
                if n.max_items.is_some_and(|m| items.len() > m) {
                    self.fail(out, path, via, || Violation::MaxItems(n.max_items.unwrap()));
                }
                if let Some(item) = n.items {
                    for (i, it) in items.iter().enumerate() {
                        path.push(Seg::Index(i));
                        self.check(item, it, path, via, out);
                        path.pop();
                    }
                }
                if let Some(c) = n.contains {
                    if !items.iter().any(|it| self.valid_in(c, it, &mut out.memo)) {
                        out.add(|| SchemaError {
                            pointer: render(path),
                            violation: Violation::Contains(self.nodes[c].description.clone()),
                            via: self.names(via),
                            rule: self.rule_of(via),
                        });
                    }
                }
            }
            Json::Object(map) => {
                // Required members are counted while the members are walked below; the
                // (rare) missing ones are looked up only when the count falls short.
                let mut required_seen = 0;
                // A node that names no properties and allows any others has nothing to say
                // of a member (the Bundle's `entry.resource`, checked against its profile
                // later): its members are not walked.
                let walk = !(n.property_index.is_empty() && matches!(n.additional, Additional::Allow));
                if walk {
                    for (k, child) in map.iter() {
                        path.push(Seg::Key(k));
                        match n.property_index.get(k) {
                            Some((p, required)) => {
                                required_seen += usize::from(required);
                                self.check(p, child, path, via, out)
                            }
                            None => match n.additional {
                                Additional::Allow => {}
                                Additional::Deny => out.add(|| SchemaError {
                                    pointer: render(path),
                                    violation: Violation::NotAllowed(k.to_string()),
                                    via: self.names(via),
                                    rule: self.rule_of(via),
                                }),
                                Additional::Schema(s) => self.check(s, child, path, via, out),
                            },
                        }
                        path.pop();
                    }
                }
                if required_seen < n.required.len() {
                    for r in &n.required {
                        if !map.contains_key(r) {
                            out.add(|| SchemaError {
                                pointer: render(path),
                                violation: Violation::Required(r.clone()),
                                via: self.names(via),
                                rule: self.rule_of(via),
                            });
                        }
                    }
                }
            }
            _ => {}
        }
        if !n.any_of.is_empty() {
            self.check_any_of(n, v, path, via, out);
        }
    }

    fn check_any_of<'v>(&self, n: &Node, v: &'v Json<'_>, path: &mut Vec<Seg<'v>>, via: &mut Vec<NodeId>, out: &mut Out) {
        // Single out the branch meant by a discriminating `url` (extensions) or
        // `resourceType`, and report its errors; an unknown value is an error of its own.
        for (key, consts) in ANY_OF_KEYS.iter().zip(self.discriminators_of(n)) {
            let Some(actual) = v.get(*key) else { continue };
            let Some(consts) = consts else { continue };
            let mut matching = consts.iter().filter(|(_, c)| actual.same_as(c)).map(|(b, _)| *b);
            match (matching.next(), matching.next()) {
                (Some(only), None) => self.check(only, v, path, via, out),
                (Some(_), Some(_)) => {
                    let all: Vec<NodeId> = consts.iter().filter(|(_, c)| actual.same_as(c)).map(|(b, _)| *b).collect();
                    self.best_branch(&all, v, path, via, out);
                }
                (None, _) => {
                    out.add(|| SchemaError {
                        pointer: format!("{}/{key}", render(path)),
                        violation: Violation::NoBranch(consts.iter().map(|(_, c)| c.to_string()).collect()),
                        via: self.names(via),
                        rule: self.rule_of(via),
                    });
                }
            }
            return;
        }
        self.best_branch(&n.any_of, v, path, via, out);
    }

    /// Nothing when one branch accepts `v`, else the errors of the branch with the fewest.
    fn best_branch<'v>(&self, branches: &[NodeId], v: &'v Json<'_>, path: &[Seg<'v>], via: &[NodeId], out: &mut Out) {
        if branches.iter().any(|&b| self.valid_in(b, v, &mut out.memo)) {
            return;
        }
        if out.quiet {
            out.failed = true;
            return;
        }
        let mut best: Option<Vec<SchemaError>> = None;
        for &b in branches {
            let mut errs = Out::full(std::mem::take(&mut out.memo));
            let mut p = path.to_vec();
            let mut w = via.to_vec();
            self.check(b, v, &mut p, &mut w, &mut errs);
            out.memo = errs.memo;
            if best.as_ref().is_none_or(|e| errs.errors.len() < e.len()) {
                best = Some(errs.errors);
            }
        }
        out.failed = true;
        out.errors.extend(best.unwrap_or_default());
    }

    fn const_of_property(&self, id: NodeId, key: &str) -> Option<Value> {
        let n = &self.nodes[self.deref(id)];
        let p = n.property(key)?;
        let pn = &self.nodes[self.deref(p)];
        pn.constant
            .clone()
            .or_else(|| pn.string_enum.as_ref().filter(|s| s.len() == 1).and_then(|s| s.iter().next().map(|x| Value::String(x.clone()))))
    }

    /// True when `v` is valid against node `id`.
    pub fn is_valid(&self, id: NodeId, v: &Json<'_>) -> bool {
        let mut memo = Memo::take();
        let valid = self.valid_in(id, v, &mut memo);
        memo.put_back();
        valid
    }

    /// [`SchemaSet::is_valid`] with the memory of the check it is part of.
    fn valid_in(&self, id: NodeId, v: &Json<'_>, memo: &mut Memo) -> bool {
        let mut out = Out::quiet(std::mem::take(memo));
        self.check(id, v, &mut Vec::with_capacity(PATH_DEPTH), &mut Vec::with_capacity(PATH_DEPTH), &mut out);
        *memo = out.memo;
        !out.failed
    }

    /// All errors of a `serde_json::Value` against the root of `file`.
    pub fn errors_in_value(&self, file: &str, v: &Value) -> Vec<SchemaError> {
        self.errors(file, &Json::from_value(v, &super::json::Arena::new()))
    }

    /// All errors of `v` against the root of `file`.
    pub fn errors(&self, file: &str, v: &Json<'_>) -> Vec<SchemaError> {
        let mut out = Out::full(Memo::take());
        if let Some(id) = self.root_of(file) {
            // The path buffers of this thread's last check, reused (a check per resource:
            // two allocations each were 1.5 % of a validated read).
            let (path, mut via) = PATHS.with(RefCell::take);
            let mut path = recycle(path);
            path.reserve(PATH_DEPTH);
            via.reserve(PATH_DEPTH);
            self.check(id, v, &mut path, &mut via, &mut out);
            via.clear();
            PATHS.with(|p| *p.borrow_mut() = (recycle(path), via));
        }
        out.memo.put_back();
        out.errors
    }
}

thread_local! {
    /// Each thread's path buffers for [`SchemaSet::errors`], empty between checks.
    static PATHS: RefCell<(Vec<Seg<'static>>, Vec<NodeId>)> = const { RefCell::new((Vec::new(), Vec::new())) };
}

/// An empty path with the buffer of `path`, for paths into another document: collecting
/// an emptied vector's iterator into one of the same element layout keeps its buffer.
// `filter` would keep the element type and with it the old document's lifetime.
#[allow(clippy::unnecessary_filter_map)]
fn recycle<'a, 'b>(mut path: Vec<Seg<'a>>) -> Vec<Seg<'b>> {
    path.clear();
    path.into_iter().filter_map(|_| None).collect()
}

#[cfg(test)]
mod tests {
    use super::PropertyTable;

    #[test]
    fn the_property_table_finds_every_name_and_nothing_else() {
        // FHIR element names, with look-alikes: same length and ends, same first byte.
        let names = [
            "id",
            "meta",
            "text",
            "extension",
            "identifier",
            "status",
            "intent",
            "subject",
            "code",
            "severity",
            "recordedDate",
            "clinicalStatus",
            "verificationStatus",
            "period",
            "basedOn",
            "activity",
            "addresses",
            "goal",
            "careTeam",
            "note",
            "a",
            "",
            "ab",
            "ba",
            "abc",
            "acb",
            "cab",
            "extensiom",
            "extension2",
        ];
        let table = PropertyTable::new(names.iter().enumerate().map(|(i, n)| (*n, i * 10, i % 3 == 0)));
        for (i, n) in names.iter().enumerate() {
            assert_eq!(table.get(n), Some((i * 10, i % 3 == 0)), "{n:?}");
        }
        for unknown in ["Id", "metas", "bc", "aa", "extensioo", "b", "identifieR", "valueString"] {
            assert_eq!(table.get(unknown), None, "{unknown:?}");
        }
        assert_eq!(PropertyTable::default().get("id"), None);
    }

    #[test]
    fn a_recycled_path_keeps_its_buffer() {
        let mut path: Vec<super::Seg<'_>> = Vec::with_capacity(super::PATH_DEPTH);
        path.push(super::Seg::Index(3));
        let buffer = path.as_ptr() as usize;
        let again: Vec<super::Seg<'static>> = super::recycle(path);
        assert!(again.is_empty());
        assert_eq!((again.as_ptr() as usize, again.capacity()), (buffer, super::PATH_DEPTH));
    }

    #[test]
    fn an_object_node_that_names_no_members_still_checks_type_and_required() {
        use super::{SchemaSet, Violation};
        let schema = r#"{
            "type": "object",
            "properties": {
                "open": {"type": "object", "required": ["must"]},
                "closed": {"type": "object", "additionalProperties": false},
                "typed": {"type": "object", "additionalProperties": {"type": "string"}}
            }
        }"#;
        let set = SchemaSet::compile([("t.json", schema)]).unwrap();
        let errors = |doc: &str| {
            let v: serde_json::Value = serde_json::from_str(doc).unwrap();
            set.errors_in_value("t.json", &v).into_iter().map(|e| (e.pointer, e.violation)).collect::<Vec<_>>()
        };
        // Not walked: anything goes below `open` but the member it requires.
        assert!(errors(r#"{"open": {"must": 1, "x": {"deep": [1, {"y": null}]}}}"#).is_empty());
        assert!(matches!(&errors(r#"{"open": {"x": 1}}"#)[..], [(p, Violation::Required(r))] if p == "/open" && r == "must"));
        assert!(matches!(&errors(r#"{"open": 5}"#)[..], [(p, Violation::Type(_))] if p == "/open"));
        // Walked: no other members, or members of a schema.
        assert!(matches!(&errors(r#"{"closed": {"x": 1}}"#)[..], [(p, Violation::NotAllowed(k))] if p == "/closed/x" && k == "x"));
        assert!(matches!(&errors(r#"{"typed": {"x": "a", "y": 2}}"#)[..], [(p, Violation::Type(_))] if p == "/typed/y"));
    }
}
