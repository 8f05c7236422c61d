"""Places, addresses and organisations. Every message here was written for these tests; the places,
streets and organisations are public names, and the people and addresses are made up."""

from __future__ import annotations

import pytest

from care.deid.core import PlaceholderState, deidentify, detect, restore
from care.deid.detectors.places import DETECTORS

LOC, ORG, ADDR = "LOCATION", "ORG", "ADDRESS"


def found(text: str) -> list[tuple[str, str]]:
    """What the places detector alone masks, as (value, type) pairs in text order."""
    return [(text[s.start : s.end], s.entity_type) for s in detect(text, DETECTORS)]


def covered(text: str, value: str, spans: list[tuple[int, int]]) -> bool:
    start = text.index(value)
    return all(
        text[i].isspace() or any(a <= i < b for a, b in spans) for i in range(start, start + len(value))
    )


# --- LOCATION --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Hebrew prefix letters stay outside the span.
        ("אני בת 16 מאילת ואין לי חברים", [("אילת", LOC)]),
        ("עברנו מלוד לשפרעם בקיץ", [("לוד", LOC), ("שפרעם", LOC)]),
        ("ההלוויה הייתה בטמרה", [("טמרה", LOC)]),
        ("אני גר ב-חיפה עם אבא", [("חיפה", LOC)]),
        ("וכשבחדרה הכל נראה אפור", [("חדרה", LOC)]),
        # Multi-word places, spelled with and without double yod, with and without a hyphen.
        ("אמא שלי בקרית שמונה", [("קרית שמונה", LOC)]),
        ("אני גרה בקריית שמונה", [("קריית שמונה", LOC)]),
        ("הוא מאום אל-פחם", [("אום אל-פחם", LOC)]),
        ("הוא מאום אל פחם", [("אום אל פחם", LOC)]),
        ("עברנו מראשון לציון לבאר שבע", [("ראשון לציון", LOC), ("באר שבע", LOC)]),
        # Arabic clitics and the article: the article belongs to the name.
        ("سكروا المصنع باللد", [("اللد", LOC)]),
        ("انا من الطيبة بس ساكن بحيفا", [("الطيبة", LOC), ("حيفا", LOC)]),
        ("رحنا عنابلس وبعدين عبئر السبع", [("نابلس", LOC), ("بئر السبع", LOC)]),
        ("بالناصره الوضع صعب", [("الناصره", LOC)]),
        ("ساكنين بتل ابيب من سنة", [("تل ابيب", LOC)]),
        # Neighbourhoods, camps, world cities.
        ("انا من حي الزيتون", [("حي الزيتون", LOC)]),
        ("اهلي بمخيم الدهيشة", [("مخيم الدهيشة", LOC)]),
        ("אני מוואדי ניסנאס", [("וואדי ניסנאס", LOC)]),
        ("המשפחה שלי בניו יורק", [("ניו יורק", LOC)]),
        # Latin script, any case.
        ("I'm from Umm al-Fahm and I hate it here", [("Umm al-Fahm", LOC)]),
        ("we just moved to ramat gan", [("ramat gan", LOC)]),
        ("my family is back in Kyiv", [("Kyiv", LOC)]),
        # Russian case forms.
        ("Живу в Димоне с мамой", [("Димоне", LOC)]),
        ("Мы из Димоны", [("Димоны", LOC)]),
        ("Скучаю по Тель-Авиву", [("Тель-Авиву", LOC)]),
        ("Семья осталась в Москве", [("Москве", LOC)]),
        ("Переехали из Афулы в Хайфу", [("Афулы", LOC), ("Хайфу", LOC)]),
        ("Учусь и живу в Нетании", [("Нетании", LOC)]),
    ],
)
def test_places_from_the_lists(text: str, expected: list[tuple[str, str]]) -> None:
    assert found(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A locality word and a name no list holds.
        ("אני גר בקיבוץ משמר השרון עם ההורים", [("קיבוץ משמר השרון", LOC)]),
        ("אנחנו גרים בגבעת אולגה, ואבא לא עובד", [("גבעת אולגה", LOC)]),
        ("انا ساكن بحي الكرامة", [("حي الكرامة", LOC)]),
        ("Мы переехали в район Бавли, и я никого не знаю", [("Бавли", LOC)]),
        # A living cue and a name no list holds.
        ("אני גרה בצור הדסה, אין פה כלום", [("צור הדסה", LOC)]),
        ("انا من خربة زكريا، وما حدا بفهمني", [("خربة زكريا", LOC)]),
        ("I grew up in Springfield and moved here", [("Springfield", LOC)]),
        ("Я живу в Ришпоне", [("Ришпоне", LOC)]),
    ],
)
def test_places_known_by_their_context(text: str, expected: list[tuple[str, str]]) -> None:
    assert found(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("אני מרחובות", [("רחובות", LOC)]),
        ("אני גרה ברחובות", [("רחובות", LOC)]),
        ("אני מסתובבת ברחובות כל הלילה", []),
        ("עם נדב משדרות", [("שדרות", LOC)]),
        ("הלכנו לאורך השדרות", []),
        ("انا من الطيبة", [("الطيبة", LOC)]),
        ("ناس الطيبة بتروح بسرعة", []),
        ("خسرت الجنين بالشهر التالت", []),
        ("Мы переехали в район Адар", [("Адар", LOC)]),
    ],
)
def test_names_that_are_also_words_need_a_cue(text: str, expected: list[tuple[str, str]]) -> None:
    assert found(text) == expected


# --- ADDRESS ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "address"),
    [
        ("סבתא גרה ברחוב ויצמן 12", "רחוב ויצמן 12"),
        ("אנחנו גרים ברח' ויצמן 5 דירה 3", "רח' ויצמן 5 דירה 3"),
        ("הוא גר ברחוב הנרקיס מספר 7", "רחוב הנרקיס מספר 7"),
        ("הכתובת שלי היא שדרות רוטשילד 20", "שדרות רוטשילד 20"),
        ("אנחנו גרים בדיזנגוף 56, באר שבע", "דיזנגוף 56, באר שבע"),
        ("ברחוב העצמאות 103/8, חולון", "רחוב העצמאות 103/8, חולון"),
        ("عمي ساكن بشارع الجبل 14", "شارع الجبل 14"),
        ("احنا ساكنين بشارع صلاح الدين 130 شقة 15، يافا", "شارع صلاح الدين 130 شقة 15، يافا"),
        ("عنوانا شارع المنارة رقم ٧١", "شارع المنارة رقم ٧١"),
        ("Мой адрес ул. Герцля 12, Нетания", "ул. Герцля 12, Нетания"),
        ("Живу на улице Жаботинского 5", "улице Жаботинского 5"),
        ("Мой адрес Бен-Иегуда 59, кв. 22, Бат-Ям", "Бен-Иегуда 59, кв. 22, Бат-Ям"),
        ("I live at 12 Herzl St, apt 4, Netanya", "12 Herzl St, apt 4, Netanya"),
        ("we moved to Herzl street 12 last year", "Herzl street 12"),
        ("I live at 94 Al-Irsal Street and it's loud", "94 Al-Irsal Street"),
        ("לשלוח לת.ד. 1234", "ת.ד. 1234"),
        # No street word and no list: the cue and the house number say it is an address.
        ("הכתובת שלי: הנרקיס 4, קריית ים", "הנרקיס 4, קריית ים"),
        ("אנחנו גרים בסמילנסקי 12 ברחובות", "סמילנסקי 12 ברחובות"),
        ("ساكنين بالمنشية 5", "المنشية 5"),
        ("I live at Hanarkis 7", "Hanarkis 7"),
        # No cue either: a town or an apartment after the number makes it an address.
        ("סבתא בשבזי 14, תל אביב", "שבזי 14, תל אביב"),
        ("Шабази 14, кв. 3 — там живёт отец", "Шабази 14, кв. 3"),
    ],
)
def test_a_street_address_is_one_span(text: str, address: str) -> None:
    assert found(text) == [(address, ADDR)]


def test_a_street_without_a_number_is_masked_only_when_it_is_named() -> None:
    assert found("אני גר ברחוב הרצל") == [("רחוב הרצל", ADDR)]
    assert found("عمي ساكن بشارع الجبل") == [("شارع الجبل", ADDR)]
    assert found("עוד מעט אני ברחוב") == []
    assert found("ישנתי ברחוב הראשי") == []
    assert found("נמאס לי לעבור דרך הרבה דברים") == []


# --- ORG -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("אני לומדת בבית ספר רמות ויש לי בעיות", [("בית ספר רמות", ORG)]),
        ("בכיתה בתיכון אורט יש חבורה שמציקה לי", [("תיכון אורט", ORG)]),
        ("אני באולפנת צביה", [("אולפנת צביה", ORG)]),
        ("פיטרו אותי מבית חולים סורוקה", [("בית חולים סורוקה", ORG)]),
        ("אני משרת בבסיס תל נוף", [("בסיס תל נוף", ORG)]),
        ("אחי בגולני", [("גולני", ORG)]),
        ("אני עובדת בשופרסל ליד הבית", [("שופרסל", ORG)]),
        ("אני במכללת עמק יזרעאל", [("מכללת עמק יזרעאל", ORG)]),
        ("ליד מקיף ז', לא רוצה לחזור", [("מקיף ז'", ORG)]),
        ("אני משחק בהפועל באר שבע", [("הפועל באר שבע", ORG)]),
        ("אני משחק בהפועל עכו", [("הפועל עכו", ORG)]),
        ("אני משרתת ב-8200 ואני קורסת", [("8200", ORG)]),
        ("توجيهي بمدرسة الأخوة", [("مدرسة الأخوة", ORG)]),
        ("اشتغلت بمستشفى رمبام وطردوني", [("مستشفى رمبام", ORG)]),
        ("بشتغل بمصنع الزيوت الوطنية من سنتين", [("مصنع الزيوت الوطنية", ORG)]),
        ("بلعب بنادي شباب الأمعري من وانا صغير", [("نادي شباب الأمعري", ORG)]),
        ("بتعلم ب תיכון ליאו באק وكلهم يهود", [("תיכון ליאו באק", ORG)]),
        ("بشتغل ب אל על والمدير بيصرخ", [("אל על", ORG)]),
        ("I go to Ort school in the north", [("Ort school", ORG)]),
        ("my mom works at Ichilov", [("Ichilov", ORG)]),
        ("I study at the University of Haifa", [("University of Haifa", ORG)]),
        ("got laid off from Zimmerman Plastics last week", [("Zimmerman Plastics", ORG)]),
        ("Учусь в «Хайфский университет», и меня травят", [("Хайфский университет", ORG)]),
        ("Меня уволили из компании «Супер-Фарм»", [("компании «Супер-Фарм»", ORG)]),
        ("Работаю в Шуферсале", [("Шуферсале", ORG)]),
    ],
)
def test_organisations(text: str, expected: list[tuple[str, str]]) -> None:
    assert found(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "בבית הספר כולם צוחקים עליי",
        "בתיכון שלי יש בריונים",
        "בבסיס המפקד צועק עליי כל הזמן",
        "הייתי בבית חולים כל הלילה",
        "אני עובדת בחברת הייטק ופוטרתי",
        "بالمدرسة المعلمة بتصرخ علي",
        "بمدرسة خاصة والقسط غالي",
        "بشتغل بشركة كبيرة وما بيدفعوا",
        "at school everyone ignores me",
        "I was in the hospital for a week",
        "В школе надо мной смеются",
        "Работаю в компании, где меня не ценят",
    ],
)
def test_a_kind_word_without_a_name_is_not_masked(text: str) -> None:
    assert found(text) == []


def test_ambiguous_organisations_need_a_work_or_health_cue() -> None:
    assert found("יש לי תור לרופא בכללית מחר") == [("כללית", ORG)]
    assert found("זאת הרגשה כללית של עצב") == []
    assert found("I work at Apple and my manager hates me") == [("Apple", ORG)]
    assert found("I ate an apple and cried") == []


# --- PII-free messages -----------------------------------------------------------------------

CLEAN = [
    "ירד טל על החלון הבוקר ופתאום התחלתי לבכות",
    "שכר הדירה עלה ואני לא יכול לשלם, עוד מעט אני ברחוב",
    "ההורים שלי גרים בנפרד ואני באמצע",
    "אני בחורה בת 17 ואף אחד לא מבין אותי",
    'ל"ג בעומר תמיד היה החג שלי עם אבא',
    "בטירונות כולם צוחקים עליי",
    "37٪ من الشباب بالبلد بدون شغل، وانا واحد منهم",
    "انا من زمان ما نمت",
    "انا من النوع اللي بخبي كل اشي",
    "عايش بخوف كل يوم",
    "امي قاعدة بالبيت طول النهار",
    "ساكنين بالايجار ومش قادرين ندفع",
    "I'm from a small village and everyone talks",
    "got a text from Mom saying she's disappointed",
    "I live in constant fear",
    "Я из маленького города, все друг друга знают",
    "Живу в Израиле три года и всё плохо",
    "Мама сказала «Ты никто», и я плачу",
    'שילמתי 8200 ש"ח על הטיפול',
    "אני גר בדירה 4 עם עוד שלושה",
    "אני בכיתה 5, והמורה צועקת",
    "נסעתי בקו 18 הביתה",
]


@pytest.mark.parametrize("text", CLEAN)
def test_pii_free_messages_stay_unchanged(text: str) -> None:
    assert deidentify(text, PlaceholderState.empty(), DETECTORS).text == text


# --- placeholders ----------------------------------------------------------------------------


def test_placeholders_are_consistent_and_restore_round_trips() -> None:
    state = PlaceholderState.empty()
    first = deidentify("אני מחיפה ועובדת בשופרסל", state, DETECTORS)
    assert first.text == "אני מ[LOCATION_1] ועובדת ב[ORG_1]"
    second = deidentify("בחיפה אין לי אף אחד, גרה ברחוב הרצל 5", first.state, DETECTORS)
    assert second.text == "ב[LOCATION_1] אין לי אף אחד, גרה ב[ADDRESS_1]"
    assert restore(second.text, second.state).text == "בחיפה אין לי אף אחד, גרה ברחוב הרצל 5"
    suggestion = "נשמע קשה להיות ב[LOCATION_1] לבד. איך ב[ORG_1]?"
    assert restore(suggestion, second.state).text == "נשמע קשה להיות בחיפה לבד. איך בשופרסל?"


# --- a held-out style set: other places, organisations and sentence templates ---------------

SYNTHETIC: list[tuple[str, list[str]]] = [
    ("אבא שלי עובד באלביט והוא אף פעם לא בבית", ["אלביט"]),
    ("אני לומדת בתיכון בליך ברמת גן והמורה מציקה לי", ["תיכון בליך", "רמת גן"]),
    ("השכנים שלנו ברחוב הנרקיס 14 דירה 6 שומעים הכל", ["רחוב הנרקיס 14 דירה 6"]),
    ("אני סטודנטית באוניברסיטת חיפה ואני לא ישנה", ["אוניברסיטת חיפה"]),
    ("אחותי מאושפזת בבית חולים שיבא ואף אחד לא מספר לי", ["בית חולים שיבא"]),
    ("נולדתי בדימונה אבל עכשיו אני בקיבוץ יגור", ["דימונה", "קיבוץ יגור"]),
    ("שלחו אותי לפנימייה בכפר הנוער בן שמן", ["כפר הנוער בן שמן"]),
    ("עבדתי ברמי לוי שלוש שנים ופיטרו אותי", ["רמי לוי"]),
    ("אני חיילת בבסיס חצרים ואין לי עם מי לדבר", ["בסיס חצרים"]),
    ("אני לומד בישיבת הר עציון ואני מרגיש לבד", ["ישיבת הר עציון"]),
    ("הגעתי היום מנהריה לתל אביב ואין לי איפה לישון", ["נהריה", "תל אביב"]),
    ("אני לומד במכללת אורט בראודה בכרמיאל", ["מכללת אורט בראודה", "כרמיאל"]),
    ("פיטרו אותי מחברת אקסלנס אחרי שנתיים", ["חברת אקסלנס"]),
    ("הכתובת: רח' המגינים 45 קומה 2 דירה 7, חיפה", ["רח' המגינים 45 קומה 2 דירה 7", "חיפה"]),
    ("اخوي بيشتغل بمصنع تنوفا بالناصرة", ["مصنع تنوفا", "الناصرة"]),
    ("بتعلم بجامعة النجاح بنابلس والضغط كتير", ["جامعة النجاح", "نابلس"]),
    ("احنا من كفر كنا بس هلأ ساكنين بحيفا", ["كفر كنا", "حيفا"]),
    ("عنوان بيتنا شارع الكرمل 22 الطابق 3، عكا", ["شارع الكرمل 22 الطابق 3", "عكا"]),
    ("بدرس بثانوية راهبات الناصرة وكل البنات بيتنمروا علي", ["ثانوية راهبات الناصرة"]),
    ("انتقلنا من رهط لبئر السبع السنة الماضية", ["رهط", "بئر السبع"]),
    ("اشتغلت بشركة بيزك سنتين وطردوني", ["شركة بيزك"]),
    ("بنتي بمدرسة الفرير بيافا وكل يوم بتعيط", ["مدرسة الفرير", "يافا"]),
    ("اشتغلت بكلية بيت بيرل سنتين", ["كلية بيت بيرل"]),
    ("I grew up in Kiryat Shmona and moved to Haifa last year", ["Kiryat Shmona", "Haifa"]),
    ("I work at Checkpoint and my manager is awful", ["Checkpoint"]),
    ("my sister is in Soroka hospital since Monday", ["Soroka hospital"]),
    ("I'm a student at Bar Ilan University and I'm failing", ["Bar Ilan University"]),
    ("our address is 17 Ben Yehuda Street, apt 4, Tel Aviv", ["17 Ben Yehuda Street, apt 4", "Tel Aviv"]),
    ("My dad works at Hewlett Packard and is never home", ["Hewlett Packard"]),
    ("we live at 5 Hanarkis Street in Kfar Yona", ["5 Hanarkis Street", "Kfar Yona"]),
    ("Я живу в Ашкелоне с мамой, и мне очень плохо", ["Ашкелоне"]),
    ("Мы переехали из Харькова в Нагарию год назад", ["Харькова", "Нагарию"]),
    ("Работаю в компании «Тева», начальник меня унижает", ["Тева"]),
    ("Учусь в Технионе и не справляюсь", ["Технионе"]),
    ("Мой адрес: улица Жаботинского 33, кв. 8, Петах-Тиква", ["улица Жаботинского 33, кв. 8", "Петах-Тиква"]),
    ("Брат лежит в больнице «Ихилов», мне страшно", ["Ихилов"]),
    ("Я родилась в Бобруйске, а живу в Кармиэле", ["Бобруйске", "Кармиэле"]),
    ("Я работаю на заводе «Интел» в Кирьят-Гате", ["Интел", "Кирьят-Гате"]),
    ("בבית ספר יסודי הייתי ילד שמח", []),
    ("אני עובד בבניין ואין לי זמן לכלום", []),
    ("ساكنة بالبيت لحالي من شهر", []),
    ("I study at night because I work during the day", []),
    ("На работе меня унижают", []),
]


def test_held_out_style_messages() -> None:
    missed: list[str] = []
    extra: list[str] = []
    for text, values in SYNTHETIC:
        spans = [(s.start, s.end) for s in detect(text, DETECTORS)]
        missed += [value for value in values if not covered(text, value, spans)]
        if not values and spans:
            extra.append(text)
    assert missed == []
    assert extra == []


# --- Arabizi: Arabic in Latin letters and digits ----------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A listed locality in any Arabizi spelling, after a preposition (separate or glued).
        ("ana mn Majd el Krum w ma 3ndi 7ada a7ki ma3o", [("Majd el Krum", LOC)]),
        ("ahli sakneen b Deir 7anna bas ana bTal Abib", [("Deir 7anna", LOC), ("Tal Abib", LOC)]),
        ("e7na 3aysheen fi 2alansawe min zman", [("2alansawe", LOC)]),
        ("asli mn Tur3an", [("Tur3an", LOC)]),
        ("sakne bKufr Manda w kol el nas bi3rfo ba3d", [("Kufr Manda", LOC)]),
        ("ro7t 3a Iksal mbare7 w ma 7ada 7ka ma3i", [("Iksal", LOC)]),
        ("ana b I3billin halla2 w ma baddi arja3 3al bet", [("I3billin", LOC)]),
        ("ana mn Baqa el Gharbiyye w badrus b Haifa", [("Baqa el Gharbiyye", LOC), ("Haifa", LOC)]),
        ("kont sakne b Kafr Qare3 w nta2alna 3a Nasra", [("Kafr Qare3", LOC), ("Nasra", LOC)]),
        ("ahli b Rahat bas ana 3ayshe fi Bir el Sabe3", [("Rahat", LOC), ("Bir el Sabe3", LOC)]),
        ("ana mn Lakiya w abuy bidrubni", [("Lakiya", LOC)]),
        ("e7na mn Khan Yunes asln", [("Khan Yunes", LOC)]),
        ("sakneen bShu3fat", [("Shu3fat", LOC)]),
        ("3ayshe b Beit 7anina ma3 sitti", [("Beit 7anina", LOC)]),
        ("ana mn Jaljulye w ma 7ada bifham 3lay", [("Jaljulye", LOC)]),
        ("ahli b el Khalil w ana hon la7ali", [("el Khalil", LOC)]),
        ("sakne b Ein el Asad", [("Ein el Asad", LOC)]),
        # Lower case needs an Arabizi preposition; vowels may differ in a long name.
        ("ana mn kufr kanna bas sakne bi Nasra", [("kufr kanna", LOC), ("Nasra", LOC)]),
        # Written with Arabizi digits, or after an English preposition.
        ("my family lives in Ar3arat el Naqab and I hate it", [("Ar3arat el Naqab", LOC)]),
        ("I'm from Tayba and everyone knows everyone", [("Tayba", LOC)]),
        # No list holds it: a capitalised name after a living or origin phrase.
        ("ana sakne b Wadi el Nisnas", [("Wadi el Nisnas", LOC)]),
        ("ana mn Kammaneh w 3omri 15", [("Kammaneh", LOC)]),
        ("sakne bJdeide", [("Jdeide", LOC)]),
    ],
)
def test_arabizi_places(text: str, expected: list[tuple[str, str]]) -> None:
    assert found(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "ana mn zman ma nmt mni7",
        "ma 3ndi 7ada a7ki ma3o",
        "bidi a7ki ma3 7ada bas mesh 3arfe",
        "ana 3ayshe b 5of kol yom",
        "ana sakne b bet sitti",
        "ana mn Ramadan ma akalt",
        "ana 3al 7afa",
        "ana sakne b 3emara 2adime",
        "sakne b el 7ara el 2adime",
        "msg mn el madrase",
        "fi aman hon?",
        "ana 3ayesh b aman",
        "3ind el azan ba7ki ma3 alla",
        "el 2akl kan tayba",
        "ahli Mesh fahmin",
        "in Area 51 nobody sleeps",
        "حساب IL36 0540 2200 0007 0489 981",
    ],
)
def test_arabizi_without_places(text: str) -> None:
    assert found(text) == []


# --- Hebrew prefixes on names that are also words; prisons and bases -------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A prefix letter makes these places even without a cue, also right after another name.
        ("עבדתי בסופר פארם בנתיבות ופיטרו אותי", [("סופר פארם", ORG), ("נתיבות", LOC)]),
        ("אני גרה עם דודה ביבנה", [("יבנה", LOC)]),
        ("ההורים שלי מאופקים", [("אופקים", LOC)]),
        ("הייתי בקסטרו בגדרה כשזה קרה", [("קסטרו", ORG), ("גדרה", LOC)]),
        ("עבדתי ברמי לוי בקדימה", [("רמי לוי", ORG), ("קדימה", LOC)]),
        ("אני עובדת בשופרסל בנשר", [("שופרסל", ORG), ("נשר", LOC)]),
        ("דנה ואני מגדרה", [("גדרה", LOC)]),
        ("עבדתי בשופרסל ברחובות", [("שופרסל", ORG), ("רחובות", LOC)]),
        ("אני מחורה", [("חורה", LOC)]),
        # Bedouin, Druze and Circassian localities.
        ("אני מאבו קרינאת ואין לי עם מי לדבר", [("אבו קרינאת", LOC)]),
        ("עברנו לכפר כמא לפני שנה", [("כפר כמא", LOC)]),
        ("אני מכעביה", [("כעביה", LOC)]),
        ("הבית של סבתא בביר הדאג'", [("ביר הדאג'", LOC)]),
        ("אני לומד בעוספיה", [("עוספיה", LOC)]),
        ("ההורים גרים בבית ג'ן ואני בחיפה", [("בית ג'ן", LOC), ("חיפה", LOC)]),
        ("יש לי חבר מריחאניה", [("ריחאניה", LOC)]),
        ("נסעתי עם אבא למג'דל שמס", [("מג'דל שמס", LOC)]),
        # Prisons and bases, with the kind word.
        ("אבא שלי בכלא מעשיהו", [("כלא מעשיהו", ORG)]),
        ("אחי יושב בכלא קציעות כבר שנתיים", [("כלא קציעות", ORG)]),
        ("אני משרתת בבסיס שבטה", [("בסיס שבטה", ORG)]),
        ("ابني بسجن النقب من سنة", [("سجن النقب", ORG)]),
        ("اخوي محبوس بسجن عوفر", [("سجن عوفر", ORG)]),
        ("брат сидит в тюрьме Маасиягу", [("тюрьме Маасиягу", ORG)]),
        ("my dad is in Ofer prison again", [("Ofer prison", ORG)]),
    ],
)
def test_prefixed_places_prisons_and_bases(text: str, expected: list[tuple[str, str]]) -> None:
    assert found(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "אני בחורה בת 17",
        "היא בחורה חמודה",
        "בקופה בחורה אחת צעקה עליי",
        "החתולה השחורה שלי מתה",
        "אני משרת במודיעין ואני שונא את זה",
        "קדימה, תעזרו לי",
        "אני צריכה אופקים חדשים",
        "אבא שלי בכלא",
        "אחי בכלא כבר שנה",
        "בבסיס אין קליטה",
        "בבסיס שלי כולם שונאים אותי",
        "ابوي بالسجن",
    ],
)
def test_prefixed_words_that_are_no_places(text: str) -> None:
    assert found(text) == []


# --- organisations in English and Russian ------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A work, study or volunteering cue before a capitalised name.
        ("my supervisor at Northgate Dental keeps yelling at me", [("Northgate Dental", ORG)]),
        ("I interned at Pinecrest Robotics last summer", [("Pinecrest Robotics", ORG)]),
        ("my coworkers at Bluebird Studios laugh at me", [("Bluebird Studios", ORG)]),
        ("I volunteer with Leket on Fridays", [("Leket", ORG)]),
        ("my boss at Greenleaf Logistics fired me", [("Greenleaf Logistics", ORG)]),
        ("everyone at Tel Aviv U thinks I'm weird", [("Tel Aviv U", ORG)]),
        ("I came here with Garin Tzabar", [("Garin Tzabar", ORG)]),
        # A name that ends in a kind word.
        ("I go to Riverside High and I hate it", [("Riverside High", ORG)]),
        ("Cedarbrook Academy kicked me out", [("Cedarbrook Academy", ORG)]),
        ("Harbor Clinic refused to see me", [("Harbor Clinic", ORG)]),
        ("Silverline Ltd owes me two salaries", [("Silverline Ltd", ORG)]),
        ("I work nights at the Galil call center", [("Galil call center", ORG)]),
        # Russian: the kind word and the name, in any case, are one span.
        ("работаю на складе Логистик-Плюс", [("складе Логистик-Плюс", ORG)]),
        ("меня уволили из фирмы Бета", [("фирмы Бета", ORG)]),
        ("учусь в школе Амаль и меня травят", [("школе Амаль", ORG)]),
        ("хожу в ульпан Гордон", [("ульпан Гордон", ORG)]),
        ("мой сын в садике Шалом", [("садике Шалом", ORG)]),
        ("работаю в офисе Сигма", [("офисе Сигма", ORG)]),
        ("учусь в мехине Бней Давид", [("мехине Бней Давид", ORG)]),
        ("работаю в Кестреле уже год", [("Кестреле", ORG)]),
    ],
)
def test_english_and_russian_organisations(text: str, expected: list[tuple[str, str]]) -> None:
    assert found(text) == expected


# --- youth movements and volunteer organisations -----------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("אני חניך בנוער העובד והלומד", [("נוער העובד והלומד", ORG)]),
        ("הייתי במחנות העולים עד כיתה י'", [("מחנות העולים", ORG)]),
        (
            "בקן של המחנות העולים בכפר סבא כולם צחקו עליי",
            [("קן של המחנות העולים", ORG), ("כפר סבא", LOC)],
        ),
        ("אני בשבט נחשון של הצופים", [("שבט נחשון", ORG), ("הצופים", ORG)]),
        ("מהצופים אף אחד לא מדבר איתי", [("הצופים", ORG)]),
        ("אני בצופים כבר 5 שנים", [("צופים", ORG)]),
        ("אני מדריכה בקן רמת אביב", [("קן רמת אביב", ORG)]),
        ("אני בתנועת הבונים דרור", [("תנועת הבונים דרור", ORG)]),
        ("אני בשומר הצעיר ויש לי פעולה מחר", [("שומר הצעיר", ORG)]),
        ("אני מדריכה בקרמבו", [("קרמבו", ORG)]),
        ("אני מתנדבת בעזר מציון", [("עזר מציון", ORG)]),
        ('אני מתנדב בזק"א', [('זק"א', ORG)]),
        ("אני מתנדב בלתת", [("לתת", ORG)]),
        ("انا بكشافة الساليزيان", [("كشافة الساليزيان", ORG)]),
        ("كنت بالكشافة من وانا صغير", [("الكشافة", ORG)]),
        ("I was a madricha in Bnei Akiva", [("Bnei Akiva", ORG)]),
        ("I started volunteering with Yad Sarah", [("Yad Sarah", ORG)]),
        ("Я был вожатым в Бней Акива", [("Бней Акива", ORG)]),
    ],
)
def test_youth_movements_and_volunteering(text: str, expected: list[tuple[str, str]]) -> None:
    assert found(text) == expected


CLEAN_TRAPS = [
    "at school everyone hates me",
    "I'm in the army now and it sucks",
    "everyone at home ignores me",
    "my boss at work is mean",
    "kids at camp were cruel",
    "I was so high last night",
    "our support group meets on monday",
    "I joined a gym last month",
    "the Youth Center closed",
    "everyone at Christmas dinner ignored me",
    "הקן שלנו נסגר",
    "הקן ריק ואני לבד",
    "יש לי 2000 צופים בטיקטוק",
    'ט"ו בשבט היה אתמול',
    "השבט שלי לא מקבל אותי",
    "אכלתי קרמבו ובכיתי",
    "אני רוצה לתת לו הזדמנות",
    "אבא שלי במצב אנוש בבית חולים",
    "אני בתנועת נוער",
    "אני בתנועה כבר שנתיים",
    "סניף 512 נסגר מחר",
    "الكشاف ما بيشتغل",
    "فرع ٦٧٢",
    "بشتغل بشركة كبيرة",
    "в школе меня травят",
    "школа это ад",
    "в офисе холодно",
    "работаю в Израиле три года",
    "Я работаю в Субботу",
]


@pytest.mark.parametrize("text", CLEAN_TRAPS)
def test_kind_and_cue_words_alone_stay(text: str) -> None:
    assert deidentify(text, PlaceholderState.empty(), DETECTORS).text == text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Hotel, welfare office, prison and boarding-school kinds are inside the ORG span.
        ("אחותי מנקה חדרים במלון רויאל ביץ' כבר שנה", [("מלון רויאל ביץ'", ORG)]),
        ("השכן שלי ישב בכלא 4 חצי שנה", [("כלא 4", ORG)]),
        ("أخوي بشتغل بفندق شيراتون وما بيرجع للبيت", [("فندق شيراتون", ORG)]),
        ("Дочь в пнимии «Кфар Силвер», плачет по телефону", [("пнимии «Кфар Силвер»", ORG)]),
        # A prefixed place right after a kind word is where it is, not its name.
        ("גרנו במלון באילת חודש", [("אילת", LOC)]),
        # Hospitals, prisons and national bodies by their own name.
        ("הבן שלי מאושפז בשלוותה מאז פסח", [("שלוותה", ORG)]),
        ("קיבלתי מכתב מהביטוח הלאומי", [("הביטוח הלאומי", ORG)]),
        ("Брат лежит в Абарбанеле уже месяц", [("Абарбанеле", ORG)]),
        ("خالي محبوس بعوفر من سنتين", [("عوفر", ORG)]),
        # Seas, regions and short Russian names that decline.
        ("Мы переехали в Бат-Ям прошлой зимой, а живём теперь в Бат-Яме", None),
        ("we drove down to the Dead Sea last weekend", [("Dead Sea", LOC)]),
    ],
)
def test_new_org_and_place_kinds(text: str, expected: list[tuple[str, str]] | None) -> None:
    spans = found(text)
    if expected is None:
        assert ("Бат-Яме", LOC) in spans
    else:
        assert spans == expected
