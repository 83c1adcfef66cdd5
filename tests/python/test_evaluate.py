"""Tests for the backtest's conversion and AUC computation (no dbt run)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import pytest

from lead_scoring.evaluate import evaluate

CUTOFF = date(2026, 4, 1)


def _databases(tmp_path: Path) -> tuple[Path, Path]:
    scores_db, warehouse = tmp_path / "scores.duckdb", tmp_path / "warehouse.duckdb"
    with duckdb.connect(str(scores_db)) as con:
        con.execute(
            """
            create table lead_scores as select * from (values
                ('s', 'a', true, 90.0, 'Hot', 'High', 'A1'),
                ('s', 'b', true, 70.0, 'Hot', 'High', 'A2'),
                ('s', 'c', true, 40.0, 'Cool', 'Medium', 'B2'),
                ('s', 'd', true, 10.0, 'Cold', 'Low', 'C3'),
                ('s', 'e', true, 5.0, 'Cold', 'Low', 'C3'),
                ('s', 'x', false, null, null, null, null),   -- outside the audience
                ('s', 'y', true, 99.0, 'Hot', 'High', 'A1'), -- already SQL at the cutoff
                ('other', 'a', true, 1.0, 'Cold', 'Low', 'C3')
            ) as t(score_id, record_id, is_in_audience, score, tier, score_label, matrix_label)
            """
        )
    with duckdb.connect(str(warehouse)) as con:
        con.execute(
            """
            create table stg_crm__lifecycle_stage_changes as select * from (values
                ('a', 'sql', 4, timestamp '2026-04-20'),      -- converts in the horizon
                ('c', 'customer', 6, timestamp '2026-05-01'), -- a later stage counts too
                ('d', 'sql', 4, timestamp '2026-09-01'),      -- after the horizon
                ('e', 'mql', 3, timestamp '2026-04-10'),      -- not the target stage
                ('y', 'sql', 4, timestamp '2026-03-01')       -- before the cutoff: left out
            ) as t(contact_id, lifecycle_stage, stage_order, entered_at)
            """
        )
    return scores_db, warehouse


def test_conversion_by_tier_and_auc(tmp_path: Path) -> None:
    scores_db, warehouse = _databases(tmp_path)
    breakdowns, auc, records, converters = evaluate(scores_db, warehouse, "s", CUTOFF, 90, "sql")
    assert (records, converters) == (5, 2)
    tiers = {value: (n, c) for value, n, c in breakdowns[0].rows}
    assert tiers == {"Hot": (2, 1), "Cool": (1, 1), "Cold": (2, 0)}
    # converters a (90), c (40) vs non-converters b (70), d (10), e (5): 5 of 6 pairs right
    assert auc == pytest.approx(5 / 6)
    assert "| Hot | 2 | 1 | 50.0% |" in breakdowns[0].render()


def test_auc_counts_ties_as_half(tmp_path: Path) -> None:
    scores_db, warehouse = _databases(tmp_path)
    with duckdb.connect(str(scores_db)) as con:
        con.execute(
            "update lead_scores set score = 50.0 where score_id = 's' and score is not null"
        )
    _, auc, _, _ = evaluate(scores_db, warehouse, "s", CUTOFF, 90, "sql")
    assert auc == pytest.approx(0.5)
