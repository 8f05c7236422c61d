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
from dataclasses import dataclass, field
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


# Letters that tell which languages' patterns can match a text at all.
_SCRIPTS: Mapping[str, re.Pattern[str]] = MappingProxyType(
    {"he": re.compile(r"[\u0590-\u05ff]"), "ar": re.compile(r"[\u0600-\u06ff]"), "en": re.compile(r"[a-z]")}
)
_WORD_START = r"(?<!\w)"


def _alternation(patterns: Iterable[str]) -> re.Pattern[str]:
    """One pattern for many, with the word-start look-behind most lines begin with tried once per
    position instead of once per line: mid-word positions then fail on one check."""
    patterns = list(patterns)
    if not patterns:
        return NEVER
    anchored = [p[len(_WORD_START) :] for p in patterns if p.startswith(_WORD_START)]
    rest = [p for p in patterns if not p.startswith(_WORD_START)]
    parts = [f"{_WORD_START}(?:{'|'.join(f'(?:{p})' for p in anchored)})"] if anchored else []
    parts.extend(f"(?:{p})" for p in rest)
    return re.compile("|".join(parts))


@dataclass(frozen=True)
class Lexicon:
    """Compiled patterns by (category, kind); ``for_text`` narrows them to the scripts a text uses."""

    patterns: Mapping[tuple[str, str], re.Pattern[str]]
    by_language: Mapping[str, Mapping[tuple[str, str], tuple[str, ...]]] = field(
        default_factory=lambda: MappingProxyType({})
    )
    _subsets: dict[frozenset[str], Lexicon] = field(default_factory=dict, compare=False, repr=False)

    def __getitem__(self, key: tuple[str, str]) -> re.Pattern[str]:
        return self.patterns.get(key, NEVER)

    def warm(self) -> None:
        """Compile every script subset now, so no candidate pays for the first of its kind."""
        samples = {"he": "א", "ar": "ا", "en": "a"}
        for mask in range(1 << len(LANGUAGES)):
            self.for_text(" ".join(samples[lang] for i, lang in enumerate(LANGUAGES) if mask >> i & 1))

    def for_text(self, text: str) -> Lexicon:
        """The patterns of the languages whose letters the (folded) text has: a Hebrew reply is not
        scanned with the Arabic and English lines, which cannot match it. Compiled once per subset."""
        if not self.by_language:
            return self
        present = frozenset(lang for lang, script in _SCRIPTS.items() if script.search(text))
        if present == frozenset(self.by_language):
            return self
        subset = self._subsets.get(present)
        if subset is None:
            keys = {key for lang in present for key in self.by_language[lang]}
            compiled = {
                key: _alternation(
                    p for lang in LANGUAGES if lang in present for p in self.by_language[lang].get(key, ())
                )
                for key in keys
            }
            subset = Lexicon(MappingProxyType({k: v for k, v in compiled.items()}))
            self._subsets[present] = subset
        return subset


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
    by_language: dict[str, dict[tuple[str, str], list[str]]] = {lang: {} for lang in LANGUAGES}
    for name, content in _files(directory):
        parts = name.removesuffix(".txt").split(".")
        if len(parts) != 2 or parts[1] not in LANGUAGES:
            raise LexiconError(f"{name}: expected <category>.<{'|'.join(LANGUAGES)}>.txt")
        category = parts[0]
        for kind, patterns in parse(content.splitlines(), name).items():
            collected.setdefault((category, kind), []).extend(patterns)
            by_language[parts[1]].setdefault((category, kind), []).extend(patterns)
    compiled = {key: _alternation(patterns) for key, patterns in collected.items() if patterns}
    frozen = {
        lang: MappingProxyType({key: tuple(p) for key, p in keyed.items() if p})
        for lang, keyed in by_language.items()
    }
    return Lexicon(MappingProxyType(compiled), MappingProxyType(frozen))
