"""Compose the tagging stages into one call: `tag_text(text) -> Annotations`.

Stages, in order:
1. split the text into sentences with offsets (`sentences.py`);
2. find mentions of organisations, people, places and programmes (`entities.py`);
3. find money, counts, percentages and durations (`figures.py`);
4. read agreements from sentences and the mentions in them (`partnerships.py`);
5. score topics over the title and text (`topics.py`).
All offsets refer to `text`; the title only helps topics.
"""

from __future__ import annotations

import functools
import logging
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from govwatch.pipeline.records import Annotations, Evidence, Partnership
from govwatch.pipeline.tag.entities import (
    domain_suffix,
    find_mentions,
    home_government,
    mentions_to_entities,
    publisher_country,
    resolve_self_party,
    url_country,
    with_names_the_text_gives,
)
from govwatch.pipeline.tag.figure_words import (
    COUNTRY_CURRENCY_WORDS,
    COUNTRY_DOLLARS,
    DOLLAR_CODES,
    DOLLAR_REGIONS,
    LOCAL_DOLLAR_CITIES,
)
from govwatch.pipeline.tag.figures import find_figures
from govwatch.pipeline.tag.lexicon import Lexicon, fold_case, load_lexicon, trie_regex
from govwatch.pipeline.tag.mentions import Mention
from govwatch.pipeline.tag.partnerships import (
    COUNTED_LIST_REACH,
    find_agreement_words,
    find_partnerships,
    lists_signatories,
    merge_headline,
    opens_award_list,
    reports_joint_action,
    reports_membership,
    with_headline_counterparts,
)
from govwatch.pipeline.tag.partnerships import introduces_list as _introduces_list
from govwatch.pipeline.tag.people import names_people_go_by
from govwatch.pipeline.tag.press import is_news_agency, is_press, press_country
from govwatch.pipeline.tag.sentence_checks import states_money
from govwatch.pipeline.tag.sentences import Sentence, list_items_after, split_sentences
from govwatch.pipeline.tag.spaces import fold_spaces, small_words_lowered
from govwatch.pipeline.tag.topics import find_topics

log = logging.getLogger(__name__)


def _parties_of(partnerships: Sequence[Partnership]) -> frozenset[str]:
    return frozenset(party for partnership in partnerships for party in partnership.parties)


@dataclass(frozen=True, slots=True)
class _Read:
    """What reading a text for agreements found: its sentences, lower-cased text, mentions and agreements."""

    sentences: tuple[Sentence, ...]
    folded: str
    mentions: tuple[Mention, ...]
    partnerships: tuple[Partnership, ...]


def _read_agreements(
    text: str,
    lexicon: Lexicon,
    self_party: str,
    organisations: Sequence[str],
    *,
    home: str | None,
    for_entities: bool,
) -> _Read:
    """Read a text's agreements (the body, or the title and summary joined).

    Bare names are made only in the sentences agreements are read from and the lists they open;
    without an agreement word and `for_entities`, mentions are not looked for at all.
    """
    sentences = split_sentences(text)
    folded = fold_case(text)  # lower-cased once for the agreement and topic word lists
    words = find_agreement_words(text, folded, lexicon)
    if not words.words and not for_entities and "join" not in folded and "become" not in folded:
        return _Read(sentences, folded, (), ())
    # Sentences with an agreement word, those stating money (a sum may pass between two names), and
    # those listing who signed the agreement the sentence before named.
    with_words = set(words.sentence_indices(sentences))
    read = [
        s
        for i, s in enumerate(sentences)
        if i in with_words
        or states_money(s.text)
        or (i - 1 in with_words and lists_signatories(s.text))
        or reports_joint_action(s.text)
        or opens_award_list(s.text)
        or reports_membership(s.text)  # "Uber has joined the UITP": who joins may be a name nothing knows
        # "awarded eight contracts ..." then "The companies that received funding are:"
        or (_introduces_list(s.text) and not with_words.isdisjoint(range(i - COUNTED_LIST_REACH, i)))
    ]
    name_spans = sorted(
        {(s.start, s.end) for s in read}
        | {item for s in read if _introduces_list(s.text) for item in list_items_after(text, s.end - 1)}
    )
    found = find_mentions(text, lexicon, self_party, name_spans, publishers=organisations, home=home)
    mentions = with_names_the_text_gives(text, found)
    partnerships = find_partnerships(
        text, sentences, mentions, lexicon, self_party, folded, words, publishers=organisations
    )
    return _Read(sentences, folded, mentions, partnerships)


MIN_DOLLAR_COUNTRY_MENTIONS = 2


def publisher_dollar(
    text: str, organisations: Sequence[str], lexicon: Lexicon, url: str | None = None
) -> str:
    """The dollar a bare "$" means: that of the country the publisher's name or domain states; failing
    both, that of the one dollar country the text keeps naming ("Singaporeans", "Australia's GDP"); else USD.

    >>> from govwatch.pipeline.tag.lexicon import load_lexicon
    >>> publisher_dollar("Singaporeans aged 40 get $4,000. Singapore will ...", ["MCI"], load_lexicon())
    'SGD'
    >>> publisher_dollar("Canada and the US: $5m.", ["Canadian Space Agency"], load_lexicon())
    'CAD'
    >>> publisher_dollar("Canada, Canada and the US, the US: $5m.", ["Acme"], load_lexicon())
    'USD'
    >>> publisher_dollar("Australia's Telstra, Australia's government: $1.6 billion.", ["Reuters"], load_lexicon())
    'USD'
    >>> publisher_dollar("Ontario invests $5m in Waterloo. Ontario's ...", ["Ministry of Economic Development"], load_lexicon())
    'CAD'
    >>> publisher_dollar("The project gets $5m.", ["NSW Government"], load_lexicon())
    'AUD'
    >>> publisher_dollar("The marketplace costs $130m.", ["Premier of Victoria"], load_lexicon())
    'AUD'
    >>> publisher_dollar("Four firms share $3m.", ["Australian Associated Press"], load_lexicon())
    'AUD'
    >>> publisher_dollar("Ottawa: IBM gets $5m.", ["Global News"], load_lexicon(), "https://globalnews.ca/news/1")
    'CAD'
    >>> publisher_dollar("Halifax council: $12,000 for Halifax Transit.", ["Global News"], load_lexicon(), "https://globalnews.ca/n")
    'CAD'
    >>> publisher_dollar("Inland Revenue awarded $129.7 million.", ["Reseller News"], load_lexicon(), "https://www.reseller.co.nz/a")
    'NZD'
    >>> publisher_dollar("Portugal's deal is worth $5m.", ["The Straits Times"], load_lexicon(), "https://www.straitstimes.com.sg/a")
    'USD'
    >>> publisher_dollar("The Australian government will spend $50m on digital ID.", ["InnovationAus"], load_lexicon())
    'AUD'
    >>> publisher_dollar("A Canadian firm wins $5m from the US Army.", ["Acme"], load_lexicon())
    'USD'
    >>> publisher_dollar("Australia invests $1.2 billion AUD, over $100 million in skills.", ["ITPro"], load_lexicon())
    'AUD'
    >>> publisher_dollar("Saskatoon city council paid $80,000. Saskatoon ...", ["Saskatoon StarPhoenix"], load_lexicon())
    'CAD'
    >>> publisher_dollar("Saskatoon and the U.S. firm: $80,000. Saskatoon ...", ["Saskatoon StarPhoenix"], load_lexicon())
    'USD'
    >>> publisher_dollar("Australia, Australia and Australia co-finance the $60m project.", ["Asian Development Bank"], load_lexicon())
    'USD'
    >>> publisher_dollar("A $1 billion fund.", ["Chief Executive's Office"], load_lexicon(), "https://www.policyaddress.gov.hk/x")
    'HKD'
    >>> publisher_dollar("Australia will pay $600m; Australia's posts, Australia's aid.", ["Pacific Islands News Association"], load_lexicon(), "https://pina.com.fj/a")
    'AUD'
    """
    country = publisher_country(organisations, lexicon)
    coded = {match["after"] or match["before"] for match in _CODED_DOLLAR.finditer(text)}
    if country is None and len(coded) == 1:
        return coded.pop()  # "$1.2 billion AUD ... over $100 million": the text said which dollar once
    if organisations and is_press(organisations[0]) and country is None:
        # wire style: "$" is the US dollar, others are written "A$", "C$", "NZ$"; a paper at home
        # ("globalnews.ca") writes its own country's dollar as "$"
        country = (url_country(url, lexicon) if url else None) or press_country(organisations[0])
        if country is None and not is_news_agency(organisations[0]):
            local = _local_dollar_country(text, lexicon) or _only_country(text, lexicon)
            if local is not None:
                return COUNTRY_DOLLARS.get(local, "USD")
        if country is None or (
            _count_dollar_countries(text, lexicon)[country] == 0
            # a story that names no country at all is about the paper's own ("reseller.co.nz")
            and _country_pattern(lexicon).search(text) is not None
            and _local_dollar_country(text, lexicon) != country
        ):
            return "USD"  # (a Singapore paper on a deal in Portugal writes of US dollars)
        return COUNTRY_DOLLARS.get(country, "USD")
    if any(_MULTILATERAL.search(name) for name in organisations):
        return "USD"  # development banks and the UN family account in US dollars wherever they lend
    territory = _TERRITORY_DOLLARS.get(domain_suffix(url) or "")
    if country is None and territory is not None:
        return territory  # "policyaddress.gov.hk": a territory with a dollar of its own, no country
    if country is None and url and (at_home := url_country(url, lexicon)) is not None:
        # a site abroad republishing another country's story ("pina.com.fj" carrying the Sydney Morning
        # Herald on Australia's budget) writes that country's dollar when it never names its own
        country = _dominant_dollar_country(text, lexicon, at_home) or at_home
    country = (
        country
        or next(
            (
                DOLLAR_REGIONS[match["word"]]
                for name in organisations
                for match in _region_pattern().finditer(name)
            ),
            None,
        )  # "Government of Ontario", "NSW Government"
    )
    if country is None and lexicon.country_words:
        counts = _count_dollar_countries(text, lexicon).most_common(2)
        if (
            counts
            # once is enough when the text names no other country at all ("the Australian government")
            and (
                counts[0][1] >= MIN_DOLLAR_COUNTRY_MENTIONS
                or _countries_named(text, lexicon) == {counts[0][0]}
            )
            and (len(counts) == 1 or counts[1][1] < counts[0][1])
        ):
            country = counts[0][0]
    return COUNTRY_DOLLARS.get(DOLLAR_REGIONS.get(country or "", country or ""), "USD")


_CODED_DOLLAR = re.compile(
    rf"\$[ ]?\d[\d.,]*(?:[ ]?(?:trillion|billion|million|bn|m|k|T|B|M|K)\b)?[ ](?P<after>{DOLLAR_CODES})\b"
    rf"|\b(?P<before>{DOLLAR_CODES})[ ]\$\d"
)
_LOCAL_PLACES = {**DOLLAR_REGIONS, **LOCAL_DOLLAR_CITIES}
_LOCAL_PLACE = re.compile(r"\b(?:" + "|".join(map(re.escape, _LOCAL_PLACES)) + r")\b")


def _dominant_dollar_country(text: str, lexicon: Lexicon, home: str) -> str | None:
    """The dollar country other than the US that a text keeps naming, at least twice as often as any other,
    when it never names `home`, itself a dollar country.

    >>> from govwatch.pipeline.tag.lexicon import load_lexicon
    >>> _dominant_dollar_country("Australia pays; Australia's posts; Australia", load_lexicon(), "Fiji")
    'Australia'
    >>> _dominant_dollar_country("Australia pays; Australia's posts; Fiji", load_lexicon(), "Fiji") is None
    True
    """
    counts = _count_dollar_countries(text, lexicon)
    if counts[home] or home not in COUNTRY_DOLLARS:
        return None  # (a UK page's "$" is no pound: whose dollar it is, the text says elsewhere)
    counts.pop("US", None)  # the US is named as the world's market far more often than as the payer
    ranked = counts.most_common(2)
    if not ranked or ranked[0][1] < MIN_DOLLAR_COUNTRY_MENTIONS:
        return None
    if len(ranked) == 2 and ranked[0][1] < 2 * ranked[1][1]:
        return None
    return ranked[0][0]


def _local_dollar_country(text: str, lexicon: Lexicon) -> str | None:
    """The dollar country of a local paper's "$": the one whose provinces, states or cities ("Saskatoon city
    council", "Ontario") the text names at least `MIN_DOLLAR_COUNTRY_MENTIONS` times, when it names no other
    dollar country at all (a Canadian firm's deal with the U.S. Department of Energy is in US dollars)."""
    regions = Counter(_LOCAL_PLACES[match.group()] for match in _LOCAL_PLACE.finditer(text))
    if len(regions) != 1:
        return None
    ((country, count),) = regions.items()
    named = _count_dollar_countries(text, lexicon)
    if count < MIN_DOLLAR_COUNTRY_MENTIONS or any(n for c, n in named.items() if c != country):
        return None
    return country


def _only_country(text: str, lexicon: Lexicon) -> str | None:
    """The one country a paper's story names, at least `MIN_DOLLAR_COUNTRY_MENTIONS` times, when it names no
    other ("the CRTC ... across Canada", "the Australian government ... Adelaide"): a paper writing at home.

    >>> from govwatch.pipeline.tag.lexicon import load_lexicon
    >>> _only_country("The Canadian regulator pays $80m to a Quebec government.", load_lexicon())
    'Canada'
    >>> _only_country("The Canadian regulator pays $80m to a US firm in Quebec.", load_lexicon()) is None
    True
    >>> _only_country("Indonesia's fund and the Australian government: $5m for Australia.", load_lexicon()) is None
    True
    """
    named = _count_dollar_countries(text, lexicon)
    if len(named) != 1:
        return None
    ((country, count),) = named.items()
    others = {
        lexicon.country_words[match["word"]]
        for match in _words_then_plural(lexicon.country_word_list).finditer(text)
        if match["word"] not in DOLLAR_REGIONS and lexicon.country_words[match["word"]] not in DOLLAR_REGIONS
    }  # (the lexicon counts "Québec" among its countries: a province of the country named)
    if count < MIN_DOLLAR_COUNTRY_MENTIONS or others - {country}:
        return None  # ("Indonesia's fund ... the Australian government": whose dollar is not said)
    if _NAMED_DOLLAR.search(text):
        return None  # "$286 million ... 280 million Australian dollars": "$" is another dollar
    return country


def _count_dollar_countries(text: str, lexicon: Lexicon) -> Counter[str]:
    """How often the text names each country, or a region of a dollar country ("Ontario": Canada)."""
    words = {**lexicon.country_words, **DOLLAR_REGIONS}
    return Counter(words[match["word"]] for match in _dollar_country_pattern(lexicon).finditer(text))


# Territories that are no country in the lexicon but have a dollar of their own, by their web domain.
_TERRITORY_DOLLARS = {"hk": "HKD"}
_MULTILATERAL = re.compile(
    r"\b(?:Development Bank|World Bank|International Finance Corporation|International Monetary Fund|IMF|"
    r"Asian Infrastructure Investment Bank|United Nations|UNDP|UNICEF|International Telecommunication Union)\b"
)


def local_currency_words(
    text: str, organisations: Sequence[str], lexicon: Lexicon, url: str | None = None
) -> Mapping[str, str]:
    """What currency words several countries share ("pesos", "dirhams") mean in this text: those of the
    publisher's country, or of the one such country the text names most.

    >>> from govwatch.pipeline.tag.lexicon import load_lexicon
    >>> local_currency_words("Colombia's plan: 479,273 million pesos. Colombia will ...", ["DNP"], load_lexicon())
    {'pesos': 'COP'}
    >>> local_currency_words("5 million pesos", ["Acme"], load_lexicon())
    {}
    >>> local_currency_words("Jamaica will spend $80m (US$0.5m) on Jamaica's roads.", ["Acme"], load_lexicon())
    {'$': 'JMD'}
    """
    words: dict[str, str] = {}
    if "(US$" in text:
        # "$280 million (US$41 million)": the bare "$" is the dollar of the dollar country the text names most
        # (not the US's: the text says the bare "$" is some other dollar)
        named = _count_dollar_countries(text, lexicon)
        counts = Counter({c: n for c, n in named.items() if c in COUNTRY_DOLLARS}).most_common(2)
        if counts and (len(counts) == 1 or counts[1][1] < counts[0][1]):
            words["$"] = COUNTRY_DOLLARS[counts[0][0]]
    country = publisher_country(organisations, lexicon) or (url_country(url, lexicon) if url else None)
    if country not in COUNTRY_CURRENCY_WORDS and lexicon.country_words:
        counts = Counter(
            lexicon.country_words[match["word"]]
            for match in _local_currency_country_pattern(lexicon).finditer(text)
        ).most_common(2)
        if counts and (len(counts) == 1 or counts[1][1] < counts[0][1]):
            country = counts[0][0]
    return {**COUNTRY_CURRENCY_WORDS.get(country or "", {}), **words}


def _local_currency_country_pattern(lexicon: Lexicon) -> re.Pattern[str]:
    words = (w for w, country in lexicon.country_words.items() if country in COUNTRY_CURRENCY_WORDS)
    return _words_then_plural(tuple(sorted(words)))


# A country's dollar named as such: a text that writes it so keeps the bare "$" for the US dollar.
_NAMED_DOLLAR = re.compile(
    r"\b(?:Australian|Canadian|New[ ]Zealand|Singapore|Hong[ ]Kong)[ ]dollars?\b|\b(?:A|AU|C|CA|NZ|S|SG|HK)\$"
)


def _countries_named(text: str, lexicon: Lexicon) -> set[str]:
    """Every country the text names by name or adjective, and the countries of the dollar regions it names."""
    countries = {lexicon.country_words[match["word"]] for match in _country_pattern(lexicon).finditer(text)}
    return countries | {DOLLAR_REGIONS[match["word"]] for match in _region_pattern().finditer(text)}


def _country_pattern(lexicon: Lexicon) -> re.Pattern[str]:
    """Any country's name or adjective ("Portugal", "Portuguese")."""
    return _words_then_plural(tuple(sorted(lexicon.country_words)))


def _dollar_country_pattern(lexicon: Lexicon) -> re.Pattern[str]:
    words = [
        w for w, country in lexicon.country_words.items() if country in COUNTRY_DOLLARS or country == "US"
    ]
    return _words_then_plural(tuple(sorted({*words, *DOLLAR_REGIONS})))


@functools.lru_cache(maxsize=1)
def _region_pattern() -> re.Pattern[str]:
    return _words_then_plural(tuple(sorted(DOLLAR_REGIONS)))


@functools.lru_cache(maxsize=8)  # one pattern per word list above, with room to spare
def _words_then_plural(words: tuple[str, ...]) -> re.Pattern[str]:
    # (not a currency mark: "US$397 million" names a currency, not the country)
    return re.compile(rf"(?<![\w-])(?P<word>{trie_regex(words)})s?(?![\w$-])")


_SHARED_CURRENCY = re.compile(
    r"\b(?:pesos|dinars|dirhams|shillings|riyals|crowns|kroner|manats?|rupees|Rs|kwacha|maloti|rials|K\d|M\d|N\d|CFA|Sh[ ]?\d)"
)

PROSE_SAMPLE_CHARS = 2000  # random bytes show themselves in far fewer characters
MIN_PROSE_CHAR_SHARE = 0.85  # letters, digits, spaces and ordinary punctuation
MIN_WORD_SHARE = 0.5  # tokens that are words


def looks_like_prose(text: str) -> bool:
    r"""Tell whether a text reads as written language, so that tagging it means something.

    Random bytes decoded as text are full of control and symbol characters and of tokens that are
    not words; read as prose they would yield places ("US") and organisations ("BT") by chance.

    >>> looks_like_prose("OpenAI and the UK government signed a memorandum of understanding.")
    True
    >>> looks_like_prose("=\x19Yu>\x19pD\x18\x12O\x0f$\x08O\x01<Y(U)\x1axV}#H\rv\x1d\x16I^vy<s")
    False
    """
    sample = text[:PROSE_SAMPLE_CHARS]
    if not sample.strip():
        return False
    unusual = len(_ORDINARY_CHARS.sub("", sample))  # regular expressions: far cheaper than a loop per char
    if (len(sample) - unusual) / len(sample) < MIN_PROSE_CHAR_SHARE:
        return False
    tokens = sample.split()
    words = sum(1 for t in tokens if t.isalpha() or len(_NOT_LETTERS.sub("", t)) >= max(1, len(t) // 2))
    return words / len(tokens) >= MIN_WORD_SHARE


# Letters and digits (not "_"), white space and ordinary punctuation.
_ORDINARY_CHARS = re.compile(r"[^\W_]|\s|[.,;:!?'’‘“”\"()\-–—£$€%/&]")
_NOT_LETTERS = re.compile(r"[\W\d_]")


def restore_evidence(annotations: Annotations, body: str, headline: str, read_headline: str) -> Annotations:
    """Put the evidence sentences back as the text writes them (tagging read them with folded spaces, and
    `read_headline` with a Title Case title's small words lowered).

    Both map one character to one, so each evidence sentence is the original's text at the same place.
    """

    sources = {"headline": (headline, read_headline), "body": (body, fold_spaces(body))}

    def restore(evidence: Evidence | None) -> Evidence | None:
        if evidence is None:
            return None
        source, folded = sources["headline" if evidence.part == "headline" else "body"]
        length = len(evidence.sentence)
        position = folded.find(evidence.sentence, max(0, evidence.end - length))
        if position == -1:
            return evidence
        return replace(evidence, sentence=source[position : position + length])

    return replace(
        annotations,
        partnerships=tuple(
            replace(p, evidence=tuple(e for e in map(restore, p.evidence) if e is not None))
            for p in annotations.partnerships
        ),
        figures=tuple(replace(f, evidence=restore(f.evidence)) for f in annotations.figures),
        entities=tuple(replace(e, evidence=restore(e.evidence)) for e in annotations.entities),
    )


def _short_names(text: str, mentions: Sequence[Mention]) -> dict[str, str]:
    """The body's parties by the initials or short names it introduced for them ("SANSA")."""
    names: dict[str, str] = {}
    for mention in mentions:
        written = text[mention.start : mention.end]
        if mention.party and written != mention.party and " " not in written and written[:1].isupper():
            names.setdefault(written, mention.party)
    return names


def tag_text(
    text: str,
    *,
    title: str = "",
    summary: str = "",
    organisations: Sequence[str] = (),
    lexicon: Lexicon | None = None,
    url: str | None = None,
) -> Annotations:
    """Tag one announcement's repaired body text.

    Args:
        text: repaired body text, paragraphs separated by newlines. Evidence offsets index into it.
        title: the announcement's title; it counts towards topics, and with `summary` it is read for
            agreements the body does not report (or names less precisely: "strategic partnership").
        summary: the announcement's summary (standfirst).
        organisations: publishing organisations; they say who "the government" and "we" are
            (a UK department -> "UK Government").
        lexicon: a lexicon from `load_lexicon(*folders)`; default: the bundled one.
        url: the page's address; with the organisations it says whose government "the government"
            and "the Minister" are (`home_government`).

    Returns:
        `Annotations` with partnerships, figures, entities and topics.

    Raises:
        ConfigError: only when the lexicon files cannot be read.

    >>> a = tag_text("Acme Robotics Ltd has been awarded a £2.5m contract to supply drones.",
    ...              organisations=["Ministry of Defence"])
    >>> [(p.kind, p.parties, p.status) for p in a.partnerships]
    [('contract', ('Acme Robotics Ltd', 'UK Government'), 'signed')]
    >>> [(f.value, f.currency, f.purpose) for f in a.figures]
    [(2500000.0, 'GBP', 'supply drones')]
    """
    if not looks_like_prose(text):
        log.info("not tagged: %d characters that do not read as prose", len(text))
        return Annotations()
    lexicon = lexicon or load_lexicon()
    states_money.cache_clear()  # its answers are kept for one document's readers, not across documents
    # Same length as `text`: offsets still index the stored body, and evidence is put back as written.
    original, original_headline = text, "\n".join(p for p in (title, summary) if p.strip())
    text, title, summary = fold_spaces(text), small_words_lowered(fold_spaces(title)), fold_spaces(summary)
    self_party = resolve_self_party(organisations, lexicon, url, text)
    home = home_government(organisations, lexicon, url, text)
    body = _read_agreements(text, lexicon, self_party, organisations, home=home, for_entities=True)
    partnerships = body.partnerships
    headline = "\n".join(part for part in (title, summary) if part.strip())
    if headline:
        in_headline = _read_agreements(
            headline, lexicon, self_party, organisations, home=home, for_entities=False
        )
        # "Minchev and Dukaj sign memorandum": people the body introduces are named in the headline by surname
        people = names_people_go_by(m.name for m in body.mentions if m.kind == "person")
        marked = tuple(
            replace(
                p,
                parties=tuple(party for party in p.parties if party not in people),
                evidence=tuple(replace(e, part="headline") for e in p.evidence),
            )
            for p in in_headline.partnerships
        )
        partnerships = merge_headline(partnerships, marked, _short_names(text, body.mentions))
        if any(len(set(p.parties)) == 1 for p in partnerships):
            named = find_mentions(headline, lexicon, self_party, None, publishers=organisations, home=home)
            partnerships = with_headline_counterparts(partnerships, named, (self_party, *organisations))
    annotations = Annotations(
        partnerships=partnerships,
        figures=find_figures(
            text,
            body.sentences,
            dollar=publisher_dollar(text, organisations, lexicon, url),
            local=local_currency_words(text, organisations, lexicon, url)
            if _SHARED_CURRENCY.search(text) or "(US$" in text
            else None,
        ),
        entities=mentions_to_entities(text, body.mentions, body.sentences, parties=_parties_of(partnerships)),
        topics=find_topics(text, lexicon, title=title, folded=body.folded),
    )
    if text != original or headline != original_headline:
        annotations = restore_evidence(annotations, original, original_headline, headline)
    log.debug(
        "tagged %d chars: %d partnerships, %d figures, %d entities, topics %s",
        len(text),
        len(annotations.partnerships),
        len(annotations.figures),
        len(annotations.entities),
        annotations.topics,
    )
    return annotations
