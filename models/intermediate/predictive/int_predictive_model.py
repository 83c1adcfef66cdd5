"""Trains the predictive score on past conversions and returns its model card (one row), with
the fitted model serialized in `serialized_model` for int_predictive_scores.

Thin by design: read the warehouse tables, call lead_scoring.predictive, return its frame.
Only what training reads is loaded (training_inputs: the columns used; the examples' events
before their entry), with the same result as on the whole tables.
Settings come from the dbt var `predictive` (dbt_project.yml), the date from var `as_of`.
With too little history the build succeeds: status `insufficient_data`, a message naming
what is missing, and no model (the predictive scores are then empty).
"""

import json

from lead_scoring.predictive import PredictiveSettings, model_card_frame, train
from lead_scoring.predictive.dbt import (
    as_of_from_config,
    jobs_from_config,
    previous_card,
    training_inputs,
)
from lead_scoring.predictive.model import package_version
from lead_scoring.predictive.retrain import decide, with_decision


def model(dbt, session):
    # Incremental: the previous run's model is kept while it is recent enough and was trained
    # with the same settings (lead_scoring.predictive.retrain); --full-refresh always trains.
    dbt.config(
        materialized="incremental",
        incremental_strategy="delete+insert",
        unique_key="model_name",
        on_schema_change="sync_all_columns",
    )
    relations = {
        "stg_crm__contacts": dbt.ref("stg_crm__contacts"),
        "stg_crm__companies": dbt.ref("stg_crm__companies"),
        "stg_crm__contact_custom_properties": dbt.ref("stg_crm__contact_custom_properties"),
        "stg_crm__lifecycle_stage_changes": dbt.ref("stg_crm__lifecycle_stage_changes"),
        "int_events_unioned": dbt.ref("int_events_unioned"),
        "int_property_values_linked": dbt.ref("int_property_values_linked"),
        "stg_crm__list_memberships": dbt.ref("stg_crm__list_memberships"),
        "scores": dbt.ref("scores"),
        "score_groups": dbt.ref("score_groups"),
        "score_rules": dbt.ref("score_rules"),
        "score_rule_values": dbt.ref("score_rule_values"),
        "score_audiences": dbt.ref("score_audiences"),
        "score_bands": dbt.ref("score_bands"),
    }
    settings = PredictiveSettings.from_mapping(json.loads(dbt.config.get("predictive_settings")))
    as_of = as_of_from_config(dbt.config.get("as_of"))
    jobs = jobs_from_config(dbt.config.get("predictive_jobs"))
    previous = previous_card(dbt, session)
    decision = decide(previous, settings, as_of, package_version())
    if not decision.retrain:
        return with_decision(previous, decision)
    inputs = training_inputs(relations, settings, as_of)
    return with_decision(
        model_card_frame(train(inputs, settings, as_of, jobs=jobs), include_model=True),
        decision,
    )
