"""A self-contained HTML report of how the scores perform, drawn from the monitoring marts.

    python -m lead_scoring.report --db warehouse/lead_scoring.duckdb --out build/report/index.html
    python -m lead_scoring.report.check build/report/index.html --screenshot build/report/index.png

``data`` reads the marts (read-only), ``charts`` draws inline SVG, ``render`` assembles the
page and ``check`` verifies a rendered page (structure, and a headless-Chromium screenshot).
"""

from __future__ import annotations

from pathlib import Path

from lead_scoring.report.data import load_report_data
from lead_scoring.report.render import CHARTS, Report, Section, render_report

__all__ = ["CHARTS", "Report", "Section", "load_report_data", "render_report", "write_report"]


def write_report(db: Path, out: Path) -> Report:
    """Render the report of the warehouse at ``db`` into the HTML file ``out``."""
    report = render_report(load_report_data(db))
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(report.html, encoding="utf-8")
    return report
