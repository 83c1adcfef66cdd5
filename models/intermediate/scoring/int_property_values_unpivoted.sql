-- Every property of contacts, companies and deals in long form: one row per
-- (object, record, property, value). Multi-valued properties (list memberships, a
-- company's technologies) have one row per value; empty values have no row.
{%- set contact_properties = [
    'email_domain_type', 'is_personal_email', 'is_email_valid', 'seniority', 'job_function',
    'job_title', 'lead_source', 'lifecycle_stage', 'country_code', 'sales_region',
    'has_company', 'created_at',
] %}
{%- set company_properties = [
    'industry', 'employee_count', 'employee_band', 'annual_revenue', 'country_code',
    'sales_region', 'domain',
] %}
{#- Multi-valued company properties, `;`-separated in the raw data: one row per value. #}
{%- set company_multi_valued = ['region', 'technologies'] %}
{%- set deal_properties = ['deal_stage', 'pipeline', 'amount', 'is_closed', 'is_won'] %}

with

contacts as (
    select * from {{ ref('stg_crm__contacts') }}
),

companies as (
    select * from {{ ref('stg_crm__companies') }}
),

deals as (
    select * from {{ ref('stg_crm__deals') }}
),

custom_properties as (
    select * from {{ ref('stg_crm__contact_custom_properties') }}
),

list_memberships as (
    select * from {{ ref('stg_crm__list_memberships') }}
),

lists as (
    select * from {{ ref('stg_crm__lists') }}
),

contact_values as (
    {%- for property in contact_properties %}
    select
        'contact' as object_type,
        contact_id as record_id,
        '{{ property }}' as property_name,
        cast({{ property }} as {{ dbt.type_string() }}) as property_value
    from contacts
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
),

company_values as (
    {%- for property in company_properties %}
    select
        'company' as object_type,
        company_id as record_id,
        '{{ property }}' as property_name,
        cast({{ property }} as {{ dbt.type_string() }}) as property_value
    from companies
    union all
    {%- endfor %}
    {%- for property in company_multi_valued %}
    select
        'company' as object_type,
        company_id as record_id,
        '{{ property }}' as property_name,
        {{ split_to_rows(property, ';') }} as property_value
    from companies
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
),

deal_values as (
    {%- for property in deal_properties %}
    select
        'deal' as object_type,
        deal_id as record_id,
        '{{ property }}' as property_name,
        cast({{ property }} as {{ dbt.type_string() }}) as property_value
    from deals
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
),

custom_values as (
    select
        'contact' as object_type,
        contact_id as record_id,
        property_name,
        property_value
    from custom_properties
),

list_values as (
    select
        list_memberships.object_type,
        list_memberships.record_id,
        'list_name' as property_name,
        lists.list_name as property_value
    from list_memberships
    inner join lists
        on list_memberships.list_id = lists.list_id
),

unioned as (
    select * from contact_values
    union all
    select * from company_values
    union all
    select * from deal_values
    union all
    select * from custom_values
    union all
    select * from list_values
),

final as (
    select distinct
        object_type,
        record_id,
        lower(property_name) as property_name,
        trim(property_value) as property_value
    from unioned
    where
        property_value is not null
        and trim(property_value) != ''
)

select * from final
