{#-
    Predicted probabilities match observed conversion: expected calibration error (ECE)
    <= `threshold` per group of `group_by` (optional list of columns). `column_name` is the
    predicted probability in [0, 1], `outcome_column` a boolean converted flag (null counts as
    not converted). Rows are split into `bins` equal-count bins by probability, as ntile does,
    except that tied probabilities always share a bin (bin = floor((rank - 1) * bins / rows) + 1
    with rank() over the probability), so the result never depends on row order.
    ECE = sum over bins of (bin rows / rows) * |mean probability - conversion rate|. Rows with a
    null probability are left out and counted in the message. Fails with one row per group
    whose ECE is above `threshold` (the message names the worst bin), or that has fewer than
    `min_records` rows with a probability. docs/score-quality-tests.md
-#}
{% test calibration_error_at_most(
    model, column_name, outcome_column, threshold, bins=10, group_by=none, min_records=100
) %}

{#- SQL turning a value into text, a rate into a percentage and a number into three decimals -#}
{%- set text_sql = "cast(%s as " ~ dbt.type_string() ~ ")" %}
{%- set percent_sql = "cast(cast(100 * %s as decimal(9, 1)) as " ~ dbt.type_string() ~ ")" %}
{%- set decimal_sql = "cast(cast(%s as decimal(9, 3)) as " ~ dbt.type_string() ~ ")" %}

{%- set group_columns = quality_test_group_columns(group_by) %}
{%- set message_prefix = ["group_name", "': '"] if group_columns else [] %}

with

source_rows as (
    select
        {% for column in group_columns %}{{ column }},
        {% endfor %}{{ quality_test_group_name(group_by) }} as group_name,
        {{ column_name }} as probability,
        case when {{ outcome_column }} then 1 else 0 end as converted
    from {{ model }}
),

ranked_rows as (
    select
        group_name,
        probability,
        converted,
        rank() over (partition by group_name order by probability) as probability_rank,
        count(*) over (partition by group_name) as records
    from source_rows
    where probability is not null
),

-- equal-count bins like ntile, but a tie never straddles two bins
binned_rows as (
    select
        group_name,
        probability,
        converted,
        cast(floor((probability_rank - 1) * {{ bins | int }} / records) as {{ dbt.type_int() }}) + 1 as bin
    from ranked_rows
),

bin_stats as (
    select
        group_name,
        bin,
        count(*) as bin_records,
        min(probability) as min_probability,
        max(probability) as max_probability,
        avg(probability) as mean_probability,
        cast(sum(converted) as {{ dbt.type_numeric() }}) / count(*) as conversion_rate
    from binned_rows
    group by group_name, bin
),

bin_errors as (
    select
        group_name,
        bin,
        bin_records,
        min_probability,
        max_probability,
        mean_probability,
        conversion_rate,
        abs(mean_probability - conversion_rate) as calibration_gap,
        cast(sum(bin_records) over (partition by group_name) as {{ dbt.type_bigint() }}) as records,
        row_number() over (
            partition by group_name
            order by abs(mean_probability - conversion_rate) desc, bin asc
        ) as gap_rank
    from bin_stats
),

group_errors as (
    select
        group_name,
        max(records) as records,
        count(*) as bins_used,
        sum(bin_records * calibration_gap) / max(records) as calibration_error
    from bin_errors
    group by group_name
),

worst_bins as (
    select
        group_name,
        bin,
        bin_records,
        min_probability,
        max_probability,
        mean_probability,
        conversion_rate
    from bin_errors
    where gap_rank = 1
),

-- every group of the model, and one row ('all rows') when the model is empty
model_groups as (
    select
        {% for column in group_columns %}{{ column }},
        {% endfor %}group_name,
        count(*) - count(probability) as null_probabilities
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
        coalesce(group_errors.records, 0) as records,
        coalesce(model_groups.null_probabilities, 0) as null_probabilities,
        group_errors.bins_used,
        group_errors.calibration_error,
        worst_bins.bin as worst_bin,
        worst_bins.bin_records as worst_bin_records,
        worst_bins.min_probability as worst_bin_min_probability,
        worst_bins.max_probability as worst_bin_max_probability,
        worst_bins.mean_probability as worst_bin_mean_probability,
        worst_bins.conversion_rate as worst_bin_conversion_rate
    from anchor
    left join model_groups on anchor.anchor_row = 1
    left join group_errors
        on model_groups.group_name = group_errors.group_name
    left join worst_bins
        on model_groups.group_name = worst_bins.group_name
),

failures as (
    select
        {% for column in group_columns %}{{ column }},
        {% endfor %}group_name,
        records,
        null_probabilities,
        bins_used,
        calibration_error,
        worst_bin,
        worst_bin_records,
        worst_bin_min_probability,
        worst_bin_max_probability,
        worst_bin_mean_probability,
        worst_bin_conversion_rate,
        case
            when records < {{ min_records }}
                then {{ dbt.concat([
                    "'cannot judge: only '",
                    text_sql | format("records"),
                    "' records with a probability (need " ~ min_records ~ ")'",
                ]) }}
            when calibration_error > {{ threshold | float }}
                then {{ dbt.concat([
                    "'expected calibration error '",
                    decimal_sql | format("calibration_error"),
                    "' is above " ~ threshold ~ " ('",
                    text_sql | format("records"),
                    "' records in '",
                    text_sql | format("bins_used"),
                    "case when bins_used = 1 then ' bin' else ' bins' end",
                    "'); worst bin '",
                    text_sql | format("worst_bin"),
                    "' (probability '",
                    text_sql | format("worst_bin_min_probability"),
                    "' to '",
                    text_sql | format("worst_bin_max_probability"),
                    "'): '",
                    text_sql | format("worst_bin_records"),
                    "' records predicted '",
                    percent_sql | format("worst_bin_mean_probability"),
                    "'% on average, '",
                    percent_sql | format("worst_bin_conversion_rate"),
                    "'% converted'",
                ]) }}
        end as failure
    from checked_groups
),

final as (
    select
        {% for column in group_columns %}{{ column }},
        {% endfor %}group_name,
        records,
        null_probabilities,
        bins_used,
        calibration_error,
        worst_bin,
        worst_bin_records,
        worst_bin_min_probability,
        worst_bin_max_probability,
        worst_bin_mean_probability,
        worst_bin_conversion_rate,
        {{ dbt.concat(message_prefix + [
            "failure",
            "case when null_probabilities > 0 then "
            ~ dbt.concat(["'; '", text_sql | format("null_probabilities"), "' rows with a null probability left out'"])
            ~ " else '' end",
        ]) }} as message
    from failures
    where failure is not null
)

select * from final

{% endtest %}
