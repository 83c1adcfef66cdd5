"""Tests of the predictive score (lead_scoring.predictive) on small synthetic tables.

The synthetic world: contacts with a hidden intent and fit; intent drives pricing-page visits
before the MQL entry and the chance of reaching SQL within 30 days after it; fit drives job
level. Fast: one module-scoped training run shared by most tests.
"""

from __future__ import annotations

import dataclasses
import itertools
import re

import numpy as np
import pandas as pd
import pytest

from lead_scoring.predictive import (
    SCORE_COLUMNS,
    STATUS_INSUFFICIENT,
    STATUS_TRAINED,
    PredictiveInputs,
    PredictiveSettings,
    TrainingResult,
    contributions,
    current_leads,
    deserialize,
    latest_examples,
    model_card_frame,
    model_from_frame,
    prepare,
    raw_features,
    score,
    serialize,
    train,
    training_examples,
)
from lead_scoring.predictive.dbt import (
    CONFIG_REFS,
    as_of_from_config,
    inputs_from_refs,
    jobs_from_config,
)
from lead_scoring.predictive.explain import describe, text_values
from lead_scoring.predictive.features import CONTACT_TABLES, Stream, contact_parts, streams_of
from lead_scoring.predictive.inputs import is_in
from lead_scoring.predictive.model import _Describer, _Row
from lead_scoring.predictive.parallel import available_cores, run_all
from lead_scoring.predictive.rule_score import rule_scores_as_of
from lead_scoring.scoring import Group, Rule, RuleValue, Score, ScoringConfig

AS_OF = pd.Timestamp("2026-06-30")
TRAINED_AT = pd.Timestamp("2026-06-30 06:00:00")
DAY = pd.Timedelta(days=1)

RULE_CONFIG = ScoringConfig(
    scores=(Score("pricing_score", "contact", "engagement", "Pricing interest"),),
    groups=(Group("pricing_score", "web", "Web", "engagement"),),
    rules=(
        Rule(
            "pricing_score",
            "pricing",
            "web",
            "Pricing page viewed",
            "event",
            property_name="page_path",
            event_type="page_view",
            operator="equals",
            points=5,
        ),
    ),
    rule_values=(RuleValue("pricing_score", "pricing", "/pricing"),),
)


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def make_world(n: int = 400, seed: int = 7, converters: int | None = None) -> PredictiveInputs:
    """Synthetic warehouse tables. ``converters``: force exactly this many MQL -> SQL
    conversions within 30 days (else drawn from intent and fit)."""
    rng = np.random.default_rng(seed)
    ids = np.array([f"c{i:04d}" for i in range(n)])
    intent, fit = rng.normal(size=n), rng.normal(size=n)
    created = AS_OF - pd.to_timedelta(rng.uniform(100, 600, n), unit="D")
    seniority = np.where(fit > 0.6, "vp", np.where(fit > -0.6, "manager", "individual_contributor"))
    company = rng.integers(0, 20, n)
    companies = pd.DataFrame(
        {
            "company_id": [f"co{i:02d}" for i in range(20)],
            "industry": rng.choice(["software", "retail", "education"], 20),
            "employee_count": rng.integers(5, 5000, 20),
            "annual_revenue": rng.uniform(1e5, 1e9, 20),
            "sales_region": "NA",
            "technologies": "dbt;duckdb",
        }
    )
    companies["employee_band"] = pd.cut(
        companies["employee_count"],
        [0, 10, 50, 200, 1000, 5000, np.inf],
        labels=["1-10", "11-50", "51-200", "201-1000", "1001-5000", "5001+"],
    ).astype("str")

    # Stage history: lead at creation; MQL for 80% (all windows closed by AS_OF); SQL for some.
    is_mql = rng.random(n) < 0.8
    mql_at = created + pd.to_timedelta(rng.uniform(5, 40, n), unit="D")
    p_sql = _sigmoid(-0.8 + 1.3 * intent + 0.6 * fit)
    converts = is_mql & (rng.random(n) < p_sql)
    if converters is not None:
        order = np.argsort(-np.where(is_mql, p_sql, -1))
        converts = np.zeros(n, dtype=bool)
        converts[order[:converters]] = True
    sql_at = mql_at + pd.to_timedelta(rng.uniform(1, 25, n), unit="D")
    changes = [pd.DataFrame({"contact_id": ids, "lifecycle_stage": "lead", "entered_at": created})]
    changes.append(
        pd.DataFrame(
            {"contact_id": ids[is_mql], "lifecycle_stage": "mql", "entered_at": mql_at[is_mql]}
        )
    )
    changes.append(
        pd.DataFrame(
            {"contact_id": ids[converts], "lifecycle_stage": "sql", "entered_at": sql_at[converts]}
        )
    )
    stage_changes = pd.concat(changes, ignore_index=True)
    stage_changes["stage_order"] = stage_changes["lifecycle_stage"].map(
        {"lead": 2, "mql": 3, "sql": 4}
    )
    stage = np.where(converts, "sql", np.where(is_mql, "mql", "lead"))

    # Events: pricing views in the 20 days before the MQL entry (or before AS_OF for leads),
    # more with intent; email opens spread over the contact's life.
    anchor = np.where(is_mql, mql_at.to_numpy(), np.full(n, AS_OF.to_datetime64()))
    views = rng.poisson(np.exp(0.2 + 0.8 * intent))
    who = np.repeat(np.arange(n), views)
    pricing = pd.DataFrame(
        {
            "contact_id": ids[who],
            "event_type": "page_view",
            "occurred_at": anchor[who] - pd.to_timedelta(rng.uniform(0.1, 20, len(who)), unit="D"),
            "page_path": "/pricing",
        }
    )
    opens = rng.poisson(3, n)
    who = np.repeat(np.arange(n), opens)
    emails = pd.DataFrame(
        {
            "contact_id": ids[who],
            "event_type": "email_open",
            "occurred_at": created[who] + pd.to_timedelta(rng.uniform(0, 90, len(who)), unit="D"),
            "email_type": "marketing",
        }
    )
    events = pd.concat([pricing, emails], ignore_index=True)
    events.insert(0, "event_id", [f"e{i}" for i in range(len(events))])

    contacts = pd.DataFrame(
        {
            "contact_id": ids,
            "email_domain_type": "work",
            "is_personal_email": False,
            "seniority": seniority,
            "job_function": rng.choice(["marketing", "sales", "engineering"], n),
            "lead_source": rng.choice(["organic_search", "paid_search", "event"], n),
            "lifecycle_stage": stage,
            "sales_region": "NA",
            "primary_company_id": [f"co{i:02d}" for i in company],
            "has_company": True,
            "created_at": created,
        }
    )
    custom = pd.DataFrame(
        {
            "contact_id": ids,
            "property_name": "purchase_timeline",
            "property_value": rng.choice(["This quarter", "Next quarter", "Just researching"], n),
            "updated_at": created + DAY,
        }
    )
    return PredictiveInputs(
        contacts=contacts,
        companies=companies,
        custom_properties=custom,
        stage_changes=stage_changes,
        events=events,
        scoring_config=RULE_CONFIG,
    )


SETTINGS = PredictiveSettings(rule_score_id="pricing_score")


@pytest.fixture(scope="module")
def world() -> PredictiveInputs:
    return make_world()


@pytest.fixture(scope="module")
def trained(world: PredictiveInputs) -> TrainingResult:
    return train(world, SETTINGS, AS_OF, trained_at=TRAINED_AT)


@pytest.fixture(scope="module")
def linear(world: PredictiveInputs) -> TrainingResult:
    settings = dataclasses.replace(SETTINGS, algorithms=("logistic_regression",))
    return train(world, settings, AS_OF, trained_at=TRAINED_AT)


# ---------------------------------------------------------------------------------------------
# Settings


def test_settings_from_mapping_reads_dbt_vars() -> None:
    settings = PredictiveSettings.from_mapping(
        {
            "start_stage": "MQL",
            "end_stage": "opportunity",
            "conversion_window_days": "60",
            "windows": "14;30;90",
            "current_lead_stages": ["lead", "mql"],
            "rule_score_id": None,  # None: the default
        }
    )
    assert (settings.start_stage, settings.end_stage) == ("mql", "opportunity")
    assert settings.conversion_window_days == 60
    assert settings.windows == (14, 30, 90)
    assert settings.current_lead_stages == ("lead", "mql")
    assert settings.rule_score_id == "contact_lead_score"
    assert settings.conversion_label() == "MQL → Opportunity within 60 days"


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"colour": "red"}, "unknown setting(s) 'colour'"),
        ({"start_stage": "sql", "end_stage": "mql"}, "must come after start_stage 'sql'"),
        ({"end_stage": "won"}, "end_stage 'won' is not an ordered lifecycle stage"),
        ({"conversion_window_days": 2.5}, "conversion_window_days must be a whole number"),
        ({"holdout_fraction": 1.5}, "holdout_fraction must be between 0 and 1"),
        ({"windows": [30, 7]}, "windows must be increasing"),
        ({"current_lead_stages": ["lead", "customer"]}, "'customer' is at or after the end stage"),
        ({"algorithms": ["random_forest"]}, "algorithms must list one or more of"),
        ({"max_training_examples": -1}, "max_training_examples must be 0 (no limit) or more"),
        ({"max_training_examples": 30}, "max_training_examples (30) must be 0 (no limit) or at"),
    ],
)
def test_settings_are_validated_with_clear_messages(values: dict, message: str) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        PredictiveSettings.from_mapping(values)


# ---------------------------------------------------------------------------------------------
# Examples and leakage


def _stage_inputs(rows: list[tuple[str, str, str]]) -> PredictiveInputs:
    changes = pd.DataFrame(rows, columns=["contact_id", "lifecycle_stage", "entered_at"])
    contacts = pd.DataFrame({"contact_id": sorted(set(changes["contact_id"]))})
    return PredictiveInputs(contacts=contacts, stage_changes=changes)


def test_training_examples_label_point_in_time_conversions() -> None:
    inputs = _stage_inputs(
        [
            ("a", "mql", "2026-01-01"),
            ("a", "sql", "2026-01-11"),  # within 30 days: converted
            ("b", "mql", "2026-01-02"),
            ("b", "sql", "2026-02-20"),  # after 30 days: not converted
            ("c", "mql", "2026-01-03"),
            ("c", "opportunity", "2026-01-08"),  # a later stage counts
            ("d", "mql", "2026-06-15"),  # window still open at AS_OF: not an example
            ("e", "sql", "2025-12-01"),
            ("e", "mql", "2026-01-04"),  # already past the end stage: not an example
            ("f", "mql", "2026-01-05"),
            ("f", "mql", "2026-03-01"),  # second entry: the first one is the example
            ("f", "sql", "2026-03-05"),
            ("g", "lead", "2026-01-01"),  # never an MQL
        ]
    )
    examples = training_examples(prepare(inputs), PredictiveSettings(), AS_OF)
    assert examples["contact_id"].tolist() == ["a", "b", "c", "f"]
    assert examples["label"].tolist() == [1, 0, 1, 0]
    assert examples["as_of"].tolist() == [
        pd.Timestamp(d) for d in ("2026-01-01", "2026-01-02", "2026-01-03", "2026-01-05")
    ]


def test_current_leads_take_the_stage_as_of_the_scoring_instant() -> None:
    changes = pd.DataFrame(
        [
            ("a", "mql", "2026-01-01"),
            ("a", "sql", "2026-03-01"),  # promoted after the as-of: still an MQL then
            ("b", "lead", "2026-01-01"),
            ("c", "customer", "2026-01-01"),  # a customer at the as-of: not a lead
        ],
        columns=["contact_id", "lifecycle_stage", "entered_at"],
    )
    contacts = pd.DataFrame(
        {
            "contact_id": ["a", "b", "c", "d"],
            # CRM properties are today's values; d has no stage history
            "lifecycle_stage": ["sql", "lead", "customer", "subscriber"],
        }
    )
    prepared = prepare(PredictiveInputs(contacts=contacts, stage_changes=changes))
    leads = current_leads(prepared, PredictiveSettings(), pd.Timestamp("2026-02-01"))
    assert leads["contact_id"].tolist() == ["a", "b", "d"]
    assert leads["lifecycle_stage"].tolist() == ["mql", "lead", "subscriber"]
    today = current_leads(prepared, PredictiveSettings(), pd.Timestamp("2026-06-30"))
    assert today["contact_id"].tolist() == ["b", "d"]


def _features_of(inputs: PredictiveInputs, anchors: pd.DataFrame) -> pd.DataFrame:
    settings = PredictiveSettings()
    return raw_features(
        prepare(inputs), anchors, settings, ("email_open", "page_view"), ("purchase_timeline",)
    )


def test_features_ignore_what_happens_at_or_after_the_as_of_instant(
    world: PredictiveInputs,
) -> None:
    examples = training_examples(prepare(world), SETTINGS, AS_OF).head(25)
    before = _features_of(world, examples)
    first = examples.iloc[0]
    later_event = pd.DataFrame(
        {
            "event_id": ["late1", "late2"],
            "contact_id": [first["contact_id"]] * 2,
            "event_type": ["page_view", "email_open"],
            "occurred_at": [first["as_of"], first["as_of"] + pd.Timedelta(hours=1)],
            "page_path": ["/pricing", None],
        }
    )
    later_stage = pd.DataFrame(
        {
            "contact_id": [first["contact_id"]],
            "lifecycle_stage": ["subscriber"],
            "stage_order": [1],
            "entered_at": [first["as_of"] + DAY],
        }
    )
    later_custom = pd.DataFrame(
        {
            "contact_id": [first["contact_id"]],
            "property_name": ["budget"],
            "property_value": ["big"],
            "updated_at": [first["as_of"] + DAY],
        }
    )
    leaked = dataclasses.replace(
        world,
        events=pd.concat([world.events, later_event], ignore_index=True),
        stage_changes=pd.concat([world.stage_changes, later_stage], ignore_index=True),
        custom_properties=pd.concat([world.custom_properties, later_custom], ignore_index=True),
    )
    pd.testing.assert_frame_equal(_features_of(leaked, examples), before)


def test_features_change_with_what_happened_before_the_as_of_instant(
    world: PredictiveInputs,
) -> None:
    examples = training_examples(prepare(world), SETTINGS, AS_OF).head(25)
    before = _features_of(world, examples)
    first = examples.iloc[0]
    earlier_event = pd.DataFrame(
        {
            "event_id": ["early"],
            "contact_id": [first["contact_id"]],
            "event_type": ["page_view"],
            "occurred_at": [first["as_of"] - pd.Timedelta(hours=1)],
            "page_path": ["/pricing"],
        }
    )
    after_event = _features_of(
        dataclasses.replace(world, events=pd.concat([world.events, earlier_event])), examples
    )
    changed = after_event.columns[(after_event != before).iloc[0].to_numpy()]
    assert {"evt__page_view__7d", "page__pricing__7d"} <= set(changed)
    pd.testing.assert_frame_equal(after_event.iloc[1:], before.iloc[1:])  # others unchanged

    earlier_stage = pd.DataFrame(
        {
            "contact_id": [first["contact_id"]],
            "lifecycle_stage": ["subscriber"],
            "stage_order": [1],
            "entered_at": [first["as_of"] - pd.Timedelta(days=700)],
        }
    )
    after_stage = _features_of(
        dataclasses.replace(world, stage_changes=pd.concat([world.stage_changes, earlier_stage])),
        examples,
    )
    assert after_stage.loc[0, "days_since_first_stage"] == pytest.approx(700)
    assert before.loc[0, "days_since_first_stage"] < 700


# ---------------------------------------------------------------------------------------------
# Training


def test_training_reports_a_time_ordered_holdout_and_both_candidates(
    trained: TrainingResult,
) -> None:
    card, examples = trained.card, trained.examples
    assert trained.status == STATUS_TRAINED
    assert trained.model is not None
    train_rows, hold_rows = (
        examples[examples["split"] == "train"],
        examples[examples["split"] == "holdout"],
    )
    assert train_rows["as_of"].max() <= hold_rows["as_of"].min()
    assert len(hold_rows) == card["n_holdout"] == int(np.ceil(0.25 * len(examples)))
    assert card["n_train"] + card["n_holdout"] == card["n_examples"] == len(examples)
    assert card["holdout_window_start"] == hold_rows["as_of"].min()
    for key in ("holdout_auc_logistic_regression", "holdout_auc_gradient_boosting"):
        assert 0.5 < card[key] <= 1.0
    assert card["algorithm"] in ("logistic_regression", "gradient_boosting")
    assert card["holdout_auc_chosen"] == max(
        card["holdout_auc_logistic_regression"], card["holdout_auc_gradient_boosting"]
    )
    assert 0.0 <= card["holdout_auc_rule_score"] <= 1.0
    assert card["holdout_brier_calibrated"] < card["holdout_brier_base_rate"]
    assert hold_rows["holdout_probability"].between(0, 1).all()
    assert hold_rows["rule_score"].notna().all()
    assert re.fullmatch(r"pm_[0-9a-f]{12}", card["model_version"])
    assert "page__pricing__30d" in card["features"]
    assert "custom__purchase_timeline" in card["features"]


def test_latest_examples_keep_the_newest_by_as_of_then_contact() -> None:
    examples = pd.DataFrame(
        {
            "contact_id": ["c3", "c1", "c2", "c4"],
            "as_of": pd.to_datetime(["2026-01-01", "2026-02-01", "2026-02-01", "2026-03-01"]),
            "label": [0, 1, 0, 1],
        }
    )
    assert latest_examples(examples, 0) is examples
    assert latest_examples(examples, 4) is examples
    assert latest_examples(examples, 2)["contact_id"].tolist() == ["c2", "c4"]
    assert latest_examples(examples, 3)["contact_id"].tolist() == ["c1", "c2", "c4"]


def test_training_uses_at_most_max_training_examples_the_latest(
    world: PredictiveInputs, trained: TrainingResult
) -> None:
    available = trained.card["n_examples"]
    limit = available - 40
    settings = dataclasses.replace(
        SETTINGS, max_training_examples=limit, algorithms=("logistic_regression",)
    )
    capped = train(world, settings, AS_OF, trained_at=TRAINED_AT)
    assert capped.status == STATUS_TRAINED
    assert capped.card["n_examples"] == len(capped.examples) == limit
    kept = capped.examples["contact_id"].tolist()
    assert kept == trained.examples["contact_id"].tolist()[-limit:]
    assert capped.card["training_window_start"] > trained.card["training_window_start"]
    assert f"trained on the latest {limit} of {available} examples" in capped.card["message"]
    assert f"trained on {available} examples" in trained.card["message"]


def test_rule_score_is_computed_point_in_time_with_the_reference_scorer() -> None:
    inputs = PredictiveInputs(
        contacts=pd.DataFrame({"contact_id": ["a"]}),
        events=pd.DataFrame(
            {
                "event_id": ["1", "2", "3", "4"],
                "contact_id": ["a"] * 4,
                "event_type": ["page_view"] * 4,
                "occurred_at": pd.to_datetime(
                    ["2026-01-01", "2026-01-02", "2026-01-10", "2026-01-20"]
                ),
                "page_path": ["/pricing", "/pricing", "/pricing", "/about"],
            }
        ),
        scoring_config=RULE_CONFIG,
    )
    examples = pd.DataFrame(
        {"contact_id": ["a", "a"], "as_of": pd.to_datetime(["2026-01-10", "2026-02-01"])}
    )
    totals, note = rule_scores_as_of(prepare(inputs), "pricing_score", examples)
    assert note is None
    # strictly before the as-of instant: the view at 2026-01-10 counts only for the later one
    assert totals.tolist() == [10.0, 15.0]


def test_same_inputs_and_seed_give_identical_results(
    world: PredictiveInputs, trained: TrainingResult
) -> None:
    again = train(world, SETTINGS, AS_OF, trained_at=TRAINED_AT)
    assert again.card == trained.card
    pd.testing.assert_frame_equal(again.examples, trained.examples)
    pd.testing.assert_frame_equal(
        score(world, SETTINGS, AS_OF, again.model), score(world, SETTINGS, AS_OF, trained.model)
    )


def test_too_few_converted_examples_trains_nothing_and_says_what_is_missing() -> None:
    inputs = make_world(converters=10)
    result = train(inputs, SETTINGS, AS_OF)
    assert result.status == STATUS_INSUFFICIENT
    assert result.model is None
    assert result.message.startswith(
        "only 10 converted examples (MQL → SQL within 30 days); need at least 25"
    )
    assert result.card["n_positive"] == 10
    assert len(result.examples) == result.card["n_examples"] > 25
    scores = score(inputs, SETTINGS, AS_OF, result.model)
    assert scores.empty
    assert list(scores.columns) == list(SCORE_COLUMNS)
    card = model_card_frame(result, include_model=True)
    assert len(card) == 1
    assert card.loc[0, "status"] == STATUS_INSUFFICIENT
    assert model_from_frame(card) is None
    assert str(card["holdout_auc_chosen"].dtype) == "float64"


def test_missing_both_classes_names_both_counts() -> None:
    settings = dataclasses.replace(SETTINGS, min_examples_per_class=1000)
    result = train(make_world(n=120), settings, AS_OF)
    assert re.match(
        r"only \d+ converted and \d+ not-converted examples \(MQL → SQL within 30 days\); "
        r"need at least 1000 of each",
        result.message,
    )


# ---------------------------------------------------------------------------------------------
# Explanations and scoring


def test_linear_contributions_add_up_to_the_logit(
    world: PredictiveInputs, linear: TrainingResult
) -> None:
    model = linear.model
    assert model is not None and model.algorithm == "logistic_regression"
    prepared = prepare(world)
    leads = training_examples(prepared, SETTINGS, AS_OF).head(40)
    raw = raw_features(
        prepared, leads, model.settings, model.spec.event_types, model.spec.custom_names
    )
    x = model.spec.transform(raw)
    # Uncalibrated: intercept + per-column contributions = the logistic regression's logit,
    # and its sigmoid = the estimator's own (uncalibrated) probability.
    base, columns = contributions(model, x, by="column", calibrated=False)
    logit = base + columns.sum(axis=1).to_numpy()
    np.testing.assert_allclose(logit, model.logit(x), rtol=0, atol=1e-10)
    np.testing.assert_allclose(
        _sigmoid(logit), model.estimator.predict_proba(x)[:, 1], rtol=0, atol=1e-12
    )
    # Calibrated (what the score table reports): base + factor contributions = logit(p).
    base, factors = contributions(model, x, by="factor", calibrated=True)
    p = model.probability(x)
    np.testing.assert_allclose(
        base + factors.sum(axis=1).to_numpy(), np.log(p / (1 - p)), rtol=0, atol=1e-10
    )
    assert "evt__page_view" in factors.columns and "seniority" in factors.columns


def test_scores_every_current_lead_with_factors(
    world: PredictiveInputs, trained: TrainingResult
) -> None:
    scores = score(world, SETTINGS, AS_OF, trained.model)
    stages = world.contacts.set_index("contact_id")["lifecycle_stage"]
    assert list(scores.columns) == list(SCORE_COLUMNS)
    assert set(scores["contact_id"]) == set(stages[stages.isin(["lead", "mql"])].index)
    assert scores["contact_id"].is_unique
    assert scores["probability"].between(0, 1).all()
    assert (scores["predictive_score"] == np.floor(100 * scores["probability"] + 0.5)).all()
    assert (scores["model_version"] == trained.card["model_version"]).all()
    assert scores["positive_factor_1"].notna().all() and scores["negative_factor_1"].notna().all()
    assert (scores["positive_contribution_1"] > 0).all()
    assert (scores["positive_contribution_1"] >= scores["positive_contribution_2"].fillna(0)).all()
    assert (scores["negative_contribution_1"] < 0).all()
    assert (scores["negative_contribution_1"] <= scores["negative_contribution_2"].fillna(0)).all()
    first = scores.iloc[0]
    assert first["factors_text"].startswith("+ " + first["positive_factor_1"])
    assert "- " + first["negative_factor_1"] in first["factors_text"]
    # the most engaged lead is explained by its pricing visits
    top = scores.sort_values("probability").iloc[-1]
    texts = " ".join(str(top[f"positive_factor_{i}"]) for i in (1, 2, 3))
    assert re.search(r"visited /pricing \d+ times? in \d+ days|viewed \d+ pages? in", texts)


def test_parts_of_leads_score_as_from_every_row(
    world: PredictiveInputs, trained: TrainingResult, monkeypatch: pytest.MonkeyPatch
) -> None:
    import lead_scoring.predictive.model as model_module

    monkeypatch.setattr(model_module, "LEADS_PER_CHUNK", 7)
    parts = score(world, SETTINGS, AS_OF, trained.model)
    assert len(parts) > 3 * 7  # several parts
    # each part from every row of the inputs instead of its own leads' rows
    monkeypatch.setattr(
        model_module,
        "contact_parts",
        lambda prepared, ids, bounds: itertools.repeat(prepared, len(bounds) - 1),
    )
    pd.testing.assert_frame_equal(parts, score(world, SETTINGS, AS_OF, trained.model))


def _same_card(a: TrainingResult, b: TrainingResult) -> None:
    assert a.card.keys() == b.card.keys()
    for key, value in a.card.items():
        other = b.card[key]
        both_missing = pd.isna(value) and pd.isna(other) if np.isscalar(value) else False
        assert both_missing or value == other, key


def test_training_on_processes_gives_the_same_model(
    world: PredictiveInputs, trained: TrainingResult
) -> None:
    # every fit runs single-threaded wherever it runs: the card, the examples and the scores
    # are those of training in this process
    on_two = train(world, SETTINGS, AS_OF, trained_at=TRAINED_AT, jobs=2)
    _same_card(trained, on_two)
    assert (
        trained.card["hyperparameters_gradient_boosting"]
        == on_two.card["hyperparameters_gradient_boosting"]
    )
    pd.testing.assert_frame_equal(trained.examples, on_two.examples)
    pd.testing.assert_frame_equal(
        score(world, SETTINGS, AS_OF, trained.model),
        score(world, SETTINGS, AS_OF, on_two.model),
    )
    assert trained.model is not None and on_two.model is not None
    assert trained.model.calibration_slope == on_two.model.calibration_slope


def test_boosted_training_on_processes_gives_the_same_model(world: PredictiveInputs) -> None:
    settings = dataclasses.replace(SETTINGS, algorithms=("gradient_boosting",))
    here = train(world, settings, AS_OF, trained_at=TRAINED_AT)
    on_two = train(world, settings, AS_OF, trained_at=TRAINED_AT, jobs=2)
    _same_card(here, on_two)
    assert here.model is not None and on_two.model is not None
    x = np.random.default_rng(3).normal(size=(50, len(here.model.spec.columns)))
    np.testing.assert_array_equal(here.model.probability(x), on_two.model.probability(x))


def test_parts_of_leads_score_the_same_on_processes(
    world: PredictiveInputs, trained: TrainingResult, monkeypatch: pytest.MonkeyPatch
) -> None:
    import lead_scoring.predictive.model as model_module

    monkeypatch.setattr(model_module, "LEADS_PER_CHUNK", 7)
    here = score(world, SETTINGS, AS_OF, trained.model)
    assert len(here) > 3 * 7  # several parts
    pd.testing.assert_frame_equal(here, score(world, SETTINGS, AS_OF, trained.model, jobs=2))


def test_run_all_keeps_task_order_on_processes() -> None:
    tasks = [(base, 3) for base in range(12)]
    assert run_all(pow, iter(tasks), jobs=2) == [base**3 for base in range(12)]
    assert run_all(pow, tasks, jobs=1) == [base**3 for base in range(12)]


@pytest.mark.parametrize("value", [None, "", "0", 0])
def test_jobs_default_to_one_per_core(value: object) -> None:
    assert jobs_from_config(value) == available_cores() >= 1


def test_jobs_given_are_kept() -> None:
    assert jobs_from_config("3") == 3
    assert jobs_from_config(1) == 1


@pytest.mark.parametrize("value", ["-1", "two", "1.5", True])
def test_bad_jobs_are_named(value: object) -> None:
    with pytest.raises(
        ValueError, match=r"predictive_jobs must be a whole number >= 0.*" + re.escape(repr(value))
    ):
        jobs_from_config(value)


def test_contact_parts_keep_each_parts_rows_in_order(world: PredictiveInputs) -> None:
    prepared = prepare(world)
    leads = prepared.contacts["contact_id"].iloc[::-1].reset_index(drop=True)
    bounds = [0, 5, 40, len(leads)]
    parts = list(contact_parts(prepared, leads, bounds))
    assert len(parts) == 3
    for part, (start, stop) in zip(parts, itertools.pairwise(bounds), strict=True):
        wanted = set(leads.iloc[start:stop])
        for name in CONTACT_TABLES:
            table = getattr(prepared, name)
            expected = table[table["contact_id"].isin(wanted)].reset_index(drop=True)
            pd.testing.assert_frame_equal(getattr(part, name), expected)
        assert part.companies is prepared.companies
    # one part, or repeated ids: the inputs themselves
    assert [p is prepared for p in contact_parts(prepared, leads, [0, len(leads)])] == [True]
    repeated = pd.concat([leads, leads.iloc[:1]], ignore_index=True)
    assert [p is prepared for p in contact_parts(prepared, repeated, [0, 3, 41])] == [True] * 2


def test_boosted_model_scores_and_explains(world: PredictiveInputs) -> None:
    settings = dataclasses.replace(SETTINGS, algorithms=("gradient_boosting",))
    result = train(world, settings, AS_OF, trained_at=TRAINED_AT)
    assert result.model is not None and result.model.algorithm == "gradient_boosting"
    scores = score(world, settings, AS_OF, result.model)
    assert len(scores) > 0 and scores["probability"].between(0, 1).all()
    assert scores["factors_text"].notna().any()


def test_model_travels_through_a_table(world: PredictiveInputs, trained: TrainingResult) -> None:
    text = serialize(trained.model)  # type: ignore[arg-type]
    assert isinstance(text, str) and text.isascii()
    card = model_card_frame(trained, include_model=True)
    assert len(card) == 1 and card.loc[0, "serialized_model"] == text
    assert card.loc[0, "features"].count(";") == trained.card["n_features"] - 1
    assert str(card["n_examples"].dtype) == "Int64"
    assert "serialized_model" not in model_card_frame(trained).columns
    pd.testing.assert_frame_equal(
        score(world, SETTINGS, AS_OF, model_from_frame(card)),
        score(world, SETTINGS, AS_OF, deserialize(text)),
    )
    with pytest.raises(ValueError, match="not a serialized"):
        deserialize("gAR...")


def test_factor_descriptions_in_plain_words() -> None:
    streams = {s.key: s for s in streams_of(("email_open", "page_view"), PredictiveSettings())}
    row = {
        "seniority": "vp",
        "employee_band": "201-1000",
        "employee_count": 350.0,
        "page__pricing__7d": 1.0,
        "page__pricing__30d": 4.0,
        "page__pricing__90d": 6.0,
        "evt__email_open__7d": 0.0,
        "evt__email_open__30d": 0.0,
        "evt__email_open__90d": 0.0,
        "evt__email_open__recency_days": 365.0,
        "evt__page_view__90d": 0.0,
        "evt__page_view__recency_days": 120.5,
        "custom__purchase_timeline": "Next quarter",
        "annual_revenue": 2_500_000.0,
    }
    custom = {"custom__purchase_timeline": "purchase timeline"}

    def text(factor: str) -> str:
        return describe(factor, row, streams, custom, (7, 30, 90), 365)

    assert text("seniority") == "job level: VP"
    assert text("company_size") == "company size: 201-1000 (350 employees)"
    assert text("page__pricing") == "visited /pricing 1 time in 7 days"
    assert text("evt__email_open") == "no email opened in 90 days"
    assert text("evt__page_view") == "no page viewed in 90 days (last 120 days ago)"
    assert text("custom__purchase_timeline") == "purchase timeline: Next quarter"
    assert text("annual_revenue") == "annual revenue: $2.5M"
    assert text("industry") == "industry: unknown"
    assert isinstance(Stream("evt__x", "event_type", "x"), Stream)


def _describer_case() -> tuple[dict[str, Stream], dict[str, str], dict[str, np.ndarray], list[str]]:
    """Streams, custom names, raw feature arrays (600 records: NaN, None and values mixed)
    and the factors to describe, for the _Describer tests."""
    streams = {s.key: s for s in streams_of(("email_open", "page_view"), PredictiveSettings())}
    custom = {"custom__purchase_timeline": "purchase timeline"}
    rng = np.random.default_rng(7)
    n = 600

    def pick(*choices: object) -> np.ndarray:
        return rng.choice(np.array(choices, dtype=object), n)

    def floats(*choices: float) -> np.ndarray:
        return rng.choice(np.array(choices, dtype=float), n)

    counts = (0.0, 1.0, 3.0, np.nan)
    arrays = {
        "seniority": pick("vp", "manager", None),
        "employee_band": pick("1-10", "201-1000", None),
        "employee_count": pick(np.nan, 5.0, 350.0),
        "annual_revenue": floats(np.nan, 12_000.0, 2_500_000.0),
        "custom__purchase_timeline": pick("Next quarter", "", None, np.nan),
        "days_since_created": floats(np.nan, 3.0, 40.0),
        **{f"page__pricing__{w}d": pick(*counts) for w in (7, 30, 90)},
        **{f"evt__email_open__{w}d": floats(*counts) for w in (7, 30, 90)},
        "evt__email_open__recency_days": floats(np.nan, 12.0, 365.0),
        "page__pricing__recency_days": pick(np.nan, 0.5, 400.0),
    }
    factors = [
        "seniority",
        "company_size",
        "annual_revenue",
        "industry",  # reads a feature the arrays lack: its default
        "days_since_created",
        "custom__purchase_timeline",
        "page__pricing",
        "evt__email_open",
    ]
    return streams, custom, arrays, factors


def test_describer_gives_what_describe_gives_for_every_record() -> None:
    """Scoring describes each distinct case once (_Describer); the texts stay describe's."""
    streams, custom, arrays, factors = _describer_case()
    describer = _Describer(streams, custom, (7, 30, 90), 365)
    for i in range(len(arrays["seniority"])):
        row = _Row(arrays, i)
        for factor in factors:
            expected = describe(factor, row, streams, custom, (7, 30, 90), 365)
            assert describer(factor, row) == expected, (factor, i)


def test_describer_many_gives_each_record_its_own_text() -> None:
    """_Describer.many walks the tree per group of records reading equal values (None and NaN
    apart); each record still gets describe's text, from an empty or a partly built tree."""
    streams, custom, arrays, factors = _describer_case()
    rng = np.random.default_rng(11)
    for warm in (False, True):
        describer = _Describer(streams, custom, (7, 30, 90), 365)
        if warm:  # part of the tree built record by record first
            for i in range(0, 600, 7):
                for factor in factors:
                    describer(factor, _Row(arrays, i))
        for factor in factors:
            records = np.sort(rng.choice(600, size=400, replace=False))
            texts: dict[int, str] = {}
            for members, text in describer.many(factor, arrays, records):
                for member in members.tolist():
                    assert member not in texts, (factor, member)
                    texts[member] = text
            assert sorted(texts) == records.tolist()
            for i in records.tolist():
                expected = describe(factor, _Row(arrays, i), streams, custom, (7, 30, 90), 365)
                assert texts[i] == expected, (factor, i, warm)


def test_is_in_is_pandas_isin() -> None:
    """is_in (Arrow lookup for text) gives pandas' isin: missing values, sets, lists,
    categorical keys and values, keys of another type, no keys."""
    rng = np.random.default_rng(3)
    values = pd.Series(rng.choice(np.array(["a", "b", "c", None], dtype=object), 500)).astype("str")
    cases = (
        pd.Series(["a", "c"]).astype("str"),
        pd.Series(["a", None]).astype("str"),
        {"b", "zz"},
        ["c", np.nan],
        pd.Series(["a", "b"]).astype("category"),
        pd.Index(["c"]),
        [1, 2],
        set(),
    )
    found = 0
    for keys in cases:
        for target in (values, values.astype("category"), values.astype(object)):
            expected = target.isin(keys).to_numpy()
            assert (is_in(target, keys) == expected).all(), (keys, target.dtype)
            found += int(expected.sum())
    assert found > 0


def test_text_values_keep_every_text() -> None:
    """Scoring describes text_values (day counts cut to whole days, so records share texts):
    each record's text is the one its own values give, for fractional, negative, NaN and
    near-cap days."""
    streams, custom, _, factors = _describer_case()
    rng = np.random.default_rng(5)
    n = 2_000

    def days() -> np.ndarray:
        values = rng.choice(np.array([np.nan, -0.5, 0.0, 0.25, 6.999, 7.0, 364.5, 365.0, 400.2]), n)
        return np.where(rng.random(n) < 0.5, values, rng.uniform(-2.0, 400.0, n))

    arrays = {
        "employee_count": rng.choice(np.array([np.nan, 5.0, 350.0]), n),
        "days_since_created": days(),
        "days_since_first_stage": days(),
        **{
            f"evt__email_open__{w}d": rng.choice(np.array([0.0, 2.0, np.nan]), n)
            for w in (7, 30, 90)
        },
        "evt__email_open__recency_days": days(),
        "page__pricing__recency_days": days(),
        "seniority": rng.choice(np.array(["vp", None], dtype=object), n),
    }
    cut = {name: text_values(name, values) for name, values in arrays.items()}
    assert len(np.unique(cut["days_since_created"])) < len(np.unique(arrays["days_since_created"]))
    for factor in [*factors, "days_since_first_stage"]:
        for i in range(n):
            expected = describe(factor, _Row(arrays, i), streams, custom, (7, 30, 90), 365)
            got = describe(factor, _Row(cut, i), streams, custom, (7, 30, 90), 365)
            assert got == expected, (factor, i)


# ---------------------------------------------------------------------------------------------
# dbt helpers


def test_inputs_from_dbt_refs(world: PredictiveInputs) -> None:
    relations = {
        "stg_crm__contacts": world.contacts,
        "stg_crm__companies": world.companies,
        "stg_crm__contact_custom_properties": world.custom_properties,
        "stg_crm__lifecycle_stage_changes": world.stage_changes,
        "int_events_unioned": world.events,
        **{name: pd.DataFrame() for name in CONFIG_REFS},
    }
    inputs = inputs_from_refs(relations)
    assert inputs.contacts is world.contacts and inputs.property_values is None
    assert set(inputs.scoring_config) == set(CONFIG_REFS)  # type: ignore[arg-type]
    # scoring reads no config; a partial config is an error naming what is missing
    without_config = {k: v for k, v in relations.items() if k not in CONFIG_REFS}
    assert inputs_from_refs(without_config).scoring_config is None
    del relations["score_bands"]
    with pytest.raises(KeyError, match="score_bands"):
        inputs_from_refs(relations)
    del relations["int_events_unioned"]
    with pytest.raises(KeyError, match="int_events_unioned"):
        inputs_from_refs(relations)
    assert as_of_from_config("2026-06-30") == AS_OF
    assert as_of_from_config("2026-06-30T12:00:00+02:00") == pd.Timestamp("2026-06-30 10:00")
    assert abs(as_of_from_config(None) - pd.Timestamp.now("UTC").tz_localize(None)) < DAY
