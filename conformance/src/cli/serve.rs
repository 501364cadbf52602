//! `ffbkit serve`: the gateway receiver (see [`crate::receiver`]) until Ctrl-C or SIGTERM,
//! then a graceful stop that finishes and stores every request in flight.

use super::EXIT_OK;
use crate::receiver::{ReceiverConfig, RunningReceiver, DATA_DIR_ENV, DEFAULT_DATA_DIR, DEFAULT_MAX_BODY_BYTES};
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
    /// is not part of it).
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
}

/// Run `ffbkit serve`.
pub(super) fn run(args: ServeArgs, out: &mut dyn Write) -> Result<i32> {
    let token = match (&args.token, &args.token_file) {
        (_, Some(file)) => match std::fs::read_to_string(file) {
            Ok(t) => Some(t),
            Err(e) => return usage(&format!("--token-file {}: {e}", file.display())),
        },
        (t, None) => t.clone(),
    }
    .map(|t| t.trim().to_string())
    .filter(|t| !t.is_empty());
    if token.is_none() && !args.addr.ip().is_loopback() && !args.insecure_no_auth {
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
    let config = ReceiverConfig { addr: args.addr, data_dir, token, max_body_bytes: args.max_body_bytes, as_written: args.as_written };
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
