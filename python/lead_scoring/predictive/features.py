"""Point-in-time features: the same code for training examples and for current leads.

Every feature of a row is computed as of that row's ``as_of`` instant:

- events strictly before it (and at most ``recency_cap_days`` before it);
- lifecycle stage changes strictly before it;
- custom properties whose ``updated_at`` is strictly before it (or unknown);
- contact and company properties: their current values (the warehouse keeps no history).

Two steps:

1. :func:`raw_features` - readable values per row (counts, days, category values), one
   DataFrame, vectorised (merge / groupby / bincount; no Python loop over events);
2. :class:`FeatureSpec` - fitted on the training rows (categorical levels, medians, ranges),
   turns raw features into the numeric design matrix (:meth:`FeatureSpec.transform`): missing
   numbers imputed with the training median plus a missing flag, numbers clipped to the
   training rows' 1st-99th percentiles (no extrapolation: current leads can be far older
   than the examples were at their start-stage entry), counts, amounts and ages as
   ``log1p``, categoricals one-hot with rare levels grouped into ``other``.

Every design column belongs to a *factor* (the unit explanations are given in): all columns of
one event type, one categorical, company size (band and employee count), etc.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from lead_scoring.predictive.inputs import PreparedInputs, is_in
from lead_scoring.predictive.settings import PredictiveSettings

DAY = pd.Timedelta(days=1)

#: Contact properties used as categorical features (raw feature name = column name).
CONTACT_CATEGORICALS = (
    "seniority",
    "job_function",
    "email_domain_type",
    "is_personal_email",
    "lead_source",
    "sales_region",
    "has_company",
)
#: Company properties used as categorical features: raw feature name -> company column.
COMPANY_CATEGORICALS: Mapping[str, str] = {
    "industry": "industry",
    "employee_band": "employee_band",
    "company_sales_region": "sales_region",
}
#: Numeric features transformed with log1p in the design matrix.
COMPANY_NUMERICS: Mapping[str, str] = {
    "employee_count": "employee_count",
    "annual_revenue": "annual_revenue",
}
#: Numeric features besides event counts transformed with log1p in the design matrix.
LOG_FEATURES = (*COMPANY_NUMERICS, "days_since_created", "days_since_first_stage")
#: Numbers are clipped to these percentiles of the training rows.
CLIP_PERCENTILES = (1.0, 99.0)
#: Velocity: events in the last VELOCITY_RECENT days vs the VELOCITY_PRIOR days before them.
VELOCITY_RECENT_DAYS = 30
VELOCITY_PRIOR_DAYS = 60

UNKNOWN = "unknown"
OTHER = "other"


def slug(text: str) -> str:
    """``/pricing`` -> ``pricing``, ``Demo request`` -> ``demo_request``, ``/`` -> ``home``."""
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_") or "home"


@dataclass(frozen=True)
class Stream:
    """A kind of event counted on its own: an event type, a key page or a key form."""

    key: str  # raw feature prefix, e.g. evt__page_view, page__pricing, form__demo_request
    kind: str  # event_type, page or form
    value: str  # the event type, page path or form name


def streams_of(event_types: Sequence[str], settings: PredictiveSettings) -> tuple[Stream, ...]:
    """The event streams counted: every event type, then key pages and key forms."""
    streams = [Stream(f"evt__{slug(t)}", "event_type", t) for t in event_types]
    streams += [Stream(f"page__{slug(p)}", "page", p) for p in settings.key_pages]
    streams += [Stream(f"form__{slug(f)}", "form", f) for f in settings.key_forms]
    return tuple(streams)


def factor_of(raw_name: str) -> str:
    """The factor a raw feature belongs to (explanations are per factor)."""
    if raw_name.startswith(("evt__", "page__", "form__")):
        return "__".join(raw_name.split("__")[:2])
    if raw_name in ("employee_band", "employee_count"):
        return "company_size"
    return raw_name


# ---------------------------------------------------------------------------------------------
# Raw features


#: Event-anchor pairs processed at once by :func:`_event_features` (bounds its memory).
PAIRS_PER_CHUNK = 2_000_000


def _matches(values: pd.Series, test: Callable[[pd.Series], pd.Series]) -> np.ndarray:
    """``test(values)`` as a boolean array (missing: False); for a categorical, evaluated once
    per category."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        per_category = test(pd.Series(values.cat.categories)).to_numpy(dtype=bool, na_value=False)
        return np.append(per_category, False)[values.cat.codes.to_numpy()]
    return test(values).to_numpy(dtype=bool, na_value=False)


def _stream_codes(events: pd.DataFrame, streams: Sequence[Stream]) -> tuple[np.ndarray, np.ndarray]:
    """(row positions, stream codes): an event may count in several streams (its type, a key
    page, a key form)."""
    positions, codes = [], []
    index = np.arange(len(events))

    def path(values: pd.Series) -> pd.Series:
        return values.astype("str").str.lower().str.rstrip("/")

    def form(values: pd.Series) -> pd.Series:
        return values.astype("str").str.strip().str.lower()

    for code, stream in enumerate(streams):
        if stream.kind == "event_type":
            mask = _matches(events["event_type"], lambda types, value=stream.value: types == value)
        elif stream.kind == "page":
            target = stream.value.lower().rstrip("/")
            mask = _matches(events["event_type"], lambda types: types == "page_view") & _matches(
                events["page_path"],
                lambda paths, target=target: (
                    (path(paths) == target) | path(paths).str.startswith(target + "/")
                ),
            )
        else:
            name = stream.value.lower()
            mask = _matches(
                events["event_type"], lambda types: types == "form_submission"
            ) & _matches(events["form_name"], lambda names, name=name: form(names) == name)
        positions.append(index[mask])
        codes.append(np.full(int(mask.sum()), code))
    return np.concatenate(positions), np.concatenate(codes)


def _event_anchor_pairs(
    contact_ids: pd.Series, anchor_ids: pd.Series
) -> tuple[np.ndarray, np.ndarray]:
    """(event positions, anchor rows) of every event and anchor row of the same contact, as an
    inner merge on ``contact_id`` would pair them (in another order). Anchors with one row per
    contact (examples, leads, entrants) are looked up, categorical events once per category."""
    anchors = pd.Index(anchor_ids)
    if not anchors.is_unique:
        events = pd.DataFrame(
            {
                "contact_id": contact_ids.astype("object").to_numpy(),
                "position": np.arange(len(contact_ids)),
            }
        )
        rows = pd.DataFrame(
            {"contact_id": anchor_ids.astype("object").to_numpy(), "row": np.arange(len(anchors))}
        )
        merged = events.merge(rows, on="contact_id", how="inner")
        return merged["position"].to_numpy(), merged["row"].to_numpy()
    row = _positions_in(contact_ids, anchors)
    positions = np.flatnonzero(row >= 0)
    return positions, row[positions]


def _event_features(
    events: pd.DataFrame,
    anchors: pd.DataFrame,
    streams: Sequence[Stream],
    settings: PredictiveSettings,
) -> dict[str, np.ndarray]:
    """Counts per window, recency and velocity per stream, for every anchor row.

    Events are paired with the anchor rows of their contact and processed in chunks of
    :data:`PAIRS_PER_CHUNK` pairs: counts add up and recencies are minima, so the result does
    not depend on the chunking (or on the order of the events)."""
    n, s = len(anchors), len(streams)
    cap = float(settings.recency_cap_days)
    as_of = anchors["as_of"].reset_index(drop=True)
    positions_all, rows_all = _event_anchor_pairs(events["contact_id"], anchors["contact_id"])
    columns = ["event_type", "occurred_at", "page_path", "form_name"]
    windows = {
        **{window: (0.0, float(window)) for window in settings.windows},
        "recent": (0.0, float(VELOCITY_RECENT_DAYS)),
        "prior": (
            float(VELOCITY_RECENT_DAYS),
            float(VELOCITY_RECENT_DAYS + VELOCITY_PRIOR_DAYS),
        ),
    }
    totals = {key: np.zeros(n * s, dtype="int64") for key in windows}
    recency = np.full(n * s, cap)
    for start in range(0, len(positions_all), PAIRS_PER_CHUNK):
        chunk_positions = positions_all[start : start + PAIRS_PER_CHUNK]
        chunk_rows = rows_all[start : start + PAIRS_PER_CHUNK]
        chunk = events[columns].iloc[chunk_positions].reset_index(drop=True)
        age = (
            (as_of.iloc[chunk_rows].reset_index(drop=True) - chunk["occurred_at"]) / DAY
        ).to_numpy(dtype=float)
        inside = (age > 0) & (age < cap)  # strictly before as_of, within the recency cap
        chunk, age, chunk_rows = (
            chunk[inside].reset_index(drop=True),
            age[inside],
            chunk_rows[inside],
        )
        positions, codes = _stream_codes(chunk, streams)
        keys = chunk_rows[positions] * s + codes
        ages = age[positions]
        for key, (low, high) in windows.items():
            mask = (ages >= low) & (ages < high) if low > 0 else ages < high
            totals[key] += np.bincount(keys[mask], minlength=n * s)
        np.minimum.at(recency, keys, ages)

    def count(key: object) -> np.ndarray:
        return totals[key].reshape(n, s).astype(float)

    features: dict[str, np.ndarray] = {}
    by_window = {window: count(window) for window in settings.windows}
    recent, prior = count("recent"), count("prior")
    velocity = np.log((recent + 1.0) / (prior * VELOCITY_RECENT_DAYS / VELOCITY_PRIOR_DAYS + 1.0))
    recency = recency.reshape(n, s)
    for code, stream in enumerate(streams):
        for window in settings.windows:
            features[f"{stream.key}__{window}d"] = by_window[window][:, code]
        features[f"{stream.key}__recency_days"] = recency[:, code]
        features[f"{stream.key}__velocity"] = velocity[:, code]
    return features


def _custom_features(
    custom: pd.DataFrame, anchors: pd.DataFrame, names: Sequence[str]
) -> dict[str, pd.Series]:
    """Each custom property's latest value updated strictly before the row's as_of."""
    n = len(anchors)
    wanted = custom[
        is_in(custom["contact_id"], anchors["contact_id"]) & is_in(custom["property_name"], names)
    ]
    merged = wanted.merge(
        anchors[["contact_id", "as_of"]].assign(row=np.arange(n)), on="contact_id", how="inner"
    )
    known = merged["updated_at"].isna() | (merged["updated_at"] < merged["as_of"])
    latest = (
        merged[known]
        .sort_values(["row", "property_name", "updated_at"], kind="mergesort", na_position="first")
        .drop_duplicates(["row", "property_name"], keep="last")
    )
    features = {}
    for name in names:
        values = latest[latest["property_name"] == name]
        column = pd.Series(np.nan, index=range(n), dtype="str")
        column.iloc[values["row"].to_numpy()] = values["property_value"].to_numpy()
        features[f"custom__{slug(name)}"] = column
    return features


def _first_stage_days(stage_changes: pd.DataFrame, anchors: pd.DataFrame) -> np.ndarray:
    """Days since the contact's first lifecycle stage entry strictly before as_of (NaN: none)."""
    n = len(anchors)
    wanted = stage_changes.loc[
        is_in(stage_changes["contact_id"], anchors["contact_id"]), ["contact_id", "entered_at"]
    ]
    merged = wanted.merge(
        anchors[["contact_id", "as_of"]].assign(row=np.arange(n)), on="contact_id", how="inner"
    )
    merged = merged[merged["entered_at"] < merged["as_of"]]
    first = merged.groupby("row")["entered_at"].min()
    days = np.full(n, np.nan)
    rows = first.index.to_numpy()
    days[rows] = ((anchors["as_of"].to_numpy()[rows] - first.to_numpy()) / DAY).astype(float)
    return days


def _text_values(values: pd.Series) -> pd.Series:
    """Categorical values as text (booleans as ``true`` / ``false``); missing stays NaN."""
    if pd.api.types.is_bool_dtype(values.dtype) or str(values.dtype) == "boolean":
        mapped = values.map({True: "true", False: "false"})
        return mapped.astype("str").where(values.notna())
    return values.astype("str")


#: The tables of :class:`PreparedInputs` with a row per contact or per contact event, keyed by
#: ``contact_id``: the rows :func:`raw_features` reads for an anchor row are its contact's.
CONTACT_TABLES = ("contacts", "custom_properties", "stage_changes", "events")


def _positions_in(contact_ids: pd.Series, index: pd.Index) -> np.ndarray:
    """Position in ``index`` (unique) of each row's contact; -1 where it is not there."""
    if isinstance(contact_ids.dtype, pd.CategoricalDtype):
        per_category = index.get_indexer(contact_ids.cat.categories)
        return np.append(per_category, -1)[contact_ids.cat.codes.to_numpy()]
    return index.get_indexer(contact_ids)


def contact_parts(
    prepared: PreparedInputs, contact_ids: pd.Series, bounds: Sequence[int]
) -> Iterator[PreparedInputs]:
    """For each part ``contact_ids[start:stop]`` (consecutive pairs of ``bounds``), ``prepared``
    with only the rows of those contacts in its :data:`CONTACT_TABLES`, in their order.

    :func:`raw_features` of anchor rows of those contacts reads only their rows, so it gives
    the same features from a part. Each row is looked up once here, instead of once per part
    (scoring a million contacts in 16 parts looked every event up 16 times). One part is built
    at a time. With a single part, or ids that are not unique, every part is ``prepared``
    itself (nothing to narrow, or no part to give a repeated id's rows to)."""
    index = pd.Index(contact_ids)
    if len(bounds) <= 2 or not index.is_unique:
        yield from itertools.repeat(prepared, len(bounds) - 1)
        return
    positions = {
        name: _positions_in(getattr(prepared, name)["contact_id"], index) for name in CONTACT_TABLES
    }
    for start, stop in itertools.pairwise(bounds):
        tables = {
            name: getattr(prepared, name)
            .iloc[np.flatnonzero((rows >= start) & (rows < stop))]
            .reset_index(drop=True)
            for name, rows in positions.items()
        }
        yield replace(prepared, **tables)


def raw_features(
    prepared: PreparedInputs,
    anchors: pd.DataFrame,
    settings: PredictiveSettings,
    event_types: Sequence[str],
    custom_names: Sequence[str],
) -> pd.DataFrame:
    """Readable features of each anchor row (``contact_id``, ``as_of``), in anchor order.

    Columns: contact and company categoricals (text, NaN = unknown), ``custom__<name>``,
    ``employee_count``, ``annual_revenue``, ``days_since_created``, ``days_since_first_stage``
    and per event stream ``<stream>__<w>d`` counts, ``<stream>__recency_days`` (capped) and
    ``<stream>__velocity``.
    """
    anchors = anchors[["contact_id", "as_of"]].reset_index(drop=True)
    n = len(anchors)
    contacts = prepared.contacts.set_index("contact_id")
    contact_rows = contacts.reindex(anchors["contact_id"])
    companies = prepared.companies.set_index("company_id")
    company_rows = companies.reindex(contact_rows["primary_company_id"])
    columns: dict[str, object] = {}
    for name in CONTACT_CATEGORICALS:
        columns[name] = _text_values(contact_rows[name]).to_numpy()
    for name, column in COMPANY_CATEGORICALS.items():
        columns[name] = _text_values(company_rows[column]).to_numpy()
    for name, column in COMPANY_NUMERICS.items():
        values = company_rows[column].to_numpy(dtype=float, na_value=np.nan)
        columns[name] = np.where(values >= 0, values, np.nan)
    created = contact_rows["created_at"].to_numpy()
    days = (anchors["as_of"].to_numpy() - created) / DAY
    columns["days_since_created"] = np.clip(days.astype(float), 0, None)
    columns["days_since_first_stage"] = _first_stage_days(prepared.stage_changes, anchors)
    for name, values in _custom_features(prepared.custom_properties, anchors, custom_names).items():
        columns[name] = values.to_numpy()
    streams = streams_of(event_types, settings)
    columns.update(_event_features(prepared.events, anchors, streams, settings))
    frame = pd.DataFrame(columns, index=range(n))
    return pd.concat([anchors, frame], axis=1)


# ---------------------------------------------------------------------------------------------
# Design matrix


def is_count(raw_name: str) -> bool:
    """Event counts (``..._7d``): log1p in the design matrix."""
    return bool(re.search(r"__\d+d$", raw_name))


@dataclass(frozen=True)
class Column:
    """One column of the design matrix."""

    name: str  # e.g. seniority=vp, evt__page_view__30d, annual_revenue__missing
    raw: str  # the raw feature it comes from
    factor: str  # the factor it is explained in


@dataclass(frozen=True)
class FeatureSpec:
    """What the design matrix holds; fitted on training rows, reused unchanged for scoring."""

    event_types: tuple[str, ...]
    custom_names: tuple[str, ...]
    categorical_levels: Mapping[str, tuple[str, ...]]  # raw feature -> kept levels
    numeric_features: tuple[str, ...]
    medians: Mapping[str, float]  # imputation of numeric features that can be missing
    ranges: Mapping[str, tuple[float, float]]  # clipping bounds of numeric features
    missing_flags: tuple[str, ...]  # numeric features with a ``__missing`` column
    columns: tuple[Column, ...] = field(default=())

    @property
    def column_names(self) -> list[str]:
        return [column.name for column in self.columns]

    @property
    def raw_features(self) -> list[str]:
        """The raw features the model reads, in order (the model card's feature list)."""
        return [*self.categorical_levels, *self.numeric_features]

    def transform(self, raw: pd.DataFrame) -> np.ndarray:
        """The design matrix (rows as in ``raw``), float64."""
        n = len(raw)
        blocks: list[np.ndarray] = []
        for name, levels in self.categorical_levels.items():
            values = _grouped(raw[name], levels)
            blocks.append(
                (values.to_numpy()[:, None] == np.asarray(levels, dtype=object)[None, :]).astype(
                    float
                )
            )
        for name in self.numeric_features:
            values = (
                raw[name].to_numpy(dtype=float, na_value=np.nan)
                if name in raw
                else np.full(n, np.nan)
            )
            missing = np.isnan(values)
            filled = np.where(missing, self.medians.get(name, 0.0), values)
            low, high = self.ranges.get(name, (-np.inf, np.inf))
            filled = np.clip(filled, low, high)
            if is_count(name) or name in LOG_FEATURES:
                filled = np.log1p(np.clip(filled, 0, None))
            blocks.append(filled[:, None])
            if name in self.missing_flags:
                blocks.append(missing.astype(float)[:, None])
        return np.hstack(blocks) if blocks else np.zeros((n, 0))


def _grouped(values: pd.Series, levels: Sequence[str]) -> pd.Series:
    """Missing -> ``unknown``; levels not kept -> ``other``."""
    text = values.astype("str").fillna(UNKNOWN)
    return text.where(text.isin(levels), OTHER)


def custom_property_names(
    prepared: PreparedInputs, contact_ids: pd.Series, settings: PredictiveSettings
) -> tuple[str, ...]:
    """Custom properties set for at least ``rare_level_min_count`` of the given contacts, most
    common first (at most 20), ties by name."""
    custom = prepared.custom_properties
    counts = (
        custom[is_in(custom["contact_id"], contact_ids)]
        .groupby("property_name")["contact_id"]
        .nunique()
    )
    counts = counts[counts >= settings.rare_level_min_count]
    ordered = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return tuple(name for name, _ in ordered[:20])


def fit_spec(
    raw: pd.DataFrame,
    settings: PredictiveSettings,
    event_types: Sequence[str],
    custom_names: Sequence[str],
) -> FeatureSpec:
    """Levels, medians and columns from the training rows of ``raw``."""
    categorical = [
        *CONTACT_CATEGORICALS,
        *COMPANY_CATEGORICALS,
        *(f"custom__{slug(name)}" for name in custom_names),
    ]
    levels: dict[str, tuple[str, ...]] = {}
    columns: list[Column] = []
    for name in categorical:
        counts = raw[name].astype("str").fillna(UNKNOWN).value_counts()
        frequent = sorted(
            (
                (level, count)
                for level, count in counts.items()
                if count >= settings.rare_level_min_count and level != OTHER
            ),
            key=lambda item: (-item[1], item[0]),
        )[: settings.max_levels]
        kept = [level for level, _ in frequent]
        if any(level not in kept for level in counts.index):
            kept.append(OTHER)
        levels[name] = tuple(kept)
        columns += [Column(f"{name}={level}", name, factor_of(name)) for level in kept]
    numeric = [
        *COMPANY_NUMERICS,
        "days_since_created",
        "days_since_first_stage",
        *(name for name in raw.columns if name.startswith(("evt__", "page__", "form__"))),
    ]
    medians: dict[str, float] = {}
    ranges: dict[str, tuple[float, float]] = {}
    flags: list[str] = []
    for name in numeric:
        values = raw[name].to_numpy(dtype=float, na_value=np.nan)
        median = float(np.nanmedian(values)) if np.isfinite(values).any() else 0.0
        medians[name] = median
        if np.isfinite(values).any():
            low, high = np.nanpercentile(values, CLIP_PERCENTILES)
            ranges[name] = (float(low), float(high))
        columns.append(Column(name, name, factor_of(name)))
        if np.isnan(values).any():
            flags.append(name)
            columns.append(Column(f"{name}__missing", name, factor_of(name)))
    return FeatureSpec(
        event_types=tuple(event_types),
        custom_names=tuple(custom_names),
        categorical_levels=levels,
        numeric_features=tuple(numeric),
        medians=medians,
        ranges=ranges,
        missing_flags=tuple(flags),
        columns=tuple(columns),
    )
