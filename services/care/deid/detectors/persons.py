"""People's names: gazetteers, cue phrases and name context, in Hebrew, Arabic, English and Russian.

A message is cut into words. Each word, and for Hebrew and Arabic each stem left after peeling
prefix letters or clitics (``care.deid.morphology``), is looked up in the curated lists in
``care.deid.gazetteers`` (provenance in ``people.md``). Then:

* A first name that is not also an ordinary word is a name wherever it stands. Latin and Cyrillic
  ones must be capitalised or come right after a cue: "max" or "рома" in lower case are words.
* A name that is also a word (``ambiguous_names.txt``: טל, أمل, Hope, Вера) needs name context: a
  naming phrase before it ("קוראים לי", "اسمي", "my name is", "меня зовут"), a relationship or role
  word ("אחותי", "الضابط", "my friend"), a title, a kunya ("أبو", "أم"), a family name after it, a
  verb a person does right after it ("סתיו יודעת", "مالك قلي", "Hope texted"), a group it belongs to
  ("ים מהכיתה"), a self-introduction that goes on ("انا لين، ..."), or another name beside it.
* A word in no list is a name only right after a strong cue: after a naming phrase; a capitalised
  Latin or Cyrillic word after a relationship or role word; a Hebrew or Arabic word after a role
  word when a verb follows it ("המאמן אוחיון לא סופר", "المدرب جرايسي طردني").
* A first name takes the family name after it into the same span: a listed family name, a
  "בן/أبو/Abu ..." compound, a capitalised Latin or Cyrillic word, a word with a family-name
  ending (-וביץ, -ский, -енко), or, after a naming phrase, a Hebrew or Arabic word ending the clause.

Not people: words inside e-mail addresses, URLs and handles (the structured detectors own those),
names inside a place ("נווה יוסף", "شارع صلاح الدين", "Tel Aviv", "Ben Gurion University"), words for
God ("الله", "אלוהים") and the crisis lines' own names (ער"ן, סה"ר, נט"ל).

Everything is precomputed at import and word analyses are cached, because this runs on every message.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

from care.deid.gazetteers import load_list
from care.deid.morphology import stems
from care.deid.normalize import Detector, NormalizedText, Span

# --- normalisation of words for look-up ---------------------------------------------------------

# Niqqud, cantillation, Arabic harakat and tatweel carry no identity: "محمّد" is "محمد".
_MARKS = re.compile(
    r"[\u0591-\u05bd\u05bf\u05c1\u05c2\u05c4\u05c5\u05c7\u0610-\u061a\u064b-\u065f\u0670\u0640]"
)
# Hamza seats and ta marbuta are written every which way in chat ("احمد"/"أحمد", "فاطمه"/"فاطمة");
# ё is mostly written е; the Hebrew geresh and the typographic apostrophe are typed as "'".
_FOLD = str.maketrans(
    {"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ة": "ه", "ё": "е", "׳": "'", "’": "'", "״": '"'}
)


def _key(word: str) -> str:
    return _MARKS.sub("", unicodedata.normalize("NFC", word).casefold()).translate(_FOLD)


def _keys(words: str) -> frozenset[str]:
    return frozenset(_key(word) for word in words.split())


# --- the lists ----------------------------------------------------------------------------------

_SCRIPTS = ("he", "ar", "latin", "ru")
_Multi = dict[str, tuple[tuple[str, ...], ...]]


def _entries(names: Iterable[str]) -> tuple[frozenset[str], _Multi]:
    """Single-word entries, and multi-word ones ("عبد الرحمن", "בן דוד") indexed by their first word."""
    single: set[str] = set()
    multi: dict[str, list[tuple[str, ...]]] = {}
    for entry in names:
        parts = tuple(_key(part) for part in entry.split())
        if len(parts) == 1:
            single.add(parts[0])
        elif parts:
            multi.setdefault(parts[0], []).append(parts[1:])
    return frozenset(single), {k: tuple(sorted(v, key=len, reverse=True)) for k, v in multi.items()}


def _all_scripts(kind: str) -> Iterable[str]:
    return (name for script in _SCRIPTS for name in load_list(f"{kind}_{script}"))


_AMBIGUOUS, _AMBIGUOUS_MULTI = _entries(load_list("ambiguous_names"))
_FIRST_ALL, _FIRST_MULTI = _entries(_all_scripts("first_names"))
_FIRST = _FIRST_ALL - _AMBIGUOUS
_SURNAMES_ALL, _SURNAME_MULTI = _entries(_all_scripts("surnames"))
# A family name that is also an everyday word ("שלום", "Gal") needs more than adjacency.
_SURNAMES = _SURNAMES_ALL - _AMBIGUOUS

# Never a person, whatever the context: words for God, and the crisis lines' own names.
_NEVER = _keys(
    "الله اللة لله الاه اله رب ربي ربنا يارب يالله والله بالله تالله النبي الرسول "
    "אלוהים אלוקים אללה השם ה' ישו אדוני "
    "god allah jesus christ lord "
    "бог бога богу господь господи аллах иисус "
    'ער"ן סה"ר נט"ל'
)

# Hebrew words that peel into a name but are ordinary words ("כליה" is a kidney, not כ + ליה).
_HEBREW_WORDS = _keys(
    "כיפית כיפי לגבי ולגבי כליה כליות בליה שליה בעומר כמיה במיה בעדי כרות שרות מרן במיכל ממיכל שלי לי שלו"
)

# --- function words that are never a name, even right after a cue -------------------------------

_STOP = _keys(
    # Hebrew
    "אני אתה את הוא היא אנחנו אתם אתן הם הן לא כן גם רק כבר עוד מאוד מאד ממש פשוט כל זה זאת זו "
    "שלי שלך שלו שלה שלנו שלכם שלהם של עם על אל מה מי איך למה כי אבל או אם יש אין היה הייתה היתה "
    "להיות בת בן בגיל כמו אחד אחת מישהו מישהי אף אחר אחרת עכשיו היום אתמול מחר תמיד שוב בכלל אפילו "
    "הזה הזאת הזו הכי טוב רע סתם די קצת הרבה ככה כזה כזאת לי לו לה לך לכם לנו להם אותי אותו אותה "
    "אותך איתי איתו איתה ממני ממנו ממנה עליי עליו עליה אליי אליו בי בו בה שם פה כאן שאני שהוא "
    "שהיא ואני והוא והיא היי הי אהלן תודה סליחה בבקשה נו אוקיי אממ אה יא כולם כולן אחי "
    "אמא אבא סבתא סבא הורים ההורים מהכיתה עדיין בדיוק באמת ממש לגמרי לפעמים אולי בטח נכון "
    # Arabic
    "انا انت انتي انتو هو هي احنا نحن هم ما مش مو لا ولا بس كمان هلا هلا هلق هسا هسه اليوم "
    "امبارح بكرا كل شو ليش كيف وين مين اللي الي هاد هادا هادي هاي هيك يعني يا في فيه فيها فيي من "
    "عن على ع مع عند عندي معي معه معها تبعي تبعه تبعها حالي اشي شي حدا واحد وحده كتير شوي برضو "
    "لسا لسه بعد قبل صار صارت كان كانت بدي بدو بدها رح عم اذا انه انو لانه مرحبا اهلا مسا صباح "
    "الخير شكرا بليز سوري عفوا طيب اوكي وانا وهو وهي حتى لما لمن هون هناك قديش اديش زي متل مثل "
    "ابوي امي بابا ماما اخوي اختي عمري سنه سنة بدون غير عشان علشان مشان منشان لحتى بين تحت فوق "
    "جنب قدام ورا خلال ضد حول منذ لان لانو يمكن اكيد طبعا ابدا جدا قليل هيكي برضه خلص يلا كيفك "
    "نفسيه نفسي اجتماعيه اجتماعي "
    # English
    "i i'm im i've i'll i'd me my mine you your he she him her his they them their we us our it "
    "this that these those there here the a an and or but so because if then when what why how who "
    "where hi hey hello thanks thank please sorry yes no ok okay not just also really very mom mum "
    "dad mother father grandma grandpa god is was am are be been do does did have has had can "
    "could would should might must from with at in on of for to by about as like "
    # Russian
    "я мне меня мной мой моя моё мое мою моего моей он она оно они мы вы ты его её ее их это этот эта "
    "привет здравствуйте спасибо пожалуйста извините да нет не но и а или что как где кто когда "
    "почему мама папа бабушка дедушка очень уже ещё еще тоже просто"
)

# Weekday and month names are capitalised in English and look like names after a cue.
_CALENDAR = _keys(
    "monday tuesday wednesday thursday friday saturday sunday january february march april may june "
    "july august september october november december jan feb mar apr jun jul aug sep sept oct nov dec "
    "понедельник вторник среда четверг пятница суббота воскресенье"
)

# --- cue words ----------------------------------------------------------------------------------

# Phrases after which the next word is a name even when no list knows it.
_NAMING_PHRASES: tuple[tuple[str, ...], ...] = tuple(
    tuple(_key(word) for word in phrase.split())
    for phrase in (
        "קוראים לי",
        "קורים לי",
        "קוראים לה",
        "קוראים לו",
        "שמי",
        "השם שלי",
        "השם שלי זה",
        "השם שלי הוא",
        "בשם",
        "תקראו לי",
        "תקראי לי",
        "לקרוא לי",
        "הכינוי שלי",
        "اسمي",
        "اسمه",
        "اسمها",
        "اسمو",
        "اسمي هو",
        "بنادوني",
        "بينادوني",
        "بيسموني",
        "بسموني",
        "ناديني",
        "ناديلي",
        "بنادولي",
        "بيقولولي",
        "name is",
        "name's",
        "names",
        "call me",
        "named",
        "called",
        "меня зовут",
        "зовут",
        "меня звать",
        "звать",
        "имя",
        "по имени",
        "зови меня",
        "называй меня",
    )
)
_NAMING_LAST: frozenset[str] = frozenset(phrase[-1] for phrase in _NAMING_PHRASES)
# Of those, the ones that also introduce nicknames and insults ("קוראים לי שמנה", "they call me fat"):
# an unlisted word after them is a name only when an introduction goes on ("..., ואני בת 16").
_CALLING_LAST = _keys(
    "לי לה לו بنادوني بينادوني بيسموني بسموني ناديني ناديلي بنادولي بيقولولي me зовут звать"
)
# Insults that follow "קוראים לי" or "بنادوني" in bullying stories; never names.
_INSULTS = _keys(
    "שמנה שמן מכוערת מכוער הומו לסבית זונה מפגר מפגרת טיפש טיפשה אפס לוזר לוזרית חנון חנונית "
    "כושי כושית ערבי ערביה ערבייה מתנחל פסיכי פסיכית משוגע משוגעת "
    "سمينه سمين بشعه بشع غبيه غبي فاشله فاشل شرموطه حمار حماره مجنون مجنونه كلب كلبه خول "
    "fat ugly gay stupid loser freak"
)

# Self-introductions: a known name after them, or an ambiguous one in an introduction pattern.
_INTRO = _keys("אני זו זאת זה انا أنا هاي i'm im я это")
_INTRO_PAIRS = frozenset({("i", "am"), ("this", "is")})

# Relationship and role words: the name follows them ("אחותי ספיר", "الضابط علي", "my ex Omer").
_RELATIONS = _keys(
    # Hebrew (stems: "ולאחותי" is found through "אחותי")
    "אח אחי אחות אחותי אחיי בעלי אשתי חבר חברה חברי חברתי אקס אקסית זוגי גיס גיסי גיסה גיסתי "
    "דוד דודה דודתי סבי סבתי נכד נכדה נכדי נכדתי ארוס ארוסה ארוסי ארוסתי ידיד ידידה ידידי ידידתי "
    "שכן שכנה שכני שכנתי שותף שותפה שותפי שותפתי הבן הבת בתי אבא אמא אמי בחור בחורה ילד ילדה נער "
    "נערה "
    # Arabic (stems: "والضابط" is found through "ضابط")
    "اخ اخوي اخويا اخي خيي اخت اختي خيتي صاحبي صاحبتي صحبتي صاحب صاحبه صديق صديقه صديقي صديقتي "
    "رفيقي رفيقتي حبيبي حبيبتي خطيب خطيبي خطيبتي خطيبه جوزي زوجي مرتي زوجتي ابني بنتي عمي خالي "
    "عمتي خالتي ستي سيدي جدي جدتي جاري جارتي جارنا جارتنا جيراننا زميلي زميلتي ابوي ابي امي طليقي "
    "طليقتي ابن بنت شب "
    # English
    "ex boyfriend girlfriend bf gf friend bff bestie brother bro sister sis cousin husband wife "
    "partner fiance fiancé fiancee fiancée crush roommate flatmate son daughter uncle aunt auntie "
    "grandma grandpa grandmother grandfather stepdad stepmom stepfather stepmother stepbrother "
    "stepsister niece nephew classmate colleague coworker co-worker neighbor neighbour mom mum dad "
    "mother father buddy pal mate ex-boyfriend ex-girlfriend ex-husband ex-wife "
    # Russian (case forms come from the same endings as names)
    "парень парня парню парнем девушка брат братик братишка сестра сестрёнка сестренка друг подруга "
    "подружка муж жена бывший бывшая бывшего бывшему бывшим бывшей бывшую сын дочь дочка отчим "
    "мачеха дядя тётя тетя кузен кузина племянник племянница жених невеста любимый любимая "
    "одноклассник одноклассница однокурсник однокурсница сосед соседка знакомый знакомая коллега "
    "мама папа отец отца отцом"
)
_ROLES = _keys(
    'מפקד מפקדת מ"כ מ"מ מ"פ סמל סמלת רס"ר קצין קצינה קצינת מורה מחנך מחנכת יועץ יועצת מנהל מנהלת '
    'מאמן מאמנת אחראי אחראית מדריך מדריכה בוס בוסית מטפל מטפלת פסיכולוג פסיכולוגית עו"ס סוציאלית '
    "רופא רופאה מרצה גננת שוטר שוטרת חוקר חוקרת מעסיק מעסיקה רכז רכזת מנחה "
    "استاذ استاذه معلم معلمه مربي مربيه مدرس مدير مديره ضابط ظابط مدرب مدربه دكتور دكتوره حكيم "
    "مرشد مرشده مستشار مستشاره اخصائي اخصائيه مسؤول مسؤوله رقيب قائد مشرف مشرفه محامي محاميه شرطي "
    "محقق ممرض ممرضه "
    "boss manager teacher coach therapist counselor counsellor psychologist commander sergeant "
    "officer supervisor tutor doctor principal mentor rabbi sheikh imam landlord "
    "начальник начальница учитель учительница классная классный командир сержант тренер психолог "
    "директор доктор врач"
)
# Titles: a family name alone after them is a name ("ד"ר כהן", "Mr. Levi", "السيد خوري").
_TITLES = _keys(
    "מר גברת גב' ד\"ר דוקטור פרופ' פרופסור הרב הרבנית עו\"ד השופט השופטת "
    "السيد السيده الست استاذ دكتور د الشيخ شيخ الحاج الحجه "
    "mr mrs ms miss mx dr prof professor rabbi sheikh coach officer sgt captain capt "
    "господин госпожа доктор "
    "משפחת عائله عيله family семья"
)
# Words between a relationship word and the name ("אחי הקטן גיא", "صاحبتي الانتيم ريم").
_MODIFIERS = _keys(
    "שלי הקטן הקטנה הגדול הגדולה הצעיר הצעירה הבכור הבכורה התאום התאומה לשעבר הטוב הטובה הכי טוב טובה "
    "החדש החדשה הקודם הקודמת החורג החורגת של "
    "الصغير الصغيره الزغير الزغيره الكبير الكبيره الانتيم الوحيد الوحيده القديم القديمه السابق "
    "السابقه النفسيه النفسي نفسيه نفسي الاجتماعيه الاجتماعي اجتماعيه اجتماعي تبعي تبعتي"
)
# A comma between the cue and the name is an apposition only after these ("המפקד שלי, יוסי").
_APPOSITION = _keys("שלי my мой моя")
# Kunya: "أبو مالك", "أم رامي" are one name with the word before.
_KUNYA = _keys("ابو أبو ام أم אבו אום abu abou umm um")
# Family-name particles: "בן דוד", "أبو رومي", "Ben-David", "Abu Ras", "al Khatib".
_PARTICLES = _keys("בן בר ابو أبو بن ben bar abu abou al el")
# Communication verbs before a name ("אמרתי לטל", "بعتلي نور", "I told Hope", "пишет Вера").
_VERBS_BEFORE = _keys(
    "אמרתי סיפרתי כתבתי שלחתי התקשרתי דיברתי נפגשתי יצאתי רבתי נפרדתי התחתנתי אתחתן להתחתן שאתחתן "
    "פגשתי הכרתי שאלתי ביקשתי חסמתי התכתבתי "
    "قلت حكيت بحكي بعتت بعتتله اتصلت تعرفت طلعت تجوزت انخطبت شفت التقيت سالت كتبت بعتلي بعتتلي "
    "قلي قالي قالتلي قاللي حكالي حكتلي تركني تركتني هددني هددتني ضربني ضربتني طردني كتبلي كتبتلي "
    "told tell texted text asked messaged met dating dated married blocked "
    "с со пишет написал написала звонит позвонил позвонила сказал сказала поговорила поговорил "
    "поссорилась поссорился рассталась расстался встречаюсь живу"
)
# English verbs after which even an unlisted capitalised word is a person ("I told Zorbel").
_TELLING = _keys("told texted asked messaged met dating married blocked")
# "דיברתי עם X", "بحكي مع X": the preposition sits between the verb and the name.
_WITH = _keys("עם مع")
# Verbs a person does, right after the name ("סתיו יודעת", "هالة كانت", "Hope texted", "Вера пишет").
_VERBS_AFTER = _keys(
    "אמר אמרה סיפר סיפרה שלח שלחה כתב כתבה התקשר התקשרה נפרד נפרדה עזב עזבה צחק צחקה צועק צועקת "
    "צעק צעקה מציק מציקה הציק הציקה מרביץ מרביצה הרביץ הרביצה איים איימה מאיים מאיימת פגע פגעה "
    "מטריד מטרידה הטריד הטרידה שונא שונאת אוהב אוהבת יודע יודעת מבין מבינה מדבר מדברת דיבר דיברה "
    "עונה ענה ענתה מסתכל מסתכלת הסתכל הסתכלה מת מתה נפטר נפטרה נהרג נהרגה התאבד התאבדה חסם חסמה "
    "הפיץ הפיצה פרסם פרסמה צילם צילמה ביקש ביקשה מבקש מבקשת החליט החליטה זרק זרקה הוציא הוציאה "
    "לקח לקחה אנס תקף תקפה קילל קיללה מקלל מקללת השפיל השפילה משפיל משפילה לועג לועגת צוחק צוחקת "
    "הבטיח הבטיחה בגד בגדה ניתק ניתקה התעלם התעלמה מתעלם מתעלמת חושב חושבת סופר מאשר מאשרת עשה "
    "עשתה חזר חזרה הגיע הגיעה גר גרה עובד עובדת טוען טוענת מתקשר מתקשרת שולח שולחת כותב כותבת "
    "הודיע הודיעה לא "
    "قلي قالي قال قالت قاللي قالتلي حكالي حكتلي حكى حكت بعتلي بعتتلي بعت بعتت تركني تركتني ترك "
    "تركت راح راحت طردني طردتني ضربني ضربتني كان كانت صار صارت مات ماتت توفى توفي توفت انتحر "
    "انتحرت سافر سافرت ضحك ضحكت خانني خانتني اغتصبني تحرش هددني هددتني ابتزني صورني صورتني نشر "
    "نشرت فضحني فضحتني اتصل اتصلت كتبلي كتبتلي رد ردت قرر قررت انفصل انفصلت اجا اجت وصل وصلت "
    "بتحكي بتقلي بتقول بتعرف بتحب بتكرهني بتضربني بتهددني بتبعتلي بترد بتصرخ بتتنمر بتهينني "
    "بتلاحقني بتعيط بتبكي بتشتغل بتدرس بتسكن بتفكر بتضحك بتستنى ما مش "
    "keeps kept said says told tells texted texts sent sends called calls left hit hits broke dumped "
    "cheated threatened threatens won't doesn't didn't never always wants wanted posted posts "
    "messaged blocked knows knew hurt hurts yelled yells screams screamed died passed killed raped "
    "touched follows followed lives lived thinks thought laughed "
    "пишет написал написала звонит позвонил позвонила сказал сказала говорит бросил бросила ударил "
    "ударила бьёт бьет угрожает угрожал угрожала ушёл ушел ушла умер умерла погиб погибла знает "
    "хочет орёт орет кричит обижает издевается прислал прислала выложил выложила изменил изменила "
    "заблокировал заблокировала не"
)
# Nouns that end like a verb with "me" ("عيني" my eye, "ثواني" seconds): "نور عيني" is an endearment.
_AR_NOT_VERBS = _keys(
    "ثواني تواني اغاني اماني معاني مباني اواني ثاني تاني يعني عيني ابني بطني حضني ديني وطني اذني "
    "سني جفوني عيوني اسناني لساني مكاني زماني حناني انساني ايماني امكاني احزاني لاني انني لانني "
    "كاني بيني فيني"
)
# Verbs that are also common after a plain noun; good enough for a known name, not for an unknown word.
_WEAK_VERBS_AFTER = _keys("לא ما مش не was is has had")
# Greetings that are also names: "שלום דנה" greets Dana.
_GREETINGS = _keys("שלום سلام salam selam")
# "בן דוד", "בת דודה": cousin, not a son named David.
_KIN_AFTER_SON = _keys("דוד דודה דודי")
# Names that are a pronoun when bare but only a name with a preposition glued on ("באליה").
_PRONOUN_NAMES = _keys("אליה")
# "ים מהכיתה", "טל מהעבודה": a person from a group.
_GROUPS = _keys(
    "כיתה שכבה עבודה צבא בסיס קבוצה חוג תנועה שכונה ישיבה אולפנה פנימייה מחלקה פלוגה צוות משמרת מכינה"
)
# The person is described right after the name ("نور صاحبي", "آدم ابن خالتي", "X החבר שלי").
_RELATIONS_AFTER = _RELATIONS - _keys("אבא אמא ילד ילדה נער נערה בחור בחורה ابن بنت شب")

# An ambiguous name after "אני"/"انا"/"I'm" is a name when an introduction goes on: age, origin.
_INTRO_NEXT = _keys("בת בן בגיל ואני من وعمري عمري بعمر بنت طالب طالبه from and aged мне из")
# Ambiguous names that are also adjectives: "אני שמחה, ..." is a mood, not Simcha.
_ADJECTIVES = _keys(
    "שמחה טובה יפה חיה חי שלמה אהובה עליזה ברוך עמוס אדיר "
    "سعيد سعيده جميل جميله امين امينه كريم هادي صالح سالم سليم عادل مؤمن عزيز مختار نادر امير اميره "
    "ملاك شاكر صابر ناجي"
)

# Names written with "عبد" and an article word: "عبد المنعم", "Abdel-Aziz".
_ABD = _keys("عبد abd abdel abdul abed עבד")

# Names that are part of a place, a street, an institution or a holy figure ("נווה יוסף",
# "شارع عمر المختار", "مار يوسف", "Tel Aviv", "улица Соколова"): the word before says so. Arabic
# "بيت" is not here: "بيت سامي" is Sami's house.
_PLACE_BEFORE = _keys(
    "רחוב רח' שדרות שד' דרך כיכר ככר סמטת שכונת קריית קרית נווה נוה גבעת רמת כפר בית תל אבן זכרון "
    "מצפה מעלה עין ראש מושב קיבוץ תיכון מכללת מכללה אוניברסיטת אולפנת ישיבת חולים מרכז קניון גן "
    "פארק חוף נמל מסגד כנסיית קפה מסעדת סניף חנות הר נחל עמק מגדל בני פסגת יד כרם אור מבשרת "
    "הנביא "
    "شارع حي دوار ساحه جامع مسجد كنيسه مدرسه ثانويه كليه جامعه مستشفى مركز مخيم قريه كفر دير عين "
    "تل مار سيدنا نبينا النبي الرسول رسول شركه بنك نادي مطعم مقهى مجمع طريق جسر وادي جبل خربه "
    "بلده مدينه "
    "st saint tel ramat kfar kafr kiryat qiryat givat neve beit beth ein rosh mitzpe maale ma'ale "
    "wadi deir tell bnei nahal moshav kibbutz mount mt har kikar rehov rechov derech mar prophet king "
    "queen fort lake port camp hotel cafe café restaurant bank "
    "улица ул проспект пр переулок площадь бульвар район квартал кирьят кирият рамат неве бейт тель "
    "кфар гиват эйн рош нахаль школа университет больница кибуц мошав святой святого пророк"
)
# ... or the word after says so ("Ben Gurion University", "Herzl Street", "مريم العذراء").
_PLACE_AFTER = _keys(
    "street st road rd avenue ave blvd boulevard lane ln square sq hospital university college "
    "school academy institute center centre mall park airport station stadium beach bridge tower "
    "towers hotel synagogue mosque church foundation ltd inc group bank market cafe café "
    "العذراء стрит"
)
# Every word that can stand right before a name as (the end of) a cue.
_CUE_TAILS = (
    _NAMING_LAST
    | _INTRO
    | frozenset(second for _, second in _INTRO_PAIRS)
    | _RELATIONS
    | _ROLES
    | _TITLES
    | _MODIFIERS
    | _VERBS_BEFORE
    | _WITH
    | _KUNYA
)
# Words that can start a multi-word first name ("عبد الرحمن", "בת אל", "נור אלדין").
_COMPOUND_STARTS = frozenset(_FIRST_MULTI) | frozenset(_AMBIGUOUS_MULTI) | _ABD
_JOINED = re.compile(r"\s*-?\s*")
# Sentence punctuation between a name and what follows.
_CLAUSE_END = re.compile(r"\s*[,،.!?;:\n]")
_COMMA = re.compile(r"\s*[,،]\s*")
_DEMONSTRATIVES = _keys("הזה הזאת הזו ההוא ההיא")
# Words that cannot be a name even right after a cue: relation, role and modifier words themselves.
_CUE_WORDS = _RELATIONS | _ROLES | _MODIFIERS

# Hebrew family-name endings (-וביץ, -סקי, -ברג, -שטיין) and Russian/Ukrainian ones in any case form.
_SURNAME_SHAPE_HE = re.compile(r"..(?:וביץ'?|ביץ'?|וויץ|ויץ|סקי|צקי|סקיה|ברג|בורג|שטיין|שטין|באום|בוים|נקו)$")
_SURNAME_SHAPE_RU = re.compile(
    r"..(?:ов|ев|ёв|ин|ын|ский|цкий|ская|цкая|вич|енко|ук|юк|ман|берг|штейн|швили|дзе|ян)"
    r"(?:а|у|ым|ой|ом|ем|е|ы|ого|ому|им|ую|ая)?$"
)

# Words of a message: letters with inner apostrophes, Hebrew acronym quotes, hyphens and marks.
_LETTER = r"[^\W\d_]"
_MARK = r"[\u0591-\u05bd\u05bf\u05c1\u05c2\u05c4\u05c5\u05c7\u0610-\u061a\u064b-\u065f\u0670\u0640]"
_WORD = re.compile(
    rf"{_LETTER}(?:{_LETTER}|{_MARK}|['׳’](?={_LETTER})|[\"״](?=[\u05d0-\u05ea])|[-\u05be](?={_LETTER}))*"
    r"(?:(?<=[\u05d0-\u05ea])['׳](?![\u05d0-\u05ea]))?"
)
# E-mail addresses, URLs, handles and file names belong to the structured detectors.
_TECHNICAL = re.compile(
    r"\S*@\S*|\S*://\S*|www\.\S*|\S+\.(?:com|net|org|il|ru|io|me|ly|co|info|app|gov|edu)\b\S*|\S*_\S*|#\w+",
    re.IGNORECASE,
)
_TECHNICAL_HINTS = ("@", ".", "_", "#")
_POSSESSIVE = re.compile(r"['’]s$", re.IGNORECASE)


def _script(ch: str) -> str:
    code = ord(ch)
    if 0x0590 <= code <= 0x05FF:
        return "he"
    if 0x0600 <= code <= 0x06FF:
        return "ar"
    if 0x0400 <= code <= 0x04FF:
        return "ru"
    return "latin"


# --- Russian case endings -----------------------------------------------------------------------

_RU_ENDINGS = (
    "ами", "ями", "ого", "его", "ому", "ему", "ой", "ей", "ою", "ею", "ом", "ем", "ым", "им", "ую",
    "юю", "ая", "яя", "а", "я", "ы", "и", "е", "у", "ю", "ь", "й",
)  # fmt: skip
_RU_RESTORE = ("", "а", "я", "й", "ь", "ия", "ий", "ой")
_RU_VOWELS = frozenset("аеёиоуыэюяйь")


@lru_cache(maxsize=16384)
def _ru_forms(key: str) -> tuple[str, ...]:
    """Nominatives a Russian word form may come from: "кати" -> "катя", "гуревичем" -> "гуревич"."""
    forms = {key}
    for ending in _RU_ENDINGS:
        if key.endswith(ending) and len(key) - len(ending) >= 2:
            base = key[: -len(ending)]
            forms.update(base + restore for restore in _RU_RESTORE)
            if base[-1] not in _RU_VOWELS and base[-2] not in _RU_VOWELS:
                forms.add(base[:-1] + "е" + base[-1])  # fleeting vowel: "павла" -> "павел"
    return tuple(forms)


# --- what the lists say about one written word --------------------------------------------------

_NONE, _PLAIN, _AMBIG = 0, 1, 2
# The prefix letters Hebrew actually stacks: "ו", then "ש"/"כש", then one preposition or the article
# ("ושב", "כשל", "מה"). "בש" + "מירה" is "בשמירה" (on guard duty), never a name.
_HEBREW_PREFIXES = re.compile(r"ו?(?:כ?ש)?(?:מה|[בלכמה])?-?")
_ARTICLES = ("ال", "لل")


@dataclass(frozen=True, slots=True)
class _Word:
    """What the lists say about one written word; cached, since chats repeat words a lot."""

    key: str
    script: str
    first: int  # _NONE, _PLAIN or _AMBIG: a first-name reading of the word or of one of its stems
    offset: int  # where that first name starts inside the word (after a prefix or clitic)
    prefix: str  # the peeled prefix letters, folded; "" for the bare word
    surname: bool  # a listed family name, or shaped like one
    stem_keys: frozenset[str]  # the word and its stems (or Russian nominatives), for cue words
    in_list: bool  # the word as written is listed, not only one of its case forms


@lru_cache(maxsize=65536)
def _analyse(word: str) -> _Word:
    script = _script(word[0])
    key = _key(_POSSESSIVE.sub("", word) if script == "latin" else word)
    if key in _NEVER:
        return _Word(key, script, _NONE, 0, "", False, frozenset({key}), False)
    if script == "ru":
        forms = _ru_forms(key)
        first = _AMBIG if any(f in _AMBIGUOUS for f in forms) else _NONE
        if not first and any(f in _FIRST for f in forms):
            first = _PLAIN
        surname = any(f in _SURNAMES_ALL for f in forms) or bool(_SURNAME_SHAPE_RU.match(key))
        in_list = key in _FIRST_ALL
        return _Word(key, script, first, 0, "", surname, frozenset(forms), in_list)
    if script == "latin":
        first = _AMBIG if key in _AMBIGUOUS else _PLAIN if key in _FIRST else _NONE
        return _Word(key, script, first, 0, "", key in _SURNAMES_ALL, frozenset({key}), bool(first))
    # Hebrew and Arabic: the word itself, then each stem after prefix letters or clitics.
    word_stems = stems(word)
    stem_keys = frozenset(_key(stem) for _, stem in word_stems)
    surname = key in _SURNAMES_ALL or (script == "ar" and key.startswith("ال") and key[2:] in _SURNAMES_ALL)
    if script == "he" and _SURNAME_SHAPE_HE.match(key):
        surname = True
    if key in _HEBREW_WORDS or (key in _STOP and key not in _AMBIGUOUS):
        return _Word(key, script, _NONE, 0, "", surname, stem_keys, False)
    for offset, stem in word_stems:
        stem_key = _key(stem)
        if stem_key in _NEVER or (offset and stem_key in _STOP):
            continue
        if offset and script == "he" and not _HEBREW_PREFIXES.fullmatch(word, 0, offset):
            continue
        kind = _AMBIG if stem_key in _AMBIGUOUS else _PLAIN if stem_key in _FIRST else _NONE
        if not kind:
            continue
        prefix = _key(word[:offset]).rstrip("-")
        # Arabic first names do not take the article: "الختام" is "the end", not Khitam.
        if script == "ar" and any(article in prefix for article in _ARTICLES):
            continue
        return _Word(key, script, kind, offset, prefix, surname, stem_keys, True)
    return _Word(key, script, _NONE, 0, "", surname, stem_keys, False)


class _Token(NamedTuple):  # a tuple: built for every word of every message, so it must be cheap
    start: int
    end: int
    text: str
    info: _Word
    cap: bool  # Latin or Cyrillic, capitalised and not shouted in all caps
    technical: bool  # inside an e-mail address, URL or handle


def _tokens(text: str) -> list[_Token]:
    technical: list[tuple[int, int]] = []
    if any(hint in text for hint in _TECHNICAL_HINTS):
        technical = [(m.start(), m.end()) for m in _TECHNICAL.finditer(text)]
    tokens: list[_Token] = []
    for match in _WORD.finditer(text):
        word = match.group()
        start, end = match.span()
        info = _analyse(word)
        # Only Latin and Cyrillic have case; a word shouted in capitals is not "capitalised".
        cap = word[0].isupper() and not (len(word) > 2 and word.isupper())
        tech = bool(technical) and any(s < end and start < e for s, e in technical)
        tokens.append(_Token(start, end, word, info, cap, tech))
    return tokens


def _definite(info: _Word) -> bool:
    """A Hebrew or Arabic noun with the article or a possessive ending ("המאמן", "المدرب", "مديري")."""
    key = info.key
    if info.script == "he":
        return key[:1] in ("ה", "ב", "ל", "כ") or key.startswith(("וה", "שה", "כשה", "וב", "ול", "שב", "של"))
    if info.script == "ar":
        return key.startswith(("ال", "وال", "فال", "بال", "لل", "كال")) or key.endswith("ي")
    return True


# --- the rules ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Cues:
    """What stands right before a word."""

    naming: bool  # "קוראים לי", "اسمي", "my name is", "меня зовут"
    relation: bool  # a relationship, role or title word
    role: bool  # a role or title word ("המאמן", "الضابط", "Mr.")
    title: bool  # a title ("מר", "السيد", "Dr.")
    verb: bool  # a communication verb ("אמרתי", "بعتلي", "told", "пишет")
    kunya: bool  # "أبو", "أم"
    intro: bool  # "אני", "انا", "I'm", "я"

    @property
    def any(self) -> bool:
        return self.naming or self.relation or self.title or self.verb or self.kunya


class _Message:
    """One message's words, and the questions the rules ask about their neighbours."""

    def __init__(self, norm: NormalizedText) -> None:
        self.text = norm.text
        self.tokens = _tokens(norm.text)
        self.count = len(self.tokens)
        # links[i]: word i and word i + 1 stand in one clause, with nothing but spaces or a hyphen
        # between them. Every rule asks this about neighbours, so it is worked out once.
        self.links = [
            _JOINED.fullmatch(self.text, self.tokens[i].end, self.tokens[i + 1].start) is not None
            for i in range(self.count - 1)
        ]

    # -- small helpers -------------------------------------------------------------------------

    def gap(self, left: int, right: int) -> str:
        return self.text[self.tokens[left].end : self.tokens[right].start]

    def joined(self, left: int, right: int) -> bool:
        """Neighbours in one clause: nothing but spaces or a hyphen between the two words."""
        return right == left + 1 and 0 <= left < self.count - 1 and self.links[left]

    def key(self, index: int) -> str:
        return self.tokens[index].info.key if 0 <= index < self.count else ""

    def has_stem(self, index: int, words: frozenset[str]) -> bool:
        return 0 <= index < self.count and not self.tokens[index].info.stem_keys.isdisjoint(words)

    def next_joined(self, index: int) -> int:
        """The next word when it follows in the same clause, else -1."""
        nxt = index + 1
        return nxt if nxt < self.count and self.joined(index, nxt) else -1

    # -- context before a word -----------------------------------------------------------------

    def cues(self, index: int) -> _Cues:
        relation, role, title = self._relation(index)
        return _Cues(
            naming=self._naming(index),
            relation=relation,
            role=role,
            title=title,
            verb=self._verb_before(index),
            kunya=index > 0 and self.joined(index - 1, index) and self.key(index - 1) in _KUNYA,
            intro=self._intro(index),
        )

    def _naming(self, index: int) -> bool:
        """A naming phrase ends right before the word: "קוראים לי X", "اسمي X", "меня зовут X"."""
        prev = index - 1
        if prev < 0 or not self.has_stem(prev, _NAMING_LAST):
            return False
        if self.gap(prev, index).strip() not in ("", ":", "-", ",", "،"):
            return False
        for phrase in _NAMING_PHRASES:
            start = prev - len(phrase) + 1
            if start < 0 or phrase[0] not in self.tokens[start].info.stem_keys:
                continue
            if all(
                self.key(start + n) == word and self.joined(start + n - 1, start + n)
                for n, word in enumerate(phrase[1:], start=1)
            ):
                return True
        return False

    def _intro(self, index: int) -> bool:
        prev = index - 1
        if prev < 0 or not self.joined(prev, index) or self.tokens[index].info.offset:
            return False  # "אני ואלעזר" is "Elazar and I", not an introduction
        if self.has_stem(prev, _INTRO):
            return True
        return (
            prev > 0 and self.joined(prev - 1, prev) and (self.key(prev - 1), self.key(prev)) in _INTRO_PAIRS
        )

    def _relation(self, index: int) -> tuple[bool, bool, bool]:
        """(a relationship, role or title word before the word; a role or title; a title)."""
        prev = index - 1
        if prev < 0:
            return False, False, False
        gap = self.gap(prev, index)
        if self.key(prev) in _TITLES and gap.strip() in ("", "."):
            return True, True, True
        comma = bool(_COMMA.fullmatch(gap))
        if not comma and gap.strip():
            return False, False, False
        # Hebrew and Arabic put modifiers between the noun and the name: walk back over them.
        position = prev
        apposition = self.key(prev) in _APPOSITION
        for _ in range(3):
            info = self.tokens[position].info
            if position > 0 and self.joined(position - 1, position):
                if info.key in _MODIFIERS:
                    apposition = apposition or info.key in _APPOSITION
                    position -= 1
                    continue
                # "המדריך בתנועה, X", "המורה לספורט, X": a role, a prepositional phrase, a comma.
                if (
                    comma
                    and position == prev
                    and info.key[:1] in ("ב", "ל")
                    and self.has_stem(position - 1, _ROLES)
                ):
                    apposition = True
                    position -= 1
                    continue
            break
        info = self.tokens[position].info
        role = not info.stem_keys.isdisjoint(_ROLES)
        if not role and info.stem_keys.isdisjoint(_RELATIONS):
            return False, False, False
        if comma and not (apposition or role):
            return False, False, False  # "אחי, שלום" is "bro, hello"
        if info.key in ("בן", "בת") and position == prev:
            return False, False, False  # "בן אדם" is a human being; "בן דוד שלי X" is still a cue
        # Only "the coach X" or "my coach X" is a person; "أخصائية تغذية" is a nutritionist.
        return True, role and (position < prev or _definite(info)), False

    def _verb_before(self, index: int) -> bool:
        """A communication verb before the word ("אמרתי לטל", "بعتلي نور", "told Hope")."""
        prev = index - 1
        if prev < 0 or not self.joined(prev, index):
            return False
        if self.key(prev) in _VERBS_BEFORE:
            return True
        return (
            self.key(prev) in _WITH
            and prev > 0
            and self.joined(prev - 1, prev)
            and self.key(prev - 1) in _VERBS_BEFORE
        )

    def place_before(self, index: int) -> bool:
        prev = index - 1
        return prev >= 0 and self.joined(prev, index) and self.has_stem(prev, _PLACE_BEFORE)

    def place_after(self, last: int) -> bool:
        nxt = self.next_joined(last)
        return nxt >= 0 and self.key(nxt) in _PLACE_AFTER

    # -- context after a word ------------------------------------------------------------------

    def verb_after(self, last: int, *, strict: bool = False) -> bool:
        """A verb a person does follows ("X אמרה", "X قلي", "X keeps", "X пишет")."""
        nxt = self.next_joined(last)
        if nxt < 0:
            return False
        key = self.key(nxt)
        if key in _VERBS_AFTER and not (strict and key in _WEAK_VERBS_AFTER):
            return True
        if self.tokens[nxt].info.script == "ar" and key not in _STOP and key not in _AR_NOT_VERBS:
            # Dialect verbs carry "me" as a suffix ("طردني", "بيعاملني") or a b- imperfect prefix.
            if key.startswith("ال") or len(key) < 5:
                return False
            return key.endswith("ني") or (key.startswith("بي") and not key.startswith("بيت"))
        return False

    def negated_verb_after(self, last: int) -> bool:
        """A negation and then a verb: "X לא סופר", "X ما بيحكي"."""
        nxt = self.next_joined(last)
        if nxt < 0 or self.key(nxt) not in _WEAK_VERBS_AFTER:
            return False
        verb_index = self.next_joined(nxt)
        if verb_index < 0:
            return False
        verb = self.tokens[verb_index].info
        if verb.key in _STOP and verb.key not in _VERBS_AFTER:
            return False
        if verb.script == "ar":
            return verb.key in _VERBS_AFTER or verb.key[:1] in ("ب", "ي", "ت", "ن") or verb.key.endswith("ني")
        return verb.script in ("he", "ru") or verb.key in _VERBS_AFTER

    def group_after(self, last: int) -> bool:
        """ "ים מהכיתה", "טל מהעבודה": one of a group."""
        nxt = self.next_joined(last)
        key = self.key(nxt) if nxt >= 0 else ""
        return key.startswith("מה") and (key[2:] in _GROUPS or key[2:] + "ה" in _GROUPS)

    def relation_after(self, last: int) -> bool:
        """The person is described right after the name: "نور صاحبي", "آدم ابن خالتي"."""
        nxt = last + 1
        if nxt >= self.count:
            return False
        gap = self.gap(last, nxt)
        if gap.strip() and not _COMMA.fullmatch(gap):
            return False
        info = self.tokens[nxt].info
        if info.key in ("ابن", "بنت") and self.has_stem(nxt + 1, _RELATIONS):
            return True
        if info.script == "he":
            # Hebrew needs the possessive: "X אחותי", "X החבר שלי" (not "X חבר" = "X joined").
            return info.key in _RELATIONS_AFTER and (info.key.endswith("י") or self.key(nxt + 1) == "שלי")
        return info.key in _RELATIONS_AFTER

    def clause_end_after(self, last: int) -> bool:
        """Punctuation, or the end of the message, right after the word."""
        if last + 1 >= self.count:
            rest = self.text[self.tokens[last].end :]
            return not rest.strip() or _CLAUSE_END.match(rest) is not None
        return _CLAUSE_END.match(self.gap(last, last + 1)) is not None

    def intro_goes_on(self, last: int) -> bool:
        """After "אני X": ", בת 17", "من حيفا", "and I'm 15", a number, "מהתיכון"."""
        rest = self.text[self.tokens[last].end :]
        if rest[:3].lstrip()[:1] in (",", "،") or rest.lstrip()[:1].isdigit():
            return True
        nxt = self.next_joined(last)
        if nxt < 0:
            return False
        key = self.key(nxt)
        if key in _INTRO_NEXT:
            return True
        # "אני ברכה מתיכון הריאלי": "from <place>".
        return key.startswith("מ") and len(key) >= 4 and key not in _STOP and key[1:] not in _STOP

    def surname_next(self, index: int) -> bool:
        """A listed family name (not a word) follows: "עוז כהן", "ברכה רבינוביץ"."""
        nxt = self.next_joined(index)
        if nxt < 0:
            return False
        token = self.tokens[nxt]
        info = token.info
        if info.script in ("latin", "ru") and not token.cap:
            return False
        # The article form ("الصبح" after "نور") is not enough: too many words take "ال".
        return info.key in _SURNAMES or (
            info.surname and info.script in ("he", "ru") and info.key not in _AMBIGUOUS
        )

    # -- word shapes ---------------------------------------------------------------------------

    def plausible_unknown(self, index: int, *, named: bool = False) -> bool:
        """Could this word, in no list, be a name? Asked only right after a cue.

        ``named``: right after a naming phrase, where only function words and cue words are ruled out.
        """
        token = self.tokens[index]
        info = token.info
        key = info.key
        if token.technical or key in _STOP or key in _NEVER or key in _CALENDAR or key in _INSULTS:
            return False
        if len(key) < 2:
            return False
        if info.script in ("latin", "ru"):
            return token.cap and key not in _PLACE_AFTER and key not in _TITLES
        if not info.stem_keys.isdisjoint(_CUE_WORDS):
            return False
        if named:
            return not key.startswith(("و", "ال", "ו", "ה"))
        if info.script == "he":
            # Prefixed, plural or conjugated shapes are verbs, adjectives or phrases, not bare names.
            return key[0] not in "והשמבלכ" and not key.endswith(("ים", "ות", "נו", "תי", "תם", "תן"))
        if key.startswith(("ال", "وال", "بال", "فال", "لل", "و", "ف")):
            return False
        if key.startswith(("بي", "بت", "بن", "عم", "رح")) and len(key) >= 5:
            return False  # imperfect verbs
        return not key.endswith(("ني", "لي", "ها", "هم", "نا", "كم"))  # object suffixes

    # -- finding names -------------------------------------------------------------------------

    def find(self) -> list[Span]:
        spans: list[Span] = []
        accepted: set[int] = set()
        index = 0
        while index < self.count:
            found = self._name_at(index, accepted)
            if found is None:
                index += 1
                continue
            first, last, start = found
            token = self.tokens[last]
            end = token.end
            if token.info.script == "latin":
                end = token.start + len(_POSSESSIVE.sub("", token.text).rstrip("'’"))
            # "רח' גולדה מאיר", "Ben Gurion University": the whole name belongs to a place.
            if not self.place_before(first) and not self.place_after(last):
                spans.append(Span(start, end, "PERSON"))
                accepted.update(range(first, last + 1))
            index = last + 1
        return spans

    def _name_at(self, index: int, accepted: set[int]) -> tuple[int, int, int] | None:
        """(first word, last word, start offset) of a name starting at word ``index``, or None."""
        token = self.tokens[index]
        info = token.info
        if token.technical or info.key in _NEVER:
            return None

        kunya = self._kunya_name(index)
        if kunya:
            return index, self.extend(kunya, naming=False), token.start

        if not info.first and not self._may_follow_cue(index) and info.key not in _COMPOUND_STARTS:
            return None  # the common case: an ordinary word with no cue before it
        cues = self.cues(index)
        compound = self.compound_end(index)
        if compound and (info.script in ("he", "ar") or token.cap or cues.any):
            return index, self.extend(compound, naming=cues.naming), token.start

        if info.first == _PLAIN and self._plain_is_name(index, cues):
            return index, self.extend(index, naming=cues.naming), token.start + info.offset
        if info.first == _AMBIG and self._ambiguous_is_name(index, cues, accepted):
            return index, self.extend(index, naming=cues.naming), token.start + info.offset
        if not info.first and self._unknown_is_name(index, cues):
            return index, self.extend(index, naming=cues.naming), token.start
        return None

    def _may_follow_cue(self, index: int) -> bool:
        """A cheap test that the word before could be part of a cue, before working the cues out."""
        prev = index - 1
        if prev < 0:
            return False
        info = self.tokens[prev].info
        if not info.stem_keys.isdisjoint(_CUE_TAILS):
            return True
        # "המדריך בתנועה, X": a role, a prepositional phrase, then a comma.
        return info.key[:1] in ("ב", "ל") and _COMMA.fullmatch(self.gap(prev, index)) is not None

    def _kunya_name(self, index: int) -> int:
        """ "ابو مالك", "أم عبد الرحمن": the last word of a kunya name starting here, or 0."""
        token = self.tokens[index]
        nxt = self.next_joined(index)
        if token.info.key not in _KUNYA or nxt < 0 or self.tokens[nxt].technical:
            return 0
        name = self.tokens[nxt]
        if token.info.script == "latin" and not name.cap:
            return 0
        compound = self.compound_end(nxt)
        if compound:
            return compound
        if name.info.first and name.info.offset == 0:
            return nxt
        # "ابن خالي ابو اليمن", "ابو العبد صاحب المحل": with a relationship word before or after it,
        # or a verb after it, any word makes the kunya a name.
        if name.info.key in _STOP or name.info.key in _NEVER or name.info.script != token.info.script:
            return 0
        relation, _, _ = self._relation(index)
        if relation or self.relation_after(nxt) or self.verb_after(nxt, strict=True):
            return nxt
        return 0

    def _plain_is_name(self, index: int, cues: _Cues) -> bool:
        token = self.tokens[index]
        info = token.info
        if info.script in ("latin", "ru") and not token.cap:
            # Lower case only right after a naming or relationship cue ("my ex omer"), and only as
            # written: "никого" is not a case form of Ника.
            return (cues.naming or cues.relation) and info.in_list
        if info.script == "he" and "ה" in info.prefix and not cues.any:
            # "הנתנאל הזה": a name takes the article only with a demonstrative after it.
            return self.key(index + 1) in _DEMONSTRATIVES
        return True

    def _ambiguous_is_name(self, index: int, cues: _Cues, accepted: set[int]) -> bool:
        token = self.tokens[index]
        info = token.info
        if info.script in ("latin", "ru") and not token.cap and not cues.naming:
            return False
        stem = info.key[info.offset :] if info.script in ("he", "ar") else info.key
        if info.offset:
            return self._prefixed_ambiguous_is_name(index, stem, accepted)
        if stem in _KIN_AFTER_SON and self.key(index - 1) in ("בן", "הבן", "בת", "הבת"):
            return False  # "הבן דוד שלי" is "my cousin"
        if info.key in _MODIFIERS and self.key(index + 1) in _MODIFIERS:
            return False  # "החברה הכי טובה שלי": part of the relationship, not a name
        if cues.naming or cues.relation or cues.kunya:
            return True
        if stem in _STOP:
            return False  # "هادي" is also "this": only a naming or relationship cue will do
        if cues.any or (cues.intro and stem not in _ADJECTIVES and self.intro_goes_on(index)):
            return True
        if self.surname_next(index) or self.group_after(index) or self.relation_after(index):
            return True
        if self.verb_after(index, strict=len(stem) <= 2):
            return True
        # First and second name: "סתיו רוני", "سلام ريتشارد" (but "שלום דנה" is a greeting).
        nxt = self.next_joined(index)
        if nxt >= 0 and stem not in _GREETINGS:
            other = self.tokens[nxt].info
            if other.first == _PLAIN and other.offset == 0 and other.script == info.script:
                return True
        # Listed with another name: "שחר ודנה", "ختام وجنى".
        if nxt >= 0 and self.tokens[nxt].info.first == _PLAIN and self.tokens[nxt].info.prefix in ("ו", "و"):
            return True
        return index - 1 in accepted and self.key(index - 1) in ("and", "и")

    def _prefixed_ambiguous_is_name(self, index: int, stem: str, accepted: set[int]) -> bool:
        """ "כבר" is not כ + בר: with a prefix glued on, an ambiguous name needs clear context."""
        prefix = self.tokens[index].info.prefix
        if stem in _PRONOUN_NAMES:
            return prefix in ("ב", "כ", "ל")  # "אליה" alone is "to her"; "באליה" can only be Elia
        conjunction = prefix in ("ו", "ש", "וש", "و", "ف")
        if (
            conjunction
            and len(stem) > 2
            and (self.verb_after(index, strict=True) or self.relation_after(index))
        ):
            return True  # "ושזיוה כבר לא", "فمالك قلي"
        if prefix in ("ו", "و") and index - 1 in accepted:
            return True  # "דנה ושחר"
        prev = index - 1
        return (
            prefix in ("ל", "ل")
            and prev >= 0
            and self.joined(prev, index)
            and self.key(prev) in _VERBS_BEFORE
        )  # "אמרתי לטל", "قلت لمنى"

    def _unknown_is_name(self, index: int, cues: _Cues) -> bool:
        """A word in no first-name list: a name only right after a strong cue."""
        token = self.tokens[index]
        info = token.info
        # A family name alone after a title or role: "מר ביטון", "المدرب حلبي", "Coach Dahan".
        if (
            cues.relation
            and info.surname
            and info.key not in _STOP
            and (info.script in ("he", "ar") or token.cap)
        ):
            return True
        if cues.naming:
            if not self.plausible_unknown(index, named=True):
                return False
            calling = self.key(index - 1) in _CALLING_LAST and info.script in ("he", "ar")
            # A doubled syllable is a pet name ("زوزو", "סוסו", "ميمي"), never an insult.
            pet_name = len(info.key) == 4 and info.key[:2] == info.key[2:]
            return not calling or pet_name or self.intro_goes_on(index)
        if not self.plausible_unknown(index):
            return False
        if info.script in ("latin", "ru"):
            if cues.relation:
                return True  # capitalised after "my friend", "моя подруга"
            if info.script == "ru" and (cues.intro or cues.verb):
                return True  # "Я Зорина", "пишет Зорислав"
            if cues.verb and self.key(index - 1) in _TELLING:
                return True  # "I told Zorbel"
            nxt = self.next_joined(index)
            return cues.intro and nxt >= 0 and self.tokens[nxt].cap and self.plausible_unknown(nxt)
        if cues.role and (self.verb_after(index, strict=True) or self.negated_verb_after(index)):
            return True  # "המאמן אוחיון לא סופר", "المدرب جرايسي طردني"
        # "למפקד שלי, אסף.": an apposition closed by punctuation.
        return (
            cues.relation
            and bool(_COMMA.fullmatch(self.gap(index - 1, index)))
            and self.clause_end_after(index)
        )

    # -- multi-word names ----------------------------------------------------------------------

    def _multi_end(self, index: int, table: _Multi) -> int:
        for rest in table.get(self.key(index), ()):
            last = index + len(rest)
            if last < self.count and all(
                self.joined(index + n - 1, index + n) and self.key(index + n) == word
                for n, word in enumerate(rest, start=1)
            ):
                return last
        return 0

    def compound_end(self, index: int) -> int:
        """Last word of a multi-word first name starting here ("عبد الرحمن", "בת אל"), or 0."""
        last = self._multi_end(index, _FIRST_MULTI) or self._multi_end(index, _AMBIGUOUS_MULTI)
        if last:
            return last
        # "عبد" + any word with the article: the servant-of-God names ("عبد المنعم").
        nxt = self.next_joined(index)
        if self.key(index) in _ABD and nxt >= 0:
            article = self.key(nxt)
            if article.startswith(("ال", "al-", "el-", "אל")) and len(article) > 3:
                return nxt
        return 0

    def extend(self, last: int, *, naming: bool) -> int:
        """Take the family name(s) after a first name into the span.

        ``naming``: the name came right after a naming phrase, so an unlisted Hebrew or Arabic word
        that ends the clause is its family name ("שמי ירין שרעבי, גר ב...").
        """
        for _ in range(2):
            nxt = self.next_joined(last)
            if nxt < 0 or self.tokens[nxt].technical:
                break
            grown = self._family_name_end(last, nxt, naming=naming)
            if not grown:
                break
            last = grown
        return last

    def _family_name_end(self, last: int, nxt: int, *, naming: bool) -> int:
        token = self.tokens[nxt]
        info = token.info
        multi = self._multi_end(nxt, _SURNAME_MULTI)
        if multi:
            return multi  # listed compounds first: "בן עמי", "أبو صالح"
        # Compound family names: "בן דוד", "أبو رومي", "Abu Ras", "Ben-David".
        after = self.next_joined(nxt)
        if info.key in _PARTICLES and after >= 0:
            other = self.tokens[after]
            if info.script in ("latin", "ru"):
                return after if other.cap and other.info.key not in _STOP else 0
            if other.info.key in _STOP:
                return 0
            if info.key in ("בן", "בר") and not (other.info.first or other.info.surname):
                return 0  # "בן 15" is an age
            return after
        if info.key in _NEVER or info.key in _STOP or info.key in _CALENDAR or info.key in _PLACE_AFTER:
            return 0
        if info.script in ("latin", "ru"):
            return nxt if token.cap and self.plausible_unknown(nxt) else 0
        if info.script != self.tokens[last].info.script:
            return 0
        if info.offset == 0 and info.first == _PLAIN:
            return nxt  # "محمد علي", "نزار قاسم": a second given name or a family name
        if info.surname and (
            info.key not in _AMBIGUOUS or naming or self.clause_end_after(nxt) or self.verb_after(nxt)
        ):
            return nxt
        if naming and self.plausible_unknown(nxt) and self.clause_end_after(nxt):
            return nxt
        return 0


def detect_persons(norm: NormalizedText) -> list[Span]:
    if not norm.text:
        return []
    return _Message(norm).find()


DETECTORS: tuple[Detector, ...] = (detect_persons,)


def name_key(value: str) -> str:
    """One key for the spellings of one name: folded, and Russian case forms back to the listed
    nominative ("Кати" and "Катя" are one person, so they share a placeholder)."""
    words = []
    for word in value.split():
        key = _key(word)
        if _script(word[0]) == "ru":
            listed = sorted(f for f in _ru_forms(key) if f in _FIRST_ALL or f in _SURNAMES_ALL)
            key = listed[0] if listed else key
        words.append(key)
    return " ".join(words)
