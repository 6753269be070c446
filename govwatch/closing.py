"""`with` support for anything that owns a resource and releases it in `close()`."""

from __future__ import annotations

from abc import ABC, abstractmethod
from types import TracebackType
from typing import Self


class Closing(ABC):
    """A resource that is its own context manager: `with` hands it back and closes it on the way out.

    Example:
        >>> class Door(Closing):
        ...     shut = False
        ...     def close(self) -> None:
        ...         self.shut = True
        >>> with Door() as door:
        ...     door.shut
        False
        >>> door.shut
        True
    """

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    @abstractmethod
    def close(self) -> None:
        """Release what this object holds; safe to call more than once where the resource allows."""
