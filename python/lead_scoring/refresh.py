"""Refresh the warehouse without readers ever seeing a half-built table: build, then swap.

A DuckDB file has one writer, and a dbt build replaces tables one by one. A BI tool reading
the warehouse while dbt writes it would fail to open it (locked) or see some marts of the new
run beside others of the old one. So a refresh:

1. copies the published file to ``<name>.building.duckdb`` (the history tables are incremental
   and must carry over; a first build starts empty);
2. runs ``dbt seed``, the history backfill when needed (:mod:`lead_scoring.history`) and
   ``dbt build`` into that copy;
3. when everything passed, checkpoints the copy and renames it over the published file in one
   atomic step (``os.replace``).

Readers connected to the published file keep reading the old version until they reconnect;
new connections see the new one, complete. A failed build leaves the published file as it
was and keeps the building copy for inspection.

    python -m lead_scoring.refresh --raw data/demo --db warehouse/lead_scoring.duckdb
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path

import duckdb

from lead_scoring.history import backfill

REPO = Path(__file__).resolve().parents[2]


class RefreshFailed(RuntimeError):
    """A step of the refresh failed; the published warehouse is unchanged."""


def building_path(published: Path) -> Path:
    """Where the next version of ``published`` is built."""
    return published.with_name(published.stem + ".building" + published.suffix)


def _dbt(args: Sequence[str], raw: Path, database: Path, target: str | None) -> None:
    env = {
        **os.environ,
        "LEAD_SCORING_RAW_DIR": str(raw),
        "LEAD_SCORING_DB": str(database),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    }
    command = [str(Path(sys.executable).with_name("dbt")), *args]
    command += ["--project-dir", str(REPO), "--profiles-dir", str(REPO)]
    if target:
        command += ["--target", target]
    result = subprocess.run(command, cwd=REPO, env=env, check=False)
    if result.returncode != 0:
        raise RefreshFailed(f"dbt {args[0]} exited {result.returncode}")


def refresh(
    raw: Path,
    published: Path,
    *,
    as_of: str | None = None,
    history_days: int | None = 90,
    history_end: date | None = None,
    target: str | None = None,
    extra_vars: dict[str, object] | None = None,
) -> Path:
    """Build the warehouse from ``raw`` into a copy of ``published`` and swap it in.

    ``as_of``: the dbt var (None = now). ``history_days``: backfill a history snapshot that
    many days before the end of the data when there is none (None = no backfill).
    Returns the published path; raises :class:`RefreshFailed` when a step fails (the published
    file is then untouched).
    """
    published.parent.mkdir(parents=True, exist_ok=True)
    building = building_path(published)
    for stale in (building, building.with_name(building.name + ".wal")):
        stale.unlink(missing_ok=True)
    if published.exists():
        shutil.copyfile(published, building)
    dbt_vars = {**(extra_vars or {}), **({"as_of": as_of} if as_of else {})}
    var_args = ["--vars", json.dumps(dbt_vars)] if dbt_vars else []
    _dbt(["seed", "--full-refresh", "--quiet"], raw, building, target)
    if history_days:
        backfill(raw, building, history_days, history_end, ["--target", target] if target else [])
    _dbt(["build", *var_args], raw, building, target)
    with duckdb.connect(str(building)) as con:
        con.execute("checkpoint")
    os.replace(building, published)
    return published


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--raw", type=Path, default=Path("data/demo"))
    parser.add_argument("--db", type=Path, default=Path("warehouse/lead_scoring.duckdb"))
    parser.add_argument("--as-of", help="dbt var as_of (default: now)")
    parser.add_argument(
        "--history-days",
        type=int,
        default=90,
        help="backfill a snapshot this many days back when none is that old (0: never)",
    )
    parser.add_argument("--history-end", type=date.fromisoformat, help="default: data end")
    parser.add_argument("--target", help="dbt target (profiles.yml)")
    parser.add_argument("--vars", default="{}", help="more dbt vars, as JSON")
    args = parser.parse_args(argv)
    try:
        published = refresh(
            args.raw,
            args.db,
            as_of=args.as_of,
            history_days=args.history_days or None,
            history_end=args.history_end,
            target=args.target,
            extra_vars=json.loads(args.vars),
        )
    except RefreshFailed as error:
        print(
            f"Refresh failed ({error}): {args.db} is unchanged; the partial build is in "
            f"{building_path(args.db)}",
            file=sys.stderr,
        )
        return 1
    print(f"Published {published} (built in {building_path(published).name}, swapped in).")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
