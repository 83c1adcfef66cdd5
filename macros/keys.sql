{#- Record keys used by the staging models and the rejects. -#}

{% macro composite_key(expressions, separator='|') -%}
    {#- The raw key of a row whose identity spans several columns, as text ('a|b').
        Missing parts are left empty; null only when every part is missing. -#}
    case
        when {% for expression in expressions %}{{ expression }} is not null{% if not loop.last %} or {% endif %}{% endfor %}
            then {{ dbt.concat(_composite_key_parts(expressions, separator)) }}
    end
{%- endmacro %}

{% macro _composite_key_parts(expressions, separator) -%}
    {%- set parts = [] -%}
    {%- for expression in expressions -%}
        {%- do parts.append("coalesce(" ~ dbt.safe_cast(expression, dbt.type_string()) ~ ", '')") -%}
        {%- if not loop.last -%}{%- do parts.append("'" ~ separator ~ "'") -%}{%- endif -%}
    {%- endfor -%}
    {{ return(parts) }}
{%- endmacro %}


{% macro reject_rank_order(reason_column) -%}
    {#- Sort key that puts rows without a reject reason first. -#}
    case when {{ reason_column }} is null then 0 else 1 end
{%- endmacro %}
