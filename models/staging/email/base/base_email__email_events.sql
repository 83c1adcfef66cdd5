-- Raw email events resolved to contacts by the recipient's normalized email (a merged
-- duplicate's email is its survivor's, so events of duplicates land on the survivor).
-- Checks, first failing wins: missing_id, invalid_id, missing_timestamp, unparseable_timestamp,
-- future_timestamp (occurred_at), invalid_event_type, invalid_email (blank or malformed
-- recipient), unknown_contact (no contact has that email), then duplicate_id (earliest copy kept).
-- Reads the parsed rows (base_email__email_events_parsed, incremental) and re-evaluates every
-- check that depends on other data or the scoring date on each run.

with

parsed_rows as (

    select * from {{ ref('base_email__email_events_parsed') }}

),

contacts as (

    select * from {{ ref('stg_crm__contacts') }}

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
        source_file,
        raw_record_hash,
        event_id,
        is_event_id_valid,
        recipient_email,
        is_recipient_email_valid,
        event_type,
        campaign_id,
        campaign_name,
        email_type,
        url,
        has_occurred_at,
        occurred_at
    from parsed_rows

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
        cleaned.source_file,
        cleaned.raw_record_hash,
        case
            when cleaned.event_id is null then 'missing_id'
            when not cleaned.is_event_id_valid then 'invalid_id'
            when not cleaned.has_occurred_at then 'missing_timestamp'
            when cleaned.occurred_at is null then 'unparseable_timestamp'
            when cleaned.occurred_at > {{ max_allowed_timestamp() }} then 'future_timestamp'
            when
                cleaned.event_type is null
                or cleaned.event_type not in (
                    'sent', 'delivered', 'open', 'click', 'bounce', 'unsubscribe', 'spam_report'
                )
                then 'invalid_event_type'
            when not cleaned.is_recipient_email_valid then 'invalid_email'
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
                raw_record_hash,
                source_file
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
        source_file,
        raw_record_hash
    from ranked

)

select * from final
