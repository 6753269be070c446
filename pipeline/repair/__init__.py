"""Repair: mojibake, lost bytes and glued words in extracted text, each repair reported.

- `text` — `repair_text`, the one entry point: ftfy, then what ftfy misses, in a fixed order.
- `mojibake`, `run_decoding`, `code_pages` — CJK code-page mojibake found run by run and undone.
- `lost_bytes`, `lost_byte_context` — characters behind bytes a wrong decoder dropped, from context.
- `glued_words` — words syndicated copy glued together, split by English word frequencies.
- `data` — the code-page families and character classes the modules above share.
"""
