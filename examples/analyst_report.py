"""An analyst's page from synthetic FFB data: `ffbkit synth` -> read_reports -> audit ->
every analysis of seed 002 (its five questions) -> one HTML page with PNG plots, and the
tables as Parquet files (parquet/).

    python examples/analyst_report.py                      # writes out/analyst/index.html
    python examples/analyst_report.py --out /tmp/page --citizens 500 --seed 3

Needs the ffbkit Python package with pandas, pyarrow and matplotlib, and the ffbkit CLI
(target/debug/ffbkit or target/release/ffbkit, $FFBKIT_BIN, or `cargo run`).
"""

from __future__ import annotations

import argparse
import html
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import ffbkit
import ffbkit.analysis as fa

ROOT = Path(__file__).resolve().parents[1]

# seed 002, "Analysemuligheder med FFB-data": its figure titles and its questions
TITLES = {
    "themes_at_visitation": "Figur 1. Hyppighed af udredningstemaer ved visitation til § 108",
    "ad_themes_by_score": "Figur 2. Hyppighed af aktivitets- og deltagelsestemaer og funktionsevnescore",
    "maaltype_by_intervention": "Figur 3. Måltype fordelt på indsatstype (ydelse)",
    "worked_on_in_indsats": "Hvad arbejdes der med i den sociale indsats? (temaer i indsatsmål pr. ydelse)",
    "improvement_by_theme": "Hvad forbedres som led i den sociale indsats (på temaniveau)?",
    "development_as_expected": "Sker udvikling som forventet ved visitation? (forventet og opnået funktionsevnescore)",
    "follow_up_cadence": "Opfølgningskadence",
    "stoettebehov_distribution": "Støttebehov",
    "stoettebehov_change": "Ændring i støttebehov mellem opfølgninger",
    "reporting_per_municipality": "Indberetning pr. kommune",
}


def ffbkit_cli() -> list[str]:
    if os.environ.get("FFBKIT_BIN"):
        return [os.environ["FFBKIT_BIN"]]
    for profile in ("release", "debug"):
        b = ROOT / "target" / profile / "ffbkit"
        if b.exists():
            return [str(b)]
    if shutil.which("cargo"):
        return ["cargo", "run", "--quiet", "-p", "ffbkit-conformance", "--bin", "ffbkit", "--"]
    sys.exit("analyst_report: no ffbkit binary (build it with `cargo build -p ffbkit-conformance`) and no cargo")


def table_html(t: ffbkit.Table, rows: int = 15) -> str:
    df = t.to_pandas().head(rows)
    return df.to_html(index=False, border=0, classes="t", float_format=lambda v: f"{v:.3f}", na_rep="")


#: The indsatser compared in "forskelle på tværs af indsatser".
COMPARED = ("§ 85", "§ 104", "§ 107", "§ 108")


def section(title: str, call: str, t: ffbkit.Table, png: Path) -> str:
    return f"<h2>{html.escape(title)}</h2>\n<p><code>{html.escape(call)}</code>: {t.num_rows} rækker</p>\n<img src='{png.name}' alt='{html.escape(title)}'>\n{table_html(t)}"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", type=Path, default=ROOT / "out" / "analyst", help="directory for index.html and the PNGs")
    ap.add_argument("--citizens", type=int, default=200)
    ap.add_argument("--seed", type=int, default=2)
    args = ap.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)

    with tempfile.TemporaryDirectory() as tmp:
        streams = Path(tmp) / "streams.ndjson"
        subprocess.run(ffbkit_cli() + ["synth", "--citizens", str(args.citizens), "--seed", str(args.seed), "--out", str(streams)], check=True, cwd=ROOT)
        t0 = time.perf_counter()
        ds = ffbkit.read_reports(streams, audit=True)
        read_s = time.perf_counter() - t0
        # the analyses of change (improvement_by_theme, development_as_expected) read the
        # sources again with history=True, so they run while the streams exist
        audit = ffbkit.audit(ds)

        sections = []
        for name, f in fa.ANALYSES.items():
            png = args.out / f"{name}.png"
            t = f(ds, plot=png)
            sections.append(section(TITLES[name], f"ffbkit.analysis.{name}(ds)", t, png))
            if name == "themes_at_visitation":
                png = args.out / "themes_at_visitation_compared.png"
                call = f"ffbkit.analysis.themes_at_visitation(ds, {list(COMPARED)!r})"
                t = fa.themes_at_visitation(ds, list(COMPARED), plot=png)
                sections.append(section("Hvilke temaer indgår hyppigst i udredningen, og forskelle på tværs af indsatser", call, t, png))
        parquet = ds.to_parquet(args.out / "parquet")
    s = ds.summary
    page = f"""<!doctype html>
<html lang="da"><head><meta charset="utf-8"><title>FFB-analyser (syntetiske data)</title>
<style>body{{font-family:sans-serif;max-width:1100px;margin:2em auto;color:#222}} img{{max-width:100%}}
table.t{{border-collapse:collapse;font-size:13px;margin-bottom:2em}} .t td,.t th{{padding:2px 8px;border-bottom:1px solid #ddd;text-align:left}}</style></head>
<body><h1>FFB-analyser: syntetiske data (obs: fiktive tal)</h1>
<p>{s['reports']} indberetninger, {s['resources']} ressourcer, {ds.citizens.num_rows} borgere (seed {args.seed});
{s['invalid']} ugyldige indberetninger; læst, valideret og tabuleret på {read_s:.2f} s.
CPR-numre er maskerede.</p>
<h2>Fuldstændighed (DST og PROTO, ffbkit.audit)</h2>
<p>{audit.findings.num_rows} fund hos {sum(1 for n in audit.citizens.column('findings') if n)} af {audit.citizens.num_rows} borgere.</p>
{table_html(audit.municipalities)}
{''.join(sections)}
<h2>Tabellerne som Parquet</h2>
<p><code>ds.to_parquet(dir)</code>: én fil pr. tabel i <code>parquet/</code> ({len(parquet)} filer), med kolonnernes
beskrivelse som metadata; læs dem med DuckDB (<code>select * from read_parquet('parquet/goals.parquet')</code>),
polars (<code>pl.read_parquet</code>) eller pyarrow.</p>
</body></html>
"""
    index = args.out / "index.html"
    index.write_text(page, encoding="utf-8")
    print(f"analyst_report: wrote {index} ({len(fa.ANALYSES)} analyses, {s['reports']} reports)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
