"""The dbt engine and the Python reference agree on random configurations and data.

Each Hypothesis example is one scoring configuration of several contact scores (two coverage
scores that hold every operator and every event-rule feature, plus random scores) over a shared
set of contacts with random custom properties, list memberships and events. The same raw rows
go through ``dbt build`` (:func:`dbt_harness.run_engine`) and, prepared as staging prepares
them, through :func:`lead_scoring.scoring.score_records`; every score, part, label and every
rule contribution must agree.

One example is one ``dbt build`` (~20 s), so there are few examples and each is large. The run
is derandomized and does not shrink (shrinking would cost a build per step). Derandomized runs
repeat the same examples for the same code and the same pytest invocation (CI runs the whole
suite); Hypothesis also mixes in literals of the project modules imported so far, so running
this file alone may draw other examples. A failure prints the differences, the configuration
of the scores involved and a ``@reproduce_failure`` blob that replays the example anywhere.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

import pandas as pd
import pytest
from dbt_harness import REPO, EngineOutput, run_engine
from hypothesis import HealthCheck, Phase, assume, event, given, settings
from hypothesis import strategies as st
from raw_builders import Raw

from lead_scoring.scoring import (
    Audience,
    Band,
    Event,
    Group,
    PropertyValue,
    Record,
    Rule,
    RuleValue,
    Score,
    ScoreResult,
    ScoringConfig,
    load_vocabulary,
    score_records,
    validate_config,
)
from lead_scoring.scoring.operators import (
    COMPARISON_OPERATORS,
    INDIVIDUAL_OPERATORS,
    LIST_OPERATORS,
    OPERATORS,
    normalize,
)

AS_OF = datetime(2026, 6, 30, 9, 30, 0)  # not midnight: whole days are counted from 09:30
TOLERANCE = 1e-6
T = TypeVar("T")
Draw = Callable[[st.SearchStrategy[T]], T]

# ---------------------------------------------------------------------------------------------
# The data: pools of raw values, each with the value staging makes of it


def staged(value: str | None) -> str | None:
    """What staging keeps of a raw text value: trimmed (spaces), blank is null."""
    if value is None:
        return None
    return value.strip(" ") or None


#: Custom contact properties (rules test these and ``list_name``): name -> kind, raw values.
TEXT_VALUES = (
    "Enterprise",
    "enterprise",
    "SMB",
    "Mid-Market",
    "O'Brien; --%",
    "o'brien; --%",
    "x'; drop table lead_scores; --",
    "100%",
    "a_b",
    "  Padded  ",
    "",
    "Straße",
)
NUMBER_VALUES = (
    "0",
    "5",
    "12.5",
    "12.50",
    "-3",
    "50",
    "49.75",
    "100",
    "1e2",
    "+7",
    ".5",
    # not plain decimal numbers: never compared as numbers
    "n/a",
    "NaN",
    "inf",
    "1,000",
    "1_000",
    "\u0663",  # ARABIC-INDIC DIGIT THREE
)
DATE_VALUES = (
    "2025-01-15",
    "2025-06-30T12:00:00Z",
    "2026-01-01 08:00:00+02:00",
    "2026-01-01T06:00:00Z",
    "2025-12-31T23:59:59",
    "2026-06-29",
    "2026-06-30T09:30:00",
    # not ISO-8601 dates or datetimes: never compared as dates
    "not a date",
    "2025-02-30",
    "2025-1-5",
    "2026-01-01 08:00:00+02",
)
CUSTOM_PROPERTIES: dict[str, tuple[str, tuple[str, ...]]] = {
    "x_segment": ("text", TEXT_VALUES),
    "x_note": ("text", TEXT_VALUES),
    "x_seats": ("number", NUMBER_VALUES),
    "x_trial_start": ("date", DATE_VALUES),
}
#: Contact lists: id -> name (the ``list_name`` property of its members).
LISTS = {
    "L_vip": "VIP",
    "L_obrien": "O'Brien; --%",
    "L_sql": "x'; drop table lead_scores; --",
    "L_partners": "Partners 100%",
}

#: Event types: source, raw spellings (staging snake_cases them), event properties rules test.
EVENT_TYPES: dict[str, tuple[str, tuple[str, ...], tuple[str, ...]]] = {
    "email_open": ("email", ("open", "Open", "OPEN"), ("email_type", "campaign_name")),
    "email_click": ("email", ("click", "Click"), ("email_type", "campaign_name")),
    "email_bounce": ("email", ("bounce",), ("email_type", "campaign_name")),
    "email_unsubscribe": ("email", ("unsubscribe", "Unsubscribe"), ("campaign_name",)),
    "email_spam_report": ("email", ("spam_report", "Spam Report"), ("campaign_name",)),
    "email_sent": ("email", ("sent",), ("email_type",)),
    "page_view": ("web", ("page_view", "Page View", "page-view"), ("page_path",)),
    "form_submission": ("web", ("form_submission", "Form Submission"), ("form_name", "page_path")),
    "cta_click": ("web", ("cta_click", "CTA click"), ("cta_name", "page_path")),
    "call_started": ("sales", ("call_started", "Call Started"), ("owner_id",)),
    "meeting_booked": ("sales", ("meeting_booked", "Meeting Booked"), ("owner_id",)),
    "meeting_completed": ("sales", ("meeting_completed",), ("owner_id",)),
}
#: Raw values of event properties. page_path: (raw path of the page URL, staged page_path).
FORMS = ("Contact us", "contact US", "Newsletter", "Demo request", "O'Brien; --%", " Webinar ", "")
CTAS = ("Book a demo", "book a DEMO", "Pricing", "Start trial", "x'; drop table lead_scores; --")
CAMPAIGNS = ("2026-06 Newsletter", "Product launch", "O'Brien; --%", "  Webinar  ", "")
EMAIL_TYPES = ("marketing", "Marketing", "sales", " SALES ", "")  # staging accepts these two
OWNERS = ("u1", "U2", "")
PATHS = (
    ("/pricing", "/pricing"),
    ("/Pricing/", "/pricing"),
    ("/pricing?utm_source=news", "/pricing"),
    ("/docs/api", "/docs/api"),
    ("/", "/"),
    ("/contact#form", "/contact"),
    ("/blog/o'brien-100%", "/blog/o'brien-100%"),
)

# ---------------------------------------------------------------------------------------------
# Rule values and settings drawn for the configuration

#: Values list operators test, per property: exact values (other case), substrings, misses.
RULE_VALUES: dict[str, tuple[str, ...]] = {
    "text": (
        "Enterprise",
        "smb",
        "MID-MARKET",
        "O'Brien; --%",
        "x'; drop table lead_scores; --",
        "100%",
        "a_b",
        "padded",
        "STRASSE",
        "straße",
        "ent",
        "brien",
        "%",
        "_",
        "'",
        ";",
        "--",
        "nope",
    ),
    "number": ("50", "12.5", "1e2", "NaN", "0"),
    "list": (
        *("vip", "VIP ", "o'brien; --%", "x'; DROP TABLE lead_scores; --", "partners 100%"),
        *("100%", "%", "'", "nope"),
    ),
    "form_name": (
        *("Contact us", "NEWSLETTER", "demo request", "O'Brien; --%", "webinar"),
        *("contact", "news", "%", "nope"),
    ),
    "cta_name": (
        *("book a demo", "Pricing", "start TRIAL", "x'; drop table lead_scores; --"),
        *("demo", "drop table", "nope"),
    ),
    "campaign_name": (
        *("2026-06 newsletter", "Product Launch", "o'brien; --%", "webinar"),
        *("launch", "2026", "nope"),
    ),
    "email_type": ("marketing", "SALES", "market", "nope"),
    "page_path": (
        *("/pricing", "/docs/api", "/", "/contact", "/blog/o'brien-100%"),
        *("pric", "/docs", "nope"),
    ),
    "owner_id": ("u1", "u2", "nope"),
}
NUMBER_BOUNDS = ("0", "5", "12.5", "50", "-3", "1e1", "100", "-0.5", "49.75")
DATE_BOUNDS = (
    "2025-06-30",
    "2026-01-01T06:00:00Z",
    "2025-12-31T23:59:59Z",
    "2025-01-15",
    "2026-01-01 08:00:00+02:00",
)
PROPERTY_KINDS = {
    **{name: kind for name, (kind, _) in CUSTOM_PROPERTIES.items()},
    "list_name": "list",
}
PRESENCE_OPERATORS = ("is_known", "is_unknown")
OPERATORS_OF_KIND: dict[str, tuple[str, ...]] = {
    "text": (*sorted(LIST_OPERATORS), *PRESENCE_OPERATORS),
    "list": (*sorted(LIST_OPERATORS), *PRESENCE_OPERATORS),
    "number": (
        "greater_than",
        "greater_or_equal",
        "less_than",
        "less_or_equal",
        "between",
        "equals",
        "is_none_of",
        *PRESENCE_OPERATORS,
    ),
    "date": (
        "before",
        "after",
        "greater_than",
        "greater_or_equal",
        "less_than",
        "less_or_equal",
        "between",
        *PRESENCE_OPERATORS,
    ),
}
EVENT_OPERATORS = (*sorted(LIST_OPERATORS), *PRESENCE_OPERATORS)
WINDOWS = (1, 7, 30, 31, 90, 365)
# Points (quarters), caps, band starts and decay factors (eighths) are binary fractions, so
# every score is computed exactly in both engines: a score on a band boundary gets the same
# label on both sides, and labels are compared exactly.
DECAY_PERCENTS = (12.5, 25.0, 50.0, 100.0)
DECAY_PERIODS = (1, 7, 30, 90)
TOTAL_CAPS = (100.0, 60.0, 40.0, 15.5, 7.25)
GROUP_CAPS = (None, None, 5.0, 12.5, 30.0, 50.0)
FLOORS = (0.0, -12.5, -40.0, None)
BAND_STARTS = (0.0, 2.5, 5.0, 7.25, 10.0, 15.5, 20.0, 40.0, 60.0)

#: Event-rule features each example's coverage score holds at least once.
EVENT_FEATURES = (
    "frequency_exactly",
    "frequency_between",
    "frequency_at_least",
    "window",
    "window_and_frequency",
    "filter_form_name",
    "filter_cta_name",
    "filter_campaign_name",
    "filter_email_type",
    "filter_page_path",
    "negated_filter",
    "individually",
    "no_filter",
    "rule_decay",  # in a group with a default decay: the rule's own decay wins
)


def points(draw: Draw[Any], *, negative_share: float = 0.25) -> float:
    """Non-zero points in quarter steps, negative about ``negative_share`` of the time."""
    magnitude = draw(st.integers(1, 160)) / 4
    sign = -1 if draw(st.integers(0, 99)) >= (1 - negative_share) * 100 else 1
    return sign * magnitude


# ---------------------------------------------------------------------------------------------
# Random configurations


@dataclass
class ConfigBuilder:
    """Collects the rows of one random configuration."""

    draw: Draw[Any]
    scores: list[Score] = field(default_factory=list)
    groups: list[Group] = field(default_factory=list)
    rules: list[Rule] = field(default_factory=list)
    values: list[RuleValue] = field(default_factory=list)
    audiences: list[Audience] = field(default_factory=list)
    bands: list[Band] = field(default_factory=list)

    def config(self) -> ScoringConfig:
        return ScoringConfig(
            scores=tuple(self.scores),
            groups=tuple(self.groups),
            rules=tuple(self.rules),
            rule_values=tuple(self.values),
            audiences=tuple(self.audiences),
            bands=tuple(self.bands),
        )

    def _values(
        self, score_id: str, rule_id: str, pool: Sequence[str], mode: str, share: float = 0.25
    ) -> None:
        chosen = self.draw(
            st.lists(st.sampled_from(pool), min_size=1, max_size=3, unique_by=normalize)
        )
        for value in chosen:
            value_points = None
            if mode == "individually":
                value_points = points(self.draw, negative_share=share)
            self.values.append(RuleValue(score_id, rule_id, value, value_points))

    def _mode(self, operator: str | None, individually: bool | None) -> str:
        if operator not in INDIVIDUAL_OPERATORS:
            return "together"
        if individually is None:
            individually = self.draw(st.integers(0, 2)) == 0
        return "individually" if individually else "together"

    def property_rule(
        self,
        score_id: str,
        group_id: str,
        rule_id: str,
        operator: str | None = None,
        individually: bool | None = None,
        *,
        negative: bool = False,
    ) -> None:
        """A property rule (``negative``: with negative points)."""
        draw = self.draw
        share = 1.0 if negative else 0.25
        names = sorted(PROPERTY_KINDS)
        if operator is not None:
            names = [n for n in names if operator in OPERATORS_OF_KIND[PROPERTY_KINDS[n]]]
        name = draw(st.sampled_from(names))
        kind = PROPERTY_KINDS[name]
        if operator is None:
            operator = draw(st.sampled_from(OPERATORS_OF_KIND[kind]))
        mode = self._mode(operator, individually)
        low = high = None
        if operator in COMPARISON_OPERATORS:
            dates = operator in ("before", "after") or kind == "date"
            if operator not in ("before", "after") and draw(st.integers(0, 9)) == 0:
                dates = not dates  # a date bound on numbers or the reverse: never matches
            bounds = DATE_BOUNDS if dates else NUMBER_BOUNDS
            low = draw(st.sampled_from(bounds))
            if operator == "between":
                high = draw(st.sampled_from(bounds))  # sometimes below low: matches nothing
        self.rules.append(
            Rule(
                score_id,
                rule_id,
                group_id,
                f"{name} {operator}",
                "property",
                property_object=draw(st.sampled_from([None, "contact"])),
                property_name=name,
                operator=operator,
                value_low=low,
                value_high=high,
                value_mode=mode if mode != "together" else draw(st.sampled_from([None, mode])),
                points=points(draw, negative_share=share) if mode == "together" else None,
            )
        )
        if operator in LIST_OPERATORS:
            self._values(score_id, rule_id, RULE_VALUES[kind], mode, share)

    def event_rule(
        self,
        score_id: str,
        group_id: str,
        rule_id: str,
        *,
        timing: str,
        feature: str | None = None,
    ) -> None:
        """An event rule; ``timing`` is ``plain`` (windows and frequencies allowed) or
        ``decay`` (the rule may decay; no window, no frequency)."""
        draw = self.draw
        event_types = sorted(EVENT_TYPES)
        wanted_property = feature[len("filter_") :] if feature and "filter_" in feature else None
        if wanted_property:
            event_types = [t for t in event_types if wanted_property in EVENT_TYPES[t][2]]
        event_type = draw(st.sampled_from(event_types))
        properties = EVENT_TYPES[event_type][2]
        if feature == "no_filter":
            has_filter = False
        elif feature in ("negated_filter", "individually") or wanted_property:
            has_filter = True
        else:
            has_filter = draw(st.integers(0, 9)) < 6
        property_name = operator = None
        if has_filter:
            property_name = wanted_property or draw(st.sampled_from(properties))
            if feature == "negated_filter":
                operator = draw(st.sampled_from(["not_equals", "is_none_of", "is_unknown"]))
            elif feature == "individually":
                operator = draw(st.sampled_from(sorted(INDIVIDUAL_OPERATORS)))
            else:
                operator = draw(st.sampled_from(EVENT_OPERATORS))
        mode = self._mode(operator, True if feature == "individually" else None)
        frequency = frequency_min = frequency_max = window = None
        decay_percent = decay_period = None
        if timing == "plain":
            if feature and feature.startswith("frequency_"):
                frequency = feature[len("frequency_") :]
            elif feature == "window_and_frequency" or (
                feature is None and draw(st.integers(0, 9)) < 4
            ):
                frequency = draw(st.sampled_from(["exactly", "between", "at_least"]))
            if frequency is not None:
                frequency_min = draw(st.integers(1, 4))
                if frequency == "between":
                    frequency_max = frequency_min + draw(st.integers(0, 4))
            if feature in ("window", "window_and_frequency") or (
                feature is None and draw(st.integers(0, 9)) < 4
            ):
                window = draw(st.sampled_from(WINDOWS))
        elif feature == "rule_decay" or (feature is None and draw(st.integers(0, 9)) < 5):
            decay_percent = draw(st.sampled_from(DECAY_PERCENTS))
            decay_period = draw(st.sampled_from(DECAY_PERIODS))
        self.rules.append(
            Rule(
                score_id,
                rule_id,
                group_id,
                f"{event_type} {property_name or ''} {operator or ''}".strip(),
                "event",
                event_type=event_type,
                property_name=property_name,
                operator=operator,
                value_mode=mode,
                points=points(draw) if mode == "together" else None,
                frequency=frequency,
                frequency_min=frequency_min,
                frequency_max=frequency_max,
                window_days=window,
                decay_percent=decay_percent,
                decay_period_days=decay_period,
            )
        )
        if operator in LIST_OPERATORS:
            assert property_name is not None
            self._values(score_id, rule_id, RULE_VALUES[property_name], mode)

    def group(
        self,
        score_id: str,
        group_id: str,
        kind: str,
        timing: str = "plain",
        *,
        decay: bool = False,
        capped: bool = False,
    ) -> None:
        """A group; an engagement group with ``decay`` timing may have (``decay``: has) a
        default decay for its rules; ``capped``: has a group cap."""
        default_decay: tuple[float | None, int | None] = (None, None)
        if timing == "decay" and (decay or self.draw(st.booleans())):
            default_decay = (
                self.draw(st.sampled_from(DECAY_PERCENTS)),
                self.draw(st.sampled_from(DECAY_PERIODS)),
            )
        cap = self.draw(st.sampled_from([c for c in GROUP_CAPS if c or not capped]))
        self.groups.append(
            Group(score_id, group_id, f"{group_id} ({timing})", kind, cap, *default_decay)
        )

    def score(
        self,
        score_id: str,
        score_type: str,
        floor: float | None,
        *,
        enabled: bool = True,
        all_bands: bool = False,
    ) -> Score:
        draw = self.draw
        total_cap = draw(st.sampled_from(TOTAL_CAPS))
        score = Score(
            score_id,
            "contact",
            score_type,
            f"Score {score_id}",
            None,
            draw(st.sampled_from([total_cap, None])) if total_cap == 100.0 else total_cap,
            floor,
            None,
            enabled,
        )
        self.scores.append(score)
        band_types = ["total", "tier"]
        if score_type in ("fit", "combined"):
            band_types.append("fit")
        if score_type in ("engagement", "combined"):
            band_types.append("engagement")
        for band_type in band_types:
            if all_bands or draw(st.integers(0, 9)) < 6:
                self._bands(score, band_type)
        return score

    def _bands(self, score: Score, band_type: str) -> None:
        cap = 100.0 if score.total_cap is None else score.total_cap
        starts = self.draw(
            st.lists(
                st.sampled_from([s for s in BAND_STARTS if 0 < s <= cap]),
                min_size=1,
                max_size=3,
                unique=True,
            )
        )
        if score.floor is not None:
            lowest = score.floor
        else:
            lowest = self.draw(st.sampled_from([-20.0, 0.0, 2.5]))
        starts = sorted({lowest, *starts}, reverse=True)[:3]
        if min(starts) > lowest:  # keep the lowest band at or below the floor (no gap)
            starts[-1] = lowest
        names = {"tier": ("Hot", "Warm", "Cold"), "total": ("High", "Medium", "Low")}.get(
            band_type, ("High", "Medium", "Low")
        )
        codes = {"fit": "ABC", "engagement": "123"}.get(band_type)
        for index, start in enumerate(starts):
            code = None
            if codes and (score.score_type == "combined" or self.draw(st.booleans())):
                code = codes[index]
            self.bands.append(Band(score.score_id, band_type, names[index], start, code))


def fill_score(
    builder: ConfigBuilder,
    score: Score,
    *,
    operators: Sequence[str] = (),
    individually: Sequence[str] = (),
    event_features: Sequence[str] = (),
) -> None:
    """Groups and rules of a score: the listed operators and features, then random rules."""
    draw = builder.draw
    rule_ids = (f"r{i:02d}" for i in range(100))
    if score.score_type in ("fit", "combined"):
        fit_groups = [f"fit{i}" for i in range(draw(st.integers(1, 2)))]
        for index, group_id in enumerate(fit_groups):
            builder.group(score.score_id, group_id, "fit", capped=bool(operators) and index == 0)
        forced: list[tuple[str | None, bool | None]] = [(op, None) for op in operators]
        forced += [(op, True) for op in individually]
        for index, (operator, alone) in enumerate(forced):
            group_id = draw(st.sampled_from(fit_groups))
            builder.property_rule(
                score.score_id, group_id, next(rule_ids), operator, alone, negative=index == 0
            )
        for group_id in fit_groups:
            for _ in range(draw(st.integers(0 if forced else 1, 3))):
                builder.property_rule(score.score_id, group_id, next(rule_ids))
    if score.score_type in ("engagement", "combined"):
        count = draw(st.integers(1, 3))
        timings = ["plain", "decay"] if event_features else []
        timings += [draw(st.sampled_from(["plain", "decay"])) for _ in range(count)]
        engagement_groups = {f"eng{i}": timing for i, timing in enumerate(timings)}
        for index, (group_id, timing) in enumerate(engagement_groups.items()):
            # with event_features, eng1 is a decay group with a default decay
            forced_decay = bool(event_features) and index == 1
            builder.group(
                score.score_id,
                group_id,
                "engagement",
                timing,
                decay=forced_decay,
                capped=bool(event_features) and index == 0,
            )
        plain = [g for g, timing in engagement_groups.items() if timing == "plain"]
        for feature in event_features:
            timing = "decay" if feature == "rule_decay" else "plain"
            group_id = "eng1" if timing == "decay" else draw(st.sampled_from(plain))
            builder.event_rule(
                score.score_id, group_id, next(rule_ids), timing=timing, feature=feature
            )
        for group_id, timing in engagement_groups.items():
            for _ in range(draw(st.integers(1, 4))):
                builder.event_rule(score.score_id, group_id, next(rule_ids), timing=timing)


@st.composite
def configurations(draw: Draw[Any]) -> ScoringConfig:
    """A valid configuration of 6 to 11 contact scores.

    ``cov_fit`` holds a rule for every operator (and an ``individually`` rule for each operator
    that allows it); ``cov_events`` every event-rule feature (frequencies, windows, filters on
    each event property, negated filters, individually, decay by group and by rule). Random
    scores follow: the first three are one of each score type with floor 0, a negative floor
    and no floor; one has an inclusion list, ``cov_fit`` an exclusion list.
    """
    builder = ConfigBuilder(draw)
    operators = draw(st.permutations(sorted(OPERATORS)))
    cov_fit = builder.score("cov_fit", "fit", draw(st.sampled_from(FLOORS)))
    fill_score(builder, cov_fit, operators=operators, individually=sorted(INDIVIDUAL_OPERATORS))
    cov_events = builder.score("cov_events", "engagement", draw(st.sampled_from(FLOORS)))
    fill_score(builder, cov_events, event_features=draw(st.permutations(EVENT_FEATURES)))
    lists = sorted(LISTS)
    builder.audiences.append(Audience("cov_fit", draw(st.sampled_from(lists)), "exclude"))

    types = [*draw(st.permutations(["fit", "engagement", "combined"]))]
    types += draw(
        st.lists(st.sampled_from(["fit", "engagement", "combined"]), min_size=1, max_size=6)
    )
    floors = [*draw(st.permutations([0.0, -12.5, None]))]
    floors += [draw(st.sampled_from(FLOORS)) for _ in types[3:]]
    for index, (score_type, floor) in enumerate(zip(types, floors, strict=True)):
        score_id = f"s{index}_{score_type}"
        enabled = index < 3 or draw(st.integers(0, 9)) > 0
        score = builder.score(
            score_id, score_type, floor, enabled=enabled, all_bands=score_type == "combined"
        )
        fill_score(builder, score)
        audience = "include" if index == 0 else draw(st.sampled_from([None, None, "include"]))
        for audience_type in (audience, draw(st.sampled_from([None, None, "exclude"]))):
            if audience_type is not None:
                chosen = draw(st.sampled_from(lists))
                if all(a.score_id != score_id or a.list_id != chosen for a in builder.audiences):
                    builder.audiences.append(Audience(score_id, chosen, audience_type))
    return builder.config()


# ---------------------------------------------------------------------------------------------
# Random contacts and events, as raw rows and as reference records


@dataclass(frozen=True)
class Scenario:
    config: ScoringConfig
    raw: Raw
    records: tuple[Record, ...]

    def __repr__(self) -> str:  # Hypothesis prints the failing example: keep it short
        return (
            f"Scenario({len(self.config.scores)} scores, {len(self.config.rules)} rules, "
            f"{len(self.records)} contacts, {sum(len(r.events) for r in self.records)} events)"
        )

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        printer.text(repr(self))


def event_time(draw: Draw[Any]) -> datetime:
    """Mostly 0-400 days before AS_OF at any second; some exactly N days before (window and
    decay period boundaries); a few up to 23 h after AS_OF (staged, but never scored)."""
    kind = draw(st.sampled_from(["past"] * 6 + ["whole_days", "future"]))
    if kind == "past":
        days, seconds = draw(st.integers(0, 400)), draw(st.integers(0, 86399))
        return AS_OF - timedelta(days=days, seconds=seconds)
    if kind == "whole_days":
        return AS_OF - timedelta(days=draw(st.sampled_from([0, 1, 7, 30, 31, 60, 90, 120, 365])))
    return AS_OF + timedelta(seconds=draw(st.integers(1, 23 * 3600)))


def add_event(draw: Draw[Any], raw: Raw, contact_id: str) -> Event:
    """One random event of a contact, as a raw row and as the reference sees it after staging."""
    event_type = draw(st.sampled_from(sorted(EVENT_TYPES)))
    source, spellings, _ = EVENT_TYPES[event_type]
    spelling = draw(st.sampled_from(spellings))
    at = event_time(draw)
    properties: dict[str, str | None]
    if source == "email":
        campaign = draw(st.sampled_from(CAMPAIGNS))
        email_type = draw(st.sampled_from(EMAIL_TYPES))
        event_id = raw.email(
            contact_id, spelling, at=at, campaign_name=campaign, email_type=email_type
        )
        properties = {
            "campaign_name": staged(campaign),
            "email_type": (staged(email_type) or "").lower() or None,
        }
    elif source == "web":
        path, page_path = draw(st.sampled_from(PATHS))
        extra: dict[str, str | None] = {}
        if event_type == "form_submission":
            extra["form_name"] = draw(st.sampled_from(FORMS))
        if event_type == "cta_click":
            extra["cta_name"] = draw(st.sampled_from(CTAS))
        event_id = raw.web(contact_id, spelling, at=at, path=path, **extra)
        properties = {"page_path": page_path, **{k: staged(v) for k, v in extra.items()}}
    else:
        owner = draw(st.sampled_from(OWNERS))
        event_id = raw.activity(contact_id, spelling, at=at, owner_id=owner)
        properties = {"owner_id": staged(owner)}
    return Event(event_id, event_type, at, properties)


@st.composite
def scenarios(draw: Draw[Any]) -> Scenario:
    """A configuration and 20-36 contacts with custom properties, lists and events."""
    config = draw(configurations())
    raw = Raw(AS_OF)
    for list_id, list_name in LISTS.items():
        raw.contact_list(list_id, list_name)
    records = []
    for index in range(draw(st.integers(20, 36))):
        contact_id = raw.contact(f"c{index:02d}")
        properties = []
        for name, (_, pool) in CUSTOM_PROPERTIES.items():
            # the first contact has every custom property, so every one is a known property
            if index == 0 or draw(st.integers(0, 9)) < 7:
                value = draw(st.sampled_from(pool))
                raw.custom_property(contact_id, name, value)
                properties.append(PropertyValue("contact", name, staged(value)))
        list_ids = draw(st.sets(st.sampled_from(sorted(LISTS))))
        for list_id in sorted(list_ids):
            raw.membership(list_id, contact_id)
            properties.append(PropertyValue("contact", "list_name", LISTS[list_id]))
        events = [add_event(draw, raw, contact_id) for _ in range(draw(st.integers(0, 14)))]
        records.append(Record(contact_id, tuple(properties), tuple(events), frozenset(list_ids)))
    return Scenario(config, raw, tuple(records))


def vocabulary() -> tuple[set[str], set[tuple[str, str]]]:
    event_types, properties = load_vocabulary(
        REPO / "seeds" / "scoring" / "event_types.csv",
        REPO / "seeds" / "scoring" / "scoring_properties.csv",
    )
    return event_types, properties | {("contact", name) for name in CUSTOM_PROPERTIES}


# ---------------------------------------------------------------------------------------------
# Comparison


def _missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA


def _same_number(sql: object, python: object) -> bool:
    if _missing(sql) or _missing(python):
        return _missing(sql) and _missing(python)
    return abs(float(sql) - float(python)) <= TOLERANCE  # type: ignore[arg-type]


def _same_text(sql: object, python: object) -> bool:
    if _missing(sql) or _missing(python):
        return _missing(sql) and _missing(python)
    return sql == python


def _value_key(value: object) -> str | None:
    # The SQL engine reports the listed value as written in score_rule_values, the reference
    # too; compare them case-insensitively (after trimming) all the same, as values match.
    return None if _missing(value) else normalize(str(value))


SCORE_FIELDS = (
    # (lead_scores column, ScoreResult attribute, compare)
    ("score", "total", _same_number),
    ("fit_score", "fit", _same_number),
    ("engagement_score", "engagement", _same_number),
    ("score_label", "total_label", _same_text),
    ("fit_label", "fit_label", _same_text),
    ("engagement_label", "engagement_label", _same_text),
    ("matrix_label", "matrix_label", _same_text),
    ("tier", "tier", _same_text),
)
BREAKDOWN_FIELDS = ("points_raw", "points_after_decay", "points_after_caps", "event_count")


def differences(engine: EngineOutput, results: Sequence[ScoreResult]) -> list[str]:
    """Every disagreement between the engine's marts and the reference, one line each."""
    found: list[str] = []
    sql_scores = {(row.score_id, row.record_id): row for row in engine.scores.itertuples()}
    python_scores = {(r.score_id, r.record_id): r for r in results}
    for key in sorted(sql_scores.keys() - python_scores.keys()):
        found.append(f"{key[0]} / {key[1]}: scored by the engine only")
    for key in sorted(python_scores.keys() - sql_scores.keys()):
        found.append(f"{key[0]} / {key[1]}: scored by the reference only")
    for key in sorted(sql_scores.keys() & python_scores.keys()):
        row, result = sql_scores[key], python_scores[key]
        if bool(row.is_in_audience) != result.is_in_audience:
            found.append(
                f"{key[0]} / {key[1]} is_in_audience: sql={row.is_in_audience} "
                f"python={result.is_in_audience}"
            )
        for column, attribute, same in SCORE_FIELDS:
            sql_value, python_value = getattr(row, column), getattr(result, attribute)
            if not same(sql_value, python_value):
                found.append(
                    f"{key[0]} / {key[1]} {column}: sql={sql_value!r} python={python_value!r}"
                )

    sql_rows = {
        (row.score_id, row.record_id, row.rule_id, _value_key(row.matched_value)): row
        for row in engine.breakdown.itertuples()
    }
    assert len(sql_rows) == len(engine.breakdown), "breakdown keys are not unique"
    python_rows = {
        (c.score_id, r.record_id, c.rule_id, _value_key(c.value)): (r, c)
        for r in results
        for c in r.contributions
    }
    for key in sorted(sql_rows.keys() - python_rows.keys(), key=str):
        row = sql_rows[key]
        found.append(
            f"{key[0]} / {key[1]} rule {key[2]} value {key[3]!r}: engine-only contribution "
            f"(after decay {row.points_after_decay}, after caps {row.points_after_caps}, "
            f"events {row.event_count})"
        )
    for key in sorted(python_rows.keys() - sql_rows.keys(), key=str):
        _, c = python_rows[key]
        found.append(
            f"{key[0]} / {key[1]} rule {key[2]} value {key[3]!r}: reference-only contribution "
            f"(after decay {c.points_after_decay}, after caps {c.points_after_caps}, "
            f"events {c.event_count})"
        )
    for key in sorted(sql_rows.keys() & python_rows.keys(), key=str):
        row, (result, c) = sql_rows[key], python_rows[key]
        for column in BREAKDOWN_FIELDS:
            sql_value = getattr(row, column)
            if column == "event_count" and _missing(sql_value):
                # The engine leaves event_count null on property rules; the reference says 0.
                sql_value = 0
            if not _same_number(sql_value, getattr(c, column)):
                found.append(
                    f"{key[0]} / {key[1]} rule {key[2]} value {key[3]!r} {column}: "
                    f"sql={sql_value!r} python={getattr(c, column)!r}"
                )
        if row.group_id != c.group_id or not _same_number(
            row.group_points, result.group_points[c.group_id]
        ):
            found.append(
                f"{key[0]} / {key[1]} rule {key[2]} group points: sql={row.group_id} "
                f"{row.group_points!r} python={c.group_id} {result.group_points[c.group_id]!r}"
            )
    return found


def describe(config: ScoringConfig, score_id: str) -> list[str]:
    """A score's configuration, a line per row, for failure messages."""

    def row_text(row: object, skip: Iterable[str] = ("score_id",)) -> str:
        items = vars(row).items()
        return ", ".join(f"{k}={v!r}" for k, v in items if v is not None and k not in skip)

    score = config.score(score_id)
    lines = [f"  {row_text(score, ())}"]
    for group in config.groups_of(score_id):
        lines.append(f"    group {row_text(group)}")
        for rule in config.rules_of(score_id, group.group_id):
            lines.append(f"      rule {row_text(rule, ('score_id', 'group_id', 'rule_name'))}")
            for value in config.values_of(score_id, rule.rule_id):
                lines.append(f"        value {value.value!r} points={value.points!r}")
    lines += [f"    audience {a.list_id} {a.audience_type}" for a in config.audiences_of(score_id)]
    lines += [f"    band {row_text(b)}" for b in config.bands_of(score_id)]
    return lines


def describe_record(record: Record) -> list[str]:
    lines = [f"  record {record.record_id} lists={sorted(record.list_ids)}"]
    lines += [f"    {p.property_object}.{p.property_name} = {p.value!r}" for p in record.properties]
    for item in sorted(record.events, key=lambda e: e.occurred_at):
        age = AS_OF - item.occurred_at
        lines.append(f"    {item.event_type} age={age} {dict(item.properties)}")
    return lines


def report(scenario: Scenario, found: Sequence[str], root: Path) -> str:
    involved = Counter(line.split(" ")[0] for line in found)
    records = {line.split(" ")[2] for line in found if " / " in line}
    lines = [
        f"The dbt engine and the Python reference disagree ({len(found)} difference(s); "
        f"build in {root}):",
        *(f"  {line}" for line in found[:60]),
    ]
    if len(found) > 60:
        lines.append(f"  ... and {len(found) - 60} more")
    lines.append("Configuration of the scores involved:")
    for score_id, _ in involved.most_common(3):
        lines += describe(scenario.config, score_id)
    lines.append("Records involved (first 3):")
    for record in scenario.records:
        if record.record_id in sorted(records)[:3]:
            lines += describe_record(record)
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------------
# Tests

COVERAGE_SETTINGS = settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.large_base_example,
    ],
)


def features_of(config: ScoringConfig) -> set[str]:
    """What a configuration exercises, to check the generator covers what it should."""
    found: set[str] = set()
    for score in config.scores:
        found.add(f"score_type {score.score_type}")
        found.add(f"floor {'none' if score.floor is None else 'negative' if score.floor else '0'}")
    for group in config.groups:
        found.add(f"group_cap {group.group_cap is not None}")
        if group.decay_percent is not None:
            found.add("group decay")
    for rule in config.rules:
        found.add(f"operator {rule.operator}")
        found.add(f"{rule.rule_kind} {rule.mode}")
        if rule.rule_kind == "event":
            found.add(f"event filter {rule.property_name}")
            found.add(f"frequency {rule.frequency}")
            if rule.window_days is not None:
                found.add("window")
            if rule.decay_percent is not None:
                found.add("rule decay")
    for row in (*config.rules, *config.rule_values):
        if row.points is not None:
            found.add(f"points {'negative' if row.points < 0 else 'positive'}")
    found |= {f"audience {a.audience_type}" for a in config.audiences}
    found |= {f"band {b.band_type}" for b in config.bands}
    return found


EXPECTED_FEATURES = {
    *(f"score_type {t}" for t in ("fit", "engagement", "combined")),
    *(f"floor {f}" for f in ("0", "negative", "none")),
    "group_cap True",
    "group_cap False",
    "group decay",
    "rule decay",
    "window",
    *(f"operator {op}" for op in OPERATORS),
    *(f"{kind} {mode}" for kind in ("property", "event") for mode in ("together", "individually")),
    *(f"event filter {p}" for p in ("form_name", "cta_name", "campaign_name", "email_type")),
    "event filter page_path",
    "event filter None",
    *(f"frequency {f}" for f in ("exactly", "between", "at_least", None)),
    "points negative",
    "points positive",
    "audience include",
    "audience exclude",
    *(f"band {t}" for t in ("fit", "engagement", "total", "tier")),
}


@COVERAGE_SETTINGS
@given(scenario=scenarios())
def test_random_scenarios_are_valid_and_cover_every_feature(scenario: Scenario) -> None:
    """Fast check of the generator the dbt test below relies on (no dbt build)."""
    event_types, properties = vocabulary()
    assert validate_config(scenario.config, event_types, properties) == []
    missing = EXPECTED_FEATURES - features_of(scenario.config)
    assert not missing, f"the generator missed {sorted(missing)}"
    score_records(scenario.config, {"contact": scenario.records}, AS_OF)


@pytest.mark.dbt
@settings(
    max_examples=4,
    deadline=None,
    derandomize=True,
    database=None,
    phases=[Phase.explicit, Phase.generate],  # no shrinking: each step would be a dbt build
    print_blob=True,  # a failure prints @reproduce_failure(...) to replay exactly that example
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.large_base_example,
    ],
)
@given(scenario=scenarios())
def test_engine_matches_reference(
    scenario: Scenario, tmp_path_factory: pytest.TempPathFactory
) -> None:
    # Hypothesis starts from the simplest example (no events, every contact alike): not worth
    # a dbt build, so only examples with varied data are run.
    events = [item for record in scenario.records for item in record.events]
    assume(len(events) >= 2 * len(scenario.records))
    assume(len({item.event_type for item in events}) >= 8)
    event_types, properties = vocabulary()
    assert validate_config(scenario.config, event_types, properties) == []
    root = tmp_path_factory.mktemp("engine_vs_reference")
    engine = run_engine(root, scenario.config, scenario.raw.tables, AS_OF)
    results = score_records(scenario.config, {"contact": scenario.records}, AS_OF)

    event(f"scores per build: {len(scenario.config.enabled_scores())}")
    event(f"contacts per build: {len(scenario.records)}")
    contributions = [c for r in results for c in r.contributions]
    if any(not math.isclose(c.points_after_caps, c.points_after_decay) for c in contributions):
        event("caps or floor share points out")
    assert len(engine.scores) == len(results) > 0

    found = differences(engine, results)
    if found:
        pytest.fail(report(scenario, found, root), pytrace=False)
