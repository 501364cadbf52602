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


CPR_SYSTEM = "urn:oid:1.2.208.176.1.2"


def citizen_by_the_rule(report) -> "str | None":
    """The SDK's rule (`ffbkit_sdk::report`), restated: the first Patient among the
    entries' resources, its first identifier with the CPR system, a non-empty string."""
    if not isinstance(report, dict):
        return None
    for entry in report.get("entry") or []:
        resource = entry.get("resource") if isinstance(entry, dict) else None
        if isinstance(resource, dict) and resource.get("resourceType") == "Patient":
            for ident in resource.get("identifier") or []:
                if isinstance(ident, dict) and ident.get("system") == CPR_SYSTEM:
                    value = ident.get("value")
                    return value if isinstance(value, str) and value else None
            return None
    return None


def edge_cases(path) -> None:
    """Reports where the readers of the citizen used to disagree (the CPR identifier
    second, no system, another system, an empty number, no Patient), two per citizen."""
    base = json.loads(sorted((FIXTURES / "valid").glob("*.json"))[0].read_text())
    patient = next(i for i, e in enumerate(base["entry"]) if e["resource"]["resourceType"] == "Patient")

    def second(p):
        p["identifier"].insert(0, {"system": "urn:x", "value": "3112999999"})

    def no_system(p):
        p["identifier"][0].pop("system")

    def other_system(p):
        p["identifier"][0]["system"] = "urn:oid:1.2.208.176.1.1"

    def empty(p):
        p["identifier"][0]["value"] = ""

    lines = []
    for k, edit in enumerate([second, no_system, other_system, empty, None]):
        for day in (1, 2):
            r = json.loads(json.dumps(base))
            r["id"] = f"{r['id'][:-4]}{k}{day:03d}"
            r["timestamp"] = f"2025-03-0{day}T12:00:00+01:00"
            if edit is None:
                del r["entry"][patient]
            else:
                edit(r["entry"][patient]["resource"])
            lines.append(json.dumps(r))
    path.write_text("\n".join(lines) + "\n")


def test_the_citizens_are_the_sdks(tmp_path):
    """Python groups a corpus exactly as `ffbkit audit` does (and as `ffbkit serve` files
    it: conformance/tests/serve_http.rs): the citizen of every report is the SDK's."""
    edge = tmp_path / "edge.ndjson"
    edge_cases(edge)
    streams = FIXTURES.parent / "streams"
    paths = [str(streams), str(FIXTURES), str(edge)]
    data = ffbkit.read_reports(paths, cpr="clear", audit=True)
    # Every report's citizen, by the rule, from its source (a file, or `file:line`).
    expected = {}
    for row in data.reports.to_pylist():
        source = row["source"]
        path, sep, line = source.rpartition(":")
        if sep and line.isdigit() and path.endswith((".ndjson", ".jsonl")):
            text = open(path, "rb").read().split(b"\n")[int(line) - 1]
        else:
            text = open(source, "rb").read()
        try:
            report = json.loads(text)
        except ValueError:  # not UTF-8, not JSON
            report = None
        expected[source] = citizen_by_the_rule(report)
        assert row["citizen"] == expected[source], source
    assert sum(c is None for c in expected.values()) >= 4, "the corpus has reports without a citizen"
    per_citizen: dict = {}
    for c in expected.values():
        if c is not None:
            per_citizen[c] = per_citizen.get(c, 0) + 1
    # Python's audit: one row per citizen, with its reports.
    audit = ffbkit.audit(data)
    got = dict(zip(audit.citizens.column("citizen"), audit.citizens.column("reports")))
    assert got == per_citizen
    # `ffbkit audit`: the same citizens and reports; the reports without a citizen not audited.
    cli = json.loads(run_ffbkit("audit", "--json", *paths).stdout)
    assert cli["citizens"] == len(per_citizen)
    assert cli["reports"] == sum(per_citizen.values())
    assert cli["unreadable_reports"] == sum(c is None for c in expected.values())
