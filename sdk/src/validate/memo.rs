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
/// the memory to stay in the core's cache (an 8 MB one found more, but was no faster).
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
}

/// One thread's memory: (node, text hash) -> where the text is kept in `bytes`. A check
/// takes it from the thread ([`Memo::take`]) and gives it back when done.
#[derive(Default)]
pub(super) struct Memo {
    generation: u64,
    slots: HashMap<(u32, u64), (u32, u32), NodeHash>,
    bytes: Vec<u8>,
}

impl Memo {
    /// This thread's memory (an empty one while another check of the thread holds it).
    pub(super) fn take() -> Memo {
        MEMO.with(RefCell::take)
    }

    /// Give the memory back to the thread, for its next check.
    pub(super) fn put_back(self) {
        MEMO.with(|m| *m.borrow_mut() = self);
    }

    /// True when the probe's text was found valid against its node before.
    #[inline]
    pub(super) fn knows(&self, p: &Probe<'_>) -> bool {
        self.generation == p.generation
            && self
                .slots
                .get(&(p.node, p.hash))
                .is_some_and(|&(start, len)| self.bytes.get(start as usize..(start + len) as usize) == Some(p.text.as_bytes()))
    }

    /// Remember that the probe's text is valid against its node.
    pub(super) fn remember(&mut self, p: Probe<'_>) {
        if self.generation != p.generation || self.bytes.len() + p.text.len() > MAX_BYTES {
            self.slots.clear();
            self.bytes.clear();
            self.generation = p.generation;
        }
        // Both fit u32: the bytes are bounded by MAX_BYTES, a text by MAX_TEXT.
        let start = self.bytes.len() as u32;
        self.bytes.extend_from_slice(p.text.as_bytes());
        self.slots.insert((p.node, p.hash), (start, p.text.len() as u32));
    }
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

    fn probe(g: u64, node: usize, text: &str) -> Probe<'_> {
        Probe::new(g, node, Some(text)).unwrap()
    }

    #[test]
    fn remembers_exact_text_per_node_and_generation() {
        let g = next_generation();
        let text = r#"{"system":"urn:x","code":"A"}"#;
        let mut m = Memo::default();
        assert!(!m.knows(&probe(g, 7, text)));
        m.remember(probe(g, 7, text));
        assert!(m.knows(&probe(g, 7, text)));
        // Another node, another text, another generation: not known.
        assert!(!m.knows(&probe(g, 8, text)));
        assert!(!m.knows(&probe(g, 7, r#"{"system":"urn:x","code":"B"}"#)));
        let g2 = next_generation();
        assert!(!m.knows(&probe(g2, 7, text)));
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
        let mut m = Memo::default();
        m.remember(probe(g, 1, first));
        let filler = format!("{{\"a\":\"{}\"}}", "y".repeat(200));
        for node in 0..(MAX_BYTES / filler.len() + 1) {
            m.remember(probe(g, 100 + node, &filler));
        }
        assert!(!m.knows(&probe(g, 1, first)));
        assert!(m.bytes.len() <= MAX_BYTES);
    }

    #[test]
    fn the_thread_keeps_its_memory_between_checks() {
        let g = next_generation();
        let mut m = Memo::take();
        m.remember(probe(g, 3, "{}"));
        m.put_back();
        assert!(Memo::take().knows(&probe(g, 3, "{}")));
        // Taken (and not given back), the thread's memory is empty.
        assert!(!Memo::take().knows(&probe(g, 3, "{}")));
    }
}
