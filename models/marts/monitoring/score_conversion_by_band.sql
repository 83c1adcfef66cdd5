-- Conversion by band: for each score, the conversion rate of the contacts in each tier,
-- label, matrix cell, fit letter, engagement digit and lead source at the evaluation
-- snapshot (score_outcomes). band_order 1 = the band with the highest average score.
{%- set dimensions = ['tier', 'score_label', 'matrix_label', 'fit_letter', 'engagement_digit', 'lead_source'] %}

with

score_outcomes as (
    select * from {{ ref('score_outcomes') }}
),

bands as (
    {%- for dimension in dimensions %}
    select
        score_id,
        score_kind,
        '{{ dimension }}' as dimension,
        {{ dimension }} as band,
        evaluated_as_of_at,
        count(*) as records,
        {{ count_where('is_converted') }} as converted_records,
        avg(score) as average_score
    from score_outcomes
    where {{ dimension }} is not null
    group by score_id, score_kind, {{ dimension }}, evaluated_as_of_at
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
),

final as (
    select
        score_id,
        score_kind,
        dimension,
        band,
        row_number() over (
            partition by score_id, dimension order by average_score desc, band asc
        ) as band_order,
        records,
        converted_records,
        cast(converted_records as {{ type_double() }}) / records as conversion_rate,
        average_score,
        evaluated_as_of_at
    from bands
)

select * from final
