{#- Model contracts and constraints. With `contract: {enforced: true}`, a table, view or incremental
    model is checked before its new relation replaces the old one: the columns its SQL returns
    (names and data types) must be the YAML columns that declare data_type, or the build fails with
    a table of the differences and the previous relation stays. Tables are then created from the
    contract (columns in contract order, with their constraints) and filled by an insert, so the
    warehouse enforces the constraints while loading; a violation fails the build the same way.
    Every piece dispatches, so a project or package overrides it per adapter. -#}

{% macro kiln_contract_enforced() -%}
  {%- set contract = config.get('contract') -%}
  {%- if contract is not mapping -%}
    {%- set contract = model.get('contract') if model is mapping else none -%}
  {%- endif -%}
  {{ return(contract is mapping and contract.get('enforced') in [true, 'true', 'True']) }}
{%- endmacro %}

{% macro kiln_contract_alias_types() -%}
  {%- set contract = config.get('contract') -%}
  {%- if contract is mapping and contract.get('alias_types') is not none -%}
    {{ return(contract.get('alias_types') not in [false, 'false', 'False']) }}
  {%- endif -%}
  {{ return(true) }}
{%- endmacro %}

{#- ---- the contract's columns ---------------------------------------------------------------- -#}

{% macro kiln_translate_type(data_type) -%}
  {{ return(adapter.dispatch('kiln_translate_type', 'dbt')(data_type)) }}
{%- endmacro %}

{% macro default__kiln_translate_type(data_type) -%}
  {#- alias_types: the generic names dbt accepts everywhere, spelled as the warehouse does. -#}
  {%- set generic = {'string': 'text', 'integer': 'int', 'timestamp': 'timestamp', 'float': 'float',
                     'boolean': 'boolean'} -%}
  {{ return(generic.get(data_type | trim | lower, data_type)) }}
{%- endmacro %}

{% macro duckdb__kiln_translate_type(data_type) -%}
  {{ return({'string': 'varchar'}.get(data_type | trim | lower, data_type)) }}
{%- endmacro %}

{% macro bigquery__kiln_translate_type(data_type) -%}
  {{ return(data_type) }}
{%- endmacro %}

{% macro kiln_contract_columns() -%}
  {#- The YAML columns of the model, in their order, as dicts: name, data_type (translated when
      alias_types is on), quote, constraints, and the name as it goes into SQL. A column without
      data_type is an error, as every column of an enforced contract needs one. -#}
  {%- set alias_types = kiln_contract_alias_types() -%}
  {%- set columns = [] -%}
  {%- set untyped = [] -%}
  {%- for name, column in (model.columns or {}).items() -%}
    {%- set data_type = column.get('data_type') -%}
    {%- if data_type is none or (data_type | string | trim) == '' -%}
      {%- do untyped.append(name) -%}
    {%- else -%}
      {%- set data_type = data_type | string | trim -%}
      {%- if alias_types -%}
        {%- set data_type = kiln_translate_type(data_type) -%}
      {%- endif -%}
      {%- set quote = column.get('quote') in [true, 'true', 'True'] -%}
      {%- do columns.append({'name': column.get('name') or name, 'data_type': data_type, 'quote': quote,
                             'constraints': column.get('constraints') or [],
                             'sql_name': adapter.quote(column.get('name') or name) if quote else (column.get('name') or name)}) -%}
    {%- endif -%}
  {%- endfor -%}
  {%- if untyped | length > 0 -%}
    {%- do exceptions.raise_compiler_error(
          "Contracted models require data_type to be defined for each column. " ~ model.unique_id
          ~ " has an enforced contract, but these columns declare no data_type in its YAML: "
          ~ untyped | join(', ')) -%}
  {%- endif -%}
  {{ return(columns) }}
{%- endmacro %}

{#- ---- the columns a query returns ----------------------------------------------------------- -#}

{% macro get_empty_subquery_sql(select_sql, select_sql_header=none) -%}
  {{ return(adapter.dispatch('get_empty_subquery_sql', 'dbt')(select_sql, select_sql_header)) }}
{%- endmacro %}

{% macro default__get_empty_subquery_sql(select_sql, select_sql_header=none) -%}
  {%- if select_sql_header is not none -%}{{ select_sql_header }}{%- endif %}
  select * from (
{{ select_sql }}
  ) as __kiln_contract_sbq
  where false
  limit 0
{%- endmacro %}

{% macro get_empty_schema_sql(columns) -%}
  {{ return(adapter.dispatch('get_empty_schema_sql', 'dbt')(columns)) }}
{%- endmacro %}

{% macro default__get_empty_schema_sql(columns) -%}
  {#- A query returning the contract's columns with the contract's types, so that the warehouse
      spells the types the way it spells those of the model's query. -#}
  select
  {%- for column in columns %}
    cast(null as {{ column['data_type'] }}) as {{ adapter.quote(column['name']) }}{{ ',' if not loop.last }}
  {%- endfor %}
{%- endmacro %}

{% macro get_column_schema_from_query(select_sql, select_sql_header=none) -%}
  {{ return(adapter.dispatch('get_column_schema_from_query', 'dbt')(select_sql, select_sql_header)) }}
{%- endmacro %}

{% macro default__get_column_schema_from_query(select_sql, select_sql_header=none) -%}
  {%- set result = run_query(get_empty_subquery_sql(select_sql, select_sql_header)) -%}
  {%- set columns = [] -%}
  {%- for name in result.column_names -%}
    {%- do columns.append(api.Column.create(name, result.column_types[loop.index0])) -%}
  {%- endfor -%}
  {{ return(columns) }}
{%- endmacro %}

{% macro duckdb__get_column_schema_from_query(select_sql, select_sql_header=none) -%}
  {#- DESCRIBE spells nested types in full (INTEGER[], STRUCT(a INTEGER)), as the catalog does. -#}
  {%- if select_sql_header -%}
    {%- do run_query(select_sql_header) -%}
  {%- endif -%}
  {%- set result = run_query('describe ' ~ get_empty_subquery_sql(select_sql)) -%}
  {%- set columns = [] -%}
  {%- for row in result.rows -%}
    {%- do columns.append(api.Column.create(row[0], row[1])) -%}
  {%- endfor -%}
  {{ return(columns) }}
{%- endmacro %}

{#- ---- comparing types ------------------------------------------------------------------------ -#}

{% macro kiln_type_parts(data_type) -%}
  {#- (family, parameters) of a type: upper case, single spaces, common aliases folded into one
      family name; parameters are what the parentheses hold, '' when there are none. -#}
  {%- set text = modules.re.sub('\\s+', ' ', data_type | string | upper | trim) -%}
  {%- set text = modules.re.sub(' ?([(),]) ?', '\\1', text) -%}
  {%- set base = text -%}
  {%- set params = '' -%}
  {%- if '(' in text and text.endswith(')') and not text.endswith('[]') -%}
    {%- set base = text[:text.index('(')] -%}
    {%- set params = text[text.index('(') + 1:-1] -%}
  {%- endif -%}
  {%- set families = {
      'INT': 'INTEGER', 'INT4': 'INTEGER', 'SIGNED': 'INTEGER', 'INTEGER': 'INTEGER',
      'INT8': 'BIGINT', 'LONG': 'BIGINT', 'BIGINT': 'BIGINT',
      'INT2': 'SMALLINT', 'SHORT': 'SMALLINT', 'SMALLINT': 'SMALLINT',
      'INT1': 'TINYINT', 'TINYINT': 'TINYINT', 'INT128': 'HUGEINT', 'HUGEINT': 'HUGEINT',
      'TEXT': 'VARCHAR', 'STRING': 'VARCHAR', 'VARCHAR': 'VARCHAR', 'CHARACTER VARYING': 'VARCHAR',
      'CHAR VARYING': 'VARCHAR', 'NVARCHAR': 'VARCHAR', 'BPCHAR': 'VARCHAR',
      'FLOAT8': 'DOUBLE', 'DOUBLE': 'DOUBLE', 'DOUBLE PRECISION': 'DOUBLE', 'FLOAT64': 'DOUBLE',
      'FLOAT4': 'FLOAT', 'REAL': 'FLOAT', 'FLOAT': 'FLOAT',
      'BOOL': 'BOOLEAN', 'BOOLEAN': 'BOOLEAN', 'LOGICAL': 'BOOLEAN',
      'DECIMAL': 'DECIMAL', 'NUMERIC': 'DECIMAL', 'NUMBER': 'DECIMAL', 'BIGNUMERIC': 'DECIMAL',
      'TIMESTAMP': 'TIMESTAMP', 'DATETIME': 'TIMESTAMP', 'TIMESTAMP WITHOUT TIME ZONE': 'TIMESTAMP',
      'TIMESTAMP_NTZ': 'TIMESTAMP',
      'TIMESTAMPTZ': 'TIMESTAMP WITH TIME ZONE', 'TIMESTAMP WITH TIME ZONE': 'TIMESTAMP WITH TIME ZONE',
      'TIMESTAMP_TZ': 'TIMESTAMP WITH TIME ZONE',
      'TIME': 'TIME', 'TIME WITHOUT TIME ZONE': 'TIME',
      'TIMETZ': 'TIME WITH TIME ZONE', 'TIME WITH TIME ZONE': 'TIME WITH TIME ZONE',
      'BYTEA': 'BLOB', 'BLOB': 'BLOB', 'BINARY': 'BLOB', 'VARBINARY': 'BLOB', 'BYTES': 'BLOB'} -%}
  {{ return([families.get(base, base), params]) }}
{%- endmacro %}

{% macro kiln_types_match(definition_type, contract_type, declared_type) -%}
  {#- definition_type and contract_type as the warehouse spells them; declared_type as the YAML
      has it. A declared decimal or varchar without parameters accepts any precision or length. -#}
  {%- set left = kiln_type_parts(definition_type) -%}
  {%- set right = kiln_type_parts(contract_type) -%}
  {%- set declared = kiln_type_parts(declared_type) -%}
  {%- if left[0] != right[0] -%}
    {{ return(false) }}
  {%- endif -%}
  {%- if left[0] in ['DECIMAL', 'VARCHAR'] and (declared[1] == '' or left[1] == '' or right[1] == '') -%}
    {{ return(true) }}
  {%- endif -%}
  {{ return(left[1] == right[1]) }}
{%- endmacro %}

{#- ---- the check ----------------------------------------------------------------------------- -#}

{% macro get_assert_columns_equivalent(sql) -%}
  {{ return(adapter.dispatch('get_assert_columns_equivalent', 'dbt')(sql)) }}
{%- endmacro %}

{% macro default__get_assert_columns_equivalent(sql) -%}
  {%- do assert_columns_equivalent(sql) -%}
  {{ return('') }}
{%- endmacro %}

{% macro assert_columns_equivalent(sql) -%}
  {#- Fails the model when the columns of its SQL and of its contract differ in name or type.
      Names compare ignoring case, except for columns with quote: true. -#}
  {%- if not execute -%}
    {{ return(none) }}
  {%- endif -%}
  {%- set contract_columns = kiln_contract_columns() -%}
  {#- No sql_header: kiln's materializations do not send one with the model's SQL either. -#}
  {%- set definition = get_column_schema_from_query(sql) -%}
  {%- set contract = get_column_schema_from_query(get_empty_schema_sql(contract_columns))
        if contract_columns | length > 0 else [] -%}
  {%- set index_of = {} -%}
  {%- for column in contract_columns -%}
    {%- do index_of.update({(column['name'] if column['quote'] else column['name'] | lower): loop.index0}) -%}
  {%- endfor -%}
  {%- set mismatches = [] -%}
  {%- set seen = [] -%}
  {%- set unsized = [] -%}
  {%- for column in definition -%}
    {%- set found = index_of.get(column.name) -%}
    {%- if found is none -%}
      {%- set found = index_of.get(column.name | lower) -%}
    {%- endif -%}
    {%- if found is none -%}
      {%- do mismatches.append([column.name, column.data_type, '', 'missing in contract']) -%}
    {%- else -%}
      {%- do seen.append(found) -%}
      {%- set declared = contract_columns[found]['data_type'] -%}
      {%- if not kiln_types_match(column.data_type, contract[found].data_type, declared) -%}
        {%- do mismatches.append([column.name, column.data_type, contract[found].data_type, 'data type mismatch']) -%}
      {%- elif kiln_type_parts(declared)[0] == 'DECIMAL' and kiln_type_parts(declared)[1] == '' -%}
        {%- do unsized.append(column.name) -%}
      {%- endif -%}
    {%- endif -%}
  {%- endfor -%}
  {%- for column in contract_columns -%}
    {%- if loop.index0 not in seen -%}
      {%- do mismatches.append([column['name'], '', contract[loop.index0].data_type, 'missing in definition']) -%}
    {%- endif -%}
  {%- endfor -%}
  {%- if mismatches | length > 0 -%}
    {%- do exceptions.raise_compiler_error(kiln_contract_error_message(mismatches)) -%}
  {%- endif -%}
  {%- if unsized | length > 0 -%}
    {%- do exceptions.warn("The contract of " ~ model.unique_id ~ " gives these columns a numeric type"
          ~ " without precision and scale, so the warehouse's default applies and values may be"
          ~ " rounded: " ~ unsized | join(', ')) -%}
  {%- endif -%}
{%- endmacro %}

{% macro kiln_contract_error_message(mismatches) -%}
  {#- The differences as a table, sorted by reason, then by column name. -#}
  {%- set header = ['column_name', 'definition_type', 'contract_type', 'mismatch_reason'] -%}
  {%- set rows = mismatches | sort(attribute='0') | sort(attribute='3') -%}
  {%- set widths = [] -%}
  {%- for title in header -%}
    {%- set index = loop.index0 -%}
    {%- set width = [title | length] -%}
    {%- for row in rows -%}
      {%- if row[index] | string | length > width[0] -%}
        {%- do width.pop() -%}{%- do width.append(row[index] | string | length) -%}
      {%- endif -%}
    {%- endfor -%}
    {%- do widths.append(width[0]) -%}
  {%- endfor -%}
  {%- set lines = [] -%}
  {%- for row in [header, none] + rows -%}
    {%- set cells = [] -%}
    {%- for width in widths -%}
      {%- if row is none -%}
        {%- do cells.append('-' * width) -%}
      {%- else -%}
        {%- do cells.append((row[loop.index0] | string).ljust(width)) -%}
      {%- endif -%}
    {%- endfor -%}
    {%- do lines.append('| ' ~ cells | join(' | ') ~ ' |') -%}
  {%- endfor -%}
  {{ return("This model has an enforced contract that failed.\n"
            ~ "Please ensure the name, data_type, and number of columns in your contract match the"
            ~ " columns in your model's definition.\n\n" ~ lines | join('\n')) }}
{%- endmacro %}

{#- ---- constraints ---------------------------------------------------------------------------- -#}

{% macro kiln_constraint_support() -%}
  {#- For each constraint type: 'enforced' (the warehouse rejects violating rows), 'not_enforced'
      (declared in the DDL, not checked: a warning) or 'not_supported' (left out: a warning). -#}
  {{ return(adapter.dispatch('kiln_constraint_support', 'dbt')()) }}
{%- endmacro %}

{% macro default__kiln_constraint_support() -%}
  {{ return({'not_null': 'enforced', 'unique': 'not_enforced', 'primary_key': 'not_enforced',
             'foreign_key': 'enforced', 'check': 'not_supported'}) }}
{%- endmacro %}

{% macro duckdb__kiln_constraint_support() -%}
  {{ return({'not_null': 'enforced', 'unique': 'enforced', 'primary_key': 'enforced',
             'foreign_key': 'enforced', 'check': 'enforced'}) }}
{%- endmacro %}

{% macro postgres__kiln_constraint_support() -%}
  {{ return(duckdb__kiln_constraint_support()) }}
{%- endmacro %}

{% macro mysql__kiln_constraint_support() -%}
  {#- CHECK is enforced from MySQL 8.0.16; older servers parse it and ignore it. -#}
  {{ return(duckdb__kiln_constraint_support()) }}
{%- endmacro %}

{% macro snowflake__kiln_constraint_support() -%}
  {{ return({'not_null': 'enforced', 'unique': 'not_enforced', 'primary_key': 'not_enforced',
             'foreign_key': 'not_enforced', 'check': 'not_supported'}) }}
{%- endmacro %}

{% macro redshift__kiln_constraint_support() -%}
  {{ return(snowflake__kiln_constraint_support()) }}
{%- endmacro %}

{% macro bigquery__kiln_constraint_support() -%}
  {{ return({'not_null': 'enforced', 'unique': 'not_supported', 'primary_key': 'not_enforced',
             'foreign_key': 'not_enforced', 'check': 'not_supported'}) }}
{%- endmacro %}

{% macro kiln_constraint_usable(constraint, where) -%}
  {#- Whether a constraint goes into the DDL, warning when the adapter does not enforce or does
      not support it (unless the constraint sets warn_unenforced / warn_unsupported to false). -#}
  {%- set kind = constraint.get('type') | string | lower -%}
  {%- if kind == 'custom' -%}
    {{ return(true) }}
  {%- endif -%}
  {%- set support = kiln_constraint_support() -%}
  {%- if kind not in ['not_null', 'unique', 'primary_key', 'foreign_key', 'check'] -%}
    {%- do exceptions.raise_compiler_error("Unknown constraint type '" ~ constraint.get('type') ~ "' "
          ~ where ~ " of " ~ model.unique_id ~ ": expected one of not_null, unique, primary_key,"
          ~ " foreign_key, check, custom") -%}
  {%- endif -%}
  {%- set level = support.get(kind, 'not_supported') -%}
  {%- if level == 'not_supported' -%}
    {%- if constraint.get('warn_unsupported', true) not in [false, 'false', 'False'] -%}
      {%- do exceptions.warn("constraint " ~ kind ~ " " ~ where ~ " of " ~ model.unique_id
            ~ " is not supported on " ~ adapter.type() ~ " and is left out of the DDL"
            ~ " (warn_unsupported: false silences this)") -%}
    {%- endif -%}
    {{ return(false) }}
  {%- endif -%}
  {%- if level == 'not_enforced' and constraint.get('warn_unenforced', true) not in [false, 'false', 'False'] -%}
    {%- do exceptions.warn("constraint " ~ kind ~ " " ~ where ~ " of " ~ model.unique_id
          ~ " is not enforced on " ~ adapter.type() ~ ": it is declared in the DDL, but rows that"
          ~ " violate it are still loaded (warn_unenforced: false silences this)") -%}
  {%- endif -%}
  {{ return(true) }}
{%- endmacro %}

{% macro kiln_constraint_reference(to) -%}
  {{ return(adapter.dispatch('kiln_constraint_reference', 'dbt')(to)) }}
{%- endmacro %}

{% macro default__kiln_constraint_reference(to) -%}
  {#- A foreign key's `to`: ref('x'), ref('pkg', 'x'), source('s', 't') or a relation name as is. -#}
  {%- set text = to | string | trim -%}
  {%- set call = modules.re.match("^(ref|source)\\s*\\((.*)\\)$", text) -%}
  {%- if call is none -%}
    {{ return(text) }}
  {%- endif -%}
  {%- set args = modules.re.findall("['\"]([^'\"]*)['\"]", call.group(2)) -%}
  {%- if call.group(1) == 'ref' -%}
    {%- set relation = ref(args[0]) if args | length == 1 else ref(args[0], args[1]) -%}
  {%- else -%}
    {%- set relation = source(args[0], args[1]) -%}
  {%- endif -%}
  {{ return(relation) }}
{%- endmacro %}

{% macro duckdb__kiln_constraint_reference(to) -%}
  {#- DuckDB refuses a foreign key naming a database, even the table's own. -#}
  {%- set relation = default__kiln_constraint_reference(to) -%}
  {%- if relation is string -%}
    {{ return(relation) }}
  {%- endif -%}
  {{ return(relation.include(database=false)) }}
{%- endmacro %}

{% macro kiln_constraint_name(constraint) -%}
  {{ return('constraint ' ~ constraint.get('name') ~ ' ' if constraint.get('name') else '') }}
{%- endmacro %}

{% macro kiln_column_sql_names(names) -%}
  {#- Column names of a model-level constraint, quoted as the contract column says. -#}
  {%- set quoted = {} -%}
  {%- for column in kiln_contract_columns() -%}
    {%- do quoted.update({column['name'] | lower: column['sql_name']}) -%}
  {%- endfor -%}
  {%- set out = [] -%}
  {%- for name in ([names] if names is string else names or []) -%}
    {%- do out.append(quoted.get(name | lower, name)) -%}
  {%- endfor -%}
  {{ return(out | join(', ')) }}
{%- endmacro %}

{% macro render_column_constraint(constraint) -%}
  {{ return(adapter.dispatch('render_column_constraint', 'dbt')(constraint)) }}
{%- endmacro %}

{% macro default__render_column_constraint(constraint) -%}
  {%- set kind = constraint.get('type') | string | lower -%}
  {%- set expression = constraint.get('expression') -%}
  {%- if kind == 'not_null' -%}
    {{ return('not null') }}
  {%- elif kind == 'unique' -%}
    {{ return(kiln_constraint_name(constraint) ~ 'unique') }}
  {%- elif kind == 'primary_key' -%}
    {{ return(kiln_constraint_name(constraint) ~ 'primary key') }}
  {%- elif kind == 'check' -%}
    {{ return(kiln_constraint_name(constraint) ~ 'check (' ~ expression ~ ')') }}
  {%- elif kind == 'foreign_key' -%}
    {%- if constraint.get('to') -%}
      {{ return(kiln_constraint_name(constraint) ~ 'references ' ~ kiln_constraint_reference(constraint.get('to'))
                ~ ' (' ~ (constraint.get('to_columns') or []) | join(', ') ~ ')') }}
    {%- endif -%}
    {#- The older form: expression holds "other_table (column)". -#}
    {{ return(kiln_constraint_name(constraint) ~ 'references ' ~ expression) }}
  {%- elif kind == 'custom' -%}
    {{ return(expression) }}
  {%- endif -%}
  {{ return('') }}
{%- endmacro %}

{% macro render_model_constraint(constraint) -%}
  {{ return(adapter.dispatch('render_model_constraint', 'dbt')(constraint)) }}
{%- endmacro %}

{% macro default__render_model_constraint(constraint) -%}
  {%- set kind = constraint.get('type') | string | lower -%}
  {%- set columns = kiln_column_sql_names(constraint.get('columns')) -%}
  {%- set expression = constraint.get('expression') -%}
  {%- if kind == 'unique' -%}
    {{ return(kiln_constraint_name(constraint) ~ 'unique (' ~ columns ~ ')') }}
  {%- elif kind == 'primary_key' -%}
    {{ return(kiln_constraint_name(constraint) ~ 'primary key (' ~ columns ~ ')') }}
  {%- elif kind == 'check' -%}
    {{ return(kiln_constraint_name(constraint) ~ 'check (' ~ expression ~ ')') }}
  {%- elif kind == 'foreign_key' -%}
    {%- if constraint.get('to') -%}
      {{ return(kiln_constraint_name(constraint) ~ 'foreign key (' ~ columns ~ ') references '
                ~ kiln_constraint_reference(constraint.get('to'))
                ~ ' (' ~ (constraint.get('to_columns') or []) | join(', ') ~ ')') }}
    {%- endif -%}
    {{ return(kiln_constraint_name(constraint) ~ 'foreign key (' ~ columns ~ ') references ' ~ expression) }}
  {%- elif kind == 'custom' -%}
    {{ return(expression) }}
  {%- endif -%}
  {{ return('') }}
{%- endmacro %}

{% macro kiln_column_level_foreign_keys_inline() -%}
  {#- MySQL parses a column-level REFERENCES and ignores it, so there column foreign keys become
      table-level ones (kiln_table_constraints moves them). -#}
  {{ return(adapter.dispatch('kiln_column_level_foreign_keys_inline', 'dbt')()) }}
{%- endmacro %}

{% macro default__kiln_column_level_foreign_keys_inline() -%}
  {{ return(true) }}
{%- endmacro %}

{% macro mysql__kiln_column_level_foreign_keys_inline() -%}
  {{ return(false) }}
{%- endmacro %}

{% macro kiln_table_constraints() -%}
  {#- The column definitions and table constraints of a contracted table: a list of SQL pieces
      ("id integer not null primary key", "primary key (a, b)", ...), warning about constraints the
      adapter does not enforce or support. -#}
  {%- set columns = kiln_contract_columns() -%}
  {%- set not_null_columns = [] -%}
  {%- set table_level = [] -%}
  {%- for constraint in model.get('constraints') or [] -%}
    {%- if (constraint.get('type') | string | lower) == 'not_null' -%}
      {#- A model-level not_null applies to each column it names. -#}
      {%- for name in ([constraint.get('columns')] if constraint.get('columns') is string else constraint.get('columns') or []) -%}
        {%- do not_null_columns.append(name | lower) -%}
      {%- endfor -%}
    {%- endif -%}
  {%- endfor -%}
  {%- set pieces = [] -%}
  {%- for column in columns -%}
    {%- set rendered = [column['sql_name'], column['data_type']] -%}
    {%- set where = 'on column ' ~ column['name'] -%}
    {%- set has_not_null = [] -%}
    {%- for constraint in column['constraints'] -%}
      {%- if kiln_constraint_usable(constraint, where) -%}
        {%- set kind = constraint.get('type') | string | lower -%}
        {%- if kind == 'foreign_key' and not kiln_column_level_foreign_keys_inline() -%}
          {%- set moved = {} -%}
          {%- do moved.update(constraint) -%}
          {%- do moved.update({'columns': [column['name']]}) -%}
          {%- do table_level.append(render_model_constraint(moved)) -%}
        {%- else -%}
          {%- if kind == 'not_null' -%}{%- do has_not_null.append(1) -%}{%- endif -%}
          {%- do rendered.append(render_column_constraint(constraint)) -%}
        {%- endif -%}
      {%- endif -%}
    {%- endfor -%}
    {%- if column['name'] | lower in not_null_columns and has_not_null | length == 0 -%}
      {%- if kiln_constraint_usable({'type': 'not_null'}, where) -%}
        {%- do rendered.append('not null') -%}
      {%- endif -%}
    {%- endif -%}
    {%- do pieces.append(rendered | reject('equalto', '') | join(' ')) -%}
  {%- endfor -%}
  {%- for constraint in model.get('constraints') or [] -%}
    {%- if (constraint.get('type') | string | lower) != 'not_null'
          and kiln_constraint_usable(constraint, 'on the model') -%}
      {%- do table_level.append(render_model_constraint(constraint)) -%}
    {%- endif -%}
  {%- endfor -%}
  {{ return(pieces + (table_level | reject('equalto', '') | list)) }}
{%- endmacro %}

{% macro kiln_model_has_constraints() -%}
  {%- if (model.get('constraints') or []) | length > 0 -%}
    {{ return(true) }}
  {%- endif -%}
  {%- for name, column in (model.columns or {}).items() -%}
    {%- if (column.get('constraints') or []) | length > 0 -%}
      {{ return(true) }}
    {%- endif -%}
  {%- endfor -%}
  {{ return(false) }}
{%- endmacro %}

{#- ---- DDL --------------------------------------------------------------------------------- -#}

{% macro get_table_columns_and_constraints() -%}
  {{ return(adapter.dispatch('get_table_columns_and_constraints', 'dbt')()) }}
{%- endmacro %}

{% macro default__get_table_columns_and_constraints() -%}
  ({% for piece in kiln_table_constraints() %}
    {{ piece }}{{ ',' if not loop.last }}
  {%- endfor %}
  )
{%- endmacro %}

{% macro get_select_subquery(sql) -%}
  {{ return(adapter.dispatch('get_select_subquery', 'dbt')(sql)) }}
{%- endmacro %}

{% macro default__get_select_subquery(sql) -%}
  {#- The model's rows with the contract's columns in the contract's order. -#}
  select {{ kiln_contract_columns() | map(attribute='sql_name') | join(', ') }}
  from (
{{ sql }}
  ) as model_subq
{%- endmacro %}

{% macro kiln_contracted_table_sql(temporary, relation, sql) -%}
  {{ return(adapter.dispatch('kiln_contracted_table_sql', 'dbt')(temporary, relation, sql)) }}
{%- endmacro %}

{% macro default__kiln_contracted_table_sql(temporary, relation, sql) -%}
  {#- The table from its contract, then its rows: the warehouse checks the constraints while it
      inserts them. Temporary tables get no constraints. -#}
  {%- do get_assert_columns_equivalent(sql) -%}
  {%- if temporary -%}
  create temporary table {{ relation }} as (
{{ get_select_subquery(sql) }}
  )
  {%- else -%}
  create table {{ relation }} {{ get_table_columns_and_constraints() }};
  insert into {{ relation }} ({{ kiln_contract_columns() | map(attribute='sql_name') | join(', ') }})
{{ get_select_subquery(sql) }}
  {%- endif -%}
{%- endmacro %}

{% macro kiln_contracted_view_sql(relation, sql) -%}
  {{ return(adapter.dispatch('kiln_contracted_view_sql', 'dbt')(relation, sql)) }}
{%- endmacro %}

{% macro default__kiln_contracted_view_sql(relation, sql) -%}
  {#- Views take the contract's column names and types, not its constraints. -#}
  {%- do get_assert_columns_equivalent(sql) -%}
  {%- if kiln_model_has_constraints() -%}
    {%- do exceptions.warn("constraints of " ~ model.unique_id ~ " are not applied: a view cannot"
          ~ " hold constraints, only its contract's column names and data types are checked") -%}
  {%- endif -%}
  create view {{ relation }} as (
{{ get_select_subquery(sql) }}
  )
{%- endmacro %}

{% macro kiln_check_incremental_contract(on_schema_change) -%}
  {%- if kiln_contract_enforced() and on_schema_change not in ['append_new_columns', 'fail'] -%}
    {%- do exceptions.raise_compiler_error("Invalid value for on_schema_change: " ~ on_schema_change
          ~ ". " ~ model.unique_id ~ " is an incremental model with an enforced contract, so it must"
          ~ " set on_schema_change to 'append_new_columns' or 'fail'") -%}
  {%- endif -%}
{%- endmacro %}
