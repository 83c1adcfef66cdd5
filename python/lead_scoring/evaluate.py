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
import tempfile
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import duckdb

from lead_scoring.dbt_runner import build_scores, scratch_project

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
    """Seeds and the scoring models with as_of = cutoff into ``database``.

    The build runs in a scratch copy of the project (:mod:`lead_scoring.dbt_runner`), so the
    project's ``target/``, logs and warehouse are left alone.
    """
    with tempfile.TemporaryDirectory(prefix="lead-scoring-backtest-") as tmp:
        project = scratch_project(Path(tmp))
        build_scores(project, raw_dir=raw, database=database, as_of=cutoff, name="backtest")


def load_outcomes(
    con: duckdb.DuckDBPyConnection,
    score_id: str,
    cutoff: date,
    horizon_days: int,
    target: str,
    *,
    scores: str = "scored.lead_scores",
    stage_changes: str = "current.stg_crm__lifecycle_stage_changes",
) -> None:
    """Create the temp table ``outcomes`` in ``con``: one row per record of ``score_id`` in
    the audience (record_id, score, tier, score_label, matrix_label, converted).

    ``converted``: the contact first reached the ``target`` stage or a later one within
    ``horizon_days`` after ``cutoff``; contacts that reached it at or before the cutoff are
    left out. ``scores`` is a ``lead_scores`` table built as of the cutoff, ``stage_changes``
    the lifecycle stage changes of a build that has seen the whole horizon.
    """
    end = cutoff + timedelta(days=horizon_days)
    con.execute(
        f"""
        create or replace temp table outcomes as
        with stages as (
            select contact_id, min(entered_at) as reached_at
            from {stage_changes}
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
        from {scores} as scores
        left join stages on scores.record_id = stages.contact_id
        where scores.score_id = ? and scores.is_in_audience
          and (stages.reached_at is null or stages.reached_at > ?::timestamp)
        """,
        [STAGE_ORDER[target], cutoff, end, score_id, cutoff],
    )


#: Breakdowns of the outcomes: (column of ``outcomes``, dimension name).
DIMENSIONS = (("tier", "tier"), ("score_label", "label"), ("matrix_label", "matrix"))


def conversion_breakdowns(con: duckdb.DuckDBPyConnection) -> list[Breakdown]:
    """Records and converters of the ``outcomes`` table by tier, label and matrix cell
    (highest-scoring values first)."""
    breakdowns = []
    for column, label in DIMENSIONS:
        rows = con.execute(
            f"""
            select coalesce({column}, '(none)'), count(*), count(*) filter (where converted)
            from outcomes group by 1 order by avg(score) desc
            """
        ).fetchall()
        breakdowns.append(Breakdown(label, [(str(v), int(n), int(c)) for v, n, c in rows]))
    return breakdowns


def outcomes_auc(con: duckdb.DuckDBPyConnection) -> float:
    """AUC of the score in ``outcomes`` for ``converted``: the chance that a converter scores
    above a non-converter, ties counting half (0.0 without both classes)."""
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
    return float(auc or 0.0)


def evaluate(
    scores_db: Path, warehouse: Path, score_id: str, cutoff: date, horizon_days: int, target: str
) -> tuple[list[Breakdown], float, int, int]:
    """Conversion breakdowns (tier, label, matrix), AUC, records and converters for
    ``score_id``: scores from ``scores_db`` (built as of ``cutoff``), stage changes from
    ``warehouse`` (both opened read-only)."""
    with duckdb.connect() as con:
        con.execute(f"attach '{scores_db}' as scored (read_only)")
        con.execute(f"attach '{warehouse}' as current (read_only)")
        load_outcomes(con, score_id, cutoff, horizon_days, target)
        breakdowns = conversion_breakdowns(con)
        auc = outcomes_auc(con)
        records, converters = con.execute(
            "select count(*), count(*) filter (where converted) from outcomes"
        ).fetchone() or (0, 0)
    return breakdowns, auc, int(records), int(converters)


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
