-- When a predictive model was trained, every current lead (a contact whose lifecycle stage as
-- of the scoring instant - its latest stage change at or before as_of, else the CRM property -
-- is one of the configured current-lead stages) has exactly one prediction, and nobody else.
{%- set stages = project_setting(
    'predictive', 'current_lead_stages', ['subscriber', 'lead', 'mql', 'other', 'unknown']
) %}
{%- set stage_list = "('" ~ stages | join("', '") ~ "')" %}

with

contacts as (
    select * from {{ ref('stg_crm__contacts') }}
),

stage_changes as (
    select * from {{ ref('stg_crm__lifecycle_stage_changes') }}
    where entered_at <= {{ as_of_timestamp() }}
),

predictions as (
    select * from {{ ref('predictive_scores') }}
),

model_card as (
    select * from {{ ref('predictive_model_card') }}
),

ranked_changes as (
    select
        contact_id,
        lifecycle_stage,
        row_number() over (partition by contact_id order by entered_at desc) as recency
    from stage_changes
),

latest_stages as (
    select * from ranked_changes
    where recency = 1
),

current_leads as (
    select contacts.contact_id
    from contacts
    left join latest_stages
        on contacts.contact_id = latest_stages.contact_id
    where
        coalesce(latest_stages.lifecycle_stage, contacts.lifecycle_stage, 'unknown')
        in {{ stage_list }}
),

prediction_counts as (
    select
        contact_id,
        count(*) as predictions
    from predictions
    group by contact_id
),

mismatches as (
    select
        coalesce(current_leads.contact_id, prediction_counts.contact_id) as contact_id,
        current_leads.contact_id is not null as is_current_lead,
        coalesce(prediction_counts.predictions, 0) as predictions
    from current_leads
    full outer join prediction_counts
        on current_leads.contact_id = prediction_counts.contact_id
    where
        current_leads.contact_id is null
        or coalesce(prediction_counts.predictions, 0) != 1
),

trained_models as (
    select count(*) as trained_model_count
    from model_card
    where status = 'trained'
)

select mismatches.*
from mismatches
cross join trained_models
where trained_models.trained_model_count > 0
