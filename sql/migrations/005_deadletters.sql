-- Everything refused by a consumer, kept with the original bytes and the reason.
CREATE TABLE IF NOT EXISTS deadletter_rows (
    fingerprint    VARCHAR PRIMARY KEY,  -- stage + position + payload: a replayed message is stored once
    stage          VARCHAR NOT NULL,
    reason         VARCHAR NOT NULL,
    failed_at      TIMESTAMPTZ NOT NULL,
    source         VARCHAR,
    url            VARCHAR,
    topic          VARCHAR,
    "partition"    INTEGER,
    "offset"       BIGINT,
    key            VARCHAR,
    payload_base64 VARCHAR NOT NULL,
    retryable      BOOLEAN NOT NULL
);

CREATE OR REPLACE VIEW deadletters AS
SELECT stage, reason, failed_at, source, url, topic, "partition", "offset", key,
       octet_length(from_base64(payload_base64)) AS payload_bytes, retryable
FROM deadletter_rows;
