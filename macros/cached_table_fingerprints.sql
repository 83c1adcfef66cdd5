-- noqa: disable=LT02
-- (Jinja-only macro bodies: sqlfluff reads their whitespace as indented SQL)
{# Helpers of the cached_table materialization (macros/materializations/cached_table.sql). #}

{% macro cached_table_fingerprints_relation() -%}
    {#- Where the fingerprints of the cached tables are kept: one table in the target schema. -#}
    {{ return(api.Relation.create(
        database=target.database, schema=target.schema, identifier='cached_table_fingerprints')) }}
{%- endmacro %}


{% macro create_cached_table_fingerprints() -%}
    {#- on-run-start hook: creates the fingerprints table once per run, before models run in
        parallel (two threads creating it at once would conflict). -#}
    {{ return(adapter.dispatch('create_cached_table_fingerprints', 'lead_scoring')()) }}
{%- endmacro %}


{% macro default__create_cached_table_fingerprints() -%}
    select 1 as no_cached_table_fingerprints
{%- endmacro %}


{% macro duckdb__create_cached_table_fingerprints() -%}
    create schema if not exists {{ cached_table_fingerprints_relation().without_identifier() }};
    create table if not exists {{ cached_table_fingerprints_relation() }} (
        relation_name varchar,
        inputs_fingerprint varchar,
        built_at timestamp
    )
{%- endmacro %}


{% macro cached_table_fingerprint() -%}
    {#- The fingerprint of what the current model's table would be computed from (see the
        cached_table materialization); none when it cannot be fingerprinted. -#}
    {{ return(adapter.dispatch('cached_table_fingerprint', 'lead_scoring')()) }}
{%- endmacro %}


{% macro default__cached_table_fingerprint() -%}
    {{ return(none) }}
{%- endmacro %}


{% macro duckdb__cached_table_fingerprint() -%}
    {%- for volatile in ['current_timestamp', 'current_date', 'now()', 'random()', 'uuid()', 'gen_random_uuid'] -%}
        {%- if volatile in compiled_code | lower -%}
            {{ return(none) }}
        {%- endif -%}
    {%- endfor -%}
    {#- Walk the inputs: through views to what they read; every other input is read whole. -#}
    {%- set walk = namespace(pending=model.depends_on.nodes | list, seen=[], tables=[], views=[], known=true) -%}
    {%- for _ in range(100) if walk.pending -%}
        {%- set next = [] -%}
        {%- for unique_id in walk.pending if unique_id not in walk.seen -%}
            {%- do walk.seen.append(unique_id) -%}
            {%- if unique_id in graph.sources -%}
                {%- set node = graph.sources[unique_id] -%}
                {%- do walk.tables.append((unique_id, source(node.source_name, node.name))) -%}
            {%- elif unique_id in graph.nodes -%}
                {%- set node = graph.nodes[unique_id] -%}
                {%- set relation = api.Relation.create(
                    database=node.database, schema=node.schema, identifier=node.alias) -%}
                {%- if node.resource_type == 'model' and node.config.materialized == 'view' -%}
                    {%- do walk.views.append((unique_id, relation)) -%}
                    {%- do next.extend(node.depends_on.nodes) -%}
                {%- elif node.resource_type in ['model', 'seed', 'snapshot']
                    and node.config.materialized != 'ephemeral' -%}
                    {%- do walk.tables.append((unique_id, relation)) -%}
                {%- else -%}
                    {%- set walk.known = false -%}
                {%- endif -%}
            {%- else -%}
                {%- set walk.known = false -%}
            {%- endif -%}
        {%- endfor -%}
        {%- set walk.pending = next -%}
    {%- endfor -%}
    {%- if not walk.known or walk.pending -%}
        {{ return(none) }}
    {%- endif -%}
    {#- the code without the database name: a copy of the file (the refresh builds in one)
        keeps its fingerprints -#}
    {%- set code = compiled_code | replace(adapter.quote(this.database) ~ '.', '') -%}
    {%- set parts = ["select 'code' as input_id, '" ~ local_md5(code) ~ "' as signature"] -%}
    {%- for unique_id, relation in walk.tables -%}
        {%- do parts.append(
            "select '" ~ unique_id ~ "', cast(count(*) as varchar) || ':'"
            ~ " || coalesce(cast(sum(" ~ row_fingerprint('input_rows') ~ ") as varchar), '')"
            ~ " from " ~ relation ~ " as input_rows") -%}
    {%- endfor -%}
    {%- for unique_id, relation in walk.views -%}
        {%- do parts.append(
            "select '" ~ unique_id ~ "', coalesce(max(sql), 'missing') from duckdb_views()"
            ~ " where database_name = '" ~ relation.database ~ "' and schema_name = '"
            ~ relation.schema ~ "' and view_name = '" ~ relation.identifier ~ "'") -%}
    {%- endfor -%}
    {%- set signatures = run_query(parts | join('\nunion all\n')) -%}
    {%- set lines = [] -%}
    {%- for row in signatures.rows -%}
        {%- do lines.append(row[0] ~ '=' ~ row[1]) -%}
    {%- endfor -%}
    {{ return(local_md5(lines | sort | join('\n'))) }}
{%- endmacro %}


{% macro cached_table_name() -%}
    {#- The current model's key in the fingerprints table: schema and name, not the database (a
        copy of the file keeps its fingerprints). -#}
    {{ return((this.schema ~ '.' ~ this.identifier) | replace("'", "''")) }}
{%- endmacro %}


{% macro cached_table_stored_fingerprint() -%}
    {#- The fingerprint recorded when the current model's table was last built (none if none). -#}
    {%- set stored = run_query(
        "select max(inputs_fingerprint) from " ~ cached_table_fingerprints_relation()
        ~ " where relation_name = '" ~ cached_table_name() ~ "'") -%}
    {{ return(stored.rows[0][0] if stored.rows else none) }}
{%- endmacro %}


{% macro cached_table_record_fingerprint(fingerprint) -%}
    {#- Records the fingerprint of the table just built (null: it is never kept). -#}
    {%- set name = cached_table_name() -%}
    {%- call statement('record_cached_table_fingerprint', auto_begin=False) -%}
        begin;
        delete from {{ cached_table_fingerprints_relation() }} where relation_name = '{{ name }}';
        insert into {{ cached_table_fingerprints_relation() }}
        values (
            '{{ name }}',
            {{ "'" ~ fingerprint ~ "'" if fingerprint is not none else 'null' }},
            {{ loaded_at_timestamp() }}
        );
        commit;
    {%- endcall -%}
{%- endmacro %}
