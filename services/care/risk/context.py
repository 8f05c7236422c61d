"""Reading a help-seeker turn as an answer to the counselor's risk question just before it.

A bare "yes" carries no risk on its own; after "are you thinking of suicide?" it is active ideation,
after "do you have a plan?" it is a plan, after "do you have the pills with you now?" it is imminent.
Counselors ask these questions in a known order (ideation, then plan, then timing and means), so a
"no" further down the ladder confirms the rung below it: "no, I have no plan" after thoughts of suicide
were already disclosed still leaves those thoughts (moderate).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType

from care.risk.levels import RiskLevel
from care.risk.lexicon import Lexicon
from care.risk.normalize import sentence_starts

__all__ = [
    "AnswerKind",
    "AnswerRule",
    "QuestionKind",
    "answer_kind",
    "answer_rule",
    "has_question",
    "question_kind",
    "question_kinds",
]


class QuestionKind(StrEnum):
    """What a counselor's question asks; the order is the priority when one turn asks several."""

    SELF_HARM_HISTORY = "self_harm_history"
    ATTEMPT_HISTORY = "attempt_history"
    PLACE = "place"  # are you on the roof / at the edge now?
    ACT = "act"  # have you already done / taken something?
    MEDICAL = "medical"  # does the injury need treatment, are you bleeding?
    MEANS = "means"  # are the pills with you now?
    TIMING = "timing"  # tonight or later?
    PLAN = "plan"  # do you have a plan, an intention?
    SELF_HARM = "self_harm"  # do you hurt yourself?
    IDEATION = "ideation"  # are you thinking of suicide?
    SAFE = "safe"  # are you safe right now?
    ABOUT_SELF = "about_self"  # after a story about "a friend": is this about you?


class AnswerKind(StrEnum):
    LATER = "later"  # "later", "not tonight": a time that is not now
    AGO = "ago"  # "about 15 minutes ago": when an act happened
    QUANTITY = "quantity"  # "all of them", "20", "the whole box"
    NOT_YET = "not_yet"
    UNSURE = "unsure"
    MAYBE = "maybe"
    NO = "no"
    YES = "yes"
    OTHER = "other"  # no yes/no word at the start: an answer in content only


@dataclass(frozen=True)
class AnswerRule:
    level: RiskLevel
    # The rule holds only when the conversation already reached this level ("no plan" confirms
    # ideation only where ideation was disclosed).
    min_prior: RiskLevel = RiskLevel.NONE


_SECTION_OF_QUESTION: Mapping[QuestionKind, str] = MappingProxyType(
    {kind: f"ask_{kind.value}" for kind in QuestionKind}
)
_SECTION_OF_ANSWER: Mapping[AnswerKind, str] = MappingProxyType(
    {kind: f"answer_{kind.value}" for kind in AnswerKind if kind is not AnswerKind.OTHER}
)

_M, _H, _I, _L = RiskLevel.MODERATE, RiskLevel.HIGH, RiskLevel.IMMINENT, RiskLevel.LOW
_RULES: Mapping[QuestionKind, Mapping[AnswerKind, AnswerRule]] = MappingProxyType(
    {
        # "Are you on the roof thinking of jumping?" -- "yes" is an act in progress.
        QuestionKind.PLACE: {
            AnswerKind.YES: AnswerRule(_I),
            AnswerKind.MAYBE: AnswerRule(_I),
            AnswerKind.UNSURE: AnswerRule(_H, _M),
        },
        QuestionKind.IDEATION: {
            AnswerKind.YES: AnswerRule(_M),
            AnswerKind.MAYBE: AnswerRule(_M),
            AnswerKind.NOT_YET: AnswerRule(_M),
            AnswerKind.UNSURE: AnswerRule(_L),
        },
        # "Do you have a plan?" means a suicide plan only once some risk is on the table; asked in the
        # same message as the ideation question, that question's rule applies when this one does not.
        QuestionKind.PLAN: {
            AnswerKind.YES: AnswerRule(_H, _L),
            AnswerKind.MAYBE: AnswerRule(_H, _L),
            AnswerKind.NOT_YET: AnswerRule(_M, _M),
            AnswerKind.UNSURE: AnswerRule(_M, _M),
            AnswerKind.NO: AnswerRule(_M, _M),
            # "Not tonight, later" to "do you intend to?" is intent with a time that is not now.
            AnswerKind.LATER: AnswerRule(_H, _M),
            AnswerKind.AGO: AnswerRule(_M, _M),
            AnswerKind.QUANTITY: AnswerRule(_M, _M),
        },
        # Only asked once a plan is on the table: any answer, even "not tonight", keeps it high; a
        # "yes" to "tonight?" is intent with a time that is now.
        QuestionKind.TIMING: {
            **{kind: AnswerRule(_H, _M) for kind in AnswerKind},
            AnswerKind.YES: AnswerRule(_I, _M),
            AnswerKind.MAYBE: AnswerRule(_I, _M),
        },
        # Medication at home, "did you take something", "do you need a doctor" are ordinary questions
        # too; they read as risk answers only after risk was disclosed.
        QuestionKind.MEANS: {
            AnswerKind.YES: AnswerRule(_I, _M),
            AnswerKind.MAYBE: AnswerRule(_I, _M),
            # "Not yet" or "I'd rather not say" about the means, once suicidal thoughts are on the
            # table, leaves access open: high, not the moderate of the thoughts alone.
            AnswerKind.NOT_YET: AnswerRule(_H, _M),
            AnswerKind.UNSURE: AnswerRule(_H, _M),
            AnswerKind.NO: AnswerRule(_H, _H),
        },
        # "Did you take something?" -- "about 15 minutes ago", "all of them": the act is under way.
        QuestionKind.ACT: {
            AnswerKind.YES: AnswerRule(_I, _M),
            AnswerKind.MAYBE: AnswerRule(_I, _M),
            AnswerKind.AGO: AnswerRule(_I, _M),
            AnswerKind.QUANTITY: AnswerRule(_I, _M),
            AnswerKind.LATER: AnswerRule(_H, _M),
            AnswerKind.NOT_YET: AnswerRule(_H, _M),
            AnswerKind.UNSURE: AnswerRule(_H, _M),
        },
        # Asked about an injury or an overdose just disclosed: any answer ("it's not deep") is still
        # about that act, so the turn stays high.
        QuestionKind.MEDICAL: {
            **{kind: AnswerRule(_H, _H) for kind in AnswerKind},
            AnswerKind.YES: AnswerRule(_I, _H),
            AnswerKind.MAYBE: AnswerRule(_I, _H),
        },
        QuestionKind.SELF_HARM: {
            AnswerKind.YES: AnswerRule(_H),
            AnswerKind.MAYBE: AnswerRule(_H),
            AnswerKind.UNSURE: AnswerRule(_M),
        },
        QuestionKind.SELF_HARM_HISTORY: {AnswerKind.YES: AnswerRule(_L), AnswerKind.MAYBE: AnswerRule(_L)},
        QuestionKind.ATTEMPT_HISTORY: {AnswerKind.YES: AnswerRule(_M), AnswerKind.MAYBE: AnswerRule(_M)},
        # "Are you safe?" is also asked in panic and abuse conversations; a "no" there is about a
        # different danger, so it reads as suicide risk only once risk was already disclosed.
        QuestionKind.SAFE: {
            AnswerKind.NO: AnswerRule(_H, _M),
            AnswerKind.UNSURE: AnswerRule(_M, _M),
            AnswerKind.MAYBE: AnswerRule(_M, _M),
        },
        # A story about "someone" (hypothetical, a friend) and then "is this about you?": a yes or a
        # "kind of" discloses the thoughts the story was about.
        QuestionKind.ABOUT_SELF: {
            AnswerKind.YES: AnswerRule(_M, _L),
            AnswerKind.MAYBE: AnswerRule(_M, _L),
            AnswerKind.UNSURE: AnswerRule(_M, _L),
        },
    }
)

_QUESTION_WORDS = re.compile(r"^\W*(?:האם|هل|do you|are you|have you|did you|is there|would you)\b")
_LEADING = re.compile(r"^[\W_]+")


def _question_sentences(norm: str) -> list[str]:
    starts = sentence_starts(norm)
    ends = [*starts[1:], len(norm)]
    sentences = [norm[start:end].strip() for start, end in zip(starts, ends, strict=True)]
    return [s for s in sentences if s and (s.endswith("?") or "?" in s or _QUESTION_WORDS.search(s))]


def has_question(norm: str) -> bool:
    """Whether normalised counselor text asks anything at all."""
    return bool(_question_sentences(norm))


def question_kind(norm: str, lexicons: Sequence[Lexicon]) -> QuestionKind | None:
    """The risk question normalised counselor text asks, if any (the highest priority one)."""
    kinds = question_kinds(norm, lexicons)
    return kinds[0] if kinds else None


def question_kinds(norm: str, lexicons: Sequence[Lexicon]) -> tuple[QuestionKind, ...]:
    """Every risk question normalised counselor text asks, highest priority first."""
    found: set[QuestionKind] = set()
    for sentence in _question_sentences(norm):
        if any(
            (skip := lexicon.patterns.get("ask_skip")) is not None and skip.search(sentence)
            for lexicon in lexicons
        ):
            continue
        for kind, section in _SECTION_OF_QUESTION.items():
            for lexicon in lexicons:
                pattern = lexicon.patterns.get(section)
                if pattern is not None and pattern.search(sentence):
                    found.add(kind)
                    break
    return tuple(kind for kind in QuestionKind if kind in found)


def answer_kind(norm: str, lexicons: Sequence[Lexicon]) -> AnswerKind:
    """How normalised help-seeker text starts: yes, no, not yet, maybe, don't know, or otherwise."""
    text = _LEADING.sub("", norm)
    for kind, section in _SECTION_OF_ANSWER.items():
        for lexicon in lexicons:
            pattern = lexicon.patterns.get(section)
            if pattern is not None and pattern.match(text):
                return kind
    return AnswerKind.OTHER


def answer_rule(question: QuestionKind, answer: AnswerKind) -> AnswerRule | None:
    return _RULES[question].get(answer)
