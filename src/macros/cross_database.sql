{#- Cross-database macros of dbt's global project (dbt.dateadd, dbt.type_string, ...), written for
    kiln. Each dispatches, so a project or package can override one per adapter
    (duckdb__dateadd, postgres__dateadd, mysql__dateadd, default__dateadd). -#}

{# ---- types ------------------------------------------------------------------------------- #}

{% macro type_string() %}{{ return(adapter.dispatch('type_string', 'dbt')()) }}{% endmacro %}
{% macro default__type_string() %}{{ return('varchar') }}{% endmacro %}
{% macro mysql__type_string() %}{{ return('char') }}{% endmacro %}

{% macro type_timestamp() %}{{ return(adapter.dispatch('type_timestamp', 'dbt')()) }}{% endmacro %}
{% macro default__type_timestamp() %}{{ return('timestamp') }}{% endmacro %}
{% macro postgres__type_timestamp() %}{{ return('timestamp without time zone') }}{% endmacro %}
{% macro mysql__type_timestamp() %}{{ return('datetime') }}{% endmacro %}

{% macro type_float() %}{{ return(adapter.dispatch('type_float', 'dbt')()) }}{% endmacro %}
{% macro default__type_float() %}{{ return('float') }}{% endmacro %}
{% macro duckdb__type_float() %}{{ return('double') }}{% endmacro %}
{% macro mysql__type_float() %}{{ return('double') }}{% endmacro %}

{% macro type_numeric() %}{{ return(adapter.dispatch('type_numeric', 'dbt')()) }}{% endmacro %}
{% macro default__type_numeric() %}{{ return('numeric(28,6)') }}{% endmacro %}
{% macro mysql__type_numeric() %}{{ return('decimal(28,6)') }}{% endmacro %}

{% macro type_bigint() %}{{ return(adapter.dispatch('type_bigint', 'dbt')()) }}{% endmacro %}
{% macro default__type_bigint() %}{{ return('bigint') }}{% endmacro %}
{% macro mysql__type_bigint() %}{{ return('signed') }}{% endmacro %}

{% macro type_int() %}{{ return(adapter.dispatch('type_int', 'dbt')()) }}{% endmacro %}
{% macro default__type_int() %}{{ return('integer') }}{% endmacro %}
{% macro mysql__type_int() %}{{ return('signed') }}{% endmacro %}

{% macro type_boolean() %}{{ return(adapter.dispatch('type_boolean', 'dbt')()) }}{% endmacro %}
{% macro default__type_boolean() %}{{ return('boolean') }}{% endmacro %}

{# ---- casts and literals ------------------------------------------------------------------ #}

{% macro cast(field, type) %}{{ return(adapter.dispatch('cast', 'dbt')(field, type)) }}{% endmacro %}
{% macro default__cast(field, type) %}cast({{ field }} as {{ type }}){% endmacro %}

{% macro safe_cast(field, type) %}{{ return(adapter.dispatch('safe_cast', 'dbt')(field, type)) }}{% endmacro %}
{% macro default__safe_cast(field, type) %}cast({{ field }} as {{ type }}){% endmacro %}
{% macro duckdb__safe_cast(field, type) %}try_cast({{ field }} as {{ type }}){% endmacro %}

{% macro cast_bool_to_text(field) %}{{ return(adapter.dispatch('cast_bool_to_text', 'dbt')(field)) }}{% endmacro %}
{% macro default__cast_bool_to_text(field) %}cast({{ field }} as {{ dbt.type_string() }}){% endmacro %}
{% macro mysql__cast_bool_to_text(field) %}case when {{ field }} then 'true' when not {{ field }} then 'false' end{% endmacro %}

{% macro string_literal(value) %}{{ return(adapter.dispatch('string_literal', 'dbt')(value)) }}{% endmacro %}
{% macro default__string_literal(value) %}'{{ value }}'{% endmacro %}

{% macro escape_single_quotes(expression) %}{{ return(adapter.dispatch('escape_single_quotes', 'dbt')(expression)) }}{% endmacro %}
{% macro default__escape_single_quotes(expression) %}{{ expression | replace("'", "''") }}{% endmacro %}

{# ---- strings ----------------------------------------------------------------------------- #}

{% macro concat(fields) %}{{ return(adapter.dispatch('concat', 'dbt')(fields)) }}{% endmacro %}
{% macro default__concat(fields) %}{{ fields | join(' || ') }}{% endmacro %}
{% macro mysql__concat(fields) %}concat({{ fields | join(', ') }}){% endmacro %}

{% macro hash(field) %}{{ return(adapter.dispatch('hash', 'dbt')(field)) }}{% endmacro %}
{% macro default__hash(field) %}md5(cast({{ field }} as {{ dbt.type_string() }})){% endmacro %}

{% macro length(expression) %}{{ return(adapter.dispatch('length', 'dbt')(expression)) }}{% endmacro %}
{% macro default__length(expression) %}length({{ expression }}){% endmacro %}
{% macro mysql__length(expression) %}char_length({{ expression }}){% endmacro %}

{% macro position(substring_text, string_text) %}{{ return(adapter.dispatch('position', 'dbt')(substring_text, string_text)) }}{% endmacro %}
{% macro default__position(substring_text, string_text) %}position({{ substring_text }} in {{ string_text }}){% endmacro %}

{% macro replace(field, old_chars, new_chars) %}{{ return(adapter.dispatch('replace', 'dbt')(field, old_chars, new_chars)) }}{% endmacro %}
{% macro default__replace(field, old_chars, new_chars) %}replace({{ field }}, {{ old_chars }}, {{ new_chars }}){% endmacro %}

{% macro right(string_text, length_expression) %}{{ return(adapter.dispatch('right', 'dbt')(string_text, length_expression)) }}{% endmacro %}
{% macro default__right(string_text, length_expression) %}right({{ string_text }}, {{ length_expression }}){% endmacro %}

{% macro split_part(string_text, delimiter_text, part_number) %}{{ return(adapter.dispatch('split_part', 'dbt')(string_text, delimiter_text, part_number)) }}{% endmacro %}
{% macro default__split_part(string_text, delimiter_text, part_number) %}split_part({{ string_text }}, {{ delimiter_text }}, {{ part_number }}){% endmacro %}
{% macro mysql__split_part(string_text, delimiter_text, part_number) %}substring_index(substring_index({{ string_text }}, {{ delimiter_text }}, {{ part_number }}), {{ delimiter_text }}, -1){% endmacro %}

{% macro listagg(measure, delimiter_text="','", order_by_clause=none, limit_num=none) %}{{ return(adapter.dispatch('listagg', 'dbt')(measure, delimiter_text, order_by_clause, limit_num)) }}{% endmacro %}
{% macro default__listagg(measure, delimiter_text, order_by_clause, limit_num) -%}
  {%- if limit_num -%}
    array_to_string((array_agg({{ measure }}{% if order_by_clause %} {{ order_by_clause }}{% endif %}))[1:{{ limit_num }}], {{ delimiter_text }})
  {%- else -%}
    string_agg({{ measure }}, {{ delimiter_text }}{% if order_by_clause %} {{ order_by_clause }}{% endif %})
  {%- endif -%}
{%- endmacro %}
{% macro duckdb__listagg(measure, delimiter_text, order_by_clause, limit_num) -%}
  {%- if limit_num -%}
    array_to_string((list({{ measure }}{% if order_by_clause %} {{ order_by_clause }}{% endif %}))[1:{{ limit_num }}], {{ delimiter_text }})
  {%- else -%}
    string_agg({{ measure }}, {{ delimiter_text }}{% if order_by_clause %} {{ order_by_clause }}{% endif %})
  {%- endif -%}
{%- endmacro %}
{% macro mysql__listagg(measure, delimiter_text, order_by_clause, limit_num) -%}
  {%- if limit_num -%}
    substring_index(group_concat({{ measure }}{% if order_by_clause %} {{ order_by_clause }}{% endif %} separator {{ delimiter_text }}), {{ delimiter_text }}, {{ limit_num }})
  {%- else -%}
    group_concat({{ measure }}{% if order_by_clause %} {{ order_by_clause }}{% endif %} separator {{ delimiter_text }})
  {%- endif -%}
{%- endmacro %}

{# ---- aggregates and set operations ------------------------------------------------------- #}

{% macro any_value(expression) %}{{ return(adapter.dispatch('any_value', 'dbt')(expression)) }}{% endmacro %}
{% macro default__any_value(expression) %}any_value({{ expression }}){% endmacro %}
{% macro postgres__any_value(expression) %}min({{ expression }}){% endmacro %}

{% macro bool_or(expression) %}{{ return(adapter.dispatch('bool_or', 'dbt')(expression)) }}{% endmacro %}
{% macro default__bool_or(expression) %}bool_or({{ expression }}){% endmacro %}
{% macro mysql__bool_or(expression) %}max({{ expression }}){% endmacro %}

{% macro except() %}{{ return(adapter.dispatch('except', 'dbt')()) }}{% endmacro %}
{% macro default__except() %}except{% endmacro %}

{% macro intersect() %}{{ return(adapter.dispatch('intersect', 'dbt')()) }}{% endmacro %}
{% macro default__intersect() %}intersect{% endmacro %}

{# ---- dates and times --------------------------------------------------------------------- #}

{% macro current_timestamp() %}{{ return(adapter.dispatch('current_timestamp', 'dbt')()) }}{% endmacro %}
{% macro default__current_timestamp() %}current_timestamp{% endmacro %}
{% macro mysql__current_timestamp() %}current_timestamp(){% endmacro %}

{% macro dateadd(datepart, interval, from_date_or_timestamp) %}{{ return(adapter.dispatch('dateadd', 'dbt')(datepart, interval, from_date_or_timestamp)) }}{% endmacro %}
{% macro default__dateadd(datepart, interval, from_date_or_timestamp) -%}
  ({{ from_date_or_timestamp }} + ((interval '1 {{ datepart }}') * ({{ interval }})))
{%- endmacro %}
{% macro mysql__dateadd(datepart, interval, from_date_or_timestamp) -%}
  date_add({{ from_date_or_timestamp }}, interval ({{ interval }}) {{ datepart }})
{%- endmacro %}

{% macro datediff(first_date, second_date, datepart) %}{{ return(adapter.dispatch('datediff', 'dbt')(first_date, second_date, datepart)) }}{% endmacro %}
{% macro default__datediff(first_date, second_date, datepart) -%}
  date_diff('{{ datepart }}', cast({{ first_date }} as timestamp), cast({{ second_date }} as timestamp))
{%- endmacro %}
{#- Postgres has no datediff: count the calendar boundaries crossed, unit by unit. -#}
{% macro postgres__datediff(first_date, second_date, datepart) -%}
  {%- set part = datepart | lower -%}
  {%- set first = "(" ~ first_date ~ ")::timestamp" -%}
  {%- set second = "(" ~ second_date ~ ")::timestamp" -%}
  {%- set days = "((" ~ second_date ~ ")::date - (" ~ first_date ~ ")::date)" -%}
  {%- if part == 'year' -%}
    (date_part('year', {{ second }}) - date_part('year', {{ first }}))
  {%- elif part == 'quarter' -%}
    ((date_part('year', {{ second }}) - date_part('year', {{ first }})) * 4 + date_part('quarter', {{ second }}) - date_part('quarter', {{ first }}))
  {%- elif part == 'month' -%}
    ((date_part('year', {{ second }}) - date_part('year', {{ first }})) * 12 + date_part('month', {{ second }}) - date_part('month', {{ first }}))
  {%- elif part == 'week' -%}
    ((date_trunc('week', {{ second }})::date - date_trunc('week', {{ first }})::date) / 7)
  {%- elif part == 'day' -%}
    {{ days }}
  {%- elif part == 'hour' -%}
    ({{ days }} * 24 + date_part('hour', {{ second }}) - date_part('hour', {{ first }}))
  {%- elif part == 'minute' -%}
    (({{ days }} * 24 + date_part('hour', {{ second }}) - date_part('hour', {{ first }})) * 60 + date_part('minute', {{ second }}) - date_part('minute', {{ first }}))
  {%- elif part == 'second' -%}
    floor(extract(epoch from {{ second }}) - extract(epoch from {{ first }}))
  {%- elif part == 'millisecond' -%}
    floor((extract(epoch from {{ second }}) - extract(epoch from {{ first }})) * 1000)
  {%- else -%}
    {{ exceptions.raise_compiler_error("datediff does not know the date part '" ~ datepart ~ "' on postgres") }}
  {%- endif -%}
{%- endmacro %}
{% macro mysql__datediff(first_date, second_date, datepart) -%}
  timestampdiff({{ datepart }}, {{ first_date }}, {{ second_date }})
{%- endmacro %}

{% macro date_trunc(datepart, date) %}{{ return(adapter.dispatch('date_trunc', 'dbt')(datepart, date)) }}{% endmacro %}
{% macro default__date_trunc(datepart, date) %}date_trunc('{{ datepart }}', {{ date }}){% endmacro %}
{% macro mysql__date_trunc(datepart, date) -%}
  {%- set part = datepart | lower -%}
  {%- if part == 'year' -%} str_to_date(date_format({{ date }}, '%Y-01-01'), '%Y-%m-%d')
  {%- elif part == 'month' -%} str_to_date(date_format({{ date }}, '%Y-%m-01'), '%Y-%m-%d')
  {%- elif part == 'week' -%} date_sub(date({{ date }}), interval weekday({{ date }}) day)
  {%- elif part == 'day' -%} date({{ date }})
  {%- elif part == 'hour' -%} str_to_date(date_format({{ date }}, '%Y-%m-%d %H:00:00'), '%Y-%m-%d %H:%i:%s')
  {%- elif part == 'minute' -%} str_to_date(date_format({{ date }}, '%Y-%m-%d %H:%i:00'), '%Y-%m-%d %H:%i:%s')
  {%- else -%} {{ exceptions.raise_compiler_error("date_trunc does not know the date part '" ~ datepart ~ "' on mysql") }}
  {%- endif -%}
{%- endmacro %}

{% macro last_day(date, datepart) %}{{ return(adapter.dispatch('last_day', 'dbt')(date, datepart)) }}{% endmacro %}
{% macro default__last_day(date, datepart) -%}
  cast({{ dbt.dateadd('day', '-1', dbt.dateadd(datepart, '1', dbt.date_trunc(datepart, date))) }} as date)
{%- endmacro %}

{% macro date(year, month, day) %}{{ return(adapter.dispatch('date', 'dbt')(year, month, day)) }}{% endmacro %}
{% macro default__date(year, month, day) %}make_date({{ year }}, {{ month }}, {{ day }}){% endmacro %}
{% macro mysql__date(year, month, day) %}str_to_date(concat({{ year }}, '-', {{ month }}, '-', {{ day }}), '%Y-%m-%d'){% endmacro %}
