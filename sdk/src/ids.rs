//! Resource ids: the UUID check the IG's ids must pass (GW-ID), ids derived from other ids
//! (stable across reports, PROTO-ID-STABLE), fresh random ids, and the small seeded
//! generator behind the synthetic data. [`crate::domain::Id`] is the typed id built on
//! these.

/// True when `s` is a lower-case canonical UUID (the ids the IG wants): 36 bytes, all
/// lower-case hex digits or dashes, exactly four dashes, at 8, 13, 18 and 23. The bytes are
/// tested without an early exit (a loop the compiler vectorises; nearly every id checked
/// is a UUID).
///
/// ```
/// assert!(ffbkit_sdk::ids::is_uuid("0b6f5a2e-3c1d-4e8f-9a7b-1c2d3e4f5a6b"));
/// assert!(!ffbkit_sdk::ids::is_uuid("0B6F5A2E-3C1D-4E8F-9A7B-1C2D3E4F5A6B"));
/// ```
pub fn is_uuid(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() != 36 || b[8] != b'-' || b[13] != b'-' || b[18] != b'-' || b[23] != b'-' {
        return false;
    }
    let (other, dashes) = b.iter().fold((false, 0u8), |(other, dashes), &c| {
        let dash = c == b'-';
        (other | !(c.is_ascii_digit() | (b'a'..=b'f').contains(&c) | dash), dashes + u8::from(dash))
    });
    !other && dashes == 4
}

/// A UUID derived from `parts` (FNV-1a over the parts, each ended by a zero byte, seeding
/// [`Rng`]): the same parts give the same id in every run and on every machine, so a
/// resource the source system does not name (the care team and follow-up encounter of a
/// plan, a report's Bundle) keeps its id from report to report.
///
/// ```
/// use ffbkit_sdk::ids::{derived_uuid, is_uuid};
/// let a = derived_uuid(&["plan-1", "tilbud"]);
/// assert!(is_uuid(&a));
/// assert_eq!(a, derived_uuid(&["plan-1", "tilbud"]));
/// assert_ne!(a, derived_uuid(&["plan-1", "tilbu", "d"]));
/// ```
pub fn derived_uuid(parts: &[&str]) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for p in parts {
        for b in p.bytes().chain(std::iter::once(0)) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    Rng::new(h).uuid()
}

/// A fresh version-4 UUID, different on every call (seeded from the process's random hash
/// keys, a counter and the clock; not for secrets).
///
/// ```
/// let (a, b) = (ffbkit_sdk::ids::random_uuid(), ffbkit_sdk::ids::random_uuid());
/// assert!(ffbkit_sdk::ids::is_uuid(&a) && a != b);
/// ```
pub fn random_uuid() -> String {
    use std::hash::{BuildHasher, Hasher};
    use std::sync::atomic::{AtomicU64, Ordering};
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u64(COUNTER.fetch_add(1, Ordering::Relaxed));
    h.write_u128(std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or(0));
    Rng::new(h.finish()).uuid()
}

/// A small, fast, seeded generator (SplitMix64): deterministic synthetic data and ids.
#[derive(Clone, Debug)]
pub struct Rng(u64);

impl Rng {
    /// A generator for a seed.
    pub fn new(seed: u64) -> Self {
        Rng(seed ^ 0x9E37_79B9_7F4A_7C15)
    }
    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// A number in `0..n` (n > 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }
    /// A number in `lo..=hi`.
    pub fn between(&mut self, lo: usize, hi: usize) -> usize {
        lo + self.below(hi - lo + 1)
    }
    /// One element of a non-empty slice.
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
    /// A random version-4 UUID.
    pub fn uuid(&mut self) -> String {
        let a = self.next_u64();
        let b = self.next_u64();
        format!(
            "{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}",
            a >> 32,
            (a >> 16) & 0xffff,
            a & 0xfff,
            0x8000 | (b >> 48) & 0x3fff,
            b & 0xffff_ffff_ffff
        )
    }
    /// A syntactically valid, fictitious CPR number.
    pub fn cpr(&mut self) -> String {
        let day = self.between(1, 28);
        let month = self.between(1, 12);
        let year = self.between(0, 99);
        let serial = self.between(0, 9999);
        format!("{day:02}{month:02}{year:02}{serial:04}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn is_uuid_is_the_8_4_4_4_12_lower_case_form() {
        // The definition, position by position.
        let reference = |s: &str| {
            let b = s.as_bytes();
            b.len() == 36
                && b.iter().enumerate().all(|(i, &c)| match i {
                    8 | 13 | 18 | 23 => c == b'-',
                    _ => c.is_ascii_digit() || (b'a'..=b'f').contains(&c),
                })
        };
        let good = "7193accc-c113-4c03-9890-cb4be1a49455";
        assert!(is_uuid(good));
        // Every position replaced by every byte of interest, and shorter and longer texts.
        for i in 0..good.len() {
            for c in ['-', '0', '9', 'a', 'f', 'g', 'A', 'F', ' ', 'æ', '/', ':', '`', '{'] {
                let mut t: Vec<char> = good.chars().collect();
                t[i] = c;
                let t: String = t.into_iter().collect();
                assert_eq!(is_uuid(&t), reference(&t), "{t}");
            }
        }
        for t in [
            "",
            "7193accc-c113-4c03-9890-cb4be1a4945",
            "7193accc-c113-4c03-9890-cb4be1a494555",
            "7193accc-c113-4c03-9890-cb4be1a4945-",
            "------------------------------------",
        ] {
            assert_eq!(is_uuid(t), reference(t), "{t}");
        }
    }

    #[test]
    fn the_generator_makes_uuids_and_cprs() {
        let mut r = Rng::new(1);
        for _ in 0..100 {
            assert!(is_uuid(&r.uuid()));
            assert!(crate::cpr::is_valid(&r.cpr()));
        }
    }
}
