"""When a run trains the predictive model again, and when it keeps the one trained before.

Training is the slowest step of a build (cross-validated model selection), and a model trained
a few days ago on nearly the same history ranks leads as well as a new one. So, like hosted
lead-scoring tools that retrain on a schedule, a run keeps the previous run's model when all
of these hold, and trains otherwise:

- the previous run trained a model (status ``trained``);
- it was trained with the same settings (every setting but the retraining policy itself:
  :meth:`PredictiveSettings.training_json`), so a change of the conversion, windows, features,
  algorithms... always retrains;
- the package that trained it is the installed one (an upgrade retrains);
- it was trained as of the same scoring date or an earlier one, at most
  ``retrain_after_days`` days before (a scoring date before the model's, as in a backfill,
  retrains: the model must not have seen later data).

Every lead is still scored on every run, on today's data. ``dbt build --full-refresh``
(or ``retrain_after_days: 0``) trains on every run. The card says which happened and why
(``training_decision``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import pandas as pd

from lead_scoring.predictive.inputs import as_timestamp
from lead_scoring.predictive.settings import POLICY_SETTINGS, PredictiveSettings


@dataclass(frozen=True)
class TrainingDecision:
    """Whether to train, and why (shown in the model card's ``training_decision``)."""

    retrain: bool
    reason: str


def _training_settings(recorded: object) -> str | None:
    """The recorded settings JSON without the policy settings, canonical; None if unreadable."""
    try:
        values = json.loads(str(recorded))
    except (TypeError, ValueError):
        return None
    if not isinstance(values, dict):
        return None
    for name in POLICY_SETTINGS:
        values.pop(name, None)
    return json.dumps(values, sort_keys=True)


def decide(
    previous: pd.DataFrame | None,
    settings: PredictiveSettings,
    as_of: object,
    package_version: str,
) -> TrainingDecision:
    """Train or keep ``previous`` (the model card of the previous run, one row, or None)."""
    if previous is None or previous.empty:
        return TrainingDecision(True, "trained: no earlier model (a first or --full-refresh run)")
    if settings.retrain_after_days == 0:
        return TrainingDecision(True, "trained: retrain_after_days is 0 (train on every run)")
    card = previous.iloc[0]
    if card.get("status") != "trained" or pd.isna(card.get("serialized_model")):
        return TrainingDecision(True, "trained: the previous run had no model")
    if _training_settings(card.get("settings")) != settings.training_json():
        return TrainingDecision(True, "trained: the predictive settings changed")
    if card.get("package_version") != package_version:
        return TrainingDecision(
            True,
            f"trained: the package changed ({card.get('package_version')} -> {package_version})",
        )
    instant = as_timestamp(as_of)
    trained_as_of = as_timestamp(card.get("as_of"))
    if instant < trained_as_of:
        return TrainingDecision(
            True,
            f"trained: the scoring date {instant:%Y-%m-%d} is before the previous model's"
            f" ({trained_as_of:%Y-%m-%d})",
        )
    age_days = (instant - trained_as_of) / pd.Timedelta(days=1)
    if age_days > settings.retrain_after_days:
        return TrainingDecision(
            True,
            f"trained: the previous model was {_days(age_days)} days old"
            f" (retrain_after_days = {settings.retrain_after_days})",
        )
    return TrainingDecision(
        False,
        f"kept: trained as of {trained_as_of:%Y-%m-%d %H:%M}, {_days(age_days)} days before the"
        f" scoring date, with the same settings (retrain_after_days ="
        f" {settings.retrain_after_days})",
    )


def _days(days: float) -> str:
    """Days to one decimal, without a trailing ``.0``: ``90.7``, ``3``."""
    return f"{days:.1f}".removesuffix(".0")


def with_decision(card: pd.DataFrame, decision: TrainingDecision) -> pd.DataFrame:
    """The card (one row) with its ``training_decision`` set."""
    out = card.copy()
    out["training_decision"] = pd.Series([decision.reason] * len(out), dtype="str", index=out.index)
    return out
