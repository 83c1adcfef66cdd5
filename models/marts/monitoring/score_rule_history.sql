-- The rule breakdown behind every rule-score row of score_history: one row per (history row,
-- rule) with the points the rule gave (after decay, caps and floor; rules with 0 points are
-- left out). score_changes compares a record's breakdowns to say which rules moved it.
-- Append-only; kept across --full-refresh (full_refresh = false).
{{ config(materialized='incremental', full_refresh=false, on_schema_change='append_new_columns') }}

with

score_history as (
    select * from {{ ref('score_history') }}
    where scoring_run_id = '{{ invocation_id }}'
),

rule_breakdown as (
    select * from {{ ref('score_rule_breakdown') }}
),

rule_points as (
    select
        score_id,
        record_id,
        group_id,
        group_name,
        rule_id,
        rule_name,
        sum(points_after_caps) as points
    from rule_breakdown
    group by score_id, record_id, group_id, group_name, rule_id, rule_name
),

final as (
    select
        {{ dbt.hash(dbt.concat([
            'score_history.score_history_id', "'|'", 'rule_points.rule_id',
        ])) }} as score_rule_history_id,
        score_history.score_history_id,
        score_history.scoring_run_id,
        score_history.as_of_at,
        score_history.recorded_at,
        score_history.score_id,
        score_history.record_id,
        rule_points.group_id,
        rule_points.group_name,
        rule_points.rule_id,
        rule_points.rule_name,
        rule_points.points
    from score_history
    inner join rule_points
        on
            score_history.score_id = rule_points.score_id
            and score_history.record_id = rule_points.record_id
    where score_history.score_kind = 'rule' and score_history.is_scored and rule_points.points != 0
)

select * from final
