"""Text repair quality and speed on the repair corpus (tests/fixtures/repair/corpus.json).

Every clean document is mangled through each code page (GBK, GB18030, Big5, Shift-JIS), once and twice,
losslessly (unpaired bytes kept as surrogates) and lossily (unpaired bytes dropped, like the seed
article), then repaired. Prints, per mangling: documents restored exactly, documents with no mojibake
left, and the share of inferred characters that are right (and which documents hold the wrong
ones); changes made to clean documents; then
docs/s per core for `repair_text` and for `ftfy.fix_text` alone on the same texts (the baseline).
"""

from __future__ import annotations

import difflib
import json
import logging
import random
import time
from collections.abc import Callable
from pathlib import Path

import ftfy

from govwatch.pipeline.repair.code_pages import char_class, mangle
from govwatch.pipeline.repair.data import CLASS_CJK
from govwatch.pipeline.repair.text import repair_text

FIXTURES = Path(__file__).parents[1] / "tests" / "fixtures" / "repair"
SEED = Path(__file__).parents[1] / ".." / "shared" / "seeds" / "000_4ebad22dac5f82a2.txt"
CODECS = ("gbk", "gb18030", "big5", "shift_jis")
MIN_SECONDS = 1.0


def _documents() -> list[tuple[str, str]]:
    docs = json.loads((FIXTURES / "corpus.json").read_text("utf-8"))
    return [(doc["id"], doc["text"]) for doc in docs]


def _mojibake_left(original: str, repaired: str) -> bool:
    return any(char_class(ch) >= CLASS_CJK and ch not in original for ch in repaired)


def _inferred_scores(original: str, repaired: str, inferred: int) -> tuple[int, int]:
    """(inferred characters, wrong ones): a changed span without leftover mojibake is a wrong inference."""
    if not inferred:
        return 0, 0
    wrong = 0
    matcher = difflib.SequenceMatcher(None, original, repaired, autojunk=False)
    for tag, a0, a1, b0, b1 in matcher.get_opcodes():
        if tag in ("replace", "insert") and not _mojibake_left(original, repaired[b0:b1]):
            wrong += max(a1 - a0, b1 - b0) if tag == "replace" else b1 - b0
    return inferred, min(wrong, inferred)


def _quality(texts: list[str], ids: list[str]) -> None:
    changed = sum(1 for text in texts if repair_text(text).text != text or repair_text(text).repairs)
    print(f"  clean documents changed: {changed}/{len(texts)}")
    print(f"  {'mangling':<26} {'restored':>9} {'no mojibake left':>17} {'inferred right':>22}")
    wrong_by_doc: dict[str, list[str]] = {}
    for codec in CODECS:
        for times in (1, 2):
            for lossy in (False, True):
                restored = clean = inferred = wrong = 0
                for doc_id, text in zip(ids, texts, strict=True):
                    result = repair_text(mangle(text, codec, lossy=lossy, times=times))
                    restored += result.text == text
                    clean += not _mojibake_left(text, result.text)
                    count = sum(r.count for r in result.repairs if r.inferred)
                    got, bad = _inferred_scores(text, result.text, count)
                    inferred, wrong = inferred + got, wrong + bad
                    if bad and times == 1:
                        wrong_by_doc.setdefault(codec, []).append(f"{doc_id} {bad}")
                name = f"{codec} x{times} {'lossy' if lossy else 'lossless'}"
                share = (
                    f"{100 * (inferred - wrong) / inferred:5.1f}% of {inferred:>3}" if inferred else "    -"
                )
                print(
                    f"  {name:<26} {100 * restored / len(texts):8.1f}% {100 * clean / len(texts):16.1f}%"
                    f" {share:>22}"
                )
    for codec, docs in wrong_by_doc.items():
        print(f"  wrong inferences, {codec} x1 lossy: {', '.join(docs)}")


def _genuine_cjk_changed(count: int = 5000) -> None:
    """How often random genuine CJK text (common hanzi, kana, Hangul, CJK punctuation) gets changed."""
    rng = random.Random(7)
    hanzi = [
        bytes((lead, trail)).decode("gb2312") for lead in range(0xB0, 0xD7) for trail in range(0xA1, 0xFF)
    ]
    kana = [chr(code) for code in range(0x3041, 0x3097)] + [chr(code) for code in range(0x30A1, 0x30FB)]
    hangul = [
        bytes((lead, trail)).decode("euc_kr") for lead in range(0xB0, 0xC8) for trail in range(0xA1, 0xFF)
    ]
    pool = hanzi + kana + hangul + list("，。、：；！？“”‘’（）《》")
    texts = ["".join(rng.choice(pool) for _ in range(rng.randint(1, 40))) for _ in range(count)]
    changed = sum(1 for text in texts if repair_text(text).text != text)
    print(f"  random genuine CJK texts changed: {changed}/{count} ({100 * changed / count:.2f}%)")


def _rate(fn: Callable[[str], object], texts: list[str]) -> float:
    """Documents per second, repeating the whole list for at least `MIN_SECONDS`."""
    done, started = 0, time.perf_counter()
    while True:
        for text in texts:
            fn(text)
        done += len(texts)
        elapsed = time.perf_counter() - started
        if elapsed >= MIN_SECONDS:
            return done / elapsed


def _speed(name: str, texts: list[str]) -> None:
    ours = _rate(repair_text, texts)
    baseline = _rate(ftfy.fix_text, texts)
    size = sum(len(t) for t in texts) / len(texts)
    print(
        f"  {name:<30} repair_text {ours:8.0f} docs/s   ftfy.fix_text {baseline:8.0f} docs/s"
        f"   ratio {ours / baseline:5.2f}   (mean {size:.0f} chars)"
    )


def main() -> None:
    logging.disable(logging.CRITICAL)
    documents = _documents()
    texts = [text for _id, text in documents]
    print(f"quality on {len(texts)} documents")
    _quality(texts, [doc_id for doc_id, _text in documents])
    _genuine_cjk_changed()
    print("speed (one core)")
    _speed("clean corpus", texts)
    _speed("gbk lossy corpus", [mangle(t, "gbk", lossy=True) for t in texts])
    _speed("shift_jis lossless corpus", [mangle(t, "shift_jis", lossy=False) for t in texts])
    _speed("gbk twice lossless corpus", [mangle(t, "gbk", lossy=False, times=2) for t in texts])
    if SEED.exists():
        _speed("seed article", [SEED.read_text("utf-8")])
    logging.disable(logging.NOTSET)


if __name__ == "__main__":
    main()
