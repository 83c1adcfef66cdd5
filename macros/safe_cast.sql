{#- dbt-duckdb implements dbt.safe_cast as a plain cast, which fails the whole query on one
    bad value ("n/a" in a numeric column of a CSV export). This override makes it a real safe
    cast on DuckDB (try_cast: null when the value does not convert), as on other adapters. -#}
{% macro duckdb__safe_cast(field, type) -%}
    try_cast({{ field }} as {{ type }})
{%- endmacro %}
