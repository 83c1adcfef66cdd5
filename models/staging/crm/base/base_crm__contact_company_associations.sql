-- Raw contact-company associations with contacts mapped to their surviving id.
-- Checks, first failing wins: missing_id (contact or company), unknown_contact, unknown_company,
-- duplicate_id (same raw contact and company twice), duplicate_after_merge (same surviving
-- contact and company; the primary association, then the survivor's own row, is kept).

with

source as (

    select * from {{ source('crm', 'contact_company_associations') }}

),

contact_id_map as (

    select * from {{ ref('stg_crm__contact_id_map') }}

),

companies as (

    select * from {{ ref('stg_crm__companies') }}

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
        {{ clean_id('company_id') }} as company_id,
        coalesce({{ parse_boolean('is_primary') }}, false) as is_primary,
        raw_record
    from raw_rows

),

checked as (

    select
        cleaned.source_contact_id,
        contact_id_map.contact_id,
        coalesce(contact_id_map.is_survivor, false) as is_survivor_row,
        cleaned.company_id,
        cleaned.is_primary,
        cleaned.raw_record,
        case
            when cleaned.source_contact_id is null or cleaned.company_id is null then 'missing_id'
            when contact_id_map.contact_id is null then 'unknown_contact'
            when companies.company_id is null then 'unknown_company'
        end as row_reject_reason
    from cleaned
    left join contact_id_map
        on cleaned.source_contact_id = contact_id_map.source_contact_id
    left join companies
        on cleaned.company_id = companies.company_id

),

ranked_raw as (

    select
        checked.*,
        row_number() over (
            partition by source_contact_id, company_id
            order by
                {{ reject_rank_order('row_reject_reason') }},
                case when is_primary then 0 else 1 end,
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
            partition by contact_id, company_id
            order by
                {{ reject_rank_order('raw_reject_reason') }},
                case when is_primary then 0 else 1 end,
                case when is_survivor_row then 0 else 1 end,
                source_contact_id
        ) as merged_key_rank
    from flagged_raw

),

final as (

    select
        contact_id,
        source_contact_id,
        company_id,
        is_primary,
        coalesce(
            raw_reject_reason,
            case when merged_key_rank > 1 then 'duplicate_after_merge' end
        ) as reject_reason,
        {{ composite_key(['source_contact_id', 'company_id']) }} as source_record_id,
        raw_record
    from ranked_merged

)

select * from final
