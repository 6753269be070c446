-- Public views (stable column names; see README "Tables and views"). Each shows the newest version of
-- every document; `announcement_history` shows them all.

CREATE OR REPLACE VIEW current_versions AS
SELECT id, max(version) AS version FROM announcement_versions GROUP BY id;

CREATE OR REPLACE VIEW announcements AS
SELECT a.id, a.version, a.url, a.title, a.document_type, a.published_at, a.updated_at, a.organisations,
       a.summary, a.body_text, a.language, a.repairs, a.source, a.fetched_at,
       a.canonical_url, a.content_hash, a.withdrawn, a.extraction_status, a.notes_offset
FROM announcement_versions a JOIN current_versions c USING (id, version);

CREATE OR REPLACE VIEW announcement_history AS
SELECT id, version, url, title, document_type, published_at, updated_at, organisations, summary,
       body_text, language, repairs, source, fetched_at, content_hash, withdrawn, loaded_at
FROM announcement_versions;

CREATE OR REPLACE VIEW partnerships AS
SELECT p.announcement_id, p.kind, p.parties, p.status, p.signatories, p.evidence,
       p.legal_nature, p.date, p.version
FROM partnership_rows p JOIN current_versions c ON c.id = p.announcement_id AND c.version = p.version;

CREATE OR REPLACE VIEW figures AS
SELECT f.announcement_id, f.kind, f.value, f.currency, f.unit, f.qualifier, f.text, f.evidence,
       f.value_max, f.purpose, f.version
FROM figure_rows f JOIN current_versions c ON c.id = f.announcement_id AND c.version = f.version;

CREATE OR REPLACE VIEW entities AS
SELECT e.announcement_id, e.kind, e.name, e.role, e.evidence, e.version
FROM entity_rows e JOIN current_versions c ON c.id = e.announcement_id AND c.version = e.version;

CREATE OR REPLACE VIEW topics AS
SELECT t.announcement_id, t.topic, t.version
FROM topic_rows t JOIN current_versions c ON c.id = t.announcement_id AND c.version = t.version;
