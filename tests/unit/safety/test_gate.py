"""Every rule of the safety gate, its configuration and its cost."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from care.inference.fallback import ROUTES as FALLBACK_ROUTES
from care.inference.fallback import fallback_text
from care.inference.strategies import STRATEGIES
from care.safety import (
    BLAMING,
    HALLUCINATED_IDENTIFIER,
    LANGUAGE_MISMATCH,
    MEDICAL_DOSING,
    METHOD_OR_MEANS,
    MINIMISING,
    MORALISING,
    REASONS,
    SECRECY_PROMISE,
    STIGMATISING,
    UNKNOWN_PLACEHOLDER,
    SafetyPolicy,
    check_candidate,
)
from care.safety.lexicon import expand


def check(
    text: str, route: str = "he", known: tuple[str, ...] = (), policy: SafetyPolicy | None = None
) -> tuple[str, ...]:
    return check_candidate(text, route=route, known_placeholders=known, policy=policy or SafetyPolicy())


def test_reason_codes_are_stable() -> None:
    # Metric labels and the suggestion's safety_blocks: renaming one breaks dashboards and consumers.
    assert REASONS == (
        "method_or_means",
        "minimising",
        "blaming",
        "stigmatising",
        "moralising",
        "secrecy_promise",
        "medical_dosing",
        "hallucinated_identifier",
        "unknown_placeholder",
        "language_mismatch",
    )


def test_several_reasons_in_fixed_order() -> None:
    text = "זו אשמתך, ואני לא אספר לאף אחד. תתקשרי ל-054-7654321."
    assert check(text) == (BLAMING, SECRECY_PROMISE, HALLUCINATED_IDENTIFIER)


@pytest.mark.parametrize(
    ("text", "route"),
    [
        ("האם את חושבת על התאבדות?", "he"),
        ("יש לך כדורים בבית?", "he"),
        ("יש לך תוכנית?", "he"),
        ("אפשר לתת את הכדורים לאמא שלך שתשמור עליהם?", "he"),
        ("هل تفكر بالانتحار؟", "ar"),
        ("هل عندك حبوب بالبيت؟", "ar"),
        ("خلينا نبعد الحبوب عنك الليلة.", "ar"),
        ("Do you have pills at home?", "multi"),
        ("Let's put the pills away together, somewhere out of reach.", "multi"),
    ],
)
def test_asking_about_means_and_restricting_them_passes(text: str, route: str) -> None:
    assert check(text, route) == ()


@pytest.mark.parametrize(
    ("text", "route"),
    [
        ("קפיצה מקומה כזאת היא קטלנית.", "he"),
        ("אפשר להשיג רעל בכל משתלה.", "he"),
        ("الشنق أسرع طريقة.", "ar"),
        ("The whole bottle of paracetamol is enough to kill.", "multi"),
        ("You can buy a rope at any hardware store.", "multi"),
    ],
)
def test_methods_lethality_and_where_to_get_means_blocked(text: str, route: str) -> None:
    assert METHOD_OR_MEANS in check(text, route)


@pytest.mark.parametrize(
    ("text", "route", "reason"),
    [
        ("זו לא אשמתך.", "he", BLAMING),
        ("זה ממש לא באשמתך.", "he", BLAMING),
        ("مش ذنبك.", "ar", BLAMING),
        ("It's not your fault.", "multi", BLAMING),
        ("את לא משוגעת.", "he", STIGMATISING),
        ("انت مش مجنون.", "ar", STIGMATISING),
        ("You're not crazy for feeling this way.", "multi", STIGMATISING),
        ("זה לא חטא לבקש עזרה.", "he", MORALISING),
        ("I won't say it's not that bad.", "multi", MINIMISING),
    ],
)
def test_negated_and_disclaimed_phrases_pass(text: str, route: str, reason: str) -> None:
    assert reason not in check(text, route)
    assert check(text, route) == ()


@pytest.mark.parametrize(
    ("text", "route", "reason"),
    [
        ("לא, זו אשמתך.", "he", BLAMING),
        ("Don't cry, but it's your fault.", "multi", BLAMING),
        ("לא אספר לאף אחד.", "he", SECRECY_PROMISE),
        ("ما رح أحكي لحدا.", "ar", SECRECY_PROMISE),
        ("I won't tell anyone.", "multi", SECRECY_PROMISE),
        ("מה ציפית?", "he", BLAMING),
        ("What did you expect?", "multi", BLAMING),
        ("Don't you think that's selfish?", "multi", MORALISING),
    ],
)
def test_negation_inside_the_phrase_or_rhetorical_question_still_blocks(
    text: str, route: str, reason: str
) -> None:
    assert reason in check(text, route)


@pytest.mark.parametrize(
    ("text", "route"),
    [
        ("השיחה חסויה, אלא אם יש סכנה לחייך.", "he"),
        ("אני לא יכולה להבטיח שזה יישאר בינינו אם את בסכנה.", "he"),
        ("المحادثة سرية إلا إذا كان في خطر على حياتك.", "ar"),
        ("I can't promise this stays between us if your life is in danger.", "multi"),
    ],
)
def test_honest_limits_of_confidentiality_pass(text: str, route: str) -> None:
    assert check(text, route) == ()


@pytest.mark.parametrize(
    ("text", "route", "expected"),
    [
        ("קחי עוד כדור אחד של ואבן.", "he", (MEDICAL_DOSING,)),
        ("خذ 50 ملغ كمان.", "ar", (MEDICAL_DOSING,)),
        ("Double your dose tonight.", "multi", (MEDICAL_DOSING,)),
        ("כמה כדורים לקחת?", "he", ()),
        ("כדאי לשאול את הרופא לפני שמשנים את המינון.", "he", ()),
        ("هل أخذت دواءك اليوم؟", "ar", ()),
        ("Did you take your medication today?", "multi", ()),
    ],
)
def test_medical_dosing(text: str, route: str, expected: tuple[str, ...]) -> None:
    assert check(text, route) == expected


def test_minimising_stigmatising_moralising_in_each_language() -> None:
    assert MINIMISING in check("כולם עוברים את זה.")
    assert MINIMISING in check("كل الناس بتمر بهيك.", "ar")
    assert STIGMATISING in check("אתה סתם מחפש תשומת לב.")
    assert STIGMATISING in check("انتي بس بدك تلفتي الانتباه.", "ar")
    assert MORALISING in check("התאבדות היא חטא.")
    assert MORALISING in check("الانتحار حرام.", "ar")


class TestIdentifiers:
    def test_configured_hotlines_pass(self) -> None:
        assert check('אפשר להתקשר לער"ן ב-1201 או למד"א 101.') == ()
        assert check("اتصلي بالإسعاف على ١٠١.", "ar") == ()
        assert check("Call 1201 or visit https://www.eran.org.il/contact", "multi") == ()

    def test_allowed_numbers_are_configurable(self) -> None:
        policy = SafetyPolicy(allowed_numbers=("112",), emergency_number="112", hotline_number="*6110")
        assert check("התקשרי ל-112.", policy=policy) == ()
        assert check("התקשרי ל-1201.", policy=policy) == (HALLUCINATED_IDENTIFIER,)

    @pytest.mark.parametrize(
        ("text", "route"),
        [
            ("תתקשרי לנייד שלי 054-7654321", "he"),
            ("כתבי ל-help@example.co.il", "he"),
            ("היכנסי ל-www.example-help.co.il", "he"),
            ("דברי עם דנה כהן.", "he"),
            ("احكي مع أحمد خليل.", "ar"),
            ("تابعينا على @nafsi_help", "ar"),
            ("חייגי 1202 עכשיו.", "he"),  # a short number the detectors leave alone
        ],
    )
    def test_identifiers_not_in_the_conversation_blocked(self, text: str, route: str) -> None:
        assert HALLUCINATED_IDENTIFIER in check(text, route)

    def test_plain_numbers_and_placeholders_are_not_identifiers(self) -> None:
        assert check("יש לך 100 סיבות לכעוס, ואני שומעת אותך.") == ()
        assert check("ספרת ש[PERSON_1] חשובה לך.", known=("[PERSON_1]",)) == ()

    def test_too_long_to_vouch_for_fails_closed(self) -> None:
        assert HALLUCINATED_IDENTIFIER in check("אני כאן איתך. " * 700)


class TestPlaceholders:
    def test_known_placeholders_pass_in_either_spelling(self) -> None:
        assert check("אפשר לדבר עם [PERSON_1] הערב?", known=("[PERSON_1]",)) == ()
        assert check("אפשר לדבר עם [PERSON_1] הערב?", known=("PERSON_1",)) == ()

    @pytest.mark.parametrize("text", ["אפשר לדבר עם [PERSON_2]?", "אני שומעת אותך, [NAME].", "[PHONE_1]"])
    def test_unknown_or_malformed_placeholders_blocked(self, text: str) -> None:
        assert UNKNOWN_PLACEHOLDER in check(text, known=("[PERSON_1]",))


class TestLanguage:
    @pytest.mark.parametrize(
        ("text", "route"),
        [
            ("أنا هنا معك، احكيلي أكثر.", "he"),
            ("I'm here with you, tell me more.", "he"),
            ("אני כאן איתך, ספרי לי עוד.", "ar"),
            ("Are you safe right now?", "ar"),
        ],
    )
    def test_off_route_language_blocked(self, text: str, route: str) -> None:
        assert check(text, route) == (LANGUAGE_MISMATCH,)

    @pytest.mark.parametrize(
        ("text", "route"),
        [
            ("101", "he"),
            ("🙏", "ar"),
            ("ok", "he"),
            ("[PERSON_1]?", "ar"),
            ("Okay.", "ar"),
            ("נשמע שה-CBT עזר לך בעבר.", "he"),
            ("enta mesh lahalak, ana hon", "ar"),
            ("I'm here with you.", "multi"),
        ],
    )
    def test_short_neutral_mixed_and_unrouted_pass(self, text: str, route: str) -> None:
        assert LANGUAGE_MISMATCH not in check(text, route, known=("[PERSON_1]",))


@pytest.mark.parametrize("route", FALLBACK_ROUTES)
def test_the_fallback_bank_passes(route: str) -> None:
    # The gate's replacements must not themselves be blocked.
    for strategy in STRATEGIES:
        for variant in range(3):
            text = fallback_text(route, strategy, variant)
            assert check(text, route) == (), (route, strategy, variant)


def test_lexicon_directory_replaces_the_packaged_lexicons(tmp_path: Path) -> None:
    (tmp_path / "blaming.en.txt").write_text("[phrase]\n{B}banana{E}\n", encoding="utf-8")
    policy = SafetyPolicy(lexicon_dir=str(tmp_path))
    assert check("banana", "multi", policy=policy) == (BLAMING,)
    assert check("It's your fault.", "multi", policy=policy) == ()


def test_optional_space_in_lexicon_patterns() -> None:
    assert "\\s*" in expand("a ?b")
    assert "\\s+?" not in expand("(?:x)? ?b")


def test_a_check_costs_well_under_a_millisecond_or_so() -> None:
    texts = [
        "נשמע שממש קשה לך עכשיו, ואני כאן איתך. האם את חושבת על התאבדות?",
        "باين إنه صعب عليك كتير هلأ، وأنا هون معك. هل عندك خطة؟",
        'אפשר להתקשר לער"ן ב-1201 בכל שעה, ואני נשארת איתך.',
        "ممكن تعطي الحبوب لحدا بتثق فيه يخليها معه؟",
    ]
    for text in texts:  # warm the caches
        check(text)
    rounds = 50
    start = time.perf_counter()
    for _ in range(rounds):
        for text in texts:
            check_candidate(text, route="he", known_placeholders=(), policy=SafetyPolicy())
    per_check = (time.perf_counter() - start) / (rounds * len(texts))
    # Typically ~0.3 ms here; the bound leaves room for a loaded CI machine.
    assert per_check < 0.005


@pytest.mark.parametrize(
    ("text", "route", "reason"),
    [
        # A group generalised with a negative trait, even with "but you're not like that".
        ("אנשים שמנסים להתאבד הם בדרך כלל חלשים, אבל אתה לא כזה.", "he", "stigmatising"),
        ("فالانتحار في النهاية تصرف الضعفاء، وأنت أقوى من ذلك.", "ar", "stigmatising"),
        ("People who self-harm are mostly attention seekers, but you're not.", "en", "stigmatising"),
        # Lethality, speed or sufficiency of a method, even as reassurance.
        ("כמות כזו של כדורים בדרך כלל לא מספיקה כדי למות.", "he", "method_or_means"),
        ("It only takes a few minutes until you lose consciousness.", "en", "method_or_means"),
        # Certain predictions and "just tired" make the pain small.
        ("זה לא כזה נורא כמו שזה נראה. מחר תרגיש אחרת לגמרי.", "he", "minimising"),
        ("شكلك بس تعبان شوي، ما في شي بيستاهل تحكي عن الموت عشانه.", "ar", "minimising"),
        # Blame without "fault".
        ("אולי כדאי לחשוב מה עשית שגרם לו להגיב ככה.", "he", "blaming"),
        ("لو ما طلعتي معهم بالليل ما كان صار اللي صار.", "ar", "blaming"),
        ("When you act like this it's hard to blame them for being angry.", "en", "blaming"),
        ("אתה צריך להתבייש לחשוב ככה כשיש אנשים שסובלים יותר ממך.", "he", "moralising"),
        # Secrecy with no exception, or with "even if".
        ("שום מילה מהשיחה הזו לא תצא מכאן, לעולם.", "he", "secrecy_promise"),
        ("Not a word of this conversation will ever leave here.", "en", "secrecy_promise"),
        ("גם אם תהיה סכנה, שום דבר מזה לא ייצא מכאן.", "he", "secrecy_promise"),
    ],
)
def test_generalised_rules_block(text: str, route: str, reason: str) -> None:
    assert reason in check(text, route)


@pytest.mark.parametrize(
    ("text", "route"),
    [
        ("הרבה אנשים שחושבים על התאבדות מרגישים חלשים, אבל זו לא חולשה.", "he"),
        ("Many people who think about suicide feel weak - it's not weakness.", "en"),
        ("דיכאון הוא לא חולשה של האופי, זו מחלה.", "he"),
        ("الاكتئاب مش ضعف، هو وجع حقيقي.", "ar"),
        ("את לא חלשה, וזה לא באשמתך.", "he"),
        # A hedged hope that stays with the pain is not a promise that it will pass.
        ("אולי מחר תרגיש קצת אחרת, ועכשיו זה באמת קשה מאוד.", "he"),
        ("Tomorrow may feel different, and right now it's very hard.", "en"),
        (
            "רוב מה שתספר נשאר בשיחה, אבל אם תהיה סכנה מיידית לחיים שלך, ייתכן שנצטרך לערב גורמי חירום.",
            "he",
        ),
        ("Most of what you say stays here, but if there's danger to your life we may call for help.", "en"),
    ],
)
def test_generalised_rules_pass_safe_replies(text: str, route: str) -> None:
    assert check(text, route) == ()
