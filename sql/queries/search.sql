-- Full-text search over titles and bodies (every word must occur; title hits weigh three times more).
select * from search_announcements('AI Growth Zones') limit 10;
