//! Files that hold personal data (report bodies with CPR numbers): the stores of the
//! outbox and durable planner, the receiver, the certification evidence and the audit's
//! spill are created readable and writable by their owner only (mode 0600 on Unix). SQLite
//! gives its `-wal` and `-shm` files the database file's permissions.

use std::path::Path;

/// Create `path` as an empty file only its owner may read and write (0600 on Unix), when it
/// does not exist yet; an existing file is left as it is. Call it before SQLite opens the
/// file, so the database is never world-readable, not even for a moment.
///
/// ```
/// let path = std::env::temp_dir().join(format!("ffbkit-private-{}.sqlite", std::process::id()));
/// ffbkit_sdk::private_file::create_private(&path).unwrap();
/// # #[cfg(unix)] {
/// use std::os::unix::fs::PermissionsExt;
/// assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
/// # }
/// # std::fs::remove_file(&path).unwrap();
/// ```
pub fn create_private(path: &Path) -> std::io::Result<()> {
    let mut o = std::fs::OpenOptions::new();
    o.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut o, 0o600);
    match o.open(path) {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(e),
    }
}
