{#- kiln's built-in materializations. Tables and views are built under a temporary name and
    swapped in inside one transaction (create x__kiln_tmp, rename x to x__kiln_backup, rename
    x__kiln_tmp to x, drop x__kiln_backup, commit), so a failed or killed build leaves the previous
    relation as it was. A project or package replaces one with its own
    {% materialization view, default %} or {% materialization view, adapter='duckdb' %}. -#}

{% macro kiln_drop_leftovers(target_relation) -%}
  {#- Temporary and backup relations of an interrupted build by another tool, or an older kiln. -#}
  {%- for suffix in ['__kiln_tmp', '__kiln_backup'] -%}
    {%- set leftover = load_cached_relation(make_temp_relation(target_relation, suffix)) -%}
    {%- if leftover is not none -%}
      {%- do adapter.drop_relation(leftover) -%}
    {%- endif -%}
  {%- endfor -%}
{%- endmacro %}

{% macro kiln_swap_in(existing_relation, intermediate_relation, target_relation) -%}
  {#- Inside the build's transaction: the new relation takes the target's name, the old one goes. -#}
  {%- if existing_relation is not none -%}
    {%- set backup_relation = make_backup_relation(target_relation, existing_relation.type) -%}
    {%- do adapter.rename_relation(existing_relation, backup_relation) -%}
  {%- endif -%}
  {%- do adapter.rename_relation(intermediate_relation, target_relation) -%}
  {%- if existing_relation is not none -%}
    {%- do adapter.drop_relation(backup_relation) -%}
  {%- endif -%}
{%- endmacro %}

{% materialization view, default -%}
  {%- set target_relation = this.incorporate(type='view') -%}
  {%- set existing_relation = load_cached_relation(this) -%}
  {%- set intermediate_relation = make_intermediate_relation(target_relation) -%}
  {{- kiln_drop_leftovers(target_relation) -}}
  {{- run_hooks(pre_hooks, inside_transaction=False) -}}
  {{- run_hooks(pre_hooks, inside_transaction=True) -}}
  {%- call statement('main') -%}
    {{ get_create_view_as_sql(intermediate_relation, sql) }}
  {%- endcall -%}
  {{- kiln_swap_in(existing_relation, intermediate_relation, target_relation) -}}
  {{- run_hooks(post_hooks, inside_transaction=True) -}}
  {%- do adapter.commit() -%}
  {{- run_hooks(post_hooks, inside_transaction=False) -}}
  {{ return({'relations': [target_relation]}) }}
{%- endmaterialization %}

{% materialization table, default -%}
  {%- set target_relation = this.incorporate(type='table') -%}
  {%- set existing_relation = load_cached_relation(this) -%}
  {%- set intermediate_relation = make_intermediate_relation(target_relation) -%}
  {{- kiln_drop_leftovers(target_relation) -}}
  {{- run_hooks(pre_hooks, inside_transaction=False) -}}
  {{- run_hooks(pre_hooks, inside_transaction=True) -}}
  {%- call statement('main') -%}
    {{ get_create_table_as_sql(False, intermediate_relation, sql) }}
  {%- endcall -%}
  {{- kiln_swap_in(existing_relation, intermediate_relation, target_relation) -}}
  {{- run_hooks(post_hooks, inside_transaction=True) -}}
  {%- do adapter.commit() -%}
  {{- run_hooks(post_hooks, inside_transaction=False) -}}
  {{ return({'relations': [target_relation]}) }}
{%- endmaterialization %}

{% materialization incremental, default -%}
  {%- set target_relation = this.incorporate(type='table') -%}
  {%- set existing_relation = load_cached_relation(this) -%}
  {%- set temp_relation = make_temp_relation(target_relation) -%}
  {%- set on_schema_change = incremental_validate_on_schema_change(config.get('on_schema_change'), default='ignore') -%}
  {%- do kiln_check_incremental_contract(on_schema_change) -%}
  {{- kiln_drop_leftovers(target_relation) -}}
  {{- run_hooks(pre_hooks, inside_transaction=False) -}}
  {{- run_hooks(pre_hooks, inside_transaction=True) -}}
  {%- set to_drop = [] -%}
  {%- if existing_relation is none -%}
    {%- call statement('main') -%}
      {{ get_create_table_as_sql(False, target_relation, sql) }}
    {%- endcall -%}
  {%- elif should_full_refresh() or not existing_relation.is_table -%}
    {#- A full refresh rebuilds the table as the table materialization does, swap included. -#}
    {%- set intermediate_relation = make_intermediate_relation(target_relation) -%}
    {%- call statement('main') -%}
      {{ get_create_table_as_sql(False, intermediate_relation, sql) }}
    {%- endcall -%}
    {{- kiln_swap_in(existing_relation, intermediate_relation, target_relation) -}}
  {%- else -%}
    {%- call statement('create_tmp_relation') -%}
      {{ get_create_table_as_sql(False, temp_relation, sql) }}
    {%- endcall -%}
    {%- do to_drop.append(temp_relation) -%}
    {%- do adapter.expand_target_column_types(from_relation=temp_relation, to_relation=target_relation) -%}
    {%- set dest_columns = process_schema_changes(on_schema_change, temp_relation, existing_relation) -%}
    {%- if not dest_columns -%}
      {%- set dest_columns = adapter.get_columns_in_relation(existing_relation) -%}
    {%- endif -%}
    {%- set incremental_strategy = config.get('incremental_strategy') or 'default' -%}
    {%- set strategy_sql_macro_func = adapter.get_incremental_strategy_macro(context, incremental_strategy) -%}
    {%- set strategy_arg_dict = ({'target_relation': target_relation, 'temp_relation': temp_relation,
                                  'unique_key': config.get('unique_key'), 'dest_columns': dest_columns,
                                  'incremental_predicates': config.get('incremental_predicates')}) -%}
    {%- call statement('main') -%}
      {{ strategy_sql_macro_func(strategy_arg_dict) }}
    {%- endcall -%}
  {%- endif -%}
  {{- run_hooks(post_hooks, inside_transaction=True) -}}
  {%- for relation in to_drop -%}
    {%- do adapter.drop_relation(relation) -%}
  {%- endfor -%}
  {%- do adapter.commit() -%}
  {{- run_hooks(post_hooks, inside_transaction=False) -}}
  {{ return({'relations': [target_relation]}) }}
{%- endmaterialization %}
