-- Lower bound of the rule-based engine: the default contact_lead_score (total, fit and
-- engagement parts) of every contact, in ONE hand-written DuckDB query that reads the raw
-- Parquet files directly. The shipped rules of seeds/scoring/ are hard-coded below; this is
-- what a hand-tuned, non-configurable engine would have to do at the least, so the time of
-- `dbt build` is judged against it (bench/README.md).
--
-- Parameters (DuckDB variables, set before running; the session time zone must be UTC):
--   SET TimeZone = 'UTC';
--   SET VARIABLE raw_dir = 'data/demo';            -- folder of the raw <table>.parquet files
--   (event tables: every <table>*.parquet, e.g. <table>.parquet + <table>_increment.parquet,
--   as the dbt sources read them)
--   SET VARIABLE seeds_dir = 'seeds';              -- the cleaning reference data (not the rules)
--   SET VARIABLE as_of = TIMESTAMP '2026-06-30';   -- scoring instant, naive UTC
--
-- The cleaning staging does and the score depends on is reproduced: ids cleaned and checked,
-- timestamps parsed (offsets honoured) and future ones (> as_of + 24 h) rejected, duplicate
-- rows of an id dropped, duplicate contacts merged by normalized email (earliest created
-- survives; its attributes, falling back to the duplicates most recently updated first),
-- events of duplicates re-attributed, emails resolved to contacts, cookies to the contact they
-- were last identified as, bots removed, job titles to seniority and function
-- (seeds/job_title_rules.csv), email domains to personal/student (seeds/email_domain_types.csv),
-- countries to sales regions, industries to the fixed list, the primary company, list
-- memberships (competitor list, audience exclusions).
-- Not reproduced (no effect on the demo data, see bench/README.md): the raw-row JSON used by
-- staging only to break ties between copies of one id with the same timestamp, and custom
-- contact properties named like a built-in property.
--
-- contact_lead_score as shipped (seeds/scoring/*.csv):
--   fit_role (cap 30)       seniority c_level 20, vp 20, director 15, manager 10,
--                           individual_contributor 3; function engineering/it/product/executive 10
--   fit_company (cap 35)    employee band 11-50 4, 51-200 10, 201-1000 18, 1001-5000 20, 5001+ 15;
--                           industry software/it_services/financial_services/cybersecurity 10;
--                           sales region NA/EMEA 5
--   fit_negative            personal email -15, student -20, company on the Competitors list -50
--   sales (cap 40, decay 25% per 30 days)      meeting completed 25, booked 20, call 5, per event
--   marketing (cap 25, decay 25% per 30 days)  marketing email open 1, click 3; forms: Demo
--                           request 15, Contact us 10, Webinar registration 5, Ebook download 4,
--                           Newsletter 1; CTA click 3; per event
--   web (cap 15, decay 50% per 30 days)        page view 0.5; page path contains /case-studies 2,
--                           /demo 3, /docs 1; per event
--   intent (cap 20)         /pricing viewed 3+ times in 30 days 15, 1-2 times 5; Demo request
--                           form in the last 14 days 10 per form
--   engagement_negative     unsubscribe -10, bounce -5, spam report -20, per event
--   total cap 100, floor 0 (total, fit and engagement parts each); members of lists 1001 and
--   1004 are excluded (null scores).

with

-- ---------------------------------------------------------------- reference data (seeds)

title_rules as (
    select
        cast(priority as integer) as priority,
        pattern,
        seniority,
        job_function
    from read_csv(getvariable('seeds_dir') || '/job_title_rules.csv', all_varchar = true, header = true)
),

domain_rules as (
    select distinct
        lower(trim(domain_pattern)) as domain_pattern,
        lower(trim(match_type)) as match_type,
        lower(trim(domain_type)) as domain_type
    from read_csv(getvariable('seeds_dir') || '/email_domain_types.csv', all_varchar = true, header = true)
),

country_regions as (
    select distinct
        nullif(trim(replace(lower(alias), '.', '')), '') as alias_key,
        sales_region
    from read_csv(getvariable('seeds_dir') || '/country_aliases.csv', all_varchar = true, header = true)
),

industry_keys as (
    select distinct
        nullif(regexp_replace(lower(nullif(trim(alias), '')), '[^a-z0-9]+', '', 'g'), '') as alias_key,
        industry
    from read_csv(getvariable('seeds_dir') || '/industry_aliases.csv', all_varchar = true, header = true)
),

bot_patterns as (
    select distinct lower(trim(pattern)) as pattern
    from read_csv(getvariable('seeds_dir') || '/bot_user_agent_patterns.csv', all_varchar = true, header = true)
    where trim(pattern) != ''
),

-- ---------------------------------------------------------------- contacts

contacts_raw as (
    select
        case
            when lower(nullif(trim(contact_id), '')) in ('null', 'none', 'nil', 'nan', 'n/a', '#n/a', 'undefined')
                then null
            else nullif(trim(contact_id), '')
        end as contact_id,
        lower(nullif(trim(email), '')) as email,
        regexp_replace(nullif(trim(job_title), ''), '  +', ' ', 'g') as job_title,
        cast(try_cast(nullif(trim(created_at), '') as timestamptz) at time zone 'UTC' as timestamp) as created_at,
        cast(try_cast(nullif(trim(updated_at), '') as timestamptz) at time zone 'UTC' as timestamp) as updated_at
    from read_parquet(getvariable('raw_dir') || '/contacts.parquet')
),

contacts_usable as (
    -- valid id, parseable and not future created_at; one row per id (most recently updated)
    select
        *,
        coalesce(regexp_matches(
            email, '^[a-z0-9_%+-]+([.][a-z0-9_%+-]+)*@([a-z0-9]([a-z0-9-]*[a-z0-9])?[.])+[a-z]{2,}$'
        ), false) as is_email_valid
    from contacts_raw
    where
        regexp_matches(contact_id, '^[A-Za-z0-9_.:-]{1,128}$')
        and created_at <= getvariable('as_of') + interval 24 hour
    qualify row_number() over (
        partition by contact_id order by coalesce(updated_at, created_at) desc nulls last
    ) = 1
),

contact_map as (
    -- every usable raw contact id -> its survivor (same valid email: earliest created)
    select
        contact_id as source_contact_id,
        first_value(contact_id) over (
            partition by case when is_email_valid then 'email:' || email else 'id:' || contact_id end
            order by created_at, contact_id
        ) as contact_id
    from contacts_usable
),

email_domains as (
    select
        email_domain,
        arg_min(
            domain_rules.domain_type,
            (case when domain_rules.match_type = 'exact' then 0 else 1 end,
             -length(domain_rules.domain_pattern), domain_rules.domain_type)
        ) as domain_type
    from (
        select distinct split_part(email, '@', 2) as email_domain
        from contacts_usable
        where is_email_valid
    ) as domains
    inner join domain_rules
        on (domain_rules.match_type = 'exact' and domains.email_domain = domain_rules.domain_pattern)
        or (
            domain_rules.match_type = 'suffix'
            and (
                domains.email_domain = domain_rules.domain_pattern
                or domains.email_domain like '%.' || domain_rules.domain_pattern
            )
        )
    group by email_domain
),

title_matches as (
    select
        titles.job_title_key,
        arg_min(title_rules.seniority, (title_rules.priority, title_rules.seniority))
            filter (where title_rules.seniority is not null) as seniority,
        arg_min(title_rules.job_function, (title_rules.priority, title_rules.job_function))
            filter (where title_rules.job_function is not null) as job_function
    from (
        select distinct lower(job_title) as job_title_key
        from contacts_usable
        where job_title is not null
    ) as titles
    inner join title_rules
        on regexp_matches(titles.job_title_key, title_rules.pattern)
    group by titles.job_title_key
),

contact_rows as (
    -- usable rows with their survivor, ranked survivor first then most recently updated
    select
        contact_map.contact_id,
        contacts_usable.email,
        contacts_usable.is_email_valid,
        case
            when not contacts_usable.is_email_valid then false
            else coalesce(email_domains.domain_type, 'work') in ('personal', 'student', 'disposable')
        end as is_personal_email,
        contacts_usable.job_title,
        coalesce(title_matches.seniority, 'unknown') as seniority,
        coalesce(title_matches.job_function, 'other') as job_function,
        row_number() over (
            partition by contact_map.contact_id
            order by
                case when contact_map.source_contact_id = contact_map.contact_id then 0 else 1 end,
                coalesce(contacts_usable.updated_at, contacts_usable.created_at) desc,
                contacts_usable.contact_id
        ) as merge_rank
    from contacts_usable
    inner join contact_map
        on contacts_usable.contact_id = contact_map.source_contact_id
    left join email_domains
        on contacts_usable.is_email_valid and split_part(contacts_usable.email, '@', 2) = email_domains.email_domain
    left join title_matches
        on lower(contacts_usable.job_title) = title_matches.job_title_key
),

contacts as (
    -- one row per surviving contact; the email and the title each come from the first row
    -- (in merge order) that has one
    select
        contact_id,
        arg_min(email, merge_rank) filter (where email is not null) as email,
        coalesce(arg_min(is_email_valid, merge_rank) filter (where email is not null), false) as is_email_valid,
        coalesce(arg_min(is_personal_email, merge_rank) filter (where email is not null), false)
            as is_personal_email,
        coalesce(arg_min(seniority, merge_rank) filter (where job_title is not null), 'unknown') as seniority,
        coalesce(arg_min(job_function, merge_rank) filter (where job_title is not null), 'unknown') as job_function
    from contact_rows
    group by contact_id
),

-- ---------------------------------------------------------------- companies and lists

companies as (
    select
        company_id,
        case
            when employee_count is null then null
            when employee_count <= 10 then '1-10'
            when employee_count <= 50 then '11-50'
            when employee_count <= 200 then '51-200'
            when employee_count <= 1000 then '201-1000'
            when employee_count <= 5000 then '1001-5000'
            else '5001+'
        end as employee_band,
        case when industry_raw is not null then coalesce(industry_keys.industry, 'other') end as industry,
        country_regions.sales_region
    from (
        select
            case
                when lower(nullif(trim(company_id), '')) in ('null', 'none', 'nil', 'nan', 'n/a', '#n/a', 'undefined')
                    then null
                else nullif(trim(company_id), '')
            end as company_id,
            case
                when try_cast(nullif(trim(cast(employee_count as varchar)), '') as double) > 0
                    then cast(round(try_cast(nullif(trim(cast(employee_count as varchar)), '') as double)) as bigint)
            end as employee_count,
            nullif(trim(industry), '') as industry_raw,
            nullif(trim(country), '') as country_raw,
            cast(try_cast(nullif(trim(created_at), '') as timestamptz) at time zone 'UTC' as timestamp) as created_at,
            cast(try_cast(nullif(trim(updated_at), '') as timestamptz) at time zone 'UTC' as timestamp) as updated_at
        from read_parquet(getvariable('raw_dir') || '/companies.parquet')
    ) as raw_companies
    left join country_regions
        on nullif(trim(replace(lower(raw_companies.country_raw), '.', '')), '') = country_regions.alias_key
    left join industry_keys
        on nullif(regexp_replace(lower(raw_companies.industry_raw), '[^a-z0-9]+', '', 'g'), '') = industry_keys.alias_key
    where
        regexp_matches(company_id, '^[A-Za-z0-9_.:-]{1,128}$')
        and created_at <= getvariable('as_of') + interval 24 hour
    qualify row_number() over (
        partition by company_id order by coalesce(updated_at, created_at) desc nulls last
    ) = 1
),

lists as (
    select
        list_id,
        list_name,
        case
            when object_type_key in ('contact', 'contacts', '01', 'person', 'people') then 'contact'
            when object_type_key in ('company', 'companies', '02', 'account', 'accounts') then 'company'
            when object_type_key in ('deal', 'deals', '03', 'opportunity', 'opportunities') then 'deal'
            else 'other'
        end as object_type
    from (
        select
            case
                when lower(nullif(trim(list_id), '')) in ('null', 'none', 'nil', 'nan', 'n/a', '#n/a', 'undefined')
                    then null
                else nullif(trim(list_id), '')
            end as list_id,
            nullif(trim(list_name), '') as list_name,
            nullif(regexp_replace(lower(nullif(trim(object_type), '')), '[^a-z0-9]+', '', 'g'), '') as object_type_key,
            cast(try_cast(nullif(trim(created_at), '') as timestamptz) at time zone 'UTC' as timestamp) as created_at
        from read_parquet(getvariable('raw_dir') || '/lists.parquet')
    ) as raw_lists
    where regexp_matches(list_id, '^[A-Za-z0-9_.:-]{1,128}$')
    qualify row_number() over (partition by list_id order by created_at desc nulls last) = 1
),

memberships as (
    select
        case
            when lower(nullif(trim(list_id), '')) in ('null', 'none', 'nil', 'nan', 'n/a', '#n/a', 'undefined')
                then null
            else nullif(trim(list_id), '')
        end as list_id,
        case
            when lower(nullif(trim(record_id), '')) in ('null', 'none', 'nil', 'nan', 'n/a', '#n/a', 'undefined')
                then null
            else nullif(trim(record_id), '')
        end as record_id
    from read_parquet(getvariable('raw_dir') || '/list_memberships.parquet')
),

competitors as (
    select distinct memberships.record_id as company_id
    from memberships
    inner join lists
        on memberships.list_id = lists.list_id
    inner join companies
        on memberships.record_id = companies.company_id
    where lists.object_type = 'company' and lower(trim(lists.list_name)) = 'competitors'
),

excluded_contacts as (
    -- audience: members of the "Customers" (1001) and "Do not contact" (1004) lists
    select distinct contact_map.contact_id
    from memberships
    inner join lists
        on memberships.list_id = lists.list_id
    inner join contact_map
        on memberships.record_id = contact_map.source_contact_id
    where lists.object_type = 'contact' and memberships.list_id in ('1001', '1004')
),

primary_companies as (
    -- usable associations by surviving contact: the primary one, else the smallest company id
    select
        contact_map.contact_id,
        arg_min(
            associations.company_id,
            (case when coalesce(associations.is_primary, false) then 0 else 1 end, associations.company_id)
        ) as company_id
    from (
        select
            case
                when lower(nullif(trim(contact_id), '')) in ('null', 'none', 'nil', 'nan', 'n/a', '#n/a', 'undefined')
                    then null
                else nullif(trim(contact_id), '')
            end as source_contact_id,
            case
                when lower(nullif(trim(company_id), '')) in ('null', 'none', 'nil', 'nan', 'n/a', '#n/a', 'undefined')
                    then null
                else nullif(trim(company_id), '')
            end as company_id,
            is_primary
        from read_parquet(getvariable('raw_dir') || '/contact_company_associations.parquet')
    ) as associations
    inner join contact_map
        on associations.source_contact_id = contact_map.source_contact_id
    inner join companies
        on associations.company_id = companies.company_id
    group by contact_map.contact_id
),

-- ---------------------------------------------------------------- events
-- Filters are ordered so that cheap ones run first on the big tables: the event types the rules
-- score (an event type already in snake_case skips the regular expressions), events not after
-- as_of (whole seconds, as the engine's datediff counts them), the contact, then the id checks.
-- Duplicate ids are dropped last: the earliest usable copy of an id is the one staging keeps,
-- and when it is after as_of so is every copy.

email_events as (
    select
        contacts.contact_id,
        'email_' || raw_email.event_type as event_type,
        raw_email.email_type,
        cast(null as varchar) as form_name,
        cast(null as varchar) as page_path,
        date_diff('second', raw_email.occurred_at, getvariable('as_of')) as age_seconds
    from (
        select
            trim(event_id) as event_id,
            lower(nullif(trim(recipient_email), '')) as recipient_email,
            case
                when regexp_matches(lower(event_type), '^[a-z0-9]+(_[a-z0-9]+)*$') then lower(event_type)
                else nullif(regexp_replace(regexp_replace(
                    lower(nullif(trim(event_type), '')), '[^a-z0-9]+', '_', 'g'), '^_+|_+$', '', 'g'), '')
            end as event_type,
            lower(nullif(trim(email_type), '')) as email_type,
            occurred_at
        from read_parquet(getvariable('raw_dir') || '/email_events*.parquet', union_by_name = true)
    ) as raw_email
    inner join contacts
        on raw_email.recipient_email = contacts.email and contacts.is_email_valid
    where
        raw_email.event_type in ('open', 'click', 'unsubscribe', 'bounce', 'spam_report')
        and date_diff('second', raw_email.occurred_at, getvariable('as_of')) >= 0
        and regexp_matches(raw_email.event_id, '^[A-Za-z0-9_.:-]{1,128}$')
        and lower(raw_email.event_id) not in ('null', 'none', 'nil', 'nan', 'undefined')
    qualify row_number() over (partition by raw_email.event_id order by raw_email.occurred_at) = 1
),

identities as (
    -- each cookie's contact: the most recent usable identification
    select
        raw_identities.anonymous_id,
        arg_min(contact_map.contact_id, (-epoch_us(raw_identities.identified_at), contact_map.contact_id))
            as contact_id
    from (
        select
            case
                when lower(nullif(trim(anonymous_id), '')) in ('null', 'none', 'nil', 'nan', 'n/a', '#n/a', 'undefined')
                    then null
                else nullif(trim(anonymous_id), '')
            end as anonymous_id,
            trim(contact_id) as source_contact_id,
            identified_at
        from read_parquet(getvariable('raw_dir') || '/identities.parquet')
    ) as raw_identities
    inner join contact_map
        on raw_identities.source_contact_id = contact_map.source_contact_id
    where
        raw_identities.anonymous_id is not null
        and raw_identities.identified_at <= getvariable('as_of') + interval 24 hour
    group by raw_identities.anonymous_id
),

bot_agents as (
    select distinct agents.user_agent
    from (
        select distinct lower(nullif(trim(user_agent), '')) as user_agent
        from read_parquet(getvariable('raw_dir') || '/web_events*.parquet', union_by_name = true)
    ) as agents
    inner join bot_patterns
        on agents.user_agent like '%' || bot_patterns.pattern || '%'
),

page_paths as (
    -- the path of each distinct page URL: lower case, no query or fragment, no trailing slash
    select
        page_url,
        coalesce(nullif(regexp_replace(
            nullif(regexp_extract(lower(page_url), '^(?:[a-z][a-z0-9+.-]*://[^/?#]*)?([^?#]*)', 1), ''),
            '/+$', '', 'g'
        ), ''), '/') as page_path
    from (
        select distinct nullif(trim(page_url), '') as page_url
        from read_parquet(getvariable('raw_dir') || '/web_events*.parquet', union_by_name = true)
    ) as urls
    where page_url is not null
),

web_events as (
    select
        coalesce(contact_map.contact_id, identities.contact_id) as contact_id,
        raw_web.event_type,
        cast(null as varchar) as email_type,
        raw_web.form_name,
        case when raw_web.event_type = 'page_view' then page_paths.page_path end as page_path,
        date_diff('second', raw_web.occurred_at, getvariable('as_of')) as age_seconds
    from (
        select
            trim(event_id) as event_id,
            trim(anonymous_id) as anonymous_id,
            trim(contact_id) as source_contact_id,
            case
                when regexp_matches(lower(event_type), '^[a-z0-9]+(_[a-z0-9]+)*$') then lower(event_type)
                else nullif(regexp_replace(regexp_replace(
                    lower(nullif(trim(event_type), '')), '[^a-z0-9]+', '_', 'g'), '^_+|_+$', '', 'g'), '')
            end as event_type,
            nullif(trim(page_url), '') as page_url,
            nullif(trim(form_name), '') as form_name,
            lower(nullif(trim(user_agent), '')) as user_agent,
            occurred_at
        from read_parquet(getvariable('raw_dir') || '/web_events*.parquet', union_by_name = true)
    ) as raw_web
    left join contact_map
        on raw_web.source_contact_id = contact_map.source_contact_id
    left join identities
        on raw_web.anonymous_id = identities.anonymous_id
    left join page_paths
        on raw_web.page_url = page_paths.page_url
    anti join bot_agents
        on raw_web.user_agent = bot_agents.user_agent
    where
        raw_web.event_type in ('page_view', 'form_submission', 'cta_click')
        and date_diff('second', raw_web.occurred_at, getvariable('as_of')) >= 0
        and coalesce(contact_map.contact_id, identities.contact_id) is not null
        and (
            -- a contact id that is not a placeholder must exist (else unknown_contact)
            contact_map.contact_id is not null
            or nullif(raw_web.source_contact_id, '') is null
            or lower(raw_web.source_contact_id) in ('null', 'none', 'nil', 'nan', 'n/a', '#n/a', 'undefined')
        )
        and raw_web.anonymous_id != ''
        and lower(raw_web.anonymous_id) not in ('null', 'none', 'nil', 'nan', 'n/a', '#n/a', 'undefined')
        and regexp_matches(raw_web.event_id, '^[A-Za-z0-9_.:-]{1,128}$')
        and lower(raw_web.event_id) not in ('null', 'none', 'nil', 'nan', 'undefined')
    qualify row_number() over (partition by raw_web.event_id order by raw_web.occurred_at) = 1
),

sales_events as (
    select
        contact_map.contact_id,
        raw_sales.event_type,
        cast(null as varchar) as email_type,
        cast(null as varchar) as form_name,
        cast(null as varchar) as page_path,
        date_diff('second', raw_sales.occurred_at, getvariable('as_of')) as age_seconds
    from (
        select
            trim(activity_id) as activity_id,
            trim(contact_id) as source_contact_id,
            nullif(regexp_replace(regexp_replace(
                lower(nullif(trim(activity_type), '')), '[^a-z0-9]+', '_', 'g'), '^_+|_+$', '', 'g'), ''
            ) as event_type,
            cast(try_cast(nullif(trim(occurred_at), '') as timestamptz) at time zone 'UTC' as timestamp) as occurred_at
        from read_parquet(getvariable('raw_dir') || '/sales_activities*.parquet', union_by_name = true)
    ) as raw_sales
    inner join contact_map
        on raw_sales.source_contact_id = contact_map.source_contact_id
    where
        raw_sales.event_type in ('call_started', 'meeting_booked', 'meeting_completed')
        and date_diff('second', raw_sales.occurred_at, getvariable('as_of')) >= 0
        and regexp_matches(raw_sales.activity_id, '^[A-Za-z0-9_.:-]{1,128}$')
        and lower(raw_sales.activity_id) not in ('null', 'none', 'nil', 'nan', 'undefined')
    qualify row_number() over (partition by raw_sales.activity_id order by raw_sales.occurred_at) = 1
),

events as (
    select * from email_events
    union all
    select * from web_events
    union all
    select * from sales_events
),

-- ---------------------------------------------------------------- rules, groups, caps

event_points as (
    select
        contact_id,
        sum(
            case event_type
                when 'meeting_completed' then 25
                when 'meeting_booked' then 20
                when 'call_started' then 5
                else 0
            end * greatest(0.0, 1.0 - 0.25 * floor(floor(age_seconds / 86400.0) / 30))
        ) as sales_points,
        sum(
            case
                when event_type = 'email_open' and lower(trim(email_type)) = 'marketing' then 1
                when event_type = 'email_click' and lower(trim(email_type)) = 'marketing' then 3
                when event_type = 'cta_click' then 3
                when event_type = 'form_submission' then
                    case lower(trim(form_name))
                        when 'demo request' then 15
                        when 'contact us' then 10
                        when 'webinar registration' then 5
                        when 'ebook download' then 4
                        when 'newsletter' then 1
                        else 0
                    end
                else 0
            end * greatest(0.0, 1.0 - 0.25 * floor(floor(age_seconds / 86400.0) / 30))
        ) as marketing_points,
        sum(
            case
                when event_type = 'page_view' then
                    0.5
                    + case when position('/case-studies' in page_path) > 0 then 2 else 0 end
                    + case when position('/demo' in page_path) > 0 then 3 else 0 end
                    + case when position('/docs' in page_path) > 0 then 1 else 0 end
                else 0
            end * greatest(0.0, 1.0 - 0.5 * floor(floor(age_seconds / 86400.0) / 30))
        ) as web_points,
        count(*) filter (
            where event_type = 'page_view' and lower(trim(page_path)) = '/pricing' and age_seconds < 30 * 86400
        ) as pricing_views_30d,
        count(*) filter (
            where event_type = 'form_submission' and lower(trim(form_name)) = 'demo request'
            and age_seconds < 14 * 86400
        ) as demo_requests_14d,
        sum(
            case event_type
                when 'email_unsubscribe' then -10
                when 'email_bounce' then -5
                when 'email_spam_report' then -20
                else 0
            end
        ) as negative_points
    from events
    group by contact_id
),

parts as (
    select
        contacts.contact_id,
        excluded_contacts.contact_id is null as is_in_audience,
        least(
            30.0,
            case contacts.seniority
                when 'c_level' then 20
                when 'vp' then 20
                when 'director' then 15
                when 'manager' then 10
                when 'individual_contributor' then 3
                else 0
            end
            + case when contacts.job_function in ('engineering', 'it', 'product', 'executive') then 10 else 0 end
        )
        + least(
            35.0,
            case companies.employee_band
                when '11-50' then 4
                when '51-200' then 10
                when '201-1000' then 18
                when '1001-5000' then 20
                when '5001+' then 15
                else 0
            end
            + case
                when companies.industry in ('software', 'it_services', 'financial_services', 'cybersecurity')
                    then 10
                else 0
            end
            + case when lower(trim(companies.sales_region)) in ('na', 'emea') then 5 else 0 end
        )
        + case when contacts.is_personal_email then -15 else 0 end
        + case when contacts.seniority = 'student' then -20 else 0 end
        + case when competitors.company_id is not null then -50 else 0 end as fit_points,
        least(40.0, coalesce(event_points.sales_points, 0))
        + least(25.0, coalesce(event_points.marketing_points, 0))
        + least(15.0, coalesce(event_points.web_points, 0))
        + least(
            20.0,
            case
                when event_points.pricing_views_30d >= 3 then 15
                when event_points.pricing_views_30d between 1 and 2 then 5
                else 0
            end
            + 10 * coalesce(event_points.demo_requests_14d, 0)
        )
        + coalesce(event_points.negative_points, 0) as engagement_points
    from contacts
    left join primary_companies
        on contacts.contact_id = primary_companies.contact_id
    left join companies
        on primary_companies.company_id = companies.company_id
    left join competitors
        on primary_companies.company_id = competitors.company_id
    left join event_points
        on contacts.contact_id = event_points.contact_id
    left join excluded_contacts
        on contacts.contact_id = excluded_contacts.contact_id
)

select
    contact_id,
    is_in_audience,
    case when is_in_audience then cast(greatest(0.0, least(100.0, fit_points + engagement_points)) as double) end as score,
    case when is_in_audience then cast(greatest(0.0, least(100.0, fit_points)) as double) end as fit_score,
    case when is_in_audience then cast(greatest(0.0, least(100.0, engagement_points)) as double) end as engagement_score
from parts
