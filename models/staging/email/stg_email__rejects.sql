-- Every email event staging could not use, with the first check it failed.

with

email_events as (

    select * from {{ ref('base_email__email_events') }}

),

final as (

    select
        'email_events' as source_table,
        source_record_id,
        reject_reason,
        raw_record
    from email_events
    where reject_reason is not null

)

select * from final
