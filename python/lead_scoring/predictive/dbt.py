"""Helpers for the dbt Python models that call this package (thin models, see
models/intermediate/predictive/).

dbt finds a Python model's dependencies by parsing the model file for literal
``dbt.ref("name")`` calls, so the models call ``dbt.ref`` for every table they read and pass
the relations here, keyed by ref name.

- :func:`training_inputs`, :func:`scoring_inputs`, :func:`drift_inputs`: what the dbt models
  read (int_predictive_scores through :func:`scores_to_write`, which reads as
  :func:`scoring_inputs` does) - only the columns the computation reads, and of the events
  (and property values) only the rows it can read, with compact types
  (:mod:`lead_scoring.predictive.reading`). Same results as on whole tables, in a fraction of
  the memory.
- :func:`scores_to_write`: what an (incremental) run of int_predictive_scores writes - the
  leads whose inputs changed, scored again, and the leads gone
  (:mod:`lead_scoring.predictive.rescoring`); :func:`previous_hashes` reads the table's.
- :func:`inputs_from_refs`: every table whole (tests, ad-hoc use).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import numpy as np
import pandas as pd

from lead_scoring.predictive.examples import current_leads
from lead_scoring.predictive.inputs import (
    COMPANY_COLUMNS,
    CONTACT_COLUMNS,
    PredictiveInputs,
    PreparedInputs,
    as_timestamp,
    config_from_frames,
    prepare,
    prepare_events,
)
from lead_scoring.predictive.model import PredictiveModel, empty_scores, score_leads
from lead_scoring.predictive.parallel import available_cores
from lead_scoring.predictive.reading import (
    CUSTOM_PROPERTY_COLUMNS,
    EVENT_COLUMNS,
    LIST_MEMBERSHIP_COLUMNS,
    PROPERTY_VALUE_COLUMNS,
    STAGE_CHANGE_COLUMNS,
    Scope,
    columns_of,
    digest_scoped,
    drift_scope,
    read_frame,
    read_scoped,
    scoring_scope,
    training_scopes,
)
from lead_scoring.predictive.rescoring import (
    INPUTS_HASH,
    context_key,
    input_hashes,
    only_contacts,
    rescore,
)
from lead_scoring.predictive.settings import PredictiveSettings
from lead_scoring.scoring import ScoringConfig

#: PredictiveInputs field -> dbt model / seed it is read from.
REQUIRED_REFS: Mapping[str, str] = {
    "contacts": "stg_crm__contacts",
    "companies": "stg_crm__companies",
    "custom_properties": "stg_crm__contact_custom_properties",
    "stage_changes": "stg_crm__lifecycle_stage_changes",
    "events": "int_events_unioned",
}
#: The scoring configuration seeds (for the rule-score comparison on the holdout).
CONFIG_REFS = (
    "scores",
    "score_groups",
    "score_rules",
    "score_rule_values",
    "score_audiences",
    "score_bands",
)
#: Used when given: the rule engine's exact property values and the list memberships of its
#: audiences.
OPTIONAL_REFS: Mapping[str, str] = {
    "property_values": "int_property_values_linked",
    "list_memberships": "stg_crm__list_memberships",
}


def to_frame(relation: Any) -> pd.DataFrame:
    """A dbt relation (DuckDB: ``.df()``, Spark: ``.toPandas()``) or DataFrame as pandas."""
    if isinstance(relation, pd.DataFrame):
        return relation
    if hasattr(relation, "df"):
        return relation.df()
    if hasattr(relation, "toPandas"):
        return relation.toPandas()
    return pd.DataFrame(relation)


def _check_refs(relations: Mapping[str, Any]) -> list[str]:
    """The CONFIG_REFS given (all or none); raises KeyError naming missing refs."""
    missing = [ref for ref in REQUIRED_REFS.values() if ref not in relations]
    given_config = [seed for seed in CONFIG_REFS if seed in relations]
    if given_config and len(given_config) < len(CONFIG_REFS):
        missing += [seed for seed in CONFIG_REFS if seed not in relations]
    if missing:
        raise KeyError(
            "missing dbt refs for the predictive inputs: "
            + ", ".join(missing)
            + ' (call dbt.ref("...") for each in the model file)'
        )
    return given_config


def inputs_from_refs(relations: Mapping[str, Any]) -> PredictiveInputs:
    """The predictive inputs from dbt relations (or DataFrames) keyed by ref name, every table
    whole: every REQUIRED_REFS value; OPTIONAL_REFS values when present; the CONFIG_REFS seeds
    all or none (training compares the model with the rule score; scoring does not need
    them)."""
    given_config = _check_refs(relations)
    tables = {field: to_frame(relations[ref]) for field, ref in REQUIRED_REFS.items()}
    optional = {
        field: to_frame(relations[ref]) for field, ref in OPTIONAL_REFS.items() if ref in relations
    }
    config = {seed: to_frame(relations[seed]) for seed in given_config} or None
    return PredictiveInputs(scoring_config=config, **tables, **optional)


#: Columns read of each small input (every row is read).
_COLUMNS: Mapping[str, tuple[str, ...]] = {
    "contacts": CONTACT_COLUMNS,
    "companies": COMPANY_COLUMNS,
    "custom_properties": CUSTOM_PROPERTY_COLUMNS,
    "stage_changes": STAGE_CHANGE_COLUMNS,
}


def _small_tables(relations: Mapping[str, Any]) -> dict[str, pd.DataFrame]:
    """Contacts, companies, custom properties and stage changes: the columns read, every row."""
    return {
        field: read_frame(relations[REQUIRED_REFS[field]], _COLUMNS[field]) for field in _COLUMNS
    }


def _events(relation: Any, columns: tuple[str, ...], scope: Scope) -> pd.DataFrame:
    return read_scoped(relation, columns, scope, time_column="occurred_at").frame


def training_inputs(
    relations: Mapping[str, Any], settings: PredictiveSettings, as_of: object
) -> PredictiveInputs:
    """The inputs :func:`~lead_scoring.predictive.model.train` needs as of ``as_of``, from dbt
    relations keyed by ref name (as :func:`inputs_from_refs`): the examples' events before
    their entry (all event columns the features and the rule score's event rules read), the
    event types of every event before ``as_of``, the holdout examples' property values; the
    other tables whole, only the columns read. ``train`` gives the same result on them as on
    the whole tables."""
    given_config = _check_refs(relations)
    instant = as_timestamp(as_of)
    tables = _small_tables(relations)
    config: ScoringConfig | None = None
    if given_config:
        config = config_from_frames({seed: to_frame(relations[seed]) for seed in given_config})
    rule_score = config is not None and bool(settings.rule_score_id)
    event_scope, holdout_scope = training_scopes(
        prepare(PredictiveInputs(**tables)), settings, instant, rule_score
    )
    properties = sorted(
        {
            rule.property_name
            for rule in (config.rules if config is not None else ())
            if rule.rule_kind == "event" and rule.property_name
        }
        - set(EVENT_COLUMNS)
    )
    events = read_scoped(
        relations[REQUIRED_REFS["events"]],
        (*EVENT_COLUMNS, *properties),
        event_scope,
        time_column="occurred_at",
        event_types_before=instant,
    )
    optional: dict[str, pd.DataFrame] = {}
    values_ref = relations.get(OPTIONAL_REFS["property_values"])
    if values_ref is not None:
        by_type = "scored_object_type" in columns_of(values_ref)
        optional["property_values"] = read_scoped(
            values_ref,
            PROPERTY_VALUE_COLUMNS,
            holdout_scope,
            key_column="record_id",
            where="scored_object_type = 'contact'" if by_type else None,
            categorical=False,
        ).frame
    memberships_ref = relations.get(OPTIONAL_REFS["list_memberships"])
    if memberships_ref is not None:
        optional["list_memberships"] = read_frame(memberships_ref, LIST_MEMBERSHIP_COLUMNS)
    return PredictiveInputs(
        **tables,
        events=events.frame,
        event_types=events.event_types,
        scoring_config=config,
        **optional,
    )


def _scoring_scope(
    relations: Mapping[str, Any],
    settings: PredictiveSettings,
    instant: pd.Timestamp,
    model: PredictiveModel,
) -> tuple[dict[str, pd.DataFrame], PreparedInputs, pd.DataFrame, Scope]:
    """What scoring reads first: the small tables as read and prepared, the current leads and
    the scope of their events (its keys are the leads, in order)."""
    tables = _small_tables(relations)
    prepared = prepare(PredictiveInputs(**tables))
    leads = current_leads(prepared, settings, instant)
    scope = scoring_scope(prepared, settings, instant, model.settings, leads)
    if not scope.keys.equals(pd.Index(leads["contact_id"], dtype="object")):
        raise AssertionError("the scoring scope's keys are not the current leads in order")
    return tables, prepared, leads, scope


def scoring_inputs(
    relations: Mapping[str, Any],
    settings: PredictiveSettings | None,
    as_of: object,
    model: PredictiveModel | None,
) -> PredictiveInputs:
    """The inputs :func:`~lead_scoring.predictive.model.score` needs to score as of ``as_of``
    with ``model``: the current leads' events within the model's recency cap before
    ``as_of``; the other tables whole, only the columns read (no events without a model).
    (int_predictive_scores reads the same way through :func:`scores_to_write`.)"""
    _check_refs(relations)
    if model is None:
        return PredictiveInputs(**_small_tables(relations))
    tables, _, _, scope = _scoring_scope(
        relations, settings or model.settings, as_timestamp(as_of), model
    )
    events = _events(relations[REQUIRED_REFS["events"]], EVENT_COLUMNS, scope)
    return PredictiveInputs(**tables, events=events)


def scores_to_write(
    relations: Mapping[str, Any],
    settings: PredictiveSettings | None,
    as_of: object,
    model: PredictiveModel | None,
    previous: pd.DataFrame | None = None,
    jobs: int = 1,
) -> pd.DataFrame:
    """What a run of int_predictive_scores writes (:func:`~.rescoring.rescore`): every current
    lead scored as of ``as_of`` with ``model`` when ``previous`` is None; else (the table's
    ``contact_id`` and ``inputs_hash``, :func:`previous_hashes`) only the leads whose inputs or
    context changed, plus a row with only the ``contact_id`` of each lead gone. Each lead's
    events are digested in the database (:func:`~.reading.digest_scoped`) and only the leads
    scored again have theirs read. No model: no lead (every previous row is gone)."""
    _check_refs(relations)
    if model is None:
        no_leads = pd.DataFrame({"contact_id": pd.Series(dtype="object")})
        return rescore(no_leads, np.zeros(0, dtype="int64"), previous, lambda _: empty_scores())
    settings = settings or model.settings
    instant = as_timestamp(as_of)
    _, prepared, leads, scope = _scoring_scope(relations, settings, instant, model)
    events = relations[REQUIRED_REFS["events"]]
    digests = digest_scoped(events, EVENT_COLUMNS, scope, time_column="occurred_at")
    hashes = input_hashes(prepared, leads, digests, context_key(model, settings, instant))

    def score_some(contact_ids: pd.Index) -> pd.DataFrame:
        wanted = scope.keys.get_indexer(contact_ids)
        assert scope.since is not None and scope.until is not None
        narrowed = Scope(contact_ids, scope.since[wanted], scope.until[wanted])
        some = leads.iloc[wanted]
        # every computation is per lead: only these leads' rows and events (the prepared
        # tables narrowed, when not every lead is scored again)
        narrowed_tables = {} if len(wanted) == len(leads) else only_contacts(prepared, contact_ids)
        read = prepare_events(_events(events, EVENT_COLUMNS, narrowed))
        narrowed_inputs = replace(prepared, **narrowed_tables, events=read)
        return score_leads(narrowed_inputs, some, instant, model, jobs)

    return rescore(leads, hashes, previous, score_some)


def previous_hashes(dbt: Any, session: Any) -> pd.DataFrame | None:
    """In an incremental run of int_predictive_scores, the table's ``contact_id`` and
    ``inputs_hash`` (nullable Int64: null on every row of a table built before the column
    existed, so each lead is scored again); None on a first or full-refresh run."""
    if not getattr(dbt, "is_incremental", False):
        return None
    has_hash = INPUTS_HASH in columns_of(session.sql(f"select * from {dbt.this} limit 0"))
    hashed = f"{INPUTS_HASH} is not null" if has_hash else "false"
    frame = to_frame(
        session.sql(
            f"select contact_id, {hashed} as is_hashed, "
            f"{f'coalesce({INPUTS_HASH}, 0)' if has_hash else '0'} as {INPUTS_HASH} "
            f"from {dbt.this}"
        )
    )
    values = pd.array(frame[INPUTS_HASH].to_numpy(dtype="int64"), dtype="Int64")
    values[~frame["is_hashed"].to_numpy(dtype=bool)] = pd.NA
    return pd.DataFrame({"contact_id": frame["contact_id"].astype("object"), INPUTS_HASH: values})


def drift_inputs(
    relations: Mapping[str, Any], as_of: object, model: PredictiveModel | None
) -> PredictiveInputs:
    """The inputs :func:`~lead_scoring.predictive.drift.drift_profile` needs as of ``as_of``
    with ``model``: the recent entrants' events within the model's recency cap before their
    entry; the other tables whole, only the columns read (no events without a model)."""
    _check_refs(relations)
    tables = _small_tables(relations)
    if model is None or getattr(model, "drift_reference", None) is None:
        return PredictiveInputs(**tables)
    scope = drift_scope(prepare(PredictiveInputs(**tables)), model.settings, as_timestamp(as_of))
    events = _events(relations[REQUIRED_REFS["events"]], EVENT_COLUMNS, scope)
    return PredictiveInputs(**tables, events=events)


def previous_card(dbt: Any, session: Any) -> pd.DataFrame | None:
    """In an incremental run of int_predictive_model, the model card the previous run left
    (one row, with the serialized model); None on a first or full-refresh run."""
    if not getattr(dbt, "is_incremental", False):
        return None
    return to_frame(session.sql(f"select * from {dbt.this}"))


def _is_unset(value: object) -> bool:
    """A dbt var/config value left unset: None, or text that is blank or ``none`` (what
    ``{{ var(...) }}`` renders a null var as)."""
    return value is None or (isinstance(value, str) and value.strip().lower() in ("", "none"))


def as_of_from_config(value: object) -> pd.Timestamp:
    """The as-of instant from a dbt var/config value: blank or None = now (UTC), else a date
    or timestamp (naive = UTC), as the ``as_of`` var of the SQL models."""
    if _is_unset(value):
        return as_timestamp(datetime.now(UTC))
    return as_timestamp(value)


def jobs_from_config(value: object) -> int:
    """The number of processes from the ``predictive_jobs`` var/config value: a positive whole
    number as given, ``0`` (or blank / None) one per available core
    (:func:`~lead_scoring.predictive.parallel.available_cores`). Anything else raises
    ``ValueError`` naming the value."""
    if _is_unset(value):
        return available_cores()
    text = str(value).strip()
    if isinstance(value, bool) or not text.isdigit():
        raise ValueError(
            f"predictive_jobs must be a whole number >= 0 (0 = one process per core), got {value!r}"
        )
    jobs = int(text)
    return available_cores() if jobs == 0 else jobs
