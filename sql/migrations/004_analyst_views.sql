-- Views for analysts (examples of use in sql/queries/). Money is compared in GBP at the fixed,
-- documented rates in gbp_rates; change them with UPDATE gbp_rates if you need other rates.

CREATE TABLE IF NOT EXISTS gbp_rates (currency VARCHAR PRIMARY KEY, gbp_per_unit DOUBLE NOT NULL);
INSERT OR IGNORE INTO gbp_rates VALUES ('GBP', 1.0), ('USD', 0.79), ('EUR', 0.85), ('JPY', 0.0052),
    ('CAD', 0.57), ('AUD', 0.52);

CREATE OR REPLACE VIEW latest_announcements AS
SELECT id, title, document_type, organisations, coalesce(updated_at, published_at) AS latest_at, url, version
FROM announcements ORDER BY latest_at DESC NULLS LAST;

CREATE OR REPLACE VIEW partnerships_by_organisation AS
SELECT org AS organisation, p.kind, count(*) AS agreements,
       list(DISTINCT a.title) AS announcements
FROM partnerships p JOIN announcements a ON a.id = p.announcement_id, unnest(a.organisations) AS o(org)
GROUP BY ALL;

CREATE OR REPLACE VIEW money_by_department_month AS
SELECT org AS organisation, date_trunc('month', coalesce(a.published_at, a.updated_at)) AS month,
       count(*) AS figures, sum(f.value * r.gbp_per_unit) AS total_gbp, max(f.value * r.gbp_per_unit) AS largest_gbp
FROM figures f
JOIN announcements a ON a.id = f.announcement_id
JOIN gbp_rates r ON r.currency = f.currency, unnest(a.organisations) AS o(org)
WHERE f.kind = 'money'
GROUP BY ALL;

CREATE OR REPLACE VIEW frequent_partners AS
SELECT party, count(*) AS agreements, count(DISTINCT p.announcement_id) AS announcements,
       list(DISTINCT p.kind) AS kinds
FROM partnerships p, unnest(p.parties) AS u(party)
GROUP BY party;

-- Full-text search. DuckDB's fts extension is downloaded on first use, which an offline machine cannot
-- do, so search is a ranked token match: every query word must occur (case-insensitive, word boundary);
-- title hits count three times as much as body hits.
CREATE OR REPLACE MACRO search_announcements(q) AS TABLE
WITH words AS (
    SELECT DISTINCT lower(w) AS w FROM unnest(regexp_split_to_array(trim(q), '\W+')) AS t(w) WHERE w <> ''
),
scored AS (
    SELECT a.id,
           sum(3 * len(regexp_extract_all(lower(a.title), '\b' || words.w || '\b'))
               + len(regexp_extract_all(lower(a.body_text), '\b' || words.w || '\b'))) AS score,
           bool_and(regexp_matches(lower(a.title || ' ' || a.body_text), '\b' || words.w || '\b')) AS all_words
    FROM announcements a, words
    GROUP BY a.id
)
SELECT a.id, a.title, a.published_at, a.url, s.score
FROM scored s JOIN announcements a USING (id)
WHERE s.all_words
ORDER BY s.score DESC, a.published_at DESC;
