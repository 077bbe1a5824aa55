{#- Incremental models: strategies (append, merge, delete+insert) and on_schema_change. A strategy
    is a macro get_incremental_<strategy>_sql(arg_dict), so projects add their own by defining
    one; arg_dict holds target_relation, temp_relation, unique_key, dest_columns and
    incremental_predicates. -#}

{% macro incremental_validate_on_schema_change(on_schema_change, default='ignore') -%}
  {%- if on_schema_change is none -%}
    {{ return(default) }}
  {%- elif on_schema_change not in ['ignore', 'fail', 'append_new_columns', 'sync_all_columns'] -%}
    {%- do exceptions.warn("on_schema_change '" ~ on_schema_change ~ "' of " ~ model.unique_id
        ~ " is not one of ignore, fail, append_new_columns, sync_all_columns; using '" ~ default ~ "'") -%}
    {{ return(default) }}
  {%- else -%}
    {{ return(on_schema_change) }}
  {%- endif -%}
{%- endmacro %}

{% macro diff_columns(source_columns, target_columns) -%}
  {#- The columns of source_columns whose name target_columns lacks (names compare ignoring case). -#}
  {%- set target_names = target_columns | map(attribute='name') | map('lower') | list -%}
  {%- set missing = [] -%}
  {%- for column in source_columns -%}
    {%- if column.name | lower not in target_names -%}
      {%- do missing.append(column) -%}
    {%- endif -%}
  {%- endfor -%}
  {{ return(missing) }}
{%- endmacro %}

{% macro diff_column_data_types(source_columns, target_columns) -%}
  {%- set changed = [] -%}
  {%- for source_column in source_columns -%}
    {%- for target_column in target_columns -%}
      {%- if target_column.name | lower == source_column.name | lower
            and target_column.data_type != source_column.data_type -%}
        {%- do changed.append({'column_name': target_column.name, 'new_type': source_column.data_type}) -%}
      {%- endif -%}
    {%- endfor -%}
  {%- endfor -%}
  {{ return(changed) }}
{%- endmacro %}

{% macro check_for_schema_changes(source_relation, target_relation) -%}
  {%- set source_columns = adapter.get_columns_in_relation(source_relation) -%}
  {%- set target_columns = adapter.get_columns_in_relation(target_relation) -%}
  {%- set source_not_in_target = diff_columns(source_columns, target_columns) -%}
  {%- set target_not_in_source = diff_columns(target_columns, source_columns) -%}
  {%- set new_target_types = diff_column_data_types(source_columns, target_columns) -%}
  {%- set schema_changed = (source_not_in_target | length > 0) or (target_not_in_source | length > 0)
                           or (new_target_types | length > 0) -%}
  {{ return({'schema_changed': schema_changed, 'source_not_in_target': source_not_in_target,
             'target_not_in_source': target_not_in_source, 'source_columns': source_columns,
             'target_columns': target_columns, 'new_target_types': new_target_types}) }}
{%- endmacro %}

{% macro sync_column_schemas(on_schema_change, target_relation, schema_changes_dict) -%}
  {%- set add_columns = schema_changes_dict['source_not_in_target'] -%}
  {%- if on_schema_change == 'append_new_columns' -%}
    {%- if add_columns | length > 0 -%}
      {%- do alter_relation_add_remove_columns(target_relation, add_columns, none) -%}
    {%- endif -%}
  {%- elif on_schema_change == 'sync_all_columns' -%}
    {%- set remove_columns = schema_changes_dict['target_not_in_source'] -%}
    {%- if add_columns | length > 0 or remove_columns | length > 0 -%}
      {%- do alter_relation_add_remove_columns(target_relation, add_columns, remove_columns) -%}
    {%- endif -%}
    {%- for change in schema_changes_dict['new_target_types'] -%}
      {%- do alter_column_type(target_relation, change['column_name'], change['new_type']) -%}
    {%- endfor -%}
  {%- endif -%}
  {%- do log("on_schema_change '" ~ on_schema_change ~ "' updated the columns of " ~ target_relation, info=false) -%}
{%- endmacro %}

{% macro process_schema_changes(on_schema_change, source_relation, target_relation) -%}
  {%- if on_schema_change == 'ignore' -%}
    {{ return([]) }}
  {%- endif -%}
  {%- set changes = check_for_schema_changes(source_relation, target_relation) -%}
  {%- if changes['schema_changed'] -%}
    {%- if on_schema_change == 'fail' -%}
      {%- set added = changes['source_not_in_target'] | map(attribute='name') | join(', ') -%}
      {%- set removed = changes['target_not_in_source'] | map(attribute='name') | join(', ') -%}
      {%- set retyped = changes['new_target_types'] | map(attribute='column_name') | join(', ') -%}
      {%- do exceptions.raise_compiler_error(
            "the columns of " ~ target_relation ~ " no longer match the model's SQL"
            ~ " (new: " ~ (added or 'none') ~ "; gone: " ~ (removed or 'none')
            ~ "; new type: " ~ (retyped or 'none') ~ ") and on_schema_change is 'fail'."
            ~ " Set on_schema_change to append_new_columns or sync_all_columns, or rebuild the"
            ~ " table with --full-refresh") -%}
    {%- endif -%}
    {%- do sync_column_schemas(on_schema_change, target_relation, changes) -%}
  {%- endif -%}
  {{ return(changes['source_columns']) }}
{%- endmacro %}

{% macro get_incremental_default_sql(arg_dict) -%}
  {{ return(adapter.dispatch('get_incremental_default_sql', 'dbt')(arg_dict)) }}
{%- endmacro %}

{% macro default__get_incremental_default_sql(arg_dict) -%}
  {#- With a unique_key, rows that come again replace their old version; without one, rows are
      appended. -#}
  {%- if arg_dict['unique_key'] -%}
    {{ return(get_incremental_delete_insert_sql(arg_dict)) }}
  {%- else -%}
    {{ return(get_incremental_append_sql(arg_dict)) }}
  {%- endif -%}
{%- endmacro %}

{% macro get_incremental_append_sql(arg_dict) -%}
  {{ return(adapter.dispatch('get_incremental_append_sql', 'dbt')(arg_dict)) }}
{%- endmacro %}

{% macro default__get_incremental_append_sql(arg_dict) -%}
  {{ return(get_insert_into_sql(arg_dict['target_relation'], arg_dict['temp_relation'], arg_dict['dest_columns'])) }}
{%- endmacro %}

{% macro get_insert_into_sql(target_relation, temp_relation, dest_columns) -%}
  {%- set columns_csv = get_quoted_csv(dest_columns | map(attribute='name')) -%}
  insert into {{ target_relation }} ({{ columns_csv }})
  select {{ columns_csv }} from {{ temp_relation }}
{%- endmacro %}

{% macro get_incremental_delete_insert_sql(arg_dict) -%}
  {{ return(adapter.dispatch('get_incremental_delete_insert_sql', 'dbt')(arg_dict)) }}
{%- endmacro %}

{% macro default__get_incremental_delete_insert_sql(arg_dict) -%}
  {{ return(get_delete_insert_merge_sql(arg_dict['target_relation'], arg_dict['temp_relation'],
            arg_dict['unique_key'], arg_dict['dest_columns'], arg_dict['incremental_predicates'])) }}
{%- endmacro %}

{% macro get_delete_insert_merge_sql(target, source, unique_key, dest_columns, incremental_predicates=none) -%}
  {{ return(adapter.dispatch('get_delete_insert_merge_sql', 'dbt')(target, source, unique_key, dest_columns, incremental_predicates)) }}
{%- endmacro %}

{% macro default__get_delete_insert_merge_sql(target, source, unique_key, dest_columns, incremental_predicates) -%}
  {%- set columns_csv = get_quoted_csv(dest_columns | map(attribute='name')) -%}
  {%- if unique_key -%}
    {%- set keys = [unique_key] if unique_key is string else unique_key -%}
  delete from {{ target }} as DBT_INTERNAL_DEST
  using {{ source }} as DBT_INTERNAL_SOURCE
  where {% for key in keys %}DBT_INTERNAL_SOURCE.{{ key }} = DBT_INTERNAL_DEST.{{ key }}{% if not loop.last %} and {% endif %}{% endfor %}
    {%- for predicate in incremental_predicates or [] %} and {{ predicate }}{% endfor %};
  {% endif -%}
  insert into {{ target }} ({{ columns_csv }})
  select {{ columns_csv }} from {{ source }}
{%- endmacro %}

{% macro get_incremental_merge_sql(arg_dict) -%}
  {{ return(adapter.dispatch('get_incremental_merge_sql', 'dbt')(arg_dict)) }}
{%- endmacro %}

{% macro default__get_incremental_merge_sql(arg_dict) -%}
  {{ return(get_merge_sql(arg_dict['target_relation'], arg_dict['temp_relation'],
            arg_dict['unique_key'], arg_dict['dest_columns'], arg_dict['incremental_predicates'])) }}
{%- endmacro %}

{% macro get_merge_sql(target, source, unique_key, dest_columns, incremental_predicates=none) -%}
  {{ return(adapter.dispatch('get_merge_sql', 'dbt')(target, source, unique_key, dest_columns, incremental_predicates)) }}
{%- endmacro %}

{% macro get_merge_update_columns(merge_update_columns, merge_exclude_columns, dest_columns) -%}
  {%- set names = [] -%}
  {%- for column in dest_columns -%}
    {%- if (not merge_update_columns or column.name in merge_update_columns)
          and column.name not in (merge_exclude_columns or []) -%}
      {%- do names.append(adapter.quote(column.name)) -%}
    {%- endif -%}
  {%- endfor -%}
  {{ return(names) }}
{%- endmacro %}

{% macro default__get_merge_sql(target, source, unique_key, dest_columns, incremental_predicates) -%}
  {%- set predicates = [] + (incremental_predicates or []) -%}
  {%- set columns_csv = get_quoted_csv(dest_columns | map(attribute='name')) -%}
  {%- set update_columns = get_merge_update_columns(config.get('merge_update_columns'),
                                                    config.get('merge_exclude_columns'), dest_columns) -%}
  {%- if unique_key -%}
    {%- for key in ([unique_key] if unique_key is string else unique_key) -%}
      {%- do predicates.append('DBT_INTERNAL_SOURCE.' ~ key ~ ' = DBT_INTERNAL_DEST.' ~ key) -%}
    {%- endfor -%}
  {%- else -%}
    {%- do predicates.append('false') -%}
  {%- endif -%}
  merge into {{ target }} as DBT_INTERNAL_DEST
  using {{ source }} as DBT_INTERNAL_SOURCE
  on {{ predicates | join(' and ') }}
  {%- if unique_key and update_columns | length > 0 %}
  when matched then update set
    {% for column in update_columns %}{{ column }} = DBT_INTERNAL_SOURCE.{{ column }}{% if not loop.last %}, {% endif %}{% endfor %}
  {%- endif %}
  when not matched then insert ({{ columns_csv }})
  values ({% for column in dest_columns %}DBT_INTERNAL_SOURCE.{{ adapter.quote(column.name) }}{% if not loop.last %}, {% endif %}{% endfor %})
{%- endmacro %}

{#- microbatch: the runner renders the model once per batch (model.batch), its inputs already
    filtered to the batch's event_time window; each batch replaces that window of the target in
    its own transaction: rows of the window are deleted, then the batch's rows inserted. -#}
{% macro get_incremental_microbatch_sql(arg_dict) -%}
  {{ return(adapter.dispatch('get_incremental_microbatch_sql', 'dbt')(arg_dict)) }}
{%- endmacro %}

{% macro default__get_incremental_microbatch_sql(arg_dict) -%}
  {%- set event_time = config.get('event_time') -%}
  {%- if model.batch is not defined or model.batch is none -%}
    {%- do exceptions.raise_compiler_error("the microbatch strategy of " ~ model.unique_id ~ " runs one batch at a time, from kiln run or kiln build") -%}
  {%- endif -%}
  {%- set columns_csv = get_quoted_csv(arg_dict['dest_columns'] | map(attribute='name')) -%}
  delete from {{ arg_dict['target_relation'] }}
  where {{ event_time }} >= '{{ model.batch.event_time_start }}'
    and {{ event_time }} < '{{ model.batch.event_time_end }}'
    {%- for predicate in arg_dict['incremental_predicates'] or [] %} and {{ predicate }}{% endfor %};
  insert into {{ arg_dict['target_relation'] }} ({{ columns_csv }})
  select {{ columns_csv }} from {{ arg_dict['temp_relation'] }}
{%- endmacro %}
