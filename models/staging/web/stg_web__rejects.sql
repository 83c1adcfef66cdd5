-- Every web row (events and identities) staging could not use, with the first check it failed.

with

web_events as (

    select * from {{ ref('base_web__web_events') }}

),

identities as (

    select * from {{ ref('base_web__identities') }}

),

rejected_rows as (

    select
        'web_events' as source_table,
        source_record_id,
        reject_reason,
        raw_record
    from web_events
    where reject_reason is not null

    union all

    select
        'identities' as source_table,
        source_record_id,
        reject_reason,
        raw_record
    from identities
    where reject_reason is not null

),

final as (

    select * from rejected_rows

)

select * from final
