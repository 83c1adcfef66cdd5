-- Usable contact-company associations, by surviving contact. A contact keeps at most one
-- primary company: when merging brought several, the smallest company id stays primary.

with

associations as (

    select * from {{ ref('base_crm__contact_company_associations') }}

),

usable_associations as (

    select
        contact_id,
        company_id,
        is_primary,
        row_number() over (
            partition by contact_id
            order by case when is_primary then 0 else 1 end, company_id
        ) as primary_rank
    from associations
    where reject_reason is null

),

final as (

    select
        contact_id,
        company_id,
        is_primary and primary_rank = 1 as is_primary
    from usable_associations

)

select * from final
