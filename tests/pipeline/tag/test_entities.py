from __future__ import annotations

import itertools
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from govwatch.pipeline.tag import tag_text
from govwatch.pipeline.tag.entities import (
    _find_shaped,
    _patterns,
    find_mentions,
    mentions_to_entities,
    resolve_self_party,
)
from govwatch.pipeline.tag.lexicon import find_words, load_lexicon
from govwatch.pipeline.tag.sentences import split_sentences
from tests.pipeline.tag.tag_cases import load_cases


def _entities(text: str) -> list[list[Any]]:
    lexicon = load_lexicon()
    mentions = find_mentions(text, lexicon)
    return [[e.kind, e.name, e.role] for e in mentions_to_entities(text, mentions, split_sentences(text))]


@pytest.mark.parametrize("case", load_cases("entities.json"))
def test_entities_match_case_table(case: dict[str, Any]) -> None:
    assert _entities(case["input"]) == case["expected"]


def test_mentions_never_overlap() -> None:
    text = "Imperial College London and the UK AI Security Institute met in London with Acme Robotics Ltd."
    mentions = find_mentions(text, load_lexicon())
    for first, second in itertools.pairwise(mentions):
        assert first.end <= second.start


def test_entity_evidence_points_at_the_first_mention() -> None:
    text = "Intro.\nOpenAI met Nvidia. OpenAI left."
    entities = mentions_to_entities(text, find_mentions(text, load_lexicon()), split_sentences(text))
    openai = next(e for e in entities if e.name == "OpenAI")
    assert openai.evidence is not None
    assert text[openai.evidence.start : openai.evidence.end] == "OpenAI"
    assert openai.evidence.sentence == "OpenAI met Nvidia."


@pytest.mark.parametrize(
    ("organisations", "expected"),
    [
        (["Department for Science, Innovation and Technology"], "UK Government"),
        (["Scottish Government"], "Scottish Government"),
        (["Innovate UK"], "Innovate UK"),
        ([], "UK Government"),
        (["Building Digital UK"], "Building Digital UK"),
        (["Department for Widgets"], "UK Government"),
    ],
)
def test_publisher_decides_who_the_government_is(organisations: list[str], expected: str) -> None:
    assert resolve_self_party(organisations, load_lexicon()) == expected


def test_the_government_in_an_agency_announcement_is_the_uk_government() -> None:
    lexicon = load_lexicon()
    text = "Ofcom will work with the government."
    self_party = resolve_self_party(["Ofcom"], lexicon)
    names = [m.name for m in find_mentions(text, lexicon, self_party) if m.kind == "government"]
    assert (self_party, names) == ("Ofcom", ["UK Government"])


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            ["Acme", "Robotics", "Ltd", "Local", "Digital", "Fund", "of", "the", "and", " ", ".", "\n", "x"]
        ),
        max_size=30,
    )
)
def test_shaped_names_are_found_as_a_whole_text_scan_finds_them(words: list[str]) -> None:
    text = " ".join(words)
    lexicon = load_lexicon()
    patterns = _patterns(
        lexicon.organisation_suffixes,
        lexicon.organisation_heads,
        lexicon.programme_suffixes,
        lexicon.tool_nouns,
    )
    for pattern, suffix in (
        (patterns.organisation, patterns.organisation_suffix),
        (patterns.programme, patterns.programme_suffix),
    ):
        expected = [m.span() for m in find_words(pattern, text)]
        assert [m.span() for m in _find_shaped(pattern, suffix, text)] == expected


@pytest.mark.parametrize(
    ("text", "organisations"),
    [
        # A job before a known name is no organisation; the person holds it.
        (
            "It was signed by Northwind Space Agency Chief Executive Ana Lopes and Canadian Space Agency "
            "President Lisa Campbell.",
            ["Northwind Space Agency", "Canadian Space Agency"],
        ),
        # An acronym and "and" open a list, not a longer name.
        (
            "The memorandum between NCSA and the Finnish Transport and Communications Agency was signed.",
            ["Finnish Transport and Communications Agency"],
        ),
        # "<job> of the <body>": the body, without the job.
        (
            "It was signed by Dr Sipho Dlamini, Chief Executive Officer of the South African National Space Agency.",
            ["South African National Space Agency"],
        ),
        (
            "It was signed by Li Wei, Vice Administrator of the Meridian National Space Administration.",
            ["Meridian National Space Administration"],
        ),
        # "New" opens a place's name, not only a sentence.
        (
            "The memorandum was signed with the New Zealand Office of the Privacy Commissioner.",
            ["New Zealand Office"],
        ),
    ],
)
def test_jobs_are_not_organisations(text: str, organisations: list[str]) -> None:
    found = [m.name for m in find_mentions(text, load_lexicon()) if m.kind == "organisation"]
    assert found == organisations


@pytest.mark.parametrize(
    "text",
    [
        "The declaration was signed by MTU Secretary-General Ana Lopes.",
        "The partnership was signed by Executive Vice-President Margrethe Vestager.",
        "The charter was signed by the Northwind University Vice-Chancellor, Professor Ana Lopes.",
        "The memorandum was signed by H.E. Ana Lopes, Minister of Digital Affairs.",
        "It was signed by Li Wei, Vice Administrator of the Meridian National Space Administration.",
        "Governor Ana Lopes signed an Executive Order creating the institute.",
        "The contract went to Elche-based launch company Northwind Space.",
        "NWTA Administrator Ana Lopes and Orbis Commissioner Jan Kowal signed the memorandum.",
        "The memorandum was exchanged by NWTA Chairman Ana Lopes and KISA Vice Chairman Jan Kowal.",
        "Ana Lopes, Northwind Fibre’s chief executive, said the contracts confirmed the company's lead.",
    ],
)
def test_jobs_and_honorifics_are_no_names(text: str) -> None:
    named = [m.name for m in find_mentions(text, load_lexicon()) if m.kind in ("organisation", "name")]
    jobs = (
        "Secretary-General",
        "Vice-President",
        "Vice-Chancellor",
        "H.E.",
        "Li Wei",
        "Administrator",
        "Lopes",
        "Order",
        "Kowal",
        "Vice",
    )
    assert not [name for name in named if name.endswith(jobs)]


@pytest.mark.parametrize(
    ("text", "publishers", "organisations"),
    [
        # A known name opening a list does not swallow the next body's name.
        (
            "The University of Northwind and Glasgow Science Centre signed a memorandum.",
            ["University of Northwind"],
            ["University of Northwind", "Glasgow Science Centre"],
        ),
        (
            "The University of Strathclyde and Glasgow Science Centre signed a memorandum.",
            [],
            ["University of Strathclyde", "Glasgow Science Centre"],
        ),
        (
            "Kestrel Metropolitan City and the Northwind Telecommunications Research Institute signed it.",
            [],
            ["Kestrel Metropolitan City", "Northwind Telecommunications Research Institute"],
        ),
        (
            "The Company and the Asia-Pacific Orbital Cooperation Organization signed it.",
            [],
            ["Asia-Pacific Orbital Cooperation Organization"],
        ),
    ],
)
def test_two_bodies_joined_by_and_are_two(text: str, publishers: list[str], organisations: list[str]) -> None:
    found = find_mentions(text, load_lexicon(), publishers=publishers)
    # (a body whose name has no known shape, "Kestrel Metropolitan City", is a bare name: a party all the same)
    assert [m.name for m in found if m.kind in ("organisation", "name")] == organisations


def test_a_person_named_before_a_bodys_job_signs_for_that_body() -> None:
    text = (
        "Kathryn D. Sullivan, Ph.D., acting NOAA Administrator, and Alain Ratier, EUMETSAT's Director-General, "
        "signed the extension."
    )
    found = find_mentions(text, load_lexicon(), self_party="NOAA", publishers=["NOAA"], home=None)
    people = {m.name: m.party for m in found if m.kind == "person"}
    assert people == {"Kathryn D. Sullivan": "NOAA", "Alain Ratier": "EUMETSAT"}


def test_a_country_whose_name_ends_as_an_organisations_does_is_a_place() -> None:
    found = find_mentions("The agreement with the Russian Federation was renewed.", load_lexicon())
    assert [(m.kind, m.name) for m in found] == [("place", "Russia")]


def test_a_us_state_named_after_a_country_is_no_country() -> None:
    found = find_mentions("Taos Pueblo, New Mexico, received a broadband grant.", load_lexicon())
    assert ("place", "New Mexico") in [(m.kind, m.name) for m in found]
    assert all(m.party != "Mexican Government" for m in found)


def test_three_capitals_name_a_body_but_a_currency_code_does_not() -> None:
    text = "The deal with the HBC is worth KRW 5 billion and DKK 40 million."
    mentions = find_mentions(text, load_lexicon(), name_spans=[(0, len(text))])
    assert [m.name for m in mentions if m.kind == "name"] == ["HBC"]


def test_a_datelines_city_before_its_region_is_no_name() -> None:
    text = "Indore (Madhya Pradesh): The conclave saw seven MoUs signed with the state government."
    names = [m.name for m in find_mentions(text, load_lexicon()) if m.kind == "name"]
    assert "Indore" not in names


def test_aircraft_types_fleets_and_contract_numbers_are_no_bodies() -> None:
    text = (
        "The minister announced three support contract extensions for the Royal Canadian Air Force's "
        "CH-149 Cormorant and CP-140 Aurora fleets. The Army awarded a $5 million contract for the Stryker "
        "family of vehicles to Carbro Constructors Corp under W912DS-19-C-0035."
    )
    names = {
        e.name for e in tag_text(text, organisations=["Public Services and Procurement Canada"]).entities
    }
    assert {"Royal Canadian Air Force", "Carbro Constructors Corp"} <= names
    assert not names & {"CH-149 Cormorant", "CP-140 Aurora", "Stryker", "W912DS-19-C-0035"}
