{#- One output row per element of a delimited string, used in a select list:
    `select id, {{ split_to_rows('tags', ';') }} as tag from t`. -#}
{% macro split_to_rows(expression, delimiter) %}
    {{ return(adapter.dispatch('split_to_rows', 'lead_scoring')(expression, delimiter)) }}
{% endmacro %}

{% macro default__split_to_rows(expression, delimiter) -%}
    explode(split({{ expression }}, '{{ delimiter }}'))
{%- endmacro %}

{% macro duckdb__split_to_rows(expression, delimiter) -%}
    unnest(string_split({{ expression }}, '{{ delimiter }}'))
{%- endmacro %}
