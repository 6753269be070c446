-- Alerts: one row per (subscription, document id, version) that matched, with its delivery status,
-- and the matching state each subscription keeps per document (for "newly matches" and on-change).
-- Idempotent: safe to apply on every start.

CREATE TABLE IF NOT EXISTS alert_events (
    id                VARCHAR PRIMARY KEY,      -- derived from (subscription, announcement_id, version)
    subscription      VARCHAR NOT NULL,
    announcement_id   VARCHAR NOT NULL,
    version           INTEGER NOT NULL,
    channel           VARCHAR NOT NULL,         -- webhook:URL | email:ADDR | file:PATH | stdout
    status            VARCHAR NOT NULL,         -- pending | delivered | failed
    attempts          INTEGER NOT NULL DEFAULT 0,
    delivered_at      TIMESTAMPTZ,
    change            VARCHAR NOT NULL,         -- match (newly matches) | change (a matched fact changed)
    frequency         VARCHAR NOT NULL,         -- immediate | daily | weekly
    created_at        TIMESTAMPTZ NOT NULL,
    due_at            TIMESTAMPTZ NOT NULL,     -- immediate: created_at; digests: end of the period
    next_attempt_at   TIMESTAMPTZ NOT NULL,     -- retries wait here without blocking other alerts
    first_attempt_at  TIMESTAMPTZ,              -- start of the bounded retry window
    last_error        VARCHAR,                  -- never holds a secret
    delivery_id       VARCHAR,                  -- the alert id, or the digest id it was sent in
    title             VARCHAR,
    payload           JSON NOT NULL,            -- what matched: rule, facts, sentences, offsets, changes
    UNIQUE (subscription, announcement_id, version)
);

CREATE TABLE IF NOT EXISTS alert_match_state (
    subscription      VARCHAR NOT NULL,
    announcement_id   VARCHAR NOT NULL,
    version           INTEGER NOT NULL,         -- latest version evaluated with an effect on the state
    matched           BOOLEAN NOT NULL,
    facts             JSON,                     -- the matched facts, compared by on-change subscriptions
    rule              VARCHAR,                  -- the subscription's rule then: a redefined one starts afresh
    PRIMARY KEY (subscription, announcement_id)
);

CREATE OR REPLACE VIEW alerts AS
SELECT
    id, subscription, announcement_id, version, channel, status, attempts, delivered_at,
    change, frequency, created_at, due_at, next_attempt_at, last_error, delivery_id, title
FROM alert_events;
