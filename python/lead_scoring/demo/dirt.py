"""The dirt real CRM and tracking exports carry, injected at small fixed rates.

Every kind is injected with an exact count (``max(1, round(rate * rows))``) so it is present
even in tiny runs. The rates are module constants so tests and docs can refer to them.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from .arrays import DAY, concat, iso_utc, offset_suffixes, pick_exact, replace_at, take
from .catalogs import UTC_OFFSETS_MINUTES

DUPLICATE_CONTACT_RATE = 0.03
NON_CONTACT_RECIPIENT_RATE = 0.03
BOT_COOKIE_RATE = 0.012
FUTURE_EVENT_RATE = 0.01
DUPLICATE_EVENT_RATE = 0.01
MIXED_CASE_RATE = 0.02
ORPHAN_ROW_RATE = 0.01
UNPARSEABLE_KEY_RATE = 0.01
PADDED_KEY_RATE = 0.01
MISSING_TIMESTAMP_RATE = 0.005
UNPARSEABLE_TIMESTAMP_RATE = 0.005
NOISY_TITLE_RATE = 0.10
JUNK_RECORD_RATE = 0.005

#: Keys no id parser accepts (spaces inside, punctuation, spreadsheet errors, blanks).
UNPARSEABLE_KEYS: tuple[str, ...] = ("#N/A", "", "null", "n/a", "N/A", "#REF!", "12 345", "id?")
#: Timestamps no parser accepts.
UNPARSEABLE_TIMESTAMPS: tuple[str, ...] = (
    "31/02/2025",
    "not a date",
    "2025-13-45T25:61:00Z",
    "N/A",
    "yesterday",
    "0000-00-00 00:00:00",
)


def crm_timestamps(rng: np.random.Generator, seconds: np.ndarray) -> pa.Array:
    """ISO-8601 text as CRMs export it.

    Mostly ``2025-03-04T10:15:00Z``; some rendered in a UTC offset (``+09:00``, the instant
    is unchanged), some with milliseconds, a few without any offset (meaning UTC).
    nan gives null.
    """
    seconds = np.asarray(seconds, dtype=np.float64)
    n = len(seconds)
    nan = np.isnan(seconds)
    base = np.where(nan, 0.0, seconds)
    style = np.searchsorted(np.cumsum([0.86, 0.07, 0.04, 0.03]), rng.random(n), side="right")
    style = np.minimum(style, 3)
    offsets = np.asarray(UTC_OFFSETS_MINUTES)
    off_idx = rng.integers(0, len(offsets), n)
    local = base + np.where(style == 1, offsets[off_idx] * 60.0, 0.0)
    plain = iso_utc(local)
    millis = iso_utc(base, with_millis=True)
    suffix_table = ["Z", *offset_suffixes(UTC_OFFSETS_MINUTES), ""]
    suffix = np.where(style == 1, 1 + off_idx, np.where(style == 3, len(suffix_table) - 1, 0))
    text = concat(plain, take(suffix_table, suffix))
    with_ms = concat(millis, "Z")
    out = pc.if_else(pa.array(style == 2), with_ms, text)
    if nan.any():
        out = pc.if_else(pa.array(nan), pa.nulls(n, pa.string()), out)
    return out


def break_timestamps(rng: np.random.Generator, values: pa.Array) -> pa.Array:
    """Blank out some required timestamps and garble others."""
    n = len(values)
    if n == 0:
        return values
    missing = pick_exact(rng, n, MISSING_TIMESTAMP_RATE)
    out = replace_at(values, missing, pa.nulls(len(missing), pa.string()))
    rest = np.setdiff1d(np.arange(n), missing)
    bad = rest[pick_exact(rng, len(rest), UNPARSEABLE_TIMESTAMP_RATE)]
    garbage = take(UNPARSEABLE_TIMESTAMPS, rng.integers(0, len(UNPARSEABLE_TIMESTAMPS), len(bad)))
    return replace_at(out, bad, garbage)


def unparseable_key_rows(
    rng: np.random.Generator, table: pa.Table, column: str, rate: float = UNPARSEABLE_KEY_RATE
) -> pa.Table:
    """Copies of some rows whose ``column`` holds a key no parser accepts."""
    rows = pick_exact(rng, table.num_rows, rate)
    junk = table.take(pa.array(rows))
    keys = take(UNPARSEABLE_KEYS, rng.integers(0, len(UNPARSEABLE_KEYS), len(rows)))
    return junk.set_column(junk.schema.get_field_index(column), column, keys)


def orphan_rows(
    rng: np.random.Generator, table: pa.Table, column: str, unknown_ids: pa.Array
) -> pa.Table:
    """Copies of some rows pointing at ids that exist nowhere (deleted records)."""
    rows = pick_exact(rng, table.num_rows, ORPHAN_ROW_RATE)
    junk = table.take(pa.array(rows))
    ids = unknown_ids.take(pa.array(rng.integers(0, len(unknown_ids), len(rows))))
    return junk.set_column(junk.schema.get_field_index(column), column, ids)


def pad_keys(rng: np.random.Generator, table: pa.Table, column: str) -> pa.Table:
    """Surround some (valid) keys with spaces, as spreadsheet round-trips do."""
    rows = pick_exact(rng, table.num_rows, PADDED_KEY_RATE)
    col = table.column(column).combine_chunks()
    padded = concat(" ", col.take(pa.array(rows)), " ")
    return table.set_column(
        table.schema.get_field_index(column), column, replace_at(col, rows, padded)
    )


def with_dirty_keys(
    rng: np.random.Generator, table: pa.Table, column: str, unknown_ids: pa.Array
) -> pa.Table:
    """Table plus orphan and unparseable-key rows for ``column``, and some padded keys."""
    if table.num_rows == 0:
        return table
    extra = [orphan_rows(rng, table, column, unknown_ids), unparseable_key_rows(rng, table, column)]
    out = pa.concat_tables([pad_keys(rng, table, column), *extra])
    order = rng.permutation(out.num_rows)
    return out.take(pa.array(order))


def rows_with_duplicates(rng: np.random.Generator, n: int) -> np.ndarray:
    """Row indices 0..n-1 plus some rows exported twice (same event id)."""
    return np.concatenate([np.arange(n), pick_exact(rng, n, DUPLICATE_EVENT_RATE)])


def mixed_case(rng: np.random.Generator, values: pa.Array) -> pa.Array:
    """Some values in UPPER or Title_Case ('OPEN', 'Click', 'Page_View')."""
    rows = pick_exact(rng, len(values), MIXED_CASE_RATE)
    if len(rows) == 0:
        return values
    picked = values.take(pa.array(rows))
    upper = pc.utf8_upper(picked)
    title = pc.utf8_title(picked)
    styled = pc.if_else(pa.array(rng.random(len(rows)) < 0.5), upper, title)
    return replace_at(values, rows, styled)


def future_times(rng: np.random.Generator, seconds: np.ndarray, horizon: float) -> np.ndarray:
    """Copy of ``seconds`` where some values moved days past the horizon (clock bugs)."""
    out = np.array(seconds, dtype=np.float64)
    rows = pick_exact(rng, len(out), FUTURE_EVENT_RATE)
    out[rows] = horizon + rng.uniform(2, 30, len(rows)) * DAY + rng.uniform(0, DAY, len(rows))
    return out


def email_variants(rng: np.random.Generator, email: pa.Array) -> pa.Array:
    """The same address re-typed: other case and/or stray spaces around it."""
    n = len(email)
    style = rng.integers(0, 4, n)
    upper = pc.utf8_upper(email)
    title = pc.utf8_title(email)
    spaced = concat(" ", email, "  ")
    both = concat(pc.utf8_capitalize(email), " ")
    return pc.choose(pa.array(style.astype(np.int8)), upper, title, spaced, both)
