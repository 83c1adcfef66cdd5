"""Plain-word descriptions of explanation factors, from a record's raw feature values.

Data-driven: a factor name maps to a template (a label for categoricals, a pair of phrases
for event streams); :func:`describe` fills it from the raw features of one record, e.g.
``visited /pricing 4 times in 30 days``, ``job level: VP``, ``company size: 201-1000 (350
employees)``, ``no email opened in 90 days``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from lead_scoring.predictive.features import Stream

#: Categorical factors: label shown before the value.
CATEGORICAL_LABELS: Mapping[str, str] = {
    "seniority": "job level",
    "job_function": "job function",
    "email_domain_type": "email address type",
    "is_personal_email": "personal email address",
    "lead_source": "lead source",
    "sales_region": "region",
    "has_company": "has a company",
    "industry": "industry",
    "company_sales_region": "company region",
}

#: Values shown differently from ``value.replace("_", " ")``.
VALUE_LABELS: Mapping[str, str] = {
    "vp": "VP",
    "c_level": "C-level",
    "it": "IT",
    "hr": "HR",
    "true": "yes",
    "false": "no",
    "unknown": "unknown",
}

#: Event streams: (phrase with ``{n}`` events, phrase with none). ``{s}``: plural ending.
EVENT_PHRASES: Mapping[str, tuple[str, str]] = {
    "email_sent": ("was sent {n} email{s}", "no email sent"),
    "email_delivered": ("received {n} email{s}", "no email received"),
    "email_open": ("opened {n} email{s}", "no email opened"),
    "email_click": ("clicked {n} email{s}", "no email clicked"),
    "email_bounce": ("{n} email{s} bounced", "no email bounced"),
    "email_unsubscribe": ("unsubscribed {n} time{s}", "no unsubscribe"),
    "email_spam_report": ("reported spam {n} time{s}", "no spam report"),
    "page_view": ("viewed {n} page{s}", "no page viewed"),
    "form_submission": ("submitted {n} form{s}", "no form submitted"),
    "cta_click": ("clicked {n} call-to-action button{s}", "no call-to-action clicked"),
    "call_started": ("had {n} sales call{s}", "no sales call"),
    "meeting_booked": ("booked {n} meeting{s}", "no meeting booked"),
    "meeting_completed": ("attended {n} meeting{s}", "no meeting held"),
}
PAGE_PHRASES = ("visited {value} {n} time{s}", "no visit to {value}")
FORM_PHRASES = ("submitted the {value} form {n} time{s}", "no {value} form submitted")


#: Raw features shown in whole days (``int(days)``).
WHOLE_DAY_FEATURES = frozenset({"days_since_created", "days_since_first_stage"})


def text_values(name: str, values: np.ndarray) -> np.ndarray:
    """The values of raw feature ``name`` without what :func:`describe` never shows: day
    counts keep their whole part (``int`` of the days is shown, and the recency of a stream
    is compared with a whole-day cap). Many records then read equal values, so their texts
    are computed once; each text stays the one the values give (tested)."""
    if values.dtype.kind == "f" and (name in WHOLE_DAY_FEATURES or name.endswith("__recency_days")):
        return np.trunc(values)
    return values


def value_label(value: object) -> str:
    """A categorical value in words."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return "unknown"
    text = str(value)
    return VALUE_LABELS.get(text.lower(), text.replace("_", " "))


def _number(value: object) -> float | None:
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return None if np.isnan(number) else number


def _money(amount: float) -> str:
    for divisor, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "k")):
        if amount >= divisor:
            return f"${amount / divisor:.1f}{suffix}".replace(".0" + suffix, suffix)
    return f"${amount:,.0f}"


def _stream_text(
    stream: Stream, row: Mapping[str, object], windows: Sequence[int], cap: int
) -> str:
    if stream.kind == "event_type":
        some, none = EVENT_PHRASES.get(
            stream.value,
            (
                "{n} " + stream.value.replace("_", " ") + " event{s}",
                "no " + stream.value.replace("_", " ") + " event",
            ),
        )
    elif stream.kind == "page":
        some, none = PAGE_PHRASES
    else:
        some, none = FORM_PHRASES
    for window in windows:
        n = int(_number(row.get(f"{stream.key}__{window}d")) or 0)
        if n > 0:
            text = some.format(n=n, s="" if n == 1 else "s", value=stream.value)
            return f"{text} in {window} days"
    text = f"{none.format(value=stream.value)} in {windows[-1]} days"
    last = _number(row.get(f"{stream.key}__recency_days"))
    if last is not None and last < cap:
        text += f" (last {int(last)} days ago)"
    return text


def describe(
    factor: str,
    row: Mapping[str, object],
    streams: Mapping[str, Stream],
    custom_labels: Mapping[str, str],
    windows: Sequence[int],
    cap: int,
) -> str:
    """The factor in plain words for one record (``row``: its raw features)."""
    if factor in streams:
        return _stream_text(streams[factor], row, windows, cap)
    if factor in CATEGORICAL_LABELS:
        return f"{CATEGORICAL_LABELS[factor]}: {value_label(row.get(factor))}"
    if factor in custom_labels:
        return f"{custom_labels[factor]}: {value_label(row.get(factor))}"
    if factor == "company_size":
        band = row.get("employee_band")
        count = _number(row.get("employee_count"))
        text = f"company size: {value_label(band)}"
        if count is not None:
            text += f" ({int(count):,} employees)"
        return text
    if factor == "annual_revenue":
        amount = _number(row.get("annual_revenue"))
        return "annual revenue: " + ("unknown" if amount is None else _money(amount))
    if factor == "days_since_created":
        days = _number(row.get("days_since_created"))
        return "creation date unknown" if days is None else f"contact created {int(days)} days ago"
    if factor == "days_since_first_stage":
        days = _number(row.get("days_since_first_stage"))
        if days is None:
            return "no earlier lifecycle stage"
        return f"first lifecycle stage {int(days)} days ago"
    return factor.replace("_", " ")
