with

companies as (

    select * from {{ ref('base_crm__companies') }}

),

final as (

    select
        company_id,
        company_name,
        domain,
        industry,
        industry_raw,
        employee_count,
        employee_band,
        annual_revenue,
        country_code,
        country_name,
        sales_region,
        region,
        city,
        technologies,
        created_at,
        updated_at
    from companies
    where reject_reason is null

)

select * from final
