-- Points of event (engagement) rules per record in the score's audience.
-- An event counts when it is of the rule's type, not after the scoring date, inside the
-- rule's time window, and its property value satisfies the operator.
-- No frequency: every matching event adds the points (after decay); individually, the
-- points of the value it matched. Frequency: the rule adds its points once when the count
-- of matching events (per value, individually) satisfies the condition.

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

rule_events as (
    select
        rules.score_id,
        rules.group_id,
        rules.rule_id,
        contact_links.record_id,
        events.event_id,
        {{ dbt.datediff('events.occurred_at', as_of_timestamp(), 'second') }} as age_seconds,
        case rules.property_name
            {%- for property in event_properties %}
            when '{{ property }}' then events.{{ property }}
            {%- endfor %}
        end as event_value
    from rules
    inner join contact_links
        on rules.score_id = contact_links.score_id
    inner join events
        on
            contact_links.contact_id = events.contact_id
            and rules.event_type = events.event_type
),

events_in_window as (
    select
        rule_events.*,
        floor(rule_events.age_seconds / 86400.0) as age_days
    from rule_events
    inner join rules
        on
            rule_events.score_id = rules.score_id
            and rule_events.rule_id = rules.rule_id
    where
        rule_events.age_seconds >= 0
        and (rules.window_days is null or rule_events.age_seconds < rules.window_days * 86400)
),

positive_matches as (
    -- (event, listed value) pairs where the event's value satisfies the positive operator;
    -- rules without a property match every event of their type
    select
        events_in_window.score_id,
        events_in_window.rule_id,
        events_in_window.event_id,
        rule_values.value as rule_value,
        rule_values.points as rule_value_points
    from events_in_window
    inner join rules
        on
            events_in_window.score_id = rules.score_id
            and events_in_window.rule_id = rules.rule_id
    left join rule_values
        on
            rules.score_id = rule_values.score_id
            and rules.rule_id = rule_values.rule_id
            and rules.match_operator in ('equals', 'is_any_of', 'contains_any_of')
    where
        rules.property_name is null
        or {{ scoring_value_matches(
            'rules.match_operator', 'events_in_window.event_value', 'rule_values.value',
            'rules.value_low', 'rules.value_high') }}
),

matched_events as (
    -- one row per counted event; individually: per (event, matched value)
    select distinct
        events_in_window.score_id,
        events_in_window.record_id,
        events_in_window.group_id,
        events_in_window.rule_id,
        events_in_window.event_id,
        events_in_window.age_days,
        case when rules.value_mode = 'individually' then positive_matches.rule_value end as matched_value,
        case
            when rules.value_mode = 'individually' then positive_matches.rule_value_points
            else rules.points
        end as points
    from events_in_window
    inner join rules
        on
            events_in_window.score_id = rules.score_id
            and events_in_window.rule_id = rules.rule_id
    left join positive_matches
        on
            events_in_window.score_id = positive_matches.score_id
            and events_in_window.rule_id = positive_matches.rule_id
            and events_in_window.event_id = positive_matches.event_id
    where
        (not rules.is_negated and positive_matches.event_id is not null)
        or (rules.is_negated and positive_matches.event_id is null)
),

decayed as (
    select
        matched_events.*,
        rules.frequency,
        matched_events.points * case
            when rules.decay_percent is null then 1.0
            else greatest(
                    0.0,
                    1.0 - rules.decay_percent / 100.0 * floor(matched_events.age_days / rules.decay_period_days)
                )
        end as points_after_decay
    from matched_events
    inner join rules
        on
            matched_events.score_id = rules.score_id
            and matched_events.rule_id = rules.rule_id
),

per_event_points as (
    select
        score_id,
        record_id,
        group_id,
        rule_id,
        matched_value,
        sum(points) as points_raw,
        sum(points_after_decay) as points_after_decay,
        count(*) as event_count
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
        count(*) as event_count
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
        unioned.score_id,
        unioned.record_id,
        unioned.group_id,
        unioned.rule_id,
        unioned.matched_value,
        cast(unioned.points_raw as double) as points_raw,
        cast(unioned.points_after_decay as double) as points_after_decay,
        cast(unioned.event_count as integer) as event_count
    from unioned
    inner join records
        on
            unioned.score_id = records.score_id
            and unioned.record_id = records.record_id
)

select * from final
