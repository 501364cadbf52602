#!/usr/bin/env bash
# The engine's cost (issue 19): `ffbkit validate` on a seeded 10,000-report sample corpus,
# as intended (the hand-coded rules only) and `--as-written` (the hand-coded rules, then
# the IG's invariants on the FHIRPath engine), each run three times in turn; wall time and
# peak RSS. The as-written re-judging runs on the CLI's writer thread, one report at a time.
# usage: bash benches/run_as_written.sh [REPORTS]
set -euo pipefail
cd "$(dirname "$0")/.."
n="${1:-10000}"
cargo build --release -q -p ffbkit-conformance
ffbkit=target/release/ffbkit
out="${TMPDIR:-/tmp}/ffbkit-as-written-bench"
rm -rf "$out" && mkdir -p "$out"
"$ffbkit" sample --reports "$n" --seed 19 --out "$out/corpus.ndjson" >/dev/null
for round in 1 2 3; do
    python3 benches/measure.py "validate, $n reports, as intended (round $round)" -- "$ffbkit" validate --format summary "$out/corpus.ndjson"
    python3 benches/measure.py "validate --as-written, $n reports (round $round)" -- "$ffbkit" validate --as-written --format summary "$out/corpus.ndjson"
done
# Exits 1 (every goal fails intervention-goal-2 as written): not an error of the bench.
"$ffbkit" validate --as-written --format summary "$out/corpus.ndjson" | head -8 || true
rm -rf "$out"
