-- Raw CRM deals, cast and cleaned; the stage is matched against seeds/deal_stages.csv (else
-- snake_cased, open). Checks, first failing wins: missing_id, invalid_id, missing_timestamp,
-- unparseable_timestamp, future_timestamp (created_at), unknown_company (a company id that is
-- not a usable company), then duplicate_id (the most recently created copy is kept).

with

source as (

    select * from {{ source('crm', 'deals') }}

),

deal_stages as (

    select * from {{ ref('deal_stages') }}

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

stages as (

    select distinct
        {{ compact_key('alias') }} as alias_key,
        deal_stage,
        {{ parse_boolean('is_closed') }} as is_closed,
        {{ parse_boolean('is_won') }} as is_won
    from deal_stages

),

cleaned as (

    select
        {{ clean_id('deal_id') }} as deal_id,
        {{ clean_string('deal_name') }} as deal_name,
        {{ clean_string('pipeline') }} as pipeline,
        {{ to_snake_case('deal_stage') }} as deal_stage_raw,
        {{ compact_key('deal_stage') }} as deal_stage_key,
        {{ dbt.safe_cast(clean_string('amount'), 'double') }} as amount,
        {{ clean_id('company_id') }} as company_id,
        {{ clean_string('created_at') }} as created_at_text,
        {{ to_utc_timestamp(clean_string('created_at')) }} as created_at,
        {{ to_utc_timestamp(clean_string('closed_at')) }} as closed_at,
        raw_record
    from raw_rows

),

checked as (

    select
        cleaned.deal_id,
        cleaned.deal_name,
        cleaned.pipeline,
        coalesce(stages.deal_stage, cleaned.deal_stage_raw) as deal_stage,
        coalesce(stages.is_closed, false) as is_closed,
        coalesce(stages.is_won, false) as is_won,
        cleaned.amount,
        cleaned.company_id,
        cleaned.created_at,
        cleaned.closed_at,
        cleaned.raw_record,
        case
            when cleaned.deal_id is null then 'missing_id'
            when not {{ is_valid_id('cleaned.deal_id') }} then 'invalid_id'
            when cleaned.created_at_text is null then 'missing_timestamp'
            when cleaned.created_at is null then 'unparseable_timestamp'
            when cleaned.created_at > {{ max_allowed_timestamp() }} then 'future_timestamp'
            when cleaned.company_id is not null and companies.company_id is null then 'unknown_company'
        end as row_reject_reason
    from cleaned
    left join stages
        on cleaned.deal_stage_key = stages.alias_key
    left join companies
        on cleaned.company_id = companies.company_id

),

ranked as (

    select
        checked.*,
        row_number() over (
            partition by deal_id
            order by
                {{ reject_rank_order('row_reject_reason') }},
                created_at desc nulls last,
                raw_record
        ) as deal_id_rank
    from checked

),

final as (

    select
        deal_id,
        deal_name,
        pipeline,
        deal_stage,
        is_closed,
        is_won,
        amount,
        company_id,
        created_at,
        closed_at,
        coalesce(
            row_reject_reason,
            case when deal_id_rank > 1 then 'duplicate_id' end
        ) as reject_reason,
        deal_id as source_record_id,
        raw_record
    from ranked

)

select * from final
