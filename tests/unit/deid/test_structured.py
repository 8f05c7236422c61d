"""Structured identifiers: URLs, handles, dates, plates, cards, bank accounts, IP addresses.

Every value here is made up: card numbers and IBANs get their check digits from python-stdnum, domains
are example.com/.org/.net, handles and accounts are invented.
"""

from __future__ import annotations

import pytest
from stdnum import iban, luhn

from care.deid.core import PlaceholderState, deidentify, detect, restore
from care.deid.detectors import identifiers, structured
from care.deid.normalize import Detector
from care.deid.placeholders import PlaceholderAllocator

DETECTORS: tuple[Detector, ...] = identifiers.DETECTORS + structured.DETECTORS
ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
ZWSP, LRM, RLM = "\u200b", "\u200e", "\u200f"


def found(text: str) -> list[tuple[str, str]]:
    return [(text[s.start : s.end], s.entity_type) for s in detect(text, DETECTORS)]


def card(prefix: str, length: int = 16) -> str:
    body = prefix + "7" * (length - len(prefix) - 1)
    return body + luhn.calc_check_digit(body)


def grouped(digits: str, sep: str = " ", size: int = 4) -> str:
    return sep.join(digits[i : i + size] for i in range(0, len(digits), size))


def make_iban(country: str, bban: str) -> str:
    return country + iban.calc_check_digits(country + "00" + bban) + bban


IL_IBAN = make_iban("IL", "0108000000012345678")
VISA = card("4580")
MASTERCARD = card("5326")


# --- positives, per type and language -------------------------------------------------------------

POSITIVES = [
    # URL
    (
        "היי, תראו מה כתבו עליי https://www.example.com/post/123 אני לא מסוגלת",
        "https://www.example.com/post/123",
        "URL",
    ),
    ("кто-то выложил это: http://example.org/a?b=1&c=2.", "http://example.org/a?b=1&c=2", "URL"),
    ("هاد الرابط www.example.net/p/xyz شوفوه", "www.example.net/p/xyz", "URL"),
    ("תסתכלו בwww.example.com בבקשה", "www.example.com", "URL"),
    ("תסתכלו ב-www.example.org/x, זה עליי", "www.example.org/x", "URL"),
    ("my blog is instagram.com/noa.test_1 lol", "instagram.com/noa.test_1", "URL"),
    ("they posted bit.ly/3xYzAb!", "bit.ly/3xYzAb", "URL"),
    ("הסרטון tiktok.com/@dana.test/video/123456 כולם ראו", "tiktok.com/@dana.test/video/123456", "URL"),
    ("the site example.com has my photos", "example.com", "URL"),
    # SOCIAL_HANDLE
    ("תסתכלו על הפרופיל @noa_test.2 ותבינו", "@noa_test.2", "SOCIAL_HANDLE"),
    ("الحساب اللي بيهددني @fake.acct__، ساعدوني", "@fake.acct__", "SOCIAL_HANDLE"),
    ("аккаунт @dimka_test выкладывает мои фото", "@dimka_test", "SOCIAL_HANDLE"),
    ("there's an account @some.one. posting my pics", "@some.one", "SOCIAL_HANDLE"),
    ("insta: dana_k", "dana_k", "SOCIAL_HANDLE"),
    ("tiktok שלי dana.b", "dana.b", "SOCIAL_HANDLE"),
    ("הטיקטוק שלי הוא danakoren", "danakoren", "SOCIAL_HANDLE"),
    ("انستا noor_test ابعتولي", "noor_test", "SOCIAL_HANDLE"),
    ("мой ник dimka99", "dimka99", "SOCIAL_HANDLE"),
    ("my username is testuser", "testuser", "SOCIAL_HANDLE"),
    ("snap: testname", "testname", "SOCIAL_HANDLE"),
    # DATE
    ("נולדתי ב-12/03/2008", "12/03/2008", "DATE"),
    ("נפגשנו ב12.3.08 בערב", "12.3.08", "DATE"),
    ("נולדתי 12 / 03 / 2008, ככה כתוב", "12 / 03 / 2008", "DATE"),
    ("הדיון ב-2008-03-12", "2008-03-12", "DATE"),
    ("סבתא נפטרה ב3 במרץ 2008", "3 במרץ 2008", "DATE"),
    ("ב-12 למרץ הוא עזב", "12 למרץ", "DATE"),
    ("ביום ההולדת שלי, 25.3, אף אחד לא זכר", "25.3", "DATE"),
    ("מאז 8.9 אני לא ישנה", "8.9", "DATE"),
    ("אחי נפטר ב12/3 ומאז", "12/3", "DATE"),
    ("عيد ميلادي 12 آذار/مارس 2008", "12 آذار/مارس 2008", "DATE"),
    ("اليوم ذكرى وفاة ستي، ١٦ أغسطس", "١٦ أغسطس", "DATE"),
    ("عندي امتحان ب١٨/١٢/٢٠٢٢", "١٨/١٢/٢٠٢٢", "DATE"),
    ("عيد ميلادي ١٢ شهر ٣", "١٢ شهر ٣", "DATE"),
    ("I got fired on March 3rd 2008 and", "March 3rd 2008", "DATE"),
    ("exam on May 17, 2025, help", "May 17, 2025", "DATE"),
    ("born on the 5th of January 2009", "5th of January 2009", "DATE"),
    ("бабушка умерла 3 марта 2008 года", "3 марта 2008", "DATE"),
    ("Привет, 18.04.2024 меня выгнали", "18.04.2024", "DATE"),
    ("נולדתי במרץ 2008 ומאז", "במרץ 2008", "DATE"),
    # LICENSE_PLATE
    ("יש אוטו שעוקב אחריי, מספר 12-345-67", "12-345-67", "LICENSE_PLATE"),
    ("Машина с номером 123-45-678 стоит у дома", "123-45-678", "LICENSE_PLATE"),
    ("מספר רכב 1234567 עוקב אחריי", "1234567", "LICENSE_PLATE"),
    ("לוחית רישוי 12 345 67", "12 345 67", "LICENSE_PLATE"),
    ("نمرة السيارة ٣٧٠٦٧٦٩٢ لحقتني", "٣٧٠٦٧٦٩٢", "LICENSE_PLATE"),
    ("plate 12.345.67, am I paranoid?", "12.345.67", "LICENSE_PLATE"),
    ("номер машины 12345678", "12345678", "LICENSE_PLATE"),
    # CREDIT_CARD
    (f"לקחתי את הכרטיס של אבא, {grouped(VISA)}, ושילמתי", grouped(VISA), "CREDIT_CARD"),
    (f"اخدت بطاقة ابوي {grouped(MASTERCARD, '-')} ودفعت", grouped(MASTERCARD, "-"), "CREDIT_CARD"),
    (f"someone used my mom's card {VISA} and", VISA, "CREDIT_CARD"),
    (f"карта {card('2200')}", card("2200"), "CREDIT_CARD"),
    (f"amex {card('37', 15)[:4]} {card('37', 15)[4:10]} {card('37', 15)[10:]}", None, "CREDIT_CARD"),
    # BANK_ACCOUNT
    (f"תעבירי לחשבון {grouped(IL_IBAN)} אחרת", grouped(IL_IBAN), "BANK_ACCOUNT"),
    (f"send money to {IL_IBAN} or else", IL_IBAN, "BANK_ACCOUNT"),
    (
        f"на счёт {make_iban('DE', '370400440532013000')}",
        make_iban("DE", "370400440532013000"),
        "BANK_ACCOUNT",
    ),
    ("בנק 12 סניף 345 חשבון 123456", "12 סניף 345 חשבון 123456", "BANK_ACCOUNT"),
    ("מספר חשבון 12-345-678901, הוא ננעל", "12-345-678901", "BANK_ACCOUNT"),
    ("מספר חשבון 150-905015 ננעל", "150-905015", "BANK_ACCOUNT"),
    ("account 123456789 branch 612", "123456789 branch 612", "BANK_ACCOUNT"),
    ("حساب رقم 1234567 في البنك", "1234567", "BANK_ACCOUNT"),
    ("على رقم الحساب ٩٣٢٣٠٢ وانا", "٩٣٢٣٠٢", "BANK_ACCOUNT"),
    ("номер счёта 40817810", "40817810", "BANK_ACCOUNT"),
    ('ח"ן: 654321', "654321", "BANK_ACCOUNT"),
    # IP_ADDRESS
    ("someone logged into my insta from 84.11.17.4, not me", "84.11.17.4", "IP_ADDRESS"),
    ("الـIP تبعه 192.168.0.167، هو", "192.168.0.167", "IP_ADDRESS"),
    ("ה-IP שלו 2001:db8::8a2e:370:7334 זה", "2001:db8::8a2e:370:7334", "IP_ADDRESS"),
]


@pytest.mark.parametrize(("text", "value", "entity_type"), POSITIVES)
def test_detects_each_type_in_each_language(text: str, value: str | None, entity_type: str) -> None:
    spans = found(text)
    if value is None:
        assert [t for _, t in spans] == [entity_type]
    else:
        assert (value, entity_type) in spans


# --- what must stay as written -----------------------------------------------------------------

NEGATIVES = [
    # relative days, weekdays, times, years alone, ages
    "אתמול הוא צעק עליי, ביום שני הבא יש לי מבחן",
    "yesterday was awful and on Monday it gets worse",
    "вчера было ужасно, в понедельник снова",
    "امبارح كان صعب، ويوم الاثنين كمان",
    "at 19:45 I called, at 7.30 I slept, בשעה 9.10 יש לי תור",
    "الساعة ٨:٤٥ وما نمت",
    "מאז 2021 אני לא מדברת עם אף אחד",
    "С 2020 года всё идёт под откос",
    "since 2019 everything has gone downhill",
    "בגיל 16 ניסיתי, אני בת 16",
    "I'm 17 and may I ask something",
    "мне 19, я в 11 классе",
    "عمري 15 وحاسس اني لحالي",
    # quantities
    'שילמתי 200 ש"ח ואז עוד 50$',
    "לקחתי 20 כדורים",
    "ירדתי 2.5 קילו, ה-BMI שלי 16.5",
    "Я весила 48.5 кг",
    "37٪ من الشباب بدون شغل",
    "rent went up 39% and my grade is 8.5",
    # fractions, ratings, ranges, versions
    "on a scale from 1 to 10 I'm 2/10 today, 3/4 of my class hates me",
    "I work 24/7",
    "הציון שלי 9/10 וגם 15/20",
    "I sleep 3-4 hours",
    "update to version 1.2.3",
    "rated 13/10, ציון 17/20, גרסה 9.4.12",
    # sentences typed without a space
    "I'm tired.so tired. home.me",
    # handles: "@" as "at", plain words after a platform name
    "see you @ 5 or @5pm, I'm @home",
    "my insta is private and my insta got hacked, the user blocked me",
    "הפייסבוק שלי נפרץ by someone, באינסטה sorry",
    # bank words with amounts and followers
    "החשבון שלי במינוס 12000",
    'יש לי בחשבון 15000 ש"ח',
    "החשבון שלי באינסטה עם 25000 עוקבים",
    "my account was hacked 3 days ago",
    "the account has 12000 followers",
    # digit runs that are not cards
    "order 1234 5678 9012 3456 arrived",
    # an address number that looks like a day and month
    "אני גרה ברחוב הרצל 12/3 בחולון",
]


@pytest.mark.parametrize("text", NEGATIVES)
def test_confusers_are_left_alone(text: str) -> None:
    assert found(text) == []


# --- every cue word works, in every language ---------------------------------------------------------

PLATFORM_WORDS = [
    "insta", "Instagram", "IG", "tiktok", "tik tok", "snap", "snapchat", "telegram", "twitter", "facebook",
    "discord", "youtube", "twitch", "reddit", "username", "handle", "nick",
    "אינסטגרם", "באינסטה", "בטיקטוק", "סנאפ", "פייסבוק", "טוויטר", "טלגרם", "דיסקורד", "יוטיוב", "שם משתמש",
    "יוזר",
    "انستا", "عالانستغرام", "تيك توك", "سناب", "فيسبوك", "تويتر", "تلغرام", "يوتيوب", "اليوزر",
    "инста", "в инсте", "тикток", "телеграм", "дискорд", "ютуб", "ник", "юзернейм", "логин",
]  # fmt: skip


@pytest.mark.parametrize("word", PLATFORM_WORDS)
def test_platform_and_user_name_words(word: str) -> None:
    assert found(f"{word}: dana_test1") == [("dana_test1", "SOCIAL_HANDLE")]


ACCOUNT_WORDS = [
    "חשבון", "לחשבון", "ח-ן", 'ח"ן', "מספר חשבון", "حساب", "رقم الحساب", "account", "acct", "a/c",
    "счёт", "счет", "на счёт",
]  # fmt: skip


@pytest.mark.parametrize("word", ACCOUNT_WORDS)
def test_account_words(word: str) -> None:
    assert found(f"{word} 4817263") == [("4817263", "BANK_ACCOUNT")]


# --- e-mail versus URL ---------------------------------------------------------------------------


def test_a_url_never_swallows_an_email() -> None:
    text = "mail dana.k@example.com and bit.ly/abc,noa@example.org"
    assert found(text) == [
        ("dana.k@example.com", "EMAIL"),
        ("bit.ly/abc", "URL"),
        ("noa@example.org", "EMAIL"),
    ]


def test_url_excludes_trailing_punctuation_and_glued_prefix() -> None:
    assert found("ראו https://example.com/a?b=1. או example.org") == [
        ("https://example.com/a?b=1", "URL"),
        ("example.org", "URL"),
    ]
    assert found("instagram.com/dana_k (tiktok.com/@dana.k)") == [
        ("instagram.com/dana_k", "URL"),
        ("tiktok.com/@dana.k", "URL"),
    ]


def test_handle_is_not_an_email_local_part() -> None:
    assert found("write to someone@example.com") == [("someone@example.com", "EMAIL")]


# --- checksums --------------------------------------------------------------------------------------


def test_card_needs_luhn_and_issuer() -> None:
    bad_check = VISA[:-1] + str((int(VISA[-1]) + 1) % 10)
    assert found(f"card {grouped(bad_check)}") == []
    no_issuer = card("9")
    assert found(f"card {no_issuer}") == []


def test_card_digits_after_the_number_are_not_part_of_it() -> None:
    assert found(f"card: {VISA} 12/26 123") == [(VISA, "CREDIT_CARD")]


def test_iban_is_trimmed_back_to_its_valid_length() -> None:
    text = f"IBAN {grouped(IL_IBAN)} OK 12"
    assert found(text) == [(grouped(IL_IBAN), "BANK_ACCOUNT")]


def test_foreign_iban_with_a_wrong_check_digit_is_not_an_account() -> None:
    bad = "DE00370400440532013000"
    assert found(f"send to {bad}") == []


def test_ip_octets_must_be_at_most_255() -> None:
    assert found("10.0.0.256 no, 10.0.0.255 yes") == [("10.0.0.255", "IP_ADDRESS")]
    assert found("the time 12:30:45 and 12::30") == []


# --- normalisation --------------------------------------------------------------------------------


def test_arabic_indic_digits() -> None:
    date = "12/03/2008".translate(ARABIC_INDIC)
    ip = "84.11.17.4".translate(ARABIC_INDIC)
    plate = "12-345-67".translate(ARABIC_INDIC)
    text = f"بتاريخ {date} من {ip} والسيارة {plate}"
    assert found(text) == [(date, "DATE"), (ip, "IP_ADDRESS"), (plate, "LICENSE_PLATE")]


def test_zero_width_and_bidi_marks_inside_identifiers() -> None:
    card_text = ZWSP.join(grouped(VISA).split(" "))
    assert found(f"card {card_text}") == [(card_text, "CREDIT_CARD")]
    ip = f"{RLM}84.11{LRM}.17.4{LRM}"
    assert found(f"ה-IP {ip} זה") == [("84.11\u200e.17.4", "IP_ADDRESS")]
    iban_text = grouped(IL_IBAN).replace(" ", f" {LRM}")
    assert found(f"לחשבון {iban_text}") == [(iban_text, "BANK_ACCOUNT")]
    handle = f"@dana{ZWSP}_test"
    assert found(f"my account {handle}") == [(handle, "SOCIAL_HANDLE")]


def test_digits_split_by_spaces_or_dashes() -> None:
    assert found(f"card {grouped(VISA, '-')}") == [(grouped(VISA, "-"), "CREDIT_CARD")]
    split_iban = grouped(IL_IBAN, "-")
    assert found(f"account {split_iban}") == [(split_iban, "BANK_ACCOUNT")]
    assert found("לוחית 12 345 67") == [("12 345 67", "LICENSE_PLATE")]


# --- placeholders -------------------------------------------------------------------------------------


def test_round_trip_through_deidentify_and_restore() -> None:
    text = (
        f"my card {grouped(VISA)}, IBAN {IL_IBAN}, born 12/03/2008, insta @dana_test, "
        "site https://example.com/me, car 12-345-67, IP 84.11.17.4"
    )
    result = deidentify(text, PlaceholderState.empty(), DETECTORS)
    assert dict(result.redactions) == {
        "CREDIT_CARD": 1,
        "BANK_ACCOUNT": 1,
        "DATE": 1,
        "SOCIAL_HANDLE": 1,
        "URL": 1,
        "LICENSE_PLATE": 1,
        "IP_ADDRESS": 1,
    }
    for secret in (
        grouped(VISA),
        IL_IBAN,
        "12/03/2008",
        "@dana_test",
        "example.com",
        "12-345-67",
        "84.11.17.4",
    ):
        assert secret not in result.text
    assert "[CREDIT_CARD_1]" in result.text
    restored = restore(result.text, result.state)
    assert restored.text == text
    assert restored.unresolved == ()


def test_same_value_same_placeholder_across_messages() -> None:
    first = deidentify("insta @dana_test", PlaceholderState.empty(), DETECTORS)
    second = deidentify("again @dana_test and @other_test", first.state, DETECTORS)
    assert second.text == "again [SOCIAL_HANDLE_1] and [SOCIAL_HANDLE_2]"


def test_message_without_identifiers_is_unchanged() -> None:
    text = "היי, אני בת 16 ואני לא מצליחה לישון מאז 2021. ירדתי 3 קילו"
    result = deidentify(text, PlaceholderState.empty(), DETECTORS)
    assert result.text == text


@pytest.mark.parametrize(
    ("entity_type", "first", "second"),
    [
        ("CREDIT_CARD", "4532 0151 1283 0366", "4532-0151-1283-0366"),
        ("BANK_ACCOUNT", "IL07 0108 0000 0001 2345 678", "il070108000000012345678"),
        ("SOCIAL_HANDLE", "@Rami.Test", "rami.test"),
        ("URL", "https://www.Example.org/AbC/", "example.org/AbC"),
        ("IP_ADDRESS", "10.20.30.41", "010.020.030.041"),
        ("LICENSE_PLATE", "12-345-67", "1234567"),
    ],
)
def test_two_spellings_of_one_value_share_a_placeholder(entity_type: str, first: str, second: str) -> None:
    allocator = PlaceholderAllocator(PlaceholderState.empty())
    assert allocator.placeholder_for(entity_type, first) == allocator.placeholder_for(entity_type, second)


def test_url_paths_keep_their_case() -> None:
    allocator = PlaceholderAllocator(PlaceholderState.empty())
    assert allocator.placeholder_for("URL", "bit.ly/AbC") != allocator.placeholder_for("URL", "bit.ly/abc")


# --- handles after platform words, Discord tags --------------------------------------------------


@pytest.mark.parametrize(
    ("text", "handle"),
    [
        ("my discord is nightowl#7731", "nightowl#7731"),
        ("add me on discord: star.gazer#0042", "star.gazer#0042"),
        ("הדיסקורד שלי lunar#5521", "lunar#5521"),
        ("мой дискорд wolf#0101", "wolf#0101"),
        ("his snap is ghostrider_19", "ghostrider_19"),
        ("her insta's mira.lev", "mira.lev"),
        ("find me on tiktok yarin.b", "yarin.b"),
        ("follow me on ig shai_k99", "shai_k99"),
        ("dm my insta, eden.levi", "eden.levi"),
        ("הסנאפ שלו zivush", "zivush"),
        ("سناب تبعي rima_22", "rima_22"),
        # A plain word after "my <platform> is" names the account.
        ("my discord is moonbeam", "moonbeam"),
    ],
)
def test_handles_after_platform_words(text: str, handle: str) -> None:
    assert found(text) == [(handle, "SOCIAL_HANDLE")]


@pytest.mark.parametrize(
    "text",
    [
        "Discord is down again",
        "discord is down and my snap is broken",
        "my snap is dead lately",
        "my insta is private",
        "my discord got hacked",
        "my insta is literally blowing up",
        "my twitter is getting hacked",
        "ticket #1234 was closed",
        "we came #1 in the league",
    ],
)
def test_platform_words_without_a_handle(text: str) -> None:
    assert found(text) == []


# --- bank, branch and account number -------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "account"),
    [
        ("حسابي ببنك ديسكونت فرع ٠٨٣ رقم ٥٥٢٨١٩", "٠٨٣ رقم ٥٥٢٨١٩"),
        ("حساب ابوي ببنك لئومي فرع ٩١٢ رقم ٣٠٢٧١٨٤", "٩١٢ رقم ٣٠٢٧١٨٤"),
        ("החשבון שלי בבנק מזרחי סניף 461 מספר 229174", "461 מספר 229174"),
        ("יש לי חשבון בפועלים, סניף 733, מס' 5512090", "733, מס' 5512090"),
        ("my account is at Bank Hapoalim branch 622 number 481927", "622 number 481927"),
        ("мой счёт в банке Дисконт, отделение 074, номер 9912345", "074, номер 9912345"),
        ("رقم حسابي ٧٧٢٠١٩ فرع ٤٥", "٧٧٢٠١٩"),
    ],
)
def test_account_number_after_bank_and_branch(text: str, account: str) -> None:
    assert found(text) == [(account, "BANK_ACCOUNT")]


@pytest.mark.parametrize(
    "text",
    [
        "رقم ٣ بالصف",
        "فرع ٦٧٢ رقم ٣ بالصف",
        "give me an account of what happened",
        "החשבון שלי ננעל",
        "אני בסניף 512 של הבנק",
        "branch 12 is closed",
        "I have 5000 shekels in my bank account",
    ],
)
def test_branch_numbers_and_bank_words_alone(text: str) -> None:
    assert found(text) == []
