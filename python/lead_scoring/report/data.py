"""Read the monitoring marts the report draws, tolerating a missing or empty table.

Every table is read with the columns of its contract only (extra columns are ignored). A table
that is missing, empty or lacks a column comes back as a :class:`Table` without rows and with
a ``note`` saying why, so the page can render that section as "no data yet".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd

SCHEMA = "main"


@dataclass(frozen=True)
class Contract:
    """What the report reads from one table, and what to tell the user when it is empty."""

    table: str
    columns: tuple[str, ...]
    order_by: str
    when_empty: str


CONTRACTS: dict[str, Contract] = {
    c.table: c
    for c in (
        Contract(
            "score_performance",
            (
                "score_id",
                "score_name",
                "score_kind",
                "evaluated_as_of_at",
                "outcome_window_days",
                "target_stage",
                "records",
                "converted_records",
                "conversion_rate",
                "auc",
                "top_decile_lift",
            ),
            "score_id",
            "scores need a history snapshot at least 90 days old - run make build "
            "(it backfills one)",
        ),
        Contract(
            "score_distribution",
            (
                "score_id",
                "score_kind",
                "bucket_order",
                "bucket_low",
                "bucket_high",
                "bucket_label",
                "records",
                "share",
                "scored_at",
            ),
            "score_id, bucket_order",
            "no record is scored yet - run make build",
        ),
        Contract(
            "score_conversion_by_band",
            (
                "score_id",
                "score_kind",
                "dimension",
                "band",
                "band_order",
                "records",
                "converted_records",
                "conversion_rate",
                "average_score",
                "evaluated_as_of_at",
            ),
            "score_id, dimension, band_order nulls last, band",
            "conversion needs a history snapshot at least 90 days old - run make build "
            "(it backfills one)",
        ),
        Contract(
            "score_lift",
            (
                "score_id",
                "score_kind",
                "decile",
                "records",
                "converted_records",
                "conversion_rate",
                "lift",
                "cumulative_share_of_records",
                "cumulative_gain",
                "cumulative_lift",
            ),
            "score_id, decile",
            "lift needs a history snapshot at least 90 days old with converters in the "
            "following window - run make build (it backfills one)",
        ),
        Contract(
            "predictive_calibration",
            (
                "model_version",
                "bin",
                "records",
                "mean_predicted_probability",
                "observed_conversion_rate",
                "absolute_error",
            ),
            "model_version, bin",
            "no trained predictive model with a holdout yet (see predictive_model_card) - "
            "run make build",
        ),
        Contract(
            "score_drift",
            (
                "score_id",
                "item_kind",
                "item",
                "item_label",
                "reference_description",
                "current_description",
                "reference_records",
                "current_records",
                "psi",
                "drift_status",
                "is_drifted",
                "message",
            ),
            "score_id, item_kind = 'score' desc, psi desc nulls last, item",
            "drift compares current scores with a reference snapshot; none yet - run make build",
        ),
        Contract(
            "score_changes",
            (
                "score_id",
                "record_id",
                "change_kind",
                "previous_score",
                "new_score",
                "previous_tier",
                "new_tier",
                "moved_by",
                "changed_at",
            ),
            "score_id, changed_at",
            "changes need two scoring runs - run make build again later",
        ),
        Contract(
            "scoring_runs",
            ("scoring_run_id", "as_of_at", "run_started_at"),
            "run_started_at",
            "no scoring run recorded yet - run make build",
        ),
    )
}


@dataclass(frozen=True)
class Table:
    """The rows of one contract table, or no rows and a note saying why."""

    name: str
    frame: pd.DataFrame
    note: str | None = None

    @property
    def ok(self) -> bool:
        return self.note is None


@dataclass(frozen=True)
class ReportData:
    """Everything the report shows, read from one warehouse."""

    db: Path
    tables: dict[str, Table] = field(default_factory=dict)

    def __getitem__(self, name: str) -> Table:
        return self.tables[name]


def _empty(contract: Contract) -> pd.DataFrame:
    return pd.DataFrame({column: [] for column in contract.columns})


def read_table(con: duckdb.DuckDBPyConnection, contract: Contract) -> Table:
    """One contract table: its rows, or an empty frame and the reason there are none."""
    present = {
        str(name)
        for (name,) in con.execute(
            "select column_name from information_schema.columns "
            "where table_schema = ? and table_name = ?",
            [SCHEMA, contract.table],
        ).fetchall()
    }
    if not present:
        return Table(
            contract.table,
            _empty(contract),
            f"{contract.table} does not exist in this warehouse: it is not built yet - run "
            "make build",
        )
    missing = [c for c in contract.columns if c not in present]
    if missing:
        return Table(
            contract.table,
            _empty(contract),
            f"{contract.table} lacks column(s) {', '.join(missing)}: it was built by an older "
            "version of the project - run make build",
        )
    columns = ", ".join(f'"{c}"' for c in contract.columns)
    frame = con.execute(
        f'select {columns} from "{SCHEMA}"."{contract.table}" order by {contract.order_by}'
    ).df()
    if frame.empty:
        return Table(contract.table, frame, f"{contract.table} is empty: {contract.when_empty}")
    return Table(contract.table, frame)


def load_report_data(db: Path) -> ReportData:
    """Read every contract table of the warehouse at ``db`` (opened read-only)."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        return ReportData(db, {name: read_table(con, c) for name, c in CONTRACTS.items()})
    finally:
        con.close()
