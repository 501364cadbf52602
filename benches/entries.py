"""Validation time against the size of one report (issue 22: linear, not quadratic).

Makes reports from the fixture `own-85-granted.json`: N distinct entries (its entries
copied with new ids), N copies of one entry (N duplicate-id findings), and one object of N
unknown keys (N findings); times `ffbkit validate --format summary` on each (best of 3) and
prints a table with the time per entry or finding, which stays flat when time is linear.

    python3 benches/entries.py target/release/ffbkit [OUT_DIR]
"""

import copy
import json
import subprocess
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BASE = json.loads((ROOT / "fixtures/reports/valid/own-85-granted.json").read_text(encoding="utf-8"))


def distinct(n: int) -> dict:
    extra = [e for e in BASE["entry"] if e["resource"]["resourceType"] != "Patient"]
    entries = list(BASE["entry"])
    i = 0
    while len(entries) < n:
        e = copy.deepcopy(extra[i % len(extra)])
        i += 1
        new = str(uuid.UUID(int=i))
        old = e["resource"]["id"]
        e["resource"]["id"] = new
        e["fullUrl"] = e["fullUrl"].replace(old, new)
        entries.append(e)
    return dict(BASE, entry=entries)


def duplicates(n: int) -> dict:
    return dict(BASE, entry=BASE["entry"] + [copy.deepcopy(BASE["entry"][2]) for _ in range(n)])


def keys(n: int) -> dict:
    return dict(BASE, zz={f"k{i}": 1 for i in range(n)})


def best_of(binary: str, path: Path, runs: int = 3) -> float:
    best = float("inf")
    for _ in range(runs):
        t = time.perf_counter()
        subprocess.run(
            [binary, "validate", "--format", "summary", "--max-size", "200000000", str(path)], stdout=subprocess.DEVNULL, check=False
        )
        best = min(best, time.perf_counter() - t)
    return best


def main() -> None:
    binary = sys.argv[1] if len(sys.argv) > 1 else str(ROOT / "target/release/ffbkit")
    out = Path(sys.argv[2] if len(sys.argv) > 2 else ROOT / "target/bench-entries")
    out.mkdir(parents=True, exist_ok=True)
    print("| report | n | bytes | time (best of 3) | per 1,000 |")
    print("|---|---|---|---|---|")
    for name, make, sizes in [
        ("distinct entries", distinct, [1_000, 10_000, 50_000, 100_000]),
        ("copies of one entry (duplicate-id findings)", duplicates, [1_000, 5_000, 10_000, 20_000]),
        ("unknown keys in one object (findings)", keys, [10_000, 20_000, 40_000, 80_000]),
    ]:
        for n in sizes:
            path = out / f"{make.__name__}-{n}.json"
            path.write_text(json.dumps(make(n)), encoding="utf-8")
            t = best_of(binary, path)
            print(f"| {name} | {n:,} | {path.stat().st_size:,} | {t:.3f} s | {t / n * 1000 * 1000:.1f} ms |")


if __name__ == "__main__":
    main()
