-- One row per dbt run that scored: when it ran, the instant it scored as of, which
-- configuration (hash of the scoring seeds) and which predictive model produced the scores.
-- Append-only history: kept across --full-refresh (full_refresh = false).
{{ config(materialized='incremental', full_refresh=false, on_schema_change='append_new_columns') }}

with

lead_scores as (
    select * from {{ ref('lead_scores') }}
),

predictive_model_card as (
    select * from {{ ref('predictive_model_card') }}
),

scored as (
    select
        count(distinct score_id) as score_count,
        {{ count_where('is_in_audience') }} as scored_records
    from lead_scores
),

config as (
    select
        {{ relation_signature(ref('scores')) }} as scores_signature,
        {{ relation_signature(ref('score_groups')) }} as groups_signature,
        {{ relation_signature(ref('score_rules')) }} as rules_signature,
        {{ relation_signature(ref('score_rule_values')) }} as rule_values_signature,
        {{ relation_signature(ref('score_audiences')) }} as audiences_signature,
        {{ relation_signature(ref('score_bands')) }} as bands_signature,
        {{ relation_signature(ref('model_score_bands')) }} as model_bands_signature
),

final as (
    select
        '{{ invocation_id }}' as scoring_run_id,
        {{ as_of_timestamp() }} as as_of_at,
        {{ to_utc_timestamp("'" ~ run_started_at.strftime('%Y-%m-%d %H:%M:%S') ~ "'") }} as run_started_at,
        {{ dbt.hash(dbt.concat([
            'config.scores_signature', 'config.groups_signature', 'config.rules_signature',
            'config.rule_values_signature', 'config.audiences_signature',
            'config.bands_signature', 'config.model_bands_signature',
        ])) }} as config_signature,
        predictive_model_card.model_version,
        scored.score_count,
        scored.scored_records
    from scored
    cross join config
    cross join predictive_model_card
)

select * from final
