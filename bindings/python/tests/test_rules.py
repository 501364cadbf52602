"""ffbkit.rules(): the SDK's rule registry, the same list as `ffbkit rules`."""

import json

import ffbkit
from conftest import run_ffbkit


def test_rules_are_the_registry_the_cli_lists():
    rules = ffbkit.rules()
    r = run_ffbkit("rules", "--format", "json")
    assert r.returncode == 0, r.stderr
    assert rules == json.loads(r.stdout)


def test_each_rule_is_a_dict_of_five_strings_with_a_unique_id():
    rules = ffbkit.rules()
    assert all(set(r) == {"id", "family", "severity", "summary", "source"} for r in rules)
    assert all(isinstance(v, str) and v for r in rules for v in r.values())
    ids = [r["id"] for r in rules]
    assert len(ids) == len(set(ids))
    by_id = {r["id"]: r for r in rules}
    assert by_id["GW-CARD"]["family"] == "gateway" and by_id["GW-CARD"]["severity"] == "error"
    assert by_id["GW-LAST-UPDATED"]["severity"] == "warning"
    assert by_id["kl-reporting-ffb-care-plan-1"]["family"] == "ig-invariant"
    assert by_id["per-1"]["family"] == "fhir-base"
    assert by_id["DST-AD"]["family"] == "dst" and "seed 002" in by_id["DST-AD"]["source"]
    # REQUIREMENTS.md: 9 PROTO rules, 7 DST rules.
    assert sum(r["family"] == "proto" for r in rules) == 9
    assert sum(r["family"] == "dst" for r in rules) == 7


def test_every_validator_finding_names_a_listed_rule():
    ids = {r["id"] for r in ffbkit.rules()}
    issues = ffbkit.validate({"resourceType": "Bundle", "type": "batch"})
    assert issues and all(i.rule in ids for i in issues)
