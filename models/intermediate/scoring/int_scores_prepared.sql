-- The scores of seeds/scoring/scores.csv, normalized, with defaults applied:
-- a blank total_cap is 100, a blank is_enabled is true, a blank floor means no floor.

with

scores as (
    select * from {{ ref('scores') }}
),

final as (
    select
        score_id,
        score_name,
        lower(trim(object_type)) as object_type,
        lower(trim(score_type)) as score_type,
        coalesce(total_cap, 100) as total_cap,
        floor as score_floor,
        nullif(lower(trim(contact_role)), '') as contact_role,
        coalesce(is_enabled, true) as is_enabled
    from scores
)

select * from final
