-- noqa: disable=LT02
-- (this file holds CTE fragments: sqlfluff cannot judge their indent outside a model)
{#- Helpers of the incremental models that load raw files. -#}

{% macro delete_missing_source_files(source_relation) -%}
    {#- Post-hook of a model incremental by raw file: rows of files no longer in the source
        folder are deleted, so the model always holds exactly the current raw rows. -#}
    {{ delete_rows_of_files_not_in('select distinct filename from ' ~ source_relation) }}
{%- endmacro %}


{% macro delete_rows_of_files_not_in(files_sql) -%}
    {#- Post-hook of a model keyed by raw file (`source_file`): deletes the rows of every file
        the query `files_sql` (one column of file paths) does not return. Rows whose
        source_file is null are kept. -#}
    delete from {{ this }}
    where source_file not in (
        {{ files_sql }}
    )
{%- endmacro %}


{% macro delete_rows_of_unloaded_files(parsed_relation) -%}
    {#- Post-hook of a model incremental on top of a parsed model (rows carry the parsed row's
        `source_file` and `loaded_at`): deletes the rows of file versions the parsed model no
        longer holds (files removed, or loaded again since). -#}
    delete from {{ this }}
    where not exists (
        select 1
        from (
            select distinct
                source_file,
                loaded_at
            from {{ parsed_relation }}
        ) as loaded_files
        where
            loaded_files.source_file = {{ this }}.source_file
            and loaded_files.loaded_at = {{ this }}.loaded_at
    )
{%- endmacro %}


{% macro raw_files_to_load(source_name, table_name) -%}
    {#- The CTEs of a model incremental by raw file, after its import CTE `source` (the file
        source, whose rows carry `filename`): `source_files` (rows per file), `files_to_load`
        (every file on a first or full-refresh run; else files that are new or whose row count
        changed since they were loaded) and `raw_rows` (the rows of those files, with the raw
        row's hash `raw_record_hash`). Ends with a comma: the model's own CTEs follow. -#}
{% if is_incremental() %}

loaded_files as (

    select distinct
        source_file,
        source_file_row_count
    from {{ this }}

),

{% endif %}

source_files as (

    select
        filename as source_file,
        count(*) as source_file_row_count
    from source
    group by filename

),

files_to_load as (

    select source_files.*
    from source_files
    {% if is_incremental() -%}
    left join loaded_files
        on
            source_files.source_file = loaded_files.source_file
            and source_files.source_file_row_count = loaded_files.source_file_row_count
    where loaded_files.source_file is null
    {%- endif %}

),

raw_rows as (

    -- on a first or full-refresh run every file is loaded: no filter, so that the parsing
    -- below runs on the scan itself (DuckDB then evaluates it once per distinct value of
    -- dictionary-encoded columns)
    select
        *,
        {{ raw_row_hash(source_name, table_name) }} as raw_record_hash
    from source
    {% if is_incremental() -%}
    where filename in (select files_to_load.source_file from files_to_load)
    {%- endif %}

),

{% endmacro %}


{% macro drop_leftover_temp_tables() -%}
    {#- Post-hook of an incremental dbt Python model. On DuckDB, dbt-duckdb builds the new rows
        of an incremental Python run in a table `<model>__dbt_tmp<timestamp>` of the model's
        schema and leaves it there; this drops every such table of the model, so readers see
        only the model and the file does not keep old copies. -#}
    {{ return(adapter.dispatch('drop_leftover_temp_tables', 'lead_scoring')()) }}
{%- endmacro %}


{% macro default__drop_leftover_temp_tables() -%}
    select 1 as no_leftover_temp_tables
{%- endmacro %}


{% macro duckdb__drop_leftover_temp_tables() -%}
    {%- if execute -%}
        {%- set leftovers = run_query(
            "select table_name from information_schema.tables"
            ~ " where table_catalog = '" ~ this.database ~ "'"
            ~ " and table_schema = '" ~ this.schema ~ "'"
            ~ " and starts_with(table_name, '" ~ this.identifier ~ "__dbt_tmp')"
        ) -%}
        {%- for row in leftovers.rows -%}
            {%- do run_query("drop table if exists " ~ this.incorporate(path={"identifier": row[0]})) -%}
        {%- endfor -%}
    {%- endif %}
    select 1 as no_leftover_temp_tables
{%- endmacro %}


{% macro duplicate_group_key(id_column, file_column='source_file') -%}
    {#- Key of a model incremental by duplicate group: the id, or for rows without one
        `(no event_id) <file>` (such rows are never duplicates of each other). -#}
    coalesce(
        {{ id_column }},
        {{ dbt.concat(["'(no event_id) '", file_column]) }}
    )
{%- endmacro %}


{% macro changed_file_groups() -%}
    {#- The CTEs of a model incremental by duplicate group on top of a parsed model, after its
        CTEs `keyed_rows` (the parsed rows with `duplicate_group_key`) and `previous_rows`
        (the model's rows before this run): the file versions (`source_file`, `loaded_at`) of
        both, `new_files` (new, or loaded again since the previous run), `gone_files` (removed,
        or loaded again: the previous version) and `file_changed_groups`, the groups with a row
        in either. Ends with a comma: the model's own CTEs follow. -#}

parsed_files as (

    select distinct
        source_file,
        loaded_at
    from keyed_rows

),

previous_files as (

    select distinct
        source_file,
        loaded_at
    from previous_rows

),

new_files as (

    select parsed_files.source_file
    from parsed_files
    left join previous_files
        on
            parsed_files.source_file = previous_files.source_file
            and parsed_files.loaded_at = previous_files.loaded_at
    where previous_files.source_file is null

),

gone_files as (

    select
        previous_files.source_file,
        previous_files.loaded_at
    from previous_files
    left join parsed_files
        on
            previous_files.source_file = parsed_files.source_file
            and previous_files.loaded_at = parsed_files.loaded_at
    where parsed_files.source_file is null

),

file_changed_groups as (

    select keyed_rows.duplicate_group_key
    from keyed_rows
    inner join new_files
        on keyed_rows.source_file = new_files.source_file

    union

    select previous_rows.duplicate_group_key
    from previous_rows
    inner join gone_files
        on
            previous_rows.source_file = gone_files.source_file
            and previous_rows.loaded_at = gone_files.loaded_at

),

{% endmacro %}


{% macro duplicate_ids(rows) -%}
    {#- The CTE `duplicate_ids`: the ids with more than one row of `rows` (the model's keyed
        rows). A model joins it to its rows before its checks, so that each row carries
        `has_duplicate_id` for `duplicate_id_ranking`. Ends with a comma. -#}

duplicate_ids as (

    select event_id
    from {{ rows }}
    where event_id is not null
    group by event_id
    having count(*) > 1

),

{% endmacro %}


{% macro duplicate_id_ranking(rows) -%}
    {#- The CTE `ranked`: every row of `rows` with `event_id_rank`, 1 for an id's only row
        (`has_duplicate_id` false); else its place by `reject_rank_order(row_reject_reason)`,
        occurred_at, raw_record_hash and source_file. Only the rows of repeated ids go
        through the window: a window over every row would carry all of them through a sort.
        `rows` is read twice, once per branch on `has_duplicate_id`: declare it with
        `inline_cte()`, so that each branch computes its own rows (the filter reaches the
        scan) rather than DuckDB storing every row first. Ends with a comma. -#}

ranked as (

    select
        {{ rows }}.*,
        1 as event_id_rank
    from {{ rows }}
    where not {{ rows }}.has_duplicate_id

    union all

    select
        {{ rows }}.*,
        row_number() over (
            partition by {{ rows }}.event_id
            order by
                {{ reject_rank_order('row_reject_reason') }},
                occurred_at nulls last,
                raw_record_hash,
                source_file
        ) as event_id_rank
    from {{ rows }}
    where {{ rows }}.has_duplicate_id

),

{% endmacro %}

{% macro inline_cte() -%}
    {#- Put between `name as` and `(` of a CTE that is read more than once but is cheaper to
        compute again than to store: DuckDB stores such a CTE first (every row and column),
        which loses the scan's dictionary encoding and doubled the parsing time of raw
        events. Other adapters inline CTEs anyway: nothing. -#}
    {{ return(adapter.dispatch('inline_cte', 'lead_scoring')()) }}
{%- endmacro %}

{% macro default__inline_cte() -%}
{%- endmacro %}

{% macro duckdb__inline_cte() -%}
    not materialized
{%- endmacro %}
