"""Tests of the predictive score's reading of its inputs (lead_scoring.predictive.reading and
the dbt helpers training_inputs / scoring_inputs / drift_inputs, and scores_to_write, which
int_predictive_scores calls): only the columns and rows the computations read, text as
categoricals - and the same results as on the whole tables.
"""

from __future__ import annotations

import dataclasses
import sys
import tempfile
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest
from test_predictive import AS_OF, DAY, RULE_CONFIG, SETTINGS, TRAINED_AT, make_world

from lead_scoring.predictive import (
    PredictiveInputs,
    drift_profile,
    holdout_predictions,
    model_card_frame,
    model_from_frame,
    prepare,
    raw_features,
    reading,
    score,
    train,
    training_examples,
)
from lead_scoring.predictive import features as features_module
from lead_scoring.predictive.dbt import (
    REQUIRED_REFS,
    drift_inputs,
    scores_to_write,
    scoring_inputs,
    training_inputs,
)
from lead_scoring.predictive.inputs import _lower_text, _text
from lead_scoring.predictive.reading import Scope, read_scoped
from lead_scoring.scoring.config import TABLES, write_config

#: An event type seen only on an unknown contact before AS_OF, and one seen only after it.
EXTRA_EVENTS = pd.DataFrame(
    {
        "event_id": ["x1", "x2", "x3"],
        "contact_id": ["nobody", "nobody", "  "],
        "event_type": [" Webinar_Attended ", "chat_started", "form_submission"],
        "occurred_at": [AS_OF - 400 * DAY, AS_OF + DAY, AS_OF - DAY],
        "page_path": [None, None, None],
        "email_type": [None, None, None],
    }
)


@pytest.fixture(scope="module")
def world() -> PredictiveInputs:
    base = make_world(n=300, seed=11)
    assert base.events is not None
    events = pd.concat([base.events, EXTRA_EVENTS], ignore_index=True)
    # noise the features never read: another column and events far in the past
    events["owner_id"] = "o1"
    return dataclasses.replace(base, events=events)


def _config_frames() -> dict[str, pd.DataFrame]:
    """The world's rule configuration as its six seed tables."""
    with tempfile.TemporaryDirectory() as directory:
        write_config(RULE_CONFIG, Path(directory))
        return {
            Path(name).stem: pd.read_csv(Path(directory) / name, dtype=str, keep_default_na=False)
            for name in TABLES
        }


def _relations(world: PredictiveInputs) -> dict[str, object]:
    """The world as dbt relations keyed by ref name (DataFrames), seeds included."""
    return {
        REQUIRED_REFS["contacts"]: world.contacts,
        REQUIRED_REFS["companies"]: world.companies,
        REQUIRED_REFS["custom_properties"]: world.custom_properties,
        REQUIRED_REFS["stage_changes"]: world.stage_changes,
        REQUIRED_REFS["events"]: world.events,
        **_config_frames(),
    }


def _outputs(
    training: PredictiveInputs, scoring: PredictiveInputs, drifting: PredictiveInputs
) -> tuple[pd.DataFrame, ...]:
    result = train(training, SETTINGS, AS_OF, trained_at=TRAINED_AT)
    card = model_card_frame(result, include_model=True)
    model = model_from_frame(card)
    return (
        card.drop(columns=["serialized_model"]),
        result.examples,
        score(scoring, SETTINGS, AS_OF, model),
        drift_profile(drifting, SETTINGS, AS_OF, model),
        holdout_predictions(model),
    )


def _assert_same(expected: tuple[pd.DataFrame, ...], got: tuple[pd.DataFrame, ...]) -> None:
    for left, right in zip(expected, got, strict=True):
        pd.testing.assert_frame_equal(left, right, check_exact=True)


def _scoped(relations: dict[str, object]) -> tuple[PredictiveInputs, ...]:
    training = training_inputs(relations, SETTINGS, AS_OF)
    model = train(training, SETTINGS, AS_OF, trained_at=TRAINED_AT).model
    assert model is not None
    return (
        training,
        scoring_inputs(relations, SETTINGS, AS_OF, model),
        drift_inputs(relations, AS_OF, model),
    )


def _assert_writes_the_scores(
    expected: tuple[pd.DataFrame, ...], relations: dict[str, object]
) -> None:
    """int_predictive_scores' first run (scores_to_write, reading the same way) writes exactly
    the scores of every lead."""
    training = training_inputs(relations, SETTINGS, AS_OF)
    model = train(training, SETTINGS, AS_OF, trained_at=TRAINED_AT).model
    written = scores_to_write(relations, SETTINGS, AS_OF, model).drop(columns="inputs_hash")
    scores = expected[2]
    _assert_same((scores,), (written.astype(scores.dtypes.to_dict()),))


@pytest.fixture(scope="module")
def expected(world: PredictiveInputs) -> tuple[pd.DataFrame, ...]:
    return _outputs(world, world, world)


def test_scoped_dataframes_give_identical_results(
    world: PredictiveInputs, expected: tuple[pd.DataFrame, ...]
) -> None:
    relations = _relations(world)
    training, scoring, drifting = _scoped(relations)
    assert training.events is not None and world.events is not None
    assert len(training.events) < len(world.events)
    assert isinstance(training.events["contact_id"].dtype, pd.CategoricalDtype)
    assert "owner_id" not in training.events.columns
    # the unknown contact's webinar type counts (before as_of), the later chat does not
    assert training.event_types is not None
    assert "webinar_attended" in {t.strip().lower() for t in training.event_types}
    assert "chat_started" not in set(training.event_types)
    _assert_same(expected, _outputs(training, scoring, drifting))
    _assert_writes_the_scores(expected, relations)


def test_scoped_duckdb_relations_give_identical_results(
    world: PredictiveInputs, expected: tuple[pd.DataFrame, ...], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(reading, "BATCH_ROWS", 97)  # several batches
    monkeypatch.setattr(features_module, "PAIRS_PER_CHUNK", 101)  # several chunks
    con = duckdb.connect()
    relations: dict[str, object] = {}
    for name, frame in _relations(world).items():
        con.register(f"{name}_frame", frame)
        con.execute(f"create table {name} as select * from {name}_frame")
        relations[name] = con.table(name)
    training, scoring, drifting = _scoped(relations)
    assert scoring.events is not None and drifting.events is not None
    assert isinstance(scoring.events["event_type"].dtype, pd.CategoricalDtype)
    assert len(drifting.events) < len(scoring.events)
    _assert_same(expected, _outputs(training, scoring, drifting))
    _assert_writes_the_scores(expected, relations)


def test_whole_tables_with_categorical_events_give_identical_results(
    world: PredictiveInputs, expected: tuple[pd.DataFrame, ...], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(features_module, "PAIRS_PER_CHUNK", 50)
    assert world.events is not None
    text = ["event_id", "contact_id", "event_type", "page_path", "email_type", "owner_id"]
    categorical = dataclasses.replace(
        world, events=world.events.astype(dict.fromkeys(text, "category"))
    )
    _assert_same(expected, _outputs(categorical, categorical, categorical))


def test_scope_keeps_each_contacts_window_and_normalises_ids() -> None:
    events = pd.DataFrame(
        {
            "contact_id": [" a", "a", "b", "b", "c", None],
            "event_type": "page_view",
            "occurred_at": pd.to_datetime(
                ["2026-01-01", "2026-03-01", "2026-01-01", "2026-06-01", "2026-01-01", "2026-01-01"]
            ),
        }
    )
    scope = Scope.of(
        ["a", "b"],
        pd.Series([pd.Timestamp("2025-12-31"), pd.NaT]),
        pd.Series([pd.Timestamp("2026-02-01"), pd.Timestamp("2026-02-01")]),
    )
    read = read_scoped(events, ["contact_id"], scope, time_column="occurred_at")
    assert read.frame["contact_id"].tolist() == [" a", "b"]  # rows as stored
    assert read.event_types is None
    no_windows = read_scoped(events, ["contact_id", "event_type"], Scope.of(["c"]))
    assert no_windows.frame["contact_id"].tolist() == ["c"]
    assert list(no_windows.frame.columns) == ["contact_id", "event_type"]
    empty = read_scoped(events, ["contact_id"], Scope.of([]), time_column="occurred_at")
    assert empty.frame.empty and list(empty.frame.columns) == ["contact_id", "occurred_at"]


def test_python_whitespace_is_what_str_strip_removes() -> None:
    """The preselection's whitespace set is every character Python's str.strip removes."""
    every = {chr(code) for code in range(sys.maxunicode + 1) if chr(code).isspace()}
    assert set(reading.PYTHON_WHITESPACE) == every
    assert len(reading.PYTHON_WHITESPACE) == len(every)


def test_duckdb_preselection_keeps_ids_that_normalise_to_a_key(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """On DuckDB the rows are preselected in SQL (key semi-join) and the event types listed in
    SQL; an id that matches a key only once trimmed as Python trims (tab, \\x1c, ideographic
    space) is kept, and rows and types are those of the DataFrame path."""
    events = pd.DataFrame(
        {
            "contact_id": ["a", " a", "a\t", "a\x1c", "\u3000b", "b", "c", None, "  "],
            "event_type": ["page_view", " Form_Submission", "x", "y", "z", "w", "v", "n", "s"],
            "occurred_at": pd.to_datetime(["2026-01-01"] * 8 + ["2025-01-01"]),
        }
    )
    scope = Scope.of(
        ["a", "b"],
        pd.Series([pd.Timestamp("2025-06-01"), pd.NaT]),
        pd.Series([pd.Timestamp("2026-02-01"), pd.Timestamp("2026-02-01")]),
    )
    before = pd.Timestamp("2026-01-01 00:00:00.000001")
    expected = read_scoped(
        events,
        ["contact_id", "event_type"],
        scope,
        time_column="occurred_at",
        event_types_before=before,
    )
    con = duckdb.connect()
    con.register("events_frame", events)
    con.execute("create table events as select * from events_frame")

    def row_by_row(*args: object) -> set[str]:
        raise AssertionError("the event types should come from SQL")

    monkeypatch.setattr(reading, "_event_types_seen", row_by_row)
    got = read_scoped(
        con.table("events"),
        ["contact_id", "event_type"],
        scope,
        time_column="occurred_at",
        event_types_before=before,
    )
    assert got.event_types == expected.event_types
    assert expected.event_types == ("form_submission", "page_view", "v", "w", "x", "y", "z")

    def rows(frame: pd.DataFrame) -> list[tuple[object, ...]]:
        return sorted(map(tuple, frame.astype("object").to_numpy().tolist()))

    assert rows(got.frame) == rows(expected.frame)
    assert len(expected.frame) == 6


def test_categorical_text_is_normalised_per_value() -> None:
    values = pd.Series([" A", "a", "", None, "B "], dtype="category")
    lowered = _lower_text(values)
    assert isinstance(lowered.dtype, pd.CategoricalDtype)
    assert lowered.astype("object").where(lowered.notna(), None).tolist() == [
        "a",
        "a",
        None,
        None,
        "b",
    ]
    plain = _text(values.astype("str"))
    assert _text(values).astype("str").tolist() == plain.tolist()


def test_features_with_repeated_anchor_contacts_match_one_anchor_each(
    world: PredictiveInputs,
) -> None:
    prepared = prepare(world)
    examples = training_examples(prepared, SETTINGS, AS_OF).head(40)
    doubled = pd.concat([examples, examples], ignore_index=True)
    event_types = ("email_open", "page_view")
    single = raw_features(prepared, examples, SETTINGS, event_types, ())
    both = raw_features(prepared, doubled, SETTINGS, event_types, ())
    for half in (both.iloc[:40], both.iloc[40:]):
        pd.testing.assert_frame_equal(half.reset_index(drop=True), single, check_exact=True)
    assert np.isfinite(single.filter(like="__recency_days").to_numpy()).all()
