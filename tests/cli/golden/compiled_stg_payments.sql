select id as payment_id, order_id, (amount_cents / 100.0) as amount,
  'eu' as region, 'project_scoped' as scoped
from "dev"."main"."raw_payments"