{#- Record ids, emails and URLs. -#}

{% macro is_valid_id(expr) -%}
    {#- A CRM / tracking id: 1 to 128 letters, digits or _-.: (no spaces, no punctuation). -#}
    {{ return(adapter.dispatch('is_valid_id', 'lead_scoring')(expr)) }}
{%- endmacro %}

{% macro default__is_valid_id(expr) -%}
    coalesce({{ regex_matches(expr, "'^[A-Za-z0-9_.:-]{1,128}$'") }}, false)
{%- endmacro %}


{% macro normalize_email(expr) -%}
    {#- Lowercase and trimmed; blank becomes null. Validity is checked by is_valid_email. -#}
    lower({{ clean_string(expr) }})
{%- endmacro %}


{% macro is_valid_email(expr) -%}
    {#- expr must already be normalized (lowercase, trimmed). -#}
    coalesce(
        {{ regex_matches(
            expr,
            "'^[a-z0-9_%+-]+([.][a-z0-9_%+-]+)*@([a-z0-9]([a-z0-9-]*[a-z0-9])?[.])+[a-z]{2,}$'"
        ) }},
        false
    )
{%- endmacro %}


{% macro email_domain(expr) -%}
    {#- Domain part of a normalized, valid email (null when the email is invalid). -#}
    case
        when {{ is_valid_email(expr) }}
            then {{ dbt.split_part(expr, "'@'", 2) }}
    end
{%- endmacro %}


{% macro url_host(expr) -%}
    {#- Lowercase host of a URL or bare domain, without scheme, credentials, port or a leading www. -#}
    {{ regex_extract(
        'lower(' ~ clean_string(expr) ~ ')',
        "'^(?:[a-z][a-z0-9+.-]*://)?(?:[^/?#@]*@)?(?:www[.])?([^/?#:]+)'",
        1
    ) }}
{%- endmacro %}


{% macro url_path(expr) -%}
    {#- Lowercase path of a URL without query or fragment, no trailing slash except for '/'. -#}
    {{ return(adapter.dispatch('url_path', 'lead_scoring')(expr)) }}
{%- endmacro %}

{% macro default__url_path(expr) -%}
    case
        when {{ clean_string(expr) }} is not null
            then coalesce(
                nullif(
                    {{ regex_replace_all(
                        regex_extract(
                            'lower(' ~ clean_string(expr) ~ ')',
                            "'^(?:[a-z][a-z0-9+.-]*://[^/?#]*)?([^?#]*)'",
                            1
                        ),
                        "'/+$'",
                        "''"
                    ) }},
                    ''
                ),
                '/'
            )
    end
{%- endmacro %}


{% macro duckdb__url_path(expr) -%}
    {#- As default__url_path, with rtrim for the trailing slashes (a regex replace anchored at
        the end is the slowest step of parsing web events). -#}
    case
        when {{ clean_string(expr) }} is not null
            then coalesce(
                nullif(
                    rtrim(
                        regexp_extract(
                            lower({{ clean_string(expr) }}),
                            '^(?:[a-z][a-z0-9+.-]*://[^/?#]*)?([^?#]*)',
                            1
                        ),
                        '/'
                    ),
                    ''
                ),
                '/'
            )
    end
{%- endmacro %}


{% macro clean_id(expr) -%}
    {#- A record id as text, trimmed; blank and null placeholders ('null', 'none', 'nan', 'n/a',
        '#n/a', 'undefined') become null, so they are reported as missing_id. -#}
    case
        when {{ is_one_of(
            'lower(' ~ clean_string(expr) ~ ')',
            ['null', 'none', 'nil', 'nan', 'n/a', '#n/a', 'undefined']
        ) }}
            then null
        else {{ clean_string(expr) }}
    end
{%- endmacro %}
