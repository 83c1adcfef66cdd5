-- Why a record has its score: one row per (score, record, group, rule, matched value) that
-- contributed, with the points before decay, after decay and after caps and floor.
-- points_after_caps of a record's rows sum to its score in lead_scores.

with

rule_points as (
    select * from {{ ref('int_rule_points_capped') }}
),

rules as (
    select * from {{ ref('int_score_rules_prepared') }}
),

score_groups as (
    select * from {{ ref('score_groups') }}
),

final as (
    select
        {{ dbt.hash(dbt.concat([
            'rule_points.score_id', "'|'", 'rule_points.record_id', "'|'",
            'rule_points.rule_id', "'|'", "coalesce(rule_points.matched_value, '')",
        ])) }} as breakdown_id,
        rule_points.score_id,
        rules.object_type,
        rule_points.record_id,
        rule_points.group_id,
        score_groups.group_name,
        rule_points.group_kind,
        rule_points.rule_id,
        rules.rule_name,
        rules.rule_kind,
        rule_points.matched_value,
        rule_points.event_count,
        rule_points.points_raw,
        rule_points.points_after_decay,
        rule_points.group_points,
        rule_points.points_after_caps,
        {{ as_of_timestamp() }} as scored_at
    from rule_points
    inner join rules
        on
            rule_points.score_id = rules.score_id
            and rule_points.rule_id = rules.rule_id
    inner join score_groups
        on
            rule_points.score_id = score_groups.score_id
            and rule_points.group_id = score_groups.group_id
)

select * from final
