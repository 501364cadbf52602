"""The typed SDK in Python: build a citizen's case in VUM terms and turn it into FFB
delivery reports, with the Rust SDK's own types and checks (``ffbkit_sdk::domain``,
``builder``, ``planner``). A value the IG forbids is refused when it is made, with
``ffbkit.DomainError`` naming the rule (``.rule``). Codes come from ``ffbkit.codes``.

>>> from ffbkit import sdk
>>> from ffbkit.codes import AdTema, FfTema, Funktionsevneniveau
>>> try:
...     sdk.ThemeAssessment.ad(FfTema.Hukommelse, Funktionsevneniveau.LetNedsatFunktionsevne, "2025-05-28")
... except sdk.DomainError as e:
...     print(e.rule)
GW-BINDING

Ids: pass ``id=`` (a UUID, e.g. ``sdk.derived_id(["my-system", "table", "42"])``) to keep
the ids of your own rows stable from report to report (PROTO-ID-STABLE); without it a
random one is made. See docs/python.md, "The typed SDK".
"""

from ffbkit._ffbkit import (
    CarePlan,
    Case,
    Citizen,
    DomainError,
    DurablePlanner,
    FollowUp,
    Goal,
    InformationGathering,
    Intervention,
    Planner,
    ServiceRequest,
    SupportEvaluation,
    TargetGroup,
    ThemeAssessment,
    derived_id,
)

__all__ = [
    "CarePlan",
    "Case",
    "Citizen",
    "DomainError",
    "DurablePlanner",
    "FollowUp",
    "Goal",
    "InformationGathering",
    "Intervention",
    "Planner",
    "ServiceRequest",
    "SupportEvaluation",
    "TargetGroup",
    "ThemeAssessment",
    "derived_id",
]
