-- The property values a rule of a scored object can test: its own, and those of the
-- associated objects (contact -> its primary company and its deals; deal -> its company).
-- One row per (scored object, record, property object, property, value).
-- A table: read by every property rule.
{{ config(materialized='table') }}

with

property_values as (
    select * from {{ ref('int_property_values_unpivoted') }}
),

contacts as (
    select * from {{ ref('stg_crm__contacts') }}
),

deals as (
    select * from {{ ref('stg_crm__deals') }}
),

deal_contacts as (
    select * from {{ ref('stg_crm__deal_contact_associations') }}
),

own_values as (
    select
        object_type as scored_object_type,
        record_id,
        object_type as property_object,
        property_name,
        property_value
    from property_values
),

contact_company_values as (
    select
        'contact' as scored_object_type,
        contacts.contact_id as record_id,
        'company' as property_object,
        property_values.property_name,
        property_values.property_value
    from contacts
    inner join property_values
        on
            property_values.object_type = 'company'
            and contacts.primary_company_id = property_values.record_id
),

contact_deal_values as (
    select distinct
        'contact' as scored_object_type,
        deal_contacts.contact_id as record_id,
        'deal' as property_object,
        property_values.property_name,
        property_values.property_value
    from deal_contacts
    inner join property_values
        on
            property_values.object_type = 'deal'
            and deal_contacts.deal_id = property_values.record_id
),

deal_company_values as (
    select
        'deal' as scored_object_type,
        deals.deal_id as record_id,
        'company' as property_object,
        property_values.property_name,
        property_values.property_value
    from deals
    inner join property_values
        on
            property_values.object_type = 'company'
            and deals.company_id = property_values.record_id
),

final as (
    select * from own_values
    union all
    select * from contact_company_values
    union all
    select * from contact_deal_values
    union all
    select * from deal_company_values
)

select * from final
