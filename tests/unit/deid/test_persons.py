"""People's names (PERSON) in Hebrew, Arabic, English and Russian.

Every message here was written for these tests, with made-up people; none comes from the project's
evaluation sets.
"""

from __future__ import annotations

import itertools

import pytest

from care.deid.core import PlaceholderState, deidentify, detect, restore
from care.deid.detectors.persons import DETECTORS


def names(text: str) -> list[str]:
    """What the persons detector alone masks, in text order."""
    return [text[s.start : s.end] for s in detect(text, DETECTORS)]


# --- first names from the lists, in each language ------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("היום דיברתי עם מיכל על כל מה שקרה", ["מיכל"]),
        ("ההורים של יונתן לא נותנים לו לצאת", ["יונתן"]),
        ("مبارح حكت معي ريما وقالت انها زعلانة", ["ريما"]),
        ("بعرف انه محمود رح يزعل مني", ["محمود"]),
        ("I think Noam is the only one who gets me", ["Noam"]),
        ("Yesterday Layla didn't answer my messages", ["Layla"]),
        ("Вчера Оксана снова не пришла в школу", ["Оксана"]),
        # Spelling variants and diacritics.
        ("אביגייל לא עונה לי", ["אביגייל"]),
        ("محمّد ما رد علي", ["محمّد"]),
        ("Mohamad and Muhammad are cousins", ["Mohamad", "Muhammad"]),
        ("Наталия и Наталья сестры", ["Наталия", "Наталья"]),
    ],
)
def test_listed_first_names_are_found(text: str, expected: list[str]) -> None:
    assert names(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Hebrew prefix letters and Arabic clitics stay outside the span.
        ("אני ולדנה היינו חברות הכי טובות", ["דנה"]),
        ("שלחתי לנועה הודעה", ["נועה"]),
        ("כשמשה הגיע הכל השתנה", ["משה"]),
        ("حكيت ولأحمد وما حدا رد", ["أحمد"]),
        ("اشتقت كتير بسامي", ["سامي"]),
        ("ما في حدا متلها كسلمى", ["سلمى"]),
    ],
)
def test_prefixes_and_clitics_are_peeled(text: str, expected: list[str]) -> None:
    assert names(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Я скучаю по Кате",
        "У Кати день рождения",
        "Я видела Катю вчера",
        "Мы поссорились с Катей",
        "Катя не отвечает",
    ],
)
def test_russian_case_forms_are_names(text: str) -> None:
    assert len(names(text)) == 1


def test_russian_instrumental_of_diminutives() -> None:
    assert names("Я гуляла с Димой и Сашей") == ["Димой", "Сашей"]


def test_lower_case_latin_and_cyrillic_need_a_cue() -> None:
    assert names("my ex omer keeps texting me") == ["omer"]
    assert names("i want max sleep tonight") == []
    assert names("я никого здесь не знаю") == []


# --- cue phrases -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A naming phrase makes even an unlisted word a name.
        ("קוראים לי זוהרית ואני בת 16", ["זוהרית"]),
        ("שמי פלורה, אני גרה עם סבתא", ["פלורה"]),
        ("اسمي جوليانا وعمري 15", ["جوليانا"]),
        ("بنادوني زوزو، وعمري 15", ["زوزو"]),
        ("hi, my name is Zorbel and I need help", ["Zorbel"]),
        ("you can call me Kiki", ["Kiki"]),
        ("Меня зовут Зарина, мне 14", ["Зарина"]),
        ("в классе есть мальчик по имени Тагир", ["Тагир"]),
        # Relationship and role words before a capitalised Latin or Cyrillic word.
        ("my boss Kessler yells at me every day", ["Kessler"]),
        ("мой брат Ильдар бьёт меня", ["Ильдар"]),
        # A role word, an unlisted Hebrew or Arabic word, and a verb after it.
        ("המאמן זלצר לא נותן לי לשחק", ["זלצר"]),
        ("المدرب قعوار طردني من الفريق", ["قعوار"]),
        # Introductions: a listed name after them.
        ("היי, אני אלמוג ואני בכיתה ט'", ["אלמוג"]),
        ("انا رنا من عرابة", ["رنا"]),
        ("I'm Eitan, 17, from the north", ["Eitan"]),
    ],
)
def test_cue_phrases_introduce_names(text: str, expected: list[str]) -> None:
    assert names(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        # "I am" + an adjective or state is not a name.
        "אני עייפה ואין לי כוח",
        "אני שמחה שיש לי עם מי לדבר",
        "انا تعبانة كتير اليوم",
        "I'm tired of everything",
        "Я устала от всего",
        # Insults after "they call me".
        "בכיתה קוראים לי שמנה",
        "קוראים לי מפגרת ומכוערת",
        "بالمدرسة بنادوني سمينة",
        "they call me fat at school",
        # A role word followed by an ordinary word.
        "המורה אמרה לי שאני עצלנית",
        "المدير بيصرخ علي كل يوم",
        "my teacher said I should call you",
        "أخصائية تغذية قالت لازم آكل",
    ],
)
def test_cautious_cues_do_not_mask_ordinary_words(text: str) -> None:
    assert names(text) == []


# --- full names --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("יוסי כהן מהשכבה מציק לי", ["יוסי כהן"]),
        ("דיברתי עם מרים רבינוביץ מהרווחה", ["מרים רבינוביץ"]),
        ("عبد الرحمن خليل بعتلي رسالة", ["عبد الرحمن خليل"]),
        ("صاحبتي دانا أبو صالح بدها تأذي حالها", ["دانا أبو صالح"]),
        ("My friend Omer Levi stopped answering", ["Omer Levi"]),
        ("I'm Zorbel Quandt from Haifa", ["Zorbel Quandt"]),
        ("Подруга Алёна Соколова пишет, что ей плохо", ["Алёна Соколова"]),
        ("ام نضال جارتنا بتحكي عني", ["ام نضال"]),
    ],
)
def test_full_names_are_one_span(text: str, expected: list[str]) -> None:
    assert names(text) == expected


# --- names that are also words -----------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "יש לי אור בקצה המנהרה",
        "ירד טל על הדשא הבוקר",
        "גל של פחד שוטף אותי",
        "ראיתי את השחר עולה מהחלון",
        "אמא אומרת שאין לי שום חן",
        "בגיל 12 עברנו דירה",
        "כבר אין לי כוח",
        "ما عندي أي أمل",
        "في نور بآخر النفق؟",
        "ما في فرح بحياتي",
        "الله يعطيني صبر",
        "دايما بدعي ربنا يعطيني هدى وراحة بال",
        "سلام عليكم، بدي احكي مع حدا",
        "I have no hope left",
        "Hope is all I have left",
        "Will anyone answer me?",
        "May I talk to someone?",
        "Надежды больше нет",
        "Вера в себя пропала",
    ],
)
def test_ambiguous_names_are_kept_without_context(text: str) -> None:
    assert names(text) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("קוראים לי טל ואני בת 15", ["טל"]),
        ("אחותי שקד לא מדברת איתי", ["שקד"]),
        ("אור מהכיתה צוחק עליי", ["אור"]),
        ("רק סתיו יודעת מה עובר עליי", ["סתיו"]),
        ("היא והדר הפסיקו לדבר איתי, דנה ושחר גם", ["דנה", "שחר"]),
        ("اسمي أمل وعمري 17", ["أمل"]),
        ("صاحبتي نور سافرت", ["نور"]),
        ("فمالك قلي انه ما بحبني", ["مالك"]),
        ("والضابط علي بيعاملني كأني زبالة", ["علي"]),
        ("my friend Hope stopped talking to me", ["Hope"]),
        ("Hope texted me again last night", ["Hope"]),
        ("Меня зовут Вера, мне 16", ["Вера"]),
        ("Моя подруга Надежда не отвечает", ["Надежда"]),
    ],
)
def test_ambiguous_names_are_masked_with_context(text: str, expected: list[str]) -> None:
    assert names(text) == expected


# --- not people ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "ان شاء الله بكرا احسن",
        "والله تعبت من كل شي",
        "الحمد لله على كل حال",
        "يا الله شو تعبانة",
        "الله يخليكم ردوا علي",
        "יא אללה כמה שאני עייפה",
        "אלוהים, תעזור לי",
        "ברוך השם עבר עוד יום",
        "God, I am so tired",
        "Господи, помоги мне",
        'דיברתי פעם עם ער"ן וזה עזר',
        'התקשרתי לסה"ר אתמול',
    ],
)
def test_religious_words_and_the_lines_own_names_are_not_people(text: str) -> None:
    assert names(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "אני גרה בנווה יוסף ליד הים",
        "עמי גר ברחוב גולדה מאיר",
        "بمدرسة مار يوسف كلهم بيعرفوني",
        "ساكنين بشارع صلاح الدين",
        "I moved to Tel Aviv last year",
        "I study at Ben Gurion University",
        "שלחו לי מייל מ-dana.cohen@example.com",
        "the account @yosef_k keeps posting about me",
    ],
)
def test_names_inside_places_and_addresses_are_not_people(text: str) -> None:
    assert names(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "אני לא יודעת מה לעשות עם עצמי, כל יום אותו דבר",
        "אף אחד לא שואל אותי מה שלומי",
        "הבן דוד שלי מציק לי כבר שנים",
        "אני בשמירה עכשיו ויש לי כמה דקות",
        "התואר זו התקופה הכי כיפית בחיים",
        "ولגבי העבודה, אני לא יודע",
        "بسمع إنك عايشة بتوتر دايم",
        "دايماً بتمسخر عليّ لأني قصير",
        "ما بنام بالليل وما بقدر اركز بالمدرسة",
        "I keep having panic attacks at school",
        "Мы приехали полгода назад, я никого здесь не знаю",
    ],
)
def test_pii_free_messages_are_unchanged(text: str) -> None:
    assert names(text) == []
    result = deidentify(text, PlaceholderState.empty(), DETECTORS)
    assert result.text == text


# --- synthetic messages in new templates ------------------------------------------------------

SYNTHETIC = [
    ("he", "קוראים לי שקד ואני בת 16 מקריית גת", ["שקד"]),
    ("he", "השם שלי הוא תומר בן חיים ואני בכיתה י'", ["תומר בן חיים"]),
    ("he", "החבר שלי אלמוג אמר שהוא רוצה למות", ["אלמוג"]),
    ("he", "אני רוני, בת 15, ואין לי עם מי לדבר", ["רוני"]),
    ("he", "המורה לספורט, מר ביטון, צועק עליי כל שיעור", ["ביטון"]),
    ("he", "אמא של נעמה לא מרשה לה לדבר איתי", ["נעמה"]),
    ("he", "שלחתי לאביטל הודעה והיא לא ענתה כבר יומיים", ["אביטל"]),
    ("he", "הדר מהעבודה כל הזמן צוחקת עליי", ["הדר"]),
    ("he", "יש לי גל של מחשבות רעות בלילה", []),
    ("he", "אור החדר כבוי ואני לא מצליחה לקום", []),
    ("he", "בת הזוג שלי, רחלי פרידמן, עזבה את הבית", ["רחלי פרידמן"]),
    ("he", "אבא שלי, משה אזולאי, שותה כל ערב", ["משה אזולאי"]),
    ("he", "אני פוחדת מהשכן, יגאל, הוא מסתכל עליי מהחלון", ["יגאל"]),
    ("he", "אני מרגיש שאין לי כבר תקווה", []),
    ("he", "סיפרתי לגלעד והוא צחק", ["גלעד"]),
    ("he", "ביום שני יש לי שיחה עם היועצת", []),
    ("he", "המנהלת שלי קרן וקנין מאיימת לפטר אותי", ["קרן וקנין"]),
    ("he", "אני לא מסוגלת יותר, אלוהים תעזור לי", []),
    ("he", "שמעתי שעומרי ואופיר מדברים עליי מאחורי הגב", ["עומרי", "אופיר"]),
    ("he", "דיברתי עם העובדת הסוציאלית, חנה לוי, והיא לא עזרה", ["חנה לוי"]),
    ("he", "אני שמחה שיש מישהו לדבר איתו", []),
    ("he", "אחי הגדול שחר לא מדבר איתי מאז הצבא", ["שחר"]),
    ("ar", "اسمي جود وعمري ١٦ سنة", ["جود"]),
    ("ar", "صاحبي أيمن بحكي انه بدو ينتحر", ["أيمن"]),
    ("ar", "خطيبتي سماح تركتني قبل العرس بأسبوع", ["سماح"]),
    ("ar", "الاستاذة منال خطيب بتضحك علي قدام الكل", ["منال خطيب"]),
    ("ar", "ابو فراس جارنا بيضرب ولاده", ["ابو فراس"]),
    ("ar", "ما في أمل، حاسس حالي ضايع", []),
    ("ar", "الحمد لله على كل شي بس تعبت", []),
    ("ar", "حكيت مع رنين وما فهمتني", ["رنين"]),
    ("ar", "قلت لسلمان انه بدي اترك البيت", ["سلمان"]),
    ("ar", "بنت عمي ميسون بتهددني تفضحني", ["ميسون"]),
    ("ar", "نور الدين ابن عمي بيبعتلي مسجات بشعة", ["نور الدين"]),
    ("ar", "بدي ارتاح، ان شاء الله بكرا احسن", []),
    ("ar", "جوزي عبد الكريم بيضربني كل يوم", ["عبد الكريم"]),
    ("ar", "انا هبة من الطيبة، ومش عارفة لمين احكي", ["هبة"]),
    ("ar", "في بنت بالصف اسمها لمى بتتنمر علي", ["لمى"]),
    ("ar", "وعد صاحبتي الوحيدة وهلأ سافرت", ["وعد"]),
    ("ar", "يا رب صبرني، كل يوم بصحى مع نور الصبح وببكي", []),
    ("en", "my girlfriend Noya broke up with me yesterday", ["Noya"]),
    ("en", "my name is Ibrahim Masarwa, I'm 17", ["Ibrahim Masarwa"]),
    ("en", "my friend Grace stopped talking to me", ["Grace"]),
    ("en", "I have no hope left, honestly", []),
    ("en", "Coach Dahan told the whole team about my panic attacks", ["Dahan"]),
    ("en", "my ex-boyfriend Tomer keeps showing up at my work", ["Tomer"]),
    ("en", "May is the worst month for me", []),
    ("en", "talked to Shiri Avraham from school, she said to call you", ["Shiri Avraham"]),
    ("ru", "Меня зовут Лёша, мне 15", ["Лёша"]),
    ("ru", "Я поссорилась с Наташей, и теперь мне не с кем говорить", ["Наташей"]),
    ("ru", "Мой отчим Геннадий Волков пьёт каждый день", ["Геннадий Волков"]),
    ("ru", "Вера в лучшее у меня пропала", []),
    ("ru", "Подруга Лиля сказала, что мне надо к вам", ["Лиля"]),
    ("ru", "Мама говорит, что Игорь плохой друг", ["Игорь"]),
    ("ru", "Надежды уже нет", []),
    ("ru", "Учитель Рабинович всё время унижает меня при всех", ["Рабинович"]),
    ("he", "היי, זו עדן, אני בת 19 וגרה לבד בחולון", ["עדן"]),
    ("he", "בן הזוג של אמא שלי, אבי, צועק עליה כל לילה", ["אבי"]),
    ("he", "הבוס שלי רוני שטרן לא משלם לי משכורת כבר חודשיים", ["רוני שטרן"]),
    ("he", "אחותי הקטנה, יעלי, בוכה כל הזמן ואני לא יודעת מה לעשות", ["יעלי"]),
    ("he", "חבר מהכיתה בשם עידן מאיים שיפיץ תמונות שלי", ["עידן"]),
    ("he", "מישהו בשם ליאם כתב לי באינסטגרם שהוא יודע איפה אני גר", ["ליאם"]),
    ("he", "אני ואלעזר נפרדנו, והוא לקח את הכלב", ["אלעזר"]),
    ("he", "הרב שלנו, הרב שמואל כץ, אמר שזה עונש משמיים", ["שמואל כץ"]),
    ("he", "נופר ושקד הפסיקו לדבר איתי מאז הטיול השנתי", ["נופר", "שקד"]),
    ("he", 'הפסיכולוגית שלי, ד"ר אורנה גבאי, יצאה לחופשה', ["אורנה גבאי"]),
    ("he", "אין לי כוח לקום בבוקר, הכל אפור", []),
    ("he", "חיכיתי שעה בתור ואף אחד לא ענה", []),
    ("he", "הים תמיד הרגיע אותי אבל היום גם זה לא עוזר", []),
    ("he", "שלום, מישהו יכול לעזור? אני באמת צריכה לדבר", []),
    ("he", "בגלל ישראל אני לא ישן בלילות, כל הזמן אזעקות", []),
    ("ar", "بنادوني سوسو بالبيت بس اسمي الحقيقي سوسن", ["سوسو", "سوسن"]),
    ("ar", "خالي ابو سامر بيجي عنا كل يوم وبيصرخ على امي", ["ابو سامر"]),
    ("ar", "صديقتي المقربة تسنيم بطلت تحكي معي", ["تسنيم"]),
    ("ar", "انا اسمي كنان، عمري ١٧ ومن الناصرة", ["كنان"]),
    ("ar", "المديرة وفاء حسين هددتني انها رح تطردني", ["وفاء حسين"]),
    ("ar", "يزن ورامي بيستنوني كل يوم بعد المدرسة", ["يزن", "رامي"]),
    ("ar", "حبيبي السابق معتز نشر صوري بالانستا", ["معتز"]),
    ("ar", "الدكتور خليل قال لازم أخذ دوا بس امي رفضت", ["خليل"]),
    ("ar", "كل ما بفكر بالمستقبل بحس ما في أمل", []),
    ("ar", "الله يسامحهم، ما عاد بدي شي من الدنيا", []),
    ("ar", "صار عندي قلق كتير من الامتحانات وما بنام", []),
    ("ar", "بدي حياة عادية متل كل البنات", []),
    ("ar", "والله العظيم تعبت، ما حدا بيسمعني بالبيت", []),
    ("en", "hey, it's Dana, I messaged yesterday about my dad", ["Dana"]),
    ("en", "my stepdad Yuri gets drunk and breaks things", ["Yuri"]),
    ("en", "a guy named Rafi from my unit keeps sending me creepy messages", ["Rafi"]),
    ("en", "I told my teacher Mrs. Goldman but nothing happened", ["Goldman"]),
    ("en", "I can't sleep, will this ever get better?", []),
    ("en", "Grace under pressure is not my thing lol", []),
    ("ru", "Привет, я Соня, мне 16 и я живу в Ашкелоне", ["Соня"]),
    ("ru", "Мой брат Артём постоянно меня бьёт", ["Артём"]),
    ("ru", "Не могу перестать думать о Диме, он меня бросил", ["Диме"]),
    ("ru", "Моя классная руководительница Ирина Петровна кричит на меня", ["Ирина Петровна"]),
    ("ru", "Слава богу, сегодня было чуть легче", []),
    ("ru", "Любовь прошла, а боль осталась", []),
    ("he", "המדריך בתנועה, ערן, נגע בי ואני לא יודעת למי לספר", ["ערן"]),
    ("he", "השותפה שלי לדירה אלינור גונבת לי אוכל ומקללת", ["אלינור"]),
    ("he", "הבן שלי איתמר לא יוצא מהחדר כבר שבוע", ["איתמר"]),
    ("he", "כשאורי עזב הרגשתי שכל העולם נפל", ["אורי"]),
    ("he", "אני לא רוצה שאבא של טליה ידע", ["טליה"]),
    ("he", "פגשתי את יהלי בפארק והיא אמרה שהיא חושבת להתאבד", ["יהלי"]),
    ("he", "המפקד של הפלוגה, סרן דביר אוחנה, לא נותן לי לצאת הביתה", ["דביר אוחנה"]),
    ("he", "אני צריכה עזרה, יש לי חן בעיניים של אמא רק כשאני מצליחה", []),
    ("he", "מאז שעברנו דירה אני לבד כל היום", []),
    ("he", "לקחתי כדורים, אני פוחדת", []),
    ("ar", "صاحبتي بيسان قالتلي انها بدها تهرب من البيت", ["بيسان"]),
    ("ar", "ابن جيراننا عمار بيلاحقني كل ما اطلع", ["عمار"]),
    ("ar", "اختي الكبيرة رهف اتجوزت وتركتني لحالي", ["رهف"]),
    ("ar", "ام خليل، مرت عمي، بتتدخل بكل شي بحياتي", ["ام خليل"]),
    ("ar", "اسمي فرح ومن وانا صغيرة ابوي بيضربني", ["فرح"]),
    ("ar", "حكيت مع المرشدة سهى بس ما صدقتني", ["سهى"]),
    ("ar", "ما حدا بيفهمني غير جدتي الله يرحمها", []),
    ("ar", "بطلت اطلع من الغرفة، حاسة حالي فاشلة", []),
    ("ar", "كنت مبسوطة كتير بس هلأ كل شي تغير", []),
    ("ar", "المعلم ابو علي بيعاقبني قدام الصف", ["ابو علي"]),
    ("en", "my best friend Yarden stopped eating and I'm scared", ["Yarden"]),
    ("en", "this is Lina again, sorry for disappearing", ["Lina"]),
    ("en", "my roommate Ahmad Jaber is threatening me", ["Ahmad Jaber"]),
    ("en", "honestly I just want some peace and quiet", []),
    ("en", "my mom and I fight every day about school", []),
    ("ru", "Мне пишет Денис, хотя я его просила не писать", ["Денис"]),
    ("ru", "Я живу с бабушкой, мама уехала", []),
    ("ru", "Соседка тётя Галя говорит маме, что я наркоманка", ["Галя"]),
    ("ru", "Мой парень Саша Коган бьёт меня, когда выпьет", ["Саша Коган"]),
    ("ru", "Надежда умирает последней, но у меня её уже нет", []),
    ("he", "רציתי לספר שהמורה לאנגלית, גלית, מקללת אותי מול כולם", ["גלית"]),
    ("he", "אבא שלי ומירב, אשתו החדשה, זורקים אותי מהבית", ["מירב"]),
    ("he", "יש לי חבר בשם אלירן שמציע לי סמים", ["אלירן"]),
    ("he", "אני מאיר, בן 45, ואיבדתי את העבודה", ["מאיר"]),
    ("he", "סבתא רחל נפטרה ואין לי עם מי לדבר", ["רחל"]),
    ("he", "אחרי שהדס עזבה את הבית אני לבד עם אבא", ["הדס"]),
    ("he", "אני בקשר עם בחור מהאינטרנט, קוראים לו ג'ורג'", ["ג'ורג'"]),
    ("he", "הרכזת, שרית בן עמי, אמרה שהיא תתקשר אליי", ["שרית בן עמי"]),
    ("he", "אני כל כך עייף, רק רוצה לישון ולא לקום", []),
    ("he", "המצב בבית נהיה גרוע יותר מאז המלחמה", []),
    ("he", "אני לא מרגישה אהובה בכלל", []),
    ("ar", "انا وصاحبتي رغد تخانقنا وهي ما بترد علي", ["رغد"]),
    ("ar", "عمي جميل بيجي بالليل ويضايقني", ["جميل"]),
    ("ar", "امي ماتت وخالتي سعاد هي اللي بتربيني", ["سعاد"]),
    ("ar", "بحب شب اسمه قيس بس اهلي رافضين", ["قيس"]),
    ("ar", "ابن خالي ابو اليمن بيهددني بالصور", ["ابو اليمن"]),
    ("ar", "الشيخ عبد الله قال لابوي يجوزني", ["عبد الله"]),
    ("ar", "بشتغل بمطعم والمدير تبعي ماجد بيصرخ علي", ["ماجد"]),
    ("ar", "انا حزينة كتير اليوم وما بعرف ليش", []),
    ("ar", "كل يوم بقول بكرا احسن بس ما بتتحسن", []),
    ("ar", "ابوي بيشرب كتير وبيكسر اغراض البيت", []),
    ("en", "my sister Adi cut herself last night", ["Adi"]),
    ("en", "hey it's me, Nadine, from earlier", ["Nadine"]),
    ("en", "Khaled and Rami keep bullying me on the bus", ["Khaled", "Rami"]),
    ("en", "my dad's girlfriend Svetlana hits me", ["Svetlana"]),
    ("en", "honestly nobody cares about me at all", []),
    ("ru", "Моя мама и её друг Виталий постоянно ругаются", ["Виталий"]),
    ("ru", "Я написала Полине, но она не ответила", ["Полине"]),
    ("ru", "Это Карина, я писала вам вчера", ["Карина"]),
    ("ru", "Мне очень страшно оставаться дома одной", []),
    ("he", "החברה הכי טובה שלי, טספאיה, עברה לגור בצפון", ["טספאיה"]),
    ("he", "אני עובדת עם ויקה וסשה והן צוחקות עליי ברוסית", ["ויקה", "סשה"]),
    ("he", "המנהל שלי סאמי מחאמיד דורש ממני לעבוד שעות נוספות בלי תשלום", ["סאמי מחאמיד"]),
    ("he", "כל הלילה חשבתי על מה שאלעד אמר לי", ["אלעד"]),
    ("he", "בני, הבן שלי, מסתגר בחדר", ["בני"]),
    ("he", "יש לי מורה פרטית בשם אנה והיא היחידה שמקשיבה", ["אנה"]),
    ("he", "לא ישנתי כבר שלושה לילות ואני מרגישה שאני משתגעת", []),
    ("he", "אני מפחד מהצבא, מה אם לא אעמוד בזה", []),
    ("he", "זה חן של אמא שלי, היא תמיד הייתה יפה", []),
    ("ar", "جدي ابو خالد قال انه البنت مكانها البيت", ["ابو خالد"]),
    ("ar", "انا مراد من كفر كما وعمري ١٩", ["مراد"]),
    ("ar", "في واحد بالجامعة اسمه وسام بيلاحقني", ["وسام"]),
    ("ar", "بحكي مع أسيل ولانا كل يوم بس ما بقدر احكيلهم", ["أسيل", "لانا"]),
    ("ar", "الاستاذ بيتعامل معي بطريقة مهينة", []),
    ("ar", "بدي اهرب من البيت، ما عاد فيي اتحمل", []),
    ("en", "talked to my cousin lior about it and he laughed", ["lior"]),
    ("en", "my therapist Dr. Mizrahi is on vacation", ["Mizrahi"]),
    ("en", "I live with my grandma Pnina in Beersheba", ["Pnina"]),
    ("en", "Sorry, I just needed someone to listen", []),
    ("en", "Joy is not something I feel anymore", []),
    ("ru", "Мой друг Эльдар из Хайфы говорит, что у него депрессия", ["Эльдар"]),
    ("ru", "Я рассталась с Ромой и мне очень плохо", ["Ромой"]),
    ("ru", "Учительница Марина Львовна сказала, что я тупая", ["Марина Львовна"]),
    ("ru", "Завтра экзамен, а я ничего не учила", []),
    ("he", "היי, כאן נטע. כתבתי לכם אתמול", ["נטע"]),
    ("he", "בעלי, אבנר, מרביץ לילדים כשהוא שיכור", ["אבנר"]),
    ("he", "נדב ויותם מהקבוצה צילמו אותי במקלחת", ["נדב", "יותם"]),
    ("he", "המחנכת שלי, רונית אלמוג, אמרה שאני צריכה לדבר עם מישהו", ["רונית אלמוג"]),
    ("he", "אני כל הזמן רבה עם אמא על הכל", []),
    ("he", 'אחרי הטיפול של ד"ר שמעוני הרגשתי יותר טוב', ["שמעוני"]),
    ("he", "יש לי אח קטן, עמרי, ואני דואגת לו לבד", ["עמרי"]),
    ("he", "כולם בכיתה קוראים לי שמנה", []),
    ("ar", "ريم وياسمين بطلوا يحكوا معي من يوم الحفلة", ["ريم", "ياسمين"]),
    ("ar", "مرت ابوي، سهام، بتعاملني كأني خدامة", ["سهام"]),
    ("ar", "معك سارة، حكيت معكم مبارح", ["سارة"]),
    ("ar", "اخوي الكبير فادي بيضربني اذا طلعت", ["فادي"]),
    ("ar", "ما عاد عندي صحاب، كلهم تركوني", []),
    ("ar", "ابو العبد صاحب المحل بيتحرش فيي", ["ابو العبد"]),
    ("en", "my coworker Tamar Peretz spreads rumors about me", ["Tamar Peretz"]),
    ("en", "I broke up with Itamar and now I can't stop crying", ["Itamar"]),
    ("en", "it's Rawan, I wrote you last week about my brother", ["Rawan"]),
    ("en", "I just want someone to tell me it will be ok", []),
    ("ru", "Меня травит одноклассница Вика Левина", ["Вика Левина"]),
    ("ru", "Я боюсь отчима, его зовут Виктор", ["Виктор"]),
    ("ru", "Мы с Олей поругались из-за парня", ["Олей"]),
    ("ru", "Мне надоело всё, хочу исчезнуть", []),
]


@pytest.mark.parametrize(("lang", "text", "expected"), SYNTHETIC)
def test_synthetic_messages(lang: str, text: str, expected: list[str]) -> None:
    assert names(text) == expected, lang


# --- placeholders across a conversation --------------------------------------------------------


def test_placeholders_are_consistent_across_a_conversation() -> None:
    state = PlaceholderState.empty()
    first = deidentify("החבר שלי אלמוג אמר שהוא רוצה למות", state, DETECTORS)
    second = deidentify("דיברתי עם אלמוג ועם מיכל היום", first.state, DETECTORS)
    third = deidentify("מיכל ואלמוג לא עונים", second.state, DETECTORS)
    assert first.text == "החבר שלי [PERSON_1] אמר שהוא רוצה למות"
    assert second.text == "דיברתי עם [PERSON_1] ועם [PERSON_2] היום"
    assert third.text == "[PERSON_2] ו[PERSON_1] לא עונים"
    assert dict(third.redactions) == {"PERSON": 2}


def test_restore_puts_the_names_back() -> None:
    state = PlaceholderState.empty()
    messages = [
        "اسمي نزار بكري وعمري 17",
        "صاحبتي لين بتحكي انه بدها تأذي حالها",
        "my friend Hope stopped talking to me",
        "Меня зовут Вера, мне 16",
    ]
    for message in messages:
        result = deidentify(message, state, DETECTORS)
        assert "[PERSON_" in result.text
        assert restore(result.text, result.state).text == message
        state = result.state
    reply = "[PERSON_2], ما تخافي. [PERSON_1] كمان بيقدر يساعد"
    restored = restore(reply, state)
    assert restored.text == "لين, ما تخافي. نزار بكري كمان بيقدر يساعد"
    assert restored.unresolved == ()


def test_spans_with_other_detectors_do_not_overlap() -> None:
    text = "קוראים לי יעל כהן, הטלפון שלי 050-7654321 והמייל yael.cohen@example.com"
    spans = detect(text)
    assert all(b.start >= a.end for a, b in itertools.pairwise(spans))
    assert (text[spans[0].start : spans[0].end], spans[0].entity_type) == ("יעל כהן", "PERSON")
    assert "yael" not in deidentify(text, PlaceholderState.empty()).text


def test_russian_case_forms_of_one_name_share_a_placeholder() -> None:
    first = deidentify("Меня зовут Катя, мне 19", PlaceholderState.empty())
    second = deidentify("мама Кати не знает", first.state)
    assert "[PERSON_1]" in first.text
    assert "[PERSON_1]" in second.text
    assert "[PERSON_2]" not in second.text
