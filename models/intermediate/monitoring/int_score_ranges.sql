-- The range each score is bucketed over (score_distribution, score_drift): floor to cap of
-- a rule score (below 0 only when it has no floor and a current score is negative),
-- 0-100 for the predictive and
-- hybrid scores.
-- A table (a few rows): three models and two data tests read it.
{{ config(materialized='table') }}

with

scores as (
    select * from {{ ref('int_scores_prepared') }}
),

current_scores as (
    select * from {{ ref('int_scores_unioned') }}
),

observed as (
    select
        score_id,
        max(score_kind) as score_kind,
        min(score) as min_score,
        max(score) as max_score
    from current_scores
    group by score_id
),

final as (
    select
        observed.score_id,
        observed.score_kind,
        cast(case
            when observed.score_kind != 'rule' then 0
            else coalesce(scores.score_floor, least(coalesce(observed.min_score, 0), 0))
        end as {{ type_double() }}) as range_low,
        cast(case
            when observed.score_kind != 'rule' then 100
            when scores.total_cap is not null then scores.total_cap
            else greatest(coalesce(observed.max_score, 0), coalesce(scores.score_floor, 0) + 1)
        end as {{ type_double() }}) as range_high
    from observed
    left join scores
        on observed.score_id = scores.score_id
)

select * from final
