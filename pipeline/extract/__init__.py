"""Extraction: a fetched page or Content API item → `ExtractedDocument` (title, dates, body, notes offset).

- `document` — `extract_html` and `extract_content_item`, the two entry points, composing the rest.
- `input` — what a payload must be before it is parsed (size, binary, markup).
- `govuk` — GOV.UK's own page furniture: metadata blocks, Govspeak bodies, organisations.
- `meta` — titles, dates, languages and canonical URLs from any page's metadata.
- `text` — the body's lines (trafilatura, with GOV.UK's blocks kept) and the "Notes to editors" offset.
- `xpaths` — every XPath and label the modules above read.
"""
