"""Reading fetched articles: decoding pages whatever charset they declare (fetching is tested in test_poll)."""

from __future__ import annotations

import encodings.aliases

from hypothesis import given, settings
from hypothesis import strategies as st

from govwatch.connectors.articles import decode_html
from govwatch.connectors.http import HttpResult

CHARSETS = sorted(
    set(encodings.aliases.aliases)
    | set(encodings.aliases.aliases.values())
    | {"idna", "punycode", "undefined", "utf-7", "rot13", "unicode_escape", "x-nonsense"}
)


def test_a_page_whose_declared_charset_always_fails_is_read_as_utf8() -> None:
    page = HttpResult(url="http://n.example/a", status=200, content="£5m".encode(), charset="undefined")
    assert decode_html(page) == "£5m"
    assert page.text() == "£5m"


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=300), st.one_of(st.none(), st.sampled_from(CHARSETS)), st.sampled_from(CHARSETS))
def test_decoding_a_page_never_raises(body: bytes, header: str | None, meta: str) -> None:
    content = f'<meta charset="{meta}">'.encode() + body
    page = HttpResult(url="http://n.example/a", status=200, content=content, charset=header)
    assert isinstance(decode_html(page), str)
    assert isinstance(page.text(), str)
