-- The property values a rule of a scored object can test: its own, and those of the
-- associated objects (contact -> its primary company and its deals; deal -> its company).
-- One row per (scored object, record, property object, property, value).
-- Only the properties some rule names (of any score, any kind, names compared trimmed and
-- case-insensitively): no other value can match a rule, and the table is a fraction of
-- every property of every record.
-- A table: read by every property rule.
{{ config(materialized='cached_table') }}

with

unpivoted_values as (
    select * from {{ ref('int_property_values_unpivoted') }}
),

score_rules as (
    select * from {{ ref('score_rules') }}
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

rule_properties as (
    select distinct lower(trim(property_name)) as property_name
    from score_rules
    where property_name is not null
),

property_values as (
    select unpivoted_values.*
    from unpivoted_values
    inner join rule_properties
        on lower(unpivoted_values.property_name) = rule_properties.property_name
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
