-- The hybrid score of every current lead: a blend of the rule-based score (var
-- hybrid.rule_score_id) and the predictive score, hybrid = w * rule + (1 - w) * predictive
-- with w = var hybrid.rule_weight, and its own label and tier (seeds/model_score_bands.csv).
-- Null when either part is missing (outside the rule score's audience, or no model).
{%- set rule_weight = project_setting('hybrid', 'rule_weight', 0.5) | float %}
{%- set rule_score_id = project_setting('hybrid', 'rule_score_id', 'contact_lead_score') %}
{%- if rule_weight < 0 or rule_weight > 1 %}
    {{ exceptions.raise_compiler_error(
        "var hybrid.rule_weight must be between 0 and 1, got "
        ~ project_setting('hybrid', 'rule_weight')) }}
{%- endif %}

with

predictive_scores as (
    select * from {{ ref('predictive_scores') }}
),

lead_scores as (
    select * from {{ ref('lead_scores') }}
    where score_id = '{{ rule_score_id }}'
),

model_score_bands as (
    select * from {{ ref('model_score_bands') }}
),

band_ranges as (
    {{ band_ranges('model_score_bands', 'score_name') }}
),

blended as (
    select
        predictive_scores.contact_id,
        lead_scores.score as rule_score,
        predictive_scores.predictive_score,
        {{ rule_weight }} as rule_weight,
        {{ rule_weight }} * lead_scores.score
        + {{ 1 - rule_weight }} * predictive_scores.predictive_score as hybrid_score
    from predictive_scores
    left join lead_scores
        on predictive_scores.contact_id = lead_scores.record_id
),

labelled as (
    {{ model_score_labels('blended', 'contact_id', 'hybrid_score', 'hybrid', 'hybrid') }}
),

final as (
    select
        blended.contact_id,
        blended.rule_score,
        blended.predictive_score,
        blended.rule_weight,
        blended.hybrid_score,
        labelled.hybrid_label,
        labelled.hybrid_tier
    from blended
    left join labelled
        on blended.contact_id = labelled.contact_id
)

select * from final
