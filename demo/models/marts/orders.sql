{% set methods = ['card', 'cash', 'gift_card', 'bank_transfer'] %}

with payments as (
    select
        order_id,
        {% for method in methods -%}
        sum(case when payment_method = '{{ method }}' then amount else 0 end) as {{ method }}_amount,
        {% endfor -%}
        sum(amount) as total_amount
    from {{ ref('stg_payments') }}
    group by order_id
)

select
    o.order_id,
    o.customer_id,
    o.store_id,
    o.ordered_at,
    o.status,
    {% for method in methods -%}
    coalesce(p.{{ method }}_amount, 0) as {{ method }}_amount,
    {% endfor -%}
    coalesce(p.total_amount, 0) as amount
from {{ ref('stg_orders') }} as o
left join payments as p using (order_id)
