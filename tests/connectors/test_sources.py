"""Each kind of source has its module, and the config accepts exactly the kinds there are."""

from __future__ import annotations

from govwatch.config import SOURCE_KINDS as CONFIG_KINDS
from govwatch.config import Settings, SourceConfig
from govwatch.connectors.sources import SOURCE_KINDS
from govwatch.connectors.sources.feed import FEED_ACCEPT


def test_the_config_accepts_exactly_the_kinds_that_have_a_module() -> None:
    assert set(SOURCE_KINDS) == set(CONFIG_KINDS)


def test_feeds_are_requested_from_their_url_and_search_from_the_search_api() -> None:
    settings = Settings()
    atom = SourceConfig(name="a", kind="govuk_atom", url="https://www.gov.uk/x.atom")
    search = SourceConfig(name="s", kind="govuk_search", organisations=("cabinet-office",))
    assert SOURCE_KINDS["govuk_atom"].request(atom, settings) == ("https://www.gov.uk/x.atom", FEED_ACCEPT)
    url, accept = SOURCE_KINDS["govuk_search"].request(search, settings)
    assert url.startswith(f"{settings.govuk.base_url}/api/search.json?")
    assert "cabinet-office" in url
    assert accept == "application/json"


def test_only_govuk_kinds_read_articles_through_the_content_api() -> None:
    assert {name for name, kind in SOURCE_KINDS.items() if kind.prefers_content_api} == {
        "govuk_atom",
        "govuk_search",
    }
