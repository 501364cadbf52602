//! `ffbkit serve`: the gateway receiver (see [`crate::receiver`]) until Ctrl-C or SIGTERM,
//! then a graceful stop that finishes and stores every request in flight.

use super::EXIT_OK;
use crate::harness::secret::Secret;
use crate::receiver::{limits, Limits, ReceiverConfig, RunningReceiver, DATA_DIR_ENV, DEFAULT_DATA_DIR, DEFAULT_MAX_BODY_BYTES};
use anyhow::Result;
use clap::Args;
use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;

/// Arguments of `ffbkit serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on (port 0: any free port, printed at start).
    #[arg(long, default_value = crate::receiver::DEFAULT_ADDR)]
    pub addr: SocketAddr,
    /// Data directory; the store is DIR/receiver.sqlite. Default: $FFBKIT_DATA_DIR, else
    /// ./ffbkit-data.
    #[arg(long)]
    pub data_dir: Option<PathBuf>,
    /// Require `Authorization: Bearer TOKEN` on every endpoint but /health (visible in the
    /// process list: prefer --token-file or the environment).
    #[arg(long, env = "FFBKIT_SERVE_TOKEN", hide_env_values = true, conflicts_with = "token_file")]
    pub token: Option<String>,
    /// Read the bearer token from FILE (surrounding whitespace, e.g. a trailing newline,
    /// is not part of it); or one sender per line, `NAME TOKEN`: each sender's token is
    /// accepted and its name stored with what it sent (`bearer:NAME@PEER`).
    #[arg(long, value_name = "FILE")]
    pub token_file: Option<PathBuf>,
    /// Listen on a non-loopback address without a token: every endpoint open to the network.
    #[arg(long)]
    pub insecure_no_auth: bool,
    /// Largest request body read; larger ones are answered 413.
    #[arg(long, default_value_t = DEFAULT_MAX_BODY_BYTES)]
    pub max_body_bytes: usize,
    /// Answer as a gateway built on the HL7 validator would: the IG's invariants as their
    /// FHIRPath expressions are written, con-5 an error, the text-only rules off (see
    /// `ffbkit validate --as-written`).
    #[arg(long)]
    pub as_written: bool,
    /// Seconds a connection has to send a request's headers after it opens or after its
    /// previous answer (also the idle timeout of kept-alive connections).
    #[arg(long, value_name = "SECS", default_value_t = limits::DEFAULT_HEADER_READ_TIMEOUT.as_secs_f64())]
    pub header_timeout: f64,
    /// Seconds a request's body has to arrive after its headers (408 after that).
    #[arg(long, value_name = "SECS", default_value_t = limits::DEFAULT_BODY_READ_TIMEOUT.as_secs_f64())]
    pub body_timeout: f64,
    /// Open connections at most; further clients wait until one closes.
    #[arg(long, default_value_t = limits::DEFAULT_MAX_CONNECTIONS)]
    pub max_connections: usize,
    /// Requests handled at once at most (all but /health); more are answered 503 with
    /// Retry-After.
    #[arg(long, default_value_t = limits::DEFAULT_MAX_IN_FLIGHT)]
    pub max_in_flight: usize,
    /// Bytes of request bodies held at once (by their declared Content-Length); a body that
    /// does not fit waits, at most half --body-timeout, then 503 with Retry-After. At least
    /// --max-body-bytes.
    #[arg(long, default_value_t = limits::DEFAULT_BODY_BUDGET_BYTES)]
    pub body_budget_bytes: usize,
    /// Bytes of rejected reports stored per sender (token, or IP address without tokens)
    /// and minute; beyond it a rejected report is answered 429 and counted, not stored.
    #[arg(long, default_value_t = limits::DEFAULT_REJECTED_BYTES_PER_MINUTE)]
    pub rejected_bytes_per_minute: u64,
}

/// Seconds from the command line as a duration; a bad one is a usage error.
fn seconds(flag: &str, s: f64) -> std::result::Result<std::time::Duration, String> {
    std::time::Duration::try_from_secs_f64(s)
        .ok()
        .filter(|d| !d.is_zero())
        .ok_or_else(|| format!("{flag} must be a positive number of seconds, not {s}"))
}

/// Run `ffbkit serve`.
pub(super) fn run(args: ServeArgs, out: &mut dyn Write) -> Result<i32> {
    let tokens = match (&args.token, &args.token_file) {
        (_, Some(file)) => Secret::read_senders(file),
        (Some(t), None) => Secret::from_text(t, "of --token (or FFBKIT_SERVE_TOKEN)").map(|t| vec![(None, t)]),
        (None, None) => Ok(Vec::new()),
    };
    let tokens = match tokens {
        Ok(t) => t,
        Err(e) => return usage(&format!("{:#}", anyhow::Error::from(e))),
    };
    let token = tokens.iter().find(|(name, _)| name.is_none()).map(|(_, t)| t.expose().to_string());
    let senders: Vec<(String, String)> =
        tokens.iter().filter_map(|(name, t)| name.as_ref().map(|n| (n.clone(), t.expose().to_string()))).collect();
    if tokens.is_empty() && !args.addr.ip().is_loopback() && !args.insecure_no_auth {
        return usage(&format!(
            "refusing to listen on {} without a token: give --token-file FILE (or FFBKIT_SERVE_TOKEN), or --insecure-no-auth to open every endpoint to the network",
            args.addr
        ));
    }
    let _ = tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .try_init();
    let data_dir =
        args.data_dir.or_else(|| std::env::var_os(DATA_DIR_ENV).map(PathBuf::from)).unwrap_or_else(|| PathBuf::from(DEFAULT_DATA_DIR));
    let (header_read_timeout, body_read_timeout) =
        match (seconds("--header-timeout", args.header_timeout), seconds("--body-timeout", args.body_timeout)) {
            (Ok(h), Ok(b)) => (h, b),
            (Err(e), _) | (_, Err(e)) => return usage(&e),
        };
    let limits = Limits {
        header_read_timeout,
        body_read_timeout,
        max_connections: args.max_connections,
        max_in_flight: args.max_in_flight,
        body_budget_bytes: args.body_budget_bytes,
        rejected_bytes_per_minute: args.rejected_bytes_per_minute,
    };
    let config = ReceiverConfig {
        addr: args.addr,
        data_dir,
        token,
        senders,
        max_body_bytes: args.max_body_bytes,
        as_written: args.as_written,
        limits,
    };
    let store_path = config.store_path();
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    runtime.block_on(async {
        let receiver = RunningReceiver::start(config).await?;
        writeln!(
            out,
            "ffbkit serve: listening on {} (POST {}/fhir/Bundle); store {}",
            receiver.url(),
            receiver.url(),
            store_path.display()
        )?;
        out.flush()?;
        stop_signal().await;
        tracing::info!("stopping: finishing the requests in flight");
        receiver.shutdown().await?;
        Ok::<_, anyhow::Error>(())
    })?;
    Ok(EXIT_OK)
}

fn usage(message: &str) -> Result<i32> {
    eprintln!("ffbkit serve: {message}");
    Ok(super::EXIT_USAGE)
}

/// Ctrl-C, or SIGTERM on Unix.
async fn stop_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    {
        let term = async {
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(mut s) => {
                    s.recv().await;
                }
                Err(_) => std::future::pending::<()>().await,
            }
        };
        tokio::select! { _ = ctrl_c => {}, _ = term => {} }
    }
    #[cfg(not(unix))]
    ctrl_c.await;
}
