"""Turn pydantic's validation errors into one line per mistake that names the file and the key.

A location is said the way a person finds it in the TOML file (`[kafka] partitions`,
`[[sources]] #2 (dsit) url`), or as the `GOVWATCH_*` variable that set the value; an unknown key or
section gets the nearest known one.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields
from typing import Any

from pydantic import ValidationError


@dataclass(frozen=True, slots=True, kw_only=True)
class ConfigLayout:
    """The shape of the config file: its sections, its arrays of tables, and keys spelt differently in
    the file than in the model (`interval` for `interval_s`)."""

    sections: Mapping[str, type]
    arrays: Mapping[str, type]
    renamed: Mapping[str, Mapping[str, str]]

    def _known_keys(self, loc: Sequence[int | str]) -> list[str]:
        """The keys allowed where an unknown one was found, for "did you mean"."""
        if len(loc) == 1:
            return [*self.sections, *self.arrays]
        cls = self.sections.get(str(loc[0])) or self.arrays.get(str(loc[0]))
        if cls is None:
            return []
        renames = {v: k for k, v in self.renamed.get(str(loc[0]), {}).items()}
        return [renames.get(f.name, f.name) for f in fields(cls)]

    def _doc_of(self, loc: Sequence[int | str]) -> str:
        cls = self.sections.get(str(loc[0])) or self.arrays.get(str(loc[0]))
        found = [f.metadata.get("doc", "") for f in fields(cls) if f.name == str(loc[-1])] if cls else []
        return str(found[0]) if found else ""

    def _where(self, loc: Sequence[int | str], raw: Mapping[str, Any]) -> str:
        """A location as a person finds it in the file: `[kafka] partitions`, `[[sources]] #2 (dsit) url`."""
        if not loc:
            return "(top level)"
        head = str(loc[0])
        if head in self.arrays and len(loc) > 1 and isinstance(loc[1], int):
            items = raw.get(head)
            name = ""
            if isinstance(items, list) and loc[1] < len(items) and isinstance(items[loc[1]], dict):
                name = f" ({items[loc[1]].get('name')})" if items[loc[1]].get("name") else ""
            renames = {v: k for k, v in self.renamed.get(head, {}).items()}
            rest = " ".join(renames.get(str(part), str(part)) for part in loc[2:])
            return f"[[{head}]] #{loc[1] + 1}{name}" + (f" {rest}" if rest else "")
        if len(loc) == 1:
            return f"[[{head}]]" if head in self.arrays else f"[{head}]"
        return f"[{head}] " + " ".join(str(part) for part in loc[1:])

    def message(self, loc: tuple[int | str, ...], error: Mapping[str, Any]) -> str:
        """One pydantic error as a person would say it, with "did you mean" for unknown keys."""
        kind = error["type"]
        if kind in ("unexpected_keyword_argument", "extra_forbidden"):
            unknown = str(loc[-1])
            close = difflib.get_close_matches(unknown, self._known_keys(loc), n=1, cutoff=0.6)
            what = "section" if len(loc) == 1 else "key"
            hint = (
                f"; did you mean {close[0]!r}?" if close else f"; known: {', '.join(self._known_keys(loc))}"
            )
            return f"unknown {what}{hint}"
        if kind == "missing":
            return f"is required: {self._doc_of(loc)}"
        if kind == "literal_error":
            return f"must be one of {error['ctx']['expected']}, not {error.get('input')!r}"
        if kind == "tuple_type" and len(loc) == 1 and loc[0] in self.arrays:
            return f"write each entry as [[{loc[0]}]] (double brackets), one table per entry"
        if kind in ("tuple_type", "list_type"):
            return f'must be a list, like ["a", "b"], not {error.get("input")!r}'
        if kind == "dataclass_type" and len(loc) == 1:
            return f"must be a table: write [{loc[0]}] on its own line, then its keys"
        message = str(error["msg"])
        return message.removeprefix("Value error, ")

    def error_lines(
        self, exc: ValidationError, raw: Mapping[str, Any], origins: Mapping[tuple[str, str], str], path: str
    ) -> list[str]:
        """One line per error: the file (or the variable) and the key, then what is wrong."""
        lines = []
        for error in exc.errors():
            loc = tuple(error["loc"])
            variable = origins.get((str(loc[0]), str(loc[1]))) if len(loc) >= 2 else None
            where = variable if variable else f"{path}: {self._where(loc, raw)}"
            lines.append(f"{where}: {self.message(loc, error)}")
        return lines
