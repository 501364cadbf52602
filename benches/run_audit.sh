#!/usr/bin/env bash
# Benchmark of issue 5: `ffbkit audit` (every PROTO and DST rule per citizen, summary per
# rule and municipality) over synthetic streams; throughput (reports/s) and peak RSS, at two
# sizes to show that memory does not grow with the corpus.
# usage: bash benches/run_audit.sh [CITIZENS]    (default: --national, 173,000 citizens)
# Needs /usr/bin/time (GNU time) for the peak RSS, falls back to benches/measure.py.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release -q -p ffbkit-conformance
ffbkit=target/release/ffbkit
out="${TMPDIR:-/tmp}/ffbkit-audit-bench"
mkdir -p "$out"
if [ -n "${1:-}" ]; then size=(--citizens "$1"); label="--citizens $1"; else size=(--national); label="--national"; fi
"$ffbkit" synth --citizens 2000 --seed 1 --out "$out/small.ndjson"
"$ffbkit" synth "${size[@]}" --seed 1 --out "$out/large.ndjson"
measure() { # name label file
    local reports; reports=$(wc -l < "$3")
    if [ -x /usr/bin/time ]; then
        /usr/bin/time -v "$ffbkit" audit --format json -o "$out/$1.json" --spill-dir "$out" "$3" 2> "$out/$1.time" || [ $? -eq 1 ]
        local wall rss
        wall=$(grep 'Elapsed (wall clock)' "$out/$1.time" | awk '{print $NF}')
        rss=$(grep 'Maximum resident set size' "$out/$1.time" | awk '{print $NF}')
        python3 - "$2" "$reports" "$wall" "$rss" <<'PY'
import sys
name, reports, wall, rss = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
parts = [float(p) for p in wall.split(":")]
secs = sum(p * 60 ** i for i, p in enumerate(reversed(parts)))
print(f"ffbkit audit {name}\t{reports} reports\t{secs:.2f} s\t{reports / secs:,.0f} reports/s\t{rss / 1024:.1f} MiB peak RSS")
PY
        python3 -c 'import json,sys; v=json.load(open(sys.argv[1])); print("  %d citizens, %d with findings" % (v["citizens"], v["citizens_with_findings"]))' "$out/$1.json"
    else
        python3 benches/measure.py "ffbkit audit $2 ($reports reports)" -- "$ffbkit" audit --format json -o "$out/$1.json" --spill-dir "$out" "$3"
    fi
}
measure small "--citizens 2000" "$out/small.ndjson"
measure large "$label" "$out/large.ndjson"
rm -rf "$out"
