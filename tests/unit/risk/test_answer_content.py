"""Answers whose level comes from the conversation (round 6): polarity with content, "not tonight,
later", "not yet" with the means in hand, "too late" after an act, means stored away or handed over,
overdose signs only after an overdose, history told with an age. Sentences written for these tests.
"""

from __future__ import annotations

import pytest

from care.risk import COUNSELOR, HELP_SEEKER, ConversationRisk, RiskLevel, assess_turns

N, L, M, H, IM = (
    RiskLevel.NONE,
    RiskLevel.LOW,
    RiskLevel.MODERATE,
    RiskLevel.HIGH,
    RiskLevel.IMMINENT,
)


def last_level(*turns: str) -> RiskLevel:
    pairs = [(COUNSELOR, t[2:].strip()) if t.startswith("C:") else (HELP_SEEKER, t) for t in turns]
    results = assess_turns(pairs)
    return next(r for r in reversed(results) if r is not None).level


CASES = [
    # echo of the thinking verb affirms the ideation question
    (["C: אני שואלת ישירות: את חושבת להתאבד?", "חושבת. הרבה"], M),
    (["C: بدي أسألك مباشرة: بتفكر تنتحر؟", "فكرت. مرتين هالأسبوع"], M),
    # a plan denied in content still confirms the thoughts
    (["אני רוצה למות", "C: יש לך תוכנית?", "ממש לפעמים. אין לי שום תוכנית, רק מחשבות"], M),
    # "not tonight, <later>" once thoughts are disclosed: intent for later
    (["بدي أموت", "C: هالإشي الليلة؟", "مش الليلة. بعد العيد"], H),
    (["אני רוצה למות", "C: זה יקרה הלילה?", "לא הלילה. אחרי החתונה של אחותי"], H),
    # ... but "later" to an unrelated question is no intent
    (["אני רוצה למות", "C: תדבר עם אמא שלך על זה?", "לא הלילה. מחר אולי"], N),
    # "not yet" with the means in hand in an act under way
    (["אני עם הכדורים ביד עכשיו ואני הולך לבלוע אותם", "C: לקחת כבר מהכדורים?", "עוד לא. מחזיק אותם"], IM),
    # "already too late" after an act
    (["בלעתי 30 כדורים לפני רבע שעה", "C: איפה אתה?", "לא משנה. כבר מאוחר מדי"], IM),
    # yes, but not now: ideation, not a time
    (["بدي موت", "C: لسا بتفكر تنتحر هلأ؟", "اه. بس مش هلأ"], M),
    # means stored away: access, not at hand
    (["בא לי למות", "C: יש לך תוכנית?", "יש לי רובה בכספת. כתבתי מכתב לאמא"], H),
    # means handed over: de-escalation
    (["בלעתי 20 כדורים", "C: יש לך את הקופסה? תני אותה לאחותך", "כן. נתתי לה"], N),
    # dizziness/vomiting only after a disclosed overdose
    (["אני רוצה למות לפעמים", "C: ספרי לי על האכילה", "אני מקיאה אחרי כל ארוחה"], N),
    (["بلعت كل الحبوب", "C: كيف حاسس هلأ؟", "دايخ كتير"], IM),
    # a past attempt told with an age is history
    (["كان عمري 16 حاولت أنتحر. هلأ أنا منيح"], L),
    (["כשהייתי בת 15 ניסיתי להתאבד. היום אני בסדר"], L),
    # a razor at hand and "I want to end it"
    (["أنا بالغرفة ومعي شفرة. بدي أخلص"], IM),
    # scouting the place
    (["אני רוצה להתאבד", "C: זה משהו שחשבת לעשות בקרוב?", "הלכתי לבדוק את המקום אתמול"], H),
]


@pytest.mark.parametrize(("turns", "expected"), CASES)
def test_answer_content(turns: list[str], expected: RiskLevel) -> None:
    assert last_level(*turns) == expected


def test_means_with_the_person_in_a_car_are_at_hand_not_stored() -> None:
    """The car is where the person is, not where the pills are kept."""
    fold = ConversationRisk()
    fold.counselor("אתה חושב לשים קץ לחייך?")
    risk = fold.help_seeker("אני ברכב מחוץ לעיר. כל הכדורים איתי. אני רוצה לגמור עם זה הלילה")
    assert risk.level == RiskLevel.IMMINENT
