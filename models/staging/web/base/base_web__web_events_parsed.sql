-- Every raw web event row, parsed once: ids, text and timestamps cleaned, the URL split into
-- host and path, the row-level checks evaluated. The raw row itself is not kept, only its hash:
-- stg_web__rejects reads a rejected row's raw row again from its file, by file and hash.
-- Nothing here depends on other tables, seeds or the scoring date, so a row never has to be
-- parsed again: the model is incremental by raw file. A refresh loads only the files that are
-- new or whose row count changed (those are replaced); files that are gone are deleted by the
-- post-hook. `dbt build --full-refresh` parses everything again.
{{ config(
    materialized='incremental',
    incremental_strategy='delete+insert',
    unique_key='source_file',
    on_schema_change='fail',
    post_hook=["{{ delete_missing_source_files(source('web', 'web_events')) }}"],
) }}

with

source as {{ inline_cte() }} (

    select * from {{ source('web', 'web_events') }}

),

{{ raw_files_to_load('web', 'web_events') }}

parsed_rows as (

    select
        filename as source_file,
        {{ clean_id('event_id') }} as event_id,
        coalesce({{ is_valid_id(clean_id('event_id')) }}, false) as is_event_id_valid,
        {{ clean_id('anonymous_id') }} as anonymous_id,
        {{ clean_id('contact_id') }} as source_contact_id,
        {{ clean_string('session_id') }} as session_id,
        {{ to_snake_case('event_type') }} as event_type,
        {{ clean_string('page_url') }} as page_url,
        {{ url_host('page_url') }} as page_host,
        {{ url_path('page_url') }} as page_path,
        {{ clean_string('referrer_url') }} as referrer_url,
        {{ clean_string('form_name') }} as form_name,
        {{ clean_string('cta_name') }} as cta_name,
        lower({{ clean_string('user_agent') }}) as user_agent,
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
        parsed_rows.anonymous_id,
        parsed_rows.source_contact_id,
        parsed_rows.session_id,
        parsed_rows.event_type,
        parsed_rows.page_url,
        parsed_rows.page_host,
        parsed_rows.page_path,
        parsed_rows.referrer_url,
        parsed_rows.form_name,
        parsed_rows.cta_name,
        parsed_rows.user_agent,
        parsed_rows.has_occurred_at,
        parsed_rows.occurred_at,
        parsed_rows.raw_record_hash,
        parsed_rows.loaded_at
    from parsed_rows
    inner join files_to_load
        on parsed_rows.source_file = files_to_load.source_file

)

select * from final
