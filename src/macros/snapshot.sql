{#- kiln's `snapshot` materialization: dbt's type 2 slowly changing dimension over the snapshot's
    query, written for kiln.

    The first run creates the table from the query plus the meta columns dbt_scd_id,
    dbt_updated_at, dbt_valid_from, dbt_valid_to (and dbt_is_deleted with
    hard_deletes='new_record'); config snapshot_meta_column_names renames them. Later runs, in one
    transaction:
      1. the query goes into <snapshot>__kiln_tmp, with each unique_key part and the row's
         updated_at computed once (__kiln_key_N, __kiln_updated_at);
      2. columns the query has and the table lacks are added to the table;
      3. <snapshot>__kiln_changes gets one row per change: a new key, a changed row (timestamp:
         a later updated_at; check: a check column differs), a deleted row come back
         (new_record), and with hard_deletes invalidate/new_record a current row whose key the
         query no longer has. Each row names the current version it closes (__kiln_close_scd_id,
         __kiln_close_at) and, when it adds a version, that version's values;
      4. the closed versions get their dbt_valid_to, the new versions are inserted ('main');
      5. both work tables are dropped, then commit.
    The snapshot time is read once from the warehouse and written into the SQL as a literal, so
    every statement sees the same value. A current row has dbt_valid_to null or equal to
    dbt_valid_to_current. A deleted row that comes back (new_record) starts its new version at
    the snapshot time, where its deletion record ends, so the history has no gap or overlap.
    Each piece dispatches, so a project overrides e.g. duckdb__snapshot_close_sql. -#}

{# ---- configuration ------------------------------------------------------------------------- #}

{% macro snapshot_meta_columns() -%}
  {#- dbt's meta column names, each overridable through snapshot_meta_column_names. -#}
  {%- set names = {'dbt_valid_from': 'dbt_valid_from', 'dbt_valid_to': 'dbt_valid_to',
                   'dbt_scd_id': 'dbt_scd_id', 'dbt_updated_at': 'dbt_updated_at',
                   'dbt_is_deleted': 'dbt_is_deleted'} -%}
  {%- set configured = config.get('snapshot_meta_column_names') or {} -%}
  {%- if configured is not mapping -%}
    {%- do exceptions.raise_compiler_error("snapshot_meta_column_names of " ~ model.unique_id
          ~ " must be a mapping of dbt_valid_from, dbt_valid_to, dbt_scd_id, dbt_updated_at,"
          ~ " dbt_is_deleted to column names") -%}
  {%- endif -%}
  {%- for key, value in configured.items() -%}
    {%- if key not in names -%}
      {%- do exceptions.raise_compiler_error("snapshot_meta_column_names of " ~ model.unique_id
            ~ " has an unknown key '" ~ key ~ "'; expected dbt_valid_from, dbt_valid_to,"
            ~ " dbt_scd_id, dbt_updated_at or dbt_is_deleted") -%}
    {%- endif -%}
    {%- if value -%}
      {%- do names.update({key: value}) -%}
    {%- endif -%}
  {%- endfor -%}
  {{ return(names) }}
{%- endmacro %}

{% macro snapshot_hard_deletes() -%}
  {#- hard_deletes wins; the legacy invalidate_hard_deletes: true means 'invalidate'. -#}
  {%- set mode = config.get('hard_deletes') -%}
  {%- if mode is none or mode == '' -%}
    {%- set mode = 'invalidate' if config.get('invalidate_hard_deletes') in [true, 'true', 'True'] else 'ignore' -%}
  {%- endif -%}
  {%- set mode = mode | lower -%}
  {%- if mode not in ['ignore', 'invalidate', 'new_record'] -%}
    {%- do exceptions.raise_compiler_error("hard_deletes of " ~ model.unique_id ~ " is '" ~ mode
          ~ "'; expected ignore, invalidate or new_record") -%}
  {%- endif -%}
  {{ return(mode) }}
{%- endmacro %}

{% macro snapshot_unique_key_list(unique_key) -%}
  {%- if unique_key is none or unique_key == '' or (unique_key is not string and unique_key | length == 0) -%}
    {%- do exceptions.raise_compiler_error("snapshot " ~ model.unique_id ~ " needs a unique_key"
          ~ " (a column, an expression, or a list of columns)") -%}
  {%- endif -%}
  {{ return([unique_key] if unique_key is string else (unique_key | list)) }}
{%- endmacro %}

{% macro snapshot_settings() -%}
  {#- Everything the statements need, read from the config once. -#}
  {%- set strategy = (config.get('strategy') or '') | lower -%}
  {%- if strategy not in ['timestamp', 'check'] -%}
    {%- do exceptions.raise_compiler_error("snapshot " ~ model.unique_id ~ " has strategy '"
          ~ (config.get('strategy') or '') ~ "'; expected 'timestamp' (with updated_at) or 'check'"
          ~ " (with check_cols)") -%}
  {%- endif -%}
  {%- set updated_at = config.get('updated_at') -%}
  {%- if strategy == 'timestamp' and not updated_at -%}
    {%- do exceptions.raise_compiler_error("snapshot " ~ model.unique_id ~ " uses the timestamp"
          ~ " strategy and needs updated_at, the column holding each row's last change") -%}
  {%- endif -%}
  {%- set check_cols = config.get('check_cols') -%}
  {%- if strategy == 'check' -%}
    {%- if not check_cols -%}
      {%- do exceptions.raise_compiler_error("snapshot " ~ model.unique_id ~ " uses the check"
            ~ " strategy and needs check_cols, a list of columns or 'all'") -%}
    {%- endif -%}
    {%- if check_cols is string and check_cols | lower != 'all' -%}
      {%- set check_cols = [check_cols] -%}
    {%- endif -%}
  {%- endif -%}
  {{ return({'strategy': strategy, 'updated_at': updated_at or none, 'check_cols': check_cols,
             'unique_key': snapshot_unique_key_list(config.get('unique_key')),
             'hard_deletes': snapshot_hard_deletes(), 'columns': snapshot_meta_columns(),
             'valid_to_current': config.get('dbt_valid_to_current') or none}) }}
{%- endmacro %}

{# ---- SQL pieces that differ between warehouses ---------------------------------------------- #}

{% macro snapshot_get_time() -%}
  {{ return(adapter.dispatch('snapshot_get_time', 'dbt')()) }}
{%- endmacro %}

{% macro default__snapshot_get_time() -%}
  cast({{ dbt.current_timestamp() }} as {{ dbt.type_timestamp() }})
{%- endmacro %}

{% macro snapshot_time_literal() -%}
  {#- The snapshot time, read once so every statement of the run uses the same value. -#}
  {{ return(adapter.dispatch('snapshot_time_literal', 'dbt')()) }}
{%- endmacro %}

{% macro default__snapshot_time_literal() -%}
  {%- set result = run_query('select ' ~ snapshot_get_time() ~ ' as snapshot_time') -%}
  {%- set value = result.rows[0][0] if execute and result is not none and result.rows | length > 0 else none -%}
  {%- if value is none -%}
    {{ return(snapshot_get_time()) }}
  {%- endif -%}
  {{ return("cast('" ~ value ~ "' as " ~ dbt.type_timestamp() ~ ")") }}
{%- endmacro %}

{% macro snapshot_hash_arguments(args) -%}
  {{ return(adapter.dispatch('snapshot_hash_arguments', 'dbt')(args)) }}
{%- endmacro %}

{% macro default__snapshot_hash_arguments(args) -%}
  {#- md5 of the expressions as text joined by '|', a null counting as the empty string. -#}
  {%- set parts = [] -%}
  {%- for value in args -%}
    {%- if not loop.first -%}{%- do parts.append("'|'") -%}{%- endif -%}
    {%- do parts.append("coalesce(cast(" ~ value ~ " as " ~ dbt.type_string() ~ "), '')") -%}
  {%- endfor -%}
  {{ return(dbt.hash(dbt.concat(parts))) }}
{%- endmacro %}

{% macro snapshot_values_differ(left, right) -%}
  {{ return(adapter.dispatch('snapshot_values_differ', 'dbt')(left, right)) }}
{%- endmacro %}

{% macro default__snapshot_values_differ(left, right) -%}
  {{ return(left ~ ' is distinct from ' ~ right) }}
{%- endmacro %}

{% macro mysql__snapshot_values_differ(left, right) -%}
  {{ return('not (' ~ left ~ ' <=> ' ~ right ~ ')') }}
{%- endmacro %}

{% macro snapshot_is_deleted_type() -%}
  {{ return(adapter.dispatch('snapshot_is_deleted_type', 'dbt')()) }}
{%- endmacro %}

{% macro default__snapshot_is_deleted_type() -%}
  {{ return(dbt.type_string()) }}
{%- endmacro %}

{% macro mysql__snapshot_is_deleted_type() -%}
  {{ return('varchar(16)') }}
{%- endmacro %}

{% macro snapshot_close_sql(target_relation, changes_relation, settings) -%}
  {{ return(adapter.dispatch('snapshot_close_sql', 'dbt')(target_relation, changes_relation, settings)) }}
{%- endmacro %}

{% macro default__snapshot_close_sql(target_relation, changes_relation, settings) -%}
  {%- set valid_to = adapter.quote(settings.columns.dbt_valid_to) -%}
  update {{ target_relation }} as kiln_snapshot
  set {{ valid_to }} = kiln_changes.__kiln_close_at
  from {{ changes_relation }} as kiln_changes
  where kiln_changes.__kiln_close_scd_id = kiln_snapshot.{{ adapter.quote(settings.columns.dbt_scd_id) }}
    and {{ snapshot_is_current('kiln_snapshot', settings) }}
{%- endmacro %}

{% macro mysql__snapshot_close_sql(target_relation, changes_relation, settings) -%}
  {%- set valid_to = adapter.quote(settings.columns.dbt_valid_to) -%}
  update {{ target_relation }} as kiln_snapshot
  inner join {{ changes_relation }} as kiln_changes
    on kiln_changes.__kiln_close_scd_id = kiln_snapshot.{{ adapter.quote(settings.columns.dbt_scd_id) }}
  set kiln_snapshot.{{ valid_to }} = kiln_changes.__kiln_close_at
  where {{ snapshot_is_current('kiln_snapshot', settings) }}
{%- endmacro %}

{# ---- SQL shared by every warehouse ---------------------------------------------------------- #}

{% macro snapshot_is_current(alias, settings) -%}
  {#- A current version: dbt_valid_to null, or dbt_valid_to_current when that is configured (rows
      written before it was configured keep their null). -#}
  {%- set column = alias ~ '.' ~ adapter.quote(settings.columns.dbt_valid_to) -%}
  {%- if settings.valid_to_current -%}
    ({{ column }} is null or {{ column }} = {{ settings.valid_to_current }})
  {%- else -%}
    {{ column }} is null
  {%- endif -%}
{%- endmacro %}

{% macro snapshot_valid_to_value(updated_at, settings) -%}
  {#- dbt_valid_to of a new version: null typed as updated_at, or dbt_valid_to_current. -#}
  {%- if settings.valid_to_current -%}
    coalesce(nullif({{ updated_at }}, {{ updated_at }}), {{ settings.valid_to_current }})
  {%- else -%}
    nullif({{ updated_at }}, {{ updated_at }})
  {%- endif -%}
{%- endmacro %}

{% macro snapshot_updated_at_expression(settings, now) -%}
  {{ return(settings.updated_at if settings.updated_at else now) }}
{%- endmacro %}

{% macro snapshot_scd_id_values(key_values, valid_from, settings, now) -%}
  {#- dbt_scd_id hashes the key and the version's start; a check snapshot with its own updated_at
      adds the snapshot time, since its columns can change while updated_at does not. -#}
  {%- set values = key_values + [valid_from] -%}
  {%- if settings.strategy == 'check' and settings.updated_at -%}
    {%- do values.append(now) -%}
  {%- endif -%}
  {{ return(values) }}
{%- endmacro %}

{% macro snapshot_create_sql(target_relation, sql, settings, now) -%}
  {#- The first run: the query's rows, each its first version. -#}
  {%- set columns = settings.columns -%}
  {%- set updated_at = snapshot_updated_at_expression(settings, now) -%}
  {%- set select_sql -%}
    select snapshot_query.*,
      {{ snapshot_hash_arguments(snapshot_scd_id_values(settings.unique_key, updated_at, settings, now)) }} as {{ adapter.quote(columns.dbt_scd_id) }},
      {{ updated_at }} as {{ adapter.quote(columns.dbt_updated_at) }},
      {{ updated_at }} as {{ adapter.quote(columns.dbt_valid_from) }},
      {{ snapshot_valid_to_value(updated_at, settings) }} as {{ adapter.quote(columns.dbt_valid_to) }}
      {%- if settings.hard_deletes == 'new_record' %},
      'False' as {{ adapter.quote(columns.dbt_is_deleted) }}
      {%- endif %}
    from (
{{ sql }}
    ) as snapshot_query
  {%- endset -%}
  {{ return(get_create_table_as_sql(False, target_relation, select_sql)) }}
{%- endmacro %}

{% macro snapshot_staging_sql(sql, settings, now) -%}
  {#- The query's rows with each unique_key part and updated_at computed once. -#}
    select snapshot_query.*,
      {%- for key in settings.unique_key %}
      {{ key }} as __kiln_key_{{ loop.index0 }},
      {%- endfor %}
      {{ snapshot_updated_at_expression(settings, now) }} as __kiln_updated_at
    from (
{{ sql }}
    ) as snapshot_query
{%- endmacro %}

{% macro snapshot_current_rows_sql(target_relation, settings) -%}
  {#- The table's current versions with their unique_key parts (unique_key may be an expression
      over the table's columns, so it is evaluated here, unqualified). -#}
  select snapshot_table.*,
    {%- for key in settings.unique_key %}
    {{ key }} as __kiln_key_{{ loop.index0 }},
    {%- endfor %}
    1 as __kiln_present
  from {{ target_relation }} as snapshot_table
  where {{ snapshot_is_current('snapshot_table', settings) }}
{%- endmacro %}

{% macro snapshot_row_changed(settings, source_columns) -%}
  {#- When the query's row (kiln_source) is a new version of the current one (kiln_current). -#}
  {%- if settings.strategy == 'timestamp' -%}
    {{ return('kiln_current.' ~ adapter.quote(settings.columns.dbt_updated_at) ~ ' < kiln_source.__kiln_updated_at') }}
  {%- endif -%}
  {%- if settings.check_cols is string -%}
    {%- set compared = [] -%}
    {%- for column in source_columns -%}
      {%- do compared.append(adapter.quote(column)) -%}
    {%- endfor -%}
  {%- else -%}
    {%- set compared = settings.check_cols -%}
  {%- endif -%}
  {%- set tests = [] -%}
  {%- for column in compared -%}
    {%- do tests.append(snapshot_values_differ('kiln_current.' ~ column, 'kiln_source.' ~ column)) -%}
  {%- endfor -%}
  {{ return('(' ~ (tests | join(' or ') if tests else 'false') ~ ')') }}
{%- endmacro %}

{% macro snapshot_changes_sql(target_relation, staging_relation, source_columns, settings, now) -%}
  {#- One row per change, see the top of this file. The current versions are a derived table
      rather than a CTE, which MySQL does not take inside CREATE TABLE ... AS (...). -#}
  {%- set columns = settings.columns -%}
  {%- set new_record = settings.hard_deletes == 'new_record' -%}
  {%- set key_count = settings.unique_key | length -%}
  {%- set is_deleted = "coalesce(kiln_current." ~ adapter.quote(columns.dbt_is_deleted) ~ ", 'False') = 'True'" -%}
  {%- if new_record -%}
    {%- set valid_from = "case when " ~ is_deleted ~ " then " ~ now ~ " else kiln_source.__kiln_updated_at end" -%}
  {%- else -%}
    {%- set valid_from = "kiln_source.__kiln_updated_at" -%}
  {%- endif -%}
  {%- set source_keys = [] -%}
  {%- set current_keys = [] -%}
  {%- set key_match = [] -%}
  {%- for index in range(key_count) -%}
    {%- do source_keys.append('kiln_source.__kiln_key_' ~ index) -%}
    {%- do current_keys.append('kiln_current.__kiln_key_' ~ index) -%}
    {%- do key_match.append('kiln_source.__kiln_key_' ~ index ~ ' = kiln_current.__kiln_key_' ~ index) -%}
  {%- endfor -%}
  {%- set current_rows -%}
    (
    {{ snapshot_current_rows_sql(target_relation, settings) | indent(4) }}
    ) as kiln_current
  {%- endset %}
  select
    {%- for column in source_columns %}
    kiln_source.{{ adapter.quote(column) }},
    {%- endfor %}
    kiln_current.{{ adapter.quote(columns.dbt_scd_id) }} as __kiln_close_scd_id,
    {{ valid_from }} as __kiln_close_at,
    1 as __kiln_insert,
    {{ snapshot_hash_arguments(snapshot_scd_id_values(source_keys, valid_from, settings, now)) }} as __kiln_scd_id,
    kiln_source.__kiln_updated_at as __kiln_updated_at,
    {{ valid_from }} as __kiln_valid_from,
    'False' as __kiln_is_deleted
  from {{ staging_relation }} as kiln_source
  left join {{ current_rows }}
    on {{ key_match | join(' and ') }}
  where kiln_current.__kiln_present is null
    {%- if new_record %}
    or {{ is_deleted }}
    or (not ({{ is_deleted }}) and {{ snapshot_row_changed(settings, source_columns) }})
    {%- else %}
    or {{ snapshot_row_changed(settings, source_columns) }}
    {%- endif %}
  {%- if settings.hard_deletes in ['invalidate', 'new_record'] %}
  union all
  select
    {%- for column in source_columns %}
    kiln_current.{{ adapter.quote(column) }},
    {%- endfor %}
    kiln_current.{{ adapter.quote(columns.dbt_scd_id) }} as __kiln_close_scd_id,
    {{ now }} as __kiln_close_at,
    {{ 1 if new_record else 0 }} as __kiln_insert,
    {{ snapshot_hash_arguments(current_keys + [now]) }} as __kiln_scd_id,
    {{ now }} as __kiln_updated_at,
    {{ now }} as __kiln_valid_from,
    'True' as __kiln_is_deleted
  from {{ current_rows }}
  where not exists (
      select 1 from {{ staging_relation }} as kiln_source
      where {{ key_match | join(' and ') }}
    )
    {%- if new_record %}
    and not ({{ is_deleted }})
    {%- endif %}
  {%- endif %}
{%- endmacro %}

{% macro snapshot_insert_sql(target_relation, changes_relation, source_columns, settings) -%}
  {%- set columns = settings.columns -%}
  {%- set quoted = [] -%}
  {%- for column in source_columns -%}
    {%- do quoted.append(adapter.quote(column)) -%}
  {%- endfor -%}
  insert into {{ target_relation }} ({{ quoted | join(', ') }}{{ ', ' if quoted }}{{ adapter.quote(columns.dbt_scd_id) }}, {{ adapter.quote(columns.dbt_updated_at) }}, {{ adapter.quote(columns.dbt_valid_from) }}, {{ adapter.quote(columns.dbt_valid_to) }}
    {%- if settings.hard_deletes == 'new_record' %}, {{ adapter.quote(columns.dbt_is_deleted) }}{% endif %})
  select
    {%- for column in quoted %}
    kiln_changes.{{ column }},
    {%- endfor %}
    kiln_changes.__kiln_scd_id,
    kiln_changes.__kiln_updated_at,
    kiln_changes.__kiln_valid_from,
    {{ settings.valid_to_current if settings.valid_to_current else 'null' }}
    {%- if settings.hard_deletes == 'new_record' %},
    kiln_changes.__kiln_is_deleted
    {%- endif %}
  from {{ changes_relation }} as kiln_changes
  where kiln_changes.__kiln_insert = 1
{%- endmacro %}

{% macro snapshot_check_target(target_relation, target_columns, settings) -%}
  {#- The table must be a snapshot: a table with the meta columns. -#}
  {%- set names = target_columns | map(attribute='name') | map('lower') | list -%}
  {%- set missing = [] -%}
  {%- for key in ['dbt_scd_id', 'dbt_updated_at', 'dbt_valid_from', 'dbt_valid_to'] -%}
    {%- if settings.columns[key] | lower not in names -%}
      {%- do missing.append(settings.columns[key]) -%}
    {%- endif -%}
  {%- endfor -%}
  {%- if missing -%}
    {%- do exceptions.raise_compiler_error(target_relation ~ " exists but is not a snapshot table:"
          ~ " it lacks " ~ missing | join(', ') ~ " (check snapshot_meta_column_names, or drop the"
          ~ " table to start the snapshot afresh)") -%}
  {%- endif -%}
{%- endmacro %}

{% macro snapshot_source_columns(staging_relation) -%}
  {#- The query's columns: the staging table's, without kiln's own. -#}
  {%- set found = [] -%}
  {%- for column in adapter.get_columns_in_relation(staging_relation) -%}
    {%- if not (column.name | lower).startswith('__kiln_') -%}
      {%- do found.append(column) -%}
    {%- endif -%}
  {%- endfor -%}
  {{ return(found) }}
{%- endmacro %}

{% macro snapshot_add_new_columns(target_relation, source_columns, target_columns, settings) -%}
  {#- Columns the query gained are added to the table (older versions hold null there); with
      new_record, dbt_is_deleted too when the table predates it. -#}
  {%- set missing = diff_columns(source_columns, target_columns) -%}
  {%- set target_names = target_columns | map(attribute='name') | map('lower') | list -%}
  {%- if settings.hard_deletes == 'new_record' and settings.columns.dbt_is_deleted | lower not in target_names -%}
    {%- do missing.append(api.Column.create(settings.columns.dbt_is_deleted, snapshot_is_deleted_type())) -%}
  {%- endif -%}
  {%- if missing -%}
    {%- do alter_relation_add_remove_columns(target_relation, missing, none) -%}
  {%- endif -%}
{%- endmacro %}

{# ---- the materialization -------------------------------------------------------------------- #}

{% materialization snapshot, default -%}
  {%- set settings = snapshot_settings() -%}
  {%- set target_relation = this.incorporate(type='table') -%}
  {%- set existing_relation = load_cached_relation(this) -%}
  {%- set staging_relation = make_temp_relation(target_relation) -%}
  {%- set changes_relation = make_temp_relation(target_relation, '__kiln_changes') -%}
  {%- if existing_relation is not none and not existing_relation.is_table -%}
    {%- do exceptions.raise_compiler_error(target_relation ~ " exists as a " ~ existing_relation.type
          ~ ", not a table; drop it to let the snapshot create its table") -%}
  {%- endif -%}
  {{- kiln_drop_leftovers(target_relation) -}}
  {%- set leftover = load_cached_relation(changes_relation) -%}
  {%- if leftover is not none -%}
    {%- do adapter.drop_relation(leftover) -%}
  {%- endif -%}
  {{- run_hooks(pre_hooks, inside_transaction=False) -}}
  {{- run_hooks(pre_hooks, inside_transaction=True) -}}
  {%- set now = snapshot_time_literal() -%}
  {%- if existing_relation is none -%}
    {%- call statement('main') -%}
      {{ snapshot_create_sql(target_relation, sql, settings, now) }}
    {%- endcall -%}
  {%- else -%}
    {%- set target_columns = adapter.get_columns_in_relation(target_relation) -%}
    {{- snapshot_check_target(target_relation, target_columns, settings) -}}
    {%- call statement('snapshot_staging') -%}
      {{ get_create_table_as_sql(False, staging_relation, snapshot_staging_sql(sql, settings, now)) }}
    {%- endcall -%}
    {%- set source_columns = snapshot_source_columns(staging_relation) -%}
    {%- do adapter.expand_target_column_types(from_relation=staging_relation, to_relation=target_relation) -%}
    {{- snapshot_add_new_columns(target_relation, source_columns, target_columns, settings) -}}
    {%- set source_names = source_columns | map(attribute='name') | list -%}
    {%- call statement('snapshot_changes') -%}
      {{ get_create_table_as_sql(False, changes_relation,
           snapshot_changes_sql(target_relation, staging_relation, source_names, settings, now)) }}
    {%- endcall -%}
    {%- call statement('snapshot_close') -%}
      {{ snapshot_close_sql(target_relation, changes_relation, settings) }}
    {%- endcall -%}
    {%- call statement('main') -%}
      {{ snapshot_insert_sql(target_relation, changes_relation, source_names, settings) }}
    {%- endcall -%}
    {%- do adapter.drop_relation(changes_relation) -%}
    {%- do adapter.drop_relation(staging_relation) -%}
  {%- endif -%}
  {{- run_hooks(post_hooks, inside_transaction=True) -}}
  {%- do adapter.commit() -%}
  {{- run_hooks(post_hooks, inside_transaction=False) -}}
  {{ return({'relations': [target_relation]}) }}
{%- endmaterialization %}
