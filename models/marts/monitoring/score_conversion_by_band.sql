-- Conversion by band: for each score, the conversion rate of the contacts in each score
-- range (score_distribution's buckets), tier, label, matrix cell, fit letter, engagement digit
-- and lead source at the evaluation snapshot (score_outcomes). band_order 1 = the band with
-- the highest average score.
{%- set dimensions = [
    'score_range', 'tier', 'score_label', 'matrix_label', 'fit_letter', 'engagement_digit', 'lead_source',
] %}
{%- set buckets = project_setting('score_monitoring', 'distribution_buckets', 10) | int %}

with

score_outcomes as (
    select * from {{ ref('score_outcomes') }}
),

score_ranges as (
    select * from {{ ref('int_score_ranges') }}
),

bucketed as (
    select
        score_outcomes.*,
        score_ranges.range_low,
        (score_ranges.range_high - score_ranges.range_low) / {{ buckets }} as bucket_width,
        {{ score_bucket('score_outcomes.score', 'score_ranges.range_low', 'score_ranges.range_high', buckets) }}
            as bucket_order
    from score_outcomes
    inner join score_ranges
        on score_outcomes.score_id = score_ranges.score_id
),

outcomes as (
    select
        bucketed.*,
        {{ dbt.concat([
            dbt.cast('round(range_low + (bucket_order - 1) * bucket_width, 1)', dbt.type_string()),
            "' to '",
            dbt.cast('round(range_low + bucket_order * bucket_width, 1)', dbt.type_string()),
        ]) }} as score_range
    from bucketed
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
    from outcomes
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
