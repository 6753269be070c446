"""Check and decode raw page input before any parsing: size, binary content, encoding, HTML-ness.

Every check returns a reason instead of raising, because rejected input is normal in a crawler (a PDF
served as text/html, an empty 200 response, a JSON error page) and must become a counted status.
"""

from __future__ import annotations

import codecs
import re

from govwatch.connectors.charsets import bom_encoding

MAX_HTML_BYTES = 8 * 1024 * 1024
SNIFF_BYTES = 8192
MAX_CONTROL_SHARE = 0.05
BINARY_MAGIC = (
    b"%PDF",
    b"\x89PNG",
    b"GIF8",
    b"PK\x03\x04",
    b"\xff\xd8\xff",
    b"\x1f\x8b",
    b"\xd0\xcf\x11\xe0",
    b"RIFF",
    b"OggS",
    b"ID3",
    b"\x00\x00\x00",
    b"7z\xbc\xaf",
    b"Rar!",
)
_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_HTML_TAG = re.compile(
    r"<(?:!doctype|html|head|body|meta|title|div|p|main|article|section|h[1-6]|span|table|ul|a)\b",
    re.IGNORECASE,
)
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>", re.IGNORECASE)
_UNDECODED = re.compile("[\udc80-\udcff]")


def check_bytes(data: bytes) -> str | None:
    """Reason to reject raw bytes without decoding them, or None.

    >>> check_bytes(b"%PDF-1.7 ..."), check_bytes(b"  "), check_bytes(b"<p>hi</p>") is None
    ('binary', 'empty', True)
    """
    if not data.strip():
        return "empty"
    if len(data) > MAX_HTML_BYTES:
        return "too_large"
    if bom_encoding(data) is not None:
        return None
    head = data[:SNIFF_BYTES].lstrip()
    if head.startswith(BINARY_MAGIC) or b"\x00" in data[:SNIFF_BYTES]:
        return "binary"
    return None


def check_text(text: str) -> str | None:
    """Reason to reject decoded text, or None: empty, too large, binary, or not HTML at all.

    >>> check_text("<html><body><p>Hi</p></body></html>") is None
    True
    >>> check_text('{"error": "not found"}'), check_text("\\x00\\x01\\x02 abc")
    ('not_html', 'binary')
    """
    if not text.strip():
        return "empty"
    if len(text) > MAX_HTML_BYTES:
        return "too_large"
    head = text[:SNIFF_BYTES]
    if "\x00" in head or len(_CONTROL.findall(head)) > MAX_CONTROL_SHARE * len(head):
        return "binary"
    if not _HTML_TAG.search(text[: SNIFF_BYTES * 8]):
        return "not_html"
    return None


def decode_bytes(data: bytes) -> tuple[str, bool]:
    """Decode page bytes; return the text and whether its encodings were mixed.

    Order: byte-order mark, then strict UTF-8, then the charset the page declares. When UTF-8 fails
    and nothing else is declared, each byte that is not valid UTF-8 is read as Windows-1252 (Latin-1
    for its five unassigned bytes), so no character is lost; fixing mojibake is left to the repair step.

    >>> decode_bytes("café".encode() + b" and caf\\xe9")
    ('café and café', True)
    >>> decode_bytes(b'<meta charset="iso-8859-1"><p>caf\\xe9</p>')
    ('<meta charset="iso-8859-1"><p>café</p>', False)
    """
    marked = bom_encoding(data)
    if marked is not None:
        return data.decode(marked, errors="replace").lstrip("\ufeff"), False
    try:
        return data.decode("utf-8"), False
    except UnicodeDecodeError:
        pass
    declared = _CHARSET.search(data[:SNIFF_BYTES])
    if declared:
        known = _known_encoding(declared.group(1).decode("ascii", errors="ignore"))
        if known and known not in ("utf-8", "utf-16", "utf-32"):
            try:
                return data.decode(known, errors="replace"), False
            except (LookupError, UnicodeError):
                pass  # not a text codec ("rot13"), or one that fails whatever the bytes ("idna")
    text = data.decode("utf-8", errors="surrogateescape")
    return _UNDECODED.sub(_as_cp1252, text), True


def _known_encoding(name: str) -> str | None:
    """Python's canonical codec name for a declared charset, or None when Python has no such codec."""
    try:
        canonical = codecs.lookup(name).name
    except LookupError:
        return None
    # Browsers read a page labelled Latin-1 as Windows-1252 (WHATWG Encoding Standard).
    return "cp1252" if canonical in ("latin-1", "iso8859-1", "ascii") else canonical


def _as_cp1252(match: re.Match[str]) -> str:
    raw = bytes([ord(match.group()) - 0xDC00])
    try:
        return raw.decode("cp1252")
    except UnicodeDecodeError:
        return raw.decode("latin-1")


def strip_xml_declaration(text: str) -> str:
    """Remove a leading `<?xml ... encoding=...?>`, which lxml refuses in already-decoded text."""
    return _XML_DECLARATION.sub("", text, count=1)
