-- Core tables behind the public views. One row per (announcement id, version): history is never
-- overwritten; the public views pick the newest version of each document.

CREATE TABLE IF NOT EXISTS consumer_offsets (
    consumer      VARCHAR NOT NULL,   -- 'loader', 'alerts', ...
    topic         VARCHAR NOT NULL,
    "partition"   INTEGER NOT NULL,
    next_offset   BIGINT  NOT NULL,   -- the next offset to read
    topic_id      VARCHAR,            -- the topic incarnation these offsets belong to
    updated_at    TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (consumer, topic, "partition")
);

CREATE TABLE IF NOT EXISTS announcement_versions (
    id                VARCHAR NOT NULL,
    version           INTEGER NOT NULL,
    url               VARCHAR NOT NULL,
    canonical_url     VARCHAR,
    title             VARCHAR NOT NULL,
    document_type     VARCHAR,
    published_at      TIMESTAMPTZ,
    updated_at        TIMESTAMPTZ,
    organisations     VARCHAR[] NOT NULL,
    summary           VARCHAR NOT NULL,
    body_text         VARCHAR NOT NULL,
    language          VARCHAR,
    repairs           JSON NOT NULL,
    source            VARCHAR NOT NULL,
    fetched_at        TIMESTAMPTZ NOT NULL,
    content_hash      VARCHAR NOT NULL,
    withdrawn         BOOLEAN NOT NULL,
    extraction_status VARCHAR NOT NULL,
    notes_offset      INTEGER,
    schema_version    VARCHAR NOT NULL,
    loaded_at         TIMESTAMPTZ NOT NULL,
    kafka_topic       VARCHAR,
    kafka_partition   INTEGER,
    kafka_offset      BIGINT,
    PRIMARY KEY (id, version)
);

CREATE TABLE IF NOT EXISTS partnership_rows (
    announcement_id VARCHAR NOT NULL,
    version         INTEGER NOT NULL,
    ordinal         INTEGER NOT NULL,
    kind            VARCHAR NOT NULL,
    parties         VARCHAR[] NOT NULL,
    status          VARCHAR NOT NULL,
    signatories     JSON NOT NULL,
    legal_nature    VARCHAR,
    date            VARCHAR,
    evidence        JSON NOT NULL
);

CREATE TABLE IF NOT EXISTS figure_rows (
    announcement_id VARCHAR NOT NULL,
    version         INTEGER NOT NULL,
    ordinal         INTEGER NOT NULL,
    kind            VARCHAR NOT NULL,
    value           DOUBLE,
    value_max       DOUBLE,
    currency        VARCHAR,
    unit            VARCHAR,
    qualifier       VARCHAR,
    text            VARCHAR NOT NULL,
    purpose         VARCHAR,
    evidence        JSON
);

CREATE TABLE IF NOT EXISTS entity_rows (
    announcement_id VARCHAR NOT NULL,
    version         INTEGER NOT NULL,
    ordinal         INTEGER NOT NULL,
    kind            VARCHAR NOT NULL,
    name            VARCHAR NOT NULL,
    role            VARCHAR,
    evidence        JSON
);

CREATE TABLE IF NOT EXISTS topic_rows (
    announcement_id VARCHAR NOT NULL,
    version         INTEGER NOT NULL,
    topic           VARCHAR NOT NULL
);
