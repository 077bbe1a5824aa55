{{ config(materialized='incremental', unique_key='order_id', tags=['finance', 'nightly'], on_schema_change='append_new_columns') }}

{%- set payment_methods = ['credit_card', 'coupon', 'bank_transfer', 'gift_card'] -%}

{%- macro cents_to_dollars(column_name, scale=2) -%}
    ({{ column_name }} / 100)::numeric(16, {{ scale }})
{%- endmacro -%}

{%- macro surrogate_key(field_list) -%}
md5({%- for field in field_list -%}
coalesce(cast({{ field }} as varchar), '_null_'){% if not loop.last %} || '-' || {% endif %}
{%- endfor -%})
{%- endmacro -%}

{%- macro audit(relation, columns) -%}
-- audit {{ relation }}: {{ caller() | trim }} ({{ columns | length }} columns)
{%- endmacro -%}

with orders as (
    select * from {{ ref('stg_orders') }}
),

payments as (
    select * from {{ ref('stg_payments') }}
),

customers as (
    select * from {{ ref('dim_customers') }}
),

order_payments as (
    select
        order_id,
        {% for payment_method in payment_methods -%}
        sum(case when payment_method = '{{ payment_method }}' then {{ cents_to_dollars('amount') }} else 0 end) as {{ payment_method }}_amount,
        {% endfor -%}
        sum({{ cents_to_dollars('amount', scale=4) }}) as total_amount
    from payments
    group by order_id
),

final as (
    select
        {{ surrogate_key(['orders.order_id', 'orders.customer_id']) }} as order_key,
        {%- for col in columns %}
        orders.{{ col.name }}{% if col.type == 'text' %}::varchar{% endif %} as {{ col.name | lower }},
        {%- endfor %}
        {% for payment_method in payment_methods -%}
        order_payments.{{ payment_method }}_amount,
        {% endfor -%}
        order_payments.total_amount as amount,
        customers.{{ var('customer_name_column', 'full_name') }}
    from orders
    left join order_payments using (order_id)
    left join customers on orders.customer_id = customers.customer_id
)

{% call audit(ref('fct_orders'), columns) %}
  generated for {{ target.name }} / {{ target.schema }}
{% endcall %}
select * from final
{% if is_incremental() %}
where order_date > (select max(order_date) from {{ this }})
{% endif %}
