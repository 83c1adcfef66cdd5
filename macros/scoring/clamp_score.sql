{#- A score part clamped to [floor, total_cap]; a null floor means no lower bound. -#}
{% macro clamp_score(points, score_floor, total_cap) -%}
    case
        when {{ score_floor }} is not null and {{ points }} < {{ score_floor }} then {{ score_floor }}
        when {{ points }} > {{ total_cap }} then {{ total_cap }}
        else {{ points }}
    end
{%- endmacro %}
