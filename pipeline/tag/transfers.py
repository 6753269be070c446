"""Money passed from a named funder to a named recipient, reported without an agreement word.

Announcements of grants and public support often never say "grant": "Highlands and Islands Enterprise
will receive £2.5 million from the UK Space Agency", "METI has approved a subsidy of up to 732 billion
yen for ... Japan Advanced Semiconductor Manufacturing", "the fellowship is funded by $1 million from
Meta", "following confirmation of up to £750 million of investment from the UK Government". Each names
who gives, who gets, and a sum: that is a grant (an investment when the giver is an investor). Each frame
below is read only in a sentence that states money, and only between mentions the entity finder made,
so "£2 billion for AI Growth Zones" (a programme, nobody's name) is still a figure and not a deal.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from govwatch.pipeline.tag.figure_words import ISO_CODES
from govwatch.pipeline.tag.mentions import Mention
from govwatch.pipeline.tag.wordlists import trie_regex

# A lender and a loan, which together let a country receive money in the frames below.
_LENDER = re.compile(
    r"\b(?:Development Bank|Investment Bank|World Bank|Asian Infrastructure Investment Bank|"
    r"International Development Association|International Finance Corporation|IDA|IFC|CAF)\b"
)
_LOAN = re.compile(r"\b(?:loans?|credit|lending|financing)\b")
# Mentions that can give or get money in these frames (people and places cannot).
_PARTY_MENTIONS = frozenset({"organisation", "government", "name", "self"})

# A sum as the frames need it: a currency sign or code and a number, or a number and a currency word.
_MONEY = (
    r"(?:(?:(?:US|A|C|S|NZ|HK|R)?[$£€¥₹]|(?:"
    + trie_regex(ISO_CODES)
    + r")[ ])[ ]?\d[\d,.]*(?:[ ]?(?:[kKmM]|bn|tn|million|billion|trillion|crore|lakh)\b)?"
    r"|\d[\d,.]*(?:[ ](?:million|billion|trillion|crore|lakh))?[ ](?:yen|euros?|pounds|dollars|won|rupees|"
    r"francs|kroner|kronor|krona|zloty|rand|ringgit|dirhams?|riyals?)\b)"
)
_SUPPORT_NOUN = r"(?:investment|funding|grants?|support|backing|subsid(?:y|ies)|finance|financing|money)"
_GAP = r"(?:[^.;:!?]{0,60}?)"  # a few words, never across a clause end

# "X will receive £2.5 million", "X has been awarded £75,000", "X secured £4m"
_RECEIVES = re.compile(
    r"\b(?:receive[sd]?|receiving|get|gets|got|secure[sd]?|securing|won|wins|"
    r"(?:been|be|is|are|was|were)[ ]+(?:awarded|granted|given|allocated|offered))[ ]+"
    rf"(?:a[ ]+|an[ ]+)?{_GAP}{_MONEY}"
)
# "METI will provide support of up to ¥590 billion to Rapidus", "the fund awarded £3m to Acme", "ADB has
# approved a $25 million investment in ATH International Venture"
_GIVES = re.compile(
    r"\b(?:(?P<hands>provide[sd]?|providing|give[sn]?|gave|giving|award(?:s|ed|ing)?|grant(?:s|ed|ing)|"
    r"lend(?:s|ing)?|lent|loan(?:s|ed|ing)?|(?P<extends>extend(?:s|ed|ing)?))|"
    r"allocate[sd]?|allocating|commit(?:s|ted|ting)?|pledge[sd]?|pledging|contribute[sd]?|contributing|"
    r"approve[sd]?|approving|confirm(?:s|ed|ing)?)[ ]+"
    rf"{_GAP}{_MONEY}(?:{_GAP}[ ](?P<to>to|for)|[ ](?:equity[ ])?(?:investment|stake)[ ]in)[ ]"
)
# "funded by $1 million from Meta", "backed by a £225m investment from the UK Government",
# "£750 million of investment from the UK Government", "with £4m of support from Innovate UK"
_FROM = re.compile(rf"{_MONEY}(?:[ ]+(?:of[ ]+)?(?:[\w-]+[ ]+){{0,3}}?{_SUPPORT_NOUN})?[ ]+(?:from|by)[ ]")
_FUNDED_BY = re.compile(r"\b(?:funded|backed|supported|financed|bankrolled)[ ]+by[ ]")
_CLAUSE_END = re.compile(r"[;:]|,[ ](?:while|but|and[ ]the|which)\b|\bwhile\b")


@dataclass(frozen=True, slots=True)
class Transfer:
    """Money one party gives another, as one sentence reports it."""

    funder: str
    recipient: str
    start: int  # the frame's words: the evidence span
    end: int


def find_transfers(
    text: str, start: int, end: int, mentions: Sequence[Mention], publisher: str | None = None
) -> Iterable[Transfer]:
    """Yield the transfers the sentence `text[start:end]` reports between the given mentions.

    >>> from govwatch.pipeline.tag.mentions import Mention
    >>> s = "Highlands and Islands Enterprise will receive £2.5 million from the UK Space Agency."
    >>> def at(name): return Mention(kind="organisation", name=name, start=s.index(name),
    ...                              end=s.index(name) + len(name), party=name)
    >>> ms = [at("Highlands and Islands Enterprise"), at("UK Space Agency")]
    >>> [(t.funder, t.recipient) for t in find_transfers(s, 0, len(s), ms)]
    [('UK Space Agency', 'Highlands and Islands Enterprise')]

    With a `publisher` that funds (a department's page), a recipient named with no funder gets the money
    from it: "Leeds City Council receives £80,000 for a predictive modelling system".
    """
    parties = [m for m in mentions if m.kind in _PARTY_MENTIONS and m.party and start <= m.start < end]
    # A development bank lends to countries: "The IDB has approved an $8 million loan to support Uruguay's
    # efforts" is a loan to Uruguay's government. Only then may a country receive money here.
    lending = _LENDER.search(text, start, end) is not None and _LOAN.search(text, start, end) is not None
    countries = [
        m for m in mentions if m.kind == "place" and m.country and m.party and start <= m.start < end
    ]
    given_to = sorted([*parties, *countries], key=lambda m: m.start) if lending else parties
    awarded = (
        _awarded_by_publisher(text, start, end, parties[0], publisher) if publisher and parties else None
    )
    if awarded is not None:
        yield awarded
        return
    if publisher is not None and len(parties) == 1:
        yield from _received_from_publisher(text, start, end, parties[0], publisher)
        return
    if len(given_to) < 2:
        return
    seen: set[tuple[str, str]] = set()
    for transfer in (
        *_received(text, start, end, parties),
        *_given(text, start, end, given_to),
        *_funded_from(text, start, end, parties),
    ):
        key = (transfer.funder, transfer.recipient)
        if transfer.funder != transfer.recipient and key not in seen:
            seen.add(key)
            yield transfer


def _received(text: str, start: int, end: int, parties: list[Mention]) -> Iterable[Transfer]:
    for match in _RECEIVES.finditer(text, start, end):
        recipient = _subject_before(text, start, match.start(), parties)
        funder = _after(text, match.end(), end, parties, r"[ ]*(?:in[ ][\w ]{0,20})?(?:from|by)[ ]")
        if recipient is not None and funder is not None:
            yield Transfer(
                funder.party or funder.name, recipient.party or recipient.name, match.start(), match.end()
            )


# Where the money comes from when the sentence says: "from investors", "by the fund", "through".
_SOURCE_NAMED = re.compile(r"\b(?:from|by|through|via)\b")


def _received_from_publisher(
    text: str, start: int, end: int, recipient: Mention, publisher: str
) -> Iterable[Transfer]:
    """ "Leeds City Council receives £80,000 for ...", the sentence's one party, on the funder's own page."""
    for match in _RECEIVES.finditer(text, start, end):
        if (
            _subject_before(text, start, match.start(), [recipient]) is recipient
            and recipient.start == _first_party_start(text, start)
            and _SOURCE_NAMED.search(text, match.end(), end) is None
            and (recipient.party or recipient.name) != publisher
        ):
            yield Transfer(publisher, recipient.party or recipient.name, match.start(), match.end())
            return


# A decision that opens with its verb, as a funder's minutes and notices write it: "1. To award £13,454 to
# Astra Security Ltd for its Green Business Grant application".
_TO_AWARD = re.compile(
    r"[\s\d.)•*-]*(?:To[ ]|We[ ]will[ ]|We[ ]have[ ])?(?:award|awarded|grant|granted|allocate|allocated|approve|approved)"
    rf"[ ](?:a[ ]grant[ ]of[ ])?{_MONEY}[ ](?:to|for)[ ](?:the[ ])?"
)


def _awarded_by_publisher(
    text: str, start: int, end: int, recipient: Mention, publisher: str
) -> Transfer | None:
    """ "To award £13,454 to Astra Security Ltd ...": the funder's own decision, naming only who gets it."""
    match = _TO_AWARD.match(text, start, end)
    name = recipient.party or recipient.name
    if match is None or recipient.start != match.end() or name == publisher:
        return None
    return Transfer(publisher, name, match.start(), match.end())


def _first_party_start(text: str, start: int) -> int:
    """Where the sentence's words start (past a list mark or spaces)."""
    while start < len(text) and text[start] in " \t-•*":
        start += 1
    if text.startswith(("The ", "the "), start):
        start += 4
    return start


def _given(text: str, start: int, end: int, parties: list[Mention]) -> Iterable[Transfer]:
    for match in _GIVES.finditer(text, start, end):
        funder = _subject_before(text, start, match.start(), parties)
        recipient = _after(text, match.end(), end, parties, r"") or _later_recipient(
            text, match.end(), end, parties
        )
        if match["extends"] and not _investor(funder):
            # a bank extends credit ("The EBRD is extending up to €2 million to Neotel"); anyone else extends
            # a deadline or a programme
            continue
        if (
            recipient is not None
            and recipient.kind == "name"
            and (match["to"] == "for" or not (match["hands"] or _investor(funder)))
            and not _names_a_body(recipient.party or recipient.name)
        ):
            # "£500 million for Sovereign AI", "committed £600 million to R100": a programme, not someone.
            # A name nothing else knows gets money only when handed it ("awarded £3m to Orbex") or when an
            # investor commits it ("the National Wealth Fund has committed £225 million to Quickline").
            continue
        if funder is not None and recipient is not None:
            yield Transfer(
                funder.party or funder.name, recipient.party or recipient.name, match.start(), match.end()
            )


# "approved financing of $100 million (equivalent to FCFA 62 billion) in a series of projects to support the
# Government of Togo": the first "to" after the sum was not the one that names who gets it.
_LATER_TO = re.compile(r"[ ](?:to|for)[ ]")
_LATER_TO_REACH = 120
_LATER_LEAD = re.compile(r"(?:(?:support|help|assist|fund|finance|back|benefit)[ ])?(?:the[ ])?")
_MONEY_SUM = re.compile(_MONEY)


def _later_recipient(text: str, position: int, end: int, parties: list[Mention]) -> Mention | None:
    stop = min(end, position + _LATER_TO_REACH)
    for match in _LATER_TO.finditer(text, position, stop):
        if _CLAUSE_END.search(text, position, match.start()) or _MONEY_SUM.search(
            text, position, match.start()
        ):
            return None  # another clause or another sum: the money there has its own recipient
        for mention in parties:
            if mention.start >= match.end():
                if _LATER_LEAD.fullmatch(text, match.end(), mention.start):
                    return mention
                break
    return None


def _funded_from(text: str, start: int, end: int, parties: list[Mention]) -> Iterable[Transfer]:
    for pattern in (_FROM, _FUNDED_BY):
        for match in pattern.finditer(text, start, end):
            funder = _after(text, match.end(), end, parties, r"")
            recipient = _subject_before(text, start, match.start(), parties, anywhere=True)
            if funder is not None and recipient is not None:
                yield Transfer(
                    funder.party or funder.name, recipient.party or recipient.name, match.start(), match.end()
                )


# Names that say they are a body or a company, never a programme: "the Kativik Regional Government",
# "Acme Networks Ltd", and one word with a capital inside ("CityWest", "SoftBank").
_BODY_NAME = re.compile(
    r"(?:\b(?:Government|Council|Authority|Agency|Commission|Corporation|Corp|Company|Ltd|Limited|plc|PLC|Inc|"
    r"LLC|Group|University|College|Institute|Trust|Foundation|Association|Society|Board|Hospital|Cooperative)"
    r"\.?|^[A-Z][a-z]+[A-Z][A-Za-z]+)$"
)


def _names_a_body(name: str) -> bool:
    """Tell whether a name nothing else knows says what it is: a body or a company.

    >>> _names_a_body("Kativik Regional Government"), _names_a_body("CityWest"), _names_a_body("R100")
    (True, True, False)
    """
    return _BODY_NAME.search(name) is not None


# Names of those who invest: a fund, a bank, a venture arm.
INVESTOR_NAME = re.compile(r"\b(?:Fund|Bank|Capital|Ventures|Investments?|Partners|Equity)\b")


def _investor(mention: Mention | None) -> bool:
    return mention is not None and INVESTOR_NAME.search(mention.party or mention.name) is not None


_RELATIVE_CLAUSE = re.compile(r",[ ](?:which|who)[ ][^,;:]{1,120},")
# What may stand between a recipient or funder and the frame: words, commas, brackets; not a clause end.
_MAX_SUBJECT_GAP = 160


def _subject_before(
    text: str, start: int, position: int, parties: list[Mention], *, anywhere: bool = False
) -> Mention | None:
    """The party a frame is about: the sentence's first party mention, when it comes before the frame.

    Without `anywhere` the subject must be near the frame with no clause end between them ("X, which
    ..., will receive"): the money verb's own subject.
    """
    before = [m for m in parties if m.end <= position]
    if not before:
        return None
    subject = before[0]
    if anywhere:
        return subject if not _CLAUSE_END.search(text, subject.end, position) else None
    # "M Squared, which designs lasers, will receive £12.5 million": a relative clause closed by its comma
    # stands between the subject and its verb
    between = _RELATIVE_CLAUSE.sub(",", text[subject.end : position])
    if position - subject.end > _MAX_SUBJECT_GAP or _CLAUSE_END.search(between):
        return None
    return subject


def _after(text: str, position: int, end: int, parties: list[Mention], lead: str) -> Mention | None:
    """The first party mention soon after `position`, with only `lead` and a few words before it."""
    for mention in parties:
        if mention.start < position:
            continue
        gap = text[position : mention.start]
        if re.fullmatch(lead + r"(?:the[ ])?(?:[\w’'-]+[ ]){0,6}?(?:the[ ])?", gap) is None and not (
            lead and re.fullmatch(r"[ ]*(?:from|by)[ ](?:the[ ])?", gap)
        ):
            return None
        return mention
    return None
