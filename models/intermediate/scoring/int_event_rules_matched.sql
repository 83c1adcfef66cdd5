-- Points of event (engagement) rules per record in the score's audience.
-- An event counts when it is of the rule's type, not after the scoring date, inside the
-- rule's time window, and its property value satisfies the operator.
-- No frequency: every matching event adds the points (after decay); individually, the
-- points of the value it matched. Frequency: the rule adds its points once when the count
-- of matching events (per value, individually) satisfies the condition.
--
-- Whether an event counts, and for how many points, depends only on its type, the value
-- of the rule's property and its age in whole days (window_days is a whole number). So
-- events are first counted per (contact, type, property value, age in days), operators are
-- evaluated once per distinct value, and the counts carry the rest: the result is the same
-- as evaluating every event, with far fewer rows.
--
-- A table: int_rule_points_capped reads it more than once, and a view would be computed
-- again for every read.
{{ config(materialized='table') }}

{%- set event_properties = scoring_event_properties() %}

with

rules as (
    select * from {{ ref('int_score_rules_prepared') }}
    where rule_kind = 'event'
),

rule_values as (
    select * from {{ ref('score_rule_values') }}
),

events as (
    select * from {{ ref('int_events_unioned') }}
),

contact_links as (
    select * from {{ ref('int_score_contacts_linked') }}
),

records as (
    select * from {{ ref('int_score_records_scoped') }}
    where is_in_audience
),

rule_properties as (
    -- the (event type, property) pairs some rule reads; '' for rules without a property
    select distinct
        event_type,
        coalesce(property_name, '') as property_key
    from rules
),

event_values as (
    select
        events.contact_id,
        events.event_type,
        rule_properties.property_key,
        case rule_properties.property_key
            {%- for property in event_properties %}
            when '{{ property }}' then events.{{ property }}
            {%- endfor %}
        end as event_value,
        {{ dbt.datediff('events.occurred_at', as_of_timestamp(), 'second') }} as age_seconds
    from events
    inner join rule_properties
        on events.event_type = rule_properties.event_type
),

event_days as (
    -- events not after the scoring date, counted per contact, type, value and age in days
    select
        contact_id,
        event_type,
        property_key,
        coalesce(event_value, '') as value_key,
        event_value is not null as has_value,
        floor(age_seconds / 86400.0) as age_days,
        count(*) as event_count
    from event_values
    where age_seconds >= 0
    group by
        contact_id,
        event_type,
        property_key,
        coalesce(event_value, ''),
        event_value is not null,
        floor(age_seconds / 86400.0)
),

distinct_values as (
    select distinct
        event_type,
        property_key,
        value_key,
        has_value,
        case when has_value then value_key end as event_value
    from event_days
),

rule_distinct_values as (
    select
        rules.score_id,
        rules.rule_id,
        distinct_values.event_type,
        distinct_values.property_key,
        distinct_values.value_key,
        distinct_values.has_value,
        distinct_values.event_value
    from rules
    inner join distinct_values
        on
            rules.event_type = distinct_values.event_type
            and coalesce(rules.property_name, '') = distinct_values.property_key
),

positive_matches as (
    -- (rule, event value, listed value) where the value satisfies the positive operator;
    -- rules without a property match every event of their type
    select
        rule_distinct_values.score_id,
        rule_distinct_values.rule_id,
        rule_distinct_values.value_key,
        rule_distinct_values.has_value,
        rule_values.value as rule_value,
        rule_values.points as rule_value_points
    from rule_distinct_values
    inner join rules
        on
            rule_distinct_values.score_id = rules.score_id
            and rule_distinct_values.rule_id = rules.rule_id
    left join rule_values
        on
            rules.score_id = rule_values.score_id
            and rules.rule_id = rule_values.rule_id
            and rules.match_operator in ('equals', 'is_any_of', 'contains_any_of')
    where
        rules.property_name is null
        or {{ scoring_value_matches(
            'rules.match_operator', 'rule_distinct_values.event_value', 'rule_values.value',
            'rules.value_low', 'rules.value_high') }}
),

value_outcomes as (
    -- how one event with this value counts for the rule: one row per counted (matched
    -- value, points); no row when it does not count
    select distinct
        rule_distinct_values.score_id,
        rules.group_id,
        rule_distinct_values.rule_id,
        rule_distinct_values.event_type,
        rule_distinct_values.property_key,
        rule_distinct_values.value_key,
        rule_distinct_values.has_value,
        rules.window_days,
        case when rules.value_mode = 'individually' then positive_matches.rule_value end as matched_value,
        case
            when rules.value_mode = 'individually' then positive_matches.rule_value_points
            else rules.points
        end as points
    from rule_distinct_values
    inner join rules
        on
            rule_distinct_values.score_id = rules.score_id
            and rule_distinct_values.rule_id = rules.rule_id
    left join positive_matches
        on
            rule_distinct_values.score_id = positive_matches.score_id
            and rule_distinct_values.rule_id = positive_matches.rule_id
            and rule_distinct_values.value_key = positive_matches.value_key
            and rule_distinct_values.has_value = positive_matches.has_value
    where
        (not rules.is_negated and positive_matches.rule_id is not null)
        or (rules.is_negated and positive_matches.rule_id is null)
),

audience_links as (
    select
        contact_links.score_id,
        contact_links.record_id,
        contact_links.contact_id
    from contact_links
    inner join records
        on
            contact_links.score_id = records.score_id
            and contact_links.record_id = records.record_id
),

matched_days as (
    -- counted events per (record, rule, matched value, points, age in days) inside the window
    select
        audience_links.score_id,
        audience_links.record_id,
        value_outcomes.group_id,
        value_outcomes.rule_id,
        value_outcomes.matched_value,
        value_outcomes.points,
        event_days.age_days,
        event_days.event_count
    from event_days
    inner join value_outcomes
        on
            event_days.event_type = value_outcomes.event_type
            and event_days.property_key = value_outcomes.property_key
            and event_days.value_key = value_outcomes.value_key
            and event_days.has_value = value_outcomes.has_value
    inner join audience_links
        on
            value_outcomes.score_id = audience_links.score_id
            and event_days.contact_id = audience_links.contact_id
    where value_outcomes.window_days is null or event_days.age_days < value_outcomes.window_days
),

decayed as (
    select
        matched_days.*,
        rules.frequency,
        matched_days.points * case
            when rules.decay_percent is null then 1.0
            else greatest(
                    0.0,
                    1.0 - rules.decay_percent / 100.0 * floor(matched_days.age_days / rules.decay_period_days)
                )
        end as points_after_decay
    from matched_days
    inner join rules
        on
            matched_days.score_id = rules.score_id
            and matched_days.rule_id = rules.rule_id
),

per_event_points as (
    select
        score_id,
        record_id,
        group_id,
        rule_id,
        matched_value,
        sum(points * event_count) as points_raw,
        sum(points_after_decay * event_count) as points_after_decay,
        sum(event_count) as event_count
    from decayed
    where frequency is null
    group by score_id, record_id, group_id, rule_id, matched_value
),

event_counts as (
    select
        score_id,
        record_id,
        group_id,
        rule_id,
        matched_value,
        max(points) as points,
        sum(event_count) as event_count
    from decayed
    where frequency is not null
    group by score_id, record_id, group_id, rule_id, matched_value
),

frequency_points as (
    select
        event_counts.score_id,
        event_counts.record_id,
        event_counts.group_id,
        event_counts.rule_id,
        event_counts.matched_value,
        event_counts.points as points_raw,
        event_counts.points as points_after_decay,
        event_counts.event_count
    from event_counts
    inner join rules
        on
            event_counts.score_id = rules.score_id
            and event_counts.rule_id = rules.rule_id
    where
        (rules.frequency = 'exactly' and event_counts.event_count = rules.frequency_min)
        or (rules.frequency = 'at_least' and event_counts.event_count >= rules.frequency_min)
        or (
            rules.frequency = 'between'
            and event_counts.event_count between rules.frequency_min and rules.frequency_max
        )
),

unioned as (
    select * from per_event_points
    union all
    select * from frequency_points
),

final as (
    select
        score_id,
        record_id,
        group_id,
        rule_id,
        matched_value,
        cast(points_raw as double) as points_raw,
        cast(points_after_decay as double) as points_after_decay,
        cast(event_count as integer) as event_count
    from unioned
)

select * from final
