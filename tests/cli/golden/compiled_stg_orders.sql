
select id as order_id, customer_id, ordered_at, status
from "dev"."raw"."orders_raw"
