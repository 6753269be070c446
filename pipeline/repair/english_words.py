"""How common an English word is, by wordfreq's English word list, kept compact.

wordfreq's own `zipf_frequency` reads the whole list (321,000 words) into a dictionary the first time it
is asked and keeps it, the list it came from and up to 100,000 remembered answers: some 40 MB held for
the life of a run. govwatch asks two questions only, so it keeps only what answers them:

- how common is a word, when it is at least `FLOOR_ZIPF` common (every threshold govwatch uses is)? The
  ~29,000 words that are, with their frequency;
- is a lower-case token of 9 to 40 letters a–z (what `glued_words` tries to split) a word at all? The
  ~84,000 such words, one string per first four letters (~2 MB instead of ~7 MB as a set).

Both are read once, a bucket at a time, from the very file wordfreq reads, and words are looked up as
wordfreq looks them up (its tokenizer, numbers smashed to zeros, several tokens combined), so every
answer is wordfreq's.
"""

from __future__ import annotations

import functools
import gzip
import importlib.util
import math
import re
from array import array
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path

import msgpack

from govwatch.errors import GovwatchError

#: Words at least this common keep their frequency; rarer ones count as 0.0 (wordfreq's "small" list
#: stops just short of it: it leaves out the words at exactly 3.0).
FLOOR_ZIPF = 3.0
LONG_WORD = re.compile(r"[a-z]{9,40}")
LONG_PREFIX = 4  # long words are grouped by this many first letters: a lookup searches ~80 characters
WORD_LIST_FILE = "large_en.msgpack.gz"  # "best" for English: the list wordfreq answers from
_ASCII_WORD = re.compile(r"[a-z]+")
_MIN_FREQUENCY = 1e-9  # wordfreq's `minimum` for zipf_frequency's default of 0


@dataclass(frozen=True, slots=True)
class EnglishWords:
    """What govwatch keeps of wordfreq's English list (see the module's docstring)."""

    centibels: dict[str, int]  # word → how many centibels below a frequency of 1 (wordfreq's bucket)
    zipf_of_bucket: tuple[float, ...]  # a one-token word's Zipf frequency, by bucket
    long_words: dict[str, str]  # the long words by their first LONG_PREFIX letters, each between "\n"s


def read_english_words(buckets: Sequence[Sequence[str]] | None = None) -> EnglishWords:
    """Read what govwatch keeps of the list; `buckets` (wordfreq's cBpack: words by bucket) for tests.

    Raises:
        GovwatchError: wordfreq's list is missing or not in the format it was written in.
    """
    floor = round((9.0 - FLOOR_ZIPF) * 100)  # Zipf is 9 plus the frequency's log10; a bucket is 0.01 of it
    centibels: dict[str, int] = {}
    long_chunks: list[str] = []  # each bucket's long words as one text, so its word objects all go at once
    for index, bucket in enumerate(_buckets() if buckets is None else buckets):
        if index <= floor:
            for word in bucket:
                centibels[word] = index
        long_chunks.append("\n".join(word for word in bucket if LONG_WORD.fullmatch(word)))
    return EnglishWords(
        centibels=centibels,
        zipf_of_bucket=tuple(_zipf_of([(10 ** (-index / 100), None)]) for index in range(floor + 1)),
        long_words=_by_prefix(long_chunks),
    )


def _by_prefix(chunks: list[str]) -> dict[str, str]:
    r"""The long words grouped by their first `LONG_PREFIX` letters, each group between "\n"s.

    The groups are cut from one sorted text once every word object is gone: keys and groups made while
    the ~300,000 words went by would each keep alive the memory they shared with them (~6 MB of a run).

    >>> _by_prefix(["transformative\ntransmission", "", "nanosatellite"])
    {'nano': '\nnanosatellite\n', 'tran': '\ntransformative\ntransmission\n'}
    """
    words = sorted("\n".join(chunks).split())
    chunks.clear()
    starts = array("L")  # where each prefix's group starts in the text
    position, group = 0, ""
    for word in words:
        if not group or not word.startswith(group):
            group = word[:LONG_PREFIX]
            starts.append(position)
        position += len(word) + 1
    text = "\n".join(words) + "\n"
    del words, group
    starts.append(len(text))
    return {text[start : start + LONG_PREFIX]: "\n" + text[start:end] for start, end in pairwise(starts)}


def _buckets() -> Iterator[list[str]]:
    """Yield wordfreq's English list a bucket at a time (its `read_cBpack` reads it whole)."""
    path = _word_list_path()
    try:
        with gzip.open(path, "rb") as stream:
            unpacker = msgpack.Unpacker(stream, raw=False)
            count = unpacker.read_array_header()
            header = unpacker.unpack()
            if not isinstance(header, dict) or header.get("format") != "cB" or header.get("version") != 1:
                raise ValueError(f"unexpected header {header!r}")
            for _ in range(count - 1):
                bucket = unpacker.unpack()
                if not isinstance(bucket, list):
                    raise ValueError(f"a bucket is a {type(bucket).__name__}, not a list")
                yield bucket
    except (OSError, ValueError, msgpack.UnpackException) as exc:
        raise GovwatchError(
            f"cannot read wordfreq's English word list {path} ({exc}); reinstall it: pip install --force-reinstall wordfreq"
        ) from exc


def _word_list_path() -> Path:
    # Found without importing wordfreq: most words never need its tokenizer (see `zipf`).
    spec = importlib.util.find_spec("wordfreq")
    if spec is None or not spec.submodule_search_locations:
        raise GovwatchError("wordfreq is not installed; reinstall govwatch (pip install govwatch)")
    return Path(next(iter(spec.submodule_search_locations))) / "data" / WORD_LIST_FILE


@functools.cache
def english_words() -> EnglishWords:
    """The kept list, read on first use (a text with no long lower-case word never needs it)."""
    return read_english_words()


def zipf(word: str, words: EnglishWords | None = None) -> float:
    """wordfreq's `zipf_frequency(word, "en")` when it is at least `FLOOR_ZIPF`; 0.0 for rarer words.

    >>> zipf("the"), zipf("legally"), zipf("Cabinet"), zipf("AT&T"), zipf("naïve"), zipf("g7"), zipf("openreach")
    (7.73, 4.21, 4.49, 5.41, 3.07, 0.0, 0.0)
    """
    words = english_words() if words is None else words
    if _ASCII_WORD.fullmatch(word):  # wordfreq's tokenizer leaves such a word as it is
        bucket = words.centibels.get(word)
        return 0.0 if bucket is None else words.zipf_of_bucket[bucket]
    tokens: list[tuple[float, str | None]] = []
    for key, digits in _lookup_keys(word):
        bucket = words.centibels.get(key)
        if bucket is None:
            return 0.0  # one token rarer than the floor makes the whole rarer still
        tokens.append((10 ** (-bucket / 100), digits))
    value = _zipf_of(tokens) if tokens else 0.0
    return value if value >= FLOOR_ZIPF else 0.0


def _lookup_keys(word: str) -> list[tuple[str, str | None]]:
    """wordfreq's keys for a word: each token, its digits smashed to zeros (and the token, when it had some)."""
    from wordfreq.numbers import smash_numbers
    from wordfreq.tokens import lossy_tokenize

    keys: list[tuple[str, str | None]] = []
    for token in lossy_tokenize(word, "en"):
        smashed = smash_numbers(token)
        keys.append((smashed, token if smashed != token else None))
    return keys


def _zipf_of(tokens: list[tuple[float, str | None]]) -> float:
    """Combine tokens' frequencies and round exactly as wordfreq's `word_frequency` does."""
    one_over = 0.0
    for frequency, digits in tokens:
        if digits is not None:
            from wordfreq.numbers import digit_freq

            frequency *= digit_freq(digits)
        one_over += 1.0 / frequency
    unrounded = max(1.0 / one_over, _MIN_FREQUENCY)
    rounded = round(unrounded, math.floor(-math.log(unrounded, 10)) + 3)
    return round(math.log(rounded, 10) + 9, 2)


def is_long_word(token: str, words: EnglishWords | None = None) -> bool:
    """Tell whether wordfreq lists a lower-case token of 9 to 40 letters a–z, however rare.

    >>> is_long_word("transformative"), is_long_word("legallybinding")
    (True, False)

    Raises:
        ValueError: the token is not 9 to 40 letters a–z (the only tokens kept).
    """
    if not LONG_WORD.fullmatch(token):
        raise ValueError(f"only tokens of 9 to 40 letters a-z are kept, not {token!r}")
    words = english_words() if words is None else words
    return f"\n{token}\n" in words.long_words.get(token[:LONG_PREFIX], "")
