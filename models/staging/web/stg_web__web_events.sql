with

web_events as (

    select * from {{ ref('base_web__web_events') }}

),

final as (

    select
        event_id,
        contact_id,
        is_identified_later,
        anonymous_id,
        session_id,
        event_type,
        page_url,
        page_host,
        page_path,
        referrer_url,
        form_name,
        cta_name,
        occurred_at
    from web_events
    where reject_reason is null

)

select * from final
