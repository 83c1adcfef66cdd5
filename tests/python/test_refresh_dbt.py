"""Build-then-swap refresh through the real dbt project (lead_scoring.refresh).

A small generated demo is published once; then, while a reader keeps reconnecting to the
published file and querying the score marts (as a BI tool would), the same data is refreshed
again. The reader must never fail (no lock, no missing table) and always see complete marts;
the second refresh must leave every score identical (idempotent) and record no history. A
refresh that fails leaves the published file untouched.
"""

from __future__ import annotations

import threading
import time
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from lead_scoring.demo.generator import generate
from lead_scoring.refresh import RefreshFailed, building_path, refresh

pytestmark = pytest.mark.dbt

AS_OF = "2026-06-30"


def _scores(database: Path) -> pd.DataFrame:
    with duckdb.connect(str(database), read_only=True) as con:
        return con.sql(
            """
            select score_id, record_id, score, score_label, tier, matrix_label
            from lead_scores
            union all
            select 'predictive', contact_id, probability, predictive_label, predictive_tier, null
            from predictive_scores
            order by 1, 2
            """
        ).df()


class Reader(threading.Thread):
    """Reconnects read-only to the published file and counts the marts, until stopped."""

    def __init__(self, database: Path) -> None:
        super().__init__(daemon=True)
        self.database = database
        self.stop = threading.Event()
        self.counts: set[tuple[int, int]] = set()
        self.errors: list[str] = []
        self.reads = 0

    def run(self) -> None:
        while not self.stop.is_set():
            try:
                with duckdb.connect(str(self.database), read_only=True) as con:
                    self.counts.add(
                        tuple(
                            con.execute(
                                "select (select count(*) from lead_scores),"
                                " (select count(*) from score_history)"
                            ).fetchall()[0]
                        )
                    )
                self.reads += 1
            except Exception as error:  # any failure a BI tool would see
                self.errors.append(f"{type(error).__name__}: {error}")
            time.sleep(0.05)


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    root = tmp_path_factory.mktemp("refresh")
    raw = root / "raw"
    generate(300, 5, date(2026, 6, 30), raw, "parquet")
    database = root / "warehouse" / "published.duckdb"
    refresh(raw, database, as_of=AS_OF, history_days=None, target="ci")
    before = _scores(database)
    reader = Reader(database)
    reader.start()
    refresh(raw, database, as_of=AS_OF, history_days=None, target="ci")
    reader.stop.set()
    reader.join()
    return {"root": root, "raw": raw, "db": database, "before": before, "reader": reader}


def test_readers_never_see_a_missing_or_half_built_warehouse(published: dict) -> None:
    reader = published["reader"]
    assert reader.reads > 20
    assert reader.errors == []
    # the same complete version before and after the swap: one (scores, history) count
    assert len(reader.counts) == 1
    assert not building_path(published["db"]).exists()


def test_a_refresh_with_no_new_data_changes_no_score(published: dict) -> None:
    pd.testing.assert_frame_equal(_scores(published["db"]), published["before"])
    with duckdb.connect(str(published["db"]), read_only=True) as con:
        runs, history_runs = con.execute(
            "select count(*), (select count(distinct scoring_run_id) from score_history)"
            " from scoring_runs"
        ).fetchall()[0]
    assert runs == 2  # both refreshes are recorded ...
    assert history_runs == 1  # ... and only the first one had anything to record


def test_a_failed_refresh_leaves_the_published_warehouse_as_it_was(published: dict) -> None:
    database: Path = published["db"]
    before = (database.stat().st_ino, database.stat().st_mtime_ns)
    with pytest.raises(RefreshFailed):
        refresh(published["root"] / "no-such-raw-dir", database, as_of=AS_OF, history_days=None)
    assert (database.stat().st_ino, database.stat().st_mtime_ns) == before
    pd.testing.assert_frame_equal(_scores(database), published["before"])
