"""The README's Python examples run as written (from the repository root)."""

import os
import re

from conftest import ROOT


def test_readme_python_blocks_run(tmp_path, monkeypatch):
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("### For analysts (Python)", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```python\n(.*?)```", section, flags=re.S)
    assert len(blocks) >= 2
    monkeypatch.chdir(tmp_path)
    os.symlink(ROOT / "fixtures", tmp_path / "fixtures")
    for block in blocks:
        exec(compile(block, "README.md", "exec"), {})
    assert (tmp_path / "fig1.png").read_bytes()[:4] == b"\x89PNG"
