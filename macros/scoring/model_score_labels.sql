{#- Select of the label (band_type total) and tier of a 0-100 model score per record, from
    the model_score_bands seed as ranges (CTE `band_ranges`, see macro band_ranges):
    columns `<id_column>`, `<prefix>_label`, `<prefix>_tier`. -#}
{% macro model_score_labels(source, id_column, value_column, score_name, prefix) -%}
    select
        {{ source }}.{{ id_column }},
        max(case when band_ranges.band_type = 'total' then band_ranges.band_name end) as {{ prefix }}_label,
        max(case when band_ranges.band_type = 'tier' then band_ranges.band_name end) as {{ prefix }}_tier
    from {{ source }}
    inner join band_ranges
        on
            band_ranges.score_name = '{{ score_name }}'
            and (band_ranges.range_from is null or {{ source }}.{{ value_column }} >= band_ranges.range_from)
            and (band_ranges.range_to is null or {{ source }}.{{ value_column }} < band_ranges.range_to)
    group by {{ source }}.{{ id_column }}
{%- endmacro %}
