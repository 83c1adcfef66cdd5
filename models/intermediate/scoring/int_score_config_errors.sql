-- Every problem in the scoring configuration (seeds/scoring/*.csv), one row each, with a
-- message naming the score, group and rule at fault. The engine refuses to run while this
-- has rows of severity error (see macro assert_valid_scoring_config), so a bad rule fails the
-- build loudly; warnings (an exclusion list that does not exist) are logged.

{%- set list_operator_names = ['equals', 'not_equals', 'is_any_of', 'is_none_of', 'contains_any_of'] %}
{%- set comparison_operator_names = [
    'greater_than', 'greater_or_equal', 'less_than', 'less_or_equal', 'between', 'before', 'after',
] %}
{%- set list_operators = "('" ~ list_operator_names | join("', '") ~ "')" %}
{%- set comparison_operators = "('" ~ comparison_operator_names | join("', '") ~ "')" %}
{%- set operator_names = list_operator_names + comparison_operator_names + ['is_known', 'is_unknown'] %}
{%- set all_operators = "('" ~ operator_names | join("', '") ~ "')" %}

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

score_rule_values as (
    select * from {{ ref('score_rule_values') }}
),

score_audiences as (
    select * from {{ ref('score_audiences') }}
),

score_bands as (
    select * from {{ ref('score_bands') }}
),

event_types as (
    select * from {{ ref('event_types') }}
),

scoring_properties as (
    select * from {{ ref('scoring_properties') }}
),

custom_properties as (
    select * from {{ ref('stg_crm__contact_custom_properties') }}
),

lists as (
    select * from {{ ref('stg_crm__lists') }}
),

known_properties as (
    select
        lower(object_type) as object_type,
        lower(property_name) as property_name
    from scoring_properties
    union
    select
        'contact' as object_type,
        lower(property_name) as property_name
    from custom_properties
),

group_counts as (
    select
        score_id,
        count(*) as group_count
    from score_groups
    group by score_id
),

rule_counts as (
    select
        score_id,
        group_id,
        count(*) as rule_count
    from score_rules
    group by score_id, group_id
),

score_checks as (
    select
        scores.score_id,
        scores.object_type,
        scores.score_type,
        scores.total_cap,
        scores.score_floor,
        scores.contact_role,
        coalesce(group_counts.group_count, 0) as group_count,
        count(*) over (partition by scores.score_id) as duplicates
    from scores
    left join group_counts
        on scores.score_id = group_counts.score_id
),

group_checks as (
    select
        score_groups.score_id,
        score_groups.group_id,
        lower(trim(score_groups.group_kind)) as group_kind,
        score_groups.group_cap,
        score_groups.decay_percent,
        score_groups.decay_period_days,
        score_checks.score_id is not null as has_score,
        score_checks.score_type,
        coalesce(rule_counts.rule_count, 0) as rule_count,
        count(*) over (partition by score_groups.score_id, score_groups.group_id) as duplicates
    from score_groups
    left join score_checks
        on score_groups.score_id = score_checks.score_id
    left join rule_counts
        on
            score_groups.score_id = rule_counts.score_id
            and score_groups.group_id = rule_counts.group_id
),

value_counts as (
    select
        score_id,
        rule_id,
        count(*) as value_count,
        count(points) as points_count,
        sum(case when value is null or trim(value) = '' then 1 else 0 end) as empty_values,
        count(distinct lower(trim(value))) as distinct_values
    from score_rule_values
    group by score_id, rule_id
),

rule_checks as (
    select
        score_rules.score_id,
        score_rules.group_id,
        score_rules.rule_id,
        lower(trim(score_rules.rule_kind)) as rule_kind,
        coalesce(lower(trim(score_rules.property_object)), score_checks.object_type) as property_object,
        lower(trim(score_rules.property_name)) as property_name,
        lower(trim(score_rules.event_type)) as event_type,
        lower(trim(score_rules.operator)) as operator,
        score_rules.value_low,
        score_rules.value_high,
        coalesce(lower(trim(score_rules.value_mode)), 'together') as value_mode,
        score_rules.points,
        lower(trim(score_rules.frequency)) as frequency,
        score_rules.frequency_min,
        score_rules.frequency_max,
        score_rules.window_days,
        score_rules.decay_percent,
        score_rules.decay_period_days,
        coalesce(score_rules.decay_percent, group_checks.decay_percent) as effective_decay_percent,
        group_checks.group_id is not null as has_group,
        group_checks.group_kind,
        score_checks.object_type,
        coalesce(value_counts.value_count, 0) as value_count,
        coalesce(value_counts.points_count, 0) as points_count,
        coalesce(value_counts.empty_values, 0) as empty_values,
        coalesce(value_counts.distinct_values, 0) as distinct_values,
        known_properties.property_name is not null as is_known_property,
        event_types.event_type is not null as is_known_event_type,
        event_types.properties as event_properties,
        count(*) over (partition by score_rules.score_id, score_rules.rule_id) as duplicates,
        max(case when score_rules.window_days is not null then 1 else 0 end)
            over (partition by score_rules.score_id, score_rules.group_id) as group_has_window,
        max(
            case
                when coalesce(score_rules.decay_percent, group_checks.decay_percent) is not null then 1
                else 0
            end
        ) over (partition by score_rules.score_id, score_rules.group_id) as group_has_decay
    from score_rules
    left join group_checks
        on
            score_rules.score_id = group_checks.score_id
            and score_rules.group_id = group_checks.group_id
    left join score_checks
        on score_rules.score_id = score_checks.score_id
    left join value_counts
        on
            score_rules.score_id = value_counts.score_id
            and score_rules.rule_id = value_counts.rule_id
    left join known_properties
        on
            coalesce(lower(trim(score_rules.property_object)), score_checks.object_type) = known_properties.object_type
            and lower(trim(score_rules.property_name)) = known_properties.property_name
    left join event_types
        on lower(trim(score_rules.event_type)) = event_types.event_type
),

score_errors as (
    select
        score_id,
        cast(null as {{ dbt.type_string() }}) as group_id,
        cast(null as {{ dbt.type_string() }}) as rule_id,
        case
            when duplicates > 1 then 'score_id is defined more than once'
            when not {{ regex_matches('score_id', "'^[a-z][a-z0-9_]*$'") }}
                then 'score_id must be lower snake_case (letters, digits, _)'
            when object_type not in ('contact', 'company', 'deal') or object_type is null
                then 'unknown object_type ' || coalesce('''' || object_type || '''', 'null')
                    || ' (expected contact, company or deal)'
            when score_type not in ('fit', 'engagement', 'combined') or score_type is null
                then 'unknown score_type ' || coalesce('''' || score_type || '''', 'null')
                    || ' (expected fit, engagement or combined)'
            when total_cap <= 0 then 'total_cap must be greater than 0'
            when score_floor > 0 then 'floor must be 0, negative or blank (no floor)'
            when contact_role is not null and object_type = 'contact'
                then 'contact_role applies to company and deal scores only'
            when group_count = 0 then 'the score has no groups'
        end as problem
    from score_checks
),

group_errors as (
    select
        score_id,
        group_id,
        cast(null as {{ dbt.type_string() }}) as rule_id,
        case
            when not has_score then 'group belongs to an unknown score'
            when duplicates > 1 then 'group_id is defined more than once in the score'
            when group_kind not in ('fit', 'engagement') or group_kind is null
                then 'unknown group_kind ' || coalesce('''' || group_kind || '''', 'null')
                    || ' (expected fit or engagement)'
            when score_type = 'fit' and group_kind = 'engagement'
                then 'an engagement group cannot belong to a fit score'
            when score_type = 'engagement' and group_kind = 'fit'
                then 'a fit group cannot belong to an engagement score'
            when group_cap <= 0 then 'group_cap must be greater than 0 (blank = no cap)'
            when (decay_percent is null) != (decay_period_days is null)
                then 'decay needs both decay_percent and decay_period_days'
            when decay_percent <= 0 or decay_percent > 100 then 'decay_percent must be in (0, 100]'
            when decay_period_days <= 0 then 'decay_period_days must be greater than 0'
            when decay_percent is not null and group_kind = 'fit' then 'decay applies to engagement groups only'
            when rule_count = 0 then 'the group has no rules'
        end as problem
    from group_checks
),

rule_errors as (
    select
        score_id,
        group_id,
        rule_id,
        case
            when duplicates > 1 then 'rule_id is defined more than once in the score'
            when not has_group then 'rule belongs to an unknown group'
            when rule_kind not in ('property', 'event') or rule_kind is null
                then 'unknown rule_kind ' || coalesce('''' || rule_kind || '''', 'null')
                    || ' (expected property or event)'
            when rule_kind = 'property' and group_kind = 'engagement'
                then 'a property rule cannot be in an engagement group'
            when rule_kind = 'event' and group_kind = 'fit'
                then 'an event rule cannot be in a fit group'
            when operator is not null and operator not in {{ all_operators }}
                then 'unknown operator ''' || operator || ''''
            when rule_kind = 'property' and operator is null then 'a property rule needs an operator'
            when rule_kind = 'property' and not (
                    (object_type = 'contact' and property_object in ('contact', 'company', 'deal'))
                    or (object_type = 'company' and property_object = 'company')
                    or (object_type = 'deal' and property_object in ('deal', 'company'))
                )
                then 'property_object ' || coalesce('''' || property_object || '''', 'null')
                    || ' is not the ' || object_type || ' or an object associated with it'
            when rule_kind = 'property' and not is_known_property
                then 'unknown property ''' || coalesce(property_name, '') || ''' of ' || property_object
            when rule_kind = 'event' and not is_known_event_type
                then 'unknown event_type ' || coalesce('''' || event_type || '''', 'null')
            when rule_kind = 'event' and (property_name is null) != (operator is null)
                then 'an event rule needs both property_name and operator, or neither'
            when rule_kind = 'event' and property_name is not null
                and {{ dbt.position("';' || property_name || ';'", "';' || lower(event_properties) || ';'") }} = 0
                then 'unknown property ''' || property_name || ''' of event type ''' || event_type
                    || ''' (it has ' || replace(event_properties, ';', ', ') || ')'
            when value_mode not in ('together', 'individually')
                then 'unknown value_mode ''' || value_mode || ''' (expected together or individually)'
            when operator in {{ list_operators }} and value_count = 0
                then 'operator ' || operator || ' needs values in score_rule_values.csv'
            when empty_values > 0 then 'a value in score_rule_values.csv is empty'
            when distinct_values < value_count then 'a value is listed twice in score_rule_values.csv'
            when value_count > 0 and (operator not in {{ list_operators }} or operator is null)
                then 'values in score_rule_values.csv are only used by list operators '
                    || '(equals, not_equals, is_any_of, is_none_of, contains_any_of)'
            when operator in {{ comparison_operators }} and value_low is null
                then 'operator ' || operator || ' needs value_low'
            when operator = 'between' and value_high is null then 'operator between needs value_high'
            when operator in ('greater_than', 'greater_or_equal', 'less_than', 'less_or_equal', 'between')
                and {{ scoring_number('value_low') }} is null and {{ scoring_timestamp('value_low') }} is null
                then 'operator ' || operator || ' needs a number or an ISO date in value_low'
            when operator = 'between'
                and {{ scoring_number('value_high') }} is null and {{ scoring_timestamp('value_high') }} is null
                then 'operator between needs a number or an ISO date in value_high'
            when operator in ('before', 'after') and {{ scoring_timestamp('value_low') }} is null
                then 'operator ' || operator || ' needs an ISO date or datetime in value_low'
            when value_mode = 'individually'
                and (operator not in ('equals', 'is_any_of', 'contains_any_of') or operator is null)
                then 'individually needs operator equals, is_any_of or contains_any_of'
            when value_mode = 'individually' and points_count < value_count
                then 'individually needs points for every value in score_rule_values.csv'
            when value_mode = 'together' and points is null then 'the rule needs points'
            when value_mode = 'together' and points_count > 0
                then 'together mode takes the rule''s points; leave the values'' points blank'
            when frequency is not null and rule_kind != 'event' then 'frequency applies to event rules only'
            when frequency is not null and frequency not in ('exactly', 'between', 'at_least')
                then 'unknown frequency ''' || frequency || ''' (expected exactly, between or at_least)'
            when frequency is not null and (frequency_min is null or frequency_min < 1)
                then 'frequency needs frequency_min of at least 1'
            when frequency = 'between' and (frequency_max is null or frequency_max < frequency_min)
                then 'frequency between needs frequency_max >= frequency_min'
            when window_days is not null and rule_kind != 'event' then 'window_days applies to event rules only'
            when window_days <= 0 then 'window_days must be greater than 0'
            when window_days != floor(window_days) then 'window_days must be a whole number of days'
            when (decay_percent is null) != (decay_period_days is null)
                then 'decay needs both decay_percent and decay_period_days'
            when decay_percent <= 0 or decay_percent > 100 then 'decay_percent must be in (0, 100]'
            when decay_period_days <= 0 then 'decay_period_days must be greater than 0'
            when effective_decay_percent is not null and rule_kind != 'event'
                then 'decay applies to event rules only'
            when group_has_window = 1 and group_has_decay = 1
                then 'decay and a time window cannot be combined in one group'
            when effective_decay_percent is not null and frequency is not null
                then 'decay cannot be combined with a frequency condition'
        end as problem
    from rule_checks
),

orphan_value_errors as (
    select
        score_rule_values.score_id,
        cast(null as {{ dbt.type_string() }}) as group_id,
        score_rule_values.rule_id,
        'score_rule_values.csv has values for an unknown rule' as problem
    from score_rule_values
    left join score_rules
        on
            score_rule_values.score_id = score_rules.score_id
            and score_rule_values.rule_id = score_rules.rule_id
    where score_rules.rule_id is null
),

audience_errors as (
    select
        score_audiences.score_id,
        cast(null as {{ dbt.type_string() }}) as group_id,
        cast(null as {{ dbt.type_string() }}) as rule_id,
        case
            when score_checks.score_id is null then 'audience of an unknown score'
            when lower(trim(score_audiences.audience_type)) not in ('include', 'exclude')
                or score_audiences.audience_type is null
                then 'unknown audience_type ' || coalesce('''' || score_audiences.audience_type || '''', 'null')
                    || ' (expected include or exclude)'
            when lists.list_id is null and lower(trim(score_audiences.audience_type)) = 'exclude'
                then 'warning: exclusion list ''' || score_audiences.list_id
                    || ''' does not exist, so it excludes nobody'
            when lists.list_id is null then 'audience list ''' || score_audiences.list_id || ''' does not exist'
            when lower(lists.object_type) != score_checks.object_type
                then 'audience list ''' || score_audiences.list_id || ''' holds ' || lists.object_type
                    || ' records, not ' || score_checks.object_type || ' records'
        end as problem
    from score_audiences
    left join score_checks
        on score_audiences.score_id = score_checks.score_id
    left join lists
        on score_audiences.list_id = lists.list_id
),

band_checks as (
    select
        score_bands.score_id,
        lower(trim(score_bands.band_type)) as band_type,
        score_bands.band_name,
        score_bands.min_score,
        score_bands.matrix_code,
        score_checks.score_id is not null as has_score,
        score_checks.score_type,
        score_checks.total_cap,
        score_checks.score_floor,
        count(*) over (
            partition by score_bands.score_id, lower(trim(score_bands.band_type)), score_bands.min_score
        ) as same_min,
        min(score_bands.min_score) over (
            partition by score_bands.score_id, lower(trim(score_bands.band_type))
        ) as lowest_min
    from score_bands
    left join score_checks
        on score_bands.score_id = score_checks.score_id
),

band_errors as (
    select
        score_id,
        cast(null as {{ dbt.type_string() }}) as group_id,
        cast(null as {{ dbt.type_string() }}) as rule_id,
        'band ' || coalesce(band_type, 'null') || ' ''' || coalesce(band_name, '') || ''': ' || case
            when not has_score then 'belongs to an unknown score'
            when band_type not in ('total', 'fit', 'engagement', 'tier') or band_type is null
                then 'unknown band_type (expected total, fit, engagement or tier)'
            when min_score is null then 'min_score is missing'
            when same_min > 1 then 'overlaps another band with the same min_score'
            when min_score = lowest_min and score_floor is not null and min_score > score_floor
                then 'gap: the lowest band starts at ' || cast(min_score as {{ dbt.type_string() }})
                    || ', above the floor ' || cast(score_floor as {{ dbt.type_string() }})
            when min_score > total_cap then 'starts above total_cap, so it can never be reached'
            when score_type = 'combined' and band_type in ('fit', 'engagement') and matrix_code is null
                then 'needs a matrix_code for the A1..C3 matrix'
        end as problem
    from band_checks
),

unioned as (
    select * from score_errors
    union all
    select * from group_errors
    union all
    select * from rule_errors
    union all
    select * from orphan_value_errors
    union all
    select * from audience_errors
    union all
    select * from band_errors
),

final as (
    select
        score_id,
        group_id,
        rule_id,
        case when problem like 'warning: %' then 'warning' else 'error' end as severity,
        problem,
        'score ''' || coalesce(score_id, '') || ''''
        || case when group_id is not null then ', group ''' || group_id || '''' else '' end
        || case when rule_id is not null then ', rule ''' || rule_id || '''' else '' end
        || ': ' || problem as error_message
    from unioned
    where problem is not null
)

select * from final
