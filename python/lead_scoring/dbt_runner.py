"""Run the dbt project in a scratch copy, with a given scoring configuration, raw data and
database, so that nothing of the real project (its seeds, ``target/``, ``logs/``, warehouse)
is written.

    project = scratch_project(tmp / "candidate", scoring_seeds=[Path("my-rules")])
    build_scores(project, raw_dir=Path("data/demo"), database=tmp / "c.duckdb", as_of=day)

Used by the backtest (:mod:`lead_scoring.evaluate`) and the rule-set preview
(:mod:`lead_scoring.preview`). Several builds may share one scratch project, each into its own
database. A build's ``target-path`` and ``log-path`` are named after it: builds with different
names can run at the same time; builds with the same name run one after the other and share
dbt's partial parsing (e.g. the same ``as_of`` with another rule set, see
:func:`use_scoring_seeds`), which saves most of dbt's start-up work.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]

#: What a scratch copy of the project holds (no build outputs, no Python tests).
PROJECT_ITEMS = ("dbt_project.yml", "profiles.yml", "models", "macros", "seeds")

#: The seed files of ``seeds/scoring/`` that make up a rule set (docs/scoring-engine.md).
SCORING_SEED_FILES = (
    "scores.csv",
    "score_groups.csv",
    "score_rules.csv",
    "score_rule_values.csv",
    "score_audiences.csv",
    "score_bands.csv",
    "event_types.csv",
    "scoring_properties.csv",
)

#: What a scores build selects: the rule engine up to ``lead_scores`` (the predictive Python
#: models are not upstream of it, so they are never run) and the lifecycle stage changes that
#: the backtest's conversion outcomes are read from.
SCORES_SELECTION = ("+lead_scores", "+stg_crm__lifecycle_stage_changes")


class DbtFailed(RuntimeError):
    """A dbt command exited non-zero; the message carries the end of its output."""


def dbt_executable() -> str:
    """The dbt next to this interpreter (the project's venv), else the one on PATH."""
    local = Path(sys.executable).with_name("dbt")
    if local.exists():
        return str(local)
    found = shutil.which("dbt")
    if found is None:
        raise DbtFailed("dbt is not installed (expected next to the Python interpreter)")
    return found


def scratch_project(
    root: Path, *, scoring_seeds: Iterable[Path] = (), items: Sequence[str] = PROJECT_ITEMS
) -> Path:
    """Copy the dbt project to ``root/project`` and return that folder.

    ``scoring_seeds``: folders whose scoring seed files (:data:`SCORING_SEED_FILES`, those
    present) replace the copy's ``seeds/scoring/`` files, in order (a later folder wins).
    """
    project = Path(root) / "project"
    for item in items:
        source, target = REPO / item, project / item
        if source.is_dir():
            shutil.copytree(source, target, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    for folder in scoring_seeds:
        use_scoring_seeds(project, folder)
    return project


def use_scoring_seeds(project: Path, folder: Path) -> list[str]:
    """Replace the project's ``seeds/scoring/`` files by those present in ``folder`` (of
    :data:`SCORING_SEED_FILES`); the names of the files replaced.

    A project can be built with one rule set, then switched to another and built again into
    another database: dbt's partial parsing notices the changed seed files, so the second
    build skips most of the parsing (as long as the vars are the same).
    """
    replaced = []
    for name in SCORING_SEED_FILES:
        if (Path(folder) / name).is_file():
            shutil.copyfile(Path(folder) / name, Path(project) / "seeds" / "scoring" / name)
            replaced.append(name)
    return replaced


def raw_format(raw_dir: Path) -> str:
    """``parquet`` or ``csv``, from the raw files present (else $LEAD_SCORING_RAW_FORMAT)."""
    for fmt in ("parquet", "csv"):
        if (Path(raw_dir) / f"contacts.{fmt}").exists():
            return fmt
    return os.environ.get("LEAD_SCORING_RAW_FORMAT", "parquet")


def as_of_var(as_of: date | datetime | str | None) -> str | None:
    """The ``as_of`` dbt var for a date, a datetime (UTC) or text; None = now."""
    if as_of is None or isinstance(as_of, str):
        return as_of
    if isinstance(as_of, datetime):
        return as_of.strftime("%Y-%m-%d %H:%M:%S")
    return as_of.isoformat()


def run_dbt(
    project: Path,
    args: Sequence[str],
    *,
    raw_dir: Path,
    database: Path,
    name: str = "build",
    dbt_vars: Mapping[str, Any] | None = None,
    target: str | None = None,
) -> str:
    """Run ``dbt <args>`` in ``project`` on ``raw_dir`` into ``database``; return its output.

    The run has its own ``target-<name>`` and ``logs-<name>`` folders in the project, and
    $LEAD_SCORING_DB / $LEAD_SCORING_RAW_DIR are set for it only, so the caller's warehouse is
    never opened. Raises :class:`DbtFailed` when dbt exits non-zero.
    """
    project = Path(project).resolve()
    raw_dir, database = Path(raw_dir).resolve(), Path(database).resolve()
    database.parent.mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        "LEAD_SCORING_RAW_DIR": str(raw_dir),
        "LEAD_SCORING_RAW_FORMAT": raw_format(raw_dir),
        "LEAD_SCORING_DB": str(database),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    }
    command = [
        dbt_executable(),
        *args,
        "--project-dir", str(project),
        "--profiles-dir", str(project),
        "--target-path", str(project / f"target-{name}"),
        "--log-path", str(project / f"logs-{name}"),
        "--no-use-colors",
    ]  # fmt: skip
    if target is not None:
        command += ["--target", target]
    if dbt_vars:
        command += ["--vars", json.dumps(dict(dbt_vars))]
    result = subprocess.run(
        command, cwd=project, env=env, capture_output=True, text=True, check=False
    )
    log = result.stdout + result.stderr
    if result.returncode != 0:
        raise DbtFailed(f"dbt {args[0]} failed ({name}):\n{log[-4000:]}")
    return log


def build_scores(
    project: Path,
    *,
    raw_dir: Path,
    database: Path,
    as_of: date | datetime | str | None,
    name: str = "build",
) -> str:
    """Seeds and the rule engine up to ``lead_scores`` (:data:`SCORES_SELECTION`), as of
    ``as_of`` (None = now), into ``database``. Returns dbt's output.

    One ``dbt build`` of the selected seeds and models, data tests left out: the same tables
    as ``dbt seed`` then ``dbt run --select +lead_scores``, with one dbt start-up instead of
    two. Seeds are fully refreshed, so an earlier build in the same database does not matter.
    An invalid scoring configuration fails the build (DbtFailed naming the rule).
    """
    dbt_vars = {} if as_of is None else {"as_of": as_of_var(as_of)}
    args = [
        "build",
        "--select", *SCORES_SELECTION,
        "--exclude-resource-type", "test", "unit_test",
        "--full-refresh",
        "--quiet",
    ]  # fmt: skip
    return run_dbt(project, args, raw_dir=raw_dir, database=database, name=name, dbt_vars=dbt_vars)
