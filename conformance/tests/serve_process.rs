//! The real `ffbkit serve` binary as a child process, for the tests that must kill it,
//! measure its memory or start it as a user would: one way to start it and learn its
//! address (the first line it prints), used by every such test.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};

/// A running `ffbkit serve` on `127.0.0.1:0` over `data` with the extra `args`; killed
/// (SIGKILL) when dropped, unless the test killed it first.
pub(crate) struct Serve {
    /// The child process.
    pub(crate) child: Child,
    /// `host:port` it listens on.
    pub(crate) addr: String,
}

impl Serve {
    /// Start the binary and wait for its address. The environment's token is removed so that
    /// only `args` configure one.
    pub(crate) fn start(data: &Path, args: &[&str]) -> Serve {
        Serve::spawn(data, args, Stdio::null())
    }

    /// [`Serve::start`] with its log (standard error, `RUST_LOG=debug`) written to `log`.
    pub(crate) fn start_logging(data: &Path, args: &[&str], log: &Path) -> Serve {
        Serve::spawn(data, args, Stdio::from(std::fs::File::create(log).unwrap()))
    }

    fn spawn(data: &Path, args: &[&str], stderr: Stdio) -> Serve {
        let mut child = Command::new(env!("CARGO_BIN_EXE_ffbkit"))
            .args(["serve", "--addr", "127.0.0.1:0", "--data-dir"])
            .arg(data)
            .args(args)
            .env_remove("FFBKIT_SERVE_TOKEN")
            .env("RUST_LOG", "debug")
            .stdout(Stdio::piped())
            .stderr(stderr)
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
        let addr = line.split("http://").nth(1).and_then(|r| r.split_whitespace().next()).expect("the address").to_string();
        Serve { child, addr }
    }

    /// SIGKILL: no shutdown, no flush; waits for the process to end.
    pub(crate) fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// The process's peak resident memory (VmHWM) in KiB.
    pub(crate) fn peak_kib(&self) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).unwrap();
        status.lines().find_map(|l| l.strip_prefix("VmHWM:")).and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok()).unwrap()
    }
}

impl Drop for Serve {
    fn drop(&mut self) {
        self.kill();
    }
}

/// An answer read by [`exchange`].
pub(crate) struct Answer {
    /// The HTTP status.
    pub(crate) status: u16,
    /// The status line and headers.
    pub(crate) head: String,
    /// The body (de-chunked).
    pub(crate) body: Vec<u8>,
}

/// One HTTP/1.1 exchange with `Connection: close` over a raw socket: `head` is the request
/// line and any headers; `Host`, `Content-Length` and `Connection` are added.
pub(crate) fn exchange(addr: &str, head: &str, body: &[u8]) -> Answer {
    let mut s = TcpStream::connect(addr).unwrap();
    write!(s, "{head}\r\nHost: {addr}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n", body.len()).unwrap();
    s.write_all(body).unwrap();
    let mut answer = Vec::new();
    s.read_to_end(&mut answer).unwrap();
    let split = answer.windows(4).position(|w| w == b"\r\n\r\n").expect("an HTTP answer") + 4;
    let mut rest = answer.split_off(split);
    let head = String::from_utf8_lossy(&answer).into_owned();
    let status = head.split_whitespace().nth(1).and_then(|c| c.parse().ok()).unwrap_or(0);
    if head.to_ascii_lowercase().contains("transfer-encoding: chunked") {
        rest = dechunk(&rest);
    }
    Answer { status, head, body: rest }
}

fn dechunk(mut b: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let eol = b.windows(2).position(|w| w == b"\r\n").unwrap();
        let n = usize::from_str_radix(std::str::from_utf8(&b[..eol]).unwrap().trim(), 16).unwrap();
        if n == 0 {
            return out;
        }
        out.extend_from_slice(&b[eol + 2..eol + 2 + n]);
        b = &b[eol + 2 + n + 2..];
    }
}
