"""Training, scoring, explanations, the model card and serialization.

Training (:func:`train`):

1. examples (:func:`~lead_scoring.predictive.examples.training_examples`); fewer than
   ``min_examples_per_class`` converted or not-converted: no model, a message, no error;
2. time-ordered split: the latest ``holdout_fraction`` of examples (by as-of instant) is the
   holdout, the earlier ones the training part;
3. on the training part: features spec, two candidates - logistic regression (standardised,
   L2, ``C`` chosen by stratified 5-fold out-of-fold log-loss) and
   ``HistGradientBoostingClassifier`` (one of three shallow configurations,
   :data:`BOOSTED_GRID`, chosen the same way; no early stopping) - each with a sigmoid
   (Platt) calibration fitted on its 5-fold out-of-fold logits of the training part (the
   holdout is never used to fit, tune or calibrate);
4. the holdout AUC of each candidate and of the rule-based score on the same examples; the
   candidate with the best holdout AUC is chosen (ties: logistic regression); Brier score of
   its calibrated probabilities on the holdout;
5. the chosen algorithm is refit on all examples - train and holdout - for scoring (the
   holdout holds the newest behaviour): features spec refit, same hyperparameters, Platt
   calibration refit on 5-fold out-of-fold logits of all examples. The card's metrics are
   those of the train-only fit;
6. the model keeps the holdout predictions behind those metrics (:func:`holdout_predictions`)
   and a drift reference of the examples under the final model (score and top features, see
   :mod:`lead_scoring.predictive.drift`).

Explanations are in calibrated log-odds (the Platt slope times the model's own logit
contributions): for logistic regression, ``base + sum(contributions)`` equals
``logit(probability)`` exactly; for gradient boosting they are occlusion effects (see
:func:`contributions`).
"""

from __future__ import annotations

import base64
import hashlib
import importlib.metadata
import itertools
import json
import math
import pickle
import zlib
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

import numpy as np
import pandas as pd
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import brier_score_loss, log_loss, roc_auc_score
from sklearn.model_selection import StratifiedKFold
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler
from threadpoolctl import threadpool_limits

from lead_scoring.predictive.drift import DriftReference, reference_profile, top_factors
from lead_scoring.predictive.examples import (
    current_leads,
    latest_examples,
    time_split,
    training_examples,
)
from lead_scoring.predictive.explain import describe, text_values
from lead_scoring.predictive.features import (
    Column,
    FeatureSpec,
    Stream,
    contact_parts,
    custom_property_names,
    fit_spec,
    raw_features,
    slug,
    streams_of,
)
from lead_scoring.predictive.inputs import PredictiveInputs, PreparedInputs, as_timestamp, prepare
from lead_scoring.predictive.parallel import released_workers, run_all
from lead_scoring.predictive.rule_score import rule_scores_as_of
from lead_scoring.predictive.settings import ALGORITHMS, PredictiveSettings

LOGISTIC, BOOSTED = ALGORITHMS
#: Key of the model card (one model per project; int_predictive_model is keyed by it).
MODEL_NAME = "predictive"
LOGISTIC_CS = (0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0)
#: Gradient-boosting candidates (shallow first: examples are usually few), one chosen by
#: out-of-fold log-loss on the fitting examples. No early stopping (it would hold out a
#: random, not time-ordered, validation set).
BOOSTED_GRID: tuple[Mapping[str, Any], ...] = (
    {"learning_rate": 0.05, "max_iter": 100, "max_depth": 2, "min_samples_leaf": 40},
    {"learning_rate": 0.05, "max_iter": 150, "max_depth": 3, "min_samples_leaf": 30},
    {"learning_rate": 0.05, "max_iter": 200, "max_leaf_nodes": 15, "min_samples_leaf": 20},
)
CALIBRATION = "sigmoid (Platt) on 5-fold out-of-fold logits of the fitting examples"
SERIAL_PREFIX = "lead_scoring.predictive/1:"
TOP_FACTORS = 3

STATUS_TRAINED = "trained"
STATUS_INSUFFICIENT = "insufficient_data"

SCORE_COLUMNS = (
    "contact_id",
    "lifecycle_stage",
    "probability",
    "predictive_score",
    "model_version",
    *(f"positive_factor_{i}" for i in range(1, TOP_FACTORS + 1)),
    *(f"positive_contribution_{i}" for i in range(1, TOP_FACTORS + 1)),
    *(f"negative_factor_{i}" for i in range(1, TOP_FACTORS + 1)),
    *(f"negative_contribution_{i}" for i in range(1, TOP_FACTORS + 1)),
    "factors_text",
    "scored_at",
)
#: Columns of :func:`holdout_predictions` and their types.
HOLDOUT_TYPES: Mapping[str, str] = {
    "model_version": "str",
    "contact_id": "str",
    "example_as_of_at": "datetime64[us]",
    "probability": "float64",
    "is_converted": "bool",
}
HOLDOUT_COLUMNS = tuple(HOLDOUT_TYPES)


def package_version() -> str:
    try:
        return importlib.metadata.version("lead-scoring")
    except importlib.metadata.PackageNotFoundError:  # pragma: no cover - not installed
        return "0+unknown"


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


# ---------------------------------------------------------------------------------------------
# The fitted model


@dataclass(frozen=True)
class PredictiveModel:
    """A fitted, calibrated model with everything needed to score and explain.

    ``probability = sigmoid(calibration_slope * logit + calibration_intercept)`` where
    ``logit`` is the estimator's decision function on ``spec.transform(raw features)``.

    ``holdout``: the time-ordered holdout's predictions (``contact_id``, ``as_of``,
    ``probability``, ``label``) by the chosen candidate fitted on the training part - what the
    card's holdout metrics are computed from (:func:`holdout_predictions`).
    ``drift_reference``: the training examples' profile of the score and the top features
    (:mod:`lead_scoring.predictive.drift`). Both None in models pickled before they existed.
    """

    settings: PredictiveSettings
    spec: FeatureSpec
    algorithm: str
    estimator: Any
    calibration_slope: float
    calibration_intercept: float
    column_means: np.ndarray  # of the fitting examples' design matrix: occlusion reference
    model_version: str = ""
    trained_at: str = ""
    package_version: str = field(default_factory=package_version)
    holdout: pd.DataFrame | None = None
    drift_reference: DriftReference | None = None

    def logit(self, x: np.ndarray) -> np.ndarray:
        """The estimator's uncalibrated log-odds."""
        return np.asarray(self.estimator.decision_function(x), dtype=float)

    def probability(self, x: np.ndarray) -> np.ndarray:
        """Calibrated probabilities."""
        return _sigmoid(self.calibration_slope * self.logit(x) + self.calibration_intercept)

    @property
    def streams(self) -> dict[str, Stream]:
        return {s.key: s for s in streams_of(self.spec.event_types, self.settings)}


def _folds(y: np.ndarray, seed: int) -> StratifiedKFold:
    k = int(min(5, np.bincount(y, minlength=2).min()))
    return StratifiedKFold(n_splits=max(k, 2), shuffle=True, random_state=seed)


def _logistic(c: float) -> Pipeline:
    return Pipeline(
        [("scale", StandardScaler()), ("model", LogisticRegression(C=c, max_iter=2000))]
    )


def _boosted(seed: int, params: Mapping[str, Any]) -> HistGradientBoostingClassifier:
    return HistGradientBoostingClassifier(
        **params, l2_regularization=1.0, early_stopping=False, random_state=seed
    )


def _estimator(algorithm: str, params: Mapping[str, Any], seed: int) -> Any:
    return _logistic(params["C"]) if algorithm == LOGISTIC else _boosted(seed, params)


def _grid(algorithm: str) -> list[dict[str, Any]]:
    if algorithm == LOGISTIC:
        return [{"C": c} for c in LOGISTIC_CS]
    return [dict(params) for params in BOOSTED_GRID]


def _fold_logits(
    algorithm: str,
    params: Mapping[str, Any],
    seed: int,
    x: np.ndarray,
    y: np.ndarray,
    fit_rows: np.ndarray,
    test_rows: np.ndarray,
) -> np.ndarray:
    """The logits of the rows ``test_rows`` by the candidate fitted on ``fit_rows``."""
    estimator = _estimator(algorithm, params, seed).fit(x[fit_rows], y[fit_rows])
    return np.asarray(estimator.decision_function(x[test_rows]), dtype=float)


def _fitted(
    algorithm: str, params: Mapping[str, Any], seed: int, x: np.ndarray, y: np.ndarray
) -> Any:
    return _estimator(algorithm, params, seed).fit(x, y)


def _platt(logits: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """Slope and intercept of a (nearly unpenalised) logistic fit of y on the logits."""
    fit = LogisticRegression(C=1e6, max_iter=1000).fit(logits[:, None], y)
    return float(fit.coef_[0, 0]), float(fit.intercept_[0])


@dataclass(frozen=True)
class _Fit:
    algorithm: str
    estimator: Any
    slope: float
    intercept: float
    params: Mapping[str, Any]  # the chosen hyperparameters


def _fits(
    algorithms: Sequence[str],
    x: np.ndarray,
    y: np.ndarray,
    seed: int,
    params: Mapping[str, Mapping[str, Any]] | None = None,
    jobs: int = 1,
) -> dict[str, _Fit]:
    """Fit each candidate algorithm: hyperparameters chosen by stratified 5-fold out-of-fold
    log-loss (logistic: ``C``; boosting: one of :data:`BOOSTED_GRID`) unless ``params`` gives
    an algorithm's, Platt calibration on the chosen one's out-of-fold logits, then the
    estimator refit on all of ``x``. The fits are independent pieces (:func:`run_all`, on
    ``jobs`` processes); the result does not depend on ``jobs``."""
    grids = {
        algorithm: [dict(params[algorithm])]
        if params is not None and algorithm in params
        else _grid(algorithm)
        for algorithm in algorithms
    }
    folds = list(_folds(y, seed).split(x, y))
    # (algorithm, hyperparameters) pairs, each fitted on every fold
    candidates = [(algorithm, hyper) for algorithm in algorithms for hyper in grids[algorithm]]
    pieces: list[tuple[Any, ...]] = [
        (algorithm, candidate, seed, x, y, fit_rows, test_rows)
        for algorithm, candidate in candidates
        for fit_rows, test_rows in folds
    ]
    # with every algorithm's hyperparameters given, its final fit needs no comparison: it
    # runs with the fold fits
    known = all(len(grid) == 1 for grid in grids.values())
    finals: list[tuple[Any, ...]] = (
        [(algorithm, grids[algorithm][0], seed, x, y) for algorithm in algorithms] if known else []
    )
    results = run_all(
        _piece,
        [(_fold_logits, piece) for piece in pieces] + [(_fitted, final) for final in finals],
        jobs,
    )
    logits = iter(results[: len(pieces)])
    chosen: dict[str, tuple[float, dict[str, Any], np.ndarray]] = {}
    for algorithm, candidate in candidates:
        oof = np.zeros(len(y))
        for _, test_rows in folds:
            oof[test_rows] = next(logits)
        loss = log_loss(y, _sigmoid(oof), labels=[0, 1])
        best = chosen.get(algorithm)
        if best is None or loss < best[0] - 1e-12:
            chosen[algorithm] = (loss, candidate, oof)
    estimators = (
        results[len(pieces) :]
        if known
        else run_all(
            _piece,
            [(_fitted, (algorithm, chosen[algorithm][1], seed, x, y)) for algorithm in algorithms],
            jobs,
        )
    )
    out = {}
    for algorithm, estimator in zip(algorithms, estimators, strict=True):
        _, hyper, oof = chosen[algorithm]
        slope, intercept = _platt(oof, y)
        out[algorithm] = _Fit(algorithm, estimator, slope, intercept, hyper)
    return out


def _piece(function: Callable[..., Any], args: tuple[Any, ...]) -> Any:
    return function(*args)


def _model(
    fit: _Fit, spec: FeatureSpec, x: np.ndarray, settings: PredictiveSettings
) -> PredictiveModel:
    return PredictiveModel(
        settings=settings,
        spec=spec,
        algorithm=fit.algorithm,
        estimator=fit.estimator,
        calibration_slope=fit.slope,
        calibration_intercept=fit.intercept,
        column_means=x.mean(axis=0),
    )


# ---------------------------------------------------------------------------------------------
# Explanations


def contributions(
    model: PredictiveModel, x: np.ndarray, by: str = "factor", calibrated: bool = True
) -> tuple[np.ndarray, pd.DataFrame]:
    """Per-record contributions and the base they add to.

    Logistic regression: a column contributes ``coef * (standardised value - 0)``, i.e.
    relative to the training mean; with the intercept they add up exactly to the model's
    logit (``calibrated=False``) - ``sigmoid`` of that sum is the uncalibrated probability.
    Gradient boosting (an approximation, documented): a factor's contribution is the change
    in the model's logit when the factor's columns are replaced by their training means
    (occlusion); these do not add up exactly (interactions), so ``base`` is the logit minus
    their sum.

    ``calibrated=True`` multiplies contributions by the Platt slope and puts the Platt
    intercept in the base: then ``base + sum`` is ``logit(probability)`` (exactly, for
    logistic regression). ``by``: ``factor`` (columns of a factor summed), ``raw`` (columns of
    a raw feature summed: one-hot levels, value and missing flag) or ``column``.
    """
    keys: Mapping[str, Callable[[Column], str | None]] = {
        "factor": lambda column: column.factor,
        "raw": lambda column: column.raw,
        "column": lambda column: column.name,
    }
    if by not in keys:
        raise ValueError(f"contributions: by must be one of {', '.join(keys)}, got {by!r}")
    return _contributions(model, x, keys[by], calibrated, by_column=by == "column")


def _contributions(
    model: PredictiveModel,
    x: np.ndarray,
    key: Callable[[Column], str | None],
    calibrated: bool,
    by_column: bool = False,
) -> tuple[np.ndarray, pd.DataFrame]:
    """:func:`contributions` of the column groups ``key`` names (columns keyed None left out:
    then ``base`` no longer completes the sum)."""
    columns = model.spec.columns
    groups: dict[str, list[int]] = {}
    for position, column in enumerate(columns):
        name = key(column)
        if name is not None:
            groups.setdefault(name, []).append(position)
    if model.algorithm == LOGISTIC:
        scaler = model.estimator.named_steps["scale"]
        linear = model.estimator.named_steps["model"]
        z = (x - scaler.mean_) / scaler.scale_
        per_column = z * linear.coef_[0]
        base = np.full(len(x), float(linear.intercept_[0]))
        if by_column:
            frame = pd.DataFrame(per_column, columns=[column.name for column in columns])
        else:
            member = np.zeros((len(columns), len(groups)))
            for code, positions in enumerate(groups.values()):
                member[positions, code] = 1.0
            frame = pd.DataFrame(per_column @ member, columns=list(groups))
    else:
        logit = model.logit(x)
        effects = {}
        for name, positions in groups.items():
            occluded = x.copy()
            occluded[:, positions] = model.column_means[positions]
            effects[name] = logit - model.logit(occluded)
        frame = pd.DataFrame(effects, index=range(len(x)))
        base = logit - frame.sum(axis=1).to_numpy()
    if calibrated:
        frame = frame * model.calibration_slope
        base = base * model.calibration_slope + model.calibration_intercept
    return base, frame.reset_index(drop=True)


class _Row:
    """One record's raw features, read like a mapping (no per-record DataFrame)."""

    def __init__(self, arrays: Mapping[str, np.ndarray], position: int) -> None:
        self._arrays, self._position = arrays, position

    def get(self, name: str, default: object = None) -> object:
        array = self._arrays.get(name)
        return default if array is None else array[self._position]


_NAN = object()  # the key of every NaN


def _value_key(value: object) -> object:
    """A dict key for a raw value: every NaN is the same key (NaN != NaN)."""
    if isinstance(value, float | np.floating) and math.isnan(value):
        return _NAN
    return value


class _RecordingRow:
    """A row that remembers which features were read, in order, and their values."""

    def __init__(self, row: _Row) -> None:
        self._row = row
        self.reads: list[tuple[str, object, object]] = []  # (feature, default, value key)

    def get(self, name: str, default: object = None) -> object:
        value = self._row.get(name, default)
        self.reads.append((name, default, _value_key(value)))
        return value


class _Describer:
    """:func:`describe` for many records, each distinct text computed once.

    A factor's text is a function of the raw features ``describe`` reads, and which feature
    it reads next depends only on the values read so far. So per factor, a tree keyed by
    those reads gives the text of any record whose reads follow a known path; a record that
    leaves the tree is described in full, and its reads extend the tree. Same text as calling
    ``describe`` for every record (tested), without the per-record string work.
    """

    def __init__(
        self,
        streams: Mapping[str, Any],
        custom: Mapping[str, str],
        windows: Any,
        cap: int,
    ) -> None:
        self._args = (streams, custom, windows, cap)
        self._trees: dict[str, dict[str, Any]] = {}

    def __call__(self, factor: str, row: _Row) -> str:
        node = self._trees.get(factor)
        while node is not None and "text" not in node:
            name, default = node["read"]
            node = node["next"].get(_value_key(row.get(name, default)))
        if node is not None:
            return str(node["text"])
        recording = _RecordingRow(row)
        text = describe(factor, recording, *self._args)
        self._insert(factor, recording.reads, text)
        return text

    def _insert(self, factor: str, reads: list[tuple[str, object, object]], text: str) -> None:
        node = self._trees.setdefault(factor, {})
        for name, default, key in reads:
            if not node:  # a new node: the path's next read
                node["read"], node["next"] = (name, default), {}
            node = node["next"].setdefault(key, {})
        node["text"] = text

    def many(
        self, factor: str, arrays: Mapping[str, np.ndarray], records: np.ndarray
    ) -> Iterator[tuple[np.ndarray, str]]:
        """``(records, text)`` pairs that cover ``records`` (positions in ``arrays``), each
        text what ``self(factor, _Row(arrays, i))`` gives for every ``i`` of its records: the
        tree is walked once per group of records that read the same values, not per record."""
        if factor not in self._trees:
            self(factor, _Row(arrays, int(records[0])))
        stack: list[tuple[dict[str, Any], np.ndarray]] = [(self._trees[factor], records)]
        while stack:
            node, members = stack.pop()
            if "text" in node:
                yield members, str(node["text"])
                continue
            name, default = node["read"]
            array = arrays.get(name)
            if array is None:
                groups = [np.arange(len(members))]
            else:
                groups = _groups_of_equal_keys(array[members])
            for group in groups:
                group_members = members[group]
                first = _Row(arrays, int(group_members[0]))
                key = _value_key(first.get(name, default))
                child = node["next"].get(key)
                if child is None:  # describe one record of the group: extends the tree
                    self(factor, first)
                    child = node["next"].get(key)
                if child is None:  # a key equal to no key, not even itself (NaT): one by one
                    for member in group_members:
                        yield np.array([member]), self(factor, _Row(arrays, int(member)))
                    continue
                stack.append((child, group_members))


def _groups_of_equal_keys(values: np.ndarray) -> list[np.ndarray]:
    """Positions in ``values`` grouped by :func:`_value_key` of the value (one group per key;
    a key may have more than one group)."""
    if values.dtype == object:
        # None, NaN, pd.NA... are all NA to pandas but distinct keys here: tell them apart
        na = pd.isna(values)
        if na.any():
            values = values.copy()
            values[na] = ["\0" + type(value).__name__ for value in values[na]]
    codes, _ = pd.factorize(values, use_na_sentinel=False)  # NaN: one group, as _value_key
    order = np.argsort(codes, kind="stable")
    bounds = np.cumsum(np.bincount(codes))[:-1]
    return np.split(order, bounds)


def _factor_texts(
    model: PredictiveModel, raw: pd.DataFrame, factors: pd.DataFrame
) -> dict[str, list[object]]:
    """Top positive and negative factors per record: texts and contributions."""
    values = factors.to_numpy()
    names = list(factors.columns)
    arrays = {column: text_values(column, raw[column].to_numpy()) for column in raw.columns}
    streams = model.streams
    custom = {f"custom__{slug(name)}": name.replace("_", " ") for name in model.spec.custom_names}
    windows, cap = model.settings.windows, model.settings.recency_cap_days
    out: dict[str, list[object]] = {}
    describer = _Describer(streams, custom, windows, cap)
    every = np.arange(len(values))
    summary_parts: list[list[object]] = []
    for sign, order in (
        ("positive", np.argsort(-values, axis=1, kind="stable")[:, :TOP_FACTORS]),
        ("negative", np.argsort(values, axis=1, kind="stable")[:, :TOP_FACTORS]),
    ):
        for rank, chosen in enumerate(order.T, start=1):
            contribution = values[every, chosen]
            keep = contribution > 0 if sign == "positive" else contribution < 0
            texts = np.full(len(values), None, dtype=object)
            kept = np.flatnonzero(keep)
            if len(kept):
                for group in _groups_of_equal_keys(chosen[kept]):
                    members = kept[group]
                    for records, text in describer.many(names[chosen[members[0]]], arrays, members):
                        texts[records] = text
            out[f"{sign}_factor_{rank}"] = texts.tolist()
            out[f"{sign}_contribution_{rank}"] = [
                float(value) if is_kept else None
                for value, is_kept in zip(contribution, keep, strict=True)
            ]
            prefix = "+ " if sign == "positive" else "- "
            summary_parts.append([None if text is None else prefix + text for text in texts])
    out["factors_text"] = [
        "; ".join(part for part in parts if part is not None) or None
        for parts in zip(*summary_parts, strict=True)
    ]
    return out


# ---------------------------------------------------------------------------------------------
# Training


@dataclass(frozen=True)
class TrainingResult:
    """What :func:`train` returns: the model card (one flat dict), the model (None when not
    trained) and the training examples (contact_id, as_of, label, converted_at, split,
    holdout_probability, rule_score)."""

    card: dict[str, Any]
    model: PredictiveModel | None
    examples: pd.DataFrame

    @property
    def status(self) -> str:
        return str(self.card["status"])

    @property
    def message(self) -> str:
        return str(self.card["message"])


def _card(
    settings: PredictiveSettings, as_of: pd.Timestamp, trained_at: pd.Timestamp
) -> dict[str, Any]:
    return {
        "model_name": MODEL_NAME,
        "model_version": None,
        "status": None,
        "message": None,
        "trained_at": trained_at,
        "as_of": as_of,
        "conversion": settings.conversion_label(),
        "start_stage": settings.start_stage,
        "end_stage": settings.end_stage,
        "conversion_window_days": settings.conversion_window_days,
        "training_window_start": None,
        "training_window_end": None,
        "holdout_window_start": None,
        "n_examples": 0,
        "n_positive": 0,
        "n_negative": 0,
        "positive_rate": None,
        "n_train": 0,
        "n_holdout": 0,
        "train_positive_rate": None,
        "holdout_positive_rate": None,
        "features": [],
        "n_features": 0,
        "n_design_columns": 0,
        "algorithm": None,
        "candidate_algorithms": list(settings.algorithms),
        f"holdout_auc_{LOGISTIC}": None,
        f"holdout_auc_{BOOSTED}": None,
        "holdout_auc_chosen": None,
        "rule_score_id": settings.rule_score_id,
        "holdout_auc_rule_score": None,
        "rule_score_note": None,
        "holdout_brier_calibrated": None,
        "holdout_brier_uncalibrated": None,
        "holdout_brier_base_rate": None,
        "calibration": CALIBRATION,
        "refit_on_all_examples": True,
        f"hyperparameters_{LOGISTIC}": None,
        f"hyperparameters_{BOOSTED}": None,
        "hyperparameters_final": None,
        "random_seed": settings.random_seed,
        "settings": settings.to_json(),
        "package_version": package_version(),
    }


def _examples_text(used: int, available: int) -> str:
    if used < available:
        return f"the latest {used} of {available} examples (max_training_examples)"
    return f"{used} examples"


def _counts_message(n_pos: int, n_neg: int, settings: PredictiveSettings) -> str | None:
    need = settings.min_examples_per_class
    short = []
    if n_pos < need:
        short.append(f"{n_pos} converted")
    if n_neg < need:
        short.append(f"{n_neg} not-converted")
    if not short:
        return None
    return (
        f"only {' and '.join(short)} examples ({settings.conversion_label()}); "
        f"need at least {need} of each - no model trained"
    )


def _version(settings: PredictiveSettings, examples: pd.DataFrame, raw: pd.DataFrame) -> str:
    digest = hashlib.sha256()
    digest.update(settings.training_json().encode())
    digest.update(package_version().encode())
    keys = examples[["contact_id", "as_of", "label"]].astype("str")
    lines = keys["contact_id"] + "|" + keys["as_of"] + "|" + keys["label"]  # not a row-wise apply
    digest.update("\n".join(lines).encode())
    digest.update(pd.util.hash_pandas_object(raw, index=False).to_numpy().tobytes())
    return "pm_" + digest.hexdigest()[:12]


def _auc(y: np.ndarray, scores: np.ndarray) -> float | None:
    if len(np.unique(y)) < 2:
        return None
    return float(roc_auc_score(y, scores))


def train(
    inputs: PredictiveInputs,
    settings: PredictiveSettings | None = None,
    as_of: object = None,
    trained_at: datetime | None = None,
    jobs: int = 1,
) -> TrainingResult:
    """Train the predictive model as of ``as_of`` (required: date, datetime or text).

    Never raises for too little data: the result's ``status`` is ``insufficient_data``, its
    ``message`` says what is missing, and ``model`` is None. ``trained_at`` (default now, UTC)
    is recorded in the card only. Every computation is single-threaded (native thread pools
    limited to one thread): deterministic, and no oversubscription inside a dbt run. ``jobs``
    > 1 runs the candidate fits on that many processes (:mod:`~lead_scoring.predictive.parallel`),
    with the same result.
    """
    with threadpool_limits(limits=1), released_workers(jobs):
        return _train(inputs, settings, as_of, trained_at, jobs)


def _train(
    inputs: PredictiveInputs,
    settings: PredictiveSettings | None,
    as_of: object,
    trained_at: datetime | None,
    jobs: int,
) -> TrainingResult:
    settings = settings or PredictiveSettings()
    if as_of is None:
        raise ValueError("train: as_of is required")
    instant = as_timestamp(as_of)
    stamp = as_timestamp(trained_at or datetime.now(UTC)).floor("s")
    card = _card(settings, instant, stamp)
    prepared = prepare(inputs)
    examples = training_examples(prepared, settings, instant)
    available = len(examples)
    examples = latest_examples(examples, settings.max_training_examples)
    y_all = examples["label"].to_numpy()
    n_pos, n_neg = int(y_all.sum()), int(len(y_all) - y_all.sum())
    card.update(
        n_examples=len(examples),
        n_positive=n_pos,
        n_negative=n_neg,
        positive_rate=(n_pos / len(examples)) if len(examples) else None,
    )
    if len(examples):
        card.update(
            training_window_start=examples["as_of"].min(),
            training_window_end=examples["as_of"].max(),
        )
    examples = examples.assign(
        split=time_split(examples["as_of"], settings.holdout_fraction),
        holdout_probability=np.nan,
        rule_score=np.nan,
    )
    problem = _counts_message(n_pos, n_neg, settings)
    train_rows = (examples["split"] == "train").to_numpy()
    if problem is None:
        problem = _split_message(y_all, train_rows, settings)
    if problem is not None:
        card.update(status=STATUS_INSUFFICIENT, message=problem)
        return TrainingResult(card, None, examples)

    event_types = prepared.event_types
    if event_types is None:
        before = prepared.events.loc[prepared.events["occurred_at"] < instant, "event_type"]
        event_types = tuple(sorted(before.unique()))
    custom_train = custom_property_names(prepared, examples.loc[train_rows, "contact_id"], settings)
    custom_all = custom_property_names(prepared, examples["contact_id"], settings)
    custom_names = tuple(dict.fromkeys((*custom_train, *custom_all)))
    raw = raw_features(prepared, examples, settings, event_types, custom_names)

    # Candidates on the training part, compared on the holdout.
    spec = fit_spec(raw[train_rows], settings, event_types, custom_train)
    x_train, x_hold = spec.transform(raw[train_rows]), spec.transform(raw[~train_rows])
    y_train, y_hold = y_all[train_rows], y_all[~train_rows]
    fits = _fits(settings.algorithms, x_train, y_train, settings.random_seed, jobs=jobs)
    aucs = {
        name: _auc(y_hold, np.asarray(fit.estimator.decision_function(x_hold)))
        for name, fit in fits.items()
    }
    chosen = max(settings.algorithms, key=lambda name: (aucs[name] or 0.0, name == LOGISTIC))
    best = fits[chosen]
    hold_logit = np.asarray(best.estimator.decision_function(x_hold), dtype=float)
    hold_p = _sigmoid(best.slope * hold_logit + best.intercept)
    examples.loc[~train_rows, "holdout_probability"] = hold_p

    rule, note = (np.full(int((~train_rows).sum()), np.nan), "no rule_score_id set")
    if settings.rule_score_id:
        rule, note = rule_scores_as_of(
            prepared, settings.rule_score_id, examples.loc[~train_rows, ["contact_id", "as_of"]]
        )
    examples.loc[~train_rows, "rule_score"] = rule
    rule_auc = None
    if note is None:
        in_audience = ~np.isnan(rule)
        floor = (np.nanmin(rule) - 1.0) if in_audience.any() else 0.0
        rule_auc = _auc(y_hold, np.where(in_audience, rule, floor))
        note = (
            f"{settings.rule_score_id} as of each holdout example's as-of instant (reference "
            f"scorer; events before it, current property values); "
            f"{int((~in_audience).sum())} of {len(rule)} holdout examples outside its "
            "audience ranked lowest"
        )

    # Refit the chosen algorithm on all examples for scoring.
    final_spec = fit_spec(raw, settings, event_types, custom_all)
    x_all = final_spec.transform(raw)
    final_fit = _fits(
        (chosen,), x_all, y_all, settings.random_seed, params={chosen: best.params}, jobs=jobs
    )[chosen]
    model = _model(final_fit, final_spec, x_all, settings)
    version = _version(settings, examples, raw)
    holdout = examples.loc[~train_rows, ["contact_id", "as_of", "label"]].assign(probability=hold_p)
    model = replace(
        model,
        model_version=version,
        trained_at=stamp.isoformat(),
        holdout=holdout.reset_index(drop=True),
        drift_reference=_drift_reference(model, raw, x_all),
    )

    hold = examples.loc[~train_rows, "as_of"]
    card.update(
        model_version=version,
        status=STATUS_TRAINED,
        message=(
            f"trained on {_examples_text(len(examples), available)} "
            f"({settings.conversion_label()}): "
            f"{chosen} chosen, holdout AUC {aucs[chosen]:.3f}"
            + ("" if rule_auc is None else f" vs rule score {rule_auc:.3f}")
        ),
        holdout_window_start=hold.min(),
        n_train=int(train_rows.sum()),
        n_holdout=int((~train_rows).sum()),
        train_positive_rate=float(y_train.mean()),
        holdout_positive_rate=float(y_hold.mean()),
        features=final_spec.raw_features,
        n_features=len(final_spec.raw_features),
        n_design_columns=len(final_spec.columns),
        algorithm=chosen,
        holdout_auc_chosen=aucs[chosen],
        holdout_auc_rule_score=rule_auc,
        rule_score_note=note,
        holdout_brier_calibrated=float(brier_score_loss(y_hold, hold_p)),
        holdout_brier_uncalibrated=float(brier_score_loss(y_hold, _sigmoid(hold_logit))),
        holdout_brier_base_rate=float(
            brier_score_loss(y_hold, np.full(len(y_hold), y_train.mean()))
        ),
        hyperparameters_final=json.dumps(final_fit.params, sort_keys=True),
        **{
            f"hyperparameters_{name}": json.dumps(fits[name].params, sort_keys=True)
            for name in fits
        },
        **{f"holdout_auc_{name}": aucs[name] for name in fits},
    )
    return TrainingResult(card, model, examples)


def _drift_reference(model: PredictiveModel, raw: pd.DataFrame, x: np.ndarray) -> DriftReference:
    """The drift reference of the examples (``raw``, design matrix ``x``) under the final
    model: importance = mean absolute calibrated contribution over the examples, per factor
    (ranking) and per raw feature of the top factors (their representative); see
    :mod:`lead_scoring.predictive.drift`."""
    _, by_factor = contributions(model, x, by="factor", calibrated=True)
    factor_importance = by_factor.abs().mean(axis=0)
    top = set(top_factors(factor_importance))
    _, by_raw = _contributions(
        model, x, lambda column: column.raw if column.factor in top else None, calibrated=True
    )
    return reference_profile(
        model.spec,
        model.settings,
        raw,
        model.probability(x),
        factor_importance,
        by_raw.abs().mean(axis=0),
    )


def _split_message(
    y: np.ndarray, train_rows: np.ndarray, settings: PredictiveSettings
) -> str | None:
    """Why the time-ordered split cannot be used (a class missing in a part), else None."""
    parts = {"training part": y[train_rows], "holdout": y[~train_rows]}
    needs = {"training part": 2, "holdout": 1}
    for part, labels in parts.items():
        n_pos = int(labels.sum())
        n_neg = len(labels) - n_pos
        if n_pos < needs[part] or n_neg < needs[part]:
            return (
                f"the {part} of the time-ordered split (holdout = latest "
                f"{settings.holdout_fraction:.0%} of examples) has {n_pos} converted and "
                f"{n_neg} not-converted examples ({settings.conversion_label()}); need at "
                f"least {needs[part]} of each - no model trained"
            )
    return None


# ---------------------------------------------------------------------------------------------
# Scoring


def empty_scores() -> pd.DataFrame:
    """The score table with no rows (no model)."""
    types = {
        "probability": "float64",
        "predictive_score": "int64",
        "scored_at": "datetime64[us]",
        **{f"{s}_contribution_{i}": "float64" for s in ("positive", "negative") for i in (1, 2, 3)},
    }
    return pd.DataFrame(
        {column: pd.Series(dtype=types.get(column, "str")) for column in SCORE_COLUMNS}
    )


def score(
    inputs: PredictiveInputs,
    settings: PredictiveSettings | None,
    as_of: object,
    model: PredictiveModel | None,
    jobs: int = 1,
) -> pd.DataFrame:
    """One row per current lead (see :func:`~lead_scoring.predictive.examples.current_leads`;
    ``settings.current_lead_stages``) as of ``as_of``, with the model's calibrated
    ``probability``, ``predictive_score`` = round(100 * probability) and the top 3 positive
    and negative factors (text and contribution in calibrated log-odds) and ``factors_text``.

    Features are computed with the model's own settings (windows, key pages...), as in
    training. No model (None): an empty table with the same columns. Leads are scored in
    parts of at most :data:`LEADS_PER_CHUNK`; ``jobs`` > 1 scores the parts on that many
    processes (:mod:`~lead_scoring.predictive.parallel`), with the same result.
    """
    if model is None:
        return empty_scores()
    settings = settings or model.settings
    instant = as_timestamp(as_of)
    prepared = prepare(inputs)
    return score_leads(prepared, current_leads(prepared, settings, instant), instant, model, jobs)


#: Leads scored at once (raw features, design matrix and explanations of this many leads in
#: memory); the leads are split into equal parts of at most this size. Scores are per lead.
LEADS_PER_CHUNK = 50_000


def score_leads(
    prepared: PreparedInputs,
    leads: pd.DataFrame,
    instant: pd.Timestamp,
    model: PredictiveModel,
    jobs: int = 1,
) -> pd.DataFrame:
    """:func:`score`'s rows of ``leads`` (rows of
    :func:`~lead_scoring.predictive.examples.current_leads`, any of them): every computation
    is per lead, so a lead's row is the same whichever other leads are scored with it, and
    ``prepared`` need only hold the rows of these leads (:mod:`~.rescoring`)."""
    if leads.empty:
        return empty_scores()
    leads = leads.reset_index(drop=True)
    parts = math.ceil(len(leads) / LEADS_PER_CHUNK)
    bounds = np.linspace(0, len(leads), parts + 1).round().astype(int)
    with threadpool_limits(limits=1), released_workers(jobs):
        # each part reads only its leads' rows (the same features, without looking every event
        # up again for each part)
        inputs = contact_parts(prepared, leads["contact_id"], bounds)
        frames = run_all(
            _score_part,
            (
                (part, leads.iloc[start:stop].reset_index(drop=True), instant, model)
                for part, (start, stop) in zip(inputs, itertools.pairwise(bounds), strict=True)
            ),
            jobs if parts > 1 else 1,
        )
    return frames[0] if len(frames) == 1 else pd.concat(frames, ignore_index=True)


def _score_part(
    prepared: PreparedInputs,
    leads: pd.DataFrame,
    instant: pd.Timestamp,
    model: PredictiveModel,
) -> pd.DataFrame:
    """:func:`score_leads` of one part of the leads."""
    raw = raw_features(
        prepared, leads, model.settings, model.spec.event_types, model.spec.custom_names
    )
    x = model.spec.transform(raw)
    probability = model.probability(x)
    _, factors = contributions(model, x, by="factor", calibrated=True)
    texts = _factor_texts(model, raw, factors)
    texts.update(
        contact_id=leads["contact_id"].tolist(),
        lifecycle_stage=leads["lifecycle_stage"].tolist(),
        probability=probability.tolist(),
        predictive_score=np.floor(100.0 * probability + 0.5).astype("int64").tolist(),
        model_version=[model.model_version] * len(leads),
        scored_at=[instant] * len(leads),
    )
    frame = pd.DataFrame({column: texts[column] for column in SCORE_COLUMNS})
    empty = empty_scores()
    return frame.astype({column: empty[column].dtype for column in SCORE_COLUMNS})


def holdout_predictions(model: PredictiveModel | None) -> pd.DataFrame:
    """The time-ordered holdout's predictions, one row per holdout example
    (:data:`HOLDOUT_COLUMNS`): ``model_version``, ``contact_id``, ``example_as_of_at`` (the
    example's as-of instant: its start-stage entry), ``probability`` (calibrated probability
    of the chosen candidate fitted on the training part only - the values the card's holdout
    AUC and Brier score are computed from) and ``is_converted`` (the label). Sorted by
    (example_as_of_at, contact_id). No model (or one pickled before holdout predictions were
    kept): an empty table with the same columns."""
    holdout = None if model is None else getattr(model, "holdout", None)
    if model is None or holdout is None:
        return pd.DataFrame(
            {column: pd.Series(dtype=kind) for column, kind in HOLDOUT_TYPES.items()}
        )
    frame = pd.DataFrame(
        {
            "model_version": model.model_version,
            "contact_id": holdout["contact_id"].to_numpy(),
            "example_as_of_at": holdout["as_of"].to_numpy(),
            "probability": holdout["probability"].to_numpy(dtype=float),
            "is_converted": holdout["label"].to_numpy() == 1,
        },
        index=range(len(holdout)),
    )
    return frame.astype(dict(HOLDOUT_TYPES))


# ---------------------------------------------------------------------------------------------
# Model card and serialization


#: Column types of the model card frame (every other column: text).
CARD_TYPES: Mapping[str, str] = {
    "trained_at": "datetime64[us]",
    "as_of": "datetime64[us]",
    "training_window_start": "datetime64[us]",
    "training_window_end": "datetime64[us]",
    "holdout_window_start": "datetime64[us]",
    "conversion_window_days": "Int64",
    "n_examples": "Int64",
    "n_positive": "Int64",
    "n_negative": "Int64",
    "n_train": "Int64",
    "n_holdout": "Int64",
    "n_features": "Int64",
    "n_design_columns": "Int64",
    "random_seed": "Int64",
    "positive_rate": "float64",
    "train_positive_rate": "float64",
    "holdout_positive_rate": "float64",
    f"holdout_auc_{LOGISTIC}": "float64",
    f"holdout_auc_{BOOSTED}": "float64",
    "holdout_auc_chosen": "float64",
    "holdout_auc_rule_score": "float64",
    "holdout_brier_calibrated": "float64",
    "holdout_brier_uncalibrated": "float64",
    "holdout_brier_base_rate": "float64",
    "refit_on_all_examples": "boolean",
}


def model_card_frame(result: TrainingResult, include_model: bool = False) -> pd.DataFrame:
    """The model card as one row with stable column types (:data:`CARD_TYPES`, else text;
    lists as ``;``-joined text), whether or not a model was trained. ``include_model``: add
    ``serialized_model`` (text, null when no model) so the model can travel to the scoring
    model through the same table (:func:`model_from_frame`)."""
    row: dict[str, Any] = {}
    for key, value in result.card.items():
        row[key] = ";".join(map(str, value)) if isinstance(value, list | tuple) else value
    if include_model:
        row["serialized_model"] = None if result.model is None else serialize(result.model)
    columns = {}
    for key, value in row.items():
        kind = CARD_TYPES.get(key, "str")
        if kind.startswith("datetime"):
            columns[key] = pd.Series([pd.NaT if value is None else value]).astype(kind)
        else:
            columns[key] = pd.Series([value], dtype=kind)
    return pd.DataFrame(columns)


def serialize(model: PredictiveModel) -> str:
    """The model as text (a prefix, then base64 of zlib-compressed pickle). Only deserialize
    text this package produced: unpickling runs code."""
    payload = zlib.compress(pickle.dumps(model, protocol=pickle.HIGHEST_PROTOCOL), 9)
    return SERIAL_PREFIX + base64.b64encode(payload).decode("ascii")


def deserialize(text: str) -> PredictiveModel:
    """The model :func:`serialize` wrote."""
    if not isinstance(text, str) or not text.startswith(SERIAL_PREFIX):
        raise ValueError("not a serialized lead_scoring.predictive model")
    model = pickle.loads(zlib.decompress(base64.b64decode(text[len(SERIAL_PREFIX) :])))
    if not isinstance(model, PredictiveModel):
        raise ValueError("not a serialized lead_scoring.predictive model")
    return model


def model_from_frame(frame: pd.DataFrame) -> PredictiveModel | None:
    """The model from a :func:`model_card_frame` table (``include_model=True``), None when the
    table is empty or holds no model."""
    if frame is None or frame.empty or "serialized_model" not in frame.columns:
        return None
    text = frame["serialized_model"].iloc[0]
    if text is None or (isinstance(text, float) and math.isnan(text)):
        return None
    return deserialize(str(text))
