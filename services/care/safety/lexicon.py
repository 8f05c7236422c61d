"""Pattern lexicons of the safety rules, as data files.

``lexicons/<category>.<lang>.txt`` holds one regular expression per line, grouped in ``[kind]``
sections; ``#`` starts a comment line. Patterns are written in the folded form of
``care.safety.text`` and go through the same letter folding when loaded. A space between words
matches any run of spaces, and a space followed by ``?`` an optional one. Macros keep Hebrew and
Arabic morphology out of every line:

``{H}``   start of a Hebrew word with optional prefix letters (ו ה ב ל מ ש כ, up to three, "ב-")
``{A}``   start of an Arabic word with optional clitics (و ف, then ب ل ك ع and/or the article)
``{B}``   start of a word; ``{E}`` end of a word
``{END}`` end of a clause: punctuation or the end of the text follows
``{gN}``  a gap of up to N words (N = 1..9), spaces included
``{num}`` a number, in digits or in words (Hebrew, Arabic, English)

All patterns of one category and kind, across languages, are compiled into one alternation.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from types import MappingProxyType

from care.safety.text import fold_letters

LANGUAGES = ("he", "ar", "en")

_NUMBER_WORDS = (
    # Hebrew (both genders), Arabic (MSA and spoken), English: the amounts a dose or a count is said in.
    "אחד|אחת|שניים|שתיים|שני|שתי|שלושה|שלוש|ארבעה|ארבע|חמישה|חמש|שישה|שש|שבעה|שבע|שמונה|תשעה|תשע|עשרה|עשר"
    "|עשרים|שלושים|ארבעים|חמישים|מאה|מאתיים|אלף|כמה"
    "|واحد|واحده|اثنين|اتنين|تنين|ثنتين|ثلاث|ثلاثه|تلات|تلاته|تلت|اربع|اربعه|خمس|خمسه|ست|سته|سبع|سبعه"
    "|ثمان|ثماني|تمن|تمنيه|تسع|تسعه|عشر|عشره|عشرين|ثلاثين|تلاتين|اربعين|خمسين|مئه|ميه|مية|الف"
    "|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|forty|fifty"
    "|hundred|a hundred|a couple of|a few|several|dozens of|a dozen"
)
_MACROS: Mapping[str, str] = MappingProxyType(
    {
        "H": r"(?<!\w)(?:[ושהבלכמ]{1,3}-?)?",
        "A": r"(?<!\w)(?:[وف])?(?:[بلكع]?ال|لل|[بلكع])?",
        "B": r"(?<!\w)",
        "E": r"(?!\w)",
        "END": r"(?=\s*(?:[.,!?;:)\"\n]|$))",
        "num": rf"(?:\d+(?:[.,]\d+)?|(?<!\w)(?:{_NUMBER_WORDS})(?!\w))",
        **{f"g{n}": rf"\s+(?:\S+\s+){{0,{n}}}" for n in range(1, 10)},
    }
)
_MACRO = re.compile(r"\{(H|A|B|E|END|num|g[1-9])\}")
NEVER = re.compile(r"(?!)")


class LexiconError(ValueError):
    """A lexicon file that cannot be read as patterns."""


def expand(pattern: str) -> str:
    """A lexicon line as a regular expression: letters folded, spaces outside [...] made flexible."""
    out: list[str] = []
    in_class = False
    escaped = False
    skip_optional = False
    source = fold_letters(pattern.strip())
    for at, ch in enumerate(source):
        if skip_optional:
            skip_optional = False
            continue
        if escaped:
            out.append(ch)
            escaped = False
        elif ch == "\\":
            out.append(ch)
            escaped = True
        elif ch == "[" and not in_class:
            in_class = True
            out.append(ch)
        elif ch == "]" and in_class:
            in_class = False
            out.append(ch)
        elif ch == " " and not in_class and source[at + 1 : at + 2] == "?":
            # "a ?b": the space is optional. Without this the "?" would make "\s+" lazy, not optional.
            out.append(r"\s*")
            skip_optional = True
        elif ch == " " and not in_class:
            if not out or out[-1] != r"\s+":
                out.append(r"\s+")
        else:
            out.append(ch)
    return _MACRO.sub(lambda m: _MACROS[m.group(1)], "".join(out))


def parse(lines: Iterable[str], source: str) -> dict[str, list[str]]:
    sections: dict[str, list[str]] = {}
    kind = ""
    for number, line in enumerate(lines, 1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if stripped.startswith("[") and stripped.endswith("]") and re.fullmatch(r"\[[a-z_]+\]", stripped):
            kind = stripped[1:-1]
            sections.setdefault(kind, [])
            continue
        if not kind:
            raise LexiconError(f"{source}:{number}: pattern before any [section]")
        expanded = expand(stripped)
        try:
            re.compile(expanded)
        except re.error as error:
            raise LexiconError(f"{source}:{number}: {error}") from None
        sections[kind].append(expanded)
    return sections


@dataclass(frozen=True)
class Lexicon:
    """Compiled patterns by (category, kind)."""

    patterns: Mapping[tuple[str, str], re.Pattern[str]]

    def __getitem__(self, key: tuple[str, str]) -> re.Pattern[str]:
        return self.patterns.get(key, NEVER)


def _files(directory: str | None) -> Iterable[tuple[str, str]]:
    if directory is not None:
        for path in sorted(Path(directory).glob("*.txt")):
            yield path.name, path.read_text(encoding="utf-8")
        return
    root = resources.files("care.safety").joinpath("lexicons")
    for entry in sorted(root.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".txt"):
            yield entry.name, entry.read_text(encoding="utf-8")


def load(directory: str | None = None) -> Lexicon:
    """Every ``<category>.<lang>.txt`` in the packaged lexicons, or in ``directory`` instead."""
    collected: dict[tuple[str, str], list[str]] = {}
    for name, content in _files(directory):
        parts = name.removesuffix(".txt").split(".")
        if len(parts) != 2 or parts[1] not in LANGUAGES:
            raise LexiconError(f"{name}: expected <category>.<{'|'.join(LANGUAGES)}>.txt")
        category = parts[0]
        for kind, patterns in parse(content.splitlines(), name).items():
            collected.setdefault((category, kind), []).extend(patterns)
    compiled = {
        key: re.compile("|".join(f"(?:{p})" for p in patterns))
        for key, patterns in collected.items()
        if patterns
    }
    return Lexicon(MappingProxyType(compiled))
