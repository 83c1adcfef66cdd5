"""Print what a build produced: every table and view with its row count, how raw rows
reconcile with staged and rejected rows, and the top leads when scores exist.

Run after ``dbt build``: ``python -m lead_scoring.summary --db warehouse/lead_scoring.duckdb``.
The database is opened read-only, as a BI tool would.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path

import duckdb

REJECT_MODELS = ("stg_crm__rejects", "stg_email__rejects", "stg_web__rejects")
SCORE_TABLE = "lead_scores"
MODEL_CARD = "predictive_model_card"


@dataclass(frozen=True)
class Relation:
    """A table or view in the warehouse."""

    schema: str
    name: str
    kind: str
    rows: int | None
    error: str | None = None


def list_relations(con: duckdb.DuckDBPyConnection) -> list[Relation]:
    """Every user table and view with its row count (None and an error when unreadable)."""
    found = con.execute(
        """
        select table_schema, table_name, table_type
        from information_schema.tables
        where table_catalog = current_database()
        order by table_schema, table_name
        """
    ).fetchall()
    relations: list[Relation] = []
    for schema, name, table_type in found:
        kind = "view" if table_type == "VIEW" else "table"
        try:
            (rows,) = con.execute(f'select count(*) from "{schema}"."{name}"').fetchone() or (0,)
            relations.append(Relation(schema, name, kind, int(rows)))
        except duckdb.Error as exc:  # e.g. a view whose raw file moved
            relations.append(Relation(schema, name, kind, None, str(exc).splitlines()[0]))
    return relations


def reject_counts(con: duckdb.DuckDBPyConnection, names: set[str]) -> list[tuple[str, str, int]]:
    """(source_table, reject_reason, rows) over every rejects model present."""
    parts = [
        f"select source_table, reject_reason from {model}"
        for model in REJECT_MODELS
        if model in names
    ]
    if not parts:
        return []
    sql = (
        "select source_table, reject_reason, count(*) as n from ("
        + " union all ".join(parts)
        + ") group by all order by source_table, n desc"
    )
    return [(str(t), str(r), int(n)) for t, r, n in con.execute(sql).fetchall()]


LEAD_SCORE_ID = "contact_lead_score"


def lead_score_id(con: duckdb.DuckDBPyConnection) -> str | None:
    """The contact score to rank leads by: the default one, else the first contact score."""
    rows = con.execute(
        f"""
        select distinct score_id from {SCORE_TABLE}
        where object_type = 'contact'
        order by score_id = '{LEAD_SCORE_ID}' desc, score_id
        limit 1
        """
    ).fetchall()
    return str(rows[0][0]) if rows else None


def top_leads(
    con: duckdb.DuckDBPyConnection, score_id: str, limit: int
) -> list[tuple[object, ...]]:
    """The highest-scoring contacts of ``score_id``, best first (ties at the cap: by fit plus
    engagement before the cap), with who they are."""
    return con.execute(
        f"""
        select
            scores.record_id,
            coalesce(contacts.email, ''),
            coalesce(contacts.job_title, ''),
            round(scores.score, 1),
            round(scores.fit_score, 1),
            round(scores.engagement_score, 1),
            coalesce(scores.matrix_label, ''),
            coalesce(scores.tier, '')
        from {SCORE_TABLE} as scores
        left join stg_crm__contacts as contacts
            on scores.record_id = contacts.contact_id
        where scores.score_id = ? and scores.score is not null
        order by
            scores.score desc,
            coalesce(scores.fit_score, 0) + coalesce(scores.engagement_score, 0) desc,
            scores.record_id
        limit {int(limit)}
        """,
        [score_id],
    ).fetchall()


def tier_counts(con: duckdb.DuckDBPyConnection, score_id: str) -> list[tuple[str, int]]:
    """How many records of ``score_id`` are in each tier (null: outside the audience)."""
    rows = con.execute(
        f"""
        select coalesce(tier, '(not scored)'), count(*) from {SCORE_TABLE}
        where score_id = ? group by 1 order by min(score) desc nulls last
        """,
        [score_id],
    ).fetchall()
    return [(str(tier), int(n)) for tier, n in rows]


def top_predicted(con: duckdb.DuckDBPyConnection, limit: int) -> list[tuple[object, ...]]:
    """The current leads with the highest predictive score, with their reasons."""
    return con.execute(
        f"""
        select contact_id, predictive_score, coalesce(predictive_tier, ''),
            coalesce(factors_text, '')
        from predictive_scores
        order by probability desc, contact_id
        limit {int(limit)}
        """
    ).fetchall()


def model_card_lines(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The predictive model card in a few lines: status, message, holdout AUCs, Brier, and
    whether this run trained the model or kept the previous run's (``training_decision``)."""
    row = con.execute(
        f"""
        select status, message, conversion, n_examples, n_holdout, algorithm,
            holdout_auc_chosen, holdout_auc_rule_score, holdout_brier_calibrated, model_version,
            training_decision
        from {MODEL_CARD}
        """
    ).fetchone()
    if row is None:
        return []
    status, message, conversion, n, n_holdout, algorithm, auc, rule_auc, brier, version = row[:10]
    decision = row[10]
    lines = [f"Predictive score ({MODEL_CARD}): {status}: {message}"]
    if status == "trained":
        rule = "n/a" if rule_auc is None else f"{rule_auc:.3f}"
        lines.append(
            f"  {conversion}; {n:,} examples, time-ordered holdout of {n_holdout:,}; "
            f"{algorithm}: AUC {auc:.3f} (rule score {rule}), Brier {brier:.3f}; "
            f"model {version}. Scores: predictive_scores, hybrid_scores."
        )
    if decision:
        lines.append(f"  This run: {decision}")
    return lines


def monitoring_lines(con: duckdb.DuckDBPyConnection, names: set[str]) -> list[str]:
    """Score performance at the evaluation snapshot, drift flags and history size."""
    lines: list[str] = []
    if "score_performance" in names:
        rows = con.execute(
            """
            select score_id, evaluated_as_of_at, outcome_window_days, target_stage, records,
                converted_records, auc, top_decile_lift
            from score_performance order by score_kind, score_id
            """
        ).fetchall()
        if rows:
            _, evaluated, window, stage, *_ = rows[0]
            lines.append(
                f"Score performance (score_performance): scores as of {evaluated:%Y-%m-%d} "
                f"against reaching {stage} within {window} days:"
            )
            for score_id, _, _, _, records, converted, auc, lift in rows:
                auc_text = "n/a" if auc is None else f"{auc:.3f}"
                lift_text = "n/a" if lift is None else f"{lift:.2f}x"
                lines.append(
                    f"  {score_id:<20} {records:>8,} contacts, {converted:>6,} converted, "
                    f"AUC {auc_text}, top-decile lift {lift_text}"
                )
        else:
            lines.append(
                "Score performance: no scoring run old enough to judge yet "
                "(python -m lead_scoring.history backfill adds one)."
            )
    if "score_drift" in names:
        drifted = con.execute(
            "select score_id, item_label, psi, message from score_drift where is_drifted"
        ).fetchall()
        checked = con.execute("select count(*) from score_drift where psi is not null").fetchall()
        lines.append(
            f"Drift (score_drift): {checked[0][0]} items checked, {len(drifted)} above the "
            "threshold" + (":" if drifted else ".")
        )
        lines += [f"  {score_id}: {message}" for score_id, _, _, message in drifted]
    if "scoring_runs" in names:
        runs, changes = con.execute(
            """
            select (select count(*) from scoring_runs),
                (select count(*) from score_changes where scoring_run_id = (
                    select scoring_run_id from scoring_runs
                    order by run_started_at desc, as_of_at desc limit 1))
            """
        ).fetchall()[0]
        lines.append(
            f"History: {runs} scoring runs in scoring_runs/score_history; the latest changed "
            f"{changes:,} (score, record) pairs (score_changes). HTML report: make report"
        )
    return lines


def render(db: Path, limit: int = 10) -> str:
    """The whole summary as text."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        relations = list_relations(con)
        names = {r.name for r in relations}
        lines = [f"Warehouse: {db.resolve()}", "", "Tables and views built (rows):"]
        width = max((len(r.name) for r in relations), default=10)
        for rel in relations:
            count = f"{rel.rows:>10,}" if rel.rows is not None else f"  error: {rel.error}"
            lines.append(f"  {rel.name:<{width}}  {rel.kind:<5} {count}")
        rejects = reject_counts(con, names)
        if rejects:
            lines += ["", "Rejected raw rows (source_table, reason, rows):"]
            lines += [f"  {table:<30} {reason:<24} {n:>8,}" for table, reason, n in rejects]
        lines.append("")
        score_id = lead_score_id(con) if SCORE_TABLE in names else None
        if score_id is not None:
            lines += [
                f"Scores: {SCORE_TABLE} (one row per record and score), score_rule_breakdown "
                "(why), contact_scores / company_scores / deal_scores (one row per record).",
                f"Tiers of {score_id}: "
                + ", ".join(f"{tier} {n:,}" for tier, n in tier_counts(con, score_id)),
                "",
                f"Top {limit} leads by {score_id}:",
                f"  {'contact_id':<12} {'email':<36} {'job title':<28} "
                f"{'score':>6} {'fit':>6} {'eng.':>6} {'cell':<4} tier",
            ]
            for contact_id, email, title, score, fit, eng, cell, tier in top_leads(
                con, score_id, limit
            ):
                lines.append(
                    f"  {contact_id!s:<12} {email!s:<36.36} {title!s:<28.28} "
                    f"{score!s:>6} {fit!s:>6} {eng!s:>6} {cell!s:<4} {tier}"
                )
        else:
            lines.append(f"No {SCORE_TABLE} table yet: scores are not built in this version.")
        if MODEL_CARD in names:
            lines += ["", *model_card_lines(con)]
        if "predictive_scores" in names:
            predicted = top_predicted(con, limit)
            if predicted:
                lines += ["", f"Top {limit} current leads by predictive score (score, tier, why):"]
                lines += [
                    f"  {contact_id!s:<12} {score:>3} {tier:<5} {why}"
                    for contact_id, score, tier, why in predicted
                ]
        monitoring = monitoring_lines(con, names)
        if monitoring:
            lines += ["", *monitoring]
        lines += [
            "",
            "Query it: duckdb -readonly " + str(db) + "   or   "
            f"python -c \"import duckdb; print(duckdb.connect('{db}', read_only=True)"
            ".sql('show tables'))\"",
        ]
        return "\n".join(lines)
    finally:
        con.close()


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--db", type=Path, default=Path("warehouse/lead_scoring.duckdb"))
    parser.add_argument("--limit", type=int, default=10, help="how many top leads to show")
    args = parser.parse_args(argv)
    if not args.db.exists():
        print(f"No warehouse at {args.db}: run `make build` first.", file=sys.stderr)
        return 1
    print(render(args.db, args.limit))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
