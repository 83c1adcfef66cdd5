{#- True when a record's or event's value satisfies a rule's positive operator.
    All arguments are SQL expressions. Text comparisons are trimmed and case-insensitive;
    values are compared as data, so quotes, `%` or SQL in a value are just characters. -#}
{% macro scoring_value_matches(operator, value, rule_value, value_low, value_high) -%}
    {%- set number = dbt.safe_cast(value, 'double') -%}
    {%- set low = dbt.safe_cast(value_low, 'double') -%}
    {%- set high = dbt.safe_cast(value_high, 'double') -%}
    coalesce(case
        when {{ operator }} = 'is_known'
            then {{ value }} is not null
        when {{ operator }} in ('equals', 'is_any_of')
            then lower(trim({{ value }})) = lower(trim({{ rule_value }}))
        when {{ operator }} = 'contains_any_of'
            then {{ dbt.position('lower(trim(' ~ rule_value ~ '))', 'lower(' ~ value ~ ')') }} > 0
        when {{ operator }} = 'greater_than' then {{ number }} > {{ low }}
        when {{ operator }} = 'greater_or_equal' then {{ number }} >= {{ low }}
        when {{ operator }} = 'less_than' then {{ number }} < {{ low }}
        when {{ operator }} = 'less_or_equal' then {{ number }} <= {{ low }}
        when {{ operator }} = 'between' then {{ number }} between {{ low }} and {{ high }}
        when {{ operator }} = 'before'
            then {{ to_utc_timestamp(value) }} < {{ to_utc_timestamp(value_low) }}
        when {{ operator }} = 'after'
            then {{ to_utc_timestamp(value) }} > {{ to_utc_timestamp(value_low) }}
        else false
    end, false)
{%- endmacro %}
