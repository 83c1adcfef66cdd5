with

email_events as (

    select * from {{ ref('base_email__email_events') }}

),

final as (

    select
        event_id,
        contact_id,
        recipient_email,
        event_type,
        campaign_id,
        campaign_name,
        email_type,
        url,
        occurred_at
    from email_events
    where reject_reason is null

)

select * from final
