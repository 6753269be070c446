from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from govwatch.pipeline.tag.lexicon import load_lexicon
from govwatch.pipeline.tag.topics import find_topics
from tests.pipeline.tag.tag_cases import load_cases


@pytest.mark.parametrize("case", load_cases("topics.json"))
def test_topics_match_case_table(case: dict[str, Any]) -> None:
    assert list(find_topics(case["input"], load_lexicon(), title=case["title"])) == case["expected"]


def test_extra_lexicon_adds_a_topic(tmp_path: Path) -> None:
    (tmp_path / "space.toml").write_text(
        '[topics.space]\nstrong = ["satellite", "satellites", "launch site"]\n'
    )
    text = "New satellites will fly from the launch site."
    assert "space" not in find_topics(text, load_lexicon())
    assert "space" in find_topics(text, load_lexicon(tmp_path))
