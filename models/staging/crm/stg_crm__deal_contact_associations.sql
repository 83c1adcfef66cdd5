with

deal_contact_associations as (

    select * from {{ ref('base_crm__deal_contact_associations') }}

),

final as (

    select
        deal_id,
        contact_id,
        role
    from deal_contact_associations
    where reject_reason is null

)

select * from final
