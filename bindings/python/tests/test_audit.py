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
    # Citizens affected per rule; the CLI lists every audited rule, with 0 where none failed it.
    per_rule: dict = {}
    for rules in a.citizens.column("rules"):
        for rule in filter(None, rules.split(",")):
            per_rule[rule] = per_rule.get(rule, 0) + 1
    assert per_rule == {rule: n for rule, n in cli["per_rule"].items() if n}
    # REQUIREMENTS.md: 9 PROTO rules (section 2), 6 DST rules (section 3) and DST-AD-INDSATS (section 7).
    assert len(cli["per_rule"]) == 16 and all(r.startswith(("PROTO-", "DST-")) for r in cli["per_rule"])
    assert "DST-AD-INDSATS" in cli["per_rule"]
    with_findings = sum(1 for n in a.citizens.column("findings") if n > 0)
    assert with_findings == cli["citizens_with_findings"]
    # Severity: the same citizens have errors; each rule's severity as the CLI states it.
    with_errors = sum(1 for n in a.citizens.column("errors") if n > 0)
    assert with_errors == cli["citizens_with_errors"]
    assert set(a.findings.column("severity")) <= {"error", "interpretation"}
    errors_per_rule: dict = {}
    for row in a.findings.to_pylist():
        if row["severity"] == "error":
            errors_per_rule.setdefault(row["rule"], set()).add(row["citizen"])
    assert {r: len(c) for r, c in errors_per_rule.items()} == {r: n for r, n in cli["per_rule_errors"].items() if n}
    assert {r["rule"]: r["severity"] for r in cli["rules"]}.keys() == cli["per_rule"].keys()


def test_tables_agree_with_each_other():
    ds = ffbkit.read_reports(FIXTURES / "valid", audit=True)
    a = ffbkit.audit(ds)
    assert a is ffbkit.audit(ds)  # computed once, at read time
    # The IG's example (encounters 2, 3, 5, 6, 7) gives warnings only: interpretations.
    rows = a.findings.to_pylist()
    assert {"PROTO-DAILY", "PROTO-ID-STABLE"} <= {r["rule"] for r in rows}
    assert all(r["severity"] == "interpretation" for r in rows), rows
    assert sum(a.citizens.column("errors")) == 0
    assert sum(a.citizens.column("findings")) == a.findings.num_rows
    m = a.municipalities.to_pylist()
    assert sum(r["findings"] for r in m) == a.findings.num_rows
    assert sum(r["errors"] for r in m) == sum(a.citizens.column("errors"))
    citizens_per_m = {r["municipality"]: r["citizens"] for r in m}
    assert sum(citizens_per_m.values()) == a.citizens.num_rows
    audit_issues = [i for i in ds.issues.to_pylist() if i["origin"] == "audit"]
    assert sorted(i["rule"] for i in audit_issues) == sorted(a.findings.column("rule"))
    assert sorted(i["severity"] for i in audit_issues) == sorted(a.findings.column("severity"))
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
