"""README's KPI table is the definitions module: every KPI, its unit, rounding, source and one-line definition."""

import re
from pathlib import Path

from coaching.performance.definitions import KPIS

README = Path(__file__).resolve().parents[3] / "README.md"


def test_the_readme_defines_every_kpi_exactly_as_the_code_computes_and_shows_it():
    rows = {m.group(1): m.group(0) for m in re.finditer(r"^\| `(\w+)` \|.*\|$", README.read_text(), re.M)}
    for kpi in KPIS:
        row = rows.get(kpi.name)
        assert row is not None, f"README has no row for {kpi.name}"
        assert f"| {kpi.unit} ({kpi.decimals}) | {kpi.better or '–'} | {kpi.source} | {kpi.definition} |" in row
