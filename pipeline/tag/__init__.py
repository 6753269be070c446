"""Tagging: partnerships, figures, entities and topics found in repaired text."""
