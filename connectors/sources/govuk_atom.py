"""`govuk_atom`: a GOV.UK Atom feed (an organisation, a topic, a search); articles via the Content API."""

from __future__ import annotations

from govwatch.connectors.sources.feed import feed_request, read_feed
from govwatch.connectors.sources.kind import SourceKind

KIND = SourceKind(name="govuk_atom", request=feed_request, read_listing=read_feed, prefers_content_api=True)
