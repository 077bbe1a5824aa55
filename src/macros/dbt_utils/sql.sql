{#- kiln's dbt_utils-compatible SQL generators, with dbt_utils' documented names, arguments and
    defaults; the SQL is kiln's own and built on the cross-database macros of kiln's `dbt`
    package. Macros that read the warehouse (star, union_relations, unpivot, get_column_values,
    get_filtered_columns_in_relation) answer with placeholders while `execute` is false, as
    dbt_utils does at parse time. -#}

{# ---- generate_surrogate_key -------------------------------------------------------------- #}

{% macro generate_surrogate_key(field_list) -%}
    {{ return(adapter.dispatch('generate_surrogate_key', 'dbt_utils')(field_list)) }}
{%- endmacro %}

{#- md5 of the fields as text joined by '-', a null standing for a marker text (or for '' when the
    var surrogate_key_treat_nulls_as_empty_strings is true, as in dbt_utils before 1.0). -#}
{% macro default__generate_surrogate_key(field_list) -%}
{%- set null_text = '' if var('surrogate_key_treat_nulls_as_empty_strings', False) else '_dbt_utils_surrogate_key_null_' -%}
{%- set parts = [] -%}
{%- for field in field_list -%}
    {%- do parts.append("coalesce(" ~ dbt.safe_cast(field, dbt.type_string()) ~ ", '" ~ null_text ~ "')") -%}
    {%- if not loop.last %}{% do parts.append("'-'") %}{% endif -%}
{%- endfor -%}
{{ dbt.hash(dbt.concat(parts)) }}
{%- endmacro %}

{#- dbt_utils 1.0 replaced surrogate_key (which joined nulls as '') by generate_surrogate_key; a
    project still calling the old name is told so, as dbt_utils 1.x does. -#}
{% macro surrogate_key(field_list) -%}
    {{ exceptions.raise_compiler_error("dbt_utils.surrogate_key is gone since dbt_utils 1.0: use dbt_utils.generate_surrogate_key, and set the var surrogate_key_treat_nulls_as_empty_strings to true to keep the keys the old macro made") }}
{%- endmacro %}

{# ---- safe_divide ------------------------------------------------------------------------- #}

{% macro safe_divide(numerator, denominator) -%}
    {{ return(adapter.dispatch('safe_divide', 'dbt_utils')(numerator, denominator)) }}
{%- endmacro %}

{% macro default__safe_divide(numerator, denominator) -%}
    ( {{ numerator }} ) / nullif( ( {{ denominator }} ), 0)
{%- endmacro %}

{# ---- date_spine -------------------------------------------------------------------------- #}

{#- The integers 0 .. count - 1 as a column `n`, where `count` is a SQL expression. -#}
{% macro spine_numbers(count) -%}
    {{ return(adapter.dispatch('spine_numbers', 'dbt_utils')(count)) }}
{%- endmacro %}

{% macro duckdb__spine_numbers(count) -%}
select unnest(generate_series(0, cast({{ count }} as bigint) - 1)) as n
{%- endmacro %}

{% macro postgres__spine_numbers(count) -%}
select generate_series(0, cast({{ count }} as bigint) - 1) as n
{%- endmacro %}

{#- Anywhere else: six cross-joined digit tables, enough for a million periods. -#}
{% macro default__spine_numbers(count) -%}
select n from (
    select {% for power in range(6) %}d{{ power }}.d * {{ 10 ** power }}{% if not loop.last %} + {% endif %}{% endfor %} as n
    from {% for power in range(6) -%}
        (select 0 as d union all select 1 union all select 2 union all select 3 union all select 4
         union all select 5 union all select 6 union all select 7 union all select 8 union all select 9) d{{ power }}
        {%- if not loop.last %} cross join {% endif %}
    {%- endfor %}
) numbers
where n < {{ count }}
{%- endmacro %}

{% macro date_spine(datepart, start_date, end_date) -%}
    {{ return(adapter.dispatch('date_spine', 'dbt_utils')(datepart, start_date, end_date)) }}
{%- endmacro %}

{#- One row per `datepart` from start_date (included) up to end_date (excluded), in a column named
    date_<datepart>. The number of periods is computed by the warehouse, so the macro needs no
    query at compile time. -#}
{% macro default__date_spine(datepart, start_date, end_date) -%}
{%- set column = "date_" ~ datepart -%}
with spine_numbers as (
    {{ dbt_utils.spine_numbers(dbt.datediff(start_date, end_date, datepart)) }}
),
all_periods as (
    select {{ dbt.dateadd(datepart, "n", start_date) }} as {{ column }}
    from spine_numbers
)
select *
from all_periods
where {{ column }} < {{ end_date }}
{%- endmacro %}

{# ---- pivot ------------------------------------------------------------------------------- #}

{% macro pivot(column, values, alias=True, agg='sum', cmp='=', prefix='', suffix='', then_value=1, else_value=0, quote_identifiers=True, distinct=False) -%}
    {{ return(adapter.dispatch('pivot', 'dbt_utils')(column, values, alias, agg, cmp, prefix, suffix, then_value, else_value, quote_identifiers, distinct)) }}
{%- endmacro %}

{% macro default__pivot(column, values, alias, agg, cmp, prefix, suffix, then_value, else_value, quote_identifiers, distinct) -%}
{%- for value in values %}
  {{ agg }}(
    {% if distinct %}distinct {% endif -%}
    case when {{ column }} {{ cmp }} '{{ dbt.escape_single_quotes(value) }}' then {{ then_value }} else {{ else_value }} end
  )
  {%- if alias %}
    {%- if quote_identifiers %} as {{ adapter.quote(prefix ~ value ~ suffix) }}
    {%- else %} as {{ dbt_utils.slugify(prefix ~ value ~ suffix) }}
    {%- endif %}
  {%- endif %}
  {%- if not loop.last %},{% endif %}
{%- endfor %}
{%- endmacro %}

{#- A lower-case identifier from any text: spaces and dashes become '_', other characters that are
    not letters, digits or '_' are dropped, and a leading digit gets a '_' in front. -#}
{% macro slugify(text) -%}
{%- set characters = [] -%}
{%- for character in (text | string | lower) -%}
    {%- if character in [' ', '-'] -%}{%- do characters.append('_') -%}
    {%- elif character.isalnum() or character == '_' -%}{%- do characters.append(character) -%}
    {%- endif -%}
{%- endfor -%}
{%- set slug = characters | join('') -%}
{{- return('_' ~ slug if slug[:1].isdigit() else slug) -}}
{%- endmacro %}

{# ---- deduplicate ------------------------------------------------------------------------- #}

{% macro deduplicate(relation, partition_by, order_by) -%}
    {{ return(adapter.dispatch('deduplicate', 'dbt_utils')(relation, partition_by, order_by)) }}
{%- endmacro %}

{#- One row per partition: the first by `order_by`. -#}
{% macro duckdb__deduplicate(relation, partition_by, order_by) -%}
select *
from {{ relation }}
qualify row_number() over (partition by {{ partition_by }} order by {{ order_by }}) = 1
{%- endmacro %}

{% macro postgres__deduplicate(relation, partition_by, order_by) -%}
select distinct on ({{ partition_by }}) *
from {{ relation }}
order by {{ partition_by }}, {{ order_by }}
{%- endmacro %}

{#- Without QUALIFY or DISTINCT ON the row number column cannot be dropped without knowing the
    columns, so the first rows are joined back to the relation on all columns (a natural join):
    a row with a null in any column does not match itself and is left out. -#}
{% macro default__deduplicate(relation, partition_by, order_by) -%}
with numbered as (
    select original.*, row_number() over (partition by {{ partition_by }} order by {{ order_by }}) as dbt_utils_row_number
    from {{ relation }} original
),
firsts as (
    select * from numbered where dbt_utils_row_number = 1
)
select distinct original.*
from {{ relation }} original
natural join firsts
{%- endmacro %}

{# ---- introspective macros ---------------------------------------------------------------- #}

{#- The columns of `relation` as the adapter describes them (objects with .column/.name and
    .data_type). Every introspective macro here reads columns through this one, so a project can
    override it per adapter (kiln's own tests give it fixed columns). -#}
{% macro relation_columns(relation) -%}
    {{ return(adapter.dispatch('relation_columns', 'dbt_utils')(relation)) }}
{%- endmacro %}

{% macro default__relation_columns(relation) -%}
    {{ return(adapter.get_columns_in_relation(relation)) }}
{%- endmacro %}

{% macro get_filtered_columns_in_relation(from, except=[]) -%}
    {{ return(adapter.dispatch('get_filtered_columns_in_relation', 'dbt_utils')(from, except)) }}
{%- endmacro %}

{#- The names of `from`'s columns, in order, leaving out those in `except` (compared ignoring
    case). An empty list while `execute` is false. -#}
{% macro default__get_filtered_columns_in_relation(from, except) -%}
{%- if not execute -%}{{ return([]) }}{%- endif -%}
{%- set excluded = except | map('lower') | list -%}
{%- set names = [] -%}
{%- for column in dbt_utils.relation_columns(from) -%}
    {%- if column.column | lower not in excluded -%}{%- do names.append(column.column) -%}{%- endif -%}
{%- endfor -%}
{{ return(names) }}
{%- endmacro %}

{% macro star(from, relation_alias=False, except=[], prefix='', suffix='', quote_identifiers=True) -%}
    {{ return(adapter.dispatch('star', 'dbt_utils')(from, relation_alias, except, prefix, suffix, quote_identifiers)) }}
{%- endmacro %}

{#- The columns of `from` as a select list; `*` while `execute` is false. -#}
{% macro default__star(from, relation_alias, except, prefix, suffix, quote_identifiers) -%}
{%- if not execute -%}{{ return('*') }}{%- endif -%}
{%- set names = dbt_utils.get_filtered_columns_in_relation(from, except) -%}
{%- if names | length == 0 -%}
    {{ return('/* no columns returned from star() macro */') }}
{%- endif -%}
{%- for name in names %}
    {%- if relation_alias %}{{ relation_alias }}.{% endif -%}
    {%- if quote_identifiers %}{{ adapter.quote(name) }}{% else %}{{ name }}{% endif -%}
    {%- if prefix or suffix %} as {% if quote_identifiers %}{{ adapter.quote(prefix ~ name ~ suffix) }}{% else %}{{ prefix ~ name ~ suffix }}{% endif %}{% endif -%}
    {%- if not loop.last %},
    {% endif -%}
{%- endfor -%}
{%- endmacro %}

{% macro union_relations(relations, column_override=none, include=[], exclude=[], source_column_name='_dbt_source_relation', where=none) -%}
    {{ return(adapter.dispatch('union_relations', 'dbt_utils')(relations, column_override, include, exclude, source_column_name, where)) }}
{%- endmacro %}

{#- `relations` stacked with union all over the union of their columns (matched ignoring case, in
    order of first appearance); a relation without a column gives null cast to the column's type,
    which is the type in the first relation that has it unless `column_override` names one.
    Empty while `execute` is false. -#}
{% macro default__union_relations(relations, column_override, include, exclude, source_column_name, where) -%}
{%- if include and exclude -%}
    {{ exceptions.raise_compiler_error("union_relations: both an `include` and an `exclude` list were given; only one is allowed") }}
{%- endif -%}
{%- if not execute -%}{{ return('') }}{%- endif -%}
{%- set overrides = {} -%}
{%- for name, type in (column_override or {}).items() -%}{%- do overrides.update({name | lower: type}) -%}{%- endfor -%}
{%- set included = include | map('lower') | list -%}
{%- set excluded = exclude | map('lower') | list -%}
{%- set ordered = [] -%}
{%- set names = {} -%}
{%- set types = {} -%}
{%- set present = {} -%}
{%- for relation in relations -%}
    {%- set found = [] -%}
    {%- for column in dbt_utils.relation_columns(relation) -%}
        {%- set key = column.column | lower -%}
        {%- if (not included or key in included) and key not in excluded -%}
            {%- do found.append(key) -%}
            {%- if key not in names -%}
                {%- do ordered.append(key) -%}
                {%- do names.update({key: column.column}) -%}
                {%- do types.update({key: overrides.get(key, column.data_type)}) -%}
            {%- endif -%}
        {%- endif -%}
    {%- endfor -%}
    {%- do present.update({relation | string: found}) -%}
{%- endfor -%}
{%- for relation in relations %}
(
    select
        {%- if source_column_name is not none %}
        cast({{ dbt.string_literal(relation | string | replace("'", "''")) }} as {{ dbt.type_string() }}) as {{ source_column_name }}
        {%- if ordered %},{% endif %}
        {%- endif %}
        {%- for key in ordered %}
        {% if key in present[relation | string] %}cast({{ adapter.quote(names[key]) }} as {{ types[key] }}){% else %}cast(null as {{ types[key] }}){% endif %} as {{ adapter.quote(names[key]) }}
        {%- if not loop.last %},{% endif %}
        {%- endfor %}
    from {{ relation }}
    {%- if where %}
    where {{ where }}
    {%- endif %}
)
{%- if not loop.last %}

union all
{% endif -%}
{%- endfor -%}
{%- endmacro %}

{% macro unpivot(relation=none, cast_to='varchar', exclude=none, remove=none, field_name='field_name', value_name='value', quote_identifiers=False) -%}
    {{ return(adapter.dispatch('unpivot', 'dbt_utils')(relation, cast_to, exclude, remove, field_name, value_name, quote_identifiers)) }}
{%- endmacro %}

{#- One row per row of `relation` and column not in `exclude` or `remove`: the `exclude` columns
    as they are, the column's name in `field_name` and its value cast to `cast_to` in
    `value_name`. Empty while `execute` is false. -#}
{% macro default__unpivot(relation, cast_to, exclude, remove, field_name, value_name, quote_identifiers) -%}
{%- if not relation -%}
    {{ exceptions.raise_compiler_error("unpivot needs a `relation`") }}
{%- endif -%}
{%- if not execute -%}{{ return('') }}{%- endif -%}
{%- set exclude = exclude if exclude is not none else [] -%}
{%- set remove = remove if remove is not none else [] -%}
{%- set skipped = (exclude + remove) | map('lower') | list -%}
{%- set unpivoted = [] -%}
{%- for column in dbt_utils.relation_columns(relation) -%}
    {%- if column.column | lower not in skipped -%}{%- do unpivoted.append(column) -%}{%- endif -%}
{%- endfor -%}
{%- for column in unpivoted %}
select
    {%- for kept in exclude %}
    {{ adapter.quote(kept) if quote_identifiers else kept }},
    {%- endfor %}
    cast('{{ column.column }}' as {{ dbt.type_string() }}) as {{ adapter.quote(field_name) if quote_identifiers else field_name }},
    cast({% if column.data_type | lower == 'boolean' %}{{ dbt.cast_bool_to_text(column.column) }}{% else %}{{ column.column }}{% endif %} as {{ cast_to }}) as {{ adapter.quote(value_name) if quote_identifiers else value_name }}
from {{ relation }}
{%- if not loop.last %}
union all
{%- endif %}
{%- endfor -%}
{%- endmacro %}

{% macro get_column_values(table, column, order_by='count(*) desc', max_records=none, default=none, where=none) -%}
    {{ return(adapter.dispatch('get_column_values', 'dbt_utils')(table, column, order_by, max_records, default, where)) }}
{%- endmacro %}

{#- The distinct values of `column` in `table`, most frequent first by default, read with
    run_query. While `execute` is false: `default`, or an empty list. -#}
{% macro default__get_column_values(table, column, order_by, max_records, default, where) -%}
{%- if not execute -%}{{ return(default if default is not none else []) }}{%- endif -%}
{%- set query -%}
select {{ column }} as value
from {{ table }}
{%- if where %}
where {{ where }}
{%- endif %}
group by {{ column }}
order by {{ order_by }}
{%- if max_records is not none %}
limit {{ max_records }}
{%- endif %}
{%- endset -%}
{%- set result = run_query(query) -%}
{{ return(result.columns[0].values() | list) }}
{%- endmacro %}
