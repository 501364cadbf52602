//! Signed certificates: an Ed25519 signature over the exact bytes of `certify.json`, kept
//! beside it in `certify.json.sig`, a layer on top of the evidence hash (which it does not
//! change).
//!
//! - Keys are PEM files: the private key as PKCS#8 (`-----BEGIN PRIVATE KEY-----`, the file
//!   created with mode 0600), the public key as SPKI (`-----BEGIN PUBLIC KEY-----`).
//!   [`generate`] writes both (`ffbkit certify keygen --out FILE` writes `FILE` and
//!   `FILE.pub`); `openssl genpkey -algorithm ed25519` makes a private key that reads too.
//! - A key's fingerprint is `SHA256:` and the hex SHA-256 of its 32 public key bytes.
//! - What is signed: the exact bytes of `certify.json` as written (its `signer` field, the
//!   signing key's fingerprint, is part of them). The signature file
//!   ([`SignatureFile`], JSON, format `ffbkit-signature/1`) names the algorithm, the signed
//!   file, its SHA-256, the public key (hex), its fingerprint and the signature (hex).
//! - [`check`] verifies a run directory's signature with a public key the checker trusts
//!   (never with the key in the signature file alone).
//!
//! ```no_run
//! # fn demo() -> Result<(), ffbkit_conformance::harness::signature::SignatureError> {
//! use ffbkit_conformance::harness::signature;
//! let key = signature::generate("keys/certifier".as_ref(), false)?; // keys/certifier, keys/certifier.pub
//! let public = signature::PublicKey::read("keys/certifier.pub".as_ref())?;
//! let result = signature::check("out/certify".as_ref(), &public)?;
//! println!("{} {}", key.fingerprint(), result.is_ok());
//! # Ok(()) }
//! ```

use ed25519_dalek::pkcs8::spki::der::pem::LineEnding;
use ed25519_dalek::pkcs8::spki::{DecodePublicKey, EncodePublicKey};
use ed25519_dalek::pkcs8::{DecodePrivateKey, EncodePrivateKey};
use ed25519_dalek::Signer as _;
use ed25519_dalek::{Signature, SigningKey, VerifyingKey};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// The signature file's name in a run directory.
pub const SIGNATURE_FILE: &str = "certify.json.sig";
/// The signature file's format marker.
pub const FORMAT: &str = "ffbkit-signature/1";
/// The only algorithm.
pub const ALGORITHM: &str = "Ed25519";

/// Why a key or signature could not be made, read or written.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SignatureError {
    /// A key or signature file could not be read or written.
    #[error("cannot {action} {}", path.display())]
    Io {
        /// `read`, `write` or `create`.
        action: &'static str,
        /// The file.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// `keygen` would overwrite a key file.
    #[error("{} exists; not overwriting a key (remove it first, or use --force)", path.display())]
    Exists {
        /// The file.
        path: PathBuf,
    },
    /// A private key file is not an Ed25519 PKCS#8 PEM key.
    #[error("{} is not an Ed25519 private key in PEM (PKCS#8, `-----BEGIN PRIVATE KEY-----`): {reason}", path.display())]
    MalformedPrivateKey {
        /// The file.
        path: PathBuf,
        /// What the decoder said.
        reason: String,
    },
    /// A public key file is not an Ed25519 SPKI PEM key.
    #[error("{} is not an Ed25519 public key in PEM (SPKI, `-----BEGIN PUBLIC KEY-----`): {reason}", path.display())]
    MalformedPublicKey {
        /// The file.
        path: PathBuf,
        /// What the decoder said.
        reason: String,
    },
    /// The system's random source failed (key generation).
    #[error("no randomness for a key: {0}")]
    Random(String),
    /// A key could not be encoded as PEM.
    #[error("cannot encode the key as PEM: {0}")]
    Encode(String),
    /// The signature file could not be encoded.
    #[error("cannot encode the signature file")]
    Json(#[from] serde_json::Error),
}

fn io<'a>(action: &'static str, path: &'a Path) -> impl FnOnce(std::io::Error) -> SignatureError + 'a {
    move |source| SignatureError::Io { action, path: path.to_path_buf(), source }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex(s: &str) -> Option<Vec<u8>> {
    if s.len() % 2 != 0 || !s.is_ascii() {
        return None;
    }
    (0..s.len()).step_by(2).map(|i| u8::from_str_radix(&s[i..i + 2], 16).ok()).collect()
}

fn sha256(bytes: &[u8]) -> [u8; 32] {
    use sha2::{Digest, Sha256};
    Sha256::digest(bytes).into()
}

/// `SHA256:` and the hex SHA-256 of a public key's 32 bytes.
fn fingerprint_of(key: &VerifyingKey) -> String {
    format!("SHA256:{}", hex(&sha256(key.as_bytes())))
}

/// A private signing key, read from its PEM file. Its `Debug` shows the fingerprint only.
#[derive(Clone)]
pub struct PrivateKey {
    key: SigningKey,
}

impl std::fmt::Debug for PrivateKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PrivateKey").field("fingerprint", &self.fingerprint()).finish_non_exhaustive()
    }
}

impl PrivateKey {
    /// Read a PKCS#8 PEM private key file.
    pub fn read(path: &Path) -> Result<PrivateKey, SignatureError> {
        let text = std::fs::read_to_string(path).map_err(io("read", path))?;
        let key = SigningKey::from_pkcs8_pem(text.trim())
            .map_err(|e| SignatureError::MalformedPrivateKey { path: path.to_path_buf(), reason: e.to_string() })?;
        Ok(PrivateKey { key })
    }

    /// Its public key.
    pub fn public(&self) -> PublicKey {
        PublicKey { key: self.key.verifying_key() }
    }

    /// The public key's fingerprint (`SHA256:<hex>`).
    pub fn fingerprint(&self) -> String {
        fingerprint_of(&self.key.verifying_key())
    }

    /// Sign `bytes` (the exact bytes of `certify.json`) as the file `name`.
    pub fn sign(&self, name: &str, bytes: &[u8]) -> SignatureFile {
        let public = self.key.verifying_key();
        SignatureFile {
            format: FORMAT.into(),
            algorithm: ALGORITHM.into(),
            file: name.into(),
            sha256: hex(&sha256(bytes)),
            public_key: hex(public.as_bytes()),
            fingerprint: fingerprint_of(&public),
            signature: hex(&self.key.sign(bytes).to_bytes()),
        }
    }

    /// Sign `RUN_DIR/certify.json` and write `RUN_DIR/certify.json.sig`; returns its path.
    pub fn sign_run(&self, dir: &Path) -> Result<PathBuf, SignatureError> {
        let json = dir.join(super::report::JSON_FILE);
        let bytes = std::fs::read(&json).map_err(io("read", &json))?;
        let sig = self.sign(super::report::JSON_FILE, &bytes);
        let path = dir.join(SIGNATURE_FILE);
        let mut text = serde_json::to_string_pretty(&sig)?;
        text.push('\n');
        std::fs::write(&path, text).map_err(io("write", &path))?;
        Ok(path)
    }
}

/// A public key, read from its PEM file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PublicKey {
    key: VerifyingKey,
}

impl PublicKey {
    /// Read an SPKI PEM public key file.
    pub fn read(path: &Path) -> Result<PublicKey, SignatureError> {
        let text = std::fs::read_to_string(path).map_err(io("read", path))?;
        let key = VerifyingKey::from_public_key_pem(text.trim())
            .map_err(|e| SignatureError::MalformedPublicKey { path: path.to_path_buf(), reason: e.to_string() })?;
        Ok(PublicKey { key })
    }

    /// The fingerprint (`SHA256:<hex>`).
    pub fn fingerprint(&self) -> String {
        fingerprint_of(&self.key)
    }

    /// The key as SPKI PEM.
    pub fn to_pem(&self) -> Result<String, SignatureError> {
        self.key.to_public_key_pem(LineEnding::LF).map_err(|e| SignatureError::Encode(e.to_string()))
    }
}

/// `certify.json.sig`: a detached signature over the exact bytes of the file it names.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignatureFile {
    /// `ffbkit-signature/1`.
    pub format: String,
    /// `Ed25519`.
    pub algorithm: String,
    /// The signed file's name, beside this one (`certify.json`).
    pub file: String,
    /// The signed bytes' SHA-256 (hex), for people; the signature is over the bytes.
    pub sha256: String,
    /// The signer's public key, its 32 bytes in hex.
    pub public_key: String,
    /// The signer's fingerprint (`SHA256:<hex>`).
    pub fingerprint: String,
    /// The Ed25519 signature, 64 bytes in hex.
    pub signature: String,
}

/// Who signs a certificate, as `certify.json` and the HTML say it (inside the signed bytes).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Signer {
    /// `Ed25519`.
    pub algorithm: String,
    /// The signing key's fingerprint (`SHA256:<hex>`).
    pub fingerprint: String,
    /// The signature file beside `certify.json`.
    pub signature_file: String,
}

impl Signer {
    /// The signer statement for `key`.
    pub fn of(key: &PrivateKey) -> Signer {
        Signer { algorithm: ALGORITHM.into(), fingerprint: key.fingerprint(), signature_file: SIGNATURE_FILE.into() }
    }
}

/// A key pair written by [`generate`].
#[derive(Debug)]
pub struct Generated {
    /// The private key file (mode 0600).
    pub private: PathBuf,
    /// The public key file (`<private>.pub`).
    pub public: PathBuf,
    /// The key.
    pub key: PrivateKey,
}

impl Generated {
    /// The public key's fingerprint.
    pub fn fingerprint(&self) -> String {
        self.key.fingerprint()
    }
}

fn create_private(path: &Path, force: bool) -> Result<std::fs::File, SignatureError> {
    let mut o = std::fs::OpenOptions::new();
    o.write(true);
    if force {
        o.create(true).truncate(true);
    } else {
        o.create_new(true);
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.mode(0o600);
    }
    match o.open(path) {
        Ok(f) => {
            #[cfg(unix)]
            {
                // An existing file overwritten with --force keeps its mode otherwise.
                use std::os::unix::fs::PermissionsExt;
                f.set_permissions(std::fs::Permissions::from_mode(0o600)).map_err(io("create", path))?;
            }
            Ok(f)
        }
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Err(SignatureError::Exists { path: path.to_path_buf() }),
        Err(e) => Err(SignatureError::Io { action: "create", path: path.to_path_buf(), source: e }),
    }
}

/// Generate a key pair: the private key at `path` (PKCS#8 PEM, created with mode 0600) and
/// the public key at `path.pub` (SPKI PEM). Existing files are kept unless `force`.
pub fn generate(path: &Path, force: bool) -> Result<Generated, SignatureError> {
    use std::io::Write;
    let public_path = PathBuf::from(format!("{}.pub", path.display()));
    if !force {
        for p in [path, public_path.as_path()] {
            if p.exists() {
                return Err(SignatureError::Exists { path: p.to_path_buf() });
            }
        }
    }
    let mut seed = [0u8; 32];
    getrandom::getrandom(&mut seed).map_err(|e| SignatureError::Random(e.to_string()))?;
    let key = PrivateKey { key: SigningKey::from_bytes(&seed) };
    seed.fill(0);
    let pem = key.key.to_pkcs8_pem(LineEnding::LF).map_err(|e| SignatureError::Encode(e.to_string()))?;
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(io("create", dir))?;
    }
    let mut f = create_private(path, force)?;
    f.write_all(pem.as_bytes()).map_err(io("write", path))?;
    f.sync_all().map_err(io("write", path))?;
    std::fs::write(&public_path, key.public().to_pem()?).map_err(io("write", &public_path))?;
    Ok(Generated { private: path.to_path_buf(), public: public_path, key })
}

/// What [`check`] found: each line is a check that holds or does not.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Checked {
    /// The signature holds for the trusted key.
    Valid {
        /// The signer's fingerprint.
        fingerprint: String,
    },
    /// There is no signature file.
    Missing {
        /// Where it was looked for.
        path: PathBuf,
    },
    /// The signature file cannot be read as one.
    Malformed {
        /// Why.
        reason: String,
    },
    /// Signed by another key than the trusted one.
    OtherKey {
        /// The trusted key's fingerprint.
        trusted: String,
        /// The fingerprint the signature file names.
        signed_by: String,
    },
    /// The signature does not hold over the file's bytes (the file was changed after
    /// signing, or the signature was).
    Invalid {
        /// The trusted key's fingerprint.
        fingerprint: String,
    },
    /// The signature holds, but `certify.json` names another signer than the key.
    SignerMismatch {
        /// The trusted key's fingerprint.
        trusted: String,
        /// What `certify.json` says (`none` when it names no signer).
        stated: String,
    },
}

impl Checked {
    /// True when the signature holds.
    pub fn is_ok(&self) -> bool {
        matches!(self, Checked::Valid { .. })
    }
}

impl std::fmt::Display for Checked {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Checked::Valid { fingerprint } => write!(f, "signature valid: certify.json is signed by {fingerprint}"),
            Checked::Missing { path } => write!(f, "signature MISSING: no {}", path.display()),
            Checked::Malformed { reason } => write!(f, "signature MALFORMED: {reason}"),
            Checked::OtherKey { trusted, signed_by } => {
                write!(f, "signature by ANOTHER KEY: signed by {signed_by}, the given public key is {trusted}")
            }
            Checked::Invalid { fingerprint } => write!(
                f,
                "signature INVALID: it does not hold for the bytes of certify.json with key {fingerprint} (changed after signing)"
            ),
            Checked::SignerMismatch { trusted, stated } => {
                write!(f, "signature holds, but certify.json names signer {stated}, not {trusted}")
            }
        }
    }
}

/// Read `RUN_DIR/certify.json.sig` without checking it (to say who claims to have signed).
pub fn read_signature(dir: &Path) -> Option<Result<SignatureFile, String>> {
    let path = dir.join(SIGNATURE_FILE);
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return None,
        Err(e) => return Some(Err(format!("cannot read {}: {e}", path.display()))),
    };
    Some(serde_json::from_str(&text).map_err(|e| format!("{} is not a signature file: {e}", path.display())))
}

fn signer_in(certificate: &[u8]) -> Option<String> {
    serde_json::from_slice::<serde_json::Value>(certificate)
        .ok()
        .and_then(|v| v.pointer("/signer/fingerprint").and_then(|f| f.as_str()).map(str::to_string))
}

/// The signer `RUN_DIR/certify.json` names (its `signer.fingerprint`), unchecked.
pub fn stated_signer(dir: &Path) -> Option<String> {
    std::fs::read(dir.join(super::report::JSON_FILE)).ok().and_then(|b| signer_in(&b))
}

/// Check `RUN_DIR/certify.json.sig` against the exact bytes of `RUN_DIR/certify.json` with
/// the trusted `key`. An unreadable `certify.json` is an error; everything about the
/// signature is a [`Checked`].
pub fn check(dir: &Path, key: &PublicKey) -> Result<Checked, SignatureError> {
    let json = dir.join(super::report::JSON_FILE);
    let bytes = std::fs::read(&json).map_err(io("read", &json))?;
    let trusted = key.fingerprint();
    let sig = match read_signature(dir) {
        None => return Ok(Checked::Missing { path: dir.join(SIGNATURE_FILE) }),
        Some(Err(reason)) => return Ok(Checked::Malformed { reason }),
        Some(Ok(s)) => s,
    };
    if sig.format != FORMAT || sig.algorithm != ALGORITHM {
        return Ok(Checked::Malformed {
            reason: format!("format {:?}, algorithm {:?}; expected {FORMAT}, {ALGORITHM}", sig.format, sig.algorithm),
        });
    }
    if sig.public_key != hex(key.key.as_bytes()) {
        let signed_by = match unhex(&sig.public_key).and_then(|b| <[u8; 32]>::try_from(b).ok()) {
            Some(b) => format!("SHA256:{}", hex(&sha256(&b))),
            None => sig.fingerprint.clone(),
        };
        return Ok(Checked::OtherKey { trusted, signed_by });
    }
    let Some(raw) = unhex(&sig.signature).and_then(|b| <[u8; 64]>::try_from(b).ok()) else {
        return Ok(Checked::Malformed { reason: "the signature is not 64 bytes of hex".into() });
    };
    if key.key.verify_strict(&bytes, &Signature::from_bytes(&raw)).is_err() {
        return Ok(Checked::Invalid { fingerprint: trusted });
    }
    let stated = signer_in(&bytes).unwrap_or_else(|| "none".into());
    if stated != trusted {
        return Ok(Checked::SignerMismatch { trusted, stated });
    }
    Ok(Checked::Valid { fingerprint: trusted })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_generated_key_signs_and_its_public_key_verifies() {
        let dir = tempfile::tempdir().unwrap();
        let g = generate(&dir.path().join("k"), false).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(std::fs::metadata(&g.private).unwrap().permissions().mode() & 0o777, 0o600);
        }
        assert!(matches!(generate(&dir.path().join("k"), false), Err(SignatureError::Exists { .. })));
        let key = PrivateKey::read(&g.private).unwrap();
        let public = PublicKey::read(&g.public).unwrap();
        assert_eq!(key.fingerprint(), public.fingerprint());
        assert!(!format!("{key:?}").contains(&hex(key.key.as_bytes())), "Debug shows no secret");
        let run = dir.path().join("run");
        std::fs::create_dir(&run).unwrap();
        let signer = serde_json::json!({"signer": Signer::of(&key)});
        std::fs::write(run.join("certify.json"), signer.to_string()).unwrap();
        key.sign_run(&run).unwrap();
        assert!(check(&run, &public).unwrap().is_ok());
        std::fs::write(run.join("certify.json"), signer.to_string() + " ").unwrap();
        assert!(matches!(check(&run, &public).unwrap(), Checked::Invalid { .. }));
        assert!(matches!(PublicKey::read(&g.private), Err(SignatureError::MalformedPublicKey { .. })));
        assert!(matches!(PrivateKey::read(&g.public), Err(SignatureError::MalformedPrivateKey { .. })));
    }
}
