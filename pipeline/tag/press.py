"""The press: news agencies, newspapers and wire services, who report agreements and are no party to them.

A newspaper's page names it in its dateline ("LONDON (Reuters) -"), byline or copyright line, or as who
was told something; a ministry's or a company's page names its publisher as a party. Tagging asks both
questions about a page's publisher: is its name a news outlet's, and does the text name it only as
its reporter?
"""

from __future__ import annotations

import functools
import re

# News agencies appear in datelines ("LONDON (Reuters) -"), never as parties to what they report.
_NEWS_AGENCIES = frozenset(
    {
        "Reuters", "Bloomberg", "AFP", "Associated Press", "PA Media", "Press Association", "Agenzia Nova", "ANSA",
        "Xinhua", "Kyodo", "Yonhap", "Bernama", "Anadolu Agency", "TASS", "Press Trust of India", "PTI", "IANS",
        "WAM", "dpa", "EFE", "Europa Press", "Antara", "Tanjug", "Lusa", "Prensa Latina", "KUNA", "AKP",
        "Ukrinform", "UNB", "BSS", "ANI", "Devdiscourse", "News Letter", "ITAR-TASS", "Press Information Bureau", "AGERPRES",
        "PIB", "Polskie Radio", "Polish Press Agency", "PAP", "Local Democracy Reporting Service",
        "Kazinform", "AZERTAC", "Interfax", "MENAFN", "Zawya", "APA", "Belga", "NNN", "Business Wire",
        "EIN Presswire", "Jiji Press", "Vietnam News Agency", "Trend", "Ecofin Agency", "OTS",
    }
)  # fmt: skip
# National papers and agencies of the dollar countries: their bare "$" is their own country's dollar when
# the story is about that country (a Singapore paper on a deal in Portugal writes of US dollars).
_PRESS_COUNTRIES = {
    "The Straits Times": "Singapore", "Straits Times": "Singapore", "The Business Times": "Singapore",
    "The Edge Singapore": "Singapore", "South China Morning Post": "Hong Kong", "The Globe and Mail": "Canada",
    "Toronto Star": "Canada", "National Post": "Canada", "CBC News": "Canada", "CTV News": "Canada",
    "The Canadian Press": "Canada", "Canadian Press": "Canada", "Financial Post": "Canada",
    "The Sydney Morning Herald": "Australia", "Sydney Morning Herald": "Australia", "The Age": "Australia",
    "The Australian": "Australia", "Australian Financial Review": "Australia", "AAP": "Australia",
    "Australian Associated Press": "Australia", "The New Zealand Herald": "New Zealand",
    "NZ Herald": "New Zealand", "Stuff": "New Zealand", "RNZ": "New Zealand", "Jamaica Observer": "Jamaica",
    "Jamaica Gleaner": "Jamaica", "The Gleaner": "Jamaica", "Trinidad Express": "Trinidad and Tobago",
    "Trinidad and Tobago Guardian": "Trinidad and Tobago", "Barbados Today": "Barbados",
    "Fiji Times": "Fiji", "The Fiji Times": "Fiji", "The Namibian": "Namibia",
}  # fmt: skip


def press_country(name: str) -> str | None:
    """The country of a national paper or agency of a dollar country ("The Straits Times": Singapore).

    >>> press_country("The Straits Times"), press_country("The Times")
    ('Singapore', None)
    """
    return _PRESS_COUNTRIES.get(_BRACKETED_TAIL.sub("", name.strip()))


# The press reports agreements and is not a party to them: "Computer Business Review", "The Times".
_MEDIA_ENDINGS = (
    "News Agency",
    "Press Agency",
    "Newswire",
    " News",
    " Review",
    " Times",
    " Journal",
    " Gazette",
    " Herald",
    " Tribune",
    " Magazine",
    " Weekly",
    " Daily",
    " Today",
    " Chronicle",
    " Telegraph",
    " Observer",
    " Report",
    " Reporter",
    " Insider",
    " Dive",
    " Mirror",
    " Post",
    " Star",
    " Standard",
    " Guardian",
    " Independent",
    " Globe",
    " Monitor",
    " Dispatch",
    " Courier",
    " Bulletin",
    " Digest",
    " Recorder",
    " Inquirer",
    " Examiner",
    " Gleaner",
    " Mercury",
    " Echo",
    " Advertiser",
    " Argus",
    " Sentinel",
    " Courant",
    " Ledger",
    " Enquirer",
    "StarPhoenix",
)
_MEDIA_ENDINGS_LOWER = tuple(ending.lower() for ending in _MEDIA_ENDINGS)
# Wire services and the trade press by their generic names: "Wire", "Syndicated wire service", "Trade press".
_WIRE_NAME = re.compile(
    r"(?i)(?:^|\s)(?:wire|newswire|press|presse)(?:[ ]services?)?$"
    r"|\b(?:Press|News)[ ](?:Agency[ ]|Trust[ ])?of[ ][A-Z]"  # "Associated Press of Pakistan", "News Agency of Nigeria"
)


_BRACKETED_TAIL = re.compile(r"[ ]\([^()]*\)$")


def is_press(name: str) -> bool:
    """Tell whether a name is a news agency, wire service or newspaper ("Reuters", "Wire", "The Times").

    >>> is_press("Reuters"), is_press("Syndicated wire service"), is_press("Computer Business Review"), is_press("ANI")
    (True, True, True, True)
    >>> is_press("Reuters Foundation Trust"), is_press("Ministry of Defence"), is_press("Emirates News Agency (WAM)")
    (False, False, True)
    >>> is_press("Associated Press of Pakistan"), is_press("News Agency of Nigeria"), is_press("State Bank of Pakistan")
    (True, True, False)
    >>> is_press("Post Nigeria"), is_press("HeraldLIVE"), is_press("Railway Gazette International"), is_press("Post Office")
    (True, True, True, False)
    >>> is_press("pv magazine"), is_press("Great Yarmouth Mercury"), is_press("Saskatoon StarPhoenix"), is_press("Kazinform")
    (True, True, True, True)
    >>> is_press("Cable.co.uk"), is_press("TheBusinessDesk.com"), is_press("Qure.ai"), is_press("Google.org")
    (True, True, False, False)
    """
    name = _BRACKETED_TAIL.sub("", name)  # "Emirates News Agency (WAM)"
    return (
        name in _NEWS_AGENCIES
        or name.endswith(_MEDIA_ENDINGS)
        or name.lower().endswith(_MEDIA_ENDINGS_LOWER)  # "pv magazine"
        or _WIRE_NAME.search(name) is not None
        or _CAMEL_NEWS.search(name) is not None  # "SpaceNews", "GovConWire"
        or _MEDIA_WORD_FIRST.search(name) is not None  # "Railway Gazette International", "News Central Asia"
        or _SITE_NAME.fullmatch(name) is not None  # "Cable.co.uk", "Panorama.am", "TheBusinessDesk.com"
    )


def is_news_agency(name: str) -> bool:
    """Tell whether a name is a news agency, whose "$" is the US dollar wherever it reports.

    >>> is_news_agency("Reuters"), is_news_agency("Saskatoon StarPhoenix")
    (True, False)
    """
    return _BRACKETED_TAIL.sub("", name) in _NEWS_AGENCIES


_CAMEL_NEWS = re.compile(r"[a-z](?:News|Wire)$")
# A publisher named by its web address is a news site ("Telecoms.com", "Cable.co.uk"); a company so named
# ("Amazon.com") is known by its plain name too, and ".ai", ".io" and ".org" names are companies and charities.
_SITE_NAME = re.compile(r"[A-Za-z][\w-]*\.(?:com|net|co\.uk|co\.za|co\.ke|com\.au|am|ng|in|lk|pk|ph)")
# A paper's name that opens with its media word or puts its region after it: "Post Nigeria", "HeraldLIVE",
# "Tech Review Africa", "Railway Gazette International".
_MEDIA_WORD_FIRST = re.compile(
    r"^News[ ][A-Z]|^(?:Herald|Post|Times|Gazette)(?:[ ](?:Nigeria|Kenya|Ghana|India|Pakistan|Africa|Asia)$|[A-Z]{2,}$)"
    r"|\b(?:News|Review|Gazette|Times|Herald|Tribune|Observer)[ ]"
    r"(?:International|Online|Global|Africa|Asia|Central[ ]Asia|Europe|Middle[ ]East)$"
)


# Where a text names the newspaper or agency that publishes it: in its dateline ("Jakarta (ANTARA) –"),
# byline or copyright line, as who was told ("confirmed to Mint", "said in an interview with SpaceNews") or
# as who found something out ("as revealed by PublicTechnology").
_AS_ITS_REPORTER = (
    r"(?:\([ ]?(?:[Tt]he[ ])?{name}\b[^()\n]{{0,60}}\)|(?:Copyright|©|\([Cc]\))[^.\n]{{0,20}}?{name}"
    r"|[-–—][ ]?[A-Z][\w.’'-]+(?:[ ][A-Z][\w.’'-]+){{1,2}},[ ](?:[Tt]he[ ])?{name}"  # "- Wayne Heilman, The Gazette"
    r"|\b(?:told|(?:confirmed|said|explained|spoke|speaking|statement|comments?)[ ]to|interview[ ]with"
    r"|(?:revealed|reported|first[ ]reported)[ ]by)[ ]"  # "As revealed by PublicTechnology earlier this year"
    r"(?:the[ ])?{name}\b(?![ ](?:and|&)\b))"
)


def reported_as_press(text: str, publisher: str) -> bool:
    """Tell whether a text names its publisher, and only ever as its reporter (in a dateline, or as who
    was told something): a newspaper or agency, which the text's "we" never means.

    >>> reported_as_press("Jakarta (ANTARA) - The ministry extended its MoU.", "ANTARA")
    True
    >>> reported_as_press("The chairman confirmed to Mint that work has started. We expect more.", "Mint")
    True
    >>> reported_as_press("(Acme News) - The council signed. Copyright (c) 2022 Acme News.", "Acme News")
    True
    >>> reported_as_press("PESHAWAR, (UrduPoint / Pakistan Point News - 27th Sep, 2019): UET signed.", "UrduPoint")
    True
    >>> reported_as_press("Work starts in June. - Wayne Heilman, The Gazette", "Gazette")
    True
    >>> reported_as_press("As revealed by PublicTechnology in May, the deal runs to 2025.", "PublicTechnology")
    True
    >>> reported_as_press("Mint signed a contract with the council.", "Mint")
    False
    >>> reported_as_press("The ministry signed a deal with Acme (the company).", "Acme")
    False
    """
    if not publisher.strip():
        return False
    named, as_reporter = _publisher_patterns(publisher.strip())
    if named.search(text) is None:
        return False
    return named.search(as_reporter.sub(" ", text)) is None


@functools.lru_cache(maxsize=64)
def _publisher_patterns(publisher: str) -> tuple[re.Pattern[str], re.Pattern[str]]:
    """The publisher's name anywhere, and where it names the publisher as reporter; built once per name."""
    name = re.escape(publisher)
    return re.compile(rf"\b{name}\b"), re.compile(_AS_ITS_REPORTER.format(name=name))
