{#- Timestamps: parse raw values to UTC and compute the evaluation instant (as_of). -#}

{% macro to_utc_timestamp(expr) -%}
    {{ return(adapter.dispatch('to_utc_timestamp', 'lead_scoring')(expr)) }}
{%- endmacro %}

{% macro default__to_utc_timestamp(expr) -%}
    {#- Spark and most engines read an ISO-8601 offset when casting text to timestamp
        (with the session time zone set to UTC); unparseable text gives null. -#}
    {{ dbt.safe_cast(dbt.safe_cast(expr, dbt.type_string()), dbt.type_timestamp()) }}
{%- endmacro %}

{% macro duckdb__to_utc_timestamp(expr) -%}
    {#- A plain cast to timestamp silently drops an offset: go through timestamptz, then
        back to a naive UTC timestamp. Text without an offset is read in the session
        time zone, which the profile pins to UTC. -#}
    cast(try_cast(cast({{ expr }} as varchar) as timestamptz) at time zone 'UTC' as timestamp)
{%- endmacro %}


{% macro as_of_timestamp() -%}
    {{ return(adapter.dispatch('as_of_timestamp', 'lead_scoring')()) }}
{%- endmacro %}

{% macro default__as_of_timestamp() -%}
    {%- if var('as_of', none) is none -%}
        {{ dbt.safe_cast(dbt.current_timestamp(), dbt.type_timestamp()) }}
    {%- else -%}
        {{ to_utc_timestamp("'" ~ var('as_of') ~ "'") }}
    {%- endif -%}
{%- endmacro %}

{% macro duckdb__as_of_timestamp() -%}
    {%- if var('as_of', none) is none -%}
        cast(current_timestamp at time zone 'UTC' as timestamp)
    {%- else -%}
        {{ to_utc_timestamp("'" ~ var('as_of') ~ "'") }}
    {%- endif -%}
{%- endmacro %}


{% macro max_allowed_timestamp() -%}
    {#- Latest acceptable event time: as_of plus the clock-skew tolerance. -#}
    {{ dbt.dateadd('hour', var('future_timestamp_tolerance_hours', 24) | int, as_of_timestamp()) }}
{%- endmacro %}


{% macro loaded_at_timestamp() -%}
    {#- When this dbt invocation started (UTC): the load time of incremental rows. -#}
    {{ dbt.safe_cast("'" ~ run_started_at.strftime('%Y-%m-%d %H:%M:%S') ~ "'", dbt.type_timestamp()) }}
{%- endmacro %}
