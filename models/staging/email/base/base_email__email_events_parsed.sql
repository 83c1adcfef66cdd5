-- Every raw email event row, parsed once: id, recipient, type and time cleaned, the row-level
-- checks evaluated. The raw row itself is not kept, only its hash: stg_email__rejects reads a
-- rejected row's raw row again from its file, by file and hash.
-- Nothing here depends on other tables, seeds or the scoring date, so a row never has to be
-- parsed again: the model is incremental by raw file. A refresh loads only the files that are
-- new or whose row count changed (those are replaced); files that are gone are deleted by the
-- post-hook. `dbt build --full-refresh` parses everything again.
{{ config(
    materialized='incremental',
    incremental_strategy='delete+insert',
    unique_key='source_file',
    on_schema_change='fail',
    post_hook=["{{ delete_missing_source_files(source('email', 'email_events')) }}"],
) }}

with

source as {{ inline_cte() }} (

    select * from {{ source('email', 'email_events') }}

),

{{ raw_files_to_load('email', 'email_events') }}

parsed_rows as (

    select
        filename as source_file,
        {{ clean_id('event_id') }} as event_id,
        coalesce({{ is_valid_id(clean_id('event_id')) }}, false) as is_event_id_valid,
        {{ normalize_email('recipient_email') }} as recipient_email,
        {{ is_valid_email(normalize_email('recipient_email')) }} as is_recipient_email_valid,
        {{ to_snake_case('event_type') }} as event_type,
        {{ clean_string('campaign_id') }} as campaign_id,
        {{ clean_string('campaign_name') }} as campaign_name,
        lower({{ clean_string('email_type') }}) as email_type,
        {{ clean_string('url') }} as url,
        {{ clean_string('occurred_at') }} is not null as has_occurred_at,
        {{ to_utc_timestamp(clean_string('occurred_at')) }} as occurred_at,
        raw_record_hash,
        {{ loaded_at_timestamp() }} as loaded_at
    from raw_rows

),

final as (

    select
        parsed_rows.source_file,
        files_to_load.source_file_row_count,
        parsed_rows.event_id,
        parsed_rows.is_event_id_valid,
        parsed_rows.recipient_email,
        parsed_rows.is_recipient_email_valid,
        parsed_rows.event_type,
        parsed_rows.campaign_id,
        parsed_rows.campaign_name,
        parsed_rows.email_type,
        parsed_rows.url,
        parsed_rows.has_occurred_at,
        parsed_rows.occurred_at,
        parsed_rows.raw_record_hash,
        parsed_rows.loaded_at
    from parsed_rows
    inner join files_to_load
        on parsed_rows.source_file = files_to_load.source_file

)

select * from final
