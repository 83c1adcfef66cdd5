-- Every current score in one shape: the rule-based scores (lead_scores), the predictive score
-- and the hybrid score, one row per (score, record), with a signature of what makes up the
-- score so that score_history can tell whether a record changed since its last snapshot.
-- A table: four models and four data tests read it, and as a view each read computed the
-- rule signatures again (12 s at a million contacts).
{{ config(materialized='cached_table') }}

with

lead_scores as (
    select * from {{ ref('lead_scores') }}
),

rule_breakdown as (
    select * from {{ ref('score_rule_breakdown') }}
),

predictive_scores as (
    select * from {{ ref('predictive_scores') }}
),

hybrid_scores as (
    select * from {{ ref('hybrid_scores') }}
),

rule_points as (
    select
        score_id,
        record_id,
        rule_id,
        sum(points_after_caps) as points
    from rule_breakdown
    group by score_id, record_id, rule_id
),

rule_signatures as (
    -- which rules gave how many points (rounded: decay makes tiny float differences)
    select
        score_id,
        record_id,
        {{ dbt.hash(dbt.listagg(
            dbt.concat(['rule_id', "':'", dbt.cast('round(points, 4)', dbt.type_string())]),
            "';'",
            'order by rule_id',
        )) }} as breakdown_signature
    from rule_points
    where points != 0
    group by score_id, record_id
),

rule_scores as (
    select
        lead_scores.score_id,
        lead_scores.score_name,
        'rule' as score_kind,
        lead_scores.object_type,
        lead_scores.record_id,
        lead_scores.is_in_audience as is_scored,
        lead_scores.score,
        lead_scores.fit_score,
        lead_scores.engagement_score,
        cast(null as {{ type_double() }}) as probability,
        lead_scores.score_label,
        lead_scores.fit_label,
        lead_scores.engagement_label,
        lead_scores.matrix_label,
        lead_scores.tier,
        rule_signatures.breakdown_signature,
        cast(null as {{ dbt.type_string() }}) as reasons,
        cast(null as {{ dbt.type_string() }}) as model_version,
        lead_scores.scored_at
    from lead_scores
    left join rule_signatures
        on
            lead_scores.score_id = rule_signatures.score_id
            and lead_scores.record_id = rule_signatures.record_id
),

predictive as (
    select
        'predictive' as score_id,
        'Predictive score' as score_name,
        'predictive' as score_kind,
        'contact' as object_type,
        contact_id as record_id,
        true as is_scored,
        cast(predictive_score as {{ type_double() }}) as score,
        cast(null as {{ type_double() }}) as fit_score,
        cast(null as {{ type_double() }}) as engagement_score,
        probability,
        predictive_label as score_label,
        cast(null as {{ dbt.type_string() }}) as fit_label,
        cast(null as {{ dbt.type_string() }}) as engagement_label,
        cast(null as {{ dbt.type_string() }}) as matrix_label,
        predictive_tier as tier,
        cast(null as {{ dbt.type_string() }}) as breakdown_signature,
        factors_text as reasons,
        model_version,
        scored_at
    from predictive_scores
),

hybrid as (
    select
        'hybrid' as score_id,
        'Hybrid score' as score_name,
        'hybrid' as score_kind,
        'contact' as object_type,
        hybrid_scores.contact_id as record_id,
        hybrid_scores.hybrid_score is not null as is_scored,
        hybrid_scores.hybrid_score as score,
        cast(null as {{ type_double() }}) as fit_score,
        cast(null as {{ type_double() }}) as engagement_score,
        cast(null as {{ type_double() }}) as probability,
        hybrid_scores.hybrid_label as score_label,
        cast(null as {{ dbt.type_string() }}) as fit_label,
        cast(null as {{ dbt.type_string() }}) as engagement_label,
        cast(null as {{ dbt.type_string() }}) as matrix_label,
        hybrid_scores.hybrid_tier as tier,
        cast(null as {{ dbt.type_string() }}) as breakdown_signature,
        predictive_scores.factors_text as reasons,
        predictive_scores.model_version,
        predictive_scores.scored_at
    from hybrid_scores
    inner join predictive_scores
        on hybrid_scores.contact_id = predictive_scores.contact_id
),

final as (
    select * from rule_scores
    union all
    select * from predictive
    union all
    select * from hybrid
)

select * from final
