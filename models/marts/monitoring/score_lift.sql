-- Lift and gain by score decile at the evaluation snapshot (score_outcomes): decile 1 = the
-- 10% of contacts with the highest scores (ties split by record_id, so deciles have equal
-- sizes), its conversion rate, lift over the overall rate, and the cumulative share of all
-- converters captured down to each decile (the gain curve).

with

score_outcomes as (
    select * from {{ ref('score_outcomes') }}
),

ranked as (
    select
        score_id,
        score_kind,
        score,
        is_converted,
        ntile(10) over (partition by score_id order by score desc, record_id asc) as decile
    from score_outcomes
),

deciles as (
    select
        score_id,
        score_kind,
        decile,
        count(*) as records,
        {{ count_where('is_converted') }} as converted_records,
        min(score) as min_score,
        max(score) as max_score
    from ranked
    group by score_id, score_kind, decile
),

cumulative as (
    select
        deciles.*,
        sum(records) over (partition by score_id) as total_records,
        sum(converted_records) over (partition by score_id) as total_converted,
        sum(records) over (
            partition by score_id order by decile rows between unbounded preceding and current row
        ) as cumulative_records,
        sum(converted_records) over (
            partition by score_id order by decile rows between unbounded preceding and current row
        ) as cumulative_converted
    from deciles
),

rates as (
    select
        score_id,
        score_kind,
        decile,
        records,
        converted_records,
        min_score,
        max_score,
        cast(converted_records as {{ type_double() }}) / records as conversion_rate,
        cast(total_converted as {{ type_double() }}) / total_records as overall_rate,
        cast(cumulative_converted as {{ type_double() }}) / cumulative_records as cumulative_rate,
        cast(cumulative_records as {{ type_double() }}) / total_records as cumulative_share_of_records,
        cast(cumulative_converted as {{ type_double() }}) / nullif(total_converted, 0) as cumulative_gain
    from cumulative
),

final as (
    select
        score_id,
        score_kind,
        decile,
        records,
        converted_records,
        min_score,
        max_score,
        conversion_rate,
        conversion_rate / nullif(overall_rate, 0) as lift,
        cumulative_share_of_records,
        cumulative_gain,
        cumulative_rate / nullif(overall_rate, 0) as cumulative_lift
    from rates
)

select * from final
