#!/usr/bin/env bash
# Load benchmark of issue 5: a release `ffbkit serve` (validation and durable SQLite storage
# on) under load from a second process on loopback (conformance/examples/load.rs, 64
# connections); requests/s, p50/p99 latency; then the proof that every accepted report is
# in the store (count and content hash), checked while it runs and again after a graceful
# stop (SIGTERM).
# usage: bash benches/run_serve.sh [REPORTS (default 20000)] [CONCURRENCY (default 64)]
set -euo pipefail
cd "$(dirname "$0")/.."
reports="${1:-20000}"
concurrency="${2:-64}"
port="${FFBKIT_BENCH_PORT:-8797}"
cargo build --release -q -p ffbkit-conformance --bin ffbkit --example load
data="target/bench-serve"
rm -rf "$data"
RUST_LOG=warn target/release/ffbkit serve --addr "127.0.0.1:$port" --data-dir "$data" &
server=$!
trap 'kill "$server" 2>/dev/null || true' EXIT
for _ in $(seq 100); do
    curl -fsS "http://127.0.0.1:$port/health" >/dev/null 2>&1 && break
    sleep 0.1
done
target/release/examples/load run --url "http://127.0.0.1:$port" --store "$data/receiver.sqlite" \
    --reports "$reports" --concurrency "$concurrency" --manifest "$data/load-manifest.json"
kill -TERM "$server"
wait "$server"
trap - EXIT
echo "after the graceful stop:"
target/release/examples/load verify --store "$data/receiver.sqlite" --manifest "$data/load-manifest.json"
echo "store: $(du -h "$data/receiver.sqlite" | cut -f1)"
