-- noqa: disable=LT02
-- (this file holds CTE fragments: sqlfluff cannot judge their indent outside a model)
{#- Helpers of the rejects models of the event tables read file by file
    (stg_email__rejects, stg_web__rejects). -#}

{% macro rejected_event_rows(source_name, table_name, checked_events, raw_events) -%}
    {#- The CTEs of a rejects model incremental by raw file, after its import CTEs
        `checked_events` (the staged-event checks: `source_file`, `raw_record_hash`,
        `source_record_id`, `reject_reason`; declared with inline_cte(): several CTEs read
        it), `raw_events` (the file source `source_name`.`table_name`, declared with
        inline_cte()) and, on an incremental run,
        `previous_rejects` (the model's rows before this run). Defines `rejected_event_rows`:
        the rejected rows of `table_name` to write, with their raw row as JSON - on a first or
        full-refresh run every file's; else only the rows of the files whose rejected rows
        changed (new files, files loaded again, rows checked again: the same raw rows, ids and
        reasons, copies included, or not), and only those files are read again for the raw
        rows. Files with no rejected row left are deleted by
        `delete_rows_of_files_not_in` (post-hook). Ends with a comma. -#}

rejected_now as (

    select
        source_file,
        raw_record_hash,
        source_record_id,
        reject_reason
    from {{ checked_events }}
    where reject_reason is not null

),

{% if is_incremental() %}

compared as (

    -- the rejected rows of both runs, tagged by side (copies are separate rows)
    select
        source_file,
        raw_record_hash,
        source_record_id,
        reject_reason,
        1 as is_now
    from rejected_now

    union all

    select
        source_file,
        raw_record_hash,
        source_record_id,
        reject_reason,
        0 as is_now
    from previous_rejects
    where source_table = '{{ table_name }}'

),

differing_rows as (

    -- rejected rows (raw row, id, reason) whose copies differ in number between the runs, or
    -- that only one run has (counted in one aggregate: EXCEPT ALL both ways sorted every row,
    -- 13 s at a million contacts)
    select source_file
    from compared
    group by source_file, raw_record_hash, source_record_id, reject_reason
    having sum(is_now) != sum(1 - is_now)

),

changed_files as (

    select distinct source_file
    from differing_rows

),

{% endif %}

rejected_to_write as (

    select * from rejected_now
    {% if is_incremental() -%}
    where source_file in (select changed_files.source_file from changed_files)
    {%- endif %}

),

rejected_keys as (

    select distinct
        source_file,
        raw_record_hash
    from rejected_to_write

),

raw_rows_hashed as {{ inline_cte() }} (

    -- the raw rows with the hash the parsed model gave them (same macro)
    select
        filename as source_file,
        {{ raw_row_hash(source_name, table_name) }} as raw_record_hash,
        {{ raw_row_struct(source_name, table_name) }} as raw_record
    from {{ raw_events }}
    {% if is_incremental() -%}
    where filename in (select changed_files.source_file from changed_files)
    {%- endif %}

),

rejected_raw_rows as (

    -- the raw row of each rejected row as JSON, by file and hash: identical copies share both,
    -- so distinct keeps one (grouping by file and hash with any_value of the struct instead
    -- took 39 s for the 5.6M rejected web rows of a million contacts; this, 11 s)
    select distinct
        raw_rows_hashed.source_file,
        raw_rows_hashed.raw_record_hash,
        {{ struct_to_json('raw_rows_hashed.raw_record') }} as raw_record
    from raw_rows_hashed
    inner join rejected_keys
        on
            raw_rows_hashed.source_file = rejected_keys.source_file
            and raw_rows_hashed.raw_record_hash = rejected_keys.raw_record_hash

),

rejected_event_rows as (

    select
        '{{ table_name }}' as source_table,
        rejected_to_write.source_record_id,
        rejected_to_write.reject_reason,
        rejected_raw_rows.raw_record,
        rejected_to_write.source_file,
        rejected_to_write.raw_record_hash
    from rejected_to_write
    -- left join: a row whose raw row is not found keeps its null raw_record (not_null test)
    left join rejected_raw_rows
        on
            rejected_to_write.source_file = rejected_raw_rows.source_file
            and rejected_to_write.raw_record_hash = rejected_raw_rows.raw_record_hash

),

{%- endmacro %}
