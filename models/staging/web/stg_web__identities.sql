with

identities as (

    select * from {{ ref('base_web__identities') }}

),

final as (

    select
        anonymous_id,
        contact_id,
        identified_at
    from identities
    where reject_reason is null

)

select * from final
