-- One row per (scored record, score): the total, its fit and engagement parts, and the
-- labels, tier and A1..C3 matrix cell. Records outside a score's audience have null
-- scores and labels (is_in_audience = false), never 0.

with

records as (
    select * from {{ ref('int_score_records_scoped') }}
),

rule_points as (
    select * from {{ ref('int_rule_points_capped') }}
),

scores as (
    select * from {{ ref('int_scores_prepared') }}
),

score_bands as (
    select * from {{ ref('score_bands') }}
),

group_points as (
    select distinct
        score_id,
        record_id,
        group_id,
        group_kind,
        group_points
    from rule_points
),

record_points as (
    select
        score_id,
        record_id,
        sum(group_points) as total_points,
        sum(case when group_kind = 'fit' then group_points else 0 end) as fit_points,
        sum(case when group_kind = 'engagement' then group_points else 0 end) as engagement_points
    from group_points
    group by score_id, record_id
),

points as (
    -- records in the audience with no matching rule have 0 points
    select
        records.score_id,
        scores.score_name,
        scores.score_type,
        scores.score_floor,
        scores.total_cap,
        records.object_type,
        records.record_id,
        records.is_in_audience,
        coalesce(record_points.total_points, 0) as total_points,
        coalesce(record_points.fit_points, 0) as fit_points,
        coalesce(record_points.engagement_points, 0) as engagement_points
    from records
    inner join scores
        on records.score_id = scores.score_id
    left join record_points
        on
            records.score_id = record_points.score_id
            and records.record_id = record_points.record_id
),

clamped as (
    select
        score_id,
        score_name,
        score_type,
        object_type,
        record_id,
        is_in_audience,
        case
            when is_in_audience then {{ clamp_score('total_points', 'score_floor', 'total_cap') }}
        end as total_score,
        case
            when is_in_audience and score_type != 'engagement'
                then {{ clamp_score('fit_points', 'score_floor', 'total_cap') }}
        end as fit_score,
        case
            when is_in_audience and score_type != 'fit'
                then {{ clamp_score('engagement_points', 'score_floor', 'total_cap') }}
        end as engagement_score
    from points
),

band_ranges as (
    -- a band runs from its min_score up to the next band's; the lowest band also covers
    -- anything below it (scores without a floor)
    {{ band_ranges('score_bands', 'score_id', ['matrix_code']) }}
),

band_inputs as (
    select
        score_id,
        record_id,
        'total' as band_type,
        total_score as band_value
    from clamped
    union all
    select
        score_id,
        record_id,
        'tier' as band_type,
        total_score as band_value
    from clamped
    union all
    select
        score_id,
        record_id,
        'fit' as band_type,
        fit_score as band_value
    from clamped
    union all
    select
        score_id,
        record_id,
        'engagement' as band_type,
        engagement_score as band_value
    from clamped
),

banded as (
    select
        band_inputs.score_id,
        band_inputs.record_id,
        band_inputs.band_type,
        band_ranges.band_name,
        band_ranges.matrix_code
    from band_inputs
    inner join band_ranges
        on
            band_inputs.score_id = band_ranges.score_id
            and band_inputs.band_type = band_ranges.band_type
            and (band_ranges.range_from is null or band_inputs.band_value >= band_ranges.range_from)
            and (band_ranges.range_to is null or band_inputs.band_value < band_ranges.range_to)
    where band_inputs.band_value is not null
),

labels as (
    select
        score_id,
        record_id,
        max(case when band_type = 'total' then band_name end) as score_label,
        max(case when band_type = 'fit' then band_name end) as fit_label,
        max(case when band_type = 'engagement' then band_name end) as engagement_label,
        max(case when band_type = 'tier' then band_name end) as tier,
        max(case when band_type = 'fit' then matrix_code end) as fit_matrix_code,
        max(case when band_type = 'engagement' then matrix_code end) as engagement_matrix_code
    from banded
    group by score_id, record_id
),

final as (
    select
        clamped.score_id,
        clamped.score_name,
        clamped.score_type,
        clamped.object_type,
        clamped.record_id,
        clamped.is_in_audience,
        clamped.total_score as score,
        clamped.fit_score,
        clamped.engagement_score,
        labels.score_label,
        labels.fit_label,
        labels.engagement_label,
        case
            when clamped.score_type = 'combined'
                then labels.fit_matrix_code || labels.engagement_matrix_code
        end as matrix_label,
        labels.tier,
        {{ as_of_timestamp() }} as scored_at
    from clamped
    left join labels
        on
            clamped.score_id = labels.score_id
            and clamped.record_id = labels.record_id
)

select * from final
