#!/usr/bin/env bash
# Benchmarks of issue 3 (validator) on one seeded corpus; see benches/README.md.
# usage: bash benches/run.sh [REPORTS]   (default 10000)
set -euo pipefail
cd "$(dirname "$0")/.."
n="${1:-10000}"
cargo build --release -q -p ffbkit-conformance
ffbkit=target/release/ffbkit
corpus="target/bench-corpus-$n"
[ -d "$corpus" ] || "$ffbkit" sample --reports "$n" --seed 1 --out "$corpus"
small="target/bench-corpus-1000"
[ -d "$small" ] || "$ffbkit" sample --reports 1000 --seed 1 --out "$small"
echo "corpus: $n reports, $(du -sh "$corpus" | cut -f1), seed 1 (ffbkit sample)"

echo "== criterion (1000 in-memory reports)"
cargo bench -q -p ffbkit-sdk --bench validate 2>/dev/null | grep -E '^1000|thrpt:' | grep -v '%'

echo "== ffbkit validate, files on disk (wall, peak RSS; page cache warmed first)"
"$ffbkit" validate --format summary "$corpus" >/dev/null || true
RAYON_NUM_THREADS=1 python3 benches/measure.py "ffbkit validate, 1 core, $n files" -- "$ffbkit" validate --format summary "$corpus"
python3 benches/measure.py "ffbkit validate, all cores, $n files" -- "$ffbkit" validate --format summary "$corpus"
python3 benches/measure.py "ffbkit validate, all cores, 1000 files" -- "$ffbkit" validate --format summary "$small"

echo "== Python peers"
venv=.venv-bench
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
"$venv/bin/python" -m pip install -q --disable-pip-version-check "fhir.resources==6.5.0" "pydantic>=1.10,<2"
"$venv/bin/python" benches/python_peers.py "$corpus"
