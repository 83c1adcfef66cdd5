"""The 13 worked examples of scoring-semantics.md, run through the real dbt engine.

One fixture build: each example is its own score over its own contacts/companies, so a single
``dbt build`` covers them all. The same examples run against the Python reference in
``test_scoring_reference.py``; here they prove the SQL engine.
"""

from __future__ import annotations

from datetime import datetime

import pandas as pd
import pytest
from dbt_harness import EngineOutput, run_engine
from raw_builders import Raw, engagement, event_rule, fit, property_rule

from lead_scoring.scoring import Audience, Band, Group, Rule, RuleValue, Score, ScoringConfig

AS_OF = datetime(2026, 6, 30)
pytestmark = pytest.mark.dbt


def build_fixture() -> tuple[ScoringConfig, Raw]:
    scores: list[Score] = []
    groups: list[Group] = []
    rules: list[Rule] = []
    values: list[RuleValue] = []
    audiences: list[Audience] = []
    bands: list[Band] = []
    raw = Raw(AS_OF)

    # 1 and 2: engagement groups with caps
    s = "ex01_engagement_groups"
    scores.append(engagement(s))
    groups += [
        Group(s, "sales", "Sales", "engagement", 60),
        Group(s, "marketing", "Mkt", "engagement", 60),
    ]
    rules += [
        event_rule(s, "call", "sales", "call_started", points=15),
        event_rule(s, "meeting_booked", "sales", "meeting_booked", points=10),
        event_rule(s, "meeting_done", "sales", "meeting_completed", points=20),
        event_rule(s, "cta", "marketing", "cta_click", points=6),
        event_rule(
            s,
            "open",
            "marketing",
            "email_open",
            points=2,
            property_name="email_type",
            operator="equals",
        ),
        event_rule(
            s,
            "click",
            "marketing",
            "email_click",
            points=5,
            property_name="email_type",
            operator="equals",
        ),
    ]
    values += [RuleValue(s, "open", "marketing"), RuleValue(s, "click", "marketing")]
    raw.contact("c01")
    raw.activity("c01", "meeting_booked")
    for _ in range(2):
        raw.email("c01", "open")
    for _ in range(3):
        raw.email("c01", "click")
    raw.email("c01", "open", email_type="sales")  # not a marketing email: no points
    raw.contact("c02")
    for _ in range(8):
        raw.email("c02", "click")
    for _ in range(20):
        raw.email("c02", "open")

    # 3: decay 50% every 30 days
    s = "ex03_decay"
    scores.append(engagement(s))
    groups.append(Group(s, "forms", "Forms", "engagement"))
    rules.append(
        event_rule(
            s, "form", "forms", "form_submission", points=10, decay_percent=50, decay_period_days=30
        )
    )
    for suffix, days in (("a", 10), ("b", 40), ("c", 70), ("d", 400)):
        raw.contact(f"c03{suffix}")
        raw.web(f"c03{suffix}", "form_submission", days_ago=days, form_name="Contact us")

    # 4: full decay
    s = "ex04_full_decay"
    scores.append(engagement(s))
    groups.append(Group(s, "web", "Web", "engagement", None, 100, 90))
    rules.append(event_rule(s, "cta", "web", "cta_click", points=2))
    raw.contact("c04")
    raw.web("c04", "cta_click", days_ago=120, cta_name="Book a demo")

    # 5: fit, together
    s = "ex05_fit_together"
    scores.append(fit(s))
    groups.append(Group(s, "region", "Region", "fit"))
    rules.append(property_rule(s, "region", "region", "region", operator="is_any_of", points=15))
    values += [RuleValue(s, "region", v) for v in ("Northeast", "Midwest", "Southeast")]
    raw.company("co05", region="Northeast;Midwest")

    # 6: fit, individually
    s = "ex06_fit_individually"
    scores.append(fit(s))
    groups.append(Group(s, "region", "Region", "fit"))
    rules.append(
        property_rule(
            s, "region", "region", "region", operator="is_any_of", value_mode="individually"
        )
    )
    values += [
        RuleValue(s, "region", "Hokkaido", 15),
        RuleValue(s, "region", "Kanagawa", 10),
        RuleValue(s, "region", "Osaka", 8),
    ]
    raw.company("co06", region="Hokkaido;Kanagawa")

    # 7 and 8: engagement together / individually
    for s, mode in (
        ("ex07_events_together", "together"),
        ("ex08_events_individually", "individually"),
    ):
        scores.append(engagement(s))
        groups.append(Group(s, "forms", "Forms", "engagement"))
        rules.append(
            event_rule(
                s,
                "forms",
                "forms",
                "form_submission",
                property_name="form_name",
                operator="is_any_of",
                value_mode=mode,
                points=5 if mode == "together" else None,
            )
        )
        if mode == "together":
            values += [RuleValue(s, "forms", "Contact us"), RuleValue(s, "forms", "Newsletter")]
        else:
            values += [
                RuleValue(s, "forms", "Contact us", 5),
                RuleValue(s, "forms", "Newsletter", 2),
            ]
    raw.contact("c07")
    raw.web("c07", "form_submission", form_name="Contact us")
    raw.web("c07", "form_submission", form_name="Newsletter")

    # 9: floor
    s = "ex09_floor"
    scores.append(engagement(s))
    groups.append(Group(s, "negative", "Negative", "engagement"))
    rules += [
        event_rule(s, "unsubscribed", "negative", "email_unsubscribe", points=-20),
        event_rule(s, "bounced", "negative", "email_bounce", points=-10),
    ]
    raw.contact("c09")
    raw.email("c09", "unsubscribe")
    raw.email("c09", "bounce")

    # 10: add and subtract
    s = "ex10_add_subtract"
    scores.append(fit(s))
    groups.append(Group(s, "fit", "Fit", "fit"))
    rules += [
        property_rule(s, "hospitality", "fit", "industry", operator="equals", points=10),
        property_rule(s, "northeast", "fit", "region", operator="equals", points=15),
        property_rule(s, "outside_area", "fit", "region", operator="is_none_of", points=-30),
    ]
    values += [
        RuleValue(s, "hospitality", "hospitality_travel"),  # staging normalizes "Hospitality"
        RuleValue(s, "northeast", "Northeast"),
        RuleValue(s, "outside_area", "Northeast"),
        RuleValue(s, "outside_area", "Midwest"),
    ]
    raw.company("co10a", industry="Hospitality", region="Northeast")
    raw.company("co10b", industry="Hospitality", region="Texas")

    # 11: frequency in a window
    s = "ex11_frequency"
    scores.append(engagement(s))
    groups.append(Group(s, "intent", "Intent", "engagement"))
    rules.append(
        event_rule(
            s,
            "pricing",
            "intent",
            "page_view",
            property_name="page_path",
            operator="equals",
            points=20,
            frequency="at_least",
            frequency_min=3,
            window_days=30,
        )
    )
    values.append(RuleValue(s, "pricing", "/pricing"))
    for suffix, views in (("a", 2), ("b", 3), ("c", 9)):
        raw.contact(f"c11{suffix}")
        for i in range(views):
            raw.web(f"c11{suffix}", "page_view", days_ago=1 + i, path="/pricing")
    for _ in range(4):  # older views of c11a fall outside the window
        raw.web("c11a", "page_view", days_ago=45, path="/pricing")
    raw.web("c11a", "page_view", days_ago=2, path="/docs")  # another page

    # 12: matrix
    s = "ex12_matrix"
    scores.append(Score(s, "contact", "combined", s))
    groups += [Group(s, "fit", "Fit", "fit"), Group(s, "engagement", "Engagement", "engagement")]
    rules += [
        property_rule(
            s, "tier", "fit", "ex12_tier", operator="is_any_of", value_mode="individually"
        ),
        event_rule(s, "meeting", "engagement", "meeting_completed", points=80),
        event_rule(s, "cta", "engagement", "cta_click", points=10),
    ]
    values += [RuleValue(s, "tier", "low", 25), RuleValue(s, "tier", "high", 75)]
    bands += [
        Band(s, "fit", "High", 70, "A"),
        Band(s, "fit", "Medium", 40, "B"),
        Band(s, "fit", "Low", 0, "C"),
        Band(s, "engagement", "High", 70, "1"),
        Band(s, "engagement", "Medium", 40, "2"),
        Band(s, "engagement", "Low", 0, "3"),
    ]
    raw.contact("c12a")
    raw.add(
        "contact_custom_properties",
        contact_id="c12a",
        property_name="ex12_tier",
        property_value="low",
    )
    raw.activity("c12a", "meeting_completed")
    raw.contact("c12b")
    raw.add(
        "contact_custom_properties",
        contact_id="c12b",
        property_name="ex12_tier",
        property_value="high",
    )
    raw.web("c12b", "cta_click", cta_name="Pricing")

    # 13: audience
    s = "ex13_audience"
    scores.append(engagement(s))
    groups.append(Group(s, "web", "Web", "engagement"))
    rules.append(event_rule(s, "cta", "web", "cta_click", points=10))
    audiences.append(Audience(s, "L13", "exclude"))
    raw.add(
        "lists", list_id="L13", list_name="Do not score", object_type="contact", list_type="static"
    )
    raw.contact("c13a")
    raw.add("list_memberships", list_id="L13", record_id="c13a")
    raw.web("c13a", "cta_click", cta_name="Pricing")
    raw.contact("c13b")

    config = ScoringConfig(
        scores=tuple(scores),
        groups=tuple(groups),
        rules=tuple(rules),
        rule_values=tuple(values),
        audiences=tuple(audiences),
        bands=tuple(bands),
    )
    return config, raw


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> EngineOutput:
    config, raw = build_fixture()
    return run_engine(tmp_path_factory.mktemp("worked_examples"), config, raw.tables, AS_OF)


def score_of(built: EngineOutput, score_id: str, record_id: str) -> pd.Series:
    rows = built.scores[(built.scores.score_id == score_id) & (built.scores.record_id == record_id)]
    assert len(rows) == 1, f"expected one row for {score_id}/{record_id}, got {len(rows)}"
    return rows.iloc[0]


def group_points(built: EngineOutput, score_id: str, record_id: str) -> dict[str, float]:
    rows = built.breakdown[
        (built.breakdown.score_id == score_id) & (built.breakdown.record_id == record_id)
    ]
    return rows.groupby("group_id")["group_points"].first().to_dict()


def test_example_01_engagement_groups(built: EngineOutput) -> None:
    assert score_of(built, "ex01_engagement_groups", "c01").score == pytest.approx(29)
    assert group_points(built, "ex01_engagement_groups", "c01") == {"sales": 10, "marketing": 19}


def test_example_02_group_cap(built: EngineOutput) -> None:
    assert group_points(built, "ex01_engagement_groups", "c02") == {"marketing": 60}
    assert score_of(built, "ex01_engagement_groups", "c02").score == pytest.approx(60)


@pytest.mark.parametrize(
    ("contact", "expected"), [("c03a", 10), ("c03b", 5), ("c03c", 0), ("c03d", 0)]
)
def test_example_03_decay(built: EngineOutput, contact: str, expected: float) -> None:
    assert score_of(built, "ex03_decay", contact).score == pytest.approx(expected)


def test_example_04_full_decay(built: EngineOutput) -> None:
    assert score_of(built, "ex04_full_decay", "c04").score == pytest.approx(0)


def test_example_05_fit_together(built: EngineOutput) -> None:
    assert score_of(built, "ex05_fit_together", "co05").score == pytest.approx(15)


def test_example_06_fit_individually(built: EngineOutput) -> None:
    assert score_of(built, "ex06_fit_individually", "co06").score == pytest.approx(25)


def test_example_07_events_together(built: EngineOutput) -> None:
    assert score_of(built, "ex07_events_together", "c07").score == pytest.approx(10)


def test_example_08_events_individually(built: EngineOutput) -> None:
    assert score_of(built, "ex08_events_individually", "c07").score == pytest.approx(7)


def test_example_09_floor(built: EngineOutput) -> None:
    assert score_of(built, "ex09_floor", "c09").score == pytest.approx(0)


def test_example_10_add_and_subtract(built: EngineOutput) -> None:
    assert score_of(built, "ex10_add_subtract", "co10a").score == pytest.approx(25)
    assert score_of(built, "ex10_add_subtract", "co10b").score == pytest.approx(0)


@pytest.mark.parametrize(("contact", "expected"), [("c11a", 0), ("c11b", 20), ("c11c", 20)])
def test_example_11_frequency(built: EngineOutput, contact: str, expected: float) -> None:
    assert score_of(built, "ex11_frequency", contact).score == pytest.approx(expected)


def test_example_12_matrix(built: EngineOutput) -> None:
    low_fit = score_of(built, "ex12_matrix", "c12a")
    assert (low_fit.fit_score, low_fit.engagement_score) == (25, 80)
    assert low_fit.matrix_label == "C1"
    high_fit = score_of(built, "ex12_matrix", "c12b")
    assert (high_fit.fit_score, high_fit.engagement_score) == (75, 10)
    assert high_fit.matrix_label == "A3"


def test_example_13_audience(built: EngineOutput) -> None:
    excluded = score_of(built, "ex13_audience", "c13a")
    assert not excluded.is_in_audience
    assert pd.isna(excluded.score)
    included = score_of(built, "ex13_audience", "c13b")
    assert included.is_in_audience
    assert included.score == 0


def test_breakdown_sums_to_every_score(built: EngineOutput) -> None:
    sums = built.breakdown.groupby(["score_id", "record_id"])["points_after_caps"].sum()
    scored = built.scores.dropna(subset=["score"]).set_index(["score_id", "record_id"])["score"]
    joined = pd.concat([scored, sums], axis=1).fillna(0.0)
    assert (joined["score"] - joined["points_after_caps"]).abs().max() < 1e-9
