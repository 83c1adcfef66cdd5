-- Every email event staging could not use, with the first check it failed.
-- A table, unlike the other staging models: the raw rows are looked up in the parsed model and
-- turned into JSON once per build, not once per reader (its data tests and the reconciliation
-- test each read it; at a million contacts each read of the view took about a minute).
{{ config(materialized='table') }}

with

email_events as (

    select * from {{ ref('base_email__email_events') }}

),

email_events_parsed as (

    select * from {{ ref('base_email__email_events_parsed') }}

),

rejected_email_events as (

    select * from email_events
    where reject_reason is not null

),

rejected_email_events_keys as (

    select distinct
        source_file,
        raw_record_hash
    from rejected_email_events

),

rejected_email_events_raw as (

    -- the raw row of each rejected row, by file and hash (identical copies share it)
    select
        email_events_parsed.source_file,
        email_events_parsed.raw_record_hash,
        {{ any_value('email_events_parsed.raw_record') }} as raw_record
    from email_events_parsed
    inner join rejected_email_events_keys
        on
            email_events_parsed.source_file = rejected_email_events_keys.source_file
            and email_events_parsed.raw_record_hash = rejected_email_events_keys.raw_record_hash
    group by email_events_parsed.source_file, email_events_parsed.raw_record_hash

),

final as (

    select
        'email_events' as source_table,
        rejected_email_events.source_record_id,
        rejected_email_events.reject_reason,
        {{ struct_to_json('rejected_email_events_raw.raw_record') }} as raw_record
    from rejected_email_events
    inner join rejected_email_events_raw
        on
            rejected_email_events.source_file = rejected_email_events_raw.source_file
            and rejected_email_events.raw_record_hash = rejected_email_events_raw.raw_record_hash

)

select * from final
