"""Backfill the score history so that scores can be judged against what happened next.

The monitoring marts (``score_outcomes``, ``score_performance``, ``score_lift``...) compare
the scores of a snapshot at least ``outcome_window_days`` old with the conversions since. A
new warehouse has no such snapshot: this command scores the data as of that many days before
its end (``dbt run`` with ``as_of`` = the past date, which only reads what existed then),
which records the snapshot in ``score_history``. It does nothing when the warehouse already
holds a run at or before that date.

    python -m lead_scoring.history backfill --raw data/demo --db warehouse/lead_scoring.duckdb

Caveat (documented in the README): contact and company properties have no history in the raw
contract, so a backfilled snapshot scores past events with today's property values.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import duckdb

REPO = Path(__file__).resolve().parents[2]


def data_end(raw: Path, end: date | None = None) -> date:
    """The last day of the data: ``end`` if given, else the ``as_of`` of the raw folder's
    ``_manifest.json`` (written by the demo generator and the flat importer), else today."""
    if end is not None:
        return end
    manifest = raw / "_manifest.json"
    if manifest.exists():
        value = json.loads(manifest.read_text()).get("as_of")
        if value:
            return date.fromisoformat(str(value)[:10])
    return datetime.now(UTC).date()


def has_run_at_or_before(database: Path, instant: date) -> bool:
    """Whether ``scoring_runs`` in ``database`` holds a run as of ``instant`` or earlier."""
    if not database.exists():
        return False
    with duckdb.connect(str(database), read_only=True) as con:
        tables = {
            name
            for (name,) in con.execute(
                "select table_name from information_schema.tables"
            ).fetchall()
        }
        if "scoring_runs" not in tables:
            return False
        row = con.execute(
            "select count(*) from scoring_runs where as_of_at <= ?", [instant]
        ).fetchall()
    return bool(row and row[0][0])


def backfill(
    raw: Path,
    database: Path,
    days_before: int,
    end: date | None = None,
    dbt_args: list[str] | None = None,
) -> date | None:
    """Score ``raw`` as of ``days_before`` days before its end into ``database`` unless a run
    that old is already recorded. Returns the date scored, or None when nothing was needed."""
    when = data_end(raw, end) - timedelta(days=days_before)
    if has_run_at_or_before(database, when):
        print(f"History: {database} already holds a scoring run as of {when} or earlier.")
        return None
    print(f"History: scoring as of {when} ({days_before} days before the end of the data)...")
    env = {
        **os.environ,
        "LEAD_SCORING_RAW_DIR": str(raw),
        "LEAD_SCORING_DB": str(database),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    }
    dbt = Path(sys.executable).with_name("dbt")
    command = [
        str(dbt), "run", "--project-dir", str(REPO), "--profiles-dir", str(REPO),
        "--vars", json.dumps({"as_of": when.isoformat()}), "--quiet",
        *(dbt_args or []),
    ]  # fmt: skip
    database.parent.mkdir(parents=True, exist_ok=True)
    result = subprocess.run(command, cwd=REPO, env=env, check=False)
    if result.returncode != 0:
        raise SystemExit(f"History backfill failed: dbt run exited {result.returncode}")
    return when


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    commands = parser.add_subparsers(dest="command", required=True)
    fill = commands.add_parser("backfill", help="score as of N days before the end of the data")
    fill.add_argument("--raw", type=Path, default=Path("data/demo"))
    fill.add_argument("--db", type=Path, default=Path("warehouse/lead_scoring.duckdb"))
    fill.add_argument("--days-before", type=int, default=90)
    fill.add_argument("--end", type=date.fromisoformat, help="default: the raw manifest's as_of")
    fill.add_argument("--target", help="dbt target (profiles.yml)")
    args = parser.parse_args(argv)
    if args.days_before < 1:
        parser.error("--days-before must be at least 1")
    extra = ["--target", args.target] if args.target else []
    backfill(args.raw, args.db, args.days_before, args.end, extra)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
