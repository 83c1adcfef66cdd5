-- What changed between runs: one row per score_history row that follows an earlier row of
-- the same record (or that enters a score's population after its first snapshot), with the
-- old and new score, label and tier, and what moved it: for rule scores the rules whose
-- points changed (biggest first), for the predictive and hybrid scores the model's factors.

with

score_history as (
    select * from {{ ref('score_history') }}
),

score_rule_history as (
    select * from {{ ref('score_rule_history') }}
),

scoring_runs as (
    select * from {{ ref('scoring_runs') }}
),

sequenced as (
    select
        score_history.*,
        {%- for column, alias in [
            ('score_history_id', 'previous_history_id'), ('scoring_run_id', 'previous_run_id'),
            ('as_of_at', 'previous_as_of_at'), ('is_scored', 'was_scored'),
            ('score', 'previous_score'), ('score_label', 'previous_label'),
            ('tier', 'previous_tier'), ('matrix_label', 'previous_matrix_label'),
        ] %}
        lag({{ column }}) over (
            partition by score_id, record_id order by as_of_at, recorded_at
        ) as {{ alias }},
        {%- endfor %}
        min(as_of_at) over (partition by score_id) as first_as_of_at
    from score_history
),

changes as (
    -- a score's first snapshot is its starting point, not a change
    select * from sequenced
    where previous_history_id is not null or as_of_at > first_as_of_at
),

rule_deltas as (
    select
        changes.score_history_id,
        score_rule_history.rule_id,
        score_rule_history.rule_name,
        score_rule_history.points as delta
    from changes
    inner join score_rule_history
        on changes.score_history_id = score_rule_history.score_history_id
    union all
    select
        changes.score_history_id,
        score_rule_history.rule_id,
        score_rule_history.rule_name,
        -score_rule_history.points as delta
    from changes
    inner join score_rule_history
        on changes.previous_history_id = score_rule_history.score_history_id
),

rule_moves as (
    select
        score_history_id,
        rule_id,
        max(rule_name) as rule_name,
        sum(delta) as delta
    from rule_deltas
    group by score_history_id, rule_id
    having abs(sum(delta)) >= 0.05
),

moved_by_rules as (
    select
        score_history_id,
        count(*) as rules_moved,
        {{ dbt.listagg(
            dbt.concat([
                'rule_name', "' '",
                "(case when delta > 0 then '+' else '' end)",
                dbt.cast('round(delta, 1)', dbt.type_string()),
            ]),
            "'; '",
            'order by abs(delta) desc, rule_id',
        ) }} as moved_by
    from rule_moves
    group by score_history_id
),

final as (
    select
        changes.score_history_id as score_change_id,
        changes.scoring_run_id,
        changes.score_id,
        changes.score_name,
        changes.score_kind,
        changes.object_type,
        changes.record_id,
        case
            when changes.previous_history_id is null or not changes.was_scored then 'entered'
            when not changes.is_scored then 'left'
            else 'changed'
        end as change_kind,
        changes.previous_as_of_at,
        changes.as_of_at as changed_at,
        changes.previous_score,
        changes.score as new_score,
        changes.score - changes.previous_score as score_delta,
        changes.previous_label,
        changes.score_label as new_label,
        changes.previous_tier,
        changes.tier as new_tier,
        changes.previous_matrix_label,
        changes.matrix_label as new_matrix_label,
        coalesce(changes.previous_tier != changes.tier, false) as is_tier_changed,
        coalesce(changes.previous_label != changes.score_label, false) as is_label_changed,
        coalesce(moved_by_rules.rules_moved, 0) as rules_moved,
        case
            when changes.score_kind = 'rule' then moved_by_rules.moved_by
            else changes.reasons
        end as moved_by,
        coalesce(
            previous_runs.config_signature != current_runs.config_signature, false
        ) as is_config_changed,
        coalesce(
            previous_runs.model_version != current_runs.model_version, false
        ) as is_model_changed
    from changes
    left join moved_by_rules
        on changes.score_history_id = moved_by_rules.score_history_id
    left join scoring_runs as current_runs
        on changes.scoring_run_id = current_runs.scoring_run_id
    left join scoring_runs as previous_runs
        on changes.previous_run_id = previous_runs.scoring_run_id
)

select * from final
