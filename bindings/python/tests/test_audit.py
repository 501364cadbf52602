"""ffbkit.audit: the SDK's stream audit per citizen and municipality, as tables."""

import json

import pytest

import ffbkit
from conftest import FIXTURES, run_ffbkit


def cli_audit(path) -> dict:
    r = run_ffbkit("audit", "--json", str(path))
    assert r.stdout, r.stderr
    return json.loads(r.stdout)


@pytest.mark.parametrize("which", ["valid", "synth"])
def test_same_findings_as_the_cli(which, synth_ndjson):
    path = FIXTURES / "valid" if which == "valid" else synth_ndjson
    a = ffbkit.audit(ffbkit.read_reports(path))
    cli = cli_audit(path)
    assert a.citizens.num_rows == cli["citizens"]
    # The CLI counts citizens per rule (every rule listed, zeros included).
    citizens_per_rule: dict = {}
    for rule, citizen in zip(a.findings.column("rule"), a.findings.column("citizen")):
        citizens_per_rule.setdefault(rule, set()).add(citizen)
    assert {r: len(c) for r, c in citizens_per_rule.items()} == {r: n for r, n in cli["per_rule"].items() if n}
    with_findings = sum(1 for n in a.citizens.column("findings") if n > 0)
    assert with_findings == cli["citizens_with_findings"]


def test_tables_agree_with_each_other():
    ds = ffbkit.read_reports(FIXTURES / "valid", audit=True)
    a = ffbkit.audit(ds)
    assert a is ffbkit.audit(ds)  # computed once, at read time
    assert "PROTO-ONE-DAY" in a.findings.column("rule")
    assert sum(a.citizens.column("findings")) == a.findings.num_rows
    m = a.municipalities.to_pylist()
    assert sum(r["findings"] for r in m) == a.findings.num_rows
    citizens_per_m = {r["municipality"]: r["citizens"] for r in m}
    assert sum(citizens_per_m.values()) == a.citizens.num_rows
    audit_issues = [i for i in ds.issues.to_pylist() if i["origin"] == "audit"]
    assert sorted(i["rule"] for i in audit_issues) == sorted(a.findings.column("rule"))
    assert all(i["message"] for i in audit_issues)


def test_audit_of_a_dataset_read_without_it_and_of_paths():
    ds = ffbkit.read_reports(FIXTURES / "valid")
    assert all(o == "validator" for o in ds.issues.column("origin"))
    a, b = ffbkit.audit(ds), ffbkit.audit(FIXTURES / "valid")
    assert a.findings.to_pylist() == b.findings.to_pylist()
    assert "Audit(citizens=" in repr(a)


def test_audit_wrong_type():
    with pytest.raises(TypeError, match="path or a list of paths"):
        ffbkit.audit(3.14)
