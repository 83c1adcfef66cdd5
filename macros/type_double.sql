{#- A double-precision float. dbt.type_float() is `float`, which is 4 bytes (REAL) on DuckDB
    and Spark: rates, probabilities and PSI need 8. `double` is the type name on both. -#}
{% macro type_double() %}
    {{- return('double') -}}
{% endmacro %}
