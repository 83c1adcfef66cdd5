with

lifecycle_stage_history as (

    select * from {{ ref('base_crm__lifecycle_stage_history') }}

),

final as (

    select
        stage_change_id,
        contact_id,
        lifecycle_stage,
        stage_order,
        entered_at
    from lifecycle_stage_history
    where reject_reason is null

)

select * from final
