"""`rss`: any RSS or Atom feed (a newsroom); articles read as HTML pages."""

from __future__ import annotations

from govwatch.connectors.sources.feed import feed_request, read_feed
from govwatch.connectors.sources.kind import SourceKind

KIND = SourceKind(name="rss", request=feed_request, read_listing=read_feed, prefers_content_api=False)
