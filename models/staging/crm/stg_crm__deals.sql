with

deals as (

    select * from {{ ref('base_crm__deals') }}

),

final as (

    select
        deal_id,
        deal_name,
        pipeline,
        deal_stage,
        is_closed,
        is_won,
        amount,
        company_id,
        created_at,
        closed_at
    from deals
    where reject_reason is null

)

select * from final
