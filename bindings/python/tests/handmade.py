"""A hand-made dataset whose analyses have known answers: two citizens, two indsatser,
three goals, built day by day with the typed SDK (``ffbkit.sdk``) and planned as a vendor's
nightly job would (one report per day with what changed).

Citizen A (case SagA, almindeligt længerevarende botilbud, ydelse støtte til daglige opgaver i
hjemmet): Købe ind svært nedsat (3) and Indgå i samspil og kontakt moderat (2) at visitation;
goal *Udvikle*, expected let (1), primary Købe ind, secondary samspil. At the follow-up Købe
ind is re-assessed let (1): improved by 2, goal met.

Citizen B (case SagB, aktivitets- og samværstilbud, ydelse social aktivitet): Vaske sig let
(1) and Lave mad moderat (2); goal *Fastholde*, expected let (1), primary Vaske sig; goal
*Udvikle*, expected let (1), primary Lave mad. At the follow-up Vaske sig is re-assessed
moderat (2): worse by 1, goal not met; Lave mad is not re-assessed: not yet assessed.
"""

from __future__ import annotations

import json
from pathlib import Path

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

MUNICIPALITY = "6a3a6c4d-6d8f-4b0c-9b8a-0d3c5a1e2f40"


def _id(*parts: str) -> str:
    return sdk.derived_id(["ffbkit-handmade", *parts])


def _journey_a(withdraw: bool = False):
    case = sdk.Case(sdk.Citizen("0101504321", MUNICIPALITY, id=_id("a")))
    request = sdk.ServiceRequest("SagA", id=_id("a", "sag"))
    koebe_ind = sdk.ThemeAssessment.ad(AdTema.KoebeInd, F.SvaertNedsatFunktionsevne, "2025-03-01", id=_id("a", "koebe-ind"))
    samspil = sdk.ThemeAssessment.ad(AdTema.IndgaaISamspilOgKontakt, F.ModeratNedsatFunktionsevne, "2025-03-01", id=_id("a", "samspil"))
    hukommelse = sdk.ThemeAssessment.ff(FfTema.Hukommelse, "2025-03-01", id=_id("a", "hukommelse"))
    themes = [koebe_ind, samspil, hukommelse]
    gathering = sdk.InformationGathering(request, "2025-03-01T10:00:00+01:00", themes, id=_id("a", "udredning"))
    case.add(request, *themes, gathering)
    yield "2025-03-01", case
    stoette = sdk.SupportEvaluation(Stoettebehov.ModeratStoettebehov, "2025-03-02T10:00:00+01:00", id=_id("a", "stoette-1"))
    gathering.complete(stoette)
    group = sdk.TargetGroup(Maalgruppe.Angst, "2025-03-02", id=_id("a", "maalgruppe"))
    plan = sdk.CarePlan("SagA", "2025-03-02", Tilbud.AlmindeligtLaengerevarendeBotilbudTilVoksne, id=_id("a", "indsats"))
    goal = sdk.Goal(Maaltype.UdvikleFunktionsevne, F.LetNedsatFunktionsevne, koebe_ind, [samspil], id=_id("a", "maal"))
    plan.target_groups(group)
    plan.add_goal(goal)
    plan.evaluated(stoette)
    plan.follow_up = "2025-06-01"
    ydelse = sdk.Intervention(plan, Ydelse.StoetteTilDagligeOpgaverIHjemmet, "2025-03-02", "2025-03-02T12:00:00+01:00", id=_id("a", "ydelse"))
    case.add(stoette, group, goal, plan, ydelse)
    yield "2025-03-02", case
    koebe_ind.reassess("2025-06-01", F.LetNedsatFunktionsevne)
    stoette_2 = sdk.SupportEvaluation(Stoettebehov.LetStoettebehov, "2025-06-01T10:00:00+02:00", id=_id("a", "stoette-2"))
    plan.evaluated(stoette_2)
    plan.follow_up = "2025-09-01"
    follow_up = sdk.FollowUp(plan, Opfoelgningsresultat.TraefAfgoerelseOmFortsaettelseAfIndsats, "2025-06-01", id=_id("a", "opfoelgning"))
    case.add(stoette_2, follow_up)
    yield "2025-06-01", case
    if withdraw:
        koebe_ind.withdraw()
        yield "2025-07-01", case


def _journey_b():
    case = sdk.Case(sdk.Citizen("0202604321", MUNICIPALITY, id=_id("b")))
    request = sdk.ServiceRequest("SagB", id=_id("b", "sag"))
    vaske_sig = sdk.ThemeAssessment.ad(AdTema.VaskeSig, F.LetNedsatFunktionsevne, "2025-03-10", id=_id("b", "vaske-sig"))
    lave_mad = sdk.ThemeAssessment.ad(AdTema.LaveMad, F.ModeratNedsatFunktionsevne, "2025-03-10", id=_id("b", "lave-mad"))
    hukommelse = sdk.ThemeAssessment.ff(FfTema.Hukommelse, "2025-03-10", id=_id("b", "hukommelse"))
    themes = [vaske_sig, lave_mad, hukommelse]
    gathering = sdk.InformationGathering(request, "2025-03-10T10:00:00+01:00", themes, id=_id("b", "udredning"))
    case.add(request, *themes, gathering)
    yield "2025-03-10", case
    stoette = sdk.SupportEvaluation(Stoettebehov.LetStoettebehov, "2025-03-11T10:00:00+01:00", id=_id("b", "stoette-1"))
    gathering.complete(stoette)
    group = sdk.TargetGroup(Maalgruppe.Angst, "2025-03-11", id=_id("b", "maalgruppe"))
    plan = sdk.CarePlan("SagB", "2025-03-11", Tilbud.AktivitetsOgSamvaerstilbud, id=_id("b", "indsats"))
    keep = sdk.Goal(Maaltype.FastholdeFunktionsevne, F.LetNedsatFunktionsevne, vaske_sig, id=_id("b", "maal-vaske"))
    develop = sdk.Goal(Maaltype.UdvikleFunktionsevne, F.LetNedsatFunktionsevne, lave_mad, id=_id("b", "maal-mad"))
    plan.target_groups(group)
    plan.add_goal(keep)
    plan.add_goal(develop)
    plan.evaluated(stoette)
    plan.follow_up = "2025-06-10"
    ydelse = sdk.Intervention(plan, Ydelse.SocialAktivitet, "2025-03-11", "2025-03-11T12:00:00+01:00", id=_id("b", "ydelse"))
    case.add(stoette, group, keep, develop, plan, ydelse)
    yield "2025-03-11", case
    vaske_sig.reassess("2025-06-10", F.ModeratNedsatFunktionsevne)
    stoette_2 = sdk.SupportEvaluation(Stoettebehov.LetStoettebehov, "2025-06-10T10:00:00+02:00", id=_id("b", "stoette-2"))
    plan.evaluated(stoette_2)
    plan.follow_up = "2025-09-10"
    follow_up = sdk.FollowUp(plan, Opfoelgningsresultat.TraefAfgoerelseOmFortsaettelseAfIndsats, "2025-06-10", id=_id("b", "opfoelgning"))
    case.add(stoette_2, follow_up)
    yield "2025-06-10", case


def reports(withdraw: bool = False) -> list[dict]:
    """The daily reports of both citizens (each citizen planned by its own planner); with
    ``withdraw=True`` citizen A's Købe ind is withdrawn (entered-in-error) on 2025-07-01."""
    out = []
    for journey in (_journey_a(withdraw), _journey_b()):
        planner = sdk.Planner()
        out += [r for day, case in journey if (r := planner.plan_day(case, day)) is not None]
    return out


def write(path: Path, withdraw: bool = False) -> Path:
    """Write the reports as NDJSON to ``path``."""
    path.write_text("".join(json.dumps(r) + "\n" for r in reports(withdraw)), encoding="utf-8")
    return path
