{#- No group contributes more than its cap: the capped points of a record's group, before
    the total cap is shared out, never exceed group_cap. `model` is the per-rule table with
    group_points; `groups` the group seed. -#}
{% test group_points_within_caps(model, groups, tolerance=0.000001) %}

with

group_points as (
    select distinct
        score_id,
        record_id,
        group_id,
        group_points
    from {{ model }}
),

score_groups as (
    select * from {{ groups }}
),

checked as (
    select
        group_points.score_id,
        group_points.record_id,
        group_points.group_id,
        group_points.group_points,
        score_groups.group_cap
    from group_points
    inner join score_groups
        on
            group_points.score_id = score_groups.score_id
            and group_points.group_id = score_groups.group_id
)

select * from checked
where group_points > group_cap + {{ tolerance }}

{% endtest %}
