"""Tagging: partnerships, figures, entities and topics found in repaired text.

`tag_text` is the one entry point the pipeline calls; `normalise_money` turns "£100m" into
(100000000.0, "GBP") for the alert filters. The rules are deterministic and read word lists from
`lexicons/*.toml`; pass `lexicon=load_lexicon(*folders)` to add your own (the commands take the folders
from `[tagging] lexicon_dirs` or `GOVWATCH_LEXICON_DIR`).
"""

from __future__ import annotations

from govwatch.pipeline.tag.figures import normalise_money
from govwatch.pipeline.tag.lexicon import Lexicon, load_lexicon
from govwatch.pipeline.tag.tagger import tag_text

__all__ = ["Lexicon", "load_lexicon", "normalise_money", "tag_text"]
