{#-
    The score separates converters from non-converters: AUC >= `threshold` per group of
    `group_by` (optional list of columns). `column_name` is the score (higher = more likely to
    convert), `outcome_column` a boolean converted flag (null counts as not converted). AUC is
    the Mann-Whitney statistic: the share of (converter, non-converter) pairs where the
    converter scores higher, ties counted half (average ranks). Rows with a null score are left
    out and counted in the message. Fails with one row per group whose AUC is below
    `threshold`, or that has fewer than `min_records` scored rows, no converters or no
    non-converters. docs/score-quality-tests.md
-#}
{% test auc_at_least(
    model, column_name, outcome_column, threshold, group_by=none, min_records=30
) %}

{#- SQL turning a value into text, and a number into text with three decimals -#}
{%- set text_sql = "cast(%s as " ~ dbt.type_string() ~ ")" %}
{%- set decimal_sql = "cast(cast(%s as decimal(9, 3)) as " ~ dbt.type_string() ~ ")" %}
{#- The AUC in messages, rounded down from the counts: a failing AUC never reads as its threshold -#}
{%- set auc_rounded_down = "floor(1000 * auc_numerator / auc_denominator) / 1000.0" %}

{%- set group_columns = quality_test_group_columns(group_by) %}
{%- set message_prefix = ["group_name", "': '"] if group_columns else [] %}

with

source_rows as (
    select
        {% for column in group_columns %}{{ column }},
        {% endfor %}{{ quality_test_group_name(group_by) }} as group_name,
        {{ column_name }} as score,
        case when {{ outcome_column }} then 1 else 0 end as converted
    from {{ model }}
),

-- rank() gives tied scores their lowest rank, so twice the average rank of a tie is
-- 2 * rank + tied rows - 1: an integer, and the rank sums below are exact
ranked_rows as (
    select
        group_name,
        converted,
        2 * rank() over (partition by group_name order by score)
        + count(*) over (partition by group_name, score)
        - 1 as doubled_rank
    from source_rows
    where score is not null
),

score_stats as (
    select
        group_name,
        count(*) as records,
        cast(sum(converted) as {{ dbt.type_bigint() }}) as converters,
        cast(sum(converted * doubled_rank) as {{ dbt.type_bigint() }}) as doubled_converter_rank_sum
    from ranked_rows
    group by group_name
),

-- Mann-Whitney: AUC = (converter rank sum - P (P + 1) / 2) / (P N), for P converters and
-- N non-converters; kept as numerator / denominator (doubled) to compare exactly
auc_fractions as (
    select
        group_name,
        records,
        converters,
        records - converters as non_converters,
        doubled_converter_rank_sum - converters * (converters + 1) as auc_numerator,
        2 * converters * (records - converters) as auc_denominator
    from score_stats
),

-- every group of the model, and one row ('all rows') when the model is empty
model_groups as (
    select
        {% for column in group_columns %}{{ column }},
        {% endfor %}group_name,
        count(*) - count(score) as null_scores
    from source_rows
    group by {% for column in group_columns %}{{ column }}, {% endfor %}group_name
),

anchor as (
    select 1 as anchor_row
),

checked_groups as (
    select
        {% for column in group_columns %}model_groups.{{ column }},
        {% endfor %}coalesce(model_groups.group_name, 'all rows') as group_name,
        coalesce(auc_fractions.records, 0) as records,
        coalesce(auc_fractions.converters, 0) as converters,
        coalesce(auc_fractions.non_converters, 0) as non_converters,
        coalesce(model_groups.null_scores, 0) as null_scores,
        auc_fractions.auc_numerator,
        auc_fractions.auc_denominator,
        case
            when auc_fractions.auc_denominator > 0
                then cast(auc_fractions.auc_numerator as {{ dbt.type_numeric() }}) / auc_fractions.auc_denominator
        end as auc
    from anchor
    left join model_groups on anchor.anchor_row = 1
    left join auc_fractions
        on model_groups.group_name = auc_fractions.group_name
),

failures as (
    select
        {% for column in group_columns %}{{ column }},
        {% endfor %}group_name,
        records,
        converters,
        non_converters,
        null_scores,
        auc,
        case
            when records < {{ min_records }}
                then {{ dbt.concat([
                    "'cannot judge: only '",
                    text_sql | format("records"),
                    "' records with a score (need " ~ min_records ~ ")'",
                ]) }}
            when converters = 0
                then {{ dbt.concat([
                    "'cannot judge: no converters among '",
                    text_sql | format("records"),
                    "' records'",
                ]) }}
            when non_converters = 0
                then {{ dbt.concat([
                    "'cannot judge: no non-converters among '",
                    text_sql | format("records"),
                    "' records'",
                ]) }}
            when auc_numerator < {{ threshold | float }} * auc_denominator
                then {{ dbt.concat([
                    "'AUC '",
                    decimal_sql | format(auc_rounded_down),
                    "' is below " ~ threshold ~ " ('",
                    text_sql | format("records"),
                    "' records, '",
                    text_sql | format("converters"),
                    "' converters)'",
                ]) }}
        end as failure
    from checked_groups
),

final as (
    select
        {% for column in group_columns %}{{ column }},
        {% endfor %}group_name,
        records,
        converters,
        non_converters,
        null_scores,
        auc,
        {{ dbt.concat(message_prefix + [
            "failure",
            "case when null_scores > 0 then "
            ~ dbt.concat(["'; '", text_sql | format("null_scores"), "' rows with a null score left out'"])
            ~ " else '' end",
        ]) }} as message
    from failures
    where failure is not null
)

select * from final

{% endtest %}
