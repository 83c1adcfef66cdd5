-- Raw lifecycle-stage history with contacts mapped to their surviving id and stages matched
-- against seeds/lifecycle_stages.csv (unmatched or blank: other). Checks, first failing wins:
-- missing_id (contact), missing_timestamp, unparseable_timestamp, future_timestamp (entered_at),
-- unknown_contact, duplicate_id (same raw contact, stage and time twice), duplicate_after_merge
-- (same surviving contact, stage and time).

with

source as (

    select * from {{ source('crm', 'lifecycle_stage_history') }}

),

lifecycle_stages as (

    select * from {{ ref('lifecycle_stages') }}

),

contact_id_map as (

    select * from {{ ref('stg_crm__contact_id_map') }}

),

raw_rows as (

    select
        source_rows.*,
        {{ row_to_json('source_rows') }} as raw_record
    from source as source_rows

),

stages as (

    select distinct
        {{ compact_key('alias') }} as alias_key,
        lifecycle_stage,
        cast(stage_order as {{ dbt.type_int() }}) as stage_order
    from lifecycle_stages

),

cleaned as (

    select
        {{ clean_id('contact_id') }} as source_contact_id,
        {{ compact_key('lifecycle_stage') }} as lifecycle_stage_key,
        {{ clean_string('entered_at') }} as entered_at_text,
        {{ to_utc_timestamp(clean_string('entered_at')) }} as entered_at,
        raw_record
    from raw_rows

),

checked as (

    select
        cleaned.source_contact_id,
        contact_id_map.contact_id,
        coalesce(contact_id_map.is_survivor, false) as is_survivor_row,
        coalesce(stages.lifecycle_stage, 'other') as lifecycle_stage,
        stages.stage_order,
        cleaned.entered_at,
        cleaned.raw_record,
        case
            when cleaned.source_contact_id is null then 'missing_id'
            when cleaned.entered_at_text is null then 'missing_timestamp'
            when cleaned.entered_at is null then 'unparseable_timestamp'
            when cleaned.entered_at > {{ max_allowed_timestamp() }} then 'future_timestamp'
            when contact_id_map.contact_id is null then 'unknown_contact'
        end as row_reject_reason
    from cleaned
    left join stages
        on cleaned.lifecycle_stage_key = stages.alias_key
    left join contact_id_map
        on cleaned.source_contact_id = contact_id_map.source_contact_id

),

ranked_raw as (

    select
        checked.*,
        row_number() over (
            partition by source_contact_id, lifecycle_stage, entered_at
            order by
                {{ reject_rank_order('row_reject_reason') }},
                raw_record
        ) as raw_key_rank
    from checked

),

flagged_raw as (

    select
        ranked_raw.*,
        coalesce(
            row_reject_reason,
            case when raw_key_rank > 1 then 'duplicate_id' end
        ) as raw_reject_reason
    from ranked_raw

),

ranked_merged as (

    select
        flagged_raw.*,
        row_number() over (
            partition by contact_id, lifecycle_stage, entered_at
            order by
                {{ reject_rank_order('raw_reject_reason') }},
                case when is_survivor_row then 0 else 1 end,
                source_contact_id
        ) as merged_key_rank
    from flagged_raw

),

final as (

    select
        {{ dbt.hash(dbt.concat([
            'contact_id', "'|'", 'lifecycle_stage', "'|'", dbt.safe_cast('entered_at', dbt.type_string())
        ])) }} as stage_change_id,
        contact_id,
        source_contact_id,
        lifecycle_stage,
        stage_order,
        entered_at,
        coalesce(
            raw_reject_reason,
            case when merged_key_rank > 1 then 'duplicate_after_merge' end
        ) as reject_reason,
        {{ composite_key(['source_contact_id', 'lifecycle_stage', 'entered_at']) }} as source_record_id,
        raw_record
    from ranked_merged

)

select * from final
