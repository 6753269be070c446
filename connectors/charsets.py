"""Which characters fetched bytes are: byte-order marks, UTF-16/32 without one, declared charsets.

A feed is decoded here once, and handed to the parser as UTF-8, so a wrong declared charset does not turn
every `£` into mojibake and a charset that is no text encoding at all does not stop the poll. Pages are
decoded by the pipeline (`pipeline/extract/input.py`), which reads byte-order marks with `bom_encoding`.
"""

from __future__ import annotations

import codecs
import re

_XML_ENCODING = re.compile(rb"^\s*<\?xml[^>]*encoding=[\"']([A-Za-z0-9._-]+)[\"']")
_EXPLICIT_WIDE = {
    "utf16le": "utf-16-le",
    "utf16be": "utf-16-be",
    "utf32le": "utf-32-le",
    "utf32be": "utf-32-be",
}
#: Byte-order marks and the codec that reads the text after one (and drops the mark). UTF-32's come
#: first: the UTF-32-LE mark begins with the UTF-16-LE one.
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def bom_encoding(content: bytes) -> str | None:
    """The codec that the byte-order mark `content` starts with announces, or None without one.

    Decoding with it drops the mark. Feeds and pages alike: a mark outranks any declared charset.

    >>> bom_encoding("<rss>".encode("utf-16")), bom_encoding(codecs.BOM_UTF8 + b"<p>"), bom_encoding(b"<p>")
    ('utf-16', 'utf-8-sig', None)
    >>> bom_encoding(codecs.BOM_UTF32_LE + "<".encode("utf-32-le"))
    'utf-32'
    """
    for bom, encoding in _BOMS:
        if content.startswith(bom):
            return encoding
    return None


def decode_feed_bytes(content: bytes, *, charset: str | None) -> str:
    """Decode a feed body: a BOM wins, then UTF-16/32 (declared or plain from the bytes), then valid
    UTF-8, then the declared charset, then Windows-1252.

    Valid UTF-8 is tried before a declared single-byte charset because multi-byte UTF-8 sequences almost
    never occur by accident, while servers often declare ISO-8859-1 for UTF-8 bodies. UTF-16 and UTF-32
    come first: their ASCII characters carry NUL bytes, which are valid UTF-8 and would pass as such.

    >>> decode_feed_bytes("£5m".encode("utf-8"), charset="iso-8859-1")
    '£5m'
    >>> decode_feed_bytes("£5m".encode("cp1252"), charset="utf-8")
    '£5m'
    >>> decode_feed_bytes("<rss>£5m".encode("utf-16-le"), charset="utf-16")
    '<rss>£5m'
    """
    marked = bom_encoding(content)
    if marked is not None:
        return content.decode(marked, errors="replace")
    wide = wide_encoding(content, charset=charset)
    if wide is not None:
        return content.decode(wide, errors="replace")
    try:
        return content.decode("utf-8")
    except UnicodeDecodeError:
        pass
    declared = [charset] if charset else []
    match = _XML_ENCODING.match(content)
    if match:
        declared.append(match.group(1).decode("ascii"))
    for encoding in declared:
        if encoding.lower().replace("_", "-") in ("utf-8", "utf8"):
            continue
        try:
            return content.decode(encoding)
        except (LookupError, UnicodeError):  # UnicodeError: codecs such as "idna" or "undefined"
            continue
    return content.decode("cp1252", errors="replace")


def wide_encoding(content: bytes, *, charset: str | None) -> str | None:
    """Say which UTF-16/32 byte order a body without a BOM is in, if it is in one at all.

    A declared `utf-16le`/`utf-32be` (etc.) is taken as it is. A declared `utf-16` or `utf-32`, or none,
    is settled by where the NUL bytes of the first characters fall (XML 1.0, appendix F: a feed starts
    with `<` or white space, both ASCII); a declaration the bytes contradict is taken in big-endian
    order, the default of RFC 2781.

    >>> wide_encoding("<feed>".encode("utf-16-le"), charset=None)
    'utf-16-le'
    >>> wide_encoding("<feed>".encode("utf-32-be"), charset="UTF-32")
    'utf-32-be'
    >>> wide_encoding(b"<feed>", charset=None) is None
    True
    """
    declared = (charset or "").strip().lower().replace("_", "-")
    explicit = _EXPLICIT_WIDE.get(declared.replace("-", ""))
    if explicit is not None:
        return explicit
    sniffed = _sniff_wide(content[:64])
    if declared in ("utf-16", "utf16", "ucs-2", "utf-32", "utf32", "ucs-4"):
        width = "utf-32" if declared in ("utf-32", "utf32", "ucs-4") else "utf-16"
        return sniffed if sniffed is not None and sniffed.startswith(width) else f"{width}-be"
    return sniffed


def _sniff_wide(head: bytes) -> str | None:
    """UTF-16/32 and its byte order from the NULs of leading ASCII characters (four characters are enough)."""
    for width in (4, 2):
        units = [head[i : i + width] for i in range(0, len(head) - width + 1, width)][:16]
        if len(units) < 4 or b"\x00" * width in units:
            continue
        name = "utf-32" if width == 4 else "utf-16"
        if all(u[:-1] == b"\x00" * (width - 1) and u[-1:] != b"\x00" for u in units):
            return f"{name}-be"
        if all(u[1:] == b"\x00" * (width - 1) and u[:1] != b"\x00" for u in units):
            return f"{name}-le"
    return None
