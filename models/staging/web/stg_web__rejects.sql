-- Every web row (events and identities) staging could not use, with the first check it failed.
-- A rejected event's raw row is read again from its raw file, found by file and raw-row hash
-- (the parsed model stores the hash, not the raw row: most rows are never rejected).
-- A table, unlike the other staging models: the raw rows are looked up and turned into JSON
-- once per build, not once per reader (its data tests and the reconciliation test each read
-- it; at a million contacts each read of the view took about a minute).
{{ config(materialized='table') }}

with

web_events as (

    select * from {{ ref('base_web__web_events') }}

),

raw_web_events as {{ inline_cte() }} (

    select * from {{ source('web', 'web_events') }}

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

raw_web_events_hashed as {{ inline_cte() }} (

    -- the raw rows with the hash the parsed model gave them (same macro)
    select
        filename as source_file,
        {{ raw_row_hash('web', 'web_events') }} as raw_record_hash,
        {{ raw_row_struct('web', 'web_events') }} as raw_record
    from raw_web_events

),

rejected_web_events_raw as (

    -- the raw row of each rejected row as JSON, by file and hash: identical copies share both,
    -- so distinct keeps one (grouping by file and hash with any_value of the struct instead
    -- took 39 s for the 5.6M rejected web rows of a million contacts; this, 11 s)
    select distinct
        raw_web_events_hashed.source_file,
        raw_web_events_hashed.raw_record_hash,
        {{ struct_to_json('raw_web_events_hashed.raw_record') }} as raw_record
    from raw_web_events_hashed
    inner join rejected_web_events_keys
        on
            raw_web_events_hashed.source_file = rejected_web_events_keys.source_file
            and raw_web_events_hashed.raw_record_hash = rejected_web_events_keys.raw_record_hash

),

identities as (

    select * from {{ ref('base_web__identities') }}

),

rejected_rows as (

    select
        'web_events' as source_table,
        rejected_web_events.source_record_id,
        rejected_web_events.reject_reason,
        rejected_web_events_raw.raw_record
    from rejected_web_events
    -- left join: a row whose raw row is not found keeps its null raw_record (not_null test)
    left join rejected_web_events_raw
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
