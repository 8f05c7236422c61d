"""Synthetic conversations written for the integration tests. The phone numbers, e-mails and ID
numbers are fictional; the tests assert that none of them travels past deid."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import aiohttp

from care.embedded.stack import EmbeddedStack
from care.v1 import events_pb2

HS = events_pb2.ROLE_HELP_SEEKER
CO = events_pb2.ROLE_COUNSELOR

PII = {
    "phone_he": "058-6671294",
    "phone_ar": "+972 53 448 9102",
    "phone_ar_indic": "٠٥٢٤٤٧٣٨١٩",
    "email_he": "tamar.test.care@example.net",
    "email_ar": "rami.test@example.org",
    "national_id": "204567135",
    "credit_card": "4532 0151 1283 0366",  # Luhn-valid, not a real card
    "iban": "IL07 0108 0000 0001 2345 678",  # check digits valid, not a real account
    "handle": "@rami.test_77",
    "url": "https://example.org/rami-test",
    "ip": "10.20.30.41",
    "plate": "12-345-67",
    "birth_date": "14/02/2009",
    "person_he": "נגה ברזילי",
    "address_he": "רחוב הזית 14 בקריית טבעון",
    "org_he": "תיכון אלון",
    "person_ar": "سمير خطيب",
    "location_ar": "الناصرة",
    "org_ar": "مصنع الجليل",
}


@dataclass(frozen=True)
class Message:
    role: int
    text: str


HEBREW = (
    Message(HS, "ערב טוב, קשה לי לישון כבר כמה לילות"),
    Message(HS, f"קוראים לי {PII['person_he']} ואני גרה ב{PII['address_he']}, לומדת ב{PII['org_he']}"),
    Message(CO, "ערב טוב, אני כאן. מה עובר עלייך בלילות האלה?"),
    Message(HS, f"המחשבות לא עוזבות אותי. אם תצטרכו, הטלפון שלי {PII['phone_he']}"),
    Message(HS, f"ואפשר גם במייל {PII['email_he']}"),
    Message(HS, f"מספר תעודת הזהות שלי {PII['national_id']} אם זה עוזר"),
    Message(
        HS, f"נולדתי ב-{PII['birth_date']}, הרכב של אבא שלי {PII['plate']} והכרטיס שלי {PII['credit_card']}"
    ),
    Message(CO, "תודה ששיתפת. נשמע שהלילות מאוד בודדים."),
    Message(HS, "כן, בדיוק ככה"),
)

ARABIC = (
    Message(HS, "مسا الخير، صارلي أيام مش قادر أنام"),
    Message(HS, f"اسمي {PII['person_ar']} وساكن ب{PII['location_ar']}، بشتغل ب{PII['org_ar']}"),
    Message(CO, "مسا النور، أنا هون معك. شو اللي شاغل بالك؟"),
    Message(HS, f"الضغط بالشغل كتير. رقمي {PII['phone_ar']} إذا احتجتوا"),
    Message(HS, f"وهاد رقم تاني {PII['phone_ar_indic']} وإيميلي {PII['email_ar']}"),
    Message(HS, f"حسابي بالانستا {PII['handle']} وصفحتي {PII['url']} والـ IP تبعي {PII['ip']}"),
    Message(HS, f"بدي أرجع مصاري على الحساب {PII['iban']}"),
    Message(CO, "يبدو إنك تعبان كتير من الضغط."),
    Message(HS, "اه والله"),
)

RUSSIAN = (
    Message(HS, "Здравствуйте, мне очень тяжело в последнее время"),
    Message(HS, "Я не знаю, с кем поговорить"),
)

# Arabic written in Latin letters and digits, with a Hebrew word: the Arabic model reads it.
ARABIZI = (
    Message(HS, "mar7aba, ana mish 3aref shu a3mel"),
    Message(CO, "مرحبا، أنا هون معك."),
    Message(HS, "sarli shahr ma nimt mni7, w bukra 3indi מבחן"),
    Message(HS, "🙏"),
)


def chat_event(
    conversation_id: str,
    index: int,
    message: Message | None = None,
    kind: int = events_pb2.CHAT_EVENT_TYPE_MESSAGE,
) -> events_pb2.ChatEvent:
    event = events_pb2.ChatEvent(
        event_id=f"{conversation_id}-{index:04d}",
        conversation_id=conversation_id,
        type=kind,  # type: ignore[arg-type]
        sequence=index,
        channel=events_pb2.Channel(platform="test", medium="web", line_id="general"),
    )
    if message is not None:
        event.role = message.role  # type: ignore[assignment]
        event.text = message.text
    event.sent_at.GetCurrentTime()
    return event


async def standin_control(stack: EmbeddedStack, method: str, path: str, body: Any = None) -> Any:
    """Call the stand-in's control API (``/_standin/latency``, ``faults``, ``replies``, ``stats``)."""
    async with (
        aiohttp.ClientSession() as session,
        session.request(method, f"{stack.standin_url}/_standin/{path}", json=body) as response,
    ):
        response.raise_for_status()
        return await response.json()
