-- Dead letters of any size: an oversized payload keeps an excerpt, with its full size and SHA-256.
ALTER TABLE deadletter_rows ADD COLUMN payload_size BIGINT;
ALTER TABLE deadletter_rows ADD COLUMN payload_sha256 VARCHAR;
ALTER TABLE deadletter_rows ADD COLUMN payload_truncated BOOLEAN DEFAULT false;
ALTER TABLE deadletter_rows ADD COLUMN last_offset BIGINT;

CREATE OR REPLACE VIEW deadletters AS
SELECT stage, reason, failed_at, source, url, topic, "partition", "offset", key,
       coalesce(payload_size, octet_length(from_base64(payload_base64))) AS payload_bytes, retryable,
       last_offset, payload_sha256, coalesce(payload_truncated, false) AS payload_truncated
FROM deadletter_rows;
