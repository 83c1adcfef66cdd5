{#- True when a record's or event's value satisfies a rule's positive operator.
    All arguments are SQL expressions. Text comparisons are trimmed and case-insensitive;
    values are compared as data, so quotes, `%` or SQL in a value are just characters.
    Comparison operators compare as numbers when both sides are plain numbers, else as dates
    when both are ISO-8601 dates (scoring_compare); other values never match them. -#}
{% macro scoring_value_matches(operator, value, rule_value, value_low, value_high) -%}
    coalesce(case
        when {{ operator }} = 'is_known'
            then {{ value }} is not null
        when {{ operator }} in ('equals', 'is_any_of')
            then lower(trim({{ value }})) = lower(trim({{ rule_value }}))
        when {{ operator }} = 'contains_any_of'
            then {{ dbt.position('lower(trim(' ~ rule_value ~ '))', 'lower(' ~ value ~ ')') }} > 0
        when {{ operator }} in ('greater_than', 'after') then {{ scoring_compare(value, value_low, '>') }}
        when {{ operator }} = 'greater_or_equal' then {{ scoring_compare(value, value_low, '>=') }}
        when {{ operator }} in ('less_than', 'before') then {{ scoring_compare(value, value_low, '<') }}
        when {{ operator }} = 'less_or_equal' then {{ scoring_compare(value, value_low, '<=') }}
        when {{ operator }} = 'between'
            then {{ scoring_compare(value, value_low, '>=') }} and {{ scoring_compare(value, value_high, '<=') }}
        else false
    end, false)
{%- endmacro %}
