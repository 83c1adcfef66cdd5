with

custom_properties as (

    select * from {{ ref('base_crm__contact_custom_properties') }}

),

final as (

    select
        contact_id,
        property_name,
        property_value,
        updated_at
    from custom_properties
    where reject_reason is null

)

select * from final
