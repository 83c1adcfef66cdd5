-- Raw CRM companies, cast and cleaned, with the reason a row cannot be used (null = usable).
-- Checks, first failing wins: missing_id, invalid_id, missing_timestamp, unparseable_timestamp,
-- future_timestamp (created_at), then duplicate_id (the most recently updated copy is kept).

with

source as (

    select * from {{ source('crm', 'companies') }}

),

country_aliases as (

    select * from {{ ref('country_aliases') }}

),

industry_aliases as (

    select * from {{ ref('industry_aliases') }}

),

raw_rows as (

    select
        source_rows.*,
        {{ row_to_json('source_rows') }} as raw_record
    from source as source_rows

),

countries as (

    select distinct
        {{ alias_key('alias') }} as alias_key,
        country_code,
        country_name,
        sales_region
    from country_aliases

),

industries as (

    select distinct
        {{ compact_key('alias') }} as alias_key,
        industry
    from industry_aliases

),

cleaned as (

    select
        {{ clean_id('company_id') }} as company_id,
        {{ squish('company_name') }} as company_name,
        {{ url_host('domain') }} as domain,
        {{ clean_string('industry') }} as industry_raw,
        {{ dbt.safe_cast(clean_string('employee_count'), 'double') }} as employee_count_number,
        {{ dbt.safe_cast(clean_string('annual_revenue'), 'double') }} as annual_revenue,
        {{ clean_string('country') }} as country_raw,
        {{ clean_string('region') }} as region,
        {{ clean_string('city') }} as city,
        {{ normalize_list('technologies', ';') }} as technologies,
        {{ clean_string('created_at') }} as created_at_text,
        {{ to_utc_timestamp(clean_string('created_at')) }} as created_at,
        {{ to_utc_timestamp(clean_string('updated_at')) }} as updated_at,
        raw_record
    from raw_rows

),

enriched as (

    select
        cleaned.*,
        countries.country_code,
        countries.country_name,
        countries.sales_region,
        case
            when cleaned.industry_raw is null then null
            else coalesce(industries.industry, 'other')
        end as industry,
        case
            when cleaned.employee_count_number > 0
                then cast(round(cleaned.employee_count_number) as {{ dbt.type_bigint() }})
        end as employee_count
    from cleaned
    left join countries
        on {{ alias_key('cleaned.country_raw') }} = countries.alias_key
    left join industries
        on {{ compact_key('cleaned.industry_raw') }} = industries.alias_key

),

checked as (

    select
        enriched.*,
        case
            when company_id is null then 'missing_id'
            when not {{ is_valid_id('company_id') }} then 'invalid_id'
            when created_at_text is null then 'missing_timestamp'
            when created_at is null then 'unparseable_timestamp'
            when created_at > {{ max_allowed_timestamp() }} then 'future_timestamp'
        end as row_reject_reason
    from enriched

),

ranked as (

    select
        checked.*,
        row_number() over (
            partition by company_id
            order by
                {{ reject_rank_order('row_reject_reason') }},
                coalesce(updated_at, created_at) desc nulls last,
                raw_record
        ) as company_id_rank
    from checked

),

final as (

    select
        company_id,
        company_name,
        domain,
        industry,
        industry_raw,
        employee_count,
        case
            when employee_count is null then null
            when employee_count <= 10 then '1-10'
            when employee_count <= 50 then '11-50'
            when employee_count <= 200 then '51-200'
            when employee_count <= 1000 then '201-1000'
            when employee_count <= 5000 then '1001-5000'
            else '5001+'
        end as employee_band,
        annual_revenue,
        country_code,
        country_name,
        sales_region,
        region,
        city,
        technologies,
        created_at,
        updated_at,
        coalesce(
            row_reject_reason,
            case when company_id_rank > 1 then 'duplicate_id' end
        ) as reject_reason,
        company_id as source_record_id,
        raw_record
    from ranked

)

select * from final
