-- Each agreement with the sentences that justify it.
select a.title, p.kind, p.parties, p.status, e.sentence
from partnerships p
join announcements a on a.id = p.announcement_id,
     unnest(from_json(p.evidence, '[{"sentence":"VARCHAR","start":"INTEGER","end":"INTEGER"}]')) as t(e)
order by a.published_at desc;
