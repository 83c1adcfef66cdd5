-- Seed aliases are matched after normalization (country: lowercase, trimmed, dots removed;
-- industry, lifecycle and deal stages: letters and digits only). Two aliases that normalize
-- alike must mean the same thing, else a raw value would match twice.

with

country_aliases as (

    select * from {{ ref('country_aliases') }}

),

industry_aliases as (

    select * from {{ ref('industry_aliases') }}

),

lifecycle_stages as (

    select * from {{ ref('lifecycle_stages') }}

),

deal_stages as (

    select * from {{ ref('deal_stages') }}

),

normalized_aliases as (

    select
        'country_aliases' as seed_name,
        {{ alias_key('alias') }} as alias_key,
        country_code as target_value
    from country_aliases

    union all

    select
        'industry_aliases' as seed_name,
        {{ compact_key('alias') }} as alias_key,
        industry as target_value
    from industry_aliases

    union all

    select
        'lifecycle_stages' as seed_name,
        {{ compact_key('alias') }} as alias_key,
        lifecycle_stage as target_value
    from lifecycle_stages

    union all

    select
        'deal_stages' as seed_name,
        {{ compact_key('alias') }} as alias_key,
        deal_stage as target_value
    from deal_stages

),

final as (

    select
        seed_name,
        alias_key,
        count(distinct target_value) as target_value_count
    from normalized_aliases
    group by seed_name, alias_key
    having count(distinct target_value) > 1

)

select * from final
