{#- kiln's `test` materialization, as dbt's: the test's SQL selects the failing rows; the
    wrapper (get_test_sql) counts them with fail_calc and compares the count with warn_if and
    error_if. The runner reads the one row the statement named 'main' returns (failures,
    should_warn, should_error) and turns it into pass, warn or fail by the test's severity.
    With store_failures (or `kiln test --store-failures`) the failing rows are kept first as a
    table (or view, store_failures_as) named after the test in its schema (<target
    schema>_dbt_test__audit unless configured), and counted from there. A project or package replaces it with its own
    {% materialization test, default %} or {% materialization test, adapter='duckdb' %}. -#}

{% macro should_store_failures() -%}
  {#- store_failures_as alone turns storing on; 'ephemeral' turns it off, as in dbt. -#}
  {%- set store_failures_as = config.get('store_failures_as') -%}
  {%- if store_failures_as == 'ephemeral' -%}
    {{ return(False) }}
  {%- endif -%}
  {%- set configured = config.get('store_failures') -%}
  {%- if configured is none -%}
    {%- set configured = store_failures_as is not none or flags.STORE_FAILURES -%}
  {%- endif -%}
  {{ return(configured) }}
{%- endmacro %}

{% macro get_test_sql(main_sql, fail_calc, warn_if, error_if, limit) -%}
  {{ return(adapter.dispatch('get_test_sql', 'dbt')(main_sql, fail_calc, warn_if, error_if, limit)) }}
{%- endmacro %}

{% macro default__get_test_sql(main_sql, fail_calc, warn_if, error_if, limit) -%}
    select
      {{ fail_calc }} as failures,
      {{ fail_calc }} {{ warn_if }} as should_warn,
      {{ fail_calc }} {{ error_if }} as should_error
    from (
      {{ main_sql }}
      {{ "limit " ~ limit if limit is not none }}
    ) dbt_internal_test
{%- endmacro %}

{% materialization test, default -%}
  {%- set relations = [] -%}
  {%- if should_store_failures() -%}
    {%- set store_failures_as = config.get('store_failures_as') or 'table' -%}
    {%- if store_failures_as not in ['table', 'view'] -%}
      {{ exceptions.raise_compiler_error("store_failures_as must be 'table' or 'view', not '" ~ store_failures_as ~ "'") }}
    {%- endif -%}
    {%- set target_relation = api.Relation.create(database=this.database, schema=this.schema,
                                                  identifier=this.identifier, type=store_failures_as) -%}
    {%- do adapter.create_schema(target_relation) -%}
    {%- set old_relation = load_cached_relation(target_relation) -%}
    {%- if old_relation is not none -%}
      {%- do adapter.drop_relation(old_relation) -%}
    {%- endif -%}
    {%- call statement('store_failures', auto_begin=True) -%}
      {%- if store_failures_as == 'view' -%}
        {{ get_create_view_as_sql(target_relation, sql) }}
      {%- else -%}
        {{ get_create_table_as_sql(False, target_relation, sql) }}
      {%- endif -%}
    {%- endcall -%}
    {%- do relations.append(target_relation) -%}
    {%- do adapter.commit() -%}
    {%- set main_sql = 'select * from ' ~ target_relation -%}
  {%- else -%}
    {%- set main_sql = sql -%}
  {%- endif -%}
  {%- call statement('main', fetch_result=True, auto_begin=False) -%}
    {{ get_test_sql(main_sql, config.get('fail_calc') or 'count(*)', config.get('warn_if') or '!= 0',
                    config.get('error_if') or '!= 0', config.get('limit')) }}
  {%- endcall -%}
  {{ return({'relations': relations}) }}
{%- endmaterialization %}
