"""The Python examples of the README and of docs/python.md run as written (from the
repository root, here a temporary directory with the fixtures linked in)."""

import os
import re

from conftest import ROOT


def python_blocks(path):
    return re.findall(r"```python\n(.*?)```", (ROOT / path).read_text(encoding="utf-8"), flags=re.S)


def test_readme_and_docs_python_blocks_run(tmp_path, monkeypatch):
    blocks = [(path, block) for path in ("README.md", "docs/python.md") for block in python_blocks(path)]
    assert sum(path == "README.md" for path, _ in blocks) >= 1
    assert sum(path == "docs/python.md" for path, _ in blocks) >= 2
    monkeypatch.chdir(tmp_path)
    os.symlink(ROOT / "fixtures", tmp_path / "fixtures")
    for path, block in blocks:
        exec(compile(block, path, "exec"), {})
    assert (tmp_path / "fig1.png").read_bytes()[:4] == b"\x89PNG"
