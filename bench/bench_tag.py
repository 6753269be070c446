"""Benchmark tagging: precision / recall / F1 per field on the gold set, and speed against trafilatura.

Prints, for the hand-annotated announcements in `tests/fixtures/tag/gold/` and, scored separately,
`tests/fixtures/tag/heldout/` (written apart from the gold set, so a truer check of unseen text): P/R/F1
for agreement kind, parties, money, counts, entities by kind and topics, and the number of agreements
found in announcements that report none. Then tagging speed in documents per second on one core, next to
bare `trafilatura.extract` on the same documents in two renderings, measured in the same run: a bare page
(one <p> per paragraph: the strictest floor) and the full GOV.UK article page the demo serves (cookie
banner, header, metadata, navigation, footer: what extraction faces on a published announcement).
Separately for short documents (under 3 KB of text: the gold announcements) and long ones (3 KB or more:
the long gold announcements and gold announcements joined six at a time, about 4 KB each), so that a
ratio that holds for short texts cannot hide one that does not for long texts.
Benchmarks print; they never assert.
"""

from __future__ import annotations

import functools
import html
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from string import Template

from govwatch.demo.sample_model import SAMPLE_DIR
from govwatch.pipeline.records import Annotations
from govwatch.pipeline.tag import load_lexicon, tag_text
from govwatch.pipeline.tag.evaluate import GoldCase, format_report, load_gold, score_gold

FIXTURES = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "tag"
ROUNDS = 5
LONG_JOIN = 6  # gold texts joined into one longer document for the long-document speed figure
LONG_CHARS = 3000  # documents with at least this much text count as long
TARGETS = "targets: money P and R >= 0.98; agreement kind+parties F1 >= 0.90; 0 false agreements"


def _tag(case: GoldCase) -> Annotations:
    return tag_text(case.text, title=case.title, organisations=case.organisations)


def _render_html(case: GoldCase) -> str:
    """Wrap a gold text in a simple GOV.UK-like page, one <p> per paragraph."""
    paragraphs = "\n".join(f"<p>{html.escape(p)}</p>" for p in case.text.split("\n"))
    title = html.escape(case.title)
    return (
        f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>{title} - GOV.UK</title></head>"
        f"<body><header><a href='/'>GOV.UK</a><nav><a href='/browse'>Topics</a></nav></header>"
        f"<main><article><h1>{title}</h1>\n{paragraphs}\n</article></main>"
        f"<footer><p>All content is available under the Open Government Licence v3.0</p></footer></body></html>"
    )


@functools.cache
def _govuk_template() -> Template:
    return Template((SAMPLE_DIR / "templates" / "govuk_article.html").read_text(encoding="utf-8"))


def _render_govuk_page(case: GoldCase) -> str:
    """Wrap a gold text in the GOV.UK article page the demo serves (page chrome around the same body)."""
    template = _govuk_template()
    paragraphs = "\n".join(f'<p class="govuk-body">{html.escape(p)}</p>' for p in case.text.split("\n"))
    base = "https://www.gov.uk/government/news/" + case.id
    organisation = html.escape(case.organisations[0] if case.organisations else "Cabinet Office")
    return template.substitute(
        title=html.escape(case.title),
        description=html.escape(case.text[:160]),
        canonical=base,
        api_url=base.replace("/government/", "/api/content/government/"),
        meta_tags="",
        lead_org_path="/government/organisations/lead",
        lead_org_title=organisation,
        context="Press release",
        from_links=f'<a class="govuk-link" href="/government/organisations/lead">{organisation}</a>',
        published="1 May 2025",
        updated_metadata="",
        speech_metadata="",
        contents_list="",
        body=paragraphs,
        history="",
        share_url=base,
        share_title=html.escape(case.title),
        related_links="",
    )


def _docs_per_second(work: Callable[[], object], documents: int) -> float:
    """Best of ROUNDS timings of `work` over all documents, as documents per second."""
    best = float("inf")
    for _ in range(ROUNDS):
        start = time.perf_counter()
        work()
        best = min(best, time.perf_counter() - start)
    return documents / best if best > 0 else float("inf")


def _long_cases(cases: Sequence[GoldCase], per_document: int = LONG_JOIN) -> list[GoldCase]:
    """Join consecutive gold texts into longer documents, closer to a full GOV.UK article."""
    joined = []
    for index in range(0, len(cases) - per_document + 1, per_document):
        group = cases[index : index + per_document]
        text = "\n".join(case.text for case in group)
        joined.append(
            GoldCase(
                id=group[0].id,
                title=group[0].title,
                organisations=group[0].organisations,
                text=text,
                expected={},
            )
        )
    return joined


def _speed(label: str, cases: Sequence[GoldCase]) -> tuple[float, float]:
    """Print tagging and extraction speed on `cases`; return tagging / extraction ratios (bare, GOV.UK page)."""
    import trafilatura  # imported here: only the speed comparison needs it

    bare_pages = [_render_html(case) for case in cases]
    govuk_pages = [_render_govuk_page(case) for case in cases]
    load_lexicon()
    for case in cases[:3]:
        _tag(case)
    trafilatura.extract(bare_pages[0])
    trafilatura.extract(govuk_pages[0])
    chars = sum(len(case.text) for case in cases)
    tag_rate = _docs_per_second(lambda: [_tag(case) for case in cases], len(cases))
    bare_rate = _docs_per_second(lambda: [trafilatura.extract(page) for page in bare_pages], len(cases))
    govuk_rate = _docs_per_second(lambda: [trafilatura.extract(page) for page in govuk_pages], len(cases))
    print(
        f"\nspeed on one core, {label} ({len(cases)} documents, {chars / len(cases):.0f} chars of text each):"
    )
    print(f"  tag_text                           {tag_rate:9.1f} docs/s  ({1000 / tag_rate:.2f} ms/doc)")
    print(f"  trafilatura.extract, bare page     {bare_rate:9.1f} docs/s  ({1000 / bare_rate:.2f} ms/doc)")
    print(f"  trafilatura.extract, GOV.UK page   {govuk_rate:9.1f} docs/s  ({1000 / govuk_rate:.2f} ms/doc)")
    print(
        f"  tagging / extraction speed ratio: {tag_rate / bare_rate:.2f}x bare page, "
        f"{tag_rate / govuk_rate:.2f}x GOV.UK page (>= 1 means tagging is not slower)"
    )
    return tag_rate / bare_rate, tag_rate / govuk_rate


def main() -> None:
    """Print accuracy per field for each annotated set, then speed."""
    print(TARGETS)
    for name in ("gold", "heldout"):
        directory = FIXTURES / name
        cases = load_gold(directory) if directory.is_dir() else []
        if not cases:
            continue
        report = score_gold(cases, _tag)
        print(
            f"\n{name}: {report.documents} announcements, {report.documents - report.none_documents} with agreements"
        )
        print(format_report(report))
    gold = load_gold(FIXTURES / "gold")
    short = [case for case in gold if len(case.text) < LONG_CHARS]
    joined = [case for case in _long_cases(gold) if len(case.text) >= LONG_CHARS]
    long = [case for case in gold if len(case.text) >= LONG_CHARS] + joined
    short_ratio = _speed(f"short documents (< {LONG_CHARS} chars)", short)
    long_ratio = _speed(
        f"long documents (>= {LONG_CHARS} chars; {len(joined)} of them {LONG_JOIN} announcements joined)",
        long,
    )
    print(
        f"\nspeed ratio tagging / extraction (same run): short {short_ratio[0]:.2f}x bare page, "
        f"{short_ratio[1]:.2f}x GOV.UK page; long {long_ratio[0]:.2f}x bare page, {long_ratio[1]:.2f}x GOV.UK page"
    )


if __name__ == "__main__":
    main()
