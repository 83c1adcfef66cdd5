"""Tests of the holdout predictions and the drift profile of the predictive score, on the
synthetic world of test_predictive (fast: one module-scoped training run).

The current cohort is built by copying training examples as new contacts whose whole history
is shifted so that their start-stage entry falls in the last 30 days: as of their entry they
look exactly like the originals did, so an unchanged copy must give the reference's shares.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import brier_score_loss, roc_auc_score
from test_predictive import AS_OF, DAY, SETTINGS, TRAINED_AT, make_world

from lead_scoring.predictive import (
    DRIFT_COLUMNS,
    HOLDOUT_COLUMNS,
    STATUS_INSUFFICIENT,
    PredictiveInputs,
    PredictiveModel,
    PredictiveSettings,
    TrainingResult,
    contributions,
    drift_profile,
    holdout_predictions,
    model_card_frame,
    model_from_frame,
    prepare,
    raw_features,
    recent_entrants,
    train,
    training_examples,
)
from lead_scoring.predictive.drift import DRIFT_TYPES, SCORE_ITEM, TOP_FEATURES


@pytest.fixture(scope="module")
def world() -> PredictiveInputs:
    return make_world()


@pytest.fixture(scope="module")
def trained(world: PredictiveInputs) -> TrainingResult:
    return train(world, SETTINGS, AS_OF, trained_at=TRAINED_AT)


@pytest.fixture(scope="module")
def model(trained: TrainingResult) -> PredictiveModel:
    assert trained.model is not None
    return trained.model


def with_recent_copies(
    world: PredictiveInputs,
    contact_ids: list[str],
    contacts_change: dict[str, object] | None = None,
    drop_event_types: tuple[str, ...] = (),
) -> PredictiveInputs:
    """``world`` plus a copy (id ``r<id>``) of each given contact, its whole history shifted
    so that its first MQL entry lands in (AS_OF - 29 days, AS_OF]; ``contacts_change``: new
    values of contact columns for the copies; ``drop_event_types``: events the copies lack."""
    rng = np.random.default_rng(3)
    entries = (
        world.stage_changes[world.stage_changes["lifecycle_stage"] == "mql"]
        .groupby("contact_id")["entered_at"]
        .min()
    )
    target = AS_OF - pd.to_timedelta(rng.uniform(0, 29, len(contact_ids)), unit="D")
    shift = pd.Series(target - entries.loc[contact_ids].to_numpy(), index=contact_ids)

    def copies(frame: pd.DataFrame, column: str) -> pd.DataFrame:
        rows = frame[frame["contact_id"].isin(contact_ids)].copy()
        rows[column] = rows[column] + shift.loc[rows["contact_id"]].to_numpy()
        rows["contact_id"] = "r" + rows["contact_id"]
        return rows

    contacts = copies(world.contacts, "created_at")
    for name, value in (contacts_change or {}).items():
        contacts[name] = value
    events = copies(world.events, "occurred_at")
    events = events[~events["event_type"].isin(drop_event_types)]
    events["event_id"] = "r" + events["event_id"]
    return dataclasses.replace(
        world,
        contacts=pd.concat([world.contacts, contacts], ignore_index=True),
        stage_changes=pd.concat(
            [world.stage_changes, copies(world.stage_changes, "entered_at")], ignore_index=True
        ),
        events=pd.concat([world.events, events], ignore_index=True),
        custom_properties=pd.concat(
            [world.custom_properties, copies(world.custom_properties, "updated_at")],
            ignore_index=True,
        ),
    )


def _example_ids(world: PredictiveInputs) -> list[str]:
    return training_examples(prepare(world), SETTINGS, AS_OF)["contact_id"].tolist()


def _shares(drift: pd.DataFrame, column: str) -> dict[str, np.ndarray]:
    return {
        item: (rows[column] / rows[column].sum()).to_numpy()
        for item, rows in drift.groupby("item", sort=False)
    }


# ---------------------------------------------------------------------------------------------
# Holdout predictions


def test_holdout_predictions_are_the_cards_holdout(
    trained: TrainingResult, model: PredictiveModel
) -> None:
    card = trained.card
    holdout = holdout_predictions(model)
    assert list(holdout.columns) == list(HOLDOUT_COLUMNS)
    assert {column: str(kind) for column, kind in holdout.dtypes.items()} == {
        "model_version": "str",
        "contact_id": "str",
        "example_as_of_at": "datetime64[us]",
        "probability": "float64",
        "is_converted": "bool",
    }
    assert len(holdout) == card["n_holdout"]
    assert (holdout["model_version"] == card["model_version"]).all()
    assert holdout["contact_id"].is_unique
    card_row = model_card_frame(trained).iloc[0]  # timestamps as in the warehouse (us)
    assert holdout["example_as_of_at"].min() == card_row["holdout_window_start"]
    assert holdout["probability"].between(0, 1).all()
    y, p = holdout["is_converted"], holdout["probability"]
    assert roc_auc_score(y, p) == pytest.approx(card["holdout_auc_chosen"], abs=1e-12)
    assert brier_score_loss(y, p) == pytest.approx(card["holdout_brier_calibrated"], abs=1e-12)
    assert y.mean() == pytest.approx(card["holdout_positive_rate"])
    examples = trained.examples[trained.examples["split"] == "holdout"]
    assert holdout["contact_id"].tolist() == examples["contact_id"].tolist()
    np.testing.assert_allclose(p, examples["holdout_probability"], rtol=0, atol=0)
    # the same after travelling through the model card table
    travelled = holdout_predictions(model_from_frame(model_card_frame(trained, include_model=True)))
    pd.testing.assert_frame_equal(travelled, holdout)


def test_no_model_gives_empty_frames_with_the_same_columns(model: PredictiveModel) -> None:
    result = train(make_world(converters=10), SETTINGS, AS_OF)
    assert result.status == STATUS_INSUFFICIENT and result.model is None
    holdout = holdout_predictions(result.model)
    assert holdout.empty and list(holdout.columns) == list(HOLDOUT_COLUMNS)
    assert str(holdout["is_converted"].dtype) == "bool"
    assert str(holdout["example_as_of_at"].dtype) == "datetime64[us]"
    drift = drift_profile(make_world(converters=10), SETTINGS, AS_OF, result.model)
    assert drift.empty and list(drift.columns) == list(DRIFT_COLUMNS)
    assert {c: str(t) for c, t in drift.dtypes.items() if c in DRIFT_TYPES} == dict(DRIFT_TYPES)
    # a model pickled before holdout predictions and drift references were kept
    old = dataclasses.replace(model, holdout=None, drift_reference=None)
    assert holdout_predictions(old).empty
    assert drift_profile(make_world(), SETTINGS, AS_OF, old).empty


# ---------------------------------------------------------------------------------------------
# The recent cohort


def test_recent_entrants_are_the_unlabelled_newest_cohort() -> None:
    changes = pd.DataFrame(
        [
            ("a", "mql", "2026-06-20"),  # recent
            ("b", "mql", "2026-05-31 00:00:00"),  # window closes exactly at AS_OF: an example
            ("b2", "mql", "2026-05-31 00:00:01"),  # one second later: recent
            ("c", "sql", "2026-06-01"),
            ("c", "mql", "2026-06-10"),  # already past the end stage: left out
            ("d", "mql", "2026-06-15"),
            ("d", "sql", "2026-06-20"),  # converted since: still in the cohort
            ("e", "mql", "2026-07-05"),  # after AS_OF
            ("f", "mql", "2026-01-05"),
            ("f", "mql", "2026-06-20"),  # second entry: its first one is an example
            ("g", "mql", "2026-06-30"),  # at AS_OF: recent
            ("h", "lead", "2026-06-25"),  # never an MQL
            ("z", "mql", "2026-06-20"),  # unknown contact: left out
        ],
        columns=["contact_id", "lifecycle_stage", "entered_at"],
    )
    known = pd.DataFrame({"contact_id": ["a", "b", "b2", "c", "d", "e", "f", "g", "h"]})
    prepared = prepare(PredictiveInputs(contacts=known, stage_changes=changes))
    recent = recent_entrants(prepared, PredictiveSettings(), AS_OF)
    assert list(recent.columns) == ["contact_id", "as_of"]
    assert recent["contact_id"].tolist() == ["b2", "d", "a", "g"]
    assert recent["as_of"].tolist() == [
        pd.Timestamp(t) for t in ("2026-05-31 00:00:01", "2026-06-15", "2026-06-20", "2026-06-30")
    ]
    examples = training_examples(prepared, PredictiveSettings(), AS_OF)
    assert examples["contact_id"].tolist() == ["f", "b"]
    assert not set(examples["contact_id"]) & set(recent["contact_id"])


# ---------------------------------------------------------------------------------------------
# The drift reference and profile


def test_reference_profile_items_and_importance(
    world: PredictiveInputs, trained: TrainingResult, model: PredictiveModel
) -> None:
    reference = model.drift_reference
    assert reference is not None
    assert reference.n_records == trained.card["n_examples"]
    assert reference.window_start == trained.card["training_window_start"]
    assert reference.window_end == trained.card["training_window_end"]
    score_item, *features = reference.items
    assert score_item.item == SCORE_ITEM and score_item.importance_rank is None
    assert [item.importance_rank for item in features] == list(range(1, TOP_FEATURES + 1))
    # importance: mean |calibrated contribution| per factor over all examples, recomputed
    prepared = prepare(world)
    examples = training_examples(prepared, SETTINGS, AS_OF)
    spec = model.spec
    raw = raw_features(prepared, examples, model.settings, spec.event_types, spec.custom_names)
    _, factors = contributions(model, spec.transform(raw), by="factor")
    importance = factors.abs().mean(axis=0)
    ranked = sorted(importance.index, key=lambda factor: (-importance[factor], factor))
    assert [item.factor for item in features] == ranked[:TOP_FEATURES]
    for item in features:
        assert item.importance == pytest.approx(importance[item.factor])
        assert item.item in spec.raw_features
        assert item.bin_labels[-1] == "missing"
    for item in reference.items:
        assert sum(item.reference_records) == reference.n_records
        if item.is_categorical:
            assert item.bin_labels[-2:] == ("other", "missing")
        else:  # deciles: at most 10 bins, each holding reference records
            n_bins = len(item.edges) + 1
            assert 1 <= n_bins <= 10
            assert all(count > 0 for count in item.reference_records[:n_bins])
    assert len(score_item.bin_labels) == 10  # a continuous score: every decile
    assert score_item.bin_labels[0].startswith("< ")
    assert score_item.bin_labels[-1].startswith(">= ")


def test_drift_without_recent_entrants_keeps_the_reference_rows(
    world: PredictiveInputs, trained: TrainingResult, model: PredictiveModel
) -> None:
    drift = drift_profile(world, SETTINGS, AS_OF, model)
    assert list(drift.columns) == list(DRIFT_COLUMNS)
    assert {c: str(t) for c, t in drift.dtypes.items() if c in DRIFT_TYPES} == dict(DRIFT_TYPES)
    assert (drift["current_records"] == 0).all()
    assert (drift["model_version"] == trained.card["model_version"]).all()
    assert drift.groupby("item")["reference_records"].sum().eq(trained.card["n_examples"]).all()
    assert not drift.duplicated(["model_version", "item", "bin_order"]).any()
    assert drift["item"].nunique() == 1 + TOP_FEATURES
    score_rows = drift[drift["item_kind"] == "score"]
    assert (score_rows["item"] == "probability").all()
    assert (score_rows["item_label"] == "Predicted probability").all()
    assert score_rows["importance_rank"].isna().all()
    assert drift["current_window_start_at"].eq(AS_OF - 30 * DAY).all()
    assert drift["current_window_end_at"].eq(AS_OF).all()
    card_row = model_card_frame(trained).iloc[0]  # timestamps as in the warehouse (us)
    assert drift["reference_window_start_at"].eq(card_row["training_window_start"]).all()
    assert drift["reference_window_end_at"].eq(card_row["training_window_end"]).all()


def test_identical_cohort_gives_identical_shares(
    world: PredictiveInputs, model: PredictiveModel
) -> None:
    ids = _example_ids(world)
    current = with_recent_copies(world, ids)
    assert len(recent_entrants(prepare(current), SETTINGS, AS_OF)) == len(ids)
    drift = drift_profile(current, SETTINGS, AS_OF, model)
    # the copies look exactly like the examples did at their entry: same records per bin
    assert (drift["current_records"] == drift["reference_records"]).all()

    half = ids[::2]
    drift = drift_profile(with_recent_copies(world, half), SETTINGS, AS_OF, model)
    assert drift.groupby("item")["current_records"].sum().eq(len(half)).all()
    assert drift.groupby("item")["reference_records"].sum().eq(len(ids)).all()


def test_recent_cohort_leaves_out_examples_and_contacts_past_the_end_stage(
    world: PredictiveInputs, model: PredictiveModel
) -> None:
    ids = _example_ids(world)[:40]
    current = with_recent_copies(world, ids)
    skipped = pd.DataFrame(  # two copies had reached SQL before their (recent) MQL entry
        {
            "contact_id": ["r" + ids[0], "r" + ids[1]],
            "lifecycle_stage": ["sql", "sql"],
            "stage_order": [4, 4],
            "entered_at": [AS_OF - 40 * DAY, AS_OF - 40 * DAY],
        }
    )
    current = dataclasses.replace(
        current, stage_changes=pd.concat([current.stage_changes, skipped], ignore_index=True)
    )
    recent = recent_entrants(prepare(current), SETTINGS, AS_OF)
    assert set(recent["contact_id"]) == {"r" + i for i in ids[2:]}
    assert not set(recent["contact_id"]) & set(_example_ids(current))
    drift = drift_profile(current, SETTINGS, AS_OF, model)
    assert drift.groupby("item")["current_records"].sum().eq(len(ids) - 2).all()


def test_shifted_features_give_different_shares(
    world: PredictiveInputs, model: PredictiveModel
) -> None:
    reference = model.drift_reference
    assert reference is not None
    items = {item.item: item for item in reference.items}
    assert {"seniority", "industry"} <= set(items)  # top factors of this world
    current = with_recent_copies(
        world,
        _example_ids(world),
        contacts_change={"seniority": "vp"},
        drop_event_types=("page_view",),
    )
    drift = drift_profile(current, SETTINGS, AS_OF, model)
    reference_shares = _shares(drift, "reference_records")
    current_shares = _shares(drift, "current_records")
    changed = {"probability", "seniority"} | {
        name for name in items if name.startswith(("evt__page_view", "page__pricing"))
    }
    for name in items:
        same = np.array_equal(reference_shares[name], current_shares[name])
        assert same == (name not in changed), name
    seniority = drift[drift["item"] == "seniority"].set_index("bin_label")["current_records"]
    assert seniority["VP"] == seniority.sum()


def test_unseen_levels_go_to_other_and_missing_values_to_missing(
    world: PredictiveInputs, model: PredictiveModel
) -> None:
    ids = _example_ids(world)[:50]
    current = with_recent_copies(
        world, ids, contacts_change={"seniority": "astronaut", "primary_company_id": None}
    )
    drift = drift_profile(current, SETTINGS, AS_OF, model)
    seniority = drift[drift["item"] == "seniority"].set_index("bin_label")["current_records"]
    assert seniority["other"] == len(ids) == seniority.sum()
    industry = drift[drift["item"] == "industry"].set_index("bin_label")["current_records"]
    assert industry["missing"] == len(ids) == industry.sum()


def test_drift_is_deterministic_and_checks_the_settings(
    world: PredictiveInputs, trained: TrainingResult, model: PredictiveModel
) -> None:
    current = with_recent_copies(world, _example_ids(world)[::3])
    first = drift_profile(current, SETTINGS, AS_OF, model)
    pd.testing.assert_frame_equal(first, drift_profile(current, None, AS_OF, model))
    again = train(world, SETTINGS, AS_OF, trained_at=TRAINED_AT)
    assert again.model is not None and again.model.drift_reference == model.drift_reference
    pd.testing.assert_frame_equal(drift_profile(current, SETTINGS, AS_OF, again.model), first)
    pd.testing.assert_frame_equal(holdout_predictions(again.model), holdout_predictions(model))
    travelled = model_from_frame(model_card_frame(trained, include_model=True))
    pd.testing.assert_frame_equal(drift_profile(current, SETTINGS, AS_OF, travelled), first)
    other = dataclasses.replace(SETTINGS, conversion_window_days=60)
    with pytest.raises(ValueError, match="conversion_window_days is 60 but the model"):
        drift_profile(current, other, AS_OF, model)


def test_boosted_model_has_a_drift_reference(world: PredictiveInputs) -> None:
    settings = dataclasses.replace(SETTINGS, algorithms=("gradient_boosting",))
    result = train(world, settings, AS_OF, trained_at=TRAINED_AT)
    assert result.model is not None and result.model.algorithm == "gradient_boosting"
    drift = drift_profile(
        with_recent_copies(world, _example_ids(world)), settings, AS_OF, result.model
    )
    assert drift["importance_rank"].max() == TOP_FEATURES
    assert (drift["current_records"] == drift["reference_records"]).all()
    holdout = holdout_predictions(result.model)
    assert roc_auc_score(holdout["is_converted"], holdout["probability"]) == pytest.approx(
        result.card["holdout_auc_chosen"], abs=1e-12
    )
