
select sum(total) as revenue from "dev"."main"."orders"