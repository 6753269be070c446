"""Find the figures an announcement states: money, counts, percentages and durations.

Money is normalised to the currency's base unit and ISO code (`£1.5bn` -> 1500000000.0 GBP) so that
alerts and SQL can compare amounts. Dates, times, phone numbers, years and label numbers ("section 12")
are not figures. Every pattern is linear: numbers are at most 15 digits and start only where no digit
precedes them, so a megabyte of digits or of pound signs costs one pass.
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterable, Iterator, Mapping

from govwatch.pipeline.records import Evidence, Figure
from govwatch.pipeline.tag.figure_words import (
    COUNT_ADJECTIVES,
    COUNT_STOPWORDS,
    CURRENCY_MARKS,
    CURRENCY_WORDS,
    DOLLAR_CODES,
    DURATION_UNITS,
    IRREGULAR_PLURALS,
    ISO_CODES,
    LABEL_WORDS,
    MONTHS,
    MULTIPLIERS,
    NUMBER_WORDS,
    PER_UNIT_WORDS,
    PER_YEAR_WORDS,
    PLURAL_MODIFIERS,
    QUALIFIERS,
)
from govwatch.pipeline.tag.sentences import Sentence
from govwatch.pipeline.tag.wordlists import trie_regex

MAX_EVIDENCE_CHARS = 600  # longer sentences are cut to a window around the match
MAX_PURPOSE_CHARS = 100

# A decimal comma ("R5,4 billion", as South African and European publishers write it) only before a
# scale word, where a thousands separator cannot stand.
_NUMBER = (
    # "R200 000" and "R526 615 392,49", as South Africa writes them
    r"(?<![\d,])(?<!\d\.)(?:(?<=R)\d{1,3}(?:[ \u00a0]\d{3})+(?:,\d{2}(?!\d))?(?![\d,]|\.\d)"
    r"|(?<=[A-Z]{3}[ \u00a0])\d{1,3}(?:[ \u00a0]\d{3})+(?![\d,]|\.\d)"  # "EUR 100 000"
    r"|(?:(?<=€)|(?<=€[ \u00a0]))\d{1,3}(?:[ \u00a0\u202f]\d{3})+(?![\d,]|\.\d)"  # "€2 061 956 000", as the EU writes
    r"|\d{1,3},\d{1,2}(?=[ \u00a0]?(?:trillion|billion|million|bn|mn)\b)"
    r"|(?:\d{1,2}(?:,\d{2})+,\d{3}|\d{1,3}(?:,\d{3})+|\d{1,15})(?:[.·]\d{1,6})?)(?![\d])"  # and "9,04,132"
)
# The same number, written to open with a digit so that the regex engine can skip ahead to digits;
# the look-behind right after the first digit rejects digits inside longer tokens at once.
# "1,250,000"; India's lakh grouping "9,04,132" and "1,20,00,000"
_NUMBER_TAIL = r"(?:\d{0,2}(?:,\d{2})+,\d{3}|\d{0,2}(?:,\d{3})+|\d{0,14})(?:[.·]\d{1,6})?(?!\d)"
_MULT = r"(?:trillion|billion|million|thousand|lakh[ ]crore|crores|crore|lakhs|lakh|Crores|Crore|Lakhs|Lakh|Cr|cr|Trillion|Billion|Million|Thousand|tn|bln|mln|bn|Bn|BN|mn|m|b|k|M|B|K|T)(?![a-zA-Z])"
_MARK = (
    # "RM" and four digits with nothing after ("RM6263") is a Crown Commercial Service agreement number.
    r"(?:US\$ ?|R\$ ?|C\$|CA\$|A\$|AU ?\$ ?|CFA ?(?=\d)|NZ\$|MX\$|NT\$|S\$|SG\$|HK\$|GH[¢₵][ ]?|K[Ss]hs?\.?[ ]?(?=\d)|J\$|TT\$|FJ\$|BZ\$|Bds\$|B\$|EC\$|N\$|NIS[ \u00a0]|\$(?:A|NZ|US)(?=\d)|"
    r"(?:RO|SR) ?(?=\d[\d.,]*\s?(?:billion|million|thousand|bn|m)\b)|(?:Rwf|RWF|FRw|Frw) ?(?=\d)|S/ ?(?=\d)|RM ?(?=\d)(?!\d{4}(?:\.\d{1,2})?(?![\d,]|[ -]?(?:[mbk]|bn|million|billion|thousand)\b))|"
    r"(?:STG|Stg)£ ?|£ ?|€ ?|¥ ?|₩ ?|₹ ?|\$ ?|M(?:EUR|NOK|SEK|DKK|USD|GBP|CHF)[ ]?(?=\d)|M(?=\d{1,3}(?:,\d{3})+(?![\d,]))|COP[ ](?=\d{1,3}[.,]\d{3}|\d[\d.,]*[ ]?(?:billion|million|trillion|bn|m)\b)|Bt ?(?=\d)|"
    rf"(?:{trie_regex(ISO_CODES)})(?:\$|\s)?|Rs\.?\s?|Tk\.?\s?|Sh(?=\s?\d)|(?:BD|KD|JD|QR|Dhs?)[ ]?(?=\d)|[RKN](?=\d[\d.,]*[\s-]?(?:billion|million|trillion|bn|m)\b)|K(?=\d{{1,3}}(?:,\d{{3}})+(?![\d,]))|R(?=\d{{1,3}}(?:[ \u00a0]\d{{3}})+(?:,\d{{2}}(?!\d))?(?![\d,]|\.\d))"
    # the Philippine peso: "₱500 million", and in Manila's press "P2.4-billion" or "P3,500"
    # the naira, lira, hryvnia, shekel, rouble, baht, tenge, colón and taka by their signs
    r"|[₦₺₴₪₽฿₸₡৳] ?"
    r"|₱ ?|P(?=\d[\d.,]*[\s-]?(?:billion|million|trillion)\b|\d{1,3}(?:,\d{3})+(?!\d|,\d))|VNĐ ?(?=\d)"
    # the Indonesian rupiah as Indonesian publishers write it: "Rp792 trillion", "Rp 5 billion"
    r"|Rp\.? ?(?=\d))"
)
# Currency words after a number, longer first ("pounds sterling" before "pounds"), as a trie: a plain
# alternation of the hundred-odd words is tried word by word at every letter. One list for all the
# patterns below, `CURRENCY_WORDS`.
_CURRENCY_WORD_LIST = trie_regex(w for w in CURRENCY_WORDS if w not in ("sterling", "us dollars"))
_WORD_CURRENCY = rf"(?:{_CURRENCY_WORD_LIST})\b"
# The scale may be hyphenated to the number when the sum qualifies a noun ("the $150-million accelerator").
# Malaysia's press shortens the scale right after a sum: "RM500bil", "RM1.2mil".
_SHORT_MULT = r"(?:bil|mil)(?![a-zA-Z])"
# A sum in brackets is a loss, as company accounts write it: "an operating loss of £(9.0)m".
_MONEY = re.compile(
    rf"(?P<mark>{_MARK})(?P<paren>\()?(?P<num>{_NUMBER})(?(paren)\))(?:[\s\u00a0-]?(?P<mult>{_MULT}|{_SHORT_MULT}))?"
)
# Where a number opens (not inside another one): the number of every sum with a mark opens there, so a
# sum is looked for only in the few characters before each such digit, where its mark must stand. The
# marks open with a capital or a currency sign, and none is longer than `_LONGEST_MARK` with its space
# ("Kshs. 1.2 billion"); searching the whole text for the marks' long alternation is several times slower.
_NUMBER_OPENS = re.compile(r"(?<![\d,])(?<!\d\.)\d")
_LONGEST_MARK = 8
_MARK_OPENERS = frozenset(string.ascii_uppercase) | {
    mark[0] for mark in CURRENCY_MARKS if not mark[0].isalpha()
}


def search_marked_sum(text: str, start: int = 0, end: int | None = None) -> re.Match[str] | None:
    """The first sum with a currency mark between `start` and `end`: `_MONEY.search`, only faster.

    >>> search_marked_sum("Kerala earmarked Rs 20 crore in March 2024.").group()
    'Rs 20 crore'
    >>> search_marked_sum("In March 2024, 40 people came.") is None
    True
    """
    end = len(text) if end is None else end
    for opens in _NUMBER_OPENS.finditer(text, start, end):
        digit = opens.start()
        for position in range(max(start, digit - _LONGEST_MARK), digit):
            if text[position] in _MARK_OPENERS:
                match = _MONEY.match(text, position, end)
                if match is not None:
                    return match
    return None


# Hyphens join the words when the sum qualifies a noun: "its 250-million-euro investment programme".
# An ISO code after the number ("3 million EUR", "500 000 EUR", "100m GBP"), where thousands may be grouped
# with spaces as much of Europe writes them.
# "SAR" after a number is more often radar ("12 SAR satellites") than riyals, which precede it.
_ISO_CODE = rf"(?:{trie_regex(c for c in ISO_CODES if c != 'SAR')})(?![\w$])"
# "around 50 MEUR", "MNOK 360": a code with an "M" before it counts millions, as Nordic firms write them
_MILLION_CODE = r"M(?=(?:EUR|NOK|SEK|DKK|USD|GBP|CHF)(?![\w$]))"
# (not a code naming a thing: "a 999 CAD system" is computer-aided dispatch)
_ISO_AFTER = rf"(?P<iso>(?:{_MILLION_CODE})?{_ISO_CODE})(?![ \u00a0](?:system|systems|software|platform|tool|model|data)\b)"
_MONEY_WORDED = re.compile(
    r"(?<![Yy]ear[ ])(?<!FY)(?<!FY[ ])"  # "in Fiscal Year 2025 dollars": a year's prices, not a sum
    rf"(?P<wnum>\d(?<![\w£$€.,]\d)(?:\d{{0,2}}(?:[ \u00a0\u202f]\d{{3}})+(?=[ \u00a0](?:{_ISO_CODE}|€))|{_NUMBER_TAIL}))"
    rf"(?:[\s-]?(?P<wmult>{_MULT}))?[\s-](?P<us>(?:US|U\.S\.)[\s-])?"
    rf"(?:(?P<word>{_WORD_CURRENCY})|{_ISO_AFTER}|(?P<sign>€|£)(?![\w$£€]))"
)
# "two billion pounds", "half a million euros": a number in words, a scale word, a currency word.
_MONEY_SPELLED = re.compile(
    r"\b(?P<snum>"
    + "|".join(
        sorted(
            (re.escape(w).replace("\\ ", "[\\s-]") for w in NUMBER_WORDS if w != "a"), key=len, reverse=True
        )
    )
    + rf"|[Aa])[\s-](?P<smult>trillion|billion|million)\s(?P<sword>{_CURRENCY_WORD_LIST})\b",
    re.IGNORECASE,
)
# Pence, as company results write them: "basic earnings per share of 17.5p", "a loss per share of (10.2)p",
# "a dividend of 2.85 pence", "4p per litre". A whole number with a bare "p" only before "per" or "a": "1080p"
# is a video format.
_PENCE = re.compile(
    r"(?<![\w.,£$€])(?P<popen>\()?(?P<pnum>\d{1,4}(?:\.\d{1,3})?)(?(popen)\))"
    r"(?:(?<=\d\.\d)p|(?<=\d\.\d\d)p|(?<=\d\.\d\d\d)p|(?<=\))p|p(?=[ ](?:per|a)[ ])|[ \u00a0]pence)(?![\w£$€’'-])"
)
_PENCE_HINT = re.compile(r"[\d)]p\b|\bpence\b")
# Says whether `_MONEY_SPELLED` may match in a sentence without digits.
_SPELLED_HINT = re.compile(rf"illion\s(?:{_CURRENCY_WORD_LIST})\b", re.IGNORECASE)
# An exchange-rate note: "($1 = 0.8559 euros)", "(£1 = $1.27)", "$1 = 0.9220 euros" at a story's end.
_RATE_NOTE = re.compile(
    r"\((?:[A-Z]{1,3})?[$£€¥₹]?[ ]?1(?:\.0+)?[ ]?(?:[A-Z]{3}[ ]?)?=[^()]{1,40}\)"
    r"|(?<![\w.,])[$£€¥₹][ ]?1[ ]?=[ ]?[$£€¥₹]?[ ]?\d[\d.,]*(?:[ ][a-z]+)?"  # unbracketed: "$1 = 0.9220 euros"
)


# A conversion in brackets right after an amount ("£4.4m ($7m)") is the same amount, not a second one.
def _marker(amount: str) -> str:
    """The currency sign or code an amount is written with ("A$" of "A$2.8 billion", "" of "5 euros")."""
    return amount[: next((i for i, c in enumerate(amount) if c.isdigit()), len(amount))].strip()


_NEXT_CONVERSION = re.compile(r"\s?[;,/]\s?(?:or\s)?")
# A dollar's code written beside a bare "$": "up to CAD $600,000", "$300,000 CAD", "$17,045,132 USD".
_DOLLAR_CODE_BEFORE = re.compile(rf"\b(?P<code>{DOLLAR_CODES})[ \u00a0]$")
_DOLLAR_CODE_AFTER = re.compile(rf"[ \u00a0](?P<code>{DOLLAR_CODES})\b")
# Signs several countries share: the currency word that says which one the text's country means, and the
# currency when no country says (the shilling is Kenya's, the rupee India's; a "K" is no sum without one).
_COUNTRY_MARKS: dict[str, tuple[str, str | None]] = {
    "Sh": ("shillings", "KES"),
    "Rs": ("rupees", "INR"),
    "K": ("K", None),
    "M": ("M", None),  # "up to M100,000": Lesotho's loti, only in a text about Lesotho
    "N": ("N", None),  # "N15 billion": Nigeria's naira, only in a text about Nigeria
    "CFA": ("CFA", "XOF"),  # "CFA100 billion": West Africa's franc, unless the text is about Central Africa
}
# Verbs of weighing and lifting before "N pounds": the pound is a weight.
_WEIGHT_BEFORE = re.compile(
    r"\b(?:carry|carries|carrying|carried|weigh|weighs|weighing|weighed|lift|lifts|lifting|haul|hauls|"
    r"payload[ ]of|weight[ ]of)[ ](?:(?:up[ ]to|about|around|over|nearly|some|almost)[ ])?$"
)
# Kilograms or tonnes right after "N pounds" give the same weight: "4,310-pound (about 1,957 kg)".
_WEIGHT_AFTER = re.compile(
    r"[ \u00a0]?[(,][ ]?(?:about|around|roughly|some|nearly|approximately)?[ ]?\d[\d.,]*[ \u00a0]?(?:kg|kilograms|kilos|tonnes|t)\b"
)
# The first number of a range before a scale and currency word: "300-400 billion forints".
_RANGE_HEAD = re.compile(
    r"(?<![\d.,])(?P<num>\d[\d.,]*)(?:[ ]?[-–][ ]?|[ ](?P<mult>trillion|billion|million)[ ]to[ ]|[ ]to[ ])$"
)  # "300-400 billion forints", "2 trillion to 2.5 trillion won"
# The same amount in US dollars in brackets: "$280 million (US$41 million)".
_US_DOLLARS_AFTER = re.compile(r"\s?\((?:about|around|approximately|roughly|or)?\s?(?:US\$|USD|U\.S\.\s?\$)")
_CONVERSION_GAP = re.compile(
    r"\s?\((?:about|around|approximately|approx\.|roughly|c\.|circa|or|almost|nearly|some|over|just[ ]over)?\s?"
    r"(?:U\.S\.[ ]|US[ ])?"  # "AU $230 million (U.S. $169 million)"
    r"|,?\s(?:the\s)?equivalent\s(?:of|to)\s(?:about\s|around\s|some\s)?"  # "€3 million, the equivalent of TT$24 million"
)
# A rate: an amount per unit ("£25 per household", "£9.50 an hour"), kept apart from totals.
_PER_UNIT = re.compile(r"[\s-](?:per|a|an|each)[\s-](?P<unit>[a-z]+)\b|/(?P<slash>[a-z]+)\b")
# Only says whether `_MONEY_WORDED` is worth trying, so it may find more than whole words; without a
# leading \b the regex engine skips straight to the letters that can open a currency word.
_CURRENCY_WORD = re.compile(rf"{_WORD_CURRENCY}|{_ISO_CODE}|\d[\s\u00a0]?[€£]")
_RANGE_TAIL = re.compile(
    rf"[\s\u00a0]?(?P<sep>-|–|—|to|and)[\s\u00a0]?(?P<mark>{_MARK})?(?P<num>{_NUMBER})"
    rf"(?:[\s\u00a0]?(?P<mult>{_MULT}))?"
)
_BARE_NUMBER = re.compile(rf"\d(?<![\w£$€+\-–/:.,]\d){_NUMBER_TAIL}(?![:\w])")
_DIGIT = re.compile(r"\d")
_CHANGE_WORD = re.compile(
    r"\b(?:increas\w*|ris\w*|rose|grow\w*|grew|up|down|cut\w*|reduc\w*|fall\w*|fell|boost\w*|rais\w*|doubl\w*|"
    r"tripl\w*|chang\w*|mov\w*|jump\w*|drop\w*|push\w*|driv\w*|drove|lift\w*|climb\w*|soar\w*|balloon\w*|"
    r"swell\w*|swollen|narrow\w*|widen\w*),?\s+(?:[\w,’'-]+\s+){0,14}from\s+(?:(?:an?|the|its|their)\s+)?"
    r"(?:[\w-]+\s+){0,2}?(?:of\s+)?$|\b(?:increase|rise|cut)\s+$"
)
SHARED_SCALE_BELOW = 1000  # "£2-3 million": a first number this small takes the second one's scale
_NAME_BEFORE = re.compile(r"(?<![\w’'-])(?P<word>[A-Z][\w’'-]*[A-Za-z’'])[ -]$")
_PREVIOUS_WORD = re.compile(r"([A-Za-z]+)\.?\s*$")
_DIGIT_SPACE = re.compile(r"\d ")
_SPACE_DIGIT = re.compile(r" \d")
_PERCENT = re.compile(r"\s?(?:%|per cent\b|percent\b)")
_COUNT_SCALE = re.compile(r"\s(trillion|million|billion|thousand)\b")
_DURATION = re.compile(r"[\s-](year|years|month|months|week|weeks|day|days|hour|hours|decade|decades)\b")
_WORD = re.compile(r"\s+([A-Za-z][A-Za-z'’-]*)")
# "at least a further £1bn", "up to a value of $7.5 million", "an estimated additional $100 billion",
# "up to a ceiling of €5 million"
_QUALIFIER = re.compile(
    r"\b(" + "|".join(sorted((re.escape(q) for q in QUALIFIERS), key=len, reverse=True)) + r")\s+"
    r"(?:(?:a[ ]further|an[ ]additional|an[ ]extra|another|a[ ]total[ ]of|a[ ]value[ ]of|a[ ]combined|"
    r"a[ ](?:ceiling|cap|limit)[ ]of|additional|further|extra)\s+)?(?:(?:U\.S\.|US)[ ]?)?$",
    re.IGNORECASE,
)
# After the amount: "£150 million or more", "£100 million-plus", "expected to exceed €10 billion".
_QUALIFIER_AFTER = re.compile(r"(?:[ ]or[ ]more|-plus|\+)(?![\w-])")
_CIRCA_BEFORE = re.compile(r"\b(?:c|ca|circa)\.?[ ]?$")  # "c.£2.4 billion"
_TOP_BEFORE = re.compile(
    r"\b(?:to|will|would|could|may|set[ ]to)[ ]top[ ]$"
)  # "estimated to top A$1.5 billion"
_EXCEED_BEFORE = re.compile(r"\b(?<!not )(?<!not to )exceed(?:s|ed|ing)?\s+$", re.IGNORECASE)
_PER_YEAR = re.compile(r"[\s-]?(?:" + "|".join(re.escape(w) for w in PER_YEAR_WORDS) + r")\b")
_PURPOSE = re.compile(
    r"\s*(?:(?:of|in)\s+(?:new\s+|additional\s+|government\s+|public\s+|private\s+)?"
    r"(?:funding|investment|support|capital)\s+)?(?:(?:contract|grant|deal|fund|investment|package|"
    r"programme|award|boost|funding|a year|per year)\s+)?(?P<prep>for|towards|to|into|in)\s+(?P<what>[a-zA-Z][^,.;:()\n]{2,})"
)
# "AI Growth Zones, first announced in the plan which has since been backed by £2 billion": the named
# thing that "which ... backed by" refers to is what the amount is for (a participle clause after its
# name is skipped). Searched only in a short window before the amount, so its cost stays bounded.
_BACKED_BEFORE = re.compile(
    r"(?P<what>[A-Z][\w’'&-]*(?:[ \u00a0](?:[A-Z][\w’'&-]*|of|for|and|the)){0,6}?)"
    r"(?:,[ \u00a0](?:first[ \u00a0]|originally[ \u00a0])?(?:announced|launched|unveiled|set[ \u00a0]out|introduced)"
    r"[^,;]{0,80}?)?,?[ \u00a0](?:which|that)[ \u00a0](?:(?:has|have|had|is|are|was|were|will)[ \u00a0])?"
    r"(?:(?:since|now|already|also|been|be|being)[ \u00a0]){0,3}"
    r"(?:backed|funded|supported|boosted|underpinned)[ \u00a0](?:by|with)[ \u00a0]"
    r"(?:up[ \u00a0]to[ \u00a0]|over[ \u00a0]|more[ \u00a0]than[ \u00a0]|around[ \u00a0])?$"
)
BACKED_WINDOW_CHARS = 200
# The end `_BACKED_BEFORE` must have, alone: a cheap test in a short window before the costly search.
_BACKED_TAIL = re.compile(
    r"(?:backed|funded|supported|boosted|underpinned)[ \u00a0](?:by|with)[ \u00a0]"
    r"(?:up[ \u00a0]to[ \u00a0]|over[ \u00a0]|more[ \u00a0]than[ \u00a0]|around[ \u00a0])?$"
)
BACKED_TAIL_CHARS = 40  # longer than any text `_BACKED_TAIL` can match
_INVEST_BEFORE = re.compile(r"\b(?:invest|invests|investing|invested|investment of)\s+(?:\w+\s+){0,2}$", re.I)


def normalise_money(text: str) -> tuple[float, str] | None:
    """Return the first amount of money in `text` as (value in base units, ISO currency), or None.

    Alert filters (`--min-amount "£100m"`) call this, so it accepts the forms a user types as well as
    those in announcements. A number without a currency is not money.

    >>> normalise_money("£100m")
    (100000000.0, 'GBP')
    >>> normalise_money("up to $2.5 billion")
    (2500000000.0, 'USD')
    >>> normalise_money("2 billion pounds")
    (2000000000.0, 'GBP')
    >>> normalise_money("EUR 300 million")
    (300000000.0, 'EUR')
    >>> normalise_money("100 million") is None
    True
    """
    for match in _money_matches(text, 0, len(text)):
        value, currency = _money_value(match)
        if value is not None:
            return value, currency
    return None


def find_figures(
    text: str,
    sentences: Iterable[Sentence],
    dollar: str = "USD",
    local: Mapping[str, str] | None = None,
) -> tuple[Figure, ...]:
    """Return the figures of `text`, one per distinct amount and meaning, in order of first mention.

    >>> from govwatch.pipeline.tag.sentences import split_sentences
    >>> text = "With over 200 bids, the £2 billion fund opened 2 years ago. Call 020 7215 3000 at 8:30am."
    >>> [(f.kind, f.value, f.unit or f.currency, f.qualifier) for f in find_figures(text, split_sentences(text))]
    [('count', 200.0, 'bids', 'over'), ('money', 2000000000.0, 'GBP', None), ('duration', 2.0, 'years', None)]
    """
    figures: list[Figure] = []
    seen: set[tuple[object, ...]] = set()
    # One search finds the next digit for all the sentences before it (sentences come in text order).
    searched_from, digit = len(text) + 1, 0
    for sentence in sentences:
        if digit < sentence.start or sentence.start < searched_from:
            found = _DIGIT.search(text, sentence.start)
            searched_from, digit = sentence.start, found.start() if found is not None else len(text)
        if digit >= sentence.end and not _SPELLED_HINT.search(text, sentence.start, sentence.end):
            continue  # no digit and no "two billion pounds", so no figure
        for figure in _sentence_figures(text, sentence, dollar, local):
            key = (
                figure.kind,
                figure.value,
                figure.value_max,
                figure.currency,
                figure.unit,
                figure.qualifier,
                figure.purpose,
            )
            if key not in seen:
                seen.add(key)
                figures.append(figure)
    return tuple(figures)


def _sentence_figures(
    text: str, sentence: Sentence, dollar: str = "USD", local: Mapping[str, str] | None = None
) -> Iterator[Figure]:
    """Yield money first (remembering its spans), then the other figures outside those spans."""
    found: list[tuple[int, Figure]] = []
    taken = [m.span() for m in _RATE_NOTE.finditer(text, sentence.start, sentence.end)]
    for figure, start, end in _money_in(text, sentence, dollar, local):
        found.append((start, figure))
        taken.append((start, end))
    for match in _BARE_NUMBER.finditer(text, sentence.start, sentence.end):
        if any(s <= match.start() < e for s, e in taken):
            continue
        number = _number_figure(text, sentence, match)
        if number is not None:
            found.append((match.start(), number))
    found.sort(key=lambda pair: pair[0])
    for _, figure in found:
        yield figure


def _money_matches(text: str, start: int, end: int) -> list[re.Match[str]]:
    """Return the money expressions between `start` and `end`, in order and without overlaps.

    Amounts with a mark ("£2bn", "US$5m") are searched by their mark; amounts with a currency word
    ("2 billion pounds") only where such a word occurs.
    """
    matches = []
    position = start
    while position < end:
        match = search_marked_sum(text, position, end)
        if match is None:
            break
        before = text[match.start() - 1] if match.start() > 0 else " "
        if not (before.isalnum() or before in "_£$€"):
            matches.append(match)
        position = max(match.end(), match.start() + 1)
    patterns = (_MONEY_WORDED, _MONEY_SPELLED) if _CURRENCY_WORD.search(text, start, end) else ()
    if _PENCE_HINT.search(text, start, end):
        patterns = (*patterns, _PENCE)
    if patterns:
        taken = [(m.start(), m.end()) for m in matches]
        for pattern in patterns:
            for match in pattern.finditer(text, start, end):
                if not any(s < match.end() and match.start() < e for s, e in taken):
                    matches.append(match)
                    taken.append((match.start(), match.end()))
        matches.sort(key=lambda m: m.start())
    return matches


def _money_in(
    text: str, sentence: Sentence, dollar: str = "USD", local: Mapping[str, str] | None = None
) -> Iterator[tuple[Figure, int, int]]:
    """Yield money figures of one sentence with the span each covers."""
    position = sentence.start
    previous: tuple[int, str, str] | None = None  # where the last amount ended, its currency and its sign
    converted: int | None = None  # where a conversion in brackets just read ended
    rates = [m.span() for m in _RATE_NOTE.finditer(text, sentence.start, sentence.end)]
    for match in _money_matches(text, sentence.start, sentence.end):
        if match.start() < position:
            continue  # inside the range just read
        if any(start <= match.start() < end for start, end in rates):
            continue  # "($1 = 0.8559 euros)": the exchange rate a wire story used, not a sum
        value, currency = _money_value(match, dollar, local)
        opening, closing = match.start(), match.end()
        if _marker(match.group()) == "$":
            code = _DOLLAR_CODE_BEFORE.search(
                text, max(sentence.start, match.start() - 4), match.start()
            ) or _DOLLAR_CODE_AFTER.match(text, match.end(), sentence.end)
            if code is not None:
                currency = code["code"]
                opening, closing = min(opening, code.start()), max(closing, code.end())
        if _group(match, "word") in ("pounds", "pound") and (
            _WEIGHT_BEFORE.search(text, max(sentence.start, match.start() - 30), match.start()) is not None
            or _WEIGHT_AFTER.match(text, match.end()) is not None
        ):
            continue  # "rockets that can carry 132 pounds", "the 4,310-pound (about 1,957 kg) satellite": weights
        if (
            previous is not None
            and (previous[1] != currency or previous[2] != _marker(match.group()))  # "A$2.8bn ($2.1bn)"
            and _CONVERSION_GAP.fullmatch(text, previous[0], match.start()) is not None
        ):
            position = max(match.end(), match.start() + 1)
            converted = match.end()
            continue  # "£4.4m ($7m)": the same amount in another currency
        if converted is not None and _NEXT_CONVERSION.fullmatch(text, converted, match.start()) is not None:
            position = converted = max(match.end(), match.start() + 1)
            continue  # "A$2.8 billion ($2.1 billion; €1.8 billion)": a second conversion in the brackets
        converted = None

        end = closing  # ("$1.2 billion AUD (£670 million)": the conversion follows the code)
        value_max: float | None = None
        tail = _RANGE_TAIL.match(text, end, sentence.end)
        if value is not None and tail is not None and _is_range(text, sentence.start, match.start(), tail):
            high = _number(tail["num"]) * MULTIPLIERS.get(tail["mult"] or "", 1.0)
            bare = not _group(match, "mult") and not _group(match, "wmult")
            if bare and tail["mult"] and value < SHARED_SCALE_BELOW:
                value *= MULTIPLIERS[tail["mult"]]  # "£2-3 million"; never "£250,000 and £2 million"
            if high > value:
                value_max, end = high, tail.end()
        position = max(end, match.start() + 1)
        if value is None:
            continue
        begin = opening
        head = (
            _RANGE_HEAD.search(text, max(sentence.start, begin - 24), begin)
            if _group(match, "wnum")
            else None
        )
        if head is not None and value_max is None:
            # "300-400 billion forints": the first number shares the scale and currency written after both
            low = _number(head["num"]) * MULTIPLIERS.get(head["mult"] or match["wmult"] or "", 1.0)
            if low < value:
                value_max, value, begin = value, low, head.start("num")
        unit = None
        per_year = _PER_YEAR.match(text, end, sentence.end)
        per_unit = _PER_UNIT.match(text, end, sentence.end)
        if per_year is not None:
            unit, end = "per year", per_year.end()
        elif per_unit is not None and (per_unit["unit"] or per_unit["slash"]) in PER_UNIT_WORDS:
            unit, end = "per " + (per_unit["unit"] or per_unit["slash"]), per_unit.end()
        if (
            currency == "USD"
            and local
            and "$" in local
            and _marker(match.group()) == "$"
            and _US_DOLLARS_AFTER.match(text, end, sentence.end)
        ):
            currency = local["$"]  # "$280 million (US$41 million)": the bare "$" is another dollar
        previous = (end, currency, _marker(match.group()))
        yield (
            Figure(
                kind="money",
                value=value,
                text=text[begin:end],
                currency=currency,
                unit=unit,
                qualifier=_qualifier(text, sentence.start, begin, match.end()),
                value_max=value_max,
                purpose=_purpose(text, sentence, begin, end),
                evidence=_evidence(text, sentence, begin, end),
            ),
            begin,
            end,
        )


def _money_value(
    match: re.Match[str], dollar: str = "USD", local: Mapping[str, str] | None = None
) -> tuple[float | None, str]:
    """Turn a money match into (value, ISO code); value None when the number is not usable.

    A bare "$" is `dollar`: the publisher's own dollar (a Canadian newsroom's "$2.4 billion" is CAD).
    `local` maps currency words several countries share to the publisher's own ("pesos" in Colombia).
    """
    # a bare "dollars" is the publisher's dollar, as "$" is ("more than 500 million dollars" from Queensland)
    words = {**CURRENCY_WORDS, "dollars": dollar, "dollar": dollar, **(local or {})}
    if _group(match, "pnum") is not None:
        return round(_number(match["pnum"]) / 100, 6), "GBP"
    if _group(match, "snum") is not None:
        number_word = match["snum"].lower().replace("-", " ")  # "half-a-billion dollars"
        return NUMBER_WORDS[number_word] * MULTIPLIERS[match["smult"].lower()], words[match["sword"].lower()]
    if _group(match, "mark") is not None:
        mark = match["mark"].strip().rstrip(".")
        if mark.endswith("$") and mark[:-1] in ISO_CODES:
            mark = mark[:-1]  # "AUD$2.3 million": the code says which dollar
        if mark in _COUNTRY_MARKS:  # "Sh67 billion", "Rs 3.98 billion", "K283 million"
            word, default = _COUNTRY_MARKS[mark]
            local_currency = words.get(word, default)
            if local_currency is None:
                return None, ""  # a "K" in a text of no kina or kwacha country is no sum
            currency = local_currency
        elif mark.startswith("M") and mark[1:] in ISO_CODES:
            return _number(match["num"]) * 1e6, mark[1:]  # "MNOK 360"
        else:
            currency = dollar if mark == "$" else CURRENCY_MARKS[mark]
        number, mult = match["num"], match["mult"]
    else:
        number, mult = match["wnum"], match["wmult"]
        if match["iso"] is not None:  # ("600 million RMB": the renminbi is counted in yuan)
            iso, scale = match["iso"], MULTIPLIERS.get(mult or "", 1.0)
            if len(iso) == 4:  # "50 MEUR"
                iso, scale = iso[1:], 1e6
            return _number(number) * scale, CURRENCY_MARKS.get(iso, iso)
        if match["sign"] is not None:  # "8,375,000 €": the sign after the number, as much of Europe writes it
            return _number(number) * MULTIPLIERS.get(mult or "", 1.0), CURRENCY_MARKS[match["sign"]]
        currency = words[match["word"].lower()]
        if match["us"] is not None:
            currency = "USD"  # "1.2 billion US dollars", whoever publishes it
        if mult in ("m", "b", "k"):
            return None, currency
    return _number(number) * MULTIPLIERS.get(mult or "", 1.0), currency


def _group(match: re.Match[str], name: str) -> str | None:
    """Return a named group, or None when the pattern that matched has no such group."""
    return match[name] if name in match.re.groupindex else None


def _is_range(text: str, sentence_start: int, money_start: int, tail: re.Match[str]) -> bool:
    """Tell whether the amount after a dash, "to" or "and" is the top of a range, not a second amount."""
    before = text[max(sentence_start, money_start - 140) : money_start].lower()
    if tail["sep"] == "and":
        return before.rstrip().endswith("between")
    if tail["sep"] == "to":
        # "ranging from £1m to £30m" is a range; "increased from £1m to £3m" two amounts, before and after.
        return _CHANGE_WORD.search(before) is None
    return True


def _number_figure(text: str, sentence: Sentence, match: re.Match[str]) -> Figure | None:
    """Classify one bare number as a percentage, duration or count, or None when it is not a figure."""
    raw = match.group()
    value = _number(raw)
    end = match.end()
    before_word = _previous_word(text, sentence.start, match.start())
    if before_word in LABEL_WORDS or before_word in MONTHS or _is_phone_part(text, sentence, match):
        return None
    percent = _PERCENT.match(text, end, sentence.end)
    if percent is not None:
        return _figure(text, sentence, match.start(), percent.end(), "percentage", value, "%")
    duration = _DURATION.match(text, end, sentence.end)
    if duration is not None:
        unit = DURATION_UNITS[duration[1]]
        return _figure(text, sentence, match.start(), duration.end(), "duration", value, unit)
    if "," not in raw and "." not in raw and (1800 <= value <= 2100 or raw.startswith("0")):
        return None
    if _follows_name(text, sentence.start, match.start()):
        return None  # "the G-Cloud 14 framework", "Horizon Europe 2": part of a name
    scale = _COUNT_SCALE.match(text, end, sentence.end)
    if scale is not None:
        value, end = value * MULTIPLIERS[scale[1]], scale.end()
    noun, noun_end = _count_unit(text, end, sentence.end)
    if noun is None:
        return None
    return _figure(text, sentence, match.start(), noun_end, "count", value, noun)


def _follows_name(text: str, sentence_start: int, position: int) -> bool:
    """Tell whether a number is the end of a name: right after a capitalised word inside the sentence.

    A capitalised word that opens the sentence ("Over 200 bids", "Currently 40 firms") or a possessive
    ("Scotland’s 32 councils") leaves the number a count.
    """
    match = _NAME_BEFORE.search(text, max(sentence_start, position - 40), position)
    if match is None or match.start() <= sentence_start:
        return False
    word = match["word"]
    if word.endswith(("’s", "'s", "s’", "s'")):
        return False
    before = text[max(sentence_start, match.start() - 2) : match.start()].strip()
    return not (before == "" or before[-1] in ".!?:;“\"‘'(—–")


def _figure(
    text: str, sentence: Sentence, start: int, end: int, kind: str, value: float, unit: str
) -> Figure:
    return Figure(
        kind=kind,
        value=value,
        text=text[start:end],
        unit=unit,
        qualifier=_qualifier(text, sentence.start, start),
        evidence=_evidence(text, sentence, start, end),
    )


def _count_unit(text: str, position: int, limit: int) -> tuple[str | None, int]:
    """Read the noun a count is of: skip adjectives, then take words up to the first plural noun.

    "2,000 new jobs" -> "jobs"; "3 hospital trusts" -> "hospital trusts"; "5 AI skills centres" ->
    "skills centres". Without a plural within three words only the first word is taken.
    """
    words: list[tuple[str, int]] = []
    while len(words) < 6 and position < limit:
        match = _WORD.match(text, position, limit)
        if match is None:
            break
        words.append((match[1], match.end()))
        position = match.end()
    index = 0
    while index < len(words) and words[index][0].lower() in COUNT_ADJECTIVES:
        index += 1
    tokens: list[tuple[str, int]] = []
    for word, end in words[index : index + 3]:
        lowered = word.lower()
        proper = word[:1].isupper() and word[1:].islower()  # "5 Nvidia chips": a name, not a unit
        if proper or lowered in COUNT_STOPWORDS or lowered in MONTHS:
            break
        if lowered in DURATION_UNITS:
            break
        tokens.append((word, end))
    if not tokens:
        return None, position
    plural = next((i for i, (word, _) in enumerate(tokens) if _is_plural(word)), None)
    if plural is None:
        word, end = tokens[0]
        return (None, position) if not word.islower() else (word, end)
    if plural + 1 < len(tokens) and tokens[plural][0].lower() in PLURAL_MODIFIERS:
        plural += 1
    return " ".join(word for word, _ in tokens[: plural + 1]), tokens[plural][1]


def _is_plural(word: str) -> bool:
    lowered = word.lower()
    if word.isupper():  # "NHS", "GPS": acronyms are not plurals
        return False
    return lowered in IRREGULAR_PLURALS or (
        lowered.endswith("s") and not lowered.endswith("ss") and len(word) > 2
    )


def _is_phone_part(text: str, sentence: Sentence, match: re.Match[str]) -> bool:
    """Tell whether a number is one group of a phone number such as "020 7215 3000"."""
    before = text[max(sentence.start, match.start() - 2) : match.start()]
    after = text[match.end() : min(sentence.end, match.end() + 2)]
    return bool(_DIGIT_SPACE.fullmatch(before) or _SPACE_DIGIT.fullmatch(after))


def _previous_word(text: str, sentence_start: int, position: int) -> str:
    window = text[max(sentence_start, position - 20) : position]
    match = _PREVIOUS_WORD.search(window)
    return match[1].lower() if match else ""


def _qualifier(text: str, sentence_start: int, position: int, end: int | None = None) -> str | None:
    window = text[max(sentence_start, position - 40) : position]
    match = _QUALIFIER.search(window)
    if match:
        return QUALIFIERS[match[1].lower()]
    if end is not None and _QUALIFIER_AFTER.match(text, end):
        return "at least" if text.startswith(" or more", end) else "more than"
    if _CIRCA_BEFORE.search(window):
        return "around"
    return "more than" if _EXCEED_BEFORE.search(window) or _TOP_BEFORE.search(window) else None


def _purpose(text: str, sentence: Sentence, start: int, end: int) -> str | None:
    """Say what an amount is for when the sentence does.

    Either the words after it ("£10m to train teachers" -> "train teachers") or a named thing that it
    backs ("AI Growth Zones, first announced in the plan which has been backed by £2 billion").
    """
    backed = None
    if _BACKED_TAIL.search(text, max(sentence.start, start - BACKED_TAIL_CHARS), start) is not None:
        backed = _BACKED_BEFORE.search(text, max(sentence.start, start - BACKED_WINDOW_CHARS), start)
    if backed is not None:
        what = backed["what"]
        return what[4:] if what.startswith("The ") and " " in what[4:] else what
    match = _PURPOSE.match(text, end, sentence.end)
    if match is None:
        return None
    if (
        match["prep"] in ("in", "into")
        and _INVEST_BEFORE.search(text, max(sentence.start, start - 30), start) is None
    ):
        return None
    what = match["what"].strip()
    if len(what) > MAX_PURPOSE_CHARS:
        what = what[:MAX_PURPOSE_CHARS].rsplit(" ", 1)[0]
    for cut in (" which ", " that ", " as part of ", " over the ", " over ", " by "):
        head = what.split(cut, 1)[0]
        if len(head) >= 3:
            what = head
    return what.strip() or None


def _evidence(text: str, sentence: Sentence, start: int, end: int) -> Evidence:
    """Evidence with the sentence, or a window around the match when the sentence is very long."""
    if sentence.end - sentence.start <= MAX_EVIDENCE_CHARS:
        return Evidence(sentence=sentence.text, start=start, end=end)
    low = max(sentence.start, start - MAX_EVIDENCE_CHARS // 2)
    return Evidence(sentence=text[low : min(sentence.end, low + MAX_EVIDENCE_CHARS)], start=start, end=end)


def _number(raw: str) -> float:
    """Read a number as written: "1,250,000", "2.5", with a decimal comma, "5,4", or with the middle dot
    some British publishers still print as a decimal point, "2·75".

    >>> _number("1,250,000"), _number("5,4"), _number("20,45"), _number("9,04,132"), _number("2·75")
    (1250000.0, 5.4, 20.45, 904132.0, 2.75)
    >>> _number("526 615 392,49")
    526615392.49
    """
    if _DECIMAL_COMMA.fullmatch(raw):
        return float(raw.replace(",", "."))
    if _SPACED_DECIMAL_COMMA.fullmatch(raw):
        return float(re.sub(r"\s", "", raw).replace(",", "."))  # "526 615 392,49"
    return float(re.sub(r"[,\s]", "", raw).replace("·", "."))  # "1,250,000", "500 000"


_DECIMAL_COMMA = re.compile(r"\d{1,3},\d{1,2}")
_SPACED_DECIMAL_COMMA = re.compile(r"\d{1,3}(?:[ \u00a0]\d{3})+,\d{2}")
