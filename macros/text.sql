{#- Text cleaning shared by the staging models. -#}

{% macro clean_string(expr) -%}
    {#- Text, trimmed; blank becomes null. Works whatever type the raw column was read as. -#}
    nullif(trim({{ dbt.safe_cast(expr, dbt.type_string()) }}), '')
{%- endmacro %}


{% macro is_one_of(expr, values) -%}
    {#- `expr in (values...)` (values: a list of strings), written as short lists joined by `or`:
        DuckDB runs an in-list of five or more values as a join against the list, which made
        clean_id four times slower on raw events. Same result, null included. Use it for
        in-lists of five or more values on large tables. -#}
    {%- set lists = [] -%}
    {%- for chunk in values | batch(4) -%}
        {%- set quoted = [] -%}
        {%- for value in chunk -%}
            {%- do quoted.append("'" ~ (value | replace("'", "''")) ~ "'") -%}
        {%- endfor -%}
        {%- do lists.append(expr ~ ' in (' ~ quoted | join(', ') ~ ')') -%}
    {%- endfor -%}
    ({{ lists | join(' or ') }})
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
        when {{ is_one_of('lower(' ~ clean_string(expr) ~ ')', ['true', 't', '1', 'yes', 'y']) }} then true
        when {{ is_one_of('lower(' ~ clean_string(expr) ~ ')', ['false', 'f', '0', 'no', 'n']) }} then false
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


{% macro row_to_struct(relation_alias) -%}
    {#- The whole row of a relation alias as one struct column (kept columnar, unlike JSON). -#}
    {{ return(adapter.dispatch('row_to_struct', 'lead_scoring')(relation_alias)) }}
{%- endmacro %}

{% macro default__row_to_struct(relation_alias) -%}
    struct({{ relation_alias }}.*)
{%- endmacro %}

{% macro duckdb__row_to_struct(relation_alias) -%}
    {{ relation_alias }}
{%- endmacro %}


{% macro struct_to_json(expr) -%}
    {#- A struct column as JSON text (raw rows shown in the rejects views). -#}
    {{ return(adapter.dispatch('struct_to_json', 'lead_scoring')(expr)) }}
{%- endmacro %}

{% macro default__struct_to_json(expr) -%}
    to_json({{ expr }})
{%- endmacro %}

{% macro duckdb__struct_to_json(expr) -%}
    cast(to_json({{ expr }}) as varchar)
{%- endmacro %}


{% macro row_fingerprint(expr) -%}
    {#- A 64-bit hash of a value (a row struct): a deterministic tie-break between raw copies. -#}
    {{ return(adapter.dispatch('row_fingerprint', 'lead_scoring')(expr)) }}
{%- endmacro %}

{% macro default__row_fingerprint(expr) -%}
    xxhash64({{ expr }})
{%- endmacro %}

{% macro duckdb__row_fingerprint(expr) -%}
    hash({{ expr }})
{%- endmacro %}


{% macro raw_row_struct(source_name, table_name) -%}
    {#- The raw row of a file source as one struct column, without the `filename` column the
        reader adds (see the sources' external_location). Used in the select list of a query
        reading that source alone. -#}
    {{ return(adapter.dispatch('raw_row_struct', 'lead_scoring')(source_name, table_name)) }}
{%- endmacro %}

{% macro default__raw_row_struct(source_name, table_name) -%}
    {%- set columns = [] -%}
    {%- if execute -%}
        {%- for node in graph.sources.values() -%}
            {%- if node.source_name == source_name and node.name == table_name -%}
                {%- do columns.extend(node.columns.keys()) -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endif -%}
    struct({{ columns | join(', ') if columns else '*' }})
{%- endmacro %}

{% macro duckdb__raw_row_struct(source_name, table_name) -%}
    struct_pack(*columns(* exclude (filename)))
{%- endmacro %}


{% macro raw_row_hash(source_name, table_name) -%}
    {#- The raw row's hash, `raw_record_hash`: row_fingerprint of raw_row_struct. The parsed event
        models store it and the rejects find a rejected row's raw row again by it, so both
        compute it here. Used in the select list of a query reading that source alone. -#}
    {{ row_fingerprint(raw_row_struct(source_name, table_name)) }}
{%- endmacro %}
