-- Raw email events resolved to contacts by the recipient's normalized email (a merged
-- duplicate's email is its survivor's, so events of duplicates land on the survivor).
-- Checks, first failing wins: missing_id, invalid_id, missing_timestamp, unparseable_timestamp,
-- future_timestamp (occurred_at), invalid_event_type, invalid_email (blank or malformed
-- recipient), unknown_contact (no contact has that email), then duplicate_id (earliest copy kept).

with

source as (

    select * from {{ source('email', 'email_events') }}

),

contacts as (

    select * from {{ ref('stg_crm__contacts') }}

),

raw_rows as (

    select
        source_rows.*,
        {{ row_to_json('source_rows') }} as raw_record
    from source as source_rows

),

contact_emails as (

    select
        email,
        contact_id
    from contacts
    where is_email_valid

),

cleaned as (

    select
        {{ clean_id('event_id') }} as event_id,
        {{ normalize_email('recipient_email') }} as recipient_email,
        {{ to_snake_case('event_type') }} as event_type,
        {{ clean_string('campaign_id') }} as campaign_id,
        {{ clean_string('campaign_name') }} as campaign_name,
        lower({{ clean_string('email_type') }}) as email_type,
        {{ clean_string('url') }} as url,
        {{ clean_string('occurred_at') }} as occurred_at_text,
        {{ to_utc_timestamp(clean_string('occurred_at')) }} as occurred_at,
        raw_record
    from raw_rows

),

checked as (

    select
        cleaned.event_id,
        contact_emails.contact_id,
        cleaned.recipient_email,
        cleaned.event_type,
        cleaned.campaign_id,
        cleaned.campaign_name,
        cleaned.email_type,
        cleaned.url,
        cleaned.occurred_at,
        cleaned.raw_record,
        case
            when cleaned.event_id is null then 'missing_id'
            when not {{ is_valid_id('cleaned.event_id') }} then 'invalid_id'
            when cleaned.occurred_at_text is null then 'missing_timestamp'
            when cleaned.occurred_at is null then 'unparseable_timestamp'
            when cleaned.occurred_at > {{ max_allowed_timestamp() }} then 'future_timestamp'
            when
                cleaned.event_type is null
                or cleaned.event_type not in (
                    'sent', 'delivered', 'open', 'click', 'bounce', 'unsubscribe', 'spam_report'
                )
                then 'invalid_event_type'
            when not {{ is_valid_email('cleaned.recipient_email') }} then 'invalid_email'
            when contact_emails.contact_id is null then 'unknown_contact'
        end as row_reject_reason
    from cleaned
    left join contact_emails
        on cleaned.recipient_email = contact_emails.email

),

ranked as (

    select
        checked.*,
        row_number() over (
            partition by event_id
            order by
                {{ reject_rank_order('row_reject_reason') }},
                occurred_at nulls last,
                raw_record
        ) as event_id_rank
    from checked

),

final as (

    select
        event_id,
        contact_id,
        recipient_email,
        event_type,
        campaign_id,
        campaign_name,
        email_type,
        url,
        occurred_at,
        coalesce(
            row_reject_reason,
            case when event_id_rank > 1 then 'duplicate_id' end
        ) as reject_reason,
        event_id as source_record_id,
        raw_record
    from ranked

)

select * from final
