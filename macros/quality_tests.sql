{#- Shared by the score-quality generic tests (tests/generic): the grouping columns of
    `group_by` (none, a column name or a list) and the SQL of a readable group name,
    "score_id = x, tier = y", or 'all rows' without grouping. -#}

{% macro quality_test_group_columns(group_by) %}
    {{- return([group_by] if group_by is string else (group_by or []) | list) -}}
{% endmacro %}


{% macro quality_test_group_name(group_by) %}
    {%- set group_columns = quality_test_group_columns(group_by) -%}
    {%- if not group_columns -%}
        {{- return("'all rows'") -}}
    {%- endif -%}
    {%- set parts = [] -%}
    {%- for column in group_columns -%}
        {%- do parts.append(dbt.string_literal(("" if loop.first else ", ") ~ column ~ " = ")) -%}
        {%- do parts.append("coalesce(cast(" ~ column ~ " as " ~ dbt.type_string() ~ "), 'null')") -%}
    {%- endfor -%}
    {{- return(dbt.concat(parts)) -}}
{% endmacro %}
