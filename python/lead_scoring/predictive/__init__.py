"""Predictive lead score: a calibrated model of start-stage -> end-stage conversion.

Trained point in time on past conversions (e.g. MQL -> SQL within 30 days), compared with the
rule-based score on a time-ordered holdout, and applied to current leads with plain-word
explanation factors. Built for dbt Python models: inputs and outputs are pandas DataFrames,
and the fitted model travels between models as text (:func:`serialize`).

    from lead_scoring.predictive import PredictiveInputs, PredictiveSettings, train, score

    inputs = PredictiveInputs(contacts=..., companies=..., custom_properties=...,
                              stage_changes=..., events=..., scoring_config={...})
    settings = PredictiveSettings.from_mapping({"start_stage": "mql", "end_stage": "sql"})
    result = train(inputs, settings, as_of="2026-06-30")
    card = model_card_frame(result, include_model=True)   # one row
    scores = score(inputs, settings, "2026-06-30", model_from_frame(card))
    holdout = holdout_predictions(model_from_frame(card))   # for a calibration view
    drift = drift_profile(inputs, settings, "2026-06-30", model_from_frame(card))  # for PSI

See docs in each module: ``settings``, ``inputs``, ``examples``, ``features``, ``model``,
``drift``, ``rescoring`` (incremental scoring).
"""

from lead_scoring.predictive.drift import (
    DRIFT_COLUMNS,
    DriftItem,
    DriftReference,
    drift_profile,
    empty_drift,
)
from lead_scoring.predictive.examples import (
    current_leads,
    latest_examples,
    recent_entrants,
    time_split,
    training_examples,
)
from lead_scoring.predictive.features import FeatureSpec, raw_features
from lead_scoring.predictive.inputs import PredictiveInputs, config_from_frames, prepare
from lead_scoring.predictive.model import (
    HOLDOUT_COLUMNS,
    SCORE_COLUMNS,
    STATUS_INSUFFICIENT,
    STATUS_TRAINED,
    PredictiveModel,
    TrainingResult,
    contributions,
    deserialize,
    empty_scores,
    holdout_predictions,
    model_card_frame,
    model_from_frame,
    score,
    serialize,
    train,
)
from lead_scoring.predictive.settings import STAGE_ORDER, PredictiveSettings

__all__ = [
    "DRIFT_COLUMNS",
    "HOLDOUT_COLUMNS",
    "SCORE_COLUMNS",
    "STAGE_ORDER",
    "STATUS_INSUFFICIENT",
    "STATUS_TRAINED",
    "DriftItem",
    "DriftReference",
    "FeatureSpec",
    "PredictiveInputs",
    "PredictiveModel",
    "PredictiveSettings",
    "TrainingResult",
    "config_from_frames",
    "contributions",
    "current_leads",
    "deserialize",
    "drift_profile",
    "empty_drift",
    "empty_scores",
    "holdout_predictions",
    "latest_examples",
    "model_card_frame",
    "model_from_frame",
    "prepare",
    "raw_features",
    "recent_entrants",
    "score",
    "serialize",
    "time_split",
    "train",
    "training_examples",
]
