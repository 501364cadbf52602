"""Benchmark of issue 7: delivery reports to tables, ffbkit versus plain Python.

usage: python benches/read_reports.py ffbkit   CORPUS_DIR
       python benches/read_reports.py ffbkit-novalidate CORPUS_DIR
       python benches/read_reports.py baseline CORPUS_DIR
       python benches/read_reports.py count    CORPUS_DIR

- ffbkit:   ``ffbkit.read_reports(dir)`` (read, validate, extract, latest state per id)
            and every table imported into pyarrow (``pa.table(t)``, zero-copy), pandas
            and pyarrow imported before the clock starts (as the baseline's pandas);
            ffbkit-novalidate: the same with ``validate=False``.
- baseline: ``json.load`` of each file, the resources grouped by profile, and
            ``pandas.json_normalize`` of the same fields, latest state per id kept with
            ``drop_duplicates``; no validation, no catalog look-ups (so it does less).
- count:    resources and reports in the corpus (``json.load`` of each file).

Run each under ``/usr/bin/time -v`` (benches/run_python_read.sh) for wall time and peak RSS.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path


def files(corpus: Path) -> list[Path]:
    return sorted(p for p in corpus.rglob("*.json"))


def run_ffbkit(corpus: Path, validate: bool = True) -> None:
    # Every library either side uses is imported before its clock starts, as the baseline
    # imports pandas before its own: pyarrow's first ``pa.table()`` imports pandas (when it
    # is installed) to ask whether its argument is a DataFrame: 0.22-0.33 s, which runs 1-9
    # of benches/README.md counted in ffbkit's read.
    import pandas  # noqa: F401
    import pyarrow as pa

    import ffbkit

    t0 = time.perf_counter()
    ds = ffbkit.read_reports(corpus, validate=validate)
    t1 = time.perf_counter()
    tables = {name: pa.table(t) for name, t in ds.tables().items()}
    dt = time.perf_counter() - t0
    rows = sum(t.num_rows for t in tables.values())
    print(f"ffbkit (validate={validate}): {ds.summary['reports']} reports, {ds.summary['resources']} resources -> {rows} rows in {len(tables)} Arrow tables (read {t1 - t0:.2f} s, pa.table {dt - (t1 - t0):.3f} s) in {dt:.2f} s")


def _first(col, key: str = "code"):
    """Field `key` of the first item of a list column (json_normalize leaves lists)."""
    return col.map(lambda v: v[0].get(key) if isinstance(v, list) and v and isinstance(v[0], dict) else None)


# profile id -> the fields the ffbkit tables carry (as json_normalize names them)
FIELDS = {
    "citizen": ["id", "identifier", "managingOrganization.identifier.value"],
    "serviceRequest": ["id", "status", "extension"],
    "informationGathering": ["id", "status", "effectiveDateTime", "extension", "finding"],
    "condition": ["id", "code.coding", "severity.coding", "recordedDate", "extension", "clinicalStatus.coding", "verificationStatus.coding"],
    "targetGroup": ["id", "code.coding", "recordedDate", "clinicalStatus.coding"],
    "interventionGoal": ["id", "lifecycleStatus", "target", "addresses"],
    "careEvaluation": ["id", "status", "effectiveDateTime", "valueCodeableConcept.coding"],
    "carePlan": ["id", "status", "period.start", "period.end", "extension", "careTeam", "addresses", "goal"],
    "intervention": ["id", "status", "basedOn", "period.start", "period.end", "created", "activity"],
    "followUp": ["id", "status", "effectiveDateTime", "focus", "valueCodeableConcept.coding"],
    "servicePerformer": ["id", "category"],
    "followUpEncounter": ["id", "period.start"],
}


def run_baseline(corpus: Path) -> None:
    import pandas as pd

    t0 = time.perf_counter()
    by_profile: dict[str, list] = {p: [] for p in FIELDS}
    reports = resources = 0
    for path in files(corpus):
        with open(path, encoding="utf-8") as f:
            bundle = json.load(f)
        reports += 1
        ts = bundle.get("timestamp")
        patient = next((e["resource"] for e in bundle.get("entry", []) if e["resource"].get("resourceType") == "Patient"), {})
        cpr = (patient.get("identifier") or [{}])[0].get("value", "")
        masked = cpr[:6] + "-****"
        for e in bundle.get("entry", []):
            r = e["resource"]
            resources += 1
            profile = r.get("meta", {}).get("profile", [""])[0].rsplit("kl-reporting-ffb-", 1)[-1]
            if profile in by_profile:
                r = dict(r)
                r["report_timestamp"] = ts
                r["citizen"] = masked
                by_profile[profile].append(r)
    tables = {}
    for profile, items in by_profile.items():
        df = pd.json_normalize(items)
        cols = [c for c in FIELDS[profile] + ["report_timestamp", "citizen", "meta.lastUpdated"] if c in df.columns]
        df = df[cols].copy()
        for c in [c for c in cols if c.endswith(".coding")]:
            df[c[: -len(".coding")]] = _first(df.pop(c))
        df = df.sort_values("report_timestamp", kind="stable").drop_duplicates("id", keep="last")
        tables[profile] = df
    dt = time.perf_counter() - t0
    rows = sum(len(t) for t in tables.values())
    print(f"baseline: {reports} reports, {resources} resources -> {rows} rows in {len(tables)} DataFrames in {dt:.2f} s")


def run_count(corpus: Path) -> None:
    reports = resources = 0
    for path in files(corpus):
        with open(path, encoding="utf-8") as f:
            resources += len(json.load(f).get("entry", []))
        reports += 1
    print(f"corpus: {reports} reports, {resources} resources")


if __name__ == "__main__":
    modes = {"ffbkit": run_ffbkit, "ffbkit-novalidate": lambda c: run_ffbkit(c, validate=False), "baseline": run_baseline, "count": run_count}
    if len(sys.argv) != 3 or sys.argv[1] not in modes:
        sys.exit(__doc__)
    modes[sys.argv[1]](Path(sys.argv[2]))
