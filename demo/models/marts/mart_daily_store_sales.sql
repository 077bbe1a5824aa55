select
    store_id,
    cast(ordered_at as date) as sales_date,
    count(*) as order_count,
    sum(amount) as revenue
from {{ ref('orders') }}
where status <> 'returned'
group by all
