"""Scores every current lead with the model trained in int_predictive_model: probability,
0-100 score and the top positive and negative factors in plain words. Empty when no model
could be trained. Thin: read (scoring_inputs: the columns used, the current leads' recent
events), call lead_scoring.predictive.score, return.
"""

import json

from lead_scoring.predictive import PredictiveSettings, model_from_frame, score
from lead_scoring.predictive.dbt import as_of_from_config, jobs_from_config, scoring_inputs


def model(dbt, session):
    dbt.config(materialized="table")
    relations = {
        "stg_crm__contacts": dbt.ref("stg_crm__contacts"),
        "stg_crm__companies": dbt.ref("stg_crm__companies"),
        "stg_crm__contact_custom_properties": dbt.ref("stg_crm__contact_custom_properties"),
        "stg_crm__lifecycle_stage_changes": dbt.ref("stg_crm__lifecycle_stage_changes"),
        "int_events_unioned": dbt.ref("int_events_unioned"),
    }
    fitted = model_from_frame(dbt.ref("int_predictive_model").df())
    settings = PredictiveSettings.from_mapping(json.loads(dbt.config.get("predictive_settings")))
    as_of = as_of_from_config(dbt.config.get("as_of"))
    inputs = scoring_inputs(relations, settings, as_of, fitted)
    return score(
        inputs, settings, as_of, fitted, jobs=jobs_from_config(dbt.config.get("predictive_jobs"))
    )
