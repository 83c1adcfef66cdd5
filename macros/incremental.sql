{#- Helpers of the incremental models that load raw files. -#}

{% macro delete_missing_source_files(source_relation) -%}
    {#- Post-hook of a model incremental by raw file: rows of files no longer in the source
        folder are deleted, so the model always holds exactly the current raw rows. -#}
    delete from {{ this }}
    where source_file not in (
        select distinct filename from {{ source_relation }}
    )
{%- endmacro %}
