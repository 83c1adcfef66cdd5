"""Run the real dbt project on a given scoring configuration and raw data, in a scratch copy.

Used by the worked-example and property-based tests: each call copies the project into a
temporary folder, replaces the scoring seeds with the given configuration, writes the given raw
rows as Parquet files of the raw contract, runs ``dbt build`` up to the score marts and returns
them as DataFrames.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from lead_scoring.demo.schema import TABLES
from lead_scoring.scoring import ScoringConfig, write_config

REPO = Path(__file__).resolve().parents[2]
PROJECT_ITEMS = ("dbt_project.yml", "profiles.yml", "models", "macros", "seeds", "tests/generic")
DBT = Path(sys.executable).with_name("dbt")

RawRows = Mapping[str, Sequence[Mapping[str, Any]]]


@dataclass(frozen=True)
class EngineOutput:
    """The score marts of one build, and the build's console output."""

    scores: pd.DataFrame
    breakdown: pd.DataFrame
    config_errors: pd.DataFrame
    log: str


class DbtBuildFailed(RuntimeError):
    """dbt build exited non-zero; the message carries the end of its output."""


def write_raw(raw: RawRows, directory: Path) -> None:
    """Write every raw contract table (missing ones empty) as Parquet into ``directory``."""
    directory.mkdir(parents=True, exist_ok=True)
    for table, schema in TABLES.items():
        rows = raw.get(table, ())
        columns = {
            field.name: pa.array([row.get(field.name) for row in rows], type=field.type)
            for field in schema
        }
        pq.write_table(pa.table(columns, schema=schema), directory / f"{table}.parquet")


def scratch_project(root: Path) -> Path:
    """A copy of the dbt project under ``root`` (without build outputs)."""
    project = root / "project"
    for item in PROJECT_ITEMS:
        source = REPO / item
        target = project / item
        if source.is_dir():
            shutil.copytree(source, target, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    return project


def run_engine(
    root: Path,
    config: ScoringConfig,
    raw: RawRows,
    as_of: datetime,
    *,
    expect_failure: bool = False,
) -> EngineOutput:
    """Build the score marts for ``config`` on ``raw`` at ``as_of`` in a scratch project."""
    project = scratch_project(root)
    write_config(config, project / "seeds" / "scoring")
    raw_dir = root / "raw"
    write_raw(raw, raw_dir)
    database = root / "engine.duckdb"
    env = {
        **os.environ,
        "LEAD_SCORING_RAW_DIR": str(raw_dir),
        "LEAD_SCORING_RAW_FORMAT": "parquet",
        "LEAD_SCORING_DB": str(database),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    }
    command = [
        str(DBT),
        "build",
        "--project-dir",
        str(project),
        "--profiles-dir",
        str(project),
        "--target",
        "ci",
        "--vars",
        json.dumps({"as_of": as_of.strftime("%Y-%m-%d %H:%M:%S")}),
        "--exclude-resource-type",
        "unit_test",
    ]
    result = subprocess.run(
        command, cwd=project, env=env, capture_output=True, text=True, check=False
    )
    log = result.stdout + result.stderr
    if result.returncode != 0 and not expect_failure:
        raise DbtBuildFailed(log[-6000:])
    if result.returncode == 0 and expect_failure:
        raise AssertionError("dbt build succeeded but was expected to fail:\n" + log[-3000:])
    with duckdb.connect(str(database), read_only=True) as con:
        tables = {
            name
            for (name,) in con.execute(
                "select table_name from information_schema.tables"
            ).fetchall()
        }

        def read(name: str) -> pd.DataFrame:
            return con.sql(f"select * from {name}").df() if name in tables else pd.DataFrame()

        return EngineOutput(
            scores=read("lead_scores"),
            breakdown=read("score_rule_breakdown"),
            config_errors=read("int_score_config_errors"),
            log=log,
        )
