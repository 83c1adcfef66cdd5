with

list_memberships as (

    select * from {{ ref('base_crm__list_memberships') }}

),

final as (

    select
        list_id,
        object_type,
        record_id,
        added_at
    from list_memberships
    where reject_reason is null

)

select * from final
