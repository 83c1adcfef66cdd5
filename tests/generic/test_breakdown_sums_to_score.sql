{#- The rule breakdown of every scored record sums to its score (within `tolerance`); a
    record with no breakdown rows must score 0. `model` is the scores table, `breakdown`
    the per-rule table. -#}
{% test breakdown_sums_to_score(model, breakdown, tolerance=0.000001) %}

with

scored as (
    select * from {{ model }}
    where score is not null
),

breakdown as (
    select
        score_id,
        record_id,
        sum(points_after_caps) as breakdown_points
    from {{ breakdown }}
    group by score_id, record_id
),

compared as (
    select
        scored.score_id,
        scored.record_id,
        scored.score,
        coalesce(breakdown.breakdown_points, 0) as breakdown_points
    from scored
    left join breakdown
        on
            scored.score_id = breakdown.score_id
            and scored.record_id = breakdown.record_id
)

select * from compared
where abs(score - breakdown_points) > {{ tolerance }}

{% endtest %}
