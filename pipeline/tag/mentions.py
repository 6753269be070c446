"""Mentions: where a named thing occurs in the text, shared by entity, people and agreement finding."""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass

from govwatch.pipeline.tag.sentences import Sentence

# Words that open a person's role and so cannot be part of an organisation's name.
ROLE_HEADS = (
    r"(?:Professor|Prof|Dr|Vice-Chancellor|Chief|Director|CEO|Chair|President|Minister|Secretary|Head|"
    r"Principal|Provost|Sir|(?<!Notre[ ])Dame|Lord|Baroness|Mayor)\b"  # ("the University of Notre Dame")
)
# Letters of names: ASCII and the Latin-1 and Latin Extended-A ones ("Geoană", "Władysław", "Ramírez").
LATIN_UPPER = "A-Z" + "".join(c for c in map(chr, range(0xC0, 0x180)) if c.isupper())
LATIN_LOWER = "a-z" + "".join(c for c in map(chr, range(0xDF, 0x180)) if c.islower())
# A capitalised word of a name, never crossing a line break.
CAPWORD = rf"(?!{ROLE_HEADS})[A-Z][\w&’'-]*"
# Nouns that describe the name after them ("US tech giant Microsoft", "Canadian AI company Cohere").
# Jobs that describe the person named next ("tech entrepreneur Ian Hogarth"), never a body.
PERSON_JOB = (
    r"(?:entrepreneur|scientist|professor|engineer|founder|co-founder|economist|academic|businessman|"
    r"businesswoman|veteran|adviser|advisor|astronaut|physicist|researcher|campaigner|journalist)"
)
DESCRIPTOR_NOUN = (
    r"(?:company|firm|start-up|startup|scale-up|group|giant|lab|developer|designer|maker|provider|"
    r"specialist|business|operator|manufacturer|supplier|unicorn|housebuilder|builder|platform|charity|"
    r"lender|insurer|consultancy|producer|retailer|chipmaker|chip designer|spin-out|spinout|investor)s?"
)


@dataclass(frozen=True, slots=True, kw_only=True)
class Mention:
    """One occurrence of a named thing; `party` is the name it takes as a party to an agreement."""

    kind: str
    name: str
    start: int
    end: int
    party: str | None = None
    role: str | None = None
    title: str | None = None
    organisation: str | None = None
    country: bool = False


def sentence_at(sentences: Sequence[Sentence], starts: Sequence[int], position: int) -> Sentence | None:
    """Return the sentence that contains `position`, given the sorted sentence starts."""
    index = bisect.bisect_right(starts, position) - 1
    if index >= 0 and sentences[index].start <= position < sentences[index].end:
        return sentences[index]
    return None
