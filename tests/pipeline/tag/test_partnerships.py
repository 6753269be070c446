from __future__ import annotations

from typing import Any

import pytest

from govwatch.pipeline.tag import tag_text
from tests.pipeline.tag.tag_cases import load_cases


@pytest.mark.parametrize("case", load_cases("partnerships.json"))
def test_partnerships_match_case_table(case: dict[str, Any]) -> None:
    found = tag_text(case["input"], organisations=case["organisations"], url=case.get("url")).partnerships
    assert [[p.kind, sorted(p.parties), p.status] for p in found] == [
        [kind, sorted(parties), status] for kind, parties, status in case["expected"]
    ]


def test_mou_keeps_signatories_legal_nature_and_date() -> None:
    text = (
        "Anthropic and the UK government have signed a Memorandum of Understanding.\n"
        "The agreement was signed on 14 February 2025 by Technology Secretary Peter Kyle and Anthropic CEO "
        "Dario Amodei.\n"
        "The MoU is voluntary and not legally binding."
    )
    (mou,) = tag_text(text).partnerships
    assert mou.kind == "memorandum_of_understanding"
    assert [(s.name, s.role, s.party) for s in mou.signatories] == [
        ("Peter Kyle", "Technology Secretary", "UK Government"),
        ("Dario Amodei", "CEO", "Anthropic"),
    ]
    assert mou.legal_nature == "voluntary, not legally binding"
    assert mou.date == "2025-02-14"


def test_evidence_offsets_point_at_the_agreement_word() -> None:
    text = "Intro.\nOpenAI and the UK government have today signed a new strategic partnership."
    (partnership,) = tag_text(text).partnerships
    for evidence in partnership.evidence:
        assert text[evidence.start : evidence.end].lower() in ("strategic partnership", "partnership")
        assert evidence.sentence in text


def test_two_agreements_with_different_parties_stay_apart() -> None:
    text = (
        "The Department of Health and Social Care has awarded a £15 million contract to Medisight Ltd.\n"
        "Separately, NHS England has signed a memorandum of understanding with the Alan Turing Institute."
    )
    found = tag_text(text, organisations=["Department of Health and Social Care"]).partnerships
    assert [(p.kind, set(p.parties)) for p in found] == [
        ("contract", {"UK Government", "Medisight Ltd"}),
        ("memorandum_of_understanding", {"NHS England", "Alan Turing Institute"}),
    ]


def test_a_headline_agreement_without_parties_is_not_reported() -> None:
    found = tag_text(  # a wire story: no home government, so "Defense Minister" names nobody
        "The aircraft will be delivered from 2026.\n",
        title="Argentina buys F-16s",
        summary="Defense Minister Luis Petri signs the contract in Denmark.",
        organisations=["Reuters"],
        url="https://www.reuters.com/world/argentina-f16",
    ).partnerships
    assert found == ()


def test_we_quoted_in_a_newspaper_report_is_the_speaker_not_the_newspaper() -> None:
    text = (
        "Globalfoundries has agreed to build a new fab in Chongqing.\n"
        '"We are pleased to partner with the Chongqing government to expand our investment," said '
        "Globalfoundries CEO Sanjay Jha.\n"
    )
    found = tag_text(text, organisations=["Evertiq"]).partnerships
    assert found
    assert all("Evertiq" not in partnership.parties for partnership in found)


def test_two_office_holders_after_a_plural_role_are_people_not_parties() -> None:
    text = "Ministers Shin Won-sik and Richard Marles sign MOUs on interoperability.\n"
    found = tag_text(text, organisations=["Korea Herald"])
    assert {(e.kind, e.name) for e in found.entities} >= {
        ("person", "Shin Won-sik"),
        ("person", "Richard Marles"),
    }
    assert all("Richard Marles" not in p.parties for p in found.partnerships)


@pytest.mark.parametrize("before", ["who was visiting the ", "travelled to ", "during a trip to the ", "in "])
def test_a_place_visited_is_no_party(before: str) -> None:
    from govwatch.pipeline.tag.partnerships import _NOT_PARTY_BEFORE

    assert _NOT_PARTY_BEFORE.search(before) is not None


def test_the_headline_names_the_other_side_of_a_one_sided_agreement() -> None:
    body = "Northfield Health Service has signed a contract with the company to replace its patient records."
    title = "Kestrel Health to deliver Northfield Health Service's records system"
    found = tag_text(body, title=title, organisations=["Tech Weekly"]).partnerships
    assert [(p.kind, sorted(p.parties)) for p in found] == [
        ("contract", ["Kestrel Health", "Northfield Health Service"])
    ]


def test_a_counterpart_named_between_commas_is_a_person_and_the_headline_names_people_by_surname() -> None:
    body = (
        "The Minister of Public Administration, Goran Petrov, and his Montenegrin counterpart, Marko Dukic, "
        "signed a memorandum of understanding in Podgorica on Wednesday."
    )
    found = tag_text(
        body,
        title="Petrov and Dukic sign memorandum",
        organisations=["Ministry of Public Administration"],
        url="https://mioa.gov.mk/news/1",
    )
    assert [sorted(p.parties) for p in found.partnerships] == [
        ["Montenegrin Government", "North Macedonian Government"]
    ]
    assert ("person", "Marko Dukic") in [(e.kind, e.name) for e in found.entities]


def test_a_title_case_headline_reads_its_small_words_as_prose_and_its_verbs_end_names() -> None:
    body = "The company will supply a case management system to the state's courts over five years."
    found = tag_text(
        body, title="Kestrel Awarded Contract From The State Of Oregon", organisations=["Kestrel Ltd"]
    ).partnerships
    assert [(p.kind, sorted(p.parties)) for p in found] == [("contract", ["Kestrel", "State of Oregon"])]
    assert found[0].evidence[0].sentence == "Kestrel Awarded Contract From The State Of Oregon"


def test_a_datelines_city_in_capitals_is_no_party() -> None:
    body = (
        "BRAVOGRAD, Azerbaijan, 14 May – The Northern Investment Bank has approved a loan of 15 million euros "
        "to Kestrel Energy NV to build two solar plants."
    )
    found = tag_text(body, organisations=["Trend"]).partnerships
    assert [sorted(p.parties) for p in found] == [["Kestrel Energy NV", "Northern Investment Bank"]]


@pytest.mark.parametrize(
    "before", ["there is not one ", "Not a single ", "signed without a ", "there was no formal "]
)
def test_words_that_deny_an_agreement_are_read_before_its_noun(before: str) -> None:
    from govwatch.pipeline.tag.partnerships import _NEGATED

    assert _NEGATED.search(before) is not None
