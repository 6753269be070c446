"""URL identity and URL safety: canonical document URLs, and which hosts a fetch may reach.

Two questions every connector asks about a URL live here, away from any network code: "is this the same
document as one we have seen?" (`canonical_url`) and "may we fetch this link that a feed handed us?"
(`is_public_address`, `host_matches`). Resolving a name to addresses is I/O and stays in `http.py`.
"""

from __future__ import annotations

import ipaddress
import logging
import re
from collections.abc import Iterable
from urllib.parse import urlsplit, urlunsplit

from courlan import normalize_url

log = logging.getLogger(__name__)

ALLOWED_SCHEMES = ("http", "https")
_BARE_AMPERSAND = re.compile(r"&(?![A-Za-z][A-Za-z0-9]*;|#[0-9]+;|#[xX][0-9A-Fa-f]+;)")
# RFC 6052: the last 32 bits are the IPv4 address a NAT64 gateway connects to. (Teredo, 2001::/32, and the
# local-use NAT64 prefix 64:ff9b:1::/48 are not global to begin with, so they stay refused.)
_NAT64_WELL_KNOWN = ipaddress.IPv6Network("64:ff9b::/96")


def canonical_url(url: str) -> str:
    """Return the canonical form of a document URL, used as its id when no `content_id` is known.

    courlan does the well-trodden parts (lower-case scheme and host, default ports dropped, tracking
    parameters such as `utm_*`, `fbclid`, `gclid` removed, query parameters sorted) so two feeds that
    link the same page with different campaign tags agree on one id. We then drop the fragment and a
    trailing slash, which never name a different GOV.UK or newsroom page.

    >>> canonical_url("HTTPS://WWW.Gov.UK:443/government/news/x/?utm_source=feed#top")
    'https://www.gov.uk/government/news/x'
    >>> canonical_url("http://example.org:80/a?b=2&a=1")
    'http://example.org/a?a=1&b=2'
    >>> canonical_url("https://www.gov.uk/")
    'https://www.gov.uk/'
    >>> canonical_url("https://www.gov.uk/search?topic=ai&section=news&copy=1")
    'https://www.gov.uk/search?copy=1&section=news&topic=ai'
    >>> canonical_url("https://www.gov.uk/search?topic=ai&amp;section=news")
    'https://www.gov.uk/search?section=news&topic=ai'
    """
    stripped = url.strip()
    try:
        # courlan reads HTML entities in the URL first, and HTML accepts some without their semicolon, so a
        # query like "?a=1&section=2" would come back as "?a=1§ion=2": such ampersands are escaped first
        normalised = normalize_url(_BARE_AMPERSAND.sub("&amp;", stripped))
    except ValueError:
        log.debug("courlan could not normalise %s; using it as given", stripped)
        normalised = stripped
    try:
        parts = urlsplit(normalised)
    except ValueError:
        return stripped
    path = parts.path.rstrip("/") or "/"
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), path, parts.query, ""))


def url_host(url: str) -> str:
    """Return the lower-case host name of a URL, without port or brackets ("" when there is none).

    >>> url_host("https://WWW.GOV.UK:443/x")
    'www.gov.uk'
    >>> url_host("http://[::1]:8080/")
    '::1'
    """
    try:
        return (urlsplit(url.strip()).hostname or "").lower()
    except ValueError:
        return ""


def has_allowed_scheme(url: str) -> bool:
    """Say whether a URL is http(s), the only schemes govwatch fetches.

    >>> has_allowed_scheme("https://www.gov.uk/a"), has_allowed_scheme("file:///etc/passwd")
    (True, False)
    >>> has_allowed_scheme("http://[::1/broken")
    False
    """
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return False
    return parts.scheme.lower() in ALLOWED_SCHEMES and bool(parts.netloc)


def is_public_address(address: str) -> bool:
    """Say whether an IP address is globally routable (not private, loopback, link-local or reserved).

    Links inside feed content are untrusted input: without this check a feed could make us fetch
    `http://169.254.169.254/` (cloud metadata) or services on our own machine. An IPv6 address that
    carries an IPv4 address (IPv4-mapped `::ffff:a.b.c.d`, 6to4 `2002:AABB:CCDD::/48`, NAT64
    `64:ff9b::a.b.c.d`) reaches that IPv4 address, so it is judged by it.

    >>> [is_public_address(a) for a in ("8.8.8.8", "10.0.0.1", "127.0.0.1", "169.254.169.254", "::1")]
    [True, False, False, False, False]
    >>> [is_public_address(a) for a in ("::ffff:127.0.0.1", "2002:7f00:1::", "64:ff9b::a9fe:a9fe")]
    [False, False, False]
    >>> [is_public_address(a) for a in ("2002:808:808::1", "64:ff9b::808:808", "2606:4700::1111")]
    [True, True, True]
    """
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = _embedded_ipv4(ip)
        if embedded is not None:
            return _is_global(embedded)
    return _is_global(ip)


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address is a way of reaching, if any."""
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip.sixtofour is not None:
        return ip.sixtofour
    if ip in _NAT64_WELL_KNOWN:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def _is_global(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    return not (
        ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_reserved
        or ip.is_multicast
        or ip.is_unspecified
        or not ip.is_global
    )


def host_matches(host: str, allowed: Iterable[str]) -> bool:
    """Say whether a host is in a list of host names, IP addresses or CIDR networks.

    >>> host_matches("www.gov.uk", ["WWW.GOV.UK"]), host_matches("10.1.2.3", ["10.0.0.0/8"])
    (True, True)
    >>> host_matches("evil.example", ["10.0.0.0/8", "www.gov.uk"])
    False
    """
    host = host.lower()
    for entry in allowed:
        entry = entry.strip().lower()
        if not entry:
            continue
        if "/" in entry:
            try:
                if ipaddress.ip_address(host) in ipaddress.ip_network(entry, strict=False):
                    return True
            except ValueError:
                continue
        elif host == entry:
            return True
    return False
