"""The analyses of seed 002 ("Analysemuligheder med FFB-data", Figur 1-3) over a Dataset.

Each function takes a :class:`ffbkit.Dataset` and returns an :class:`ffbkit.Table`; with
``plot="file.png"`` it also draws the result with matplotlib (saved as PNG). The functions
read the dataset's tables (latest state per resource id unless read with
``history=True``), leave withdrawn (entered-in-error) data out, and need pandas and
pyarrow (matplotlib for plots): ``pip install "ffbkit[analysis]"``. Each docstring states
the definition it counts by.

>>> import ffbkit, ffbkit.analysis as fa
>>> sorted(fa.ANALYSES)[:3]
['ad_themes_by_score', 'development_as_expected', 'follow_up_cadence']
"""

from __future__ import annotations

import os
import re
from typing import TYPE_CHECKING, Any, Callable, Optional, Sequence, Union

from ffbkit._table import Table, _need

if TYPE_CHECKING:
    from ffbkit._dataset import Dataset

PlotPath = Optional[Union[str, "os.PathLike[str]"]]

__all__ = [
    "ANALYSES",
    "DEVELOPMENT_STATUSES",
    "ad_themes_by_score",
    "development_as_expected",
    "follow_up_cadence",
    "improvement_by_theme",
    "maaltype_by_intervention",
    "reporting_per_municipality",
    "stoettebehov_change",
    "stoettebehov_distribution",
    "themes_at_visitation",
    "worked_on_in_indsats",
]


def _check_dataset(ds: Any) -> None:
    from ffbkit._dataset import Dataset

    if not isinstance(ds, Dataset):
        raise TypeError(f"the analyses take an ffbkit.Dataset (from ffbkit.read_reports), not {type(ds).__name__}")


def _df(ds: "Dataset", name: str, drop_withdrawn: bool = True) -> Any:
    _check_dataset(ds)
    _need("pandas", "ffbkit.analysis")
    df = getattr(ds, name).to_pandas()
    if drop_withdrawn and "withdrawn" in df.columns:
        df = df[~df["withdrawn"].fillna(False).astype(bool)]
    return df


def _year(df: Any, column: str, year: Optional[int]) -> Any:
    if year is None:
        return df
    if not isinstance(year, int) or isinstance(year, bool):
        raise TypeError(f"year must be an int, not {type(year).__name__}")
    pd = _need("pandas", "ffbkit.analysis")
    return df[pd.to_datetime(df[column]).dt.year == year]


def _table(df: Any, name: str) -> Table:
    pa = _need("pyarrow", "ffbkit.analysis")
    return Table(pa.Table.from_pandas(df.reset_index(drop=True), preserve_index=False), name)


def _plot(path: PlotPath, draw: Callable[[Any], None], title: str) -> None:
    if path is None:
        return
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"plot must be a path (str or os.PathLike), not {type(path).__name__}")
    matplotlib = _need("matplotlib", "plot=")
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(9, 5.5))
    try:
        draw(ax)
        ax.set_title(title)
        fig.tight_layout()
        fig.savefig(os.fspath(path), format="png", dpi=100)
    finally:
        plt.close(fig)


def _barh(df: Any, label: str, value: str, limit: int = 25) -> Callable[[Any], None]:
    def draw(ax: Any) -> None:
        d = df.head(limit).iloc[::-1]
        ax.barh(d[label].astype(str), d[value])
        ax.set_xlabel(value)

    return draw


def _matches(paragraph: str) -> Callable[[Any], bool]:
    pattern = re.compile(re.escape(paragraph.strip()) + r"(?![0-9])")
    return lambda basis: isinstance(basis, str) and any(pattern.search(p) for p in basis.split("; "))


def _themes_for(cond: Any, iv: Any, plans: Any, paragraph: str) -> tuple[Any, int]:
    match = _matches(paragraph)
    by_ydelse = set(iv[iv["paragraph"].map(match)]["care_plan"])
    chosen = plans[plans["care_plan"].isin(by_ydelse) | plans["tilbud_paragraph"].map(match)]
    cases = chosen[["citizen", "case_number"]].drop_duplicates()
    hit = cond.merge(cases, on=["citizen", "case_number"])
    visited = hit["citizen"].nunique()
    out = (
        hit.groupby(["area", "theme", "term", "code"], dropna=False)
        .agg(citizens=("citizen", "nunique"), conditions=("id", "nunique"))
        .reset_index()
        .sort_values(["citizens", "term"], ascending=[False, True])
    )
    out["share"] = (out["citizens"] / visited).astype("float64") if visited else 0.0
    return out[["area", "theme", "term", "code", "citizens", "share", "conditions"]], visited


def themes_at_visitation(
    ds: "Dataset", paragraph: Union[str, Sequence[str]] = "§ 108", *, year: Optional[int] = None, plot: PlotPath = None
) -> Table:
    """Figur 1: how often each theme is part of the information gathering (udredning) of
    citizens visited to ydelser under ``paragraph`` (e.g. ``"§ 108"``, ``"Serviceloven § 85"``).

    A theme counts for a paragraph when the gathering that found it has the same case
    number as a care plan with a ydelse or a tilbud of that paragraph (legal basis in the
    catalog). Columns: area,
    theme, term, code, citizens (with the theme), share (of the citizens visited), conditions.

    Several indsatser in one table (*forskelle på tværs af indsatser*): pass a list, e.g.
    ``paragraph=["§ 107", "§ 108"]``; the table then starts with a ``paragraph`` column
    (the paragraph as given) and each share is of the citizens visited to that paragraph;
    the plot compares the shares side by side.
    """
    several = isinstance(paragraph, (list, tuple))
    paragraphs: list[Any] = list(paragraph) if isinstance(paragraph, (list, tuple)) else [paragraph]
    if not paragraphs:
        raise ValueError("paragraph must name at least one paragraph")
    for p in paragraphs:
        if not isinstance(p, str):
            raise TypeError(f"paragraph must be a str such as '§ 108' (or a list of them), not {type(p).__name__}")
    pd = _need("pandas", "ffbkit.analysis")
    cond = _year(_df(ds, "conditions"), "gathering_date", year)
    cond = cond[cond["gathering"].notna()]
    iv = _df(ds, "interventions")[["care_plan", "paragraph"]]
    plans = _df(ds, "care_plans")[["id", "citizen", "case_number", "tilbud_paragraph"]].rename(columns={"id": "care_plan"})
    parts, visited = [], {}
    for p in paragraphs:
        part, visited[p] = _themes_for(cond, iv, plans, p)
        parts.append(part.assign(paragraph=p))
    in_year = f" i {year}" if year is not None else ""
    if not several:
        out = parts[0].drop(columns="paragraph")
        p = paragraphs[0]
        title = f"Hyppighed af udredningstemaer ved visitation til {p}{in_year} ({visited[p]} borgere)"
        _plot(plot, _barh(out, "term", "citizens"), title)
        return _table(out, "themes_at_visitation")
    out = pd.concat(parts, ignore_index=True)
    out = out[["paragraph", "area", "theme", "term", "code", "citizens", "share", "conditions"]]
    names = ", ".join(paragraphs[:-1]) + " og " + paragraphs[-1] if len(paragraphs) > 1 else paragraphs[0]

    def draw(ax: Any) -> None:
        pivot = out.pivot_table(index="term", columns="paragraph", values="share", aggfunc="sum", fill_value=0)
        pivot = pivot[[p for p in paragraphs if p in pivot.columns]]
        pivot = pivot.loc[pivot.max(axis=1).sort_values().index[-25:]]
        height = 0.8 / max(len(pivot.columns), 1)
        for i, p in enumerate(pivot.columns):
            ax.barh([y + i * height for y in range(len(pivot))], pivot[p], height=height, label=f"{p} ({visited[p]} borgere)")
        ax.set_yticks([y + 0.4 - height / 2 for y in range(len(pivot))])
        ax.set_yticklabels(pivot.index.astype(str))
        ax.legend(fontsize="small", loc="center left", bbox_to_anchor=(1.0, 0.5))
        ax.set_xlabel("andel af visiterede borgere")

    _plot(plot, draw, f"Hyppighed af udredningstemaer ved visitation til {names}{in_year}")
    return _table(out, "themes_at_visitation")


def ad_themes_by_score(ds: "Dataset", *, year: Optional[int] = None, plot: PlotPath = None) -> Table:
    """Figur 2: Aktivitet og deltagelse themes by funktionsevnescore (0-4; empty for *ikke
    vurderet* or none). Columns: theme, term, score, funktionsevneniveau, conditions, share
    (of the term's conditions)."""
    cond = _year(_df(ds, "conditions"), "recorded_date", year)
    ad = cond[cond["kind"] == "ad-tema"].copy()
    ad["score"] = ad["score"].astype("Int64")
    out = ad.groupby(["theme", "term", "score", "funktionsevneniveau"], dropna=False).agg(conditions=("id", "count")).reset_index()
    out["share"] = out["conditions"] / out.groupby("term")["conditions"].transform("sum")
    out = out.sort_values(["term", "score"]).reset_index(drop=True)

    def draw(ax: Any) -> None:
        pivot = out.pivot_table(index="term", columns="score", values="conditions", aggfunc="sum", fill_value=0)
        pivot = pivot.loc[pivot.sum(axis=1).sort_values().index[-25:]]
        left = None
        for score in pivot.columns:
            ax.barh(pivot.index, pivot[score], left=left, label=f"score {score}")
            left = pivot[score] if left is None else left + pivot[score]
        ax.legend(fontsize="small", loc="center left", bbox_to_anchor=(1.0, 0.5))
        ax.set_xlabel("conditions")

    _plot(plot, draw, "Aktivitets- og deltagelsestemaer og funktionsevnescore")
    return _table(out, "ad_themes_by_score")


def maaltype_by_intervention(ds: "Dataset", *, by: str = "ydelse", plot: PlotPath = None) -> Table:
    """Figur 3: måltype by type of intervention. ``by`` is ``"ydelse"``, ``"paragraph"`` or
    ``"tilbud"``. A goal counts for each intervention of its care plan. Columns: the ``by``
    column, maaltype, goals, share (within the group). By paragraph, the ydelser whose
    definition names no paragraph (Akut ophold, the § 82-like ydelser without one) are a
    group of their own with a missing paragraph."""
    if by not in ("ydelse", "paragraph", "tilbud"):
        raise ValueError(f"by must be 'ydelse', 'paragraph' or 'tilbud', not {by!r}")
    goals = _df(ds, "goals")[["id", "care_plan", "maaltype"]]
    if by == "tilbud":
        groups = _df(ds, "care_plans")[["id", "tilbud"]].rename(columns={"id": "care_plan"})
    else:
        groups = _df(ds, "interventions")[["care_plan", by]]
    joined = goals.merge(groups, on="care_plan").drop_duplicates(["id", by])
    out = joined.groupby([by, "maaltype"], dropna=False).agg(goals=("id", "nunique")).reset_index()
    # A ydelse whose catalog definition names no paragraph (e.g. Akut ophold) has none: its
    # goals form a group of their own (the key is missing, not dropped).
    out["share"] = out["goals"] / out.groupby(by, dropna=False)["goals"].transform("sum")
    out = out.sort_values([by, "goals"], ascending=[True, False]).reset_index(drop=True)

    def draw(ax: Any) -> None:
        pivot = out.fillna({by: "(ingen paragraf)"}).pivot_table(index=by, columns="maaltype", values="share", aggfunc="sum", fill_value=0)
        left = None
        for m in pivot.columns:
            ax.barh(pivot.index.astype(str), pivot[m], left=left, label=str(m))
            left = pivot[m] if left is None else left + pivot[m]
        ax.legend(fontsize="small", loc="center left", bbox_to_anchor=(1.0, 0.5))
        ax.set_xlabel("share of goals")

    _plot(plot, draw, f"Måltype fordelt på {by}")
    return _table(out, "maaltype_by_intervention")


def follow_up_cadence(ds: "Dataset", *, plot: PlotPath = None) -> Table:
    """Opfølgningskadence: one row per follow-up with the days since the previous one of
    the same care plan (the first: since the care plan started). Columns: care_plan,
    citizen, municipality, number, effective, days_since_previous, result."""
    pd = _need("pandas", "ffbkit.analysis")
    fu = _df(ds, "follow_ups")[["id", "care_plan", "citizen", "municipality", "effective", "result"]]
    plans = _df(ds, "care_plans")[["id", "period_start"]].rename(columns={"id": "care_plan"})
    fu = fu.merge(plans, on="care_plan", how="left")
    fu["effective"] = pd.to_datetime(fu["effective"])
    fu = fu.sort_values(["care_plan", "effective"])
    fu["number"] = fu.groupby("care_plan").cumcount() + 1
    previous = fu.groupby("care_plan")["effective"].shift(1).fillna(pd.to_datetime(fu["period_start"]))
    fu["days_since_previous"] = (fu["effective"] - previous).dt.days.astype("Int64")
    fu["effective"] = fu["effective"].dt.date
    out = fu[["care_plan", "citizen", "municipality", "number", "effective", "days_since_previous", "result"]]

    def draw(ax: Any) -> None:
        ax.hist(out["days_since_previous"].dropna().astype(int), bins=30)
        ax.set_xlabel("days since previous follow-up (or start)")
        ax.set_ylabel("follow-ups")

    _plot(plot, draw, "Opfølgningskadence")
    return _table(out, "follow_up_cadence")


def stoettebehov_distribution(ds: "Dataset", *, plot: PlotPath = None) -> Table:
    """Støttebehov: the distribution of assessed levels (0 intet ... 4 fuldstændigt).
    Columns: level, stoettebehov, evaluations, share."""
    ev = _df(ds, "evaluations")
    ev = ev.assign(level=ev["level"].astype("Int64"))
    out = ev.groupby(["level", "stoettebehov"], dropna=False).agg(evaluations=("id", "count")).reset_index().sort_values("level")
    total = out["evaluations"].sum()
    out["share"] = out["evaluations"] / total if total else 0.0
    _plot(plot, _barh(out.iloc[::-1], "stoettebehov", "evaluations"), "Støttebehov")
    return _table(out, "stoettebehov_distribution")


def stoettebehov_change(ds: "Dataset", *, plot: PlotPath = None) -> Table:
    """Change of støttebehov between consecutive assessments of the same care plan (at
    follow-ups). Columns: from_level, to_level, change (to - from), transitions."""
    pd = _need("pandas", "ffbkit.analysis")
    ev = _df(ds, "evaluations")
    ev = ev[ev["care_plan"].notna() & ev["level"].notna()].drop_duplicates("id", keep="last")
    ev = ev.assign(effective=pd.to_datetime(ev["effective"])).sort_values(["care_plan", "effective"])
    ev["from_level"] = ev.groupby("care_plan")["level"].shift(1)
    steps = ev[ev["from_level"].notna()].copy()
    steps["from_level"] = steps["from_level"].astype("int64")
    steps["to_level"] = steps["level"].astype("int64")
    steps["change"] = steps["to_level"] - steps["from_level"]
    out = steps.groupby(["from_level", "to_level", "change"]).agg(transitions=("id", "count")).reset_index()

    def draw(ax: Any) -> None:
        by_change = out.groupby("change")["transitions"].sum()
        ax.bar(by_change.index.astype(str), by_change.values)
        ax.set_xlabel("change in støttebehov (to - from)")
        ax.set_ylabel("transitions")

    _plot(plot, draw, "Ændring i støttebehov mellem opfølgninger")
    return _table(out, "stoettebehov_change")


def reporting_per_municipality(ds: "Dataset", *, plot: PlotPath = None) -> Table:
    """Reporting per municipality: reports, citizens, resources, invalid reports, errors,
    warnings, first and last report day; with ``audit_findings`` when the dataset was read
    with ``audit=True``."""
    pd = _need("pandas", "ffbkit.analysis")
    rep = _df(ds, "reports", drop_withdrawn=False)
    rep = rep.assign(day=pd.to_datetime(rep["timestamp"].str.slice(0, 10), errors="coerce").dt.date, invalid=~rep["valid"].astype(bool))
    out = (
        rep.groupby("municipality", dropna=False)
        .agg(
            reports=("report_id", "count"),
            citizens=("citizen", "nunique"),
            resources=("resources", "sum"),
            invalid_reports=("invalid", "sum"),
            errors=("errors", "sum"),
            warnings=("warnings", "sum"),
            first_report=("day", "min"),
            last_report=("day", "max"),
        )
        .reset_index()
        .sort_values("reports", ascending=False)
    )
    if ds._audit is not None:
        findings = ds._audit.findings.to_pandas().groupby("municipality").size().rename("audit_findings")
        out = out.merge(findings, left_on="municipality", right_index=True, how="left")
        out["audit_findings"] = out["audit_findings"].fillna(0).astype("int64")
    _plot(plot, _barh(out.assign(municipality=out["municipality"].astype(str).str.slice(0, 8)), "municipality", "reports"), "Indberetninger pr. kommune")
    return _table(out, "reporting_per_municipality")


_BY = ("ydelse", "paragraph", "tilbud")


def _check_by(by: Any) -> None:
    if by not in _BY:
        raise ValueError(f"by must be 'ydelse', 'paragraph' or 'tilbud', not {by!r}")


def _plan_groups(ds: "Dataset", by: str) -> Any:
    """(care_plan, by) pairs: a care plan's ydelser or paragraphs (of its ydelser), or its
    tilbud; a care plan counts for each."""
    if by == "tilbud":
        groups = _df(ds, "care_plans")[["id", "tilbud"]].rename(columns={"id": "care_plan"})
    else:
        groups = _df(ds, "interventions")[["care_plan", by]]
    return groups.drop_duplicates()


def _stacked(out: Any, index: str, columns: str, values: str, xlabel: str) -> Callable[[Any], None]:
    def draw(ax: Any) -> None:
        pivot = out.pivot_table(index=index, columns=columns, values=values, aggfunc="sum", fill_value=0)
        pivot = pivot.loc[pivot.sum(axis=1).sort_values().index[-25:]]
        left = None
        for c in pivot.columns:
            ax.barh(pivot.index.astype(str), pivot[c], left=left, label=str(c))
            left = pivot[c] if left is None else left + pivot[c]
        ax.legend(fontsize="small", loc="center left", bbox_to_anchor=(1.0, 0.5))
        ax.set_xlabel(xlabel)

    return draw


def worked_on_in_indsats(ds: "Dataset", *, by: str = "ydelse", plot: PlotPath = None) -> Table:
    """Hvad arbejdes der med i den sociale indsats: the Aktivitet og deltagelse themes that
    the goals (indsatsmål) of care plans address, per ``by`` (``"ydelse"``, ``"paragraph"``
    of the ydelse, or ``"tilbud"`` of the care plan).

    Definition: a theme is *worked on* in a group when a goal of a care plan of that group
    addresses it (``goal_themes``: the primary theme, rank 1, and the secondary ones); a
    goal counts for each ydelse (paragraph) of its care plan. Withdrawn goals, care plans,
    ydelser and themes are left out. Columns: the ``by`` column, theme (tema), term (undertema),
    code, goals (addressing the theme), primary_goals (of them, with it as primary theme),
    citizens, share (of the group's citizens with a goal addressing an A&D theme).
    """
    _check_by(by)
    gt = _df(ds, "goal_themes")
    gt = gt[gt["kind"] == "ad-tema"][["goal", "citizen", "condition", "rank", "code", "term"]]
    goals = _df(ds, "goals")[["id", "care_plan"]].rename(columns={"id": "goal"})
    all_cond = _df(ds, "conditions", drop_withdrawn=False)
    withdrawn = set(all_cond[all_cond["withdrawn"].fillna(False).astype(bool)]["id"])
    gt = gt[~gt["condition"].isin(withdrawn)]
    themes = all_cond[["id", "theme"]].drop_duplicates("id").rename(columns={"id": "condition"})
    joined = gt.merge(goals, on="goal").merge(_plan_groups(ds, by), on="care_plan").merge(themes, on="condition", how="left")
    joined = joined.drop_duplicates(["goal", "condition", by])
    joined["primary"] = joined["rank"] == 1
    out = (
        joined.groupby([by, "theme", "term", "code"], dropna=False)
        .agg(goals=("goal", "nunique"), primary_goals=("primary", "sum"), citizens=("citizen", "nunique"))
        .reset_index()
    )
    per_group = joined.groupby(by, dropna=False)["citizen"].nunique().rename("group_citizens")
    out = out.merge(per_group, left_on=by, right_index=True)
    out["share"] = (out["citizens"] / out["group_citizens"]).astype("float64")
    out["primary_goals"] = out["primary_goals"].astype("int64")
    out = out.sort_values([by, "goals", "term"], ascending=[True, False, True])
    out = out[[by, "theme", "term", "code", "goals", "primary_goals", "citizens", "share"]]
    label = {"ydelse": "ydelse", "paragraph": "paragraf", "tilbud": "tilbud"}[by]
    _plot(plot, _stacked(out, "term", by, "goals", "indsatsmål"), f"Hvad arbejdes der med i den sociale indsats (temaer i indsatsmål pr. {label})")
    return _table(out, "worked_on_in_indsats")


def _latest(df: Any) -> Any:
    """The latest version of each resource id (by the report's timestamp): the rows as read
    without history, also when the dataset was read with ``history=True``."""
    pd = _need("pandas", "ffbkit.analysis")
    reported = pd.to_datetime(df["report_timestamp"], utc=True, errors="coerce")
    return df.assign(_reported=reported).sort_values("_reported", kind="stable").drop_duplicates("id", keep="last").drop(columns="_reported")


def _assessments(ds: "Dataset") -> Any:
    """Every assessment of an A&D theme with a score: one row per Condition id, assessment
    day (``last_asserted``, else ``recorded_date``) and score, from the conditions' history
    (the dataset's own when read with ``history=True``, else its sources read again with
    history, the same CPR mode and salt, without validation)."""
    _check_dataset(ds)
    pd = _need("pandas", "ffbkit.analysis")
    if not ds.history:
        cached = ds._history_dataset
        if cached is None:
            from ffbkit._dataset import read_reports

            try:
                cached = read_reports(ds.sources, history=True, cpr=ds.cpr, salt=ds._salt, validate=False)
            except FileNotFoundError as e:
                raise FileNotFoundError(
                    f"this analysis needs the conditions' history: the dataset's sources are read again with history=True, but {e}; "
                    "keep the sources, or pass a dataset read with read_reports(..., history=True)"
                ) from e
            ds._history_dataset = cached
        ds = cached
    cond = _df(ds, "conditions", drop_withdrawn=False)
    cond = cond.assign(reported=pd.to_datetime(cond["report_timestamp"], utc=True, errors="coerce"))
    # a theme whose latest version is withdrawn (entered-in-error) has no assessments at all
    latest = _latest(cond)
    gone = set(latest[latest["withdrawn"].fillna(False).astype(bool)]["id"])
    cond = cond[~cond["withdrawn"].fillna(False).astype(bool) & ~cond["id"].isin(gone)]
    cond = cond[(cond["kind"] == "ad-tema") & cond["score"].notna()].copy()
    cond["day"] = pd.to_datetime(cond["last_asserted"].fillna(cond["recorded_date"]))
    cond["score"] = cond["score"].astype("int64")
    cond = cond.sort_values(["id", "day", "reported"], kind="stable")
    return cond.drop_duplicates(["id", "day"], keep="last")


def improvement_by_theme(ds: "Dataset", *, plot: PlotPath = None) -> Table:
    """Hvad forbedres som led i den sociale indsats (på temaniveau): the change of
    funktionsevnescore of each Aktivitet og deltagelse theme between its first and its
    latest assessment.

    Definition: an assessment is a version of a Condition (same resource id) with a score
    (0 ingen ... 4 fuldstændigt nedsat funktionsevne; *ikke vurderet* is no assessment),
    dated by its ``last_asserted`` day, else its ``recorded_date``; several versions of one
    day count as the last reported. ``change`` = latest score - first score, so a negative
    change is an *improvement* (less reduced funktionsevne), a positive one a worsening.
    Only themes assessed on at least two days count; a theme withdrawn (entered-in-error)
    in its latest version does not count at all. The history comes from the dataset
    when read with ``history=True``, else its sources are read again with history.
    Columns: area, theme (tema), term (undertema), code, conditions (assessed at least
    twice), improved, unchanged, worsened, mean_change, share_improved.
    """
    a = _assessments(ds)
    g = a.groupby("id")
    first = g.first()
    last = g.last()
    days = g["day"].nunique()
    keep = days[days >= 2].index
    steps = last.loc[keep, ["area", "theme", "term", "code"]].copy()
    steps["change"] = last.loc[keep, "score"] - first.loc[keep, "score"]
    out = (
        steps.assign(improved=steps["change"] < 0, unchanged=steps["change"] == 0, worsened=steps["change"] > 0)
        .groupby(["area", "theme", "term", "code"], dropna=False)
        .agg(
            conditions=("change", "size"),
            improved=("improved", "sum"),
            unchanged=("unchanged", "sum"),
            worsened=("worsened", "sum"),
            mean_change=("change", "mean"),
        )
        .reset_index()
    )
    for c in ("conditions", "improved", "unchanged", "worsened"):
        out[c] = out[c].astype("int64")
    out["mean_change"] = out["mean_change"].astype("float64")
    out["share_improved"] = (out["improved"] / out["conditions"]).astype("float64")
    out = out.sort_values(["share_improved", "conditions", "term"], ascending=[False, False, True])

    def draw(ax: Any) -> None:
        d = out.head(25).iloc[::-1]
        left = None
        for col, name in (("improved", "Forbedret"), ("unchanged", "Uændret"), ("worsened", "Forværret")):
            ax.barh(d["term"].astype(str), d[col], left=left, label=name)
            left = d[col] if left is None else left + d[col]
        ax.legend(fontsize="small", loc="center left", bbox_to_anchor=(1.0, 0.5))
        ax.set_xlabel("temaer (første til seneste vurdering)")

    _plot(plot, draw, "Hvad forbedres som led i den sociale indsats (på temaniveau)")
    return _table(out, "improvement_by_theme")


#: The statuses of :func:`development_as_expected`, in order.
DEVELOPMENT_STATUSES = ("met", "not met", "not yet assessed")


def development_as_expected(ds: "Dataset", *, per_goal: bool = False, plot: PlotPath = None) -> Table:
    """Sker udvikling som forventet ved visitation? Expected against achieved
    funktionsevnescore per goal, by måltype and theme.

    Definition: *expected* is the goal's target (its expected funktionsevneniveau, as a
    score 0-4). The goal is *set* on the start day of its care plan (the bestilling).
    *Achieved* is the score of the latest assessment of the goal's primary theme (the same
    Condition id; an assessment is dated by ``last_asserted``, else ``recorded_date``, and
    *ikke vurderet* is none) dated after that day; *baseline* the latest one on or before
    it. A goal is ``"met"`` when achieved <= expected (lower score = less reduced
    funktionsevne, whatever the måltype), ``"not met"`` when achieved > expected, and
    ``"not yet assessed"`` when its primary theme has no assessment after the goal was set
    (or the goal has no expected score). Withdrawn goals are left out, and each goal and
    care plan counts in its latest version (also in a dataset read with ``history=True``);
    the themes' history is read as for :func:`improvement_by_theme`.

    Returns one row per måltype and primary theme: maaltype, theme (tema), term, goals,
    met, not_met, not_yet_assessed, share_met (of the assessed goals; empty when none).
    With ``per_goal=True`` one row per goal instead: goal, citizen, municipality,
    care_plan, maaltype, theme, term, set_on, baseline_score, expected_score,
    achieved_score, achieved_on, status.
    """
    from ffbkit._dataset import _check_bool

    _check_bool("per_goal", per_goal)
    pd = _need("pandas", "ffbkit.analysis")
    goals = _latest(_df(ds, "goals"))[["id", "citizen", "municipality", "care_plan", "maaltype", "expected_score", "primary_theme", "primary_theme_term"]]
    plans = _latest(_df(ds, "care_plans"))[["id", "period_start"]].rename(columns={"id": "care_plan", "period_start": "set_on"})
    g = goals.rename(columns={"id": "goal", "primary_theme_term": "term"}).merge(plans.drop_duplicates("care_plan"), on="care_plan", how="left")
    g["set_on"] = pd.to_datetime(g["set_on"])
    a = _assessments(ds)[["id", "day", "score", "theme"]].rename(columns={"id": "primary_theme"})
    themes = a.drop_duplicates("primary_theme")[["primary_theme", "theme"]]
    g = g.merge(themes, on="primary_theme", how="left")
    both = g[["goal", "primary_theme", "set_on"]].merge(a[["primary_theme", "day", "score"]], on="primary_theme")
    after = both[both["day"] > both["set_on"]].sort_values("day").groupby("goal").last()
    before = both[both["day"] <= both["set_on"]].sort_values("day").groupby("goal").last()
    g["baseline_score"] = g["goal"].map(before["score"]).astype("Int64")
    g["achieved_score"] = g["goal"].map(after["score"]).astype("Int64")
    g["achieved_on"] = g["goal"].map(after["day"])
    g["expected_score"] = g["expected_score"].astype("Int64")
    assessed = g["achieved_score"].notna() & g["expected_score"].notna()
    g["status"] = "not yet assessed"
    g.loc[assessed, "status"] = (g.loc[assessed, "achieved_score"] <= g.loc[assessed, "expected_score"]).map({True: "met", False: "not met"})
    g["set_on"] = g["set_on"].dt.date
    g["achieved_on"] = pd.to_datetime(g["achieved_on"]).dt.date
    g = g.sort_values(["citizen", "care_plan", "goal"])
    rows = g[["goal", "citizen", "municipality", "care_plan", "maaltype", "theme", "term", "set_on", "baseline_score", "expected_score", "achieved_score", "achieved_on", "status"]]
    out = (
        g.assign(met=g["status"] == "met", not_met=g["status"] == "not met", not_yet_assessed=g["status"] == "not yet assessed")
        .groupby(["maaltype", "theme", "term"], dropna=False)
        .agg(goals=("goal", "nunique"), met=("met", "sum"), not_met=("not_met", "sum"), not_yet_assessed=("not_yet_assessed", "sum"))
        .reset_index()
    )
    for c in ("goals", "met", "not_met", "not_yet_assessed"):
        out[c] = out[c].astype("int64")
    judged = out["met"] + out["not_met"]
    out["share_met"] = (out["met"] / judged.where(judged > 0)).astype("float64")
    out = out.sort_values(["maaltype", "goals", "term"], ascending=[True, False, True])

    def draw(ax: Any) -> None:
        d = out.groupby("maaltype", dropna=False)[["met", "not_met", "not_yet_assessed"]].sum()
        left = None
        for col, name in (("met", "Opfyldt"), ("not_met", "Ikke opfyldt"), ("not_yet_assessed", "Endnu ikke vurderet")):
            ax.barh(d.index.astype(str), d[col], left=left, label=name)
            left = d[col] if left is None else left + d[col]
        ax.legend(fontsize="small", loc="center left", bbox_to_anchor=(1.0, 0.5))
        ax.set_xlabel("indsatsmål")

    _plot(plot, draw, "Sker udvikling som forventet ved visitation? (forventet og opnået funktionsevnescore)")
    if per_goal:
        return _table(rows, "development_as_expected")
    return _table(out, "development_as_expected")


#: Every analysis by name.
ANALYSES: dict[str, Callable[..., Table]] = {
    "themes_at_visitation": themes_at_visitation,
    "ad_themes_by_score": ad_themes_by_score,
    "maaltype_by_intervention": maaltype_by_intervention,
    "follow_up_cadence": follow_up_cadence,
    "stoettebehov_distribution": stoettebehov_distribution,
    "stoettebehov_change": stoettebehov_change,
    "reporting_per_municipality": reporting_per_municipality,
    "worked_on_in_indsats": worked_on_in_indsats,
    "improvement_by_theme": improvement_by_theme,
    "development_as_expected": development_as_expected,
}
