"""The world corpus (`tests/fixtures/tag/world/`): build each case as a fetched document, run it through
`process_document` exactly as the pipeline does, and score agreements and money against its annotations.

A GOV.UK case becomes a Content API item in GOV.UK's frontend shape (the fields GOV.UK's own schemas
require, organisation links with UUID content ids); a newsroom case becomes a publisher's page with a
header, navigation and footer around the article, read by the same extraction as any other newsroom.
Scoring compares what a reader of the alert needs: the agreement's kind and every party (kind+parties),
the status, and each sum of money with its qualifier. Party names are compared after folding case, a
leading "the", a possessive and company suffixes; an annotation may list several accepted names.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from govwatch.connectors.records import FetchedDocument
from govwatch.pipeline.process import process_document
from govwatch.pipeline.tag import load_lexicon
from govwatch.pipeline.tag.evaluate import Score

WORLD_DIR = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "tag" / "world"
GOVUK = "https://www.gov.uk"
SCHEMA_FOR_TYPE = {
    "speech": "speech",
    "written_statement": "speech",
    "oral_statement": "speech",
    "authored_article": "speech",
    "html_publication": "html_publication",
    "case_study": "case_study",
    "corporate_information_page": "corporate_information_page",
    **{
        kind: "publication"
        for kind in (
            "policy_paper",
            "guidance",
            "corporate_report",
            "independent_report",
            "notice",
            "research",
        )
    },
}
PATH_FOR_SCHEMA = {
    "speech": "/government/speeches/",
    "html_publication": "/government/publications/x/",
    "case_study": "/government/case-studies/",
    "corporate_information_page": "/government/organisations/x/about/",
    "publication": "/government/publications/",
}
# Kinds whose false discovery in a hard negative would send a misleading alert.
BINDING_KINDS = frozenset({"memorandum_of_understanding", "contract", "framework_agreement"})
_SUFFIXES = re.compile(
    r"(?:[\s,]+(?:ltd|limited|plc|inc|corp|llp|llc|gmbh|ag|sa|s\.a|s\.p\.a|spa|n\.v|b\.v|co))+\.?$"
)
_POSSESSIVE = re.compile(r"(?:’s|'s)$")


@dataclass(frozen=True, slots=True)
class WorldCase:
    """One annotated announcement of the world corpus."""

    batch: str
    data: Mapping[str, Any]

    @property
    def id(self) -> str:
        return str(self.data["id"])

    @property
    def expected(self) -> Mapping[str, Any]:
        return self.data["expected"]  # type: ignore[no-any-return]


_BATCH_NAME = re.compile(r"w[0-9]{2,}")


def load_batches(root: Path = WORLD_DIR) -> dict[str, list[WorldCase]]:
    """Every batch folder (`w01`, `w02`, ..., `w100`, ...) with its cases, in batch order, cases by file name."""
    batches: dict[str, list[WorldCase]] = {}
    folders = (p for p in root.glob("w[0-9]*") if p.is_dir() and _BATCH_NAME.fullmatch(p.name))
    for folder in sorted(folders, key=lambda p: int(p.name[1:])):
        cases = [
            WorldCase(folder.name, json.loads(path.read_text(encoding="utf-8")))
            for path in sorted(folder.glob("*.json"))
        ]
        if cases:
            batches[folder.name] = cases
    return batches


def _uuid(*parts: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, "/".join(parts)))


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:80] or "x"


def _organisation_link(title: str) -> dict[str, Any]:
    path = "/government/organisations/" + _slug(title)
    return {
        "analytics_identifier": "O" + hashlib.sha1(title.encode()).hexdigest()[:4].upper(),
        "api_path": "/api/content" + path,
        "base_path": path,
        "content_id": _uuid("organisation", title),
        "document_type": "organisation",
        "locale": "en",
        "schema_name": "organisation",
        "title": title,
        "web_url": GOVUK + path,
        "details": {"brand": None, "organisation_govuk_status": {"status": "live"}},
    }


def content_item(case: WorldCase) -> dict[str, Any]:
    """The case as GOV.UK's Content API serves it (`/api/content/<base_path>`)."""
    data = case.data
    document_type = str(data["document_type"])
    schema = SCHEMA_FOR_TYPE.get(document_type, "news_article")
    base_path = PATH_FOR_SCHEMA.get(schema, "/government/news/") + _slug(str(data["title"]))
    organisations = [_organisation_link(title) for title in data["organisations"]]
    published = str(data["published"])
    details: dict[str, Any] = {
        "body": data["body_html"],
        "change_history": [{"public_timestamp": published, "note": "First published."}],
        "first_public_at": published,
        "political": False,
        "government": {"title": "2024 Labour government", "slug": "2024-labour-government", "current": True},
    }
    if schema == "speech":
        details["delivered_on"] = published
    elif schema == "case_study":
        del details["government"]
    elif schema == "html_publication":
        # An HTML publication is an attachment of its parent publication: it has no history of its own.
        details = {
            "body": details["body"],
            "public_timestamp": published,
            "first_published_version": True,
            "political": False,
        }
    return {
        "analytics_identifier": None,
        "base_path": base_path,
        "content_id": _uuid("content", case.id),
        "description": data["description"],
        "details": details,
        "document_type": document_type,
        "first_published_at": published,
        "links": {"organisations": organisations, "primary_publishing_organisation": organisations[:1]},
        "locale": "en",
        "phase": "live",
        "public_updated_at": published,
        "publishing_app": "whitehall",
        "rendering_app": "frontend",
        "schema_name": schema,
        "title": data["title"],
        "updated_at": published,
    }


def newsroom_page(case: WorldCase) -> str:
    """The case as a publisher's own newsroom page: site chrome around the article."""
    data = case.data
    title = html.escape(str(data["title"]))
    site = html.escape(str(data.get("site_name") or data["organisations"][0]))
    publisher = html.escape(str(data["organisations"][0]))
    description = html.escape(str(data["description"]))
    published = html.escape(str(data["published"]))
    return (
        "<!DOCTYPE html>\n<html lang='en'><head><meta charset='utf-8'>"
        f"<title>{title} | {site}</title>"
        f"<meta name='description' content='{description}'>"
        f"<meta property='og:site_name' content='{site}'>"
        f"<meta property='article:published_time' content='{published}'>"
        f"<meta name='dcterms.publisher' content='{publisher}'>"
        "</head><body>"
        f"<header class='site-header'><a href='/'>{site}</a><nav><ul><li><a href='/news'>News</a></li>"
        "<li><a href='/about'>About us</a></li><li><a href='/contact'>Contact</a></li></ul></nav></header>"
        "<main><article>"
        f"<h1>{title}</h1><p class='standfirst'>{description}</p>"
        f"<p class='date'><time datetime='{published}'>{published[:10]}</time></p>"
        f"<div class='article-body'>{data['body_html']}</div>"
        "</article></main>"
        f"<footer><p>© {site}</p><ul><li><a href='/privacy'>Privacy</a></li>"
        "<li><a href='/accessibility'>Accessibility</a></li></ul></footer>"
        "</body></html>"
    )


def fetched_document(case: WorldCase) -> FetchedDocument:
    """The case as the connector would hand it to the pipeline."""
    if case.data["source"] == "govuk":
        item = content_item(case)
        url, kind, payload = GOVUK + "/api/content" + item["base_path"], "content_api", json.dumps(item)
    else:
        # The page's real address when the case records it (a fetched page always has one).
        address = case.data["based_on"].get("url") or f"https://newsroom.example.org/{case.id}"
        url, kind, payload = str(address), "html", newsroom_page(case)
    return FetchedDocument(
        id=case.id,
        version=1,
        url=url,
        source="world-corpus",
        fetched_at="2026-01-01T00:00:00Z",
        payload_kind=kind,
        payload=payload,
        payload_hash=hashlib.sha256(payload.encode()).hexdigest(),
    )


def run_case(case: WorldCase) -> dict[str, Any]:
    """The announcement message `process_document` makes of the case, with the bundled lexicon."""
    return process_document(fetched_document(case), lexicon=load_lexicon())


def party_key(name: str) -> str:
    """Fold what two spellings of one party may differ in.

    >>> party_key("The Acme Robotics Ltd")
    'acme robotics'
    >>> party_key("OpenAI’s")
    'openai'
    >>> party_key("HM Revenue & Customs") == party_key("HM Revenue and Customs")
    True
    >>> party_key("U.S. Department of Commerce") == party_key("US Department of Commerce")
    True
    >>> party_key("Government of Papua New Guinea") == party_key("Papua New Guinea Government")
    True
    >>> party_key("O’Leary Ventures") == party_key("O'Leary Ventures")
    True
    """
    key = " ".join(name.replace("\u00a0", " ").replace("’", "'").replace(" & ", " and ").split()).casefold()
    key = re.sub(r"\bu\.(s|k)\.(?=\s)", r"u\1", key)
    key = _POSSESSIVE.sub("", key)
    key = re.sub(r"^the\s+", "", key)
    key = re.sub(r"^government of (?:the )?(.+)$", r"\1 government", key)
    return _SUFFIXES.sub("", key).strip(" ,.")


def _accepted(party: str | Sequence[str]) -> frozenset[str]:
    names = [party] if isinstance(party, str) else list(party)
    return frozenset(party_key(n) for n in names)


def parties_match(gold: Sequence[str | Sequence[str]], found: Sequence[str]) -> bool:
    """Every gold party is one found party and nothing else was found (each found party used once)."""
    found_keys = [party_key(p) for p in dict.fromkeys(found)]
    if len(found_keys) != len(set(found_keys)) or len(found_keys) != len(gold):
        return False
    options = [_accepted(p) for p in gold]

    def assign(index: int, free: frozenset[str]) -> bool:
        if index == len(options):
            return True
        return any(assign(index + 1, free - {key}) for key in options[index] & free)

    return assign(0, frozenset(found_keys))


@dataclass(slots=True)
class WorldReport:
    """Scores of one batch (or of several together)."""

    agreements: Score = field(default_factory=Score)  # kind + every party
    kinds: Score = field(default_factory=Score)  # kind alone
    status: Score = field(default_factory=Score)  # kind + parties + status
    money: Score = field(default_factory=Score)  # value + currency
    money_qualified: Score = field(default_factory=Score)  # value + currency + qualifier
    documents: int = 0
    negatives: int = 0
    false_on_negatives: int = 0
    false_binding_on_negatives: int = 0


def _match_agreements(
    case_id: str, gold: Sequence[Mapping[str, Any]], found: Sequence[Mapping[str, Any]], report: WorldReport
) -> None:
    unmatched = list(found)
    for with_status, score in ((False, report.agreements), (True, report.status)):
        unmatched = list(found)
        for expected in gold:
            hit = next(
                (
                    f
                    for f in unmatched
                    if f["kind"] == expected["kind"]
                    and parties_match(expected["parties"], f["parties"])
                    and (not with_status or f["status"] == expected["status"])
                ),
                None,
            )
            if hit is None:
                score.fn += 1
                score.misses.append(f"{case_id}: missed {expected['kind']} {expected['parties']}")
            else:
                score.tp += 1
                unmatched.remove(hit)
        score.fp += len(unmatched)
        score.misses += [f"{case_id}: extra {f['kind']} {list(f['parties'])}" for f in unmatched]
    gold_kinds = sorted(e["kind"] for e in gold)
    found_kinds = sorted(f["kind"] for f in found)
    for kind in set(gold_kinds) | set(found_kinds):
        common = min(gold_kinds.count(kind), found_kinds.count(kind))
        report.kinds.tp += common
        report.kinds.fn += gold_kinds.count(kind) - common
        report.kinds.fp += found_kinds.count(kind) - common


def _money_keys(items: Iterable[Mapping[str, Any]], qualified: bool) -> set[tuple[Any, ...]]:
    keys = set()
    for item in items:
        key: tuple[Any, ...] = (round(float(item["value"] or 0.0), 2), item["currency"])
        keys.add((*key, item.get("qualifier")) if qualified else key)
    return keys


def score_batch(
    cases: Iterable[WorldCase], run: Callable[[WorldCase], Mapping[str, Any]] = run_case
) -> WorldReport:
    """Run and score every case."""
    report = WorldReport()
    for case in cases:
        message = run(case)
        expected = case.expected
        found = list(message["partnerships"])
        report.documents += 1
        if not expected["partnerships"]:
            report.negatives += 1
            report.false_on_negatives += len(found)
            report.false_binding_on_negatives += sum(f["kind"] in BINDING_KINDS for f in found)
        _match_agreements(case.id, expected["partnerships"], found, report)
        money_found = [f for f in message["figures"] if f["kind"] == "money"]
        for qualified, score in ((False, report.money), (True, report.money_qualified)):
            gold_keys = _money_keys(expected["money"], qualified)
            found_keys = _money_keys(money_found, qualified)
            score.tp += len(gold_keys & found_keys)
            score.fp += len(found_keys - gold_keys)
            score.fn += len(gold_keys - found_keys)
            score.misses += [f"{case.id}: missed money {k}" for k in sorted(gold_keys - found_keys, key=str)]
            score.misses += [f"{case.id}: extra money {k}" for k in sorted(found_keys - gold_keys, key=str)]
    return report


TABLE_HEADER = (
    f"{'batch':<8}{'docs':>5}{'agr':>5}{'kind+parties P':>16}{'R':>7}{'F1':>7}{'kind F1':>9}"
    f"{'money P':>9}{'R':>7}{'qual R':>8}{'neg':>5}{'false':>7}{'binding':>9}"
)


def report_row(label: str, report: WorldReport) -> str:
    """One row of the scores table (the same columns as FIRST_SIGHT.md)."""
    a, m = report.agreements, report.money
    return (
        f"{label:<8}{report.documents:>5}{a.tp + a.fn:>5}{a.precision:>16.3f}{a.recall:>7.3f}{a.f1:>7.3f}"
        f"{report.kinds.f1:>9.3f}{m.precision:>9.3f}{m.recall:>7.3f}{report.money_qualified.recall:>8.3f}"
        f"{report.negatives:>5}{report.false_on_negatives:>7}{report.false_binding_on_negatives:>9}"
    )
