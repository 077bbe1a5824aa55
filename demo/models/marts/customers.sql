select
    c.customer_id,
    c.first_name,
    c.last_name,
    c.email,
    min(o.ordered_at) as first_order_at,
    max(o.ordered_at) as most_recent_order_at,
    count(o.order_id) as order_count,
    coalesce(sum(o.amount) filter (where o.status <> 'returned'), 0) as lifetime_value
from {{ ref('stg_customers') }} as c
left join {{ ref('orders') }} as o using (customer_id)
group by all
