-- Every email event staging could not use, with the first check it failed.
-- A rejected event's raw row is read again from its raw file, found by file and raw-row hash
-- (the parsed model stores the hash, not the raw row: most rows are never rejected).
-- Incremental by raw file (rejected_event_rows): a run rewrites the rows of the files whose
-- rejected rows changed and reads only those files again (a table rebuilt every run read every
-- raw file again); the result is what a full rebuild gives (tests/python/test_incremental_dbt.py).
{{ config(
    materialized='incremental',
    incremental_strategy='delete+insert',
    unique_key='source_file',
    on_schema_change='fail',
    post_hook=["{{ delete_rows_of_files_not_in(
        'select distinct source_file from ' ~ ref('base_email__email_events')
        ~ ' where reject_reason is not null') }}"],
) }}

with

-- read by several CTEs of rejected_event_rows: inline_cte, so each reads only the columns and
-- rows it needs (DuckDB otherwise copies every row and column of the table first)
email_events as {{ inline_cte() }} (

    select * from {{ ref('base_email__email_events') }}

),

raw_email_events as {{ inline_cte() }} (

    select * from {{ source('email', 'email_events') }}

),

{% if is_incremental() %}

previous_rejects as (

    select * from {{ this }}

),

{% endif %}

{{ rejected_event_rows('email', 'email_events', 'email_events', 'raw_email_events') }}

final as (

    select * from rejected_event_rows

)

select * from final
