-- Raw list memberships. The record is resolved per the list's object_type: contacts through
-- the merge map (record_id becomes the surviving contact id), companies and deals as is.
-- Checks, first failing wins: missing_id (list or record), unknown_list, unknown_contact /
-- unknown_company / unknown_deal (per object type), unknown_record (list of another object
-- type), duplicate_id (same list and raw record twice), duplicate_after_merge (same list and
-- surviving contact). The earliest added copy is kept.

with

source as (

    select * from {{ source('crm', 'list_memberships') }}

),

lists as (

    select * from {{ ref('stg_crm__lists') }}

),

contact_id_map as (

    select * from {{ ref('stg_crm__contact_id_map') }}

),

companies as (

    select * from {{ ref('stg_crm__companies') }}

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
        {{ clean_id('list_id') }} as list_id,
        {{ clean_id('record_id') }} as raw_record_id,
        {{ to_utc_timestamp(clean_string('added_at')) }} as added_at,
        raw_record
    from raw_rows

),

resolved as (

    select
        cleaned.list_id,
        lists.object_type,
        cleaned.raw_record_id,
        case
            when lists.object_type = 'contact' then contact_id_map.contact_id
            when lists.object_type = 'company' then companies.company_id
            when lists.object_type = 'deal' then deals.deal_id
        end as record_id,
        coalesce(contact_id_map.is_survivor, true) as is_survivor_row,
        cleaned.added_at,
        cleaned.raw_record,
        case
            when cleaned.list_id is null or cleaned.raw_record_id is null then 'missing_id'
            when lists.list_id is null then 'unknown_list'
            when lists.object_type = 'contact' and contact_id_map.contact_id is null then 'unknown_contact'
            when lists.object_type = 'company' and companies.company_id is null then 'unknown_company'
            when lists.object_type = 'deal' and deals.deal_id is null then 'unknown_deal'
            when lists.object_type not in ('contact', 'company', 'deal') then 'unknown_record'
        end as row_reject_reason
    from cleaned
    left join lists
        on cleaned.list_id = lists.list_id
    left join contact_id_map
        on
            lists.object_type = 'contact'
            and cleaned.raw_record_id = contact_id_map.source_contact_id
    left join companies
        on
            lists.object_type = 'company'
            and cleaned.raw_record_id = companies.company_id
    left join deals
        on
            lists.object_type = 'deal'
            and cleaned.raw_record_id = deals.deal_id

),

ranked_raw as (

    select
        resolved.*,
        row_number() over (
            partition by list_id, raw_record_id
            order by
                {{ reject_rank_order('row_reject_reason') }},
                added_at nulls last,
                raw_record
        ) as raw_key_rank
    from resolved

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
            partition by list_id, record_id
            order by
                {{ reject_rank_order('raw_reject_reason') }},
                added_at nulls last,
                case when is_survivor_row then 0 else 1 end,
                raw_record_id
        ) as merged_key_rank
    from flagged_raw

),

final as (

    select
        list_id,
        object_type,
        record_id,
        added_at,
        coalesce(
            raw_reject_reason,
            case when merged_key_rank > 1 then 'duplicate_after_merge' end
        ) as reject_reason,
        {{ composite_key(['list_id', 'raw_record_id']) }} as source_record_id,
        raw_record
    from ranked_merged

)

select * from final
