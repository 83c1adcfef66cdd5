{#- Settings of score monitoring (var score_monitoring in dbt_project.yml), validated. -#}

{% macro outcome_window_days() %}
    {%- set days = project_setting('score_monitoring', 'outcome_window_days', 90) -%}
    {%- if days is not number or days < 1 -%}
        {{ exceptions.raise_compiler_error(
            "var score_monitoring.outcome_window_days must be a whole number of days >= 1, got "
            ~ days) }}
    {%- endif -%}
    {{ return(days | int) }}
{%- endmacro %}


{% macro outcome_target_stage() %}
    {#- The lifecycle stage a record must reach (it or a later one) to count as converted;
        checked against the lifecycle_stages seed when the model runs. -#}
    {%- set stage = project_setting('score_monitoring', 'target_stage', 'sql') -%}
    {%- if execute -%}
        {%- set known = run_query(
            "select distinct lifecycle_stage from " ~ ref('lifecycle_stages')
        ).columns[0].values() | list -%}
        {%- if stage not in known -%}
            {{ exceptions.raise_compiler_error(
                "var score_monitoring.target_stage '" ~ stage ~ "' is not a lifecycle stage of "
                ~ "seeds/lifecycle_stages.csv (one of: " ~ (known | sort | join(', ')) ~ ")") }}
        {%- endif -%}
    {%- endif -%}
    {{ return(stage) }}
{%- endmacro %}


{% macro drift_threshold(key, default) %}
    {%- set value = project_setting('score_monitoring', key, default) -%}
    {%- if value is not number or value <= 0 -%}
        {{ exceptions.raise_compiler_error(
            "var score_monitoring." ~ key ~ " must be a positive number, got " ~ value) }}
    {%- endif -%}
    {{ return(value) }}
{%- endmacro %}


{% macro population_stability(expected, actual) -%}
    {#- One bin's term of the population stability index, (a - e) * ln(a / e), with both
        shares floored at 0.0001 so that an empty bin counts instead of dividing by zero. -#}
    (greatest({{ actual }}, 0.0001) - greatest({{ expected }}, 0.0001))
    * ln(greatest({{ actual }}, 0.0001) / greatest({{ expected }}, 0.0001))
{%- endmacro %}


{% macro score_bucket(score, low, high, buckets) -%}
    {#- The 1-based bucket of a score among `buckets` buckets of equal width over [low, high];
        scores outside the range go to the first or last bucket. -#}
    cast(coalesce(
        least(greatest(floor(({{ score }} - {{ low }}) * {{ buckets }} / nullif({{ high }} - {{ low }}, 0)), 0), {{ buckets - 1 }}),
        0
    ) + 1 as {{ dbt.type_int() }})
{%- endmacro %}


{% macro count_where(condition) -%}
    {#- Number of rows where the condition holds, as a bigint. -#}
    cast(sum(case when {{ condition }} then 1 else 0 end) as {{ dbt.type_bigint() }})
{%- endmacro %}


{% macro values_differ(left, right) -%}
    {#- Null-safe inequality (portable `is distinct from`): true when exactly one side is null
        or both are set and unequal. -#}
    not (coalesce({{ left }} = {{ right }}, false) or ({{ left }} is null and {{ right }} is null))
{%- endmacro %}


{% macro score_bucket_counts(scores, ranges, buckets) -%}
    {#- Records per (score_id, bin_order) of the relation or CTE `scores` (score_id, score),
        over the equal-width buckets of `ranges` (int_score_ranges). -#}
    {%- set bucket = score_bucket(scores ~ '.score', ranges ~ '.range_low', ranges ~ '.range_high', buckets) -%}
    select
        {{ scores }}.score_id,
        {{ bucket }} as bin_order,
        count(*) as records
    from {{ scores }}
    inner join {{ ranges }}
        on {{ scores }}.score_id = {{ ranges }}.score_id
    group by {{ scores }}.score_id, {{ bucket }}
{%- endmacro %}
