{#- How comparison operators read text (docs/scoring-engine.md; lead_scoring.scoring.operators):
    a value is a number only when it is a plain decimal number (optional sign, digits, optional
    fraction and exponent: not 'NaN', 'inf' or '1_000'), and a date only when it is an ISO-8601
    date or datetime (optional offset Z or +hh:mm); anything else is neither. Both are null-safe:
    text that is not a number (date) gives null, never a conversion error. -#}

{% macro scoring_number(expr) -%}
    {{ return(adapter.dispatch('scoring_number', 'lead_scoring')(expr)) }}
{%- endmacro %}

{% macro default__scoring_number(expr) -%}
    case
        when {{ regex_matches(
            'trim(' ~ expr ~ ')', "'^[+-]?([0-9]+([.][0-9]*)?|[.][0-9]+)([eE][+-]?[0-9]+)?$'"
        ) }}
            then cast(trim({{ expr }}) as double)
    end
{%- endmacro %}

{% macro duckdb__scoring_number(expr) -%}
    case
        when {{ regex_matches(
            'trim(' ~ expr ~ ')', "'^[+-]?([0-9]+([.][0-9]*)?|[.][0-9]+)([eE][+-]?[0-9]+)?$'"
        ) }}
            then try_cast(trim({{ expr }}) as double)
    end
{%- endmacro %}


{% macro scoring_timestamp(expr) -%}
    {#- The UTC timestamp of an ISO-8601 date (midnight) or datetime (no offset = UTC). -#}
    case
        when {{ regex_matches(
            'trim(' ~ expr ~ ')',
            "'^[0-9]{4}-[0-9]{2}-[0-9]{2}([T ]([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9]([.][0-9]{1,6})?)?(Z|[+-][0-9]{2}:[0-9]{2})?)?$'"
        ) }}
            then {{ to_utc_timestamp('trim(' ~ expr ~ ')') }}
    end
{%- endmacro %}


{% macro scoring_compare(value, bound, comparison) -%}
    {#- `value <comparison> bound` (comparison: >, >=, <, <=): as numbers when both are numbers,
        else as dates when both are dates, else null. -#}
    coalesce(
        {{ scoring_number(value) }} {{ comparison }} {{ scoring_number(bound) }},
        {{ scoring_timestamp(value) }} {{ comparison }} {{ scoring_timestamp(bound) }}
    )
{%- endmacro %}
