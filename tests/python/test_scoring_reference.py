"""Tests for the reference implementation of rule-based scoring (the SQL engine's oracle).

The worked examples are those of ../shared/docs/scoring-semantics.md; the configuration design
is docs/scoring-engine.md.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

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
    load_config,
    load_vocabulary,
    score_record,
    score_records,
    validate_config,
    write_config,
)

AS_OF = datetime(2026, 6, 30, 12, 0, tzinfo=UTC)
Row = Score | Group | Rule | RuleValue | Audience | Band

# ---------------------------------------------------------------------------------------------
# Builders


def cfg(*rows: Row | Iterable[Row]) -> ScoringConfig:
    """A configuration from rows (or lists of rows) in any order.

    Without a Score row: score 's' (contact, engagement, cap 100, floor 0); without Group rows:
    group 'g' (engagement) and group 'f' (fit) as the rules need them.
    """
    flat: list[Row] = []
    for row in rows:
        if isinstance(row, Score | Group | Rule | RuleValue | Audience | Band):
            flat.append(row)
        else:
            flat.extend(row)
    scores = tuple(r for r in flat if isinstance(r, Score)) or (
        Score("s", "contact", "engagement", "Score"),
    )
    rules = tuple(r for r in flat if isinstance(r, Rule))
    groups = tuple(r for r in flat if isinstance(r, Group))
    if not groups:
        kinds = {"g": "engagement", "f": "fit"}
        groups = tuple(
            Group(scores[0].score_id, group_id, group_id.upper(), kinds[group_id])
            for group_id in dict.fromkeys(rule.group_id for rule in rules)
        )
    return ScoringConfig(
        scores=scores,
        groups=groups,
        rules=rules,
        rule_values=tuple(r for r in flat if isinstance(r, RuleValue)),
        audiences=tuple(r for r in flat if isinstance(r, Audience)),
        bands=tuple(r for r in flat if isinstance(r, Band)),
    )


def _values(
    rule_id: str, values: Sequence[str], each: dict[str, float] | None, score_id: str
) -> list[RuleValue]:
    if each is not None:
        return [RuleValue(score_id, rule_id, value, points) for value, points in each.items()]
    return [RuleValue(score_id, rule_id, value) for value in values]


def ev(
    rule_id: str,
    event_type: str,
    points: float | None = None,
    *,
    group: str = "g",
    prop: str | None = None,
    op: str | None = None,
    values: Sequence[str] = (),
    each: dict[str, float] | None = None,
    score_id: str = "s",
    **columns: Any,
) -> list[Row]:
    """An event rule and its values: ``values`` (together, ``points``) or ``each`` (individually:
    value -> points). With a property and no operator, the operator is ``is_any_of``."""
    if prop is not None and op is None:
        op = "is_any_of"
    rule = Rule(
        score_id,
        rule_id,
        group,
        rule_id.replace("_", " "),
        "event",
        property_name=prop,
        event_type=event_type,
        operator=op,
        value_mode="individually" if each is not None else "together",
        points=points,
        **columns,
    )
    return [rule, *_values(rule_id, values, each, score_id)]


def pr(
    rule_id: str,
    name: str,
    op: str,
    points: float | None = None,
    *,
    group: str = "f",
    obj: str = "contact",
    values: Sequence[str] = (),
    each: dict[str, float] | None = None,
    low: str | None = None,
    high: str | None = None,
    score_id: str = "s",
) -> list[Row]:
    """A property rule and its values (see :func:`ev`)."""
    rule = Rule(
        score_id,
        rule_id,
        group,
        rule_id.replace("_", " "),
        "property",
        property_object=obj,
        property_name=name,
        operator=op,
        value_low=low,
        value_high=high,
        value_mode="individually" if each is not None else "together",
        points=points,
    )
    return [rule, *_values(rule_id, values, each, score_id)]


_ids = itertools.count(1)


def event(event_type: str, days_ago: float = 1.0, **properties: str | None) -> Event:
    """An event ``days_ago`` days before AS_OF."""
    return Event(f"e{next(_ids)}", event_type, AS_OF - timedelta(days=days_ago), properties)


def record(
    *events: Event,
    props: Iterable[tuple[str, str, str | None]] = (),
    lists: Iterable[str] = (),
    record_id: str = "r1",
) -> Record:
    """A record with events, (object, property, value) properties and list memberships."""
    return Record(
        record_id,
        tuple(PropertyValue(obj, name, value) for obj, name, value in props),
        tuple(events),
        frozenset(lists),
    )


def run(config: ScoringConfig, rec: Record, score_id: str = "s") -> ScoreResult:
    """Score a record, checking first that the configuration is valid and afterwards that the
    breakdown adds up."""
    assert validate_config(config) == []
    result = score_record(config, score_id, rec, AS_OF)
    assert_adds_up(result)
    return result


def assert_adds_up(result: ScoreResult) -> None:
    if result.total is None:
        assert result.contributions == ()
    else:
        shares = math.fsum(c.points_after_caps for c in result.contributions)
        assert shares == pytest.approx(result.total, abs=1e-9)


def total_of(config: ScoringConfig, rec: Record) -> float | None:
    return run(config, rec).total


def points_by_rule(result: ScoreResult) -> dict[tuple[str, str | None], float]:
    return {(c.rule_id, c.value): c.points_after_caps for c in result.contributions}


# ---------------------------------------------------------------------------------------------
# Worked examples of scoring-semantics.md


def engagement_groups() -> ScoringConfig:
    """Examples 1 and 2: a sales group and a marketing group, each capped at 60."""
    marketing: dict[str, Any] = {"prop": "email_type", "op": "equals", "values": ["marketing"]}
    return cfg(
        Score("s", "contact", "engagement", "Engagement", total_cap=100.0),
        Group("s", "sales", "Engagement with sales", "engagement", group_cap=60.0),
        Group("s", "marketing", "Engagement with marketing", "engagement", group_cap=60.0),
        ev("call_started", "call_started", 15, group="sales"),
        ev("meeting_booked", "meeting_booked", 10, group="sales"),
        ev("meeting_completed", "meeting_completed", 20, group="sales"),
        ev("cta_click", "cta_click", 6, group="marketing"),
        ev("email_open", "email_open", 2, group="marketing", **marketing),
        ev("email_click", "email_click", 5, group="marketing", **marketing),
    )


def test_example_1_engagement_groups() -> None:
    rec = record(
        event("meeting_booked"),
        *[event("email_open", email_type="marketing") for _ in range(2)],
        *[event("email_click", email_type="Marketing") for _ in range(3)],
    )
    result = run(engagement_groups(), rec)
    assert result.group_points == {"sales": 10, "marketing": 19}
    assert result.total == 29
    assert result.engagement == 29
    assert result.fit is None
    assert points_by_rule(result) == {
        ("meeting_booked", None): 10,
        ("email_open", None): 4,
        ("email_click", None): 15,
    }


def test_example_2_group_cap() -> None:
    rec = record(
        *[event("email_click", email_type="marketing") for _ in range(8)],
        *[event("email_open", email_type="marketing") for _ in range(20)],
    )
    result = run(engagement_groups(), rec)
    assert result.group_points["marketing"] == 60  # min(40 + 40, 60)
    assert result.total == 60
    clicks, opens = result.contributions[1], result.contributions[0]
    assert (opens.points_raw, opens.points_after_caps, opens.event_count) == (40, 30, 20)
    assert (clicks.points_raw, clicks.points_after_caps, clicks.event_count) == (40, 30, 8)


@pytest.mark.parametrize(("days_ago", "expected"), [(10, 10), (40, 5), (70, 0), (400, 0)])
def test_example_3_decay(days_ago: int, expected: float) -> None:
    config = cfg(
        ev("form", "form_submission", 10, decay_percent=50.0, decay_period_days=30),
    )
    assert total_of(config, record(event("form_submission", days_ago))) == expected


def test_example_4_full_decay() -> None:
    config = cfg(ev("cta", "cta_click", 2, decay_percent=100.0, decay_period_days=90))
    result = run(config, record(event("cta_click", 120)))
    assert result.total == 0
    (contribution,) = result.contributions  # matched, decayed to nothing
    assert (contribution.points_raw, contribution.points_after_decay) == (2, 0)


def test_example_5_fit_together() -> None:
    config = cfg(
        Score("s", "company", "fit", "Company fit"),
        pr(
            "region",
            "region",
            "is_any_of",
            15,
            obj="company",
            values=["Northeast", "Midwest", "Southeast"],
        ),
    )
    rec = record(props=[("company", "region", "Northeast"), ("company", "region", "Midwest")])
    result = run(config, rec)
    assert result.total == 15
    assert result.fit == 15
    assert result.engagement is None


def test_example_6_fit_individually() -> None:
    config = cfg(
        Score("s", "company", "fit", "Company fit"),
        pr(
            "region",
            "region",
            "is_any_of",
            obj="company",
            each={"Hokkaido": 15, "Kanagawa": 10, "Osaka": 8},
        ),
    )
    rec = record(props=[("company", "region", "Hokkaido"), ("company", "region", "Kanagawa")])
    result = run(config, rec)
    assert result.total == 25
    assert points_by_rule(result) == {("region", "Hokkaido"): 15, ("region", "Kanagawa"): 10}


def test_example_7_engagement_together() -> None:
    config = cfg(
        ev("forms", "form_submission", 5, prop="form_name", values=["Contact us", "Newsletter"])
    )
    rec = record(
        event("form_submission", form_name="Contact us"),
        event("form_submission", form_name="Newsletter"),
    )
    result = run(config, rec)
    assert result.total == 10
    assert result.contributions[0].event_count == 2


def test_example_8_engagement_individually() -> None:
    config = cfg(
        ev("forms", "form_submission", prop="form_name", each={"Contact us": 5, "Newsletter": 2})
    )
    rec = record(
        event("form_submission", form_name="Contact us"),
        event("form_submission", form_name="Newsletter"),
    )
    assert total_of(config, rec) == 7


def test_example_9_floor() -> None:
    config = cfg(
        ev("unsubscribed", "email_unsubscribe", -20),
        ev("bounced", "email_bounce", -10),
    )
    result = run(config, record(event("email_unsubscribe"), event("email_bounce")))
    assert result.total == 0
    assert result.group_points == {"g": -30}
    assert [c.points_after_caps for c in result.contributions] == [0, 0]


def service_area_config() -> ScoringConfig:
    area = ["Northeast", "Midwest", "Southeast"]
    return cfg(
        Score("s", "company", "fit", "Company fit"),
        pr("hospitality", "industry", "equals", 10, obj="company", values=["hospitality"]),
        pr("northeast", "region", "equals", 15, obj="company", values=["Northeast"]),
        pr("outside_area", "region", "is_none_of", -30, obj="company", values=area),
    )


def test_example_10_add_and_subtract() -> None:
    in_northeast = record(
        props=[("company", "industry", "Hospitality"), ("company", "region", "Northeast")]
    )
    outside = record(props=[("company", "industry", "hospitality"), ("company", "region", "Texas")])
    assert total_of(service_area_config(), in_northeast) == 25
    result = run(service_area_config(), outside)
    assert result.total == 0
    assert points_by_rule(result) == {("hospitality", None): 10, ("outside_area", None): -10}


@pytest.mark.parametrize(("views", "expected"), [(2, 0), (3, 20), (9, 20)])
def test_example_11_frequency(views: int, expected: float) -> None:
    config = cfg(
        ev(
            "pricing",
            "page_view",
            20,
            prop="page_path",
            op="equals",
            values=["/pricing"],
            frequency="at_least",
            frequency_min=3,
            window_days=30,
        )
    )
    recent = [event("page_view", 29, page_path="/pricing") for _ in range(views)]
    old = [event("page_view", 31, page_path="/pricing") for _ in range(5)]
    other = [event("page_view", 1, page_path="/about") for _ in range(5)]
    assert total_of(config, record(*recent, *old, *other)) == expected


def matrix_config() -> ScoringConfig:
    bands = [
        Band("s", "fit", "High", 70.0, "A"),
        Band("s", "fit", "Medium", 40.0, "B"),
        Band("s", "fit", "Low", 0.0, "C"),
        Band("s", "engagement", "High", 70.0, "1"),
        Band("s", "engagement", "Medium", 40.0, "2"),
        Band("s", "engagement", "Low", 0.0, "3"),
    ]
    return cfg(
        Score("s", "contact", "combined", "Lead score"),
        pr("seniority", "seniority", "equals", each={"manager": 25, "vp": 75}),
        ev("meeting", "meeting_booked", 80),
        ev("open", "email_open", 10),
        bands,
    )


def test_example_12_matrix() -> None:
    low_fit_high_engagement = run(
        matrix_config(),
        record(event("meeting_booked"), props=[("contact", "seniority", "manager")]),
    )
    assert (low_fit_high_engagement.fit, low_fit_high_engagement.engagement) == (25, 80)
    assert low_fit_high_engagement.matrix_label == "C1"
    assert low_fit_high_engagement.fit_label == "Low"
    assert low_fit_high_engagement.engagement_label == "High"
    assert low_fit_high_engagement.total == 100  # min(105, 100)

    high_fit_low_engagement = run(
        matrix_config(), record(event("email_open"), props=[("contact", "seniority", "VP")])
    )
    assert (high_fit_low_engagement.fit, high_fit_low_engagement.engagement) == (75, 10)
    assert high_fit_low_engagement.matrix_label == "A3"


def test_example_13_audience_exclusion() -> None:
    config = cfg(ev("open", "email_open", 5), Audience("s", "competitors", "exclude"))
    excluded = run(config, record(event("email_open"), lists=["competitors"]))
    assert excluded.is_in_audience is False
    assert excluded.total is None
    assert excluded.engagement is None
    assert excluded.contributions == ()
    assert excluded.tier is None
    kept = run(config, record(event("email_open"), lists=["newsletter"]))
    assert (kept.is_in_audience, kept.total) == (True, 5)


# ---------------------------------------------------------------------------------------------
# Operators


@pytest.mark.parametrize(
    ("op", "values", "low", "high", "record_values", "expected"),
    [
        ("equals", ["Hospitality"], None, None, [" hospitality "], True),
        ("equals", ["Hospitality"], None, None, ["hospitality group"], False),
        ("not_equals", ["hospitality"], None, None, ["retail"], True),
        ("not_equals", ["hospitality"], None, None, ["retail", "HOSPITALITY"], False),
        ("not_equals", ["hospitality"], None, None, [], True),
        ("not_equals", ["hospitality"], None, None, [None, "  "], True),
        ("is_any_of", ["a", "b"], None, None, ["c", "B"], True),
        ("is_any_of", ["a", "b"], None, None, ["c"], False),
        ("is_any_of", ["a", "b"], None, None, [], False),
        ("is_none_of", ["a", "b"], None, None, ["c", "d"], True),
        ("is_none_of", ["a", "b"], None, None, ["c", "a"], False),
        ("is_none_of", ["a", "b"], None, None, [], True),
        ("contains_any_of", ["soft", "cloud"], None, None, ["Microsoft"], True),
        ("contains_any_of", ["soft", "cloud"], None, None, ["hardware"], False),
        ("greater_than", [], "100", None, ["150"], True),
        ("greater_than", [], "100", None, ["100"], False),
        ("greater_than", [], "100", None, ["lots"], False),
        ("greater_than", [], "100", None, ["5", "500"], True),
        ("greater_than", [], "9", None, ["10"], True),  # numeric, not text, comparison
        ("greater_than", [], "1", None, ["NaN", "inf", "1_000", "\u0663"], False),  # not numbers
        ("greater_than", [], "2024-01-01", None, ["2024-01-02"], True),  # dates compare too
        ("greater_or_equal", [], "100", None, ["100.0"], True),
        ("greater_or_equal", [], "100", None, ["99.5"], False),
        ("less_than", [], "1e3", None, ["999"], True),
        ("less_than", [], "1000", None, ["1000"], False),
        ("less_or_equal", [], "-5", None, ["-5"], True),
        ("less_or_equal", [], "-5", None, ["-4"], False),
        ("between", [], "10", "20", ["10"], True),
        ("between", [], "10", "20", ["20"], True),
        ("between", [], "10", "20", ["20.01"], False),
        ("between", [], "2024-01-01", "2024-12-31", ["2024-06-30T10:00:00Z"], True),
        ("before", [], "2024-01-01", None, ["2023-12-31"], True),
        ("before", [], "2024-01-01", None, ["2024-01-01T00:00:00Z"], False),
        ("before", [], "2024-01-01", None, ["not a date"], False),
        ("after", [], "2024-01-01", None, ["2024-01-01T00:00:01"], True),
        ("after", [], "2024-01-01T00:00:00+02:00", None, ["2023-12-31T23:00:00Z"], True),
        ("after", [], "2024-01-01", None, ["2024-01-01"], False),
        ("is_known", [], None, None, ["x"], True),
        ("is_known", [], None, None, ["  "], False),
        ("is_known", [], None, None, [], False),
        ("is_unknown", [], None, None, [], True),
        ("is_unknown", [], None, None, [None], True),
        ("is_unknown", [], None, None, ["x"], False),
    ],
)
def test_property_operators(
    op: str,
    values: list[str],
    low: str | None,
    high: str | None,
    record_values: list[str | None],
    expected: bool,
) -> None:
    config = cfg(
        Score("s", "contact", "fit", "Fit"),
        pr("rule", "attribute", op, 10, values=values, low=low, high=high),
    )
    rec = record(props=[("contact", "attribute", value) for value in record_values])
    assert total_of(config, rec) == (10 if expected else 0)


def test_property_of_an_associated_object() -> None:
    """A contact's deals: one value per deal; the rule reads the deal property, not the
    contact's property of the same name."""
    config = cfg(
        Score("s", "contact", "fit", "Fit"),
        pr("big_deal", "amount", "greater_than", 10, obj="deal", low="50000"),
        pr("no_lost_deal", "deal_stage", "not_equals", 5, obj="deal", values=["closed_lost"]),
    )
    deals = [("deal", "amount", "1000"), ("deal", "amount", "90000")]
    lost = [("deal", "deal_stage", "open"), ("deal", "deal_stage", "Closed_Lost")]
    assert total_of(config, record(props=deals)) == 15
    assert total_of(config, record(props=[*deals, *lost])) == 10
    assert total_of(config, record(props=[("contact", "amount", "90000")])) == 5


def test_event_operators_test_each_event() -> None:
    config = cfg(
        ev("not_blog", "page_view", 1, prop="page_path", op="is_none_of", values=["/blog"]),
        ev("no_campaign", "email_open", 2, prop="campaign_name", op="is_unknown"),
        ev("docs", "page_view", 3, prop="page_path", op="contains_any_of", values=["/docs/"]),
    )
    rec = record(
        event("page_view", page_path="/blog"),
        event("page_view", page_path="/docs/start"),
        event("page_view"),  # no page_path: not /blog
        event("email_open", campaign_name="Spring"),
        event("email_open", campaign_name=" "),
        event("email_open"),
    )
    result = run(config, rec)
    assert {c.rule_id: c.event_count for c in result.contributions} == {
        "not_blog": 2,
        "no_campaign": 2,
        "docs": 1,
    }
    assert result.total == 2 * 1 + 2 * 2 + 3


def test_event_rule_without_property_counts_every_event_of_its_type() -> None:
    config = cfg(ev("opens", "email_open", 1.5))
    rec = record(event("email_open"), event("email_open", email_type="sales"), event("email_click"))
    assert total_of(config, rec) == 3


@pytest.mark.parametrize(
    ("frequency", "low", "high", "counts"),
    [
        ("exactly", 2, None, {0: False, 1: False, 2: True, 3: False}),
        ("between", 2, 4, {1: False, 2: True, 3: True, 4: True, 5: False}),
        ("at_least", 3, None, {2: False, 3: True, 10: True}),
    ],
)
def test_frequency(frequency: str, low: int, high: int | None, counts: dict[int, bool]) -> None:
    config = cfg(
        ev(
            "demo",
            "form_submission",
            7,
            prop="form_name",
            values=["Demo"],
            frequency=frequency,
            frequency_min=low,
            frequency_max=high,
        )
    )
    for count, satisfied in counts.items():
        events = [event("form_submission", form_name="demo") for _ in range(count)]
        events.append(event("form_submission", form_name="Newsletter"))
        result = run(config, record(*events))
        assert result.total == (7 if satisfied else 0), count
        if satisfied:
            (contribution,) = result.contributions
            assert (contribution.points_raw, contribution.event_count) == (7, count)


def test_window_boundaries() -> None:
    """Counted when as_of - window_days < occurred_at <= as_of."""
    config = cfg(ev("view", "page_view", 1, window_days=30))
    second = timedelta(seconds=1)
    cases = {
        AS_OF - timedelta(days=30): False,
        AS_OF - timedelta(days=30) + second: True,
        AS_OF - timedelta(days=5): True,
        AS_OF: True,
        AS_OF + second: False,
    }
    for occurred_at, counted in cases.items():
        rec = record(Event("e", "page_view", occurred_at, {}))
        assert total_of(config, rec) == (1 if counted else 0), occurred_at


def test_events_after_as_of_never_count() -> None:
    config = cfg(
        ev("view", "page_view", 1),
        ev("often", "email_open", 5, frequency="at_least", frequency_min=1),
    )
    rec = record(event("page_view", -1), event("email_open", -0.5))
    assert total_of(config, rec) == 0


def test_decay_counts_whole_days_and_whole_periods() -> None:
    config = cfg(
        Group("s", "g", "G", "engagement", decay_percent=25.0, decay_period_days=10),
        ev("view", "page_view", 8),
        ev("demo", "form_submission", 8, decay_percent=50.0, decay_period_days=7),
    )
    assert total_of(config, record(event("page_view", 9.99))) == 8  # 9 whole days
    assert total_of(config, record(event("page_view", 10))) == 6
    assert total_of(config, record(event("page_view", 39.5))) == 2
    assert total_of(config, record(event("form_submission", 7))) == 4  # the rule's own decay
    result = run(config, record(*[event("page_view", days) for days in (0, 10, 20, 30, 40)]))
    (contribution,) = result.contributions
    assert (contribution.points_raw, contribution.points_after_decay) == (40, 8 + 6 + 4 + 2)
    assert contribution.event_count == 5


def test_individually_with_frequency_counts_each_value() -> None:
    config = cfg(
        ev(
            "pages",
            "page_view",
            prop="page_path",
            each={"/pricing": 20, "/demo": 30, "/careers": -5},
            frequency="at_least",
            frequency_min=2,
        )
    )
    rec = record(
        *[event("page_view", page_path="/pricing") for _ in range(3)],
        event("page_view", page_path="/demo"),
        *[event("page_view", page_path="/careers") for _ in range(2)],
    )
    result = run(config, rec)
    assert result.total == 15
    assert [(c.value, c.points_after_decay, c.event_count) for c in result.contributions] == [
        ("/pricing", 20, 3),
        ("/careers", -5, 2),
    ]


def test_individually_events_add_each_matched_value() -> None:
    """Without frequency each event adds the points of the value it matched; an event that
    matches two listed values (contains_any_of) adds both."""
    config = cfg(
        ev(
            "pages",
            "page_view",
            op="contains_any_of",
            prop="page_path",
            each={"pricing": 3, "enterprise": 4},
        )
    )
    rec = record(
        event("page_view", page_path="/pricing"),
        event("page_view", page_path="/pricing/enterprise"),
        event("page_view", page_path="/about"),
    )
    result = run(config, rec)
    assert points_by_rule(result) == {("pages", "pricing"): 6, ("pages", "enterprise"): 4}


# ---------------------------------------------------------------------------------------------
# Audiences, floor, caps, breakdown, labels


def test_inclusion_audience() -> None:
    config = cfg(
        ev("open", "email_open", 5),
        Audience("s", "emea", "include"),
        Audience("s", "apac", "include"),
        Audience("s", "do_not_score", "exclude"),
    )
    assert run(config, record(event("email_open"), lists=["apac"])).total == 5
    assert run(config, record(lists=["emea"])).total == 0  # in the audience, no points: 0
    outside = run(config, record(event("email_open"), lists=["na"]))
    assert (outside.is_in_audience, outside.total) == (False, None)
    both = run(config, record(event("email_open"), lists=["emea", "do_not_score"]))
    assert (both.is_in_audience, both.total) == (False, None)


def test_no_floor_shows_negative_scores() -> None:
    config = cfg(
        Score("s", "contact", "engagement", "Engagement", floor=None),
        ev("unsubscribed", "email_unsubscribe", -20),
        ev("open", "email_open", 2),
    )
    result = run(config, record(event("email_unsubscribe"), event("email_open")))
    assert result.total == -18
    assert result.engagement == -18


def test_negative_floor() -> None:
    config = cfg(
        Score("s", "contact", "engagement", "Engagement", floor=-10.0),
        ev("unsubscribed", "email_unsubscribe", -20),
        ev("spam", "email_spam_report", -20),
        ev("open", "email_open", 2),
    )
    result = run(
        config, record(event("email_unsubscribe"), event("email_spam_report"), event("email_open"))
    )
    assert result.total == -10
    assert points_by_rule(result) == {
        ("unsubscribed", None): pytest.approx(-6),
        ("spam", None): pytest.approx(-6),
        ("open", None): 2,
    }


def test_total_cap() -> None:
    config = cfg(
        Score("s", "contact", "engagement", "Engagement", total_cap=50.0),
        Group("s", "a", "A", "engagement"),
        Group("s", "b", "B", "engagement", group_cap=40.0),
        ev("meeting", "meeting_booked", 30, group="a"),
        ev("call", "call_started", 25, group="b"),
    )
    result = run(
        config, record(event("meeting_booked"), event("call_started"), event("call_started"))
    )
    assert result.group_points == {"a": 30, "b": 40}
    assert result.total == 50
    assert points_by_rule(result) == {
        ("meeting", None): pytest.approx(30 * 50 / 70),
        ("call", None): pytest.approx(40 * 50 / 70),
    }


def test_breakdown_adds_up_when_capped_and_floored() -> None:
    config = cfg(
        Group("s", "a", "A", "engagement", group_cap=50.0),
        Group("s", "b", "B", "engagement"),
        Group("s", "c", "C", "engagement"),
        ev("meeting", "meeting_booked", 40, group="a"),
        ev("call", "call_started", 30, group="a"),
        ev("bounce", "email_bounce", -5, group="a"),
        ev("demo", "form_submission", 60, group="b"),
        ev("unsubscribed", "email_unsubscribe", -200, group="c"),
    )
    capped = run(
        config,
        record(
            event("meeting_booked"),
            event("call_started"),
            event("email_bounce"),
            event("form_submission"),
        ),
    )
    assert capped.group_points == {"a": 50, "b": 60, "c": 0}
    assert capped.total == 100
    group_factor = (50 + 5) / 70
    total_factor = (100 + 5) / (70 * group_factor + 60)
    assert points_by_rule(capped) == {
        ("meeting", None): pytest.approx(40 * group_factor * total_factor),
        ("call", None): pytest.approx(30 * group_factor * total_factor),
        ("bounce", None): -5,
        ("demo", None): pytest.approx(60 * total_factor),
    }

    floored = run(
        config,
        record(
            event("meeting_booked"),
            event("call_started"),
            event("email_bounce"),
            event("email_unsubscribe"),
        ),
    )
    assert floored.group_points == {"a": 50, "b": 0, "c": -200}
    assert floored.total == 0
    shares = points_by_rule(floored)
    assert shares[("meeting", None)] + shares[("call", None)] == pytest.approx(55)
    assert shares[("bounce", None)] == pytest.approx(-5 * 55 / 205)
    assert shares[("unsubscribed", None)] == pytest.approx(-200 * 55 / 205)


def test_fit_and_engagement_parts_are_capped_and_floored_separately() -> None:
    config = cfg(
        Score("s", "contact", "combined", "Lead score", total_cap=100.0),
        pr("vp", "seniority", "equals", 90, values=["vp"]),
        pr("student", "email_domain_type", "equals", -40, values=["student"]),
        ev("meetings", "meeting_booked", 60),
    )
    rec = record(
        event("meeting_booked"),
        event("meeting_booked"),
        props=[("contact", "seniority", "vp"), ("contact", "email_domain_type", "student")],
    )
    result = run(config, rec)
    assert (result.fit, result.engagement, result.total) == (50, 100, 100)
    assert result.group_points == {"f": 50, "g": 120}


def test_labels_and_tiers() -> None:
    config = cfg(
        Score("s", "contact", "engagement", "Engagement"),
        ev("view", "page_view", 10),
        Band("s", "engagement", "High", 70.0, "1"),
        Band("s", "engagement", "Low", 0.0, "3"),
        Band("s", "engagement", "Medium", 40.0, "2"),
        Band("s", "total", "Top", 90.0),
        Band("s", "total", "Rest", 0.0),
        Band("s", "tier", "Hot", 80.0),
        Band("s", "tier", "Warm", 50.0),
        Band("s", "tier", "Cool", 20.0),
        Band("s", "tier", "Cold", 0.0),
    )
    labels = {}
    for views in (0, 2, 4, 5, 7, 8, 12):
        result = run(config, record(*[event("page_view") for _ in range(views)]))
        labels[views] = (result.engagement_label, result.total_label, result.tier)
        assert result.fit_label is None
        assert result.matrix_label is None
    assert labels == {
        0: ("Low", "Rest", "Cold"),
        2: ("Low", "Rest", "Cool"),
        4: ("Medium", "Rest", "Cool"),
        5: ("Medium", "Rest", "Warm"),
        7: ("High", "Rest", "Warm"),
        8: ("High", "Rest", "Hot"),
        12: ("High", "Top", "Hot"),  # the top band includes the cap
    }


def test_value_is_matched_literally() -> None:
    nasty = "O'Brien; drop table x; --%"
    config = cfg(
        Score("s", "contact", "fit", "Fit"),
        pr("name", "last_name", "equals", 10, values=[nasty]),
        pr("percent", "last_name", "contains_any_of", 1, values=["%"]),
        pr("underscore", "last_name", "contains_any_of", 50, values=["_"]),
    )
    assert (
        total_of(config, record(props=[("contact", "last_name", "o'brien; DROP TABLE x; --%")]))
        == 11
    )
    assert total_of(config, record(props=[("contact", "last_name", "O'Brien")])) == 0
    assert total_of(config, record(props=[("contact", "last_name", "O'Brien; drop")])) == 0
    assert total_of(config, record(props=[("contact", "last_name", "100% x_y")])) == 51
    assert total_of(config, record(props=[("contact", "last_name", "anything")])) == 0


def test_score_records_covers_enabled_scores_and_their_object_types() -> None:
    config = cfg(
        Score("contact_s", "contact", "engagement", "Contacts"),
        Score("company_s", "company", "engagement", "Companies"),
        Score("off", "contact", "engagement", "Disabled", is_enabled=False),
        Group("contact_s", "g", "G", "engagement"),
        Group("company_s", "g", "G", "engagement"),
        Group("off", "g", "G", "engagement"),
        ev("open", "email_open", 1, score_id="contact_s"),
        ev("open", "email_open", 2, score_id="company_s"),
        ev("open", "email_open", 4, score_id="off"),
    )
    assert validate_config(config) == []
    contacts = [record(event("email_open"), record_id="c1"), record(record_id="c2")]
    companies = [record(event("email_open"), event("email_open"), record_id="co1")]
    results = score_records(config, {"contact": contacts, "company": companies}, AS_OF)
    assert [(r.score_id, r.record_id, r.total) for r in results] == [
        ("contact_s", "c1", 1),
        ("contact_s", "c2", 0),
        ("company_s", "co1", 4),
    ]


def test_results_do_not_depend_on_event_order() -> None:
    rec = record(
        event("meeting_booked"),
        *[event("email_open", days, email_type="marketing") for days in range(25)],
    )
    reversed_rec = replace(rec, events=rec.events[::-1])
    assert run(engagement_groups(), rec) == run(engagement_groups(), reversed_rec)


# ---------------------------------------------------------------------------------------------
# CSV files


def rich_config() -> ScoringConfig:
    return cfg(
        Score(
            "s",
            "company",
            "combined",
            'Lead, "fit" & more',
            "desc\nmultiline",
            95.5,
            None,
            "primary",
            True,
        ),
        Score("t", "deal", "fit", "Off", None, 100.0, 0.0, None, False),
        Group("s", "f", "Fit", "fit", 40.0),
        Group("s", "g", "Engagement", "engagement", None, 12.5, 30),
        Group("t", "f", "Fit", "fit"),
        pr(
            "region",
            "region",
            "is_any_of",
            obj="company",
            each={"O'Brien; drop table x; --%": 1.25, "Kanagawa": -3.0},
        ),
        ev(
            "pricing",
            "page_view",
            20,
            prop="page_path",
            values=["/pricing"],
            frequency="between",
            frequency_min=2,
            frequency_max=5,
        ),
        pr("amount", "amount", "between", 5, obj="deal", low="1000", high="2000.5", score_id="t"),
        Audience("s", "competitors", "exclude"),
        Band("s", "tier", "Hot", 80.0),
        Band("s", "fit", "High", 70.0, "A"),
    )


def test_load_config_round_trip(tmp_path: Path) -> None:
    config = rich_config()
    write_config(config, tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        [
            "scores.csv",
            "score_groups.csv",
            "score_rules.csv",
            "score_rule_values.csv",
            "score_audiences.csv",
            "score_bands.csv",
        ]
    )
    assert load_config(tmp_path) == config


def test_load_config_reads_hand_written_csv(tmp_path: Path) -> None:
    write_config(ScoringConfig(), tmp_path)
    (tmp_path / "scores.csv").write_text(
        "score_id,object_type,score_type,score_name,description,total_cap,floor,contact_role,"
        "is_enabled,extra\n"
        "s,contact,engagement,Engagement,, 100 ,,,TRUE,ignored\n"
        "t,contact,fit,Fit,,,0,,false,\n",
        encoding="utf-8",
    )
    (tmp_path / "score_groups.csv").write_text(
        "score_id,group_id,group_name,group_kind,group_cap,decay_percent,decay_period_days\n"
        "s,g,G,engagement,60,50,30.0\n",
        encoding="utf-8",
    )
    config = load_config(tmp_path)
    assert config.scores == (
        Score("s", "contact", "engagement", "Engagement", None, 100.0, None, None, True),
        Score("t", "contact", "fit", "Fit", None, None, 0.0, None, False),
    )
    assert config.groups == (Group("s", "g", "G", "engagement", 60.0, 50.0, 30),)
    assert config.groups_of("s") == config.groups
    assert config.enabled_scores() == (config.scores[0],)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("score_id,object_type\ns,contact\n", "missing column(s) score_type"),
        (
            "score_id,object_type,score_type,score_name,description,total_cap,floor,"
            "contact_role,is_enabled\ns,contact,fit,F,,lots,,,true\n",
            "line 2, column total_cap: cannot read 'lots'",
        ),
        (
            "score_id,object_type,score_type,score_name,description,total_cap,floor,"
            "contact_role,is_enabled\ns,contact,fit,F,,,,,yes\n",
            "column is_enabled: cannot read 'yes'",
        ),
        (
            "score_id,object_type,score_type,score_name,description,total_cap,floor,"
            "contact_role,is_enabled\n,contact,fit,F,,,,,true\n",
            "column score_id: a value is required",
        ),
    ],
)
def test_load_config_errors(tmp_path: Path, content: str, message: str) -> None:
    write_config(ScoringConfig(), tmp_path)
    (tmp_path / "scores.csv").write_text(content, encoding="utf-8")
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        load_config(tmp_path)


def test_load_vocabulary(tmp_path: Path) -> None:
    (tmp_path / "event_types.csv").write_text(
        "event_type,event_source,description,properties\n"
        "form_submission,web,A form,form_name;page_path\n"
        "meeting_booked,sales,A meeting,\n",
        encoding="utf-8",
    )
    (tmp_path / "props.csv").write_text(
        "object_type,property_name,data_type,description\ncompany,region,text,Region\n",
        encoding="utf-8",
    )
    event_types, properties = load_vocabulary(tmp_path / "event_types.csv", tmp_path / "props.csv")
    assert event_types == {"form_submission", "meeting_booked"}
    assert properties == {
        ("form_submission", "form_name"),
        ("form_submission", "page_path"),
        ("company", "region"),
    }


# ---------------------------------------------------------------------------------------------
# Validation


def base_config() -> ScoringConfig:
    """A valid combined score 's' with fit group 'f' (rule 'r') and engagement group 'g'
    (rule 'e')."""
    return cfg(
        Score("s", "contact", "combined", "Lead score"),
        Group("s", "f", "Fit", "fit"),
        Group("s", "g", "Engagement", "engagement"),
        pr("r", "seniority", "is_any_of", 10, values=["vp"]),
        ev("e", "form_submission", 5, prop="form_name", values=["Demo"]),
        Band("s", "fit", "High", 70.0, "A"),
        Band("s", "fit", "Low", 0.0, "C"),
    )


def change_rule(config: ScoringConfig, rule_id: str, **changes: Any) -> ScoringConfig:
    rules = tuple(
        replace(rule, **changes) if rule.rule_id == rule_id else rule for rule in config.rules
    )
    return replace(config, rules=rules)


def change_group(config: ScoringConfig, group_id: str, **changes: Any) -> ScoringConfig:
    groups = tuple(
        replace(group, **changes) if group.group_id == group_id else group
        for group in config.groups
    )
    return replace(config, groups=groups)


def without_values(config: ScoringConfig, rule_id: str) -> ScoringConfig:
    return replace(config, rule_values=tuple(v for v in config.rule_values if v.rule_id != rule_id))


def test_base_config_is_valid() -> None:
    assert validate_config(base_config()) == []
    assert (
        validate_config(
            base_config(),
            {"form_submission"},
            {("contact", "seniority"), ("form_submission", "form_name")},
        )
        == []
    )


RULE_FAULTS: list[tuple[str, object, str]] = [
    # (rule, change, expected message fragment)
    ("r", {"operator": "foo"}, "unknown operator 'foo'"),
    ("r", {"rule_kind": "magic"}, "unknown rule_kind 'magic'"),
    ("r", {"value_mode": "sometimes"}, "unknown value_mode 'sometimes'"),
    ("e", {"frequency": "often"}, "unknown frequency 'often'"),
    ("r", {"group_id": "nowhere"}, "group 'nowhere' is not a group of score 's'"),
    ("r", {"group_id": "g"}, "property rule in engagement group 'g'"),
    ("e", {"group_id": "f"}, "event rule in fit group 'f'"),
    ("r", {"operator": "greater_than"}, "operator 'greater_than' needs value_low"),
    ("r", {"operator": "between", "value_low": "1"}, "operator 'between' needs value_high"),
    (
        "e",
        {"frequency": "between", "frequency_min": 5, "frequency_max": 2},
        "frequency_min is above frequency_max",
    ),
    ("e", {"frequency": "at_least"}, "frequency 'at_least' needs frequency_min"),
    ("e", {"frequency": "exactly", "frequency_min": 0}, "frequency_min 0 is below 1"),
    (
        "e",
        {
            "frequency": "at_least",
            "frequency_min": 2,
            "decay_percent": 50.0,
            "decay_period_days": 30,
        },
        "decay cannot be combined with a frequency condition",
    ),
    ("e", {"decay_percent": 50.0}, "decay needs both decay_percent and decay_period_days"),
    ("e", {"decay_percent": 150.0, "decay_period_days": 30}, "is not between 0 and 100"),
    ("e", {"window_days": 0}, "window_days 0 is below 1"),
    (
        "e",
        {"window_days": 30, "decay_percent": 50.0, "decay_period_days": 30},
        "window_days cannot be combined with decay in the same group",
    ),
    ("r", {"window_days": 30}, "window_days applies to event rules only"),
    ("r", {"property_name": None}, "missing property_name"),
    (
        "r",
        {"property_object": "deal", "property_name": "amount", "operator": "is_known"},
        "operator 'is_known' takes no values",
    ),
    ("e", {"event_type": None}, "missing event_type"),
    ("e", {"property_name": None}, "operator 'is_any_of' needs the event property_name"),
    ("r", {"points": None}, "together mode rule has no points"),
    ("r", {"value_mode": "individually"}, "individually mode value 'vp' has no points"),
    (
        "r",
        {"value_mode": "individually", "operator": "is_none_of", "points": None},
        "value_mode 'individually' needs operator",
    ),
]


@pytest.mark.parametrize(("rule_id", "changes", "fragment"), RULE_FAULTS)
def test_validation_names_score_group_and_rule(
    rule_id: str, changes: dict[str, Any], fragment: str
) -> None:
    config = change_rule(base_config(), rule_id, **changes)
    errors = validate_config(config)
    group_id = str(changes.get("group_id", {"r": "f", "e": "g"}[rule_id]))
    expected_prefix = f"score 's', group '{group_id}', rule '{rule_id}': "
    assert any(e.startswith(expected_prefix) and fragment in e for e in errors), errors


def test_validation_list_operator_without_values() -> None:
    errors = validate_config(without_values(base_config(), "r"))
    assert errors == [
        "score 's', group 'f', rule 'r': operator 'is_any_of' needs values in score_rule_values"
    ]


def test_validation_window_in_a_group_with_decay() -> None:
    config = change_group(base_config(), "g", decay_percent=10.0, decay_period_days=7)
    config = change_rule(config, "e", window_days=30)
    assert validate_config(config) == [
        "score 's', group 'g', rule 'e': "
        "window_days cannot be combined with decay in the same group"
    ]


def test_validation_unknown_event_types_and_properties() -> None:
    errors = validate_config(base_config(), {"page_view"}, {("contact", "job_title")})
    assert errors == [
        "score 's', group 'f', rule 'r': unknown property 'seniority' of 'contact'",
        "score 's', group 'g', rule 'e': unknown event type 'form_submission'",
        "score 's', group 'g', rule 'e': unknown property 'form_name' of event type "
        "'form_submission'",
    ]


def test_validation_property_object_must_be_reachable() -> None:
    config = replace(
        change_rule(base_config(), "r", property_object="contact"),
        scores=(Score("s", "company", "combined", "Lead score"),),
    )
    errors = validate_config(config)
    assert errors == [
        "score 's', group 'f', rule 'r': property_object 'contact' is not available to "
        "company scores (expected one of company)"
    ]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"object_type": "lead"}, "score 's': unknown object_type 'lead'"),
        ({"score_type": "magic"}, "score 's': unknown score_type 'magic'"),
        ({"total_cap": 0.0}, "score 's': total_cap 0 must be above 0"),
        ({"floor": 5.0}, "score 's': floor 5 must be 0 or below"),
    ],
)
def test_validation_of_scores(changes: dict[str, Any], message: str) -> None:
    config = base_config()
    config = replace(config, scores=(replace(config.scores[0], **changes),))
    assert any(e.startswith(message) for e in validate_config(config)), validate_config(config)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"group_cap": 0.0}, "score 's', group 'g': group_cap 0 must be above 0"),
        ({"group_cap": -5.0}, "score 's', group 'g': group_cap -5 must be above 0"),
        ({"group_kind": "other"}, "score 's', group 'g': unknown group_kind 'other'"),
    ],
)
def test_validation_of_groups(changes: dict[str, Any], message: str) -> None:
    errors = validate_config(change_group(base_config(), "g", **changes))
    assert any(e.startswith(message) for e in errors), errors


def test_validation_of_audiences_and_bands() -> None:
    config = replace(
        base_config(),
        audiences=(Audience("s", "vip", "maybe"),),
        bands=(
            Band("s", "fit", "High", 70.0, "A"),
            Band("s", "fit", "Also high", 70.0, "B"),
            Band("s", "fit", "Low", 10.0, "C"),
            Band("s", "hue", "Red", 0.0),
        ),
    )
    assert validate_config(config) == [
        "score 's', list 'vip': unknown audience_type 'maybe' (expected one of include, exclude)",
        "score 's', band 'Red': unknown band_type 'hue' (expected one of fit, engagement, total, "
        "tier)",
        "score 's', band_type 'fit': bands 'High', 'Also high' overlap (same min_score 70)",
        "score 's', band_type 'fit': gap below the lowest band, which starts at 10 above the "
        "floor 0",
    ]


# ---------------------------------------------------------------------------------------------
# Invariants on random rules and events

EVENT_TYPES = ("email_open", "page_view", "form_submission")
PATHS = ("/pricing", "/demo", "/blog", "/Pricing ")
SENIORITIES = ("vp", "manager", "VP ", "intern")
points_strategy = st.one_of(
    st.integers(-40, 60).map(float), st.floats(-40, 60, allow_nan=False).map(lambda x: round(x, 2))
)


@st.composite
def random_event_rules(draw: st.DrawFn, group_id: str) -> list[Row]:
    """An engagement group with 1-3 event rules; decay, a window or neither."""
    cap = draw(st.sampled_from([None, 10.0, 30.0, 75.5]))
    timing = draw(st.sampled_from(["none", "decay", "window"]))
    decay = (draw(st.sampled_from([25.0, 50.0, 100.0])), draw(st.sampled_from([7, 30])))
    rows: list[Row] = [
        Group("s", group_id, group_id, "engagement", cap, *(decay if timing == "decay" else ()))
    ]
    for r in range(draw(st.integers(1, 3))):
        columns: dict[str, Any] = {"group": group_id}
        if timing == "window":
            columns["window_days"] = draw(st.sampled_from([7, 30, 90]))
        if timing != "decay" and draw(st.booleans()):
            columns["frequency"] = "at_least"
            columns["frequency_min"] = draw(st.integers(1, 3))
        event_type = draw(st.sampled_from(EVENT_TYPES))
        if draw(st.booleans()):
            rows.extend(ev(f"{group_id}_r{r}", event_type, draw(points_strategy), **columns))
        else:
            chosen = draw(st.lists(st.sampled_from(PATHS[:3]), min_size=1, max_size=3, unique=True))
            columns["each"] = {path: draw(points_strategy) for path in chosen}
            columns["op"] = draw(st.sampled_from(["is_any_of", "contains_any_of", "equals"]))
            rows.extend(ev(f"{group_id}_r{r}", event_type, prop="page_path", **columns))
    return rows


@st.composite
def random_property_rules(draw: st.DrawFn, group_id: str) -> list[Row]:
    """A fit group with 1-3 property rules, negative and comparison operators included."""
    cap = draw(st.sampled_from([None, 20.0, 60.0]))
    rows: list[Row] = [Group("s", group_id, group_id, "fit", cap)]
    for r in range(draw(st.integers(1, 3))):
        rule_id, points = f"{group_id}_r{r}", draw(points_strategy)
        op = draw(
            st.sampled_from(
                [
                    "is_any_of",
                    "is_none_of",
                    "not_equals",
                    "greater_than",
                    "between",
                    "is_known",
                    "is_unknown",
                ]
            )
        )
        if op in ("is_any_of", "is_none_of", "not_equals"):
            chosen = draw(st.lists(st.sampled_from(SENIORITIES[:2]), min_size=1, unique=True))
            rows.extend(pr(rule_id, "seniority", op, points, group=group_id, values=chosen))
        elif op in ("greater_than", "between"):
            rows.extend(
                pr(
                    rule_id,
                    "employees",
                    op,
                    points,
                    group=group_id,
                    obj="company",
                    low="50",
                    high="500" if op == "between" else None,
                )
            )
        else:
            rows.extend(pr(rule_id, "seniority", op, points, group=group_id))
    return rows


@st.composite
def random_cases(draw: st.DrawFn) -> tuple[ScoringConfig, Record]:
    """A valid engagement or combined contact score, and a contact with random data."""
    score_type = draw(st.sampled_from(["engagement", "combined"]))
    floor = draw(st.sampled_from([0.0, None, -25.0]))
    total_cap = draw(st.sampled_from([100.0, 50.0, 1.5]))
    rows: list[Row] = [Score("s", "contact", score_type, "S", None, total_cap, floor)]
    for g in range(draw(st.integers(1, 3))):
        rows.extend(draw(random_event_rules(f"g{g}")))
    if score_type == "combined":
        rows.extend(draw(random_property_rules("fit")))
    events = [
        event(
            draw(st.sampled_from(EVENT_TYPES)),
            draw(st.integers(-5, 200)),
            page_path=draw(st.sampled_from((*PATHS, None))),
        )
        for _ in range(draw(st.integers(0, 25)))
    ]
    props = [
        ("contact", "seniority", value)
        for value in draw(st.lists(st.sampled_from((*SENIORITIES, None)), max_size=3))
    ]
    props += [
        ("company", "employees", str(value))
        for value in draw(st.lists(st.integers(0, 1000), max_size=2))
    ]
    return cfg(*rows), record(*events, props=props)


@settings(max_examples=300, deadline=None)
@given(random_cases())
def test_invariants_on_random_rules_and_events(case: tuple[ScoringConfig, Record]) -> None:
    config, rec = case
    result = run(config, rec)  # valid configuration; breakdown sums to the total
    score = config.scores[0]
    cap = score.total_cap or 100.0
    assert result.total is not None
    parts = [result.total]
    if score.score_type == "combined":
        assert result.fit is not None
        assert result.engagement is not None
        parts += [result.fit, result.engagement]
    for points in parts:
        assert points <= cap
        if score.floor is not None:
            assert points >= score.floor
    for group in config.groups:
        if group.group_cap is not None:
            assert result.group_points[group.group_id] <= group.group_cap
    for contribution in result.contributions:
        decayed, shared = contribution.points_after_decay, contribution.points_after_caps
        assert abs(decayed) <= abs(contribution.points_raw) + 1e-9
        assert abs(shared) <= abs(decayed) + 1e-9
        assert shared * decayed >= 0  # sharing never flips a sign
    reversed_rec = replace(rec, events=rec.events[::-1], properties=rec.properties[::-1])
    assert score_record(config, "s", reversed_rec, AS_OF) == result  # order does not matter


def test_lowest_band_covers_scores_below_it() -> None:
    from lead_scoring.scoring.reference import band_for

    bands = [Band("s", "total", "High", 70.0, None), Band("s", "total", "Low", 0.0, None)]
    assert band_for(bands, -25.0) == bands[1]  # a score without a floor can go negative
    assert band_for(bands, 69.99) == bands[1]
    assert band_for(bands, 70.0) == bands[0]
    assert band_for(bands, None) is None
    assert band_for([], 10.0) is None
