-- Every web row (events and identities) staging could not use, with the first check it failed.
-- A rejected event's raw row is read again from its raw file, found by file and raw-row hash
-- (the parsed model stores the hash, not the raw row: most rows are never rejected).
-- Incremental by raw file (rejected_event_rows): a run rewrites the event rows of the files
-- whose rejected rows changed and reads only those files again (a table rebuilt every run read
-- every raw file again); the result is what a full rebuild gives
-- (tests/python/test_incremental_dbt.py). Identities are read as one table, not file by file:
-- their rows (source_file null) are deleted by the pre-hook and written again by every run.
{{ config(
    materialized='incremental',
    incremental_strategy='delete+insert',
    unique_key='source_file',
    on_schema_change='fail',
    pre_hook=["{% if is_incremental() %}delete from {{ this }} where source_table = 'identities'{% endif %}"],
    post_hook=["{{ delete_rows_of_files_not_in(
        'select distinct source_file from ' ~ ref('base_web__web_events')
        ~ ' where reject_reason is not null') }}"],
) }}

with

-- read by several CTEs of rejected_event_rows: inline_cte, so each reads only the columns and
-- rows it needs (DuckDB otherwise copies every row and column of the table first)
web_events as {{ inline_cte() }} (

    select * from {{ ref('base_web__web_events') }}

),

raw_web_events as {{ inline_cte() }} (

    select * from {{ source('web', 'web_events') }}

),

identities as (

    select * from {{ ref('base_web__identities') }}

),

{% if is_incremental() %}

previous_rejects as (

    select * from {{ this }}

),

{% endif %}

{{ rejected_event_rows('web', 'web_events', 'web_events', 'raw_web_events') }}

rejected_rows as (

    select * from rejected_event_rows

    union all

    select
        'identities' as source_table,
        source_record_id,
        reject_reason,
        raw_record,
        -- typed by the event rows above
        null as source_file,
        null as raw_record_hash
    from identities
    where reject_reason is not null

),

final as (

    select * from rejected_rows

)

select * from final
