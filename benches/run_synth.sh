#!/usr/bin/env bash
# Benchmarks of issue 4: ffbkit synth (journeys + planner + builder) at 2,000 citizens and
# at the national preset; wall time and peak RSS (memory must not grow with citizens).
# usage: bash benches/run_synth.sh [--skip-national]
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release -q -p ffbkit-conformance
ffbkit=target/release/ffbkit
out="${TMPDIR:-/tmp}/ffbkit-synth-bench"
mkdir -p "$out"
python3 benches/measure.py "ffbkit synth --citizens 2000" -- "$ffbkit" synth --citizens 2000 --seed 1 --out "$out/2k.ndjson"
python3 benches/measure.py "ffbkit synth --citizens 20000" -- "$ffbkit" synth --citizens 20000 --seed 1 --out "$out/20k.ndjson"
echo "reports: 2k $(wc -l < "$out/2k.ndjson"), 20k $(wc -l < "$out/20k.ndjson")"
if [ "${1:-}" != "--skip-national" ]; then
    python3 benches/measure.py "ffbkit synth --national" -- "$ffbkit" synth --national --seed 1 --out "$out/national.ndjson"
    echo "national: $(wc -l < "$out/national.ndjson") reports, $(du -h "$out/national.ndjson" | cut -f1)"
fi
rm -rf "$out"
