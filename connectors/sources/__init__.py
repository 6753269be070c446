"""One module per kind of source; each says how its listing is requested and read.

A kind is a `SourceKind` (`connectors/sources/kind.py`): the request a poll makes, how the response
becomes article references, and whether articles are read through GOV.UK's Content API. To add a kind,
write its module here, list it in `SOURCE_KINDS`, and add its name to `SourceKind` in `govwatch/config.py`
(a test holds the two lists equal).
"""

from __future__ import annotations

from govwatch.connectors.sources import govuk_atom, govuk_search, rss
from govwatch.connectors.sources.kind import SourceKind

SOURCE_KINDS: dict[str, SourceKind] = {k.name: k for k in (govuk_atom.KIND, govuk_search.KIND, rss.KIND)}


def source_kind(name: str) -> SourceKind:
    """The kind a `[[sources]]` entry names (the config has checked it is one of `SOURCE_KINDS`)."""
    return SOURCE_KINDS[name]
