"""End-to-end tagging: the seed announcement, determinism, fuzzing and adversarial inputs."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from govwatch.pipeline.records import Annotations
from govwatch.pipeline.tag import tag_text
from tests.pipeline.tag.tag_cases import FIXTURES

SEED = json.loads((FIXTURES / "gold" / "000_openai_uk_mou.json").read_text(encoding="utf-8"))
SEED_TEXT = "\n".join(SEED["paragraphs"])


def _check_offsets(text: str, annotations: Annotations) -> None:
    """Every piece of evidence must point inside the text and at its sentence."""
    evidence = [f.evidence for f in annotations.figures] + [e.evidence for e in annotations.entities]
    evidence += [e for p in annotations.partnerships for e in p.evidence]
    for item in evidence:
        assert item is not None
        assert 0 <= item.start <= item.end <= len(text)
        assert text[item.start : item.end] in item.sentence


@pytest.mark.parametrize(
    "variant",
    [
        pytest.param(lambda t: t, id="as written"),
        pytest.param(
            lambda t: t.replace("Signed today", "Signed\u00a0today").replace(
                " OpenAI CEO", "\u00a0OpenAI\u00a0CEO"
            ),
            id="no-break spaces as the repaired GOV.UK page has them",
        ),
        pytest.param(lambda t: t.replace("\n", " "), id="paragraphs run together"),
    ],
)
def test_seed_signatories_are_the_technology_secretary_and_openai_ceo(variant: Any) -> None:
    text = variant(SEED_TEXT)
    (mou,) = tag_text(text, title=SEED["title"], organisations=SEED["organisations"]).partnerships
    assert [(s.name, s.role, s.party) for s in mou.signatories] == [
        ("Peter Kyle", "Technology Secretary", "UK Government"),
        ("Sam Altman", "CEO", "OpenAI"),
    ]


def test_seed_two_billion_is_for_ai_growth_zones() -> None:
    figures = tag_text(SEED_TEXT, organisations=SEED["organisations"]).figures
    assert [(f.value, f.purpose) for f in figures if f.kind == "money" and f.value == 2e9] == [
        (2e9, "AI Growth Zones")
    ]


def test_seed_announcement_yields_one_signed_mou() -> None:
    annotations = tag_text(SEED_TEXT, title=SEED["title"], organisations=SEED["organisations"])
    (mou,) = annotations.partnerships
    assert (mou.kind, set(mou.parties), mou.status) == (
        "memorandum_of_understanding",
        {"OpenAI", "UK Government"},
        "signed",
    )
    assert {(s.name, s.role) for s in mou.signatories} == {
        ("Peter Kyle", "Technology Secretary"),
        ("Sam Altman", "CEO"),
    }
    assert mou.legal_nature == "voluntary, not legally binding"
    money = {(f.value, f.currency, f.qualifier) for f in annotations.figures if f.kind == "money"}
    assert money == {(2e9, "GBP", None), (500e6, "GBP", "up to")}
    assert ("count", 200.0, "bids") in {(f.kind, f.value, f.unit) for f in annotations.figures}
    assert ("duration", 2.0, "years") in {(f.kind, f.value, f.unit) for f in annotations.figures}
    _check_offsets(SEED_TEXT, annotations)


def test_tagging_is_deterministic() -> None:
    first = tag_text(SEED_TEXT, title=SEED["title"], organisations=SEED["organisations"])
    second = tag_text(SEED_TEXT, title=SEED["title"], organisations=SEED["organisations"])
    assert first == second


def test_empty_text_has_no_annotations() -> None:
    assert tag_text("") == Annotations()


_SNIPPETS = [
    "MoU",
    " signed ",
    " with ",
    "OpenAI",
    " UK ",
    " billion",
    " Secretary ",
    "Peter Kyle",
    " between ",
]
_ALPHABET = st.sampled_from([*"abcAB £$€%0123456789.,;:-–’'“”\n\t()", *_SNIPPETS, " and ", "m "])


@settings(max_examples=300, deadline=None)
@given(st.lists(_ALPHABET, max_size=80).map("".join), st.text(max_size=40))
@example(" and AA", "")  # a short capital word ending the text after "and"
def test_any_text_is_tagged_without_crashing(text: str, title: str) -> None:
    annotations = tag_text(text, title=title)
    _check_offsets(text, annotations)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_any_unicode_is_tagged_without_crashing(text: str) -> None:
    _check_offsets(text, tag_text(text, organisations=["Scottish Government"]))


@pytest.mark.timeout(60)
@pytest.mark.parametrize(
    "text",
    [
        "7" * 1_000_000,
        "£" * 1_000_000,
        "£1" * 300_000,
        "Aaaa " * 200_000,
        ("Acme Robotics " * 50 + "Ltd. ") * 2_000,
        "Technology Secretary " * 50_000,
        ("between OpenAI and " * 20_000) + "signed an MoU",
        "1, " * 300_000,
        "‘" + "A" * 500_000 + "’ tool",
        ("The MoU was signed. " * 20_000),
    ],
    ids=[
        "digits",
        "pounds",
        "pound-ones",
        "capitalised",
        "org-shapes",
        "roles",
        "parties",
        "number-list",
        "quoted",
        "repeated-mou",
    ],
)
def test_adversarial_inputs_finish(text: str) -> None:
    annotations = tag_text(text)
    assert len(annotations.partnerships) <= 1


def test_the_publishing_organisation_named_in_the_text_is_that_organisation() -> None:
    # The page's metadata says who published it; its name in the text is that organisation, even when the
    # lexicon does not know it or reads part of it as something else ("England" a place, or a programme).
    text = "Skills England has signed a contract with Acme Training Ltd to train 5,000 apprentices."
    published = tag_text(text, organisations=["Skills England"])
    assert [p.parties for p in published.partnerships] == [("Acme Training Ltd", "Skills England")]
    assert ("organisation", "Skills England") in [(e.kind, e.name) for e in published.entities]


def test_the_government_is_the_one_the_page_address_names() -> None:
    text = (
        "Today we signed a memorandum of understanding with the Government to bring our models to public "
        "servants, the Minister said."
    )

    def parties(url: str | None) -> list[tuple[str, ...]]:
        found = tag_text(text, organisations=["Northwind AI"], url=url).partnerships
        return [tuple(sorted(p.parties)) for p in found]

    assert parties("https://www.example.ca/news/models") == [("Canadian Government", "Northwind AI")]
    # A company's own .com site says nothing of which government it means: no party is guessed.
    assert parties("https://northwind.com/blog/models") == []
    # Without an address (text given to `govwatch tag`), govwatch's home sources are GOV.UK's.
    assert parties(None) == [("Northwind AI", "UK Government")]  # (sorted)


def test_a_uk_department_name_on_another_governments_page_is_that_governments() -> None:
    # GOV.UK's department names are also other countries' ("Ministry of Defence", "National Treasury"):
    # on a page another country publishes they are that country's, unless the text says "UK".
    text = "The Ministry of Defence has signed a contract with Acme Robotics Ltd for 40 survey drones."

    def parties(url: str) -> list[tuple[str, ...]]:
        found = tag_text(text, organisations=["Acme Robotics Ltd"], url=url).partnerships
        return [tuple(sorted(p.parties)) for p in found]

    assert parties("https://www.example.co.za/news/drones") == [
        ("Acme Robotics Ltd", "South African Government")
    ]
    assert parties("https://www.gov.uk/government/news/drones") == [("Acme Robotics Ltd", "UK Government")]


def test_a_headline_naming_the_parties_by_their_initials_reports_the_bodys_agreement() -> None:
    body = (
        "The Northland National Space Agency (NNSA) and the Orbis Satellite Navigation Office (OSNO) signed "
        "a memorandum of understanding on satellite navigation on Tuesday."
    )
    found = tag_text(
        body,
        title="NNSA and OSNO sign memorandum on satellite navigation",
        organisations=["Northland National Space Agency"],
    ).partnerships
    assert [(p.kind, sorted(p.parties)) for p in found] == [
        (
            "memorandum_of_understanding",
            ["Northland National Space Agency", "Orbis Satellite Navigation Office"],
        )
    ]


def test_the_government_of_a_magazine_is_the_country_its_text_names_not_its_domains() -> None:
    text = (
        "Rwanda's drive to keep technology at the centre of its growth goes on, with the government renewing "
        "its memorandum of cooperation with Japan on ICT."
    )
    found = tag_text(
        text,
        organisations=["Northwind Leadership Magazine"],
        url="https://northwindmagazine.co.uk/rwanda-japan",
    ).partnerships
    # never "UK Government" for the .co.uk; "the government" is Rwanda's, which the sentence opens with
    assert [p.parties for p in found] == [("Japanese Government", "Rwandan Government")]


def test_a_headline_naming_the_other_side_of_the_bodys_one_sided_agreement_completes_it() -> None:
    body = (
        "Northwind Council has signed a contract worth almost half a million pounds for its digital strategy."
    )
    found = tag_text(
        body,
        summary="Council signs £490,000 contract with Kestrel Consulting to write a digital strategy.",
        organisations=["Northwind Local News"],
    ).partnerships
    assert [(p.kind, sorted(p.parties)) for p in found] == [
        ("contract", ["Kestrel Consulting", "Northwind Council"])
    ]


def test_what_an_agreement_is_for_is_no_party_to_it() -> None:
    text = (
        "Northwind Rail has today announced the award of six Signalling & Telecoms (S&T) framework contracts. "
        "The Fleet Support Services contract runs for five years."
    )
    parties = {
        p for found in tag_text(text, organisations=["Northwind Rail"]).partnerships for p in found.parties
    }
    assert parties <= {"Northwind Rail"}, parties


def test_a_headline_shortening_the_bodys_names_reports_the_bodys_agreement() -> None:
    body = (
        "Zephyr Telecom Kenya has joined hands with the Open University of Kenya to train half a million "
        "people in digital skills. Senior managers of both put their signatures to the memorandum on Monday."
    )
    found = tag_text(
        body,
        title="Zephyr Telecom, Open University ink MoU on digital skills",
        organisations=["Kenya News Agency"],
    ).partnerships
    assert [(p.kind, sorted(p.parties)) for p in found] == [
        ("memorandum_of_understanding", ["Open University of Kenya", "Zephyr Telecom Kenya"])
    ]


def test_a_ministry_publishing_is_the_government_of_the_country_the_text_names_it_for() -> None:
    text = (
        "The Ministry of Digital Affairs (MDA) of the Kingdom of Norway and Japan's Ministry of Internal "
        "Affairs and Communications signed a memorandum of cooperation on 5G on Tuesday."
    )
    found = tag_text(
        text, organisations=["Ministry of Digital Affairs"], url="https://www.digitalnews.example.com/x"
    ).partnerships
    assert [sorted(p.parties) for p in found] == [["Japanese Government", "Norwegian Government"]]


def test_a_ministry_named_without_its_country_on_a_foreign_page_is_that_countrys_government() -> None:
    text = "The Ministry of Digital Transformation and the Eastern Fund signed a memorandum on e-services."
    found = tag_text(
        text, organisations=["Eastern Fund"], url="https://www.easternfund.org.ua/news/1"
    ).partnerships
    assert [sorted(p.parties) for p in found] == [["Eastern Fund", "Ukrainian Government"]]


def test_a_minister_in_a_national_news_agencys_copy_signs_for_its_countrys_government() -> None:
    text = (
        "BUSAN, Oct. 21 (Yonhap) -- The country's ICT industry is stepping up efforts in Latin America.\n"
        "Minister of Science, ICT and Future Planning Kim Min-su met on Tuesday with Nicaragua's minister of "
        "telecommunications, who is in Korea for a conference, and the two signed a memorandum of "
        "understanding (MOU) on cooperation in the ICT sector."
    )
    found = tag_text(text, organisations=["Yonhap News Agency"]).partnerships
    assert [sorted(p.parties) for p in found] == [["Nicaraguan Government", "South Korean Government"]]


def test_a_ministry_the_lexicon_knows_as_the_uks_publishing_abroad_is_that_countrys() -> None:
    text = "The Ministry of Defence has signed a framework agreement with the European Defence Agency."
    found = tag_text(
        text, organisations=["Ministry of Defence"], url="https://www.regjeringen.no/en/aktuelt/x/id1/"
    ).partnerships
    assert [sorted(p.parties) for p in found] == [["European Defence Agency", "Norwegian Government"]]
