"""Score history through the real dbt build: a rule edit shows up as changes naming the rule.

One scratch project on a small generated demo, four runs into the same DuckDB file:
1. as of 2026-06-29 with the shipped rules (the history's first snapshot);
2. as of 2026-06-30, same rules (new day, new data: ordinary changes);
3. as of 2026-06-30 again, same rules and data: nothing new is recorded (idempotent);
4. as of 2026-06-30 after doubling the points of the "Meeting booked" rule: every record that
   had points from that rule gets a history row, and score_changes says the rule moved it and
   that the configuration changed.
"""

from __future__ import annotations

import csv
import json
import os
import subprocess
from datetime import date
from pathlib import Path

import duckdb
import pytest
from dbt_harness import DBT, scratch_project

from lead_scoring.demo.generator import generate

pytestmark = pytest.mark.dbt

RULE_ID = "meeting_booked"
SCORE_ID = "contact_lead_score"


def _double_rule_points(seeds: Path) -> str:
    """Double the points of RULE_ID of SCORE_ID in score_rules.csv; return the rule's name."""
    path = seeds / "scoring" / "score_rules.csv"
    with path.open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    edited = next(r for r in rows if r["score_id"] == SCORE_ID and r["rule_id"] == RULE_ID)
    edited["points"] = str(2 * int(edited["points"]))
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return edited["rule_name"]


@pytest.fixture(scope="module")
def history(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    root = tmp_path_factory.mktemp("history")
    project = scratch_project(root)
    raw = root / "raw"
    generate(300, 11, date(2026, 6, 30), raw, "parquet")
    database = root / "history.duckdb"
    env = {
        **os.environ,
        "LEAD_SCORING_RAW_DIR": str(raw),
        "LEAD_SCORING_DB": str(database),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    }

    def dbt(*args: str, as_of: str | None = None) -> None:
        command = [str(DBT), *args, "--project-dir", str(project), "--profiles-dir", str(project)]
        command += ["--target", "ci", "--quiet"]
        if args[0] == "build":
            command += ["--exclude-resource-type", "unit_test"]
        if as_of:
            command += ["--vars", json.dumps({"as_of": as_of})]
        result = subprocess.run(command, cwd=project, env=env, capture_output=True, text=True)
        assert result.returncode == 0, (result.stdout + result.stderr)[-5000:]

    def count(sql: str) -> int:
        with duckdb.connect(str(database), read_only=True) as con:
            return int(con.execute(sql).fetchall()[0][0])

    dbt("seed")
    dbt("run", as_of="2026-06-29")
    dbt("run", as_of="2026-06-30")
    rows_after_second = count("select count(*) from score_history")
    dbt("run", as_of="2026-06-30")
    rows_after_rerun = count("select count(*) from score_history")
    rule_name = _double_rule_points(project / "seeds")
    dbt("seed")
    dbt("build", as_of="2026-06-30")
    with duckdb.connect(str(database), read_only=True) as con:
        runs = con.sql("select * from scoring_runs order by run_started_at, as_of_at").df()
        changes = con.sql(
            "select * from score_changes where scoring_run_id = ?", params=[runs.iloc[-1, 0]]
        ).df()
        edited = con.execute(
            """
            select count(distinct record_id) from score_rule_breakdown
            where score_id = ? and rule_id = ? and points_raw != 0
            """,
            [SCORE_ID, RULE_ID],
        ).fetchall()[0][0]
    return {
        "runs": runs,
        "changes": changes,
        "rule_name": rule_name,
        "records_with_rule_points": edited,
        "rows_after_second": rows_after_second,
        "rows_after_rerun": rows_after_rerun,
    }


def test_every_run_is_recorded_with_its_configuration(history: dict) -> None:
    runs = history["runs"]
    assert len(runs) == 4
    assert runs["as_of_at"].dt.strftime("%Y-%m-%d").tolist() == [
        "2026-06-29",
        "2026-06-30",
        "2026-06-30",
        "2026-06-30",
    ]
    signatures = runs["config_signature"].tolist()
    assert signatures[0] == signatures[1] == signatures[2] != signatures[3]


def test_a_rerun_with_nothing_new_records_nothing(history: dict) -> None:
    assert history["rows_after_rerun"] == history["rows_after_second"]


def test_a_rule_edit_is_recorded_as_changes_naming_the_rule(history: dict) -> None:
    changes = history["changes"]
    rule_changes = changes[
        (changes["score_id"] == SCORE_ID) & (changes["change_kind"] == "changed")
    ]
    assert len(rule_changes) > 0
    # only the records that had points from the edited rule changed, each because of it
    # (records already at the cap may not move; none moves for another reason)
    assert 0 < len(rule_changes) <= history["records_with_rule_points"]
    # the edited rule moved every one of them, the most; other rules move only when a cap
    # (group or total) or the floor is shared out anew between the rules
    assert rule_changes["moved_by"].str.startswith(history["rule_name"] + " +").all()
    assert rule_changes["is_config_changed"].all()
    # more points, or the same total when the cap is reached (the breakdown still changed)
    assert (rule_changes["score_delta"] >= 0).all()
    assert (rule_changes["score_delta"] > 0).any()
    # the other rule scores do not use the edited rule: unchanged
    assert set(changes["score_id"]) <= {SCORE_ID, "hybrid"}
