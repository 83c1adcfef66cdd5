-- Drift: the population stability index (PSI) of every score's distribution since the
-- reference snapshot, and of the predictive model's probability and top features between
-- its training examples and the newest entrants. PSI < drift_warning_threshold (0.1) is
-- stable, above drift_threshold (0.2) drifted: the message says what is due.
{%- set threshold = drift_threshold('drift_threshold', 0.2) %}
{%- set warning = drift_threshold('drift_warning_threshold', 0.1) %}

with

bins as (
    select * from {{ ref('int_score_drift_bins') }}
),

shares as (
    select
        bins.*,
        sum(reference_records) over (partition by score_id, item_kind, item) as reference_total,
        sum(current_records) over (partition by score_id, item_kind, item) as current_total
    from bins
),

items as (
    select
        score_id,
        item_kind,
        item,
        max(item_label) as item_label,
        min(importance_rank) as importance_rank,
        max(reference_description) as reference_description,
        max(current_description) as current_description,
        max(reference_total) as reference_records,
        max(current_total) as current_records,
        count(*) as bins,
        case
            when max(reference_total) > 0 and max(current_total) > 0
                then sum({{ population_stability(
                    'cast(reference_records as ' ~ type_double() ~ ') / reference_total',
                    'cast(current_records as ' ~ type_double() ~ ') / current_total',
                ) }})
        end as psi
    from shares
    group by score_id, item_kind, item
),

final as (
    select
        score_id,
        item_kind,
        item,
        item_label,
        importance_rank,
        reference_description,
        current_description,
        reference_records,
        current_records,
        bins,
        psi,
        case
            when psi is null then 'no_data'
            when psi > {{ threshold }} then 'drifted'
            when psi > {{ warning }} then 'moderate'
            else 'stable'
        end as drift_status,
        coalesce(psi > {{ threshold }}, false) as is_drifted,
        case
            when psi is null and reference_records = 0
                then {{ dbt.concat(["'no reference yet: '", 'reference_description']) }}
            when psi is null then 'no current records to compare'
            when psi <= {{ threshold }}
                then {{ dbt.concat([
                    "'PSI '", dbt.cast('round(psi, 3)', dbt.type_string()),
                    "' <= " ~ threshold ~ ": no action'",
                ]) }}
            when score_id = 'predictive' and item != 'score'
                then {{ dbt.concat([
                    "'PSI '", dbt.cast('round(psi, 3)', dbt.type_string()),
                    "' > " ~ threshold ~ " for '", 'item_label',
                    "': the newest leads differ from the ones the model learned from - retraining is due'",
                ]) }}
            else {{ dbt.concat([
                "'PSI '", dbt.cast('round(psi, 3)', dbt.type_string()),
                "' > " ~ threshold ~ ": the score distribution moved since the reference snapshot - '",
                "'review the rules and band thresholds (retrain the model for predictive scores)'",
            ]) }}
        end as message
    from items
)

select * from final
