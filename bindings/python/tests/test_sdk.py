"""The typed SDK in Python (ffbkit.sdk, ffbkit.codes): the Rust SDK's constructors, with
their refusals as ffbkit.DomainError carrying the rule id; the Børge Mogensen example built
from the typed API only validates and audits with zero errors; whatever the constructors
accept, the builder makes a report the validator accepts (hypothesis)."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import ffbkit
from ffbkit import sdk
from ffbkit.codes import (
    AdTema,
    FfTema,
    Funktionsevneniveau,
    Maalgruppe,
    Maaltype,
    Stoettebehov,
    Tilbud,
    Ydelse,
)

ROOT = Path(__file__).resolve().parents[3]
MUNICIPALITY = "6a3a6c4d-6d8f-4b0c-9b8a-0d3c5a1e2f40"


def load_example():
    spec = importlib.util.spec_from_file_location("boerge_mogensen", ROOT / "examples" / "boerge_mogensen.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def errors(report) -> list:
    return [i for i in ffbkit.validate(report) if i.severity == "error"]


def test_the_boerge_mogensen_case_from_the_typed_api_validates_and_audits_with_zero_errors(tmp_path):
    example = load_example()
    reports = example.plan(example.journey())
    days = [r["timestamp"][:10] for r in reports]
    assert days == ["2025-05-26", "2025-05-28", "2025-05-29", "2025-06-18", "2025-08-30"], "a quiet day reports nothing"
    for r in reports:
        assert errors(r) == [], r["timestamp"]
    stream = tmp_path / "reports.ndjson"
    stream.write_text("".join(json.dumps(r) + "\n" for r in reports))
    audit = ffbkit.audit(stream)
    assert sum(audit.citizens.column("errors")) == 0, audit.findings.to_pylist()
    # Ids are the example's own, stable: derived from its keys.
    assert reports[0]["entry"][0]["resource"]["id"] == sdk.derived_id(["ffbkit-python-example", "borger", "1"])
    assert example.main(["--out", str(tmp_path / "out")]) == 0


def refusal(make) -> str:
    with pytest.raises(ffbkit.DomainError) as caught:
        make()
    assert caught.value.rule in str(caught.value)
    return caught.value.rule


def test_constructors_refuse_what_the_ig_forbids_with_the_rule_id():
    day = "2025-05-28"
    assert refusal(lambda: sdk.Citizen("0113504321", MUNICIPALITY)) == "GW-CITIZEN"
    assert refusal(lambda: sdk.Citizen("0101504321", "Aarhus")) == "GW-CITIZEN"
    assert refusal(lambda: sdk.ServiceRequest("SAG-1", id="42")) == "GW-ID"
    assert refusal(lambda: sdk.TargetGroup(Maalgruppe.Angst, "2025-02-30")) == "GW-DATETIME"
    # A code of another kind is not a code of this one.
    assert refusal(lambda: sdk.ThemeAssessment.ad(FfTema.Hukommelse, Funktionsevneniveau.LetNedsatFunktionsevne, day)) == "GW-BINDING"
    assert refusal(lambda: sdk.CarePlan("SAG-1", day, Ydelse.SocialAktivitet)) == "GW-BINDING"
    # A goal on an F&F theme.
    ff = sdk.ThemeAssessment.ff(FfTema.Hukommelse, day)
    goal = lambda: sdk.Goal(Maaltype.UdvikleFunktionsevne, Funktionsevneniveau.LetNedsatFunktionsevne, ff)  # noqa: E731
    assert refusal(goal) == "kl-reporting-ffb-intervention-goal-1"
    # Themes above undertema level, groupings of tilbud and ydelser, målgrupper that are not
    # leaves: refused by the value sets the IG binds, the others accepted.
    for kind, make in [
        (AdTema, lambda m: sdk.ThemeAssessment.ad(m, Funktionsevneniveau.LetNedsatFunktionsevne, day)),
        (Tilbud, lambda m: sdk.CarePlan("SAG-1", day, m)),
        (Maalgruppe, lambda m: sdk.TargetGroup(m, day)),
    ]:
        refused, accepted = 0, 0
        for member in kind:
            try:
                make(member)
                accepted += 1
            except ffbkit.DomainError as e:
                assert e.rule == "GW-BINDING", (member, e)
                refused += 1
        assert refused and accepted, kind
    with pytest.raises(TypeError):
        sdk.Case(sdk.Citizen("0101504321", MUNICIPALITY)).add("a theme")


def test_a_case_keeps_its_parts_so_later_changes_are_reported():
    case = sdk.Case(sdk.Citizen("0101504321", MUNICIPALITY))
    request = sdk.ServiceRequest("SAG-1")
    plan = sdk.CarePlan("SAG-1", "2025-05-29", Tilbud.AktivitetsOgSamvaerstilbud)
    case.add(request, plan)
    planner = sdk.Planner()
    assert planner.plan_day(case, "2025-05-29") is not None
    assert planner.plan_day(case, "2025-05-30") is None
    plan.end("2025-05-31")
    ended = planner.plan_day(case, "2025-05-31")
    plans = [e["resource"] for e in ended["entry"] if e["resource"]["resourceType"] == "CarePlan"]
    assert [p["status"] for p in plans] == ["completed"] and plans[0]["id"] == plan.id
    assert planner.last_day == "2025-05-31"
    assert json.loads(case.to_report_bytes("2025-05-31T23:59:00+02:00")) == case.to_report("2025-05-31T23:59:00+02:00")


def test_codes_are_the_catalogs_and_their_stub_is_current():
    catalog = ffbkit.Catalog.default()
    for kind in (Ydelse, Tilbud, Maalgruppe, Maaltype, AdTema, FfTema, Stoettebehov, Funktionsevneniveau):
        assert len(kind) > 0
        for member in kind:
            assert catalog[member.value].term == member.term == member.__doc__
    stub = Path(ffbkit.codes.__file__).with_suffix(".pyi")
    assert stub.read_text(encoding="utf-8") == ffbkit.codes.stub_text(), "regenerate: python -c 'import ffbkit.codes as c; print(c.stub_text(), end=\"\")' > codes.pyi"


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(
    themes=st.lists(st.tuples(st.sampled_from(list(AdTema)), st.sampled_from(list(Funktionsevneniveau))), min_size=1, max_size=4),
    ff=st.lists(st.sampled_from(list(FfTema)), max_size=3),
    tilbud=st.sampled_from(list(Tilbud)),
    ydelser=st.lists(st.sampled_from(list(Ydelse)), min_size=1, max_size=3),
    maalgruppe=st.sampled_from(list(Maalgruppe)),
    maaltype=st.sampled_from(list(Maaltype)),
    expected=st.sampled_from(list(Funktionsevneniveau)),
    stoette=st.sampled_from(list(Stoettebehov)),
)
def test_whatever_the_constructors_accept_builds_a_valid_report(themes, ff, tilbud, ydelser, maalgruppe, maaltype, expected, stoette):
    day = "2025-05-29"
    try:
        ad = [sdk.ThemeAssessment.ad(t, level, day) for t, level in themes]
        ffs = [sdk.ThemeAssessment.ff(t, day) for t in ff]
        plan = sdk.CarePlan("SAG-7", day, tilbud)
        group = sdk.TargetGroup(maalgruppe, day)
        interventions = [sdk.Intervention(plan, y, day, f"{day}T12:00:00+02:00") for y in ydelser]
        goal = sdk.Goal(maaltype, expected, ad[0], ad[1:])
    except ffbkit.DomainError:
        assume(False)
        return
    case = sdk.Case(sdk.Citizen("0101504321", MUNICIPALITY))
    request = sdk.ServiceRequest("SAG-7")
    evaluation = sdk.SupportEvaluation(stoette, f"{day}T11:00:00+02:00")
    gathering = sdk.InformationGathering(request, f"{day}T10:00:00+02:00", ad + ffs, completed=True, evaluation=evaluation)
    plan.target_groups(group)
    plan.add_goal(goal)
    plan.evaluated(evaluation)
    plan.follow_up = "2025-08-29"
    case.add(request, gathering, *ad, *ffs, group, goal, evaluation, plan, *interventions)
    report = case.to_report(f"{day}T23:59:00+02:00")
    assert errors(report) == [], [(i.rule, i.message) for i in errors(report)]


def test_a_changed_grant_makes_a_new_gathering_and_plan_as_the_rust_sdk_does(tmp_path):
    day = "2025-05-29"
    case = sdk.Case(sdk.Citizen("0101504321", MUNICIPALITY))
    request = sdk.ServiceRequest("SAG-9")
    theme = sdk.ThemeAssessment.ad(AdTema.KoebeInd, Funktionsevneniveau.SvaertNedsatFunktionsevne, day)
    evaluation = sdk.SupportEvaluation(Stoettebehov.LetStoettebehov, f"{day}T11:00:00+02:00")
    gathering = sdk.InformationGathering(request, f"{day}T10:00:00+02:00", [theme], completed=True, evaluation=evaluation)
    group = sdk.TargetGroup(Maalgruppe.Angst, day)
    dag = sdk.CarePlan("SAG-9", day, Tilbud.AktivitetsOgSamvaerstilbud)
    dag.target_groups(group)
    dag.evaluated(evaluation)
    dag.follow_up = "2025-08-29"
    social = sdk.Intervention(dag, Ydelse.SocialAktivitet, day, f"{day}T12:00:00+02:00")
    case.add(request, theme, evaluation, gathering, group, dag, social)
    planner = sdk.Planner()
    first = planner.plan_day(case, day)
    new_plan, new_gathering = case.change_grant(
        dag, "2025-06-10", new_plan_id=sdk.derived_id(["t", "plan"]), new_gathering_id=sdk.derived_id(["t", "sagsoplysning"])
    )
    assert (new_plan.id, new_gathering.id) == (sdk.derived_id(["t", "plan"]), sdk.derived_id(["t", "sagsoplysning"]))
    with pytest.raises(ffbkit.DomainError) as refused:
        new_plan.tilbud = Ydelse.SocialAktivitet
    assert refused.value.rule == "GW-BINDING"
    new_plan.tilbud = Tilbud.BeskyttetBeskaeftigelsestilbud
    case.add(sdk.Intervention(new_plan, Ydelse.ProduktionOgVaerksted, "2025-06-10", "2025-06-10T12:00:00+02:00"))
    report = planner.plan_day(case, "2025-06-10")
    assert errors(report) == []
    by_id = {e["resource"]["id"]: e["resource"] for e in report["entry"]}
    # The old plan and its ydelse end that day; the new plan and gathering have new ids.
    assert by_id[dag.id]["status"] == "completed" and by_id[social.id]["status"] == "completed"
    assert by_id[new_plan.id]["status"] == "active" and new_gathering.id in by_id
    assert dag.follow_up is None and new_plan.tilbud == Tilbud.BeskyttetBeskaeftigelsestilbud.value
    stream = tmp_path / "s.ndjson"
    stream.write_text("".join(json.dumps(r) + "\n" for r in (first, report)))
    proto = [f for f in ffbkit.audit(stream).findings.to_pylist() if f["rule"].startswith("PROTO") and f["severity"] == "error"]
    assert proto == [], "PROTO-NEW-GATHERING and the other protocol rules hold"
    with pytest.raises(ValueError):
        case.change_grant(sdk.CarePlan("SAG-9", day, Tilbud.AktivitetsOgSamvaerstilbud), "2025-06-11")


def test_the_durable_planner_survives_a_restart_and_sends_each_report_once(tmp_path):
    import re
    import subprocess
    from urllib.request import urlopen

    from conftest import ffbkit_binary

    example = load_example()
    path = tmp_path / "ffb-outbox.sqlite"
    store = sdk.DurablePlanner(path)
    days = example.journey()
    statuses = []
    for day, case in days:
        statuses.append(store.plan_and_enqueue(case, day)["status"])
        if day == "2025-05-29":
            break
    del store  # the job stops; a new one opens the same file
    store = sdk.DurablePlanner(path)
    assert store.last_day(case) == "2025-05-29"
    assert store.plan_and_enqueue(case, "2025-05-29") == {"status": "already-planned", "day": "2025-05-29", "last_day": "2025-05-29"}
    for day, case in days:
        statuses.append(store.plan_and_enqueue(case, day)["status"])
    assert statuses == ["queued", "queued", "queued", "unchanged", "queued", "queued"]
    assert store.missed_days(case, "2025-09-02") == ["2025-08-31", "2025-09-01", "2025-09-02"]
    serve = subprocess.Popen(
        ffbkit_binary() + ["serve", "--addr", "127.0.0.1:0", "--data-dir", str(tmp_path / "rx")],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        url = re.search(r"listening on (http://\S+)", serve.stdout.readline()).group(1)
        assert store.flush(url + "/fhir/Bundle") == {"sent": 5, "rejected": 0, "still_queued": 0, "stopped": None}
        assert store.flush(url + "/fhir/Bundle")["sent"] == 0, "sent once"
        stored = json.load(urlopen(url + "/reports?limit=100"))["reports"]
        assert len(stored) == 5 and len({r["bundle_id"] for r in stored}) == 5 and all(r["accepted"] for r in stored)
    finally:
        serve.terminate()
        serve.wait(10)
    # A second store rebuilt from the sent reports plans the next day as the first would.
    sent = tmp_path / "sent.ndjson"
    sent.write_text("".join(json.dumps(r["report"]) + "\n" for r in stored))
    rebuilt = sdk.DurablePlanner(tmp_path / "rebuilt.sqlite")
    assert rebuilt.rebuild_from_paths([sent])["reports"] == 5
    assert rebuilt.last_day(case) == "2025-08-30"
