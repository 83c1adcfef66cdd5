-- Applies group caps, the total cap and the floor, and shares each adjustment out over
-- the rules in proportion so that a record's rule points always sum to its score:
--   group sum > group cap   -> the group's positive rules are scaled down by one factor;
--   total > total cap       -> the positive groups are scaled down by one factor;
--   total < floor           -> the negative groups are scaled up (towards 0) by one factor.
-- One row per (score, record, group, rule, matched value) with points at every stage.
-- A table: read by both score marts.
{{ config(materialized='table') }}

with

property_points as (
    select * from {{ ref('int_property_rules_matched') }}
),

event_points as (
    select * from {{ ref('int_event_rules_matched') }}
),

rules as (
    select * from {{ ref('int_score_rules_prepared') }}
),

rule_points as (
    select * from property_points
    union all
    select * from event_points
),

score_groups as (
    select distinct
        score_id,
        group_id,
        group_kind,
        group_cap,
        total_cap,
        score_floor
    from rules
),

group_sums as (
    select
        rule_points.score_id,
        rule_points.record_id,
        rule_points.group_id,
        score_groups.group_kind,
        score_groups.group_cap,
        score_groups.total_cap,
        score_groups.score_floor,
        sum(rule_points.points_after_decay) as group_points_raw,
        sum(case when rule_points.points_after_decay > 0 then rule_points.points_after_decay else 0 end)
            as group_positive_points
    from rule_points
    inner join score_groups
        on
            rule_points.score_id = score_groups.score_id
            and rule_points.group_id = score_groups.group_id
    group by
        rule_points.score_id,
        rule_points.record_id,
        rule_points.group_id,
        score_groups.group_kind,
        score_groups.group_cap,
        score_groups.total_cap,
        score_groups.score_floor
),

groups_capped as (
    select
        *,
        case
            when group_cap is not null and group_points_raw > group_cap then group_cap
            else group_points_raw
        end as group_points,
        case
            when group_cap is not null and group_points_raw > group_cap
                then (group_cap - (group_points_raw - group_positive_points)) / group_positive_points
            else 1.0
        end as group_factor
    from group_sums
),

record_sums as (
    select
        score_id,
        record_id,
        max(total_cap) as total_cap,
        max(score_floor) as score_floor,
        sum(group_points) as total_points_raw,
        sum(case when group_points > 0 then group_points else 0 end) as positive_group_points,
        sum(case when group_points < 0 then group_points else 0 end) as negative_group_points
    from groups_capped
    group by score_id, record_id
),

record_factors as (
    select
        score_id,
        record_id,
        case
            when total_points_raw > total_cap
                then (total_cap - negative_group_points) / positive_group_points
            else 1.0
        end as positive_group_factor,
        case
            when score_floor is not null and total_points_raw < score_floor
                then (score_floor - positive_group_points) / negative_group_points
            else 1.0
        end as negative_group_factor
    from record_sums
),

final as (
    select
        rule_points.score_id,
        rule_points.record_id,
        rule_points.group_id,
        groups_capped.group_kind,
        rule_points.rule_id,
        rule_points.matched_value,
        rule_points.event_count,
        rule_points.points_raw,
        rule_points.points_after_decay,
        groups_capped.group_points,
        rule_points.points_after_decay
        * case when rule_points.points_after_decay > 0 then groups_capped.group_factor else 1.0 end
        * case
            when groups_capped.group_points > 0 then record_factors.positive_group_factor
            when groups_capped.group_points < 0 then record_factors.negative_group_factor
            else 1.0
        end as points_after_caps
    from rule_points
    inner join groups_capped
        on
            rule_points.score_id = groups_capped.score_id
            and rule_points.record_id = groups_capped.record_id
            and rule_points.group_id = groups_capped.group_id
    inner join record_factors
        on
            rule_points.score_id = record_factors.score_id
            and rule_points.record_id = record_factors.record_id
)

select * from final
