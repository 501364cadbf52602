#!/usr/bin/env bash
# Fuzz the validator for a fixed time budget (default 20 s; FUZZ_SECONDS to change).
# cargo-fuzz needs nightly flags; RUSTC_BOOTSTRAP lets the stable toolchain accept them.
set -euo pipefail
cd "$(dirname "$0")/../fuzz"
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked --quiet
export RUSTC_BOOTSTRAP=1
seconds="${FUZZ_SECONDS:-20}"
# Work on a copy of the kept corpus so a run does not grow the repository.
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cp corpus/validate/* "$work"/
status=0
cargo fuzz run -s none validate "$work" -- -max_total_time="$seconds" -rss_limit_mb=2048 \
    >"$work.log" 2>&1 || status=$?
grep -E '^(Done|==[0-9]+== ERROR|SUMMARY|thread .* panicked)' "$work.log" || true
if [ "$status" -ne 0 ]; then
    tail -40 "$work.log"
    echo "fuzz: the validator crashed (artifacts in fuzz/artifacts/validate)"
    exit 1
fi
rm -f "$work.log"
echo "fuzz: no crash in ${seconds}s"
