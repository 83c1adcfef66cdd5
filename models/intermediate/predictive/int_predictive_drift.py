"""Drift of the predictive score and its top features: the training examples (reference,
profiled when the model was trained) vs the newest cohort - contacts whose first start-stage
entry is too recent to be labelled - both as of their start-stage entry. One row per (item,
bin) with the records of each population (for a PSI view). Empty when no model could be
trained. Thin: read (drift_inputs: the columns used, the recent entrants' events), call
lead_scoring.predictive.drift_profile, return.
"""

import json

from lead_scoring.predictive import PredictiveSettings, drift_profile, model_from_frame
from lead_scoring.predictive.dbt import as_of_from_config, drift_inputs


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
    return drift_profile(drift_inputs(relations, as_of, fitted), settings, as_of, fitted)
