-- Raw deal-contact associations with contacts mapped to their surviving id. Checks, first
-- failing wins: missing_id (deal or contact), unknown_deal, unknown_contact, duplicate_id (same
-- raw deal and contact twice), duplicate_after_merge (same deal and surviving contact; the row
-- with a role, then the survivor's own row, is kept).

with

source as (

    select * from {{ source('crm', 'deal_contact_associations') }}

),

contact_id_map as (

    select * from {{ ref('stg_crm__contact_id_map') }}

),

deals as (

    select * from {{ ref('stg_crm__deals') }}

),

raw_rows as (

    select
        source_rows.*,
        {{ row_to_json('source_rows') }} as raw_record
    from source as source_rows

),

cleaned as (

    select
        {{ clean_id('deal_id') }} as deal_id,
        {{ clean_id('contact_id') }} as source_contact_id,
        {{ to_snake_case('role') }} as role,
        raw_record
    from raw_rows

),

checked as (

    select
        cleaned.deal_id,
        cleaned.source_contact_id,
        contact_id_map.contact_id,
        coalesce(contact_id_map.is_survivor, false) as is_survivor_row,
        cleaned.role,
        cleaned.raw_record,
        case
            when cleaned.deal_id is null or cleaned.source_contact_id is null then 'missing_id'
            when deals.deal_id is null then 'unknown_deal'
            when contact_id_map.contact_id is null then 'unknown_contact'
        end as row_reject_reason
    from cleaned
    left join deals
        on cleaned.deal_id = deals.deal_id
    left join contact_id_map
        on cleaned.source_contact_id = contact_id_map.source_contact_id

),

ranked_raw as (

    select
        checked.*,
        row_number() over (
            partition by deal_id, source_contact_id
            order by
                {{ reject_rank_order('row_reject_reason') }},
                case when role is null then 1 else 0 end,
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
            partition by deal_id, contact_id
            order by
                {{ reject_rank_order('raw_reject_reason') }},
                case when role is null then 1 else 0 end,
                case when is_survivor_row then 0 else 1 end,
                source_contact_id
        ) as merged_key_rank
    from flagged_raw

),

final as (

    select
        deal_id,
        contact_id,
        source_contact_id,
        role,
        coalesce(
            raw_reject_reason,
            case when merged_key_rank > 1 then 'duplicate_after_merge' end
        ) as reject_reason,
        {{ composite_key(['deal_id', 'source_contact_id']) }} as source_record_id,
        raw_record
    from ranked_merged

)

select * from final
