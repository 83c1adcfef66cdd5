-- Raw CRM contacts, cast, cleaned and enriched (email domain type, seniority and function from
-- the job title, country, lifecycle stage), with the reason a row cannot be used (null = usable).
-- Checks, first failing wins: missing_id, invalid_id, missing_timestamp, unparseable_timestamp,
-- future_timestamp (created_at), then duplicate_id (the most recently updated copy is kept).
-- Contacts sharing an email are not rejected: stg_crm__contact_id_map merges them.

with

source as (

    select * from {{ source('crm', 'contacts') }}

),

country_aliases as (

    select * from {{ ref('country_aliases') }}

),

email_domain_types as (

    select * from {{ ref('email_domain_types') }}

),

job_title_rules as (

    select * from {{ ref('job_title_rules') }}

),

lifecycle_stages as (

    select * from {{ ref('lifecycle_stages') }}

),

raw_rows as (

    select
        source_rows.*,
        {{ row_to_json('source_rows') }} as raw_record
    from source as source_rows

),

countries as (

    select distinct
        {{ alias_key('alias') }} as alias_key,
        country_code,
        country_name,
        sales_region
    from country_aliases

),

stages as (

    select distinct
        {{ compact_key('alias') }} as alias_key,
        lifecycle_stage
    from lifecycle_stages

),

cleaned as (

    select
        {{ clean_id('contact_id') }} as contact_id,
        {{ normalize_email('email') }} as email,
        {{ squish('first_name') }} as first_name,
        {{ squish('last_name') }} as last_name,
        {{ squish('job_title') }} as job_title,
        {{ to_snake_case('lead_source') }} as lead_source,
        {{ compact_key('lifecycle_stage') }} as lifecycle_stage_key,
        {{ clean_string('country') }} as country_raw,
        {{ clean_string('created_at') }} as created_at_text,
        {{ to_utc_timestamp(clean_string('created_at')) }} as created_at,
        {{ to_utc_timestamp(clean_string('updated_at')) }} as updated_at,
        raw_record
    from raw_rows

),

with_email_domain as (

    select
        cleaned.*,
        {{ is_valid_email('cleaned.email') }} as is_email_valid,
        {{ email_domain('cleaned.email') }} as email_domain
    from cleaned

),

-- Email domain type: an exact domain rule wins over a suffix rule (.edu, .ac.uk...), the
-- longest suffix first; a valid email matching no rule is a work email.
domains as (

    select distinct email_domain
    from with_email_domain
    where email_domain is not null

),

domain_rules as (

    select
        lower(trim(domain_pattern)) as domain_pattern,
        lower(trim(match_type)) as match_type,
        lower(trim(domain_type)) as domain_type
    from email_domain_types

),

domain_matches as (

    select
        domains.email_domain,
        domain_rules.domain_type,
        row_number() over (
            partition by domains.email_domain
            order by
                case when domain_rules.match_type = 'exact' then 0 else 1 end,
                {{ dbt.length('domain_rules.domain_pattern') }} desc,
                domain_rules.domain_type
        ) as match_rank
    from domains
    inner join domain_rules
        on (
            domain_rules.match_type = 'exact'
            and domains.email_domain = domain_rules.domain_pattern
        )
        or (
            domain_rules.match_type = 'suffix'
            and (
                domains.email_domain = domain_rules.domain_pattern
                or domains.email_domain like {{ dbt.concat(["'%.'", 'domain_rules.domain_pattern']) }}
            )
        )

),

domain_types as (

    select
        email_domain,
        domain_type
    from domain_matches
    where match_rank = 1

),

-- Seniority and function: among the rules whose pattern matches the lowercased title, the
-- lowest priority number that sets a seniority (resp. a function) wins.
titles as (

    select distinct lower(job_title) as job_title_key
    from cleaned
    where job_title is not null

),

title_matches as (

    select
        titles.job_title_key,
        job_title_rules.priority,
        job_title_rules.seniority,
        job_title_rules.job_function
    from titles
    inner join job_title_rules
        on {{ regex_matches('titles.job_title_key', 'job_title_rules.pattern') }}

),

title_seniorities as (

    select
        job_title_key,
        seniority,
        row_number() over (partition by job_title_key order by priority, seniority) as match_rank
    from title_matches
    where seniority is not null

),

title_functions as (

    select
        job_title_key,
        job_function,
        row_number() over (partition by job_title_key order by priority, job_function) as match_rank
    from title_matches
    where job_function is not null

),

enriched as (

    select
        with_email_domain.*,
        countries.country_code,
        countries.country_name,
        countries.sales_region,
        case
            when with_email_domain.lifecycle_stage_key is null then null
            else coalesce(stages.lifecycle_stage, 'other')
        end as lifecycle_stage,
        case
            when not with_email_domain.is_email_valid then 'unknown'
            else coalesce(domain_types.domain_type, 'work')
        end as email_domain_type,
        case
            when with_email_domain.job_title is null then 'unknown'
            else coalesce(title_seniorities.seniority, 'unknown')
        end as seniority,
        case
            when with_email_domain.job_title is null then 'unknown'
            else coalesce(title_functions.job_function, 'other')
        end as job_function
    from with_email_domain
    left join countries
        on {{ alias_key('with_email_domain.country_raw') }} = countries.alias_key
    left join stages
        on with_email_domain.lifecycle_stage_key = stages.alias_key
    left join domain_types
        on with_email_domain.email_domain = domain_types.email_domain
    left join title_seniorities
        on
            lower(with_email_domain.job_title) = title_seniorities.job_title_key
            and title_seniorities.match_rank = 1
    left join title_functions
        on
            lower(with_email_domain.job_title) = title_functions.job_title_key
            and title_functions.match_rank = 1

),

checked as (

    select
        enriched.*,
        case
            when contact_id is null then 'missing_id'
            when not {{ is_valid_id('contact_id') }} then 'invalid_id'
            when created_at_text is null then 'missing_timestamp'
            when created_at is null then 'unparseable_timestamp'
            when created_at > {{ max_allowed_timestamp() }} then 'future_timestamp'
        end as row_reject_reason
    from enriched

),

ranked as (

    select
        checked.*,
        row_number() over (
            partition by contact_id
            order by
                {{ reject_rank_order('row_reject_reason') }},
                coalesce(updated_at, created_at) desc nulls last,
                raw_record
        ) as contact_id_rank
    from checked

),

final as (

    select
        contact_id,
        email,
        email_domain,
        is_email_valid,
        email_domain_type,
        email_domain_type in ('personal', 'student', 'disposable') as is_personal_email,
        first_name,
        last_name,
        job_title,
        seniority,
        job_function,
        lead_source,
        lifecycle_stage,
        country_code,
        country_name,
        sales_region,
        created_at,
        updated_at,
        coalesce(
            row_reject_reason,
            case when contact_id_rank > 1 then 'duplicate_id' end
        ) as reject_reason,
        contact_id as source_record_id,
        raw_record
    from ranked

)

select * from final
