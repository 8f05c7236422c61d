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
from care.risk.normalize import fold_letters, sentence_starts

__all__ = [
    "AnswerKind",
    "AnswerRule",
    "QuestionKind",
    "answer_kind",
    "answer_rule",
    "asks_timing",
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
    MEANS_WHERE = "means_where"  # where are the pills / the rifle now?
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
            AnswerKind.MAYBE: AnswerRule(_H, _M),
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
            # "Pills" / "from the bridge" to "how?": an answer in content, once risk is disclosed.
            AnswerKind.OTHER: AnswerRule(_H, _M),
        },
        # Only asked once a plan is on the table: any answer, even "not tonight", keeps it high; a
        # "yes" to "tonight?" is intent with a time that is now.
        QuestionKind.TIMING: {
            **{kind: AnswerRule(_H, _M) for kind in AnswerKind},
            AnswerKind.YES: AnswerRule(_I, _M),
            # "Maybe, I don't know" to "tonight?" leaves it open: high, not imminent.
            AnswerKind.MAYBE: AnswerRule(_H, _M),
        },
        # Medication at home, "did you take something", "do you need a doctor" are ordinary questions
        # too; they read as risk answers only after risk was disclosed.
        QuestionKind.MEANS: {
            AnswerKind.YES: AnswerRule(_I, _M),
            AnswerKind.MAYBE: AnswerRule(_H, _M),
            # "Not yet" or "I'd rather not say" about the means, once suicidal thoughts are on the
            # table, leaves access open: high, not the moderate of the thoughts alone.
            AnswerKind.NOT_YET: AnswerRule(_H, _M),
            AnswerKind.UNSURE: AnswerRule(_H, _M),
            AnswerKind.NO: AnswerRule(_H, _H),
            # "Not tonight, it's in the closet" to "is it next to you now?": intent for later.
            AnswerKind.LATER: AnswerRule(_H, _M),
        },
        # "Where are the pills?" -- "in the wardrobe, between the clothes": any place that is not a
        # denial is access to the means, once risk is on the table.
        QuestionKind.MEANS_WHERE: {
            AnswerKind.YES: AnswerRule(_I, _M),
            AnswerKind.MAYBE: AnswerRule(_H, _M),
            AnswerKind.NOT_YET: AnswerRule(_H, _M),
            AnswerKind.UNSURE: AnswerRule(_H, _M),
            AnswerKind.NO: AnswerRule(_H, _H),
            AnswerKind.LATER: AnswerRule(_H, _M),
            AnswerKind.OTHER: AnswerRule(_H, _M),
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

# A question about suicide is recognised by its TOPIC (a closed vocabulary in every language) when no
# worded question pattern above caught it; its KIND then comes from cue words, and a topic question
# with no cue asks about thoughts (ideation). Method questions ("thinking of jumping?") ask for a plan.
_P_HE = r"(?<!\w)(?:ו?(?:ש|כש|ל|ב|מ|כ)?ה?)?"
_AR = r"(?<!\w)[وف]?(?:ب|ل|ال|بال|عال|لل|ع)?"
_END = r"(?!\w)"
# Acts that are methods: a question about them asks for a plan.
_TOPIC_ACT = (
    _P_HE + r"(?:לקפוץ|תקפוץ|תקפצי|קפיצה|לתלות|להיתלות|תתלה|תתלי)" + _END,
    _AR + r"(?:تنط|تنطي|تقفز|تقفزي|ترمي حالك|ترمي نفسك|ترمي حالك|تشنق\w*)" + _END,
    r"(?<!\w)(?:tnot|tn[ou]t+[iy]?|to2fo?z|t2ofzi|tshno2|tishno2)" + _END,
    r"(?<!\w)(?:jump|jumping|hang yourself|hanging yourself)" + _END,
)
# Means and places: asked about only once risk is on the table.
_TOPIC_MEANS = (
    _P_HE + r"(?:כדורים|תרופות|נשק|רובה|אקדח|גשר|גג|מרפסת|מעקה|סכין|חבל ה?תלייה|לולאה)" + _END,
    _AR + r"(?:حبوب|حبات|دوا|دواء|ادويه|سلاح|بارود[ةه]|مسدس|بندقي[ةه]|حبل|جسر|سطح|"
    r"بلكون[ةه]?|شرف[ةه]|شباك|موس|سكين[ةه]?)" + _END,
    r"(?<!\w)(?:7bo+b|7ob+ob|el ?7bob|dawa|adwye|sle7|sila7|baroud[ae]|fard|7abl|"
    r"jesr|jisr|sat7|balkon[ae]?|balcon[ae]?|"
    r"shebbak|moos|sikkine)" + _END,
    r"(?<!\w)(?:pills|meds|medication|tablets|weapon|gun|rifle|rope|noose|"
    r"bridge|roof|balcony|ledge|blade|knife)" + _END,
)
_TOPIC_GOODBYE = (
    _P_HE + r"(?:מכתב\w*|פתק\w*|להיפרד|פרידה)" + _END,
    _AR + r"(?:رسال[ةه]|رسائل|رسايل|مكاتيب|وداع|تودع\w*)" + _END,
    r"(?<!\w)(?:risal[ae]|rasayel|wada3|twadde3\w*)" + _END,
    r"(?<!\w)(?:goodbye|farewell|suicide note|letters?)" + _END,
)
_TOPIC_SUICIDE = (
    _P_HE + r"(?:התאבד\w*|אובדנ\w*|קץ ל|לסיים את (?:ה)?חיי\w*|לגמור (?:עם|את) \S+|"
    r"להרוג את עצמ\w*|לפגוע בעצמ\w*|למות|"
    r"לא לחיות)",
    _AR + r"(?:انتحار|تنتحر\w*|ينتحر|تنهي حيات\w*|تخلص حيات\w*|تقتل(?:ي)? (?:حال|"
    r"نفس)\w*|تأذي (?:حال|نفس)\w*|تموت|تموتي|"
    r"الموت)" + _END,
    r"(?<!\w)(?:nt[ae]?7[ae]?r\w*|inti7ar|tentehr\w*|t[ae]?nhi 7ayat\w*|t2t[ou]l 7al\w*|tmout|tmoot|mawt)"
    + _END,
    r"(?<!\w)(?:suicid\w*|kill(?:ing)? yourself|end(?:ing)? your (?:own )?life|"
    r"hurt(?:ing)? yourself|harm(?:ing)? yourself|"
    r"die|dying|(?:be )?dead)" + _END,
)
_CUES = (
    (
        "timing",
        r"(?<!\w)(?:ו?מתי|הלילה|היום|מחר|תאריך|متى|امتى|ايمتى|وقتيش|امتا|"
        r"الليل[ةه]|اليوم|بكر[اه]|emta|imta|aimta|"
        r"waqtesh|el ?leil[ae]|el ?yom|bokra|when|tonight|today|tomorrow|date)(?!\w)",
    ),
    ("where_is", r"(?<!\w)(?:איפה|וין|وين|فين|وينه|wen|wein|fen|where)(?!\w)"),
    (
        "where",
        r"(?<!\w)(?:איפה|איתך|אצלך|לידך|עליך|עכשיו|כרגע|وين|فين|وينه|معك|معاك|"
        r"عندك|جنبك|هلق|هلا|الحين|دلوقتي|الان|"
        r"wen|wein|fen|ma3ak|ma3ik|m3ak|3andak|3indak|hala2|halla2?|where|with you|"
        r"on you|near you|next to you|right now|now)"
        r"(?!\w)",
    ),
    (
        "act",
        r"(?:עשית|לקחת|בלעת|اخدت|اخذت|بلعت|akhadt|5adt|bala3t|did you take|"
        r"have you taken|did you do|have you done)",
    ),
    (
        "plan",
        r"(?<!\w)(?:תוכנית|תכנית|איך|דרך|خط[ةه]|كيف|كيفاش|ازاي|طريق[ةه]|khett?a|"
        r"kif|kef|ezay|tari2a|plan|how)(?!\w)",
    ),
)
_PLACES = re.compile(
    fold_letters(
        r"(?:גשר|גג|מרפסת|מעקה|קצה|جسر|سطح|بلكون|شرف|شباك|jesr|jisr|sat7|balkon|"
        r"balcon|bridge|roof|balcony|ledge)"
    )
)


def _alternation(patterns: Sequence[str]) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{fold_letters(p)})" for p in patterns))


_ACT_RE = _alternation(_TOPIC_ACT)
_MEANS_RE = _alternation(_TOPIC_MEANS)
_GOODBYE_RE = _alternation(_TOPIC_GOODBYE)
_SUICIDE_RE = _alternation(_TOPIC_SUICIDE)
_CUE_RES = tuple((name, re.compile(fold_letters(pattern))) for name, pattern in _CUES)


def _topic_kinds(sentence: str) -> set[QuestionKind]:
    """The kinds a question about a suicide topic asks, read from cue words; empty without a topic.

    The topic (suicide, dying, a method, means or a place, goodbye letters) says it is a risk question;
    cue words say which: when/tonight -> timing, where/with you/now -> means (place for a roof or a
    bridge), did you take -> act, plan/how -> plan. A topic with no cue asks about thoughts.
    """
    suicide = bool(_SUICIDE_RE.search(sentence))
    act = bool(_ACT_RE.search(sentence))
    means = bool(_MEANS_RE.search(sentence))
    goodbye = bool(_GOODBYE_RE.search(sentence))
    if not (suicide or act or means or goodbye):
        return set()
    cues = {name for name, pattern in _CUE_RES if pattern.search(sentence)}
    kinds: set[QuestionKind] = set()
    if "timing" in cues:
        kinds.add(QuestionKind.TIMING)
    if "where" in cues:
        kinds.add(QuestionKind.PLACE if _PLACES.search(sentence) and not suicide else QuestionKind.MEANS)
        if means and "where_is" in cues and not _PLACES.search(sentence):
            kinds.add(QuestionKind.MEANS_WHERE)
    if "act" in cues:
        kinds.add(QuestionKind.ACT)
    if "plan" in cues or act or goodbye:
        kinds.add(QuestionKind.PLAN)
    if means and not kinds:
        kinds.add(QuestionKind.MEANS)
    if suicide or act or goodbye:
        kinds.add(QuestionKind.IDEATION)
    return kinds


_QUESTION_WORDS = re.compile(r"^\W*(?:האם|هل|do you|are you|have you|did you|is there|would you)\b")
_LEADING = re.compile(r"^[\W_]+")


def _question_sentences(norm: str) -> list[str]:
    starts = sentence_starts(norm)
    ends = [*starts[1:], len(norm)]
    sentences = [norm[start:end].strip() for start, end in zip(starts, ends, strict=True)]
    return [s for s in sentences if s and (s.endswith("?") or "?" in s or _QUESTION_WORDS.search(s))]


def asks_timing(norm: str) -> bool:
    """Whether normalised counselor text asks about a time ("tonight?", "when?")."""
    timing = _CUE_RES[0][1]
    return any(timing.search(sentence) for sentence in _question_sentences(norm))


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
        worded: set[QuestionKind] = set()
        for kind, section in _SECTION_OF_QUESTION.items():
            for lexicon in lexicons:
                pattern = lexicon.patterns.get(section)
                if pattern is not None and pattern.search(sentence):
                    worded.add(kind)
                    break
        topical = _topic_kinds(sentence)
        if not worded:
            found |= topical
        else:
            found |= worded
            found |= topical & {QuestionKind.MEANS_WHERE}
            # "Are you thinking of jumping?" is worded as ideation but names a method: a plan question.
            if worded == {QuestionKind.IDEATION} and QuestionKind.PLAN in topical:
                found.add(QuestionKind.PLAN)
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
