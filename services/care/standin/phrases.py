"""The stand-in's phrase bank and the pure choices made from it.

Every phrase here was written for this project (synthetic, original). They are short, supportive,
counselor-style replies grouped by the ESConv support strategy labels. None names a person, gives a phone
number or link, mentions a means of self-harm, promises secrecy or assigns blame; tests/standin checks that.
Hebrew phrases use the slash form (e.g. את/ה) so they fit a texter of any gender.
"""

from __future__ import annotations

import re
import zlib
from typing import Final, Literal

from care.inference.strategies import STRATEGIES

Language = Literal["he", "ar"]

LANGUAGES: Final[tuple[Language, ...]] = ("he", "ar")

# STRATEGIES is the one ESConv label list of the project; picking by hash indexes into it, so
# reordering it changes every unsteered reply.

PHRASES: Final[dict[Language, dict[str, tuple[str, ...]]]] = {
    "he": {
        "Question": (
            "מה עובר עליך עכשיו, ברגעים האלה?",
            "תוכל/י לספר לי קצת יותר על מה שקרה?",
            "איך את/ה מרגיש/ה כרגע, כשאנחנו מדברים?",
        ),
        "Restatement or Paraphrasing": (
            "אם הבנתי נכון, הרבה דברים קורים בבת אחת וקשה להחזיק את כולם.",
            "נשמע שמה שקרה לאחרונה הוציא אותך מאיזון.",
        ),
        "Reflection of feelings": (
            "נשמע שאת/ה מרגיש/ה בודד/ה מאוד עכשיו.",
            "אני שומע/ת כמה זה מפחיד ומבלבל בשבילך.",
            "זה נשמע כואב ומתיש מאוד.",
        ),
        "Self-disclosure": (
            "גם אני מכיר/ה רגעים שבהם הכול מרגיש כבד מדי, ואני יודע/ת כמה זה לא פשוט.",
            "כשאני קורא/ת את מה שכתבת, אני מרגיש/ה איתך את הכובד הזה.",
        ),
        "Affirmation and Reassurance": (
            "זה אמיץ מאוד שפנית ושיתפת. אני כאן איתך.",
            "מה שאת/ה מרגיש/ה מובן לגמרי, ואת/ה לא לבד בזה.",
        ),
        "Providing Suggestions": (
            "אולי נוכל לחשוב יחד על צעד קטן אחד שיקל עליך הערב.",
            "אפשר לנסות לנשום לאט ועמוק כמה פעמים, ולהישאר איתי כאן בשיחה.",
            "האם יש מישהו קרוב שאפשר לפנות אליו ולהיות לידו הלילה?",
        ),
        "Information": (
            "אנשים רבים שעוברים משבר מרגישים כך, ותחושות חזקות כאלה נוטות להשתנות עם הזמן ועם תמיכה.",
            "זה בסדר לבקש עזרה יותר מפעם אחת, ואפשר לחזור ולכתוב כאן בכל פעם שצריך.",
        ),
        "Others": (
            "אני כאן, ואני ממשיך/ה להקשיב לך.",
            "תודה ששיתפת אותי. קח/י את הזמן שלך.",
        ),
    },
    "ar": {
        "Question": (
            "ماذا يجري معك الآن، في هذه اللحظات؟",
            "هل يمكنك أن تخبرني أكثر عما حدث؟",
            "كيف تشعر الآن ونحن نتحدث؟",
        ),
        "Restatement or Paraphrasing": (
            "إذا فهمتك جيداً، هناك أمور كثيرة تحدث في وقت واحد ويصعب حملها كلها.",
            "يبدو أن ما حدث مؤخراً أفقدك توازنك.",
        ),
        "Reflection of feelings": (
            "يبدو أنك تشعر بوحدة كبيرة الآن.",
            "أسمع كم هذا مخيف ومربك بالنسبة لك.",
            "يبدو هذا مؤلماً ومرهقاً جداً.",
        ),
        "Self-disclosure": (
            "أنا أيضاً أعرف لحظات يبدو فيها كل شيء ثقيلاً جداً، وأعرف أن هذا ليس سهلاً.",
            "عندما أقرأ ما كتبته، أشعر معك بهذا الثقل.",
        ),
        "Affirmation and Reassurance": (
            "من الشجاعة أنك تواصلت وشاركت. أنا هنا معك.",
            "ما تشعر به مفهوم تماماً، ولست وحدك في هذا.",
        ),
        "Providing Suggestions": (
            "ربما نستطيع أن نفكر معاً في خطوة صغيرة واحدة تخفف عنك هذا المساء.",
            "يمكنك أن تجرب التنفس ببطء وعمق عدة مرات، وأن تبقى معي هنا في المحادثة.",
            "هل يوجد شخص قريب منك يمكنك التواصل معه والبقاء بقربه الليلة؟",
        ),
        "Information": (
            "كثير من الناس الذين يمرون بأزمة يشعرون بهذا، والمشاعر القوية كهذه تتغير عادة مع الوقت والدعم.",
            "لا بأس أن تطلب المساعدة أكثر من مرة، ويمكنك العودة والكتابة هنا كلما احتجت.",
        ),
        "Others": (
            "أنا هنا، وما زلت أستمع إليك.",
            "شكراً لأنك شاركتني. خذ وقتك.",
        ),
    },
}

_HEBREW = re.compile(r"[\u0590-\u05FF]")
_ARABIC = re.compile(r"[\u0600-\u06FF\u0750-\u077F\u08A0-\u08FF]")


def has_route_script(text: str) -> bool:
    return bool(_HEBREW.search(text) or _ARABIC.search(text))


def detect_language(text: str) -> Language:
    """Hebrew or Arabic by letter count; ties (including no letters of either script) go to Hebrew."""
    hebrew = len(_HEBREW.findall(text))
    arabic = len(_ARABIC.findall(text))
    return "ar" if arabic > hebrew else "he"


def _label_pattern(label: str) -> str:
    # Prompts get re-wrapped by templates, so any run of whitespace inside a label must still match.
    return r"\s+".join(re.escape(word) for word in label.split())


# Longest labels first so that no label can win by matching a prefix of another.
_STEERING = re.compile(
    r"support\s+strategy\s+for\s+this\s+reply:\s*("
    + "|".join(_label_pattern(label) for label in sorted(STRATEGIES, key=len, reverse=True))
    + r")\s*\.",
    re.IGNORECASE,
)
_CANONICAL: Final[dict[str, str]] = {" ".join(label.lower().split()): label for label in STRATEGIES}


def strategy_from_text(text: str) -> str | None:
    """The strategy named by the last ``Support strategy for this reply: <Label>.`` in ``text``, if any."""
    found: str | None = None
    for match in _STEERING.finditer(text):
        found = _CANONICAL[" ".join(match.group(1).lower().split())]
    return found


def pick_phrase(language: Language, strategy: str | None, seed: int, *, adapter: str = "") -> str:
    """A phrase of ``strategy`` (or of a strategy chosen by ``seed`` when None), chosen by ``seed``.

    A LoRA ``adapter`` stands for fine-tuned weights: it picks another phrase of the same strategy,
    always a different one from the base model's for the same seed, and always the same one.

    Raises KeyError for a language or strategy not in the bank.
    """
    bank = PHRASES[language]
    seed = abs(seed)
    if strategy is None:
        strategy = STRATEGIES[seed % len(STRATEGIES)]
        seed //= len(STRATEGIES)
    options = bank[strategy]
    index = seed % len(options)
    if adapter and len(options) > 1:
        index = (index + 1 + zlib.crc32(adapter.encode()) % (len(options) - 1)) % len(options)
    return options[index]
