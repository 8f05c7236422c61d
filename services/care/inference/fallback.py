"""Replies to offer when the model backend fails, so the counselor is never left with nothing.

Every reply is generic, safe in any conversation and written for this project: no promises, no
advice that could harm, no phone numbers, links or names. Hebrew and Arabic are gendered; the
texts avoid addressing the help-seeker by gender where the language allows, and mark the
counselor's own gender with a slash where it cannot be avoided. The counselor edits before sending.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from care.inference.strategies import STRATEGIES

FALLBACK_SOURCE = "fallback"

_HE: Mapping[str, tuple[str, ...]] = {
    "Reflection of feelings": (
        "זה נשמע כואב מאוד, ונראה שזה מרגיש כבד במיוחד עכשיו.",
        "יש תחושה שהרבה דברים מציפים אותך בבת אחת, וזה באמת מתיש.",
        "נשמע שיש בך הרבה עצב ובדידות כרגע. אני כאן איתך.",
    ),
    "Question": (
        "מה הכי קשה לך ברגע זה?",
        "אפשר לספר לי קצת יותר על מה שקרה?",
        "איך זה מרגיש עכשיו, כשאנחנו מדברים?",
    ),
    "Affirmation and Reassurance": (
        "טוב שפנית ודיברת על זה. זה דורש הרבה אומץ.",
        "אני כאן איתך, ואפשר לעבור את זה יחד, צעד אחר צעד.",
        "הרגשות שלך מובנים לגמרי, ומגיעה לך תמיכה.",
    ),
    "Restatement or Paraphrasing": (
        "אם הבנתי נכון, הרבה דברים הצטברו לאחרונה, ועכשיו זה מרגיש יותר מדי.",
        "כלומר, יש תחושה שאין עם מי לדבר על מה שעובר עליך.",
        "נשמע שהמצב הזה נמשך כבר זמן מה, וקשה למצוא בו רגע של מנוחה.",
    ),
    "Providing Suggestions": (
        "אולי נוכל לנסות יחד לנשום כמה נשימות איטיות לפני שנמשיך?",
        "אולי כדאי לחשוב יחד על אדם קרוב שאפשר לשתף במה שעובר עליך.",
        "לפעמים עוזר לכתוב את המחשבות על דף, רק כדי לתת להן מקום מחוץ לראש.",
    ),
    "Information": (
        "תחושות כאלה מוכרות להרבה אנשים בתקופות של לחץ, ואין בזה שום דבר לא בסדר.",
        "השיחה כאן פתוחה, ואפשר לקחת את הזמן ולכתוב בקצב שנוח לך.",
        "הרבה אנשים מגלים שדיבור על מה שמכביד עוזר להקל קצת, גם אם לא מיד.",
    ),
    "Self-disclosure": (
        "מה שכתבת נוגע בי, וחשוב לי להיות כאן איתך עכשיו.",
        "גם אני הייתי מתקשה במצב כזה. זה באמת לא פשוט.",
        "כשאני קורא/ת את מה שכתבת, אני מרגיש/ה כמה זה כבד.",
    ),
    "Others": (
        "אני כאן, ואפשר להמשיך לכתוב בכל קצב שמתאים.",
        "תודה ששיתפת אותי. אני קורא/ת כל מילה.",
        "אין צורך למצוא את המילים המדויקות. כל מה שנכתב כאן בסדר.",
    ),
}

_AR: Mapping[str, tuple[str, ...]] = {
    "Reflection of feelings": (
        "يبدو أن الأمر مؤلم جدًا، وأن هذا الحمل ثقيل الآن.",
        "يبدو أن الكثير من الأمور تتراكم في وقت واحد، وهذا مرهق حقًا.",
        "أسمع في كلماتك حزنًا ووحدة، وأنا هنا معك.",
    ),
    "Question": (
        "ما الأصعب بالنسبة لك في هذه اللحظة؟",
        "هل يمكن أن تحكي لي أكثر عمّا حدث؟",
        "كيف هو شعورك الآن ونحن نتحدث؟",
    ),
    "Affirmation and Reassurance": (
        "من الجيد أنك تواصلت وتحدثت عن هذا، فهذا يتطلب شجاعة.",
        "أنا هنا معك، ويمكننا أن نمر بهذا معًا خطوة بخطوة.",
        "مشاعرك مفهومة تمامًا، ومن حقك الحصول على الدعم.",
    ),
    "Restatement or Paraphrasing": (
        "إذا فهمت جيدًا، فقد تراكمت أمور كثيرة مؤخرًا وأصبح الأمر أكثر من اللازم.",
        "يعني أن هناك شعورًا بأنه لا يوجد من يمكن التحدث معه عمّا يحدث.",
        "ما أفهمه أن هذا الوضع مستمر منذ فترة، وأنه من الصعب إيجاد لحظة راحة فيه.",
    ),
    "Providing Suggestions": (
        "ربما نستطيع أن نجرب معًا أخذ بعض الأنفاس البطيئة قبل أن نكمل.",
        "قد يساعد التفكير معًا في شخص قريب يمكن مشاركته ما يحدث.",
        "أحيانًا تساعد كتابة الأفكار على ورقة، فقط لإعطائها مكانًا خارج الرأس.",
    ),
    "Information": (
        "مشاعر كهذه مألوفة لكثير من الناس في أوقات الضغط، وليس فيها ما هو غير طبيعي.",
        "المحادثة هنا مفتوحة، ويمكن أخذ الوقت الكافي والكتابة بالسرعة المريحة.",
        "كثير من الناس يجدون أن الحديث عمّا يثقلهم يخفف قليلًا، حتى لو لم يكن ذلك فورًا.",
    ),
    "Self-disclosure": (
        "ما كتبته يؤثر فيّ، ومهم بالنسبة لي أن أكون هنا معك الآن.",
        "أعترف أنني كنت سأجد صعوبة أيضًا في موقف كهذا. الأمر ليس سهلًا أبدًا.",
        "عندما أقرأ ما كتبته، أشعر بمدى ثقل الأمر.",
    ),
    "Others": (
        "أنا هنا، ويمكن الاستمرار في الكتابة بالسرعة المناسبة.",
        "شكرًا على المشاركة. أنا أقرأ كل كلمة.",
        "لا حاجة لإيجاد الكلمات الدقيقة، كل ما يُكتب هنا مقبول.",
    ),
}

# The multilingual route serves languages the counselor may not read well; English is the lingua
# franca they are most likely to share with the help-seeker.
_MULTI: Mapping[str, tuple[str, ...]] = {
    "Reflection of feelings": (
        "That sounds really painful, and it seems to feel especially heavy right now.",
        "It sounds like a lot is overwhelming you at once, and that is truly exhausting.",
        "It sounds like there is a lot of sadness and loneliness right now. I am here with you.",
    ),
    "Question": (
        "What is the hardest part for you right now?",
        "Could you tell me a little more about what happened?",
        "How does it feel right now, as we are talking?",
    ),
    "Affirmation and Reassurance": (
        "It is good that you reached out and talked about this. That takes courage.",
        "I am here with you, and we can go through this together, one step at a time.",
        "Your feelings make complete sense, and you deserve support.",
    ),
    "Restatement or Paraphrasing": (
        "If I understand correctly, a lot has piled up lately, and now it feels like too much.",
        "So it feels like there is no one to talk to about what you are going through.",
        "It sounds like this has been going on for a while, with hardly a moment of rest.",
    ),
    "Providing Suggestions": (
        "Maybe we could take a few slow breaths together before we go on?",
        "Perhaps we could think together about someone close you could share this with.",
        "Sometimes it helps to write the thoughts down, just to give them a place outside your head.",
    ),
    "Information": (
        "Many people have feelings like these in stressful times, and there is nothing wrong with that.",
        "This chat is open, and you can take your time and write at your own pace.",
        "Many people find that talking about what weighs on them eases it a little, even if not at once.",
    ),
    "Self-disclosure": (
        "What you wrote touches me, and it matters to me to be here with you now.",
        "I would find a situation like this hard too. It really is not simple.",
        "Reading what you wrote, I can feel how heavy this is.",
    ),
    "Others": (
        "I am here, and you can keep writing at whatever pace suits you.",
        "Thank you for sharing this with me. I am reading every word.",
        "There is no need to find the exact words. Whatever you write here is okay.",
    ),
}

_BANK: Mapping[str, Mapping[str, tuple[str, ...]]] = {"he": _HE, "ar": _AR, "multi": _MULTI}

ROUTES: tuple[str, ...] = tuple(_BANK)


@dataclass(frozen=True)
class FallbackReply:
    index: int
    strategy: str
    text: str
    source: str = FALLBACK_SOURCE


def fallback_text(route: str, strategy: str, variant: int = 0) -> str:
    """One fallback reply; ``variant`` picks among the replies of the strategy (any int, wraps)."""
    bank = _BANK.get(route)
    if bank is None:
        raise ValueError(f"no fallback replies for route {route!r}")
    if strategy not in STRATEGIES:
        raise ValueError(f"not an ESConv strategy: {strategy!r}")
    replies = bank[strategy]
    return replies[variant % len(replies)]


def fallback_candidates(route: str, strategies: Sequence[str], variant: int = 0) -> list[FallbackReply]:
    """One fallback reply per strategy, indexed like the candidates they replace."""
    return [
        FallbackReply(index=index, strategy=strategy, text=fallback_text(route, strategy, variant))
        for index, strategy in enumerate(strategies)
    ]
