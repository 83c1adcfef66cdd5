"""Vectorised helpers shared by the generator modules: sampling, grouping, strings, time.

Times inside the generator are float64 seconds since the Unix epoch (UTC); ``nan`` means
"never happened". Strings are built with pyarrow compute so no Python loop runs per row.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

DAY = 86_400.0
HOUR = 3_600.0
MINUTE = 60.0

_HEX = np.frombuffer(b"0123456789abcdef", dtype=np.uint8)


# ----------------------------------------------------------------------------- sampling


def sigmoid(x: np.ndarray | float) -> np.ndarray:
    """Logistic function."""
    return 1.0 / (1.0 + np.exp(-np.asarray(x, dtype=np.float64)))


def weighted_choice(rng: np.random.Generator, weights: Sequence[float], size: int) -> np.ndarray:
    """Indices drawn with probability proportional to ``weights``."""
    p = np.asarray(weights, dtype=np.float64)
    cum = np.cumsum(p / p.sum())
    cum[-1] = 1.0
    return np.searchsorted(cum, rng.random(size), side="right").astype(np.int64)


def choice_by_logits(
    rng: np.random.Generator,
    base: np.ndarray,
    terms: Sequence[tuple[np.ndarray, np.ndarray]],
    block: int = 65_536,
) -> np.ndarray:
    """One categorical draw per row from linear logits, computed in blocks of rows.

    ``logit[i, k] = base[k] + sum(coef[k] * x[i] for coef, x in terms)``; every term's ``x``
    has one value per row. Blocks bound the (rows, categories) temporaries.
    """
    n = len(terms[0][1])
    u = rng.random(n)
    out = np.empty(n, dtype=np.int64)
    k = len(base)
    for start in range(0, n, block):
        rows = slice(start, start + block)
        logits = np.broadcast_to(np.asarray(base, dtype=np.float64), (len(u[rows]), k)).copy()
        for coef, x in terms:
            logits += np.asarray(coef)[None, :] * np.asarray(x)[rows, None]
        logits -= logits.max(axis=1, keepdims=True)
        cum = np.cumsum(np.exp(logits), axis=1)
        out[rows] = np.minimum((cum < (u[rows] * cum[:, -1])[:, None]).sum(axis=1), k - 1)
    return out


def pick_exact(rng: np.random.Generator, n: int, rate: float, minimum: int = 1) -> np.ndarray:
    """Sorted indices of ``max(minimum, round(rate * n))`` distinct rows out of ``n``.

    Dirt is injected with exact counts (not coin flips) so every kind shows up even in
    small runs.
    """
    if n <= 0:
        return np.zeros(0, dtype=np.int64)
    k = min(n, max(minimum, round(rate * n)))
    return np.sort(rng.choice(n, size=k, replace=False)).astype(np.int64)


def uniform_between(rng: np.random.Generator, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """One uniform draw in [lo, hi) per element (hi < lo collapses to lo)."""
    lo = np.asarray(lo, dtype=np.float64)
    hi = np.maximum(np.asarray(hi, dtype=np.float64), lo)
    return lo + rng.random(lo.shape) * (hi - lo)


# ----------------------------------------------------------------------------- grouping


def group_starts(counts: np.ndarray) -> np.ndarray:
    """Start offset of each group when groups of ``counts`` are laid out contiguously."""
    starts = np.zeros(len(counts), dtype=np.int64)
    if len(counts) > 1:
        np.cumsum(counts[:-1], out=starts[1:])
    return starts


def position_in_group(counts: np.ndarray) -> np.ndarray:
    """0, 1, ... within each group, for groups laid out contiguously."""
    total = int(counts.sum())
    return np.arange(total, dtype=np.int64) - np.repeat(group_starts(counts), counts)


def first_in_group(keys: np.ndarray) -> np.ndarray:
    """Boolean mask of the first row of each run of equal (sorted) keys."""
    mask = np.ones(len(keys), dtype=bool)
    if len(keys) > 1:
        mask[1:] = keys[1:] != keys[:-1]
    return mask


def group_cumsum_exclusive(values: np.ndarray, keys: np.ndarray) -> np.ndarray:
    """Sum of ``values`` over the earlier rows of the same run of (sorted) ``keys``."""
    cs = np.cumsum(values) - values
    starts = np.flatnonzero(first_in_group(keys))
    run = np.cumsum(first_in_group(keys)) - 1
    return cs - cs[starts][run]


# ----------------------------------------------------------------------------- strings


def as_string_array(values: Sequence[str] | pa.Array) -> pa.Array:
    """A pyarrow string array from a sequence of str (or pass an array through)."""
    if isinstance(values, pa.Array):
        return values
    return pa.array(list(values), pa.string())


def take(values: Sequence[str] | pa.Array, idx: np.ndarray) -> pa.Array:
    """``values[idx]`` as a pyarrow array; negative indices give nulls."""
    idx = np.asarray(idx, dtype=np.int64)
    neg = idx < 0
    indices = pa.array(np.where(neg, 0, idx), mask=neg) if neg.any() else pa.array(idx)
    return as_string_array(values).take(indices)


def concat(*parts: pa.Array | str) -> pa.Array:
    """Element-wise concatenation of string arrays / scalars (null if any part is null)."""
    return pc.binary_join_element_wise(*parts, "")


def int_strings(numbers: np.ndarray, prefix: str = "") -> pa.Array:
    """Integers rendered as strings, with an optional prefix."""
    s = pc.cast(pa.array(np.asarray(numbers, dtype=np.int64)), pa.string())
    return concat(prefix, s) if prefix else s


def where(mask: np.ndarray, a: pa.Array, b: pa.Array) -> pa.Array:
    """``a`` where mask else ``b`` (both string arrays of the mask's length)."""
    return pc.if_else(pa.array(np.asarray(mask, dtype=bool)), a, b)


def replace_at(base: pa.Array, idx: np.ndarray, values: pa.Array) -> pa.Array:
    """Copy of ``base`` with positions ``idx`` set to ``values`` (same length as idx)."""
    if len(idx) == 0:
        return base
    mask = np.zeros(len(base), dtype=bool)
    mask[idx] = True
    src = np.zeros(len(base), dtype=np.int64)
    src[idx] = np.arange(len(idx))
    spread = values.take(pa.array(src))
    return pc.if_else(pa.array(mask), spread, base)


def uuid_strings(rng: np.random.Generator, n: int) -> pa.Array:
    """Random UUID-4 looking strings (``8-4-4-4-12`` lowercase hex)."""
    nib = rng.integers(0, 16, size=(n, 32), dtype=np.uint8)
    nib[:, 12] = 4
    chars = _HEX[nib]
    dash = np.full((n, 1), ord("-"), dtype=np.uint8)
    pieces = [chars[:, :8], chars[:, 8:12], chars[:, 12:16], chars[:, 16:20], chars[:, 20:]]
    full = np.hstack([x for piece in pieces for x in (piece, dash)][:-1])
    return fixed_width_strings(full)


def fixed_width_strings(chars: np.ndarray) -> pa.Array:
    """A (rows, width) uint8 matrix of ASCII codes as a pyarrow string array."""
    n, width = chars.shape
    offsets = np.arange(0, (n + 1) * width, width, dtype=np.int32)
    data = np.ascontiguousarray(chars, dtype=np.uint8).tobytes()
    return pa.StringArray.from_buffers(n, pa.py_buffer(offsets.tobytes()), pa.py_buffer(data))


# ----------------------------------------------------------------------------- time


def to_timestamp_array(seconds: np.ndarray) -> pa.Array:
    """Float epoch seconds as a naive UTC ``timestamp('us')`` array (nan -> null)."""
    seconds = np.asarray(seconds, dtype=np.float64)
    nan = np.isnan(seconds)
    us = np.round(np.where(nan, 0.0, seconds) * 1_000_000).astype(np.int64)
    return pa.array(us, type=pa.timestamp("us"), mask=nan if nan.any() else None)


def iso_utc(seconds: np.ndarray, with_millis: bool = False) -> pa.Array:
    """Epoch seconds as ISO-8601 text without offset (``YYYY-MM-DDTHH:MM:SS[.fff]``)."""
    seconds = np.asarray(seconds, dtype=np.float64)
    if with_millis:
        ms = np.round(seconds * 1000).astype(np.int64).astype("datetime64[ms]")
        return pa.array(np.datetime_as_string(ms, unit="ms"))
    s = np.floor(seconds).astype(np.int64).astype("datetime64[s]")
    return pa.array(np.datetime_as_string(s, unit="s"))


def offset_suffixes(minutes: Sequence[int]) -> list[str]:
    """``+HH:MM`` / ``-HH:MM`` renderings of UTC offsets given in minutes."""
    out = []
    for m in minutes:
        sign = "+" if m >= 0 else "-"
        out.append(f"{sign}{abs(m) // 60:02d}:{abs(m) % 60:02d}")
    return out
