"""The tables the predictive score reads, as pandas DataFrames (dbt tables, or built in tests).

:class:`PredictiveInputs` holds them as given; :func:`prepare` checks the required columns and
normalises types once per call (ids as text, timestamps as naive UTC, names lower-cased), so
the rest of the package can rely on them.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from lead_scoring.scoring import ScoringConfig, load_config
from lead_scoring.scoring.config import TABLES

#: The columns each input must have; every other documented column is optional (absent =
#: unknown for every row).
REQUIRED_COLUMNS: Mapping[str, tuple[str, ...]] = {
    "contacts": ("contact_id",),
    "companies": ("company_id",),
    "custom_properties": ("contact_id", "property_name", "property_value"),
    "stage_changes": ("contact_id", "lifecycle_stage", "entered_at"),
    "events": ("contact_id", "event_type", "occurred_at"),
}

#: Contact and company properties the rule engine reads (int_property_values_unpivoted); the
#: rule-score comparison (rule_score.py) rebuilds them when int_property_values_linked is absent.
CONTACT_PROPERTIES = (
    "email_domain_type",
    "is_personal_email",
    "is_email_valid",
    "seniority",
    "job_function",
    "job_title",
    "lead_source",
    "lifecycle_stage",
    "country_code",
    "sales_region",
    "has_company",
    "created_at",
)
COMPANY_PROPERTIES = (
    "industry",
    "employee_count",
    "employee_band",
    "annual_revenue",
    "country_code",
    "sales_region",
    "domain",
)
COMPANY_MULTI_VALUED = ("region", "technologies")

#: The columns kept from each table: its key, those properties and the contact's company.
CONTACT_COLUMNS = ("contact_id", *CONTACT_PROPERTIES, "primary_company_id")
COMPANY_COLUMNS = ("company_id", *COMPANY_PROPERTIES, *COMPANY_MULTI_VALUED)


@dataclass(frozen=True)
class PredictiveInputs:
    """The warehouse tables the predictive score reads.

    - ``contacts``: ``stg_crm__contacts``
    - ``companies``: ``stg_crm__companies``
    - ``custom_properties``: ``stg_crm__contact_custom_properties`` (``updated_at`` optional:
      a value updated at or after an example's as-of instant is unknown as of then)
    - ``stage_changes``: ``stg_crm__lifecycle_stage_changes`` (``stage_order`` optional)
    - ``events``: ``int_events_unioned``
    - ``scoring_config``: the rule-based scoring configuration, as a
      :class:`~lead_scoring.scoring.ScoringConfig` or as the six seed tables keyed by seed name
      (``scores``, ``score_groups``, ``score_rules``, ``score_rule_values``,
      ``score_audiences``, ``score_bands``); None = no rule-score comparison.
    - ``property_values`` (optional): ``int_property_values_linked``, the exact property values
      the rule engine reads (lists, deals); without it the rule score's properties are built
      from contacts, companies and custom properties.
    - ``list_memberships`` (optional): ``stg_crm__list_memberships``, for the rule score's
      audiences (a membership counts from its ``added_at`` when present).
    - ``event_types`` (optional): the event types of every event before the training as-of
      instant (training learns one stream per type). None = those of ``events``; given when
      ``events`` holds only the events the computations read (:mod:`~.reading`).

    Text columns may be pandas categoricals (as :mod:`~.reading` returns events): they are
    normalised once per distinct value and stay categorical.
    """

    contacts: pd.DataFrame
    companies: pd.DataFrame | None = None
    custom_properties: pd.DataFrame | None = None
    stage_changes: pd.DataFrame | None = None
    events: pd.DataFrame | None = None
    scoring_config: ScoringConfig | Mapping[str, pd.DataFrame] | None = None
    property_values: pd.DataFrame | None = None
    list_memberships: pd.DataFrame | None = None
    event_types: Sequence[str] | None = None


@dataclass(frozen=True)
class PreparedInputs:
    """Inputs with checked columns and normalised types (see :func:`prepare`)."""

    contacts: pd.DataFrame
    companies: pd.DataFrame
    custom_properties: pd.DataFrame
    stage_changes: pd.DataFrame
    events: pd.DataFrame
    scoring_config: ScoringConfig | None
    property_values: pd.DataFrame | None
    list_memberships: pd.DataFrame | None
    event_types: tuple[str, ...] | None = None  # normalised, sorted; None = from ``events``


def to_utc_naive(values: pd.Series) -> pd.Series:
    """Timestamps as naive UTC ``datetime64``: aware ones converted, naive ones read as UTC,
    text parsed (unparseable: NaT)."""
    if isinstance(values.dtype, pd.DatetimeTZDtype):
        return values.dt.tz_convert("UTC").dt.tz_localize(None)
    if pd.api.types.is_datetime64_dtype(values.dtype):
        return values
    parsed = pd.to_datetime(values, utc=True, errors="coerce", format="mixed")
    return parsed.dt.tz_localize(None)


def is_in(
    values: pd.Series, keys: pd.Series | pd.Index | Sequence[object] | set[object]
) -> np.ndarray:
    """``values.isin(keys)`` as a boolean array. Text values (not categorical) are looked up by
    Arrow: pandas' ``isin`` on Arrow-backed text turns every key into a Python scalar first
    (0.7 s per 60,000 keys, paid again by every chunk of leads). Anything Arrow cannot take
    falls back to pandas."""
    text = pd.api.types.is_string_dtype(values.dtype) and values.dtype != object
    if text and not isinstance(values.dtype, pd.CategoricalDtype):
        listed = list(keys) if isinstance(keys, set | frozenset) else keys
        try:
            value_set = pa.array(listed, from_pandas=True)
            if pa.types.is_dictionary(value_set.type):
                value_set = value_set.dictionary_decode()
            found = pc.is_in(pa.array(values, from_pandas=True), value_set=value_set)
            return np.asarray(found.to_numpy(zero_copy_only=False), dtype=bool)
        except (pa.ArrowException, TypeError, ValueError):
            pass
    return values.isin(keys).to_numpy(dtype=bool)


def as_timestamp(value: object) -> pd.Timestamp:
    """An as-of instant (date, datetime, text or Timestamp) as a naive UTC Timestamp; a bare
    date means midnight UTC, as the dbt ``as_of`` var."""
    stamp = pd.Timestamp(value)  # type: ignore[arg-type]
    if pd.isna(stamp):
        raise ValueError(f"as_of: cannot read {value!r} as a date or timestamp")
    if stamp.tzinfo is not None:
        stamp = stamp.tz_convert("UTC").tz_localize(None)
    return stamp


def by_value(values: pd.Series, normalise: Callable[[pd.Series], pd.Series]) -> pd.Series:
    """``normalise(values)``; for a categorical, computed once per category and returned as a
    categorical (values normalised to the same text share one category; missing stays
    missing), so millions of rows cost as much as their distinct values."""
    if not isinstance(values.dtype, pd.CategoricalDtype):
        return normalise(values)
    original = pd.Series(values.cat.categories)
    categories = normalise(original)
    if categories.notna().all() and categories.astype("object").equals(original.astype("object")):
        return values  # already normalised (clean data): no copy
    codes, uniques = pd.factorize(categories.to_numpy(), use_na_sentinel=True)
    recoded = np.append(codes, -1)[values.cat.codes.to_numpy()]  # code -1 (missing) -> -1
    return pd.Series(
        pd.Categorical.from_codes(recoded, categories=pd.Index(uniques, dtype="str")),
        index=values.index,
        name=values.name,
    )


def _plain_text(values: pd.Series) -> pd.Series:
    text = values.astype("str").str.strip()
    return text.mask(text == "")


def _text(values: pd.Series) -> pd.Series:
    """Ids and categorical values as trimmed text; blanks as missing."""
    return by_value(values, _plain_text)


def _lower_text(values: pd.Series) -> pd.Series:
    return by_value(values, lambda plain: _plain_text(plain).str.lower())


def _check(name: str, frame: pd.DataFrame | None, required: bool = True) -> pd.DataFrame:
    if frame is None:
        if required:
            raise ValueError(f"predictive inputs: {name} is required")
        return pd.DataFrame(
            {column: pd.Series(dtype="object") for column in REQUIRED_COLUMNS[name]}
        )
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"predictive inputs: {name} must be a pandas DataFrame, got {type(frame)}")
    missing = [column for column in REQUIRED_COLUMNS[name] if column not in frame.columns]
    if missing:
        raise ValueError(f"predictive inputs: {name} lacks column(s) {', '.join(missing)}")
    return frame


def _with_columns(frame: pd.DataFrame, columns: tuple[str, ...]) -> pd.DataFrame:
    """Only ``columns``, absent ones added as missing."""
    out = pd.DataFrame(index=frame.index)
    for column in columns:
        out[column] = (
            frame[column]
            if column in frame.columns
            else pd.Series(np.nan, index=frame.index, dtype="object")
        )
    return out.reset_index(drop=True)


def _boolean(values: pd.Series) -> pd.Series:
    """True/False/missing from booleans or text (``true``/``false``/``1``/``0``)."""
    text = values.astype("str").str.strip().str.lower()
    mapped = text.map({"true": True, "false": False, "1": True, "0": False, "t": True, "f": False})
    return mapped.astype("boolean")


def _number(values: pd.Series) -> pd.Series:
    return pd.to_numeric(values, errors="coerce").astype("float64")


def _contacts(frame: pd.DataFrame) -> pd.DataFrame:
    out = _with_columns(frame, CONTACT_COLUMNS)
    for column in ("contact_id", "primary_company_id", "job_title", "country_code"):
        out[column] = _text(out[column])
    for column in (
        "email_domain_type",
        "seniority",
        "job_function",
        "lead_source",
        "lifecycle_stage",
        "sales_region",
    ):
        out[column] = _text(out[column])
    out["lifecycle_stage"] = out["lifecycle_stage"].str.lower()
    for column in ("is_personal_email", "is_email_valid", "has_company"):
        out[column] = _boolean(out[column])
    out["created_at"] = to_utc_naive(out["created_at"])
    out = out[out["contact_id"].notna()]
    return out.drop_duplicates("contact_id").reset_index(drop=True)


def _companies(frame: pd.DataFrame) -> pd.DataFrame:
    out = _with_columns(frame, COMPANY_COLUMNS)
    for column in (
        "company_id",
        "industry",
        "employee_band",
        "country_code",
        "sales_region",
        "domain",
        "region",
        "technologies",
    ):
        out[column] = _text(out[column])
    for column in ("employee_count", "annual_revenue"):
        out[column] = _number(out[column])
    out = out[out["company_id"].notna()]
    return out.drop_duplicates("company_id").reset_index(drop=True)


def _custom_properties(frame: pd.DataFrame) -> pd.DataFrame:
    out = _with_columns(frame, ("contact_id", "property_name", "property_value", "updated_at"))
    out["contact_id"] = _text(out["contact_id"])
    out["property_name"] = _lower_text(out["property_name"])
    out["property_value"] = _text(out["property_value"])
    out["updated_at"] = to_utc_naive(out["updated_at"])
    out = out.dropna(subset=["contact_id", "property_name", "property_value"])
    return out.reset_index(drop=True)


def _stage_changes(frame: pd.DataFrame) -> pd.DataFrame:
    from lead_scoring.predictive.settings import STAGE_ORDER

    out = _with_columns(frame, ("contact_id", "lifecycle_stage", "stage_order", "entered_at"))
    out["contact_id"] = _text(out["contact_id"])
    out["lifecycle_stage"] = _lower_text(out["lifecycle_stage"])
    known = out["lifecycle_stage"].map(dict(STAGE_ORDER)).astype("float64")
    given = _number(out["stage_order"])
    out["stage_order"] = given.fillna(known)
    out["entered_at"] = to_utc_naive(out["entered_at"])
    out = out.dropna(subset=["contact_id", "entered_at"])
    return out.reset_index(drop=True)


def _events(frame: pd.DataFrame, properties: set[str]) -> pd.DataFrame:
    """Events with the columns features read, plus the event properties in ``properties``
    (those the rule score's event rules test). ``event_id`` is kept when given (the rule
    score does not depend on it)."""
    keep = ["event_id", "contact_id", "event_type", "occurred_at", "page_path", "form_name"]
    keep += sorted(name for name in properties if name not in keep)
    out = frame.loc[:, [column for column in frame.columns if column in keep]]  # copy on write
    out["contact_id"] = _text(out["contact_id"])
    out["event_type"] = _lower_text(out["event_type"])
    out["occurred_at"] = to_utc_naive(out["occurred_at"])
    for column in ("page_path", "form_name"):
        out[column] = (
            _text(out[column])
            if column in out.columns
            else pd.Series(np.nan, index=out.index, dtype="str")
        )
    complete = out[["contact_id", "event_type", "occurred_at"]].notna().all(axis=1)
    if not complete.all():  # (no copy of millions of events when none is dropped)
        out = out[complete]
    return out.reset_index(drop=True)


def prepare_events(
    events: pd.DataFrame | None, properties: Sequence[str] | set[str] = ()
) -> pd.DataFrame:
    """The events as :func:`prepare` checks and normalises them (None: no events), keeping the
    event properties in ``properties`` too."""
    return _events(_check("events", events, required=False), set(properties))


def config_from_frames(tables: Mapping[str, pd.DataFrame]) -> ScoringConfig:
    """A scoring configuration from its six seed tables as DataFrames (keyed by seed name,
    with or without ``.csv``), read exactly as :func:`~lead_scoring.scoring.load_config` reads
    the CSV files."""
    by_name = {Path(str(key)).stem: frame for key, frame in tables.items()}
    missing = [name for name in (Path(file).stem for file in TABLES) if name not in by_name]
    if missing:
        raise ValueError(f"scoring_config lacks table(s) {', '.join(missing)}")
    with tempfile.TemporaryDirectory(prefix="lead_scoring_config_") as directory:
        for file_name in TABLES:
            frame = by_name[Path(file_name).stem]
            frame.to_csv(Path(directory) / file_name, index=False, na_rep="")
        return load_config(Path(directory))


def prepare(inputs: PredictiveInputs) -> PreparedInputs:
    """Check and normalise the inputs (see the module docstring)."""
    config = inputs.scoring_config
    if config is not None and not isinstance(config, ScoringConfig):
        config = config_from_frames(config)
    event_properties = {
        rule.property_name
        for rule in (config.rules if config is not None else ())
        if rule.rule_kind == "event" and rule.property_name
    }
    property_values = inputs.property_values
    if property_values is not None:
        property_values = property_values.copy()
        if "scored_object_type" in property_values.columns:
            property_values = property_values[property_values["scored_object_type"] == "contact"]
        property_values = _with_columns(
            property_values, ("record_id", "property_object", "property_name", "property_value")
        )
        for column in property_values.columns:
            property_values[column] = _text(property_values[column])
        property_values = property_values.dropna()
    memberships = inputs.list_memberships
    if memberships is not None:
        memberships = _with_columns(
            memberships, ("list_id", "object_type", "record_id", "added_at")
        )
        for column in ("list_id", "object_type", "record_id"):
            memberships[column] = _text(memberships[column])
        memberships["added_at"] = to_utc_naive(memberships["added_at"])
    return PreparedInputs(
        contacts=_contacts(_check("contacts", inputs.contacts)),
        companies=_companies(_check("companies", inputs.companies, required=False)),
        custom_properties=_custom_properties(
            _check("custom_properties", inputs.custom_properties, required=False)
        ),
        stage_changes=_stage_changes(_check("stage_changes", inputs.stage_changes, required=False)),
        events=prepare_events(inputs.events, event_properties),
        scoring_config=config,
        property_values=property_values,
        list_memberships=memberships,
        event_types=None if inputs.event_types is None else normalised_types(inputs.event_types),
    )


def normalised_types(values: Sequence[object] | pd.Series) -> tuple[str, ...]:
    """Event types as :func:`prepare` normalises them (trimmed, lower-case; blanks dropped),
    distinct and sorted."""
    series = values if isinstance(values, pd.Series) else pd.Series(list(values), dtype="object")
    return tuple(sorted(set(_lower_text(series).dropna())))
