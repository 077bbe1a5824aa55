{#- Type-2 history of customer details: a changed email closes the old row and opens a new one. -#}
{% snapshot customers_history %}
{{ config(unique_key='customer_id', strategy='check', check_cols=['email', 'last_name']) }}
select customer_id, first_name, last_name, email from {{ ref('stg_customers') }}
{% endsnapshot %}
