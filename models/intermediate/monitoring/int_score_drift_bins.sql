-- The bins the population stability index (score_drift) is computed over, one row per
-- (score, item, bin) with reference and current counts:
--   - every score's distribution now vs at the reference snapshot (the latest scoring run at
--     least drift_reference_days before this run's as-of), over score_distribution's buckets;
--   - the predictive model's probability and top features: its training examples vs the
--     contacts that entered the start stage since (int_predictive_drift).
-- A table (a few rows): score_drift and three data tests read it.
{{ config(materialized='table') }}
{%- set buckets = project_setting('score_monitoring', 'distribution_buckets', 10) | int %}
{%- set reference_days = project_setting('score_monitoring', 'drift_reference_days', outcome_window_days()) | int %}

with

scoring_runs as (
    select * from {{ ref('scoring_runs') }}
),

score_history as (
    select * from {{ ref('score_history') }}
),

current_scores as (
    select * from {{ ref('int_scores_unioned') }}
    where is_scored
),

score_ranges as (
    select * from {{ ref('int_score_ranges') }}
),

predictive_drift as (
    select * from {{ ref('int_predictive_drift') }}
),

bucket_numbers as (
    {{ dbt.generate_series(buckets) }}
),

reference_run as (
    select max(as_of_at) as reference_as_of_at
    from scoring_runs
    where as_of_at <= {{ dbt.dateadd('day', -reference_days, as_of_timestamp()) }}
),

reference_rows as (
    select
        score_history.*,
        row_number() over (
            partition by score_history.score_id, score_history.record_id
            order by score_history.as_of_at desc, score_history.recorded_at desc
        ) as recency
    from score_history
    inner join reference_run
        on score_history.as_of_at <= reference_run.reference_as_of_at
),

reference_scores as (
    select * from reference_rows
    where recency = 1 and is_scored
),

reference_counts as (
    {{ score_bucket_counts('reference_scores', 'score_ranges', buckets) }}
),

current_counts as (
    {{ score_bucket_counts('current_scores', 'score_ranges', buckets) }}
),

score_bins as (
    select
        score_ranges.score_id,
        'score' as item_kind,
        'score' as item,
        'Score distribution' as item_label,
        cast(null as {{ dbt.type_int() }}) as importance_rank,
        bucket_numbers.generated_number as bin_order,
        {{ dbt.concat([
            dbt.cast(
                'round(score_ranges.range_low + (bucket_numbers.generated_number - 1) * '
                ~ '(score_ranges.range_high - score_ranges.range_low) / ' ~ buckets ~ ', 1)',
                dbt.type_string()),
            "' to '",
            dbt.cast(
                'round(score_ranges.range_low + bucket_numbers.generated_number * '
                ~ '(score_ranges.range_high - score_ranges.range_low) / ' ~ buckets ~ ', 1)',
                dbt.type_string()),
        ]) }} as bin_label,
        coalesce(reference_counts.records, 0) as reference_records,
        coalesce(current_counts.records, 0) as current_records,
        coalesce(
            {{ dbt.concat(["'scores as of '", dbt.cast('reference_run.reference_as_of_at', dbt.type_string())]) }},
            'no scoring run {{ reference_days }} days old yet'
        ) as reference_description,
        {{ dbt.concat(["'scores as of '", dbt.cast(as_of_timestamp(), dbt.type_string())]) }}
            as current_description
    from score_ranges
    cross join bucket_numbers
    cross join reference_run
    left join reference_counts
        on
            score_ranges.score_id = reference_counts.score_id
            and bucket_numbers.generated_number = reference_counts.bin_order
    left join current_counts
        on
            score_ranges.score_id = current_counts.score_id
            and bucket_numbers.generated_number = current_counts.bin_order
),

model_bins as (
    select
        'predictive' as score_id,
        item_kind,
        item,
        item_label,
        importance_rank,
        bin_order,
        bin_label,
        reference_records,
        current_records,
        {{ dbt.concat([
            "'training examples entering the start stage '",
            dbt.cast('cast(reference_window_start_at as date)', dbt.type_string()), "' to '",
            dbt.cast('cast(reference_window_end_at as date)', dbt.type_string()),
        ]) }} as reference_description,
        {{ dbt.concat([
            "'contacts entering the start stage '",
            dbt.cast('cast(current_window_start_at as date)', dbt.type_string()), "' to '",
            dbt.cast('cast(current_window_end_at as date)', dbt.type_string()),
        ]) }} as current_description
    from predictive_drift
),

final as (
    select * from score_bins
    union all
    select * from model_bins
)

select * from final
