{#- A table that is rebuilt only when something it is computed from changed.

    `materialized='cached_table'` builds like `table`, and records a fingerprint of what the
    table was computed from: the model's compiled SQL (so its code, the macros it expands and
    the vars it reads) and the content of every relation it reads - seeds, raw file sources,
    tables, and through views the relations the views read plus the views' own definitions.
    A later run whose fingerprint is the same keeps the table as it is (run_results: code
    `REUSED`): the SQL would give the same rows again.

    Never kept: on --full-refresh; when the compiled SQL reads the clock or randomness
    (`as_of` unset means "now"); when an input is ephemeral or unknown; on an adapter without
    a fingerprint (default__cached_table_fingerprint: a Spark target builds every time).
    Hooks, grants and the descriptions written to the database (persist_docs) are applied
    only when the table is rebuilt: an edited description reaches a kept table with its next
    rebuild (or --full-refresh). The fingerprints are kept in the schema's
    `cached_table_fingerprints` table (one row per table). -#}

{% materialization cached_table, adapter='duckdb' %}
    {%- set existing_relation = load_cached_relation(this) -%}
    {%- set fingerprint = cached_table_fingerprint() -%}
    {%- if fingerprint is not none
        and existing_relation is not none
        and existing_relation.is_table
        and not should_full_refresh()
        and cached_table_stored_fingerprint() == fingerprint -%}
        {%- do store_raw_result('main', message='REUSED (inputs unchanged)', code='REUSED', rows_affected=-1) -%}
        {{ return({'relations': [this.incorporate(type='table')]}) }}
    {%- endif -%}
    {%- set built = materialization_table_duckdb() -%}
    {%- do cached_table_record_fingerprint(fingerprint) -%}
    {{ return(built) }}
{% endmaterialization %}


{% materialization cached_table, default %}
    {#- No fingerprint on this adapter: always built, as `table`. -#}
    {{ return(materialization_table_default()) }}
{% endmaterialization %}
