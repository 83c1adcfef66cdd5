-- One row per current lead with the predictive score: conversion probability (start stage
-- -> end stage within the window, per var predictive), 0-100 score, label, tier, and the
-- top positive and negative factors in plain words. Empty when no model could be trained.

with

predictions as (
    select * from {{ ref('int_predictive_scores') }}
),

model_score_bands as (
    select * from {{ ref('model_score_bands') }}
),

band_ranges as (
    {{ band_ranges('model_score_bands', 'score_name') }}
),

labelled as (
    {{ model_score_labels('predictions', 'contact_id', 'predictive_score', 'predictive', 'predictive') }}
),

final as (
    select
        predictions.contact_id,
        predictions.lifecycle_stage,
        predictions.probability,
        predictions.predictive_score,
        labelled.predictive_label,
        labelled.predictive_tier,
        predictions.positive_factor_1,
        predictions.positive_contribution_1,
        predictions.positive_factor_2,
        predictions.positive_contribution_2,
        predictions.positive_factor_3,
        predictions.positive_contribution_3,
        predictions.negative_factor_1,
        predictions.negative_contribution_1,
        predictions.negative_factor_2,
        predictions.negative_contribution_2,
        predictions.negative_factor_3,
        predictions.negative_contribution_3,
        predictions.factors_text,
        predictions.model_version,
        predictions.scored_at
    from predictions
    left join labelled
        on predictions.contact_id = labelled.contact_id
)

select * from final
