{% macro cents_to_currency(column, scale=2) -%}
    round({{ column }} / 100.0, {{ scale }})
{%- endmacro %}
