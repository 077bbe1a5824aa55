select
    id as customer_id,
    first_name,
    last_name,
    nullif(trim(email), '') as email,
    cast(signed_up_on as date) as signed_up_on
from {{ ref('raw_customers') }}
