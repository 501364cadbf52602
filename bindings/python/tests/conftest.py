"""Shared test data: the repository's fixture reports, and streams made by `ffbkit synth`."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
FIXTURES = ROOT / "fixtures" / "reports"


def ffbkit_binary() -> list:
    """The ffbkit CLI: $FFBKIT_BIN, a built binary in target/, or `cargo run`."""
    if os.environ.get("FFBKIT_BIN"):
        return [os.environ["FFBKIT_BIN"]]
    for profile in ("debug", "release"):
        b = ROOT / "target" / profile / "ffbkit"
        if b.exists():
            return [str(b)]
    cargo = shutil.which("cargo")
    if cargo is None:
        pytest.skip("no ffbkit binary and no cargo to build one")
    return [cargo, "run", "--quiet", "-p", "ffbkit-conformance", "--bin", "ffbkit", "--"]


def run_ffbkit(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(ffbkit_binary() + list(args), cwd=ROOT, capture_output=True, text=True, check=False)


@pytest.fixture(scope="session")
def synth_ndjson(tmp_path_factory) -> Path:
    """Forty citizens' VUM journeys over 2025, one report per line."""
    out = tmp_path_factory.mktemp("synth") / "streams.ndjson"
    r = run_ffbkit("synth", "--citizens", "40", "--seed", "7", "--out", str(out))
    assert r.returncode == 0, r.stderr
    return out


@pytest.fixture(scope="session")
def synth_dataset(synth_ndjson):
    import ffbkit

    return ffbkit.read_reports(synth_ndjson, audit=True)
