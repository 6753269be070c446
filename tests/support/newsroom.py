"""A generated RSS newsroom for tests and benches: N dated items, each linking an article page.

`newsroom_rss(base, count, dates={i: "..."})` writes item i with the given `pubDate` text instead of a
real date, so a hostile date can sit among good ones. `article_page(i)` is the page item i links to.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import UTC, datetime, timedelta

FEED_PATH = "/newsroom/news.rss"
FIRST_DATE = datetime(2025, 7, 21, 9, 0, tzinfo=UTC)


def article_path(index: int) -> str:
    return f"/newsroom/news/story-{index}.html"


def article_page(index: int) -> bytes:
    """A small newsroom page whose body names the story's number."""
    return (
        f"<html lang='en'><head><title>Story {index}</title></head><body><article><h1>Story {index}</h1>"
        f"<p>The department and partner {index} signed a memorandum of understanding on AI compute "
        f"worth £{index} million, the minister announced today.</p></article></body></html>"
    ).encode()


def newsroom_items(base: str, count: int, *, dates: Mapping[int, str] | None = None) -> Iterator[bytes]:
    """The `<item>`s of the newsroom feed, newest first (item 0 is the newest)."""
    dates = dates or {}
    for index in range(count):
        written = dates.get(index)
        if written is None:
            moment = FIRST_DATE + timedelta(minutes=count - index)
            written = moment.strftime("%a, %d %b %Y %H:%M:%S +0000")
        yield (
            f"<item><title>Story {index}</title><link>{base}{article_path(index)}</link>"
            f"<guid isPermaLink='false'>story-{index}</guid><pubDate>{written}</pubDate>"
            f"<description>Partner {index} and the department sign an MoU.</description></item>\n"
        ).encode()


def newsroom_rss(base: str, count: int, *, dates: Mapping[int, str] | None = None) -> bytes:
    """The whole feed as bytes."""
    head = b'<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel><title>Newsroom</title>\n'
    return head + b"".join(newsroom_items(base, count, dates=dates)) + b"</channel></rss>\n"
