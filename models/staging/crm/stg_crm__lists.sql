with

lists as (

    select * from {{ ref('base_crm__lists') }}

),

final as (

    select
        list_id,
        list_name,
        object_type,
        list_type,
        created_at
    from lists
    where reject_reason is null

)

select * from final
