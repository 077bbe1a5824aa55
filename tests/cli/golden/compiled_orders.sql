with __dbt__cte__int_order_totals as (

select order_id, sum(amount) as total
from "dev"."main_stg"."stg_payments"
group by order_id
), totals as (
  select * from __dbt__cte__int_order_totals
)
select o.order_id, o.customer_id, t.total, c.name as customer_name
from "dev"."main_stg"."stg_orders" o
join totals t using (order_id)
left join "dev"."raw"."customers" c on c.id = o.customer_id