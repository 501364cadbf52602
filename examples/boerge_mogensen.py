"""The IG's worked example, Børge Mogensen, built day by day with ffbkit's typed SDK in
Python (``ffbkit.sdk``, ``ffbkit.codes``) only: henvendelse, sagsoplysning, bestilling of a
længerevarende botilbud and an aktivitets- og samværstilbud, a re-assessed theme at the
follow-up, and the end of both indsatser. The planner sends only what changed each day;
every report is validated and the stream is audited, with zero errors.

Run: ``python examples/boerge_mogensen.py [--out DIR]`` (writes the reports as NDJSON).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path
from typing import Iterable, Iterator

import ffbkit
from ffbkit import sdk
from ffbkit.codes import (
    AdTema,
    FfTema,
    Funktionsevneniveau as F,
    Maalgruppe,
    Maaltype,
    Opfoelgningsresultat,
    Stoettebehov,
    Tilbud,
    Ydelse,
)

SYSTEM = "ffbkit-python-example"
MUNICIPALITY = "6a3a6c4d-6d8f-4b0c-9b8a-0d3c5a1e2f40"  # KOMBIT STS organisation UUID (example)
CASE_NUMBER = "Sag154689"


def sid(*parts: str) -> str:
    """A stable id from this system's own keys (PROTO-ID-STABLE)."""
    return sdk.derived_id([SYSTEM, *parts])


def journey() -> Iterator[tuple[str, sdk.Case]]:
    """The case at the end of each day, as (day, case): one case whose objects are changed
    from day to day, as a fagsystem changes its rows (a Case keeps the objects, so plan each
    day before the next day's changes)."""
    borge = sdk.Citizen("0101504321", MUNICIPALITY, id=sid("borger", "1"))
    case = sdk.Case(borge)

    # 2025-05-26 henvendelse
    request = sdk.ServiceRequest(CASE_NUMBER, id=sid("sag", "154689"))
    case.add(request)
    yield ("2025-05-26", case)

    # 2025-05-28 sagsoplysning: F&F themes and A&D themes with their scores (in progress)
    hukommelse = sdk.ThemeAssessment.ff(FfTema.Hukommelse, "2025-05-28", id=sid("tema", "hukommelse"))
    samspil = sdk.ThemeAssessment.ad(AdTema.IndgaaISamspilOgKontakt, F.ModeratNedsatFunktionsevne, "2025-05-28", id=sid("tema", "samspil"))
    koebe_ind = sdk.ThemeAssessment.ad(AdTema.KoebeInd, F.SvaertNedsatFunktionsevne, "2025-05-28", id=sid("tema", "koebe-ind"))
    lave_mad = sdk.ThemeAssessment.ad(AdTema.LaveMad, F.ModeratNedsatFunktionsevne, "2025-05-28", id=sid("tema", "lave-mad"))
    themes = [hukommelse, samspil, koebe_ind, lave_mad]
    gathering = sdk.InformationGathering(request, "2025-05-28T10:00:00+02:00", themes, id=sid("sagsoplysning", "1"))
    case.add(*themes, gathering)
    yield ("2025-05-28", case)

    # 2025-05-29 bestilling: støttebehov, two indsatser with ydelser, målgrupper and goals
    stoette = sdk.SupportEvaluation(Stoettebehov.LetStoettebehov, "2025-05-29T11:00:00+02:00", id=sid("stoette", "1"))
    gathering.complete(stoette)
    angst = sdk.TargetGroup(Maalgruppe.Angst, "2025-05-29", id=sid("maalgruppe", "angst"))
    bo = sdk.CarePlan(CASE_NUMBER, "2025-05-29", Tilbud.AlmindeligtLaengerevarendeBotilbudTilVoksne, id=sid("indsats", "bo"))
    dag = sdk.CarePlan(CASE_NUMBER, "2025-05-29", Tilbud.AktivitetsOgSamvaerstilbud, id=sid("indsats", "dag"))
    goal_home = sdk.Goal(Maaltype.UdvikleFunktionsevne, F.LetNedsatFunktionsevne, koebe_ind, [lave_mad], id=sid("maal", "hjem"))
    goal_social = sdk.Goal(Maaltype.FastholdeFunktionsevne, F.ModeratNedsatFunktionsevne, samspil, id=sid("maal", "samspil"))
    for plan, goal in ((bo, goal_home), (dag, goal_social)):
        plan.target_groups(angst)
        plan.add_goal(goal)
        plan.evaluated(stoette)
        plan.follow_up = "2025-08-29"
    hjem = sdk.Intervention(bo, Ydelse.StoetteTilDagligeOpgaverIHjemmet, "2025-05-29", "2025-05-29T12:00:00+02:00", id=sid("ydelse", "hjem"))
    sund = sdk.Intervention(bo, Ydelse.StoetteTilSundLevevis, "2025-05-29", "2025-05-29T12:00:00+02:00", id=sid("ydelse", "sund"))
    social = sdk.Intervention(dag, Ydelse.SocialAktivitet, "2025-05-29", "2025-05-29T12:00:00+02:00", id=sid("ydelse", "social"))
    case.add(stoette, angst, goal_home, goal_social, bo, dag, hjem, sund, social)
    yield ("2025-05-29", case)

    # 2025-06-02 levering: nothing changes, nothing is reported
    yield ("2025-06-02", case)

    # 2025-06-18 opfølgning: samspil re-assessed (still moderat), botilbud continues
    samspil.reassess("2025-06-18", F.ModeratNedsatFunktionsevne)
    stoette_2 = sdk.SupportEvaluation(Stoettebehov.LetStoettebehov, "2025-06-18T10:00:00+02:00", id=sid("stoette", "2"))
    bo.evaluated(stoette_2)
    follow_up = sdk.FollowUp(bo, Opfoelgningsresultat.TraefAfgoerelseOmFortsaettelseAfIndsats, "2025-06-18", id=sid("opfoelgning", "1"))
    case.add(stoette_2, follow_up)
    yield ("2025-06-18", case)

    # 2025-08-30 afslutning: both indsatser end, støttebehov now intet
    stoette_3 = sdk.SupportEvaluation(Stoettebehov.IntetStoettebehov, "2025-08-30T10:00:00+02:00", id=sid("stoette", "3"))
    for plan, key in ((bo, "2"), (dag, "3")):
        plan.evaluated(stoette_3)
        case.add(sdk.FollowUp(plan, Opfoelgningsresultat.TraefAfgoerelseOmAfslutningAfIndsats, "2025-08-30", id=sid("opfoelgning", key)))
        plan.end("2025-08-30")
    for ydelse in (hjem, sund, social):
        ydelse.end("2025-08-30")
    case.add(stoette_3)
    yield ("2025-08-30", case)


def plan(days: Iterable[tuple[str, sdk.Case]]) -> list[dict]:
    """The daily reports, as the nightly job would send them."""
    planner = sdk.Planner()
    return [r for day, case in days if (r := planner.plan_day(case, day)) is not None]


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, help="directory for reports.ndjson (default: a temporary one)")
    args = parser.parse_args(argv)
    reports = plan(journey())
    errors = 0
    for r in reports:
        issues = [i for i in ffbkit.validate(r) if i.severity == "error"]
        errors += len(issues)
        kinds = sorted({e["resource"]["resourceType"] for e in r["entry"]})
        print(f"{r['timestamp'][:10]}  {len(r['entry']):2} resources, {len(issues)} errors  [{' '.join(kinds)}]")
    out = args.out or Path(tempfile.mkdtemp(prefix="ffbkit-boerge-"))
    out.mkdir(parents=True, exist_ok=True)
    stream = out / "reports.ndjson"
    stream.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in reports), encoding="utf-8")
    audit = ffbkit.audit(stream)
    audit_errors = sum(audit.citizens.column("errors"))
    print(f"{len(reports)} reports, {errors} validation errors, {audit_errors} audit errors -> {stream}")
    return 0 if errors == 0 and audit_errors == 0 else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
