-- Scores against what happened next: every contact scored at the evaluation snapshot (the
-- latest scoring run at least outcome_window_days before this run's as-of), with what it
-- scored then and whether it reached the target stage (or a later one) within the window
-- after. Contacts already at or past the target stage at the snapshot are left out. Empty
-- until the history holds a snapshot that old (make build backfills one).
{%- set window_days = outcome_window_days() %}
{%- set target_stage = outcome_target_stage() %}

with

scoring_runs as (
    select * from {{ ref('scoring_runs') }}
),

score_history as (
    select * from {{ ref('score_history') }}
),

contacts as (
    select * from {{ ref('stg_crm__contacts') }}
),

stage_changes as (
    select * from {{ ref('stg_crm__lifecycle_stage_changes') }}
),

lifecycle_stages as (
    select * from {{ ref('lifecycle_stages') }}
),

evaluation_run as (
    select max(as_of_at) as evaluated_as_of_at
    from scoring_runs
    where as_of_at <= {{ dbt.dateadd('day', -window_days, as_of_timestamp()) }}
),

snapshot_rows as (
    select
        score_history.*,
        evaluation_run.evaluated_as_of_at,
        row_number() over (
            partition by score_history.score_id, score_history.record_id
            order by score_history.as_of_at desc, score_history.recorded_at desc
        ) as recency
    from score_history
    inner join evaluation_run
        on score_history.as_of_at <= evaluation_run.evaluated_as_of_at
    where score_history.object_type = 'contact'
),

snapshot as (
    select * from snapshot_rows
    where recency = 1 and is_scored
),

target as (
    select min(stage_order) as target_order
    from lifecycle_stages
    where lifecycle_stage = '{{ target_stage }}'
),

reached as (
    select
        stage_changes.contact_id,
        min(stage_changes.entered_at) as reached_at
    from stage_changes
    cross join target
    where stage_changes.stage_order >= target.target_order
    group by stage_changes.contact_id
),

final as (
    select
        snapshot.score_id,
        snapshot.score_name,
        snapshot.score_kind,
        snapshot.record_id,
        snapshot.evaluated_as_of_at,
        {{ dbt.dateadd('day', window_days, 'snapshot.evaluated_as_of_at') }} as outcome_window_end_at,
        '{{ target_stage }}' as target_stage,
        snapshot.score,
        snapshot.probability,
        snapshot.score_label,
        snapshot.tier,
        snapshot.matrix_label,
        substring(snapshot.matrix_label, 1, 1) as fit_letter,
        substring(snapshot.matrix_label, 2, 1) as engagement_digit,
        coalesce(contacts.lead_source, 'unknown') as lead_source,
        coalesce(
            reached.reached_at <= {{ dbt.dateadd('day', window_days, 'snapshot.evaluated_as_of_at') }},
            false
        ) as is_converted,
        case
            when reached.reached_at <= {{ dbt.dateadd('day', window_days, 'snapshot.evaluated_as_of_at') }}
                then reached.reached_at
        end as converted_at
    from snapshot
    left join reached
        on snapshot.record_id = reached.contact_id
    left join contacts
        on snapshot.record_id = contacts.contact_id
    where reached.reached_at is null or reached.reached_at > snapshot.evaluated_as_of_at
)

select * from final
