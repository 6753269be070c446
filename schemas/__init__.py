"""JSON Schemas of every message govwatch writes to Kafka."""
