-- The current distribution of every score: records per bucket of equal width over the
-- score's range (floor to cap of the rule scores, 0-100 for the predictive and hybrid
-- scores), every bucket present even when empty.
{%- set buckets = project_setting('score_monitoring', 'distribution_buckets', 10) | int %}

with

scores as (
    select * from {{ ref('int_score_ranges') }}
),

current_scores as (
    select * from {{ ref('int_scores_unioned') }}
    where is_scored
),

bucket_numbers as (
    {{ dbt.generate_series(buckets) }}
),

bucketed as (
    {{ score_bucket_counts('current_scores', 'scores', buckets) }}
),

grid as (
    select
        scores.score_id,
        scores.score_kind,
        scores.range_low,
        scores.range_high,
        bucket_numbers.generated_number as bucket_order
    from scores
    cross join bucket_numbers
),

filled as (
    select
        grid.score_id,
        grid.score_kind,
        grid.bucket_order,
        grid.range_low + (grid.bucket_order - 1) * (grid.range_high - grid.range_low) / {{ buckets }}
            as bucket_low,
        grid.range_low + grid.bucket_order * (grid.range_high - grid.range_low) / {{ buckets }}
            as bucket_high,
        coalesce(bucketed.records, 0) as records,
        cast(coalesce(bucketed.records, 0) as {{ type_double() }})
        / nullif(sum(coalesce(bucketed.records, 0)) over (partition by grid.score_id), 0) as share,
        {{ as_of_timestamp() }} as scored_at
    from grid
    left join bucketed
        on
            grid.score_id = bucketed.score_id
            and grid.bucket_order = bucketed.bin_order
),

final as (
    select
        score_id,
        score_kind,
        bucket_order,
        bucket_low,
        bucket_high,
        {{ dbt.concat([
            dbt.cast('round(bucket_low, 1)', dbt.type_string()), "' to '",
            dbt.cast('round(bucket_high, 1)', dbt.type_string()),
        ]) }} as bucket_label,
        records,
        share,
        scored_at
    from filled
)

select * from final
