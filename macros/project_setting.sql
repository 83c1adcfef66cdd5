{#- One key of a dict-valued project var (dbt_project.yml vars `predictive`, `hybrid`), with
    a default when the var or the key is absent. -#}
{% macro project_setting(var_name, key, default=none) %}
    {%- set settings = var(var_name, {}) -%}
    {%- if settings is mapping and key in settings -%}
        {{ return(settings[key]) }}
    {%- endif -%}
    {{ return(default) }}
{% endmacro %}
