#!/usr/bin/env bash
# The vendor-style nightly job (examples/nightly_job.rs) against a real `ffbkit serve` on
# loopback: run, run again (nothing new), run after downtime (it catches up): the receiver
# must hold each day's report once, all accepted, and the stream must audit without
# findings (docs/vendor-guide.md).
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --quiet --locked -p ffbkit-conformance --bin ffbkit
cargo build --quiet --locked -p ffbkit-sdk --features client --example nightly_job
bin="${CARGO_TARGET_DIR:-$PWD/target}/debug"
work=$(mktemp -d)
trap 'kill "$serve" 2>/dev/null || true; rm -rf "$work"' EXIT
"$bin/ffbkit" serve --addr 127.0.0.1:0 --data-dir "$work/rx" >"$work/serve.out" 2>"$work/serve.err" &
serve=$!
for _ in $(seq 100); do
    url=$(sed -n 's/^ffbkit serve: listening on \(http:[^ ]*\) .*/\1/p' "$work/serve.out")
    [ -n "$url" ] && break
    sleep 0.1
done
[ -n "$url" ] || { cat "$work/serve.err"; echo "ffbkit serve did not start" >&2; exit 1; }
job() { "$bin/examples/nightly_job" --dir "$work/job" --gateway "$url/fhir/Bundle" --from 2025-05-26 "$@"; }
echo "-- nightly job through 2025-06-10, then again (nothing new), then after downtime through 2025-06-20"
job --to 2025-06-10 | tee "$work/run1"
job --to 2025-06-10 | tee "$work/run2"
job --to 2025-06-20 | tee "$work/run3"
grep -q "^4 new report" "$work/run1" && grep -q "^0 new report" "$work/run2" && grep -q "^1 new report" "$work/run3" \
    || { echo "the re-run or the catch-up planned the wrong reports" >&2; exit 1; }
python3 - "$url" <<'PY'
import json, sys, urllib.request
reports = json.load(urllib.request.urlopen(sys.argv[1] + "/reports?limit=100"))["reports"]
ids = [r["bundle_id"] for r in reports]
assert len(ids) == len(set(ids)), f"a report was stored twice: {ids}"
assert len(ids) == 5 and all(r["accepted"] for r in reports), [(r["bundle_id"], r["status"]) for r in reports]
for c in json.load(urllib.request.urlopen(sys.argv[1] + "/citizens"))["citizens"]:
    audit = json.load(urllib.request.urlopen(f"{sys.argv[1]}/citizens/{c['citizen_key']}/audit"))
    assert audit["findings"] == [], audit["findings"]
print(f"receiver: {len(ids)} reports, each once, all accepted; the stream audits without findings")
PY
