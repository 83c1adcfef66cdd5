"""Drift of the model's score and top features: the training examples vs the newest cohort.

Like with like: the **reference** population is every training example (the cohort the model
learned from), the **current** population the contacts whose first entry into the start stage
is too recent to be labelled (:func:`~lead_scoring.predictive.examples.recent_entrants`:
entry in ``(as_of - conversion_window_days, as_of]``, same exclusions as the examples). Both
are described as of their start-stage entry, with the model's own feature spec, so a shift
means the newest leads reach the start stage looking different - not that they are younger.

At training time (:func:`~lead_scoring.predictive.model.train`) the model stores a
:class:`DriftReference` (:func:`reference_profile`):

- items: the score (``probability``: the final model's calibrated probability of every
  example) and the raw features behind the top :data:`TOP_FEATURES` *factors* (the units
  explanations are given in, :func:`~lead_scoring.predictive.features.factor_of`: one
  categorical, one event stream, company size...). A factor's importance is the mean absolute
  calibrated contribution (log-odds, :func:`~lead_scoring.predictive.model.contributions` by
  factor) over all examples; the factor is represented by its raw feature with the largest
  mean absolute contribution (e.g. ``page__pricing__30d`` for the ``/pricing`` visits, a
  categorical by itself). Ranking factors rather than raw features keeps correlated columns
  of one stream (7/30/90-day counts with offsetting coefficients) from crowding the list.
- bins, fixed at training time: numbers (and the score) at the reference deciles (empirical
  quantiles, so edges are observed values; deduplicated, an edge at the minimum dropped - a
  feature with many ties, such as counts mostly 0, gets fewer bins), left-closed
  ``[a, b)``, the first and last bins open-ended (``< a``, ``>= b``); categoricals: the levels
  with at least :data:`MIN_LEVEL_SHARE` of the reference records (most common first), then
  ``other`` (rarer levels, and at drift time levels never seen); every feature (not the
  score) has a last bin ``missing``. Bins may be empty; the bin set never depends on the
  current data.
- the reference records per bin.

:func:`drift_profile` computes the current population's records per bin and returns one row
per (item, bin) - what a PSI mart reads.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from threadpoolctl import threadpool_limits

from lead_scoring.predictive.examples import recent_entrants
from lead_scoring.predictive.explain import CATEGORICAL_LABELS, value_label
from lead_scoring.predictive.features import (
    VELOCITY_PRIOR_DAYS,
    VELOCITY_RECENT_DAYS,
    FeatureSpec,
    is_count,
    raw_features,
    slug,
    streams_of,
)
from lead_scoring.predictive.inputs import PredictiveInputs, as_timestamp, prepare
from lead_scoring.predictive.settings import PredictiveSettings

if TYPE_CHECKING:
    from lead_scoring.predictive.model import PredictiveModel

#: Raw features profiled besides the score: those of the top factors by importance.
TOP_FEATURES = 5
#: Categorical levels with a smaller share of the reference records are grouped into ``other``.
MIN_LEVEL_SHARE = 0.05
#: Quantiles whose values are the numeric bin edges.
DECILES = tuple(np.arange(1, 10) / 10)

SCORE, FEATURE = "score", "feature"
SCORE_ITEM = "probability"
SCORE_LABEL = "Predicted probability"
MISSING = "missing"
OTHER = "other"

DRIFT_COLUMNS = (
    "model_version",
    "item_kind",
    "item",
    "item_label",
    "importance_rank",
    "bin_order",
    "bin_label",
    "reference_records",
    "current_records",
    "reference_window_start_at",
    "reference_window_end_at",
    "current_window_start_at",
    "current_window_end_at",
)
#: Column types of :func:`drift_profile` (every other column: text).
DRIFT_TYPES: Mapping[str, str] = {
    "importance_rank": "Int64",
    "bin_order": "int64",
    "reference_records": "int64",
    "current_records": "int64",
    "reference_window_start_at": "datetime64[us]",
    "reference_window_end_at": "datetime64[us]",
    "current_window_start_at": "datetime64[us]",
    "current_window_end_at": "datetime64[us]",
}

#: Event streams in words: (plural phrase for counts and trends, singular for "the last ...").
_EVENT_WORDS: Mapping[str, tuple[str, str]] = {
    "email_sent": ("emails sent", "email sent"),
    "email_delivered": ("emails received", "email received"),
    "email_open": ("emails opened", "email opened"),
    "email_click": ("emails clicked", "email clicked"),
    "email_bounce": ("emails bounced", "email bounced"),
    "email_unsubscribe": ("unsubscribes", "unsubscribe"),
    "email_spam_report": ("spam reports", "spam report"),
    "page_view": ("pages viewed", "page viewed"),
    "form_submission": ("forms submitted", "form submitted"),
    "cta_click": ("call-to-action clicks", "call-to-action click"),
    "call_started": ("sales calls", "sales call"),
    "meeting_booked": ("meetings booked", "meeting booked"),
    "meeting_completed": ("meetings held", "meeting held"),
}
_FIXED_LABELS: Mapping[str, str] = {
    **CATEGORICAL_LABELS,
    "employee_band": "company size band",
    "employee_count": "company employees",
    "annual_revenue": "annual revenue",
    "days_since_created": "days since the contact was created",
    "days_since_first_stage": "days since the first lifecycle stage",
}


# ---------------------------------------------------------------------------------------------
# Bins


@dataclass(frozen=True)
class DriftItem:
    """One profiled item (the score or a raw feature), its bins and reference records.

    Numeric: ``edges`` are the lower bounds of bins 2..k (bin 1: below the first edge);
    categorical: ``levels`` are the kept levels (bins 1..k), then ``other``. Features end with
    a ``missing`` bin.
    """

    item_kind: str  # score or feature
    item: str  # probability or the raw feature name
    item_label: str
    importance_rank: int | None  # None for the score
    importance: float | None  # the factor's mean |calibrated contribution| (log-odds)
    factor: str | None
    edges: tuple[float, ...]
    levels: tuple[str, ...] | None  # None: numeric
    has_missing_bin: bool
    bin_labels: tuple[str, ...]
    reference_records: tuple[int, ...]

    @property
    def is_categorical(self) -> bool:
        return self.levels is not None

    def bin_codes(self, values: pd.Series | np.ndarray) -> np.ndarray:
        """The 0-based bin of each value."""
        return _codes(values, self.edges, self.levels, self.has_missing_bin)

    def counts(self, values: pd.Series | np.ndarray) -> np.ndarray:
        """Records per bin."""
        return np.bincount(self.bin_codes(values), minlength=len(self.bin_labels)).astype("int64")


@dataclass(frozen=True)
class DriftReference:
    """The reference profile stored in the model at training time."""

    n_records: int  # training examples
    window_start: pd.Timestamp  # earliest example's start-stage entry
    window_end: pd.Timestamp  # latest example's start-stage entry
    items: tuple[DriftItem, ...]  # the score first, then features by importance rank


def _codes(
    values: pd.Series | np.ndarray,
    edges: Sequence[float],
    levels: Sequence[str] | None,
    has_missing_bin: bool,
) -> np.ndarray:
    series = pd.Series(values).reset_index(drop=True)
    if levels is None:
        numbers = pd.to_numeric(series, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
        missing = np.isnan(numbers)
        codes = np.searchsorted(np.asarray(edges, dtype=float), numbers, side="right")
        n_bins = len(edges) + 1
    else:
        text = series.astype("str")
        missing = text.isna().to_numpy()
        position = {level: code for code, level in enumerate(levels)}
        codes = text.map(position).fillna(len(levels)).to_numpy(dtype="int64")  # other
        n_bins = len(levels) + 1
    if missing.any():
        if not has_missing_bin:
            raise ValueError("drift: missing values in an item without a missing bin")
        codes = np.where(missing, n_bins, codes)
    return codes.astype("int64")


def _number_texts(edges: Sequence[float]) -> list[str]:
    """Edges as short text, with just enough significant digits to tell them apart."""
    for digits in range(3, 16):
        texts = [
            f"{edge:.0f}"
            if float(edge).is_integer() or abs(edge) >= 10**digits
            else f"{edge:.{digits}g}"
            for edge in edges
        ]
        if len(set(texts)) == len(texts):
            return texts
    return [repr(float(edge)) for edge in edges]


def _numeric_labels(edges: Sequence[float]) -> list[str]:
    if not edges:
        return ["all values"]
    texts = _number_texts(edges)
    middle = [f"[{low}, {high})" for low, high in pairwise(texts)]
    return [f"< {texts[0]}", *middle, f">= {texts[-1]}"]


def _level_label(level: str) -> str:
    text = value_label(level)
    return text[:1].upper() + text[1:]


@dataclass(frozen=True)
class _Bins:
    edges: tuple[float, ...]
    levels: tuple[str, ...] | None
    has_missing_bin: bool
    labels: tuple[str, ...]
    counts: tuple[int, ...]


def _numeric_bins(values: np.ndarray, with_missing: bool) -> _Bins:
    """Bins at the deciles of ``values`` (see the module docstring) and their counts."""
    present = values[~np.isnan(values)]
    edges: list[float] = []
    if len(present):
        quantiles = np.quantile(present, DECILES, method="inverted_cdf")
        edges = [float(edge) for edge in np.unique(quantiles) if edge > present.min()]
    labels = _numeric_labels(edges)
    if with_missing:
        labels.append(MISSING)
    codes = _codes(values, edges, None, with_missing)
    counts = np.bincount(codes, minlength=len(labels))
    return _Bins(tuple(edges), None, with_missing, tuple(labels), tuple(map(int, counts)))


def _categorical_bins(values: pd.Series) -> _Bins:
    """Levels with at least :data:`MIN_LEVEL_SHARE` of ``values``, ``other``, ``missing``."""
    text = values.astype("str").reset_index(drop=True)
    shares = text.value_counts(dropna=True) / max(len(text), 1)
    kept = sorted(
        (
            (str(level), float(share))
            for level, share in shares.items()
            if share >= MIN_LEVEL_SHARE and level not in (OTHER, MISSING)
        ),
        key=lambda pair: (-pair[1], pair[0]),
    )
    levels = tuple(level for level, _ in kept)
    labels = (*(_level_label(level) for level in levels), OTHER, MISSING)
    counts = np.bincount(_codes(text, (), levels, True), minlength=len(labels))
    return _Bins((), levels, True, labels, tuple(map(int, counts)))


# ---------------------------------------------------------------------------------------------
# Labels and the reference profile


def feature_label(raw_name: str, spec: FeatureSpec, settings: PredictiveSettings) -> str:
    """A raw feature in plain words: ``Job level``, ``Visits to /pricing in 30 days``,
    ``Days since the last email opened``, ``Purchase timeline``."""
    words: str | None = _FIXED_LABELS.get(raw_name)
    custom = {f"custom__{slug(name)}": name for name in spec.custom_names}
    if words is None and raw_name in custom:
        words = custom[raw_name].replace("_", " ")
    if words is None:
        for stream in streams_of(spec.event_types, settings):
            if not raw_name.startswith(stream.key + "__"):
                continue
            if stream.kind == "event_type":
                plural, single = _EVENT_WORDS.get(
                    stream.value,
                    (
                        stream.value.replace("_", " ") + " events",
                        stream.value.replace("_", " ") + " event",
                    ),
                )
            elif stream.kind == "page":
                plural, single = f"visits to {stream.value}", f"visit to {stream.value}"
            else:
                plural = f"{stream.value} forms submitted"
                single = f"{stream.value} form submitted"
            suffix = raw_name[len(stream.key) + 2 :]
            if is_count(raw_name):
                words = f"{plural} in {suffix[:-1]} days"
            elif suffix == "recency_days":
                words = f"days since the last {single}"
            else:
                words = (
                    f"{plural}: trend (last {VELOCITY_RECENT_DAYS} days vs the "
                    f"{VELOCITY_PRIOR_DAYS} before)"
                )
            break
    words = words or raw_name.replace("_", " ")
    return words[:1].upper() + words[1:]


def top_factors(importance: pd.Series, n: int = TOP_FEATURES) -> list[str]:
    """The ``n`` factors with the largest importance (> 0), ties by name."""
    ranked = sorted(
        ((str(name), float(value)) for name, value in importance.items() if value > 0),
        key=lambda item: (-item[1], item[0]),
    )
    return [name for name, _ in ranked[:n]]


def _item(
    kind: str,
    name: str,
    label: str,
    rank: int | None,
    importance: float | None,
    factor: str | None,
    bins: _Bins,
) -> DriftItem:
    return DriftItem(
        item_kind=kind,
        item=name,
        item_label=label,
        importance_rank=rank,
        importance=importance,
        factor=factor,
        edges=bins.edges,
        levels=bins.levels,
        has_missing_bin=bins.has_missing_bin,
        bin_labels=bins.labels,
        reference_records=bins.counts,
    )


def reference_profile(
    spec: FeatureSpec,
    settings: PredictiveSettings,
    raw: pd.DataFrame,
    probability: np.ndarray,
    factor_importance: pd.Series,
    raw_importance: pd.Series,
) -> DriftReference:
    """The reference profile of the training examples (``raw``: their raw features, with
    ``as_of``; ``probability``: the final model's calibrated probabilities of them).

    ``factor_importance``: mean absolute calibrated contribution per factor over the
    examples; ``raw_importance``: the same per raw feature, at least for the raw features of
    the top factors (the one with the largest represents its factor; ties by name).
    """
    bins = _numeric_bins(np.asarray(probability, dtype=float), with_missing=False)
    items = [_item(SCORE, SCORE_ITEM, SCORE_LABEL, None, None, None, bins)]
    members: dict[str, list[str]] = {}
    for column in spec.columns:
        members.setdefault(column.factor, [])
        if column.raw not in members[column.factor]:
            members[column.factor].append(column.raw)
    for rank, factor in enumerate(top_factors(factor_importance), start=1):
        candidates = sorted(
            members.get(factor, []), key=lambda name: (-float(raw_importance.get(name, 0.0)), name)
        )
        if not candidates:
            continue
        name = candidates[0]
        if name in spec.categorical_levels:
            bins = _categorical_bins(raw[name])
        else:
            values = raw[name].to_numpy(dtype=float, na_value=np.nan)
            bins = _numeric_bins(values, with_missing=True)
        label = feature_label(name, spec, settings)
        importance = float(factor_importance[factor])
        items.append(_item(FEATURE, name, label, rank, importance, factor, bins))
    return DriftReference(
        n_records=len(raw),
        window_start=pd.Timestamp(raw["as_of"].min()),
        window_end=pd.Timestamp(raw["as_of"].max()),
        items=tuple(items),
    )


# ---------------------------------------------------------------------------------------------
# The current population


def empty_drift() -> pd.DataFrame:
    """The drift table with no rows (no model)."""
    return pd.DataFrame(
        {column: pd.Series(dtype=DRIFT_TYPES.get(column, "str")) for column in DRIFT_COLUMNS}
    )


def drift_profile(
    inputs: PredictiveInputs,
    settings: PredictiveSettings | None,
    as_of: object,
    model: PredictiveModel | None,
) -> pd.DataFrame:
    """One row per (item, bin) of the model's drift reference: :data:`DRIFT_COLUMNS`.

    The current population is :func:`~lead_scoring.predictive.examples.recent_entrants` as of
    ``as_of`` (first start-stage entry in ``(as_of - conversion_window_days, as_of]``), each
    described as of its entry with the model's own settings and feature spec, scored with the
    model's calibrated probability. ``current_window_start_at`` is exclusive, ``..._end_at``
    = ``as_of``; the reference window is the earliest and latest example entry.

    No model (None, or one trained before drift references existed): an empty table with the
    same columns. No recent entrants: every bin with ``current_records`` 0. ``settings`` must
    define the same conversion as the model's (the cohorts would not be comparable otherwise).
    """
    reference = None if model is None else getattr(model, "drift_reference", None)
    if model is None or reference is None:
        return empty_drift()
    own = model.settings
    settings = settings or own
    for name in ("start_stage", "end_stage", "conversion_window_days"):
        if getattr(settings, name) != getattr(own, name):
            raise ValueError(
                f"drift_profile: settings.{name} is {getattr(settings, name)!r} but the model "
                f"was trained with {getattr(own, name)!r}; the cohorts would not be comparable"
            )
    instant = as_timestamp(as_of)
    prepared = prepare(inputs)
    recent = recent_entrants(prepared, own, instant)
    current: dict[str, np.ndarray] = {}
    if len(recent):
        with threadpool_limits(limits=1):
            spec = model.spec
            raw = raw_features(prepared, recent, own, spec.event_types, spec.custom_names)
            probability = model.probability(spec.transform(raw))
        for item in reference.items:
            values = probability if item.item_kind == SCORE else raw[item.item]
            current[item.item] = item.counts(values)
    rows: dict[str, list[object]] = {column: [] for column in DRIFT_COLUMNS}
    window = pd.Timedelta(days=own.conversion_window_days)
    for item in reference.items:
        counts = current.get(item.item, np.zeros(len(item.bin_labels), dtype="int64"))
        for order, label in enumerate(item.bin_labels, start=1):
            rows["model_version"].append(model.model_version)
            rows["item_kind"].append(item.item_kind)
            rows["item"].append(item.item)
            rows["item_label"].append(item.item_label)
            rows["importance_rank"].append(item.importance_rank)
            rows["bin_order"].append(order)
            rows["bin_label"].append(label)
            rows["reference_records"].append(item.reference_records[order - 1])
            rows["current_records"].append(int(counts[order - 1]))
            rows["reference_window_start_at"].append(reference.window_start)
            rows["reference_window_end_at"].append(reference.window_end)
            rows["current_window_start_at"].append(instant - window)
            rows["current_window_end_at"].append(instant)
    frame = pd.DataFrame(rows)
    empty = empty_drift()
    return frame.astype({column: empty[column].dtype for column in DRIFT_COLUMNS})
