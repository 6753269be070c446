-- Money announced per department and month, in GBP (other currencies at the fixed rates in gbp_rates).
select organisation, strftime(month, '%Y-%m') as month, figures, round(total_gbp / 1e6, 1) as total_gbp_millions
from money_by_department_month
order by month desc, total_gbp desc;
