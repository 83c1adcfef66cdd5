-- The rules of every enabled score with their group and score settings, normalized
-- (trimmed, lower case) and with the decay that applies (the rule's own, else its group's).
-- Negative operators are evaluated as "no value matches the positive operator":
-- match_operator is that positive operator and is_negated says to invert it.
-- The build stops here, naming every bad entry, when the configuration is invalid.

-- depends_on: {{ ref('int_score_config_errors') }}
{{ assert_valid_scoring_config() }}

with

scores as (
    select * from {{ ref('int_scores_prepared') }}
),

score_groups as (
    select * from {{ ref('score_groups') }}
),

score_rules as (
    select * from {{ ref('score_rules') }}
),

enabled_scores as (
    select * from scores
    where is_enabled
),

rules as (
    select
        score_id,
        group_id,
        rule_id,
        rule_name,
        lower(trim(rule_kind)) as rule_kind,
        lower(trim(property_object)) as property_object,
        lower(trim(property_name)) as property_name,
        lower(trim(event_type)) as event_type,
        lower(trim(operator)) as operator,
        value_low,
        value_high,
        coalesce(lower(trim(value_mode)), 'together') as value_mode,
        points,
        lower(trim(frequency)) as frequency,
        frequency_min,
        frequency_max,
        window_days,
        decay_percent,
        decay_period_days
    from score_rules
),

final as (
    select
        rules.score_id,
        enabled_scores.object_type,
        enabled_scores.score_type,
        enabled_scores.total_cap,
        enabled_scores.score_floor,
        rules.group_id,
        lower(trim(score_groups.group_kind)) as group_kind,
        score_groups.group_cap,
        rules.rule_id,
        rules.rule_name,
        rules.rule_kind,
        coalesce(rules.property_object, enabled_scores.object_type) as property_object,
        rules.property_name,
        rules.event_type,
        rules.operator,
        case rules.operator
            when 'not_equals' then 'equals'
            when 'is_none_of' then 'is_any_of'
            when 'is_unknown' then 'is_known'
            else rules.operator
        end as match_operator,
        coalesce(rules.operator in ('not_equals', 'is_none_of', 'is_unknown'), false) as is_negated,
        rules.value_low,
        rules.value_high,
        rules.value_mode,
        rules.points,
        rules.frequency,
        rules.frequency_min,
        rules.frequency_max,
        rules.window_days,
        coalesce(rules.decay_percent, score_groups.decay_percent) as decay_percent,
        case
            when rules.decay_percent is not null then rules.decay_period_days
            else score_groups.decay_period_days
        end as decay_period_days
    from rules
    inner join enabled_scores
        on rules.score_id = enabled_scores.score_id
    inner join score_groups
        on
            rules.score_id = score_groups.score_id
            and rules.group_id = score_groups.group_id
)

select * from final
