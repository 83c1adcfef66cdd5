-- A contact has at most one primary company, even after merging duplicates.

with

contact_company_associations as (

    select * from {{ ref('stg_crm__contact_company_associations') }}

),

final as (

    select
        contact_id,
        count(*) as primary_company_count
    from contact_company_associations
    where is_primary
    group by contact_id
    having count(*) > 1

)

select * from final
