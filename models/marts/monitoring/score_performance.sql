-- How well each score predicted conversion: one row per score evaluated at the snapshot of
-- score_outcomes, with the conversion rate, the AUC (chance that a converter outscored a
-- non-converter, ties counted half) and the lift of the top score decile.

with

score_outcomes as (
    select * from {{ ref('score_outcomes') }}
),

score_lift as (
    select * from {{ ref('score_lift') }}
),

ranked as (
    select
        score_id,
        is_converted,
        -- average rank of tied scores
        rank() over (partition by score_id order by score)
        + (count(*) over (partition by score_id, score) - 1) / 2.0 as score_rank
    from score_outcomes
),

rank_sums as (
    select
        score_id,
        {{ count_where('is_converted') }} as positives,
        {{ count_where('not is_converted') }} as negatives,
        sum(case when is_converted then score_rank else 0 end) as positive_rank_sum
    from ranked
    group by score_id
),

summary as (
    select
        score_id,
        max(score_name) as score_name,
        max(score_kind) as score_kind,
        max(evaluated_as_of_at) as evaluated_as_of_at,
        max(target_stage) as target_stage,
        count(*) as records,
        {{ count_where('is_converted') }} as converted_records
    from score_outcomes
    group by score_id
),

final as (
    select
        summary.score_id,
        summary.score_name,
        summary.score_kind,
        summary.evaluated_as_of_at,
        {{ outcome_window_days() }} as outcome_window_days,
        summary.target_stage,
        summary.records,
        summary.converted_records,
        cast(summary.converted_records as {{ type_double() }}) / summary.records as conversion_rate,
        -- Mann-Whitney U / (positives x negatives); null without both classes
        (rank_sums.positive_rank_sum - rank_sums.positives * (rank_sums.positives + 1) / 2.0)
        / nullif(cast(rank_sums.positives as {{ type_double() }}) * rank_sums.negatives, 0) as auc,
        score_lift.lift as top_decile_lift
    from summary
    inner join rank_sums
        on summary.score_id = rank_sums.score_id
    left join score_lift
        on summary.score_id = score_lift.score_id and score_lift.decile = 1
)

select * from final
