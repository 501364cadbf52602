//! Bearer tokens of a certification run (the receiver's, the vendor adapter's): generated
//! per run or read from a file, never shown in `Debug`, logs or reports (a short SHA-256
//! fingerprint stands for them).

use std::path::{Path, PathBuf};

/// A token. `Debug` and [`Secret::fingerprint`] show `sha256:` and 8 hex digits of its
/// hash, never the token.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

/// Why a token file could not be used.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SecretError {
    /// The file could not be read.
    #[error("cannot read the token file {}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// The file or setting holds no token (empty, or only white space).
    #[error("the token {from} is empty")]
    Empty {
        /// Where it came from (`in FILE`, an option).
        from: String,
    },
    /// The token is not one line of visible ASCII (it could not be sent in a header).
    #[error("the token {} is not one line of visible ASCII characters", from)]
    NotAHeaderValue {
        /// Where it came from (a file or an option).
        from: String,
    },
    /// The system's random source failed.
    #[error("no randomness for a token: {0}")]
    Random(String),
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Secret({})", self.fingerprint())
    }
}

impl Secret {
    /// A token as given (`--receiver-token`); it must be one line of visible ASCII.
    pub fn new(token: impl Into<String>, from: &str) -> Result<Secret, SecretError> {
        let token = token.into();
        if token.is_empty() || !token.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(SecretError::NotAHeaderValue { from: from.to_string() });
        }
        Ok(Secret(token))
    }

    /// 32 random bytes as 64 hex digits (a token for one run).
    pub fn generate() -> Result<Secret, SecretError> {
        let mut b = [0u8; 32];
        getrandom::getrandom(&mut b).map_err(|e| SecretError::Random(e.to_string()))?;
        Ok(Secret(b.iter().map(|x| format!("{x:02x}")).collect()))
    }

    /// The token in a file: its content without surrounding white space (a trailing newline
    /// is fine).
    pub fn read_file(path: &Path) -> Result<Secret, SecretError> {
        let text = std::fs::read_to_string(path).map_err(|source| SecretError::Read { path: path.to_path_buf(), source })?;
        Secret::from_text(&text, &format!("in {}", path.display()))
    }

    /// A token as configured in text (a file's content, an option, an environment variable):
    /// without surrounding white space, then [`Secret::new`]. The one reading of a configured
    /// token, for the harness's tokens and `ffbkit serve`'s alike.
    pub fn from_text(text: &str, from: &str) -> Result<Secret, SecretError> {
        let token = text.trim();
        if token.is_empty() {
            return Err(SecretError::Empty { from: from.to_string() });
        }
        Secret::new(token, from)
    }

    /// The tokens of a token file: the whole file as one token ([`Secret::read_file`]), or,
    /// when a line holds two words, one sender per line, `NAME TOKEN` (names of letters,
    /// digits, `.`, `_`, `-`; each once; blank lines and `#` comments skipped).
    pub fn read_senders(path: &Path) -> Result<Vec<(Option<String>, Secret)>, SecretError> {
        let text = std::fs::read_to_string(path).map_err(|source| SecretError::Read { path: path.to_path_buf(), source })?;
        let lines: Vec<(usize, &str)> =
            text.lines().enumerate().map(|(i, l)| (i + 1, l.trim())).filter(|(_, l)| !l.is_empty() && !l.starts_with('#')).collect();
        if lines.iter().all(|(_, l)| !l.contains(char::is_whitespace)) && lines.len() <= 1 {
            return Ok(vec![(None, Secret::from_text(&text, &format!("in {}", path.display()))?)]);
        }
        let mut out: Vec<(Option<String>, Secret)> = Vec::new();
        for (n, line) in lines {
            let from = format!("on line {n} of {} (write NAME TOKEN)", path.display());
            let mut words = line.split_whitespace();
            let (Some(name), Some(token), None) = (words.next(), words.next(), words.next()) else {
                return Err(SecretError::NotAHeaderValue { from });
            };
            let name_ok = name.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'));
            if !name_ok || out.iter().any(|(n, _)| n.as_deref() == Some(name)) {
                return Err(SecretError::NotAHeaderValue {
                    from: format!("{from}: the name {name:?} is not a new name of letters, digits, '.', '_', '-'"),
                });
            }
            out.push((Some(name.to_string()), Secret::from_text(token, &from)?));
        }
        Ok(out)
    }

    /// The token itself, to send.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// `sha256:` and the first 8 hex digits of the token's SHA-256: names it in logs
    /// without showing it.
    pub fn fingerprint(&self) -> String {
        use sha2::{Digest, Sha256};
        let h = Sha256::digest(self.0.as_bytes());
        format!("sha256:{}", h.iter().take(4).map(|b| format!("{b:02x}")).collect::<String>())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_never_shown_and_files_are_checked() {
        let s = Secret::generate().unwrap();
        assert_eq!(s.expose().len(), 64);
        assert!(!format!("{s:?}").contains(s.expose()));
        assert_ne!(Secret::generate().unwrap(), s);
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("t");
        std::fs::write(&f, "abc.DEF-123\n").unwrap();
        assert_eq!(Secret::read_file(&f).unwrap().expose(), "abc.DEF-123");
        std::fs::write(&f, " \n").unwrap();
        assert!(matches!(Secret::read_file(&f), Err(SecretError::Empty { .. })));
        std::fs::write(&f, "two words").unwrap();
        assert!(matches!(Secret::read_file(&f), Err(SecretError::NotAHeaderValue { .. })));
        assert!(matches!(Secret::read_file(&dir.path().join("absent")), Err(SecretError::Read { .. })));
    }
}
