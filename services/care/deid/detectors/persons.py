"""People's names: gazetteers, cue phrases and name context, in Hebrew, Arabic, English and Russian.

A message is cut into words. Each word, and for Hebrew and Arabic each stem left after peeling
prefix letters or clitics (``care.deid.morphology``), is looked up in the curated lists in
``care.deid.gazetteers`` (provenance in ``people.md``). Then:

* A first name that is not also an ordinary word is a name wherever it stands. Latin and Cyrillic
  ones must be capitalised or come right after a cue: "max" or "рома" in lower case are words.
* A name that is also a word (``ambiguous_names.txt``: טל, أمل, Hope, Вера) needs name context: a
  naming phrase before it ("קוראים לי", "اسمي", "my name is", "меня зовут", Arabizi "esmi"), a
  relationship or role word ("אחותי", "الضابط", "my friend"), a title, a kunya ("أبو", "أم"), a
  family name after it, a verb a person does after it, maybe past an adverb ("סתיו יודעת", "مالك
  قلي", "Hope texted", "גל תמיד אומר"; a bare negation is not one: "أمل ما في"), a group it belongs
  to ("ים מהכיתה", "غدير من صفي", "Grace from my class", "Надежда из моей группы"), what it is to
  the writer ("X היא חברה שלי", "X هي بنت خالتي", "X is my sister", "X — моя подруга"), the writer
  beside it at the start of a sentence ("X ואני", "X وأنا", "X and I", "me and X", "X и я"),
  thanks ("תודה X!", "شكراً يا X"), a self-introduction that goes on ("انا لين، ..."), or another
  name beside it.
* A word in no list is a name only with strong evidence: after a naming phrase; a capitalised
  Latin or Cyrillic word after a relationship or role word ("my mefaked Aviad", "мадриха Шира");
  a Hebrew or Arabic word after a role word or "my" relative when a verb follows it ("המאמן אוחיון
  לא סופר", "אחי X לא מדבר איתי"); after "I am" ("אני", "انا", "I'm", "ana") when the word is no
  state, role or origin ("אני עייפה", "I'm Jewish", "انا متزوجة": lists and word shapes) and the
  introduction goes on (", בת 19", ", 22", "من رهط", "w 3omri 16", ". ההורים שלי..."); a
  capitalised Cyrillic word inside a sentence (Russian capitalises only proper nouns) that is no
  place or organisation of the places detector's lists, with a person's verb or preposition by it
  ("Вчера X написал", "рассказала всё X", "у X").
* A first name takes the family name after it into the same span: a listed family name, a
  "בן/أبو/Abu ..." compound, a capitalised Latin or Cyrillic word, a word with a family-name shape
  (-וביץ, -מן, -וב, a geresh inside: "אברג'יל"; -ский, -енко), an Arabic word with the article when
  the sentence goes on ("سامي القواسمي بعتلي"), an unlisted word followed by a verb, or, after a
  naming phrase or an introduction, an unlisted word ending the clause or followed by "from" or an
  age ("אני יעל X, סטודנטית").

Latin accents are optional (José = Jose). Arabizi words keep their digits ("7abibi", "a5ui").

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


# Latin accents are typed or dropped at will: "José" and "Jose", "Zoë" and "Zoe" are one name.
_LATIN_ACCENTS = re.compile(r"[\u0300-\u036f]")


def _key(word: str) -> str:
    if word and ord(word[0]) < 0x250 and not word.isascii():
        word = _LATIN_ACCENTS.sub("", unicodedata.normalize("NFD", word))
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
    "כיפית כיפי לגבי ולגבי כליה כליות בליה שליה בעומר כמיה במיה בעדי כרות שרות מרן במיכל ממיכל שלי לי שלו "
    "שישי בשישי ושישי"
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
    "פעם פעמים הרגע כנראה כמובן פתאום אז ואז כאילו יותר פחות כמעט ביחד יחד לבד מאז אחרי לפני נורא "
    "ממש סתם ממש גם לא אצלי אצלנו הכל הכול "
    # Arabic
    "انا انت انتي انتو هو هي احنا نحن هم ما مش مو لا ولا بس كمان هلا هلا هلق هسا هسه اليوم "
    "امبارح بكرا كل شو ليش كيف وين مين اللي الي هاد هادا هادي هاي هيك يعني يا في فيه فيها فيي من "
    "عن على ع مع عند عندي معي معه معها تبعي تبعه تبعها حالي اشي شي حدا واحد وحده كتير شوي برضو "
    "لسا لسه بعد قبل صار صارت كان كانت بدي بدو بدها رح عم اذا انه انو لانه مرحبا اهلا مسا صباح "
    "الخير شكرا بليز سوري عفوا طيب اوكي وانا وهو وهي حتى لما لمن هون هناك قديش اديش زي متل مثل "
    "ابوي امي بابا ماما اخوي اختي عمري سنه سنة بدون غير عشان علشان مشان منشان لحتى بين تحت فوق "
    "جنب قدام ورا خلال ضد حول منذ لان لانو يمكن اكيد طبعا ابدا جدا قليل هيكي برضه خلص يلا كيفك "
    "نفسيه نفسي اجتماعيه اجتماعي دايما دايما دائما مره مرة اصلا بعدين فجاه امس مبارح تاني ثاني "
    "عنجد بده بدك بدكم بدهم لازم ممكن كثير هلا هلق هلأ "
    # English
    "i i'm im i've i'll i'd me my mine you your he she him her his they them their we us our it "
    "this that these those there here the a an and or but so because if then when what why how who "
    "where hi hey hello thanks thank please sorry yes no ok okay not just also really very mom mum "
    "dad mother father grandma grandpa god is was am are be been do does did have has had can "
    "could would should might must from with at in on of for to by about as like still always never "
    "again too only even already maybe kinda literally honestly totally "
    # Russian
    "я мне меня мной мой моя моё мое мою моего моей он она оно они мы вы ты его её ее их это этот эта "
    "привет здравствуйте спасибо пожалуйста извините да нет не но и а или что как где кто когда "
    "почему мама папа бабушка дедушка очень уже ещё еще тоже просто постоянно опять снова вчера сегодня "
    "всегда иногда часто никогда вообще реально всё все так нам нас вам вас ваш ваша"
)

# Weekday and month names are capitalised in English and look like names after a cue.
_CALENDAR = _keys(
    "monday tuesday wednesday thursday friday saturday sunday january february march april may june "
    "july august september october november december jan feb mar apr jun jul aug sep sept oct nov dec "
    "понедельник вторник среда четверг пятница суббота воскресенье"
)

# Capitalised, or right after a cue, but never a person: languages, nationalities and faiths ("I'm
# Druze", "אני ערביה"), apps and brands ("in WhatsApp"), holidays, and the polite Russian "Вы".
_NOT_NAMES = _keys(
    "עברית ערבית רוסית אנגלית אמהרית צרפתית ספרדית יהודי יהודייה יהודיה ערבי ערבייה ערביה דרוזי "
    "דרוזית דרוזיה בדואי בדואית צ'רקסי צ'רקסית נוצרי נוצרייה נוצריה מוסלמי מוסלמית אתיופי אתיופית "
    "רוסי רוסייה רוסיה חרדי חרדית דתי דתייה דתיה חילוני חילונית מסורתי מסורתית ישראלי ישראלית "
    "פלסטיני פלסטינית אוקראיני אוקראינית אריתראי אריתראית סודני סודנית פיליפיני פיליפינית הודי "
    "הודית ווטסאפ וואטסאפ וואטסאפ אינסטגרם אינסטה טיקטוק דיסקורד פייסבוק טלגרם סנאפ יוטיוב גוגל "
    "عربي عربيه عبري عبريه انجليزي روسي روسيه درزي درزيه بدوي بدويه مسيحي مسيحيه مسلم مسلمه "
    "يهودي يهوديه فلسطيني فلسطينيه اسرائيلي اسرائيليه شركسي شركسيه اثيوبي اثيوبيه واتساب واتس "
    "انستا انستغرام انستجرام تيك توك تيكتوك فيسبوك فيس سناب ديسكورد تلغرام تلجرام يوتيوب جوجل غوغل "
    "english hebrew arabic arab arabs russian amharic french spanish jewish jew muslim christian "
    "catholic orthodox druze bedouin circassian ethiopian eritrean sudanese israeli palestinian "
    "ukrainian filipino filipina indian nepali thai chinese african american british moroccan iraqi "
    "yemeni iranian persian kurdish turkish georgian armenian romanian moldovan black white asian "
    "latina latino whatsapp instagram insta discord tiktok facebook telegram snapchat snap youtube "
    "google twitter reddit netflix zoom iphone android ramadan eid passover hanukkah chanukah "
    "purim christmas easter shabbat sabbath yom kippur rosh hashanah sukkot "
    "вы вам вас ваш ваша ваше вашего вашей вашу вами ватсап вотсап ватсапе вотсапе вацап телеграм "
    "телеграме телеграмм инстаграм инстаграме инста инсте тикток тиктоке фейсбук фейсбуке дискорд "
    "дискорде ютуб ютубе гугл гугле боже песах шаббат шабат ханука пурим рождество пасха рамадан "
    "иврит иврите английский русский израиль израиле израиля ульпан ульпане сохнут сохнуте айфон "
    "айфона айфоне самсунг андроид ютуба гугла яндекс вконтакте вк одноклассники зум зуме тиндер "
    "тиндере нетфликс библия тора коран талмуд"
)

# What someone may call themselves after "אני", "انا", "I'm": states, roles and origins, not names.
_SELF_WORDS = _NOT_NAMES | _keys(
    "עייף עייפה עצוב עצובה בודד בודדה שבור שבורה גמור גמורה אבוד אבודה רעב רעבה חולה נשוי נשואה "
    "גרוש גרושה רווק רווקה אלמן אלמנה חייל חיילת סטודנט סטודנטית תלמיד תלמידה נער נערה בחור "
    "בחורה ילד ילדה הורה עולה עולים חדש חדשה ותיק ותיקה הומו גיי לסבית טרנס טרנסית ביסקסואל "
    "ביסקסואלית קוויר בהריון בסדר טוב טובה רע רעה גרוע גרועה שמח כועס כועסת פגוע פגועה לחוץ "
    "לחוצה עצבני עצבנית חרד זקוק זקוקה צריך צריכה רוצה יכול יכולה גר גרה עובד עובדת לומד לומדת "
    "נכה עני ענייה שמן שמנה רזה חכם חכמה טיפש טיפשה מסכן מסכנה אשם אשמה ער ערה שיכור שיכורה מכור "
    "מכורה נקי נקייה פליט פליטה זר זרה אחות אח רופא רופאה אמא אבא סבתא סבא נכד נכדה אסיר אסירה "
    "חסר חסרת בלי ללא פה כאן שם באמת כבר חלש חלשה חזק חזקה קטן קטנה גדול גדולה צעיר צעירה זקן "
    "זקנה שקוף שקופה נבוך נבוכה נסער נסערת נואש נואשת נשבר נשברת נפגע נפגעת כלום אפס אישה אשה גבר "
    "פנסיונר פנסיונרית הומלס טרנסג'נדר אתאיסט אתאיסטית צמחוני צמחונית טבעוני טבעונית דו "
    "تعبان تعبانه زعلان زعلانه طفشان طفشانه قرفان قرفانه مبسوط مبسوطه حزين حزينه وحيد وحيده لحال "
    "مريض مريضه خايف خايفه طالب طالبه متزوج متزوجه مطلق مطلقه ارمل ارمله اعزب عزباء حامل بنت شب "
    "ولد ام اب موظف موظفه ممرض ممرضه معلم معلمه عامل عامله منيح منيحه كويس كويسه بخير هون هنا "
    "جديد جديده جاي جايه راجع راجعه ساكن ساكنه عايش عايشه قاعد قاعده ضايع ضايعه مكتئب مكتئبه "
    "مخنوق مخنوقه محتار محتاره متضايق متضايقه زهقان زهقانه سهران سهرانه جوعان جوعانه غلطان "
    "غلطانه ندمان ندمانه حيران حيرانه عصبي عصبيه مجنون مجنونه غبي غبيه فاشل فاشله مش كتير شوي "
    "بحس بعرف بخاف بموت بشتغل بدرس بسكن بحكي بكتب بفكر بحب بكره بستنى بعاني بتعالج ضعيف ضعيفه "
    "قوي قويه صغير صغيره كبير كبيره لاجئ لاجئه اسير اسيره اجيت جيت رجعت طلعت هربت نزلت وصلت كنت "
    "صرت بقيت حكيت كتبت سكنت انتقلت تركت خلصت رحت رايح رايحه طالع طالعه نازل نازله هارب هاربه "
    "مرته مراته زوجته "
    "sorry okay ok fine single married divorced widowed pregnant gay lesbian bi bisexual trans "
    "transgender queer straight alone lonely done here back new sick ill homeless broke unemployed "
    "student soldier nurse mom mum dad mother father sad happy angry scared afraid tired lost stuck "
    "numb empty broken hurt alive dead drunk high sober clean autistic disabled deaf blind adopted "
    "fat ugly weak strong small young old poor rich desperate bad good better worse ready free "
    "sure glad late new not just so really still also always never kinda sort literally honestly "
    "totally completely very too one only a an the in at on from with over under into home "
    "suicidal normal emotional mental bipolar "
    "ta3ban ta3bane ta3baneh ta3bana zal3an zal3ane mabsout mabsoota mabsut mni7 mni7a mnee7 mish "
    "msh mesh"
)
# Endings of English adjectives and nationality words: "I'm Exhausted", "I'm Nigerian" are not names.
_EN_ADJECTIVE_ENDINGS = (
    "ed", "ful", "less", "ous", "ive", "ing", "able", "ible", "ish", "ese", "ian", "ean", "ic", "ical",
)  # fmt: skip

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
        # Arabizi: Arabic in Latin letters and digits ("ana esmi ...", "ismi ...").
        "esmi",
        "ismi",
        "esme",
        "isme",
        "asmi",
        "esmo",
        "ismo",
        "esmu",
        "ismu",
        "esmha",
        "ismha",
        "esma",
        "isma",
        "bnadoni",
        "bynadoni",
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
_INTRO = _keys("אני זו זאת זה انا أنا هاي i'm im я это ana")
_INTRO_PAIRS = frozenset({("i", "am"), ("this", "is")})
# Only "I am" introduces a word in no list: "זה נשמע", "זה פחד מובן" are "it sounds", "it is fear".
_INTRO_SELF = _keys("אני انا أنا i'm im am ana")

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
    # Arabizi (the digits are letters: 7 = ح, 5 = خ, 3 = ع, 2 = ء)
    "7abibi 7abibti 7bibi 7bibti habibi habibti a5ui a5uy a5oy a5oi a5i akhi akhoy akhuy 5ayi khayi "
    "u5ti o5ti okhti ukhti 5ti 5eti a5ti a5ty ikhti 5ayti 5eyti sa7bi sa7bti sa7beti sahbi sahbti "
    "sahebti jozi zawji mrti marti "
    "ibni binti 3ammi 5ali khali 3amti 5alti khalti sitti jiddi jaddi 5atibi 5atibti khatibi "
    "khatibti sadi2i sadi2ti zmili zmilti "
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
    "רופא רופאה מרצה גננת שוטר שוטרת חוקר חוקרת מעסיק מעסיקה רכז רכזת מנחה פסיכיאטר פסיכיאטרית "
    'מזכירה שמרטף שמרטפית מפקח מפקחת ממונה מתאם מתאמת חונך חונכת מלווה מנכ"ל מנכ"לית אחמ"ש '
    'אחמ"שית משקית מש"קית סוהר סוהרת מאבטח מאבטחת חובש חובשת '
    "استاذ استاذه معلم معلمه مربي مربيه مدرس مدير مديره ضابط ظابط مدرب مدربه دكتور دكتوره حكيم "
    "مرشد مرشده مستشار مستشاره اخصائي اخصائيه مسؤول مسؤوله رقيب قائد مشرف مشرفه محامي محاميه شرطي "
    "محقق ممرض ممرضه مديري مديرتي استاذي استاذتي معلمي معلمتي مدربي مدربتي ضابطي مرشدي مرشدتي "
    "مشرفي مشرفتي "
    "boss manager teacher coach therapist counselor counsellor psychologist commander sergeant "
    "officer supervisor tutor doctor principal mentor rabbi sheikh imam landlord "
    "madrich madricha madrichah mefaked mefakedet mefakeded rakaz rakezet mashakit samal katzin "
    "ktzina menahel menahelet "
    "начальник начальница учитель учительница классная классный командир сержант тренер психолог "
    "директор доктор врач мефакед мефакедет мадрих мадриха мора морэ раказ ракезет самаль кацин "
    "машакит менаэль менаэлет куратор кураторша координатор координаторша воспитатель "
    "воспитательница вожатый вожатая мастер бригадир хозяин хозяйка менеджер инструктор инструкторша "
    "соцработник соцработница работодатель офицер раввин рав шейх имам преподаватель "
    "преподавательница педагог завуч медсестра медбрат психиатр адвокат следователь полицейский шеф "
    "босс"
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
# Thanking someone by name: "תודה רבה X", "شكراً يا X", "thanks X", "спасибо, X".
_THANKS = _keys(
    "תודה תודות شكرا شكراً يسلمو يسلموا مشكور مشكوره thanks thank thx tnx ty спасибо спс merci shukran shokran"
)
# Words between the thanks and the name ("thank you so much", "شكرا كتير يا", "תודה רבה לך").
_THANKS_FILLERS = _keys(
    "רבה לך לכם על הכל you so much a lot again very كتير كثير جزيلا الك إلك لك يا ya yaa большое "
    "огромное тебе вам"
)
# Copulas between a name and what it is: "X הוא החבר שלי", "X هي صاحبتي", "X is my sister".
_COPULAS = _keys("הוא היא זה זו זאת هو هي هيه is was 's это")
# "my", "our": English and Russian relationship words need one to describe the name before them.
_POSSESSIVE_DETS = _keys("my our his her мой моя моё мое мои моего моей моему наш наша наше его её ее")
# Words between the possessive and the relationship word ("my best friend", "моя лучшая подруга").
_RELATION_ADJECTIVES = _MODIFIERS | _keys(
    "best older elder little big younger only new old former real close oldest youngest twin "
    "اعز احسن اقرب افضل اغلى "
    "лучший лучшая лучшего близкий близкая старший старшая младший младшая единственный единственная "
    "родной родная двоюродный двоюродная"
)
# "X ואני", "X وانا", "X and I", "X и я": someone the writer does things with.
_AND_ME = _keys("ואני וגם־אני وانا وأنا وانا")
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
# English verbs only a person does, even after an adverb ("Grace always says").
_SAYING = _keys("says said tells told texts texted calls called yells yelled screams screamed keeps")
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
    "הודיע הודיעה לא הציע הציעה רוצה אומר אומרת הרים הרימה נגע נגעה דחף דחפה ירק ירקה נישק נישקה חיבק חיבקה "
    "ברח ברחה בכה בכתה "
    "ראה ראתה גנב גנבה שיקר שיקרה רימה התחתן התחתנה התגרש התגרשה נכנס נכנסה נעלם נעלמה היכה הכה "
    "ניסה ניסתה הבין הבינה הזמין הזמינה נתן נתנה קנה קנתה לימד לימדה עזר מספרת מחכה מחכים "
    "עקץ עקצה הכיר הכירה סיים סיימה נשאר נשארה שתה שתתה משקר משקרת מרכל מרכלת "
    "قلي قالي قال قالت قاللي قالتلي حكالي حكتلي حكى حكت بعتلي بعتتلي بعت بعتت تركني تركتني ترك "
    "تركت راح راحت طردني طردتني ضربني ضربتني كان كانت صار صارت مات ماتت توفى توفي توفت انتحر "
    "انتحرت سافر سافرت ضحك ضحكت خانني خانتني اغتصبني تحرش هددني هددتني ابتزني صورني صورتني نشر "
    "نشرت فضحني فضحتني اتصل اتصلت كتبلي كتبتلي رد ردت قرر قررت انفصل انفصلت اجا اجت وصل وصلت "
    "بتحكي بتقلي بتقول بتعرف بتحب بتكرهني بتضربني بتهددني بتبعتلي بترد بتصرخ بتتنمر بتهينني "
    "بتلاحقني بتعيط بتبكي بتشتغل بتدرس بتسكن بتفكر بتضحك بتستنى ما مش ضرب ضربت بعت طلع طلعت "
    "خبر خبرت فضح فضحت سرق سرقت كذب كذبت تجوز تجوزت اتجوز اتجوزت هرب هربت بكى بكت شاف شافت "
    "سمع سمعت سال سالت ساعد ساعدت بيساعد بتساعد بيحكي بيضحك بيعرف بيقول بيتنمر بيهددني "
    "keeps kept said says told tells texted texts sent sends called calls left hit hits broke dumped "
    "cheated threatened threatens won't doesn't didn't never always wants wanted posted posts "
    "messaged blocked knows knew hurt hurts yelled yells screams screamed died passed killed raped "
    "touched follows followed lives lived thinks thought laughed pushed slapped kissed grabbed stole "
    "forced abused molested harassed bullies bullied lied spread spreads shared shares leaked ignores "
    "ignored loves loved hates hated punched kicked "
    "пишет написал написала звонит позвонил позвонила сказал сказала говорит бросил бросила ударил "
    "ударила бьёт бьет угрожает угрожал угрожала ушёл ушел ушла умер умерла погиб погибла знает "
    "хочет орёт орет кричит обижает издевается прислал прислала выложил выложила изменил изменила "
    "заблокировал заблокировала не накричал накричала смеётся смеется посмеялся посмеялась толкнул "
    "толкнула обманул обманула украл украла поцеловал поцеловала трогал трогала лапал домогался "
    "домогается пристаёт пристает преследует следит унижает унизил унизила оскорбляет оскорбил "
    "оскорбила ненавидит любит помог помогла уехал уехала переехал переехала рассказал рассказала "
    "разболтал разболтала выгнал выгнала"
)
# Nouns that end like a verb with "me" ("عيني" my eye, "ثواني" seconds): "نور عيني" is an endearment.
_AR_NOT_VERBS = _keys(
    "ثواني تواني اغاني اماني معاني مباني اواني ثاني تاني يعني عيني ابني بطني حضني ديني وطني اذني "
    "سني جفوني عيوني اسناني لساني مكاني زماني حناني انساني ايماني امكاني احزاني لاني انني لانني "
    "كاني بيني فيني"
)
# Verbs that are also common after a plain noun; good enough for a known name, not for an unknown word.
_WEAK_VERBS_AFTER = _keys("לא ما مش не was is has had always never")
_NEGATIONS = _keys("לא ما مش не")
# Greetings that are also names: "שלום דנה" greets Dana.
_GREETINGS = _keys("שלום سلام salam selam")
# "בן דוד", "בת דודה": cousin, not a son named David.
_KIN_AFTER_SON = _keys("דוד דודה דודי")
# "בן זוג", "בת הזוג": partner.
_PARTNER = _keys("זוג הזוג הדוד הדודה")
# Names that are a pronoun when bare but only a name with a preposition glued on ("באליה").
_PRONOUN_NAMES = _keys("אליה")
# "ים מהכיתה", "טל מהעבודה": a person from a group.
_GROUPS = _keys(
    "כיתה שכבה עבודה צבא בסיס קבוצה חוג תנועה שכונה ישיבה אולפנה פנימייה מחלקה פלוגה צוות משמרת מכינה "
    'תיכון גן מועדון שבט קורס אולפן פנימיה מתנ"ס ישוב יישוב משרד מפעל חנות מסעדה'
)
# ... in the other languages, after "من", "from", "из" (and a possessive): "X من صفي", "X from my
# class", "X из моей группы". Arabic forms are compared without "ال" and a final "ي".
_GROUPS_OTHER = _keys(
    "صف شغل مدرسه جامع جامعه كليه حاره حي فريق كشافه جيش قاعده دوام مصنع شركه نادي دوره مخيم "
    "صفي شغلي مدرست جامعت فريق حارت دورت "
    "class school work team unit base group grade year job office army platoon church mosque club "
    "youth neighborhood neighbourhood building course ulpan camp college uni university dorm shift "
    "company squad gym yeshiva "
    "класса группы школы работы команды части армии ульпана параллели универа университета колледжа "
    "отряда роты двора подъезда секции садика института базы смены офиса курса"
)
# Arabic "in my class" words glued to the preposition: "X بصفي", "X بالشغل".
_GROUPS_AR_IN = _keys(
    "بصفي بالصف بصفنا بشغلي بالشغل بمدرستي بالمدرسه بالجامعه بجامعتي بالحاره بحارتنا بالفريق"
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

# --- words of the sentence-level rules -----------------------------------------------------------

_DASHES = frozenset({"-", "—", "–", "־"})
# "from": "X from Kerala", "X من رهط", "X из Ашдода", Arabizi "mn".
_FROM = _keys("من from из mn min men mnel")
# "X من صفي", "X from my class", "X in my class", "X из моей группы".
_GROUP_PREPOSITIONS = _keys("من from in из")
_GROUP_OWNERS = _POSSESSIVE_DETS | _keys("the нашей нашего нашу моих наших этой этого")
# What an introduction says after a comma: "אני X, תלמידה", "انا X، توجيهي", "I'm X, a nurse".
_OCCUPATIONS = _keys(
    "תלמידה תלמיד סטודנט סטודנטית חייל חיילת מורה אחות עובד עובדת אמא אבא כיתה "
    "توجيهي طالب طالبه طالبة صف عامل عامله ممرضه ممرض معلمه "
    "a an student nurse caregiver worker soldier mom mother dad father teacher "
    "студентка студент ученица ученик солдат"
)
# An age after a name: "X, 22", "X - 17".
_AGE_NEXT = re.compile(r"\s*(?:[,،\-–—]\s*)?\d")
_AGE_WORDS = _keys("בת בן בגיל age aged عمري وعمري بعمر عمرها 3omri 3mri 3umri omri мне лет")
# A second sentence about family or background: "אני X. ההורים שלי...", "I'm X. My family...".
_BACKGROUND = _keys(
    "ההורים הוריי אמא אבא אמי אבי המשפחה משפחתי עליתי עלינו נולדתי גדלתי הגעתי "
    "my our mom dad parents family اهلي امي ابوي عيلتي عيلتنا بابا ماما "
    "мои моя мой мама папа родители семья"
)
# "X והיא", "X وهو": a pronoun for the word just named.
_PRONOUN_AND = _keys("והיא והוא وهي وهو")
# "היי X ואני...", "hey, X and I...": a greeting opens the sentence.
_GREETINGS_ALL = _keys("היי הי שלום אהלן hi hey hello مرحبا هاي اهلا привет")
# Words with the article after an Arabic name that are no family name: times, epithets.
_AR_NOT_FAMILY = _keys(
    "الصبح الصباح المسا المساء الليل العصر الظهر الحلو الحلوه الكلب الحمار الزفت الواطي النذل "
    "الحقير الحقيره الغبي الغبيه المجنون المجنونه المسكين المسكينه الاول الاولى الثاني التاني "
    "الجديد الجديده القديم القديمه الكل الوحيد الوحيده الكبير الكبيره الصغير الصغيره"
)
# Object suffixes that make an Arabic word a verb or a preposition ("طردني", "عليها").
_AR_SUFFIXES = ("ني", "لي", "ها", "هم", "نا", "كم")
# Russian prepositions of place ("в Хайфе") and of persons ("у Шмулика", "к Ярдену").
_RU_PLACE_PREPOSITIONS = _keys("в во из на до около возле под над через по")
_RU_PERSON_PREPOSITIONS = _keys("у к ко от для про о об без при из-за благодаря против ради вместо кроме")
_RU_PAST = ("л", "ла", "ли", "лся", "лась", "лись")
# Present and future verbs of a person, after a name: "Элиэзер расскажет", "Шмулик орёт".
_RU_PRESENT = _keys(
    "расскажет скажет узнает знает говорит пишет напишет звонит позвонит думает хочет делает "
    "сделает смеётся смеется плачет приходит придёт придет уйдёт уйдет бросит ударит убьёт убьет "
    "орёт орет кричит бьёт бьет ругается врёт врет обманывает следит ждёт ждет требует заставляет "
    "угрожает шантажирует издевается обижает оскорбляет трогает пристаёт пристает преследует"
)


def _he_describes(key: str) -> bool:
    """A Hebrew word after "אני" that describes rather than names: a participle ("מיואשת",
    "עובדת", "רוצה"), a passive adjective ("שבורה", "עצוב"), or an -ית/-ייה adjective ("דתייה")."""
    size = len(key)
    if (key.startswith("מ") and size >= 4) or key.endswith(("ית", "ייה", "תי", "נו")):
        return True
    if key.startswith(("הת", "נ")) and key.endswith(("ת", "ה")) and size >= 5:
        return True  # "התגרשה", "נשואה", "נבוכה"
    if size == 4 and "ו" in (key[1], key[2]):
        return True  # "עובד", "חושב", "עצוב", "שבור"
    return size == 5 and "ו" in (key[1], key[2]) and key[4] in "תה"  # "עובדת", "שבורה"


def _ar_describes(key: str) -> bool:
    """An Arabic word after "انا" that describes rather than names: a participle ("متزوجة",
    "مبسوطة", "مستنية") or an -انة adjective ("تعبانة")."""
    if key.startswith(("مت", "مش", "مست")) and len(key) >= 4:
        return True
    return len(key) >= 5 and ((key.startswith("م") and key.endswith("ه")) or key.endswith("انه"))


# Hebrew family-name endings (-וביץ, -סקי, -ברג, -שטיין) and Russian/Ukrainian ones in any case form.
# Also -מן, -פלד, -בלט (Ashkenazi), -יאן (Armenian), -שווילי/-דזה (Georgian), -אווי (Arab), and Russian
# -ов/-ова written in Hebrew (not after a prefix letter: "לחשוב", "ברחוב" are words).
_SURNAME_SHAPE_HE = re.compile(
    r".{2,}(?:וביץ|ביץ|וויץ|ויץ|סקי|צקי|סקה|צקה|סקיה|ברג|בורג|שטיין|שטין|באום|בוים|נקו|פלד|בלט|ליכט|"
    r"הולץ|יאן|שווילי|דזה|יאלי|אווי)'?$|.{3,}מן$|[^לבהמוכשו].{2,}(?:וב|ובה)$|וו.{2,}(?:וב|ובה)$"
)
# Words of those shapes that are ordinary words ("מוזמן" invited, "תשובה" an answer).
_NOT_SURNAME_SHAPE = _keys("מוזמן מזומן מסומן מתוזמן נאמן ונאמן רחמן למאמן תשובה חשובה מרביץ ומרביץ")
# A geresh inside a Hebrew word writes a foreign sound (ג' ז' צ'): mostly names ("אברג'יל",
# "צ'רניחובסקי"), but also some loanwords.
_GERESH_INSIDE = re.compile(r".*[גזצץ]'.")
_GERESH_WORDS = frozenset(
    {"צ'יפס", "ג'ינס", "ז'קט", "צ'ופר", "ג'ובניק", "צ'יזבט", "ג'וינט", "צ'ילבה", "ג'מבו", "ג'ננה", "צ'אטים"}
)
_SURNAME_SHAPE_RU = re.compile(
    r".{2,}(?:ов|ев|ёв|ин|ын|ский|цкий|ская|цкая|вич|енко|ук|юк|ман|берг|штейн|швили|дзе|ян)"
    r"(?:а|у|ым|ой|ом|ем|е|ы|ого|ому|им|ую|ая)?$"
)


def _place_words(*lists: str) -> frozenset[str]:
    """Every word of the places detector's lists, read here only to keep places out of names."""
    words: set[str] = set()
    for name in lists:
        for entry in load_list(name):
            words.add(_key(entry.replace(" ", "-")))  # "Тель-Авив", "Кирьят-Гат": one word here
    return frozenset(words)


# Hebrew places, for "from <place>" after a name ("אני X מאשדוד").
_LOCALITIES_HE = frozenset(
    _key(entry.split()[0]) for name in ("localities_he", "locality_words") for entry in load_list(name)
)
# Capitalised mid-sentence but a place or an organisation: "в Хайфе", "в Технионе", "the Technion".
_PLACE_WORDS = _place_words(
    "localities_ru",
    "localities_latin",
    "localities_ambiguous",
    "org_names",
    "org_names_ambiguous",
    "org_words",
    "locality_words",
)

# Words of a message: letters with inner apostrophes, Hebrew acronym quotes, hyphens and marks.
_LETTER = r"[^\W\d_]"
_MARK = r"[\u0591-\u05bd\u05bf\u05c1\u05c2\u05c4\u05c5\u05c7\u0610-\u061a\u064b-\u065f\u0670\u0640]"
_WORD_PATTERN = (
    rf"{_LETTER}(?:{_LETTER}|{_MARK}|['׳’](?={_LETTER})|[\"״](?=[\u05d0-\u05ea])|[-\u05be](?={_LETTER}))*"
    r"(?:(?<=[\u05d0-\u05ea])['׳](?![\u05d0-\u05ea]))?"
)
_WORD = re.compile(_WORD_PATTERN)
# Arabizi writes some Arabic letters as digits ("7abibi", "a5ui", "3omri"): one word, not two. Only
# messages with a digit next to a Latin letter need the slower pattern.
_ARABIZI_HINT = re.compile(r"[A-Za-z][2356789]|[2356789][A-Za-z]")
_WORD_ARABIZI = re.compile(r"(?<![0-9A-Za-z])[A-Za-z]*[2356789][A-Za-z][A-Za-z0-9]*|" + _WORD_PATTERN)
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
    if (
        script == "he"
        and key not in _NOT_SURNAME_SHAPE
        and key not in _VERBS_AFTER
        and key[:1] != "ה"
        and (
            _SURNAME_SHAPE_HE.match(key)
            or (len(key) >= 5 and _GERESH_INSIDE.match(key) and key not in _GERESH_WORDS)
        )
    ):
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
    words = _WORD_ARABIZI if _ARABIZI_HINT.search(text) else _WORD
    for match in words.finditer(text):
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
    mine: bool  # a relationship word with a possessive or the article ("אחי", "החבר שלי", "صاحبتي")
    thanks: bool  # "תודה X", "شكراً يا X", "thanks X", "спасибо, X"

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
        relation, role, title, mine = self._relation(index)
        return _Cues(
            naming=self._naming(index),
            relation=relation,
            role=role,
            title=title,
            verb=self._verb_before(index),
            kunya=index > 0 and self.joined(index - 1, index) and self.key(index - 1) in _KUNYA,
            intro=self._intro(index),
            mine=mine,
            thanks=self._thanks(index),
        )

    def sentence_start(self, index: int) -> bool:
        """The word opens a sentence: first in the message, or after a full stop, "!", "?" or a line."""
        if index == 0:
            return True
        return any(mark in self.gap(index - 1, index) for mark in ".!?\n;:…")

    def _thanks(self, index: int) -> bool:
        """ "תודה רבה X", "شكراً كتير يا X", "thank you so much X", "Спасибо, X": X is addressed."""
        position = index - 1
        for _ in range(4):
            if position < 0 or self.gap(position, position + 1).strip() not in ("", ",", "،"):
                return False
            key = self.key(position)
            if key in _THANKS:
                return True
            if key not in _THANKS_FILLERS:
                return False
            position -= 1
        return False

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

    def _relation(self, index: int) -> tuple[bool, bool, bool, bool]:
        """(a relationship, role or title word before the word; a role or title; a title; "my" or
        "the" with it)."""
        none = (False, False, False, False)
        prev = index - 1
        if prev < 0:
            return none
        gap = self.gap(prev, index)
        if self.key(prev) in _TITLES and gap.strip() in ("", "."):
            return True, True, True, True
        comma = bool(_COMMA.fullmatch(gap))
        if not comma and gap.strip():
            return none
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
            return none
        if comma and not (apposition or role):
            return none  # "אחי, שלום" is "bro, hello"
        if info.key in ("בן", "בת") and position == prev:
            return none  # "בן אדם" is a human being; "בן דוד שלי X" is still a cue
        # Only "the coach X" or "my coach X" is a person; "أخصائية تغذية" is a nutritionist.
        mine = position < prev or _definite(info) or (info.script == "he" and info.key.endswith("י"))
        return True, role and mine, False, mine

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

    def adverb_verb_after(self, last: int) -> bool:
        """An adverb, then a verb a person does: "X תמיד אומר", "X دايما بتقلي", "X always says"."""
        nxt = self.next_joined(last)
        if nxt < 0 or self.key(nxt) not in _STOP or self.key(nxt) in _NEGATIONS:
            return False
        verb = self.next_joined(nxt)
        if verb < 0 or self.key(verb) in _WEAK_VERBS_AFTER:
            return False
        if self.tokens[verb].info.script == "latin":
            return self.key(verb) in _SAYING  # "Grace always says", not "Hope always helps"
        return self.key(verb) in _VERBS_AFTER

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
        """One of a group: "ים מהכיתה", "غدير من صفي", "Grace from my class", "Надя из моей группы"."""
        nxt = self.next_joined(last)
        if nxt < 0:
            return False
        key = self.key(nxt)
        if key.startswith("מה"):
            return key[2:] in _GROUPS or key[2:] + "ה" in _GROUPS
        if key in _GROUPS_AR_IN:
            return True
        if key not in _GROUP_PREPOSITIONS:
            return False
        position = self.next_joined(nxt)
        owned = position >= 0 and self.key(position) in _GROUP_OWNERS
        if owned:
            position = self.next_joined(position)
            if position >= 0 and self.key(position) in _RELATION_ADJECTIVES:
                position = self.next_joined(position)  # "from my old school"
        if position < 0 or (key == "in" and not owned):
            return False
        group = self.key(position)
        if group.startswith("ال"):
            group = group[2:]
        return group in _GROUPS_OTHER or (group.endswith("ي") and group[:-1] in _GROUPS_OTHER)

    def described_after(self, last: int) -> bool:
        """What the person is to the writer comes next: "X הוא החבר הכי טוב שלי", "X هي بنت خالتي",
        "X is my sister", "X was my best friend", "X — моя лучшая подруга"."""
        nxt = last + 1
        if nxt >= self.count:
            return False
        gap = self.gap(last, nxt).strip()
        script = self.tokens[last].info.script
        position = nxt
        if not gap and self.key(nxt) in _COPULAS:
            position = self.next_joined(nxt)
        elif gap not in _DASHES and not (gap in (",", "،") and script in ("latin", "ru")):
            return False
        possessive = False
        for _ in range(4):
            if position < 0:
                return False
            info = self.tokens[position].info
            if info.key in ("בן", "בת") and self.key(position + 1) in _KIN_AFTER_SON | _PARTNER:
                return any(self.key(position + n) in ("שלי", "שלנו") for n in (2, 3))  # "בן הזוג שלי"
            if not info.stem_keys.isdisjoint(_RELATIONS) or not info.stem_keys.isdisjoint(_ROLES):
                if info.script == "he":
                    # "החבר הכי טוב שלי", "אחותי": the possessive is what makes it a relationship.
                    return info.key.endswith("י") or any(
                        self.key(position + n) in ("שלי", "שלנו") for n in (1, 2, 3)
                    )
                if info.script == "ar":
                    return info.key not in ("ابن", "بنت") or self.has_stem(position + 1, _RELATIONS)
                return possessive
            if info.key in _POSSESSIVE_DETS:
                possessive = True
            elif info.key not in _RELATION_ADJECTIVES:
                return False
            position = self.next_joined(position)
        return False

    def and_me_after(self, last: int) -> bool:
        """ "X ואני", "X وأنا", "X and I", "X и я": someone the writer does things with."""
        nxt = self.next_joined(last)
        if nxt < 0:
            return False
        key = self.key(nxt)
        if key in _AND_ME:
            return True
        after = self.next_joined(nxt)
        return key in ("and", "и") and after >= 0 and self.key(after) in ("i", "me", "я")

    def and_me_before(self, index: int) -> bool:
        """ "me and X", "я и X" at the start of a sentence."""
        prev = index - 1
        return (
            prev > 0
            and self.key(prev) in ("and", "и")
            and self.joined(prev, index)
            and self.joined(prev - 1, prev)
            and self.key(prev - 1) in ("me", "i", "я")
            and self.sentence_start(prev - 1)
        )

    def from_after(self, last: int) -> bool:
        """ "from" and a place after the word: "מאשדוד", "من رهط", "from Kerala", "из Ашдода"."""
        nxt = self.next_joined(last)
        if nxt < 0:
            return False
        key = self.key(nxt)
        if key in _FROM:
            return self.next_joined(nxt) >= 0
        # Hebrew "מ" + a place ("מאשדוד", "מהנגב"); not an adjective or a plural ("מינית", "מכולם").
        return (
            self.tokens[nxt].info.script == "he"
            and key.startswith("מ")
            and len(key) >= 4
            and key not in _STOP
            and key[1:] not in _STOP
            and key[1:] not in _SELF_WORDS
            and (key[1:] in _LOCALITIES_HE or not key.endswith(("ית", "ים", "ות", "תי")))
        )

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
            # Hebrew needs the possessive: "X אחותי", "X החבר הכי טוב שלי", "X הבוס שלי" (not "X חבר"
            # = "X joined").
            stems = {info.key, info.key[1:]} if info.key[:1] == "ה" else {info.key}
            if stems.isdisjoint(_RELATIONS_AFTER) and stems.isdisjoint(_ROLES):
                return False
            return info.key.endswith("י") or any(self.key(nxt + n) in ("שלי", "שלנו") for n in (1, 2, 3))
        if info.script == "ru" and info.key in _POSSESSIVE_DETS and not gap.strip():
            return self.has_stem(nxt + 1, _RELATIONS_AFTER) or (
                self.key(nxt + 1) in _RELATION_ADJECTIVES and self.has_stem(nxt + 2, _RELATIONS_AFTER)
            )  # "Любовь моя подруга"
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
        if key.startswith("מ") and len(key) >= 4 and key not in _STOP and key[1:] not in _STOP:
            return True
        # "أنا مجد الحجوج من اللقية": a family name, then the introduction goes on.
        family = self._family_name_end(last, nxt, naming=False, cued=True)
        return family > last and self.intro_goes_on(family)

    def introduction_goes_on(self, last: int) -> bool:
        """After "אני X" with X in no list, only what an introduction says next: an age (", בת 19",
        ", 22", "and I'm 30", "w 3omri 16"), where from ("מקריית גת", "من رهط", "from Kerala"), or a
        new sentence about family or background ("אני X. ההורים שלי...")."""
        rest = self.text[self.tokens[last].end :]
        if _AGE_NEXT.match(rest):
            return True
        nxt = last + 1
        if nxt >= self.count:
            return False
        gap = self.gap(last, nxt).strip()
        key = self.key(nxt)
        if not gap or gap in (",", "،") or gap in _DASHES:
            if key in _AGE_WORDS or self.from_after(last) or (not gap and key in _FROM):
                return True
            if gap and ((key in _SELF_WORDS and key not in _STOP) or key in _OCCUPATIONS):
                return True  # "אני X, סטודנטית", "انا X، طالبة", "I'm X, a student"
            after = self.next_joined(nxt)
            if key in ("and", "w", "we", "u") and self.tokens[last].info.script == "latin":
                return after >= 0 and self.key(after) in ("i", "i'm", "im", "my", "ana")  # "I'm X and I..."
            if key in _AND_ME or key in ("and", "w", "we", "u"):
                return after >= 0 and (self.key(after) in _AGE_WORDS or self._states_age(after))
            return False
        if not any(mark in gap for mark in ".!\n"):
            return False
        if key in _BACKGROUND:
            return True
        # "אני X. אני בת 19", "I'm X. I'm 22": a second sentence that gives an age or an origin.
        return key in _INTRO and (self._states_age(nxt) or self.from_after(nxt))

    def _states_age(self, index: int) -> bool:
        """The word is followed by an age: "אני 22", "ana 3omri 16", "I'm 30"."""
        rest = self.text[self.tokens[index].end :]
        if _AGE_NEXT.match(rest):
            return True
        nxt = self.next_joined(index)
        return nxt >= 0 and self.key(nxt) in _AGE_WORDS

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

    def plausible_unknown(self, index: int, *, named: bool = False, intro: bool = False) -> bool:
        """Could this word, in no list, be a name? Asked only right after a cue.

        ``named``: right after a naming phrase, where only function words and cue words are ruled out.
        ``intro``: right after "אני"/"انا", where an introduction must also go on: a name may start
        with ש or וו ("שימלס", "וורקנש") or with بي ("بيلسان": no verb after "انا" takes بي).
        """
        token = self.tokens[index]
        info = token.info
        key = info.key
        if token.technical or key in _STOP or key in _NEVER or key in _CALENDAR or key in _INSULTS:
            return False
        if key in _NAMING_LAST or key in _INTRO or key in _TITLES or len(key) < 2:
            return False
        if info.script in ("latin", "ru"):
            # "с Мамой", "my Boss": a relationship or role word, even capitalised, is not a name.
            return token.cap and key not in _PLACE_AFTER and info.stem_keys.isdisjoint(_CUE_WORDS)
        if not info.stem_keys.isdisjoint(_CUE_WORDS):
            return False
        if named:
            return not key.startswith(("و", "ال", "ו", "ה"))
        if info.script == "he":
            # Prefixed, plural or conjugated shapes are verbs, adjectives or phrases, not bare names.
            if key.endswith(("ים", "ות", "נו", "תי", "תם", "תן")):
                return False
            if intro and key[0] == "ש":
                return key[1:] not in _STOP and key[1:] not in _SELF_WORDS  # "שימלס", not "שזה"
            return key[0] not in "והשמבלכ" or (intro and key[:2] == "וו" and len(key) > 4)
        if key.startswith(("ال", "وال", "بال", "فال", "لل", "و", "ف")):
            return False
        verb = key.startswith(("بي", "بت", "بن", "عم", "رح")) and len(key) >= 5
        if verb and not (intro and key[:2] == "بي"):
            return False  # imperfect verbs
        # Object suffixes make verbs and prepositions ("طردني", "عليها"); after "انا" a name may end
        # in ني ("تهاني"), since a verb there would not take "me".
        return not key.endswith(("لي", "ها", "هم", "نا", "كم") if intro else _AR_SUFFIXES)

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

        if (
            not info.first
            and not self._may_follow_cue(index)
            and info.key not in _COMPOUND_STARTS
            and not (token.cap and info.script == "ru" and index)
        ):
            return None  # the common case: an ordinary word with no cue before it
        cues = self.cues(index)
        # After a naming phrase, an introduction, or a relationship word and a comma ("המנהלת שלי,
        # רונית X, ..."), a word that ends the clause after the first name is its family name.
        apposition = cues.relation and self.gap(index - 1, index).strip() in (",", "،")
        cued = cues.naming or cues.intro or apposition
        compound = self.compound_end(index)
        if compound and (info.script in ("he", "ar") or token.cap or cues.any):
            return index, self.extend(compound, naming=cues.naming, cued=cued), token.start

        if info.first == _PLAIN and self._plain_is_name(index, cues):
            return index, self.extend(index, naming=cues.naming, cued=cued), token.start + info.offset
        if info.first == _AMBIG and self._ambiguous_is_name(index, cues, accepted):
            return index, self.extend(index, naming=cues.naming, cued=cued), token.start + info.offset
        if not info.first and self._unknown_is_name(index, cues):
            return index, self.extend(index, naming=cues.naming, cued=cued), token.start
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
        relation = self._relation(index)[0]
        if relation or self.relation_after(nxt) or self.verb_after(nxt, strict=True):
            return nxt
        return 0

    def _plain_is_name(self, index: int, cues: _Cues) -> bool:
        token = self.tokens[index]
        info = token.info
        arabizi = info.script == "latin" and info.key in _INTRO and not (cues.any or cues.intro)
        if arabizi and self._arabizi_intro_after(index):
            return False  # "Ana esmi ...", "Ana Tala w 3omri 15": Arabizi "I", not the name Ana
        if info.script in ("latin", "ru") and not token.cap:
            # Lower case only right after a naming, relationship or thanking cue ("my ex omer",
            # "thanks dana"), or an introduction that goes on ("ana yara w 3omri 16"), and only as
            # written: "никого" is not a case form of Ника.
            cued = cues.naming or cues.relation or cues.thanks
            return info.in_list and (cued or (cues.intro and self.introduction_goes_on(index)))
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
            # "هادي" is also "this": only a naming or relationship cue will do, or an introduction
            # with a family name ("אני איתי ג'רבי, סטודנט").
            return cues.intro and self.surname_next(index) and self.intro_goes_on(index)
        if cues.any or (cues.intro and stem not in _ADJECTIVES and self.intro_goes_on(index)):
            return True
        if cues.thanks and self.clause_end_after(index):
            return True  # "תודה טל!", "شكراً يا أمل"
        if self.surname_next(index) or self.group_after(index) or self.relation_after(index):
            return True
        # What the person is to the writer ("X היא חברה שלי", "X is my sister"), or what they did
        # together ("X ואני התחתנו", "Summer and I broke up", "me and Sky").
        if self.described_after(index) or self.and_me_before(index):
            return True
        if (
            stem not in _GREETINGS
            and self.and_me_after(index)
            and (self.sentence_start(index) or self.key(index - 1) in _GREETINGS_ALL)
        ):
            return True
        # A verb a person does: "Will told", "שיר הרים", "גל תמיד אומר"; a bare negation is not
        # one ("أمل ما في").
        if (
            self.verb_after(index, strict=True)
            or self.negated_verb_after(index)
            or self.adverb_verb_after(index)
        ):
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
        if prefix in ("ו", "و") and self.key(index - 1) in ("אני", "انا") and self.sentence_start(index - 1):
            return len(stem) > 2 and self.joined(index - 1, index)  # "אני וגפן נפרדנו", "انا وفرح"
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
        if info.key in _SELF_WORDS or info.key in _VERBS_AFTER:
            return False
        # "אני אבייטו, בן 17", "انا رتاج من رهط", "I'm Nkechi, 22", "ana Jannat w 3omri 17".
        if (
            cues.intro
            and info.script != "ru"
            and self.key(index - 1) in _INTRO_SELF
            and self.plausible_unknown(index, intro=True)
            and self._introduces_unknown(index)
        ):
            return True
        if not self.plausible_unknown(index):
            return False
        if info.script in ("latin", "ru"):
            if not info.stem_keys.isdisjoint(_PLACE_WORDS):
                return False  # "в Хайфе", "my boss at Intel"
            if cues.relation:
                return True  # capitalised after "my friend", "моя подруга", "my mefaked"
            if info.script == "ru" and (cues.intro or cues.verb):
                return True  # "Я Зорина", "пишет Зорислав"
            if cues.verb and self.key(index - 1) in _TELLING:
                return True  # "I told Zorbel"
            if info.script == "ru" and self._russian_name_in_context(index):
                return True  # "Вчера Арбель написал мне", "рассказала всё Оделии"
            nxt = self.next_joined(index)
            return cues.intro and nxt >= 0 and self.tokens[nxt].cap and self.plausible_unknown(nxt)
        # A role, or "my" relative, then a verb: "המאמן אוחיון לא סופר", "אחי מואיד לא מדבר איתי".
        if (cues.role or cues.mine) and (
            self.verb_after(index, strict=True)
            or self.negated_verb_after(index)
            or self._participle_after(index)
        ):
            # ... but "صاحبي الوحيد سافر وتركني": a verb, "and", a verb.
            return cues.role or not self.key(index + 1).startswith("و")
        # "דיברתי עם עביר והיא אמרה", "حكيت مع رتاج وهي": the pronoun after says it is a person.
        if cues.verb and self.key(index - 1) in _WITH and self.key(self.next_joined(index)) in _PRONOUN_AND:
            return True
        # "למפקד שלי, אסף.": an apposition closed by punctuation.
        return (
            cues.relation
            and bool(_COMMA.fullmatch(self.gap(index - 1, index)))
            and self.clause_end_after(index)
        )

    def _introduces_unknown(self, index: int) -> bool:
        """ "אני X" with X in no list: a name when X is not a state or a role ("אני עייפה", "I'm
        Exhausted", "انا متزوجة") and the introduction goes on like one."""
        info = self.tokens[index].info
        key = info.key
        if len(key) < 3 or (info.script == "he" and _he_describes(key)):
            return False
        if info.script == "ar" and _ar_describes(key):
            return False
        if info.script == "latin" and key.endswith(_EN_ADJECTIVE_ENDINGS):
            return False
        last = index
        nxt = self.next_joined(index)
        if nxt >= 0:
            last = self._family_name_end(index, nxt, naming=False, cued=True) or index
        return self.introduction_goes_on(last)

    def _participle_after(self, index: int) -> bool:
        """A Hebrew present-tense verb follows: "שומעת", "יודע", "מציקה" ("השכנה שלי סמירה שומעת")."""
        nxt = self.next_joined(index)
        if nxt < 0 or self.tokens[nxt].info.script != "he":
            return False
        key = self.key(nxt)
        if key in _STOP or key in _SELF_WORDS or key.startswith("מה") or self.tokens[nxt].info.first:
            return False
        size = len(key)
        return (
            (size == 4 and key[1] == "ו")
            or (size == 5 and key[1] == "ו" and key[4] in "תה")
            or (key.startswith("מ") and size >= 4 and key.endswith(("ת", "ה")))
        )

    def _arabizi_intro_after(self, index: int) -> bool:
        """ "Ana" followed by Arabizi: "Ana esmi ...", "Ana Tala w 3omri 15", "ana mn rahat"."""
        nxt = self.next_joined(index)
        if nxt < 0:
            return False
        key = self.key(nxt)
        if key in _NAMING_LAST or key in _FROM or key[:1].isdigit():
            return True
        # "Ana Tala w 3omri 15" (Arabizi) but "Ana Maria said" (a name).
        after = self.key(nxt + 1)
        return self.tokens[nxt].cap and (after in ("w", "we", "u") or after in _FROM or after[:1].isdigit())

    def _russian_name_in_context(self, index: int) -> bool:
        """Russian capitalises only proper nouns: a capitalised word inside a sentence, not a place,
        is a name when a person's verb or preposition stands by it ("Вчера Арбель написал мне",
        "рассказала всё Оделии", "у Шмулика")."""
        if self.sentence_start(index) or not self.tokens[index].info.stem_keys.isdisjoint(_NOT_NAMES):
            return False
        prev = index - 1
        if self.joined(prev, index):
            if self.key(prev) in _RU_PLACE_PREPOSITIONS:
                return False  # "в Ульпане", "из Сохнута"
            if self.key(prev) in _RU_PERSON_PREPOSITIONS or self._ru_verb(prev):
                return True
            if self.key(prev) in _STOP and self.joined(prev - 1, prev) and self._ru_verb(prev - 1):
                return True  # "рассказала всё Оделии"
        nxt = self.next_joined(index)
        if nxt < 0 or not self.tokens[nxt].info.stem_keys.isdisjoint(_PLACE_WORDS):
            return False  # "Хайфский университет"
        if self._ru_verb(nxt, present=True):
            return True
        after = self.next_joined(nxt)
        # "Цуриэль постоянно орёт": one adverb between the name and its verb.
        return self.key(nxt) in _STOP and after >= 0 and self._ru_verb(after, present=True)

    def _ru_verb(self, index: int, *, present: bool = False) -> bool:
        """A Russian verb in lower case: listed, or in the past tense ("накричала", "посмеялся");
        ``present``: also the present and future ("расскажет"), asked of the word after a name."""
        if index < 0 or self.tokens[index].cap:
            return False
        info = self.tokens[index].info
        key = info.key
        if info.script != "ru" or key in _STOP:
            return False
        if key in _VERBS_AFTER or key in _VERBS_BEFORE or (len(key) >= 4 and key.endswith(_RU_PAST)):
            return True
        return present and key in _RU_PRESENT

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

    def extend(self, last: int, *, naming: bool, cued: bool = False) -> int:
        """Take the family name(s) after a first name into the span.

        ``naming``: the name came right after a naming phrase, so an unlisted Hebrew or Arabic word
        that ends the clause is its family name ("שמי ירין שרעבי, גר ב..."). ``cued``: after a naming
        phrase or a self-introduction ("אני עידו שטרנליכט, סטודנט").
        """
        for _ in range(2):
            nxt = self.next_joined(last)
            if nxt < 0 or self.tokens[nxt].technical:
                break
            grown = self._family_name_end(last, nxt, naming=naming, cued=cued)
            if not grown:
                break
            last = grown
        return last

    def _family_name_end(self, last: int, nxt: int, *, naming: bool, cued: bool = False) -> int:
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
        return nxt if self._unlisted_family_name(nxt, cued=cued or naming) else 0

    def _unlisted_family_name(self, index: int, *, cued: bool) -> bool:
        """An unlisted Hebrew or Arabic word right after a first name is its family name when shaped
        like one ("אברג'יל", "קזאקוב", "זילברמן"; "القواسمي" when the sentence goes on), or when the
        sentence goes on as after a full name: a verb ("הילה קורנפלד שלחה"), or, after a naming
        phrase or an introduction, a comma, "from" or an age ("אני עידו שטרנליכט, סטודנט")."""
        info = self.tokens[index].info
        key = info.key
        if (
            info.first
            or len(key) < 3
            or key in _SELF_WORDS
            or key in _INSULTS
            or key in _VERBS_AFTER
            or key in _STOP
            or not info.stem_keys.isdisjoint(_CUE_WORDS)
        ):
            return False
        if info.script == "he":
            if info.surname:
                return True
            if key.endswith(("ים", "ות", "תי", "נו")):
                return False  # a plural or conjugated word: "הלכנו"
            if key[0] in "והבלמשכ":
                # A prefixed word ("בבית", "מחיפה"), except a family name with ו ("וקסלר") after an
                # introduction, when an age or a comma follows.
                single = key[0] == "ו" and key[1] not in "והבלמשכ" and key[1:] not in _STOP
                return cued and single and (self._states_age(index) or self.clause_end_after(index))
            shaped = False
        else:
            shaped = key.startswith("ال") and len(key) >= 5 and key not in _AR_NOT_FAMILY
            if not shaped and (key.startswith(("ال", "و", "ف", "ب", "ل", "ك")) or key.endswith(_AR_SUFFIXES)):
                return False
        if self.verb_after(index, strict=True) or self.negated_verb_after(index):
            return True
        if not (shaped or cued):
            return False
        return (
            self.clause_end_after(index)
            or self.from_after(index)
            or self.group_after(index)
            or self.and_me_after(index)
            or self._states_age(index)
        )


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
