"""When a run keeps the previous model and when it trains (lead_scoring.predictive.retrain)."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from lead_scoring.predictive.retrain import decide, with_decision
from lead_scoring.predictive.settings import PredictiveSettings

VERSION = "1.0"


def card(trained_with: PredictiveSettings, as_of: str, **overrides: object) -> pd.DataFrame:
    row = {
        "model_name": "predictive",
        "status": "trained",
        "serialized_model": "lsm1:...",
        "settings": trained_with.to_json(),
        "package_version": VERSION,
        "as_of": pd.Timestamp(as_of),
    }
    row.update(overrides)
    return pd.DataFrame([row])


def test_no_earlier_model_trains() -> None:
    settings = PredictiveSettings()
    assert decide(None, settings, "2026-06-30", VERSION).retrain
    assert decide(pd.DataFrame(), settings, "2026-06-30", VERSION).retrain


@pytest.mark.parametrize("days", [0, 1, 7])
def test_a_recent_model_with_the_same_settings_is_kept(days: int) -> None:
    settings = PredictiveSettings()
    as_of = pd.Timestamp("2026-06-30") + pd.Timedelta(days=days)
    decision = decide(card(settings, "2026-06-30"), settings, as_of, VERSION)
    assert not decision.retrain
    assert decision.reason.startswith("kept: trained as of 2026-06-30")


def test_an_older_model_is_retrained() -> None:
    settings = PredictiveSettings(retrain_after_days=7)
    decision = decide(card(settings, "2026-06-30"), settings, "2026-07-07 00:00:01", VERSION)
    assert decision.retrain and "days old" in decision.reason


def test_a_scoring_date_before_the_model_retrains() -> None:
    settings = PredictiveSettings()
    decision = decide(card(settings, "2026-06-30"), settings, "2026-04-01", VERSION)
    assert decision.retrain and "before the previous model" in decision.reason


@pytest.mark.parametrize(
    "change",
    [
        {"conversion_window_days": 60},
        {"end_stage": "opportunity"},
        {"windows": (7, 30)},
        {"algorithms": ("logistic_regression",)},
        {"key_pages": ("/pricing", "/demo")},
    ],
)
def test_any_training_setting_change_retrains(change: dict[str, object]) -> None:
    trained_with = PredictiveSettings()
    settings = PredictiveSettings(**change)
    decision = decide(card(trained_with, "2026-06-30"), settings, "2026-06-30", VERSION)
    assert decision.retrain and "settings changed" in decision.reason


def test_the_retraining_policy_itself_is_not_a_training_setting() -> None:
    trained_with = PredictiveSettings(retrain_after_days=7)
    settings = PredictiveSettings(retrain_after_days=14)
    assert not decide(card(trained_with, "2026-06-30"), settings, "2026-07-10", VERSION).retrain


def test_settings_recorded_before_the_policy_existed_still_match() -> None:
    settings = PredictiveSettings()
    recorded = json.loads(settings.to_json())
    del recorded["retrain_after_days"]
    previous = card(settings, "2026-06-30", settings=json.dumps(recorded))
    assert not decide(previous, settings, "2026-06-30", VERSION).retrain


def test_no_model_a_new_package_or_policy_zero_retrain() -> None:
    settings = PredictiveSettings()
    failed = card(settings, "2026-06-30", status="insufficient_data", serialized_model=None)
    assert decide(failed, settings, "2026-06-30", VERSION).retrain
    assert decide(card(settings, "2026-06-30"), settings, "2026-06-30", "2.0").retrain
    always = PredictiveSettings(retrain_after_days=0)
    assert decide(card(always, "2026-06-30"), always, "2026-06-30", VERSION).retrain


def test_negative_policy_is_rejected_naming_the_setting() -> None:
    with pytest.raises(ValueError, match="retrain_after_days"):
        PredictiveSettings.from_mapping({"retrain_after_days": -1})


def test_with_decision_sets_the_reason() -> None:
    settings = PredictiveSettings()
    decision = decide(card(settings, "2026-06-30"), settings, "2026-07-01", VERSION)
    out = with_decision(card(settings, "2026-06-30"), decision)
    assert out["training_decision"].tolist() == [decision.reason]
