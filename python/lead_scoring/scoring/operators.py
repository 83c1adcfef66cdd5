"""Rule operators: how one rule tests a set of text values.

A property rule tests the values a record has for one property (several rows for a
multi-valued property); an event rule tests the single value one event has for one event
property. Both go through :func:`matches`.

Semantics (docs/scoring-engine.md, "Evaluation"):

- Text is compared after :func:`normalize`: trimmed (ASCII whitespace) and lower-cased. A value
  that is blank after trimming is *no value*.
- Values are matched literally: quotes, ``%``, ``_``, ``;`` or SQL in a value are just text.
- ``equals`` / ``is_any_of``: some value equals a listed value. ``contains_any_of``: some value
  contains a listed value as a substring.
- Comparison operators compare a value with ``value_low`` (and ``value_high`` for
  ``between``, inclusive): as numbers when both sides are plain decimal numbers, else as
  ISO-8601 dates/datetimes when both sides are, else the value does not match.
  ``before`` is ``<`` and ``after`` is ``>``.
- ``not_equals``, ``is_none_of`` and ``is_unknown`` are the negations of ``equals``,
  ``is_any_of`` and ``is_known`` over the whole set of values: they match when no value
  matches (so a record without any value matches them).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime

EQUALITY_OPERATORS = frozenset({"equals", "is_any_of"})
LIST_OPERATORS = frozenset({"equals", "not_equals", "is_any_of", "is_none_of", "contains_any_of"})
COMPARISON_OPERATORS = frozenset(
    {
        "greater_than",
        "greater_or_equal",
        "less_than",
        "less_or_equal",
        "between",
        "before",
        "after",
    }
)
PRESENCE_OPERATORS = frozenset({"is_known", "is_unknown"})
OPERATORS = LIST_OPERATORS | COMPARISON_OPERATORS | PRESENCE_OPERATORS

#: Record-level negative operators and the positive operator they negate.
NEGATED: Mapping[str, str] = {
    "not_equals": "equals",
    "is_none_of": "is_any_of",
    "is_unknown": "is_known",
}

#: Operators usable with ``value_mode = individually`` (a points value per listed value).
INDIVIDUAL_OPERATORS = frozenset({"equals", "is_any_of", "contains_any_of"})

_WHITESPACE = " \t\n\r\f\v"
# ASCII digits only: "\u0663" (ARABIC-INDIC DIGIT THREE) is not a plain decimal number.
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?", re.ASCII)
_DATETIME = re.compile(
    r"\d{4}-\d{2}-\d{2}"
    r"(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?(?:Z|[+-]\d{2}:\d{2})?)?",
    re.ASCII,
)


def normalize(text: str | None) -> str | None:
    """Trimmed, lower-cased text; None when the text is None or blank."""
    if text is None:
        return None
    trimmed = text.strip(_WHITESPACE).lower()
    return trimmed or None


def parse_number(text: str | None) -> float | None:
    """The number a text holds (plain decimal or scientific notation), else None."""
    if text is None:
        return None
    trimmed = text.strip(_WHITESPACE)
    return float(trimmed) if _NUMBER.fullmatch(trimmed) else None


def parse_datetime(text: str | None) -> datetime | None:
    """The UTC datetime an ISO-8601 date or datetime text holds, else None.

    A date is midnight; a datetime without an offset is UTC.
    """
    if text is None:
        return None
    trimmed = text.strip(_WHITESPACE)
    if not _DATETIME.fullmatch(trimmed):
        return None
    try:
        parsed = datetime.fromisoformat(trimmed)
    except ValueError:  # e.g. 2024-02-30
        return None
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def _order(value: str, bound: str | None) -> int | None:
    """-1, 0 or 1 as ``value`` is below, equal to or above ``bound``; None if incomparable.

    Numbers when both sides parse as numbers, else datetimes when both parse as dates.
    """
    left_number, right_number = parse_number(value), parse_number(bound)
    if left_number is not None and right_number is not None:
        return (left_number > right_number) - (left_number < right_number)
    left_date, right_date = parse_datetime(value), parse_datetime(bound)
    if left_date is not None and right_date is not None:
        return (left_date > right_date) - (left_date < right_date)
    return None


#: The orders (see :func:`_order`) that satisfy each one-bound comparison operator.
_ACCEPTED_ORDERS: Mapping[str, frozenset[int]] = {
    "greater_than": frozenset({1}),
    "after": frozenset({1}),
    "greater_or_equal": frozenset({0, 1}),
    "less_than": frozenset({-1}),
    "before": frozenset({-1}),
    "less_or_equal": frozenset({-1, 0}),
}


def _compare(value: str, bound: str | None, operator: str) -> bool:
    """``value <operator> bound``; False when the two are not comparable."""
    return _order(value, bound) in _ACCEPTED_ORDERS[operator]


def value_matches(
    operator: str,
    value: str,
    listed: Sequence[str],
    value_low: str | None = None,
    value_high: str | None = None,
) -> bool:
    """Whether one non-blank value satisfies a *positive* operator.

    ``listed`` holds the rule's values, already normalized.
    """
    if operator in EQUALITY_OPERATORS:
        return normalize(value) in listed
    if operator == "contains_any_of":
        text = normalize(value) or ""
        return any(item in text for item in listed)
    if operator == "is_known":
        return True
    if operator == "between":
        return _compare(value, value_low, "greater_or_equal") and _compare(
            value, value_high, "less_or_equal"
        )
    if operator in COMPARISON_OPERATORS:
        return _compare(value, value_low, operator)
    raise ValueError(f"unknown or negative operator: {operator!r}")


def matches(
    operator: str,
    values: Iterable[str | None],
    listed: Sequence[str],
    value_low: str | None = None,
    value_high: str | None = None,
) -> bool:
    """Whether a set of values (blank ones ignored) satisfies an operator.

    Positive operators: some value matches. Negative operators (:data:`NEGATED`): no value
    matches the positive operator they negate.
    """
    present = [value for value in values if normalize(value) is not None]
    if operator in NEGATED:
        return not matches(NEGATED[operator], present, listed, value_low, value_high)
    return any(
        value_matches(operator, value, listed, value_low, value_high)
        for value in present
        if value is not None
    )


def normalized_list(values: Iterable[str | None]) -> list[str]:
    """The normalized, non-blank values of a rule's value list."""
    return [item for item in (normalize(value) for value in values) if item is not None]
