"""Reading warehouse tables for the predictive computations: only the columns they use, and of
the large tables (events, property values) only the rows they can read.

The biggest input, ``int_events_unioned`` (every scored event), is read in batches and kept
only for the contacts - and the time windows - a computation looks at (an :class:`Scope`):

- training: each example's events before its start-stage entry (features read the last
  ``recency_cap_days``; the rule-score comparison reads all of them for holdout examples);
- scoring: the current leads' events in the ``recency_cap_days`` before ``as_of``;
- drift: each recent entrant's events in the ``recency_cap_days`` before its entry.

Every filter here is a superset of what the computation reads (bounds inclusive, a day of
margin on the lookback), and the computations apply their own exact filters afterwards
(strictly before the as-of instant...), so the results are identical to those on the whole
tables. Events are returned with pandas categoricals for their text columns (contact ids,
event types, pages...): a code per row instead of a string.

Relations: DuckDB relations (``.project`` / ``.filter``, streamed as Arrow batches), Spark
DataFrames (``.select`` / ``.toPandas``; no row filter pushed down, rows filtered after
reading) or pandas DataFrames (filtered the same way; as given when they cannot go through
Arrow).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from lead_scoring.predictive.examples import (
    current_leads,
    latest_examples,
    recent_entrants,
    time_split,
    training_examples,
)
from lead_scoring.predictive.inputs import (
    PreparedInputs,
    _lower_text,
    _text,
    to_utc_naive,
)
from lead_scoring.predictive.settings import PredictiveSettings

#: Rows per Arrow batch streamed from DuckDB.
BATCH_ROWS = 1_000_000
#: Added to every lookback (rounding of fractional day ages; the computations filter exactly).
LOOKBACK_MARGIN = pd.Timedelta(days=1)

#: The columns read of each input (those absent from a relation are simply not read).
STAGE_CHANGE_COLUMNS = ("contact_id", "lifecycle_stage", "stage_order", "entered_at")
CUSTOM_PROPERTY_COLUMNS = ("contact_id", "property_name", "property_value", "updated_at")
PROPERTY_VALUE_COLUMNS = (
    "scored_object_type",
    "record_id",
    "property_object",
    "property_name",
    "property_value",
)
LIST_MEMBERSHIP_COLUMNS = ("list_id", "object_type", "record_id", "added_at")
#: Event columns the features read; training adds the properties its rule score tests.
EVENT_COLUMNS = ("contact_id", "event_type", "occurred_at", "page_path", "form_name")


def columns_of(relation: Any) -> list[str]:
    """The column names of a DuckDB relation, Spark or pandas DataFrame."""
    return [str(column) for column in relation.columns]


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _is_duckdb(relation: Any) -> bool:
    return hasattr(relation, "project") and hasattr(relation, "df")


def _is_spark(relation: Any) -> bool:
    return hasattr(relation, "toPandas") and hasattr(relation, "select")


def read_frame(
    relation: Any, columns: Sequence[str] | None = None, where: str | None = None
) -> pd.DataFrame:
    """``relation`` as pandas, only ``columns`` (those it has; None = all) and, for a DuckDB or
    Spark relation, only the rows matching the SQL condition ``where`` (pandas DataFrames are
    returned with all rows: ``where`` must only be an optimisation)."""
    present = columns_of(relation)
    wanted = present if columns is None else [c for c in dict.fromkeys(columns) if c in present]
    if isinstance(relation, pd.DataFrame):
        return relation.loc[:, wanted]
    if _is_duckdb(relation):
        projected = relation.project(", ".join(_quoted(c) for c in wanted))
        return (projected.filter(where) if where else projected).df()
    if _is_spark(relation):
        selected = relation.select(*wanted)
        return (selected.filter(where) if where else selected).toPandas()
    return pd.DataFrame(relation).loc[:, wanted]


@dataclass(frozen=True)
class Scope:
    """The rows of a table a computation can read: those of ``keys`` (normalised contact ids),
    each with its own inclusive time window ``[since, until]`` (NaT ``since``: no lower bound)
    when the scope has windows."""

    keys: pd.Index
    since: np.ndarray | None = None  # datetime64[ns] per key
    until: np.ndarray | None = None  # datetime64[ns] per key

    @classmethod
    def of(
        cls,
        contact_ids: pd.Series | Sequence[str],
        since: pd.Series | None = None,
        until: pd.Series | None = None,
    ) -> Scope:
        """A scope from contact ids (and per-row windows: a contact listed twice gets the
        union of its windows' hull)."""
        ids = pd.Series(np.asarray(contact_ids, dtype=object))
        if until is None:
            return cls(pd.Index(ids.drop_duplicates(), dtype="object"))
        frame = pd.DataFrame(
            {
                "contact_id": ids,
                "since": pd.to_datetime(np.asarray(since)).astype("datetime64[ns]"),
                "until": pd.to_datetime(np.asarray(until)).astype("datetime64[ns]"),
                "unbounded": pd.isna(np.asarray(since)),
            }
        )
        hull = frame.groupby("contact_id", sort=False).agg(
            since=("since", "min"), until=("until", "max"), unbounded=("unbounded", "any")
        )
        since_values = hull["since"].to_numpy(dtype="datetime64[ns]").copy()
        since_values[hull["unbounded"].to_numpy()] = np.datetime64("NaT")
        return cls(
            pd.Index(hull.index, dtype="object"),
            since_values,
            hull["until"].to_numpy(dtype="datetime64[ns]"),
        )

    @property
    def has_windows(self) -> bool:
        return self.until is not None

    def latest(self) -> pd.Timestamp | None:
        """The latest ``until`` (None: no windows or no keys)."""
        if self.until is None or len(self.until) == 0:
            return None
        return pd.Timestamp(self.until.max())

    def earliest(self) -> pd.Timestamp | None:
        """The earliest ``since`` (None: no windows, no keys or an unbounded window)."""
        if self.since is None or len(self.since) == 0 or np.isnat(self.since).any():
            return None
        return pd.Timestamp(self.since.min())


def _key_positions(values: pd.Series, keys: pd.Index) -> np.ndarray:
    """Position in ``keys`` of each value normalised as :func:`prepare` normalises ids (-1:
    none); normalised once per distinct value."""
    categorical = (
        values if isinstance(values.dtype, pd.CategoricalDtype) else values.astype("category")
    )
    normalised = _text(pd.Series(categorical.cat.categories))
    per_category = keys.get_indexer(normalised.astype("object"))
    per_category[normalised.isna().to_numpy()] = -1
    return np.append(per_category, -1)[categorical.cat.codes.to_numpy()]


def _in_scope(
    batch: pd.DataFrame, key_column: str, time_column: str | None, scope: Scope
) -> tuple[np.ndarray, np.ndarray | None]:
    """Rows of ``batch`` in ``scope`` (boolean mask) and the batch's normalised timestamps."""
    position = _key_positions(batch[key_column], scope.keys)
    keep = position >= 0
    if time_column is None or not scope.has_windows:
        return keep, None
    assert scope.since is not None and scope.until is not None
    stamps = to_utc_naive(batch[time_column]).to_numpy(dtype="datetime64[ns]")
    inside = np.flatnonzero(keep)
    at = stamps[inside]
    since = scope.since[position[inside]]
    until = scope.until[position[inside]]
    ok = ~np.isnat(at) & (at <= until) & (np.isnat(since) | (at >= since))
    keep[inside] = ok
    return keep, stamps


def _event_types_seen(
    batch: pd.DataFrame, stamps: np.ndarray | None, before: pd.Timestamp
) -> set[str]:
    """Normalised event types of the batch's events that :func:`prepare` keeps (a contact,
    a type and a time) and that happened before ``before``."""
    if stamps is None:
        stamps = to_utc_naive(batch["occurred_at"]).to_numpy(dtype="datetime64[ns]")
    contact = _text(batch["contact_id"].astype("category"))
    valid = contact.notna().to_numpy() & ~np.isnat(stamps)
    valid &= stamps < np.datetime64(before.to_datetime64(), "ns")
    types = _lower_text(batch["event_type"].astype("category"))
    return set(types[valid].dropna().unique())


#: What Python's ``str.strip`` removes (the ids' normalisation), for the SQL key prefilter:
#: every character whose ``isspace()`` is true (a test checks it against this Python's Unicode
#: tables; written out, not computed at import, which walked 1.1 million code points).
PYTHON_WHITESPACE = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005"
    "\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)
#: The same characters as a regular expression class (RE2: DuckDB's ``trim`` with a character
#: set took 25 s over 26 million ids, the regular expression 2.6 s).
_WHITESPACE_CLASS = "[" + "".join(f"\\x{{{ord(c):x}}}" for c in PYTHON_WHITESPACE) + "]"


def _kinds(relation: Any) -> dict[str, str]:
    return dict(zip(columns_of(relation), (str(t).upper() for t in relation.types), strict=True))


def _scope_keys(relation: Any, key_column: str, scope: Scope) -> pa.Table | None:
    """The scope's keys for DuckDB to preselect rows by (None: the key column is not text)."""
    if _kinds(relation).get(key_column) != "VARCHAR" or len(scope.keys) == 0:
        return None
    return pa.table({"key": pa.array([str(key) for key in scope.keys], type=pa.string())})


def _preselected(relation: Any, key_column: str, keys: pa.Table) -> Any:
    """The rows of ``relation`` whose key is one of ``keys`` as it is, or would change when
    trimmed as :func:`prepare` trims ids: a superset of the rows in scope, selected by DuckDB
    (a semi-join) so that the rows of other contacts never reach Python. The relation itself
    when DuckDB cannot run it."""
    lead_scoring_scope_keys = keys  # noqa: F841 - read by name below (DuckDB replacement scan)
    column = _quoted(key_column)
    sql = (
        f"select * from scoped_rows where {column} in "
        f"(select key from lead_scoring_scope_keys) "
        f"or regexp_matches({column}, '^{_WHITESPACE_CLASS}|{_WHITESPACE_CLASS}$')"
    )
    try:
        return relation.query("scoped_rows", sql)
    except Exception:  # any DuckDB failure: read every row (same result)
        return relation


def _event_types_before(relation: Any, before: pd.Timestamp) -> set[str] | None:
    """:func:`_event_types_seen` over every event of ``relation`` before ``before``, computed
    by DuckDB (distinct types of events with a contact id), or None when the columns' types
    do not allow an exact SQL condition."""
    kinds = _kinds(relation)
    stamp_kind = kinds.get("occurred_at", "")
    if kinds.get("contact_id") != "VARCHAR" or stamp_kind not in (
        "TIMESTAMP",
        "TIMESTAMP WITH TIME ZONE",
        "TIMESTAMPTZ",
    ):
        return None
    bound = _timestamp_bound(relation, "occurred_at", before, "<")
    sql = (
        "select distinct event_type from event_rows "
        f"where {bound} and contact_id is not null "
        f"and not regexp_full_match(contact_id, '{_WHITESPACE_CLASS}*')"
    )
    try:
        raw = relation.project("contact_id, event_type, occurred_at").query("event_rows", sql)
        values = raw.df()["event_type"]
    except Exception:  # any DuckDB failure: the caller reads every row
        return None
    return set(_lower_text(values.astype("object").astype("category")).dropna().unique())


def _batches(relation: Any, columns: list[str], where: str | None) -> Iterator[pa.RecordBatch]:
    projected = relation.project(", ".join(_quoted(c) for c in columns))
    if where:
        projected = projected.filter(where)
    reader = (
        projected.to_arrow_reader(BATCH_ROWS)
        if hasattr(projected, "to_arrow_reader")
        else projected.fetch_record_batch(BATCH_ROWS)
    )
    yield from reader


def _empty_schema(relation: Any, columns: list[str]) -> pa.Schema:
    projected = relation.project(", ".join(_quoted(c) for c in columns)).limit(0)
    table = (
        projected.to_arrow_table() if hasattr(projected, "to_arrow_table") else projected.arrow()
    )
    return table.schema


def _timestamp_bound(relation: Any, column: str, bound: pd.Timestamp, op: str) -> str | None:
    """A SQL condition ``column op bound`` for a DuckDB timestamp column (None for any other
    type): the bound rounded outwards to microseconds, so the condition keeps a superset."""
    kind = _kinds(relation).get(column, "")
    if not kind.startswith("TIMESTAMP"):
        return None
    # ("<": a microsecond timestamp is below the bound exactly when it is below its ceiling)
    rounded = bound.ceil("us") if op in ("<=", "<") else bound.floor("us")
    text = rounded.strftime("%Y-%m-%d %H:%M:%S.%f")
    aware = "TIME ZONE" in kind or kind == "TIMESTAMPTZ"
    literal = f"TIMESTAMPTZ '{text}+00'" if aware else f"TIMESTAMP '{text}'"
    return f"{_quoted(column)} {op} {literal}"


def _time_conditions(
    relation: Any, column: str, lower: pd.Timestamp | None, upper: pd.Timestamp | None
) -> list[str]:
    """SQL conditions keeping a superset of the rows with ``column`` in ``[lower, upper]``
    (None: no bound; none at all for a column that is not a DuckDB timestamp)."""
    bounds = ((upper, "<="), (lower, ">="))
    conditions = [
        _timestamp_bound(relation, column, bound, op) for bound, op in bounds if bound is not None
    ]
    return [condition for condition in conditions if condition]


def _is_text(kind: pa.DataType) -> bool:
    return pa.types.is_string(kind) or pa.types.is_large_string(kind)


def _encoded(batch: pa.RecordBatch) -> pa.RecordBatch:
    """Text columns dictionary-encoded: kept rows take a code each, not a string."""
    arrays = [
        column.dictionary_encode() if _is_text(column.type) else column for column in batch.columns
    ]
    return pa.RecordBatch.from_arrays(arrays, names=batch.schema.names)


@dataclass(frozen=True)
class ScopedRead:
    """What :func:`read_scoped` returns: the rows in scope and, when asked for, the event types
    of every event before the given instant (in scope or not)."""

    frame: pd.DataFrame
    event_types: tuple[str, ...] | None = None


def read_scoped(
    relation: Any,
    columns: Sequence[str],
    scope: Scope,
    key_column: str = "contact_id",
    time_column: str | None = None,
    where: str | None = None,
    categorical: bool = True,
    event_types_before: pd.Timestamp | None = None,
) -> ScopedRead:
    """The rows of ``relation`` in ``scope`` (``key_column`` normalised as an id; with windows,
    ``time_column`` inside the key's window), only ``columns`` (those it has), text columns
    as pandas categoricals when ``categorical``. ``where``: an SQL condition pushed down too
    (DuckDB, Spark). ``event_types_before``: also collect the normalised event types of every
    event before that instant, in scope or not (an events relation).

    A DuckDB relation is streamed in Arrow batches of :data:`BATCH_ROWS` rows and filtered
    batch by batch (the scope's overall time bounds pushed down to DuckDB): memory holds the
    rows kept, not the table."""
    present = columns_of(relation)
    wanted = [c for c in dict.fromkeys(columns) if c in present]
    required = [key_column, time_column]
    if event_types_before is not None:
        required += ["contact_id", "event_type", "occurred_at"]
    wanted += [c for c in dict.fromkeys(required) if c and c in present and c not in wanted]
    window_column = time_column if time_column in present and scope.has_windows else None
    types: set[str] = set()

    if not _is_duckdb(relation):
        frame = read_frame(relation, wanted, where if _is_spark(relation) else None)
        if categorical:
            text = [
                c
                for c in frame.columns
                if c != time_column
                and (frame[c].dtype == object or pd.api.types.is_string_dtype(frame[c].dtype))
            ]
            frame = frame.astype(dict.fromkeys(text, "category"))
        keep, stamps = _in_scope(frame, key_column, window_column, scope)
        if event_types_before is not None:
            types = _event_types_seen(frame, stamps, event_types_before)
        return ScopedRead(
            frame.loc[keep].reset_index(drop=True),
            None if event_types_before is None else tuple(sorted(types)),
        )

    # the event types in SQL when the columns allow it; else every event before the instant is
    # read, and the types collected batch by batch
    found = (
        None if event_types_before is None else _event_types_before(relation, event_types_before)
    )
    types = types if found is None else found
    in_batches = event_types_before is not None and found is None
    listed = None if event_types_before is None else tuple(sorted(types))
    if len(scope.keys) == 0 and not in_batches:
        empty = _empty_schema(relation, wanted).empty_table()
        return ScopedRead(empty.to_pandas(strings_to_categorical=categorical), listed)
    conditions = [where] if where else []
    if window_column:
        upper, lower = scope.latest(), scope.earliest()
        if in_batches:  # every event before it, for the event types
            upper = event_types_before if upper is None else max(upper, event_types_before)
            lower = None
        conditions += _time_conditions(relation, window_column, lower, upper)
    condition = " and ".join(f"({c})" for c in conditions if c) or None
    keys = None if in_batches else _scope_keys(relation, key_column, scope)
    source = relation if keys is None else _preselected(relation, key_column, keys)
    # only the columns the scope test (and the event types) read go through pandas; the rows
    # kept are taken from the Arrow batch
    tested = [key_column, window_column]
    if in_batches:
        tested += ["contact_id", "event_type", "occurred_at"]
    tested = [c for c in dict.fromkeys(tested) if c in wanted]
    kept: list[pa.RecordBatch] = []
    for batch in _batches(source, wanted, condition):
        frame = batch.select(tested).to_pandas(strings_to_categorical=True)
        keep, stamps = _in_scope(frame, key_column, window_column, scope)
        if in_batches:
            types |= _event_types_seen(frame, stamps, event_types_before)
        if keep.any():
            rows = batch.filter(pa.array(keep))
            kept.append(_encoded(rows) if categorical else rows)
    table = pa.Table.from_batches(kept) if kept else _empty_schema(relation, wanted).empty_table()
    kept.clear()
    frame = table.to_pandas(
        strings_to_categorical=categorical, self_destruct=True, split_blocks=True
    )
    return ScopedRead(frame, None if event_types_before is None else tuple(sorted(types)))


@dataclass(frozen=True)
class Digests:
    """Per key of a scope (in its order): how many rows there are (``counts``, int64) and a
    digest of them (``digests``, uint64: the sum modulo 2**64 of a 64-bit hash of each row, so
    row order does not matter and copies count)."""

    counts: np.ndarray
    digests: np.ndarray


def _summed_per_key(
    raw_keys: pd.Series, counts: np.ndarray, digests: np.ndarray, keys: pd.Index
) -> Digests:
    """Rows (or groups) summed per key of ``keys`` their raw key normalises to."""
    position = _key_positions(raw_keys, keys)
    inside = position >= 0
    total_counts = np.zeros(len(keys), dtype="int64")
    total_digests = np.zeros(len(keys), dtype="uint64")
    np.add.at(total_counts, position[inside], counts[inside].astype("int64"))
    np.add.at(total_digests, position[inside], digests[inside].astype("uint64"))  # wraps
    return Digests(total_counts, total_digests)


def _sql_digests(
    relation: Any, columns: list[str], scope: Scope, key_column: str, time_column: str | None
) -> Digests | None:
    if _kinds(relation).get(key_column) != "VARCHAR":
        return None
    conditions = []
    if time_column is not None and scope.has_windows:
        conditions = _time_conditions(relation, time_column, scope.earliest(), scope.latest())
    key = _quoted(key_column)
    hashed = ", ".join(_quoted(c) for c in columns)
    sql = (
        f"select {key} as scope_key, count(*) as row_count, "
        f"cast(sum(hash({hashed})) % 18446744073709551616 as ubigint) as row_digest "
        f"from digested_rows {'where ' + ' and '.join(conditions) if conditions else ''} "
        f"group by {key}"
    )
    try:
        groups = relation.project(hashed).query("digested_rows", sql).df()
    except Exception:  # any DuckDB failure: the caller digests what it reads
        return None
    return _summed_per_key(
        groups["scope_key"].astype("category"),
        groups["row_count"].to_numpy(),
        groups["row_digest"].to_numpy(dtype="uint64"),
        scope.keys,
    )


def digest_scoped(
    relation: Any,
    columns: Sequence[str],
    scope: Scope,
    key_column: str = "contact_id",
    time_column: str | None = None,
) -> Digests:
    """Per key of ``scope``, the rows :func:`read_scoped` with the same arguments returns for
    it, counted and digested (:class:`Digests`) over ``columns`` (those the relation has):
    equal digests mean the same rows, up to 64-bit hash collisions.

    A DuckDB relation (text key) is counted and hashed in SQL, no row reaching Python, over a
    superset of those rows: every row of the key inside the scope's overall time bounds rather
    than its own window (for a scope whose keys share one window, as scoring's, the same rows;
    every row of the key when the time column is not a timestamp).
    Any other relation is read (:func:`read_scoped`) and its rows hashed by pandas. The two
    digest differently: compare digests of one engine only."""
    present = columns_of(relation)
    wanted = [c for c in dict.fromkeys([key_column, *columns, time_column]) if c in present]
    if _is_duckdb(relation):
        digests = _sql_digests(relation, wanted, scope, key_column, time_column)
        if digests is not None:
            return digests
    frame = read_scoped(relation, wanted, scope, key_column, time_column).frame
    hashes = pd.util.hash_pandas_object(frame[wanted], index=False).to_numpy(dtype="uint64")
    ones = np.ones(len(frame), dtype="int64")
    key = frame[key_column]
    categorical = key if isinstance(key.dtype, pd.CategoricalDtype) else key.astype("category")
    return _summed_per_key(categorical, ones, hashes, scope.keys)


# ---------------------------------------------------------------------------------------------
# What each computation reads


def _lookback(settings: PredictiveSettings) -> pd.Timedelta:
    return pd.Timedelta(days=settings.recency_cap_days) + LOOKBACK_MARGIN


def training_scopes(
    prepared: PreparedInputs,
    settings: PredictiveSettings,
    as_of: pd.Timestamp,
    rule_score: bool,
) -> tuple[Scope, Scope]:
    """What :func:`~lead_scoring.predictive.model.train` reads of the large tables, from
    inputs prepared without them: (events, property values).

    Events: each training example's before its as-of instant (its start-stage entry), within
    the recency cap - or all of them for the holdout examples when the rule score is compared
    (``rule_score``: the rule engine reads a record's whole history). Property values: the
    holdout examples' (rule score only). Only the examples ``train`` keeps
    (:func:`latest_examples`), split as it splits them."""
    examples = latest_examples(
        training_examples(prepared, settings, as_of), settings.max_training_examples
    )
    holdout = time_split(examples["as_of"], settings.holdout_fraction) == "holdout"
    since = examples["as_of"] - _lookback(settings)
    if rule_score:
        since = since.mask(pd.Series(holdout, index=since.index))
    events = Scope.of(examples["contact_id"], since, examples["as_of"])
    properties = Scope.of(examples.loc[holdout, "contact_id"] if rule_score else [])
    return events, properties


def scoring_scope(
    prepared: PreparedInputs,
    settings: PredictiveSettings,
    as_of: pd.Timestamp,
    model_settings: PredictiveSettings,
    leads: pd.DataFrame | None = None,
) -> Scope:
    """The events :func:`~lead_scoring.predictive.model.score` reads: the current leads'
    (``settings.current_lead_stages``) within the model's recency cap before ``as_of``
    (``leads``: those leads when already known, :func:`current_leads`)."""
    leads = current_leads(prepared, settings, as_of) if leads is None else leads
    since = pd.Series(as_of - _lookback(model_settings), index=leads.index)
    return Scope.of(leads["contact_id"], since, pd.Series(as_of, index=leads.index))


def drift_scope(
    prepared: PreparedInputs, model_settings: PredictiveSettings, as_of: pd.Timestamp
) -> Scope:
    """The events :func:`~lead_scoring.predictive.drift.drift_profile` reads: each recent
    entrant's within the model's recency cap before its start-stage entry."""
    recent = recent_entrants(prepared, model_settings, as_of)
    return Scope.of(
        recent["contact_id"], recent["as_of"] - _lookback(model_settings), recent["as_of"]
    )
