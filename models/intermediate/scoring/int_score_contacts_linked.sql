-- Whose events feed each engagement score's record: a contact's own events; for a company
-- or a deal, the events of its associated contacts, optionally only those with the score's
-- contact_role (deals: the buying role; companies: `primary` = contacts whose primary
-- company it is). One row per (score, record, contact).

with

scores as (
    select * from {{ ref('int_scores_prepared') }}
),

contacts as (
    select * from {{ ref('stg_crm__contacts') }}
),

contact_companies as (
    select * from {{ ref('stg_crm__contact_company_associations') }}
),

deal_contacts as (
    select * from {{ ref('stg_crm__deal_contact_associations') }}
),

enabled_scores as (
    select * from scores
    where is_enabled
),

contact_links as (
    select
        enabled_scores.score_id,
        contacts.contact_id as record_id,
        contacts.contact_id
    from enabled_scores
    cross join contacts
    where enabled_scores.object_type = 'contact'
),

company_links as (
    select distinct
        enabled_scores.score_id,
        contact_companies.company_id as record_id,
        contact_companies.contact_id
    from enabled_scores
    inner join contact_companies
        on enabled_scores.contact_role is null
    where enabled_scores.object_type = 'company'
    union all
    select
        enabled_scores.score_id,
        contacts.primary_company_id as record_id,
        contacts.contact_id
    from enabled_scores
    inner join contacts
        on
            enabled_scores.contact_role = 'primary'
            and contacts.primary_company_id is not null
    where enabled_scores.object_type = 'company'
),

deal_links as (
    select distinct
        enabled_scores.score_id,
        deal_contacts.deal_id as record_id,
        deal_contacts.contact_id
    from enabled_scores
    inner join deal_contacts
        on
            enabled_scores.contact_role is null
            or enabled_scores.contact_role = lower(deal_contacts.role)
    where enabled_scores.object_type = 'deal'
),

final as (
    select * from contact_links
    union all
    select * from company_links
    union all
    select * from deal_links
)

select * from final
