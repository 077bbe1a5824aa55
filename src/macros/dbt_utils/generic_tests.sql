{#- kiln's dbt_utils-compatible generic data tests, used when a project lists dbt_utils but has no
    copy in dbt_packages/. Arguments and defaults are those dbt_utils documents; the SQL is
    kiln's own. Each test selects the rows that break its rule and passes when it selects none.
    Every test dispatches (`adapter.dispatch('test_<name>', 'dbt_utils')`), so a project can
    override one per adapter as it can with the real package. -#}

{#- The `group by` list of the tests that take `group_by_columns`; empty when there are none. -#}
{% macro group_by_list(group_by_columns) -%}
    {{- return(group_by_columns | join(', ') if group_by_columns else '') -}}
{%- endmacro %}

{# ---- expression_is_true ------------------------------------------------------------------- #}

{% test expression_is_true(model, expression, column_name=None) %}
    {{ return(adapter.dispatch('test_expression_is_true', 'dbt_utils')(model, expression, column_name)) }}
{% endtest %}

{% macro default__test_expression_is_true(model, expression, column_name) %}
select *
from {{ model }}
where not ({% if column_name %}{{ column_name }} {% endif %}{{ expression }})
{% endmacro %}

{# ---- unique_combination_of_columns -------------------------------------------------------- #}

{% test unique_combination_of_columns(model, combination_of_columns, quote_columns=false) %}
    {{ return(adapter.dispatch('test_unique_combination_of_columns', 'dbt_utils')(model, combination_of_columns, quote_columns)) }}
{% endtest %}

{% macro default__test_unique_combination_of_columns(model, combination_of_columns, quote_columns) %}
{%- set columns = [] -%}
{%- for column in combination_of_columns -%}
    {%- do columns.append(adapter.quote(column) if quote_columns else column) -%}
{%- endfor -%}
select {{ columns | join(', ') }}, count(*) as n_records
from {{ model }}
group by {{ columns | join(', ') }}
having count(*) > 1
{% endmacro %}

{# ---- accepted_range ---------------------------------------------------------------------- #}

{% test accepted_range(model, column_name, min_value=none, max_value=none, inclusive=true) %}
    {{ return(adapter.dispatch('test_accepted_range', 'dbt_utils')(model, column_name, min_value, max_value, inclusive)) }}
{% endtest %}

{% macro default__test_accepted_range(model, column_name, min_value, max_value, inclusive) %}
{%- if min_value is none and max_value is none -%}
    {{ exceptions.raise_compiler_error("accepted_range needs min_value, max_value or both") }}
{%- endif -%}
select *
from {{ model }}
where 1 = 2
{%- if min_value is not none %}
   or not ({{ column_name }} >{{ '=' if inclusive }} {{ min_value }})
{%- endif %}
{%- if max_value is not none %}
   or not ({{ column_name }} <{{ '=' if inclusive }} {{ max_value }})
{%- endif %}
{% endmacro %}

{# ---- not_null_proportion ----------------------------------------------------------------- #}

{% test not_null_proportion(model, column_name, at_least, at_most=1.0, group_by_columns=[]) %}
    {{ return(adapter.dispatch('test_not_null_proportion', 'dbt_utils')(model, column_name, at_least, at_most, group_by_columns)) }}
{% endtest %}

{% macro default__test_not_null_proportion(model, column_name, at_least, at_most, group_by_columns) %}
{%- set groups = dbt_utils.group_by_list(group_by_columns) -%}
with proportions as (
    select
        {% if groups %}{{ groups }}, {% endif -%}
        sum(case when {{ column_name }} is null then 0 else 1 end)
            / cast(count(*) as {{ dbt.type_float() }}) as not_null_proportion
    from {{ model }}
    {% if groups %}group by {{ groups }}{% endif %}
)
select *
from proportions
where not_null_proportion < {{ at_least }} or not_null_proportion > {{ at_most }}
{% endmacro %}

{# ---- recency ----------------------------------------------------------------------------- #}

{% test recency(model, field, datepart, interval, ignore_time_component=False, group_by_columns=[]) %}
    {{ return(adapter.dispatch('test_recency', 'dbt_utils')(model, field, datepart, interval, ignore_time_component, group_by_columns)) }}
{% endtest %}

{% macro default__test_recency(model, field, datepart, interval, ignore_time_component, group_by_columns) %}
{%- set groups = dbt_utils.group_by_list(group_by_columns) -%}
{%- set threshold = dbt.dateadd(datepart, -1 * interval, dbt.current_timestamp()) -%}
{%- if ignore_time_component -%}
    {%- set threshold = "cast(" ~ threshold ~ " as date)" -%}
    {%- set latest = "cast(max(" ~ field ~ ") as date)" -%}
{%- else -%}
    {%- set threshold = "cast(" ~ threshold ~ " as " ~ dbt.type_timestamp() ~ ")" -%}
    {%- set latest = "cast(max(" ~ field ~ ") as " ~ dbt.type_timestamp() ~ ")" -%}
{%- endif -%}
with latest as (
    select
        {% if groups %}{{ groups }}, {% endif -%}
        {{ latest }} as most_recent
    from {{ model }}
    {% if groups %}group by {{ groups }}{% endif %}
)
select *, {{ threshold }} as threshold
from latest
where most_recent is null or most_recent < {{ threshold }}
{% endmacro %}

{# ---- at_least_one ------------------------------------------------------------------------ #}

{% test at_least_one(model, column_name, group_by_columns=[]) %}
    {{ return(adapter.dispatch('test_at_least_one', 'dbt_utils')(model, column_name, group_by_columns)) }}
{% endtest %}

{% macro default__test_at_least_one(model, column_name, group_by_columns) %}
{%- set groups = dbt_utils.group_by_list(group_by_columns) -%}
select
    {% if groups %}{{ groups }}, {% endif -%}
    count({{ column_name }}) as non_null_count
from {{ model }}
{% if groups %}group by {{ groups }}{% endif %}
having count({{ column_name }}) = 0
{% endmacro %}

{# ---- not_constant ------------------------------------------------------------------------ #}

{% test not_constant(model, column_name, group_by_columns=[]) %}
    {{ return(adapter.dispatch('test_not_constant', 'dbt_utils')(model, column_name, group_by_columns)) }}
{% endtest %}

{% macro default__test_not_constant(model, column_name, group_by_columns) %}
{%- set groups = dbt_utils.group_by_list(group_by_columns) -%}
select
    {% if groups %}{{ groups }}, {% endif -%}
    count(distinct {{ column_name }}) as distinct_values
from {{ model }}
{% if groups %}group by {{ groups }}{% endif %}
having count(distinct {{ column_name }}) = 1
{% endmacro %}

{# ---- not_empty_string -------------------------------------------------------------------- #}

{% test not_empty_string(model, column_name, trim_whitespace=true) %}
    {{ return(adapter.dispatch('test_not_empty_string', 'dbt_utils')(model, column_name, trim_whitespace)) }}
{% endtest %}

{% macro default__test_not_empty_string(model, column_name, trim_whitespace) %}
select {{ column_name }}
from {{ model }}
where {% if trim_whitespace %}trim({{ column_name }}){% else %}{{ column_name }}{% endif %} = ''
{% endmacro %}

{# ---- relationships_where ----------------------------------------------------------------- #}

{% test relationships_where(model, column_name, to, field, from_condition="1=1", to_condition="1=1") %}
    {{ return(adapter.dispatch('test_relationships_where', 'dbt_utils')(model, column_name, to, field, from_condition, to_condition)) }}
{% endtest %}

{% macro default__test_relationships_where(model, column_name, to, field, from_condition, to_condition) %}
with children as (
    select {{ column_name }} as child_value
    from {{ model }}
    where {{ column_name }} is not null and ({{ from_condition }})
),
parents as (
    select {{ field }} as parent_value
    from {{ to }}
    where {{ to_condition }}
)
select children.child_value
from children
left join parents on children.child_value = parents.parent_value
where parents.parent_value is null
{% endmacro %}

{# ---- equal_rowcount and fewer_rows_than -------------------------------------------------- #}

{#- Row counts of `model` (count_model) and `compare_model` (count_comparison), per group. A union
    rather than a full outer join, so groups present on one side only count as 0 on the other and
    the SQL runs on MySQL as well. -#}
{% macro compare_row_counts(model, compare_model, group_by_columns) -%}
{%- set groups = dbt_utils.group_by_list(group_by_columns) -%}
with counts as (
    select {% if groups %}{{ groups }}, {% endif %}count(*) as count_model, 0 as count_comparison
    from {{ model }}
    {% if groups %}group by {{ groups }}{% endif %}
    union all
    select {% if groups %}{{ groups }}, {% endif %}0 as count_model, count(*) as count_comparison
    from {{ compare_model }}
    {% if groups %}group by {{ groups }}{% endif %}
),
totals as (
    select
        {% if groups %}{{ groups }}, {% endif -%}
        sum(count_model) as count_model,
        sum(count_comparison) as count_comparison
    from counts
    {% if groups %}group by {{ groups }}{% endif %}
)
{%- endmacro %}

{% test equal_rowcount(model, compare_model, group_by_columns=[]) %}
    {{ return(adapter.dispatch('test_equal_rowcount', 'dbt_utils')(model, compare_model, group_by_columns)) }}
{% endtest %}

{% macro default__test_equal_rowcount(model, compare_model, group_by_columns) %}
{{ dbt_utils.compare_row_counts(model, compare_model, group_by_columns) }}
select *, abs(count_model - count_comparison) as diff_count
from totals
where count_model <> count_comparison
{% endmacro %}

{% test fewer_rows_than(model, compare_model, group_by_columns=[]) %}
    {{ return(adapter.dispatch('test_fewer_rows_than', 'dbt_utils')(model, compare_model, group_by_columns)) }}
{% endtest %}

{% macro default__test_fewer_rows_than(model, compare_model, group_by_columns) %}
{{ dbt_utils.compare_row_counts(model, compare_model, group_by_columns) }}
select *, count_model - count_comparison as row_count_delta
from totals
where count_model >= count_comparison
{% endmacro %}

{# ---- sequential_values ------------------------------------------------------------------- #}

{% test sequential_values(model, column_name, interval=1, datepart=None, group_by_columns=[]) %}
    {{ return(adapter.dispatch('test_sequential_values', 'dbt_utils')(model, column_name, interval, datepart, group_by_columns)) }}
{% endtest %}

{% macro default__test_sequential_values(model, column_name, interval, datepart, group_by_columns) %}
{%- set groups = dbt_utils.group_by_list(group_by_columns) -%}
{%- set previous = 'previous_' ~ (column_name | replace('"', '') | replace('`', '')) -%}
with ordered as (
    select
        {% if groups %}{{ groups }}, {% endif -%}
        {{ column_name }},
        lag({{ column_name }}) over (
            {% if groups %}partition by {{ groups }} {% endif %}order by {{ column_name }}
        ) as {{ previous }}
    from {{ model }}
)
select *
from ordered
where not ({{ column_name }} = {% if datepart %}{{ dbt.dateadd(datepart, interval, previous) }}{% else %}{{ previous }} + {{ interval }}{% endif %})
{% endmacro %}

{# ---- mutually_exclusive_ranges ----------------------------------------------------------- #}

{% test mutually_exclusive_ranges(model, lower_bound_column, upper_bound_column, partition_by=None, gaps='allowed', zero_length_range_allowed=False) %}
    {{ return(adapter.dispatch('test_mutually_exclusive_ranges', 'dbt_utils')(model, lower_bound_column, upper_bound_column, partition_by, gaps, zero_length_range_allowed)) }}
{% endtest %}

{% macro default__test_mutually_exclusive_ranges(model, lower_bound_column, upper_bound_column, partition_by, gaps, zero_length_range_allowed) %}
{#- How a range's upper bound must compare with the next range's lower bound. -#}
{%- set gap_operators = {'allowed': '<=', 'not_allowed': '=', 'required': '<'} -%}
{%- if gaps not in gap_operators -%}
    {{ exceptions.raise_compiler_error("mutually_exclusive_ranges: `gaps` must be one of 'allowed', 'not_allowed' or 'required', not '" ~ gaps ~ "'") }}
{%- endif -%}
{%- set window = ("partition by " ~ partition_by ~ " " if partition_by else "") -%}
with bounds as (
    select
        {% if partition_by %}{{ partition_by }}, {% endif -%}
        {{ lower_bound_column }} as lower_bound,
        {{ upper_bound_column }} as upper_bound,
        lead({{ lower_bound_column }}) over ({{ window }}order by {{ lower_bound_column }}, {{ upper_bound_column }}) as next_lower_bound,
        row_number() over ({{ window }}order by {{ lower_bound_column }} desc, {{ upper_bound_column }} desc) = 1 as is_last_record
    from {{ model }}
),
checks as (
    select
        *,
        coalesce(lower_bound {{ '<=' if zero_length_range_allowed else '<' }} upper_bound, false) as lower_bound_before_upper_bound,
        coalesce(upper_bound {{ gap_operators[gaps] }} next_lower_bound, is_last_record, false) as upper_bound_fits_next_range
    from bounds
)
select *
from checks
where not (lower_bound_before_upper_bound and upper_bound_fits_next_range)
{% endmacro %}

{# ---- not_accepted_values ----------------------------------------------------------------- #}

{% test not_accepted_values(model, column_name, values, quote=True) %}
    {{ return(adapter.dispatch('test_not_accepted_values', 'dbt_utils')(model, column_name, values, quote)) }}
{% endtest %}

{% macro default__test_not_accepted_values(model, column_name, values, quote) %}
select {{ column_name }} as value_field, count(*) as n_records
from {{ model }}
where {{ column_name }} in (
    {%- for value in values -%}
        {%- if quote -%}'{{ dbt.escape_single_quotes(value) }}'{%- else -%}{{ value }}{%- endif -%}
        {%- if not loop.last %}, {% endif -%}
    {%- endfor -%}
)
group by {{ column_name }}
{% endmacro %}

{# ---- cardinality_equality ---------------------------------------------------------------- #}

{% test cardinality_equality(model, column_name, to, field) %}
    {{ return(adapter.dispatch('test_cardinality_equality', 'dbt_utils')(model, column_name, to, field)) }}
{% endtest %}

{% macro default__test_cardinality_equality(model, column_name, to, field) %}
{#- The same values, each on as many rows, on both sides: compare (value, rows) pairs both ways. -#}
with model_counts as (
    select {{ column_name }} as value_field, count(*) as n_records
    from {{ model }}
    group by {{ column_name }}
),
compare_counts as (
    select {{ field }} as value_field, count(*) as n_records
    from {{ to }}
    group by {{ field }}
),
only_in_model as (
    select * from model_counts
    {{ dbt.except() }}
    select * from compare_counts
),
only_in_compare as (
    select * from compare_counts
    {{ dbt.except() }}
    select * from model_counts
)
select * from only_in_model
union all
select * from only_in_compare
{% endmacro %}
