"""A user's lexicon folder that adds one organisation, and a sentence only that folder lets the tagger read.

The bundled lexicon does not know "ZQS", so without the folder the tagger knows the company only by its
initials; with it, the memorandum is between the UK Government and Zephyrion Quantum Systems.
"""

from __future__ import annotations

from pathlib import Path

ZQS_TEXT = "ZQS today signed a memorandum of understanding with the UK government on quantum computing."
ZQS_PARTIES = ("UK Government", "Zephyrion Quantum Systems")
ZQS_PARTIES_UNKNOWN = ("UK Government", "ZQS")
_ORGANISATION = '[[organisation]]\nname = "Zephyrion Quantum Systems"\naliases = ["ZQS"]\n'


def zqs_lexicon_folder(parent: Path) -> Path:
    """Write the folder (one `organisations.toml`) under `parent` and return it."""
    folder = parent / "lexicon"
    folder.mkdir()
    (folder / "organisations.toml").write_text(_ORGANISATION, encoding="utf-8")
    return folder
