-- Every record's scores and labels over time, stored as changes: a row is written when a
-- record is first scored, whenever its score, labels, tier or rule breakdown differ from its
-- latest row at or before this run's as-of, and when it leaves the scored population
-- (is_scored = false). The state of any record at an instant T is its latest row with
-- as_of_at <= T. Append-only; kept across --full-refresh (full_refresh = false).
{{ config(materialized='incremental', full_refresh=false, on_schema_change='append_new_columns') }}

{%- set stored = [
    'score_id', 'score_name', 'score_kind', 'object_type', 'record_id', 'is_scored', 'score',
    'fit_score', 'engagement_score', 'probability', 'score_label', 'fit_label',
    'engagement_label', 'matrix_label', 'tier', 'breakdown_signature', 'reasons',
    'model_version', 'change_kind',
] %}
{%- set tracked = [
    'is_scored', 'score', 'fit_score', 'engagement_score', 'score_label', 'fit_label',
    'engagement_label', 'matrix_label', 'tier', 'breakdown_signature',
] %}

with

current_scores as (
    select * from {{ ref('int_scores_unioned') }}
),

{% if is_incremental() %}
history as (
    select * from {{ this }}
    where as_of_at <= {{ as_of_timestamp() }}
),

ranked as (
    select
        history.*,
        row_number() over (
            partition by score_id, record_id
            order by as_of_at desc, recorded_at desc
        ) as recency
    from history
),

latest as (
    select * from ranked
    where recency = 1
),
{% else %}
latest as (
    -- first run: no history yet
    select * from current_scores
    where 1 = 0
),
{% endif %}

compared as (
    select
        current_scores.*,
        case
            when latest.record_id is null then 'first'
            when not latest.is_scored and current_scores.is_scored then 'entered'
            when latest.is_scored and not current_scores.is_scored then 'left'
            else 'changed'
        end as change_kind,
        latest.record_id is null
        {%- for column in tracked %}
        or {{ values_differ('current_scores.' ~ column, 'latest.' ~ column) }}
        {%- endfor %} as is_different
    from current_scores
    left join latest
        on
            current_scores.score_id = latest.score_id
            and current_scores.record_id = latest.record_id
),

kept as (
    -- never-scored records (outside the audience from the start) are not stored
    select * from compared
    where is_different and (is_scored or change_kind != 'first')
),

vanished as (
    -- scored at the latest snapshot, absent now (deleted, or no longer a current lead)
    select
        latest.score_id,
        latest.score_name,
        latest.score_kind,
        latest.object_type,
        latest.record_id,
        false as is_scored,
        {%- for column in ['score', 'fit_score', 'engagement_score', 'probability'] %}
        cast(null as {{ type_double() }}) as {{ column }},
        {%- endfor %}
        {%- for column in [
            'score_label', 'fit_label', 'engagement_label', 'matrix_label', 'tier',
            'breakdown_signature', 'reasons', 'model_version',
        ] %}
        cast(null as {{ dbt.type_string() }}) as {{ column }},
        {%- endfor %}
        'left' as change_kind
    from latest
    left join current_scores
        on
            latest.score_id = current_scores.score_id
            and latest.record_id = current_scores.record_id
    where latest.is_scored and current_scores.record_id is null
),

changes as (
    select
        {{ stored | join(',\n        ') }}
    from kept
    union all
    select
        {{ stored | join(',\n        ') }}
    from vanished
),

final as (
    select
        {{ dbt.hash(dbt.concat([
            "'" ~ invocation_id ~ "'", "'|'", 'score_id', "'|'", 'record_id',
        ])) }} as score_history_id,
        '{{ invocation_id }}' as scoring_run_id,
        {{ as_of_timestamp() }} as as_of_at,
        {{ to_utc_timestamp("'" ~ run_started_at.strftime('%Y-%m-%d %H:%M:%S') ~ "'") }} as recorded_at,
        score_id,
        score_name,
        score_kind,
        object_type,
        record_id,
        change_kind,
        is_scored,
        score,
        fit_score,
        engagement_score,
        probability,
        score_label,
        fit_label,
        engagement_label,
        matrix_label,
        tier,
        breakdown_signature,
        reasons,
        model_version
    from changes
)

select * from final
