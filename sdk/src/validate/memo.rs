//! What the schema check has already found valid: small objects, by their exact source text
//! and the schema node they were checked against.
//!
//! Delivery reports repeat themselves: every resource of a report carries the same `meta`
//! and `subject`, and the catalog's codings, extensions and periods recur from report to
//! report. Whether a value is valid against a node depends on nothing but the two, so a
//! small object whose text was found valid against a node is valid whenever the same text
//! meets the same node again, and its check can be skipped. Only valid results are kept
//! (an invalid one is checked again, to report its errors where it is), texts are compared
//! byte for byte (a hash only finds the candidate), and the memory is bounded per thread.

use std::cell::RefCell;
use std::collections::HashMap;
use std::hash::{BuildHasher, Hasher};

/// Objects with longer texts are not remembered: they rarely repeat (a resource holds its
/// id) and hashing them would cost more than it saves.
pub(super) const MAX_TEXT: usize = 256;

/// Bytes of remembered text per thread before the memory starts over: small enough for
/// the memory to stay in the core's cache (a larger one found more, and was slower).
const MAX_BYTES: usize = 256 << 10;

/// The look-up of one object: the schema set's generation, the node, the text and its hash.
pub(super) struct Probe<'t> {
    generation: u64,
    node: u32,
    text: &'t str,
    hash: u64,
}

impl<'t> Probe<'t> {
    /// The probe for `text` checked against `node`, if such a text is remembered at all.
    #[inline]
    pub(super) fn new(generation: u64, node: usize, text: Option<&'t str>) -> Option<Probe<'t>> {
        let text = text.filter(|t| t.len() <= MAX_TEXT)?;
        let mut h = rustc_hash::FxHasher::default();
        h.write(text.as_bytes());
        Some(Probe { generation, node: u32::try_from(node).ok()?, text, hash: h.finish() })
    }

    /// True when this text was found valid against this node before (on this thread).
    #[inline]
    pub(super) fn known_valid(&self) -> bool {
        MEMO.with(|m| {
            let m = m.borrow();
            m.generation == self.generation
                && m.slots.get(&(self.node, self.hash)).is_some_and(|&(start, len)| m.bytes.get(start as usize..(start + len) as usize) == Some(self.text.as_bytes()))
        })
    }

    /// Remember that this text is valid against this node.
    pub(super) fn remember(self) {
        MEMO.with(|m| {
            let mut m = m.borrow_mut();
            if m.generation != self.generation || m.bytes.len() + self.text.len() > MAX_BYTES {
                m.slots.clear();
                m.bytes.clear();
                m.generation = self.generation;
            }
            // Both fit u32: the bytes are bounded by MAX_BYTES, a text by MAX_TEXT.
            let start = m.bytes.len() as u32;
            m.bytes.extend_from_slice(self.text.as_bytes());
            m.slots.insert((self.node, self.hash), (start, self.text.len() as u32));
        });
    }
}

/// One thread's memory: (node, text hash) -> where the text is kept in `bytes`.
#[derive(Default)]
struct Memo {
    generation: u64,
    slots: HashMap<(u32, u64), (u32, u32), NodeHash>,
    bytes: Vec<u8>,
}

/// The slot keys are a node and a hash already: mixing them once is enough.
#[derive(Default, Clone, Copy)]
struct NodeHash;

impl BuildHasher for NodeHash {
    type Hasher = rustc_hash::FxHasher;
    fn build_hasher(&self) -> Self::Hasher {
        rustc_hash::FxHasher::default()
    }
}

thread_local! {
    static MEMO: RefCell<Memo> = RefCell::new(Memo::default());
}

/// A number no other schema set (or later state of the same set) has: remembered results
/// of one do not carry over to another.
pub(super) fn next_generation() -> u64 {
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
    NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remembers_exact_text_per_node_and_generation() {
        let g = next_generation();
        let text = r#"{"system":"urn:x","code":"A"}"#;
        assert!(!Probe::new(g, 7, Some(text)).unwrap().known_valid());
        Probe::new(g, 7, Some(text)).unwrap().remember();
        assert!(Probe::new(g, 7, Some(text)).unwrap().known_valid());
        // Another node, another text, another generation: not known.
        assert!(!Probe::new(g, 8, Some(text)).unwrap().known_valid());
        assert!(!Probe::new(g, 7, Some(r#"{"system":"urn:x","code":"B"}"#)).unwrap().known_valid());
        let g2 = next_generation();
        assert!(!Probe::new(g2, 7, Some(text)).unwrap().known_valid());
    }

    #[test]
    fn long_or_unknown_texts_are_not_probed() {
        assert!(Probe::new(1, 0, None).is_none());
        let long = format!("{{\"a\":\"{}\"}}", "x".repeat(MAX_TEXT));
        assert!(Probe::new(1, 0, Some(&long)).is_none());
    }

    #[test]
    fn memory_starts_over_when_full() {
        let g = next_generation();
        let first = r#"{"n":0}"#;
        Probe::new(g, 1, Some(first)).unwrap().remember();
        let filler = format!("{{\"a\":\"{}\"}}", "y".repeat(200));
        for node in 0..(MAX_BYTES / filler.len() + 1) {
            Probe::new(g, 100 + node, Some(&filler)).unwrap().remember();
        }
        assert!(!Probe::new(g, 1, Some(first)).unwrap().known_valid());
        MEMO.with(|m| assert!(m.borrow().bytes.len() <= MAX_BYTES));
    }
}
