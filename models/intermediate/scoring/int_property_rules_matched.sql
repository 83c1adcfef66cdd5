-- Points of property (fit) rules per record in the score's audience.
-- together: the rule's points once when any value matches; individually: the points of
-- each listed value the record has. Negated operators (not_equals, is_none_of,
-- is_unknown) match records where the positive operator matches no value.
-- Values are compared as data (case-insensitive, trimmed), never as SQL.
--
-- A table: int_rule_points_capped reads it more than once, and a view would be computed
-- again for every read.
{{ config(materialized='cached_table') }}

with

rules as (
    select * from {{ ref('int_score_rules_prepared') }}
    where rule_kind = 'property'
),

rule_values as (
    select * from {{ ref('score_rule_values') }}
),

property_values as (
    select * from {{ ref('int_property_values_linked') }}
),

records as (
    select * from {{ ref('int_score_records_scoped') }}
    where is_in_audience
),

candidate_values as (
    -- each record value of the property a rule tests, with the rule's values for list operators
    select
        rules.score_id,
        rules.group_id,
        rules.rule_id,
        rules.match_operator,
        rules.value_mode,
        rules.value_low,
        rules.value_high,
        property_values.record_id,
        property_values.property_value,
        rule_values.value as rule_value,
        rule_values.points as rule_value_points
    from rules
    inner join property_values
        on
            rules.object_type = property_values.scored_object_type
            and rules.property_object = property_values.property_object
            and rules.property_name = property_values.property_name
    left join rule_values
        on
            rules.score_id = rule_values.score_id
            and rules.rule_id = rule_values.rule_id
            and rules.match_operator in ('equals', 'is_any_of', 'contains_any_of')
),

positive_matches as (
    select
        score_id,
        group_id,
        rule_id,
        value_mode,
        record_id,
        rule_value,
        rule_value_points
    from candidate_values
    where {{ scoring_value_matches('match_operator', 'property_value', 'rule_value', 'value_low', 'value_high') }}
),

together_points as (
    select distinct
        positive_matches.score_id,
        positive_matches.record_id,
        positive_matches.group_id,
        positive_matches.rule_id,
        cast(null as {{ dbt.type_string() }}) as matched_value,
        rules.points
    from positive_matches
    inner join rules
        on
            positive_matches.score_id = rules.score_id
            and positive_matches.rule_id = rules.rule_id
    where not rules.is_negated and rules.value_mode = 'together'
),

individual_points as (
    select distinct
        score_id,
        record_id,
        group_id,
        rule_id,
        rule_value as matched_value,
        rule_value_points as points
    from positive_matches
    where value_mode = 'individually'
),

matched_records as (
    select distinct
        score_id,
        rule_id,
        record_id
    from positive_matches
),

negated_points as (
    select
        records.score_id,
        records.record_id,
        rules.group_id,
        rules.rule_id,
        cast(null as {{ dbt.type_string() }}) as matched_value,
        rules.points
    from rules
    inner join records
        on rules.score_id = records.score_id
    left join matched_records
        on
            rules.score_id = matched_records.score_id
            and rules.rule_id = matched_records.rule_id
            and records.record_id = matched_records.record_id
    where rules.is_negated and matched_records.record_id is null
),

unioned as (
    select * from together_points
    union all
    select * from individual_points
    union all
    select * from negated_points
),

final as (
    select
        unioned.score_id,
        unioned.record_id,
        unioned.group_id,
        unioned.rule_id,
        unioned.matched_value,
        cast(unioned.points as double) as points_raw,
        cast(unioned.points as double) as points_after_decay,
        cast(null as integer) as event_count
    from unioned
    inner join records
        on
            unioned.score_id = records.score_id
            and unioned.record_id = records.record_id
)

select * from final
