"""Incremental scoring (lead_scoring.predictive.rescoring, dbt.scores_to_write): a run scores
again exactly the leads whose inputs or context changed, removes the leads gone, and the table
it leaves equals scoring every lead from scratch - with events read as pandas frames or as
DuckDB relations (digested in SQL)."""

from __future__ import annotations

import dataclasses

import duckdb
import numpy as np
import pandas as pd
import pytest
from test_predictive import AS_OF, DAY, SETTINGS, TRAINED_AT, make_world

from lead_scoring.predictive import PredictiveInputs, TrainingResult, score, train
from lead_scoring.predictive.dbt import REQUIRED_REFS, scores_to_write
from lead_scoring.predictive.rescoring import INPUTS_HASH

ENGINES = ("pandas", "duckdb")


@pytest.fixture(scope="module")
def world() -> PredictiveInputs:
    return make_world()


@pytest.fixture(scope="module")
def trained(world: PredictiveInputs) -> TrainingResult:
    settings = dataclasses.replace(SETTINGS, algorithms=("logistic_regression",))
    return train(world, settings, AS_OF, trained_at=TRAINED_AT)


def _relations(inputs: PredictiveInputs, engine: str, con: duckdb.DuckDBPyConnection) -> dict:
    frames = {ref: getattr(inputs, field) for field, ref in REQUIRED_REFS.items()}
    if engine == "pandas":
        return frames
    return {ref: con.from_df(frame) for ref, frame in frames.items()}


def _write(
    inputs: PredictiveInputs,
    engine: str,
    model: TrainingResult,
    previous: pd.DataFrame | None,
    as_of: pd.Timestamp = AS_OF,
) -> pd.DataFrame:
    with duckdb.connect() as con:
        return scores_to_write(
            _relations(inputs, engine, con), SETTINGS, as_of, model.model, previous=previous
        )


def _applied(table: pd.DataFrame | None, written: pd.DataFrame) -> pd.DataFrame:
    """What the dbt model's delete+insert by contact_id and its post-hook leave (``table``:
    the model's rows before; None: a first run)."""
    table = written.iloc[:0] if table is None else table
    kept = table[~table["contact_id"].isin(written["contact_id"])]
    merged = pd.concat([kept, written], ignore_index=True)
    merged = merged[merged[INPUTS_HASH].notna()]
    return merged.sort_values("contact_id").reset_index(drop=True)


def _previous(table: pd.DataFrame) -> pd.DataFrame:
    return table[["contact_id", INPUTS_HASH]].astype({INPUTS_HASH: "Int64"})


def _assert_scores_every_lead(
    table: pd.DataFrame, inputs: PredictiveInputs, model: TrainingResult, as_of: pd.Timestamp
) -> None:
    expected = score(inputs, SETTINGS, as_of, model.model)
    expected = expected.sort_values("contact_id").reset_index(drop=True)
    got = table.drop(columns=INPUTS_HASH).reset_index(drop=True)
    got = got.astype(expected.dtypes.to_dict())  # (removal rows made the text columns object)
    pd.testing.assert_frame_equal(got, expected, check_exact=False, rtol=1e-12, atol=1e-12)


def _changed_world(world: PredictiveInputs) -> tuple[PredictiveInputs, dict[str, object]]:
    """Changes of one lead each (a new recent event, a custom property, a new contact, a
    promotion out of the lead stages, an event older than any window) and of one company."""
    stages = world.contacts.set_index("contact_id")["lifecycle_stage"]
    leads = sorted(stages[stages.isin(["lead", "mql"])].index)
    new_event, new_property, promoted, old_event = leads[:4]
    company = world.contacts.set_index("contact_id").loc[leads[4], "primary_company_id"]
    at_company = set(
        world.contacts.loc[world.contacts["primary_company_id"] == company, "contact_id"]
    ) & set(leads)
    events = pd.concat(
        [
            world.events,
            pd.DataFrame(
                {
                    "event_id": ["new-1", "old-1"],
                    "contact_id": [new_event, old_event],
                    "event_type": ["page_view", "page_view"],
                    "occurred_at": [AS_OF - 2 * DAY, AS_OF - 2000 * DAY],
                    "page_path": ["/pricing", "/pricing"],
                }
            ),
        ],
        ignore_index=True,
    )
    custom = world.custom_properties.copy()
    custom.loc[custom["contact_id"] == new_property, "property_value"] = "This quarter!"
    companies = world.companies.copy()
    companies.loc[companies["company_id"] == company, "employee_count"] += 1
    newcomer = world.contacts.iloc[[0]].assign(
        contact_id="c-new", lifecycle_stage="lead", created_at=AS_OF - 10 * DAY
    )
    contacts = pd.concat([world.contacts, newcomer], ignore_index=True)
    stage_changes = pd.concat(
        [
            world.stage_changes,
            pd.DataFrame(
                {
                    "contact_id": [promoted, "c-new"],
                    "lifecycle_stage": ["sql", "lead"],
                    "entered_at": [AS_OF - DAY, AS_OF - 10 * DAY],
                    "stage_order": [4, 2],
                }
            ),
        ],
        ignore_index=True,
    )
    changed = dataclasses.replace(
        world,
        contacts=contacts,
        companies=companies,
        custom_properties=custom,
        stage_changes=stage_changes,
        events=events,
    )
    expected = {
        "scored": {new_event, new_property, "c-new"} | at_company,
        "gone": {promoted},
        "unchanged": old_event,
    }
    return changed, expected


@pytest.mark.parametrize("engine", ENGINES)
def test_a_first_run_scores_every_lead(
    world: PredictiveInputs, trained: TrainingResult, engine: str
) -> None:
    written = _write(world, engine, trained, previous=None)
    assert written[INPUTS_HASH].notna().all()
    assert written["contact_id"].is_unique
    _assert_scores_every_lead(_applied(None, written), world, trained, AS_OF)


@pytest.mark.parametrize("engine", ENGINES)
def test_a_run_without_changes_writes_nothing(
    world: PredictiveInputs, trained: TrainingResult, engine: str
) -> None:
    table = _applied(None, _write(world, engine, trained, previous=None))
    assert _write(world, engine, trained, previous=_previous(table)).empty


@pytest.mark.parametrize("engine", ENGINES)
def test_only_changed_leads_are_scored_again_and_gone_leads_removed(
    world: PredictiveInputs, trained: TrainingResult, engine: str
) -> None:
    table = _applied(None, _write(world, engine, trained, previous=None))
    changed, expected = _changed_world(world)
    written = _write(changed, engine, trained, previous=_previous(table))
    scored = set(written.loc[written[INPUTS_HASH].notna(), "contact_id"])
    assert scored == expected["scored"]
    assert set(written.loc[written[INPUTS_HASH].isna(), "contact_id"]) == expected["gone"]
    assert expected["unchanged"] in set(table["contact_id"]) - scored
    _assert_scores_every_lead(_applied(table, written), changed, trained, AS_OF)


@pytest.mark.parametrize("engine", ENGINES)
def test_a_new_scoring_date_or_model_scores_every_lead_again(
    world: PredictiveInputs, trained: TrainingResult, engine: str
) -> None:
    table = _applied(None, _write(world, engine, trained, previous=None))
    later = AS_OF + DAY
    written = _write(world, engine, trained, previous=_previous(table), as_of=later)
    assert set(written["contact_id"]) >= set(table["contact_id"])
    _assert_scores_every_lead(_applied(table, written), world, trained, later)
    boosted = train(world, SETTINGS, AS_OF, trained_at=TRAINED_AT)
    assert boosted.model is not None
    assert boosted.model.model_version != trained.model.model_version  # type: ignore[union-attr]
    written = _write(world, engine, boosted, previous=_previous(table))
    assert set(written["contact_id"]) == set(table["contact_id"])
    _assert_scores_every_lead(_applied(table, written), world, boosted, AS_OF)


def test_without_a_model_every_row_is_removed(
    world: PredictiveInputs, trained: TrainingResult
) -> None:
    table = _applied(None, _write(world, "pandas", trained, previous=None))
    none = dataclasses.replace(trained, model=None)
    written = _write(world, "pandas", none, previous=_previous(table))
    assert written[INPUTS_HASH].isna().all()
    assert set(written["contact_id"]) == set(table["contact_id"])
    assert _applied(table, written).empty
    assert np.array_equal(written.columns, table.columns)
