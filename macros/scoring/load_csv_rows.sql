{#- Seeds (the scoring configuration is seeds: seeds/scoring/*.csv) are loaded by dbt-duckdb
    with COPY ... (FORMAT CSV), which lets DuckDB sniff the quote character. A rule value that
    starts with a single quote (`'`, `'vip'`) then reads as the start of a quoted field and
    swallows the following rows. The files are standard CSV (RFC 4180: fields quoted with `"`,
    a `"` inside doubled), so say so. Same as dbt-duckdb's macro otherwise. -#}
{% macro duckdb__load_csv_rows(model, agate_table) %}
    {%- if config.get('fast', true) -%}
        {%- set seed_file_path = adapter.get_seed_file_path(model) -%}
        {%- set delimiter = config.get('delimiter', ',') -%}
        {%- set sql -%}
            copy {{ this.render() }} from '{{ seed_file_path }}'
            (format csv, header true, delimiter '{{ delimiter }}', quote '"', escape '"')
        {%- endset -%}
        {%- do adapter.add_query(sql, abridge_sql_log=True) -%}
        {{ return(sql) }}
    {%- endif -%}
    {{ return(default__load_csv_rows(model, agate_table)) }}
{% endmacro %}
