"""ffbkit.read_reports: reports to Arrow tables (latest or history), CPR modes, bad input."""

import json
import re
from collections import Counter
from pathlib import Path

import pyarrow as pa
import pytest

import ffbkit
from conftest import FIXTURES

CPR = re.compile(r"\b\d{10}\b")


def stream_lines(path: Path) -> list:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def clear_cprs(reports: list) -> set:
    out = set()
    for b in reports:
        for e in b.get("entry", []):
            r = e["resource"]
            if r["resourceType"] == "Patient":
                out.add(r["identifier"][0]["value"])
    return out


def all_strings(ds) -> list:
    values = []
    for t in ds.tables().values():
        for row in t.to_pylist():
            values.extend(v for v in row.values() if isinstance(v, str))
    return values


def test_every_table_from_a_synth_stream(synth_ndjson, synth_dataset):
    ds = synth_dataset
    lines = stream_lines(synth_ndjson)
    assert set(ds.tables()) == set(ffbkit._dataset.TABLE_NAMES)
    assert ds.reports.num_rows == len(lines) == ds.summary["reports"]
    assert ds.summary["resources"] == sum(len(b["entry"]) for b in lines)
    assert ds.summary["invalid"] == 0
    # The only validator findings are con-5 warnings: a withdrawn theme keeps clinicalStatus
    # `inactive` (the IG's Condition requires it, FHIR's con-5 forbids it; docs/fidelity.md, "FHIR R4's own rules"),
    # and each sits on a condition that is entered-in-error in that report.
    found = ds.issues.to_pyarrow().filter(pa.compute.equal(pa.compute.field("origin"), "validator")).to_pylist()
    assert found, "the synth stream withdraws themes, so con-5 warnings are expected"
    for issue in found:
        assert (issue["rule"], issue["severity"]) == ("con-5", "warning"), issue
        line = int(issue["source"].rsplit(":", 1)[1])
        index = int(issue["location"].split("entry[", 1)[1].split("]", 1)[0])
        condition = lines[line - 1]["entry"][index]["resource"]
        assert condition["verificationStatus"]["coding"][0]["code"] == "entered-in-error", issue
    for name in ffbkit._dataset.TABLE_NAMES:
        if name != "issues":
            assert ds.tables()[name].num_rows > 0, name
    # one citizen row per Patient id in the stream
    patients = {e["resource"]["id"] for b in lines for e in b["entry"] if e["resource"]["resourceType"] == "Patient"}
    assert ds.citizens.num_rows == len(patients)
    assert {"code", "term", "kind", "theme", "area", "score", "recorded_date", "last_asserted", "gathering"} <= set(ds.conditions.column_names)


def test_latest_state_per_id_versus_history(synth_ndjson, synth_dataset):
    latest, history = synth_dataset, ffbkit.read_reports(synth_ndjson, history=True)
    assert history.history and not latest.history
    lines = stream_lines(synth_ndjson)
    sent = {}
    for b in lines:
        for e in b["entry"]:
            r = e["resource"]
            if r["resourceType"] == "Condition":
                sent.setdefault(r["id"], []).append(b["timestamp"])
    for table in ("conditions", "target_groups"):
        ids = latest.tables()[table].column("id")
        assert len(ids) == len(set(ids)), f"{table}: one row per id"
    cond_l, cond_h = latest.conditions.to_pandas(), history.conditions.to_pandas()
    assert len(cond_h) + len(history.target_groups) == sum(len(v) for v in sent.values())
    assert len(cond_h) > len(cond_l)
    # the latest row comes from the newest report that carried the resource
    for _, row in cond_l.iterrows():
        assert row["report_timestamp"] == max(sent[row["id"]])
    assert set(cond_h["id"]) == set(cond_l["id"])


def _rows_without_source(ds, table: str) -> list:
    """The rows of a table as sorted tuples, without the column that names the input line."""
    rows = ds.tables()[table].to_pylist()
    return sorted(tuple(sorted((k, str(v)) for k, v in r.items() if k != "source")) for r in rows)


def test_latest_state_does_not_depend_on_input_order(synth_ndjson, synth_dataset, tmp_path):
    # The same reports back to front and shuffled: every report's versions now come after
    # newer ones, so the newest must still win wherever it sits in the input (the read
    # skips building versions that a later report of the same group replaces).
    import random

    lines = [line for line in synth_ndjson.read_text(encoding="utf-8").splitlines() if line.strip()]
    def citizen_and_stamp(line: str) -> tuple:
        b = json.loads(line)
        patient = next(e["resource"]["id"] for e in b["entry"] if e["resource"]["resourceType"] == "Patient")
        return patient, b["timestamp"]

    stamps = [citizen_and_stamp(line) for line in lines]
    assert len(set(stamps)) == len(stamps), "the comparison needs no citizen with two reports of one timestamp"
    shuffled = lines[:]
    random.Random(7).shuffle(shuffled)
    for name, order in (("reversed", lines[::-1]), ("shuffled", shuffled)):
        path = tmp_path / f"{name}.ndjson"
        path.write_text("\n".join(order) + "\n", encoding="utf-8")
        other = ffbkit.read_reports(path)
        for table in ("conditions", "target_groups", "goals", "goal_themes", "evaluations", "care_plans", "interventions", "follow_ups", "gatherings", "service_requests", "citizens"):
            assert _rows_without_source(other, table) == _rows_without_source(synth_dataset, table), f"{name}: {table}"


def test_condition_columns_follow_the_catalog(synth_dataset):
    cat = ffbkit.Catalog.default()
    rows = synth_dataset.conditions.to_pylist()
    kinds = {r["kind"] for r in rows}
    assert kinds <= {"ff-tema", "ad-tema", "omgivelse"} and "ad-tema" in kinds and "ff-tema" in kinds
    for r in rows:
        c = cat[r["code"]]
        assert r["term"] == c.term and r["kind"] == c.kind
        ancestors = [a.term for a in cat.ancestors(r["code"])]
        assert r["theme"] in ancestors and r["area"] in ancestors
        if r["kind"] == "ad-tema" and r["severity_code"]:
            assert r["funktionsevneniveau"] == cat[r["severity_code"]].term
            level = cat[r["severity_code"]].term
            assert (r["score"] is None) == (level == "Ikke vurderet")
            assert r["score"] is None or 0 <= r["score"] <= 4
        if r["kind"] == "ff-tema":
            assert r["score"] is None and r["severity_code"] is None


def test_intervention_paragraph_and_care_plan_links(synth_dataset):
    cat = ffbkit.Catalog.default()
    ds = synth_dataset
    plans = set(ds.care_plans.column("id"))
    for r in ds.interventions.to_pylist():
        basis = cat[r["ydelse_code"]].legal_basis
        assert r["paragraph"] == ("; ".join(basis) if basis else None)
        assert r["ydelse"] == cat[r["ydelse_code"]].term
        assert r["care_plan"] in plans
    for r in ds.care_plans.to_pylist():
        assert r["tilbud"] == cat[r["tilbud_code"]].term
        assert r["target_group"] == cat[r["target_group_code"]].term
    goals = ds.goals.to_pylist()
    assert all(g["care_plan"] in plans for g in goals)
    assert all(g["maaltype"] == cat[g["maaltype_code"]].term for g in goals)
    ranked = ds.goal_themes.to_pylist()
    assert {t["goal"] for t in ranked} == {g["id"] for g in goals}
    assert all(t["rank"] in (1, 2) for t in ranked)
    assert sum(t["rank"] == 1 for t in ranked) == len(goals)
    evaluations = ds.evaluations.to_pylist()
    assert all(e["care_plan"] in plans and 0 <= e["level"] <= 4 for e in evaluations)


def test_cpr_is_masked_by_default_everywhere(synth_ndjson, synth_dataset):
    clear = clear_cprs(stream_lines(synth_ndjson))
    assert clear
    strings = all_strings(synth_dataset)
    assert not any(c in s for s in strings for c in clear)
    assert all(re.fullmatch(r"\d{6}-\*{4}", c) for c in synth_dataset.citizens.column("citizen"))
    assert all(re.fullmatch(r"\d{6}-\*{4}", c) for c in ffbkit.audit(synth_dataset).citizens.column("citizen"))


def test_pseudonyms_link_with_the_same_salt_only(synth_ndjson):
    a = ffbkit.read_reports(synth_ndjson, cpr="pseudonym", salt="kommune-42")
    b = ffbkit.read_reports(synth_ndjson, cpr="pseudonym", salt=b"kommune-42")
    c = ffbkit.read_reports(synth_ndjson, cpr="pseudonym", salt="other")
    random = ffbkit.read_reports(synth_ndjson, cpr="pseudonym")
    pa_ = a.citizens.column("citizen")
    assert pa_ == b.citizens.column("citizen")
    assert set(pa_).isdisjoint(c.citizens.column("citizen"))
    assert all(re.fullmatch(r"[0-9a-f]{32}", p) for p in pa_)
    assert len(set(pa_)) == a.citizens.num_rows
    # without a salt the pseudonyms still link within the dataset (and its audit)
    assert set(random.conditions.column("citizen")) <= set(random.citizens.column("citizen"))
    assert set(ffbkit.audit(random).citizens.column("citizen")) == set(random.citizens.column("citizen"))
    assert not any(CPR.search(s) for s in all_strings(a))


def test_clear_cpr_on_request(synth_ndjson):
    ds = ffbkit.read_reports(synth_ndjson, cpr="clear")
    assert set(ds.citizens.column("citizen")) == clear_cprs(stream_lines(synth_ndjson))


def test_invalid_corpus_findings_become_issues():
    index = json.loads((FIXTURES / "invalid" / "index.json").read_text(encoding="utf-8"))
    ds = ffbkit.read_reports(FIXTURES / "invalid")
    issues = ds.issues.to_pandas()
    by_file = issues.groupby(issues["source"].map(lambda s: Path(s).name))["rule"].apply(set)
    for case in index["cases"]:
        assert by_file.get(case["file"], set()) == set(case["rules"]), case["file"]
    assert (issues["origin"] == "validator").all()
    assert issues["location"].notna().all() and issues["severity"].isin(["error", "warning", "information"]).all()
    reports = ds.reports.to_pandas()
    assert ds.summary["invalid"] == int((~reports["valid"]).sum()) > 0


def test_rows_follow_the_profile_the_validator_chose():
    # A ServiceRequest claiming the citizen profile is checked (and tabulated) as a
    # service request; a Practitioner claiming it is no FFB resource and has no row.
    ds = ffbkit.read_reports([FIXTURES / "invalid" / "gw-profile-wrong-claim.json", FIXTURES / "invalid" / "gw-profile-practitioner.json"])
    assert set(ds.issues.column("rule")) >= {"GW-PROFILE"}
    assert "c6d575b7-8275-5df6-841c-3af1f5507839" in set(ds.service_requests.column("id"))
    assert set(ds.citizens.column("id")) == {"e66b9e8c-a286-5b54-96aa-101aba4dc8a2"}, "the reports' one Patient, nothing else"
    for name, table in ds.tables().items():
        if "id" in table.column_names:
            assert "74babde4-79bb-51fd-a2b0-0244712f3d43" not in set(table.column("id")), name


def test_invalid_cpr_is_reported_and_masked():
    ds = ffbkit.read_reports(FIXTURES / "invalid" / "gw-citizen-invalid-cpr.json")
    assert "GW-CITIZEN" in ds.issues.column("rule")
    assert not any("3201504321" in s for s in all_strings(ds))
    assert ds.citizens.column("citizen") == ["320150-****"]


def test_broken_json_is_an_issue_not_an_exception(tmp_path):
    good = (FIXTURES / "valid" / "own-85-granted.json").read_text(encoding="utf-8")
    nd = tmp_path / "day.ndjson"
    nd.write_text(json.dumps(json.loads(good)) + "\n{broken\n[1, 2]\n", encoding="utf-8")
    ds = ffbkit.read_reports(nd)
    assert ds.reports.num_rows == 3
    issues = ds.issues.to_pylist()
    assert [(i["source"], i["rule"]) for i in issues] == [(f"{nd}:2", "GW-JSON"), (f"{nd}:3", "GW-JSON")]
    assert ds.citizens.num_rows == 1
    (tmp_path / "bad.json").write_bytes(b"\xff\xfe{")
    assert ffbkit.read_reports(tmp_path / "bad.json").issues.column("rule") == ["GW-JSON"]


def test_on_invalid_raise_carries_rule_ids():
    with pytest.raises(ffbkit.ReportError) as e:
        ffbkit.read_reports(FIXTURES / "invalid" / "condition-1-ff-with-severity.json", on_invalid="raise")
    assert isinstance(e.value, ffbkit.FfbkitError)
    assert e.value.rule_ids == ["kl-reporting-ffb-condition-1"]
    assert e.value.source.endswith("condition-1-ff-with-severity.json") and e.value.invalid == 1
    assert "kl-reporting-ffb-condition-1" in str(e.value)
    ffbkit.read_reports(FIXTURES / "valid", on_invalid="raise")  # valid: no exception


def test_on_invalid_skip_leaves_rows_out_but_keeps_findings():
    path = FIXTURES / "invalid" / "condition-1-ff-with-severity.json"
    keep, skip = ffbkit.read_reports(path), ffbkit.read_reports(path, on_invalid="skip")
    assert keep.conditions.num_rows > 0 and skip.conditions.num_rows == 0
    assert skip.issues.column("rule") == keep.issues.column("rule") == ["kl-reporting-ffb-condition-1"]
    assert skip.reports.num_rows == 1


def test_files_and_directories_in_input_order():
    one = FIXTURES / "valid" / "own-85-granted.json"
    ds = ffbkit.read_reports([one, str(FIXTURES / "valid")])
    sources = ds.reports.column("source")
    assert sources[0] == str(one)
    assert sources[1:] == sorted(sources[1:]) and len(sources) == 1 + len(list((FIXTURES / "valid").glob("*.json")))


def test_missing_paths_raise_file_not_found(tmp_path):
    with pytest.raises(FileNotFoundError, match="missing.json"):
        ffbkit.read_reports(tmp_path / "missing.json")
    with pytest.raises(FileNotFoundError):
        ffbkit.read_reports([FIXTURES / "valid", tmp_path / "missing.ndjson"])
    with pytest.raises(FileNotFoundError):
        ffbkit.audit(tmp_path / "missing.json")


def test_wrong_types_raise_clear_errors():
    with pytest.raises(TypeError, match="path or a list of paths"):
        ffbkit.read_reports(42)
    with pytest.raises(TypeError, match="path or a list of paths"):
        ffbkit.read_reports([FIXTURES, 42])
    with pytest.raises(TypeError, match="path or a list of paths"):
        ffbkit.read_reports(b"/tmp")
    with pytest.raises(ValueError, match="at least one path"):
        ffbkit.read_reports([])
    with pytest.raises(TypeError, match="history"):
        ffbkit.read_reports(FIXTURES, history="yes")
    with pytest.raises(ValueError, match="cpr"):
        ffbkit.read_reports(FIXTURES, cpr="plain")
    with pytest.raises(TypeError, match="cpr"):
        ffbkit.read_reports(FIXTURES, cpr=None)
    with pytest.raises(ValueError, match="on_invalid"):
        ffbkit.read_reports(FIXTURES, on_invalid="ignore")
    with pytest.raises(TypeError, match="salt"):
        ffbkit.read_reports(FIXTURES, cpr="pseudonym", salt=7)


def test_dataset_repr_and_unknown_table(synth_dataset):
    assert "Dataset(reports=" in repr(synth_dataset)
    with pytest.raises(AttributeError):
        synth_dataset.no_such_table  # noqa: B018


def test_without_validation_the_tables_are_the_same(synth_ndjson, tmp_path):
    a, b = ffbkit.read_reports(synth_ndjson), ffbkit.read_reports(synth_ndjson, validate=False)
    # Validation adds only its own findings (con-5 warnings on withdrawn themes) and their
    # count per report; every other table and column is the same.
    warnings = Counter(
        i["report_id"] for i in a.issues.to_pylist() if i["origin"] == "validator" and i["severity"] == "warning"
    )
    for name in ffbkit._dataset.TABLE_NAMES:
        rows_a, rows_b = a.tables()[name].to_pylist(), b.tables()[name].to_pylist()
        if name == "reports":
            assert [r["warnings"] for r in rows_a] == [warnings[r["report_id"]] for r in rows_a]
            rows_a = [{k: v for k, v in r.items() if k != "warnings"} for r in rows_a]
            rows_b = [{k: v for k, v in r.items() if k != "warnings"} for r in rows_b]
        elif name == "issues":
            rows_a = [r for r in rows_a if r["origin"] != "validator"]
            rows_b = [r for r in rows_b if r["origin"] != "validator"]
        assert rows_a == rows_b, name
    assert b.summary["resources"] == a.summary["resources"]
    # the invalid corpus: only broken JSON is found, as GW-JSON, with its line
    ds = ffbkit.read_reports(FIXTURES / "invalid", validate=False)
    assert set(ds.issues.column("rule")) <= {"GW-JSON"}
    nd = tmp_path / "day.ndjson"
    nd.write_text('{"resourceType": "Bundle"}\n{broken\n', encoding="utf-8")
    ds = ffbkit.read_reports(nd, validate=False)
    assert [(i["source"], i["rule"]) for i in ds.issues.to_pylist()] == [(f"{nd}:2", "GW-JSON")]
    dirs = ffbkit.read_reports(FIXTURES / "valid", validate=False)
    assert dirs.reports.num_rows == ffbkit.read_reports(FIXTURES / "valid").reports.num_rows
    with pytest.raises(TypeError, match="validate"):
        ffbkit.read_reports(nd, validate="no")


def test_ctrl_c_interrupts_a_long_read(synth_ndjson, tmp_path):
    import signal
    import subprocess
    import sys

    lines = synth_ndjson.read_text(encoding="utf-8").splitlines()
    big = tmp_path / "big.ndjson"
    with open(big, "w", encoding="utf-8") as f:
        for _ in range(max(1, 40_000 // len(lines))):
            f.write("\n".join(lines) + "\n")
    code = f"import sys, ffbkit; print('go', flush=True); ffbkit.read_reports({str(big)!r}); print('finished', flush=True)"
    p = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert p.stdout.readline().strip() == "go"
    import time

    time.sleep(0.5)
    p.send_signal(signal.SIGINT)
    out, err = p.communicate(timeout=600)
    assert "finished" not in out
    assert "KeyboardInterrupt: read_reports() was interrupted" in err


def test_a_cpr_number_in_any_notation_is_masked_in_tables_issues_and_validate(tmp_path):
    """Issue 22: escaped digits, DDMMYY NNNN, the Bundle id, a key, the end of a long value."""
    report = json.loads((FIXTURES / "valid" / "own-85-granted.json").read_text(encoding="utf-8"))
    (cpr,) = clear_cprs([report])
    patient = next(i for i, e in enumerate(report["entry"]) if e["resource"]["resourceType"] == "Patient")

    def variant(n, change):
        r = json.loads(json.dumps(report))
        r["id"] = f"cpr-variant-{n}"
        change(r)
        return json.dumps(r, indent=2)

    escaped = "".join(f"\\u{ord(c):04x}" for c in cpr)
    texts = [
        variant(1, lambda r: None).replace(f'"{cpr}"', f'"{escaped}"'),
        variant(2, lambda r: r.update(id=f"{cpr[:6]} {cpr[6:]}")),
        variant(3, lambda r: r.update(id=cpr)),
        variant(4, lambda r: r["entry"][patient]["resource"].update({cpr: "x"})),
        variant(5, lambda r: r.update(type="x" * 52 + cpr)),
    ]
    paths = []
    for n, text in enumerate(texts):
        p = tmp_path / f"v{n}.json"
        p.write_text(text, encoding="utf-8")
        paths.append(p)
    ds = ffbkit.read_reports(tmp_path)
    shown = all_strings(ds) + [str(i) for p in paths for i in ffbkit.validate(p)]
    assert any(f"{cpr[:6]}-****" in s for s in shown)
    for s in shown:
        for needle in (cpr[:8], f"{cpr[:6]}-{cpr[6:8]}", f"{cpr[:6]} {cpr[6:8]}"):
            assert needle not in s, s
