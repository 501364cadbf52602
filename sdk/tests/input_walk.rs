//! The directory walk does not trust the file system (issue 22): FIFOs are never opened,
//! each real directory is walked once, a file reached through a link is listed once.

use ffbkit_sdk::input::{expand, InputError};
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

fn temp(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("ffbkit-walk-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// Expand `dir` in a thread, failing the test if it does not return within 10 s.
fn expand_within(dir: &Path) -> Vec<Result<PathBuf, InputError>> {
    let (tx, rx) = mpsc::channel();
    let dir = dir.to_path_buf();
    std::thread::spawn(move || {
        let _ = tx.send(expand(&[dir]));
    });
    rx.recv_timeout(Duration::from_secs(10)).expect("the walk returns within 10 s")
}

fn names(out: &[Result<PathBuf, InputError>], base: &Path) -> Vec<String> {
    out.iter()
        .map(|r| match r {
            Ok(p) => p.strip_prefix(base).unwrap().display().to_string(),
            Err(e) => format!("error: {}", e.name().strip_prefix(&base.display().to_string()).unwrap_or("?")),
        })
        .collect()
}

#[cfg(unix)]
#[test]
fn a_fifo_named_json_is_an_error_never_opened() {
    let d = temp("fifo");
    std::fs::write(d.join("a.json"), b"{}").unwrap();
    let st = std::process::Command::new("mkfifo").arg(d.join("x.json")).status().unwrap();
    assert!(st.success());
    let out = expand_within(&d);
    assert_eq!(names(&out, &d), ["error: /x.json", "a.json"]);
    let e = out[0].as_ref().unwrap_err();
    assert!(e.reason().contains("FIFO") && e.reason().contains("not a regular file"), "{e}");
    // Named directly, too.
    let out = expand(&[d.join("x.json")]);
    assert!(out[0].as_ref().unwrap_err().reason().contains("FIFO"));
    std::fs::remove_dir_all(&d).unwrap();
}

#[cfg(unix)]
#[test]
fn a_link_to_the_directory_itself_adds_nothing() {
    let d = temp("self");
    std::fs::create_dir_all(d.join("sub")).unwrap();
    std::fs::write(d.join("sub/r.json"), b"{}").unwrap();
    std::os::unix::fs::symlink(".", d.join("sub/a")).unwrap();
    let out = expand_within(&d);
    assert_eq!(names(&out, &d), ["sub/r.json"]);
    std::fs::remove_dir_all(&d).unwrap();
}

#[cfg(unix)]
#[test]
fn two_links_to_the_same_place_do_not_grow_the_walk() {
    let d = temp("two");
    std::fs::write(d.join("r.json"), b"{}").unwrap();
    std::os::unix::fs::symlink(".", d.join("a")).unwrap();
    std::os::unix::fs::symlink(".", d.join("b")).unwrap();
    std::fs::create_dir_all(d.join("sub")).unwrap();
    std::os::unix::fs::symlink("..", d.join("sub/up")).unwrap();
    let out = expand_within(&d);
    assert_eq!(names(&out, &d), ["r.json"]);
    std::fs::remove_dir_all(&d).unwrap();
}

#[cfg(unix)]
#[test]
fn a_link_to_a_file_already_listed_is_listed_once() {
    let d = temp("filelink");
    std::fs::write(d.join("a.json"), b"{}").unwrap();
    std::os::unix::fs::symlink("a.json", d.join("b.json")).unwrap();
    std::os::unix::fs::symlink("missing.json", d.join("c.json")).unwrap();
    let out = expand_within(&d);
    let n = names(&out, &d);
    assert_eq!(n.iter().filter(|n| !n.starts_with("error")).count(), 1, "{n:?}");
    assert!(n.contains(&"error: /c.json".to_string()), "{n:?}");
    std::fs::remove_dir_all(&d).unwrap();
}
