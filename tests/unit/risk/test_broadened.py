"""Broadened paraphrases: each phenomenon in Hebrew, Arabic (dialect and MSA), Arabizi and English.

Every sentence here was written for these tests from general knowledge of how people in crisis write;
none comes from an evaluation set.
"""

from __future__ import annotations

import pytest

from care.risk import RiskLevel, TurnContext, context_for, default_detector, detect

N, L, M, H, IM = (
    RiskLevel.NONE,
    RiskLevel.LOW,
    RiskLevel.MODERATE,
    RiskLevel.HIGH,
    RiskLevel.IMMINENT,
)


def level(text: str, context: TurnContext | None = None) -> RiskLevel:
    return detect(text, context).level


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # passive ideation, burden, hopelessness (low)
        ("עדיף שלא הייתי קיימת בכלל", L),
        ("בא לי לישון ולא להתעורר", L),
        ("לאף אחד לא יהיה אכפת אם אעלם", L),
        ("כולם יהיו יותר מאושרים בלעדיי", L),
        ("אני סתם נטל על המשפחה", L),
        ("זה אף פעם לא ישתפר", L),
        ("احسن لو ما كنت موجودة", L),
        ("ما حدا رح يفتقدني", L),
        ("يا رب خدني", L),
        ("أهلي رح يرتاحوا مني لو رحت", L),
        ("ما في أي أمل، حياتي سودا", L),
        ("a7san law ma kont mawjood", L),
        ("ma 7ada ra7 yefta2edni", L),
        ("ana 3eb2 3a ahli", L),
        ("it would be better if i didn't exist", L),
        ("nobody would even notice", L),
        ("everyone would be better off without me", L),
        ("it's never going to get better", L),
        # active ideation (moderate)
        ("יש לי מחשבות לגמור עם החיים", M),
        ("אני מסתכל על האקדח וחושב שזה הפתרון", M),
        ("אני חושבת לקפוץ מהגג כבר שבוע", M),
        ("بفكر أنهي حياتي", M),
        ("ابي انتحر", M),
        ("لا أريد أن أعيش بعد الآن", M),
        ("بطلع عالمسدس وبحس إنه الحل", M),
        ("bfakker a2tol 7ali", M),
        ("bfakkir ente7er", M),
        ("sarli fatra bfkr entehr", M),
        ("ma 3ad bdi 3ish", M),
        ("baddi mout", M),
        ("i keep thinking about ending it", M),
        ("the gun in the closet looks like a solution", H),  # thoughts with access to a gun
        # wanting it over tonight (high)
        ("אני רוצה שזה ייגמר הלילה", H),
        ("بدي يخلص كل اشي الليلة", H),
        ("i want it to end tonight", H),
        # plan and preparation (high)
        ("אגרתי אינסולין כבר חודש", H),
        ("החבל מוכן", H),
        ("שילמתי את כל החובות ומסרתי את הכלב לשכנה", H),
        ("כתבתי צוואה", H),
        ("جمعت حبوب من شهر", H),
        ("الحبل جاهز", H),
        ("سددت كل ديوني ووزعت أغراضي على اخواتي", H),
        ("jama3t 7bub", H),
        ("ktabt wasiyye", H),
        ("i've been saving up my insulin", H),
        ("the rope is ready", H),
        ("paid off my debts and rehomed my cat", H),
        # goodbyes (high)
        ("זו ההודעה האחרונה שלי", H),
        ("רציתי שמישהו ידע שניסיתי", H),
        ("לא רציתי להיות לבד כשזה קורה", H),
        ("هذه رسالتي الأخيرة", H),
        ("وداعاً للجميع", H),
        ("أردت أن أودعكم", H),
        ("بدي حدا يعرف إني حاولت", H),
        ("hay a5er risale", H),
        ("bdi wadd3kon", H),
        ("this is my last message", H),
        ("before i go through with it, thank you", H),
        ("i just wanted someone to know i tried", H),
        ("i didn't want to be alone when it happens", H),
        # self-harm ongoing (high)
        ("זה חראם אבל אני לא מצליח להפסיק לחתוך", H),
        ("אני עדיין חותכת כל לילה", H),
        ("حرام بس مش قادر أوقف أجرح حالي", H),
        ("لسا بجرح حالي كل يوم", H),
        ("7aram bas msh 2ader wa2ef ajra7 7ali", H),
        ("bjra7 7ali kil yom", H),
        ("it's haram but i can't stop cutting", H),
        # act in progress (imminent)
        ("אכלתי את כל הכדורים", IM),
        ("אני בקצה של הגג", IM),
        ("أكلت كل الحبوب", IM),
        ("بلعت الحبوب كلها", IM),
        ("أنا واقفة على حافة الجسر", IM),
        ("5adt kil el 7bub", IM),
        ("bala3t el 7bub kellon", IM),
        ("ana 3al sat7 hala2", IM),
        ("i ate all the pills", IM),
        ("i'm standing on the railing of the bridge", IM),
        # intent with a time that is now (imminent)
        ("ra7 a3melha el leile", IM),
        ("هنتحر النهارده", H),
    ],
)
def test_broadened_levels(text: str, expected: RiskLevel) -> None:
    assert level(text) == expected


@pytest.mark.parametrize(
    ("text", "prior", "expected"),
    [
        ("הכדורים בכיס שלי", M, H),
        ("الحبوب بجيبتي", M, H),
        ("el 7bub b jebti", M, H),
        ("the pills are in my pocket", M, H),
        ("קבעתי תאריך", M, H),
        ("לא בטוח שאני רוצה לוותר על התוכנית", M, H),
        ("not sure i want to give up the plan", M, H),
        ("مش متأكد إني بدي أتخلى عن الخطة", M, H),
        ("יש לי נשק בבית", M, H),
        ("fi msaddas bl bet", M, H),
    ],
)
def test_contextual_cues_after_risk_talk(text: str, prior: RiskLevel, expected: RiskLevel) -> None:
    assert level(text) < H
    assert level(text, TurnContext(prior_level=prior)) == expected


@pytest.mark.parametrize(
    ("question", "answer", "prior", "expected"),
    [
        ("את חושבת על התאבדות?", "הרבה, בעיקר בלילה", N, M),
        ("את חושבת על התאבדות?", "סוג של", N, M),
        ("את חושבת על התאבדות?", "לפעמים", N, M),
        ("את חושבת להתאבד?", "כן, הלילה", N, H),
        ("יש לך תוכנית?", "כן, הלילה", M, IM),
        ("השגת כבר את הכדורים?", "עוד לא", M, H),
        ("יש לך גישה לכדורים או לנשק?", "מעדיף לא להגיד", M, H),
        ("هل بتفكر تنتحر؟", "كتير، خصوصا بالليل", N, M),
        ("عندك الحبوب؟", "لسا", M, H),
        ("عندك الحبوب؟", "ما بدي احكي", M, H),
        ("btfakker tente7er?", "kteer", N, M),
        ("3indak 7bub?", "lessa", M, H),
        ("Do you think about suicide?", "a lot, mostly at night", N, M),
        ("Do you think about suicide?", "kind of", N, M),
        ("Do you think about suicide?", "sometimes", N, M),
        ("Have you got the means?", "not yet", M, H),
        ("Do you have access to pills or a gun?", "i'd rather not say", M, H),
        ("Are you planning to take the pills?", "yes", M, H),
        # Denials of a plan do not raise.
        ("יש לך תוכנית?", "לא, אין לי שום תוכנית", M, M),
        ("في عندك خطة؟", "لا ما عندي خطة", M, M),
        ("Do you have a plan?", "no, no plan", M, M),
    ],
)
def test_short_answers(question: str, answer: str, prior: RiskLevel, expected: RiskLevel) -> None:
    assert default_detector().assess(answer, context_for(question, prior)).level == expected


@pytest.mark.parametrize(
    "text",
    [
        # panic
        "יש לי התקף חרדה, אני חושב שאני הולך למות",
        "عندي نوبة هلع، حاسس رح أموت",
        "i'm having a panic attack i think i'm going to die",
        # news of someone else's suicide
        "ראיתי בחדשות שזמר התאבד",
        "سمعت بالأخبار إنه واحد انتحر",
        "i saw on the news that a singer killed himself",
        # ordinary errands that share words with preparation
        "שילמתי את החשבונות היום",
        "كتبت رسالة لمديري",
        "i paid my bills today",
        "i gave my dog a bath",
        "we set a date for the wedding",
        "לא, ממש לא, אני רוצה לחיות",
        "لا أبداً. بدي أعيش بس بدون هالخوف",
    ],
)
def test_no_over_escalation(text: str) -> None:
    assert level(text) <= L


def test_past_attempt_is_history_not_current() -> None:
    assert level("ניסיתי להתאבד לפני חמש שנים, היום אני במקום אחר") <= M
    assert level("حاولت انتحر من خمس سنين، هلأ أنا أحسن") <= M
    assert level("i tried to kill myself years ago, i'm in a better place now") <= M


def test_a_report_about_someone_else_is_not_the_writers_thought() -> None:
    assert level("אתמול בחדשות סיפרו שבחור מהשכונה התאבד") <= L
    assert level("سمعت بالأخبار إنه شب من الحارة انتحر") <= L


def test_past_attempt_with_a_comma_is_still_history() -> None:
    # History, not a current state: worth a note (low), never an alert.
    assert level("לפני שלוש שנים, אחרי הצבא, ניסיתי להתאבד") == L


@pytest.mark.parametrize(
    ("question", "answer"),
    [
        ("איפה הכדורים עכשיו?", "בכיס"),
        ("وين الحبوب هلأ؟", "بجيبي"),
        ("Where are the pills now?", "in my pocket"),
    ],
)
def test_where_the_means_are_after_a_plan(question: str, answer: str) -> None:
    assert default_detector().assess(answer, context_for(question, H)).level == IM


def test_follow_ups_to_self_harm_are_read_as_what_they_say() -> None:
    # After self-harm was disclosed (high), "sometimes" to "do you also think of dying?" is moderate
    # and "no plan" stays moderate: they are not lifted to the earlier level.
    ideation = context_for("כשאת חותכת, יש לך גם מחשבות למות?", H)
    assert default_detector().assess("לפעמים", ideation).level == M
    plan = context_for("يعني في عندك خطة؟", H)
    assert default_detector().assess("لا ما في خطة", plan).level <= M
    # A counselor question that contains a plan word by accident ("إمكانية") asks about no plan.
    assert context_for("في إمكانية تاخدي إجازة؟").question is None


@pytest.mark.parametrize("text", ["אני לא מצליחה להפסיק", "ما بقدر أوقف", "i can't stop", "msh 2ader wa2ef"])
def test_cannot_stop_after_self_harm_talk(text: str) -> None:
    assert level(text) <= L
    assert level(text, TurnContext(prior_level=M)) == H


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("bfakker ento7er kol yom", M),
        ("wazza3t kol 2ghradi", H),
        ("hay a5er resale", H),
        ("3andi 7bob w sarli b5abbihom", H),
        ("لا أحد سيفتقدني", L),
    ],
)
def test_more_spellings(text: str, expected: RiskLevel) -> None:
    assert level(text) == expected
