-- The 20 newest announcements with their organisations.
select latest_at, title, organisations, url
from latest_announcements
limit 20;
