-- Every scorable event of a contact in one stream: email events, web events and sales
-- activities, with the event properties rules can match on (null where not applicable).
-- A view, though several models and tests read it: at a million contacts writing its 50.6M
-- rows took 65 s of the build, while reading the view instead of a table cost its readers at
-- most 4 s each (the predictive scoring, which reads a few columns, read it in 41 s, not 50).

with

email_events as (
    select * from {{ ref('stg_email__email_events') }}
),

web_events as (
    select * from {{ ref('stg_web__web_events') }}
),

sales_activities as (
    select * from {{ ref('stg_crm__sales_activities') }}
),

email as (
    select
        'email' as event_source,
        event_id as source_event_id,
        contact_id,
        'email_' || event_type as event_type,
        occurred_at,
        email_type,
        campaign_id,
        campaign_name,
        url,
        cast(null as {{ dbt.type_string() }}) as page_path,
        cast(null as {{ dbt.type_string() }}) as page_url,
        cast(null as {{ dbt.type_string() }}) as page_host,
        cast(null as {{ dbt.type_string() }}) as session_id,
        cast(null as {{ dbt.type_string() }}) as form_name,
        cast(null as {{ dbt.type_string() }}) as cta_name,
        cast(null as {{ dbt.type_string() }}) as owner_id
    from email_events
),

web as (
    select
        'web' as event_source,
        event_id as source_event_id,
        contact_id,
        event_type,
        occurred_at,
        cast(null as {{ dbt.type_string() }}) as email_type,
        cast(null as {{ dbt.type_string() }}) as campaign_id,
        cast(null as {{ dbt.type_string() }}) as campaign_name,
        cast(null as {{ dbt.type_string() }}) as url,
        page_path,
        page_url,
        page_host,
        session_id,
        form_name,
        cta_name,
        cast(null as {{ dbt.type_string() }}) as owner_id
    from web_events
),

sales as (
    select
        'sales' as event_source,
        activity_id as source_event_id,
        contact_id,
        activity_type as event_type,
        occurred_at,
        cast(null as {{ dbt.type_string() }}) as email_type,
        cast(null as {{ dbt.type_string() }}) as campaign_id,
        cast(null as {{ dbt.type_string() }}) as campaign_name,
        cast(null as {{ dbt.type_string() }}) as url,
        cast(null as {{ dbt.type_string() }}) as page_path,
        cast(null as {{ dbt.type_string() }}) as page_url,
        cast(null as {{ dbt.type_string() }}) as page_host,
        cast(null as {{ dbt.type_string() }}) as session_id,
        cast(null as {{ dbt.type_string() }}) as form_name,
        cast(null as {{ dbt.type_string() }}) as cta_name,
        owner_id
    from sales_activities
),

unioned as (
    select * from email
    union all
    select * from web
    union all
    select * from sales
),

final as (
    select
        event_source || ':' || source_event_id as event_id,
        *
    from unioned
)

select * from final
