#!/usr/bin/env bash
# Benchmark of issue 7: ffbkit.read_reports to Arrow versus json.load + pandas.json_normalize
# on the same synthetic corpus of at least 1 million resources (one file per report).
# Wall time and peak RSS of each process from /usr/bin/time -v.
# usage: bash benches/run_python_read.sh [CITIZENS]   (default 16500: about 1.02 M resources)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
citizens="${1:-16500}"
venv="$root/.venv-bench"
corpus="${TMPDIR:-/tmp}/ffbkit-read-bench-$citizens"

cargo build --release -q -p ffbkit-conformance
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check "maturin>=1.7,<2" pyarrow pandas
rm -rf target/wheels-release
"$venv/bin/maturin" build --release --quiet -m bindings/python/Cargo.toml --out target/wheels-release --interpreter "$venv/bin/python"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check --force-reinstall --no-deps target/wheels-release/ffbkit-*.whl

if [ ! -d "$corpus" ]; then
    target/release/ffbkit synth --citizens "$citizens" --seed 1 --out "$corpus"
fi
echo "corpus: $corpus ($(du -sh "$corpus" | cut -f1))"
"$venv/bin/python" benches/read_reports.py count "$corpus"

measure() {
    local label=$1; shift
    /usr/bin/time -v "$@" 2> "$corpus.time" | sed "s/^/  /"
    local wall rss
    wall=$(grep "Elapsed (wall clock)" "$corpus.time" | awk '{print $NF}')
    rss=$(grep "Maximum resident set size" "$corpus.time" | awk '{print $NF}')
    printf "%s\twall %s\tcpu %s s user + %s s sys\tpeak RSS %.1f MiB\n" "$label" "$wall" "$(grep "User time" "$corpus.time" | awk "{print \$NF}")" "$(grep "System time" "$corpus.time" | awk "{print \$NF}")" "$(echo "$rss / 1024" | bc -l)"
}
# page cache warm for both
find "$corpus" -name '*.json' -exec cat {} + > /dev/null
# The host's speed drifts by a third within minutes, so the validated read is measured five
# times, three before the (minute-long) baseline runs and two after, and its median is
# compared with the faster of two baseline runs (the comparison least kind to ffbkit).
log="$corpus.reads"
: > "$log"
for i in 1 2 3; do
    measure "ffbkit.read_reports (2 cores), run $i" "$venv/bin/python" benches/read_reports.py ffbkit "$corpus" | tee -a "$log"
done
measure "ffbkit.read_reports (1 core)" env RAYON_NUM_THREADS=1 "$venv/bin/python" benches/read_reports.py ffbkit "$corpus"
measure "ffbkit.read_reports(validate=False)" "$venv/bin/python" benches/read_reports.py ffbkit-novalidate "$corpus"
for i in 1 2; do
    measure "json.load + pandas.json_normalize, run $i" "$venv/bin/python" benches/read_reports.py baseline "$corpus" | tee -a "$log"
done
for i in 4 5; do
    measure "ffbkit.read_reports (2 cores), run $i" "$venv/bin/python" benches/read_reports.py ffbkit "$corpus" | tee -a "$log"
done
# "... in 3.34 s" is the time each script measures around the read (or the baseline's work).
reads=$(grep "^  ffbkit (validate=True)" "$log" | sed 's/.* in \([0-9.]*\) s$/\1/' | sort -n)
baseline=$(grep "^  baseline:" "$log" | sed 's/.* in \([0-9.]*\) s$/\1/' | sort -n | head -1)
median=$(echo "$reads" | sed -n 3p)
echo "validated reads (s): $(echo $reads); median $median s; faster baseline $baseline s; speed-up $(echo "scale=1; $baseline / $median" | bc)x (range $(echo "scale=1; $baseline / $(echo "$reads" | tail -1)" | bc)-$(echo "scale=1; $baseline / $(echo "$reads" | head -1)" | bc)x)"
rm -f "$corpus.time" "$log"
