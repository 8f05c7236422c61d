"""Synthetic conversations written for the integration tests. The phone numbers, e-mails and ID
numbers are fictional; the tests assert that none of them travels past deid."""

from __future__ import annotations

from dataclasses import dataclass

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
}


@dataclass(frozen=True)
class Message:
    role: int
    text: str


HEBREW = (
    Message(HS, "ערב טוב, קשה לי לישון כבר כמה לילות"),
    Message(CO, "ערב טוב, אני כאן. מה עובר עלייך בלילות האלה?"),
    Message(HS, f"המחשבות לא עוזבות אותי. אם תצטרכו, הטלפון שלי {PII['phone_he']}"),
    Message(HS, f"ואפשר גם במייל {PII['email_he']}"),
    Message(HS, f"מספר תעודת הזהות שלי {PII['national_id']} אם זה עוזר"),
    Message(CO, "תודה ששיתפת. נשמע שהלילות מאוד בודדים."),
    Message(HS, "כן, בדיוק ככה"),
)

ARABIC = (
    Message(HS, "مسا الخير، صارلي أيام مش قادر أنام"),
    Message(CO, "مسا النور، أنا هون معك. شو اللي شاغل بالك؟"),
    Message(HS, f"الضغط بالشغل كتير. رقمي {PII['phone_ar']} إذا احتجتوا"),
    Message(HS, f"وهاد رقم تاني {PII['phone_ar_indic']} وإيميلي {PII['email_ar']}"),
    Message(CO, "يبدو إنك تعبان كتير من الضغط."),
    Message(HS, "اه والله"),
)

RUSSIAN = (
    Message(HS, "Здравствуйте, мне очень тяжело в последнее время"),
    Message(HS, "Я не знаю, с кем поговорить"),
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
