with payments as (
    select
        order_id,
        sum(case when payment_method = 'card' then amount else 0 end) as card_amount,
        sum(case when payment_method = 'cash' then amount else 0 end) as cash_amount,
        sum(case when payment_method = 'gift_card' then amount else 0 end) as gift_card_amount,
        sum(case when payment_method = 'bank_transfer' then amount else 0 end) as bank_transfer_amount,
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
    coalesce(p.card_amount, 0) as card_amount,
    coalesce(p.cash_amount, 0) as cash_amount,
    coalesce(p.gift_card_amount, 0) as gift_card_amount,
    coalesce(p.bank_transfer_amount, 0) as bank_transfer_amount,
    coalesce(p.total_amount, 0) as amount
from {{ ref('stg_orders') }} as o
left join payments as p using (order_id)
