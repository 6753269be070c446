-- The announcement versions the alert consumer has matched against the subscriptions (whether or not any
-- matched), written in the same transaction as its offsets. A spooled document settles only once its
-- version is here too: consumer offsets cannot say it, since a memory-only broker starts every run with
-- new topics, and a version stored by an earlier run is not in the new topics until fetched again.
CREATE TABLE IF NOT EXISTS alert_evaluations (
    announcement_id   VARCHAR NOT NULL,
    version           INTEGER NOT NULL,
    PRIMARY KEY (announcement_id, version)
);
