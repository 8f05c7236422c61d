"""Turn the inference service's answer (or its absence) into the Suggestion that gets published."""

from __future__ import annotations

from care.assembler.prompt import PromptMessage
from care.streaming.ids import suggestion_id
from care.v1 import events_pb2, inference_pb2


def suggest_request(
    event: events_pb2.PipelineEvent,
    messages: list[PromptMessage],
    num_candidates: int,
    max_new_tokens: int,
    prompt_tokens: int = 0,
    risk_level: events_pb2.RiskLevel = events_pb2.RISK_LEVEL_UNSPECIFIED,
) -> inference_pb2.SuggestRequest:
    chat = event.event
    return inference_pb2.SuggestRequest(
        request_id=suggestion_id(chat.event_id),
        conversation_id=chat.conversation_id,
        route=event.route.name,
        messages=[inference_pb2.PromptMessage(role=m.role, content=m.content) for m in messages],
        num_candidates=num_candidates,
        max_new_tokens=max_new_tokens,
        prompt_tokens=prompt_tokens,
        risk_level=risk_level,
    )


def base_suggestion(event: events_pb2.PipelineEvent, history_turns: int) -> events_pb2.Suggestion:
    chat = event.event
    suggestion = events_pb2.Suggestion(
        suggestion_id=suggestion_id(chat.event_id),
        conversation_id=chat.conversation_id,
        event_id=chat.event_id,
        route=event.route.name,
        complete=True,
        history_turns=history_turns,
    )
    suggestion.timings.CopyFrom(event.timings)
    if chat.HasField("sent_at"):
        suggestion.event_sent_at.CopyFrom(chat.sent_at)
    suggestion.created_at.GetCurrentTime()
    return suggestion


def from_response(
    event: events_pb2.PipelineEvent, history_turns: int, response: inference_pb2.SuggestResponse
) -> events_pb2.Suggestion:
    suggestion = base_suggestion(event, history_turns)
    suggestion.candidates.extend(response.candidates)
    suggestion.status = response.status
    suggestion.status_reason = response.status_reason
    suggestion.model = response.model
    suggestion.timings.inference_ms = response.total_ms
    suggestion.timings.time_to_first_token_ms = response.time_to_first_token_ms
    return suggestion


def no_suggestion(event: events_pb2.PipelineEvent, history_turns: int, reason: str) -> events_pb2.Suggestion:
    suggestion = base_suggestion(event, history_turns)
    suggestion.status = events_pb2.SUGGESTION_STATUS_NO_SUGGESTION
    suggestion.status_reason = reason
    return suggestion


def fallback(
    event: events_pb2.PipelineEvent,
    history_turns: int,
    candidates: list[events_pb2.Candidate],
    reason: str,
) -> events_pb2.Suggestion:
    suggestion = base_suggestion(event, history_turns)
    suggestion.candidates.extend(candidates)
    suggestion.status = events_pb2.SUGGESTION_STATUS_FALLBACK
    suggestion.status_reason = reason
    return suggestion


SUPERSEDED_REASON = "A newer message arrived; suggestions follow for the conversation as it is now."


def superseded(event: events_pb2.PipelineEvent, history_turns: int) -> events_pb2.Suggestion:
    suggestion = base_suggestion(event, history_turns)
    suggestion.status = events_pb2.SUGGESTION_STATUS_SUPERSEDED
    suggestion.status_reason = SUPERSEDED_REASON
    return suggestion


def partial(
    event: events_pb2.PipelineEvent, history_turns: int, candidates: list[events_pb2.Candidate]
) -> events_pb2.Suggestion:
    """Replies still being generated; the complete suggestion with the same id follows."""
    suggestion = base_suggestion(event, history_turns)
    suggestion.candidates.extend(candidates)
    suggestion.status = events_pb2.SUGGESTION_STATUS_OK
    suggestion.complete = False
    return suggestion
