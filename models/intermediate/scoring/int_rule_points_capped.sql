-- Applies group caps, the total cap and the floor, and shares each adjustment out over
-- the rules in proportion so that a record's rule points always sum to its score
-- (docs/scoring-engine.md, "Explanations that add up"):
--   group sum > group cap   -> the group's positive rules are scaled down by one factor;
--   total > total cap       -> all positive rules (after group caps) are scaled down by one
--                              factor; negative rules keep their points;
--   total < floor           -> all negative rules are scaled up (towards 0) by one factor;
--                              positive rules keep their points.
-- One row per (score, record, group, rule, matched value) with points at every stage.
-- A table: read by both score marts.
{{ config(materialized='cached_table') }}

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

rules_group_capped as (
    -- each rule's points after its group's cap: positive rules scaled by the group factor
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
            as points_after_group_cap
    from rule_points
    inner join groups_capped
        on
            rule_points.score_id = groups_capped.score_id
            and rule_points.record_id = groups_capped.record_id
            and rule_points.group_id = groups_capped.group_id
),

record_totals as (
    select
        score_id,
        record_id,
        max(total_cap) as total_cap,
        max(score_floor) as score_floor,
        sum(group_points) as total_points_raw
    from groups_capped
    group by score_id, record_id
),

sign_sums as (
    select
        score_id,
        record_id,
        sum(case when points_after_group_cap > 0 then points_after_group_cap else 0 end)
            as positive_points,
        sum(case when points_after_group_cap < 0 then points_after_group_cap else 0 end)
            as negative_points
    from rules_group_capped
    group by score_id, record_id
),

record_factors as (
    select
        record_totals.score_id,
        record_totals.record_id,
        case
            when record_totals.total_points_raw > record_totals.total_cap
                then (record_totals.total_cap - sign_sums.negative_points) / nullif(sign_sums.positive_points, 0)
            else 1.0
        end as positive_factor,
        case
            when
                record_totals.score_floor is not null
                and record_totals.total_points_raw <= record_totals.total_cap
                and record_totals.total_points_raw < record_totals.score_floor
                then (record_totals.score_floor - sign_sums.positive_points) / nullif(sign_sums.negative_points, 0)
            else 1.0
        end as negative_factor
    from record_totals
    inner join sign_sums
        on
            record_totals.score_id = sign_sums.score_id
            and record_totals.record_id = sign_sums.record_id
),

final as (
    select
        rules_group_capped.score_id,
        rules_group_capped.record_id,
        rules_group_capped.group_id,
        rules_group_capped.group_kind,
        rules_group_capped.rule_id,
        rules_group_capped.matched_value,
        rules_group_capped.event_count,
        rules_group_capped.points_raw,
        rules_group_capped.points_after_decay,
        rules_group_capped.group_points,
        rules_group_capped.points_after_group_cap * case
            when rules_group_capped.points_after_group_cap > 0 then record_factors.positive_factor
            when rules_group_capped.points_after_group_cap < 0 then record_factors.negative_factor
            else 1.0
        end as points_after_caps
    from rules_group_capped
    inner join record_factors
        on
            rules_group_capped.score_id = record_factors.score_id
            and rules_group_capped.record_id = record_factors.record_id
)

select * from final
