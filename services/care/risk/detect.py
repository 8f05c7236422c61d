"""Risk detection on one help-seeker turn, read in its conversation context.

The lexicons (``lexicons/*.txt``) supply cues by category; this module decides which of them stand:

1. Idioms are masked first ("מתתי מצחוק", "بموت فيك", "dying to see"), so their words match nothing.
2. A cue with a negator shortly before it in the same clause is a denial ("I'm not going to hurt myself",
   "مش رح أأذي حالي"). Cues that carry their own negation ("I don't want to live") are written as such
   in the lexicon and are risk, because the negator sits inside the match, not before it.
3. A cue whose nearest subject is someone else ("my friend said she wants to die"), or that sits in a
   hypothetical or a story, is about someone else: it is reported as ``other_person`` or
   ``hypothetical`` and caps at low. Exposure to another's suicidality is worth a counselor's note,
   never an alert.
4. Contextual cues ("everything is ready next to me", "I've decided") count only in a risk context:
   the conversation already reached moderate, the turn answers a risk question with risk, or the same
   turn carries a moderate-or-above cue. ``means_at_hand`` is always treated so: a soldier on guard
   duty mentioning his rifle is no alert by itself.
5. A yes/no answer to the counselor's risk question is read by :mod:`care.risk.context`.
6. Intent, a plan, preparation or a goodbye together with a time that is now or means at hand is
   imminent; so is means at hand once the conversation was already high. Intent under a condition
   ("if I fail I'll kill myself") reads as active ideation (moderate).

The output is a level and category names; no text, offsets or matched words ever leave this module.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from functools import cache
from typing import Protocol

from care.risk.context import (
    AnswerKind,
    QuestionKind,
    answer_kind,
    answer_rule,
    asks_timing,
    has_question,
    question_kind,
    question_kinds,
)
from care.risk.levels import RiskLevel
from care.risk.lexicon import CATEGORY_LEVELS, Lexicon, default_lexicons
from care.risk.normalize import clause_starts, fold_letters, normalize, sentence_starts

__all__ = [
    "RiskDetector",
    "TurnClassifier",
    "TurnContext",
    "TurnRisk",
    "default_detector",
    "detect",
]

# Tokens before a cue that a negator may stand in: "I would never really want to die".
NEGATION_WINDOW = 3
_TOKEN = re.compile(r"[\w']+")
_SCRIPT_TESTS = {
    "hebrew": re.compile("[\u05d0-\u05ea]"),
    "arabic": re.compile("[\u0620-\u064a]"),
    "latin": re.compile("[a-z]"),
}
_INTENT_LIKE = frozenset({"intent", "plan", "preparation", "goodbye"})
_PAST_OVERRIDES = {"self_harm_recent": "self_harm_past", "attempt": "attempt_past"}
_ATTEMPTS = frozenset({"attempt", "attempt_past"})
# Categories that never raise the level by themselves.
_MARKERS = frozenset({"means", "time_now", "time_soon", "act_over", "on_me", "overdose_sign", "gaze"})
# Questions that only a risk conversation asks: an answer to them is read in a risk context.
_RISK_QUESTIONS = frozenset(
    {QuestionKind.IDEATION, QuestionKind.PLAN, QuestionKind.TIMING, QuestionKind.PLACE, QuestionKind.ACT}
)
# A yes to these during an act in progress belongs to that act ("yes" to "thinking of jumping?" on a
# balcony).
_EPISODE_QUESTIONS = frozenset(
    {
        QuestionKind.PLACE,
        QuestionKind.MEANS_WHERE,
        QuestionKind.MEANS,
        QuestionKind.TIMING,
        QuestionKind.PLAN,
        QuestionKind.ACT,
    }
)
_WHERE_QUESTIONS = frozenset({QuestionKind.MEANS_WHERE, QuestionKind.MEANS, QuestionKind.PLACE})
_NOW_QUESTIONS = frozenset({QuestionKind.TIMING, *_WHERE_QUESTIONS})
_ACT_QUESTIONS = frozenset({QuestionKind.ACT, QuestionKind.MEDICAL, *_WHERE_QUESTIONS})
_COUNT = re.compile(r"(?<!\w)\d{1,3}(?!\w)")
_LETTER = re.compile(r"[^\W\d_]")
# Contextual preparation acts in one turn that stand without a risk context.
_PREPARATION_CLUSTER = 2
# A new main clause with the writer as subject ends an "if" clause's reach: "if I ask they will ask
# questions, and I'm not sure I want to give up the plan" is no condition on the plan.
_IF_AFTER = re.compile(r"(?<!\w)(?:if|unless|אם|אלא אם|اذا|لو|الا اذا|iza|eza|law)(?!\w)")
# Means kept away (a safe, a closet, storage, the car, "at home"): access, not means at hand now.
_STORED = re.compile(
    fold_letters(
        r"(?<!\w)(?:ב|ו?ב)?(?:כספת|מחסן|ארון|מרתף|בוידעם|רכב|אוטו)(?!\w)|"
        r"(?<!\w)و?(?:ب|في )(?:ال)?(?:خزان[ةه]|خزن[ةه]|مخزن|سيار[ةه]|بيت|دار)(?!\w)|"
        r"(?<!\w)(?:bl|bel|fi el|fel) ?(?:5azane|khazane|sayyara|sayara|beit|bet|dar)(?!\w)|"
        r"(?<!\w)(?:in (?:the|a|my) (?:safe|closet|car|storage|garage)|locked (?:up|away))(?!\w)"
    )
)
# The means were handed over or thrown away: "I gave them to him".
_HANDED = re.compile(
    fold_letters(
        r"(?<!\w)(?:ו|ש)?(?:נתתי|מסרתי|זרקתי|העברתי) (?:אותם |אותן |אותו |אותה )?"
        r"(?:ל(?:ו|ה|הם|שותף|אמא|אבא)|לפח)|"
        r"(?<!\w)(?:ו|ש)?(?:זרק|זרקה|זרקו|לקח|לקחה|לקחו|החביא|החביאה|החביאו) (?:\S+ )?"
        r"(?:את )?(?:מה ש|כל |הכל|הכול|אותם|אותן|ה(?:כדורים|תרופות|נשק|סכינים))|"
        r"(?<!\w)و?(?:رمت|رمى|رموا|كبت|كب|كبوا|خبت|خبى|خبوا|شالت|شال|شالوا)(?:ه|ها|هم|ن)? "
        r"(?:\S+ )?(?:اللي ضل|اللي بقي|الباقي|كلهم|كل ال|الحبوب|الدوا|السلاح)|"
        r"(?<!\w)و?(?:عطيت|اعطيت|سلمت|رميت|كبيت)(?:ه|ها|هم|ن)?(?!\w)|"
        r"(?<!\w)(?:3atet|3tet|a3tet|sallamt|rmet|kabbet)\w*|"
        r"(?<!\w)(?:gave (?:them|it) (?:to|away)|threw (?:them|it) (?:out|away)|"
        r"handed (?:them|it) (?:over|to))"
    )
)
# "But not now": the thoughts are affirmed, a time or means now are denied.
_NOT_NOW = re.compile(
    fold_letters(
        r"(?<!\w)(?:לא עכשיו|לא כרגע|مش هلا|مش هلأ|مش هلق|مش الحين|مش هلقيت|مش هسا|مو الحين|"
        r"msh hal2|msh hala2|mesh hala2|mish hala2|msh halla2|not now|not right now)(?!\w)"
    )
)
# Means on the body or a first step taken: "I put it on my arm", "I drank a glass of wine".
_IN_HAND = re.compile(
    fold_letters(
        r"(?<!\w)(?:ו|ש)?(?:שתיתי|שמתי (?:אותו|אותה|אותם)|מחזיק|מחזיקה|ביד שלי|על היד)(?!\w)|"
        r"(?<!\w)و?(?:حطيت\w*|ماسك|ماسكه|شربت|بايدي|على ايدي|ع ايدي)(?!\w)|"
        r"(?<!\w)(?:7atet\w*|maske|masek|shrebt|b ?2idi|3a 2idi)(?!\w)|"
        r"(?<!\w)(?:holding|drank|in my hand|on my (?:arm|wrist))(?!\w)"
    )
)
# "It doesn't matter, it's already late" after an act: the act is under way.
_TOO_LATE = re.compile(
    fold_letters(
        r"(?<!\w)(?:כבר מאוחר|מאוחר מדי|מאוחר מידי|فات الاوان|فات الأوان|خلص فات|صار متأخر|"
        r"fat el awan|fat el 2awan|too late|already late)(?!\w)"
    )
)
# "When I was 17", "at 16": an attempt or self-harm told with an age is history.
_AT_AGE = re.compile(
    fold_letters(
        r"(?<!\w)(?:כשהייתי (?:בן|בת) \d+|בגיל \d+|لما كان عمري \d+|لما كنت بعمر \d+|"
        r"وانا عمري \d+|كان عمري \d+|"
        r"بعمر \d+|lama kan 3omri \d+|when i was \d+|at (?:age )?\d+)(?!\w)"
    )
)
# "Tonight, no; I'm just tired": a denial of the time that closes on plain tiredness.
_JUST_TIRED = re.compile(
    fold_letters(
        r"(?<!\w)(?:אני )?(?:רק|פשוט|סתם) (?:\S+ )?(?:עייף|עייפה|מותש|מותשת|גמור|גמורה)(?!\w)|"
        r"(?<!\w)(?:انا )?(?:بس|فقط|مجرد|بس يعني) (?:\S+ )?"
        r"(?:تعبان|تعبانه|متعب|متعبه|مرهق|مرهقه|نعسان|نعسانه)(?!\w)|"
        r"(?<!\w)(?:تعبان|تعبانه|متعب|متعبه|مرهق|مرهقه) (?:فقط|بس)(?!\w)|"
        r"(?<!\w)(?:bas|bs|bass) (?:\w+ )?(?:ta3ban|t3ban|ta3bane|t3bane|ta3bana|mt3ab|mit3ab)(?!\w)|"
        r"(?<!\w)(?:just|only) (?:\w+ )?(?:tired|exhausted|worn out)(?!\w)"
    )
)
_CONDITION_RESET = re.compile(r"[,;:]\s*(?:ו|و|and |w |bas |but )?(?:אני|انا|i|ana)\b")


@dataclass(frozen=True)
class TurnContext:
    """What a turn is read against: the risk question just asked and how far the conversation got."""

    question: QuestionKind | None = None
    prior_level: RiskLevel = RiskLevel.NONE
    # Lower-priority risk questions asked in the same message ("thoughts of suicide? a plan?"): when
    # the first question's rule needs more prior risk than there is, the next one's rule is tried.
    also_asked: tuple[QuestionKind, ...] = ()
    # The counselor's last message, for a classifier trained on (context, turn) pairs only; the
    # lexicon path never needs it.
    counselor_text: str | None = None


@dataclass(frozen=True)
class TurnRisk:
    """The level one help-seeker turn expresses, and the names of the cue categories behind it."""

    level: RiskLevel
    categories: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        return self.level.label


class TurnClassifier(Protocol):
    """A model that reads one turn (optionally with the counselor's last message) and gives a level."""

    def classify(self, text: str, context: str | None = None) -> RiskLevel: ...


@dataclass(frozen=True)
class _Hit:
    category: str
    start: int
    end: int
    contextual: bool
    lexicon: Lexicon


@dataclass
class _Reading:
    counted: set[str] = field(default_factory=set)
    contextual: set[str] = field(default_factory=set)
    denied: set[str] = field(default_factory=set)
    others: set[str] = field(default_factory=set)
    conditional: set[str] = field(default_factory=set)
    # Distinct contextual preparation cues that stood: settling affairs is ordinary one act at a time,
    # telling when several come together ("paid my debts, found a home for the cat").
    preparation_acts: list[tuple[int, int]] = field(default_factory=list)


def _union(lexicons: Iterable[Lexicon], section: str) -> re.Pattern[str] | None:
    parts = [lex.patterns[section].pattern for lex in lexicons if section in lex.patterns]
    return re.compile("|".join(f"(?:{p})" for p in parts)) if parts else None


def _last_end(pattern: re.Pattern[str] | None, text: str) -> int:
    if pattern is None:
        return -1
    return max((m.end() for m in pattern.finditer(text)), default=-1)


def _start_before(starts: Sequence[int], position: int) -> int:
    return max((s for s in starts if s <= position), default=0)


class RiskDetector:
    """Lexicon-based risk detection, with an optional classifier whose level is combined by maximum."""

    def __init__(
        self,
        lexicons: Sequence[Lexicon] | None = None,
        classifier: TurnClassifier | None = None,
    ) -> None:
        self.lexicons = tuple(lexicons) if lexicons is not None else default_lexicons()
        self.classifier = classifier
        self._negator = _union(self.lexicons, "negator")
        self._blocker = _union(self.lexicons, "blocker")
        self._self_subject = _union(self.lexicons, "self_subject")
        self._other_subject = _union(self.lexicons, "other_subject")
        self._hypothetical = _union(self.lexicons, "hypothetical")
        self._conditional = _union(self.lexicons, "conditional")
        self._reported = _union(self.lexicons, "reported")
        self._ago = _union(self.lexicons, "answer_ago")

    # --- counselor turns ------------------------------------------------------------------------

    def question(self, counselor_text: str) -> tuple[bool, QuestionKind | None]:
        """Whether a counselor message asks anything, and which risk question it asks, if any."""
        norm = normalize(counselor_text)
        lexicons = self._lexicons_for(norm)
        return has_question(norm), question_kind(norm, lexicons)

    def questions(self, counselor_text: str) -> tuple[QuestionKind, ...]:
        """Every risk question a counselor message asks, highest priority first."""
        norm = normalize(counselor_text)
        return question_kinds(norm, self._lexicons_for(norm))

    # --- help-seeker turns ----------------------------------------------------------------------

    def assess(self, text: str, context: TurnContext | None = None) -> TurnRisk:
        context = context or TurnContext()
        norm = normalize(text)
        if not _LETTER.search(norm):
            return TurnRisk(RiskLevel.NONE)
        lexicons = self._lexicons_for(norm)
        masked = self._mask_idioms(norm, lexicons)
        reading = self._read_cues(masked, lexicons)

        categories: set[str] = set()
        levels: list[RiskLevel] = [RiskLevel.NONE]
        answer_level = RiskLevel.NONE
        answer = AnswerKind.OTHER
        not_now = bool(_NOT_NOW.search(masked))
        handed = bool(_HANDED.search(masked))
        # "I'm in the car, all the pills are with me": means on the person outweigh a place that could
        # also be where means are kept.
        stored = bool(_STORED.search(masked)) and "on_me" not in reading.counted
        if context.question is not None or context.counselor_text:
            answer = answer_kind(masked, lexicons)
        asked = (context.question, *context.also_asked) if context.question is not None else ()
        # "Yes, but not now, no pills now": the thoughts stand, a time or means now do not.
        if not_now and answer is AnswerKind.LATER:
            not_now = False
        if not_now:
            asked = tuple(kind for kind in asked if kind not in _NOW_QUESTIONS)
        # "Yes, they're on the table, I gave them to him": the means were handed over.
        if handed:
            asked = tuple(kind for kind in asked if kind not in _WHERE_QUESTIONS)
        if asked:
            denies_ideation = bool(reading.denied & {"active_ideation", "passive_ideation"})
            negated_content = (
                answer is AnswerKind.OTHER
                and self._negator is not None
                and bool(self._negator.search(masked))
            )
            first_end = next(iter(sentence_starts(masked)[1:]), len(masked))
            # "No plan, it's more like noise in my head": a content answer that denies the plan is a
            # "no" to it, which still confirms the thoughts below it.
            if negated_content and asked[0] is QuestionKind.PLAN:
                answer = AnswerKind.NO
            rule = next(
                (
                    r
                    for kind in asked
                    if (r := answer_rule(kind, answer)) is not None and context.prior_level >= r.min_prior
                ),
                None,
            )
            # A content answer counts only when its first sentence does not deny ("I don't have any" is
            # no access; "in the car. End of the month if it doesn't work out" is).
            if (
                rule is not None
                and answer is AnswerKind.OTHER
                and asked[0] is QuestionKind.MEANS_WHERE
                and self._negator is not None
                and self._negator.search(masked[:first_end])
            ):
                rule = None
            if rule is not None and not (answer is AnswerKind.NO and denies_ideation):
                answer_level = rule.level
                # "Yes, this weekend" to "are you planning to do it soon?": a time ahead, not now.
                if (
                    answer_level == RiskLevel.IMMINENT
                    and "time_soon" in reading.counted
                    and "time_now" not in reading.counted
                ):
                    answer_level = RiskLevel.HIGH
                categories.add(
                    "affirmed_question"
                    if answer in (AnswerKind.YES, AnswerKind.MAYBE)
                    else "answered_question"
                )
        # "Not tonight, in two weeks" to any question once thoughts are disclosed: intent for later.
        if (
            answer is AnswerKind.LATER
            and context.counselor_text
            and asks_timing(normalize(context.counselor_text))
            and context.prior_level >= RiskLevel.MODERATE
            and answer_level < RiskLevel.HIGH
        ):
            answer_level = RiskLevel.HIGH
            categories.add("answered_question")
        # "Yes, it's in the safe": access, not means at hand now.
        if stored and answer_level == RiskLevel.IMMINENT and context.question in _WHERE_QUESTIONS:
            answer_level = RiskLevel.HIGH
        if not_now and answer_level > RiskLevel.MODERATE:
            answer_level = RiskLevel.MODERATE
        just_tired = (
            answer in (AnswerKind.NO, AnswerKind.OTHER, AnswerKind.UNSURE)
            and bool(_JUST_TIRED.search(masked))
            and not any(CATEGORY_LEVELS[c] >= RiskLevel.MODERATE for c in reading.counted)
        )
        if just_tired:
            answer_level = RiskLevel.NONE
        levels.append(answer_level)

        strong_levels = [
            CATEGORY_LEVELS[c] for c in reading.counted if c not in _MARKERS and c != "means_at_hand"
        ]
        in_risk_context = (
            context.prior_level >= RiskLevel.MODERATE
            or answer_level >= RiskLevel.MODERATE
            or any(level >= RiskLevel.MODERATE for level in strong_levels)
        )
        risk_active = in_risk_context or context.question in _RISK_QUESTIONS
        standing = set(reading.counted)
        # "Absolutely not... I decided to stop watching it": a denial's other words are not risk cues.
        denial_answer = context.question is not None and answer is AnswerKind.NO
        if in_risk_context and not denial_answer:
            standing |= reading.contextual
        else:
            standing.discard("means_at_hand")
        if stored or handed or not_now:
            standing.discard("means_at_hand")
        # "Tonight, no; I'm just tired": the time named is the one denied.
        if not_now or just_tired:
            standing.discard("time_now")
        # Dizziness or vomiting is an overdose under way only once an overdose is on the table.
        if (
            "overdose_sign" in reading.counted
            and not denial_answer
            and (context.prior_level >= RiskLevel.HIGH or "means" in reading.counted)
            and risk_active
        ):
            standing.add("act_in_progress")
        # "Maybe 20 Acamol, a quarter of an hour ago": means with a count or a time ago, in a risk
        # conversation, is an act under way (an attempt once it is over: "yesterday", "discharged").
        if (
            risk_active
            and not denial_answer
            and "means" in reading.counted
            and (_COUNT.search(masked) or (self._ago is not None and self._ago.search(masked)))
        ):
            standing.add("act_in_progress")
        # "The weapon is with me" / "it's on my lap" (asked where it is): means on the person.
        means_on_me = (
            "on_me" in reading.counted
            and not denial_answer
            and ("means" in reading.counted or context.question in _WHERE_QUESTIONS)
            and risk_active
            and not (stored or handed or not_now)
        )
        if means_on_me:
            standing.add("means_at_hand")
        # "The gun is next to me, I've been looking at it for an hour": means watched or held for a
        # long time are at hand now; told as over ("two days ago ... then I put it down") it was an
        # aborted attempt.
        means_watched = (
            "gaze" in reading.counted
            and "means" in reading.counted
            and not denial_answer
            and not (stored or handed or not_now)
        )
        if means_watched:
            if "act_over" in reading.counted:
                standing.add("attempt")
            else:
                standing.add("means_at_hand")
        # "I decided. On the anniversary, in two weeks" / "the day before it I'll end it": an intent
        # cue tied to a date, in reply to a risk question or after distress, stands as intent.
        dated = reading.contextual & _INTENT_LIKE
        if (
            dated
            and not denial_answer
            and {"time_soon", "time_now"} & reading.counted
            and (risk_active or context.prior_level >= RiskLevel.LOW)
        ):
            standing |= dated
        # "I swallowed pills yesterday, they discharged me today": the act is over -- an attempt.
        if "act_in_progress" in standing and "act_over" in reading.counted:
            standing.discard("act_in_progress")
            standing.add("attempt")
            standing.discard("time_now")
        for category in standing - _MARKERS:
            level = CATEGORY_LEVELS[category]
            if category in reading.conditional:
                level = min(level, RiskLevel.MODERATE)
            levels.append(level)
        categories |= standing - {"time_now", "time_soon", "act_over"}
        if "means" in categories and max(levels) < RiskLevel.MODERATE:
            categories.discard("means")

        unconditional = (standing & _INTENT_LIKE) - reading.conditional
        intent_like = bool(unconditional) or answer_level >= RiskLevel.HIGH
        urgent = "time_now" in standing or "means_at_hand" in standing
        if intent_like and urgent and in_risk_context:
            levels.append(RiskLevel.IMMINENT)
            if "time_now" in standing:
                categories.add("time_now")
        if "means_at_hand" in standing and context.prior_level >= RiskLevel.HIGH:
            levels.append(RiskLevel.IMMINENT)
        if means_on_me or (means_watched and "attempt" not in standing):
            levels.append(RiskLevel.IMMINENT)
        # A yes to "thinking of jumping?" / "are the pills with you?" while an act is under way.
        if (
            context.prior_level >= RiskLevel.IMMINENT
            and answer is AnswerKind.YES
            and not not_now
            and answer_level >= RiskLevel.MODERATE
            and context.question in _EPISODE_QUESTIONS
        ):
            levels.append(RiskLevel.IMMINENT)
        # In an act under way, "not yet" to "did you take them?" keeps the means in hand, and "it's
        # already too late" says the act is done.
        if context.prior_level >= RiskLevel.IMMINENT and (
            (
                answer is AnswerKind.NOT_YET
                and context.question in _ACT_QUESTIONS
                and (_IN_HAND.search(masked) or "means_at_hand" in standing)
            )
            or _TOO_LATE.search(masked)
        ):
            levels.append(RiskLevel.IMMINENT)
        # "Yes, tonight" to "are you thinking of suicide?" carries a time, like wanting to die tonight.
        if answer_level == RiskLevel.MODERATE and "time_now" in standing:
            levels.append(RiskLevel.HIGH)
            categories.add("time_now")
        # Wanting to die "tonight" is more than a thought; with the means at hand it is imminent.
        if "active_ideation" in standing and "time_now" in standing:
            levels.append(RiskLevel.IMMINENT if "means_at_hand" in standing else RiskLevel.HIGH)
            categories.add("time_now")

        # "Yeah, maybe this weekend": a time ahead, not now -- a plan (high), not imminent.
        if ("time_soon" in standing and "time_now" not in standing) and (
            answer_level == RiskLevel.MODERATE or ("active_ideation" in standing and answer_level)
        ):
            levels.append(RiskLevel.HIGH)
            categories.add("time_soon")
        level = max(levels)
        # In an acute episode (a plan, an act under way) renewed suicidal talk belongs to that episode:
        # "I don't want to go on" from someone on a roof is not a new, lower-level thought.
        # Only the turn's own words carry it: a "sometimes" to "do you also think of dying?" or a
        # "no, no plan" after self-harm was disclosed is read as what it says, not lifted to the episode.
        own_cue = any(level >= RiskLevel.MODERATE for level in strong_levels)
        if own_cue and not reading.denied and context.prior_level >= RiskLevel.HIGH:
            level = max(level, context.prior_level)
        if reading.others and level < RiskLevel.LOW:
            level = RiskLevel.LOW
        categories |= reading.others
        if reading.denied and level <= RiskLevel.LOW:
            categories.add("denial")

        if self.classifier is not None:
            model_level = self.classifier.classify(text, context.counselor_text)
            if model_level > level:
                level = model_level
                categories.add("classifier")
        return TurnRisk(level, tuple(sorted(categories)))

    # --- internals ------------------------------------------------------------------------------

    def _lexicons_for(self, norm: str) -> tuple[Lexicon, ...]:
        scripts = {name for name, test in _SCRIPT_TESTS.items() if test.search(norm)}
        return tuple(lex for lex in self.lexicons if lex.script in scripts)

    @staticmethod
    def _mask_idioms(norm: str, lexicons: Sequence[Lexicon]) -> str:
        masked = norm
        for lexicon in lexicons:
            idiom = lexicon.patterns.get("idiom")
            if idiom is not None:
                masked = idiom.sub(lambda m: " " * len(m.group(0)), masked)
        return masked

    def _hits(self, masked: str, lexicons: Sequence[Lexicon]) -> list[_Hit]:
        hits: list[_Hit] = []
        for lexicon in lexicons:
            for contextual, sections in ((False, lexicon.patterns), (True, lexicon.contextual)):
                for category, pattern in sections.items():
                    if category not in CATEGORY_LEVELS:
                        continue
                    hits.extend(
                        _Hit(category, m.start(), m.end(), contextual, lexicon)
                        for m in pattern.finditer(masked)
                        if m.end() > m.start()
                    )
        # "I cut myself years ago" is history, not recent self-harm.
        pasts = [h for h in hits if h.category in _PAST_OVERRIDES.values()]
        # "I tried to kill myself" reports an attempt; the words "kill myself" inside it are not a
        # present thought of suicide, so the attempt (or its history) alone decides.
        attempts = [h for h in hits if h.category in _ATTEMPTS]
        # "In the news a boy from our village killed himself": a cue inside a report about someone
        # else is that report, not the writer's thought.
        others = [h for h in hits if h.category == "other_person"]
        return [
            h
            for h in hits
            if not any(
                p.category == _PAST_OVERRIDES.get(h.category) and p.start < h.end and h.start < p.end
                for p in pasts
            )
            and not (
                h.category == "active_ideation"
                and any(a.start <= h.start and h.end <= a.end for a in attempts)
            )
            and not any(o.start <= h.start and h.end <= o.end and o is not h for o in others)
        ]

    def _read_cues(self, masked: str, lexicons: Sequence[Lexicon]) -> _Reading:
        reading = _Reading()
        unconditional: set[str] = set()
        clauses = clause_starts(masked)
        sentences = sentence_starts(masked)
        reported = self._reported_spans(masked, sentences)
        for hit in self._hits(masked, lexicons):
            if hit.category == "other_person":
                reading.others.add("other_person")
                continue
            clause = masked[_start_before(clauses, hit.start) : hit.start]
            if self._negated(clause):
                if hit.category not in _MARKERS:
                    reading.denied.add(hit.category)
                continue
            sentence_start = _start_before(sentences, hit.start)
            sentence = masked[sentence_start : hit.start]
            # "When I was 17 I tried to kill myself": history told with an age.
            if hit.category in _PAST_OVERRIDES and _AT_AGE.search(sentence):
                hit = replace(hit, category=_PAST_OVERRIDES[hit.category])
            if hit.category not in _MARKERS and any(s <= hit.start < e for s, e in reported):
                reading.others.add("other_person")
                continue
            if hit.category not in _MARKERS:
                # The subject is read up to the cue's end, so a first-person word inside the cue
                # ("בדי", "myself", "حالي") outranks "my friend said" earlier in the sentence.
                through = masked[sentence_start : hit.end]
                own = _last_end(self._self_subject, through)
                if _last_end(self._hypothetical, sentence) > own:
                    reading.others.add("hypothetical")
                    continue
                if _last_end(self._other_subject, through) > own:
                    reading.others.add("other_person")
                    continue
            if hit.category in _INTENT_LIKE:
                clause_end = min((c for c in clauses if c > hit.end), default=len(masked))
                conditional = self._conditioned(sentence, masked[hit.end : clause_end])
                (reading.conditional if conditional else unconditional).add(hit.category)
            (reading.contextual if hit.contextual else reading.counted).add(hit.category)
            # Two lexicons of one script may match the same words; count places, not matches.
            if (
                hit.contextual
                and hit.category in ("preparation", "plan")
                and not any(s < hit.end and hit.start < e for s, e in reading.preparation_acts)
            ):
                reading.preparation_acts.append((hit.start, hit.end))
        if len(reading.preparation_acts) >= _PREPARATION_CLUSTER:
            reading.counted.add("preparation")
        # A category is conditional only if every one of its cues was.
        reading.conditional -= unconditional
        return reading

    def _reported_spans(self, masked: str, sentences: Sequence[int]) -> list[tuple[int, int]]:
        """Where someone else's words or a joke run: from a reporting word to the sentence's end."""
        if self._reported is None:
            return []
        spans = []
        for match in self._reported.finditer(masked):
            end = min((s for s in sentences if s > match.end()), default=len(masked))
            spans.append((match.start(), end))
        return spans

    def _conditioned(self, before: str, after: str) -> bool:
        """Whether an "if" governs a cue: earlier in its sentence (no new main clause between) or
        later in its own clause ("I'll do it if he leaves")."""
        if self._conditional is None:
            return False
        last = None
        for match in self._conditional.finditer(before):
            last = match
        if last is not None and not _CONDITION_RESET.search(before, last.end()):
            return True
        return bool(_IF_AFTER.search(after))

    def _negated(self, clause: str) -> bool:
        if self._negator is None:
            return False
        tokens = _TOKEN.findall(clause)[-NEGATION_WINDOW:]
        if not tokens:
            return False
        window = " ".join(tokens)
        last = None
        for match in self._negator.finditer(window):
            last = match
        if last is None:
            return False
        rest = window[last.end() :]
        return not (self._blocker is not None and self._blocker.search(rest))


@cache
def default_detector() -> RiskDetector:
    """A lexicon-only detector over the project's lexicons, built once."""
    return RiskDetector()


def detect(text: str, context: TurnContext | None = None) -> TurnRisk:
    """The risk one help-seeker turn expresses, with the default detector."""
    return default_detector().assess(text, context)
