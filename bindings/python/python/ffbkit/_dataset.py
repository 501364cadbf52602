"""ffbkit.read_reports, ffbkit.Dataset and ffbkit.audit: delivery reports as Arrow tables.

The work (reading files, directories and NDJSON, validating, extracting rows, the audit)
runs in Rust on all cores with the GIL released; this module only wraps the results.
"""

from __future__ import annotations

import json
import os
from typing import Any, Optional, Sequence, Union

from ffbkit import _ffbkit
from ffbkit._ffbkit import FfbkitError
from ffbkit._table import Table

PathArg = Union[str, "os.PathLike[str]", Sequence[Union[str, "os.PathLike[str]"]]]

#: The tables of a Dataset, in order.
TABLE_NAMES = (
    "reports",
    "citizens",
    "service_requests",
    "gatherings",
    "conditions",
    "target_groups",
    "goals",
    "goal_themes",
    "evaluations",
    "care_plans",
    "interventions",
    "follow_ups",
    "issues",
)

_CPR_MODES = ("masked", "pseudonym", "clear")
_ON_INVALID = ("keep", "skip", "raise")


class ReportError(FfbkitError):
    """Reports broke rules (raised by ``read_reports(..., on_invalid="raise")``).

    ``rule_ids`` lists the ids of the rules broken with severity *error* (sorted),
    ``source`` names the first report with errors, ``invalid`` counts such reports.
    """

    def __init__(self, message: str, rule_ids: Sequence[str] = (), source: Optional[str] = None, invalid: int = 0) -> None:
        super().__init__(message)
        self.rule_ids: list[str] = list(rule_ids)
        self.source = source
        self.invalid = invalid


def _check_choice(name: str, value: Any, choices: Sequence[str]) -> None:
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a str, one of {', '.join(choices)}; not {type(value).__name__}")
    if value not in choices:
        raise ValueError(f"{name} must be one of {', '.join(repr(c) for c in choices)}, not {value!r}")


def _check_bool(name: str, value: Any) -> None:
    if not isinstance(value, bool):
        raise TypeError(f"{name} must be True or False, not {type(value).__name__}")


def _sources(paths: PathArg) -> list[str]:
    if isinstance(paths, (str, os.PathLike)):
        return [os.fspath(paths)]
    if isinstance(paths, (list, tuple)):
        return [os.fspath(p) if isinstance(p, (str, os.PathLike)) else p for p in paths]
    raise TypeError(f"read_reports() takes a path or a list of paths (str or os.PathLike), not {type(paths).__name__}")


# The coverage columns of ``audit_municipalities`` (the SDK's ``audit::Coverage``).
_COVERAGE = ("ff_themes", "ad_themes", "ad_scored", "support_assessments", "maaltyper", "ydelser", "follow_ups")


class Audit:
    """The stream audit of a dataset (DST and PROTO rules per citizen): three tables.

    Every finding has a ``severity``: ``"error"`` when the cited IG or seed text states the
    rule, ``"interpretation"`` when the check rests on ffbkit's reading (a warning, never a
    failure).

    - ``findings``: one row per finding (citizen, municipality, rule, severity, report,
      resource, message);
    - ``citizens``: one row per citizen (reports, number of findings, of them ``errors``
      with severity error, the rules of all findings);
    - ``municipalities``: one row per municipality and rule (citizens with the finding,
      findings, of them ``errors`` with severity error, citizens audited), then the
      municipality's ``kommunekode`` and ``name`` (when a mapping file names its STS id,
      ``municipalities=`` of :func:`read_reports` / :func:`audit`) and its coverage as in
      seed 002, the same on each of its rows: ``ad_themes``, ``ad_scored``
      (funktionsevnevurderinger), ``ff_themes``, ``support_assessments`` (støttebehov),
      ``maaltyper``, ``ydelser``, ``follow_ups``.

    :meth:`coverage` gives the coverage view of seed 002's data slides (municipalities
    reporting any / none / 1-5, top-N shares), computed by the SDK as ``ffbkit audit`` does.
    """

    __slots__ = ("findings", "citizens", "municipalities", "_mapping")

    def __init__(self, tables: dict[str, Any], mapping: Optional[str] = None) -> None:
        self.findings = Table(tables["audit_findings"], "audit_findings")
        self.citizens = Table(tables["audit_citizens"], "audit_citizens")
        self.municipalities = Table(tables["audit_municipalities"], "audit_municipalities")
        self._mapping = mapping

    def coverage(self, top: Sequence[int] = (7, 10)) -> dict[str, Any]:
        """The coverage view (the SDK's ``CoverageView``, the same as ``ffbkit audit --json``'s
        ``coverage_view``): ``universe`` (``"register"``: out of Denmark's 98 municipalities,
        with the mapping file given when reading; ``"present"``: out of those in the data,
        by STS id), ``out_of``, ``note``, ``measures`` (per kind: ``total``, ``reporting``,
        ``none``, ``one_to_five``, ``top`` as ``[{"n", "share"}]`` in percent),
        ``municipalities`` and ``unmapped`` (per municipality: ``kommunekode``, ``name``,
        ``sts_ids``, ``citizens``, ``coverage``)."""
        seen: dict[str, list] = {}
        for r in self.municipalities.to_pylist():
            sts = r["municipality"] or ""
            seen.setdefault(sts, [sts, r["citizens"], {k: r[k] for k in _COVERAGE}])
        return json.loads(_ffbkit.coverage_view(json.dumps(list(seen.values())), municipalities=self._mapping, top=[int(n) for n in top]))

    def __repr__(self) -> str:
        return f"Audit(citizens={self.citizens.num_rows}, findings={self.findings.num_rows})"


class Dataset:
    """Delivery reports read by :func:`read_reports`, as Arrow tables.

    Tables (each an :class:`ffbkit.Table`): ``reports`` (one row per report, with its
    validity), ``citizens``, ``service_requests``, ``gatherings`` (information gatherings,
    with the case number), ``conditions`` (FFB themes: code, term, kind ``ff-tema`` /
    ``ad-tema`` / ``omgivelse``, theme (tema) and area, funktionsevneniveau and score,
    recorded and last-asserted dates, the gathering that found them), ``target_groups``,
    ``goals`` (måltype, expected level and score, primary theme, care plan),
    ``goal_themes`` (one row per addressed theme with rank), ``evaluations``
    (støttebehov), ``care_plans`` (tilbud, målgrupper, period, case number, follow-up date),
    ``interventions`` (ydelse, paragraph, period, status), ``follow_ups`` and ``issues``
    (the validator's findings, and the audit's when read with ``audit=True``).
    :meth:`to_parquet` writes them as Parquet files with the columns' descriptions.
    """

    def __init__(self, tables: dict[str, Any], summary: dict[str, Any], sources: list[str], history: bool, cpr: str, salt: Optional[bytes]) -> None:
        self._tables = {name: Table(t, name) for name, t in tables.items() if not name.startswith("audit_")}
        self._audit = Audit(tables) if "audit_findings" in tables else None
        self.summary: dict[str, Any] = dict(summary)
        self.sources = list(sources)
        self.history = history
        self.cpr = cpr
        self._salt = salt
        self._history_dataset: Optional[Dataset] = None  # the sources read with history, for the analyses
        self._mapping: Optional[str] = None

    @property
    def reports(self) -> Table:
        """One row per report: id, timestamp, citizen, municipality, source, resources, valid, errors, warnings."""
        return self._tables["reports"]

    @property
    def citizens(self) -> Table:
        """One row per citizen (Patient)."""
        return self._tables["citizens"]

    @property
    def service_requests(self) -> Table:
        """Service requests with their case number."""
        return self._tables["service_requests"]

    @property
    def gatherings(self) -> Table:
        """Information gatherings (udredninger): effective day, service request, case number, number of findings."""
        return self._tables["gatherings"]

    @property
    def conditions(self) -> Table:
        """FFB themes: code, term, kind, theme, area, funktionsevneniveau and score, dates, gathering."""
        return self._tables["conditions"]

    @property
    def target_groups(self) -> Table:
        """Målgrupper, with their care plan and rank."""
        return self._tables["target_groups"]

    @property
    def goals(self) -> Table:
        """Goals: måltype, expected level and score, primary theme, care plan."""
        return self._tables["goals"]

    @property
    def goal_themes(self) -> Table:
        """One row per theme a goal addresses, with its rank."""
        return self._tables["goal_themes"]

    @property
    def evaluations(self) -> Table:
        """Støttebehov assessments: level 0-4, care plan."""
        return self._tables["evaluations"]

    @property
    def care_plans(self) -> Table:
        """Care plans (indsatser): tilbud, målgrupper, period, case number, follow-up date."""
        return self._tables["care_plans"]

    @property
    def interventions(self) -> Table:
        """Interventions (ydelser): ydelse, paragraph, period, status, care plan."""
        return self._tables["interventions"]

    @property
    def follow_ups(self) -> Table:
        """Follow-ups: day, care plan, result."""
        return self._tables["follow_ups"]

    @property
    def issues(self) -> Table:
        """Findings: the validator's (origin 'validator'; severity error, warning or
        information) and the audit's (origin 'audit'; severity error or interpretation)."""
        return self._tables["issues"]

    def tables(self) -> dict[str, Table]:
        """Every table by name."""
        return dict(self._tables)

    def to_parquet(self, directory: Union[str, "os.PathLike[str]"]) -> dict[str, str]:
        """Write every table to ``directory`` (made if missing) as ``<table>.parquet``, one
        file per table (needs pyarrow), and return the paths by table name.

        Each file carries what its columns mean as Arrow/Parquet metadata: every field has a
        ``description`` (``ffbkit._columns``), the schema a ``description`` of the table and
        ``ffbkit.table``, ``ffbkit.cpr`` (the CPR mode the citizens were read with) and
        ``ffbkit.history``. The rows and types are the tables' own, so
        ``pyarrow.parquet.read_table``, ``polars.read_parquet`` and DuckDB's
        ``read_parquet`` give the same data back.
        """
        if not isinstance(directory, (str, os.PathLike)):
            raise TypeError(f"to_parquet() takes a directory path (str or os.PathLike), not {type(directory).__name__}")
        from ffbkit._columns import TABLE_DOCS, column_doc
        from ffbkit._table import _need

        pa = _need("pyarrow", "Dataset.to_parquet()")
        pq = _need("pyarrow.parquet", "Dataset.to_parquet()")
        out = os.fspath(directory)
        os.makedirs(out, exist_ok=True)
        paths = {}
        for name, table in self._tables.items():
            t = table.to_pyarrow()
            fields = [f.with_metadata({"description": column_doc(name, f.name)}) for f in t.schema]
            meta = {"ffbkit.table": name, "description": TABLE_DOCS.get(name, ""), "ffbkit.cpr": self.cpr, "ffbkit.history": str(self.history).lower()}
            t = pa.Table.from_arrays(t.columns, schema=pa.schema(fields, metadata=meta))
            path = os.path.join(out, f"{name}.parquet")
            pq.write_table(t, path)
            paths[name] = path
        return paths

    def __repr__(self) -> str:
        s = self.summary
        return f"Dataset(reports={s['reports']}, resources={s['resources']}, invalid={s['invalid']}, history={self.history}, cpr={self.cpr!r})"


def read_reports(
    paths: PathArg,
    *,
    history: bool = False,
    cpr: str = "masked",
    salt: Optional[Union[str, bytes]] = None,
    on_invalid: str = "keep",
    audit: bool = False,
    validate: bool = True,
    municipalities: Optional[Union[str, os.PathLike]] = None,
) -> Dataset:
    """Read, validate and tabulate delivery reports: files, directories (recursively,
    ``*.json``, ``*.ndjson``, ``*.jsonl``) and NDJSON, in parallel in Rust.

    - ``history=False`` keeps the latest version of each resource id (by the report's
      timestamp; ties: the later input), whatever the order of the inputs; ``True`` keeps
      every version, one row per report that carried it.
    - ``cpr``: ``"masked"`` (``010181-****``, the default), ``"pseudonym"`` (32 hex
      digits of HMAC-SHA-256 under ``salt``, the SDK's one scheme, as ``ffbkit serve``'s
      citizen keys; pass the same ``salt`` to link datasets, without one a random salt
      links within this dataset only) or ``"clear"``.
    - ``on_invalid``: ``"keep"`` the rows of reports with errors (their findings are in
      ``issues``), ``"skip"`` them, or ``"raise"`` :class:`ReportError` with the rule ids.
    - ``validate=False`` skips the validator (only JSON is checked, as ``GW-JSON``), for
      data already known to be valid, e.g. accepted by the gateway.
    - ``audit=True`` also runs the stream audit (see :func:`audit`); its findings join
      ``issues`` with ``origin == "audit"``.
    - ``municipalities``: a CSV file mapping KOMBIT STS organisation ids to kommunekoder
      (``sts_uuid,kommunekode`` per line, as ``ffbkit audit --municipalities``): the audit's
      municipality table then names them, and its coverage view counts out of the 98.

    Missing paths raise ``FileNotFoundError``; broken JSON is a ``GW-JSON`` issue, not an
    exception.
    """
    _check_bool("history", history)
    _check_bool("audit", audit)
    _check_bool("validate", validate)
    _check_choice("cpr", cpr, _CPR_MODES)
    _check_choice("on_invalid", on_invalid, _ON_INVALID)
    if salt is not None and not isinstance(salt, (str, bytes)):
        raise TypeError(f"salt must be str or bytes, not {type(salt).__name__}")
    salt_bytes = salt.encode("utf-8") if isinstance(salt, str) else salt
    if cpr == "pseudonym" and not salt_bytes:
        salt_bytes = os.urandom(16)
    sources = _sources(paths)
    mapping = os.fspath(municipalities) if municipalities is not None else None
    tables, summary = _ffbkit.read_reports(
        sources,
        history=history,
        cpr=cpr,
        salt=salt_bytes,
        audit=audit,
        skip_invalid=on_invalid == "skip",
        validate=validate,
        municipalities=mapping,
    )
    if on_invalid == "raise" and summary["invalid"]:
        rules = summary["error_rules"]
        raise ReportError(
            f"{summary['invalid']} of {summary['reports']} report(s) break rules ({', '.join(rules)}); first: {summary['first_invalid']}",
            rule_ids=rules,
            source=summary["first_invalid"],
            invalid=summary["invalid"],
        )
    ds = Dataset(tables, summary, sources, history, cpr, salt_bytes)
    if ds._audit is not None:
        ds._audit._mapping = mapping
    ds._mapping = mapping
    return ds


def audit(data: Union[Dataset, PathArg], *, municipalities: Optional[Union[str, os.PathLike]] = None) -> Audit:
    """The stream audit (DST and PROTO rules, by the SDK's audit) per citizen and
    municipality, of a :class:`Dataset` or of paths. A dataset read with ``audit=True``
    has it already; otherwise its sources are read again (with the same CPR mode).
    ``municipalities``: a mapping file (STS organisation id -> kommunekode, see
    :func:`read_reports`); by default the dataset's own, if it was read with one."""
    mapping = os.fspath(municipalities) if municipalities is not None else None
    if isinstance(data, Dataset):
        mapping = mapping if mapping is not None else data._mapping
        if data._audit is not None and data._audit._mapping == mapping:
            return data._audit
        tables, _ = _ffbkit.read_reports(data.sources, cpr=data.cpr, salt=data._salt, audit=True, tables=False, municipalities=mapping)
        data._audit = Audit(tables, mapping)
        return data._audit
    tables, _ = _ffbkit.read_reports(_sources(data), audit=True, tables=False, municipalities=mapping)
    return Audit(tables, mapping)
