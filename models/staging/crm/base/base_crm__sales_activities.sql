-- Raw sales activities with contacts mapped to their surviving id. Checks, first failing wins:
-- missing_id (activity or contact), invalid_id, missing_timestamp, unparseable_timestamp,
-- future_timestamp (occurred_at), invalid_event_type (not call_started, meeting_booked or
-- meeting_completed once snake_cased), unknown_contact, then duplicate_id (earliest copy kept).
-- The raw activities may arrive as several files (see the source); they are few next to email
-- and web events, so this model is rebuilt in full on every run.

with

source as (

    select * from {{ source('crm', 'sales_activities') }}

),

contact_id_map as (

    select * from {{ ref('stg_crm__contact_id_map') }}

),

raw_rows as (

    select
        *,
        {{ struct_to_json(raw_row_struct('crm', 'sales_activities')) }} as raw_record
    from source

),

cleaned as (

    select
        {{ clean_id('activity_id') }} as activity_id,
        {{ clean_id('contact_id') }} as source_contact_id,
        {{ to_snake_case('activity_type') }} as activity_type,
        {{ clean_string('owner_id') }} as owner_id,
        {{ clean_string('occurred_at') }} as occurred_at_text,
        {{ to_utc_timestamp(clean_string('occurred_at')) }} as occurred_at,
        raw_record
    from raw_rows

),

checked as (

    select
        cleaned.activity_id,
        contact_id_map.contact_id,
        cleaned.activity_type,
        cleaned.owner_id,
        cleaned.occurred_at,
        cleaned.raw_record,
        case
            when cleaned.activity_id is null or cleaned.source_contact_id is null then 'missing_id'
            when not {{ is_valid_id('cleaned.activity_id') }} then 'invalid_id'
            when cleaned.occurred_at_text is null then 'missing_timestamp'
            when cleaned.occurred_at is null then 'unparseable_timestamp'
            when cleaned.occurred_at > {{ max_allowed_timestamp() }} then 'future_timestamp'
            when
                cleaned.activity_type is null
                or cleaned.activity_type not in ('call_started', 'meeting_booked', 'meeting_completed')
                then 'invalid_event_type'
            when contact_id_map.contact_id is null then 'unknown_contact'
        end as row_reject_reason
    from cleaned
    left join contact_id_map
        on cleaned.source_contact_id = contact_id_map.source_contact_id

),

ranked as (

    select
        checked.*,
        row_number() over (
            partition by activity_id
            order by
                {{ reject_rank_order('row_reject_reason') }},
                occurred_at nulls last,
                raw_record
        ) as activity_id_rank
    from checked

),

final as (

    select
        activity_id,
        contact_id,
        activity_type,
        owner_id,
        occurred_at,
        coalesce(
            row_reject_reason,
            case when activity_id_rank > 1 then 'duplicate_id' end
        ) as reject_reason,
        activity_id as source_record_id,
        raw_record
    from ranked

)

select * from final
