-- The generated column and join lists defeat sqlfluff's indentation check (LT02) here only.
-- sqlfluff:exclude_rules:RF02,RF03,ST06,ST07,LT02
{#- Body of a wide, BI-friendly view: one row per record of `object_type` with, for each
    enabled score of that object, `<score_id>`, `<score_id>_label`, `<score_id>_tier`
    and, where they apply, `_fit`, `_engagement` and `_matrix` columns. The score list is read
    from the scores seed when the view is built, so a new score appears without SQL edits. -#}
{% macro scores_pivoted(object_type) %}
    {%- set columns = [] -%}
    {%- set joins = [] -%}
    {%- if execute -%}
        {%- set query -%}
            select score_id, score_type
            from {{ ref('int_scores_prepared') }}
            where is_enabled and object_type = '{{ object_type }}'
            order by score_id
        {%- endset -%}
        {%- for score_id, score_type in run_query(query).rows -%}
            {%- do columns.append(score_id ~ '.score as ' ~ score_id ~ ',') -%}
            {%- do columns.append(score_id ~ '.score_label as ' ~ score_id ~ '_label' ~ ',') -%}
            {%- do columns.append(score_id ~ '.tier as ' ~ score_id ~ '_tier' ~ ',') -%}
            {%- if score_type != 'engagement' -%}
                {%- do columns.append(score_id ~ '.fit_score as ' ~ score_id ~ '_fit' ~ ',') -%}
            {%- endif -%}
            {%- if score_type != 'fit' -%}
                {%- do columns.append(score_id ~ '.engagement_score as ' ~ score_id ~ '_engagement' ~ ',') -%}
            {%- endif -%}
            {%- if score_type == 'combined' -%}
                {%- do columns.append(score_id ~ '.matrix_label as ' ~ score_id ~ '_matrix' ~ ',') -%}
            {%- endif -%}
            {%- do joins.append(
                'left join lead_scores as ' ~ score_id ~ ' on records.record_id = ' ~ score_id
                ~ '.record_id and ' ~ score_id ~ ".score_id = '" ~ score_id ~ "'"
            ) -%}
        {%- endfor -%}
    {%- endif %}

    with

    lead_scores as (
        select * from {{ ref('lead_scores') }}
        where object_type = '{{ object_type }}'
    ),

    records as (
        select distinct record_id from lead_scores
    ),

    final as (
        select
            records.record_id as {{ object_type }}_id,
            {{- ('\n            ' ~ columns | join('\n            ')) if columns }}
            {{ as_of_timestamp() }} as scored_at
        from records
        {{- ('\n        ' ~ joins | join('\n        ')) if joins }}
    )

    select * from final
{%- endmacro %}
