-- Every record of every enabled score's object, and whether it is in the score's audience:
-- members of an inclusion list when the score has any, minus members of exclusion lists.
-- Records outside the audience get a null score, not 0.
-- A table: read by matching, caps and the marts.
{{ config(materialized='cached_table') }}

with

scores as (
    select * from {{ ref('int_scores_prepared') }}
),

score_audiences as (
    select * from {{ ref('score_audiences') }}
),

contacts as (
    select * from {{ ref('stg_crm__contacts') }}
),

companies as (
    select * from {{ ref('stg_crm__companies') }}
),

deals as (
    select * from {{ ref('stg_crm__deals') }}
),

list_memberships as (
    select * from {{ ref('stg_crm__list_memberships') }}
),

records as (
    select
        'contact' as object_type,
        contact_id as record_id
    from contacts
    union all
    select
        'company' as object_type,
        company_id as record_id
    from companies
    union all
    select
        'deal' as object_type,
        deal_id as record_id
    from deals
),

enabled_scores as (
    select * from scores
    where is_enabled
),

audiences as (
    select
        score_id,
        list_id,
        lower(trim(audience_type)) as audience_type
    from score_audiences
),

scores_with_inclusions as (
    select distinct score_id
    from audiences
    where audience_type = 'include'
),

audience_members as (
    select
        audiences.score_id,
        list_memberships.record_id,
        max(case when audiences.audience_type = 'include' then 1 else 0 end) as is_included,
        max(case when audiences.audience_type = 'exclude' then 1 else 0 end) as is_excluded
    from audiences
    inner join list_memberships
        on audiences.list_id = list_memberships.list_id
    group by audiences.score_id, list_memberships.record_id
),

final as (
    select
        enabled_scores.score_id,
        enabled_scores.object_type,
        records.record_id,
        (
            (scores_with_inclusions.score_id is null or coalesce(audience_members.is_included, 0) = 1)
            and coalesce(audience_members.is_excluded, 0) = 0
        ) as is_in_audience
    from enabled_scores
    inner join records
        on enabled_scores.object_type = records.object_type
    left join scores_with_inclusions
        on enabled_scores.score_id = scores_with_inclusions.score_id
    left join audience_members
        on
            enabled_scores.score_id = audience_members.score_id
            and records.record_id = audience_members.record_id
)

select * from final
