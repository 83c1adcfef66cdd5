{#- Select of band ranges from a bands relation: a band runs from its min_score (inclusive)
    to the next band's min_score of the same key and band_type (exclusive); the lowest band
    also covers anything below it (range_from null) and the top one anything above (range_to
    null). `extra_columns` are passed through. -#}
{% macro band_ranges(bands, key_column, extra_columns=[]) -%}
    select
        {{ key_column }},
        lower(trim(band_type)) as band_type,
        band_name,{% for column in extra_columns %} {{ column }},{% endfor %}
        case
            when min_score = min(min_score) over (partition by {{ key_column }}, lower(trim(band_type)))
                then null
            else min_score
        end as range_from,
        lead(min_score) over (
            partition by {{ key_column }}, lower(trim(band_type)) order by min_score asc
        ) as range_to
    from {{ bands }}
{%- endmacro %}
