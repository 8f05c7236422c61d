"""Word lists the project curated for de-identification; provenance in README.md beside them.

Each list is a UTF-8 text file, one entry per line; blank lines and lines starting with "#" are
ignored. Entries are compared after NFC normalisation and, for Latin and Cyrillic, case folding.
"""

from __future__ import annotations

import unicodedata
from functools import cache
from importlib import resources


def fold(entry: str) -> str:
    return unicodedata.normalize("NFC", entry).casefold().strip()


@cache
def load_list(name: str) -> frozenset[str]:
    """The entries of ``gazetteers/<name>.txt``, folded."""
    text = resources.files(__name__).joinpath(f"{name}.txt").read_text("utf-8")
    return frozenset(
        fold(line) for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")
    )
