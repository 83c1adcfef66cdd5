"""Helpers for the dbt Python models that call this package (thin models, see
models/intermediate/predictive/).

dbt finds a Python model's dependencies by parsing the model file for literal
``dbt.ref("name")`` calls, so the models call ``dbt.ref`` for every table they read and pass
the relations here, keyed by ref name (:func:`inputs_from_refs`).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

import pandas as pd

from lead_scoring.predictive.inputs import PredictiveInputs, as_timestamp

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


def inputs_from_refs(relations: Mapping[str, Any]) -> PredictiveInputs:
    """The predictive inputs from dbt relations (or DataFrames) keyed by ref name: every
    REQUIRED_REFS value; OPTIONAL_REFS values when present; the CONFIG_REFS seeds all or none
    (training compares the model with the rule score; scoring does not need them)."""
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
    tables = {field: to_frame(relations[ref]) for field, ref in REQUIRED_REFS.items()}
    optional = {
        field: to_frame(relations[ref]) for field, ref in OPTIONAL_REFS.items() if ref in relations
    }
    config = {seed: to_frame(relations[seed]) for seed in given_config} or None
    return PredictiveInputs(scoring_config=config, **tables, **optional)


def as_of_from_config(value: object) -> pd.Timestamp:
    """The as-of instant from a dbt var/config value: blank or None = now (UTC), else a date
    or timestamp (naive = UTC), as the ``as_of`` var of the SQL models."""
    if value is None or (isinstance(value, str) and value.strip().lower() in ("", "none")):
        return as_timestamp(datetime.now(UTC))
    return as_timestamp(value)
