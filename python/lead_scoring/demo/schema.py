"""Arrow schemas of the raw tables the generator writes (the dbt sources contract).

Column names and order follow ``models/staging/*/_*__sources.yml``. Ids and CRM timestamps
are text, as CRM exports are; email/web event times are typed naive-UTC timestamps.
"""

from __future__ import annotations

import pyarrow as pa

TEXT = pa.string()
EVENT_TIME = pa.timestamp("us")


def _schema(*columns: tuple[str, pa.DataType]) -> pa.Schema:
    return pa.schema([pa.field(name, dtype) for name, dtype in columns])


#: Raw tables by name, in the order they are written.
TABLES: dict[str, pa.Schema] = {
    "companies": _schema(
        ("company_id", TEXT),
        ("company_name", TEXT),
        ("domain", TEXT),
        ("industry", TEXT),
        ("employee_count", pa.int64()),
        ("annual_revenue", pa.float64()),
        ("country", TEXT),
        ("region", TEXT),
        ("city", TEXT),
        ("technologies", TEXT),
        ("created_at", TEXT),
        ("updated_at", TEXT),
    ),
    "contacts": _schema(
        ("contact_id", TEXT),
        ("email", TEXT),
        ("first_name", TEXT),
        ("last_name", TEXT),
        ("job_title", TEXT),
        ("lead_source", TEXT),
        ("lifecycle_stage", TEXT),
        ("country", TEXT),
        ("created_at", TEXT),
        ("updated_at", TEXT),
    ),
    "contact_custom_properties": _schema(
        ("contact_id", TEXT),
        ("property_name", TEXT),
        ("property_value", TEXT),
        ("updated_at", TEXT),
    ),
    "contact_company_associations": _schema(
        ("contact_id", TEXT),
        ("company_id", TEXT),
        ("is_primary", pa.bool_()),
    ),
    "deals": _schema(
        ("deal_id", TEXT),
        ("deal_name", TEXT),
        ("pipeline", TEXT),
        ("deal_stage", TEXT),
        ("amount", pa.float64()),
        ("company_id", TEXT),
        ("created_at", TEXT),
        ("closed_at", TEXT),
    ),
    "deal_contact_associations": _schema(
        ("deal_id", TEXT),
        ("contact_id", TEXT),
        ("role", TEXT),
    ),
    "lifecycle_stage_history": _schema(
        ("contact_id", TEXT),
        ("lifecycle_stage", TEXT),
        ("entered_at", TEXT),
    ),
    "lists": _schema(
        ("list_id", TEXT),
        ("list_name", TEXT),
        ("object_type", TEXT),
        ("list_type", TEXT),
        ("created_at", TEXT),
    ),
    "list_memberships": _schema(
        ("list_id", TEXT),
        ("record_id", TEXT),
        ("added_at", TEXT),
    ),
    "sales_activities": _schema(
        ("activity_id", TEXT),
        ("contact_id", TEXT),
        ("activity_type", TEXT),
        ("owner_id", TEXT),
        ("occurred_at", TEXT),
    ),
    "email_events": _schema(
        ("event_id", TEXT),
        ("recipient_email", TEXT),
        ("event_type", TEXT),
        ("campaign_id", TEXT),
        ("campaign_name", TEXT),
        ("email_type", TEXT),
        ("url", TEXT),
        ("occurred_at", EVENT_TIME),
    ),
    "web_events": _schema(
        ("event_id", TEXT),
        ("anonymous_id", TEXT),
        ("contact_id", TEXT),
        ("session_id", TEXT),
        ("event_type", TEXT),
        ("page_url", TEXT),
        ("referrer_url", TEXT),
        ("form_name", TEXT),
        ("cta_name", TEXT),
        ("user_agent", TEXT),
        ("occurred_at", EVENT_TIME),
    ),
    "identities": _schema(
        ("anonymous_id", TEXT),
        ("contact_id", TEXT),
        ("identified_at", EVENT_TIME),
    ),
}

#: dbt source each table belongs to.
SOURCE_OF: dict[str, str] = {
    **{
        name: "crm"
        for name in (
            "companies",
            "contacts",
            "contact_custom_properties",
            "contact_company_associations",
            "deals",
            "deal_contact_associations",
            "lifecycle_stage_history",
            "lists",
            "list_memberships",
            "sales_activities",
        )
    },
    "email_events": "email",
    "web_events": "web",
    "identities": "web",
}

#: Hidden ground truth, one row per raw contact id (never a dbt source).
TRUTH: pa.Schema = _schema(
    ("contact_id", TEXT),
    ("canonical_contact_id", TEXT),
    ("is_duplicate", pa.bool_()),
    ("company_id", TEXT),
    ("seniority", TEXT),
    ("job_function", TEXT),
    ("email_kind", TEXT),
    ("is_competitor", pa.bool_()),
    ("lead_source", TEXT),
    ("fit", pa.float64()),
    ("intent", pa.float64()),
    ("propensity", pa.float64()),
    ("p_sql_given_mql", pa.float64()),
    ("created_at", EVENT_TIME),
    ("lead_at", EVENT_TIME),
    ("mql_at", EVENT_TIME),
    ("sql_at", EVENT_TIME),
    ("opportunity_at", EVENT_TIME),
    ("customer_at", EVENT_TIME),
    ("sql_within_30d_of_mql", pa.bool_()),
    ("converted", pa.bool_()),
    ("converted_at", EVENT_TIME),
)
