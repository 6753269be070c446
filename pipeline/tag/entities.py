"""Find named things in an announcement: organisations, people with roles, places and programmes.

Mentions are found in a fixed order and never overlap: lexicon organisations and programmes first (they
are certain), then governments ("the government", "the Japanese government"), people introduced by a
role, organisations and programmes found by their shape ("Acme Robotics Ltd", "Local Digital Fund"),
quoted tool names ("'Consult', the bespoke tool") and finally places. A character taken by one mention
is not available to later ones, so "London" in "Imperial College London" is not a place.
"""

from __future__ import annotations

import bisect
import functools
import itertools
import re
from collections.abc import Container, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from urllib.parse import urlsplit

from babel import Locale
from babel.numbers import list_currencies

from govwatch.pipeline.records import Entity, Evidence
from govwatch.pipeline.repair.glued_words import is_common_word
from govwatch.pipeline.tag.figure_words import word_set
from govwatch.pipeline.tag.lexicon import Lexicon, find_words, trie_regex, words_in
from govwatch.pipeline.tag.mentions import (
    CAPWORD,
    DESCRIPTOR_NOUN,
    PERSON_JOB,
    ROLE_HEADS,
    Mention,
    sentence_at,
)
from govwatch.pipeline.tag.offices import coordinated_governments, country_pairs, find_office_holders
from govwatch.pipeline.tag.people import find_people, names_people_go_by
from govwatch.pipeline.tag.press import is_press, reported_as_press
from govwatch.pipeline.tag.sentences import Sentence
from govwatch.pipeline.tag.wordlists import word_pattern

DEFAULT_SELF_PARTY = "UK Government"

# Capitalised words that start sentences or headings rather than names.
LEADING_STOPWORDS = word_set(
    "A Across After Although All Alongside Also An And Announcing As At Backed Because Before Both Building "
    "But By Despite Each Every Find Following For From Funding Further He Her His However If In It Its "
    "Last Latest Many Meanwhile More New Next Now On Once Other Our Over Read Several She Since Some "
    "Speaking That The Their Then There These They This Those Though Through To Today Under Unless "
    "Until Up We When Whereas Where Whether While With Without Yesterday Yet "
    "Two Three Four Five Six Seven Eight Nine Ten Eleven Twelve Dozens Hundreds Thousands Shares "
    "So Besides Moreover Furthermore Additionally Instead Overall Elsewhere I"
)
# Words that cannot be part of a person's name.
# "the Swiss authorities" is Switzerland's government too (with a country's adjective only: "the
# authorities", "local authorities" and "port authorities" are nobody's government)
_GOVERNMENT_WORD = re.compile(r"[Gg]overnment(?![\w-])|authorities(?![\w-])")
# "the French government", "the Swiss Federal government", "the Indian central government"
_GOVERNMENT_BEFORE = re.compile(
    r"(?:(?<![\w-])(?:the|The)[ \t\u00a0]+)?"
    r"(?:(?<![\w-])(?P<adj>[A-Z][a-z]+|UK|US|HM)[ \t\u00a0]+(?:(?:[Ff]ederal|[Nn]ational|[Cc]entral)[ \t\u00a0]+)?)?$"
)
_WORDS_BEFORE = re.compile(r"(?:[A-Z][\w'-]*[ ]){1,3}$")


def _longer_country(text: str, start: int, end: int, lexicon: Lexicon) -> int | None:
    """Where a country's name of several words ending at `end` begins ("Papua New Guinea" of "Guinea")."""
    run = _WORDS_BEFORE.search(text, max(0, start - 30), start)
    if run is None:
        return None
    position = run.start()
    while position < start:
        if _country_place(lexicon, text[position:end]) is not None:
            return position
        position = text.index(" ", position) + 1
    return None


_GOVERNMENT_OF = re.compile(
    r"[ \t\u00a0]+of[ \t\u00a0]+(?:the[ \t\u00a0]+)?"
    # "Côte d'Ivoire", "Trinidad and Tobago"
    r"(?P<of>[A-Z]\w+(?:[ \t\u00a0](?:of[ \t\u00a0](?:the[ \t\u00a0])?|d['’]|and[ \t\u00a0])?[A-Z]\w+){0,4})"
)
_LEADER_NAMED = re.compile(r"[A-Z][a-z]+[ ]Government")
# A word before "Government" that English uses this often is no leader's surname ("Local", "Open").
LEADER_NAME_ZIPF = 4.0
_PREFIX_WORD = re.compile(r"(?<![\w-])([A-Z][A-Za-z]+)[ \u00a0]$")
# Common words, capitalised, that say what an agreement is for ("Signalling & Telecoms framework").
DESCRIPTION_WORD_ZIPF = 3.5
_LOWER_AGREEMENT_AFTER = re.compile(
    r"(?P<short>[ ]\([^()]{1,12}\))?[ ](?:framework|contract|contracts|frameworks|programme|partnership|grant|grants"
    r"|awards"
    r"|(?:Purchase[ ]|Supply[ ]|Service[ ])?Agreements?)\b"  # "Carbon Dioxide Removal Credit Purchase Agreements"
)
# Role words open a person's description, not an organisation's name ("Chief Executive Acme Ltd").
ROLE_WORDS = word_set(
    "Professor Prof Dr Vice-Chancellor Chief Director CEO Chair President Minister Secretary Head Governor Mayor "
    "Senator"
)
# A capitalised run of up to four words that may be a name nothing else knows; a legal form with stops
# ("Pirelli Tyre S.p.A.", "Airbus S.A.") is one of its words.
# Capital letters of names: ASCII and the Latin-1 and Latin Extended-A ones ("ČEZ", "Ørsted", "Électricité").
UPPER = "A-Z" + "".join(c for c in map(chr, range(0xC0, 0x180)) if c.isupper())
# A business a country's name describes: "the US tech giant", "the U.S. Midwest grid", "a UK defence firm".
_BUSINESS_AFTER_COUNTRY = re.compile(
    r"(?:[ ][A-Z][a-z]+)?[ ](?:[a-z-]+[ ]){0,2}?(?:giant|company|firm|operator|grid|start-?up|conglomerate|"
    r"multinational|chipmaker|carmaker|automaker|manufacturer|maker|provider|utility|lender|carrier|telco|"
    r"subsidiary|investor|developer|supplier|contractor|retailer)\b(?![ \u00a0]?[A-Z(])"
)  # (not "U.S. chipmaker Nvidia", where the name follows its description)
# The small words that join the capitalised words of a name in other languages: "Cassa Depositi e Prestiti",
# "Banco Nacional de Desenvolvimento", "Agenzia per la Cybersicurezza Nazionale".
_FOREIGN_NAME_LINK = (
    r"(?:(?:de|da|do|dos|das|des|del|della|delle|dei|degli|di|du|e|et|y|per|für|und|voor|för|och|og)"
    r"[ \u00a0](?:(?:la|las|los|le|les|l’|d’)[ \u00a0])?)"
)
_PROPER_RUN = re.compile(
    rf"[{UPPER}](?<![\w-].)[\w&+’'.-]*(?:[ \u00a0]{_FOREIGN_NAME_LINK}?"
    rf"(?:S\.p\.A\.|S\.r\.l\.|[SNB]\.[AV]\.|[{UPPER}][\w&+’'-]*)){{0,3}}"
)
# A name that opens in lower case with a capital inside its first word: "xAI", "iRobot", "eHealth Africa",
# "atNorth".
_CAMEL_RUN = re.compile(rf"(?<![\w-])[a-z]{{1,3}}[{UPPER}][\w&+’'-]*(?:[ \u00a0][{UPPER}][\w&+’'-]*){{0,3}}")
# A capitalised run followed by a descriptor noun and then a name describes that name: the party is the
# name after it.
_DESCRIBED_NAME = re.compile(rf"\b{DESCRIPTOR_NOUN}[ \u00a0]$")
# Who an agreement is "with" is a party, whatever common word it is called: "a contract with Cubic".
_DEAL_WITH = re.compile(
    r"\b(?:(?:contracts?|agreements?|deals?|partnerships?|memorandum[ ]of[ ]understanding|MoU|joint[ ]venture)"
    r"[ ]with|(?:contracts?|grants?|awards?|funding)(?:[ ](?:was|were|has[ ]been|have[ ]been))?[ ](?:awarded[ ])?to"
    r"|(?:awarded|selected|chosen|appointed|commissioned|picked)(?:[ ]to)?)[ ]$"
)
# Capitals opening a sentence and followed by its verb are a body's initials ("NOAA has awarded"), not a
# dateline ("LONDON, 5 May") or a heading, however often the letters are also an English word.
_ACTS = re.compile(
    r"[ ](?:has|have|had|is|are|was|were|will|would|said|says|signed|signs|awarded|awards|selected|selects"
    r"|announced|announces|today|also|and[ ](?:the[ ])?[A-Z])\b"
)
_NUMBERED = re.compile(r"[ \u00a0]\d")
_DESCRIBES_NEXT_NAME = re.compile(rf"[ \u00a0]{DESCRIPTOR_NOUN}[ \u00a0][A-Z]")
# Capitalised words that open sentences and headings but never name a party.
COMMON_CAPITALS = word_set(
    "Email Phone Telephone Notes Editors Media Monday Tuesday Wednesday Thursday Friday Saturday Sunday "
    "January February March April May June July August September October November December Read Find "
    "More Information Further Background Contact Press Office Enquiries Minister Secretary Government "
    "Industry Officials Everyone Anyone Nobody Some Most Many Several Each Every Both Either Neither "
    "However Separately Additionally Meanwhile Overall Together Here There Where When What Why How Who "
    "Which Whether Whatever Today Tomorrow Yesterday Earlier Later Now Then Next Last First Second Third "
    "Local National Regional International Global Public Private Digital Technology Science Innovation "
    "Research Health Education Defence Justice Security Data Cyber Quantum AI UK GOV.UK Parliament Bill Act"
)
_LINKS = frozenset({"and", "the", "of", "for", "on", "&"})
# A known name inside a longer one that ends with an organisation word ("... NHS Foundation Trust").
_INSIDE_LONGER_NAME = re.compile(
    r"(?:[ ][A-Z][\w&-]*){0,3}[ ](?:Foundation Trust|Trust|Integrated Care Board|GmbH)(?![\w-])"
)
_CAPITAL_BEFORE = re.compile(r"[A-Z][\w&’'-]*[ ]$")
_GOVERNING_ORGANS = frozenset({"Council", "Board", "Commission", "Administration"})
# Capitalised words after a known name that make a longer body's name ("... Development Programme").
_LONGER_BODY = re.compile(
    r"(?:[ ][A-Z][\w&-]*){0,2}[ ](?:Programme|Fund|Bank|Agency|Organisation|Organization|Commission|Council|"
    r"Institute|Authority|Centre|Center|Foundation|Association|Federation|Forum|Network|Union|Board|Corporation|"
    r"Administration|Laboratory|Laboratories|Lab|Labs|Command|Directorate|Office|Division|Company)(?:[ ](?:of|for)[ ](?:the[ ])?[A-Z][\w&-]*(?:[ ](?:and[ ])?[A-Z][\w&-]*){0,3})?(?![\w-])"
)


def _inside_longer_name(text: str, start: int, end: int) -> bool:
    """Tell whether a known name is a word inside a longer capitalised name that ends in "Trust" (an NHS
    hospitals' trust may open with it: "University College London Hospitals NHS Foundation Trust") or in a
    German company's "GmbH" ("Robert Bosch GmbH")."""
    longer = _INSIDE_LONGER_NAME.match(text, end)
    return longer is not None and (
        " Hospital" in longer.group() or _CAPITAL_BEFORE.search(text, max(0, start - 40), start) is not None
    )


_OF_PLACE = re.compile(r"[ ]of[ ](?:the[ ])?(?P<place>[A-Z][\w-]*(?:[ ][A-Z][\w-]*){0,2})(?![\w-])")
_OF_COUNTRY_END = re.compile(r"[ ]of[ ](?:the[ ])?(?P<place>[A-Z][\w-]*(?:[ ][A-Z][\w-]*){0,3})$")
_POSSESSIVES = ("’s", "'s")
# What a shaped name may carry that is no part of it: a short name or an office after a comma ("Abu Dhabi
# Digital Authority, ADDA", "the Lao Ministry of Technology, Deputy PM Hà"), a description before it
# ("State-owned ITI Ltd") and a possessive ending ("ESO’s Director General": the body is "ESO").
_COMMA_TAIL = re.compile(
    r",[ ](?:[A-Z]{2,6}|(?:Deputy|Vice|Minister|President|Chair(?:man|woman)?|Director|CEO|Secretary)\b.*)$"
)
_OWNED_HEAD = re.compile(
    r"^(?:State|Government|Publicly|Privately|Family|Employee)-(?:owned|run|backed|controlled)[ ]"
)


# An office held in a body, written before the body's name: "Leader of Bury Council", "President of the X".
_OFFICE_OF_HEAD = re.compile(
    r"^(?:(?:Deputy|Vice|Acting|Interim)[ -])?(?:Leader|Chair|Chairman|Chairwoman|Chairperson|President|"
    r"Director|Head|Chief[ ]Executive|Mayor|Governor|Commissioner|Provost|Principal|Dean)[ ]of[ ](?:the[ ])?(?=[A-Z])"
)
_BODY_WORD = re.compile(
    r"\b(?:Council|University|Authority|Agency|Ministry|Department|Bank|Company|Corporation|Institute|Board|"
    r"Commission|Trust|Foundation|Group|College|School|Service|Office)\b"
)


def _trimmed(mention: Mention) -> Mention:
    """A name without a comma's short name or office after it, an ownership description or an office held
    in the body before it and a possessive ending; an office held in a body named by one word ("the Leader of
    the Council") is a person."""
    name, start = mention.name, mention.start
    tail = _COMMA_TAIL.search(name)
    if tail is not None:
        name = name[: tail.start()]
    head = _OWNED_HEAD.match(name)
    if head is not None:
        name, start = name[head.end() :], start + head.end()
    office = _OFFICE_OF_HEAD.match(name)
    if office is not None and " " not in name[office.end() :]:
        return replace(mention, kind="person", party=None)  # "the Leader of the Council": a person by office
    if office is not None and _BODY_WORD.search(name, office.end()):
        name, start = name[office.end() :], start + office.end()  # "Leader of Bury Council": the council
    if name.endswith(_POSSESSIVES) and start + len(name) > 3:
        name = name[:-2]
    if name == mention.name:
        return mention
    party = name if mention.party == mention.name else mention.party
    return replace(mention, name=name, start=start, end=start + len(name), party=party)


_MODIFIER_GAP = re.compile(r"(?:’s|'s)?[ \t\u00a0]+")
# The rest of a known company's legal name after the name the lexicon knows ("Fibrus Networks Ltd").
_LEGAL_ENDINGS = (
    r"(?:Ltd|Limited|plc|PLC|LLP|LLC|Inc|Corporation|Corp|AG|SA|SE|NV|BV|AB|ASA|Oy|Oyj|GmbH|Bhd|Berhad)"
)
_LEGAL_TAIL = re.compile(
    rf"(?:[ \t\u00a0][A-Z][\w&-]*){{0,2}}?[ \t\u00a0](?:{_LEGAL_ENDINGS}|Holdings)\.?(?![\w-])"
)
# A known company's business named after it: "Fujitsu Services", "Lockheed Martin Business Technology
# Solutions" are the companies that sign, not a company and a stray name.
_BUSINESS_TAIL = re.compile(
    r"(?:[ \t\u00a0][A-Z][\w&-]*){0,3}?[ \t\u00a0](?:Services|Solutions|Systems|Technologies|Advisory|Consulting|"
    r"Networks|Software)(?![\w-])"
)
# A lone capitalised word at least this common in English is a word, not a name: "Deal", "Cabinet",
# "Landmark", "Suffolk" (zipf 3.0 and up). Well-known one-word companies this common ("Siemens", 3.3)
# must be in the organisation lexicon; measured on the world corpus, 4.0 let in more junk than names.
NAME_WORD_ZIPF = 3.0
# Last words of names of things rather than of parties.
NOT_NAME_ENDINGS = word_set(
    "Award Awards Lot Lots Programme Scheme Project Plan Strategy Act Bill Review Competition Challenge "
    "Prize Round Phase Summit Week Day Conference Report Forum Declaration Agreement Partnership Order "
    "Convention Treaty Accord Accords Charter Compact Memorandum Deal Deals Protocol Newsletter "
    "Centres Centers Hubs Zones Projects Schemes Programmes Affairs SMEs Businesses Companies Firms "
    "Startups Start-ups MoU MoUs MOU MOUs MoC MoCs LoI"
)
# Possessives that are words of a name ("Jinjiang District People’s Government", "Great Ormond Street
# Children’s Hospital"), not an owner before it.
_POSSESSIVES_OF_NAMES = frozenset({"People’s", "People's", "Children’s", "Children's", "Women’s", "Women's"})
_NAME_POSSESSIVE_BEFORE = tuple(f"{word} " for word in _POSSESSIVES_OF_NAMES)
_DESCRIBING_SUFFIXES = ("-based", "-headquartered", "-owned", "-backed", "-listed", "-led", "’s", "'s")
# A capitalised run ending in an office or a job title is a person's role, not who signs.
_OFFICE_ENDINGS = word_set(
    "Minister Ministers Secretary Chancellor President Commissioner Director Directors CEO CFO CTO COO "
    "Chair Chairman Chairwoman Chairperson Officer Officers Executive Manager Founder Head Governor "
    "Vice-President Vice-Chancellor Secretary-General Director-General Administrator Mayor"
)
# Capitalised words that open titles, bylines and descriptions, never a party's name.
NOT_NAME_WORDS = word_set(
    "Prime Federal Acting Assistant Deputy Rt Hon Right Honourable Honorable Ambassador Commissioner Reuters Bloomberg "
    "AFP AP PA Cabinet Secretary Minister Ministers Chancellor President Premier Director Chief Company "
    "Ministry Department Under Shri Smt Mr Mrs Ms Dr Sir Dame Project Operation Programme Series Phase Tranche "
    # a kind of business, capitalised: "contracts to Small and Medium Enterprises (SMEs)"
    "Small Medium SME SMEs MSME MSMEs"
)
_LOCAL_GOVERNMENT = re.compile(
    r"\b(?:local|devolved|national|central|regional|city|municipal)[ \t\u00a0]+$", re.I
)


def resolve_self_party(
    organisations: Sequence[str], lexicon: Lexicon, url: str | None = None, text: str | None = None
) -> str:
    """Return who "we" and "the department" stand for, from the publishing organisations.

    A UK department resolves to "UK Government"; a devolved government or an agency to itself. An
    organisation the lexicon does not know is itself, unless its name says it is a department or
    ministry: then it is its country's government, the country its name or its page's domain states
    ("Ministry of Economy, Trade and Industry" on meti.go.jp is Japan's) or, with the `text`, the country
    the text names it for ("the Ministry of Digital Economy and Society (DES) of the Kingdom of Thailand"),
    the UK's when the page has no domain name.

    >>> from govwatch.pipeline.tag.lexicon import load_lexicon
    >>> ministry = ["Ministry of Economy, Trade and Industry"]
    >>> resolve_self_party(ministry, load_lexicon(), "https://www.meti.go.jp/english/press/x.html")
    'Japanese Government'
    >>> resolve_self_party(ministry, load_lexicon())
    'UK Government'
    """
    for organisation in (o.strip() for o in organisations if o.strip()):
        name = lexicon.organisations.get(organisation)
        if name is not None:
            country = url_country(url, lexicon) if url and name.party == DEFAULT_SELF_PARTY else None
            if country not in (None, "UK") and _UK_MARK.search(organisation) is None:
                # "Ministry of Defence" publishing on regjeringen.no: Norway's, not the UK's
                return lexicon.governments.get(country or "", name.party or name.name)
            return name.party or name.name
        foreign = _foreign_publisher(organisation, lexicon)
        if foreign is None and (
            organisation.startswith(("Department for", "Department of", "Ministry of", "HM "))
            or _MINISTER_PUBLISHER.match(organisation)
        ):
            country = url_country(url, lexicon) if url else None
            if country is None and text is not None:
                country = _country_named_for(organisation, text, lexicon)
            if country is not None:
                return lexicon.governments.get(country, organisation)
            return DEFAULT_SELF_PARTY if domain_suffix(url) is None else organisation
        return foreign or organisation
    return DEFAULT_SELF_PARTY


def _country_named_for(organisation: str, text: str, lexicon: Lexicon) -> str | None:
    """The country a text names right after the publisher's name: "the Ministry of Digital Economy and
    Society (DES) of the Kingdom of Thailand", "Ministry of Digital Transformation of Ukraine".

    >>> from govwatch.pipeline.tag.lexicon import load_lexicon
    >>> _country_named_for("Ministry of Digital Economy", "The Ministry of Digital Economy (MDE) of the "
    ...     "Kingdom of Thailand signed", load_lexicon())
    'Thailand'
    """
    for found in re.finditer(re.escape(organisation), text):
        after = _NAMED_FOR.match(text, found.end())
        if after is not None and after["country"] in lexicon.country_words:
            return lexicon.country_words[after["country"]]
    return None


_NAMED_FOR = re.compile(
    r"(?:[ ]\([A-Za-z&]{2,10}\))?,?[ ]of[ ](?:the[ ])?(?:(?:Kingdom|Republic|State|Federal[ ]Republic)[ ]of[ ])?"
    r"(?P<country>[A-Z][\w-]*(?:[ ][A-Z][\w-]*)?)"
)


_OWNED = re.compile(r"[’']s[ ]$")
# A government's own unit, named without its country: "Ministry of Economy and Finance".
_MINISTRY = re.compile(r"(?:Federal )?(?:Ministry|Department) (?:of|for) ")
# "Minister for Defence Industry", "Prime Minister", "Office of the Minister for ...": a minister's office.
_MINISTER_PUBLISHER = re.compile(r"(?:Office of the )?(?:Prime )?Minister\b")
_GOVERNMENT_PUBLISHER = re.compile(
    r"\b(?:Minister|Ministry|Department|Government|Cabinet|Office of|Prime|Premier|President|Embassy|High Commission)\b"
)


def _foreign_publisher(organisation: str, lexicon: Lexicon) -> str | None:
    """A ministry, minister or mission whose name states its country publishes for that country's government.

    >>> from govwatch.pipeline.tag.lexicon import load_lexicon
    >>> _foreign_publisher("Minister for Foreign Affairs, Australia", load_lexicon())
    'Australian Government'
    >>> _foreign_publisher("British Embassy Tokyo", load_lexicon())
    'UK Government'
    >>> _foreign_publisher("Royal Thai Government", load_lexicon())
    'Thai Government'
    """
    if not _GOVERNMENT_PUBLISHER.search(organisation):
        return None
    for word in re.findall(r"[A-Z][\w’'-]*(?: [A-Z][\w’'-]*)?", organisation):
        for candidate in (word, *word.split(" ")):
            country = lexicon.country_words.get(candidate)
            if country is not None and country in lexicon.governments:
                return lexicon.governments[country]
    return None


def publisher_country(organisations: Sequence[str], lexicon: Lexicon) -> str | None:
    """The country a publisher's name states ("Canadian Space Agency" -> "Canada"), if any.

    >>> from govwatch.pipeline.tag.lexicon import load_lexicon
    >>> publisher_country(["Canadian Space Agency"], load_lexicon()), publisher_country(["Ofcom"], load_lexicon())
    ('Canada', None)
    >>> publisher_country(["ZDNet Australia"], load_lexicon())
    'Australia'
    """
    for organisation in organisations:
        for word in re.findall(r"[A-Z][\w’'-]*(?: [A-Z][\w’'-]*)?", organisation):
            for candidate in (word, *word.split(" ")):
                if candidate in lexicon.country_words:
                    return lexicon.country_words[candidate]
    return None


# Country-code domains sold for their letters (".io", ".ai", ".tv"): they say nothing of the publisher.
_VANITY_DOMAINS = word_set("ac ai am cc co fm gg io la ly me mu nu sh so st to tv vc ws")
# Domains that are not country codes but still say whose the site is.
_DOMAIN_COUNTRIES = {"uk": "UK", "gov": "US", "mil": "US"}


@functools.lru_cache(maxsize=1)
def _territory_names() -> Mapping[str, str]:
    # Babel's English territory names ("JP" -> "Japan"): the ISO 3166 list, kept up to date upstream.
    return {code.lower(): name for code, name in Locale("en").territories.items() if len(code) == 2}


def url_country(url: str, lexicon: Lexicon) -> str | None:
    """The country a page's address says it is from ("https://www.mofa.go.jp/..." -> "Japan"), if any.

    >>> from govwatch.pipeline.tag.lexicon import load_lexicon
    >>> [url_country(u, load_lexicon()) for u in ("https://www.gov.uk/news/x", "https://ised.gc.ca/x",
    ...  "https://www.nasa.gov/x", "https://openai.com/x", "https://deepmind.io/x", "not a url")]
    ['UK', 'Canada', 'US', None, None, None]
    """
    suffix = domain_suffix(url)
    if suffix is None or suffix in _VANITY_DOMAINS:
        return None
    name = _DOMAIN_COUNTRIES.get(suffix) or _territory_names().get(suffix)
    return lexicon.country_words.get(name) if name else None


def domain_suffix(url: str | None) -> str | None:
    """The top-level domain of a URL's host; None for no URL, an IP address or a bare host ("localhost")."""
    try:
        host = (urlsplit(url or "").hostname or "").rstrip(".").lower()
    except ValueError:
        return None
    suffix = host.rpartition(".")[2]
    return suffix if "." in host and suffix.isalpha() else None


DATELINE_CHARS = 800  # a dateline opens the body, after the title and the summary


def home_government(
    organisations: Sequence[str], lexicon: Lexicon, url: str | None = None, text: str | None = None
) -> str | None:
    """The government a page means by "the government", "the Minister" or "the Technology Secretary".

    A government publishing is its own home; any other publisher's home is the country its name or its
    address states ("Canadian Space Agency", "mofa.go.jp"). A page with no domain name (no address, or a
    local test server's) is taken to be from the UK, where govwatch's own sources are; a page whose domain
    and name state no country has no home government, so those words name no party (a company's "the
    government" may be any).

    >>> from govwatch.pipeline.tag.lexicon import load_lexicon
    >>> lexicon = load_lexicon()
    >>> home_government(["Canadian Space Agency"], lexicon), home_government(["Ofcom"], lexicon)
    ('Canadian Government', 'UK Government')
    >>> home_government(["Cohere"], lexicon, "https://cohere.com/blog/x") is None
    True

    With the `text`, a country only the address of a publisher that is no government states must be one
    the text names: a magazine on a ".co.uk" domain writing of Rwanda's government means Rwanda's.

    >>> home_government(["Africa Magazine"], lexicon, "https://africa.co.uk/x", "Rwanda's government said") is None
    True
    """
    self_party = resolve_self_party(organisations, lexicon, url, text)
    if self_party.endswith(("Government", "Executive")):
        return self_party
    agency_country = next(
        (lexicon.news_agency_countries[o] for o in organisations if o in lexicon.news_agency_countries), None
    )
    if agency_country is not None:  # a national news agency writes of its own government
        return lexicon.governments.get(agency_country)
    country = publisher_country(organisations, lexicon)
    if country is None and url:
        country = url_country(url, lexicon)
        if country is not None and text is not None and not _names_country(text, country, lexicon):
            return None
    if country is None and text is not None:
        country = _dateline_agency_country(text, lexicon)
    if country is not None:
        return lexicon.governments.get(country)
    return DEFAULT_SELF_PARTY if domain_suffix(url) is None else None


# A national news agency in a dateline: "Hyderabad, Mar 19 (PTI):", "JAKARTA (ANTARA) -".
_DATELINE_AGENCY = re.compile(r"\((?P<agency>[A-Z][\w .-]{1,40}?)\)[ ]?[:–—-]")


def _dateline_agency_country(text: str, lexicon: Lexicon) -> str | None:
    """The country of the national news agency a text's dateline credits, if any.

    >>> from govwatch.pipeline.tag.lexicon import load_lexicon
    >>> _dateline_agency_country("Hyderabad, Mar 19 (PTI): BDL signed a contract.", load_lexicon())
    'India'
    """
    match = _DATELINE_AGENCY.search(text, 0, DATELINE_CHARS)
    return lexicon.news_agency_countries.get(match["agency"]) if match is not None else None


def _names_country(text: str, country: str, lexicon: Lexicon) -> bool:
    """Tell whether the text names `country`, or no country at all."""
    named = {
        lexicon.country_words[m.group()]
        for m in find_words(lexicon.place_words.pattern_for(text), text)
        if m.group() in lexicon.country_words
    }
    return country in named or not named


# A stock exchange's symbol for a company's shares, in the brackets after its name: "(NYSE: IBM)".
_TICKER_AFTER = re.compile(r"[ ]?:[ ]?[A-Z][A-Z0-9.]{0,9}\)")
_TICKER_BEFORE = re.compile(r"\((?:[A-Z][A-Za-z]{1,9}(?:[ -][A-Z][A-Za-z]{1,9})?)[ ]?:[ ]?$")


def find_mentions(
    text: str,
    lexicon: Lexicon,
    self_party: str = DEFAULT_SELF_PARTY,
    name_spans: Sequence[tuple[int, int]] | None = None,
    publishers: Sequence[str] = (),
    home: str | None = DEFAULT_SELF_PARTY,
) -> tuple[Mention, ...]:
    """Return the non-overlapping mentions in `text`, in text order.

    `home` is the page's `home_government`: who "the government" and a role such as "the Technology
    Secretary" stand for (None: nobody).

    `publishers` are the publishing organisations from the page's metadata: organisations whatever the
    lexicon knows ("Building Digital UK" is then one organisation, not a name around the place "UK").

    Bare "name" mentions (capitalised runs nothing else claimed) only ever serve as parties of an
    agreement, so with `name_spans` (sorted, non-overlapping: the sentences agreements are read from)
    they are made only where they start inside one of those spans.
    """
    taken = bytearray(len(text))
    mentions: list[Mention] = []
    # a page from nowhere in particular: a ministry it names without saying whose ("The contract was signed
    # between the Ministry of Defence and HAL" in an Indian paper) is that of the one country the text is
    # about, unless it names the UK
    ministries_home = home if home is not None else _text_government(text, lexicon)

    def add(mention: Mention) -> bool:
        if mention.kind == "name" and mention.name.split(" ", 1)[0] in lexicon.name_titles:
            mention = replace(mention, kind="person", party=None)  # "Councillor Norman": a person by title
        if mention.kind in ("organisation", "name"):
            mention = _trimmed(mention)
            if _TICKER_BEFORE.search(text, max(0, mention.start - 24), mention.start) or (
                text.startswith("(", mention.start - 1) and _TICKER_AFTER.match(text, mention.end)
            ):
                # "Rekor Systems, Inc. (NASDAQ: REKR)", "MDA Space Ltd (TSX: MDA)": a share's exchange and
                # symbol, no second body
                return False
        if mention.end <= mention.start or taken.find(1, mention.start, mention.end) != -1:
            return False
        taken[mention.start : mention.end] = b"\x01" * (mention.end - mention.start)
        mentions.append(mention)
        return True

    for mention in _missions(text, lexicon):
        add(mention)
    for mention in _universities_of(text):
        add(mention)
    for mention in _cities_of(text):
        add(mention)
    companies_by_letters: dict[str, str] = {}
    for match in find_words(lexicon.organisation_words.pattern_for(text), text):
        entry = lexicon.organisations[match.group()]
        if _inside_longer_name(text, match.start(), match.end()) or text.endswith(
            _NAME_POSSESSIVE_BEFORE, 0, match.start()
        ):
            # "Cambridge University Hospitals NHS Foundation Trust", "People's Bank of China": one name, found
            # by its shape
            continue
        if " " not in match.group() and _TITLED_GIVEN_NAME.search(
            text, max(0, match.start() - 40), match.start()
        ):
            continue  # "Governor Greg Abbott": a person's surname, not the company of that name
        longer = _LONGER_BODY.match(text, match.end())
        if longer is not None and match.group() != "UK" and longer.group().strip() not in _GOVERNING_ORGANS:
            # "United Nations Development Programme": a body of its own whose name opens with a known one
            # (not "ESA Council": the body's own governing organ)
            name = text[match.start() : longer.end()]
            add(Mention(kind="organisation", name=name, start=match.start(), end=longer.end(), party=name))
            continue
        company = (
            _LEGAL_TAIL.match(text, match.end())
            if entry.party is not None and match.group().isupper()
            else None
        )
        if company is not None:
            # "GDS Holdings Limited": a company whose letters are a public body's short name ("GDS"), and
            # what the bare letters mean from then on
            name = text[match.start() : company.end()].rstrip(".")
            add(Mention(kind="organisation", name=name, start=match.start(), end=company.end(), party=name))
            companies_by_letters[match.group()] = name
            continue
        if match.group() in companies_by_letters:
            name = companies_by_letters[match.group()]
            add(
                Mention(
                    kind="organisation", name=match.group(), start=match.start(), end=match.end(), party=name
                )
            )
            continue
        foreign = (
            _foreign_prefix(text, match.start(), lexicon)
            if entry.party is None
            or (
                # (a ministry named for its country is left to the home government's reading below)
                entry.party == DEFAULT_SELF_PARTY
                and _UK_MARK.search(match.group()) is None
                and _MINISTRY.match(match.group()) is None
            )
            else None
        )
        if (
            foreign is None
            and entry.party == DEFAULT_SELF_PARTY
            and _MINISTRY.match(match.group()) is not None
            and (foreign_word := _foreign_country_before(text, match.start(), lexicon)) is not None
            and (abroad_government := lexicon.governments.get(foreign_word[1])) is not None
        ):
            # "the Moldovan Ministry of Defence", "the French Ministry of Defence": that country's ministry,
            # signing for its government, though the UK's has the same name
            name = text[foreign_word[0] : match.end()]
            add(
                Mention(
                    kind="organisation",
                    name=name,
                    start=foreign_word[0],
                    end=match.end(),
                    party=abroad_government,
                )
            )
            continue
        if foreign is not None:  # "Canadian AI Safety Institute", "the US Treasury Department": not the UK's
            tail = _DEPARTMENT_AFTER.match(text, match.end())
            end = tail.end() if tail is not None else match.end()
            name = text[foreign:end]
            add(Mention(kind="organisation", name=name, start=foreign, end=end, party=name))
            continue
        start, name = match.start(), entry.name
        if (
            entry.party == DEFAULT_SELF_PARTY
            and ministries_home not in (None, DEFAULT_SELF_PARTY)
            and _UK_MARK.search(match.group()) is None
        ):
            # "the Ministry of Defence", "National Treasury" on another government's page: its own
            add(
                Mention(
                    kind="government", name=match.group(), start=start, end=match.end(), party=ministries_home
                )
            )
            continue
        of_place = _OF_PLACE.match(text, match.end()) if entry.party is None else None
        abroad = lexicon.places.get(of_place["place"]) if of_place is not None else None
        if of_place is not None and abroad is not None and abroad.country and abroad.name != "UK":
            # "Intellectual Property Office of Singapore": another country's body of the same name
            name = text[start : of_place.end()]
            add(Mention(kind="organisation", name=name, start=start, end=of_place.end(), party=name))
            continue
        legal = (
            (_LEGAL_TAIL.match(text, match.end()) or _BUSINESS_TAIL.match(text, match.end()))
            if entry.party is None
            else None
        )
        if legal is not None:
            name = text[start : legal.end()].rstrip(".")  # "Capgemini UK Ltd": the legal entity as written
        end = legal.end() if legal is not None else match.end()
        add(Mention(kind="organisation", name=name, start=start, end=end, party=entry.party or name))
    for publisher in publishers:
        if publisher in lexicon.organisations:
            continue  # found above, under its canonical name
        # The lead publisher is `self_party` (resolved with the page's address); others on their own.
        resolved = self_party if publisher == publishers[0] else resolve_self_party([publisher], lexicon)
        for match in find_words(_name_pattern(publisher), text):
            add(
                Mention(
                    kind="organisation", name=publisher, start=match.start(), end=match.end(), party=resolved
                )
            )
    for match in find_words(lexicon.programme_words.pattern_for(text), text):
        add(Mention(kind="programme", name=match.group(), start=match.start(), end=match.end()))
    for mention in _governments(text, lexicon, home):
        add(mention)
    for mention in _armed_forces(text, lexicon):
        add(mention)
    patterns = _patterns(
        words_in(lexicon.organisation_suffixes, text),  # same matches; cheaper without absent "plc"
        lexicon.organisation_heads,
        lexicon.programme_suffixes,
        lexicon.tool_nouns,
    )
    shaped_organisations = _find_shaped(patterns.organisation, patterns.organisation_suffix, text)
    spans = [
        *(
            (
                *_before_next_name(
                    text,
                    _of_name_start(text, m, patterns.joined_before_head, lexicon.organisation_suffixes),
                    m.end(),
                    patterns.organisation_suffix,
                ),
                False,
            )
            for m in find_words(patterns.organisation_of, text)
        ),
        *((*m.span(), True) for m in shaped_organisations),
    ]
    suffixes = frozenset(lexicon.organisation_suffixes)
    for span_start, span_end, by_suffix in spans:
        span_end = _headline_cut(text, span_start, span_end)
        # "Aston University and Birmingham Community Healthcare NHS Foundation Trust": a shape cut short by
        # its length limit goes on over the suffix words right after it
        while (more := _NEXT_WORD.match(text, span_end)) is not None and more["word"] in suffixes:
            span_end = more.end()
        for first, last in _split_at_suffixes(text, span_start, span_end, patterns.suffix_then_link):
            cut = taken.find(1, first, last)
            after = taken.find(0, cut, last) if cut > first else -1
            if (
                after != -1
                and text[first:cut].strip() in ("The", "the")
                and _LIST_LINK.match(text, after, last)
            ):
                # "The University of Strathclyde and Glasgow Science Centre": a known name, then another
                first, cut = after, taken.find(1, after, last)
            if (
                cut > first
            ):  # "National School of Government and Microsoft": the shape ends before a known name
                last = first + len(_TRAILING_LINK.sub("", text[first:cut]))
                head = text[first:last].split(" ", 1)[0]
                if by_suffix and (head in _OFFICE_ENDINGS or head in ROLE_WORDS):
                    continue  # "Executive Paul Bate and Canadian Space Agency": a person before a known name
            listed = _ACRONYM_AND.match(text, first, last)
            if by_suffix and listed is not None:
                first = listed.end()  # "CSA and the Finnish Transport and Communications Agency": two bodies
            elif (
                _LISTED_BEFORE.search(text, max(0, first - 6), first)
                and (joined := _NAMES_JOINED.match(text, first, last)) is not None
                and len(text[joined.end() : last].split()) > 2
            ):
                # "the Environment Agency, Severn Trent Water and Telford & Wrekin Council": the last link of
                # a list, not a name holding "and" ("Arts and Humanities Research Council": one word before;
                # "National Oceanic and Atmospheric Administration": one word after)
                first = joined.end()
            elif (
                _LISTED_BEFORE.search(text, max(0, first - 6), first)
                and (joined := _WORD_AND_COMPANY.match(text, first, last)) is not None
            ):
                first = joined.end()  # "Cisco, Ninjacart and ITC Limited": a list's last link, then a company
            elif (
                by_suffix
                and _ONE_WORD_AND.match(text, first, last)
                and (portfolio := _PORTFOLIO_BEFORE.search(text, max(0, first - 80), first)) is not None
                and taken.find(1, portfolio.start(), first) == -1
            ):
                # "the Agriculture, Livestock, Fisheries and Cooperative Department": a department's list of
                # portfolios, one word each, is its name
                first = portfolio.start()
            start, name = _strip_leading(text, _free_start(taken, first, last), last, lexicon.places)
            if not name[:1].isupper():
                continue  # " of Japan" after the publisher's "Digital Agency": the rest of a known name
            if name.endswith("Force") and all(word in _GENERIC_FORCE_WORDS for word in name.split()):
                continue  # "the Task Force", "the Air Force": whose force the text says elsewhere, if at all
            of_place = _OF_PLACE.match(text, last)
            if (
                of_place is not None
                and of_place["place"] in lexicon.places
                and taken.find(1, last, of_place.end()) == -1
                # "Apollo Hospitals Enterprise Limited of India": a company's country, not its name
                and _COMPANY_ENDS.search(text, start, last) is None
            ):
                last = of_place.end()  # "Chevening Alumni Association of Pakistan": the place is in the name
                name = text[start:last]
            elif (
                of_place is not None
                and of_place["place"] in lexicon.places
                and taken.find(1, last, of_place.end()) == -1
            ):
                # "Apollo Hospitals Enterprise Limited of India": the company's country describes it, it
                # names no party of its own
                taken[last : of_place.end()] = b"\x01" * (of_place.end() - last)
            inner = _OF_COUNTRY_END.search(name) if _MINISTRY.match(name) else None
            place = lexicon.places.get(inner["place"]) if inner is not None else None
            government = lexicon.governments.get(place.name) if place is not None else None
            if government is not None and taken.find(1, start, last) == -1:
                # "Ministry of Energy and Infrastructure of the United Arab Emirates", "Ministry of Technology
                # and Communications of the Lao PDR" (the place in the shape or just after it): its government's
                add(Mention(kind="organisation", name=name, start=start, end=last, party=government))
                continue
            legal = _LEGAL_TAIL.match(text, last)
            if legal is not None and taken.find(1, last, legal.end()) == -1:
                last = legal.end()  # "... FiberHome Telecommunication Technologies Co Ltd": one legal name
                name = text[start:last].rstrip(".")
            initials = _AND_INITIALS.search(name)
            if initials is not None and f"({initials['short']})" in text:
                # "the Dutch Ministry of Education, Culture and Science and BRIN": a name, then another body
                # by the initials the text gave it
                last, name = start + initials.start(), name[: initials.start()]
            pair = (
                _TWO_BODIES.fullmatch(name)
                or _AND_THE.fullmatch(name)
                or _named_apart(text, _AND_PAIR.fullmatch(name), start, last, lexicon)
            )
            if pair is not None and pair["second"].split()[-1] in _BODY_HEADS | _COMPANY_HEADS:
                # "University of Strathclyde and Glasgow Science Centre": two bodies, not one
                for part in ("first", "second"):
                    if " " not in pair[part] and (
                        pair[part] in _GENERIC_BODY_WORDS or pair[part] in lexicon.places
                    ):
                        continue  # "the Company and the Asia-Pacific Space Cooperation Organization"
                    add(
                        Mention(
                            kind="organisation",
                            name=pair[part],
                            start=start + pair.start(part),
                            end=start + pair.end(part),
                            party=pair[part],
                        )
                    )
                continue
            if all(word in _GENERIC_BODY_WORDS for word in name.split()):
                continue  # "the Trust and the University": bodies the text named before, not a name
            if (
                " " in name
                and _GOVERNING_BODY.fullmatch(name) is None
                and name.split()[-1] not in _OFFICE_ENDINGS
            ):
                dotted = _DOTTED_COUNTRY.search(text, max(0, start - 6), start)
                if dotted is not None and not taken[dotted.start()]:
                    # "the U.S. Food and Drug Administration": the initials' stops cut the shaped name
                    start, name = dotted.start(), f"{dotted['country'].replace('.', '')} {name}"
                if name in lexicon.places:
                    continue  # "the Russian Federation": a country, whatever its last word
                signs_for = name
                if (
                    home is not None
                    and home != DEFAULT_SELF_PARTY
                    and _MINISTRY.match(name)
                    and not _OWNED.search(text, max(0, start - 3), start)
                ):
                    signs_for = (
                        home  # "the Ministry of Digital Transformation" on a Ukrainian page: Ukraine's
                    )
                if signs_for == name:  # "the Offshore Renewable Energy (ORE) Catapult": one body
                    signs_for = name = _INNER_INITIALS.sub("", name)
                add(Mention(kind="organisation", name=name, start=start, end=last, party=signs_for))
    # a newspaper's own name is no government a minister could sign for
    press = is_press(self_party) or any(reported_as_press(text, name) for name in (self_party, *publishers))
    signs_for_home = home or (None if press else self_party)
    for mention in find_people(text, lexicon, mentions, signs_for_home):
        add(mention)
    for mention in (
        *find_office_holders(text, lexicon, home),
        *_publisher_words(text, self_party, publishers, lexicon),
    ):
        add(mention)
    for match in _find_shaped(patterns.programme, patterns.programme_suffix, text):
        start, name = _strip_leading(text, _free_start(taken, match.start(), match.end()), match.end())
        if name and " " in name:
            add(Mention(kind="programme", name=name, start=start, end=match.end()))
    for name_start, name_end in _tools(text, patterns):
        add(Mention(kind="programme", name=text[name_start:name_end], start=name_start, end=name_end))
    for mention in (*country_pairs(text, lexicon), *coordinated_governments(text, lexicon)):
        add(mention)
    for match in find_words(lexicon.place_words.pattern_for(text), text):
        if _CURRENCY_AFTER_PLACE.match(text, match.end()):
            continue  # "153 million US dollars": the currency, not the country
        entry = lexicon.places[match.group()]
        named = _BODY_WORD_BEFORE.search(text, max(0, match.start() - 30), match.start())
        if named is not None and entry.country and not _NOT_A_BODY_AFTER.match(text, match.end()):
            # "Business Finland", "Enterprise Singapore", "Invest India": an agency named after its country
            name = text[named.start() : match.end()]
            add(Mention(kind="organisation", name=name, start=named.start(), end=match.end(), party=name))
            continue
        party = lexicon.governments.get(entry.name) if entry.country else None
        modifier = _MODIFIER_GAP.match(text, match.end())
        body = (
            next(
                (i for i, m in enumerate(mentions) if m.start == modifier.end() and m.kind == "organisation"),
                None,
            )
            if modifier is not None
            else None
        )
        if body is not None:
            ministry = mentions[body]
            if party is not None and party != DEFAULT_SELF_PARTY and _MINISTRY.match(ministry.name):
                # "Peru's Ministry of Economy and Finance": a ministry that signs for its country's government
                mentions[body] = replace(ministry, party=party)
            party = None  # "Japan's RIKEN", "U.S. National Science Foundation": the body is the party
        elif party is not None and _BUSINESS_AFTER_COUNTRY.match(text, match.end()):
            party = None  # "the US tech giant", "the U.S. Midwest grid": a business its country describes
        add(
            Mention(
                kind="place",
                name=entry.name,
                start=match.start(),
                end=match.end(),
                party=party,
                country=entry.country,
            )
        )
    span_starts = [start for start, _end in name_spans] if name_spans is not None else []
    # "Nadella said": a person the text introduced, called by the surname later, is no organisation.
    people = names_people_go_by(m.name for m in mentions if m.kind == "person")
    for match in itertools.chain(_PROPER_RUN.finditer(text), _CAMEL_RUN.finditer(text)):
        if taken[match.start()] and (owned := _owned_run(text, taken, match)) is not None:
            match = owned  # "India's Syschem": the name after a known owner's possessive
        if taken[match.start()] or match.group(0).split(" ", 1)[0] in LEADING_STOPWORDS:
            continue  # claimed already, or a sentence opener ("The", "Today")
        if name_spans is not None:
            index = bisect.bisect_right(span_starts, match.start()) - 1
            if index < 0 or match.start() >= name_spans[index][1]:
                continue  # outside every sentence an agreement is read from
        bare = _bare_name(text, taken, match, lexicon.demonyms)
        if bare is not None and bare.name in people:
            continue
        if bare is not None and _AREA_AFTER.match(text, bare.end):
            bare = Mention(kind="place", name=bare.name, start=bare.start, end=bare.end)  # "the X region"
        if bare is not None:
            add(bare)
    for mention in _short_names(text, mentions):
        add(mention)
    mentions.sort(key=lambda m: m.start)
    _owned_names(text, mentions)
    owners = _owner_words(lexicon.organisation_suffixes)
    return tuple(_with_country_subsidiaries(text, _without_postings(text, _without_owners(mentions, owners))))


@functools.lru_cache(maxsize=8)
def _owner_words(suffixes: tuple[str, ...]) -> frozenset[str]:
    """Last words of bodies' names, which may own another body ("the Energy Department's ...")."""
    return frozenset(suffixes) | _BODY_HEADS


_OWNER_CUT = re.compile(r"[’']s[ ]")


def _without_owners(mentions: list[Mention], owners: frozenset[str]) -> list[Mention]:
    """Cut an owner's possessive off a body's name: in "the Commerce Department's National Oceanic and
    Atmospheric Administration" the body after it is the one named; the owner only says whose it is."""
    found = []
    for mention in mentions:
        cut = None
        if mention.kind == "organisation" and mention.party == mention.name:
            cut = next(
                (c for c in _OWNER_CUT.finditer(mention.name) if c.start() and c.end() < len(mention.name)),
                None,
            )
        owner = mention.name[: cut.start()].split() if cut is not None else []
        if cut is not None and owner and owner[-1] in owners:
            name = mention.name[cut.end() :]
            if _GOVERNING_BODY.fullmatch(name):
                # "the World Bank's Board of Directors approved": the board acts for its body
                name = mention.name[: cut.start()]
                mention = replace(mention, name=name, party=name, end=mention.start + cut.start())
            else:
                mention = replace(mention, name=name, party=name, start=mention.start + cut.end())
        found.append(mention)
    return found


# "India's Ambassador to Israel": the country an envoy is posted to is where the envoy serves, not a side.
_POSTED_TO = re.compile(
    r"\b(?:[Aa]mbassador|High[ ]Commissioner|[Ee]nvoy|Consul(?:[ -]General)?|[Ee]mbassy)[ ](?:to|in)[ ](?:the[ ])?$"
)


def _without_postings(text: str, mentions: list[Mention]) -> list[Mention]:
    return [
        replace(m, party=None)
        if m.kind in ("place", "government") and _POSTED_TO.search(text, max(0, m.start - 30), m.start)
        else m
        for m in mentions
    ]


_CURRENCY_AFTER_PLACE = re.compile(r"[ -](?:dollars?|cents)\b")
_POSSESSIVE_GAP = re.compile(r"(?:’s|'s)[ \u00a0]+")


def _owned_run(text: str, taken: bytearray, match: re.Match[str]) -> re.Match[str] | None:
    """The capitalised run after a claimed name's possessive inside `match` ("India's Syschem")."""
    free = taken.find(0, match.start(), match.end())
    gap = _POSSESSIVE_GAP.match(text, free) if free != -1 else None
    owned = _PROPER_RUN.match(text, gap.end()) if gap is not None else None
    if owned is None or all(
        is_common_word(word, NAME_WORD_ZIPF) for word in re.split(r"[ -]", owned.group())
    ):
        return None  # "the UK's Armed Forces", "the Welsh Government's Economic Contract": no name of its own
    return owned


def _owned_names(text: str, mentions: list[Mention]) -> None:
    """A country's own company is the party, not its government: "India's Syschem" (as "Japan's RIKEN")."""
    names = {m.start for m in mentions if m.kind == "name"}
    for index, mention in enumerate(mentions):
        if mention.kind != "place" or mention.party is None:
            continue
        gap = _POSSESSIVE_GAP.match(text, mention.end)
        if gap is not None and gap.end() in names:
            mentions[index] = replace(mention, party=None)


# The region after a dateline's city: "Indore (Madhya Pradesh): ", "Kochi (Kerala) – ".
_DATELINE_REGION = re.compile(r"[ ]\([A-Z][\w .-]{2,30}\)[ ]?[:–—-]")
# A maker's model number: "S-92s", "AW189s", "A400M", "737s".
_MODEL_NUMBER = re.compile(r"[A-Z]{0,4}-?\d{2,4}[A-Z]?s?")
# A military type designator ("CH-149", "F-35A") or a reference number ("W912DS-19-C-0035") opening a name.
_DESIGNATOR = re.compile(r"[A-Z]{1,4}-\d{1,4}[A-Z]?|[A-Z0-9]+(?:-[A-Z0-9]+){2,}")
# What follows a product's name: "the Stryker family of vehicles", "the Aurora fleet".
_PRODUCT_AFTER = re.compile(r"[ ](?:family[ ]of|families[ ]of|fleets?\b)")
# A sum written as one word after its currency's letter: "P2.4-billion", "R3-million".
_AMOUNT_AS_WORD = re.compile(r"[A-Z]{1,2}\d[\d.,]*-(?:billion|million|trillion|crore|lakh)")
# A two- or three-letter capital name is too short to trust alone ("TIM", "BP", "GV" or "CEO", "USD"), but
# joined by "and" to an organisation the text names it is one too: "The EIB and TIM have signed a loan".
_SHORT_CAPITAL = re.compile(r"[A-Z][A-Z0-9]{1,2}")
_AND_GAP = re.compile(r"(?:[ ]\([^()]{1,40}\))?[ ](?:and|&)[ ]")
_AND = re.compile(r"[ ](?:and|&)[ ]")
_NOT_SHORT_NAMES = word_set("CEO CFO CTO COO USD GBP EUR GDP MP MPs AI IT UK US EU UN PM VAT NHS")


def _short_name_at(text: str, start: int, end: int) -> bool:
    """Tell whether `text[start:end]` is a whole two- or three-letter capital word ("TIM", "BP")."""
    return (
        end <= len(text)  # a match would be clamped to the text's end: "AA" is no three-letter word
        and _SHORT_CAPITAL.fullmatch(text, start, end) is not None
        and (start == 0 or not (text[start - 1].isalnum() or text[start - 1] in "&.-"))
        and (end == len(text) or not (text[end].isalnum() or text[end] in "&-"))
    )


def _short_names(text: str, mentions: Sequence[Mention]) -> Iterable[Mention]:
    """Yield short capital names joined by "and" to an organisation mention, or followed by a country.

    Only the words beside an "and" and before a country are looked at, so a text full of "UK" and "AI"
    costs nothing.
    """
    names = [m for m in mentions if m.kind in ("organisation", "name")]
    starts = {m.start for m in names}
    ends = {m.end for m in names}
    candidates: list[tuple[int, int]] = []
    for link in _AND.finditer(text):
        # "TIM and the EIB": the word before; "The EIB (European Investment Bank) and TIM": the word after
        before = text.rfind(" ", 0, link.start()) + 1
        before += text.startswith(("(", "“", '"'), before)
        if _short_name_at(text, before, link.start()) and link.end() in starts:
            candidates.append((before, link.start()))
        after = link.end() + 3 if _short_name_at(text, link.end(), link.end() + 3) else link.end() + 2
        if _short_name_at(text, link.end(), after) and any(
            end in ends and (gap := _AND_GAP.match(text, end)) is not None and gap.end() == link.end()
            for end in range(max(0, link.start() - 43), link.start() + 1)
        ):
            candidates.append((link.end(), after))
    for country in (m for m in mentions if m.kind == "place" and m.country):
        # "RFA UK": a company's national subsidiary, joined to its country below
        before = text.rfind(" ", 0, country.start - 1) + 1
        before += text.startswith(("(", "“", '"'), before)  # "(NTU Singapore)"
        if text.startswith(" ", country.start - 1) and _short_name_at(text, before, country.start - 1):
            candidates.append((before, country.start - 1))
    for start, end in sorted(set(candidates)):
        name = text[start:end]
        if name not in _NOT_SHORT_NAMES and f"({name})" not in text:
            # a short name the text defined for a longer one ("(ASD)") stands for that one
            yield Mention(kind="name", name=name, start=start, end=end, party=name)


# "the British Embassy in Luanda", "the Japanese Embassy in London", "British High Commission Nairobi": a
# country's mission abroad acts for its government, whatever city the text adds.
_MISSION_NAME = re.compile(
    r"(?P<who>British|UK|[A-Z][a-z]+)[ \u00a0](?:Embassy|High[ \u00a0]Commission|Consulate(?:-General|[ ]General)?"
    r"|Deputy[ \u00a0]High[ \u00a0]Commission)(?:[ \u00a0](?:in|to)[ \u00a0][A-Z][\w’'-]+(?:[ \u00a0][A-Z][\w’'-]+)?"
    r"|[ \u00a0][A-Z][a-z]+(?![\w’'-]))?"
)


# "the universities of Birmingham, Heriot-Watt and Sheffield": one university per place named.
_UNIVERSITIES_OF = re.compile(
    r"\b[Tt]he[ ](?P<head>universities)[ ]of[ ](?P<items>[A-Z][\w’'-]*(?:[ ][A-Z][\w’'-]*)?"
    r"(?:(?:,[ ]|,?[ ]and[ ])[A-Z][\w’'-]*(?:[ ][A-Z][\w’'-]*)?)+)"
)
_ITEM = re.compile(r"[A-Z][\w’'-]*(?:[ ][A-Z][\w’'-]*)?")


def _universities_of(text: str) -> Iterable[Mention]:
    """Yield "University of X" for each place of "the universities of X, Y and Z"."""
    if "universities of" not in text:
        return
    for match in _UNIVERSITIES_OF.finditer(text):
        for index, item in enumerate(_ITEM.finditer(text, match.start("items"), match.end("items"))):
            name = f"University of {item.group()}"
            # the first stands where "universities" starts, so that a list read from "with the" finds it
            start = match.start("head") if index == 0 else item.start()
            yield Mention(kind="organisation", name=name, start=start, end=item.end(), party=name)


# "with the city of Lima": a city's government acts in the city's name.
_CITY_OF = re.compile(
    r"\bthe[ ]city[ ]of[ ](?P<place>[A-Z][\w’'-]+(?:[ ][A-Z][\w’'-]+)?)(?![ ](?:[A-Z]|of\b))"
)


def _cities_of(text: str) -> Iterable[Mention]:
    """Yield "City of X" for "the city of X", from "city" so that "with the city of X" lists it."""
    if "city of" not in text:
        return
    for match in _CITY_OF.finditer(text):
        name = f"City of {match['place']}"
        yield Mention(kind="organisation", name=name, start=match.start() + 4, end=match.end(), party=name)


def _missions(text: str, lexicon: Lexicon) -> Iterable[Mention]:
    """Yield a country's embassies, High Commissions and consulates as organisations of its government.

    >>> from govwatch.pipeline.tag.lexicon import load_lexicon
    >>> [(m.name, m.party) for m in _missions("the British Embassy in Luanda and BP", load_lexicon())]
    [('British Embassy in Luanda', 'UK Government')]
    >>> [m.party for m in _missions("The Japanese Embassy in London said", load_lexicon())]
    ['Japanese Government']
    """
    if "Embassy" not in text and "Commission" not in text and "Consulate" not in text:
        return  # most texts name no mission: skip the search that tries every capitalised word
    for match in find_words(_MISSION_NAME, text):
        who = match["who"]
        country = "UK" if who in ("British", "UK") else lexicon.demonyms.get(who)
        government = lexicon.governments.get(country) if country else None
        if government is None:
            continue  # "the Apple Embassy": no country's mission
        yield Mention(
            kind="organisation", name=match.group(), start=match.start(), end=match.end(), party=government
        )


# "The Board of Directors of the African Development Bank Group approved": the body's board acts for it.
_GOVERNING_BODY = re.compile(
    r"(?:Executive[ ])?Board(?:[ ]of[ ](?:Directors|Trustees|Governors|Management))?"
)

# A name an area word follows is a place: "the Brainport Eindhoven region", "the Thames Valley corridor".
_AREA_AFTER = re.compile(
    r"[ \u00a0](?:region|regions|area|corridor|cluster|valley|county|district|metropolitan area)\b"
)

_GENERIC_BODY_WORDS = word_set(
    "University Trust Council Agency Department Company Bank Fund Government Ministry Authority Board "
    "Commission Group Foundation Institute Centre Partners Partner Parties Party and the of"
)
# "the State Government's apex body": a government the text names elsewhere, or not at all
_UNNAMED_GOVERNMENTS = frozenset(
    {
        "State Government",
        "Union Government",
        "Central Government",
        "Federal Government",
        "Provincial Government",
    }
)

_NAME_GOES_ON = re.compile(r"[ \t]*(?:[A-Z0-9&]|[’']s\b|-[A-Za-z])")


# Public bodies have no national subsidiaries, but some are named with their country last ("Science
# Foundation Ireland", "National Research Foundation Singapore").
_NAMED_FOR_COUNTRY = re.compile(r"\bFoundation$")


_LOCATED_IN = re.compile(r"\)?(?:[ ]\([^()]{1,20}\))?,[ ]")


def _with_country_subsidiaries(text: str, mentions: list[Mention]) -> list[Mention]:
    """Join a company and the country right after it: "MBDA UK", "BAE Systems Australia", "Rigetti UK";
    and read a programme's initials in brackets as the programme ("... Programme (NSIP)").

    Companies sign through their national subsidiaries, and the country word ends the subsidiary's name;
    a country followed by more of a name ("IBM UK Research") or a possessive is left as it is.
    """
    joined: list[Mention] = []
    for mention in mentions:
        before = joined[-1] if joined else None
        if (
            before is not None
            and mention.kind == "place"
            and mention.country
            and before.kind in ("organisation", "name")
            and (not is_public_name(before.name) or _NAMED_FOR_COUNTRY.search(before.name))
            and text[before.end : mention.start] == " "
            and _NAME_GOES_ON.match(text, mention.end) is None
        ):
            name = text[before.start : mention.end]
            joined[-1] = Mention(
                kind="organisation", name=name, start=before.start, end=mention.end, party=name
            )
            continue
        if (
            before is not None
            and mention.kind == "place"
            and mention.country
            and before.kind in ("organisation", "name")
            and _LOCATED_IN.fullmatch(text, before.end, mention.start)
            and text.startswith(",", mention.end)
        ):
            # "Nanyang Technological University (NTU), Singapore, and ...": where the body is, no party
            mention = replace(mention, party=None)
        opening = _PARTNERSHIP_ON.search(text, max(0, mention.start - 60), mention.start)
        if (
            mention.kind == "name"
            and opening is not None
            and not (joined and joined[-1].end > opening.start())
        ):
            # "the Global Partnership on Artificial Intelligence": an organisation, its name a deal's word
            name = text[opening.start() : mention.end]
            mention = Mention(
                kind="organisation", name=name, start=opening.start(), end=mention.end, party=name
            )
        if (
            before is not None
            and before.kind == "programme"
            and mention.kind == "name"
            and text[before.end : mention.start] == " ("
            and text.startswith(")", mention.end)
        ):
            # "National Space Innovation Programme (NSIP)": the programme's initials, not a party
            mention = Mention(kind="programme", name=mention.name, start=mention.start, end=mention.end)
        joined.append(mention)
    return joined


_PARTNERSHIP_ON = re.compile(r"(?:[A-Z][\w-]*[ ]){0,2}(?:Partnership|Alliance|Coalition)[ ](?:on|for)[ ]$")
_PUBLIC_NAME = re.compile(
    r"\b(?:Government|Executive|Council|Ministry|Department|Office|Authority|Agency|Commission|NHS|"
    r"Embassy|High Commission|University|Institute|Centre|Center|Foundation|Fund)\b"
)


def is_public_name(name: str) -> bool:
    """Tell whether a name is a public or academic body's, which has no national subsidiaries."""
    return _PUBLIC_NAME.search(name) is not None


@functools.lru_cache(maxsize=64)
def _name_pattern(name: str) -> re.Pattern[str]:
    """The lexicon's whole-word pattern for one name (publishers recur from document to document)."""
    return word_pattern([name])


def _written_lower(text: str, name: str) -> bool:
    """Tell whether the text also writes a capitalised word in lower case ("SHELL" and "shell")."""
    return re.search(rf"(?<![\w-]){re.escape(name.lower())}(?![\w-])", text) is not None


# Jobs and titles that end a body's name when they follow it: "ITIDA CEO", "Acme Chairman", "Eng." (an
# engineer's title).
_JOBS_AFTER_NAME = word_set(
    "CEO CFO CTO COO Chairman Chairwoman Chairperson President Minister Eng Dr Prof Administrator Commissioner "
    "Director Director-General Secretary-General Vice Deputy Chief Executive"
)


# A body named "<Head> of <Place>" and another body of two words or more after "and": "University of
# Strathclyde and Glasgow Science Centre" (ministries are left alone: "Ministry of Digital Economy and Society").
_TWO_BODIES = re.compile(
    r"(?P<first>(?:University|College|Bank|Museum|Port|Hospital|Chamber) of (?:the )?[A-Z][\w’'-]+"
    r"(?: [A-Z][\w’'-]+)?) and (?:the )?(?P<second>[A-Z][\w’'&-]*(?: (?:[A-Z][\w’'&-]*|of|for|and))+)"
)
# "Daegu Metropolitan City and the Electronics and Telecommunications Research Institute": "and the" inside
# a shaped name starts a second name.
_AND_THE = re.compile(
    r"(?P<first>[A-Z][\w’'-]+(?: [A-Z][\w’'-]+)*) and [Tt]he (?P<second>[A-Z][\w’'&-]*(?: (?:[A-Z][\w’'&-]*|of|for|and))+)"
)
_TITLE_BEFORE = re.compile(r"\b(?:Prof|Professor|Dr|Mr|Mrs|Ms|Sir|Dame|Lord)\.?[ ]$")  # a person's name
_RARE_ZIPF = 3.0  # rarer than this in English: a name, not a word ("Telesat" 0, "Perth" 3.9, "New" 6.3)
# "Telesat and MDA Space Ltd": two companies when the text names each apart as well.
_AND_PAIR = re.compile(
    r"(?P<first>[A-Z][\w’'-]+(?: [A-Z][\w’'-]+)?) (?:and|&) (?P<second>[A-Z][\w’'&-]*(?: [A-Z][\w’'&.-]*)+)"
)


def _named_apart(
    text: str, pair: re.Match[str] | None, start: int, end: int, lexicon: Lexicon
) -> re.Match[str] | None:
    """The pair, when the text names its first and second names apart elsewhere ("Telesat", "MDA") and
    the first is a company's name, no place or English word ("Perth & Kinross Council", "New and
    Renewable Energy Authority")."""
    if pair is None:
        return None
    first, second = pair["first"], pair["second"].split()[0]
    if (
        _TITLE_BEFORE.search(text, max(0, start - 12), start)
        or first in lexicon.places
        or not (first in lexicon.organisations or " " in first or not is_common_word(first, _RARE_ZIPF))
    ):
        return None
    elsewhere = text[:start] + " " + text[end:]
    alone = re.search(rf"\b{re.escape(first)}\b(?![ ](?:and|&)[ ])", elsewhere)
    return pair if alone is not None and re.search(rf"\b{re.escape(second)}\b", elsewhere) else None


_COMPANY_HEADS = word_set("Ltd Limited plc PLC Group Trust Partnership Catapult Hub Network Alliance")
_SUM_MARK = re.compile(r"(?:Sh|KSh|Ksh|Kshs|Rs|Rwf|RM|GH|K|R|N|M|P|S|Tk|Bt|Dhs?)\d")
_AND_INITIALS = re.compile(r" and (?P<short>[A-Z]{2,6})$")
_LIST_LINK = re.compile(r"(?:,[ ]|[ ](?:and|&)[ ])")
_PERSON_APPOSITION = re.compile(
    # "Sean Royce, Quickline's chief executive,": the job may follow its body's possessive, in lower case
    r",[ ](?:the[ ])?(?:[A-Z][\w&.-]*(?:[ ][A-Z][\w&.-]*){0,3}[’']s[ ])?(?i:(?:(?:Vice|Deputy|Acting|Chief|Senior|"
    r"Executive|Managing|General)[ -])?(?:President|Chair(?:man|woman|person)?|Director|Administrator|Minister|"
    r"Secretary|Chief[ ]Executive|CEO|Head|Governor|Commissioner|Ambassador|Founder|Co-founder|Rector|Dean|"
    r"Principal|Provost|Vice-Chancellor|Manager|Partner|Chief[ ]\w+[ ]Officer))\b"
)
_PLURAL_INITIALS = re.compile(r"[A-Z]{2,}s")
_INITIALS_ONLY = re.compile(r"(?:[A-Z]\.){1,4}")
# A description of a body in apposition right after its name: "EDGE, the Abu Dhabi-based defence group,".
_DESCRIBED_AFTER = re.compile(rf",[ ](?:the|an?)[ ][^,;.]{{0,80}}?\b{DESCRIPTOR_NOUN}\b")
_PERSON_DESCRIBED = re.compile(rf"\b{PERSON_JOB}(?:[ ][a-z-]+){{0,2}}[ \u00a0]$")


# A sum right after a word in capitals: "FCFA 62 billion", "XAF 5,000,000".
_UNIT_BEFORE_SUM = re.compile(
    r"[ \u00a0]\d[\d.,]*(?:[ \u00a0](?:billion|million|trillion|thousand|crore|lakh)|\d{3}\b)"
)


@functools.lru_cache(maxsize=1)
def _currency_codes() -> frozenset[str]:
    """ISO 4217 codes ("KRW", "DKK"): a sum's unit, never a body's initials."""
    return frozenset(list_currencies())


# "the BBC", "NSA", "CDC": three capitals are a body's initials unless they are a unit, a term or a role.
_SHORT_BODY = re.compile(
    r"(?!(?:CEO|CFO|CTO|COO|CIO|CMO|USD|GBP|EUR|AUD|CAD|JPY|GDP|MPs?|AI|IT|UK|US|EU|UN|PM|AM|VAT|NHS|ICT|LTE|"
    r"SME|SMR|EV|EVs|HPC|RAN|API|IoT|GPS|LEO|GEO|UAV|TV|PR|HR|ID|FAQ|ESG|CO2|R&D|PhD|MSc|MBA|PPP|PFI|RFP|RFI|"
    r"ITT|KPI|GW|MW|KW|kW|TB|PB|GB|MB|km|UTC|GMT|BST|CET|EST|FY|YoY|STEM|SaaS|OT|VR|AR|XR|ML|IP|5G|4G|3G|6G|"
    r"DNA|RNA|MRI|CT|NFT|SIM|SMS|PC|QA|CV|DG|HQ|VIP|OBE|MBE|CBE|KC|QC|NGO|NGOs|SMEs|LLC|LLP|PLC|Ltd|Inc|Co|AG|SA|SE|"
    r"HRH|MR|MOA|MOU|MOC|LOI|INC|HGV|EPR|FPV|SPV|CSP|VC|JU|MoU|MoC|MoA|LoI|CfD|CfP|CfE|PoC)\b)"
    r"[A-Z](?:[A-Z]|[a-z](?=[A-Z])){1,2}"
)


_HEADLINE_VERBS = word_set(
    "Awarded Awards Wins Won Signs Signed Selects Selected Secures Secured Inks Agrees Joins Partners Backs "
    "Invests Acquires Receives Announces Launches Lands Chooses Chosen Picks Taps"
)
_REGION_ADJECTIVES = word_set(
    "African European Asian Arab Nordic Baltic Caribbean Pacific Gulf Latin Western Eastern Southeast South "
    "North Central American Sub-Saharan"
)
_CODED_AMOUNT = re.compile(r"[A-Z]{3}\d[\d.,]*(?:[kmb]n?|bn|tn)?")  # "USD250m", "EUR1.2bn"


def _bare_name(
    text: str,
    taken: bytearray,
    match: re.Match[str],
    demonyms: Mapping[str, str] | None = None,
) -> Mention | None:
    """Make a "name" mention of a capitalised run that nothing else claimed ("Openreach", "SoftBank").

    Such names are not entities on their own; they may only be parties, in the party positions of a
    sentence that reports an agreement. A lone sentence-opening word is a name only when it looks like
    one (an inner capital, "SoftBank") and not like a plural noun ("Researchers").
    """
    start, end = match.span()
    cut = taken.find(1, start, end)
    if cut != -1:
        end = cut
    name = text[start:end].rstrip(" ,")
    stop = name.find(". ")
    if stop != -1:
        name = name[:stop]  # "Santander. The bank ...": a name ends with its sentence
    name = name.rstrip(".") if name.count(".") == 1 else name
    if name.endswith(("’s", "'s")):
        name = name[:-2]
    words = name.split()
    spans = [word.span() for word in re.finditer(r"\S+", name)]
    verb = next((i for i, word in enumerate(words) if i and word in _HEADLINE_VERBS), None)
    if verb is not None:  # "Parsons Awarded $125M Contract": a headline's capitalised verb ends the name
        words, name = words[:verb], name[: spans[verb - 1][1]]
        spans = spans[:verb]
    job = next((i for i, word in enumerate(words) if i and word.rstrip(".") in _JOBS_AFTER_NAME), None)
    if job is not None:  # "ITIDA CEO Eng. Amr Mahfouz": the body, then its officer
        words, name = words[:job], name[: spans[job - 1][1]]
    if (
        len(words) == 1
        and name.isupper()
        and len(name) > 5
        and text.startswith((":", " :"), start + len(name))
    ):
        return None  # "THIRUVANANTHAPURAM: Kerala and the Railways signed": a dateline's city
    if len(words) <= 2 and _DATELINE_REGION.match(text, start + len(name)) and text[:start].strip() == "":
        return None  # "Indore (Madhya Pradesh): The conclave saw seven MoUs signed": the dateline's city
    if all(word in _REGION_ADJECTIVES for word in words) or (
        len(words) == 1 and _CODED_AMOUNT.fullmatch(name)
    ):
        return None  # "with African nations", "a USD250m investment": no name
    if len(words) == 1 and _UNIT_BEFORE_SUM.match(text, start + len(name)) and name.isupper():
        return None  # "around FCFA 62 billion": a currency written before its sum, no body
    if len(words) == 1 and (
        (len(name) < 4 and (not _SHORT_BODY.fullmatch(name) or name in _currency_codes()))
        or _INITIALS_ONLY.fullmatch(name)
        or _PLURAL_INITIALS.fullmatch(name)  # "KPIs", "CSOs", "NGOs": things counted, not a name
    ):  # "Mr", "H.E."
        return None
    # "Houston-based Axiom Space", "Abu Dhabi-based G42", "PIF-owned HUMAIN", "Saudi's HUMAIN"
    while len(words) > 1 and any(
        w.endswith(_DESCRIBING_SUFFIXES) and w not in _POSSESSIVES_OF_NAMES for w in words[:-1]
    ):
        skip = len(words[0]) + 1
        start, name, words = start + skip, name[skip:], words[1:]
    if _AMOUNT_AS_WORD.fullmatch(name):
        return None  # "a P2.4-billion loan": a sum in pesos
    if len(words) > 1 and _MODEL_NUMBER.fullmatch(words[-1]):
        return (
            None  # "Sikorsky S-92s", "AgustaWestland AW189s", "Airbus A400M": a product, not who takes part
        )
    if _DESIGNATOR.fullmatch(words[0]) or _PRODUCT_AFTER.match(text, start + len(name)):
        # "the CH-149 Cormorant and CP-140 Aurora fleets", "the Stryker family of vehicles", contract
        # "W912DS-19-C-0035": a product or a reference number, not who takes part
        return None
    if (
        not words
        or words[0] in NOT_NAME_WORDS
        or text.startswith("-based", start + len(name))
        or words[-1].endswith(("-based", "-headquartered"))
    ):
        return None  # "Prime Minister", "Reuters", "Cambridge-based", "Elche-based"
    if demonyms and (words[0] in demonyms or " ".join(words[:2]) in demonyms) and len(words) <= 2:
        return None  # "British AI", "Canadian researchers", "South Korean": a description, not a name
    before = text[max(0, start - 3) : start].strip()
    opens_sentence = before == "" or before[-1] in ".!?:;“\"‘'(-–"
    if (
        len(words) == 1
        and all(is_common_word(part, NAME_WORD_ZIPF) for part in name.split("-") if part)
        and not (name.isupper() and not opens_sentence and not _written_lower(text, name))
        and not (name.isupper() and len(name) > 2 and opens_sentence and _ACTS.match(text, start + len(name)))
        and not _DESCRIBED_NAME.search(text, max(0, start - 30), start)  # "ride-hailing company Uber"
        and not (  # "finalise a contract with Cubic", but not "awarded to Lot 2"
            _DEAL_WITH.search(text, max(0, start - 40), start)
            and not _NUMBERED.match(text, start + len(name))
        )
        and not (name.isupper() and _DESCRIBED_AFTER.match(text, start + len(name)))  # "EDGE, the group,"
    ):
        return None  # "Deal", "Cabinet", "Extending", "Five-year": capitalised words, not a name
    if words[-1] in NOT_NAME_ENDINGS:
        return None  # "Care Award", "ESN Lot": a thing, not who takes part
    purpose = _LOWER_AGREEMENT_AFTER.match(text, start + len(name))
    if purpose is not None and (
        purpose["short"] is not None
        or (len(words) > 1 and all(w == "&" or is_common_word(w, DESCRIPTION_WORD_ZIPF) for w in words))
        or (len(words) == 1 and name.isupper() and purpose["short"] is None and not opens_sentence)
    ):
        # "Signalling & Telecoms (S&T) framework contracts", "PNT contract awards": what the agreement is for
        return None
    if all(w in _GENERIC_BODY_WORDS for w in words) or name in _UNNAMED_GOVERNMENTS:
        return None  # "the University and the Trust": the bodies named before, not a name
    if words[-1] in _OFFICE_ENDINGS or (
        name.isupper()
        and (
            len(words) > 1
            or (opens_sentence and is_common_word(name) and not _ACTS.match(text, start + len(name)))
        )
        and not _DESCRIBED_AFTER.match(text, start + len(name))
    ):
        return None  # "Connectivity Minister"; a dateline ("MOUNTAIN VIEW", "LONDON"), not "EDGE, the group"
    if not words or words[0] in LEADING_STOPWORDS or words[0] in ROLE_WORDS or words[0] in COMMON_CAPITALS:
        return None
    if _SUM_MARK.match(name):
        return None  # "a Sh630 million partnership", "K780 million": a sum in a currency's letters
    if _DESCRIBES_NEXT_NAME.match(text, start + len(name)):
        return None  # "French AI company Mistral AI": a description of the name that follows
    if 2 <= len(words) <= 3 and _PERSON_APPOSITION.match(text, start + len(name)):
        return None  # "Zhang Jianhua, Vice Administrator of ...": a person, introduced by the job after
    if 2 <= len(words) <= 3 and _PERSON_DESCRIBED.search(text, max(0, start - 40), start):
        return None  # "tech entrepreneur and investor Ian Hogarth": a person, introduced by the job before

    inner_capital = any(c.isupper() for c in words[0][1:])
    if opens_sentence and len(words) == 1 and not inner_capital and name.endswith(("s", "ed", "ing")):
        return None  # "Researchers", "Relaunched", "Building": a sentence's first word, not a name
    return Mention(kind="name", name=name, start=start, end=start + len(name), party=name)


def mentions_to_entities(
    text: str,
    mentions: Iterable[Mention],
    sentences: Sequence[Sentence],
    parties: frozenset[str] = frozenset(),
) -> tuple[Entity, ...]:
    """Collapse mentions into one entity per (kind, name), keeping the first evidence and any role.

    A bare name (see `_bare_name`) becomes an organisation only when it is a party to an agreement.
    """
    entities: dict[tuple[str, str], Entity] = {}
    starts = [s.start for s in sentences]
    for mention in mentions:
        if mention.kind == "self" or (mention.kind == "name" and mention.name not in parties):
            continue
        kind = mention.kind if mention.kind in ("person", "place", "programme") else "organisation"
        key = (kind, mention.name)
        current = entities.get(key)
        if current is not None and (current.role or not mention.role):
            continue
        sentence = sentence_at(sentences, starts, mention.start)
        evidence = Evidence(
            sentence=sentence.text if sentence else text[mention.start : mention.end],
            start=mention.start,
            end=mention.end,
        )
        entities[key] = Entity(
            kind=kind,
            name=mention.name,
            role=mention.role,
            evidence=current.evidence if current else evidence,
        )
    return tuple(entities.values())


# How a publisher names itself: "the department", "the agency", "we" (read in party positions only).
_PUBLISHER_WORD = re.compile(
    r"(?<![\w-])(?:[Tt]he[ \t](?P<noun>[Dd]epartment|[Aa]gency|[Mm]inistry|[Ee]xecutive|[Rr]egulator|[Cc]ouncil|"
    r"[Bb]ank|[Ff]und|[Aa]uthority|[Cc]ommission|[Ii]nstitute|[Cc]ompany|[Uu]niversity|[Hh]igh[ \t]Commission|"
    r"[Ee]mbassy|[Oo]ffice)|[Ww]e|us)(?![\w-])(?![ \t]+(?:of|for)[ \t])"
)
_PUBLISHER_INITIALS = re.compile(r"[ ]\((?P<short>[A-Z](?=[a-z&]*[A-Z])[A-Za-z&]{1,9})\)$")
# A department or ministry calls itself "the department" or "the ministry" whatever its name says.
_GOVERNMENT_NOUNS = frozenset({"department", "ministry"})


def publisher_initials(publisher: str) -> str | None:
    """The initials a publisher's name gives, or its own ones in brackets; None for a one-word name.

    >>> publisher_initials("University of Florida"), publisher_initials("Swedish Defence Materiel Administration (FMV)")
    ('UF', 'FMV')
    >>> publisher_initials("Nvidia") is None, publisher_initials("UF News") is None
    (True, True)
    """
    bracketed = _PUBLISHER_INITIALS.search(publisher)
    if bracketed is not None:
        return bracketed["short"]
    words = [w for w in publisher.split() if w not in _NAME_LINKS]
    if len(words) < 2 or len(words) > 5 or not all(w[:1].isupper() and w[1:].islower() for w in words):
        return None
    return "".join(w[0] for w in words)


_NAME_LINKS = frozenset({"of", "the", "and", "for", "&"})


def _publisher_words(
    text: str, self_party: str, publishers: Sequence[str], lexicon: Lexicon
) -> Iterable[Mention]:
    """Yield the publisher's mentions of itself; the party is the publisher (its government, for a department).

    "The agency" is the publisher only when the publisher is an agency: the noun must be in its name
    ("the bank" in a Treasury release is some bank).
    """
    names = " ".join(publishers).lower()
    for match in _PUBLISHER_WORD.finditer(text):
        noun = (match["noun"] or "").lower()
        if (
            noun
            and noun not in names
            and not (noun in _GOVERNMENT_NOUNS and self_party.endswith("Government"))
        ):
            continue
        start = match.start("noun") if noun else match.start()  # list readers skip a leading "the"
        yield Mention(kind="self", name=self_party, start=start, end=match.end(), party=self_party)
    # "Swedish Defence Materiel Administration (FMV)" publishing: "FMV has signed contracts ...";
    # "University of Florida": "UF announces ..." (initials that name no place or other body)
    for publisher in publishers:
        initials = publisher_initials(publisher)
        if initials is None or initials in lexicon.places or initials in lexicon.organisations:
            continue
        for match in re.finditer(rf"(?<![\w-]){re.escape(initials)}(?![\w-])", text):
            yield Mention(
                kind="self", name=self_party, start=match.start(), end=match.end(), party=self_party
            )


_TRAILING_LINK = re.compile(r"(?:[ \t\u00a0,&]|\b(?:and|the|of|for|on)\b)+$")
_NAME_OF_BEFORE = re.compile(r"\b(?:School|Institute|College|Academy|Centre|Center|Faculty)[ ](?:of|for)[ ]$")


_STATE_GOVERNMENT = re.compile(r"(?<![\w-])(?:[Ss]tate|[Pp]rovincial|[Tt]erritory)[ \t\u00a0]+$")


def _named_region(text: str, lexicon: Lexicon) -> str | None:
    """The one province or state with a government of its own that the text names, if it names one only.

    >>> from govwatch.pipeline.tag.lexicon import load_lexicon
    >>> _named_region("Telangana signed MoUs in Hyderabad with the state government.", load_lexicon())
    'Telangana'
    >>> _named_region("Kerala and Karnataka signed.", load_lexicon()) is None
    True
    """
    named = {
        entry.name
        for match in find_words(lexicon.place_words.pattern_for(text), text)
        if (entry := lexicon.places[match.group()]).region
    }
    return named.pop() if len(named) == 1 else None


def _governments(text: str, lexicon: Lexicon, home: str | None) -> Iterable[Mention]:
    """Yield government mentions: "the government" is the page's `home`, "the French government" France's."""
    named_region: list[str | None] = []  # what "the state government" means, read once if ever needed
    for word in find_words(_GOVERNMENT_WORD, text):
        if _NAME_OF_BEFORE.search(text, max(0, word.start() - 30), word.start()):
            continue  # "National School of Government", "Institute for Government": a body's name
        if text.endswith(("People’s ", "People's ", "Peoples "), 0, word.start()):
            continue  # "Jinjiang District People’s Government": a local government's own name
        before = _GOVERNMENT_BEFORE.search(text, max(0, word.start() - 40), word.start())
        adjective = before["adj"] if before is not None else None
        authorities = word.group() == "authorities"
        if authorities and (adjective is None or adjective == "HM"):
            continue
        after = None if authorities else _GOVERNMENT_OF.match(text, word.end())
        adjective_end = before.end("adj") if before is not None and adjective is not None else word.start()
        start = before.start() if before is not None else word.start()
        country: str | None = None
        if after is not None:
            place = (
                lexicon.places.get(after["of"])
                or lexicon.places.get(after["of"].rsplit(" of ", 1)[-1])
                or lexicon.places.get(after["of"].split(" and ", 1)[0])  # "of Kenya and Rwanda": the first
            )
            country = place.name if place is not None and place.country else None
        if country is None and adjective is not None:
            if adjective in ("UK", "HM"):
                country = "UK"
            else:
                longer = _longer_country(text, adjective_end - len(adjective), adjective_end, lexicon)
                if longer is not None:
                    # "the Papua New Guinea government": the whole country's name, not its last word
                    adjective, start = text[longer:adjective_end], min(start, longer)
                country = lexicon.demonyms.get(adjective) or _country_place(lexicon, adjective)
                if (
                    country is None
                    and not authorities
                    and home is not None
                    and _LEADER_NAMED.fullmatch(text, word.start() - len(adjective) - 1, word.end())
                    and not is_common_word(adjective, LEADER_NAME_ZIPF)
                ):
                    # "the Albanese Government", "the Morrison Government": the home government by its leader
                    yield Mention(kind="government", name=home, start=start, end=word.end(), party=home)
                    continue
                if country is None:
                    continue
        if country is None and _STATE_GOVERNMENT.search(text, max(0, word.start() - 14), word.start()):
            # "the state government" in a story about Telangana: the one state or province the text names,
            # never the national government
            if not named_region:
                named_region.append(_named_region(text, lexicon))
            region = named_region[0]
            if region is None:
                continue
            name = lexicon.governments[region]
            yield Mention(kind="government", name=name, start=start, end=word.end(), party=name)
            continue
        if country is None:
            if _LOCAL_GOVERNMENT.search(text, max(0, word.start() - 12), word.start()):
                continue
            if home is None:
                continue
            name = home
        else:
            name = lexicon.governments.get(country, f"Government of {country}")
        end = after.end() if after is not None and country is not None and adjective is None else word.end()
        yield Mention(kind="government", name=name, start=start, end=end, party=name)


def _foreign_country_before(text: str, start: int, lexicon: Lexicon) -> tuple[int, str] | None:
    """Where a foreign country word ("Canadian", "US") right before `start` begins, and its country."""
    match = _PREFIX_WORD.search(text, max(0, start - 24), start)
    if match is None:
        return None
    country = lexicon.demonyms.get(match[1]) or _country_place(lexicon, match[1])
    return (match.start(1), country) if country is not None and country != "UK" else None


def _foreign_prefix(text: str, start: int, lexicon: Lexicon) -> int | None:
    """Return where a foreign country word ("Canadian", "US") right before `start` begins, if any."""
    found = _foreign_country_before(text, start, lexicon)
    return found[0] if found is not None else None


# A country's armed forces buy and sign for its government: "the German Armed Forces", "Germany's armed
# forces", "the Bundeswehr" (a named service, "the Indian Air Force", is a body of its own).
_ARMED_FORCES = re.compile(
    r"(?:(?P<adj>[A-Z][a-z]+)[ \u00a0]|(?P<owner>[A-Z][a-z]+(?:[ ][A-Z][a-z]+)?)(?:’s|'s)[ \u00a0])"
    r"(?P<force>(?i:armed[ ]forces|defen[cs]e[ ]forces|military))(?![\w-])"
    r"|(?<!of[ ])(?<!of[ ]the[ ])(?P<own>Bundeswehr)(?![\w-])"
)
_OWN_NAMED_FORCES = {"Bundeswehr": "Germany"}


def _armed_forces(text: str, lexicon: Lexicon) -> Iterable[Mention]:
    """Yield a country's armed forces named by its adjective or possessive as that country's government."""
    folded = text.lower()
    if "forces" not in folded and "military" not in folded and "bundeswehr" not in folded:
        return  # the pattern opens on every capitalised word: most texts need not be scanned at all
    for match in _ARMED_FORCES.finditer(text):
        if match["own"]:
            country: str | None = _OWN_NAMED_FORCES[match["own"]]
        elif match["adj"]:
            if match["force"].lower() == "military":
                continue  # "Indian military" is an adjective's noun too often ("Indian military exports")
            country = lexicon.demonyms.get(match["adj"]) or _country_place(lexicon, match["adj"])
        else:
            country = _country_place(lexicon, match["owner"])
        government = lexicon.governments.get(country) if country else None
        if government is None:
            continue
        yield Mention(
            kind="government", name=match.group(), start=match.start(), end=match.end(), party=government
        )


@functools.lru_cache(maxsize=2)
def _country_word_pattern(words: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile(rf"(?<![\w-])(?:{trie_regex(words)})(?![\w-])")


MIN_TEXT_COUNTRY_MENTIONS = 2


def _text_government(text: str, lexicon: Lexicon) -> str | None:
    """The government of the one country a text keeps naming (twice or more, more than any other), when
    it never names the UK: whose "Ministry of Defence" an Indian paper means.

    >>> from govwatch.pipeline.tag.lexicon import load_lexicon
    >>> _text_government("HAL will supply the Indian Army and the Indian Navy.", load_lexicon())
    'Indian Government'
    >>> _text_government("HAL and the UK: the Indian Army and the Indian Navy.", load_lexicon()) is None
    True
    """
    counts: dict[str, int] = {}
    for match in _country_word_pattern(lexicon.country_word_list).finditer(text):
        country = lexicon.country_words[match.group()]
        counts[country] = counts.get(country, 0) + 1
    if not counts or "UK" in counts:
        return None
    ranked = sorted(counts.items(), key=lambda item: -item[1])
    country, count = ranked[0]
    if count < MIN_TEXT_COUNTRY_MENTIONS or (len(ranked) > 1 and ranked[1][1] == count):
        return None
    return lexicon.governments.get(country)


def _country_place(lexicon: Lexicon, word: str) -> str | None:
    place = lexicon.places.get(word)
    return place.name if place is not None and place.country else None


@dataclass(frozen=True, slots=True)
class _Patterns:
    organisation: re.Pattern[str]
    organisation_suffix: re.Pattern[str] | None
    suffix_then_link: re.Pattern[str]
    organisation_of: re.Pattern[str]
    joined_before_head: re.Pattern[str]
    programme: re.Pattern[str]
    programme_suffix: re.Pattern[str] | None
    tool: re.Pattern[str]
    tool_before: re.Pattern[str]


# A capitalised word of an "X of Y" name; a possessive ends the name ("the Department of State's Bureau of
# International Narcotics ...": the bureau is a body of its own).
_OWNLESS = (
    rf"(?!{ROLE_HEADS})[A-Z](?:[\w&-]|[’'](?=[A-Za-z])(?!s\b)|(?:(?<=People)|(?<=Children)|(?<=Women))[’']s(?![ \t\u00a0]Republic)"
    # a plural possessive inside a name: "Ministry of Agriculture and Farmers' Welfare"
    r"|(?<=s)[’'](?=[ \t\u00a0](?:Welfare|Affairs|Association|Union|Federation|Council|Fund|Trust|Rights|Compensation)\b))*"
)


_BRACKETED_COUNTRIES = (
    r"UK|U\.K\.|US|USA|U\.S\.|Europe|International|Ireland|Scotland|India|Malaysia|Singapore|Australia|Canada|"
    r"Japan|China|Hong Kong|Thailand|Philippines|Indonesia|Vietnam|Nigeria|Kenya|South Africa|Germany|France|"
    r"Italy|Spain|Netherlands|Belgium|Poland|Pakistan|Bangladesh|Egypt|UAE"
)


# Initials in brackets inside a body's name: "the Offshore Renewable Energy (ORE) Catapult" is one body.
_INITIALS_WORD = r"\([A-Z]{3,6}\)"
_INNER_INITIALS = re.compile(rf"[ ]{_INITIALS_WORD}(?=[ ])")
# A middle initial ("Paul G. Allen Family Foundation") is a word of a name and its full stop breaks no
# stretch; one before a word that opens sentences ("... Plan B. The Council agreed") ends a sentence.
_NOT_AN_OPENER = (
    r"(?!(?:The|This|These|That|Those|It|Its|In|On|At|As|A|An|We|Our|He|She|They|But|And|For|If)\b)"
)


@functools.lru_cache(maxsize=32)
def _patterns(
    org_suffixes: tuple[str, ...],
    org_heads: tuple[str, ...],
    programme_suffixes: tuple[str, ...],
    tool_nouns: tuple[str, ...],
) -> _Patterns:
    """Compile the shape patterns (cached per word lists, so each lexicon compiles them once)."""
    # "Mohamed bin Zayed University": a name's own lower-case particle links its words too
    # ("the Republic of Serbia and the European Investment Bank": "and the" opens another body's name)
    link = r"(?:(?:of|for|on|bin|bint|ibn)[ \t\u00a0]+(?:the[ \t\u00a0]+)?|(?:and|&)[ \t\u00a0]+)?"
    # Patterns open with a capital letter so the regex engine can skip ahead; the look-behind right
    # after it rejects capitals inside words at once (no rescanning of long runs).
    # "Huawei Technologies (Malaysia) Sdn Bhd", "HOCHTIEF (UK) Construction Ltd": a company's country in brackets
    country = rf"\((?:{_BRACKETED_COUNTRIES})\)"
    # "Paul G. Allen Family Foundation": a middle initial is a word of the name
    word = rf"(?:{CAPWORD}|{country})[ \t\u00a0]+{link}|{_INITIALS_WORD}[ ](?=[A-Z])|[A-Z]\.[ ](?={_NOT_AN_OPENER}[A-Z][a-z])"
    words = rf"[A-Z](?<![\w-].)[\w&’'-]*[ \t\u00a0]+{link}(?:{word}){{0,5}}"
    org = rf"{words}(?:{trie_regex(org_suffixes)})(?![\w-])"
    # "University of Kent", "National School of Government", "Royal Institute for ..."
    prefix_word = rf"(?:(?<![\w-]){_OWNLESS}[ \t\u00a0]+(?:(?:bin|bint|ibn)[ \t\u00a0]+)?)"
    org_of = (
        # words start after a non-word; a possessive is no word of the name ("Sierra Leone's Ministry of ...")
        # "Information Technology and Digital Services Department of Tamil Nadu": words joined by "and"
        # before the head, when words follow the "and" too
        rf"(?:{prefix_word}{{1,3}}(?:and|&)[ \t\u00a0]+{prefix_word}{{1,3}}|{prefix_word}{{0,3}})"
        rf"(?:{trie_regex(org_heads)})[ \t\u00a0]+(?:of|for)[ \t\u00a0]+(?:the[ \t\u00a0]+)?{_OWNLESS}"
        # "Association of Farmers for Agricultural Transformation"
        rf"(?:(?:,[ \t\u00a0]+|[ \t\u00a0]+and[ \t\u00a0]+|[ \t\u00a0]+(?:for|of)[ \t\u00a0]+(?:the[ \t\u00a0]+)?|[ \t\u00a0]+){_OWNLESS}){{0,5}}"
        # a possessive after the last word ends the name: "the Ohio Department of Transportation's unit"
        rf"(?!(?<=People)[’']s)(?!(?<=Children)[’']s)(?!(?<=Women)[’']s)(?![\w-]|[’'](?!s\b|[ \t\u00a0]))"
    )
    programme = rf"{words}(?:{trie_regex(programme_suffixes)})(?![\w-])"
    nouns = trie_regex(tool_nouns)
    # A quoted name, then either a tool noun soon after ("'Consult', the bespoke tool") or, looking back,
    # one just before ("tools in 'Humphrey'"). Searching for the quote first keeps the scan cheap.
    quoted = r"[‘'“\"](?P<name>[A-Z][\w.-]*(?:[ \t\u00a0][A-Z][\w.-]*){0,3})[’'”\"]"
    tool = rf"{quoted}(?P<after>,?[ \t\u00a0]+(?:[\w’'-]+[ \t\u00a0]+){{0,6}}?(?:{nouns})(?![\w-]))?"
    tool_before = rf"(?<![\w-])(?:{nouns})[ \t\u00a0]+(?:[a-z]+[ \t\u00a0]+){{0,2}}$"
    return _Patterns(
        organisation=re.compile(org),
        organisation_suffix=_suffix_pattern(org_suffixes),
        suffix_then_link=re.compile(
            rf"(?:{trie_regex(org_suffixes)})(?P<link>,?[ \t\u00a0]+(?:and|&)[ \t\u00a0]+)(?=[A-Z])"
        ),
        organisation_of=re.compile(org_of),
        joined_before_head=re.compile(
            rf"{prefix_word}{{1,3}}(?:and|&)[ \t\u00a0]+(?P<after>{prefix_word}{{1,3}})"
            rf"(?:{trie_regex(org_heads)})[ \t\u00a0]+(?:of|for)[ \t\u00a0]"
        ),
        programme=re.compile(programme),
        programme_suffix=_suffix_pattern(programme_suffixes),
        tool=re.compile(tool),
        tool_before=re.compile(tool_before),
    )


# A shaped name never holds one of these, so it lies inside one stretch of text between two of them.
_SEGMENT_BREAKS = ".!?\n"
_SEGMENT_BREAK = re.compile(r"[.!?\n]")


def _suffix_pattern(suffixes: tuple[str, ...]) -> re.Pattern[str] | None:
    """Compile the suffixes alone; None when a suffix holds a segment break (then no shortcut is taken)."""
    if not suffixes or any(c in suffix for suffix in suffixes for c in _SEGMENT_BREAKS):
        return None
    return re.compile(rf"(?:{trie_regex(suffixes)})(?![\w-])")


_INITIAL_STOP = re.compile(rf"(?<=[ ][A-Z])\.(?=[ ]{_NOT_AN_OPENER}[A-Z][a-z])")


def _segment_start(text: str, low: int, high: int) -> int:
    """Where the stretch of text that holds `high` begins: after the last break between `low` and `high`."""
    start = max(text.rfind(c, low, high) for c in _SEGMENT_BREAKS)
    while start >= low and start != -1 and _INITIAL_STOP.match(text, start):
        start = max(text.rfind(c, low, start) for c in _SEGMENT_BREAKS)
    return max(start + 1, low)


def _find_shaped(pattern: re.Pattern[str], suffix: re.Pattern[str] | None, text: str) -> list[re.Match[str]]:
    """Return what `find_words(pattern, text)` yields for a name-shape pattern that ends in a suffix.

    A shaped name ("Acme Robotics Ltd", "Local Digital Fund") ends in a suffix word and holds no full
    stop, question or exclamation mark or line break, so only the stretches between two such breaks
    that hold a suffix word can hold one. The suffix words open with capitals the regex engine skips
    to quickly, and the costly name pattern then runs on those stretches only.
    """
    if suffix is None:
        return list(find_words(pattern, text))
    found: list[re.Match[str]] = []
    segment_end = 0
    for word in suffix.finditer(text):
        if word.start() < segment_end:
            continue  # this stretch has been read already
        segment_start = _segment_start(text, segment_end, word.start())
        segment_start = max(segment_start, segment_end)
        stop = _SEGMENT_BREAK.search(text, word.end())
        while stop is not None and _INITIAL_STOP.match(text, stop.start()):
            stop = _SEGMENT_BREAK.search(text, stop.end())
        segment_end = stop.start() if stop is not None else len(text)
        found.extend(find_words(pattern, text, segment_start, segment_end))
    return found


def _tools(text: str, patterns: _Patterns) -> Iterable[tuple[int, int]]:
    """Yield the spans of quoted names that a tool noun follows or precedes."""
    for match in patterns.tool.finditer(text):
        before = patterns.tool_before.search(text, max(0, match.start() - 40), match.start())
        if match["after"] is not None or before is not None:
            yield match.start("name"), match.end("name")


# Initials with stops before a shaped name: "U.S." and "U.K." belong to the name.
_DOTTED_COUNTRY = re.compile(r"(?<![\w.])(?P<country>U\.S\.|U\.K\.)[ \u00a0]$")
_ACRONYM_AND = re.compile(r"[A-Z]{2,5}[ ](?:and|&)[ ](?:the[ ])?")


def _of_name_start(
    text: str, match: re.Match[str], joined_before_head: re.Pattern[str], suffixes: Container[str]
) -> int:
    """Where an "X of Y" name starts when words joined by "and" stand before its head.

    Common words joined so belong to one name ("Roads and Transport Authority of Dubai", "Information
    Technology and Digital Services Department of Tamil Nadu"); a name of its own before the "and" does
    not ("UNIMAS and Tallinn University of Technology", "Digital Economy and Cybastion Institute of ...";
    "Nepal Electricity Authority and Power Grid Corporation of India": a body's ending before the "and").
    """
    joined = joined_before_head.match(text, match.start())
    if joined is None:
        return match.start()
    before = text[match.start() : joined.start("after")].split()[:-1]
    words = [*before, *text[joined.start("after") : joined.end("after")].split()]
    if before[-1] not in suffixes and all(not word.isupper() and is_common_word(word) for word in words):
        return match.start()
    return joined.start("after")


def _before_next_name(text: str, start: int, end: int, suffix: re.Pattern[str] | None) -> tuple[int, int]:
    """Cut "University of Edinburgh, Heriot-Watt University" before the comma that starts another name.

    A name with "of" may go on after a comma ("University of California, Berkeley"; "Department for
    Science, Innovation and Technology"), but not into a second name with a suffix of its own.
    """
    if suffix is None:
        return start, end
    holder = text.rfind(", ", start, end)
    if (
        holder != -1
        and _OFFICE_OF_BEFORE.search(text, max(0, start - 40), start)
        and _HOLDER_NAME.fullmatch(text, holder + 2, end)
    ):
        return start, holder  # "the Governor of the Bank of Mauritius, Harvesh Kumar Seegolam": its holder
    # the words after the last comma may go on past `end` into a suffix: "Addis Ababa Institute of
    # Technology, Addis Ababa Science and Technology University"
    going_on = _NAME_RUN.match(text, end)
    reach = going_on.end() if going_on is not None else end
    comma = text.find(", ", start, end)
    while comma != -1:
        if text.startswith(", The ", comma) or any(
            _ENDS_A_NAME.match(text, m.end()) for m in suffix.finditer(text, comma, reach)
        ):
            # (not "University of Maryland, College Park": a place, no second name; "..., The Sovereign
            # Fund of Egypt" is one)
            return start, comma
        comma = text.find(", ", comma + 2, end)
    of_part = _OF_LINK.search(text, start, end)
    if of_part is not None and text.count(" and ", of_part.end(), end) >= 2:
        # "the Ministry of Industry and Advanced Technology and Dubal Holding": a name's "of" part holds one
        # "and"; the second links another name of its own words ("... Space Technology and Innovation" is one)
        last_and = text.rfind(" and ", of_part.end(), end)
        if " " in text[last_and + 5 : end]:
            return start, last_and
    company = _COMPANY_ENDS.search(text, start, reach)
    if company is not None:
        # "the Department of Commerce and Intel Corporation"; "the Ministry of Health and Wellness and
        # Artemis Medicare Services Limited": the company is what follows the last "and" before its ending
        link = text.rfind(" and ", start, min(end, company.start()))
        if link != -1:
            return start, link
    return start, end


# An office of the body named next, and the name of its holder after a comma: "the Governor of the Bank of
# Mauritius, Harvesh Kumar Seegolam".
_OFFICE_OF_BEFORE = re.compile(
    r"\b(?:Governor|Minister|Director|Director-General|Director General|Chair|Chairman|Chairwoman|President|"
    r"Secretary|Head|Rector|Vice-Chancellor|Chief Executive|CEO|Ambassador|Commissioner)[ ]of[ ](?:the[ ])?$"
)
_HOLDER_NAME = re.compile(r"(?:(?:Dr|Mr|Mrs|Ms|Prof)\.?[ ])?[A-Z][a-z]+(?:[ ][A-Z][a-z.]*){1,3}")
# A headline's verb in title case ends the name before it: "Ministry of Education Responds To ...".
_HEADLINE_VERB = re.compile(
    r"[ ](?:Responds|Says|Announces|Signs|Wins|Awards|Awarded|Launches|Selects|Extends|Renews|Joins|Unveils|"
    r"Approves|Invests|Inks|Confirms|Reveals|Agrees|Receives|Secures|Seeks|"
    r"Urges|Warns|Cancels|Terminates|Expands|Taps|Picks|Hires|Appoints|Publishes|Welcomes)"
    r"(?![\w-])"
)
_HEADLINE_FOR = re.compile(r"[ ](?:for|with|to|To)[ ][A-Z]")
MIN_HEADLINE_WORDS = 6
MAX_HEADLINE_CHARS = 300
_HEADLINE_SMALL_WORDS = word_set("a an and as at by for from in into of on or over the to up via with")


def _headline_cut(text: str, start: int, end: int) -> int:
    """Where a name found in a title-case headline ends: before the headline's verb ("Ministry of Education
    Responds To ...") and before what it is for ("Contract by Orange County Transportation Authority for
    Smart Mobility, Safety and Sustainability Initiative"). Outside a headline the name is left whole."""
    # a headline is one short line: look no further than its longest length for its ends
    reach_back = max(0, start - MAX_HEADLINE_CHARS)
    line_start = text.rfind("\n", reach_back, start) + 1
    line_end = text.find("\n", end, end + MAX_HEADLINE_CHARS)
    if (line_start == 0 and reach_back > 0) or (line_end == -1 and end + MAX_HEADLINE_CHARS < len(text)):
        return end
    line = text[line_start : len(text) if line_end == -1 else line_end]
    words = line.split()
    # a headline has a verb ("Iteris Wins ... Contract with ..."); a list of names in capitals has none
    if not (
        len(words) >= MIN_HEADLINE_WORDS
        and _HEADLINE_VERB.search(line)
        and all(w[:1].isupper() or not w[:1].isalpha() or w in _HEADLINE_SMALL_WORDS for w in words)
    ):
        return end
    verb = _HEADLINE_VERB.search(text, start, end)
    if verb is not None:
        end = verb.start()
    link = _HEADLINE_FOR.search(text, start, end)
    before = text[start : link.start()] if link is not None else ""
    if link is not None and (" of " in before or before.split()[-1] in _BODY_HEADS):
        end = link.start()
    return end


# Words of a force nobody is named for: "the Task Force", "the Air Force" (a "US Space Force" is named).
_GENERIC_FORCE_WORDS = frozenset({"Task", "Air", "Joint", "Armed", "Defence", "Defense", "Working", "Force"})
# A title and a given name right before a known name: its bearer's surname ("Governor Greg Abbott").
_TITLED_GIVEN_NAME = re.compile(
    r"\b(?:Governor|Minister|President|Secretary|Mayor|Senator|Premier|Chancellor|Dr|Mr|Mrs|Ms|Sir|Dame|Lord)"
    r"\.?[ ][A-Z][a-z]+[ ]$"
)
# A name right after a list's comma, holding an "and" between capitalised words: maybe the list's last link.
_LISTED_BEFORE = re.compile(r",[ ](?:the[ ])?$")
_WORD_AND_COMPANY = re.compile(
    r"[A-Z][\w’'-]*[ ](?:and|&)[ ](?=[A-Z][\w’'-]*[ ](?:Limited|Ltd|plc|PLC|Inc|LLC|GmbH|AG|SA|S\.A\.)\b)"
)
# One word and "and" opening a name, after one-word items and commas: a department's list of portfolios.
_ONE_WORD_AND = re.compile(r"[A-Z][\w’'-]*[ ](?:and|&)[ ]")
_PORTFOLIO_BEFORE = re.compile(r"(?:[A-Z][a-z]+,[ ]){1,5}$")
_NAMES_JOINED = re.compile(r"[A-Z][\w’'-]*(?:[ ][A-Z][\w’'-]*)+[ ](?:and|&)[ ](?:the[ ])?(?=[A-Z])")
# After a suffix word, what shows it ends a name: no further capitalised word of the same name.
_ENDS_A_NAME = re.compile(r"(?![ \t\u00a0][A-Z])")
# The legal endings that close a company's name, never a public body's.
_COMPANY_ENDS = re.compile(rf"[ ]{_LEGAL_ENDINGS}\b")
_OF_LINK = re.compile(r"[ ](?:of|for)[ ]")


# Capitalised words (and the links inside a name) that go on from where a name match stopped.
_NAME_RUN = re.compile(r"(?:[ \t\u00a0]+(?:(?:and|of|for|&)[ \t\u00a0]+)?[A-Z][\w&’'-]*)*")


_NEXT_WORD = re.compile(r"[ \u00a0](?P<word>[A-Z][\w-]*)(?![\w-])")


def _split_at_suffixes(text: str, start: int, end: int, boundary: re.Pattern[str]) -> list[tuple[int, int]]:
    """Cut "Fujitsu Services Ltd and IDEMIA UK Ltd" into two names at the inner suffix."""
    spans = []
    for cut in boundary.finditer(text, start, end):
        spans.append((start, cut.start("link")))
        start = cut.end()
    spans.append((start, end))
    return spans


def _free_start(taken: bytearray, start: int, end: int) -> int:
    """Move `start` past any character already taken, so "Ltd and the Local Digital Fund" keeps its tail."""
    last = taken.rfind(1, start, end)
    return start if last == -1 else last + 1


# A possessive before these is part of the name ("King's College London", "Queen's University Belfast",
# "Guy's Hospital"), not an owner before its body ("Japan's RIKEN").
_POSSESSIVE_NAME_HEADS = ("College", "University", "Hospital", "School")


_BOARD_OF = re.compile(r"(?:(?:Executive|Supervisory|Management|Governing)[ ])?Board[ ]of[ ]the[ ]")


# Places whose names open with "New", which is otherwise a sentence's word ("New funding ...").
_NEW_PLACES = (
    "Zealand ",
    "York ",
    "South Wales ",
    "Delhi ",
    "Jersey ",
    "Brunswick ",
    "Mexico ",
    "Hampshire ",
)


_DEPARTMENT_AFTER = re.compile(r"[ ](?:Department|Ministry|Office|Agency)\b")
_BODY_WORD_BEFORE = re.compile(
    r"(?<![\w-])(?:Business|Enterprise|Invest|Digital|Research|Team|Innovate|Creative|Sport|Tourism|"
    r"(?:[A-Z][a-z]+[ ])?Councils?)[ ]$"  # "Research Councils UK", "Arts Council England"
)
# "Digital Tanzania Project", "Invest US$2 billion": a programme's or a sum's words, not an agency's name
_NOT_A_BODY_AFTER = re.compile(r"\$|[ ](?:Project|Programme|Program|Initiative|Strategy|Agenda|Plan|Week)\b")
_UK_MARK = re.compile(
    r"\b(?:UK|HM|British|Britain|Her Majesty|His Majesty|DSIT|DBT|MOD|DHSC|FCDO|DCMS|BEIS)\b"
)


_STATE_FIRM_BEFORE = re.compile(r"(?:[A-Z][a-z]+[ ]){0,2}(?:PSU|CPSE|PSE|SOE|SOEs|PSUs)[ ](?=[A-Z])")


_PLACE_OWNER = re.compile(r"(?:[Tt]he[ ])?(?P<place>[A-Z][\w-]*(?:[ ][A-Z][\w-]*){1,2})(?:’s|'s)[ ]")


def _strip_leading(text: str, start: int, end: int, places: Container[str] = ()) -> tuple[int, str]:
    """Drop sentence-opening words ("Today Acme Ltd" -> "Acme Ltd"); return the new start and name."""
    while start < end and text[start] in " \u00a0,":
        start += 1
    owner_place = _PLACE_OWNER.match(text, start, end)
    if owner_place is not None and owner_place["place"] in places:
        start = owner_place.end()  # "the United Kingdom's Strategic Command": the place owns the body
    described = _STATE_FIRM_BEFORE.match(text, start, end)
    if described is not None:  # "Defence PSU Bharat Dynamics Limited": what the company is, then its name
        start = described.end()
    while True:
        space = text.find(" ", start, end)
        word = text[start:space]
        opener = (
            (
                word in LEADING_STOPWORDS
                and not (
                    word == "New"
                    # "New Zealand"; "the New Energy and Industrial Technology Development Organization"
                    and (text.startswith(_NEW_PLACES, space + 1) or text.endswith(("the ", "The "), 0, start))
                )
            )
            or word in ROLE_WORDS
            or word in _LINKS
            or word.endswith(("-based", "-headquartered", "-led"))  # "Oxford-based Jenner Institute"
        )
        owner = (
            word.endswith(("’s", "'s"))
            and not text.startswith(_POSSESSIVE_NAME_HEADS, space + 1)
            and word not in _POSSESSIVES_OF_NAMES  # "People's Bank of China"
        )
        # "Chief Executive Officer of the South African National Space Agency": the job, then the body
        following = text[space + 1 : text.find(" ", space + 1, end)] if space != -1 else ""
        office = (word in _OFFICE_ENDINGS or word == "General") and (
            text.startswith("of ", space + 1) or following in _OFFICE_ENDINGS
        )  # "(Director) General of the Mexican Space Agency"
        if word in ("Vice", "Deputy") and text.startswith(
            ("Administrator ", "Director ", "Chair "), space + 1
        ):
            office = True  # "Vice Administrator of the China National Space Administration"
        board = _BOARD_OF.match(text, start, end)  # "Executive Board of the German Aerospace Center"
        if board is not None:
            start = board.end()
            continue
        if space == -1 or not (opener or owner or office):
            break
        start = space + 1
        while start < end and text[start] in " \u00a0":
            start += 1
    name = text[start:end]
    if name.endswith(("’s", "'s")):
        name = name[:-2]
    elif name.endswith(("s’", "s'")):
        name = name[:-1]  # "the Scottish Council for Voluntary Organisations' fund"
    return start, (name if " " in name or name[:1].isupper() else "")


# "the Saudi Space Agency (SSA)": initials in brackets right after a name, introduced for later use.
_INTRODUCED = re.compile(r"[ \u00a0]?\((?:the[ ])?(?P<short>[A-Z][A-Za-z&.-]{1,9})\)")


# A name spelled out before its initials in brackets: "the China Meteorological Administration (CMA)".
_BRACKETED_INITIALS = re.compile(r"\((?P<short>[A-Z][A-Za-z]{1,9})\)")
_SPELLED_BEFORE = re.compile(
    r"(?<![\w’'&-])(?:[A-Z][\w’'&-]{0,30}[ ](?:(?:of|and|for|the|on|de|des|du|&)[ ])*){1,8}$"
)
SPELLED_OUT_CHARS = 160  # how far before "(CMA)" its spelled-out name may start
_INITIAL_LINKS = frozenset({"of", "and", "for", "the", "on", "de", "des", "du", "&"})
# The last words of bodies' names.
_NAME_GOES_ON_AFTER = re.compile(r"[ ][A-Z][a-z]")
_BODY_HEADS = word_set(
    "Administration Agency Authority Office Department Ministry Council Commission Institute Centre Center "
    "Laboratory Board Bank Fund Foundation University Corporation Company Service Organisation Organization "
    "Association Society Trust Bureau Directorate Executive Regulator Inspectorate Secretariat Academy Affairs "
    # companies' names end in what they do: "Ontario Power Generation (OPG)", "Canberra Data Centres (CDC)"
    "Generation Energy Power Group Holdings Industries Networks Communications Telecom Telecommunications "
    "Technologies Systems Aerospace Airports Electric Nuclear Utilities Partners Ventures Capital Centres"
)


# The first words of bodies' names that say what the body is: "Federation of ...", "Chamber of ...".
_HEAD_FIRST = word_set(
    "Federation Confederation Chamber Association Council Union Alliance Society Institute"
)


def _closing_place(words: Sequence[str], places: frozenset[str]) -> int:
    """How many of the last `words` name one of the text's `places` (0 if none, or if that is all)."""
    return next((count for count in (2, 1) if count < len(words) and " ".join(words[-count:]) in places), 0)


def _initials(words: Sequence[str]) -> str:
    """The initials of a name's words ("UK Research and Innovation" -> "UKRI"); capitals count whole."""
    return "".join(w if w.isupper() else w[0] for w in words if w not in _INITIAL_LINKS).upper()


def _foreign_name(words: Sequence[str]) -> bool:
    """Tell whether a spelled-out name is mostly words English does not use, a body's name in its own
    language ("Tabung Ekonomi Gagasan Anak Sarawak (Tegas)"), which says nothing of being a thing."""
    named = [w for w in words if w not in _INITIAL_LINKS]
    return len(named) >= 3 and sum(not is_common_word(w, NAME_WORD_ZIPF) for w in named) * 2 > len(named)


def with_spelled_out_names(text: str, mentions: Sequence[Mention]) -> tuple[Mention, ...]:
    """Make a name the text spells out before its initials one organisation ("the China Meteorological
    Administration (CMA)"), and its initials that organisation wherever the text uses them, even where the
    lexicon knows other bodies by those initials (the UK's Competition and Markets Authority).

    >>> text = "The Met Office and the China Meteorological Administration (CMA) met. The CMA said so."
    >>> cma = text.rindex("CMA")
    >>> m = [Mention(kind="place", name="China", start=23, end=28, party="Chinese Government"),
    ...      Mention(kind="organisation", name="CMA", start=cma, end=cma + 3, party="Competition and Markets Authority")]
    >>> [(x.kind, x.party) for x in with_spelled_out_names(text, m)]
    [('organisation', 'China Meteorological Administration'), ('organisation', 'China Meteorological Administration')]

    Initials inside a longer name spell out no body of their own; a company's name may end in what it does:

    >>> text = "The Offshore Renewable Energy (ORE) Catapult met. ORE signed."
    >>> ore = Mention(kind="name", name="ORE", start=text.rindex("ORE"), end=text.rindex("ORE") + 3, party="ORE")
    >>> [x.party for x in with_spelled_out_names(text, [ore])]
    ['ORE']

    >>> [x.name for x in with_spelled_out_names("Ontario Power Generation (OPG) met.", [])]
    ['Ontario Power Generation']
    """
    spelled: dict[str, tuple[int, int, str]] = {}
    places = frozenset(text[m.start : m.end] for m in mentions if m.kind == "place")
    for bracket in _BRACKETED_INITIALS.finditer(text):
        # Looked for backwards from each bracket, in a bounded window: a long run of capitals costs nothing.
        match = _SPELLED_BEFORE.search(text, max(0, bracket.start() - SPELLED_OUT_CHARS), bracket.start())
        if match is None or _NAME_GOES_ON_AFTER.match(text, bracket.end()):
            continue  # "Offshore Renewable Energy (ORE) Catapult": the initials sit inside a longer name
        words = match.group().split()
        short = bracket["short"]
        # "Federation of Information Technology Industry Sri Lanka (FITIS)": a place may close the name
        # without a letter of its own in the initials.
        place = _closing_place(words, places)
        ends = range(len(words), len(words) - place - 1, -1)  # the initials may stop inside the place
        first = next(
            (
                first
                for first in range(len(words))
                for last in ends
                if first < last
                and words[first][:1].isupper()
                and _initials(words[first:last]) == short.upper()
            ),
            None,
        )
        if first is None:
            continue
        if (
            words[len(words) - place - 1] not in _BODY_HEADS
            and words[first] not in _HEAD_FIRST
            and not _foreign_name(words[first:])
        ):
            continue  # "the Long Term Partnering Agreement (LTPA)": a thing, not a body
        start = match.start() + len(" ".join(words[:first])) + (1 if first else 0)
        spelled.setdefault(short, (start, start + len(" ".join(words[first:])), " ".join(words[first:])))
    if not spelled:
        return tuple(mentions)
    bodies = [m for m in mentions if m.kind in ("organisation", "government", "name")]
    for short, (start, end, name) in list(spelled.items()):
        # A body already found there ("the Ministry of Digital Economy and Society (DES)") keeps its name,
        # and the initials are that body; so are initials the lexicon knows only as initials ("ISRO").
        known = next((m for m in bodies if m.start < end and start < m.end), None)
        lexicon_party = next(
            (m.party for m in bodies if text[m.start : m.end] == short and m.kind == "organisation"), None
        )
        if (
            known is not None
            and known.party
            and not (start <= known.start and known.end - known.start < end - start and known.end <= end)
        ):
            # (a known body that is only the start of the spelled-out name, "United Nations" in "United
            # Nations Office for Outer Space Affairs (UNOOSA)", gives way to the whole name)
            spelled[short] = (known.start, known.end, known.party)
        elif lexicon_party is not None and (
            lexicon_party == short or lexicon_party.replace("’", "'") == name.replace("’", "'")
        ):
            spelled[short] = (start, end, lexicon_party)
    spans = list(spelled.values())
    kept: list[Mention] = []
    for mention in mentions:
        inside = next((span for span in spans if span[0] <= mention.start and mention.end <= span[1]), None)
        if inside is not None and (mention.start, mention.end) != inside[:2]:
            continue  # "China" in "China Meteorological Administration": part of the spelled-out name
        short = text[mention.start : mention.end]
        if short in spelled and mention.kind in ("organisation", "name"):
            mention = replace(mention, name=spelled[short][2], party=spelled[short][2])
        kept.append(mention)
    covered = {(m.start, m.end) for m in kept}
    added = [
        Mention(kind="organisation", name=name, start=start, end=end, party=name)
        for start, end, name in spans
        if (start, end) not in covered
    ]
    return tuple(sorted((*kept, *added), key=lambda m: m.start))


def with_introduced_short_names(text: str, mentions: Sequence[Mention]) -> tuple[Mention, ...]:
    """Give a body introduced with its short name ("the Saudi Space Agency (SSA) ... signed by SSA CEO ...")
    one party however the text goes on to name it: the full name when govwatch knows it, else the short name
    (a run of capitals nothing knows may be cut short: "Förderbank Niedersachsen (NBank)").

    >>> text = "The Saudi Space Agency (SSA) met Acme. SSA signed."
    >>> m = [Mention(kind="organisation", name="Saudi Space Agency", start=4, end=22, party="Saudi Space Agency"),
    ...      Mention(kind="name", name="SSA", start=39, end=42, party="SSA")]
    >>> [x.party for x in with_introduced_short_names(text, m)]
    ['Saudi Space Agency', 'Saudi Space Agency']
    """
    named: dict[str, str] = {}  # party -> the party it is known by
    places = {mention.start for mention in mentions if mention.kind == "place"}  # "JAYWAN (UAE)": where
    for mention in mentions:
        if mention.party is None or mention.kind not in ("organisation", "government", "name"):
            continue
        short = _INTRODUCED.match(text, mention.end)
        if (
            short is None
            or sum(c.isupper() for c in short["short"]) < 2
            or short["short"] == mention.party
            or short.start("short") in places
        ):
            continue
        if mention.kind == "name":
            named.setdefault(mention.party, short["short"])
        else:
            named.setdefault(short["short"], mention.party)
    if not named:
        return tuple(mentions)
    return tuple(
        replace(mention, party=named[mention.party])
        if mention.kind in ("organisation", "name") and mention.party in named
        else mention
        for mention in mentions
    )


# "the Bank", "the Fund", "the Council": a body the text names in full elsewhere, by the head of its name.
_DEFINITE_BODY = re.compile(
    r"(?<![\w-])[Tt]he[ ](?P<short>(?:[A-Z][\w-]+[ ])?(?:Bank|Fund|Agency|Council|University|Company|Institute|"
    r"Trust|Authority|Commission|Foundation|Centre|Center|Corporation|Board)"
    # in lower case too: "Softcat has been appointed by the council", the one Council the text names
    r"|bank|fund|agency|council|university|institute|trust|authority|commission|foundation|corporation)"
    r"(?![\w-])(?![ ](?:of|for)[ ])"
)


def with_definite_bodies(text: str, mentions: Sequence[Mention]) -> tuple[Mention, ...]:
    """Add "the Bank" (and "the Fund", "the Council", ...) as a mention of the one body the text names in
    full with that head ("the Scottish National Investment Bank ... will receive £12.5 million from the
    Bank"); when the text names none or several such bodies, "the Bank" stays no one.

    >>> text = "The Scottish National Investment Bank opened. Acme got £5m from the Bank."
    >>> m = [Mention(kind="organisation", name="Scottish National Investment Bank", start=4, end=37,
    ...              party="Scottish National Investment Bank")]
    >>> [(x.name, text[x.start:x.end]) for x in with_definite_bodies(text, m)][1]
    ('Scottish National Investment Bank', 'Bank')
    >>> text = "Stoke-on-Trent City Council opened a framework. Softcat was appointed by the council."
    >>> m = [Mention(kind="organisation", name="Stoke-on-Trent City Council", start=0, end=27,
    ...              party="Stoke-on-Trent City Council")]
    >>> [(x.name, text[x.start:x.end]) for x in with_definite_bodies(text, m)][1]
    ('Stoke-on-Trent City Council', 'council')
    """
    heads: dict[str, set[str]] = {}  # "Bank" and "Investment Bank" -> the bodies whose names end so
    for mention in mentions:
        if mention.kind == "organisation" and mention.party and " " in mention.name:
            words = mention.name.split()
            for short in (words[-1], " ".join(words[-2:])) if len(words) > 2 else (words[-1],):
                heads.setdefault(short, set()).add(mention.party)
    if not heads:
        return tuple(mentions)
    taken = [(m.start, m.end) for m in mentions]
    added = []
    for match in _DEFINITE_BODY.finditer(text):
        bodies = heads.get(match["short"][:1].upper() + match["short"][1:], set())
        start, end = match.start("short"), match.end()
        if len(bodies) != 1 or any(s < end and start < e for s, e in taken):
            continue
        party = next(iter(bodies))
        added.append(Mention(kind="organisation", name=party, start=start, end=end, party=party))
    return tuple(sorted((*mentions, *added), key=lambda m: m.start)) if added else tuple(mentions)


def with_names_the_text_gives(text: str, mentions: Sequence[Mention]) -> tuple[Mention, ...]:
    """The mentions with what the text itself says of names: spelled-out initials ("the China
    Meteorological Administration (CMA)"), short names it introduces, then "the Bank"-style references."""
    return with_definite_bodies(
        text,
        with_introduced_short_names(text, with_spelled_out_names(text, with_campus_names(text, mentions))),
    )


# "The Indian Institute of Technology (IIT) Roorkee": the campus named after the initials.
_INITIALS_THEN_PLACE = re.compile(r"[ ]\((?P<initials>[A-Z]{2,6})\)[ ](?P<campus>[A-Z][a-z]+)(?![\w-])")


def with_campus_names(text: str, mentions: Sequence[Mention]) -> list[Mention]:
    """A body's name, its initials in brackets and a place the text also writes after those initials
    ("the Indian Institute of Technology (IIT) Roorkee ... IIT Roorkee") are one body: that campus.

    >>> text = "The Indian Institute of Technology (IIT) Roorkee signed. IIT Roorkee said so."
    >>> body = Mention(kind="organisation", name="Indian Institute of Technology", start=4, end=34,
    ...                party="Indian Institute of Technology")
    >>> [m.name for m in with_campus_names(text, [body])]
    ['Indian Institute of Technology Roorkee']
    """
    found: list[Mention] = []
    widened: list[tuple[int, int]] = []  # the spans that now take in the initials and the campus
    for mention in mentions:
        campus = _INITIALS_THEN_PLACE.match(text, mention.end) if mention.kind == "organisation" else None
        if campus is not None and f"{campus['initials']} {campus['campus']}" in text[campus.end() :]:
            name = f"{mention.name} {campus['campus']}"
            widened.append((mention.end, campus.end()))
            mention = replace(mention, name=name, end=campus.end(), party=name)
        found.append(mention)
    # the initials and the place inside a widened name are no mentions of their own
    return [m for m in found if not any(start <= m.start and m.end <= end for start, end in widened)]
