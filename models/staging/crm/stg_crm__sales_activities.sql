with

sales_activities as (

    select * from {{ ref('base_crm__sales_activities') }}

),

final as (

    select
        activity_id,
        contact_id,
        activity_type,
        owner_id,
        occurred_at
    from sales_activities
    where reject_reason is null

)

select * from final
