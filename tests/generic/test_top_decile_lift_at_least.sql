{#-
    The top of the score converts: top-decile lift >= `threshold` per group of `group_by`
    (optional list of columns). Lift = conversion rate of the top decile / overall conversion
    rate. `column_name` is the score (higher = more likely to convert), `outcome_column` a
    boolean converted flag (null counts as not converted). The top decile is every row whose
    score is at least the score found at position ceil(records / 10) from the top: rows tied at
    that boundary are all in (the decile can hold more than 10% of rows), so the result never
    depends on row order. Rows with a null score are left out and counted in the message.
    Fails with one row per group whose lift is below `threshold`, or that has fewer than
    `min_records` scored rows or no converters. docs/score-quality-tests.md
-#}
{% test top_decile_lift_at_least(
    model, column_name, outcome_column, threshold, group_by=none, min_records=100
) %}

{#- SQL turning a value into text, a rate into a percentage and a number into two decimals -#}
{%- set text_sql = "cast(%s as " ~ dbt.type_string() ~ ")" %}
{%- set percent_sql = "cast(cast(100 * %s as decimal(9, 1)) as " ~ dbt.type_string() ~ ")" %}
{%- set decimal_sql = "cast(cast(%s as decimal(9, 2)) as " ~ dbt.type_string() ~ ")" %}
{#- The lift in messages, rounded down from the counts: a failing lift never reads as its threshold -#}
{%- set lift_rounded_down =
    "floor(100 * top_decile_converters * records / (top_decile_records * converters)) / 100.0" %}

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

ordered_rows as (
    select
        group_name,
        score,
        converted,
        row_number() over (partition by group_name order by score desc) as score_position,
        count(*) over (partition by group_name) as records
    from source_rows
    where score is not null
),

-- the lowest score among the first ceil(records / 10) rows: (position - 1) * 10 < records
decile_cutoffs as (
    select
        group_name,
        min(score) as cutoff_score
    from ordered_rows
    where (score_position - 1) * 10 < records
    group by group_name
),

score_stats as (
    select
        ordered_rows.group_name,
        decile_cutoffs.cutoff_score,
        count(*) as records,
        cast(sum(ordered_rows.converted) as {{ dbt.type_bigint() }}) as converters,
        cast(sum(
            case when ordered_rows.score >= decile_cutoffs.cutoff_score then 1 else 0 end
        ) as {{ dbt.type_bigint() }}) as top_decile_records,
        cast(sum(
            case when ordered_rows.score >= decile_cutoffs.cutoff_score then ordered_rows.converted else 0 end
        ) as {{ dbt.type_bigint() }}) as top_decile_converters
    from ordered_rows
    inner join decile_cutoffs
        on ordered_rows.group_name = decile_cutoffs.group_name
    group by ordered_rows.group_name, decile_cutoffs.cutoff_score
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
        coalesce(score_stats.records, 0) as records,
        coalesce(score_stats.converters, 0) as converters,
        coalesce(model_groups.null_scores, 0) as null_scores,
        score_stats.cutoff_score as top_decile_min_score,
        score_stats.top_decile_records,
        score_stats.top_decile_converters,
        cast(score_stats.top_decile_converters as {{ dbt.type_numeric() }})
        / score_stats.top_decile_records as top_decile_rate,
        cast(score_stats.converters as {{ dbt.type_numeric() }}) / score_stats.records as overall_rate,
        case
            when score_stats.converters > 0
                then
                    cast(score_stats.top_decile_converters * score_stats.records as {{ dbt.type_numeric() }})
                    / (score_stats.top_decile_records * score_stats.converters)
        end as lift
    from anchor
    left join model_groups on anchor.anchor_row = 1
    left join score_stats
        on model_groups.group_name = score_stats.group_name
),

-- lift < threshold, compared exactly on the counts
failures as (
    select
        {% for column in group_columns %}{{ column }},
        {% endfor %}group_name,
        records,
        converters,
        null_scores,
        top_decile_min_score,
        top_decile_records,
        top_decile_converters,
        top_decile_rate,
        overall_rate,
        lift,
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
            when top_decile_converters * records < {{ threshold | float }} * top_decile_records * converters
                then {{ dbt.concat([
                    "'top-decile lift '",
                    decimal_sql | format(lift_rounded_down),
                    "' is below " ~ threshold ~ ": the top decile (score >= '",
                    text_sql | format("top_decile_min_score"),
                    "', '",
                    text_sql | format("top_decile_records"),
                    "' records) converts at '",
                    percent_sql | format("top_decile_rate"),
                    "'%, all '",
                    text_sql | format("records"),
                    "' records at '",
                    percent_sql | format("overall_rate"),
                    "'%'",
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
        null_scores,
        top_decile_min_score,
        top_decile_records,
        top_decile_converters,
        top_decile_rate,
        overall_rate,
        lift,
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
