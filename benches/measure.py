#!/usr/bin/env python3
"""Run a command once; print its wall time and peak memory (max RSS of the child).

usage: measure.py LABEL -- COMMAND...
Environment variables pass through (e.g. RAYON_NUM_THREADS=1).
"""
import resource
import subprocess
import sys
import time

label = sys.argv[1]
cmd = sys.argv[sys.argv.index("--") + 1:]
start = time.perf_counter()
proc = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
wall = time.perf_counter() - start
peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
if proc.returncode not in (0, 1):
    sys.stderr.write(proc.stderr.decode(errors="replace"))
    sys.exit(proc.returncode)
print(f"{label}\t{wall:.2f} s\t{peak_kib / 1024:.1f} MiB peak RSS")
