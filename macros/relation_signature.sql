{#- A hash of every row and column of a relation (a seed, a small config table): equal
    signatures = same content. Used to record which configuration produced a scoring run. -#}
{% macro relation_signature(relation) %}
    {%- if not execute -%}
        {{ return("''") }}
    {%- endif -%}
    {%- set columns = adapter.get_columns_in_relation(relation) | map(attribute='name') | list -%}
    {%- set parts = [] -%}
    {%- for column in columns -%}
        {%- do parts.append("coalesce(" ~ dbt.cast(adapter.quote(column), dbt.type_string()) ~ ", '~')") -%}
        {%- if not loop.last %}{% do parts.append("'|'") %}{% endif -%}
    {%- endfor -%}
    {%- set row_text = dbt.concat(parts) -%}
    {{ return("(select " ~ dbt.hash(dbt.listagg(row_text, "'#'", "order by " ~ row_text))
        ~ " from " ~ relation ~ ")") }}
{% endmacro %}
