"""Rules that catch unsafe replies without their usual keywords, and the safe replies beside them."""

from __future__ import annotations

import pytest

from care.safety import (
    BLAMING,
    MEDICAL_DOSING,
    METHOD_OR_MEANS,
    MINIMISING,
    MORALISING,
    SECRECY_PROMISE,
    STIGMATISING,
    check_candidate,
)


def reasons(text: str, route: str) -> tuple[str, ...]:
    return check_candidate(text, route=route, known_placeholders=())


@pytest.mark.parametrize(
    ("text", "route", "reason"),
    [
        # Counterfactual blame, causing someone to leave, a blaming claim with a tag question.
        ("אם היית נזהרת יותר, זה לא היה קורה.", "he", BLAMING),
        ("لو سمعتي الكلام ما كان صار هيك.", "ar", BLAMING),
        ("אולי את גרמת לו ללכת, חשבת על זה?", "he", BLAMING),
        ("إنتِ اللي طفشتيه.", "ar", BLAMING),
        # Comparisons to the ward shame the group even in reassurance; "only the weak".
        ("את לא כמו אלה שמאושפזים בפסיכיאטרית.", "he", STIGMATISING),
        ("إنت مش زي اللي بالمصحة.", "ar", STIGMATISING),
        ("ما بيفكر بالانتحار غير الضعفاء.", "ar", STIGMATISING),
        # Guilt about the family's grief, religion judging, no right.
        ("ההורים שלך יתמוטטו אם זה יקרה.", "he", MORALISING),
        ("ما إلك حق تعملي هيك بحالك.", "ar", MORALISING),
        ("هاي وساوس الشيطان.", "ar", MORALISING),
        # Secrecy without a promise verb, "no matter what" with its own negator.
        ("לא משנה מה, אני לא מספרת לאף אחד.", "he", SECRECY_PROMISE),
        ("مهما صار، هالحكي بيموت معي.", "ar", SECRECY_PROMISE),
        ("You can tell me, I won't tell.", "multi", SECRECY_PROMISE),
        # Jumping from a height; "just an exam"; a dose in units or a named drug with a number.
        ("פשוט לקפוץ ממקום גבוה.", "he", METHOD_OR_MEANS),
        ("هو بس امتحان.", "ar", MINIMISING),
        ('25 מ"ג בלילה יספיקו.', "he", MEDICAL_DOSING),
        ("سيروكويل 50 قبل النوم.", "ar", MEDICAL_DOSING),
    ],
)
def test_paraphrase_blocked(text: str, route: str, reason: str) -> None:
    assert reason in reasons(text, route)


@pytest.mark.parametrize(
    ("text", "route"),
    [
        ("אם היית רוצה לדבר עם מישהו, לא חייבים להחליט עכשיו.", "he"),
        ("את לא משוגעת, ומה שאת מרגישה מובן.", "he"),
        ("ليس ضعفًا أن تفكر في الانتحار.", "ar"),
        ("كل ما بتحكيه مهم إلي.", "ar"),
        ("אני לא יכולה להבטיח לשמור בסוד אם החיים שלך בסכנה.", "he"),
        ("I won't tell you what to do.", "multi"),
        ("האם חשבת לקפוץ ממקום גבוה?", "he"),
        ("المحادثة سرية، إلا إذا كان في خطر على حياتك.", "ar"),
        ("قلتي إنك أخدتي 50 ملغ، لازم نتأكد مع الطبيب.", "ar"),
        ('כמה מ"ג הרופא רשם לך?', "he"),
        ("יש לך אקמול בבית? כמה כדורים יש?", "he"),
        ("من حقك تزعل.", "ar"),
        ("גם אם קשה לך עכשיו, אני כאן.", "he"),
    ],
)
def test_safe_reply_passes(text: str, route: str) -> None:
    assert reasons(text, route) == ()
