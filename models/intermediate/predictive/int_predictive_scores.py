"""Scores every current lead with the model trained in int_predictive_model: probability,
0-100 score and the top positive and negative factors in plain words. Empty when no model
could be trained. Thin: read, call lead_scoring.predictive (scores_to_write), return.

Incremental (lead_scoring.predictive.rescoring): each row keeps `inputs_hash`, a fingerprint
of the lead's own input rows and of the context (model, scoring date, settings, package). A
run scores again only the leads whose hash changed - every lead after a new model, date or
setting - and returns, for each lead no longer current, a row with only its contact_id, which
the post-hook deletes. --full-refresh scores every lead.
"""

import json

from lead_scoring.predictive import PredictiveSettings, model_from_frame
from lead_scoring.predictive.dbt import (
    as_of_from_config,
    jobs_from_config,
    previous_hashes,
    scores_to_write,
)


def model(dbt, session):
    dbt.config(
        materialized="incremental",
        incremental_strategy="delete+insert",
        unique_key="contact_id",
        on_schema_change="append_new_columns",
    )
    relations = {
        "stg_crm__contacts": dbt.ref("stg_crm__contacts"),
        "stg_crm__companies": dbt.ref("stg_crm__companies"),
        "stg_crm__contact_custom_properties": dbt.ref("stg_crm__contact_custom_properties"),
        "stg_crm__lifecycle_stage_changes": dbt.ref("stg_crm__lifecycle_stage_changes"),
        "int_events_unioned": dbt.ref("int_events_unioned"),
    }
    fitted = model_from_frame(dbt.ref("int_predictive_model").df())
    settings = PredictiveSettings.from_mapping(json.loads(dbt.config.get("predictive_settings")))
    return scores_to_write(
        relations,
        settings,
        as_of_from_config(dbt.config.get("as_of")),
        fitted,
        previous=previous_hashes(dbt, session),
        jobs=jobs_from_config(dbt.config.get("predictive_jobs")),
    )
