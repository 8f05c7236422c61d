"""Risk alerts and the safety gate in the real pipeline: an alert reaches care.alerts before the
suggestion for its turn (and while the model is still thinking), re-alerts happen only on a rise, a
high-risk turn's suggestion leads with the safety-protocol candidate, and an unsafe model reply is
replaced before the counselor sees it."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from care import topics
from care.embedded.platform import PlatformClient
from care.embedded.stack import EmbeddedStack
from care.v1 import events_pb2
from tests.integration.fixtures import CO, HS, Message, chat_event, standin_control

pytestmark = pytest.mark.integration

TIMEOUT = 60.0
# Slow enough that a suggestion cannot be published before the alert unless the alert waited for
# the model; well inside the per-attempt timeout and the suggestion deadline.
SLOW_FIRST_TOKEN_MS = 2500.0


@pytest.fixture
async def slow_model(stack: EmbeddedStack) -> AsyncIterator[None]:
    await standin_control(stack, "POST", "latency", {"time_to_first_token_ms": SLOW_FIRST_TOKEN_MS})
    try:
        yield
    finally:
        await standin_control(stack, "POST", "latency", {"time_to_first_token_ms": 0.0})


def alerts_for(platform: PlatformClient, conversation_id: str) -> list[events_pb2.RiskAlert]:
    found = (
        events_pb2.RiskAlert.FromString(value) for _, value in platform.records.get(topics.ALERTS.name, [])
    )
    return [alert for alert in found if alert.conversation_id == conversation_id]


async def wait_for_alerts(
    platform: PlatformClient, conversation_id: str, count: int
) -> list[events_pb2.RiskAlert]:
    await platform.wait_until(lambda: len(alerts_for(platform, conversation_id)) >= count, TIMEOUT)
    return alerts_for(platform, conversation_id)


async def test_an_alert_comes_before_the_suggestion_and_only_on_a_rise(
    stack: EmbeddedStack, platform: PlatformClient, slow_model: None
) -> None:
    conversation_id = "it-risk-1"
    opening = chat_event(conversation_id, 1, Message(HS, "היי, אני לא יודעת למה אני כותבת בכלל"))
    asked = chat_event(conversation_id, 2, Message(CO, "אני כאן איתך. את חושבת על התאבדות?"))
    moderate = chat_event(conversation_id, 3, Message(HS, "כן. הרבה פעמים אני חושבת להתאבד"))
    await platform.send_chat(opening)
    await platform.send_chat(asked)
    await platform.send_chat(moderate)

    first = (await wait_for_alerts(platform, conversation_id, 1))[0]
    # The model takes seconds to answer: the alert did not wait for the suggestion.
    assert moderate.event_id not in platform.deliveries
    assert first.event_id == moderate.event_id
    assert first.alert_id == f"{moderate.event_id}/alert"
    assert first.level == events_pb2.RISK_LEVEL_MODERATE
    assert first.previous_level == events_pb2.RISK_LEVEL_NONE
    assert first.categories
    suggestion = (await platform.wait_for(moderate.event_id, TIMEOUT)).suggestion
    assert suggestion.risk_level == events_pb2.RISK_LEVEL_MODERATE
    assert all(candidate.source != "protocol" for candidate in suggestion.candidates)

    # A rise re-alerts; the suggestion for that turn leads with the line's safety protocol.
    high = chat_event(conversation_id, 4, Message(HS, "יש לי כדורים בבית ואני מתכננת לקחת את כולם הלילה"))
    await platform.send_chat(high)
    second = (await wait_for_alerts(platform, conversation_id, 2))[1]
    assert high.event_id not in platform.deliveries
    assert second.event_id == high.event_id
    assert second.level >= events_pb2.RISK_LEVEL_HIGH
    assert second.previous_level == events_pb2.RISK_LEVEL_MODERATE
    answer = (await platform.wait_for(high.event_id, TIMEOUT)).suggestion
    assert answer.risk_level == second.level
    assert answer.candidates[0].source == "protocol"
    assert "101" in answer.candidates[0].text
    assert [c.index for c in answer.candidates] == list(range(len(answer.candidates)))
    assert len(answer.candidates) == stack.options.num_candidates

    # No rise, no alert: a later moderate turn and a calm one leave the alerts as they were.
    again = chat_event(conversation_id, 5, Message(HS, "אני עדיין חושבת על להתאבד"))
    calm = chat_event(conversation_id, 6, Message(HS, "טוב שאת פה"))
    await platform.send_chat(again)
    await platform.send_chat(calm)
    last = (await platform.wait_for(calm.event_id, TIMEOUT)).suggestion
    assert len(alerts_for(platform, conversation_id)) == 2
    # The conversation's level is its running maximum.
    assert last.risk_level == second.level
    assert last.candidates[0].source == "protocol"


async def test_no_alert_for_idioms_or_someone_else(platform: PlatformClient) -> None:
    conversation_id = "it-risk-2"
    messages = [
        Message(HS, "אני מת על הסדרה הזאת אבל היום היה יום ארוך"),
        Message(HS, "החברה שלי אמרה שהיא רוצה למות ואני דואגת לה"),
        Message(HS, "موت ضحك من أخوي الصغير"),
    ]
    events = [chat_event(conversation_id, index, message) for index, message in enumerate(messages, 1)]
    for event in events:
        await platform.send_chat(event)
    for event in events:
        suggestion = (await platform.wait_for(event.event_id, TIMEOUT)).suggestion
        assert suggestion.risk_level <= events_pb2.RISK_LEVEL_LOW
    assert alerts_for(platform, conversation_id) == []


async def test_an_unsafe_model_reply_never_reaches_the_counselor(
    stack: EmbeddedStack, platform: PlatformClient
) -> None:
    conversation_id = "it-safety-1"
    unsafe = "זו אשמתך שזה קרה, היית צריכה לחשוב על זה קודם."
    await standin_control(stack, "POST", "replies", {"texts": [unsafe]})
    try:
        event = chat_event(conversation_id, 1, Message(HS, "רבתי עם ההורים שלי והם זרקו אותי מהבית"))
        await platform.send_chat(event)
        suggestion = (await platform.wait_for(event.event_id, TIMEOUT)).suggestion
    finally:
        await standin_control(stack, "POST", "replies", {"texts": []})
    assert list(suggestion.safety_blocks) == ["blaming"]
    assert all(unsafe not in candidate.text for candidate in suggestion.candidates)
    sources = sorted(candidate.source for candidate in suggestion.candidates)
    assert sources == ["fallback", "model"]
    assert suggestion.status == events_pb2.SUGGESTION_STATUS_OK
    assert "safety gate" in suggestion.status_reason
