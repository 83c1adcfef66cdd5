"""Backtest the rule-based scores against what happened next.

Scores are computed as of a past cutoff date (a dbt build with ``as_of`` = cutoff, into its
own DuckDB file, so nothing after the cutoff is seen), then compared with the lifecycle
history of the current warehouse: a contact *converts* when it first reaches the target
stage (default SQL, or any later stage) within ``horizon`` days after the cutoff. Contacts
already at or past the target stage at the cutoff are left out.

    python -m lead_scoring.evaluate --raw data/demo --warehouse warehouse/lead_scoring.duckdb

prints conversion by tier, label and matrix cell, and the AUC of the score.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import duckdb

REPO = Path(__file__).resolve().parents[2]
STAGE_ORDER = {"subscriber": 1, "lead": 2, "mql": 3, "sql": 4, "opportunity": 5, "customer": 6}


@dataclass(frozen=True)
class Breakdown:
    """Conversion of one grouping (tier, label, ...): rows of (value, records, converters)."""

    dimension: str
    rows: list[tuple[str, int, int]]

    def render(self) -> str:
        lines = [
            f"| {self.dimension} | records | converted | conversion rate |",
            "|---|---:|---:|---:|",
        ]
        for value, records, converted in self.rows:
            rate = converted / records if records else 0.0
            lines.append(f"| {value} | {records:,} | {converted:,} | {rate:.1%} |")
        return "\n".join(lines)


def build_scores_as_of(raw: Path, database: Path, cutoff: date) -> None:
    """dbt build of the scoring marts with as_of = cutoff into ``database``."""
    env = {**os.environ, "LEAD_SCORING_RAW_DIR": str(raw), "LEAD_SCORING_DB": str(database)}
    database.parent.mkdir(parents=True, exist_ok=True)
    dbt = Path(sys.executable).with_name("dbt")
    command = [
        str(dbt), "run", "--project-dir", str(REPO), "--profiles-dir", str(REPO),
        "--vars", json.dumps({"as_of": cutoff.isoformat()}),
        "--select", "+lead_scores",
    ]  # fmt: skip
    seed = [str(dbt), "seed", "--project-dir", str(REPO), "--profiles-dir", str(REPO)]
    for step in (seed, command):
        result = subprocess.run(step, cwd=REPO, env=env, capture_output=True, text=True)
        if result.returncode != 0:
            raise RuntimeError("dbt failed:\n" + (result.stdout + result.stderr)[-4000:])


def evaluate(
    scores_db: Path, warehouse: Path, score_id: str, cutoff: date, horizon_days: int, target: str
) -> tuple[list[Breakdown], float, int, int]:
    """Conversion breakdowns, AUC, records and converters for ``score_id``."""
    con = duckdb.connect()
    con.execute(f"attach '{scores_db}' as scored (read_only)")
    con.execute(f"attach '{warehouse}' as current (read_only)")
    end = cutoff + timedelta(days=horizon_days)
    target_order = STAGE_ORDER[target]
    con.execute(
        """
        create temp table outcomes as
        with stages as (
            select contact_id, min(entered_at) as reached_at
            from current.stg_crm__lifecycle_stage_changes
            where stage_order >= ?
            group by contact_id
        )
        select
            scores.record_id,
            scores.score,
            scores.tier,
            scores.score_label,
            scores.matrix_label,
            coalesce(stages.reached_at > ?::timestamp and stages.reached_at <= ?::timestamp, false)
                as converted
        from scored.lead_scores as scores
        left join stages on scores.record_id = stages.contact_id
        where scores.score_id = ? and scores.is_in_audience
          and (stages.reached_at is null or stages.reached_at > ?::timestamp)
        """,
        [target_order, cutoff, end, score_id, cutoff],
    )
    breakdowns = []
    for column, label in (("tier", "tier"), ("score_label", "label"), ("matrix_label", "matrix")):
        rows = con.execute(
            f"""
            select coalesce({column}, '(none)'), count(*), count(*) filter (where converted)
            from outcomes group by 1 order by avg(score) desc
            """
        ).fetchall()
        breakdowns.append(Breakdown(label, [(str(v), int(n), int(c)) for v, n, c in rows]))
    (auc,) = con.execute(
        """
        with ranked as (
            -- average rank of tied scores (Mann-Whitney U)
            select
                converted,
                rank() over (order by score) + (count(*) over (partition by score) - 1) / 2.0 as r
            from outcomes
        ), counts as (
            select
                count(*) filter (where converted) as p,
                count(*) filter (where not converted) as n,
                sum(r) filter (where converted) as rank_sum
            from ranked
        )
        select (rank_sum - p * (p + 1) / 2.0) / nullif(p * n, 0) from counts
        """
    ).fetchone() or (None,)
    records, converters = con.execute(
        "select count(*), count(*) filter (where converted) from outcomes"
    ).fetchone() or (0, 0)
    return breakdowns, float(auc or 0.0), int(records), int(converters)


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--raw", type=Path, default=Path("data/demo"))
    parser.add_argument("--warehouse", type=Path, default=Path("warehouse/lead_scoring.duckdb"))
    parser.add_argument("--scores-db", type=Path, default=Path("warehouse/backtest.duckdb"))
    parser.add_argument("--score-id", default="contact_lead_score")
    parser.add_argument("--cutoff", type=date.fromisoformat, help="default: as_of - horizon")
    parser.add_argument("--horizon-days", type=int, default=90)
    parser.add_argument("--target-stage", default="sql", choices=sorted(STAGE_ORDER))
    args = parser.parse_args(argv)
    cutoff = args.cutoff
    if cutoff is None:
        manifest = json.loads((args.raw / "_manifest.json").read_text())
        cutoff = date.fromisoformat(manifest["as_of"]) - timedelta(days=args.horizon_days)
    build_scores_as_of(args.raw, args.scores_db, cutoff)
    breakdowns, auc, records, converters = evaluate(
        args.scores_db, args.warehouse, args.score_id, cutoff, args.horizon_days, args.target_stage
    )
    rate = converters / max(records, 1)
    print(
        f"{args.score_id} as of {cutoff}: {records:,} contacts in the audience and not yet "
        f"{args.target_stage}; {converters:,} reached {args.target_stage} or later within "
        f"{args.horizon_days} days ({rate:.1%}). AUC of the score: {auc:.3f}"
    )
    for breakdown in breakdowns:
        print()
        print(breakdown.render())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
