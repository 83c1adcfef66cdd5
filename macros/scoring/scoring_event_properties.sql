{#- The event properties an event rule can match on. Every one is a column of
    int_events_unioned (null where the event type does not have it). -#}
{% macro scoring_event_properties() %}
    {{ return([
        'email_type', 'campaign_id', 'campaign_name', 'url',
        'page_path', 'page_url', 'page_host', 'session_id',
        'form_name', 'cta_name', 'owner_id',
    ]) }}
{% endmacro %}
