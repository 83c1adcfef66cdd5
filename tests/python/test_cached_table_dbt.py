"""The cached_table materialization on a small dbt project of its own: when a table is kept.

A `cached_table` model is kept as it is (run_results code REUSED) when neither its compiled SQL
nor the content of anything it reads changed, reading through views (their definitions count,
and what they read). Each step below changes one thing and checks which tables are built, and
that every table holds what its SQL gives now: a kept table is never stale.

    seed regions -> view active_regions -> cached region_counts -> cached region_report
                                            (reads var('min_count'))
    seed regions -> cached region_clock (reads current_timestamp)
    source raw.visits (a CSV file) -> view visits_kept -> cached visit_totals
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import duckdb
import pytest
from dbt_harness import DBT, REPO

pytestmark = pytest.mark.dbt

CACHED = {"region_counts", "region_report", "region_clock", "visit_totals"}
MODELS = {
    "active_regions.sql": """
        {{ config(materialized='view') }}
        select region, customers from {{ ref('regions') }} where customers > 0
    """,
    "region_counts.sql": """
        {{ config(materialized='cached_table') }}
        select region, customers
        from {{ ref('active_regions') }}
        where customers >= {{ var('min_count', 1) }}
    """,
    "region_report.sql": """
        {{ config(materialized='cached_table') }}
        select count(*) as regions, sum(customers) as customers from {{ ref('region_counts') }}
    """,
    "region_clock.sql": """
        {{ config(materialized='cached_table') }}
        select count(*) as regions, current_timestamp as checked_at from {{ ref('regions') }}
    """,
    "visits_kept.sql": """
        {{ config(materialized='view') }}
        select region, visits from {{ source('raw', 'visits') }} where visits > 0
    """,
    "visit_totals.sql": """
        {{ config(materialized='cached_table') }}
        select count(*) as regions, sum(visits) as visits from {{ ref('visits_kept') }}
    """,
}
EXPECTED = {
    "region_counts": "select region, customers from active_regions where customers >= {min}",
    "region_report": "select count(*), sum(customers) from region_counts",
    "visit_totals": "select count(*), sum(visits) from visits_kept",
}


class Project:
    """A scratch dbt project with the repository's cached_table macros (its file name has a
    hyphen: the names are quoted)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        (root / "models").mkdir(parents=True)
        (root / "seeds").mkdir()
        (root / "macros" / "materializations").mkdir(parents=True)
        for macro in ("cached_table_fingerprints.sql", "text.sql", "timestamps.sql"):
            shutil.copy2(REPO / "macros" / macro, root / "macros" / macro)
        shutil.copy2(
            REPO / "macros" / "materializations" / "cached_table.sql",
            root / "macros" / "materializations" / "cached_table.sql",
        )
        (root / "dbt_project.yml").write_text(
            "name: lead_scoring\nversion: '1.0'\nconfig-version: 2\nprofile: cached\n"
            'on-run-start:\n  - "{{ create_cached_table_fingerprints() }}"\n'
        )
        (root / "profiles.yml").write_text(
            "cached:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n"
            f"      path: {root / 'ware-house.duckdb'}\n      threads: 2\n"
        )
        (root / "models" / "_sources.yml").write_text(
            "version: 2\nsources:\n  - name: raw\n    config:\n      meta:\n"
            f'        external_location: "{root / "raw"}/{{name}}.csv"\n'
            "    tables:\n      - name: visits\n"
        )
        for name, sql in MODELS.items():
            self.write_model(name, sql)
        self.write_seed([("north", 3), ("south", 0), ("east", 5)])
        self.write_visits([("north", 2), ("east", 0)])

    def write_model(self, name: str, sql: str) -> None:
        (self.root / "models" / name).write_text(sql.strip() + "\n")

    def write_seed(self, rows: list[tuple[str, int]]) -> None:
        lines = ["region,customers", *(f"{region},{customers}" for region, customers in rows)]
        (self.root / "seeds" / "regions.csv").write_text("\n".join(lines) + "\n")

    def write_visits(self, rows: list[tuple[str, int]]) -> None:
        (self.root / "raw").mkdir(exist_ok=True)
        lines = ["region,visits", *(f"{region},{visits}" for region, visits in rows)]
        (self.root / "raw" / "visits.csv").write_text("\n".join(lines) + "\n")

    def build(self, *args: str, min_count: int = 1) -> dict[str, str]:
        """`dbt build`; the cached tables' statuses: "built" or "kept"."""
        command = [str(DBT), "build", "--project-dir", str(self.root)]
        command += [
            "--profiles-dir",
            str(self.root),
            "--vars",
            json.dumps({"min_count": min_count}),
        ]
        env = {**os.environ, "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}
        result = subprocess.run(
            [*command, *args], cwd=self.root, env=env, capture_output=True, text=True
        )
        assert result.returncode == 0, (result.stdout + result.stderr)[-4000:]
        results = json.loads((self.root / "target" / "run_results.json").read_text())
        statuses = {}
        for node in results["results"]:
            name = node["unique_id"].split(".")[-1]
            if name in CACHED:
                reused = node["adapter_response"].get("code") == "REUSED"
                statuses[name] = "kept" if reused else "built"
        return statuses

    def stale(self, min_count: int = 1) -> dict[str, int]:
        """Rows of each cached table (but the clock's) that differ from what its SQL gives now."""
        out = {}
        with duckdb.connect(str(self.root / "ware-house.duckdb"), read_only=True) as con:
            for table, sql in EXPECTED.items():
                expected = sql.format(min=min_count)
                out[table] = con.execute(
                    f"select count(*) from ((select * from {table} except all {expected})"
                    f" union all ({expected} except all select * from {table}))"
                ).fetchall()[0][0]
        return out


@pytest.fixture(scope="module")
def steps(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[dict, dict]]:
    project = Project(tmp_path_factory.mktemp("cached_table"))
    out = {}

    def step(name: str, *args: str, min_count: int = 1) -> None:
        out[name] = (project.build(*args, min_count=min_count), project.stale(min_count))

    step("first")
    step("again")
    # a view's definition changes, and so do its rows
    project.write_model("active_regions.sql", MODELS["active_regions.sql"].replace("> 0", "> 3"))
    step("view_rows_changed")
    # another definition, the same rows (> 3 and > 4 keep the same regions)
    project.write_model("active_regions.sql", MODELS["active_regions.sql"].replace("> 0", "> 4"))
    step("view_same_rows")
    # a seed row the view filters out
    project.write_seed([("north", 3), ("south", 0), ("east", 5), ("west", 0)])
    step("seed_row_filtered_out")
    # a seed row that counts
    project.write_seed([("north", 3), ("south", 0), ("east", 5), ("west", 9)])
    step("seed_row_counts")
    # the raw file behind a view
    project.write_visits([("north", 2), ("east", 4)])
    step("source_changed")
    # a var of the compiled SQL
    step("var_changed", min_count=6)
    step("full_refresh", "--full-refresh", min_count=6)
    return out


def test_a_first_build_builds_every_table(steps: dict) -> None:
    assert steps["first"][0] == dict.fromkeys(CACHED, "built")


def test_a_rerun_keeps_every_table_but_the_one_reading_the_clock(steps: dict) -> None:
    assert steps["again"][0] == {
        "region_counts": "kept",
        "region_report": "kept",
        "region_clock": "built",
        "visit_totals": "kept",
    }


def test_a_view_definition_counts_and_content_decides_downstream(steps: dict) -> None:
    # the view's new definition drops north (3 customers): both tables are built again
    assert steps["view_rows_changed"][0]["region_counts"] == "built"
    assert steps["view_rows_changed"][0]["region_report"] == "built"
    # another definition with the same rows: its reader is built again, and gives the same
    # rows, so the report after it is kept
    assert steps["view_same_rows"][0]["region_counts"] == "built"
    assert steps["view_same_rows"][0]["region_report"] == "kept"


def test_seed_edits_reach_exactly_the_tables_whose_inputs_changed(steps: dict) -> None:
    # a row the view filters out: the seed behind the view changed, so its reader is built
    # again; it gives the same rows, so the report is kept
    assert steps["seed_row_filtered_out"][0]["region_counts"] == "built"
    assert steps["seed_row_filtered_out"][0]["region_report"] == "kept"
    assert steps["seed_row_counts"][0]["region_counts"] == "built"
    assert steps["seed_row_counts"][0]["region_report"] == "built"


def test_a_raw_file_read_through_a_view_counts(steps: dict) -> None:
    assert steps["seed_row_counts"][0]["visit_totals"] == "kept"
    assert steps["source_changed"][0] == {
        "region_counts": "kept",
        "region_report": "kept",
        "region_clock": "built",
        "visit_totals": "built",
    }


def test_a_var_change_and_a_full_refresh_build_again(steps: dict) -> None:
    assert steps["var_changed"][0]["region_counts"] == "built"
    assert steps["full_refresh"][0] == dict.fromkeys(CACHED, "built")


def test_no_table_is_ever_stale(steps: dict) -> None:
    assert {name: stale for name, (_, stale) in steps.items()} == {
        name: dict.fromkeys(EXPECTED, 0) for name in steps
    }
