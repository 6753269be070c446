-- Who signs with government most often.
select party, agreements, kinds
from frequent_partners
where party <> 'UK Government'
order by agreements desc, party
limit 20;
