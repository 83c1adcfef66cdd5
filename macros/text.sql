{#- Text cleaning shared by the staging models. -#}

{% macro clean_string(expr) -%}
    {#- Text, trimmed; blank becomes null. Works whatever type the raw column was read as. -#}
    nullif(trim({{ dbt.safe_cast(expr, dbt.type_string()) }}), '')
{%- endmacro %}


{% macro to_snake_case(expr) -%}
    {#- 'Closed Won' -> closed_won, 'paid-search' -> paid_search. -#}
    nullif(
        {{ regex_replace_all(
            regex_replace_all('lower(' ~ clean_string(expr) ~ ')', "'[^a-z0-9]+'", "'_'"),
            "'^_+|_+$'",
            "''"
        ) }},
        ''
    )
{%- endmacro %}


{% macro compact_key(expr) -%}
    {#- Lowercase letters and digits only: 'Marketing Qualified Lead' -> marketingqualifiedlead. -#}
    nullif({{ regex_replace_all('lower(' ~ clean_string(expr) ~ ')', "'[^a-z0-9]+'", "''") }}, '')
{%- endmacro %}


{% macro alias_key(expr) -%}
    {#- Key used to match free text against a seed alias: lowercase, trimmed, dots removed. -#}
    nullif(trim(replace(lower({{ dbt.safe_cast(expr, dbt.type_string()) }}), '.', '')), '')
{%- endmacro %}


{% macro normalize_list(expr, delimiter=';') -%}
    {{ return(adapter.dispatch('normalize_list', 'lead_scoring')(expr, delimiter)) }}
{%- endmacro %}

{% macro default__normalize_list(expr, delimiter) -%}
    nullif(
        concat_ws(
            '{{ delimiter }}',
            filter(
                transform(split({{ clean_string(expr) }}, '{{ delimiter }}'), item -> lower(trim(item))),
                item -> item != ''
            )
        ),
        ''
    )
{%- endmacro %}

{% macro duckdb__normalize_list(expr, delimiter) -%}
    nullif(
        array_to_string(
            list_filter(
                list_transform(
                    string_split({{ clean_string(expr) }}, '{{ delimiter }}'),
                    lambda item: lower(trim(item))
                ),
                lambda item: item != ''
            ),
            '{{ delimiter }}'
        ),
        ''
    )
{%- endmacro %}


{% macro parse_boolean(expr) -%}
    {{ return(adapter.dispatch('parse_boolean', 'lead_scoring')(expr)) }}
{%- endmacro %}

{% macro default__parse_boolean(expr) -%}
    case
        when lower({{ clean_string(expr) }}) in ('true', 't', '1', 'yes', 'y') then true
        when lower({{ clean_string(expr) }}) in ('false', 'f', '0', 'no', 'n') then false
    end
{%- endmacro %}


{% macro row_to_json(relation_alias) -%}
    {{ return(adapter.dispatch('row_to_json', 'lead_scoring')(relation_alias)) }}
{%- endmacro %}

{% macro default__row_to_json(relation_alias) -%}
    to_json(struct({{ relation_alias }}.*))
{%- endmacro %}

{% macro duckdb__row_to_json(relation_alias) -%}
    cast(to_json({{ relation_alias }}) as varchar)
{%- endmacro %}


{% macro squish(expr) -%}
    {#- clean_string, with runs of spaces inside collapsed to one ('Revenue   Operations'). -#}
    {{ regex_replace_all(clean_string(expr), "'  +'", "' '") }}
{%- endmacro %}
