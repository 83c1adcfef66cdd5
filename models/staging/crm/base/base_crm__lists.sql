-- Raw CRM lists, cleaned. object_type is normalized to contact, company or deal (HubSpot object
-- type ids 0-1, 0-2, 0-3 included), anything else to other; list_type to static or dynamic.
-- Checks, first failing wins: missing_id, invalid_id, then duplicate_id (the latest created copy
-- is kept).

with

source as (

    select * from {{ source('crm', 'lists') }}

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
        {{ clean_string('list_name') }} as list_name,
        {{ compact_key('object_type') }} as object_type_key,
        {{ compact_key('list_type') }} as list_type_key,
        {{ to_utc_timestamp(clean_string('created_at')) }} as created_at,
        raw_record
    from raw_rows

),

normalized as (

    select
        list_id,
        list_name,
        case
            when object_type_key in ('contact', 'contacts', '01', 'person', 'people') then 'contact'
            when object_type_key in ('company', 'companies', '02', 'account', 'accounts') then 'company'
            when object_type_key in ('deal', 'deals', '03', 'opportunity', 'opportunities') then 'deal'
            else 'other'
        end as object_type,
        case
            when list_type_key in ('static', 'manual') then 'static'
            when list_type_key in ('dynamic', 'active', 'smart') then 'dynamic'
        end as list_type,
        created_at,
        raw_record,
        case
            when list_id is null then 'missing_id'
            when not {{ is_valid_id('list_id') }} then 'invalid_id'
        end as row_reject_reason
    from cleaned

),

ranked as (

    select
        normalized.*,
        row_number() over (
            partition by list_id
            order by
                {{ reject_rank_order('row_reject_reason') }},
                created_at desc nulls last,
                raw_record
        ) as list_id_rank
    from normalized

),

final as (

    select
        list_id,
        list_name,
        object_type,
        list_type,
        created_at,
        coalesce(
            row_reject_reason,
            case when list_id_rank > 1 then 'duplicate_id' end
        ) as reject_reason,
        list_id as source_record_id,
        raw_record
    from ranked

)

select * from final
