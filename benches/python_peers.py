#!/usr/bin/env python3
"""The Python peers on the benchmark corpus: json.loads of every file, and fhir.resources
(R4, 6.5.0) parsing of the bundles. Prints reports per second.

usage: python_peers.py CORPUS_DIR [FHIR_SAMPLE]   (FHIR_SAMPLE files for fhir.resources,
default 300: it is ~200x slower than json.loads, so a sample gives its rate)
"""
import json
import sys
import time
from pathlib import Path

corpus = sorted(Path(sys.argv[1]).glob("*.json"))
sample = int(sys.argv[2]) if len(sys.argv) > 2 else 300
total_bytes = sum(p.stat().st_size for p in corpus)

start = time.perf_counter()
for p in corpus:
    with open(p, "rb") as f:
        json.loads(f.read())
dt = time.perf_counter() - start
print(f"python json.loads\t{len(corpus)} reports\t{len(corpus) / dt:,.0f} reports/s\t{total_bytes / dt / 2**20:,.1f} MiB/s")

from fhir.resources.bundle import Bundle  # noqa: E402  (R4 in fhir.resources 6.x)

start = time.perf_counter()
for p in corpus[:sample]:
    Bundle.parse_file(p)
dt = time.perf_counter() - start
print(f"python fhir.resources R4 parse\t{sample} reports\t{sample / dt:,.1f} reports/s")
