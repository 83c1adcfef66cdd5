{#- Every score, fit part and engagement part lies between the score's floor and its total
    cap (scores: a relation with total_cap and score_floor per score_id). -#}
{% test scores_within_bounds(model, scores) %}

with

scored as (
    select * from {{ model }}
),

score_settings as (
    select * from {{ scores }}
),

checked as (
    select
        scored.score_id,
        scored.record_id,
        scored.score,
        scored.fit_score,
        scored.engagement_score,
        score_settings.total_cap,
        score_settings.score_floor
    from scored
    inner join score_settings
        on scored.score_id = score_settings.score_id
)

select * from checked
where
    score > total_cap
    or fit_score > total_cap
    or engagement_score > total_cap
    or score < score_floor
    or fit_score < score_floor
    or engagement_score < score_floor

{% endtest %}
