"""Find people introduced by a role: "Technology Secretary Peter Kyle", "Sam Altman, CEO of OpenAI".

A name alone is not enough (too many capitalised phrases look like names); a role from the lexicon must
stand right before it, or follow it after a comma. An organisation mention right before the role
("OpenAI CEO") or after "of"/"at" ("CEO of OpenAI") becomes the person's party; government roles
(Secretary, Minister, Chancellor) sign for the publishing government.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Sequence

from govwatch.pipeline.tag.figure_words import word_set
from govwatch.pipeline.tag.lexicon import WORD_JOINERS, Lexicon, find_words, trie_regex, words_in
from govwatch.pipeline.tag.mentions import CAPWORD, LATIN_LOWER, LATIN_UPPER, Mention
from govwatch.pipeline.tag.offices import government_before

NAME_STOPWORDS = word_set(
    "Agency And April August British Centre Chair Chief Council December Department Deputy Digital "
    "Director Editors Email Enquiries Executive February For Friday Fund Government Group In "
    "Innovation Institute January July June March May Media Minister Monday National Notes November "
    "October Of Office Officer Plan President Prime Programme Royal Said Saturday Science Secretary "
    "September State Strategy Sunday Technology The This Thursday Today Trust Tuesday Under "
    "University Wednesday With"
)

# Every character a name (below) may hold: a name never crosses a comma, digit or line break.
_NAME_CHARS = frozenset(
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz’'.- \t\u00a0"
    + "".join(c for c in map(chr, range(0xC0, 0x180)) if c.isalpha())
)
# A name is two to four capitalised words; titles ("Dr", "Professor", "Lord") are words of the name.
_UP, _LOW = f"[{LATIN_UPPER}]", f"[{LATIN_LOWER}]"
# "Jong-ho", "Young-min": a hyphenated given name may go on in lower case
_NAME_TOKEN = rf"(?:Mc|Mac|O’|O')?{_UP}{_LOW}+(?:-{_UP}?{_LOW}+)?"
# The first word opens with its capital so the regex engine can skip ahead; "Dr." keeps its stop, and so
# do degrees after it ("Dr. Phys. Marius-Ioan Piso").
_FIRST_NAME_TOKEN = rf"{_UP}(?<![\w-].)(?:{_LOW}+(?:-{_UP}?{_LOW}+)?|c[A-Z]{_LOW}+|ac[A-Z]{_LOW}+|[’'][A-Z]{_LOW}+|(?:r|rof|rs|s)\.(?:[ ][A-Z][a-z]{{1,5}}\.)*)"


# The rest of a role before its body: "... for Research at Coventry University", "... of the University of X".
_ROLE_TAIL = re.compile(
    r"(?:[ ](?:for|of)[ ][A-Z][\w&-]*(?:[ ](?:and[ ])?[A-Z][\w&-]*){0,4})?[ ](?:at|of)[ ](?:the[ ])?"
)
# Offices that hold a government word but are no minister's: "Vice-Chancellor", "Secretary-General".
_NOT_GOVERNMENT_ROLE = re.compile(r"\bVice[- ]Chancellor|\bSecretary[- ]General")


def _holds_government_role(role: str, government_roles: Sequence[str]) -> bool:
    """Tell whether a role is a minister's or secretary's ("Technology Secretary"), not a university's
    "Vice-Chancellor" or a body's "Secretary-General"."""
    return not _NOT_GOVERNMENT_ROLE.search(role) and any(word in role for word in government_roles)


def find_people(
    text: str, lexicon: Lexicon, known: Sequence[Mention], self_party: str | None
) -> Iterable[Mention]:
    """Yield people introduced by a role, before ("Technology Secretary Peter Kyle") or after the name.

    A government role that names no country signs for `self_party`, the page's government; with None
    (a newspaper's page that states no country) for no one."""
    ends = {m.end: m for m in known if m.kind in ("organisation", "government")}
    starts = {m.start: m for m in known if m.kind in ("organisation", "government")}
    role_first, name_first, role_after_comma = _person_patterns(
        words_in(lexicon.roles, text), lexicon.name_titles
    )
    named_first = _names_before_roles(text, name_first, role_after_comma)
    for match in (*find_words(role_first, text), *named_first):
        name_group = "name" if "name" in match.re.groupindex else "name2"
        role_group = "role" if "role" in match.re.groupindex else "role2"
        name = _clean_name(match[name_group], lexicon.name_titles)
        if name is None:
            continue
        role = match[role_group]
        title = role.split(" of ")[0].split(" at ")[0].strip(" ,") if role_group == "role2" else role
        organisation: Mention | None = None
        if role_group == "role":
            for gap in (1, 3, 4):  # "OpenAI CEO", "OpenAI’s CEO"
                organisation = organisation or ends.get(match.start("role") - gap)
        else:
            organisation = starts.get(match.end("role2"))
            where = _ROLE_TAIL.match(text, match.end("role2")) if organisation is None else None
            if where is not None:  # "Deputy Vice-Chancellor for Research at Coventry University"
                organisation = starts.get(where.end())
            role = text[match.start("role2") : organisation.end] if organisation is not None else title
            for gap in (
                1,
                3,
                4,
            ):  # "Alain Ratier, EUMETSAT's Director-General", "..., acting NOAA Administrator"
                organisation = organisation or ends.get(match.start("role2") - gap)
        party = organisation.party if organisation is not None else None
        if party is None and _holds_government_role(role, lexicon.government_roles):
            start = match.start(role_group)
            party = government_before(text, start, lexicon) or self_party  # "Japan’s Minister of ..."
        if role_group == "role" and organisation is not None:
            role = text[organisation.start : match.end("role")]
        yield Mention(
            kind="person",
            name=name,
            start=match.start(name_group),
            end=match.end(name_group),
            role=role,
            title=title,
            organisation=party,
            party=party,
        )
        second = _AND_NAME.match(text, match.end(name_group)) if title in PLURAL_ROLES else None
        if second is not None:  # "Ministers Shin Won-sik and Richard Marles": both hold the office
            yield Mention(
                kind="person",
                name=second["name"],
                start=second.start("name"),
                end=second.end("name"),
                role=role,
                title=title,
                organisation=None,
                party=None,
            )
    yield from _named_after_office(text, lexicon, starts)
    for match in _COUNTERPART_NAMED.finditer(text):
        # "and his Montenegrin counterpart, Marash Dukaj, signed": the other side's office holder
        name = _clean_name(match["name"], lexicon.name_titles)
        if name is None:
            continue
        party = government_before(text, match.start(), lexicon)
        yield Mention(
            kind="person",
            name=name,
            start=match.start("name"),
            end=match.end("name"),
            role=match["role"],
            title="counterpart",
            organisation=party,
            party=party,
        )


# Roles in the plural introduce two people: "Ministers Shin Won-sik and Richard Marles".
PLURAL_ROLES = frozenset(
    {"Ministers", "Mayors", "Presidents", "Prime Ministers", "Governors", "Premiers", "Secretaries"}
)
_AND_NAME = re.compile(
    rf"[ \t\u00a0]+and[ \t\u00a0]+(?P<name>{_FIRST_NAME_TOKEN}(?:[ \t\u00a0]+{_NAME_TOKEN}){{1,3}})"
)


# "The President of the Romanian Space Agency (ROSA), Marius-Ioan Piso, and ...": a role of a body, then
# the person's name between commas.
_NAME_AFTER_BODY = re.compile(
    rf"(?:[ \t\u00a0]\([A-Z][A-Za-z&.-]{{1,9}}\))?,[ \t\u00a0]+(?P<name>(?:(?:Dr|Prof|Professor|Phys|Ing|Eng|Mag)\.?[ \t\u00a0]+)*"
    rf"{_FIRST_NAME_TOKEN}(?:[ \t\u00a0]+{_NAME_TOKEN}){{1,3}})(?=,|[ \t\u00a0]+(?:and|said|signed)\b)"
)


_COUNTERPART_NAMED = re.compile(
    rf"(?P<role>counterparts?),?[ \t\u00a0]+(?P<name>{_FIRST_NAME_TOKEN}(?:[ \t\u00a0]+{_NAME_TOKEN}){{1,3}})"
    rf"(?=,|[ \t\u00a0]+(?:and|said|signed|agreed)\b)"
)


def _named_after_office(text: str, lexicon: Lexicon, starts: dict[int, Mention]) -> Iterable[Mention]:
    """Yield people named after "<role> of <body>," with the body as their party."""
    roles = words_in(lexicon.roles, text)
    if not roles:
        return
    for match in _office_of_pattern(roles).finditer(text):
        body = starts.get(match.end())
        if body is None:
            continue
        after = _NAME_AFTER_BODY.match(text, body.end)
        name = _clean_name(after["name"], lexicon.name_titles) if after is not None else None
        if after is None or name is None:
            continue
        yield Mention(
            kind="person",
            name=name,
            start=after.start("name"),
            end=after.end("name"),
            role=text[match.start() : body.end],
            title=match["role"],
            organisation=body.party,
            party=body.party,
        )


@functools.lru_cache(maxsize=32)
def _office_of_pattern(roles: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile(
        rf"(?<![\w-])(?P<role>{trie_regex(roles)})[ \t\u00a0]+of[ \t\u00a0]+(?:the[ \t\u00a0]+)?"
    )


def _names_before_roles(
    text: str, name_first: re.Pattern[str], role_after_comma: re.Pattern[str]
) -> list[re.Match[str]]:
    """Return what `find_words(name_first, text)` yields, reading only the text before a comma and role.

    A name-first person ("Sam Altman, CEO of OpenAI") is a name right before a comma and a role. A
    name holds no comma, so it lies in the run of name characters just before one of the commas that a
    role follows; a search for those commas opens with a literal comma, far cheaper than trying every
    capital letter in the text as a name. Each run is searched in text order, after the last match, so
    the matches are the same.
    """
    found: list[re.Match[str]] = []
    last_end = 0
    comma = role_after_comma.search(text)
    while comma is not None:
        position = comma.start()
        if position >= last_end:
            begin = position
            while begin > last_end and text[begin - 1] in _NAME_CHARS:
                begin -= 1
            match = _word_search(name_first, text, begin, comma.end())
            if match is not None:
                full = name_first.match(text, match.start())
                if full is not None:  # always: the comma and role after the name are the same
                    found.append(full)
                    last_end = full.end()
        comma = role_after_comma.search(text, position + 1)
    return found


def _word_search(pattern: re.Pattern[str], text: str, start: int, end: int) -> re.Match[str] | None:
    """Return the first match between `start` and `end` that `find_words` would accept (it starts a word)."""
    while start < end:
        match = pattern.search(text, start, end)
        if match is None:
            return None
        first = match.start()
        if first == 0 or not (text[first - 1].isalnum() or text[first - 1] in WORD_JOINERS):
            return match
        start = first + 1
    return None


_NICKNAME = r"[ \t\u00a0]+[\"“][A-Z][\w.’' -]{1,30}[\"”]"
_NICKNAME_IN = re.compile(_NICKNAME)


def names_people_go_by(names: Iterable[str]) -> set[str]:
    """The names people introduced in full go by later: their surname, or their name without a title or
    first name ("Nadella" for "Satya Nadella", "Rafizi Ramli" for "Mohd Rafizi Ramli").

    >>> sorted(names_people_go_by(["Datuk Azman Mahmud"]))
    ['Azman Mahmud', 'Datuk Azman Mahmud', 'Mahmud']
    """
    return {
        " ".join(words[first:]) for name in names for words in [name.split()] for first in range(len(words))
    }


def _clean_name(raw: str, titles: Sequence[str]) -> str | None:
    """Check a candidate name: at least two words, none of them a stop word; None when it is no name."""
    words = _NICKNAME_IN.sub("", raw).split()
    if words and words[0].endswith(".") and words[0][:-1] in titles:
        words[0] = words[0][:-1]
    if len(words) < 2 or any(w in NAME_STOPWORDS for w in words if w not in titles):
        return None
    return " ".join(words)


@functools.lru_cache(maxsize=32)
def _person_patterns(
    roles: tuple[str, ...], titles: tuple[str, ...]
) -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    """Compile the role-first and name-first patterns, and the comma-and-role part of the latter."""
    # "for Science, Innovation and Technology": a comma joins words of the role only in a list that
    # ends with "and"; "Minister of State for Transport, Chee Hong Tat" names the person after the comma.
    words = rf"{CAPWORD}(?:[ \t\u00a0]+{CAPWORD}){{0,3}}"
    portfolio = (
        rf"{words}(?:(?:,[ \t\u00a0]+{words})*[ \t\u00a0]+and[ \t\u00a0]+(?:the[ \t\u00a0]+)?{words})?"
    )
    role = rf"(?:{trie_regex(roles)})(?:[ \t\u00a0]+(?:for|of)[ \t\u00a0]+(?:the[ \t\u00a0]+)?{portfolio})?"
    # "Kathryn D. Sullivan": a middle initial may stand between the first name and the others
    # 'Francisco "Isko Moreno" Domagoso': or a nickname in quotes
    name = rf"{_FIRST_NAME_TOKEN}(?:[ \t\u00a0]+[A-Z]\.|{_NICKNAME})?(?:[ \t\u00a0]+{_NAME_TOKEN}){{1,3}}"
    org_role = rf"(?:{trie_regex(roles)})(?:[ \t\u00a0]+(?:of|at)[ \t\u00a0]+(?:the[ \t\u00a0]+)?)?"
    # "Julie Inman Grant, Australia’s eSafety Commissioner,": a possessive and up to two capitalised
    # words may stand between the comma and the role.
    # ", Ph.D., acting NOAA Administrator": letters after the name and "acting" may come first
    qualifier = (
        r"(?:(?:Ph\.?D\.?|PhD|OBE|CBE|MBE|FRS),[ \t\u00a0]+)?(?:(?:acting|interim|deputy)[ \t\u00a0]+)?"
        # "Giles Thorley, the development bank’s chief executive,": a possessive of up to three words
        r"(?:(?:[A-Za-z][\w-]*[ \t\u00a0]+){0,2}[A-Za-z][\w-]*(?:’s|'s)[ \t\u00a0]+)?(?:[a-z]*[A-Z][\w-]*[ \t\u00a0]+){0,2}?"
    )
    comma_role = rf",[ \t\u00a0]+(?:the[ \t\u00a0]+|an?[ \t\u00a0]+)?{qualifier}(?:{org_role})"
    # "ISRO Chairman K. Sivan": after a role, a name may open with initials; the role's own initials may
    # stand before it ("Minister of Economy (MOE), Mohd Rafizi Ramli")
    initials = rf"(?:[A-Z]\.?[ \t\u00a0]+){{1,2}}(?={_NAME_TOKEN})"
    return (
        re.compile(
            rf"(?P<role>{role})(?:[ \t\u00a0]+\([A-Z]{{2,6}}\))?,?[ \t\u00a0]+(?P<name>{initials}{_NAME_TOKEN}(?:[ \t\u00a0]+{_NAME_TOKEN}){{0,2}}|{name})(?![\w-])"
        ),
        re.compile(
            rf"(?P<name2>{name}),[ \t\u00a0]+(?:the[ \t\u00a0]+|an?[ \t\u00a0]+)?{qualifier}(?P<role2>{org_role})"
        ),
        re.compile(comma_role),
    )
