-- Every CRM row staging could not use, with the first check it failed (see each base model).
-- raw rows = staged rows + rejected rows, per table (tested by reconciles_with_rejects).

{%- set source_tables = [
    'companies',
    'contacts',
    'contact_custom_properties',
    'contact_company_associations',
    'deals',
    'deal_contact_associations',
    'lifecycle_stage_history',
    'lists',
    'list_memberships',
    'sales_activities',
] %}

with

{% for source_table in source_tables %}
{{ source_table }} as (

    select * from {{ ref('base_crm__' ~ source_table) }}

),

{% endfor %}
rejected_rows as (

    {%- for source_table in source_tables %}

    select
        '{{ source_table }}' as source_table,
        source_record_id,
        reject_reason,
        raw_record
    from {{ source_table }}
    where reject_reason is not null
    {%- if not loop.last %}

    union all
    {%- endif %}
    {%- endfor %}

),

final as (

    select * from rejected_rows

)

select * from final
