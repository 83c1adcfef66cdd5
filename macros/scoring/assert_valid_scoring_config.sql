{#- Fails the build, naming every bad score, group and rule, when the scoring configuration
    (seeds/scoring/*.csv) has errors, and logs its warnings. Called by the first model of
    the scoring engine. -#}
{% macro assert_valid_scoring_config() %}
    {%- if execute and not flags.WHICH in ('parse', 'compile', 'docs', 'ls', 'list') -%}
        {%- set errors_relation = ref('int_score_config_errors') -%}
        {%- set warnings = run_query(
            'select error_message from ' ~ errors_relation
            ~ " where severity = 'warning' order by score_id, group_id, rule_id"
        ) -%}
        {%- for row in warnings.rows -%}
            {%- do exceptions.warn('Scoring configuration: ' ~ row[0]) -%}
        {%- endfor -%}
        {%- set result = run_query(
            'select error_message from ' ~ errors_relation
            ~ " where severity = 'error' order by score_id, group_id, rule_id"
        ) -%}
        {%- if result.rows | length > 0 -%}
            {%- set messages = [] -%}
            {%- for row in result.rows -%}
                {%- do messages.append('  - ' ~ row[0]) -%}
            {%- endfor -%}
            {{ exceptions.raise_compiler_error(
                'Invalid scoring configuration (seeds/scoring/*.csv), ' ~ (result.rows | length)
                ~ ' problem(s):\n' ~ (messages | join('\n'))
                ~ '\nSee docs/scoring-engine.md for the meaning of each column.'
            ) }}
        {%- endif -%}
    {%- endif -%}
{% endmacro %}
