{#-
    Conversion falls band by band. `column_name` is the band column (e.g. tier), `band_order`
    its values from best to worst (e.g. ['Hot', 'Warm', 'Cool', 'Cold']), `outcome_column` a
    boolean converted flag (null counts as not converted). Per group of `group_by` (optional
    list of columns), bands with fewer than `min_records` rows are skipped, and every remaining
    band must convert at most `tolerance` (absolute: 0.01 = 1 point) above the previous
    remaining band. Bands not in `band_order` and null bands are ignored.
    Fails with one row per band above its predecessor, and one row per group where fewer than
    `min_bands` bands have `min_records` rows (nothing to judge). docs/score-quality-tests.md
-#}
{% test conversion_decreases_across_bands(
    model, column_name, outcome_column, band_order, group_by=none, min_records=30, tolerance=0.0, min_bands=2
) %}

{#- SQL turning a value into text, and a rate into a percentage with one decimal -#}
{%- set text_sql = "cast(%s as " ~ dbt.type_string() ~ ")" %}
{%- set percent_sql = "cast(cast(100 * %s as decimal(9, 1)) as " ~ dbt.type_string() ~ ")" %}

{%- set group_columns = quality_test_group_columns(group_by) %}
{%- set message_prefix = ["group_name", "': '"] if group_columns else [] %}

{%- set band_literals = [] %}
{%- set records_listing = [] %}
{%- for band in band_order %}
{%- do band_literals.append(dbt.string_literal(dbt.escape_single_quotes(band | string))) %}
{#- "Hot 200, Warm 10, ...": each band's records, for the message of a group that cannot be judged -#}
{%- do records_listing.append(
    dbt.string_literal(dbt.escape_single_quotes(("" if loop.first else ", ") ~ band ~ " "))
) %}
{%- do records_listing.append(
    text_sql | format("coalesce(max(case when band_rank = " ~ loop.index ~ " then records end), 0)")
) %}
{%- endfor %}
{%- set no_records_listing = dbt.string_literal(dbt.escape_single_quotes(band_order | join(" 0, ") ~ " 0")) %}
{%- set tolerance_points = ((tolerance | float) * 100) | round(2) %}

with

source_rows as (
    select
        {% for column in group_columns %}{{ column }},
        {% endfor %}{{ quality_test_group_name(group_by) }} as group_name,
        {{ text_sql | format(column_name) }} as band,
        case {{ text_sql | format(column_name) }}{% for band_literal in band_literals %}
            when {{ band_literal }} then {{ loop.index }}{% endfor %}
        end as band_rank,
        case when {{ outcome_column }} then 1 else 0 end as converted
    from {{ model }}
),

band_counts as (
    select
        {% for column in group_columns %}{{ column }},
        {% endfor %}group_name,
        band_rank,
        band,
        count(*) as records,
        cast(sum(converted) as {{ dbt.type_bigint() }}) as converters,
        cast(sum(converted) as {{ dbt.type_numeric() }}) / count(*) as conversion_rate
    from source_rows
    where band_rank is not null
    group by {% for column in group_columns %}{{ column }}, {% endfor %}group_name, band_rank, band
),

-- bands with enough rows to judge, each next to the previous judged band of its group
judged_bands as (
    select
        {% for column in group_columns %}{{ column }},
        {% endfor %}group_name,
        band_rank,
        band,
        records,
        converters,
        conversion_rate,
        lag(band) over (partition by group_name order by band_rank) as previous_band,
        lag(records) over (partition by group_name order by band_rank) as previous_records,
        lag(converters) over (partition by group_name order by band_rank) as previous_converters,
        lag(conversion_rate) over (partition by group_name order by band_rank) as previous_conversion_rate
    from band_counts
    where records >= {{ min_records }}
),

-- rate > previous rate + tolerance, compared exactly on the counts:
-- converters / records - previous_converters / previous_records > tolerance
band_increases as (
    select
        {% for column in group_columns %}{{ column }},
        {% endfor %}group_name,
        previous_band,
        previous_records,
        previous_converters,
        previous_conversion_rate,
        band,
        records,
        converters,
        conversion_rate,
        {{ dbt.concat(message_prefix + [
            "band",
            "' ('",
            text_sql | format("records"),
            "' records) converts at '",
            percent_sql | format("conversion_rate"),
            "'%, above '",
            "previous_band",
            "' ('",
            text_sql | format("previous_records"),
            "' records) at '",
            percent_sql | format("previous_conversion_rate"),
            "'% (tolerance " ~ tolerance_points ~ " points)'",
        ]) }} as message
    from judged_bands
    where
        previous_band is not null
        and converters * previous_records - previous_converters * records
        > {{ tolerance | float }} * records * previous_records
),

-- every group of the model, and one row ('all rows') when the model is empty
model_groups as (
    select distinct
        {% for column in group_columns %}{{ column }},
        {% endfor %}group_name
    from source_rows
),

anchor as (
    select 1 as anchor_row
),

band_coverage as (
    select
        group_name,
        sum(case when records >= {{ min_records }} then 1 else 0 end) as judged_bands,
        {{ dbt.concat(records_listing) }} as records_per_band
    from band_counts
    group by group_name
),

group_coverage as (
    select
        {% for column in group_columns %}model_groups.{{ column }},
        {% endfor %}coalesce(model_groups.group_name, 'all rows') as group_name,
        coalesce(band_coverage.judged_bands, 0) as judged_bands,
        coalesce(band_coverage.records_per_band, {{ no_records_listing }}) as records_per_band
    from anchor
    left join model_groups on anchor.anchor_row = 1
    left join band_coverage
        on model_groups.group_name = band_coverage.group_name
),

too_few_bands as (
    select
        {% for column in group_columns %}{{ column }},
        {% endfor %}group_name,
        cast(null as {{ dbt.type_string() }}) as previous_band,
        cast(null as {{ dbt.type_bigint() }}) as previous_records,
        cast(null as {{ dbt.type_bigint() }}) as previous_converters,
        cast(null as {{ dbt.type_numeric() }}) as previous_conversion_rate,
        cast(null as {{ dbt.type_string() }}) as band,
        cast(null as {{ dbt.type_bigint() }}) as records,
        cast(null as {{ dbt.type_bigint() }}) as converters,
        cast(null as {{ dbt.type_numeric() }}) as conversion_rate,
        {{ dbt.concat(message_prefix + [
            "'cannot judge: only '",
            text_sql | format("judged_bands"),
            "' of " ~ band_order | length ~ " bands with at least " ~ min_records ~ " records ('",
            "records_per_band",
            "'), need " ~ min_bands ~ "'",
        ]) }} as message
    from group_coverage
    where judged_bands < {{ min_bands }}
),

final as (
    select * from band_increases
    union all
    select * from too_few_bands
)

select * from final

{% endtest %}
