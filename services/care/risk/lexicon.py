"""Loading the curated risk lexicons (``lexicons/*.txt``), once per process.

File format
-----------
One file per language or writing system. Blank lines and lines starting with ``#`` are ignored.

``@script hebrew|arabic|latin``
    Which script the file's patterns are written in; a message is only matched against the files
    whose script it contains, which keeps scanning cheap.
``[define]``
    Macros, one per line: ``NAME = regex``. A pattern (or a later macro) uses one as ``{NAME}``;
    names are upper case, so regex quantifiers such as ``{0,3}`` are never mistaken for macros.
``[section]`` / ``[section ?]``
    One regular expression per line, matched against :func:`care.risk.normalize.normalize` output.
    A ``?`` after the name marks cues that only count in a risk context ("everything is ready", "I've
    decided"): mundane on their own, telling once a conversation is about suicide.

Patterns are folded with :func:`care.risk.normalize.fold_letters` when they load, so Arabic may be
written with hamza seats and Hebrew with points and still match chat spellings.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from types import MappingProxyType

from care.risk.levels import RiskLevel
from care.risk.normalize import fold_letters

__all__ = [
    "ANSWER_SECTIONS",
    "AUXILIARY_SECTIONS",
    "CATEGORY_LEVELS",
    "LEXICON_FILES",
    "QUESTION_SECTIONS",
    "Lexicon",
    "LexiconError",
    "default_lexicons",
    "load_lexicon",
    "parse_lexicon",
]

LEXICON_FILES = ("he.txt", "ar.txt", "arabizi.txt", "en.txt")
SCRIPTS = frozenset({"hebrew", "arabic", "latin"})

# What a cue says on its own. A few categories only report or escalate: "means" names a method
# without saying it is at hand; "time_now" makes intent imminent.
CATEGORY_LEVELS: Mapping[str, RiskLevel] = MappingProxyType(
    {
        "hopelessness": RiskLevel.LOW,
        "passive_ideation": RiskLevel.LOW,
        "burden": RiskLevel.LOW,
        "self_harm_past": RiskLevel.LOW,
        "other_person": RiskLevel.LOW,
        "active_ideation": RiskLevel.MODERATE,
        "self_harm_urge": RiskLevel.MODERATE,
        "attempt_past": RiskLevel.LOW,
        "plan": RiskLevel.HIGH,
        "intent": RiskLevel.HIGH,
        "preparation": RiskLevel.HIGH,
        "goodbye": RiskLevel.HIGH,
        "attempt": RiskLevel.HIGH,
        "self_harm_recent": RiskLevel.HIGH,
        "means_at_hand": RiskLevel.HIGH,
        "act_in_progress": RiskLevel.IMMINENT,
        "means": RiskLevel.NONE,
        "time_now": RiskLevel.NONE,
        # A time ahead that is not now ("this weekend", "in two weeks"): with intent it is a plan.
        "time_soon": RiskLevel.NONE,
        # The act is over ("yesterday", "discharged today"): an attempt, not an act in progress.
        "act_over": RiskLevel.NONE,
        # Means on the person ("with me", "on my lap", "in my hand"): with means, imminent.
        "on_me": RiskLevel.NONE,
        # Dizziness, vomiting, drowsiness: an act under way only once an overdose was disclosed.
        "overdose_sign": RiskLevel.NONE,
        # Watching or holding something for a long time ("looking at it for an hour"): with means
        # named in the turn, means at hand now (imminent), or an aborted attempt once it is over.
        "gaze": RiskLevel.NONE,
    }
)
QUESTION_SECTIONS = (
    "ask_self_harm_history",
    "ask_attempt_history",
    "ask_place",
    "ask_act",
    "ask_medical",
    "ask_means",
    "ask_timing",
    "ask_plan",
    "ask_self_harm",
    "ask_ideation",
    "ask_safe",
    "ask_about_self",
)
ANSWER_SECTIONS = (
    "answer_later",
    "answer_ago",
    "answer_quantity",
    "answer_not_yet",
    "answer_unsure",
    "answer_maybe",
    "answer_no",
    "answer_yes",
)
AUXILIARY_SECTIONS = frozenset(
    {
        "idiom",  # figures of speech masked out before anything else is matched
        "negator",  # words that deny a cue shortly after them, in the same clause
        "blocker",  # words that end a negator's reach ("I don't care IF I die")
        "self_subject",  # the writer as the subject ("I", "אני", "أنا", "ana")
        "other_subject",  # someone else as the subject ("my friend", "היא", "صاحبتي")
        "hypothetical",  # a story, a film, "what if someone"
        "conditional",  # "if": intent under a condition is read as ideation ("if I fail I'll kill myself")
        "reported",  # someone else's words quoted or a joke ("my son said", "he joked"): not the writer's
        "ask_skip",  # counselor questions that mention risk without asking about it (safety plans)
        *QUESTION_SECTIONS,
        *ANSWER_SECTIONS,
    }
)
_SECTION = re.compile(r"\[\s*([a-z_]+)\s*(\?)?\s*\]")
_DEFINE = re.compile(r"([A-Z][A-Z0-9_]*)\s*=\s*(.+)")
_MACRO = re.compile(r"\{([A-Z][A-Z0-9_]*)\}")


class LexiconError(ValueError):
    """A lexicon file is malformed; the message names the file and line."""


@dataclass(frozen=True)
class Lexicon:
    name: str
    script: str
    # Section name -> one compiled alternation; contextual cues separately.
    patterns: Mapping[str, re.Pattern[str]]
    contextual: Mapping[str, re.Pattern[str]]


def _expand(text: str, macros: Mapping[str, str], where: str) -> str:
    def replace(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in macros:
            raise LexiconError(f"{where}: unknown macro {{{name}}}")
        return macros[name]

    return _MACRO.sub(replace, text)


def parse_lexicon(name: str, text: str) -> Lexicon:
    """Parse one lexicon file's text; raises ``LexiconError``."""
    script: str | None = None
    macros: dict[str, str] = {}
    lines: dict[tuple[str, bool], list[str]] = {}
    section: tuple[str, bool] | None = None
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        where = f"{name}:{number}"
        if not line or line.startswith("#"):
            continue
        if line.startswith("@script"):
            script = line.removeprefix("@script").strip()
            if script not in SCRIPTS:
                raise LexiconError(f"{where}: script must be one of {sorted(SCRIPTS)}")
            continue
        header = _SECTION.fullmatch(line)
        if header:
            section_name, contextual = header.group(1), header.group(2) is not None
            if section_name != "define" and section_name not in CATEGORY_LEVELS:
                if section_name not in AUXILIARY_SECTIONS:
                    raise LexiconError(f"{where}: unknown section [{section_name}]")
                if contextual:
                    raise LexiconError(f"{where}: [{section_name}] cannot be contextual")
            section = (section_name, contextual)
            continue
        if section is None:
            raise LexiconError(f"{where}: text before the first [section]")
        if section[0] == "define":
            definition = _DEFINE.fullmatch(line)
            if not definition:
                raise LexiconError(f"{where}: a [define] line reads NAME = regex")
            macros[definition.group(1)] = "(?:" + _expand(definition.group(2).strip(), macros, where) + ")"
            continue
        pattern = fold_letters(_expand(line, macros, where))
        try:
            re.compile(pattern)
        except re.error as error:
            raise LexiconError(f"{where}: bad regular expression ({error})") from None
        lines.setdefault(section, []).append(pattern)
    if script is None:
        raise LexiconError(f"{name}: missing @script line")
    patterns: dict[str, re.Pattern[str]] = {}
    context_only: dict[str, re.Pattern[str]] = {}
    for (section_name, is_contextual), alternatives in lines.items():
        compiled = re.compile("|".join(f"(?:{p})" for p in alternatives))
        (context_only if is_contextual else patterns)[section_name] = compiled
    return Lexicon(name, script, MappingProxyType(patterns), MappingProxyType(context_only))


def load_lexicon(file_name: str) -> Lexicon:
    text = resources.files("care.risk").joinpath("lexicons", file_name).read_text("utf-8")
    return parse_lexicon(file_name, text)


@cache
def default_lexicons() -> tuple[Lexicon, ...]:
    """The project's lexicons, parsed and compiled on first use."""
    return tuple(load_lexicon(name) for name in LEXICON_FILES)
