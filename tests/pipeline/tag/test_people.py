from __future__ import annotations

import pytest

from govwatch.pipeline.tag.entities import find_mentions
from govwatch.pipeline.tag.lexicon import load_lexicon


@pytest.mark.parametrize(
    ("text", "name", "title", "party"),
    [
        ("Technology Secretary Peter Kyle said:", "Peter Kyle", "Technology Secretary", "UK Government"),
        ("OpenAI CEO, Sam Altman, said:", "Sam Altman", "CEO", "OpenAI"),
        ("Sam Altman, CEO of OpenAI, said:", "Sam Altman", "CEO", "OpenAI"),
        ("Science Minister Lord Vallance said:", "Lord Vallance", "Science Minister", "UK Government"),
        (
            "Met Office Chief Executive Professor Penny Endersby said:",
            "Professor Penny Endersby",
            "Chief Executive",
            "Met Office",
        ),
        # A comma after the portfolio starts the name; "Transport, Chee" is no list of portfolios.
        (
            "Chile's Minister of State for Transport, Ana Rojas Vidal, signed it.",
            "Ana Rojas Vidal",
            "Minister of State for Transport",
            "Chilean Government",
        ),
        # A country's possessive between the comma and the role says whose minister the person is.
        (
            "Mr Taro Sato, Japan’s Minister of Economy, signed it.",
            "Mr Taro Sato",
            "Minister",
            "Japanese Government",
        ),
        # A hyphenated given name may go on in lower case ("Young-min"), after a portfolio of initials.
        (
            "Korea's Minister of Science and ICT You Young-min signed it.",
            "You Young-min",
            "Minister of Science and ICT",
            "South Korean Government",
        ),
        # Names keep their letters beyond ASCII ("Ż", "ă", "í").
        (
            "Poland's Minister of Digital Affairs, Żaneta Mălină-Ruíz, signed it.",
            "Żaneta Mălină-Ruíz",
            "Minister of Digital Affairs",
            "Polish Government",
        ),
        # The role's initials in brackets may stand before the name.
        (
            "Malaysia's Minister of Economy (MOE), Mohd Rafizi Ramli, signed it.",
            "Mohd Rafizi Ramli",
            "Minister of Economy",
            "Malaysian Government",
        ),
        # A degree after "Dr." belongs to the name ("Dr. Phys."), and is no name of its own.
        (
            "Romania's Minister of Research (MCID), Dr. Phys. Radu-Mihai Dinescu, signed it.",
            "Dr Phys. Radu-Mihai Dinescu",
            "Minister of Research",
            "Romanian Government",
        ),
        # A nickname in quotes between the given name and the surname is left out of the name.
        (
            'Kenya\'s Cabinet Secretary for ICT, Eliud "Owalo" Ouma, signed it.',
            "Eliud Ouma",
            "Cabinet Secretary for ICT",
            "Kenyan Government",
        ),
    ],
)
def test_people_get_role_and_party(text: str, name: str, title: str, party: str) -> None:
    people = [m for m in find_mentions(text, load_lexicon()) if m.kind == "person"]
    assert [(p.name, p.title, p.party) for p in people] == [(name, title, party)]


def test_a_role_without_a_name_is_no_person() -> None:
    text = "The Technology Secretary said the Chief Executive agreed."
    assert [m for m in find_mentions(text, load_lexicon()) if m.kind == "person"] == []


def test_a_surname_that_is_an_agreement_word_is_part_of_a_person() -> None:
    text = "Mary Ellen Grant, Ireland’s Online Safety Commissioner, said: “We are delighted.”"
    people = [m for m in find_mentions(text, load_lexicon()) if m.kind == "person"]
    assert [(p.name, p.title) for p in people] == [("Mary Ellen Grant", "Commissioner")]


def test_a_person_called_by_the_surname_later_is_no_organisation() -> None:
    text = (
        "Acme Robotics Ltd Chief Executive Jane Marlow welcomed the deal. "
        "In Kuala Lumpur, Marlow signed a memorandum of understanding with the Malaysian Government."
    )
    names = [m.name for m in find_mentions(text, load_lexicon()) if m.kind in ("name", "organisation")]
    assert "Marlow" not in names
