"""The lexical rules: what a counselor must not be offered to say, found in folded text.

Every rule reads its patterns from ``care.safety.lexicon`` and the context words of ``common.*``:
negators, disclaimers ("I won't tell you that..."), attributions (what others say, what the
help-seeker feels), asking frames ("do you have...?", "האם", "هل") and suggesting frames ("why don't
you...?"). Context is looked up in the sentence of a hit, and negation only in its clause, so "it's
not your fault" passes while "no, it's your fault" does not.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from care.safety.lexicon import Lexicon
from care.safety.text import Prepared, Sentence

METHOD_OR_MEANS = "method_or_means"
MINIMISING = "minimising"
BLAMING = "blaming"
STIGMATISING = "stigmatising"
MORALISING = "moralising"
SECRECY_PROMISE = "secrecy_promise"
MEDICAL_DOSING = "medical_dosing"

LEXICAL_REASONS = (
    METHOD_OR_MEANS,
    MINIMISING,
    BLAMING,
    STIGMATISING,
    MORALISING,
    SECRECY_PROMISE,
    MEDICAL_DOSING,
)

# How many words before a hit a negator may stand and still negate it ("I don't think it's your fault").
NEGATION_WINDOW = 5
IMPERATIVE_NEGATION_WINDOW = 2
_TOKEN = re.compile(r"[\w'\"-]+")
_CLAUSE_PUNCTUATION = re.compile(r"[,:()]| - ")


class _Context:
    """Context look-ups over one prepared candidate; every answer is per sentence or clause."""

    def __init__(self, prepared: Prepared, lexicon: Lexicon) -> None:
        self.p = prepared
        self.lex = lexicon
        self._negator = lexicon["common", "negator"]
        self._contrast = lexicon["common", "contrast"]
        self._intensifier = lexicon["common", "intensifier"]
        self._relative_head = lexicon["common", "relative_head"]

    def sentence_text(self, sentence: Sentence) -> str:
        return self.p.text[sentence.start : sentence.end]

    def before(self, start: int) -> tuple[Sentence, str]:
        sentence = self.p.sentence_at(start)
        return sentence, self.p.text[sentence.start : start]

    def clause_before(self, start: int) -> str:
        _, prefix = self.before(start)
        cut = 0
        for match in _CLAUSE_PUNCTUATION.finditer(prefix):
            cut = match.end()
        for match in self._contrast.finditer(prefix):
            cut = max(cut, match.end())
        # "No matter what", "לא משנה", "مهما": their own negator must not negate what follows.
        for match in self._intensifier.finditer(prefix):
            cut = max(cut, match.end())
        return prefix[cut:]

    def negated(self, start: int, window: int = NEGATION_WINDOW) -> bool:
        tokens = [t.strip("'\"-") for t in _TOKEN.findall(self.clause_before(start))]
        first = max(0, len(tokens) - window)
        return any(
            self._negator.fullmatch(tokens[i])
            # "كل ما تقوله": "ما" after "كل" is a relative pronoun, not a negator.
            and not (i > 0 and self._relative_head.fullmatch(tokens[i - 1]))
            for i in range(first, len(tokens))
        )

    def cue_before(self, start: int, category: str, kind: str) -> bool:
        _, prefix = self.before(start)
        return self.lex[category, kind].search(prefix) is not None

    def in_sentence(self, sentence: Sentence, category: str, kind: str) -> bool:
        return self.lex[category, kind].search(self.p.text, sentence.start, sentence.end) is not None

    def asking(self, sentence: Sentence, match: re.Match[str]) -> bool:
        """A question about the person ("do you have pills at home?"), not a suggestion in disguise.

        The asking word must stand outside the hit itself: "what did you expect?" and "מה ציפית?"
        are rhetorical, their question word is part of the phrase.
        """
        if not sentence.question:
            return False
        asking = self.lex["common", "asking"]
        spans = ((sentence.start, match.start()), (match.end(), sentence.end))
        outside = any(
            # "מה, אתה פסיכי?", "what, you're crazy?": a question word cut off by a comma is an interjection.
            not self.p.text.startswith(",", cue.end())
            for start, end in spans
            for cue in asking.finditer(self.p.text, start, end)
        )
        return (
            outside
            and not self.in_sentence(sentence, "common", "suggesting")
            and not self.in_sentence(sentence, "common", "leading")
        )

    def hits(self, category: str, kind: str) -> Iterator[tuple[re.Match[str], Sentence]]:
        for match in self.lex[category, kind].finditer(self.p.text):
            yield match, self.p.sentence_at(match.start())


def _attitude(category: str) -> Callable[[_Context], bool]:
    """Minimising, blaming, stigmatising and moralising share one shape: a phrase, unless negated,
    disclaimed, attributed to someone else, or asked about."""

    def rule(ctx: _Context) -> bool:
        for _ in ctx.hits(category, "absolute"):
            return True
        for match, sentence in ctx.hits(category, "phrase"):
            if ctx.in_sentence(sentence, "common", "leading"):
                return True
            if ctx.negated(match.start()):
                continue
            if ctx.cue_before(match.start(), "common", "disclaimer"):
                continue
            if ctx.cue_before(match.start(), "common", "attribution"):
                continue
            if ctx.asking(sentence, match):
                continue
            return True
        return False

    return rule


def _secrecy(ctx: _Context) -> bool:
    for _ in ctx.hits(SECRECY_PROMISE, "absolute"):
        return True
    for match, sentence in ctx.hits(SECRECY_PROMISE, "phrase"):
        # "I can't promise it stays between us", "...unless your life is in danger": honest limits.
        if ctx.negated(match.start()) or ctx.in_sentence(sentence, "common", "exception"):
            continue
        if ctx.cue_before(match.start(), "common", "disclaimer"):
            continue
        if ctx.cue_before(match.start(), "common", "attribution"):
            continue
        return True
    return False


def _method(ctx: _Context) -> bool:
    cat = METHOD_OR_MEANS
    for _ in ctx.hits(cat, "strong"):
        return True
    for match, sentence in ctx.hits(cat, "combo"):
        # "Could you give the pills to someone?", "don't jump", "have you thought of jumping?", and
        # "you said you thought of hanging yourself": the person's own words reflected back.
        if ctx.negated(match.start()) or ctx.in_sentence(sentence, cat, "restriction"):
            continue
        if ctx.asking(sentence, match) or ctx.cue_before(match.start(), "common", "attribution"):
            continue
        return True
    for _match, sentence in ctx.hits(cat, "lethality"):
        if not (ctx.in_sentence(sentence, cat, "means") or ctx.in_sentence(sentence, cat, "act")):
            continue
        # "Pills can be deadly - could you give them to your mother?": the reason for restricting means.
        if ctx.in_sentence(sentence, cat, "restriction") and not ctx.in_sentence(sentence, cat, "amount"):
            continue
        return True
    for match, sentence in ctx.hits(cat, "amount"):
        if not (ctx.in_sentence(sentence, cat, "act") or ctx.in_sentence(sentence, cat, "means")):
            continue
        if ctx.negated(match.start()) or ctx.in_sentence(sentence, cat, "restriction"):
            continue
        # "כמה כדורים יש?": the amount is the question itself ("how many"), not a count offered.
        if sentence.question and match.group().startswith("כמה"):
            continue
        if ctx.asking(sentence, match):
            continue
        return True
    for match, sentence in ctx.hits(cat, "howto"):
        if not (ctx.in_sentence(sentence, cat, "act") or ctx.in_sentence(sentence, cat, "means")):
            continue
        # "Have you looked up how to do it?" asks about a plan; "I won't explain how" refuses.
        if ctx.negated(match.start()) or ctx.cue_before(match.start(), "common", "disclaimer"):
            continue
        if ctx.asking(sentence, match) or ctx.in_sentence(sentence, cat, "restriction"):
            continue
        return True
    return False


def _medical(ctx: _Context) -> bool:
    cat = MEDICAL_DOSING
    for _ in ctx.hits(cat, "strong"):
        return True
    # A dose in units ("50 mg") or a named drug with a number ("quetiapine 25") needs no "take":
    # stated at all, it is advice. Asking, reflecting what was taken or prescribed, or sending the
    # person to their prescriber is assessment, not advice.
    for kind in ("dose", "drug"):
        for match, sentence in ctx.hits(cat, kind):
            if kind == "drug" and not ctx.in_sentence(sentence, cat, "number"):
                continue
            if ctx.negated(match.start()) or ctx.asking(sentence, match):
                continue
            if ctx.in_sentence(sentence, cat, "taken") or ctx.in_sentence(sentence, cat, "doctor"):
                continue
            if ctx.cue_before(match.start(), "common", "attribution"):
                continue
            return True
    for match, sentence in ctx.hits(cat, "amount"):
        if not ctx.in_sentence(sentence, cat, "advise"):
            continue
        if ctx.negated(match.start()) or ctx.asking(sentence, match):
            continue
        return True
    for match, sentence in ctx.hits(cat, "adjust"):
        # "Talk to your doctor before changing the dose" defers to the prescriber.
        if ctx.negated(match.start()) or ctx.in_sentence(sentence, cat, "doctor"):
            continue
        if ctx.asking(sentence, match) or ctx.cue_before(match.start(), "common", "attribution"):
            continue
        return True
    for match, sentence in ctx.hits(cat, "recommend"):
        # An imperative is negated only right before it ("אל תיקחי", "لا تاخدي", "don't take"); a
        # negator further back belongs to another clause ("إذا مش قادرة تنامي خدي حبة").
        if ctx.negated(match.start(), IMPERATIVE_NEGATION_WINDOW) or ctx.in_sentence(sentence, cat, "doctor"):
            continue
        if ctx.asking(sentence, match) or ctx.cue_before(match.start(), "common", "attribution"):
            continue
        return True
    return False


RULES: tuple[tuple[str, Callable[[_Context], bool]], ...] = (
    (METHOD_OR_MEANS, _method),
    (MINIMISING, _attitude(MINIMISING)),
    (BLAMING, _attitude(BLAMING)),
    (STIGMATISING, _attitude(STIGMATISING)),
    (MORALISING, _attitude(MORALISING)),
    (SECRECY_PROMISE, _secrecy),
    (MEDICAL_DOSING, _medical),
)


def lexical_reasons(prepared: Prepared, lexicon: Lexicon) -> list[str]:
    ctx = _Context(prepared, lexicon.for_text(prepared.text))
    return [reason for reason, rule in RULES if rule(ctx)]
