"""Write the score-performance report: ``python -m lead_scoring.report --db ... --out ...``.

Prints the path written and one line per section (or why it has no data yet).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import duckdb

from lead_scoring.report import write_report


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(
        prog="python -m lead_scoring.report",
        description="Write a self-contained HTML report of score performance.",
    )
    parser.add_argument("--db", type=Path, default=Path("warehouse/lead_scoring.duckdb"))
    parser.add_argument("--out", type=Path, default=Path("build/report/index.html"))
    args = parser.parse_args(argv)
    if not args.db.exists():
        print(f"No warehouse at {args.db}: run `make build` first.", file=sys.stderr)
        return 1
    try:
        report = write_report(args.db, args.out)
    except duckdb.IOException as exc:  # not a DuckDB file, or locked by a running dbt build
        print(f"Cannot open {args.db} read-only: {str(exc).splitlines()[0]}", file=sys.stderr)
        return 1
    print(f"Report written to {args.out}")
    width = max(len(s.key) for s in report.sections)
    for section in report.sections:
        print(f"  {section.key:<{width}}  {section.summary}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
