"""Configuration validation through the real dbt build, compared with ``validate_config``.

One build with many bad entries: ``dbt build`` must fail, listing every problem with the score,
group and rule at fault; :func:`lead_scoring.scoring.validate_config` must find each of them
too (its wording differs). Another build shows that rule values holding quotes, ``%``, ``;``
and SQL are matched as plain text: the build succeeds and only records with exactly that value
(any case, trimmed) score.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import duckdb
import pytest
from dbt_harness import REPO, EngineOutput, run_engine
from raw_builders import Raw, event_rule, property_rule

from lead_scoring.scoring import (
    Band,
    Event,
    Group,
    PropertyValue,
    Record,
    RuleValue,
    Score,
    ScoringConfig,
    load_vocabulary,
    score_records,
    validate_config,
)

AS_OF = datetime(2026, 6, 30)
pytestmark = pytest.mark.dbt

CUSTOM = "x_tag"  # the custom contact property of the tiny dataset


def vocabulary() -> tuple[set[str], set[tuple[str, str]]]:
    event_types, properties = load_vocabulary(
        REPO / "seeds" / "scoring" / "event_types.csv",
        REPO / "seeds" / "scoring" / "scoring_properties.csv",
    )
    return event_types, properties | {("contact", CUSTOM)}


def tiny_raw() -> Raw:
    """Three contacts, a custom property, a list and a few events: enough for every check."""
    raw = Raw(AS_OF)
    for contact_id in ("c1", "c2", "c3"):
        raw.contact(contact_id)
        raw.custom_property(contact_id, CUSTOM, f"tag {contact_id}")
        raw.web(contact_id, "form_submission", days_ago=3, form_name="Contact us")
        raw.email(contact_id, "open", days_ago=10)
    raw.contact_list("L1", "Newsletter")
    raw.membership("L1", "c1")
    return raw


# ---------------------------------------------------------------------------------------------
# Invalid configurations


@dataclass(frozen=True)
class Fault:
    """A bad entry: where it is, and what the engine and validate_config say about it."""

    name: str
    score_id: str
    group_id: str | None
    rule_id: str | None
    sql: str  # the engine's message, after "score 'x', group 'g', rule 'r': "
    python: str  # a fragment of validate_config's message for the same place
    band_type: str | None = None


def engagement_score(score_id: str, **kwargs: object) -> Score:
    return Score(score_id, "contact", "engagement", score_id, **kwargs)  # type: ignore[arg-type]


def fit_score(score_id: str) -> Score:
    return Score(score_id, "contact", "fit", score_id)


FAULTS = (
    Fault(
        "unknown operator",
        "bad_operator",
        "g",
        "r",
        "unknown operator 'foo'",
        "unknown operator 'foo'",
    ),
    Fault(
        "unknown property",
        "bad_property",
        "g",
        "r",
        "unknown property 'shoe_size' of contact",
        "unknown property 'shoe_size' of 'contact'",
    ),
    Fault(
        "unknown event type",
        "bad_event_type",
        "g",
        "r",
        "unknown event_type 'carrier_pigeon'",
        "unknown event type 'carrier_pigeon'",
    ),
    Fault(
        "group cap of 0",
        "bad_group_cap",
        "zero",
        None,
        "group_cap must be greater than 0",
        "group_cap 0 must be above 0",
    ),
    Fault(
        "negative group cap",
        "bad_group_cap",
        "negative",
        None,
        "group_cap must be greater than 0",
        "group_cap -5 must be above 0",
    ),
    Fault(
        "overlapping bands",
        "bad_overlap",
        None,
        None,
        "band tier 'Hot': overlaps another band with the same min_score",
        "bands 'Hot', 'Warm' overlap (same min_score 50)",
        band_type="tier",
    ),
    Fault(
        "gap below the lowest band",
        "bad_gap",
        None,
        None,
        "band total 'Low': gap: the lowest band starts at 10",
        "gap below the lowest band, which starts at 10 above the floor 0",
        band_type="total",
    ),
    Fault(
        "decay and a window in one group",
        "bad_decay_window",
        "g",
        "windowed",
        "decay and a time window cannot be combined in one group",
        "window_days cannot be combined with decay in the same group",
    ),
    Fault(
        "a window that is not a whole number of days",
        "bad_window",
        "g",
        "half_days",
        "window_days must be a whole number of days",
        "window_days 2.5 is not a whole number of days",
    ),
    Fault(
        "a comparison with a bound that is not a number",
        "bad_bound",
        "g",
        "r",
        "operator greater_than needs a number or an ISO date in value_low",
        "operator 'greater_than' needs a number or an ISO date in value_low (got 'lots')",
    ),
    Fault(
        "before with a bound that is not a date",
        "bad_date_bound",
        "g",
        "r",
        "operator before needs an ISO date or datetime in value_low",
        "operator 'before' needs an ISO date or datetime in value_low (got '2026-13-01')",
    ),
)


def invalid_config() -> ScoringConfig:
    """One score per fault (plus a valid score, which must not be reported)."""
    scores = [fit_score("good")]
    groups = [Group("good", "g", "G", "fit")]
    rules = [property_rule("good", "r", "g", CUSTOM, operator="is_known", points=5)]
    values: list[RuleValue] = []
    bands: list[Band] = []

    scores.append(fit_score("bad_operator"))
    groups.append(Group("bad_operator", "g", "G", "fit"))
    rules.append(property_rule("bad_operator", "r", "g", CUSTOM, operator="foo", points=5))

    scores.append(fit_score("bad_property"))
    groups.append(Group("bad_property", "g", "G", "fit"))
    rules.append(
        property_rule("bad_property", "r", "g", "shoe_size", operator="is_known", points=1)
    )

    scores.append(engagement_score("bad_event_type"))
    groups.append(Group("bad_event_type", "g", "G", "engagement"))
    rules.append(event_rule("bad_event_type", "r", "g", "carrier_pigeon", points=5))

    scores.append(engagement_score("bad_group_cap"))
    groups += [
        Group("bad_group_cap", "zero", "Zero", "engagement", group_cap=0.0),
        Group("bad_group_cap", "negative", "Negative", "engagement", group_cap=-5.0),
    ]
    rules += [
        event_rule("bad_group_cap", "r1", "zero", "email_open", points=1),
        event_rule("bad_group_cap", "r2", "negative", "email_open", points=1),
    ]

    scores.append(engagement_score("bad_overlap"))
    groups.append(Group("bad_overlap", "g", "G", "engagement"))
    rules.append(event_rule("bad_overlap", "r", "g", "email_open", points=1))
    bands += [
        Band("bad_overlap", "tier", "Hot", 50.0),
        Band("bad_overlap", "tier", "Warm", 50.0),
        Band("bad_overlap", "tier", "Cold", 0.0),
    ]

    scores.append(engagement_score("bad_gap"))
    groups.append(Group("bad_gap", "g", "G", "engagement"))
    rules.append(event_rule("bad_gap", "r", "g", "email_open", points=1))
    bands += [Band("bad_gap", "total", "High", 70.0), Band("bad_gap", "total", "Low", 10.0)]

    scores.append(engagement_score("bad_decay_window"))
    groups.append(Group("bad_decay_window", "g", "G", "engagement", None, 50.0, 30))
    rules += [
        event_rule("bad_decay_window", "decaying", "g", "email_open", points=2),
        event_rule("bad_decay_window", "windowed", "g", "cta_click", points=5, window_days=30),
    ]

    scores.append(engagement_score("bad_window"))
    groups.append(Group("bad_window", "g", "G", "engagement"))
    rules.append(
        event_rule("bad_window", "half_days", "g", "email_open", points=1, window_days=2.5)
    )

    scores.append(fit_score("bad_bound"))
    groups.append(Group("bad_bound", "g", "G", "fit"))
    rules.append(
        property_rule(
            "bad_bound", "r", "g", CUSTOM, operator="greater_than", value_low="lots", points=5
        )
    )

    scores.append(fit_score("bad_date_bound"))
    groups.append(Group("bad_date_bound", "g", "G", "fit"))
    rules.append(
        property_rule(
            "bad_date_bound", "r", "g", CUSTOM, operator="before", value_low="2026-13-01", points=5
        )
    )
    return ScoringConfig(
        scores=tuple(scores),
        groups=tuple(groups),
        rules=tuple(rules),
        rule_values=tuple(values),
        bands=tuple(bands),
    )


def location(fault: Fault) -> str:
    """The start of the engine's message: "score 'x', group 'g', rule 'r': "."""
    text = f"score '{fault.score_id}'"
    if fault.group_id is not None:
        text += f", group '{fault.group_id}'"
    if fault.rule_id is not None:
        text += f", rule '{fault.rule_id}'"
    return text + ": "


def python_location(fault: Fault) -> str:
    text = f"score '{fault.score_id}'"
    if fault.group_id is not None:
        text += f", group '{fault.group_id}'"
    if fault.rule_id is not None:
        text += f", rule '{fault.rule_id}'"
    if fault.band_type is not None:
        text += f", band_type '{fault.band_type}'"
    return text + ": "


@pytest.fixture(scope="module")
def failed_build(tmp_path_factory: pytest.TempPathFactory) -> EngineOutput:
    root = tmp_path_factory.mktemp("invalid_config")
    return run_engine(root, invalid_config(), tiny_raw().tables, AS_OF, expect_failure=True)


def test_the_build_fails_listing_every_problem(failed_build: EngineOutput) -> None:
    log = re.sub(r"\x1b\[[0-9;]*m", "", failed_build.log)  # no colour codes
    assert "Invalid scoring configuration" in log
    messages = set(failed_build.config_errors["error_message"])
    assert len(messages) == len(failed_build.config_errors), "a problem is reported twice"
    for fault in FAULTS:
        expected = location(fault) + fault.sql
        assert any(m.startswith(expected) for m in messages), (fault.name, sorted(messages))
        assert f"  - {expected}" in log, fault.name
    reported = set(failed_build.config_errors["score_id"])
    assert "good" not in reported
    assert reported == {fault.score_id for fault in FAULTS}
    assert failed_build.scores.empty  # nothing is scored on a bad configuration


@pytest.mark.parametrize("fault", FAULTS, ids=lambda fault: fault.name)
def test_validate_config_finds_the_same_problems(fault: Fault) -> None:
    errors = validate_config(invalid_config(), *vocabulary())
    expected = python_location(fault)
    assert any(e.startswith(expected) and fault.python in e for e in errors), (expected, errors)


def test_validate_config_reports_nothing_else() -> None:
    errors = validate_config(invalid_config(), *vocabulary())
    assert {e.split("'")[1] for e in errors} == {fault.score_id for fault in FAULTS}
    assert not [e for e in errors if e.startswith("score 'good'")]


# ---------------------------------------------------------------------------------------------
# Values that look like SQL are plain text

SQL_VALUE = "x'; drop table lead_scores; --"
QUOTE_VALUE = "O'Brien; --%"
#: contact -> custom property value; the expected score follows from the rules below.
TAGGED = {
    "t_exact": SQL_VALUE,
    "t_upper": "X'; DROP TABLE lead_scores; --",
    "t_padded": f"  {SQL_VALUE}  ",
    "t_prefix": "x'; drop table lead_scores",
    "t_longer": f"{SQL_VALUE} now",
    "t_quote": QUOTE_VALUE,
    "t_quote_lower": "o'brien; --%",
    "t_percent": "%",
    "t_underscore": "a_b",
    "t_plain": "Acme",
    "t_single_quoted": "'Acme'",
    "t_quote_only": "'",
    "t_none": None,
}
SAFE_SCORE = "safe_values"


def safe_config() -> ScoringConfig:
    s = SAFE_SCORE
    rules = (
        property_rule(s, "quoted", "fit", CUSTOM, operator="equals", points=10000000),
        property_rule(s, "quoted_too", "fit", CUSTOM, operator="is_any_of", points=100000000),
        property_rule(s, "sql", "fit", CUSTOM, operator="equals", points=1),
        property_rule(s, "quote", "fit", CUSTOM, operator="is_any_of", points=10),
        property_rule(s, "percent", "fit", CUSTOM, operator="equals", points=100),
        property_rule(s, "wildcards", "fit", CUSTOM, operator="contains_any_of", points=1000),
        property_rule(s, "not_sql", "fit", CUSTOM, operator="is_none_of", points=10000),
        property_rule(s, "list", "fit", "list_name", operator="equals", points=100000),
        event_rule(
            s,
            "form",
            "events",
            "form_submission",
            property_name="form_name",
            operator="is_any_of",
            points=1000000,
        ),
    )
    values = (
        # values starting with a single quote, in this order: a CSV reader that sniffed ' as
        # the quote character read "',<newline>safe_values,quoted_too,'" as one value
        RuleValue(s, "quoted", "'"),
        RuleValue(s, "quoted_too", "'"),
        RuleValue(s, "quoted_too", "'acme'"),
        RuleValue(s, "sql", SQL_VALUE),
        RuleValue(s, "quote", QUOTE_VALUE),
        RuleValue(s, "quote", "a;b"),
        RuleValue(s, "percent", "%"),
        RuleValue(s, "wildcards", "_"),
        RuleValue(s, "not_sql", "X'; Drop Table LEAD_SCORES; --"),
        RuleValue(s, "list", f" {SQL_VALUE.upper()} "),
        RuleValue(s, "form", QUOTE_VALUE),
    )
    return ScoringConfig(
        scores=(Score(s, "contact", "combined", s, total_cap=1e9, floor=None),),
        groups=(Group(s, "fit", "Fit", "fit"), Group(s, "events", "Events", "engagement")),
        rules=rules,
        rule_values=values,
    )


def safe_data() -> tuple[Raw, list[Record]]:
    raw = Raw(AS_OF)
    raw.contact_list("L_sql", SQL_VALUE)
    records = []
    for contact_id, value in TAGGED.items():
        raw.contact(contact_id)
        properties = []
        if value is not None:
            raw.custom_property(contact_id, CUSTOM, value)
            properties.append(PropertyValue("contact", CUSTOM, value))
        lists: frozenset[str] = frozenset()
        events: list[Event] = []
        if contact_id in ("t_exact", "t_plain"):
            raw.membership("L_sql", contact_id)
            properties.append(PropertyValue("contact", "list_name", SQL_VALUE))
            lists = frozenset({"L_sql"})
        if contact_id in ("t_quote", "t_plain"):
            form = QUOTE_VALUE if contact_id == "t_quote" else "O'Brien"
            at = AS_OF - timedelta(days=2)
            event_id = raw.web(contact_id, "form_submission", at=at, form_name=form)
            events.append(Event(event_id, "form_submission", at, {"form_name": form}))
        records.append(Record(contact_id, tuple(properties), tuple(events), lists))
    return raw, records


EXPECTED_SAFE_SCORES = {
    # sql (1): exactly the value, any case, trimmed; not_sql (10000): every other record;
    # wildcards (1000): a literal '_' (as in "lead_scores"), not LIKE's any-character
    "t_exact": 1 + 1000 + 100000,  # + list L_sql
    "t_upper": 1 + 1000,
    "t_padded": 1 + 1000,
    "t_prefix": 1000 + 10000,
    "t_longer": 1000 + 10000,
    "t_quote": 10 + 10000 + 1000000,  # + the form it submitted
    "t_quote_lower": 10 + 10000,
    "t_percent": 100 + 10000,  # '%' equals only '%' (no LIKE wildcard)
    "t_underscore": 1000 + 10000,
    "t_plain": 10000 + 100000,  # in list L_sql; its form is "O'Brien", not the listed value
    "t_single_quoted": 100000000 + 10000,
    "t_quote_only": 10000000 + 100000000 + 10000,
    "t_none": 10000,
}


@dataclass(frozen=True)
class SafeBuild:
    output: EngineOutput
    records: list[Record]
    database: Path


@pytest.fixture(scope="module")
def safe_build(tmp_path_factory: pytest.TempPathFactory) -> SafeBuild:
    config = safe_config()
    assert validate_config(config, *vocabulary()) == []
    raw, records = safe_data()
    root = tmp_path_factory.mktemp("safe_values")
    return SafeBuild(run_engine(root, config, raw.tables, AS_OF), records, root / "engine.duckdb")


def test_values_that_look_like_sql_match_only_themselves(safe_build: SafeBuild) -> None:
    scores = safe_build.output.scores.set_index("record_id")["score"].to_dict()
    assert scores == pytest.approx(EXPECTED_SAFE_SCORES)
    breakdown = safe_build.output.breakdown
    assert sorted(breakdown[breakdown.rule_id == "sql"].record_id) == [
        "t_exact",
        "t_padded",
        "t_upper",
    ]


def test_values_that_look_like_sql_agree_with_the_reference(safe_build: SafeBuild) -> None:
    results = score_records(safe_config(), {"contact": safe_build.records}, AS_OF)
    assert {r.record_id: r.total for r in results} == pytest.approx(EXPECTED_SAFE_SCORES)


def test_values_are_stored_verbatim_and_nothing_was_dropped(safe_build: SafeBuild) -> None:
    with duckdb.connect(str(safe_build.database), read_only=True) as con:
        query = "select rule_id, value from score_rule_values order by rule_id, value"
        values = con.execute(query).fetchall()
        [(rows,)] = con.execute("select count(*) from lead_scores").fetchall()
    assert values == sorted((v.rule_id, v.value) for v in safe_config().rule_values)
    assert rows == len(TAGGED)  # lead_scores is still there, one row per contact
