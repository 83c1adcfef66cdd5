-- Every web row (events and identities) staging could not use, with the first check it failed.
-- A table, unlike the other staging models: the raw rows are looked up in the parsed model and
-- turned into JSON once per build, not once per reader (its data tests and the reconciliation
-- test each read it; at a million contacts each read of the view took about a minute).
{{ config(materialized='table') }}

with

web_events as (

    select * from {{ ref('base_web__web_events') }}

),

web_events_parsed as (

    select * from {{ ref('base_web__web_events_parsed') }}

),

rejected_web_events as (

    select * from web_events
    where reject_reason is not null

),

rejected_web_events_keys as (

    select distinct
        source_file,
        raw_record_hash
    from rejected_web_events

),

rejected_web_events_raw as (

    -- the raw row of each rejected row, by file and hash (identical copies share it)
    select
        web_events_parsed.source_file,
        web_events_parsed.raw_record_hash,
        {{ any_value('web_events_parsed.raw_record') }} as raw_record
    from web_events_parsed
    inner join rejected_web_events_keys
        on
            web_events_parsed.source_file = rejected_web_events_keys.source_file
            and web_events_parsed.raw_record_hash = rejected_web_events_keys.raw_record_hash
    group by web_events_parsed.source_file, web_events_parsed.raw_record_hash

),

identities as (

    select * from {{ ref('base_web__identities') }}

),

rejected_rows as (

    select
        'web_events' as source_table,
        rejected_web_events.source_record_id,
        rejected_web_events.reject_reason,
        {{ struct_to_json('rejected_web_events_raw.raw_record') }} as raw_record
    from rejected_web_events
    inner join rejected_web_events_raw
        on
            rejected_web_events.source_file = rejected_web_events_raw.source_file
            and rejected_web_events.raw_record_hash = rejected_web_events_raw.raw_record_hash

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
