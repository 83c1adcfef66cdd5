-- Raw custom contact properties (long form) with contacts mapped to their surviving id and
-- property names lowercased. Checks, first failing wins: missing_id (contact or property name),
-- unknown_contact, duplicate_id (same raw contact and property twice), duplicate_after_merge
-- (same surviving contact and property). Among copies the most recently updated value is kept.

with

source as (

    select * from {{ source('crm', 'contact_custom_properties') }}

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
        {{ clean_id('contact_id') }} as source_contact_id,
        lower({{ clean_string('property_name') }}) as property_name,
        {{ clean_string('property_value') }} as property_value,
        {{ to_utc_timestamp(clean_string('updated_at')) }} as updated_at,
        raw_record
    from raw_rows

),

checked as (

    select
        cleaned.source_contact_id,
        contact_id_map.contact_id,
        coalesce(contact_id_map.is_survivor, false) as is_survivor_row,
        cleaned.property_name,
        cleaned.property_value,
        cleaned.updated_at,
        cleaned.raw_record,
        case
            when cleaned.source_contact_id is null or cleaned.property_name is null then 'missing_id'
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
            partition by source_contact_id, property_name
            order by
                {{ reject_rank_order('row_reject_reason') }},
                updated_at desc nulls last,
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
            partition by contact_id, property_name
            order by
                {{ reject_rank_order('raw_reject_reason') }},
                updated_at desc nulls last,
                case when is_survivor_row then 0 else 1 end,
                source_contact_id
        ) as merged_key_rank
    from flagged_raw

),

final as (

    select
        contact_id,
        source_contact_id,
        property_name,
        property_value,
        updated_at,
        coalesce(
            raw_reject_reason,
            case when merged_key_rank > 1 then 'duplicate_after_merge' end
        ) as reject_reason,
        {{ composite_key(['source_contact_id', 'property_name']) }} as source_record_id,
        raw_record
    from ranked_merged

)

select * from final
