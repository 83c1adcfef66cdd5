"""The predictive score end to end on generated demo data (1,500 contacts, seed 42).

Builds the staging tables the predictive package reads with dbt in a scratch copy of the
project (tens of seconds, marker ``dbt``), then trains and scores as the dbt Python models do.
The full-size comparison (5,000 contacts) is measured, not run here: see the package docs.
"""

from __future__ import annotations

import json
import os
import subprocess
import time
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from dbt_harness import DBT, DbtBuildFailed, scratch_project

from lead_scoring.demo.generator import generate
from lead_scoring.predictive import (
    SCORE_COLUMNS,
    STATUS_TRAINED,
    PredictiveInputs,
    PredictiveSettings,
    model_card_frame,
    model_from_frame,
    score,
    train,
)
from lead_scoring.predictive.dbt import CONFIG_REFS, OPTIONAL_REFS, REQUIRED_REFS

pytestmark = pytest.mark.dbt

AS_OF = date(2026, 6, 30)


def _build(root: Path) -> Path:
    raw = root / "raw"
    generate(1500, 42, AS_OF, raw, "parquet")
    project = scratch_project(root)
    database = root / "demo.duckdb"
    env = {
        **os.environ,
        "LEAD_SCORING_RAW_DIR": str(raw),
        "LEAD_SCORING_RAW_FORMAT": "parquet",
        "LEAD_SCORING_DB": str(database),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    }
    selected = [
        *(f"+{name}" for name in (*REQUIRED_REFS.values(), *OPTIONAL_REFS.values())),
        *CONFIG_REFS,
    ]
    command = [
        str(DBT), "build", "--project-dir", str(project), "--profiles-dir", str(project),
        "--target", "ci", "--vars", json.dumps({"as_of": AS_OF.isoformat()}),
        "--select", *selected, "--exclude-resource-type", "test", "unit_test",
    ]  # fmt: skip
    result = subprocess.run(command, cwd=project, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise DbtBuildFailed((result.stdout + result.stderr)[-6000:])
    return database


@pytest.fixture(scope="module")
def demo_inputs(tmp_path_factory: pytest.TempPathFactory) -> PredictiveInputs:
    database = _build(tmp_path_factory.mktemp("predictive_demo"))
    with duckdb.connect(str(database), read_only=True) as con:

        def read(name: str) -> pd.DataFrame:
            return con.sql(f"select * from {name}").df()

        return PredictiveInputs(
            **{field: read(name) for field, name in REQUIRED_REFS.items()},
            **{field: read(name) for field, name in OPTIONAL_REFS.items()},
            scoring_config={name: read(name) for name in CONFIG_REFS},
        )


def test_trains_and_scores_on_demo_data(demo_inputs: PredictiveInputs) -> None:
    settings = PredictiveSettings()
    started = time.perf_counter()
    result = train(demo_inputs, settings, AS_OF)
    trained_in = time.perf_counter() - started
    card = result.card
    print(
        f"\n{card['n_examples']} examples ({card['positive_rate']:.1%} converted), "
        f"holdout {card['n_holdout']}: logistic {card['holdout_auc_logistic_regression']:.3f}, "
        f"boosting {card['holdout_auc_gradient_boosting']:.3f}, "
        f"rule score {card['holdout_auc_rule_score']:.3f}; chose {card['algorithm']}; "
        f"Brier {card['holdout_brier_calibrated']:.3f} (base rate "
        f"{card['holdout_brier_base_rate']:.3f}); trained in {trained_in:.1f} s"
    )
    assert result.status == STATUS_TRAINED, result.message
    assert card["n_examples"] > 300
    assert card["holdout_auc_chosen"] > 0.6
    assert card["holdout_auc_rule_score"] is not None
    assert card["holdout_brier_calibrated"] < card["holdout_brier_base_rate"]
    assert trained_in < 60

    fitted = model_from_frame(model_card_frame(result, include_model=True))
    scores = score(demo_inputs, settings, AS_OF, fitted)
    # current leads: the stage as of AS_OF from the stage history, else the CRM property
    contacts = demo_inputs.contacts
    changes = demo_inputs.stage_changes
    changes = changes[pd.to_datetime(changes["entered_at"]) <= pd.Timestamp(AS_OF)]
    latest = changes.sort_values("entered_at", kind="mergesort").groupby("contact_id").last()
    history_stage = contacts["contact_id"].map(latest["lifecycle_stage"])
    stages = history_stage.fillna(contacts["lifecycle_stage"]).fillna("unknown")
    expected = contacts.loc[stages.isin(settings.current_lead_stages), "contact_id"]
    assert list(scores.columns) == list(SCORE_COLUMNS)
    assert sorted(scores["contact_id"]) == sorted(expected)
    assert scores["predictive_score"].between(0, 100).all()
    assert scores["positive_factor_1"].notna().mean() > 0.9
    assert scores["negative_factor_1"].notna().mean() > 0.9
