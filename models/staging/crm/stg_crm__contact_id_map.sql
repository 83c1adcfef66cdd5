-- Maps every usable raw contact id to the contact it was merged into. Contacts sharing a
-- normalized, valid email are one person: the earliest created survives (tie: smallest id).
-- A contact without a valid email is never merged.

with

contacts as (

    select * from {{ ref('base_crm__contacts') }}

),

usable_contacts as (

    select
        contact_id,
        created_at,
        case
            when is_email_valid then {{ dbt.concat(["'email:'", 'email']) }}
            else {{ dbt.concat(["'id:'", 'contact_id']) }}
        end as merge_key
    from contacts
    where reject_reason is null

),

survivors as (

    select
        contact_id as source_contact_id,
        first_value(contact_id) over (
            partition by merge_key
            order by created_at, contact_id
            rows between unbounded preceding and unbounded following
        ) as contact_id
    from usable_contacts

),

final as (

    select
        source_contact_id,
        contact_id,
        source_contact_id = contact_id as is_survivor
    from survivors

)

select * from final
