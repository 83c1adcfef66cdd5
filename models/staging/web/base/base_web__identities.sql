-- Raw cookie identities with contacts mapped to their surviving id. Checks, first failing wins:
-- missing_id (cookie or contact), missing_timestamp, unparseable_timestamp, future_timestamp
-- (identified_at), unknown_contact, duplicate_id (same cookie, raw contact and time twice),
-- duplicate_after_merge (same cookie, surviving contact and time).

with

source as (

    select * from {{ source('web', 'identities') }}

),

contact_id_map as (

    select * from {{ ref('stg_crm__contact_id_map') }}

),

raw_rows as (

    select
        source_rows.*,
        {{ row_to_json('source_rows') }} as raw_record
    from source as source_rows

),

cleaned as (

    select
        {{ clean_id('anonymous_id') }} as anonymous_id,
        {{ clean_id('contact_id') }} as source_contact_id,
        {{ clean_string('identified_at') }} as identified_at_text,
        {{ to_utc_timestamp(clean_string('identified_at')) }} as identified_at,
        raw_record
    from raw_rows

),

checked as (

    select
        cleaned.anonymous_id,
        cleaned.source_contact_id,
        contact_id_map.contact_id,
        coalesce(contact_id_map.is_survivor, false) as is_survivor_row,
        cleaned.identified_at,
        cleaned.raw_record,
        case
            when cleaned.anonymous_id is null or cleaned.source_contact_id is null then 'missing_id'
            when cleaned.identified_at_text is null then 'missing_timestamp'
            when cleaned.identified_at is null then 'unparseable_timestamp'
            when cleaned.identified_at > {{ max_allowed_timestamp() }} then 'future_timestamp'
            when contact_id_map.contact_id is null then 'unknown_contact'
        end as row_reject_reason
    from cleaned
    left join contact_id_map
        on cleaned.source_contact_id = contact_id_map.source_contact_id

),

ranked_raw as (

    select
        checked.*,
        row_number() over (
            partition by anonymous_id, source_contact_id, identified_at
            order by
                {{ reject_rank_order('row_reject_reason') }},
                raw_record
        ) as raw_key_rank
    from checked

),

flagged_raw as (

    select
        ranked_raw.*,
        coalesce(
            row_reject_reason,
            case when raw_key_rank > 1 then 'duplicate_id' end
        ) as raw_reject_reason
    from ranked_raw

),

ranked_merged as (

    select
        flagged_raw.*,
        row_number() over (
            partition by anonymous_id, contact_id, identified_at
            order by
                {{ reject_rank_order('raw_reject_reason') }},
                case when is_survivor_row then 0 else 1 end,
                source_contact_id
        ) as merged_key_rank
    from flagged_raw

),

final as (

    select
        anonymous_id,
        contact_id,
        source_contact_id,
        identified_at,
        coalesce(
            raw_reject_reason,
            case when merged_key_rank > 1 then 'duplicate_after_merge' end
        ) as reject_reason,
        {{ composite_key(['anonymous_id', 'source_contact_id', 'identified_at']) }} as source_record_id,
        raw_record
    from ranked_merged

)

select * from final
