"""Assign topics to an announcement by scoring lexicon terms (multi-label).

A topic is kept when its score reaches the topic's `min_score`: each occurrence of a term scores its
weight (1, or 2 for "strong" terms), doubled in the title. Terms are matched longest first, so "AI
Security Institute" scores for AI safety and not also as a bare "AI". Thresholds and terms live in
`lexicons/topics.toml`.
"""

from __future__ import annotations

from collections import Counter

from govwatch.pipeline.tag.lexicon import Lexicon, find_words, fold_case, scan_words

TITLE_WEIGHT = 2


def find_topics(
    text: str, lexicon: Lexicon, *, title: str = "", folded: str | None = None
) -> tuple[str, ...]:
    """Return the topics of a document, in the order they are listed in the lexicon.

    `folded` is `fold_case(text)` when the caller has it already.

    >>> from govwatch.pipeline.tag.lexicon import load_lexicon
    >>> find_topics("Quantum computers and quantum sensing.", load_lexicon())
    ('quantum',)
    """
    scores = _term_scores(text, fold_case(text) if folded is None else folded, lexicon, 1)
    if title:
        scores.update(_term_scores(title, fold_case(title), lexicon, TITLE_WEIGHT))
    return tuple(topic for topic in lexicon.topic_terms if scores[topic] >= lexicon.topic_min_scores[topic])


def _term_scores(text: str, folded: str, lexicon: Lexicon, factor: int) -> Counter[str]:
    """Score every topic on one piece of text (lower-case terms are matched in the lower-cased text)."""
    scores: Counter[str] = Counter()
    matches = [m.group() for m in find_words(lexicon.topic_words_exact.pattern_for(text), text)]
    matches += [m.group() for m in scan_words(lexicon.topic_pattern_folded, folded)]
    for term in matches:
        for topic, weight in lexicon.topic_index.get(term, ()):
            scores[topic] += weight * factor
    return scores
