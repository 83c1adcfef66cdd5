-- One row per contact with each of its enabled scores side by side (score, labels, tier).
-- depends_on: {{ ref('int_scores_prepared') }}
{{ config(materialized='view') }}
{{ scores_pivoted('contact') }}
