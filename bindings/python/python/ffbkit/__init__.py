"""ffbkit: FFB reporting (Fælles Faglige Begreber) for analysts and vendors.

>>> import ffbkit
>>> cat = ffbkit.Catalog.default()
>>> cat.version
'20240530'
>>> cat["464a2ab6-a7df-4b3a-b74d-7873f4cfe668"].term
'Spise'
>>> [c.term for c in cat.search("samspil", kind="ad-tema")]
['Indgå i samspil og kontakt']
>>> "8328ce4a-6238-4f73-bf1a-74aadb68eff8" in cat.value_set("KLSeveritiesFFB")
True
>>> [i.rule for i in ffbkit.validate({"resourceType": "Bundle", "type": "batch"})]
['GW-BUNDLE', 'GW-BUNDLE']
"""

from ffbkit import analysis, codes, sdk
from ffbkit._dataset import Audit, Dataset, ReportError, audit, read_reports
from ffbkit._table import Table
from ffbkit._ffbkit import (
    Catalog,
    CatalogError,
    Concept,
    DomainError,
    FfbkitError,
    Issue,
    ValueSet,
    __version__,
    rules,
    validate,
    validate_many,
)

__all__ = [
    "Audit",
    "Dataset",
    "ReportError",
    "Table",
    "analysis",
    "codes",
    "sdk",
    "audit",
    "read_reports",
    "Catalog",
    "CatalogError",
    "Concept",
    "DomainError",
    "FfbkitError",
    "Issue",
    "ValueSet",
    "__version__",
    "rules",
    "validate",
    "validate_many",
]
