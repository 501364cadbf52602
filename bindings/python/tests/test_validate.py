"""ffbkit.validate and validate_many: the same validator as the CLI, from Python."""

import json
from pathlib import Path

import pytest

import ffbkit

FIXTURES = Path(__file__).resolve().parents[3] / "fixtures" / "reports"


def test_valid_report_from_path_bytes_str_and_dict():
    path = FIXTURES / "valid" / "own-85-granted.json"
    assert ffbkit.validate(path) == []
    assert ffbkit.validate(path.read_bytes()) == []
    assert ffbkit.validate(path.read_text(encoding="utf-8")) == []
    assert ffbkit.validate(json.loads(path.read_text(encoding="utf-8"))) == []


def test_issue_fields():
    issues = ffbkit.validate(FIXTURES / "invalid" / "condition-1-ff-with-severity.json")
    assert [i.rule for i in issues] == ["kl-reporting-ffb-condition-1"]
    i = issues[0]
    assert i.severity == "error"
    assert i.location.startswith("Bundle.entry[") and i.location.endswith(".severity")
    assert i.pointer.endswith("/severity")
    assert i.line > 1 and i.column > 1
    assert "Aktivitet og deltagelse" in i.message
    assert i.expected == "no severity"
    assert i.source.endswith("condition-1-ff-with-severity.json")
    assert i.to_dict()["rule"] == "kl-reporting-ffb-condition-1"
    assert "kl-reporting-ffb-condition-1" in repr(i)


def test_the_invalid_corpus_from_python():
    index = json.loads((FIXTURES / "invalid" / "index.json").read_text(encoding="utf-8"))
    for case in index["cases"]:
        rules = {i.rule for i in ffbkit.validate(FIXTURES / "invalid" / case["file"])}
        assert rules == set(case["rules"]), case["file"]


def test_bad_input_gives_findings_not_exceptions():
    assert [i.rule for i in ffbkit.validate(b"{not json")] == ["GW-JSON"]
    assert [i.rule for i in ffbkit.validate(b"\xff\xfe")] == ["GW-JSON"]
    assert [i.rule for i in ffbkit.validate("[1, 2]")] == ["GW-JSON"]
    assert [i.rule for i in ffbkit.validate([1, 2])] == ["GW-JSON"]


def test_wrong_argument_types_raise_type_error():
    with pytest.raises(TypeError, match="dict, bytes, str or path"):
        ffbkit.validate(42)


def test_missing_file_raises_file_not_found(tmp_path):
    with pytest.raises(FileNotFoundError):
        ffbkit.validate(tmp_path / "missing.json")
    with pytest.raises(FileNotFoundError):
        ffbkit.validate_many([tmp_path / "missing.json"])


def test_cpr_is_masked():
    issues = ffbkit.validate(FIXTURES / "invalid" / "gw-citizen-invalid-cpr.json")
    assert all("3201504321" not in (i.message + (i.found or "")) for i in issues)


def test_validate_many_in_parallel_keeps_input_order(tmp_path):
    nd = tmp_path / "day.ndjson"
    lines = [json.dumps(json.loads((FIXTURES / "valid" / f).read_text(encoding="utf-8"))) for f in ["own-85-granted.json", "own-108-granted.json"]]
    nd.write_text("\n".join(lines + ["{broken"]) + "\n", encoding="utf-8")
    results = ffbkit.validate_many([FIXTURES / "valid", nd])
    names = [name for name, _ in results]
    assert names[-3:] == [f"{nd}:1", f"{nd}:2", f"{nd}:3"]
    by_name = dict(results)
    assert by_name[f"{nd}:1"] == [] and [i.rule for i in by_name[f"{nd}:3"]] == ["GW-JSON"]
    assert len(results) >= 11


def test_as_written_judges_the_igs_expressions_and_says_both_verdicts():
    path = FIXTURES / "valid" / "own-85-granted.json"
    assert ffbkit.validate(path) == []
    issues = ffbkit.validate(path, as_written=True)
    goal_2 = [i for i in issues if i.rule == "kl-reporting-ffb-intervention-goal-2"]
    assert goal_2 and all(i.severity == "error" for i in goal_2)
    assert "ffbkit says: the intended rule passes" in goal_2[0].message
    assert "The gateway as written would say" in goal_2[0].message
    assert {i.rule for i in issues} == {"kl-reporting-ffb-intervention-goal-2"}
