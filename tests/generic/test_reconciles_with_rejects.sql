{#-
    Raw rows = staged rows + rejected rows, for one raw table. Apply it to the source table:
    `model` is the raw table, `staged_model` the staging model that holds its usable rows (one
    row per usable raw row) and `rejects_model` the rejects model of the source, filtered on
    source_table. Fails with one row showing the three counts when they do not add up.
-#}
{% test reconciles_with_rejects(model, staged_model, rejects_model, source_table=none) %}

{%- set table_name = source_table if source_table is not none else model.identifier %}

with

raw_rows as (

    select count(*) as raw_row_count
    from {{ model }}

),

staged_rows as (

    select count(*) as staged_row_count
    from {{ staged_model }}

),

rejected_rows as (

    select count(*) as rejected_row_count
    from {{ rejects_model }}
    where source_table = '{{ table_name }}'

),

counts as (

    select
        '{{ table_name }}' as source_table,
        raw_rows.raw_row_count,
        staged_rows.staged_row_count,
        rejected_rows.rejected_row_count,
        raw_rows.raw_row_count
        - staged_rows.staged_row_count
        - rejected_rows.rejected_row_count as unexplained_row_count
    from raw_rows
    cross join staged_rows
    cross join rejected_rows

),

final as (

    select * from counts
    where unexplained_row_count != 0

)

select * from final

{% endtest %}
