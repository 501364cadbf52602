#!/usr/bin/env bash
# Fuzz for a fixed time budget: the validator (default 20 s; FUZZ_SECONDS to change), then
# the parser against serde_json and the OperationOutcome writer and reader (half as long
# each). All start from the kept report corpus.
#
# `bash scripts/fuzz.sh --conformance` fuzzes the conformance crate's targets instead (the
# journey loader, the receiver's routes in-process; fuzz/conformance): a separate cargo-fuzz
# project, since building it builds axum, tokio and SQLite with the sanitizer (about 6
# minutes here), which the test command's short run does not pay. Figures of a campaign:
# benches/README.md, "Issue 22: fuzzing".
# cargo-fuzz needs nightly flags; RUSTC_BOOTSTRAP lets the stable toolchain accept them.
set -euo pipefail
cd "$(dirname "$0")/../fuzz"
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked --quiet
export RUSTC_BOOTSTRAP=1
seconds="${FUZZ_SECONDS:-20}"

# fuzz TARGET SECONDS WHAT: run one target on a copy of the kept corpus (so that a run
# does not grow the repository); fail with the log's tail when it crashes.
fuzz() {
    local target=$1 budget=$2 what=$3
    local work status=0
    work="$(mktemp -d)"
    cp corpus/validate/* "$work"/
    cargo fuzz run -s none "$target" "$work" -- -max_total_time="$budget" -rss_limit_mb=2048 \
        >"$work.log" 2>&1 || status=$?
    grep -E '^(Done|==[0-9]+== ERROR|SUMMARY|thread .* panicked)' "$work.log" || true
    if [ "$status" -ne 0 ]; then
        tail -40 "$work.log"
        echo "fuzz: $what failed (artifacts in fuzz/artifacts/$target)"
        rm -rf "$work"
        exit 1
    fi
    rm -rf "$work" "$work.log"
    echo "fuzz: $what, no failure in ${budget}s"
}

if [ "${1:-}" = "--conformance" ]; then
    cd conformance
    for target in journey receiver; do
        work="$(mktemp -d)"
        status=0
        cargo fuzz run -s none --fuzz-dir . "$target" "$work" -- -max_total_time="$seconds" -rss_limit_mb=2048 \
            >"$work.log" 2>&1 || status=$?
        grep -E '^(Done|==[0-9]+== ERROR|SUMMARY|thread .* panicked)' "$work.log" || true
        if [ "$status" -ne 0 ]; then
            tail -40 "$work.log"
            echo "fuzz: $target failed (artifacts in fuzz/conformance/artifacts/$target)"
            exit 1
        fi
        rm -rf "$work" "$work.log"
        echo "fuzz: $target, no failure in ${seconds}s"
    done
    exit 0
fi

fuzz validate "$seconds" "the validator"
fuzz parse "$(( (seconds + 1) / 2 ))" "the parser against serde_json"
fuzz answer "$(( (seconds + 1) / 2 ))" "the OperationOutcome writer and reader (a gateway's answer)"
