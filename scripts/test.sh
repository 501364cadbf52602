#!/usr/bin/env bash
# Runs every test of ffbkit on a fresh machine: Rust (formatting, workspace tests, doctests,
# generated-code freshness, clippy), then a Python venv with maturin, pytest and mypy, the
# ffbkit wheel built and installed into it, and the Python tests, doctests and stub check;
# in between, a short fuzzing run of the validator (scripts/fuzz.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

echo "== cargo fmt --check (rustfmt.toml)"
cargo fmt --all --check

echo "== cargo test (workspace)"
cargo test --workspace --exclude ffbkit-python --locked

echo "== cargo clippy (all targets, warnings are errors)"
cargo clippy --workspace --all-targets --locked -- -D warnings

echo "== examples"
for example in build_report plan_week send_with_outbox; do
    cargo run --quiet --locked -p ffbkit-sdk --example "$example"
done
cargo run --quiet --locked -p ffbkit-conformance --example journey_suite
bash scripts/nightly_job.sh   # the vendor-style nightly job against `ffbkit serve`, run twice

echo "== fuzz the validator (fixed time budget)"
bash scripts/fuzz.sh

echo "== python venv"
venv="$root/.venv"
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check \
    "maturin>=1.7,<2" "pytest>=8" "mypy>=1.10" "hypothesis>=6" pyarrow pandas polars matplotlib duckdb

echo "== Rust unit tests of the Python package (the tables and CPR modes are the SDK's, tested with it: sdk/tests/dataset.rs)"
cargo test --quiet --locked -p ffbkit-python --lib

echo "== build and install the ffbkit wheel"
rm -rf target/wheels
"$venv/bin/maturin" build --quiet -m bindings/python/Cargo.toml --out target/wheels --interpreter "$venv/bin/python"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check --force-reinstall --no-deps target/wheels/ffbkit-*.whl

echo "== pytest"
cd "$root/bindings/python"
"$venv/bin/python" -m pytest -q -p no:cacheprovider --doctest-modules --pyargs ffbkit tests
echo "== stub check (mypy.stubtest)"
"$venv/bin/python" -m mypy.stubtest ffbkit._ffbkit ffbkit.codes --ignore-missing-stub
echo "== analyst example (ffbkit synth -> read_reports -> audit -> analyses -> out/analyst/index.html)"
cd "$root"
"$venv/bin/python" examples/analyst_report.py --out "$root/out/analyst"
echo "== the typed SDK in Python (examples/boerge_mogensen.py: built, planned, validated, audited)"
"$venv/bin/python" examples/boerge_mogensen.py --out "$root/out/boerge-python"
